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
* section 6.3: the body length is given by Content-Length; :func:`parse_request` refuses a
  chunked body (the awsQuery protocol requires Content-Length, SMITHY-Q), a stream's reader
  de-chunks it (section 7.1) and the checker judges that (HTTP008).

Text is decoded as UTF-8 with ``surrogateescape``, so any byte (even invalid UTF-8) survives the
round trip; encode with ``"utf-8", "surrogateescape"`` to get the wire bytes back.

One grammar, read in three ways, each a setting of the same code (``_read_head`` reads every
head, ``_length_declared`` every Content-Length):

* :class:`RequestReader`, sans-IO, reads a stream of requests as they arrive (the endpoint feeds
  it the bytes off its socket and answers what it gives back), de-chunking a chunked body,
  bounded by its limits, recording what is wrong but readable (a bare LF line end) instead of
  refusing it, and refusing with a typed :class:`~sesspec.errors.HttpParseError` (``kind`` and
  ``cause``) what it cannot frame;
* :func:`read_request` reads the one request a file or a capture holds: as the stream reader
  does, and where that cannot frame it, the head and the rest of the data as the body (what the
  checker judges; it never raises);
* :func:`parse_request` (and :func:`parse_request_lenient` for files typed by hand) reads a
  complete request or raises: the building block of the signers, ``sesspec sign`` and
  ``sesspec verify``.

Vector files are not quite HTTP: the aws-c-auth and 2015 suites end the head at the end of the
file (no empty line) and carry bodies without Content-Length, the 2011 suite writes
``http/1.1`` and has request lines with spaces inside the target. ``body_mode="rest"`` and
``strict=False`` accept those.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Self

from sesspec.errors import HttpParseCause, HttpParseError

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_HEADERS",
    "DEFAULT_MAX_HEADER_SIZE",
    "MAX_CHUNK_LINE",
    "MAX_CONTENT_LENGTH_DIGITS",
    "BodyMode",
    "Incoming",
    "RawRequest",
    "RequestReader",
    "field_value",
    "first_bare_lf",
    "parse_request",
    "parse_request_lenient",
    "read_request",
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


def _nth_line(data: bytes | bytearray, n: int) -> int:
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
            raise _head_too_large(max_header_size)
        if body_mode != "rest":
            raise _truncated_head(len(data))
        head_end, body_start = len(data), len(data)
    else:
        head_end, body_start = found
        if head_end > max_header_size:
            raise _head_too_large(max_header_size)
    method, target, version, line_ending, lines_read = _read_head(
        data, head_end, strict=strict, max_headers=max_headers
    )

    if body_mode == "rest":
        body = data[body_start:]
        if len(body) > max_body_size:
            msg = f"body larger than {max_body_size} bytes"
            offset = body_start + max_body_size
            raise HttpParseError(msg, offset=offset, kind="limit", cause="body-size")
    else:
        length = _content_length(lines_read, data, body_start)
        if length > max_body_size:
            raise _declared_too_large(length, max_body_size, body_start)
        end = body_start + length
        if len(data) < end:
            raise _truncated_body(length, len(data) - body_start, len(data))
        if len(data) > end:
            msg = f"{len(data) - end} unexpected bytes after the body (Content-Length {length})"
            raise HttpParseError(msg, offset=end, kind="framing", cause="trailing-bytes")
        body = data[body_start:end]
    received = tuple(text for _, text in lines_read)
    values = tuple((name, field_value(text)) for name, text in lines_read)
    return RawRequest(method, target, version, values, body, line_ending, received)


def _declared_too_large(length: int, limit: int, offset: int) -> HttpParseError:
    msg = f"Content-Length {length} is larger than the limit of {limit} bytes"
    return HttpParseError(msg, offset=offset, kind="framing", cause="body-size")


def _truncated_body(length: int, got: int, offset: int) -> HttpParseError:
    msg = f"truncated body: Content-Length is {length}, got {got} bytes"
    return HttpParseError(msg, offset=offset, kind="framing", cause="incomplete")


