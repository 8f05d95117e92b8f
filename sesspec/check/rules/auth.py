"""Authentication rules (AUTH): which scheme, its parts, and the signature itself
(``docs/spec.md#auth``).

A signature that does not match is explained, not just reported: the checker recomputes the
signature as the spec gives it (:func:`sesspec.signing.sigv4.recompute`, the one recomputation,
which ``sigv4.verify`` calls too), then the canonical requests that known client mistakes
produce (``docs/spec.md#sigv4-verification``, ``#bug``): the query canonicalised as sent,
``()'!*`` left as ``encodeURIComponent`` writes them, ``+`` for a space, keys sorted as ``k=v``
strings, the whole query unquoted first, header values not trimmed, another body encoding
signed than sent, the host without its port, a token added after signing, another service.
When one of those reproduces the client's signature, the finding names that cause and diffs
the two canonical requests: the explanation SES never gives beyond ``SignatureDoesNotMatch``.
Each mistake is modelled on the request as the view read it; only the ones that are a way of
misreading the bytes (the whole query unquoted) read them their own way.
"""

from __future__ import annotations

import difflib
import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import unquote

from sesspec.check._view import View
from sesspec.check.finding import Finding, Location, finding
from sesspec.check.rules import SesAnswer, Severity, declare
from sesspec.encoding import STYLES, canonical_query_string
from sesspec.errors import SigningError
from sesspec.masking import MASK, mask_text
from sesspec.signing import aws3, sigv2, sigv4

__all__ = ["AWS3_CUTOFF", "MASK", "RULES", "Credentials", "findings"]

_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"
_GUIDE_AUTH = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-authentication.html"
_GUIDE_ERR = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-error-codes.html"
_DATES = "https://docs.aws.amazon.com/general/latest/gr/sigv4-date-handling.html"
_COMMON = "https://docs.aws.amazon.com/ses/latest/APIReference/CommonParameters.html"
_ADD_SIGNATURE = "https://docs.aws.amazon.com/general/latest/gr/sigv4-add-signature-to-request.html"
_INCOMPLETE = SesAnswer("IncompleteSignature", order=1)
_MISMATCH = SesAnswer("SignatureDoesNotMatch", order=1, status=403, wording="signature")
_BEFORE_CUTOFF = "dated before 2020-10-01 (a historical capture, judged as of its own date)"

