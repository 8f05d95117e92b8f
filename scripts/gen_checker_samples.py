"""Generate vectors/checker/: a pass and a fail sample of raw request bytes for every checker rule.

Each sample is ``vectors/checker/<RULE>/<case>.http`` (the request exactly as on the wire, CRLF
line endings) beside ``<case>.json`` (what the checker must and must not find, and the context:
TLS, credentials, the time "now"). ``pass-*`` samples must not raise the rule (``forbid``),
``fail-*`` samples must (``expect``); for the info rules "fail" means "the rule shows up".

Every valid signature here comes from botocore (``SigV4Auth``, ``SigV4QueryAuth``, ``SigV3Auth``,
``SigV2Auth``) at generation time, with its clock frozen, never from sesspec. A sample whose
signature must fail is signed by botocore and then changed the way a buggy client changes it
(spec-notes section g): the body re-encoded after signing, ``()`` left raw in the signed query,
query keys sorted as ``k=v`` strings, the wrong region, the port dropped from the signed host.
Requests that need no signature, or are broken before signing matters, are written by hand here.

Each expected finding carries the severity the spec gives it (``SEVERITY`` below, worked from
spec-notes, with the cases where the spec makes it another, such as AWS3-HTTPS dated before the
2020-10-01 cut-off). A sample whose bytes are exactly what a botocore signer wrote, signed as the
spec says with the context's secret, names that signer (``signed_by``): tests verify it with
sesspec's verifier and refuse tampered copies. Boundaries have a sample on each side
(``_boundary_cases``): the cut-off instant, the 15-minute skew, presigned expiry, X-Amz-Expires
0/1/604800/604801, list indexes 0 and 1, the largest accepted sizes.

Run after changing a case (it rewrites the folder and its README)::

    python scripts/gen_checker_samples.py
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import functools
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

OUT = Path(__file__).resolve().parent.parent / "vectors" / "checker"
GENERATED_BY = f"scripts/gen_checker_samples.py with botocore {botocore.__version__}"

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY00"
# A fake session token (no real STS token looks like this).
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN//////////wEaDEXAMPLE+token/value=="
HOST = "email.us-east-1.amazonaws.com"
REGION = "us-east-1"
#: botocore's clock while signing (naive UTC, as botocore.auth.get_current_datetime returns).
SIGNED_AT = dt.datetime(2026, 11, 26, 5, 48, 17)
NOW = SIGNED_AT + dt.timedelta(minutes=1)
FORM = "application/x-www-form-urlencoded; charset=utf-8"

G = "spec-notes g"

# --- building requests ----------------------------------------------------------------------


@dataclass
class Wire:
    """A request as it goes on the wire: request line, headers in order, body."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    version: str = "HTTP/1.1"

    def to_bytes(self) -> bytes:
        head = f"{self.method} {self.target} {self.version}\r\n"
        head += "".join(f"{n}: {v}\r\n" for n, v in self.headers)
        return head.encode("utf-8") + b"\r\n" + self.body

    def header(self, name: str) -> str:
        return next(v for n, v in self.headers if n.lower() == name.lower())

    def set(self, name: str, value: str) -> Wire:
        """Replace the header ``name`` in place (or append it)."""
        for i, (n, _) in enumerate(self.headers):
            if n.lower() == name.lower():
                self.headers[i] = (n, value)
                return self
        self.headers.append((name, value))
        return self

    def drop(self, name: str) -> Wire:
        self.headers = [(n, v) for n, v in self.headers if n.lower() != name.lower()]
        return self

    def with_body(self, body: bytes) -> Wire:
        self.body = body
        self.set("Content-Length", str(len(body)))
        return self


@contextmanager
def frozen(when: dt.datetime) -> Iterator[None]:
    """Freeze botocore's clocks: SigV4 (get_current_datetime), SigV3 (formatdate), SigV2
    (time.gmtime)."""
    stamp = when.replace(tzinfo=dt.UTC)
    with (
        mock.patch.object(botocore.auth, "get_current_datetime", return_value=when),
        mock.patch.object(
            botocore.auth,
            "formatdate",
            return_value=stamp.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        ),
        mock.patch.object(botocore.auth.time, "gmtime", return_value=stamp.timetuple()),
    ):
        yield


#: Requests exactly as a botocore signer wrote them, signed as the spec says with SECRET (raw
#: bytes -> the signer's name). A sample still holding these bytes says so (``signed_by``).
_AS_SIGNED: dict[bytes, str] = {}


def _as_signed(wire: Wire, signer: str) -> Wire:
    _AS_SIGNED[wire.to_bytes()] = signer
    return wire


def creds(*, secret: str = SECRET, token: str | None = None) -> Credentials:
    return Credentials(AKID, secret, token)


@functools.cache
def _ses_serializer() -> tuple[Any, Any]:
    """botocore's SES model and query serializer, loaded once per run."""
    model = botocore.session.get_session().get_service_model("ses")
    return model, create_serializer("query", include_validation=True)


def botocore_body(operation: str, params: dict[str, Any]) -> bytes:
    """The form body botocore's QuerySerializer writes for ``params`` (urlencode, '+' spaces)."""
    model, serializer = _ses_serializer()
    body = serializer.serialize_to_request(params, model.operation_model(operation))["body"]
    if isinstance(body, dict):
        return _prepared_body(AWSRequest(method="POST", url="https://x/", data=body))
    return body if isinstance(body, bytes) else str(body).encode("utf-8")


def _prepared_body(request: AWSRequest) -> bytes:
    """The body bytes botocore sends for ``request`` (a dict ``data`` is urlencoded)."""
    body = request.prepare().body
    return body if isinstance(body, bytes) else str(body or "").encode("utf-8")


def rfc3986(value: str) -> str:
    """SigV4 UriEncode (unreserved characters only), via the stdlib: an independent encoder."""
    return quote(value, safe="-_.~")


def form(pairs: list[tuple[str, str]], enc: Callable[[str], str] = rfc3986) -> bytes:
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs).encode("ascii")


def _to_wire(request: AWSRequest, host: str, body: bytes, *, length: bool) -> Wire:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", host)]
    headers += [(str(n), str(v)) for n, v in request.headers.items()]
    if length:
        headers.append(("Content-Length", str(len(body))))
    return Wire(request.method, target, headers, body)


def sign_v4(
    body: bytes,
    *,
    method: str = "POST",
    path: str = "/",
    query: str = "",
    host: str = HOST,
    scheme: str = "https",
    region: str = REGION,
    service: str = "ses",
    secret: str = SECRET,
    token: str | None = None,
    content_type: str | None = FORM,
    extra: tuple[tuple[str, str], ...] = (),
    signer_cls: type[botocore.auth.SigV4Auth] = botocore.auth.SigV4Auth,
    when: dt.datetime = SIGNED_AT,
    signed_host: str | None = None,
) -> Wire:
    """A SigV4 header-signed request, as botocore signs it."""
    headers: dict[str, str] = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    headers.update(extra)
    url = f"{scheme}://{signed_host or host}{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    signer = signer_cls(creds(secret=secret, token=token), service, region)
    with frozen(when):
        signer.add_auth(request)
    wire = _to_wire(request, host, body, length=method != "GET" or bool(body))
    # botocore canonicalises a URL's query as written and takes X-Amz-Content-SHA256 as the
    # payload hash: the spec's signature only when the query is written in RFC 3986 form and
    # that header (if any) is the body's hash; and a request may not carry both header and
    # query authentication (spec-notes a4).
    given_hash = {k.lower(): v for k, v in extra}.get("x-amz-content-sha256")
    if (
        signer_cls in (botocore.auth.SigV4Auth, DateHeaderSigV4)
        and secret == SECRET
        and signed_host in (None, host)
        and query == form(parse_qsl(query, keep_blank_values=True)).decode("ascii")
        and "X-Amz-Signature=" not in query
        and given_hash in (None, sha256(body).hexdigest())
    ):
        _as_signed(wire, f"botocore {botocore.__version__} {signer_cls.__name__}")
    return wire


def presign_v4(
    pairs: list[tuple[str, str]],
    *,
    expires: Any = 600,
    token: str | None = None,
    region: str = REGION,
    host: str = HOST,
    when: dt.datetime = SIGNED_AT,
) -> Wire:
    """A presigned GET (SigV4QueryAuth) carrying the operation parameters in the query."""
    request = AWSRequest(method="GET", url=f"https://{host}/", params=dict(pairs))
    signer = botocore.auth.SigV4QueryAuth(creds(token=token), "ses", region, expires=expires)
    with frozen(when):
        signer.add_auth(request)
    wire = _to_wire(request, host, b"", length=False)
    if isinstance(expires, int) and expires >= 1:  # X-Amz-Expires: at least 1 second
        _as_signed(wire, f"botocore {botocore.__version__} SigV4QueryAuth")
    return wire


def sign_v3(body: bytes, *, when: dt.datetime = SIGNED_AT, token: str | None = None) -> Wire:
    """AWS3-HTTPS (X-Amzn-Authorization over the Date header) by botocore's SigV3Auth (with a
    token: an unsigned X-Amz-Security-Token, as boto2 sent it)."""
    request = AWSRequest(
        method="POST", url=f"https://{HOST}/", data=body, headers={"Content-Type": FORM}
    )
    with frozen(when):
        botocore.auth.SigV3Auth(creds(token=token)).add_auth(request)
    wire = _to_wire(request, HOST, body, length=True)
    return _as_signed(wire, f"botocore {botocore.__version__} SigV3Auth")


def sign_v2(pairs: list[tuple[str, str]], *, when: dt.datetime = SIGNED_AT) -> Wire:
    """SigV2 (Signature/SignatureVersion=2 in the form body) by botocore's SigV2Auth."""
    request = AWSRequest(
        method="POST", url=f"https://{HOST}/", data=dict(pairs), headers={"Content-Type": FORM}
    )
    with frozen(when):
        botocore.auth.SigV2Auth(creds()).add_auth(request)
    wire = _to_wire(request, HOST, _prepared_body(request), length=True)
    return _as_signed(wire, f"botocore {botocore.__version__} SigV2Auth")


