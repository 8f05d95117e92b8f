"""Transport rules (HTTP): the message, TLS, method, Host, Content-Type, Content-Length, path,
and where the parameters go (``docs/spec.md#http``)."""

from __future__ import annotations

import re

from sesspec.check._view import View
from sesspec.check.finding import Finding, Location, finding
from sesspec.check.rules import SesAnswer, declare

__all__ = ["RULES", "bare_lf", "findings", "unparseable"]

_IPV = SesAnswer("InvalidParameterValue", order=4)
_GUIDE_REQ = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-requests.html"
_SMITHY_Q = "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"
_MODEL = "botocore/data/ses/2010-12-01/service-2.json"

HTTP001 = declare(
    "HTTP001",
    "error",
    "request is not parseable HTTP/1.1",
    ("http-message",),
    "SES reads an HTTP/1.1 message: a request line, header lines, an empty line, the body; "
    "what is not one cannot be judged further, and a limit sesspec reads to ends the reading.",
    ("RFC 9112 sections 2-3", "RFC 9110 section 5.5"),
    _IPV,
    remedy=(
        "Send a well-formed HTTP/1.1 request: the request line 'METHOD /path HTTP/1.1', header "
        "lines ending in CRLF with no CR, LF or NUL inside a value, an empty line, then the body."
    ),
)
HTTP002 = declare(
    "HTTP002",
    "error",
    "sent over plain HTTP; SES accepts HTTPS only",
    ("http-https",),
    'SES answers only over TLS ("Amazon SES doesn\'t support HTTP requests").',
    (_GUIDE_REQ,),
    None,  # serving plain HTTP is the endpoint's own choice: strict mode does not refuse it
    remedy=(
        "Send to the https:// endpoint (https://email.<region>.amazonaws.com), never to plain "
        "http://."
    ),
)
HTTP003 = declare(
    "HTTP003",
    "error",
    "method is neither GET nor POST",
    ("http-method",),
    "SES takes its parameters from a GET's query or a POST's form body, nothing else.",
    (_GUIDE_REQ, _SMITHY_Q),
    _IPV,
    remedy=(
        "Send the action as a POST with a form body, as the SDKs do, or as a GET with the "
        "parameters in the query string."
    ),
)
HTTP004 = declare(
    "HTTP004",
    "error",
    "Host header missing, repeated or not the URL's host",
    ("http-host", "policy-host-port"),
    "Exactly one Host, the authority of the target; SigV4 always signs it.",
    ("RFC 9110 section 7.2", "RFC 9112 section 3.2"),
    _IPV,
    remedy=(
        "Send exactly one Host header, equal to the URL's host (with its port when it is not the "
        "scheme's default), and sign that same value."
    ),
)
HTTP005 = declare(
    "HTTP005",
    "info",
    "Host is not an SES endpoint; region not taken from it",
    ("http-endpoints", "policy-region"),
    "SES hosts are email.<region>.amazonaws.com (and their FIPS, dual-stack and partition "
    "forms); for any other host (a mock, a proxy) the region comes from the scope alone.",
    ("botocore/data/ses/2010-12-01/endpoint-rule-set-1.json",),
    None,
    remedy=(
        "Nothing, for a mock or a proxy; against SES, send to email.<region>.amazonaws.com, so that"
        " the host and the credential scope name the same region."
    ),
)
HTTP006 = declare(
    "HTTP006",
    "error",
    "POST body is not application/x-www-form-urlencoded",
    ("http-content-type",),
    "An SES Classic POST carries its parameters as an application/x-www-form-urlencoded body.",
    (_SMITHY_Q, _GUIDE_REQ),
    _IPV,
    remedy=(
        "Send the POST body as form pairs (Action=SendEmail&Version=2010-12-01&...) with "
        "Content-Type: application/x-www-form-urlencoded; a JSON body belongs to SES v2, at "
        "/v2/email/...."
    ),
)
HTTP007 = declare(
    "HTTP007",
    "info",
    "form Content-Type without charset=utf-8",
    ("http-charset", "bug-missing-charset"),
    "The parameters are UTF-8 whatever the header says. SES takes SigV4 alone, which signs the "
    "body as bytes, and the AWS SDKs built on Smithy's protocol tests send the bare media type, "
    "so a missing charset changes nothing; naming another charset invites a misreading.",
    (
        "https://github.com/boto/botocore/pull/1285",
        "smithy-lang/smithy smithy-aws-protocol-tests/model/awsQuery/input-lists.smithy",
        "https://url.spec.whatwg.org/#urlencoded-parsing",
    ),
    _IPV,
    severities=(("error", "a charset other than UTF-8: the bytes are UTF-8 whatever it says"),),
    remedy=(
        "Nothing, when the charset is left out. When the header names one, name UTF-8: send "
        "'application/x-www-form-urlencoded; charset=utf-8', as botocore does, or the bare "
        "media type, as the AWS SDKs for JavaScript v3 and Go v2 do; never another charset."
    ),
)
HTTP008 = declare(
    "HTTP008",
    "error",
    "Content-Length missing, wrong, or a chunked body",
    ("http-content-length",),
    "A POST carries Content-Length equal to its body, once; awsQuery has no chunked bodies.",
    (_SMITHY_Q, "RFC 9112 section 6"),
    _IPV,
    remedy=(
        "Send a Content-Length equal to the body's length in bytes, once, and the body whole, "
        "without Transfer-Encoding: chunked."
    ),
)
HTTP009 = declare(
    "HTTP009",
    "warning",
    "operation parameters in the query string of a POST",
    ("http-params-location",),
    "A POST's parameters go in its body; whether SES merges a query into them is undocumented "
    "and signers treat the two differently.",
    (_GUIDE_REQ,),
    None,
    remedy=(
        "Put every operation parameter in the POST's form body and leave the query string empty."
    ),
)
HTTP010 = declare(
    "HTTP010",
    "error",
    "GET request with a body",
    ("http-params-location",),
    "A GET carries its parameters in the URL and has no body.",
    (_GUIDE_REQ,),
    _IPV,
    remedy=(
        "Send a GET without a body, with the parameters in the URL's query string, or send a POST "
        "with them in its form body."
    ),
)
HTTP011 = declare(
    "HTTP011",
    "error",
    "SES v2 (JSON, /v2/email/...) request: out of scope of the 2010-12-01 Query API",
    ("http-ses-v2",),
    "A /v2/email/... path or a JSON body is the SES v2 REST API, which this spec does not "
    "cover: nothing else is judged.",
    (_MODEL,),
    _IPV,
    remedy=(
        "To call SES Classic, POST form pairs to '/'; a JSON request to /v2/email/... is SES v2, "
        "which the 2010-12-01 Query API rules do not judge."
    ),
)
HTTP012 = declare(
    "HTTP012",
    "warning",
    "request path is not '/'",
    ("http-path",),
    "Every SES Classic operation is served at '/'.",
    (f"{_MODEL} (requestUri '/')", _SMITHY_Q),
    None,
    remedy=(
        "Send the request to the path '/' (https://email.<region>.amazonaws.com/), with the "
        "parameters in the body or the query."
    ),
)