AUTH001 = declare(
    "AUTH001",
    "error",
    "no authentication (MissingAuthenticationToken)",
    ("auth-missing",),
    "A request with no Authorization, no X-Amzn-Authorization and no query authentication is "
    "answered MissingAuthenticationToken.",
    (_GUIDE_AUTH, _GUIDE_ERR),
    SesAnswer("MissingAuthenticationToken", order=1, status=403),
    remedy=(
        "Sign every request with SigV4: an Authorization: AWS4-HMAC-SHA256 header, or a presigned "
        "URL's X-Amz-* query parameters."
    ),
)
AUTH002 = declare(
    "AUTH002",
    "error",
    "AWS3-HTTPS (X-Amzn-Authorization): refused by SES since 2020-10-01",
    ("auth-cutoff", "aws3-header", "policy-legacy-dates"),
    "SES has accepted only SigV4 since 2020-10-01; the legacy AWS3-HTTPS header is answered "
    "InvalidClientTokenId.",
    (_GUIDE_AUTH, "https://github.com/django-ses/django-ses/issues/184"),
    SesAnswer(
        "InvalidClientTokenId",
        order=1,
        status=403,
        preamble="The security token included in the request is invalid. ",
    ),
    severities=(("warning", _BEFORE_CUTOFF),),
    remedy=(
        "Sign with SigV4 (AWS4-HMAC-SHA256, service ses) instead of AWS3-HTTPS: upgrade to a "
        "release of the client that does, or sign its requests with a SigV4 signer."
    ),
)
AUTH003 = declare(
    "AUTH003",
    "error",
    "SigV2 query signature: never accepted by SES",
    ("sigv2-status", "auth-cutoff", "policy-legacy-dates"),
    "SES never documented SigV2, and has accepted only SigV4 since 2020-10-01.",
    (_GUIDE_AUTH, "https://docs.aws.amazon.com/general/latest/gr/signature-version-2.html"),
    _INCOMPLETE,
    severities=(("warning", _BEFORE_CUTOFF),),
    remedy=(
        "Sign with SigV4 (AWS4-HMAC-SHA256, service ses) instead of SigV2, and drop SigV2's "
        "parameters."
    ),
)
AUTH004 = declare(
    "AUTH004",
    "error",
    "malformed Authorization header (IncompleteSignature)",
    ("sigv4-authorization-header",),
    "AWS4-HMAC-SHA256, a space, then Credential, SignedHeaders and Signature (64 lower-case "
    "hex digits), each once; anything else is IncompleteSignature.",
    (_IAM, _GUIDE_ERR),
    _INCOMPLETE,
    remedy=(
        "Write the header as 'AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=<names>, "
        "Signature=<64 lower-case hex digits>', each part once."
    ),
)
AUTH005 = declare(
    "AUTH005",
    "error",
    "credential scope not <date>/<region>/ses/aws4_request",
    ("sigv4-scope", "auth-service-name"),
    "The credential scope is YYYYMMDD/region/ses/aws4_request: five parts, each non-empty, "
    "printable ASCII, for the service ses.",
    (_IAM, "botocore/data/ses/2010-12-01/service-2.json (signingName)"),
    _INCOMPLETE,
    remedy="Sign with the credential scope <YYYYMMDD>/<region>/ses/aws4_request.",
)
AUTH006 = declare(
    "AUTH006",
    "warning",
    "credential scope service 'email' (tolerated; 'ses' is canonical)",
    ("auth-service-name", "policy-scope-email"),
    "SES signs as 'ses'; scopes with the endpoint prefix 'email' have been reported to work "
    "with SES Classic, not with SES v2.",
    (
        "https://github.com/cachethq/cachet/issues/2422",
        "https://github.com/n8n-io/n8n/pull/34270",
    ),
    None,
    remedy=(
        "Sign with the service name ses in the credential scope, not email (the endpoint prefix)."
    ),
)
AUTH007 = declare(
    "AUTH007",
    "error",
    "credential scope date is not the request date",
    ("sigv4-dates", "sigv4-scope"),
    "The scope's date is the request time's, to the day: one second across midnight fails.",
    (_DATES,),
    _MISMATCH,
    remedy=(
        "Take the scope's date from the same time as X-Amz-Date: its first eight digits, in UTC."
    ),
)
AUTH008 = declare(
    "AUTH008",
    "error",
    "credential scope region does not match the host",
    ("auth-region", "policy-region"),
    "SES derives the signing key for its own region, so a scope for another region is "
    "answered SignatureDoesNotMatch, not a region error.",
    (_IAM, "https://github.com/nodemailer/nodemailer-ses-transport/issues/10"),
    _MISMATCH,
    remedy=(
        "Sign for the region of the endpoint you send to (email.eu-west-1.amazonaws.com takes "
        ".../eu-west-1/ses/aws4_request): set the client's region and endpoint together."
    ),
)
AUTH009 = declare(
    "AUTH009",
    "error",
    "request date missing or malformed (X-Amz-Date or ISO 8601 Date)",
    ("sigv4-dates", "bug-no-date"),
    "SigV4 needs the request time as YYYYMMDD'T'HHMMSS'Z', in X-Amz-Date or an ISO 8601 Date; "
    "without one SES answers MissingParameter.",
    (_DATES, "https://github.com/drewblas/aws-ses/issues/69"),
    SesAnswer(
        "MissingParameter",
        order=1,
        preamble="Either Date or x-amz-date header must be specified in the request. ",
    ),
    remedy=(
        "Send the signing time in X-Amz-Date as YYYYMMDD'T'HHMMSS'Z' (UTC, no fractions of a "
        "second) and sign that header."
    ),
)
AUTH010 = declare(
    "AUTH010",
    "warning",
    "SigV4 date taken from an ISO 8601 Date header",
    ("sigv4-dates", "policy-iso-date"),
    "CommonParameters allows the date in an ISO 8601 Date header, which is not an HTTP date; "
    "X-Amz-Date is the place for it.",
    (_COMMON,),
    None,
    remedy="Send the signing time in an X-Amz-Date header, and sign it, rather than in Date.",
)
AUTH011 = declare(
    "AUTH011",
    "error",
    "signed headers not lowercase and sorted, or host not signed",
    ("sigv4-signed-headers", "sigv4-canonical-headers"),
    "SignedHeaders lists lower-case names, sorted, once each, host among them.",
    (_IAM,),
    _INCOMPLETE,
    remedy="List SignedHeaders in lower case, sorted, each name once, host among them.",
)
AUTH012 = declare(
    "AUTH012",
    "error",
    "a signed header is not in the request",
    ("sigv4-signed-headers",),
    "Every name SignedHeaders lists is a header of the request.",
    (_IAM,),
    _INCOMPLETE,
    remedy="Send every header SignedHeaders names, and name only headers you send.",
)
AUTH013 = declare(
    "AUTH013",
    "warning",
    "an x-amz-* header is sent but not signed",
    ("sigv4-canonical-headers", "policy-unsigned-amz"),
    "IAM-SIGV4 has every x-amz-* header signed; S3 refuses unsigned ones but others have "
    "accepted them, and SES's behaviour is not documented.",
    (_IAM, "https://github.com/mhart/aws4fetch/issues/66"),
    None,
    remedy=(
        "Sign every x-amz-* header you send (add it to SignedHeaders before computing the "
        "signature), or do not send it."
    ),
)
AUTH014 = declare(
    "AUTH014",
    "error",
    "x-amz-content-sha256 does not match the body",
    ("sigv4-payload-hash",),
    "When a client sends X-Amz-Content-SHA256, it is the SHA-256 of the body as sent.",
    (_IAM,),
    _INCOMPLETE,
    remedy="Compute X-Amz-Content-SHA256 over the body exactly as sent, or leave the header out.",
)
AUTH015 = declare(
    "AUTH015",
    "error",
    "presigned URL parameters missing or malformed",
    ("sigv4-presigned", "policy-expiry"),
    "A presigned URL carries X-Amz-Algorithm, -Credential, -Date, -SignedHeaders and "
    "-Signature, and its lifetime as a whole number of seconds of at least 1.",
    (_ADD_SIGNATURE, _IAM),
    _INCOMPLETE,
    severities=(
        (
            "warning",
            "X-Amz-Expires missing (only S3 requires it) or over 604800 s (7 days, "
            "S3's documented maximum; SES documents none)",
        ),
    ),
    remedy=(
        "Presign with X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and "
        "X-Amz-Signature, and give X-Amz-Expires as whole seconds from 1 to 604800."
    ),
)
AUTH016 = declare(
    "AUTH016",
    "error",
    "request outside the 15-minute window or past its expiry (RequestExpired)",
    ("sigv4-skew", "sigv4-expiry", "policy-expiry"),
    "SES refuses a request dated more than 15 minutes from its clock either way, and a "
    "presigned URL after X-Amz-Date + X-Amz-Expires.",
    (_GUIDE_ERR,),
    SesAnswer("RequestExpired", order=1),
    remedy=(
        "Sign with the current UTC time (keep the clock synchronised, sign just before sending, "
        "sign each retry again), and fetch a presigned URL before it expires."
    ),
)
AUTH017 = declare(
    "AUTH017",
    "warning",
    "session token placement: X-Amz-Security-Token not covered by the signature",
    ("auth-session-token",),
    "A session token travels as X-Amz-Security-Token, signed (a header for header signing, a "
    "query parameter for a presigned URL); botocore signs it for SES.",
    (_IAM, "botocore/auth.py"),
    None,
    remedy=(
        "Send the session token as X-Amz-Security-Token and sign it: as a signed header with header"
        " signing, as a query parameter added before signing for a presigned URL."
    ),
)
AUTH018 = declare(
    "AUTH018",
    "error",
    "signature does not match (SignatureDoesNotMatch)",
    ("sigv4-verification", "resp-signature-mismatch"),
    "The signature recomputed from the request as received differs from the one given; SES "
    "answers only SignatureDoesNotMatch, the checker names the client mistake that "
    "reproduces the client's signature.",
    (_IAM, "https://github.com/aws/aws-sdk-js/issues/1443"),
    _MISMATCH,
    remedy=(
        "Sign the request exactly as it is sent: the canonical request is built from the bytes on "
        "the wire (the query encoded with RFC 3986 UriEncode and sorted, the headers and the body "
        "as sent); the finding names the mistake that reproduces the client's signature and shows "
        "the diff."
    ),
)
AUTH019 = declare(
    "AUTH019",
    "info",
    "signature verified",
    ("sigv4-verification",),
    "The signature recomputed from the request as received is the one given.",
    (_IAM,),
    None,
    remedy="Nothing: the signature is right.",
)
AUTH020 = declare(
    "AUTH020",
    "info",
    "signature value not verified: no credentials given",
    ("sigv4-verification",),
    "Without the secret (or with credentials for another key) the signature's value cannot "
    "be recomputed; everything else is still judged.",
    (_IAM,),
    None,
    remedy=(
        "Nothing in the client: give sesspec the credentials (--access-key-id and "
        "--secret-access-key) and it verifies the signature."
    ),
)
AUTH021 = declare(
    "AUTH021",
    "error",
    "header and query authentication mixed",
    ("auth-one-method",),
    "Authentication goes in the Authorization header or in the query, never both.",
    (_IAM,),
    _INCOMPLETE,
    remedy=(
        "Authenticate in one place: the Authorization header, or a presigned URL's query "
        "parameters, never both."
    ),
)