class DateHeaderSigV4(botocore.auth.SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's SigV4 with the timestamp in an ISO 8601 basic ``Date`` header instead of
    ``X-Amz-Date`` (allowed by CommonParameters; spec-notes a5, h8)."""

    def _modify_request_before_signing(self, request: AWSRequest) -> None:
        super()._modify_request_before_signing(request)
        stamp = request.headers["X-Amz-Date"]
        del request.headers["X-Amz-Date"]
        request.headers["Date"] = stamp


class HostUnsignedSigV4(botocore.auth.SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's SigV4 with ``host`` left out of the signed headers."""

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        del headers["host"]
        return headers


class KeyValueSortSigV4(botocore.auth.SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """The requests-aws4auth#45 bug: the canonical query sorted as joined ``k=v`` strings."""

    def _canonical_query_string_url(self, parts: Any) -> str:
        return "&".join(sorted(str(parts.query).split("&")))


class DoubleDecodeSigV4(botocore.auth.SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """The requests-aws4auth#59 bug: the whole query unquoted, then split and re-quoted, so an
    escaped '&' inside a value becomes a separator."""

    def _canonical_query_string_url(self, parts: Any) -> str:
        pairs = []
        for item in unquote(str(parts.query)).split("&"):
            k, _, v = item.partition("=")
            pairs.append((rfc3986(k), rfc3986(v)))
        return "&".join(f"{k}={v}" for k, v in sorted(pairs))


# --- the requests the samples start from -------------------------------------------------

SEND_EMAIL: dict[str, Any] = {
    "Source": "sender@example.com",
    "Destination": {"ToAddresses": ["recipient@example.com"]},
    "Message": {
        "Subject": {"Data": "Test message", "Charset": "UTF-8"},
        "Body": {"Text": {"Data": "Hello (world)! It's me.", "Charset": "UTF-8"}},
    },
}


def send_email_pairs(**override: str | None) -> list[tuple[str, str]]:
    """SendEmail as ordered pairs (what a hand-written client puts in its form)."""
    base: dict[str, str | None] = {
        "Action": "SendEmail",
        "Version": "2010-12-01",
        "Source": "sender@example.com",
        "Destination.ToAddresses.member.1": "recipient@example.com",
        "Message.Subject.Data": "Test message",
        "Message.Body.Text.Data": "Hello world",
    }
    base.update(override)
    return [(k, v) for k, v in base.items() if v is not None]


def clean_post() -> Wire:
    """SendEmail exactly as boto3 sends it: botocore body, botocore SigV4 header signature."""
    return sign_v4(botocore_body("SendEmail", SEND_EMAIL))


def raw_message(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


MIME_CRLF = (
    "From: sender@example.com\r\nTo: recipient@example.com\r\nSubject: Test\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHello.\r\n"
)
MIME_LF = MIME_CRLF.replace("\r\n", "\n")

# --- the case list ----------------------------------------------------------------------------

#: The severity the spec gives each rule's finding, worked from spec-notes: an error where SES
#: refuses the request or silently loses data (sections 0, a-f), a warning where it accepts it
#: today but a stricter reader would not or a value is likely wrong (section h: h3 lowercase
#: hex, h5 no Version, h6 scope 'email', h7 unsigned x-amz-*, h8 ISO Date; HTTP007 no charset,
#: HTTP009 params in a POST query, HTTP012 another path, ENC008 double encoding, ENC009 line
#: endings, PARAM014 stray SigV2 parameters, AUTH017 token placement), info where nothing is
#: wrong (a local endpoint, a non-canonical but valid encoder, a verified or unverifiable
#: signature). A case gives another severity where the spec does (Case.severity).
SEVERITY = {
    **dict.fromkeys(
        ("HTTP001", "HTTP002", "HTTP003", "HTTP004", "HTTP006", "HTTP008", "HTTP010", "HTTP011"),
        "error",
    ),
    **dict.fromkeys(("HTTP007", "HTTP009", "HTTP012"), "warning"),
    "HTTP005": "info",
    **dict.fromkeys(("ENC001", "ENC003", "ENC004", "ENC005", "ENC006", "ENC007"), "error"),
    **dict.fromkeys(("ENC002", "ENC008", "ENC009"), "warning"),
    "ENC010": "info",
    **dict.fromkeys((f"PARAM{i:03d}" for i in range(1, 17)), "error"),
    **dict.fromkeys(("PARAM003", "PARAM014"), "warning"),
    **dict.fromkeys((f"AUTH{i:03d}" for i in range(1, 22)), "error"),
    **dict.fromkeys(("AUTH006", "AUTH010", "AUTH013", "AUTH017"), "warning"),
    **dict.fromkeys(("AUTH019", "AUTH020"), "info"),
}


@dataclass
class Case:
    rule: str
    name: str
    description: str
    spec: str
    wire: Wire | bytes
    expect: list[str] = field(default_factory=list)
    forbid: list[str] = field(default_factory=list)
    clean: bool = False
    tls: bool | None = True
    credentials: str | None = "plain"  # "plain", "token" (with session_token), or None
    now: dt.datetime | None = NOW
    issues: tuple[str, ...] = ()
    session_token: str = TOKEN
    #: Expected severities that differ from SEVERITY (rule -> severity), as the spec gives them.
    severity: dict[str, str] = field(default_factory=dict)

    def expected(self) -> dict[str, str]:
        return {rule: self.severity.get(rule, SEVERITY[rule]) for rule in self.expect}

    def context(self) -> dict[str, Any]:
        cred: dict[str, str] | None = None
        if self.credentials is not None:
            cred = {"access_key_id": AKID, "secret_access_key": SECRET}
            if self.credentials == "token":
                cred["session_token"] = self.session_token
        return {
            "tls": self.tls,
            "credentials": cred,
            "now": None if self.now is None else self.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def _cases() -> Iterator[Case]:
    ok = ["AUTH018"]  # with credentials, a botocore-signed sample must verify

    # ---- HTTP ---------------------------------------------------------------------------
    yield Case(
        "HTTP001",
        "pass-botocore-post",
        "SendEmail as boto3 sends it.",
        "RFC 9112 section 2-3",
        clean_post(),
        forbid=["HTTP001", *ok],
        clean=True,
    )
    yield Case(
        "HTTP001",
        "fail-not-http",
        "Bytes that are not an HTTP request at all.",
        "RFC 9112 section 3",
        b"Action=SendEmail&Version=2010-12-01\r\n\r\n",
        expect=["HTTP001"],
        credentials=None,
    )
    yield Case(
        "HTTP001",
        "fail-request-line-two-parts",
        "Request line without an HTTP version ('POST /').",
        "RFC 9112 section 3",
        b"POST /\r\nHost: " + HOST.encode() + b"\r\nContent-Length: 0\r\n\r\n",
        expect=["HTTP001"],
        credentials=None,
    )

    yield Case(
        "HTTP002",
        "pass-tls",
        "botocore-signed SendEmail, captured over TLS.",
        f"{_GUIDE_REQ}; spec-notes a6",
        clean_post(),
        forbid=["HTTP002", *ok],
        clean=True,
    )
    yield Case(
        "HTTP002",
        "fail-plain-http-context",
        "The same botocore-signed request, captured on a plain-HTTP listener: SES "
        "answers only HTTPS.",
        f"{_GUIDE_REQ}; spec-notes a6",
        clean_post(),
        expect=["HTTP002"],
        forbid=ok,
        tls=False,
    )
    yield Case(
        "HTTP002",
        "fail-absolute-http-url",
        "Absolute-form target 'http://...' (a client configured with an http:// "
        "endpoint); signed by botocore for that URL.",
        f"{_GUIDE_REQ}; spec-notes a6",
        _absolute(sign_v4(botocore_body("SendEmail", SEND_EMAIL), scheme="http"), "http"),
        expect=["HTTP002"],
        forbid=ok,
        tls=None,
    )

    yield Case(
        "HTTP003",
        "pass-get-header-signed",
        "GET with the parameters in the query, header-signed by botocore.",
        _GUIDE_REQ,
        _get_signed(send_email_pairs()),
        forbid=["HTTP003", *ok],
        clean=True,
    )
    yield Case(
        "HTTP003",
        "fail-put",
        "PUT instead of POST (signed by botocore for PUT).",
        _GUIDE_REQ,
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), method="PUT"),
        expect=["HTTP003"],
        forbid=ok,
    )

    yield Case(
        "HTTP004",
        "pass-host",
        "Host present once, SES endpoint.",
        "RFC 9112 3.2",
        clean_post(),
        forbid=["HTTP004", *ok],
        clean=True,
    )
    yield Case(
        "HTTP004",
        "fail-no-host",
        "Host header removed after signing (a proxy or a hand-rolled client).",
        "RFC 9112 3.2",
        clean_post().drop("Host"),
        expect=["HTTP004"],
    )
    yield Case(
        "HTTP004",
        "fail-two-hosts",
        "Host header sent twice.",
        "RFC 9112 3.2",
        _dup_host(clean_post()),
        expect=["HTTP004"],
    )
    yield Case(
        "HTTP004",
        "fail-host-not-target",
        "Absolute-form target names us-west-2 but Host says us-east-1.",
        "RFC 9112 3.2",
        _absolute(clean_post(), "https", "email.us-west-2.amazonaws.com"),
        expect=["HTTP004"],
    )

    local = sign_v4(botocore_body("SendEmail", SEND_EMAIL), host="127.0.0.1:8443")
    yield Case(
        "HTTP005",
        "pass-ses-host",
        "Host is email.us-east-1.amazonaws.com.",
        "spec-notes a6",
        clean_post(),
        forbid=["HTTP005", *ok],
        clean=True,
    )
    yield Case(
        "HTTP005",
        "fail-local-endpoint",
        "(info fires) botocore pointed at a local endpoint 127.0.0.1:8443; signature "
        "valid for that host, region from the scope.",
        "spec-notes a6",
        local,
        expect=["HTTP005"],
        forbid=["AUTH008", *ok],
        clean=True,
    )

    yield Case(
        "HTTP006",
        "pass-form",
        "Content-Type application/x-www-form-urlencoded.",
        _SMITHY_Q,
        clean_post(),
        forbid=["HTTP006", *ok],
        clean=True,
    )
    yield Case(
        "HTTP006",
        "fail-text-plain",
        "Form body sent as text/plain (signed).",
        _SMITHY_Q,
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), content_type="text/plain; charset=utf-8"),
        expect=["HTTP006"],
        forbid=ok,
    )
    yield Case(
        "HTTP006",
        "fail-no-content-type",
        "POST with a form body and no Content-Type.",
        _SMITHY_Q,
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), content_type=None),
        expect=["HTTP006"],
        forbid=ok,
    )

    yield Case(
        "HTTP007",
        "pass-charset",
        "Content-Type names charset=utf-8 (botocore).",
        "spec-notes g: boto/botocore#1285",
        clean_post(),
        forbid=["HTTP007", *ok],
        clean=True,
    )
    yield Case(
        "HTTP007",
        "fail-no-charset",
        "https://github.com/boto/botocore/pull/1285 (#1244, boto3#354): form "
        "Content-Type without charset; signed by botocore, so only the warning.",
        "spec-notes g: boto/botocore#1285",
        sign_v4(
            botocore_body("SendEmail", SEND_EMAIL), content_type="application/x-www-form-urlencoded"
        ),
        expect=["HTTP007"],
        forbid=ok,
        clean=True,
        issues=("https://github.com/boto/botocore/pull/1285",),
    )
    yield Case(
        "HTTP007",
        "fail-charset-latin1",
        "charset=ISO-8859-1 on a UTF-8 body: the server would read the bytes wrong.",
        "spec-notes g: boto/botocore#1285",
        sign_v4(
            form(send_email_pairs(**{"Message.Subject.Data": "Café"})),
            content_type="application/x-www-form-urlencoded; charset=ISO-8859-1",
        ),
        expect=["HTTP007"],
        forbid=ok,
        # No charset is a warning (SES reads UTF-8 anyway); another charset named is an error:
        # a server that honours it misreads the bytes.
        severity={"HTTP007": "error"},
    )

    body = botocore_body("SendEmail", SEND_EMAIL)
    yield Case(
        "HTTP008",
        "pass-length",
        "Content-Length equals the body length.",
        _SMITHY_Q,
        clean_post(),
        forbid=["HTTP008", *ok],
        clean=True,
    )
    yield Case(
        "HTTP008",
        "fail-length-short",
        "Content-Length 10 bytes short of the body (set after signing).",
        _SMITHY_Q,
        clean_post().set("Content-Length", str(len(body) - 10)),
        expect=["HTTP008"],
    )
    yield Case(
        "HTTP008",
        "fail-no-length",
        "POST body with no Content-Length (and no Transfer-Encoding).",
        _SMITHY_Q,
        clean_post().drop("Content-Length"),
        expect=["HTTP008"],
    )
    yield Case(
        "HTTP008",
        "fail-chunked",
        "Chunked request body (awsQuery requires Content-Length).",
        _SMITHY_Q,
        _chunked(clean_post()),
        expect=["HTTP008"],
    )

    post_query = sign_v4(
        form(send_email_pairs(Action=None, Version=None)),
        query="Action=SendEmail&Version=2010-12-01",
    )
    yield Case(
        "HTTP009",
        "pass-all-in-body",
        "POST with every parameter in the body.",
        _GUIDE_REQ,
        clean_post(),
        forbid=["HTTP009", *ok],
        clean=True,
    )
    yield Case(
        "HTTP009",
        "fail-action-in-query",
        "POST with Action and Version in the query string, the rest in the body "
        "(signed by botocore: query in the canonical request).",
        _GUIDE_REQ,
        post_query,
        expect=["HTTP009"],
        # HTTP009 is a warning ("accepted today"): the query parameters count, Action is there.
        forbid=["PARAM001", *ok],
    )

    yield Case(
        "HTTP010",
        "pass-get-no-body",
        "Presigned GET, no body.",
        _GUIDE_REQ,
        presign_v4(send_email_pairs()),
        forbid=["HTTP010", *ok],
        clean=True,
    )
    yield Case(
        "HTTP010",
        "fail-get-with-body",
        "GET with parameters in the query and a form body too (signed).",
        _GUIDE_REQ,
        _get_signed(send_email_pairs(), body=b"Message.Subject.Data=Other"),
        expect=["HTTP010"],
        forbid=ok,
    )

    v2 = sign_v4(
        json.dumps(
            {
                "FromEmailAddress": "sender@example.com",
                "Destination": {"ToAddresses": ["recipient@example.com"]},
                "Content": {
                    "Simple": {"Subject": {"Data": "Test"}, "Body": {"Text": {"Data": "Hi"}}}
                },
            }
        ).encode(),
        path="/v2/email/outbound-emails",
        content_type="application/json",
    )
    yield Case(
        "HTTP011",
        "pass-query-api",
        "An SES Classic Query API request.",
        _MODEL,
        clean_post(),
        forbid=["HTTP011", *ok],
        clean=True,
    )
    yield Case(
        "HTTP011",
        "fail-sesv2-json",
        "SES v2 SendEmail (POST /v2/email/outbound-emails, JSON), signed by botocore.",
        _MODEL,
        v2,
        expect=["HTTP011"],
    )

    yield Case(
        "HTTP012",
        "pass-root-path",
        "Path '/'.",
        _MODEL,
        clean_post(),
        forbid=["HTTP012", *ok],
        clean=True,
    )
    yield Case(
        "HTTP012",
        "fail-path",
        "POST /email (a base URL with a path), signed by botocore for that path.",
        _MODEL,
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), path="/email"),
        expect=["HTTP012"],
        forbid=ok,
    )

    # ---- ENC ----------------------------------------------------------------------------
    def enc_body(raw: str) -> Wire:
        return sign_v4(raw.encode("latin-1"))

    base = (
        "Action=SendEmail&Version=2010-12-01&Source=sender%40example.com"
        "&Destination.ToAddresses.member.1=recipient%40example.com"
        "&Message.Body.Text.Data=Hello%20world"
    )
    yield Case(
        "ENC001",
        "pass-escapes",
        "Every '%' starts a two-hex-digit escape.",
        "RFC 3986 2.1; spec-notes c2",
        enc_body(base + "&Message.Subject.Data=100%25"),
        forbid=["ENC001", *ok],
        clean=True,
    )
    yield Case(
        "ENC001",
        "fail-bad-escape",
        "'100%' sent raw ('%' not escaped) and a '%zz': malformed escapes (signed).",
        "RFC 3986 2.1; spec-notes c2",
        enc_body(base + "&Message.Subject.Data=100%&Message.Body.Html.Data=%zz"),
        expect=["ENC001"],
        forbid=ok,
    )

    yield Case(
        "ENC002",
        "pass-upper-hex",
        "Upper-case hex escapes (%C3%A9).",
        _IAM,
        enc_body(base + "&Message.Subject.Data=Caf%C3%A9"),
        forbid=["ENC002", *ok],
        clean=True,
    )
    yield Case(
        "ENC002",
        "fail-lower-hex",
        "Lower-case hex escapes (%c3%a9): valid, non-canonical.",
        f"{_IAM}; spec-notes h3",
        enc_body(base + "&Message.Subject.Data=Caf%c3%a9"),
        expect=["ENC002"],
        forbid=ok,
        clean=True,
    )

    yield Case(
        "ENC003",
        "pass-escaped",
        "Space and non-ASCII escaped.",
        "RFC 3986 2.1; c1",
        enc_body(base + "&Message.Subject.Data=Caf%C3%A9%20ol%C3%A9"),
        forbid=["ENC003", *ok],
        clean=True,
    )
    yield Case(
        "ENC003",
        "fail-raw-bytes",
        "Raw space, raw UTF-8 'é' and a raw '\"' in the body (signed as sent).",
        "RFC 3986 2.1; c1",
        sign_v4((base + '&Message.Subject.Data=Caf\u00e9 "ol\u00e9"').encode("utf-8")),
        expect=["ENC003"],
        forbid=ok,
    )

    yield Case(
        "ENC004",
        "pass-utf8",
        "Escapes decode to UTF-8.",
        f"{_IAM}; c1",
        enc_body(base + "&Message.Subject.Data=Caf%C3%A9"),
        forbid=["ENC004", *ok],
        clean=True,
    )
    yield Case(
        "ENC004",
        "fail-latin1-escape",
        "https://github.com/boto/boto/pull/156: 'Café' percent-encoded from Latin-1 "
        "(%E9) instead of UTF-8.",
        f"{_IAM}; c1; {G}",
        enc_body(base + "&Message.Subject.Data=Caf%E9"),
        expect=["ENC004"],
        forbid=ok,
        issues=("https://github.com/boto/boto/pull/156",),
    )

    plus = send_email_pairs(**{"Destination.ToAddresses.member.1": "user+tag@example.com"})
    yield Case(
        "ENC005",
        "pass-plus-escaped",
        "Address with a literal plus sent as %2B (n8n fix PR #9811).",
        f"{_GUIDE_REQ}; c2",
        sign_v4(form(plus)),
        forbid=["ENC005", *ok],
        clean=True,
    )
    yield Case(
        "ENC005",
        "fail-plus-raw",
        "https://github.com/n8n-io/n8n/issues/9794: 'user+tag@example.com' sent with a "
        "raw '+', read by SES as 'user tag@...' (InvalidParameterValue 'Local address "
        "contains control or whitespace'). Signed as sent.",
        f"{_GUIDE_REQ}; c2; {G}",
        sign_v4(form(plus).replace(b"%2B", b"+")),
        expect=["ENC005"],
        forbid=ok,
        issues=("https://github.com/n8n-io/n8n/issues/9794",),
    )
    yield Case(
        "ENC005",
        "fail-plus-raw-get",
        "https://github.com/boto/botocore/pull/127: query value with a raw '+' in an "
        "address (presigned GET; botocore signed the decoded value).",
        f"{_GUIDE_REQ}; c2; {G}",
        _raw_plus_presign(),
        expect=["ENC005"],
        issues=("https://github.com/boto/botocore/pull/127",),
    )

    html = "<a href=https://example.com/>link</a>"
    yield Case(
        "ENC006",
        "pass-equals-escaped",
        "HTML value with '=' escaped as %3D.",
        "spec-notes c2",
        sign_v4(form(send_email_pairs(**{"Message.Body.Html.Data": html}))),
        forbid=["ENC006", *ok],
        clean=True,
    )
    yield Case(
        "ENC006",
        "fail-raw-equals",
        "https://github.com/n8n-io/n8n/issues/1442: raw HTML value with an unescaped "
        "'=' (MalformedQueryString).",
        f"spec-notes c2; {G}",
        sign_v4(form(send_email_pairs(**{"Message.Body.Html.Data": html})).replace(b"%3D", b"=")),
        expect=["ENC006"],
        forbid=ok,
        issues=("https://github.com/n8n-io/n8n/issues/1442",),
    )

    tj = send_email_pairs(**{"Message.Subject.Data": "Tom & Jerry"})
    yield Case(
        "ENC007",
        "pass-amp-escaped",
        "'&' inside a value escaped as %26.",
        "spec-notes c2",
        sign_v4(form(tj)),
        forbid=["ENC007", *ok],
        clean=True,
    )
    yield Case(
        "ENC007",
        "fail-raw-amp",
        "Subject 'Tom & Jerry' with the '&' left raw: the pair splits in two.",
        "spec-notes c2",
        sign_v4(form(tj).replace(b"%26", b"&")),
        expect=["ENC007"],
        forbid=ok,
    )

    yield Case(
        "ENC008",
        "pass-single-encoded",
        "Address encoded once (%40).",
        "spec-notes g: requests-aws4auth#59",
        clean_post(),
        forbid=["ENC008", *ok],
        clean=True,
    )
    yield Case(
        "ENC008",
        "fail-double-encoded",
        "https://github.com/boto/boto/pull/354: an already-encoded address encoded "
        "again (sender%2540example.com decodes to 'sender%40example.com').",
        f"{G}: boto/boto#354; tedder/requests-aws4auth#59",
        enc_body(
            base.replace("Source=sender%40", "Source=sender%2540")
            + "&Message.Subject.Data=Test%20message"
        ),
        expect=["ENC008"],
        forbid=ok,
        issues=("https://github.com/boto/boto/pull/354",),
    )

    yield Case(
        "ENC009",
        "pass-crlf",
        "RawMessage.Data: MIME with CRLF line endings.",
        "RFC 5322 2.1; c4",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": MIME_CRLF.encode()}})),
        forbid=["ENC009", *ok],
        clean=True,
    )
    yield Case(
        "ENC009",
        "fail-bare-lf",
        "RawMessage.Data: MIME with bare LF line endings.",
        "RFC 5322 2.1; c4",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": MIME_LF.encode()}})),
        expect=["ENC009"],
        forbid=ok,
    )

    text = send_email_pairs(**{"Message.Subject.Data": "a b~c*d-e_f.g"})
    yield Case(
        "ENC010",
        "pass-rfc3986",
        "(info does not fire) body in canonical RFC 3986 form (%20, '~' raw).",
        "spec-notes c1, c2, h2, h3",
        sign_v4(form(text)),
        forbid=["ENC010", *ok],
        clean=True,
    )
    yield Case(
        "ENC010",
        "fail-html2",
        "(info fires) HTML 2.0 / RFC 1866 encoding: '+' for space, every non-alphanumeric "
        "escaped ('%2D', '%2E', '%5F', '%7E').",
        "spec-notes c1, h3",
        sign_v4(form(text, _html2)),
        expect=["ENC010"],
        forbid=ok,
        clean=True,
    )
    yield Case(
        "ENC010",
        "fail-python2-tilde",
        "(info fires) https://github.com/python/cpython/pull/17065: Python < 3.7 "
        "quote_plus writes '~' as %7E.",
        "spec-notes c1, h3",
        sign_v4(form(text, _py2_quote_plus)),
        expect=["ENC010"],
        forbid=ok,
        clean=True,
        issues=("https://github.com/python/cpython/pull/17065",),
    )

    # ---- PARAM ----------------------------------------------------------------------------
    def p(pairs: list[tuple[str, str]]) -> Wire:
        return sign_v4(form(pairs))

    yield Case(
        "PARAM001",
        "pass-action",
        "Action present.",
        _COMMON,
        clean_post(),
        forbid=["PARAM001", *ok],
        clean=True,
    )
    yield Case(
        "PARAM001",
        "fail-no-action",
        "No Action parameter (MissingAction).",
        _COMMON,
        p(send_email_pairs(Action=None)),
        expect=["PARAM001"],
        forbid=ok,
    )
    yield Case(
        "PARAM002",
        "pass-known-action",
        "Action=SendEmail.",
        _MODEL,
        clean_post(),
        forbid=["PARAM002", *ok],
        clean=True,
    )
    yield Case(
        "PARAM002",
        "fail-unknown-action",
        "Action=SendMail (InvalidAction).",
        _MODEL,
        p(send_email_pairs(Action="SendMail")),
        expect=["PARAM002"],
        forbid=ok,
    )
    yield Case(
        "PARAM003",
        "pass-version",
        "Version=2010-12-01.",
        _COMMON,
        clean_post(),
        forbid=["PARAM003", *ok],
        clean=True,
    )
    yield Case(
        "PARAM003",
        "fail-no-version",
        "No Version (the guide's own examples, boto2, Symfony): tolerated, warned.",
        f"{_COMMON}; spec-notes b, h5",
        p(send_email_pairs(Version=None)),
        expect=["PARAM003"],
        forbid=ok,
        clean=True,
    )
    yield Case(
        "PARAM003",
        "fail-old-version",
        "Version=2010-03-31 (the namespace of the starting document's example).",
        f"{_COMMON}; spec-notes 0",
        p(send_email_pairs(Version="2010-03-31")),
        expect=["PARAM003"],
        forbid=ok,
    )

    raw_pairs = [
        ("Action", "SendRawEmail"),
        ("Version", "2010-12-01"),
        ("RawMessage.Data", raw_message(MIME_CRLF)),
    ]
    yield Case(
        "PARAM004",
        "pass-raw-destinations",
        "SendRawEmail with Destinations.member.1 (the model's name).",
        _MODEL,
        p([*raw_pairs, ("Destinations.member.1", "recipient@example.com")]),
        forbid=["PARAM004", *ok],
        clean=True,
    )
    yield Case(
        "PARAM004",
        "fail-raw-destination-struct",
        "https://github.com/aristidb/aws/pull/73: SendRawEmail sent with SendEmail's "
        "Destination.ToAddresses.member.1: SES ignores it silently.",
        f"{_MODEL}; {G}",
        p([*raw_pairs, ("Destination.ToAddresses.member.1", "recipient@example.com")]),
        expect=["PARAM004"],
        forbid=ok,
        issues=("https://github.com/aristidb/aws/pull/73",),
    )
    yield Case(
        "PARAM004",
        "fail-typo",
        "Mistyped list name Destination.ToAdresses.member.1: a message sent to no one.",
        _MODEL,
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": None,
                    "Destination.ToAdresses.member.1": "r@example.com",
                }
            )
        ),
        expect=["PARAM004"],
        forbid=ok,
    )

    yield Case(
        "PARAM005",
        "pass-member",
        "Destination.ToAddresses.member.1.",
        f"{_SMITHY_Q}; spec-notes 0, h1",
        clean_post(),
        forbid=["PARAM005", *ok],
        clean=True,
    )
    yield Case(
        "PARAM005",
        "fail-dot-n",
        "Destination.ToAddresses.1 (the starting document's prose notation).",
        f"{_SMITHY_Q}; spec-notes 0, h1",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": None,
                    "Destination.ToAddresses.1": "r@example.com",
                }
            )
        ),
        expect=["PARAM005"],
        forbid=ok,
    )

    two = {"Destination.ToAddresses.member.2": "second@example.com"}
    yield Case(
        "PARAM006",
        "pass-one-based",
        "List indexes 1, 2.",
        f"{_SMITHY_Q}; c4",
        p(send_email_pairs(**two)),
        forbid=["PARAM006", *ok],
        clean=True,
    )
    yield Case(
        "PARAM006",
        "fail-index-zero",
        "List indexes 0, 1 (zero-based client).",
        f"{_SMITHY_Q}; c4",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": "b@example.com",
                    "Destination.ToAddresses.member.0": "a@example.com",
                }
            )
        ),
        expect=["PARAM006"],
        forbid=ok,
    )
    yield Case(
        "PARAM007",
        "pass-no-gap",
        "List indexes 1, 2.",
        "spec-notes c4",
        p(send_email_pairs(**two)),
        forbid=["PARAM007", *ok],
        clean=True,
    )
    yield Case(
        "PARAM007",
        "fail-gap",
        "List indexes 1, 3 (moto stops at the gap).",
        "spec-notes c4",
        p(send_email_pairs(**{"Destination.ToAddresses.member.3": "c@example.com"})),
        expect=["PARAM007"],
        forbid=ok,
    )
    yield Case(
        "PARAM008",
        "pass-once",
        "Each parameter once.",
        "spec-notes h4",
        clean_post(),
        forbid=["PARAM008", *ok],
        clean=True,
    )
    yield Case(
        "PARAM008",
        "fail-repeated",
        "Source sent twice.",
        "spec-notes h4",
        p([*send_email_pairs(), ("Source", "other@example.com")]),
        expect=["PARAM008"],
        forbid=ok,
    )

    li = [("Action", "ListIdentities"), ("Version", "2010-12-01")]
    yield Case(
        "PARAM009",
        "pass-integer",
        "ListIdentities MaxItems=10.",
        f"{_MODEL}; c4",
        p([*li, ("MaxItems", "10")]),
        forbid=["PARAM009", *ok],
        clean=True,
    )
    yield Case(
        "PARAM009",
        "pass-empty-list",
        "https://github.com/smithy-lang/smithy/pull/2269: an empty list as 'Name=' "
        "(botocore sends Destination.CcAddresses=): awsQuery-conformant.",
        f"{_SMITHY_Q}; c4; {G}",
        sign_v4(
            botocore_body(
                "SendEmail",
                {
                    **SEND_EMAIL,
                    "Destination": {"ToAddresses": ["recipient@example.com"], "CcAddresses": []},
                },
            )
        ),
        forbid=["PARAM009", "PARAM004", *ok],
        clean=True,
        issues=("https://github.com/smithy-lang/smithy/pull/2269",),
    )
    yield Case(
        "PARAM009",
        "fail-not-integer",
        "ListIdentities MaxItems=ten.",
        f"{_MODEL}; c4",
        p([*li, ("MaxItems", "ten")]),
        expect=["PARAM009"],
        forbid=ok,
    )
    yield Case(
        "PARAM009",
        "fail-not-boolean",
        "SetIdentityDkimEnabled DkimEnabled=yes.",
        f"{_MODEL}; c4",
        p(
            [
                ("Action", "SetIdentityDkimEnabled"),
                ("Version", "2010-12-01"),
                ("Identity", "example.com"),
                ("DkimEnabled", "yes"),
            ]
        ),
        expect=["PARAM009"],
        forbid=ok,
    )

    yield Case(
        "PARAM010",
        "pass-required",
        "Every required member present.",
        _MODEL,
        clean_post(),
        forbid=["PARAM010", *ok],
        clean=True,
    )
    yield Case(
        "PARAM010",
        "fail-no-source",
        "SendEmail without Source.",
        _MODEL,
        p(send_email_pairs(Source=None)),
        expect=["PARAM010"],
        forbid=ok,
    )

    def recipients(n: int) -> list[tuple[str, str]]:
        extra = [
            (f"Destination.ToAddresses.member.{i}", f"r{i}@example.com") for i in range(2, n + 1)
        ]
        return send_email_pairs() + extra

    yield Case(
        "PARAM011",
        "pass-50",
        "Exactly 50 recipients.",
        f"{_QUOTAS}; f",
        p(recipients(50)),
        forbid=["PARAM011", *ok],
        clean=True,
    )
    yield Case(
        "PARAM011",
        "fail-51",
        "51 recipients.",
        f"{_QUOTAS}; f",
        p(recipients(51)),
        expect=["PARAM011"],
        forbid=ok,
    )

    yield Case(
        "PARAM012",
        "pass-base64",
        "RawMessage.Data valid base64 (botocore).",
        f"{_QUOTAS}; c4",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": MIME_CRLF.encode()}})),
        forbid=["PARAM012", *ok],
        clean=True,
    )
    yield Case(
        "PARAM012",
        "fail-not-base64",
        "https://github.com/soto-project/soto-core/pull/216: the MIME text put in "
        "RawMessage.Data without base64.",
        f"{_QUOTAS}; {G}",
        p([("Action", "SendRawEmail"), ("Version", "2010-12-01"), ("RawMessage.Data", MIME_CRLF)]),
        expect=["PARAM012"],
        forbid=ok,
        issues=("https://github.com/soto-project/soto-core/pull/216",),
    )
    yield Case(
        "PARAM012",
        "fail-bad-base64",
        "https://github.com/quambene/pigeon-rs/issues/2: RawMessage.Data with broken "
        "base64 (a character outside the alphabet, bad padding): MalformedInput.",
        f"{_QUOTAS}; {G}",
        p(
            [
                ("Action", "SendRawEmail"),
                ("Version", "2010-12-01"),
                ("RawMessage.Data", raw_message(MIME_CRLF)[:-4] + "#A="),
            ]
        ),
        expect=["PARAM012"],
        forbid=ok,
        issues=("https://github.com/quambene/pigeon-rs/issues/2",),
    )

    def tag(value: str) -> list[tuple[str, str]]:
        return send_email_pairs(**{"Tags.member.1.Name": "campaign", "Tags.member.1.Value": value})

    yield Case(
        "PARAM013",
        "pass-tag",
        "Tag value 2026-11 (letters, digits, '_', '-').",
        f"{_MODEL} MessageTag",
        p(tag("2026-11")),
        forbid=["PARAM013", *ok],
        clean=True,
    )
    yield Case(
        "PARAM013",
        "fail-tag-colon",
        "https://github.com/localstack/localstack/issues/8588: tag value '2026:11' "
        "(':' is outside [A-Za-z0-9_-]).",
        f"{_MODEL} MessageTag; {G}",
        p(tag("2026:11")),
        expect=["PARAM013"],
        forbid=ok,
        issues=("https://github.com/localstack/localstack/issues/8588",),
    )

    yield Case(
        "PARAM014",
        "pass-no-sigv2",
        "No SigV2 parameters.",
        "spec-notes a1, b",
        clean_post(),
        forbid=["PARAM014", *ok],
        clean=True,
    )
    yield Case(
        "PARAM014",
        "fail-sigv2-params-with-sigv4",
        "SigV4-signed request that still carries SigV2 parameters (AWSAccessKeyId, "
        "SignatureVersion, SignatureMethod, Timestamp) in the body.",
        "spec-notes a1, b",
        p(
            [
                *send_email_pairs(),
                ("AWSAccessKeyId", AKID),
                ("SignatureVersion", "2"),
                ("SignatureMethod", "HmacSHA256"),
                ("Timestamp", "2026-11-26T05:48:17Z"),
            ]
        ),
        expect=["PARAM014"],
        forbid=["PARAM004", *ok],
        clean=True,
    )

    nt = [
        ("Action", "SetIdentityNotificationTopic"),
        ("Version", "2010-12-01"),
        ("Identity", "example.com"),
    ]
    yield Case(
        "PARAM015",
        "pass-enum",
        "NotificationType=Bounce.",
        _MODEL,
        p([*nt, ("NotificationType", "Bounce")]),
        forbid=["PARAM015", *ok],
        clean=True,
    )
    yield Case(
        "PARAM015",
        "fail-enum",
        "NotificationType=Bounces (not an enum value).",
        _MODEL,
        p([*nt, ("NotificationType", "Bounces")]),
        expect=["PARAM015"],
        forbid=ok,
    )
    lc = [("Action", "ListCustomVerificationEmailTemplates"), ("Version", "2010-12-01")]
    yield Case(
        "PARAM016",
        "pass-range",
        "MaxResults=50 (the maximum).",
        _MODEL,
        p([*lc, ("MaxResults", "50")]),
        forbid=["PARAM016", *ok],
        clean=True,
    )
    yield Case(
        "PARAM016",
        "fail-range",
        "MaxResults=100 (range 1-50).",
        _MODEL,
        p([*lc, ("MaxResults", "100")]),
        expect=["PARAM016"],
        forbid=ok,
    )

    # ---- AUTH -----------------------------------------------------------------------------
    yield Case(
        "AUTH001",
        "pass-signed",
        "SigV4-signed.",
        _GUIDE_AUTH,
        clean_post(),
        forbid=["AUTH001", *ok],
        clean=True,
    )
    yield Case(
        "AUTH001",
        "fail-unsigned",
        "No Authorization header, no X-Amz-* parameters.",
        _GUIDE_AUTH,
        Wire(
            "POST",
            "/",
            [("Host", HOST), ("Content-Type", FORM), ("Content-Length", str(len(body)))],
            body,
        ),
        expect=["AUTH001"],
    )
    yield Case(
        "AUTH001",
        "fail-starting-document-get",
        "The starting document's GET URL as a request (no signature at all, no Version).",
        "spec-notes 0; vectors/seed/starting-document.json",
        _url_request(_seed("get_url")),
        expect=["AUTH001", "PARAM003"],
        credentials=None,
        now=None,
        tls=None,
    )

    yield Case(
        "AUTH002",
        "pass-sigv4",
        "SigV4.",
        _GUIDE_AUTH,
        clean_post(),
        forbid=["AUTH002", *ok],
        clean=True,
    )
    yield Case(
        "AUTH002",
        "fail-aws3-https",
        "https://github.com/symfony/symfony/issues/40480: AWS3-HTTPS "
        "(X-Amzn-Authorization, botocore SigV3Auth) in 2026, after the 2020-10-01 cut-off.",
        f"{_GUIDE_AUTH}; spec-notes a1, a2; {G}",
        sign_v3(body),
        expect=["AUTH002"],
        forbid=["AUTH001"],
        issues=(
            "https://github.com/symfony/symfony/issues/40480",
            "https://github.com/marrow/mailer/issues/97",
        ),
    )

    yield Case(
        "AUTH003",
        "pass-sigv4",
        "SigV4.",
        "spec-notes a1",
        clean_post(),
        forbid=["AUTH003", *ok],
        clean=True,
    )
    yield Case(
        "AUTH003",
        "fail-sigv2",
        "SigV2 (SignatureVersion=2 in the body, botocore SigV2Auth): SES never took it.",
        "spec-notes a1",
        sign_v2(send_email_pairs()),
        expect=["AUTH003"],
        forbid=["AUTH001"],
    )

    good = clean_post()
    authz = good.header("Authorization")
    yield Case(
        "AUTH004",
        "pass-well-formed",
        "Authorization as botocore writes it.",
        _IAM,
        clean_post(),
        forbid=["AUTH004", *ok],
        clean=True,
    )
    yield Case(
        "AUTH004",
        "fail-no-signedheaders",
        "Authorization without SignedHeaders (IncompleteSignature).",
        _IAM,
        clean_post().set("Authorization", _drop_field(authz, "SignedHeaders")),
        expect=["AUTH004"],
    )
    yield Case(
        "AUTH004",
        "fail-no-signature",
        "Authorization without Signature (IncompleteSignature).",
        _IAM,
        clean_post().set("Authorization", _drop_field(authz, "Signature")),
        expect=["AUTH004"],
    )

    yield Case(
        "AUTH005",
        "pass-scope",
        "Scope <date>/us-east-1/ses/aws4_request.",
        _IAM,
        clean_post(),
        forbid=["AUTH005", *ok],
        clean=True,
    )
    yield Case(
        "AUTH005",
        "fail-service-sns",
        "Signed (validly) for service 'sns': scope .../sns/aws4_request.",
        _IAM,
        sign_v4(body, service="sns"),
        expect=["AUTH005"],
    )
    yield Case(
        "AUTH005",
        "fail-scope-truncated",
        "Credential=AKIDEXAMPLE/20261126/us-east-1/ses (no aws4_request terminator).",
        _IAM,
        clean_post().set("Authorization", authz.replace("/aws4_request", "")),
        expect=["AUTH005"],
    )
    yield Case(
        "AUTH005",
        "fail-starting-document",
        "The starting document's POST example, byte for byte (vectors/seed): Credential "
        "without a scope, SignedHeaders 'Date;x-amz-date' (not lowercase, no host, "
        "x-amz-date not sent), no charset, no Version.",
        "spec-notes 0; vectors/seed/starting-document.json",
        _seed("post_request").encode("utf-8"),
        expect=["AUTH005", "AUTH011", "HTTP007", "PARAM003"],
        credentials=None,
        now=None,
        tls=None,
    )

    yield Case(
        "AUTH006",
        "pass-ses",
        "Scope service 'ses'.",
        "spec-notes a3, h6",
        clean_post(),
        forbid=["AUTH006", *ok],
        clean=True,
    )
    yield Case(
        "AUTH006",
        "fail-email",
        "https://github.com/cachethq/cachet/issues/2422: scope service 'email' (the "
        "endpoint prefix), signed validly by botocore for 'email': tolerated by v1.",
        f"spec-notes a3, h6; {G}",
        sign_v4(body, service="email"),
        expect=["AUTH006"],
        forbid=["AUTH005", *ok],
        clean=True,
        issues=("https://github.com/cachethq/cachet/issues/2422",),
    )

    next_day = SIGNED_AT.replace(hour=23, minute=59, second=59)
    midnight = sign_v4(body, when=next_day).set("X-Amz-Date", "20261127T000001Z")
    yield Case(
        "AUTH007",
        "pass-same-date",
        "Scope date = X-Amz-Date date.",
        _DATES,
        clean_post(),
        forbid=["AUTH007", *ok],
        clean=True,
    )
    yield Case(
        "AUTH007",
        "fail-across-midnight",
        "Scope date 20261126, X-Amz-Date 20261127T000001Z (timestamp taken again after "
        "signing, two seconds later, across midnight).",
        _DATES,
        midnight,
        expect=["AUTH007"],
        now=dt.datetime(2026, 11, 27, 0, 1, 0),
    )

    wrong_region = sign_v4(body, region="us-west-2")
    yield Case(
        "AUTH008",
        "pass-region",
        "Scope region us-east-1 = host region.",
        f"{_IAM}; a6",
        clean_post(),
        forbid=["AUTH008", *ok],
        clean=True,
    )
    yield Case(
        "AUTH008",
        "fail-wrong-region",
        "https://github.com/nodemailer/nodemailer-ses-transport/issues/10: host "
        "email.us-east-1 but signed (by botocore) for us-west-2; SES says only "
        "SignatureDoesNotMatch.",
        f"{_IAM}; a6; {G}",
        wrong_region,
        expect=["AUTH008"],
        issues=("https://github.com/nodemailer/nodemailer-ses-transport/issues/10",),
    )

    yield Case(
        "AUTH009",
        "pass-x-amz-date",
        "X-Amz-Date present.",
        _DATES,
        clean_post(),
        forbid=["AUTH009", *ok],
        clean=True,
    )
    yield Case(
        "AUTH009",
        "fail-no-date",
        "https://github.com/drewblas/aws-ses/issues/69: neither X-Amz-Date nor Date "
        "(removed after signing): MissingParameter.",
        f"{_DATES}; {G}",
        clean_post().drop("X-Amz-Date"),
        expect=["AUTH009"],
        issues=("https://github.com/drewblas/aws-ses/issues/69",),
    )
    yield Case(
        "AUTH009",
        "fail-extended-format",
        "X-Amz-Date in extended ISO 8601 (2026-11-26T05:48:17Z), not YYYYMMDD'T'HHMMSS'Z'.",
        _DATES,
        clean_post().set("X-Amz-Date", "2026-11-26T05:48:17Z"),
        expect=["AUTH009"],
    )

    yield Case(
        "AUTH010",
        "pass-x-amz-date",
        "Timestamp in X-Amz-Date.",
        _COMMON,
        clean_post(),
        forbid=["AUTH010", *ok],
        clean=True,
    )
    yield Case(
        "AUTH010",
        "fail-iso-date-header",
        "Timestamp in an ISO 8601 basic Date header, no X-Amz-Date (botocore SigV4 with "
        "the header renamed before signing): allowed, warned.",
        f"{_COMMON}; h8",
        sign_v4(body, signer_cls=DateHeaderSigV4),
        expect=["AUTH010"],
        forbid=["AUTH009", *ok],
        clean=True,
    )

    yield Case(
        "AUTH011",
        "pass-signed-headers",
        "content-type;host;x-amz-date.",
        _IAM,
        clean_post(),
        forbid=["AUTH011", *ok],
        clean=True,
    )
    yield Case(
        "AUTH011",
        "fail-host-unsigned",
        "host left out of SignedHeaders (botocore signature over the rest is valid).",
        _IAM,
        sign_v4(body, signer_cls=HostUnsignedSigV4),
        expect=["AUTH011"],
    )
    yield Case(
        "AUTH011",
        "fail-not-lowercase-sorted",
        "SignedHeaders=Host;Content-Type;X-Amz-Date (the starting document's style).",
        f"{_IAM}; spec-notes 0",
        clean_post().set(
            "Authorization",
            authz.replace("content-type;host;x-amz-date", "Host;Content-Type;X-Amz-Date"),
        ),
        expect=["AUTH011"],
        # The signature was computed over 'content-type;host;x-amz-date'; the canonical request
        # a server rebuilds carries the SignedHeaders value as sent, so it cannot verify.
        forbid=["AUTH019"],
    )

    yield Case(
        "AUTH012",
        "pass-all-present",
        "Every signed header is sent.",
        _IAM,
        clean_post(),
        forbid=["AUTH012", *ok],
        clean=True,
    )
    yield Case(
        "AUTH012",
        "fail-signed-header-dropped",
        "X-Request-Id signed by botocore, then removed (by a proxy) before sending.",
        _IAM,
        sign_v4(body, extra=(("X-Request-Id", "42"),)).drop("X-Request-Id"),
        expect=["AUTH012"],
    )

    yield Case(
        "AUTH013",
        "pass-x-amz-signed",
        "Every x-amz-* header signed.",
        _IAM,
        clean_post(),
        forbid=["AUTH013", *ok],
        clean=True,
    )
    yield Case(
        "AUTH013",
        "fail-x-amz-unsigned",
        "X-Amz-User-Agent added after signing (unsigned): accepted, warned (h7).",
        f"{_IAM}; h7",
        clean_post().set("X-Amz-User-Agent", "aws-sdk-js/2.1000.0"),
        expect=["AUTH013"],
        forbid=ok,
        clean=True,
    )

    digest = sha256(body).hexdigest()
    yield Case(
        "AUTH014",
        "pass-content-sha256",
        "X-Amz-Content-SHA256 equal to the body hash, signed.",
        _IAM,
        sign_v4(body, extra=(("X-Amz-Content-SHA256", digest),)),
        forbid=["AUTH014", *ok],
        clean=True,
    )
    yield Case(
        "AUTH014",
        "fail-content-sha256",
        "X-Amz-Content-SHA256 of an earlier body (the subject changed after hashing).",
        _IAM,
        sign_v4(body, extra=(("X-Amz-Content-SHA256", sha256(body + b"x").hexdigest()),)),
        expect=["AUTH014"],
    )

    presigned = presign_v4(send_email_pairs())
    yield Case(
        "AUTH015",
        "pass-presigned",
        "Presigned GET by botocore.",
        "sigv4-add-signature-to-request",
        presigned,
        forbid=["AUTH015", *ok],
        clean=True,
    )
    yield Case(
        "AUTH015",
        "fail-no-signedheaders",
        "Presigned GET with X-Amz-SignedHeaders removed.",
        "sigv4-add-signature-to-request",
        _drop_query(presign_v4(send_email_pairs()), "X-Amz-SignedHeaders"),
        expect=["AUTH015"],
    )
    yield Case(
        "AUTH015",
        "fail-expires-not-number",
        "Presigned GET with X-Amz-Expires=soon (signed by botocore as is).",
        "sigv4-add-signature-to-request",
        presign_v4(send_email_pairs(), expires="soon"),
        expect=["AUTH015"],
    )

    yield Case(
        "AUTH016",
        "pass-in-window",
        "Checked one minute after signing.",
        f"{_GUIDE_ERR}; a5",
        clean_post(),
        forbid=["AUTH016", *ok],
        clean=True,
    )
    yield Case(
        "AUTH016",
        "pass-presign-in-expiry",
        "Presigned with X-Amz-Expires=3600, used 30 minutes later.",
        f"{_GUIDE_ERR}; a5",
        presign_v4(send_email_pairs(), expires=3600),
        forbid=["AUTH016", *ok],
        clean=True,
        now=SIGNED_AT + dt.timedelta(minutes=30),
    )
    yield Case(
        "AUTH016",
        "fail-stale",
        "Checked 20 minutes after signing (RequestExpired).",
        f"{_GUIDE_ERR}; a5",
        clean_post(),
        expect=["AUTH016"],
        now=SIGNED_AT + dt.timedelta(minutes=20),
    )
    yield Case(
        "AUTH016",
        "fail-future",
        "Signed 20 minutes ahead of 'now' (clock skew).",
        f"{_GUIDE_ERR}; a5",
        clean_post(),
        expect=["AUTH016"],
        now=SIGNED_AT - dt.timedelta(minutes=20),
    )
    yield Case(
        "AUTH016",
        "fail-presign-expired",
        "Presigned with X-Amz-Expires=600, used two hours later.",
        f"{_GUIDE_ERR}; a5",
        presign_v4(send_email_pairs(), expires=600),
        expect=["AUTH016"],
        now=SIGNED_AT + dt.timedelta(hours=2),
    )

    yield Case(
        "AUTH017",
        "pass-token-signed",
        "Temporary credentials: X-Amz-Security-Token signed by botocore.",
        f"{_IAM}; a3, a4",
        sign_v4(body, token=TOKEN),
        forbid=["AUTH017", *ok],
        clean=True,
        credentials="token",
    )
    yield Case(
        "AUTH017",
        "pass-presign-token",
        "Presigned GET with X-Amz-Security-Token in the signed query (botocore).",
        f"{_IAM}; a4",
        presign_v4(send_email_pairs(), token=TOKEN),
        forbid=["AUTH017", *ok],
        clean=True,
        credentials="token",
    )
    yield Case(
        "AUTH017",
        "fail-token-header-unsigned",
        "X-Amz-Security-Token header added after SigV4 signing (as boto2 did for SigV3).",
        f"{_IAM}; a3",
        clean_post().set("X-Amz-Security-Token", TOKEN),
        expect=["AUTH017"],
        credentials="token",
    )
    yield Case(
        "AUTH017",
        "fail-token-query-unsigned",
        "X-Amz-Security-Token appended to a presigned URL after X-Amz-Signature.",
        f"{_IAM}; a4",
        _append_query(
            presign_v4(send_email_pairs()), "X-Amz-Security-Token=" + quote(TOKEN, safe="")
        ),
        expect=["AUTH017"],
        credentials="token",
    )

    yield from _auth018_cases(body)

    yield Case(
        "AUTH019",
        "pass-no-credentials",
        "(info does not fire) no credentials given: nothing verified.",
        _IAM,
        clean_post(),
        forbid=["AUTH019", "AUTH018"],
        clean=True,
        credentials=None,
    )
    yield Case(
        "AUTH019",
        "pass-wrong-signature",
        "(info does not fire) signed with another secret key.",
        _IAM,
        sign_v4(body, secret=WRONG_SECRET),
        expect=["AUTH018"],
        forbid=["AUTH019"],
    )
    yield Case(
        "AUTH019",
        "fail-verified-post",
        "(info fires) header-signed POST verified.",
        _IAM,
        clean_post(),
        expect=["AUTH019"],
        forbid=["AUTH018", "AUTH020"],
        clean=True,
    )
    yield Case(
        "AUTH019",
        "fail-verified-presign",
        "(info fires) presigned GET verified.",
        _IAM,
        presign_v4(send_email_pairs()),
        expect=["AUTH019"],
        forbid=["AUTH018", "AUTH020"],
        clean=True,
    )
    yield Case(
        "AUTH020",
        "pass-with-credentials",
        "(info does not fire) credentials given.",
        _IAM,
        clean_post(),
        forbid=["AUTH020", *ok],
        clean=True,
    )
    yield Case(
        "AUTH020",
        "fail-no-credentials",
        "(info fires) no credentials: the signature value is not checked.",
        _IAM,
        clean_post(),
        expect=["AUTH020"],
        forbid=["AUTH019", "AUTH018"],
        clean=True,
        credentials=None,
    )

    both = _get_signed_url(presigned)
    yield Case(
        "AUTH021",
        "pass-header-only",
        "Header authentication only.",
        "spec-notes a4",
        clean_post(),
        forbid=["AUTH021", *ok],
        clean=True,
    )
    yield Case(
        "AUTH021",
        "pass-query-only",
        "Query authentication only.",
        "spec-notes a4",
        presign_v4(send_email_pairs()),
        forbid=["AUTH021", *ok],
        clean=True,
    )
    yield Case(
        "AUTH021",
        "fail-both",
        "Presigned URL fetched with an Authorization header as well (botocore signed both).",
        "spec-notes a4",
        both,
        expect=["AUTH021"],
    )


