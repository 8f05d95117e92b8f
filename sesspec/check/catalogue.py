"""The checker's rule catalogue: one stable id per rule, never renumbered or reused.

A retired rule keeps its id and is marked ``deprecated``. Each rule names the spec text it
enforces (``citation``: a URL, or a section of ``docs/spec-notes.md`` with its source) and the
default severity of its findings:

* ``error``: SES rejects or misreads the request;
* ``warning``: accepted today, but legacy, non-canonical or fragile;
* ``info``: worth knowing (which scheme, which encoder a client used, a verified signature).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["RULES", "Rule", "Severity", "rule"]


def __dir__() -> list[str]:
    return __all__


Severity = Literal["error", "warning", "info"]

_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"
_GUIDE_REQ = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-requests.html"
_GUIDE_AUTH = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-authentication.html"
_GUIDE_ERR = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-error-codes.html"
_COMMON = "https://docs.aws.amazon.com/ses/latest/APIReference/CommonParameters.html"
_SMITHY_Q = "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"
_DATES = "https://docs.aws.amazon.com/general/latest/gr/sigv4-date-handling.html"
_QUOTAS = "https://docs.aws.amazon.com/ses/latest/dg/quotas.html"
_MODEL = "botocore/data/ses/2010-12-01/service-2.json"
_RFC3986 = "https://www.rfc-editor.org/rfc/rfc3986#section-2.1"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the catalogue."""

    id: str
    severity: Severity
    title: str
    citation: str
    deprecated: bool = False