#: The transport rules, in catalogue order.
RULES = (
    HTTP001,
    HTTP002,
    HTTP003,
    HTTP004,
    HTTP005,
    HTTP006,
    HTTP007,
    HTTP008,
    HTTP009,
    HTTP010,
    HTTP011,
    HTTP012,
)

_REQUEST_LINE = Location("request-line")
_HOST = Location("header", "Host")
_CONTENT_TYPE = Location("header", "Content-Type")


def unparseable(message: str, where: Location) -> Finding:
    """HTTP001: what could not be read, and where reading stopped."""
    return finding(HTTP001, message, where)


def bare_lf(offset: int) -> Finding:
    """HTTP001, once for the whole request: its lines end in a bare LF (the first at
    ``offset``), not CRLF (docs/spec.md#http-message)."""
    message = "bare LF line endings: HTTP/1.1 lines end with CRLF; the first bare LF is here"
    return finding(HTTP001, message, Location("request", offset=offset))


def findings(view: View) -> list[Finding]:
    """HTTP002-HTTP012 (HTTP011 ends the judging: the caller reads ``view.ses_v2``), then
    HTTP001 for a query or body past sesspec.encoding.MAX_PAIRS."""
    req = view.request
    out: list[Finding] = []
    if view.tls is False or req.target.lower().startswith("http://"):
        message = "the request was sent without TLS; SES answers only HTTPS"
        out.append(finding(HTTP002, message, _REQUEST_LINE))
    method = view.method
    if method not in {"GET", "POST"}:
        out.append(finding(HTTP003, f"method {method!r}: SES takes GET or POST", _REQUEST_LINE))

    hosts = view.header_all("host")
    host = view.host
    authority = view.authority
    if host is None:
        out.append(finding(HTTP004, "no Host header", _HOST))
    elif len(hosts) > 1:
        out.append(finding(HTTP004, f"{len(hosts)} Host headers: {hosts!r}", _HOST))
    elif authority is not None and authority.lower() != host.lower():
        message = f"Host {host!r} is not the request target's authority {authority!r}"
        out.append(finding(HTTP004, message, _HOST))
    if host and view.region is None:
        message = (
            f"Host {host!r} is not an SES endpoint (email.<region>.amazonaws.com); the region "
            "is taken from the credential scope alone"
        )
        out.append(finding(HTTP005, message, _HOST))

    path = view.path
    if view.ses_v2:
        message = (
            f"{method} {path} with Content-Type {view.content_type!r} is an SES v2 (JSON REST) "
            "request"
        )
        out.append(finding(HTTP011, message, _REQUEST_LINE))
        return out
    if path != "/":
        out.append(finding(HTTP012, f"path {path!r}: SES Classic serves '/'", _REQUEST_LINE))
    if method == "POST":
        out += _post_findings(view)
    elif req.body:
        message = f"a {method} request with a {len(req.body)}-byte body; parameters go in the URL"
        out.append(finding(HTTP010, message, Location("body")))
    for where, exc in view.too_many:
        message = f"{exc.message}: the parameters and the signature are not judged"
        out.append(unparseable(message, Location(where, offset=exc.offset)))
    return out


