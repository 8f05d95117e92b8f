"""A raw HTTP/1.1 request as bytes on the wire, and a sans-IO parser for it (h11 style).

A request is built from values and judged by its bytes, as h11 keeps a header's raw bytes beside
its normalised value (``h11/_headers.py``): :class:`RawRequest` holds header names as spelled,
header order, repeated headers and each field value; a parsed request also keeps the text after
each colon exactly as it arrived (optional whitespace and obs-fold line breaks included) and the
line ending. :meth:`RawRequest.to_bytes` writes it back exactly:
``parse_request(data).to_bytes() == data`` for every well-formed ``data`` whose lines all end the
same way. A request built from values is written ``Name: value``.

Grammar (RFC 9112, https://www.rfc-editor.org/rfc/rfc9112):

* section 3: ``request-line = method SP request-target SP HTTP-version``; the target is in
  origin-form (``/path?query``) or absolute-form (``http://host/path?query``).
* section 5: ``field-line = field-name ":" OWS field-value OWS``; "No whitespace is allowed
  between the field name and colon."
* section 5.2: obs-fold (a line starting with SP or HTAB continues the previous field) is
  accepted and kept in what was received; the field value has each fold replaced with one SP,
  as "A user agent that receives an obs-fold ... MUST replace each received obs-fold with one or
  more SP octets".
* section 2.2: "a recipient MAY recognize a single LF as a line terminator"; we do.
* section 6.3: the body length is given by Content-Length. Chunked bodies are refused (the
  awsQuery protocol requires Content-Length, SMITHY-Q).

Text is decoded as UTF-8 with ``surrogateescape``, so any byte (even invalid UTF-8) survives the
round trip; encode with ``"utf-8", "surrogateescape"`` to get the wire bytes back.

Vector files are not quite HTTP: the aws-c-auth and 2015 suites end the head at the end of the
file (no empty line) and carry bodies without Content-Length, the 2011 suite writes
``http/1.1`` and has request lines with spaces inside the target. ``body_mode="rest"`` and
``strict=False`` accept those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple, Self

from sesspec.errors import HttpParseError

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_HEADERS",
    "DEFAULT_MAX_HEADER_SIZE",
    "MAX_CONTENT_LENGTH_DIGITS",
    "BodyMode",
    "RawRequest",
    "field_value",
    "first_bare_lf",
    "parse_request",
    "parse_request_lenient",
]


def __dir__() -> list[str]:
    return __all__


#: Largest header section accepted by default (h11 uses 16 KiB; SES requests are small).
DEFAULT_MAX_HEADER_SIZE = 64 * 1024
#: Largest body accepted by default: a 10 MB SendRawEmail (docs/spec.md#limit-message-size) grows by
#: base64 (4/3) and form-encoding (up to 3x for '+', '/', '='), so 64 MiB leaves room.
DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024
#: Most header lines (continuation lines included) accepted by default: Apache httpd's
#: ``LimitRequestFields``. An SES request carries under 15; each line costs some 200 bytes of
#: Python objects, and the lines are counted (one C-level count) before any is split out.
DEFAULT_MAX_HEADERS = 100
#: Most digits of a Content-Length value: more than any body (or int64) needs, few enough that
#: the text is never a costly number.
MAX_CONTENT_LENGTH_DIGITS = 18

BodyMode = Literal["content-length", "rest"]

_ENC = "utf-8"
_ERR = "surrogateescape"

# RFC 9110 section 5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" /
# "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
# RFC 9112 section 2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT
_VERSION = re.compile(rb"HTTP/[0-9]\.[0-9]\Z")
# Request target: no SP, no CTL; obs-text (0x80-0xFF) only when not strict.
_BAD_TARGET_STRICT = re.compile(rb"[\x00-\x20\x7f-\xff]")
_BAD_TARGET_LENIENT = re.compile(rb"[\x00-\x1f\x7f]")
# The 2011 suite writes "http/1.1".
_VERSION_LENIENT = re.compile(rb"(?i:HTTP)/[0-9]\.[0-9]\Z")
# RFC 9110 section 5.5: field-value characters are VCHAR, obs-text, SP and HTAB; CR, LF and NUL
# (and the other controls) are invalid.
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
# An obs-fold inside a stored value: the line break plus the whitespace that starts the next line.
_FOLD = re.compile(r"\r?\n[ \t]*")
_OWS = " \t"
# RFC 3986 section 3.2: the authority ends at the next '/', '?' or '#'.
_AUTHORITY_END = re.compile("[/?#]")


class _Fields(NamedTuple):
    method: str
    target: str
    version: str = "HTTP/1.1"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    line_ending: str = "\r\n"
    received: tuple[str, ...] | None = None


class RawRequest(_Fields):
    """One HTTP/1.1 request: built from values, or parsed with every byte it arrived with.

    ``headers`` holds ``(name, value)``: the name as sent and the field value itself (RFC 9110
    section 5.5: no leading or trailing whitespace; an obs-fold replaced by one SP), so
    ``RawRequest("POST", "/", headers=[("Host", "email.us-east-1.amazonaws.com")])`` writes
    ``Host: email.us-east-1.amazonaws.com``. Any iterable of pairs, or a mapping, is taken.

    ``received`` is what :func:`parse_request` read after each header's colon, exactly (optional
    whitespace and obs-folds included), one string per header, or None for a request built
    from values: judging a capture byte for byte reads it, and :meth:`to_bytes` writes a header
    as received for as long as its value is the one received (else ``Name: value``).
    ``line_ending`` is what ended the request line (``"\\r\\n"``, or ``"\\n"`` in vector files).

    An immutable named tuple, made in C (a signature makes one per call, so its cost shows in
    every figure of the benchmark); equality and the hash leave ``received`` out, so a request
    equals itself parsed back. :meth:`replace` gives a changed copy.
    """

    __slots__ = ()

    def __new__(  # noqa: PLR0917 - the fields, in order
        cls,
        method: str,
        target: str,
        version: str = "HTTP/1.1",
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        body: bytes = b"",
        line_ending: str = "\r\n",
        received: tuple[str, ...] | None = None,
    ) -> Self:
        if type(headers) is not tuple:
            headers = tuple(_pairs(headers))
        if received is not None and len(received) != len(headers):
            msg = f"{len(received)} received header texts for {len(headers)} headers"
            raise ValueError(msg)
        return _new_tuple(cls, (method, target, version, headers, body, line_ending, received))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawRequest):
            return NotImplemented
        return self[:6] == other[:6]

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, RawRequest):
            return NotImplemented
        return self[:6] != other[:6]

    def __hash__(self) -> int:
        return hash(self[:6])

    def __repr__(self) -> str:
        return (
            f"RawRequest(method={self.method!r}, target={self.target!r}, "
            f"version={self.version!r}, headers={self.headers!r}, body={self.body!r}, "
            f"line_ending={self.line_ending!r})"
        )

    def replace(self, **changes: Any) -> RawRequest:
        """A copy with the fields named in ``changes`` changed (``received`` is kept: a header
        whose value changed is written as a value, the others as they arrived)."""
        values = [changes.pop(name, value) for name, value in zip(_FIELDS, self, strict=True)]
        if changes:
            msg = f"RawRequest has no field {next(iter(changes))!r}"
            raise TypeError(msg)
        return type(self)(*values)

    __replace__ = replace

    def _replace(self, **changes: Any) -> RawRequest:
        return self.replace(**changes)

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        *,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        body: bytes = b"",
    ) -> RawRequest:
        """The request for ``url`` (``https://host[:port]/path?query``): ``Host`` from its
        authority, then ``headers``; the target in origin form (``/`` for an empty path).

        >>> RawRequest.from_url("GET", "https://email.us-east-1.amazonaws.com?Action=X").to_bytes()
        b'GET /?Action=X HTTP/1.1\\r\\nHost: email.us-east-1.amazonaws.com\\r\\n\\r\\n'
        """
        start = url.find("://") + 3
        if start == 2:
            msg = f"not an absolute URL: {url[:60]!r}"
            raise ValueError(msg)
        end = url.find("/", start)
        host = url[start:] if end == -1 else url[start:end]
        if "?" in host or "#" in host:  # RFC 3986 3.2: the authority ends at '/', '?' or '#'
            found = _AUTHORITY_END.search(url, start)
            end = len(url) if found is None else found.start()
            host = url[start:end]
        target = "/" if end == -1 else url[end:]
        if "#" in target:
            target = target[: target.index("#")]
        if not target.startswith("/"):
            target = "/" + target
        given = tuple(headers.items() if type(headers) is dict else _pairs(headers))
        fields = (("Host", host),) + given  # noqa: RUF005 - one C concatenation, no list
        return _new_tuple(cls, (method, target, "HTTP/1.1", fields, body, "\r\n", None))

    def header(self, name: str) -> str | None:
        """The value of the first header called ``name`` (any case)."""
        lname = name.lower()
        for n, v in self.headers:
            if n.lower() == lname:
                return v
        return None

    def header_all(self, name: str) -> list[str]:
        """The values of every header called ``name`` (any case), in order."""
        lname = name.lower()
        return [v for n, v in self.headers if n.lower() == lname]

    def with_header(self, name: str, value: str, *, replace_existing: bool = True) -> RawRequest:
        """A copy with ``name: value``: replacing the first header of that name in place (and
        dropping the others) when ``replace_existing``, else appended at the end."""
        lname = name.lower()
        lines = self.field_lines()
        if replace_existing:
            headers: list[tuple[str, str]] = []
            texts: list[str] = []
            done = False
            for (n, v), (_, text) in zip(self.headers, lines, strict=True):
                if n.lower() != lname:
                    headers.append((n, v))
                    texts.append(text)
                elif not done:
                    headers.append((n, value))
                    texts.append(f" {value}")
                    done = True
            if done:
                return self.replace(headers=tuple(headers), received=self._texts(texts))
        received = self._texts([*(t for _, t in lines), f" {value}"])
        return self.replace(headers=(*self.headers, (name, value)), received=received)

    def without_headers(self, *names: str) -> RawRequest:
        """A copy without any header called one of ``names`` (any case)."""
        drop = {n.lower() for n in names}
        kept = [i for i, (n, _) in enumerate(self.headers) if n.lower() not in drop]
        received = self.received
        return self.replace(
            headers=tuple(self.headers[i] for i in kept),
            received=None if received is None else tuple(received[i] for i in kept),
        )

    def _texts(self, texts: list[str]) -> tuple[str, ...] | None:
        # A changed copy keeps what was received for the headers it keeps (built: none).
        return None if self.received is None else tuple(texts)

    def field_lines(self) -> tuple[tuple[str, str], ...]:
        """``(name, text after the colon)`` of each header line as :meth:`to_bytes` writes it:
        as received while the value is still the one received, else ``" " + value``."""
        received = self.received
        if received is None:
            return tuple((n, f" {v}") for n, v in self.headers)
        return tuple(
            (n, text if field_value(text) == v else f" {v}")
            for (n, v), text in zip(self.headers, received, strict=True)
        )

    # -- target --------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The path of the target, still percent-encoded (``/`` for an empty one).

        A request target has no fragment (RFC 9112 section 3.2), so ``#`` is data here.
        """
        target = self._origin_target()
        q = target.find("?")
        return (target if q == -1 else target[:q]) or "/"

    @property
    def query(self) -> str:
        """The raw query string (after the first ``?``); ``""`` if none."""
        target = self._origin_target()
        q = target.find("?")
        return "" if q == -1 else target[q + 1 :]

    @property
    def authority(self) -> str | None:
        """The authority of an absolute-form target (``host:port``), else None."""
        target = self.target
        scheme_end = target.find("://")
        if scheme_end == -1 or "/" in target[:scheme_end]:
            return None
        start = scheme_end + 3
        found = _AUTHORITY_END.search(target, start)  # RFC 3986 3.2, as in from_url
        return target[start:] if found is None else target[start : found.start()]

    def _origin_target(self) -> str:
        target = self.target
        if target.startswith("/"):
            return target
        authority = self.authority
        if authority is None:
            return target
        start = target.find("://") + 3 + len(authority)
        return target[start:]

    # -- serialization -------------------------------------------------------------------------

    def head_text(self) -> str:
        """The request line and header section, ending with the empty line."""
        le = self.line_ending
        parts = [f"{self.method} {self.target} {self.version}{le}"]
        parts.extend(f"{n}:{text}{le}" for n, text in self.field_lines())
        parts.append(le)
        return "".join(parts)

    def to_bytes(self) -> bytes:
        """The request as bytes: the header lines of :meth:`field_lines`, then the body."""
        return self.head_text().encode(_ENC, _ERR) + self.body


_new_tuple = tuple.__new__
_FIELDS = _Fields._fields


def _pairs(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> Iterable[tuple[str, str]]:
    # A dict is by far the most common mapping: told apart without the ABC check.
    if type(headers) is dict or isinstance(headers, Mapping):
        return headers.items()
    return headers


def field_value(raw: str) -> str:
    """The field value of the text after a header's colon: each obs-fold becomes one SP
    (RFC 9112 section 5.2), the optional whitespace around it is trimmed (section 5)."""
    if "\n" in raw:
        raw = _FOLD.sub(" ", raw)
    return raw.strip(_OWS)


def _find_head_end(data: bytes, limit: int) -> tuple[int, int] | None:
    """(end of the last header line, start of the body) or None if there is no empty line.

    The empty line is ``\\n\\n`` or ``\\n\\r\\n``; only the first ``limit`` bytes are searched.
    """
    window = data[: limit + 4]
    a = window.find(b"\n\n")
    b = window.find(b"\n\r\n")
    if a == -1 and b == -1:
        return None
    if b == -1 or (a != -1 and a < b):
        return a + 1, a + 2
    return b + 1, b + 3


def _nth_line(data: bytes, n: int) -> int:
    """Where line ``n`` (0 = the request line) starts."""
    pos = 0
    for _ in range(n):
        pos = data.index(b"\n", pos) + 1
    return pos


def _split_lines(head: bytes) -> list[tuple[int, bytes, bytes]]:
    """(offset, line without terminator, terminator) for each line of ``head``."""
    out: list[tuple[int, bytes, bytes]] = []
    pos = 0
    n = len(head)
    while pos < n:
        lf = head.find(b"\n", pos)
        if lf == -1:
            line, term, nxt = head[pos:], b"", n
        else:
            line, term, nxt = head[pos:lf], b"\n", lf + 1
        if line.endswith(b"\r") and term:
            line, term = line[:-1], b"\r\n"
        out.append((pos, line, term))
        pos = nxt
    return out


def parse_request(
    data: bytes,
    *,
    body_mode: BodyMode = "content-length",
    strict: bool = True,
    max_header_size: int = DEFAULT_MAX_HEADER_SIZE,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    max_headers: int = DEFAULT_MAX_HEADERS,
) -> RawRequest:
    """Parse one complete request from ``data``.

    ``body_mode="content-length"`` (real traffic): the head must end with an empty line and the
    body is exactly Content-Length bytes (none without it); missing or extra bytes are errors.
    ``body_mode="rest"`` (vector files): the head may end at the end of the data, and everything
    after the empty line is the body, whatever Content-Length says.

    ``strict=False`` accepts what the SigV4 suites write: a lowercase ``http/1.1`` (2011), raw
    spaces in the target (the version is then what follows the *last* space: aws-c-auth
    ``get-space``) and raw non-ASCII bytes in the target (``get-utf8``).

    Raises :class:`HttpParseError` with the byte offset (and a ``kind``: ``syntax``,
    ``framing`` or ``limit``) for anything else; never another exception. Limits: the header
    section up to ``max_header_size`` bytes and ``max_headers`` lines, the body up to
    ``max_body_size`` bytes (declared or, in ``rest`` mode, present).
    """
    if not isinstance(data, bytes):
        if not isinstance(data, bytearray | memoryview):
            msg = f"parse_request takes bytes, not {type(data).__name__}"
            raise TypeError(msg)
        data = bytes(data)
    found = _find_head_end(data, max_header_size)
    if found is None:
        if len(data) > max_header_size:
            msg = f"header section larger than {max_header_size} bytes"
            raise HttpParseError(msg, offset=max_header_size, kind="limit")
        if body_mode != "rest":
            msg = "truncated request: no empty line ends the header section"
            raise HttpParseError(msg, offset=len(data))
        head_end, body_start = len(data), len(data)
    else:
        head_end, body_start = found
        if head_end > max_header_size:
            msg = f"header section larger than {max_header_size} bytes"
            raise HttpParseError(msg, offset=max_header_size, kind="limit")
    if data.count(b"\n", 0, head_end) > max_headers + 1:  # the request line, then the headers
        msg = f"more than {max_headers} header lines"
        raise HttpParseError(msg, offset=_nth_line(data, max_headers + 1), kind="limit")

    lines = _split_lines(data[:head_end])
    if not lines or not lines[0][1]:
        msg = "empty request line"
        raise HttpParseError(msg, offset=0)
    method, target, version, line_ending = _request_line(lines[0], strict=strict)
    lines_read = _header_lines(lines[1:])

    if body_mode == "rest":
        body = data[body_start:]
        if len(body) > max_body_size:
            msg = f"body larger than {max_body_size} bytes"
            raise HttpParseError(msg, offset=body_start + max_body_size, kind="limit")
    else:
        length = _content_length(lines_read, data, body_start)
        if length > max_body_size:
            msg = f"Content-Length {length} is larger than the limit of {max_body_size} bytes"
            raise HttpParseError(msg, offset=body_start, kind="framing")
        end = body_start + length
        if len(data) < end:
            msg = f"truncated body: Content-Length is {length}, got {len(data) - body_start} bytes"
            raise HttpParseError(msg, offset=len(data), kind="framing")
        if len(data) > end:
            msg = f"{len(data) - end} unexpected bytes after the body (Content-Length {length})"
            raise HttpParseError(msg, offset=end, kind="framing")
        body = data[body_start:end]
    received = tuple(text for _, text in lines_read)
    values = tuple((name, field_value(text)) for name, text in lines_read)
    return RawRequest(method, target, version, values, body, line_ending, received)


def _request_line(
    line_info: tuple[int, bytes, bytes], *, strict: bool
) -> tuple[str, str, str, str]:
    offset, line, term = line_info
    sp1 = line.find(b" ")
    if sp1 <= 0:
        msg = "request line is not 'METHOD SP target SP version'"
        raise HttpParseError(msg, offset=offset + max(sp1, 0))
    method = line[:sp1]
    if not _TOKEN.match(method):
        msg = f"invalid method {method.decode('latin-1')!r}"
        raise HttpParseError(msg, offset=offset)
    # Strict: the target ends at the next SP. Lenient (vector files): the version is the text
    # after the last SP, so a target with raw spaces (aws-c-auth get-space) stays whole.
    sp2 = line.find(b" ", sp1 + 1) if strict else line.rfind(b" ")
    if sp2 <= sp1:
        msg = "request line has no HTTP version"
        raise HttpParseError(msg, offset=offset + len(line))
    target = line[sp1 + 1 : sp2]
    version = line[sp2 + 1 :]
    if not target:
        msg = "empty request target"
        raise HttpParseError(msg, offset=offset + sp2)
    bad = (_BAD_TARGET_STRICT if strict else _BAD_TARGET_LENIENT).search(target)
    if bad is not None:
        msg = f"invalid byte {target[bad.start()]:#04x} in the request target"
        raise HttpParseError(msg, offset=offset + sp1 + 1 + bad.start())
    if not (_VERSION if strict else _VERSION_LENIENT).match(version):
        msg = f"invalid HTTP version {version.decode('latin-1')!r}"
        raise HttpParseError(msg, offset=offset + sp2 + 1)
    return (
        method.decode("ascii"),
        target.decode(_ENC, _ERR),
        version.decode(_ENC, _ERR),
        term.decode("ascii") or "\r\n",
    )


def _header_lines(lines: list[tuple[int, bytes, bytes]]) -> list[tuple[str, str]]:
    headers: list[tuple[str, bytes]] = []
    prev_term = b""
    for offset, line, term in lines:
        if not line:
            # Only possible for the last line of a "rest" head that ends the file.
            continue
        bad = _BAD_VALUE.search(line)
        if bad is not None:
            msg = f"invalid byte {line[bad.start()]:#04x} in a header line"
            raise HttpParseError(msg, offset=offset + bad.start())
        if line[0] in b" \t":
            if not headers:
                msg = "continuation line (obs-fold) before any header"
                raise HttpParseError(msg, offset=offset)
            name, value = headers[-1]
            headers[-1] = (name, value + prev_term + line)
            prev_term = term
            continue
        colon = line.find(b":")
        if colon <= 0:
            msg = "header line without a name and ':'"
            raise HttpParseError(msg, offset=offset + max(colon, 0))
        name_b = line[:colon]
        if not _TOKEN.match(name_b):
            msg = f"invalid header name {name_b.decode('latin-1')!r}"
            raise HttpParseError(msg, offset=offset)
        headers.append((name_b.decode("ascii"), line[colon + 1 :]))
        prev_term = term
    return [(n, v.decode(_ENC, _ERR)) for n, v in headers]


def _declared_length(headers: Iterable[tuple[str, str]], body_start: int) -> int | None:
    """The Content-Length the header lines declare (None without one); a Transfer-Encoding, an
    invalid value or two that disagree raise (kind ``framing``, at ``body_start``)."""
    length: int | None = None
    for name, value in headers:
        lname = name.lower()
        if lname == "transfer-encoding":
            te = value.strip(_OWS)
            msg = (
                f"Transfer-Encoding {te[:40]!r} is not supported: awsQuery requests carry "
                "Content-Length"
            )
            raise HttpParseError(msg, offset=body_start, kind="framing")
        if lname != "content-length":
            continue
        text = value.strip(_OWS)
        if not text.isascii() or not text.isdigit() or len(text) > MAX_CONTENT_LENGTH_DIGITS:
            shown = repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text)} characters)"
            msg = f"invalid Content-Length {shown}"
            raise HttpParseError(msg, offset=body_start, kind="framing")
        n = int(text)
        if length is not None and n != length:
            msg = f"conflicting Content-Length headers: {length} and {n}"
            raise HttpParseError(msg, offset=body_start, kind="framing")
        length = n
    return length