#: The authentication rules, in catalogue order.
RULES = (
    AUTH001,
    AUTH002,
    AUTH003,
    AUTH004,
    AUTH005,
    AUTH006,
    AUTH007,
    AUTH008,
    AUTH009,
    AUTH010,
    AUTH011,
    AUTH012,
    AUTH013,
    AUTH014,
    AUTH015,
    AUTH016,
    AUTH017,
    AUTH018,
    AUTH019,
    AUTH020,
    AUTH021,
)

_SKEW = timedelta(minutes=15)  # GUIDE-ERR RequestExpired; docs/spec.md#sigv4-skew
_MAX_EXPIRES = 604_800  # docs/spec.md#policy-expiry: S3's documented maximum (7 days)
_TOKEN_HEADER = "x-amz-security-token"  # noqa: S105 (a header name)
_TOKEN_PARAM = "X-Amz-Security-Token"  # noqa: S105 (a parameter name)
_ENC = "utf-8"
_ERR = "surrogateescape"
_AUTHORIZATION = Location("header", "Authorization")


@dataclass(frozen=True, slots=True)
class Credentials:
    """The fake credentials a request was signed with (never real ones). The repr masks the
    secret key and the session token."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = field(default=None)

    def __repr__(self) -> str:
        token = "None" if self.session_token is None else MASK
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key={MASK}, "
            f"session_token={token})"
        )


def findings(view: View, *, credentials: Credentials | None, now: datetime | None) -> list[Finding]:
    """AUTH001-AUTH021 for the request the view read."""
    authorization = view.header("authorization")
    has_v4_header = (authorization or "").startswith(sigv4.ALGORITHM)
    other_header = authorization is not None and not has_v4_header
    query = view.query or []
    presigned = any(s.name in {"X-Amz-Algorithm", "X-Amz-Signature"} for s in query)
    aws3_value = view.header("x-amzn-authorization")
    all_pairs = [(s.name, s.value) for s in (*query, *(view.body or []))]
    sigv2_used = any(n == "SignatureVersion" for n, _ in all_pairs) and any(
        n == "Signature" for n, _ in all_pairs
    )

    out: list[Finding] = []
    if has_v4_header and presigned:
        message = "an Authorization header and X-Amz-* query authentication in one request"
        out.append(finding(AUTH021, message, _AUTHORIZATION))
    if aws3_value is not None:
        out += _aws3(view, credentials, now)
    if sigv2_used:
        out += _sigv2(view, all_pairs, credentials, now)
    if other_header:
        message = f"Authorization {(authorization or '')[:40]!r} is not AWS4-HMAC-SHA256"
        out.append(finding(AUTH004, message, _AUTHORIZATION))
    if view.auth is not None:
        out += _sigv4(view, view.auth, credentials, now)
    elif aws3_value is None and not sigv2_used and not other_header:
        message = "no Authorization header, no X-Amz-* query authentication"
        out.append(finding(AUTH001, message, _AUTHORIZATION))
    return out


# --- legacy schemes ---------------------------------------------------------------------------


#: SES accepted AWS3-HTTPS (and, by the issue's account, SigV2) until this date (GUIDE-AUTH;
#: docs/spec.md#auth-cutoff).
AWS3_CUTOFF = datetime(2020, 10, 1, tzinfo=UTC)


def _legacy_severity(
    view: View, now: datetime | None, *, sigv2_pairs: Sequence[tuple[str, str]] = ()
) -> Severity:
    """An error today; a warning for a request dated before the cut-off (judged as of then):
    ``now`` when given, else the request's own date (its date header, or SigV2's Timestamp)."""
    when = now
    if when is None:
        header = view.header("x-amz-date") or view.header("date")
        if header is not None:
            when = aws3.request_time(header)
        else:
            stamp = next((v for n, v in sigv2_pairs if n == "Timestamp"), "")
            when = sigv2.request_time(stamp)
    if when is not None and when.replace(tzinfo=when.tzinfo or UTC) < AWS3_CUTOFF:
        return "warning"
    return "error"


def _aws3(view: View, credentials: Credentials | None, now: datetime | None) -> list[Finding]:
    where = Location("header", "X-Amzn-Authorization")
    severity = _legacy_severity(view, now)
    if credentials is None:
        note = "not verified (no credentials)"
    else:
        result = aws3.verify(view.request, secret_access_key=credentials.secret_access_key, now=now)
        note = "valid on its own terms" if result.ok else f"and invalid: {result.reason}"
        if result.kind == "mismatch":
            detail = (
                f"string to sign (the Date value): {result.string_to_sign!r}\n"
                f"expected: {result.expected_signature}\ngiven:    {result.given_signature}"
            )
            return [
                finding(
                    AUTH002,
                    "AWS3-HTTPS signature (SigV3); SES refuses it since 2020-10-01",
                    where,
                    severity=severity,
                ),
                finding(
                    AUTH018,
                    "AWS3-HTTPS signature does not match the Date header's HMAC",
                    where,
                    detail=detail,
                ),
            ]
    message = f"AWS3-HTTPS signature (SigV3), {note}; SES has refused it since 2020-10-01"
    return [finding(AUTH002, message, where, severity=severity)]


def _sigv2(
    view: View,
    pairs: list[tuple[str, str]],
    credentials: Credentials | None,
    now: datetime | None,
) -> list[Finding]:
    note = "not verified (no credentials)"
    if credentials is not None:
        result = sigv2.verify_params(
            pairs,
            secret_access_key=credentials.secret_access_key,
            method=view.method,
            host=view.host or "",  # string_to_sign lower-cases it
            path=view.path,
            now=now,
        )
        note = "valid on its own terms" if result.ok else f"invalid: {result.reason}"
    message = f"SigV2 query signature, {note}; never documented for SES, refused since 2020-10-01"
    severity = _legacy_severity(view, now, sigv2_pairs=pairs)
    return [finding(AUTH003, message, Location("param", "Signature"), severity=severity)]


# --- SigV4 -------------------------------------------------------------------------------------


def _read_whole(view: View, read: sigv4.Authorization) -> tuple[str | None, list[Finding]]:
    """The findings on what the request says about its signature, and its request date's value
    when the authorization could be read whole enough to judge the rest (None: it could not)."""
    if not read.presigned:
        credential = read.fields.get("Credential", "").strip()
        if credential and credential.count("/") != 4:
            message = (
                f"Credential={credential!r}: must be <access key id>/<YYYYMMDD>/<region>/ses/"
                "aws4_request"
            )
            return None, [finding(AUTH005, message, _AUTHORIZATION)]
        problem = read.first()
        if problem is not None:
            rule = AUTH005 if problem.error_kind == "scope" else AUTH004
            return None, [finding(rule, problem.message, _AUTHORIZATION)]
        return view.header("x-amz-date") or view.header("date") or "", []
    where = Location("query")
    missing = [
        p.field
        for p in read.problems
        if p.kind == "missing" and p.field in sigv4.PRESIGNED_PARAMS[:5]
    ]
    problems: list[Finding] = []
    if missing:
        problems.append(finding(AUTH015, f"presigned URL lacks {', '.join(missing)}", where))
    if read.first("algorithm") is not None:
        message = f"X-Amz-Algorithm={read.fields['X-Amz-Algorithm']!r}, not {sigv4.ALGORITHM}"
        problems.append(finding(AUTH015, message, Location("param", "X-Amz-Algorithm")))
    text = read.fields.get("X-Amz-Expires")
    expires_at = Location("param", "X-Amz-Expires")
    if text is None:
        # Only S3 requires it (docs/spec.md#policy-expiry; mhart/aws4 sends it for S3 alone);
        # elsewhere the URL is good for the 15-minute window around X-Amz-Date.
        message = "no X-Amz-Expires: the URL is good only within 15 minutes of X-Amz-Date"
        problems.append(finding(AUTH015, message, where, severity="warning"))
    elif read.first("expires") is not None:
        message = f"X-Amz-Expires={text[:40]!r}: a whole number of seconds, at least 1"
        problems.append(finding(AUTH015, message, expires_at))
    elif read.expires is not None and read.expires > _MAX_EXPIRES:
        message = (
            f"X-Amz-Expires={text[:40]}: longer than {_MAX_EXPIRES} s (7 days), the most AWS "
            "documents for a SigV4 presigned URL (S3); SES documents no maximum"
        )
        problems.append(finding(AUTH015, message, expires_at, severity="warning"))
    if missing:
        return None, problems
    # the scope as the reader judged it (five parts, a YYYYMMDD date), as for the header
    unread = read.first("credential", "scope-date")
    if unread is not None:
        where = Location("param", "X-Amz-Credential")
        return None, [*problems, finding(AUTH005, unread.message, where)]
    return read.fields["X-Amz-Date"], problems


def _sigv4(
    view: View, parts: sigv4.Authorization, credentials: Credentials | None, now: datetime | None
) -> list[Finding]:
    date_value, out = _read_whole(view, parts)
    if date_value is None:
        return out + _partial_findings(view, parts)
    presigned = parts.presigned
    where = Location("param", "X-Amz-Credential") if presigned else _AUTHORIZATION
    scope = (parts.access_key_id, parts.date, parts.region, parts.service)
    if not all(p.isascii() and p.isprintable() for p in scope):
        message = f"credential scope {'/'.join(scope)!r} is not printable ASCII"
        return [*out, finding(AUTH005, message, where)]

    # credential scope (IAM-SIGV4): YYYYMMDD/region/ses/aws4_request; a date that is not
    # YYYYMMDD is the reader's problem, reported by _read_whole
    if parts.service == "email":
        message = "scope service 'email' (the endpoint prefix); SES v1 tolerates it, 'ses' is right"
        out.append(finding(AUTH006, message, where))
    elif parts.service != "ses":
        message = f"scope service {parts.service!r}: SES signs as 'ses'"
        out.append(finding(AUTH005, message, where))
    host_region = view.region
    if host_region is not None and parts.region != host_region:
        message = (
            f"scope region {parts.region!r} but the host is in {host_region!r}: SES answers "
            "SignatureDoesNotMatch"
        )
        out.append(finding(AUTH008, message, where))

    # dates (sigv4-date-handling): X-Amz-Date first, else an ISO 8601 basic Date
    when = sigv4.request_time(date_value)
    date_where = Location("param" if presigned else "header", "X-Amz-Date")
    if when is None:
        out.append(_bad_date(date_value, presigned=presigned))
    else:
        if not presigned and view.header("x-amz-date") is None:
            message = "the SigV4 date comes from the Date header (ISO 8601 basic); send X-Amz-Date"
            out.append(finding(AUTH010, message, Location("header", "Date")))
        if date_value[:8] != parts.date:
            message = f"scope date {parts.date} but the request date is {date_value[:8]}"
            out.append(finding(AUTH007, message, where))
        if now is not None:
            out += _time_findings(when, parts, now, date_where)

    out += _signed_header_findings(view, parts.signed_headers, presigned=presigned)
    out += _payload_findings(view)
    out += _verify(view, parts, date_value, credentials)
    return out


def _time_findings(
    when: datetime, parts: sigv4.Authorization, now: datetime, where: Location
) -> list[Finding]:
    problem = sigv4.time_problem(when, now=now, expires=parts.expires, max_skew=_SKEW)
    if problem is None:
        return []
    kind, message = problem
    at = Location("param", "X-Amz-Expires") if kind == "expired" else where
    return [finding(AUTH016, message, at)]


def _partial_findings(view: View, read: sigv4.Authorization) -> list[Finding]:
    """What can still be judged when the Authorization (or presign) parameters did not parse:
    the signed header list and the request date, so that every problem is reported."""
    presigned = read.presigned
    if presigned:
        names = read.fields.get("X-Amz-SignedHeaders")
        date_value = read.fields.get("X-Amz-Date", "")
    else:
        names = read.fields.get("SignedHeaders")
        date_value = view.header("x-amz-date") or view.header("date") or ""
    out: list[Finding] = []
    if names:
        out += _signed_header_findings(view, tuple(names.split(";")), presigned=presigned)
    if sigv4.request_time(date_value) is None:
        out.append(_bad_date(date_value, presigned=presigned))
    return out


def _bad_date(date_value: str, *, presigned: bool) -> Finding:
    shown = repr(date_value) if date_value else "missing"
    return finding(
        AUTH009,
        f"request date {shown}: SigV4 needs X-Amz-Date as YYYYMMDD'T'HHMMSS'Z'",
        Location("param" if presigned else "header", "X-Amz-Date"),
    )


def _signed_header_findings(
    view: View, signed: tuple[str, ...], *, presigned: bool
) -> list[Finding]:
    out: list[Finding] = []
    where = Location("param", "X-Amz-SignedHeaders") if presigned else _AUTHORIZATION
    names = list(signed)
    if names != sorted({n.lower() for n in names}):
        message = f"SignedHeaders {';'.join(names)!r}: names must be lowercase, sorted and unique"
        out.append(finding(AUTH011, message, where))
    lowered = {n.lower() for n in names}
    if "host" not in lowered:
        # AWS's words for it (docs/spec.md#sigv4-signed-headers), which strict mode answers.
        message = (
            "SignedHeaders lacks host: 'Host' or ':authority' must be a 'SignedHeader' in the "
            "AWS Authorization."
        )
        out.append(finding(AUTH011, message, where))
    present = set(view.by_name)
    absent = sorted(lowered - present)
    if absent:
        out.append(finding(AUTH012, f"signed but not sent: {', '.join(absent)}", where))
    unsigned = sorted(
        n for n in present if n.startswith("x-amz-") and n not in lowered and n != _TOKEN_HEADER
    )
    if unsigned:
        message = f"x-amz-* header(s) sent but not signed: {', '.join(unsigned)}"
        out.append(finding(AUTH013, message, Location("header", unsigned[0])))
    token_at = Location("header", _TOKEN_PARAM)
    if _TOKEN_HEADER in present and _TOKEN_HEADER not in lowered:
        message = "X-Amz-Security-Token sent as a header but not signed"
        out.append(finding(AUTH017, message, token_at))
    if presigned and _TOKEN_HEADER in present:
        message = "a presigned URL carries the session token in the query, not as a header"
        out.append(finding(AUTH017, message, token_at))
    return out


def _payload_findings(view: View) -> list[Finding]:
    given = view.header("x-amz-content-sha256")
    if given is None or given in {sigv4.UNSIGNED_PAYLOAD, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}:
        return []
    actual = view.payload_hash()
    if given.lower() != actual:
        message = f"x-amz-content-sha256 {given[:16]}... but the body hashes to {actual[:16]}..."
        return [finding(AUTH014, message, Location("header", "X-Amz-Content-SHA256"))]
    return []


# --- the signature value -----------------------------------------------------------------------


@dataclass(slots=True)
class _Request:
    """What every recomputation of this request shares: the request as the view read it, the
    authorization it carries, its request date, the secret, and the payload hash the spec
    gives (the body's, or ``UNSIGNED-PAYLOAD`` where the request declares it)."""

    view: View
    parts: sigv4.Authorization
    date_value: str
    secret: str
    payload_hash: str

    def stages(
        self,
        *,
        query: str | None = None,
        headers: str | None = None,
        payload: str | None = None,
        parts: sigv4.Authorization | None = None,
    ) -> sigv4.Stages | None:
        """The stages the spec gives (:func:`sesspec.signing.sigv4.recompute`, which the
        verifier calls too), or what a client computes when one part is made as its mistake
        makes it; None when a signed header is not in the request (AUTH012)."""
        try:
            return sigv4.recompute(
                self.view.request,
                self.parts if parts is None else parts,
                amz_date=self.date_value,
                secret_access_key=self.secret,
                canonical_query=query,
                canonical_headers=headers,
                payload_hash=self.payload_hash if payload is None else payload,
            )
        except SigningError:
            return None


def _request(view: View, parts: sigv4.Authorization, date_value: str, secret: str) -> _Request:
    given = view.header("x-amz-content-sha256")
    hashed = given if given == sigv4.UNSIGNED_PAYLOAD else view.payload_hash()
    return _Request(view, parts, date_value, secret, hashed)


def _verify(
    view: View, parts: sigv4.Authorization, date_value: str, credentials: Credentials | None
) -> list[Finding]:
    where = Location("param", "X-Amz-Signature") if parts.presigned else _AUTHORIZATION
    if credentials is None:
        return [finding(AUTH020, "signature value not verified: no credentials given", where)]
    if credentials.access_key_id != parts.access_key_id:
        message = (
            f"signed with access key id {parts.access_key_id!r}, credentials given for "
            f"{credentials.access_key_id!r}: not verified"
        )
        return [finding(AUTH020, message, where)]
    if sigv4.request_time(date_value) is None:
        return []  # AUTH009 already says why no signature can be computed
    request = _request(view, parts, date_value, credentials.secret_access_key)
    expected = request.stages()
    if expected is None:
        return []  # AUTH012: a signed header is missing; nothing to recompute
    host_region = view.region
    if hmac.compare_digest(expected.signature.encode(), parts.signature.encode()):
        if host_region is not None and host_region != parts.region:
            # SES derives the key for its own region (nodemailer-ses-transport#10).
            ses_side = request.stages(parts=replace(parts, region=host_region))
            message = (
                f"the signature is right for region {parts.region!r}, but the endpoint is in "
                f"{host_region!r} and SES answers SignatureDoesNotMatch"
            )
            detail = _diff(expected, ses_side) if ses_side is not None else ""
            return [finding(AUTH018, message, where, detail=detail)]
        if list(parts.signed_headers) != sorted({n.lower() for n in parts.signed_headers}):
            return []  # AUTH011: SES refuses the malformed list before any signature check
        if "host" not in parts.signed_headers:
            return []  # AUTH011: a signature without host holds for any endpoint; refused
        if parts.service not in {"ses", "email"}:
            return []  # AUTH005: SES refuses a scope for another service
        return [finding(AUTH019, "signature verified", where)]
    for mistake in _mistakes(request):
        if mistake.stages is not None and mistake.stages.signature == parts.signature:
            found = [
                finding(
                    AUTH018,
                    f"signature does not match: {mistake.cause}",
                    where,
                    detail=_diff(mistake.stages, expected),
                )
            ]
            if mistake.token_after_signing:
                message = "X-Amz-Security-Token was added to the query after signing"
                found.append(finding(AUTH017, message, Location("param", _TOKEN_PARAM)))
            return found
    detail = (
        "The spec's canonical request:\n"
        f"{_masked(expected.canonical_request)}\n\nThe spec's string to sign:\n"
        f"{expected.string_to_sign}\n\nexpected signature {expected.signature}\n"
        f"given signature    {parts.signature}"
    )
    message = (
        "signature does not match, and no known client mistake reproduces it: a wrong secret "
        "key, or the request changed after it was signed"
    )
    return [finding(AUTH018, message, where, detail=detail)]


def _masked(canonical_request: str) -> str:
    """``canonical_request`` with the session token's value written :data:`MASK` (the one
    masker, :func:`sesspec.masking.mask_text`): a finding's detail is printed, and the token is
    a secret (the secret key never appears in it)."""
    return mask_text(canonical_request, fill=MASK)


def _diff(client: sigv4.Stages, spec: sigv4.Stages) -> str:
    """The client's stages against the spec's: a unified diff of each, or the canonical
    request once when both sides share it (a wrong region or service shows in the scope).
    The session token is masked in both canonical requests."""
    client_creq = _masked(client.canonical_request)
    spec_creq = _masked(spec.canonical_request)
    if client_creq == spec_creq:
        creq = ["canonical request (the same on both sides):", spec_creq]
    else:
        creq = list(
            difflib.unified_diff(
                client_creq.splitlines(),
                spec_creq.splitlines(),
                "canonical request the client signed",
                "canonical request the spec gives",
                lineterm="",
            )
        )
    sts = difflib.unified_diff(
        client.string_to_sign.splitlines(),
        spec.string_to_sign.splitlines(),
        "string to sign the client used",
        "string to sign the spec gives",
        lineterm="",
    )
    return "\n".join([*creq, "", *sts])


class _Mistake(NamedTuple):
    """A known client mistake: what it is, in words, and the stages it computes."""

    cause: str
    stages: sigv4.Stages | None
    token_after_signing: bool = False


def _join(items: list[tuple[str, str]]) -> str:
    return "&".join(f"{n}={v}" for n, v in items)


def _mistakes(request: _Request) -> Iterator[_Mistake]:
    """The canonical requests that known client bugs compute, from the request as read."""
    view, parts = request.view, request.parts
    query = [s for s in (view.query or []) if not (parts.presigned and s.name == "X-Amz-Signature")]
    # a token in the query that the signature left out: appended to a presigned URL, or to the
    # query of a request signed in its header, once it was signed
    if any(s.name == _TOKEN_PARAM for s in query):
        without = sigv4.canonical_query_of(
            (s.name_bytes, s.value_bytes) for s in query if s.name != _TOKEN_PARAM
        )
        yield _Mistake(
            "the session token was appended after signing: the canonical query left it out "
            "(docs/spec.md#auth-session-token: it is signed)",
            request.stages(query=without),
            token_after_signing=True,
        )
    if query:
        raw = [(s.raw_name.decode(_ENC, _ERR), s.raw_value.decode(_ENC, _ERR)) for s in query]
        decoded = [(s.name, s.value) for s in query]
        for style, cause in (
            ("python-urlencode", "quote_plus, which writes a space as '+' (aws-requests-auth#40)"),
            ("js-encodeuricomponent", "encodeURIComponent, which leaves !'()* unescaped"),
            ("python2-urlencode", "an RFC 1738 encoder, which escapes '~' as %7E"),
        ):
            enc = STYLES[style].quote
            yield _Mistake(
                f"the client encoded the canonical query with {cause}",
                request.stages(query=_join(sorted((enc(n), enc(v)) for n, v in decoded))),
            )
        yield _Mistake(
            "the client put the query into the canonical request as sent, without decoding and "
            "UriEncoding each name and value (e.g. '()' or \"'\" left unescaped, or '+' for a "
            "space; docs/spec.md#enc-form-styles, node-ses#63)",
            request.stages(query=_join(sorted(raw))),
        )
        yield _Mistake(
            "the client sorted the query as joined 'name=value' strings, not by name then value "
            "(requests-aws4auth#45)",
            request.stages(query="&".join(sorted(f"{n}={v}" for n, v in raw))),
        )
        # requests-aws4auth#59: the whole query unquoted, then split and each part re-quoted,
        # so an escaped '&' or '=' inside a value becomes a separator. (The client's misreading
        # of the bytes, modelled as it reads them.)
        exclude = {"X-Amz-Signature"} if parts.presigned else set()
        double = [seg.partition("=") for seg in unquote(view.request.query).split("&")]
        requoted = canonical_query_string([(n, v) for n, _, v in double if n not in exclude])
        yield _Mistake(
            "the client unquoted the whole query before splitting it, so %26 / %3D inside a "
            "value became separators (requests-aws4auth#59)",
            request.stages(query=requoted),
        )
    # Header values signed without trimming and folding (IAM-SIGV4 asks for both): each value
    # as its field value with its inner runs of spaces kept, or the text after the colon as
    # received, leading space and all.
    signed = {s.lower() for s in parts.signed_headers}
    cause = "the client did not trim and fold whitespace in the signed header values"
    for lines in (view.headers, view.request.field_lines()):
        untrimmed = "".join(
            f"{n.lower()}:{v}\n"
            for n, v in sorted(lines, key=lambda h: h[0].lower())
            if n.lower() in signed
        )
        yield _Mistake(cause, request.stages(headers=untrimmed))
    host = view.host or ""
    if ":" in host:
        bare = host.rsplit(":", 1)[0]
        yield _Mistake(
            f"the client signed host {bare!r} without the port it sent ({host!r})",
            request.stages(headers=_with_host(view, parts, bare)),
        )
    body = view.request.body
    if body:  # signed through its payload hash, presigned or not
        pairs = [(s.name, s.value) for s in view.body or []]
        for style in ("rfc3986", "python-urlencode", "js-encodeuricomponent", "whatwg"):
            encoded = STYLES[style].encode_pairs(pairs)
            if encoded != body:
                yield _Mistake(
                    f"the client signed the body encoded as {style} but sent other bytes: "
                    "encode once and sign the bytes sent (n8n-io/n8n#2068)",
                    request.stages(payload=sigv4.payload_hash(encoded)),
                )
    for other in ("ses", "email"):
        if parts.service != other:
            yield _Mistake(
                f"the client signed with service {other!r} but wrote {parts.service!r} in the "
                "scope",
                request.stages(parts=replace(parts, service=other)),
            )


def _with_host(view: View, parts: sigv4.Authorization, host: str) -> str:
    headers = [(n, host if n.lower() == "host" else v) for n, v in view.headers]
    try:
        return sigv4.canonical_headers(headers, signed=parts.signed_headers)
    except SigningError:
        return ""
