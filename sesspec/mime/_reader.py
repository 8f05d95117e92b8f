"""Header sections and parts of a message, read exactly and within bounds; see
:mod:`sesspec.mime`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sesspec.mime._limits import (
    MAX_DEPTH,
    MAX_HEADER_LINES,
    MAX_MESSAGE_BYTES,
    MAX_PARTS,
    MimeError,
)
from sesspec.mime._text import (
    codec,
    decode_base64,
    decode_quoted_printable,
    decode_words,
    parse_content_type,
)

__all__ = ["Field", "Part", "read_header_section", "read_message"]

_CR, _LF, _SP, _HT = 13, 10, 32, 9
_ENC = "utf-8"
_ERR = "surrogateescape"


@dataclass(frozen=True, slots=True)
class Field:
    """One header field as it arrived: its ``name`` as written, and ``raw``, every byte after
    the colon up to the end of its last line (fold line ends included, the field's own line
    end not). ``lines`` is how many physical lines it spans, ``longest_line`` the longest of
    them in octets, without its line end (the name and colon count on the first)."""

    name: str
    raw: bytes
    lines: int
    longest_line: int

    def unfolded(self) -> str:
        """The field body unfolded (each line end inside it removed, RFC 5322 section
        2.2.3), as UTF-8 text with undecodable bytes kept (``surrogateescape``)."""
        data = self.raw
        if _LF in data:
            data = data.replace(b"\r\n", b"").replace(b"\n", b"")
        return data.decode(_ENC, _ERR)

    def written(self) -> str:
        """The value as its writer wrote it: unfolded, less the one space that
        conventionally follows the colon (more spaces, or a tab, are the value's)."""
        text = self.unfolded()
        return text[1:] if text.startswith(" ") else text

    def text(self) -> str:
        """What a mail program shows: unfolded, RFC 2047 encoded-words decoded, white space
        at both ends removed."""
        return decode_words(self.unfolded()).strip()


def _line_end(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """(end of the line's content, start of the next line) for the line at ``pos``."""
    nl = data.find(b"\n", pos, end)
    if nl < 0:
        return end, end
    content = nl - 1 if nl > pos and data[nl - 1] == _CR else nl
    return content, nl + 1


def read_header_section(
    data: bytes, start: int = 0, end: int | None = None
) -> tuple[tuple[Field, ...], int, tuple[int, int]]:
    """The header fields of the section at ``data[start:end]``, the offset where its body
    starts, and how many of its lines ended in CRLF and in a bare LF. The section ends at an
    empty line (which is not part of the body), at a line that is neither a field nor a
    fold (which is), or at ``end``. More than :data:`MAX_HEADER_LINES` lines is a
    :class:`MimeError` (``too-many-header-lines``)."""
    stop = len(data) if end is None else end
    fields: list[Field] = []
    name = ""
    value_start = value_end = lines = longest = 0
    pos = start
    crlf = bare_lf = count = 0
    body = stop
    while pos < stop:
        content, after = _line_end(data, pos, stop)
        if after > content:
            if after - content == 2:
                crlf += 1
            else:
                bare_lf += 1
        if content == pos:  # the empty line: the body follows it
            body = after
            break
        count += 1
        if count > MAX_HEADER_LINES:
            msg = f"more than {MAX_HEADER_LINES} header lines"
            raise MimeError(msg, kind="too-many-header-lines", offset=pos)
        if data[pos] in (_SP, _HT) and lines:
            value_end = content
            lines += 1
            longest = max(longest, content - pos)
        else:
            colon = data.find(b":", pos, content)
            if colon <= pos:  # not a field: the body starts here (a defect readers accept)
                body = pos
                break
            if lines:
                fields.append(Field(name, data[value_start:value_end], lines, longest))
            name = data[pos:colon].rstrip(b" \t").decode(_ENC, _ERR)
            value_start, value_end = colon + 1, content
            lines, longest = 1, content - pos
        pos = after
    if lines:
        fields.append(Field(name, data[value_start:value_end], lines, longest))
    return tuple(fields), body, (crlf, bare_lf)


class Part:
    """One part of a message (the message itself is the first): its header ``fields``, its
    body as it arrived (:attr:`body`: for a multipart, the whole of it; the CRLF before a
    delimiter line is the delimiter's), and, for a multipart, its ``children`` in order.
    ``depth`` is its multipart level (0: the message), ``eol`` how many lines of its header
    section ended in CRLF and in a bare LF."""

    __slots__ = (
        "_children",
        "_data",
        "body_end",
        "body_start",
        "content_type",
        "depth",
        "eol",
        "fields",
        "params",
    )

    def __init__(  # noqa: PLR0917 - a part's place in the message, as the reader finds it
        self,
        data: bytes,
        fields: tuple[Field, ...],
        body_start: int,
        body_end: int,
        depth: int,
        eol: tuple[int, int],
    ) -> None:
        self._data = data
        self.fields = fields
        self.body_start = body_start
        self.body_end = body_end
        self.depth = depth
        self.eol = eol
        self._children: list[Part] = []
        ctype = self.header("Content-Type")
        kind, params = parse_content_type(ctype.unfolded()) if ctype else ("", {})
        if "/" not in kind:
            kind, params = "text/plain", {}
        self.content_type = kind
        self.params = params

    def __repr__(self) -> str:
        return f"Part({self.content_type!r}, {len(self.fields)} fields, {self.size} bytes)"

    @property
    def size(self) -> int:
        """Bytes of the body as it arrived."""
        return self.body_end - self.body_start

    @property
    def body(self) -> bytes:
        """The body as it arrived (undecoded)."""
        return self._data[self.body_start : self.body_end]

    @property
    def children(self) -> tuple[Part, ...]:
        return tuple(self._children)

    @property
    def is_multipart(self) -> bool:
        return self.content_type.startswith("multipart/") and bool(self.params.get("boundary"))

    def header(self, name: str) -> Field | None:
        """The first field named ``name`` (any case)."""
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)

    def headers(self, name: str) -> list[Field]:
        """Every field named ``name`` (any case), in order."""
        lowered = name.lower()
        return [f for f in self.fields if f.name.lower() == lowered]

    @property
    def transfer_encoding(self) -> str:
        """The Content-Transfer-Encoding, lower case (``7bit`` when absent)."""
        field = self.header("Content-Transfer-Encoding")
        return field.unfolded().strip().lower() if field else "7bit"

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter as written (None when absent)."""
        return self.params.get("charset")

    @property
    def disposition(self) -> str | None:
        field = self.header("Content-Disposition")
        return parse_content_type(field.unfolded())[0] or None if field else None

    @property
    def filename(self) -> str | None:
        """The Content-Disposition ``filename``, else the Content-Type ``name`` (decoded)."""
        field = self.header("Content-Disposition")
        name = parse_content_type(field.unfolded())[1].get("filename") if field else None
        if name is None:
            name = self.params.get("name")
        return None if name is None else decode_words(name)

    def content(self) -> bytes:
        """The body decoded by its transfer encoding, as a conforming reader decodes it."""
        body = self.body
        encoding = self.transfer_encoding
        if encoding == "base64":
            return decode_base64(body)
        if encoding == "quoted-printable":
            return decode_quoted_printable(body)
        return body

    def text(self, *, errors: str = _ERR, default: str = "us-ascii") -> str:
        """:meth:`content` read in the part's charset (``default`` when it names none, as RFC
        2045 section 5.2 says US-ASCII; UTF-8 when it names one Python does not know)."""
        name = codec(self.charset or default) or _ENC
        return self.content().decode(name, errors)

    def leaves(self) -> Iterator[Part]:
        """The parts that are not multiparts, in order, depth first (no recursion)."""
        pending: list[Part] = [self]
        while pending:
            part = pending.pop()
            if part._children:
                pending.extend(reversed(part._children))
            else:
                yield part


def read_message(data: bytes) -> Part:
    """The message in ``data`` and its parts (see the module docstring); a
    :class:`MimeError` past a limit."""
    if len(data) > MAX_MESSAGE_BYTES:
        msg = f"a message of {len(data)} bytes, over the {MAX_MESSAGE_BYTES}-byte limit"
        raise MimeError(msg, kind="too-large", offset=MAX_MESSAGE_BYTES)
    fields, body, eol = read_header_section(data)
    root = Part(data, fields, body, len(data), 0, eol)
    count = 1
    pending = [root]
    while pending:
        part = pending.pop()
        if not part.is_multipart:
            continue
        if part.depth >= MAX_DEPTH:
            msg = f"multiparts nested more than {MAX_DEPTH} deep"
            raise MimeError(msg, kind="too-deep", offset=part.body_start)
        spans = _split_multipart(data, part, MAX_PARTS - count)
        count += len(spans)
        for start, end in spans:
            child_fields, child_body, child_eol = read_header_section(data, start, end)
            child = Part(data, child_fields, child_body, end, part.depth + 1, child_eol)
            part._children.append(child)  # built here, read-only after
        pending.extend(part._children)
    return root


def _split_multipart(data: bytes, part: Part, room: int) -> list[tuple[int, int]]:
    """The spans of ``part``'s body parts (between its delimiter lines), at most ``room``."""
    dash = b"--" + part.params["boundary"].encode(_ENC, _ERR)
    start, stop = part.body_start, part.body_end
    spans: list[tuple[int, int]] = []
    opened = -1
    pos = start
    while True:
        at = data.find(dash, pos, stop)
        if at < 0:
            break
        after = at + len(dash)
        if at != start and data[at - 1] != _LF:
            pos = after
            continue
        closing = data[after : after + 2] == b"--"
        rest = after + 2 if closing else after
        content, next_line = _line_end(data, rest, stop)
        if data[rest:content].strip(b" \t"):
            pos = after  # the boundary is the start of a longer word: not a delimiter
            continue
        if opened >= 0:
            end = at
            if end > opened and data[end - 1] == _LF:
                end -= 1
                if end > opened and data[end - 1] == _CR:
                    end -= 1
            if len(spans) == room:
                msg = f"more than {MAX_PARTS} parts"
                raise MimeError(msg, kind="too-many-parts", offset=at)
            spans.append((opened, max(end, opened)))
        if closing:
            return spans
        opened = next_line
        pos = next_line
    if opened >= 0:  # no closing delimiter: the last part runs to the end
        if len(spans) == room:
            msg = f"more than {MAX_PARTS} parts"
            raise MimeError(msg, kind="too-many-parts", offset=stop)
        spans.append((opened, stop))
    return spans
