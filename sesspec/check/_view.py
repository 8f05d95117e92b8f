"""The checker's one reading of a request, which every rule reads.

:func:`read` turns a parsed request into a :class:`View`: its method and target, its headers
as values (by name, in any case) and as received, the query string and the form body each
decoded once into :class:`~sesspec.encoding.Segment` items (name and value decoded, as text and
as bytes, with the offset and bytes of each as sent), which of them carries the operation's
parameters, and what the request says about its SigV4 signature (the reader the verifier
uses, :func:`sesspec.signing.sigv4.read_authorization` / ``read_presigned``). What costs a
pass over a large body (its SHA-256, the raw message inside ``RawMessage.Data``) is worked out
once, when a rule first asks. No rule parses or decodes the request's bytes again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from sesspec.encoding import Segment, form_segments
from sesspec.errors import EncodingError
from sesspec.http import RawRequest
from sesspec.params import SIGV4_QUERY_PARAMS, params_where
from sesspec.signing import sigv4

__all__ = ["RawMessage", "Source", "View", "read", "ses_region_of_host"]

#: Where form items come from: the query string or the form body.
Source = Literal["query", "body"]

_ENC = "utf-8"
_ERR = "surrogateescape"

# botocore endpoint-rule-set-1.json: email.{region}.amazonaws.com, email-fips.{region}...,
# dual-stack and partition variants (docs/spec.md#http-endpoints).
_SES_HOST = re.compile(
    r"email(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\."
    r"(?:amazonaws\.com(?:\.cn)?|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov|amazonaws\.eu)\Z"
)
_V2_MEDIA = frozenset({"application/json", "application/x-amz-json-1.0"})
#: The query parameters that make a request presigned (two of SIGV4_QUERY_PARAMS).
_PRESIGNED_MARKS = frozenset({"X-Amz-Algorithm", "X-Amz-Signature"}) & SIGV4_QUERY_PARAMS


def ses_region_of_host(host: str) -> str | None:
    """The region an SES Classic host name stands for (port ignored), or None."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    m = _SES_HOST.match(name.lower())
    return m.group("region") if m else None


@dataclass(frozen=True, slots=True)
class RawMessage:
    """``RawMessage.Data`` read once: the message it decodes to (None when it is not base64),
    whether it only decoded with its line breaks taken out (MIME-style base64), and the error
    strict base64 decoding gave."""

    message: bytes | None
    in_lines: bool
    error: str


@dataclass(slots=True)
class View:
    """What the rules read of one request (module docstring). ``query`` and ``body`` are None
    when one holds more than :data:`sesspec.encoding.MAX_PAIRS` items (``too_many`` says
    where); the body is read for a POST only."""

    request: RawRequest
    tls: bool | None
    method: str
    path: str
    authority: str | None
    headers: tuple[tuple[str, str], ...]
    by_name: dict[str, list[str]]
    host: str | None
    region: str | None
    content_type: str
    media: str
    ses_v2: bool
    query_raw: bytes
    query: list[Segment] | None
    body: list[Segment] | None
    too_many: list[tuple[Source, EncodingError]]
    params_where: Source
    auth: sigv4.AuthParts | None
    _payload_hash: str | None = field(default=None, repr=False)
    _raw_message: RawMessage | None = field(default=None, repr=False)

    def header(self, name: str) -> str | None:
        """The value of the first header called ``name`` (lower case)."""
        found = self.by_name.get(name)
        return found[0] if found else None

    def header_all(self, name: str) -> list[str]:
        """The values of every header called ``name`` (lower case), in order."""
        return self.by_name.get(name, [])

    @property
    def params_raw(self) -> bytes:
        """The bytes that carry the operation's parameters: a POST's body, else the query."""
        return self.request.body if self.params_where == "body" else self.query_raw

    @property
    def params(self) -> list[Segment]:
        """The parameters SES reads: a POST's query items and then its body's (HTTP009 warns
        about the first; SES's front end reads both), or a GET's query."""
        query = self.query or []
        return [*query, *(self.body or [])] if self.params_where == "body" else query

    @property
    def params_segments(self) -> list[Segment]:
        """The items of :attr:`params_raw` alone."""
        return (self.body if self.params_where == "body" else self.query) or []

    def payload_hash(self) -> str:
        """Hex SHA-256 of the body as sent (IAM-SIGV4's HashedPayload), computed once."""
        if self._payload_hash is None:
            self._payload_hash = hashlib.sha256(self.request.body).hexdigest()
        return self._payload_hash

    def raw_message(self, value: str) -> RawMessage:
        """``RawMessage.Data`` (``value``) decoded from base64, once, for the rules that judge
        the blob (PARAM012) and the message inside it (ENC009)."""
        if self._raw_message is None:
            try:
                self._raw_message = RawMessage(base64.b64decode(value, validate=True), False, "")
            except (binascii.Error, ValueError) as exc:
                one_line = value.replace("\r", "").replace("\n", "")
                try:
                    message = base64.b64decode(one_line, validate=True)
                except (binascii.Error, ValueError):
                    self._raw_message = RawMessage(None, False, str(exc))
                else:
                    self._raw_message = RawMessage(message, True, str(exc))
        return self._raw_message


def _segments(
    raw: bytes, where: Source, too_many: list[tuple[Source, EncodingError]]
) -> list[Segment] | None:
    if not raw:
        return []
    try:
        return form_segments(raw)
    except EncodingError as exc:  # more than MAX_PAIRS items: the one error it raises
        too_many.append((where, exc))
        return None


def read(request: RawRequest, *, tls: bool | None) -> View:
    """The :class:`View` of ``request`` (``tls``: whether it came over TLS; None: unknown)."""
    by_name: dict[str, list[str]] = {}
    for name, value in request.headers:
        by_name.setdefault(name.lower(), []).append(value)
    hosts = by_name.get("host")
    host = hosts[0] if hosts else None
    path = request.path
    ctype = (by_name.get("content-type") or [""])[0]
    media = ctype.split(";", 1)[0].strip().lower()
    ses_v2 = path.startswith("/v2/") or media in _V2_MEDIA
    query_raw = request.query.encode(_ENC, _ERR)
    too_many: list[tuple[Source, EncodingError]] = []
    method = request.method
    query = body = None
    if not ses_v2:
        query = _segments(query_raw, "query", too_many)
        body = _segments(request.body if params_where(method) == "body" else b"", "body", too_many)
    auth = None
    if not ses_v2 and query is not None and body is not None:
        authorization = (by_name.get("authorization") or [""])[0]
        if authorization.startswith(sigv4.ALGORITHM):
            auth = sigv4.read_authorization(authorization)
        elif any(s.name in _PRESIGNED_MARKS for s in query):
            auth = sigv4.read_presigned((s.name, s.value) for s in query)
    return View(
        request=request,
        tls=tls,
        method=method,
        path=path,
        authority=request.authority,
        headers=request.headers,
        by_name=by_name,
        host=host,
        region=ses_region_of_host(host) if host else None,
        content_type=ctype,
        media=media,
        ses_v2=ses_v2,
        query_raw=query_raw,
        query=query,
        body=body,
        too_many=too_many,
        params_where=params_where(method),
        auth=auth,
    )