_LIST = (
    # --- transport ---------------------------------------------------------------------------
    Rule("HTTP001", "error", "request is not parseable HTTP/1.1", "RFC 9112 section 2-3"),
    Rule("HTTP002", "error", "sent over plain HTTP; SES accepts HTTPS only", f"{_GUIDE_REQ}; a6"),
    Rule("HTTP003", "error", "method is neither GET nor POST", f"{_GUIDE_REQ}"),
    Rule("HTTP004", "error", "Host header missing, repeated or not the URL's host", "RFC 9112 3.2"),
    Rule("HTTP005", "info", "Host is not an SES endpoint; region not taken from it", "a6"),
    Rule(
        "HTTP006",
        "error",
        "POST body is not application/x-www-form-urlencoded",
        f"{_SMITHY_Q}; {_GUIDE_REQ}",
    ),
    Rule(
        "HTTP007",
        "warning",
        "form Content-Type without charset=utf-8",
        "spec-notes g: boto/botocore#1285",
    ),
    Rule(
        "HTTP008",
        "error",
        "Content-Length missing, wrong, or a chunked body",
        f"{_SMITHY_Q} (Content-Length required, no chunked encoding)",
    ),
    Rule(
        "HTTP009",
        "warning",
        "operation parameters in the query string of a POST",
        f"{_GUIDE_REQ} (POST: parameters in the body)",
    ),
    Rule(
        "HTTP010", "error", "GET request with a body", f"{_GUIDE_REQ} (GET: parameters in the URL)"
    ),
    Rule(
        "HTTP011",
        "error",
        "SES v2 (JSON, /v2/email/...) request: out of scope of the 2010-12-01 Query API",
        _MODEL,
    ),
    Rule("HTTP012", "warning", "request path is not '/'", f"{_MODEL} (requestUri '/'); c2"),
    # --- encoding ----------------------------------------------------------------------------
    Rule("ENC001", "error", "malformed percent-escape", f"{_RFC3986}; spec-notes c2"),
    Rule("ENC002", "warning", "lower-case hex digits in a percent-escape", f"{_IAM}; h3"),
    Rule("ENC003", "error", "raw byte that must be percent-encoded", f"{_RFC3986}; c1"),
    Rule("ENC004", "error", "invalid UTF-8 after percent-decoding", f"{_IAM} (UTF-8); c1"),
    Rule(
        "ENC005",
        "error",
        "raw '+' decoded as a space where a literal plus was meant",
        f"{_GUIDE_REQ} ('+' is a space; a literal plus is %2B); n8n-io/n8n#9794",
    ),
    Rule(
        "ENC006",
        "error",
        "unescaped '=' inside a value (MalformedQueryString)",
        "spec-notes c2; n8n-io/n8n#1442",
    ),
    Rule(
        "ENC007",
        "error",
        "pair without '=': an unescaped '&' inside a value?",
        "spec-notes c2; WHATWG application/x-www-form-urlencoded parsing",
    ),
    Rule(
        "ENC008",
        "warning",
        "value still holds percent-escapes after decoding: double encoding?",
        "spec-notes g: tedder/requests-aws4auth#59; boto/boto#354",
    ),
    Rule(
        "ENC009",
        "warning",
        "raw message line endings rewritten (bare LF or CR where MIME wants CRLF)",
        "RFC 5322 section 2.1; spec-notes c4 (RawMessage.Data)",
    ),
    Rule(
        "ENC010",
        "info",
        "non-canonical but valid form encoding; the encoder that produced it",
        "spec-notes c1, c2, h2, h3",
    ),
    # --- parameters --------------------------------------------------------------------------
    Rule("PARAM001", "error", "Action missing (MissingAction)", f"{_COMMON}; {_GUIDE_ERR}"),
    Rule("PARAM002", "error", "unknown Action (InvalidAction)", f"{_GUIDE_ERR}; {_MODEL}"),
    Rule(
        "PARAM003", "warning", "Version missing or not 2010-12-01", f"{_COMMON}; spec-notes b, h5"
    ),
    Rule(
        "PARAM004",
        "error",
        "unknown parameter: SES ignores it silently",
        f"{_MODEL}; aristidb/aws#73",
    ),
    Rule(
        "PARAM005",
        "error",
        "list written Name.N instead of Name.member.N",
        f"{_SMITHY_Q}; spec-notes 0, h1",
    ),
    Rule("PARAM006", "error", "list index 0 (lists are 1-based)", f"{_SMITHY_Q}; c4"),
    Rule("PARAM007", "error", "gap in list indexes", "spec-notes c4 (moto reads to the first gap)"),
    Rule("PARAM008", "error", "parameter repeated", "spec-notes h4"),
    Rule("PARAM009", "error", "value of the wrong type for its member", f"{_MODEL}; c4"),
    Rule("PARAM010", "error", "required member missing", _MODEL),
    Rule("PARAM011", "error", "more than 50 recipients", f"{_QUOTAS}; f"),
    Rule(
        "PARAM012",
        "error",
        "RawMessage.Data not valid base64 or over 10 MB",
        f"{_QUOTAS}; pigeon-rs#2 (MalformedInput)",
    ),
    Rule(
        "PARAM013",
        "error",
        "tag name or value outside [A-Za-z0-9_-] or over 256 characters",
        f"{_MODEL} MessageTag; localstack#8588",
    ),
    Rule(
        "PARAM014",
        "warning",
        "SigV2 parameters (AWSAccessKeyId, Signature, ...) in an SES request",
        "spec-notes a1, b",
    ),
    Rule("PARAM015", "error", "value not one of the member's enum values", _MODEL),
    Rule("PARAM016", "error", "value outside the member's length or range limits", _MODEL),
    # --- authentication ----------------------------------------------------------------------
    Rule(
        "AUTH001",
        "error",
        "no authentication (MissingAuthenticationToken)",
        f"{_GUIDE_AUTH}; {_GUIDE_ERR}",
    ),
    Rule(
        "AUTH002",
        "error",
        "AWS3-HTTPS (X-Amzn-Authorization): refused by SES since 2020-10-01",
        f"{_GUIDE_AUTH}; spec-notes a1, a2",
    ),
    Rule("AUTH003", "error", "SigV2 query signature: never accepted by SES", "spec-notes a1"),
    Rule("AUTH004", "error", "malformed Authorization header (IncompleteSignature)", _IAM),
    Rule("AUTH005", "error", "credential scope not <date>/<region>/ses/aws4_request", _IAM),
    Rule(
        "AUTH006",
        "warning",
        "credential scope service 'email' (tolerated; 'ses' is canonical)",
        "a3, h6",
    ),
    Rule("AUTH007", "error", "credential scope date is not the request date", _DATES),
    Rule("AUTH008", "error", "credential scope region does not match the host", f"{_IAM}; a6"),
    Rule(
        "AUTH009",
        "error",
        "request date missing or malformed (X-Amz-Date or ISO 8601 Date)",
        f"{_DATES}; drewblas/aws-ses#69",
    ),
    Rule("AUTH010", "warning", "SigV4 date taken from an ISO 8601 Date header", f"{_COMMON}; h8"),
    Rule(
        "AUTH011",
        "error",
        "signed headers not lowercase and sorted, or host not signed",
        f"{_IAM}",
    ),
    Rule("AUTH012", "error", "a signed header is not in the request", _IAM),
    Rule("AUTH013", "warning", "an x-amz-* header is sent but not signed", f"{_IAM}; h7"),
    Rule("AUTH014", "error", "x-amz-content-sha256 does not match the body", _IAM),
    Rule(
        "AUTH015",
        "error",
        "presigned URL parameters missing or malformed",
        "https://docs.aws.amazon.com/general/latest/gr/sigv4-add-signature-to-request.html",
    ),
    Rule(
        "AUTH016",
        "error",
        "request outside the 15-minute window or past its expiry (RequestExpired)",
        f"{_GUIDE_ERR}; a5",
    ),
    Rule(
        "AUTH017",
        "warning",
        "session token placement: X-Amz-Security-Token not covered by the signature",
        f"{_IAM}; a3, a4",
    ),
    Rule(
        "AUTH018",
        "error",
        "signature does not match (SignatureDoesNotMatch)",
        f"{_IAM}; aws/aws-sdk-js#1443",
    ),
    Rule("AUTH019", "info", "signature verified", _IAM),
    Rule("AUTH020", "info", "signature value not verified: no credentials given", _IAM),
    Rule("AUTH021", "error", "header and query authentication mixed", "spec-notes a4"),
)

#: Every rule by id, in catalogue order.
RULES: dict[str, Rule] = {r.id: r for r in _LIST}


def rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id`` (``KeyError`` for an unknown id)."""
    return RULES[rule_id]