def _head_too_large(limit: int) -> HttpParseError:
    msg = f"header section larger than {limit} bytes"
    return HttpParseError(msg, offset=limit, kind="limit", cause="head-size")


def _truncated_head(offset: int) -> HttpParseError:
    msg = "truncated request: no empty line ends the header section"
    return HttpParseError(msg, offset=offset, cause="incomplete")


def _read_head(
    data: bytes | bytearray, head_end: int, *, strict: bool, max_headers: int
) -> tuple[str, str, str, str, list[tuple[str, str]]]:
    """The request line and header lines of ``data[:head_end]``: method, target, version, line
    ending and each header's ``(name, text after the colon)``; the grammar every reader of
    requests shares (:func:`parse_request`, :class:`RequestReader`)."""
    if data.count(b"\n", 0, head_end) > max_headers + 1:  # the request line, then the headers
        msg = f"more than {max_headers} header lines"
        offset = _nth_line(data, max_headers + 1)
        raise HttpParseError(msg, offset=offset, kind="limit", cause="header-count")
    lines = _split_lines(bytes(data[:head_end]))
    if not lines or not lines[0][1]:
        msg = "empty request line"
        raise HttpParseError(msg, offset=0, cause=_LINE)
    method, target, version, line_ending = _request_line(lines[0], strict=strict)
    return method, target, version, line_ending, _header_lines(lines[1:])


def _request_line(
    line_info: tuple[int, bytes, bytes], *, strict: bool
) -> tuple[str, str, str, str]:
    offset, line, term = line_info
    sp1 = line.find(b" ")
    if sp1 <= 0:
        msg = "request line is not 'METHOD SP target SP version'"
        raise HttpParseError(msg, offset=offset + max(sp1, 0), cause=_LINE)
    method = line[:sp1]
    if not _TOKEN.match(method):
        msg = f"invalid method {method.decode('latin-1')!r}"
        raise HttpParseError(msg, offset=offset, cause=_LINE)
    # Strict: the target ends at the next SP. Lenient (vector files): the version is the text
    # after the last SP, so a target with raw spaces (aws-c-auth get-space) stays whole.
    sp2 = line.find(b" ", sp1 + 1) if strict else line.rfind(b" ")
    if sp2 <= sp1:
        msg = "request line has no HTTP version"
        raise HttpParseError(msg, offset=offset + len(line), cause=_LINE)
    target = line[sp1 + 1 : sp2]
    version = line[sp2 + 1 :]
    if not target:
        msg = "empty request target"
        raise HttpParseError(msg, offset=offset + sp2, cause=_LINE)
    bad = (_BAD_TARGET_STRICT if strict else _BAD_TARGET_LENIENT).search(target)
    if bad is not None:
        msg = f"invalid byte {target[bad.start()]:#04x} in the request target"
        raise HttpParseError(msg, offset=offset + sp1 + 1 + bad.start(), cause=_LINE)
    if not (_VERSION if strict else _VERSION_LENIENT).match(version):
        msg = f"invalid HTTP version {version.decode('latin-1')!r}"
        raise HttpParseError(msg, offset=offset + sp2 + 1, cause=_LINE)
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
            raise HttpParseError(msg, offset=offset + bad.start(), cause=_FIELD)
        if line[0] in b" \t":
            if not headers:
                msg = "continuation line (obs-fold) before any header"
                raise HttpParseError(msg, offset=offset, cause=_FIELD)
            name, value = headers[-1]
            headers[-1] = (name, value + prev_term + line)
            prev_term = term
            continue
        colon = line.find(b":")
        if colon <= 0:
            msg = "header line without a name and ':'"
            raise HttpParseError(msg, offset=offset + max(colon, 0), cause=_FIELD)
        name_b = line[:colon]
        if not _TOKEN.match(name_b):
            msg = f"invalid header name {name_b.decode('latin-1')!r}"
            raise HttpParseError(msg, offset=offset, cause=_FIELD)
        headers.append((name_b.decode("ascii"), line[colon + 1 :]))
        prev_term = term
    return [(n, v.decode(_ENC, _ERR)) for n, v in headers]