_AUTH_QUERY = re.compile(rb"(?:^|&)X-Amz-[A-Za-z-]+=[^&]*")


def _post_findings(view: View) -> list[Finding]:
    out: list[Finding] = []
    ctype, media = view.content_type, view.media
    if media != "application/x-www-form-urlencoded":
        shown = ctype or "no Content-Type"
        message = f"{shown!r}: a POST body must be application/x-www-form-urlencoded"
        out.append(finding(HTTP006, message, _CONTENT_TYPE))
    elif "charset" not in ctype.lower():
        message = f"Content-Type {ctype!r} names no charset: SES reads the parameters as UTF-8"
        out.append(finding(HTTP007, message, _CONTENT_TYPE))
    elif "utf-8" not in ctype.lower().replace("utf8", "utf-8"):
        message = f"Content-Type {ctype!r}: the parameters are UTF-8, say 'charset=utf-8'"
        out.append(finding(HTTP007, message, _CONTENT_TYPE, severity="error"))
    body = view.request.body
    lengths = view.header_all("content-length")
    chunked = "chunked" in (view.header("transfer-encoding") or "").lower()
    if chunked:
        out.append(
            finding(HTTP008, "chunked request body", Location("header", "Transfer-Encoding"))
        )
    elif not lengths:
        out.append(
            finding(HTTP008, "POST without Content-Length", Location("header", "Content-Length"))
        )
    elif len(set(lengths)) > 1 or lengths[0] != str(len(body)):
        message = f"Content-Length {', '.join(lengths)} but the body has {len(body)} bytes"
        out.append(finding(HTTP008, message, Location("header", "Content-Length")))
    query_raw = view.query_raw
    stripped = _AUTH_QUERY.sub(b"", query_raw) if query_raw else b""
    if stripped.strip(b"&"):
        # The X-Amz-* authentication parameters are left out: the session token (a secret)
        # may be one of them.
        message = (
            f"query string {stripped.strip(b'&')[:60].decode('utf-8', 'replace')!r} on a "
            "POST: operation parameters belong in the form body"
        )
        out.append(finding(HTTP009, message, Location("query")))
    return out
