"""What the checker samples are made of: botocore's signers with their clocks frozen, the
request form they write, and :class:`Case`, one sample.

Every valid signature here comes from botocore (``SigV4Auth``, ``SigV4QueryAuth``, ``SigV3Auth``,
``SigV2Auth``) at generation time, with its clock frozen, never from sesspec. A sample whose
signature must fail is signed by botocore and then changed the way a buggy client changes it
(docs/spec.md#bug). What a sample must and must not show, and with which severity, is its
rule's as the catalogue declares it (:data:`sesspec.check.catalogue.RULES`, whose severities
the rule index of docs/spec.md holds), and its citation is its rule's.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
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

from sesspec.check.catalogue import RULES

OUT = Path(__file__).resolve().parent.parent.parent / "vectors" / "checker"

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
    # query authentication (docs/spec.md#auth-one-method).
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
    ``X-Amz-Date`` (allowed by CommonParameters; docs/spec.md#policy-iso-date)."""

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


class UntrimmedSigV4(botocore.auth.SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's SigV4 with its header-value trimming (``_header_value``) turned off: a client
    that signs ``x-amz-meta-a:a  b`` as sent, runs of spaces and all."""

    def _header_value(self, value: str) -> str:
        return value


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


#: The citation of the clean samples (vectors/ses/inputs.json as botocore sends it).
CLEAN_SPEC = "docs/spec.md#sigv4-ses-wire; docs/spec.md#sigv4-presigned"


@dataclass
class Case:
    """One sample: its rule (``clean`` for the clean set), its name (``pass-*`` / ``fail-*``),
    what it shows, the request, the rules it must (``expect``) and must not (``forbid``) raise,
    whether it must have no error at all (``clean``), and its context (TLS, which credentials,
    "now"). ``severity`` gives an expected rule another severity than its default: one its
    declaration allows, under the condition the declaration names."""

    rule: str
    name: str
    description: str
    wire: Wire | bytes
    expect: list[str] = field(default_factory=list)
    forbid: list[str] = field(default_factory=list)
    clean: bool = False
    tls: bool | None = True
    credentials: str | None = "plain"  # "plain", "token" (with session_token), or None
    now: dt.datetime | None = NOW
    issues: tuple[str, ...] = ()
    session_token: str = TOKEN
    #: Expected severities that differ from the rule's default (rule -> severity).
    severity: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        """The sample's citation: its rule's, from the catalogue."""
        return RULES[self.rule].citation if self.rule in RULES else CLEAN_SPEC

    def expected(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for rule in self.expect:
            severity = self.severity.get(rule, RULES[rule].severity)
            if severity not in RULES[rule].allowed:
                msg = f"{self.rule}/{self.name}: {rule} declares no {severity} finding"
                raise ValueError(msg)
            out[rule] = severity
        return out

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


#: SES refuses AWS3-HTTPS (and SigV2) from this instant on (GUIDE-AUTH: "Beginning October 1st,
#: 2020, Amazon SES will only support requests signed using Signature Version 4";
#: docs/spec.md#auth-cutoff), naive UTC as botocore's clock.
CUTOFF = dt.datetime(2020, 10, 1, 0, 0, 0)

_SECOND = dt.timedelta(seconds=1)


def _sign_v2_get(pairs: list[tuple[str, str]]) -> Wire:
    request = AWSRequest(method="GET", url=f"https://{HOST}/", params=dict(pairs))
    with frozen(SIGNED_AT):
        botocore.auth.SigV2Auth(creds()).add_auth(request)
    request.url = request.prepare().url
    wire = _to_wire(request, HOST, b"", length=False)
    return _as_signed(wire, f"botocore {botocore.__version__} SigV2Auth")


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