def _auth018_cases(body: bytes) -> Iterator[Case]:
    spec = f"{_IAM}; aws/aws-sdk-js#1443"
    yield Case(
        "AUTH018",
        "pass-botocore-post",
        "Header-signed POST by botocore.",
        spec,
        clean_post(),
        forbid=["AUTH018"],
        clean=True,
    )
    yield Case(
        "AUTH018",
        "pass-botocore-presign",
        "Presigned GET by botocore.",
        spec,
        presign_v4(send_email_pairs()),
        forbid=["AUTH018"],
        clean=True,
    )
    yield Case(
        "AUTH018",
        "pass-percent20-body",
        "Body in RFC 3986 form (%20 for spaces): any consistent form encoding verifies "
        "for POST, the signature covers the bytes (spec-notes c2).",
        f"{spec}; c2",
        sign_v4(form(send_email_pairs())),
        forbid=["AUTH018"],
        clean=True,
    )
    yield Case(
        "AUTH018",
        "fail-wrong-secret",
        "Signed with another secret key.",
        spec,
        sign_v4(body, secret=WRONG_SECRET),
        expect=["AUTH018"],
    )

    # n8n#2068: encoded once for signing, again differently for sending.
    pairs = send_email_pairs()
    signed = sign_v4(form(pairs))
    yield Case(
        "AUTH018",
        "fail-signed-percent20-sent-plus",
        "https://github.com/n8n-io/n8n/pull/2068: body signed with %20 for spaces, then "
        "sent with '+' (re-encoded after signing).",
        f"{spec}; {G}",
        signed.with_body(form(pairs, lambda s: quote_plus(s, safe="-_.~"))),
        expect=["AUTH018"],
        issues=("https://github.com/n8n-io/n8n/pull/2068",),
    )

    # node-ses#63 / nestjs-ses#5 / mhart/aws4#6: encodeURIComponent leaves !'()* raw; the
    # client signs its wire query as the canonical query (botocore's _canonical_query_string_url
    # does exactly that with the query it is given); the server re-encodes them.
    parens = send_email_pairs(**{"Message.Subject.Data": "Hello (world) it's me!"})
    yield Case(
        "AUTH018",
        "fail-encodeuricomponent-parens",
        "https://github.com/aheckmann/node-ses/issues/63: GET query written with JS "
        "encodeURIComponent ('(', ')', \"'\", '!' raw) and signed as is; SES "
        "canonicalises them as %28 %29 %27 %21.",
        f"{spec}; c1; {G}",
        _get_signed(parens, enc=_encode_uri_component),
        expect=["AUTH018"],
        forbid=["ENC003"],
        issues=(
            "https://github.com/aheckmann/node-ses/issues/63",
            "https://github.com/NextNC/nestjs-ses/issues/5",
            "https://github.com/mhart/aws4/pull/6",
        ),
    )

    # requests-aws4auth#59: whole query unquoted before canonicalising.
    amp = send_email_pairs(**{"Message.Subject.Data": "Tom & Jerry"})
    yield Case(
        "AUTH018",
        "fail-double-decode",
        "https://github.com/tedder/requests-aws4auth/issues/59: canonical query built "
        "after unquoting the whole query, so '%26' in a value became a separator.",
        f"{spec}; {G}",
        _get_signed(amp, signer_cls=DoubleDecodeSigV4),
        expect=["AUTH018"],
        issues=("https://github.com/tedder/requests-aws4auth/issues/59",),
    )

    # requests-aws4auth#45: 'member.10=' sorts before 'member.1=' as a k=v string.
    many = send_email_pairs() + [
        (f"Destination.ToAddresses.member.{i}", f"r{i}@example.com") for i in range(2, 11)
    ]
    yield Case(
        "AUTH018",
        "fail-kv-string-sort",
        "https://github.com/tedder/requests-aws4auth/issues/45: canonical query sorted "
        "as 'k=v' strings, so ...member.10= lands before ...member.1=.",
        f"{spec}; c3; {G}",
        _get_signed(many, signer_cls=KeyValueSortSigV4),
        expect=["AUTH018"],
        issues=("https://github.com/tedder/requests-aws4auth/issues/45",),
    )

    # aws-requests-auth#40 / requests-aws-sign#7 / aws-sdk-go#220 / async-aws#1372: quote_plus.
    yield Case(
        "AUTH018",
        "fail-quote-plus-canonical",
        "https://github.com/DavidMuller/aws-requests-auth/issues/40: GET query written "
        "with quote_plus ('+' for space) and signed as is; the canonical query needs %20.",
        f"{spec}; c2; {G}",
        _get_signed(send_email_pairs(), enc=lambda s: quote_plus(s, safe="-_.~")),
        expect=["AUTH018"],
        issues=(
            "https://github.com/DavidMuller/aws-requests-auth/issues/40",
            "https://github.com/jmenga/requests-aws-sign/issues/7",
            "https://github.com/aws/aws-sdk-go/pull/220",
            "https://github.com/async-aws/aws/pull/1372",
        ),
    )

    # Host without port: signed for the bare host, sent with a port.
    yield Case(
        "AUTH018",
        "fail-host-port-dropped",
        "Signed with host 'email.us-east-1.amazonaws.com', sent with "
        "'Host: email.us-east-1.amazonaws.com:8443'.",
        spec,
        sign_v4(body, host=f"{HOST}:8443", signed_host=HOST),
        expect=["AUTH018"],
    )

    yield Case(
        "AUTH018",
        "fail-wrong-region-signature",
        "https://github.com/nodemailer/nodemailer-ses-transport/issues/10: signed for "
        "us-west-2, sent to email.us-east-1: SES computes the us-east-1 signature.",
        f"{spec}; {G}",
        sign_v4(body, region="us-west-2"),
        expect=["AUTH018", "AUTH008"],
        # Verified against the scope's own region it matches, but SES signs with its own.
        forbid=["AUTH019"],
        issues=("https://github.com/nodemailer/nodemailer-ses-transport/issues/10",),
    )