def _declared_length(headers: Iterable[tuple[str, str]], body_start: int) -> int | None:
    """The Content-Length the header lines declare (None without one); a Transfer-Encoding, an
    invalid value or two that disagree raise (kind ``framing``, at ``body_start``)."""
    for name, value in headers:
        if name.lower() == "transfer-encoding":
            te = value.strip(_OWS)
            msg = (
                f"Transfer-Encoding {te[:40]!r} is not supported: awsQuery requests carry "
                "Content-Length"
            )
            raise HttpParseError(msg, offset=body_start, kind="framing", cause="transfer-encoding")
    return _length_declared(headers, body_start)


def _length_declared(headers: Iterable[tuple[str, str]], body_start: int) -> int | None:
    """The Content-Length of the header lines (None without one), each 1 to
    :data:`MAX_CONTENT_LENGTH_DIGITS` ASCII digits (RFC 9110 section 8.6: ``1*DIGIT``; a list
    such as ``40, 40`` is not one); lines that repeat the same value are that value (section
    8.6: a recipient MAY "replace that invalid field value with a single instance"), lines
    that disagree are refused (kind ``framing``, at ``body_start``)."""
    length: int | None = None
    for name, value in headers:
        if name.lower() != "content-length":
            continue
        text = value.strip(_OWS)
        if not text.isascii() or not text.isdigit() or len(text) > MAX_CONTENT_LENGTH_DIGITS:
            shown = repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text)} characters)"
            msg = f"invalid Content-Length {shown}"
            raise HttpParseError(msg, offset=body_start, kind="framing", cause="content-length")
        n = int(text)
        if length is not None and n != length:
            msg = f"conflicting Content-Length headers: {length} and {n}"
            raise HttpParseError(msg, offset=body_start, kind="framing", cause="content-length")
        length = n
    return length


def _content_length(headers: list[tuple[str, str]], data: bytes, body_start: int) -> int:
    length = _declared_length(headers, body_start)
    if length is None:
        if len(data) > body_start:
            msg = "body bytes without a Content-Length header"
            raise HttpParseError(msg, offset=body_start, kind="framing", cause="content-length")
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
        raise HttpParseError(msg, offset=len(data), kind="framing", cause="content-length")
    return req if len(kept) == len(body) else req.replace(body=kept)


_LINE_ENDS = (b"", b"\n", b"\r\n")
_LINE: HttpParseCause = "request-line"
_FIELD: HttpParseCause = "header-line"


def _without_final_line_end(body: bytes) -> bytes:
    if body.endswith(b"\r\n"):
        return body[:-2]
    if body.endswith(b"\n"):
        return body[:-1]
    return body


# -- the reader of a stream of requests (sans-IO) ------------------------------------------------

#: Longest chunk-size or trailer line :class:`RequestReader` takes (RFC 9112 section 7.1 sets
#: none; h11 takes 4096 bytes too).
MAX_CHUNK_LINE = 4096

# RFC 9112 section 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; chunk-size =
# 1*HEXDIG; chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ). No '0x',
# no '_', no sign, no space unless a ';' follows; 16 hex digits hold any 64-bit size.
_CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})(?:[ \t]*;[^\x00-\x08\x0a-\x1f\x7f]*)?\Z")
# RFC 9110 section 5.6.1: a list's elements, separated by commas with optional whitespace.
_LIST_SPLIT = re.compile(r"[ \t]*,[ \t]*")