def _content_length(headers: list[tuple[str, str]], data: bytes, body_start: int) -> int:
    length = _declared_length(headers, body_start)
    if length is None:
        if len(data) > body_start:
            msg = "body bytes without a Content-Length header"
            raise HttpParseError(msg, offset=body_start, kind="framing")
        return 0
    return length


def first_bare_lf(data: bytes, *, max_header_size: int = DEFAULT_MAX_HEADER_SIZE) -> int | None:
    """The offset of the first line end of the header section (the empty line included) that is
    a bare LF, not CRLF; None when every one is CRLF. Only the first ``max_header_size`` bytes
    are searched, as :func:`parse_request` reads them.

    RFC 9112 section 2.2 lets a recipient take a bare LF as a line end, which
    :func:`parse_request` does; a sender's lines end in CRLF (docs/spec.md#http-message).
    """
    found = _find_head_end(data, max_header_size)
    end = min(len(data), max_header_size) if found is None else found[1]
    lfs = data.count(b"\n", 0, end)
    if lfs == data.count(b"\r\n", 0, end):
        return None
    pos = data.find(b"\n", 0, end)
    while pos > 0 and data[pos - 1] == 0x0D:
        pos = data.find(b"\n", pos + 1, end)
    return pos


def parse_request_lenient(
    data: bytes,
    *,
    strict: bool = False,
    max_header_size: int = DEFAULT_MAX_HEADER_SIZE,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    max_headers: int = DEFAULT_MAX_HEADERS,
) -> RawRequest:
    """Read a request as people write it into a file (``sesspec sign``'s input): lines ending in
    LF or CRLF, the header section ending at the end of the file when no empty line follows it,
    and, unless ``strict``, raw spaces and UTF-8 in the target as the SigV4 suites write them
    (what :func:`parse_request` reads with ``body_mode="rest", strict=False``).

    The body is what follows the empty line. A Content-Length, when present, must be its length;
    one line end (LF or CRLF) after that many bytes is the file's last line end, not part of
    the body. Without a Content-Length, one final line end after a body is the file's too
    (nothing is added here: ``sesspec sign`` writes the Content-Length of a body without one).

    Raises :class:`HttpParseError` as :func:`parse_request` does, with the same limits; a
    Content-Length that is not the body's length is kind ``framing``, at the end of the data.
    """
    req = parse_request(
        data,
        body_mode="rest",
        strict=strict,
        max_header_size=max_header_size,
        max_body_size=max_body_size,
        max_headers=max_headers,
    )
    body = req.body
    body_start = len(data) - len(body)
    length = _declared_length(req.headers, body_start)
    if length is None:
        kept = _without_final_line_end(body)
    elif len(body) >= length and len(body) - length <= 2 and body[length:] in _LINE_ENDS:
        kept = body[:length]
    else:
        if len(body) < length:
            msg = f"truncated body: Content-Length is {length}, got {len(body)} bytes"
        else:
            msg = f"Content-Length is {length}, but {len(body)} bytes follow the empty line"
        raise HttpParseError(msg, offset=len(data), kind="framing")
    return req if len(kept) == len(body) else req.replace(body=kept)


_LINE_ENDS = (b"", b"\n", b"\r\n")


def _without_final_line_end(body: bytes) -> bytes:
    if body.endswith(b"\r\n"):
        return body[:-2]
    if body.endswith(b"\n"):
        return body[:-1]
    return body