# --- helpers for the cases ------------------------------------------------------------------

_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"
_GUIDE_REQ = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-requests.html"
_GUIDE_AUTH = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-authentication.html"
_GUIDE_ERR = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-error-codes.html"
_COMMON = "https://docs.aws.amazon.com/ses/latest/APIReference/CommonParameters.html"
_SMITHY_Q = "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"
_DATES = "https://docs.aws.amazon.com/general/latest/gr/sigv4-date-handling.html"
_QUOTAS = "https://docs.aws.amazon.com/ses/latest/dg/quotas.html"
_MODEL = "botocore/data/ses/2010-12-01/service-2.json"
_ADD_SIGNATURE = "https://docs.aws.amazon.com/general/latest/gr/sigv4-add-signature-to-request.html"


def _more_cases() -> Iterator[Case]:
    """Second samples for rules whose edges the first ones leave open."""
    ok = ["AUTH018"]
    body = botocore_body("SendEmail", SEND_EMAIL)

    def p(pairs: list[tuple[str, str]]) -> Wire:
        return sign_v4(form(pairs))

    yield Case(
        "HTTP001",
        "fail-space-before-colon",
        "Header line 'Host : ...' (RFC 9112 section 5: no whitespace between name and colon).",
        "RFC 9112 section 5",
        clean_post().to_bytes().replace(b"Host: ", b"Host : ", 1),
        expect=["HTTP001"],
        credentials=None,
    )
    yield Case(
        "HTTP004",
        "pass-absolute-https",
        "Absolute-form target https://email.us-east-1.amazonaws.com/ matching Host.",
        "RFC 9112 3.2",
        _absolute(clean_post(), "https"),
        forbid=["HTTP004", "HTTP002", *ok],
        clean=True,
    )
    yield Case(
        "HTTP007",
        "pass-charset-upper",
        "charset=UTF-8 (charset names are case-insensitive).",
        "spec-notes g: boto/botocore#1285",
        sign_v4(body, content_type="application/x-www-form-urlencoded; charset=UTF-8"),
        forbid=["HTTP007", *ok],
        clean=True,
    )
    plus = send_email_pairs(**{"Destination.ToAddresses.member.1": "user+tag@example.com"})
    yield Case(
        "ENC005",
        "pass-plus-escaped-presign",
        "Presigned GET with the plus of 'user+tag@example.com' as %2B (botocore).",
        f"{_GUIDE_REQ}; c2",
        presign_v4(plus),
        forbid=["ENC005", *ok],
        clean=True,
    )
    yield Case(
        "ENC007",
        "fail-raw-amp-query",
        "GET query with a raw '&' inside the subject 'Tom & Jerry' (header-signed as sent).",
        "spec-notes c2",
        _get_signed(
            send_email_pairs(**{"Message.Subject.Data": "Tom & Jerry"}),
            enc=lambda v: rfc3986(v).replace("%26", "&"),
        ),
        expect=["ENC007"],
    )
    yield Case(
        "PARAM011",
        "fail-51-across-lists",
        "20 To + 20 Cc + 11 Bcc = 51 recipients (the limit counts To, CC and BCC together).",
        f"{_QUOTAS}; f",
        p(
            send_email_pairs(**{"Destination.ToAddresses.member.1": None})
            + [(f"Destination.ToAddresses.member.{i}", f"t{i}@example.com") for i in range(1, 21)]
            + [(f"Destination.CcAddresses.member.{i}", f"c{i}@example.com") for i in range(1, 21)]
            + [(f"Destination.BccAddresses.member.{i}", f"b{i}@example.com") for i in range(1, 12)]
        ),
        expect=["PARAM011"],
        forbid=ok,
    )
    tags = send_email_pairs()
    yield Case(
        "PARAM013",
        "fail-tag-name-space",
        "Tag name 'my campaign' (space outside [A-Za-z0-9_-]).",
        f"{_MODEL} MessageTag",
        p([*tags, ("Tags.member.1.Name", "my campaign"), ("Tags.member.1.Value", "x")]),
        expect=["PARAM013"],
        forbid=ok,
    )
    yield Case(
        "PARAM013",
        "fail-tag-value-257",
        "Tag value of 257 characters (at most 256).",
        f"{_MODEL} MessageTag",
        p([*tags, ("Tags.member.1.Name", "campaign"), ("Tags.member.1.Value", "a" * 257)]),
        expect=["PARAM013"],
        forbid=ok,
    )
    yield Case(
        "PARAM013",
        "pass-tag-256",
        "Tag value of exactly 256 characters, name with '_' and '-'.",
        f"{_MODEL} MessageTag",
        p([*tags, ("Tags.member.1.Name", "my_campaign-1"), ("Tags.member.1.Value", "a" * 256)]),
        forbid=["PARAM013", *ok],
        clean=True,
    )
    yield Case(
        "PARAM003",
        "pass-presign-version",
        "Presigned GET carrying Version=2010-12-01 in the query.",
        _COMMON,
        presign_v4(send_email_pairs()),
        forbid=["PARAM003", *ok],
        clean=True,
    )
    yield Case(
        "AUTH003",
        "fail-sigv2-get",
        "SigV2 GET (botocore SigV2Auth with the parameters in the query).",
        "spec-notes a1",
        _sign_v2_get(send_email_pairs()),
        expect=["AUTH003"],
        forbid=["AUTH001"],
    )
    yield Case(
        "AUTH002",
        "fail-aws3-https-token",
        "AWS3-HTTPS with temporary credentials (botocore SigV3Auth adds an unsigned "
        "X-Amz-Security-Token, as boto2 did).",
        f"{_GUIDE_AUTH}; spec-notes a2",
        sign_v3(body, token=TOKEN),
        expect=["AUTH002"],
        forbid=["AUTH001"],
        credentials="token",
    )
    yield Case(
        "AUTH010",
        "pass-rfc1123-date-too",
        "X-Amz-Date plus an RFC 1123 Date header (X-Amz-Date wins; a5).",
        f"{_COMMON}; a5",
        clean_post().set("Date", "Thu, 26 Nov 2026 05:48:17 GMT"),
        forbid=["AUTH010", "AUTH009", *ok],
        clean=True,
    )
    yield Case(
        "AUTH016",
        "pass-future-10min",
        "Signed 10 minutes ahead of 'now': inside the 15-minute window.",
        f"{_GUIDE_ERR}; a5",
        clean_post(),
        forbid=["AUTH016", *ok],
        clean=True,
        now=SIGNED_AT - dt.timedelta(minutes=10),
    )