@dataclass(frozen=True, slots=True)
class Incoming:
    """One request as :class:`RequestReader` read it off a stream.

    ``raw`` is every byte of it as it arrived (the head up to and including the empty line,
    then the body as framed: chunk sizes included when chunked), ``head_length`` splits the
    two, ``body`` is the body after de-chunking. ``request`` is the request read (its body
    ``body``), None when the head could not be read. ``problems`` are what was wrong but read
    anyway (a bare LF line end: cause ``line-ending``), ``refusal`` what stopped the reading
    (then ``raw`` is what had arrived, up to the limits, and the stream is read no further).
    ``notes`` say what was unusual (``chunked``, ``obs-fold``, ``expect-100-continue``,
    ``sent-100-continue``, ``content-length-with-chunked``); ``keep_alive`` whether another
    request may follow on the connection (RFC 9112 section 9.3).
    """

    raw: bytes
    head_length: int
    body: bytes
    request: RawRequest | None
    problems: tuple[HttpParseError, ...] = ()
    refusal: HttpParseError | None = None
    notes: tuple[str, ...] = ()
    keep_alive: bool = True


@dataclass(slots=True)
class _Framed:
    """The head of the request under way, read."""

    head_length: int
    method: str
    target: str
    version: str
    line_ending: str
    fields: list[tuple[str, str]]
    headers: tuple[tuple[str, str], ...]
    problems: list[HttpParseError]
    notes: list[str]
    keep_alive: bool
    length: int | None  # None: chunked
    expect_continue: bool

    def request(self, body: bytes) -> RawRequest:
        received = tuple(text for _, text in self.fields)
        return RawRequest(
            self.method, self.target, self.version, self.headers, body, self.line_ending, received
        )


def _values(headers: tuple[tuple[str, str], ...], name: str) -> list[str]:
    return [v for n, v in headers if n.lower() == name]