#: SES refuses AWS3-HTTPS (and SigV2) from this instant on (GUIDE-AUTH: "Beginning October 1st,
#: 2020, Amazon SES will only support requests signed using Signature Version 4"; spec-notes
#: a1), naive UTC as botocore's clock.
CUTOFF = dt.datetime(2020, 10, 1, 0, 0, 0)
_SECOND = dt.timedelta(seconds=1)


def _boundary_cases() -> Iterator[Case]:
    """A sample at each boundary the checker draws and one step either side, the expected
    outcome and severity worked from the spec: the legacy schemes' cut-off instant, the
    15-minute skew both ways, presigned expiry, X-Amz-Expires, list index base, largest sizes."""
    ok = ["AUTH018"]
    body = botocore_body("SendEmail", SEND_EMAIL)

    def p(pairs: list[tuple[str, str]]) -> Wire:
        return sign_v4(form(pairs))

    # The cut-off: a request dated before it was accepted then (a warning, judged as of its
    # date); at the instant and after, refused (an error). Judged at 'now' when the context
    # gives one, else at the request's own date (the Date header, SigV2's Timestamp).
    for label, when, severity in (
        ("minus-1s", CUTOFF - _SECOND, "warning"),
        ("at", CUTOFF, "error"),
        ("plus-1s", CUTOFF + _SECOND, "error"),
    ):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        for now, how in ((when, "checked at that instant"), (None, "judged by its own date")):
            suffix = "" if now is not None else "-own-date"
            yield Case(
                "AUTH002",
                f"fail-aws3-cutoff-{label}{suffix}",
                f"AWS3-HTTPS signed by botocore SigV3Auth at {stamp}, {how}: the cut-off is "
                f"2020-10-01T00:00:00Z, so {severity}.",
                f"{_GUIDE_AUTH}; spec-notes a1, a2",
                sign_v3(body, when=when),
                expect=["AUTH002"],
                forbid=["AUTH001", *ok],
                now=now,
                severity={"AUTH002": severity},
            )
            yield Case(
                "AUTH003",
                f"fail-sigv2-cutoff-{label}{suffix}",
                f"SigV2 signed by botocore SigV2Auth at {stamp} (its Timestamp), {how}: the "
                f"cut-off is 2020-10-01T00:00:00Z, so {severity}.",
                "spec-notes a1",
                sign_v2(send_email_pairs(), when=when),
                expect=["AUTH003"],
                forbid=["AUTH001", *ok],
                now=now,
                severity={"AUTH003": severity},
            )

    # Skew: RequestExpired is "more than 15 minutes" either way (GUIDE-ERR; a5), so exactly 15
    # minutes passes and 15 minutes 1 second does not.
    for direction, sign in (("past", 1), ("future", -1)):
        for label, delta, passes in (
            ("14m59s", dt.timedelta(minutes=14, seconds=59), True),
            ("15m", dt.timedelta(minutes=15), True),
            ("15m01s", dt.timedelta(minutes=15, seconds=1), False),
        ):
            ahead = "checked" if direction == "past" else "signed"
            what = f"{ahead} {label} {'after' if direction == 'past' else 'ahead of now'}"
            yield Case(
                "AUTH016",
                f"{'pass' if passes else 'fail'}-skew-{direction}-{label}",
                f"botocore-signed SendEmail, {what}: the window is 15 minutes inclusive.",
                f"{_GUIDE_ERR}; a5",
                clean_post(),
                expect=[] if passes else ["AUTH016"],
                forbid=["AUTH016", *ok] if passes else ok,
                clean=passes,
                now=SIGNED_AT + sign * delta,
            )

    # Presigned expiry: valid through date + X-Amz-Expires itself, expired one second later.
    for label, seconds, passes in (
        ("minus-1s", 599, True),
        ("at", 600, True),
        ("plus-1s", 601, False),
    ):
        yield Case(
            "AUTH016",
            f"{'pass' if passes else 'fail'}-presign-expiry-{label}",
            f"Presigned GET with X-Amz-Expires=600, used {seconds} s after X-Amz-Date.",
            f"{_GUIDE_ERR}; a4, a5",
            presign_v4(send_email_pairs(), expires=600),
            expect=[] if passes else ["AUTH016"],
            forbid=["AUTH016", *ok] if passes else ok,
            clean=passes,
            now=SIGNED_AT + dt.timedelta(seconds=seconds),
        )

    # X-Amz-Expires: a whole number of seconds, at least 1; 604800 (7 days) is the most AWS
    # documents for SigV4 presigning (for S3; SES documents no maximum: spec-notes a4), so
    # longer is a warning.
    for value, now, expect, severity in (
        (0, SIGNED_AT, ["AUTH015"], "error"),
        (1, SIGNED_AT + _SECOND, [], ""),
        (604800, NOW, [], ""),
        (604801, NOW, ["AUTH015"], "warning"),
    ):
        yield Case(
            "AUTH015",
            f"{'fail' if expect else 'pass'}-expires-{value}",
            f"Presigned GET with X-Amz-Expires={value} (signed by botocore as is).",
            f"{_ADD_SIGNATURE}; spec-notes a4",
            presign_v4(send_email_pairs(), expires=value),
            expect=expect,
            forbid=ok if expect else ["AUTH015", "AUTH016", *ok],
            clean=severity != "error",
            now=now,
            severity={"AUTH015": severity} if severity else {},
        )
    yield Case(
        "AUTH015",
        "fail-no-expires",
        "Presigned GET with X-Amz-Expires removed after signing: only S3 requires it, so a "
        "warning (and the signature no longer holds).",
        f"{_ADD_SIGNATURE}; spec-notes a4",
        _drop_query(presign_v4(send_email_pairs()), "X-Amz-Expires"),
        expect=["AUTH015", "AUTH018"],
        severity={"AUTH015": "warning"},
    )

    # List indexes start at 1 (SMITHY-Q; c4).
    yield Case(
        "PARAM006",
        "pass-index-1",
        "One recipient, Destination.ToAddresses.member.1.",
        f"{_SMITHY_Q}; c4",
        p(send_email_pairs()),
        forbid=["PARAM006", *ok],
        clean=True,
    )
    yield Case(
        "PARAM006",
        "fail-index-0",
        "One recipient, Destination.ToAddresses.member.0 (zero-based client).",
        f"{_SMITHY_Q}; c4",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": None,
                    "Destination.ToAddresses.member.0": "a@example.com",
                }
            )
        ),
        expect=["PARAM006"],
        forbid=ok,
    )

    # The largest accepted sizes (the checker's limits; 50 recipients and 256-character tag
    # values have their samples above; 10 MB of base64 is pinned in tests/test_checker_rules.py).
    tags = send_email_pairs(**{"Tags.member.1.Value": "x"})
    for length, passes in ((256, True), (257, False)):
        yield Case(
            "PARAM013",
            f"{'pass' if passes else 'fail'}-tag-name-{length}",
            f"Tag name of {length} characters (at most 256).",
            f"{_MODEL} MessageTag",
            p([*tags, ("Tags.member.1.Name", "n" * length)]),
            expect=[] if passes else ["PARAM013"],
            forbid=["PARAM013", *ok] if passes else ok,
            clean=passes,
        )
    lc = [("Action", "ListCustomVerificationEmailTemplates"), ("Version", "2010-12-01")]
    for max_results, passes in (("0", False), ("1", True), ("51", False)):
        yield Case(
            "PARAM016",
            f"{'pass' if passes else 'fail'}-max-results-{max_results}",
            f"MaxResults={max_results} (range 1-50).",
            _MODEL,
            p([*lc, ("MaxResults", max_results)]),
            expect=[] if passes else ["PARAM016"],
            forbid=["PARAM016", *ok] if passes else ok,
            clean=passes,
        )
    mime_lines = base64.encodebytes(MIME_CRLF.encode("utf-8")).decode("ascii")
    yield Case(
        "PARAM012",
        "fail-mime-lines",
        "RawMessage.Data as MIME-style base64 in 76-character lines (Ruby's encode64, Python's "
        "encodebytes; fog-aws sends it): the SDKs send one line, whether SES takes the breaks "
        "is not documented, so a warning.",
        f"{_QUOTAS}; {_SMITHY_Q}; c4",
        p([("Action", "SendRawEmail"), ("Version", "2010-12-01"), ("RawMessage.Data", mime_lines)]),
        expect=["PARAM012"],
        forbid=ok,
        clean=True,
        severity={"PARAM012": "warning"},
    )


def _sign_v2_get(pairs: list[tuple[str, str]]) -> Wire:
    request = AWSRequest(method="GET", url=f"https://{HOST}/", params=dict(pairs))
    with frozen(SIGNED_AT):
        botocore.auth.SigV2Auth(creds()).add_auth(request)
    request.url = request.prepare().url
    wire = _to_wire(request, HOST, b"", length=False)
    return _as_signed(wire, f"botocore {botocore.__version__} SigV2Auth")


def _decode_params(value: Any) -> Any:
    """vectors/ses/inputs.json notation: {"$text": ...} is a blob, {"$time": ...} a timestamp."""
    if isinstance(value, dict):
        if set(value) == {"$text"}:
            return str(value["$text"]).encode("utf-8")
        if set(value) == {"$time"}:
            return dt.datetime.fromisoformat(str(value["$time"]).replace("Z", "+00:00"))
        return {k: _decode_params(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_params(v) for v in value]
    return value


def _clean_cases() -> Iterator[Case]:
    """Every case of vectors/ses/inputs.json (hand-written params covering each operation family
    and encoding hazard), as botocore sends it: header-signed POST and presigned GET. None may
    have an error finding, and each signature must verify."""
    inputs = json.loads((OUT.parent / "ses" / "inputs.json").read_text(encoding="utf-8"))
    for item in inputs["cases"]:
        ctx = {**inputs["context"], **item.get("context", {})}
        when = dt.datetime.fromisoformat(ctx["time"].replace("Z", "+00:00")).replace(tzinfo=None)
        token = ctx.get("session_token")
        body = botocore_body(item["operation"], _decode_params(item["params"]))
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
        common: dict[str, Any] = {
            "expect": ["AUTH019"],
            "forbid": ["AUTH018"],
            "clean": True,
            "credentials": "token" if token else "plain",
            "session_token": token or TOKEN,
            "now": when + dt.timedelta(minutes=1),
        }
        spec = f"vectors/ses/inputs.json {item['id']}: {item['covers']}"
        yield Case(
            "clean",
            f"pass-post-{item['id']}",
            f"{item['operation']} as botocore sends it (header-signed POST).",
            spec,
            sign_v4(body, host=ctx["host"], region=ctx["region"], token=token, when=when),
            **common,
        )
        yield Case(
            "clean",
            f"pass-presign-{item['id']}",
            f"{item['operation']} as a botocore presigned GET (X-Amz-Expires=600).",
            spec,
            presign_v4(pairs, host=ctx["host"], region=ctx["region"], token=token, when=when),
            **common,
        )


def _seed(key: str) -> str:
    """A value of the starting document's vectors (written by hand from the guide page)."""
    seed = OUT.parent / "seed" / "starting-document.json"
    return str(json.loads(seed.read_text(encoding="utf-8"))[key])


def _url_request(url: str) -> bytes:
    """The GET a client sends for ``url`` (origin-form target, Host from the URL)."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode("ascii")


def _html2(value: str) -> str:
    """RFC 1866 8.2.1: space as '+', every other non-alphanumeric as %HH."""
    return "".join(
        "+"
        if ch == " "
        else ch
        if ch.isascii() and ch.isalnum()
        else quote(ch, safe="")
        .replace("-", "%2D")
        .replace(".", "%2E")
        .replace("_", "%5F")
        .replace("~", "%7E")
        for ch in value
    )


def _py2_quote_plus(value: str) -> str:
    """Python 2 / < 3.7 quote_plus: '~' escaped as %7E."""
    return quote_plus(value, safe="").replace("~", "%7E")


def _encode_uri_component(value: str) -> str:
    """JavaScript encodeURIComponent: leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) unescaped."""
    return quote(value, safe="-_.!~*'()")


def _get_signed(
    pairs: list[tuple[str, str]],
    *,
    enc: Callable[[str], str] = rfc3986,
    body: bytes = b"",
    signer_cls: type[botocore.auth.SigV4Auth] = botocore.auth.SigV4Auth,
) -> Wire:
    """GET with the parameters in the query, header-signed by botocore over that very query
    (botocore canonicalises a URL's query by sorting its pairs as written)."""
    query = form(pairs, enc).decode("ascii")
    return sign_v4(body, method="GET", query=query, content_type=None, signer_cls=signer_cls)


def _get_signed_url(presigned: Wire) -> Wire:
    """A presigned URL, fetched with a SigV4 Authorization header on top (signed by botocore)."""
    path, _, query = presigned.target.partition("?")
    return sign_v4(b"", method="GET", path=path, query=query, content_type=None)


def _absolute(wire: Wire, scheme: str, host: str | None = None) -> Wire:
    wire.target = f"{scheme}://{host or wire.header('Host')}{wire.target}"
    return wire


def _dup_host(wire: Wire) -> Wire:
    wire.headers.insert(1, ("Host", "email.us-west-2.amazonaws.com"))
    return wire


def _chunked(wire: Wire) -> Wire:
    body = wire.body
    half = len(body) // 2
    chunks = (
        b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:]))
        + b"0\r\n\r\n"
    )
    wire.drop("Content-Length").set("Transfer-Encoding", "chunked")
    wire.body = chunks
    return wire