class RequestReader:
    """Reads HTTP/1.1 requests from a stream of bytes, one after another, without doing I/O
    itself (h11's shape): :meth:`feed` it what arrives, :meth:`feed_eof` when the peer closes,
    and take each request from :meth:`next_request` (None while it needs more bytes).

    The grammar is :func:`parse_request`'s (``strict`` as there: raw spaces and non-ASCII in
    the target, a lowercase version), and so are the limits (``max_header_size`` bytes and
    ``max_headers`` lines of head, a body of ``max_body_size`` bytes, declared or de-chunked).
    It is lenient where :func:`parse_request` is and says so: a bare LF line end is read, and
    recorded in :attr:`Incoming.problems`. The framing of a stream (RFC 9112 section 6): a body
    is ``Content-Length`` bytes, or chunked when ``Transfer-Encoding`` is ``chunked`` alone in
    an HTTP/1.1 request (section 7.1; sizes of 1-16 hex digits, extensions and trailers read
    and dropped, their framing bounded by ``max_header_size`` in all and each line by
    :data:`MAX_CHUNK_LINE`). Empty lines between requests are skipped (section 2.2).

    What cannot be read is not raised: the request comes back with :attr:`Incoming.refusal`
    (an :class:`~sesspec.errors.HttpParseError` whose ``kind`` and ``cause`` say what), holding
    what had arrived, and the reader reads no further (the connection must close: its framing
    is lost). A transport that gives up waiting (a deadline) calls :meth:`refuse`.
    """

    def __init__(
        self,
        *,
        strict: bool = True,
        max_header_size: int = DEFAULT_MAX_HEADER_SIZE,
        max_headers: int = DEFAULT_MAX_HEADERS,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        self.strict = strict
        self.max_header_size = max_header_size
        self.max_headers = max_headers
        self.max_body_size = max_body_size
        self._buf: bytes | bytearray = b""
        self._eof = False
        self._stopped = False
        self._after_first = False
        self._start()

    def _start(self) -> None:
        self._scan = 0  # where the search for the end of the head resumes
        self._framed: _Framed | None = None
        self._pos = 0  # chunked: where the next chunk-size or trailer line starts
        self._chunks = bytearray()
        self._in_trailers = False
        self._continue_sent = False

    # -- what the transport asks -------------------------------------------------------------

    @property
    def state(self) -> Literal["idle", "head", "body", "closed"]:
        """``idle`` (no byte of a request yet), ``head``, ``body``, or ``closed`` (the peer
        closed, or a request was refused: nothing more will be read)."""
        if self._stopped or (self._eof and not self._buf):
            return "closed"
        if self._framed is not None:
            return "body"
        return "head" if self._buf else "idle"

    @property
    def expecting_continue(self) -> bool:
        """True when the head asked ``Expect: 100-continue`` (HTTP/1.1) and no byte of the body
        has arrived: the transport sends ``100 Continue`` and calls :meth:`continue_sent`
        (RFC 9110 section 10.1.1)."""
        framed = self._framed
        return (
            framed is not None
            and framed.expect_continue
            and not self._continue_sent
            and len(self._buf) == framed.head_length
        )

    def continue_sent(self) -> None:
        """The transport sent ``100 Continue`` for the request under way."""
        self._continue_sent = True
        if self._framed is not None:
            self._framed.notes.append("sent-100-continue")

    def feed(self, data: bytes) -> None:
        """Bytes that arrived (after :meth:`feed_eof`: a ``RuntimeError``)."""
        if self._eof:
            msg = "bytes fed after the end of the stream"
            raise RuntimeError(msg)
        if not self._buf:
            self._buf = bytes(data)  # no copy of bytes: a whole request read at once
            return
        if type(self._buf) is bytes:
            self._buf = bytearray(self._buf)
        self._buf += data

    def _drop(self, n: int) -> None:
        """Forget the first ``n`` bytes of the buffer."""
        if type(self._buf) is bytearray:
            del self._buf[:n]
        else:
            self._buf = self._buf[n:]

    def feed_eof(self) -> None:
        """The peer closed its side: what is buffered is all there is."""
        self._eof = True

    def refuse(self, error: HttpParseError) -> Incoming:
        """Stop reading: the request under way, as far as it arrived, refused with ``error``
        (the transport's: a deadline passed)."""
        return self._refused(error)

    # -- reading -------------------------------------------------------------------------------

    def next_request(self) -> Incoming | None:
        """The next request, or None when more bytes are needed (or, once ``state`` is
        ``closed``, when there is none)."""
        if self._stopped:
            return None
        if self._framed is None:
            if self._after_first:
                self._skip_empty_lines()
            try:
                framed = self._read_head()
            except HttpParseError as exc:
                return self._refused(exc)
            if framed is None:
                if self._eof and self._buf:
                    return self._refused(_truncated_head(len(self._buf)))
                return None
            self._framed = framed
        try:
            return self._read_body(self._framed)
        except HttpParseError as exc:
            return self._refused(exc)

    def _skip_empty_lines(self) -> None:
        buf = self._buf
        n = 0
        while n < len(buf) and buf[n] in b"\r\n" and n <= self.max_header_size:
            n += 1
        if n and (n == len(buf) or buf[n - 1] == 0x0A):
            self._drop(n)
        elif n > 1:
            self._drop(n - 1)  # a lone CR may begin a CRLF whose LF is still to come

    def _read_head(self) -> _Framed | None:
        buf = self._buf
        limit = self.max_header_size
        found = _find_head_end_from(buf, self._scan, limit)
        if found is None:
            if len(buf) >= limit + 4:
                raise _head_too_large(limit)
            self._scan = max(0, len(buf) - 2)
            return None
        head_end, body_start = found
        if head_end > limit:
            raise _head_too_large(limit)
        method, target, version, line_ending, fields = _read_head(
            buf, head_end, strict=self.strict, max_headers=self.max_headers
        )
        head = bytes(buf[:body_start])
        problems: list[HttpParseError] = []
        bare = _bare_lf_problem(head, limit + 4)
        if bare is not None:
            problems.append(bare)
        headers = tuple((name, field_value(text)) for name, text in fields)
        notes = ["obs-fold"] if any("\n" in text for _, text in fields) else []
        http10 = version == "HTTP/1.0"
        connection = ",".join(_values(headers, "connection")).lower()
        keep_alive = "keep-alive" in connection if http10 else "close" not in connection
        length: int | None = 0
        codings = _values(headers, "transfer-encoding")
        if codings:
            _chunked_framing(codings, http10=http10, offset=body_start)
            notes.append("chunked")
            length = None
            if _values(headers, "content-length"):
                # RFC 9112 section 6.3 rule 3: chunked wins, and the server "MUST close the
                # connection after responding".
                notes.append("content-length-with-chunked")
                keep_alive = False
        else:
            declared = _length_declared(headers, body_start)
            length = declared or 0
            if length > self.max_body_size:
                raise _declared_too_large(length, self.max_body_size, body_start)
        expect = [v.lower() for v in _values(headers, "expect")]
        expect_continue = (
            "100-continue" in expect and version == "HTTP/1.1" and (length is None or length > 0)
        )
        if expect_continue:
            notes.append("expect-100-continue")
        self._pos = body_start
        return _Framed(
            body_start,
            method,
            target,
            version,
            line_ending,
            fields,
            headers,
            problems,
            notes,
            keep_alive,
            length,
            expect_continue,
        )

    def _read_body(self, framed: _Framed) -> Incoming | None:
        buf = self._buf
        if framed.length is None:
            end = self._read_chunks(framed)
            if end is None:
                return None
            body = bytes(self._chunks)
        else:
            end = framed.head_length + framed.length
            if len(buf) < end:
                if self._eof:
                    got = len(buf) - framed.head_length
                    raise _truncated_body(framed.length, got, len(buf))
                return None
            body = bytes(buf[framed.head_length : end])
        raw = bytes(buf[:end])
        self._drop(end)
        incoming = Incoming(
            raw,
            framed.head_length,
            body,
            framed.request(body),
            tuple(framed.problems),
            None,
            tuple(framed.notes),
            framed.keep_alive,
        )
        if not framed.keep_alive:
            self._stopped = True
        self._after_first = True
        self._start()
        return incoming

    def _line(self, pos: int) -> int | None:
        """Where the CRLF ending the chunk line at ``pos`` is (None: not arrived yet)."""
        buf = self._buf
        crlf = buf.find(b"\r\n", pos, pos + MAX_CHUNK_LINE + 2)
        if crlf >= 0:
            return crlf
        if len(buf) - pos > MAX_CHUNK_LINE + 1:
            msg = f"a chunk-size or trailer line longer than {MAX_CHUNK_LINE} bytes"
            raise HttpParseError(msg, offset=pos, kind="framing", cause="chunked")
        if self._eof:
            msg = "truncated chunked body: the data ended inside its framing"
            raise HttpParseError(msg, offset=len(buf), kind="framing", cause="incomplete")
        return None

    def _read_chunks(self, framed: _Framed) -> int | None:
        """RFC 9112 section 7.1: chunk-size [ext] CRLF data CRLF ... 0 CRLF trailers CRLF; where
        the chunked body ends, or None when more bytes are needed."""
        buf = self._buf
        limit = self.max_header_size
        while True:
            pos = self._pos
            crlf = self._line(pos)
            if crlf is None:
                return None
            if self._in_trailers:
                self._pos = crlf + 2
                self._check_framing(framed, limit)
                if crlf == pos:
                    return self._pos
                continue
            line = bytes(buf[pos:crlf])
            match = _CHUNK_LINE.match(line)
            if match is None:
                shown = repr(line[:40].decode("latin-1"))
                msg = f"chunk size {shown} is not 1 to 16 hexadecimal digits"
                raise HttpParseError(msg, offset=pos, kind="framing", cause="chunked")
            size = int(match.group(1), 16)
            data = crlf + 2
            if size == 0:
                self._in_trailers = True
                self._pos = data
                self._check_framing(framed, limit)
                continue
            if len(self._chunks) + size > self.max_body_size:
                msg = f"chunked body larger than {self.max_body_size} bytes"
                raise HttpParseError(msg, offset=data, kind="limit", cause="body-size")
            if len(buf) < data + size + 2:
                if self._eof:
                    msg = "truncated chunked body: the data ended inside a chunk"
                    raise HttpParseError(msg, offset=len(buf), kind="framing", cause="incomplete")
                return None
            if buf[data + size : data + size + 2] != b"\r\n":
                msg = "chunk data not followed by CRLF"
                offset = data + size
                raise HttpParseError(msg, offset=offset, kind="framing", cause="chunked")
            self._chunks += buf[data : data + size]
            self._pos = data + size + 2
            self._check_framing(framed, limit)

    def _check_framing(self, framed: _Framed, limit: int) -> None:
        """The framing around chunked data (size lines, extensions, trailers) is bounded like
        a head."""
        framing = self._pos - framed.head_length - len(self._chunks)
        if framing > limit:
            msg = f"chunk framing larger than {limit} bytes"
            raise HttpParseError(msg, offset=self._pos, kind="limit", cause="body-size")

    def _refused(self, error: HttpParseError) -> Incoming:
        """The request under way refused with ``error``: its bytes up to where the reading
        stopped (the head, for a head that cannot be read; up to the error's offset in a
        body, within the limits; all that arrived when the transport gave up), so that the
        same bytes give the same record however they arrived. Nothing is read after it."""
        self._stopped = True
        buf = self._buf
        framed = self._framed
        limit = self.max_header_size
        if framed is None:
            found = _find_head_end_from(buf, 0, limit)
            if found is None or error.cause == "head-size":
                kept = bytes(buf[:limit])
                head_length = len(kept)
                found = None
            else:
                head_length = found[1]
                end = head_length if error.kind != "framing" else error.offset
                kept = bytes(buf[: min(max(end, head_length), head_length + self.max_body_size)])
            request = None
            if found is not None:
                with contextlib.suppress(HttpParseError):
                    request = _request_of(kept, found, self.strict, self.max_headers)
            incoming = Incoming(
                kept, head_length, kept[head_length:], request, refusal=error, keep_alive=False
            )
        else:
            head_length = framed.head_length
            end = len(buf) if error.cause == "timeout" else max(error.offset, head_length)
            kept = bytes(buf[: min(end, head_length + self.max_body_size)])
            body = kept[head_length:]
            incoming = Incoming(
                kept,
                head_length,
                body,
                framed.request(body),
                tuple(framed.problems),
                error,
                tuple(framed.notes),
                keep_alive=False,
            )
        self._buf = b""
        return incoming


def _request_of(data: bytes, found: tuple[int, int], strict: bool, max_headers: int) -> RawRequest:
    """The head of ``data`` as a request without a body (for a refused one)."""
    method, target, version, line_ending, fields = _read_head(
        data, found[0], strict=strict, max_headers=max_headers
    )
    headers = tuple((name, field_value(text)) for name, text in fields)
    received = tuple(text for _, text in fields)
    return RawRequest(method, target, version, headers, b"", line_ending, received)


def _chunked_framing(codings: list[str], *, http10: bool, offset: int) -> None:
    """RFC 9112 section 6.1: only ``chunked`` is understood, and only as the one coding
    (chunked not last: the length cannot be known); a Transfer-Encoding in an HTTP/1.0 request
    is faulty framing."""
    if http10:
        msg = "Transfer-Encoding in an HTTP/1.0 request"
        raise HttpParseError(msg, offset=offset, kind="framing", cause="transfer-encoding")
    elements = [e.lower() for v in codings for e in _LIST_SPLIT.split(v) if e]
    if elements != ["chunked"]:
        shown = ", ".join(codings)
        shown = repr(shown) if len(shown) <= 60 else f"{shown[:60]!r}..."
        msg = f"Transfer-Encoding {shown}: only 'chunked' alone is read"
        raise HttpParseError(msg, offset=offset, kind="framing", cause="transfer-encoding")


def _find_head_end_from(data: bytes | bytearray, start: int, limit: int) -> tuple[int, int] | None:
    """:func:`_find_head_end` searching from ``start`` (a stream's bytes arrive a few at a
    time: what was searched is not searched again)."""
    window = limit + 4
    a = data.find(b"\n\n", start, window)
    b = data.find(b"\n\r\n", start, window)
    if a == -1 and b == -1:
        return None
    if b == -1 or (a != -1 and a < b):
        return a + 1, a + 2
    return b + 1, b + 3


def read_request(
    data: bytes,
    *,
    strict: bool = True,
    max_header_size: int = DEFAULT_MAX_HEADER_SIZE,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    max_headers: int = DEFAULT_MAX_HEADERS,
) -> Incoming:
    """The one request ``data`` holds, read as :class:`RequestReader` reads a stream, and, where
    that cannot frame it, as a judge of a file reads it (the checker): never raises.

    A request the stream reader frames to exactly the end of ``data`` (with a bare LF line
    end, one final line end after it is the file's) is that request. Where its framing fails
    (Content-Length invalid, missing or not what follows; chunked framing broken) the request
    is the head and everything after it as the body (a bare-LF file without its final line
    end: :func:`parse_request_lenient`), with the framing problem first in ``problems``.
    What cannot be read at all is ``refusal``, with ``request`` None.
    """
    reader = RequestReader(
        strict=strict,
        max_header_size=max_header_size,
        max_headers=max_headers,
        max_body_size=max_body_size,
    )
    reader.feed(data)
    reader.feed_eof()
    first = reader.next_request()
    if first is None:  # no byte at all
        return Incoming(data, 0, b"", None, refusal=_truncated_head(0))
    bare = next((p for p in first.problems if p.cause == "line-ending"), None)
    if bare is None and first.request is None:
        bare = _bare_lf_problem(data, max_header_size)
    problem = first.refusal
    if problem is None:
        rest = len(data) - len(first.raw)
        if not rest or (bare is not None and data[len(first.raw) :] in _LINE_ENDS):
            return first
        msg = f"{rest} unexpected bytes after the body"
        problem = HttpParseError(msg, offset=len(first.raw), kind="framing", cause="trailing-bytes")
    limits = (strict, max_header_size, max_body_size, max_headers)
    try:
        if bare is None:
            if problem.kind != "framing":
                raise problem
            request = _rest(data, *limits)
            problems: tuple[HttpParseError, ...] = (problem,)
        else:
            # A file typed by hand: its head may end at the end of the file, and its last
            # line end is the file's (parse_request_lenient).
            try:
                request = parse_request_lenient(data, **_named(limits))
                problems = (bare, problem)  # read as a file; a stream's framing differs
            except HttpParseError as exc:
                if exc.kind != "framing":
                    raise
                request = _rest(data, *limits)
                problems = (bare, exc)
    except HttpParseError as exc:
        return Incoming(data, len(data), b"", None, (), exc)
    return Incoming(data, len(data) - len(request.body), request.body, request, problems)


def _bare_lf_problem(data: bytes, max_header_size: int) -> HttpParseError | None:
    at = first_bare_lf(data, max_header_size=max_header_size)
    if at is None:
        return None
    msg = "bare LF line endings: HTTP/1.1 lines end with CRLF; the first bare LF is here"
    return HttpParseError(msg, offset=at, cause="line-ending")


def _named(limits: tuple[bool, int, int, int]) -> dict[str, Any]:
    strict, max_header_size, max_body_size, max_headers = limits
    return {
        "strict": strict,
        "max_header_size": max_header_size,
        "max_body_size": max_body_size,
        "max_headers": max_headers,
    }


def _rest(
    data: bytes, strict: bool, max_header_size: int, max_body_size: int, max_headers: int
) -> RawRequest:
    return parse_request(
        data,
        body_mode="rest",
        strict=strict,
        max_header_size=max_header_size,
        max_body_size=max_body_size,
        max_headers=max_headers,
    )