def _drop_field(authz: str, name: str) -> str:
    algorithm, _, rest = authz.partition(" ")
    fields = [f for f in rest.split(", ") if not f.startswith(name + "=")]
    return f"{algorithm} {', '.join(fields)}"


def _drop_query(wire: Wire, name: str) -> Wire:
    path, _, query = wire.target.partition("?")
    kept = [item for item in query.split("&") if not item.startswith(name + "=")]
    wire.target = f"{path}?{'&'.join(kept)}"
    return wire


def _append_query(wire: Wire, item: str) -> Wire:
    wire.target += "&" + item
    return wire


def _raw_plus_presign() -> Wire:
    """A presigned GET whose address holds a raw '+': signed for the value botocore was given
    ('user tag@...', what '+' means), sent with '+' (what the client meant)."""
    wire = presign_v4(
        send_email_pairs(**{"Destination.ToAddresses.member.1": "user tag@example.com"})
    )
    wire.target = wire.target.replace("user%20tag", "user+tag")
    return wire


# --- writing ------------------------------------------------------------------------------------


def _write(cases: list[Case], out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    for case in cases:
        folder = out / case.rule
        folder.mkdir(parents=True, exist_ok=True)
        raw = case.wire if isinstance(case.wire, bytes) else case.wire.to_bytes()
        (folder / f"{case.name}.http").write_bytes(raw)
        meta = {
            "description": case.description,
            "spec": case.spec,
            "expect": case.expected(),
            "forbid": case.forbid,
            "clean": case.clean,
            "context": case.context(),
            "signed_by": _AS_SIGNED.get(raw) if case.credentials is not None else None,
            "generated_by": GENERATED_BY,
        }
        (folder / f"{case.name}.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    (out / "README.md").write_text(_readme(cases), encoding="utf-8")


_G_ROWS = (
    ("https://github.com/n8n-io/n8n/issues/9794", "'+' in address not encoded"),
    ("https://github.com/n8n-io/n8n/issues/1442", "raw '=' in an HTML value"),
    ("https://github.com/n8n-io/n8n/pull/2068", "signed one encoding, sent another"),
    ("https://github.com/aheckmann/node-ses/issues/63", "encodeURIComponent leaves ()' raw"),
    ("https://github.com/NextNC/nestjs-ses/issues/5", "same as node-ses#63"),
    ("https://github.com/mhart/aws4/pull/6", "aws4 missed *!()' escaping"),
    ("https://github.com/aws/aws-sdk-go/pull/220", "Go Values.Encode '+' in the canonical query"),
    ("https://github.com/tedder/requests-aws4auth/issues/59", "query double-decode"),
    ("https://github.com/tedder/requests-aws4auth/issues/45", "k=v string sorting"),
    ("https://github.com/DavidMuller/aws-requests-auth/issues/40", "quote_plus canonical query"),
    ("https://github.com/jmenga/requests-aws-sign/issues/7", "same as aws-requests-auth#40"),
    ("https://github.com/async-aws/aws/pull/1372", "RFC 1738 '+' in the query"),
    ("https://github.com/boto/botocore/pull/1285", "form Content-Type without charset"),
    ("https://github.com/boto/boto/pull/156", "unicode not UTF-8 encoded before urlencode"),
    ("https://github.com/boto/boto/pull/354", "byte strings encoded twice"),
    ("https://github.com/boto/botocore/pull/127", "query values not urlencoded ('+')"),
    ("https://github.com/cachethq/cachet/issues/2422", "scope service 'email'"),
    ("https://github.com/nodemailer/nodemailer-ses-transport/issues/10", "wrong region"),
    ("https://github.com/drewblas/aws-ses/issues/69", "no Date / X-Amz-Date"),
    ("https://github.com/symfony/symfony/issues/40480", "SigV3 after the cut-off"),
    ("https://github.com/marrow/mailer/issues/97", "SigV3 after the cut-off"),
    ("https://github.com/aristidb/aws/pull/73", "wrong param names ignored"),
    ("https://github.com/soto-project/soto-core/pull/216", "blob not base64'd"),
    ("https://github.com/quambene/pigeon-rs/issues/2", "bad base64 in RawMessage.Data"),
    ("https://github.com/smithy-lang/smithy/pull/2269", "empty list 'Name=' (conformant)"),
    ("https://github.com/localstack/localstack/issues/8588", "tag value with ':'"),
    ("https://github.com/python/cpython/pull/17065", "'~' as %7E before Python 3.7"),
)
_G_NOT_COVERED = {
    "https://github.com/mhart/aws4/pull/12": "asterisk in a path: SES paths are always '/'",
    "https://github.com/mhart/aws4/issues/14": "path double-encoding: SES paths are always '/'",
    "https://github.com/aws/aws-sdk-js/issues/853": "path double-encoding: as above",
    "https://github.com/aws/aws-sdk-go-v2/issues/2969": "sort before encoding non-ASCII keys: "
    "every SES parameter name is ASCII, so no request shows it",
    "https://github.com/aws/aws-sdk-js-v3/pull/4003": "EC2 empty lists: not SES",
    "https://github.com/getmoto/moto/issues/1421": "emulator parsing (moto), not the wire",
    "https://github.com/openstax/accounts/issues/253": "address syntax (display-name commas): "
    "no catalogue rule checks RFC 5322 address syntax",
}


def _readme(cases: list[Case]) -> str:
    lines = [
        "# Checker samples: a pass and a fail request for every rule",
        "",
        "Generated by `scripts/gen_checker_samples.py` (do not edit by hand; rerun it). Each",
        "`<RULE>/<case>.http` is the raw request, `<case>.json` says what the checker must find",
        "and with which severity (`expect`: rule -> severity, as the spec gives it), must not",
        "find (`forbid`), whether the request must have no error-severity finding at all",
        "(`clean`), the context (`tls`, `credentials`, `now`), and `signed_by`: the botocore",
        "signer whose output these bytes are, unchanged and signed as the spec says with the",
        "context's secret (tests verify those with sesspec's verifier and refuse tampered",
        "copies), else null.",
        "`pass-*` samples must not raise the rule; `fail-*` samples must. For the info rules",
        "(HTTP005, ENC010, AUTH019, AUTH020) `fail-*` means the rule shows up.",
        "",
        "Valid signatures are botocore's (its clock frozen at "
        f"{SIGNED_AT.strftime('%Y-%m-%dT%H:%M:%SZ')}, credentials",
        f"{AKID} with the suites' example secret, host {HOST}); broken ones are",
        "botocore's, changed after signing the way the client in the named issue changed them.",
        "`pytest tests/test_checker_rules.py` runs each sample and checks that this folder is",
        "exactly what the generator writes.",
        "",
        "`clean/` holds every case of `vectors/ses/inputs.json` (each operation family and",
        "encoding hazard) as botocore sends it, header-signed POST and presigned GET: no error",
        "finding allowed, and the signature must verify (AUTH019).",
        "",
        "## Rule -> samples",
        "",
        "| rule | pass | fail |",
        "|---|---|---|",
    ]
    by_rule: dict[str, list[Case]] = {}
    for case in cases:
        if case.rule != "clean":
            by_rule.setdefault(case.rule, []).append(case)
    for rule_id in sorted(by_rule, key=_rule_order):
        passes = ", ".join(c.name for c in by_rule[rule_id] if c.name.startswith("pass-"))
        fails = ", ".join(c.name for c in by_rule[rule_id] if c.name.startswith("fail-"))
        lines.append(f"| {rule_id} | {passes} | {fails} |")
    lines += [
        "",
        "## spec-notes section (g) issue -> sample",
        "",
        "| issue | bug | sample(s) | rules |",
        "|---|---|---|---|",
    ]
    for url, what in _G_ROWS:
        hits = [c for c in cases if url in c.issues]
        names = ", ".join(f"{c.rule}/{c.name}" for c in hits) or "**none**"
        rules = ", ".join(sorted({r for c in hits for r in c.expect})) or "(pass sample)"
        lines.append(f"| {url} | {what} | {names} | {rules} |")
    lines += ["", "Not shown by a sample (and why):", ""]
    lines += [f"- {url}: {why}" for url, why in _G_NOT_COVERED.items()]
    return "\n".join(lines) + "\n"


def _rule_order(rule_id: str) -> tuple[int, int]:
    prefix = rule_id.rstrip("0123456789")
    return (["HTTP", "ENC", "PARAM", "AUTH"].index(prefix), int(rule_id[len(prefix) :]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to (re)write ({OUT})")
    out: Path = parser.parse_args(argv).out
    cases = [*_cases(), *_more_cases(), *_boundary_cases(), *_clean_cases()]
    names = [(c.rule, c.name) for c in cases]
    if len(names) != len(set(names)):
        raise SystemExit("duplicate sample names")
    _write(cases, out)
    print(f"wrote {len(cases)} samples to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
