"""Internet messages read exactly and within bounds: header fields, MIME parts, their content.

The one reader of mail in sesspec: the fidelity comparison (:mod:`sesspec.fidelity`) and the
local SES's mailbox (:mod:`sesspec.serve.mailbox`) read every message through
:func:`read_message`. It keeps what arrived as it arrived (each field's bytes after the colon,
folds and all; each part's body as bytes) and decodes only when asked, as a conforming reader
decodes:

* RFC 5322 section 2.2: a header field is ``name ":" body``; a line that starts with a space or
  a tab continues the field before it (a fold), and unfolding removes each line end that is
  followed by white space (section 2.2.3), nothing else. Section 2.1.1: a line is at most 998
  octets (:attr:`Field.longest_line` says how long a field's longest line is).
* RFC 2045 section 5.1: ``Content-Type: type/subtype; name=value`` (a value a token or a quoted
  string), text/plain (us-ascii) when absent; RFC 2231 section 3-4: ``name*=charset'lang'%XX``
  and ``name*0``, ``name*1*``... continuations.
* RFC 2045 section 6: ``Content-Transfer-Encoding``; 7bit, 8bit and binary are the bytes as they
  are; section 6.7 quoted-printable, whose decoder deletes the white space at the end of each
  encoded line ("any trailing white space on a line must be deleted, as it will necessarily
  have been added by intermediate transport agents") and reads ``=`` at the end of a line as a
  soft line break; section 6.8 base64, characters outside the alphabet ignored.
* RFC 2046 section 5.1.1: a multipart body is split at lines ``--boundary`` (``--boundary--``
  closes it); "the CRLF preceding the boundary delimiter line is conceptually attached to the
  boundary", so it is not part of the body before it.
* RFC 2047: ``=?charset?B|Q?text?=`` encoded-words, white space between two adjacent ones
  ignored (section 6.2); a word whose charset is unknown stays as written.
* RFC 5322 section 3.4: address lists (``name <addr>``, ``addr``, quoted strings, comments,
  groups), read by :func:`mailboxes` without recursion.

Lenient where readers are: a line ends in CRLF or a bare LF (a bare CR is data; the checker's
ENC009 reports both as the non-canonical forms they are), a header line without a colon starts
the body, a multipart without a boundary is read as one part, bad base64 or quoted-printable is
decoded as far as it goes. What cannot be read is a :class:`MimeError` naming the limit and the
byte where reading stopped, never another exception.

Every size a message decides is bounded, and checked before anything is built for it:
:data:`MAX_MESSAGE_BYTES`, :data:`MAX_HEADER_LINES` physical lines in one header section,
:data:`MAX_PARTS` parts in a message, :data:`MAX_DEPTH` multipart levels, and
:data:`MAX_ADDRESSES` addresses in one field. Nothing here recurses, so neither nesting nor a
header of 5,000 nested comments reaches Python's recursion limit.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from sesspec.errors import SesSpecError

__all__ = [
    "MAX_ADDRESSES",
    "MAX_DEPTH",
    "MAX_HEADER_LINES",
    "MAX_MESSAGE_BYTES",
    "MAX_PARTS",
    "Field",
    "Mailbox",
    "MimeError",
    "MimeErrorKind",
    "Part",
    "decode_words",
    "mailboxes",
    "parse_content_type",
    "read_header_section",
    "read_message",
]


def __dir__() -> list[str]:
    return __all__


#: Largest message read (bytes): a decoded ``RawMessage.Data`` of the largest body sesspec reads
#: (``sesspec.http.DEFAULT_MAX_BODY_SIZE``, 64 MiB of base64) is at most 48 MiB.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
#: Physical lines (folds included) in one header section. RFC 5322 sets no number; SES's own
#: messages have about ten, a 50-recipient To folded at 78 octets about fifty.
MAX_HEADER_LINES = 2_000
#: Parts of one message, counting multiparts and the message itself.
MAX_PARTS = 1_000
#: Multipart levels (the message is level 0).
MAX_DEPTH = 100
#: Addresses in one header field (SES takes at most 50 recipients per message, QUOTAS).
MAX_ADDRESSES = 1_000

#: What a :class:`MimeError` is about: which limit a message passed, or (``unterminated``) an
#: address field whose comment, quoted string, angle address or domain literal never ends.
MimeErrorKind = Literal[
    "too-large",
    "too-many-header-lines",
    "too-many-parts",
    "too-deep",
    "too-many-addresses",
    "unterminated",
]


class MimeError(SesSpecError, ValueError):
    """A message that cannot be read within sesspec's limits; ``kind`` names the limit
    (:data:`MimeErrorKind`), ``offset`` the byte of the message (or character of the field)
    where reading stopped."""

    def __init__(self, message: str, *, kind: MimeErrorKind, offset: int) -> None:
        super().__init__(message)
        self.kind: MimeErrorKind = kind
        self.offset = offset

    def __str__(self) -> str:
        return f"{self.message} at byte {self.offset}"


_CR, _LF, _SP, _HT = 13, 10, 32, 9
_ENC = "utf-8"
_ERR = "surrogateescape"


# --- header fields ---------------------------------------------------------------------------


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


# --- RFC 2047 encoded-words --------------------------------------------------------------------

_WORD = re.compile(rb"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def _codec(charset: str) -> str | None:
    try:
        return codecs.lookup(charset.strip()).name
    except (LookupError, ValueError):
        return None


def _word_bytes(encoding: bytes, text: bytes) -> bytes | None:
    if encoding in b"Bb":
        try:
            return binascii.a2b_base64(text + b"=" * (-len(text) % 4))
        except binascii.Error:
            return None
    return _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text.replace(b"_", b" "))


def decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded-words decoded; white space between two adjacent
    encoded-words is dropped (RFC 2047 section 6.2), adjacent words of one charset are
    decoded together (a character may be split between them). A word that cannot be decoded
    (unknown charset, bad base64) stays as written."""
    if "=?" not in text:
        return text
    data = text.encode(_ENC, _ERR)
    out: list[str] = []
    pending: list[bytes] = []
    pending_codec: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending_codec
        if pending and pending_codec is not None:
            out.append(b"".join(pending).decode(pending_codec, "replace"))
        pending.clear()
        pending_codec = None

    for match in _WORD.finditer(data):
        between = data[pos : match.start()]
        codec = _codec(match.group(1).decode("ascii", "replace"))
        decoded = _word_bytes(match.group(2), match.group(3)) if codec else None
        if decoded is None or codec is None:
            flush()
            out.append(data[pos : match.end()].decode(_ENC, _ERR))
            pos = match.end()
            continue
        adjacent = pending_codec is not None and not between.strip(b" \t\r\n")
        if not adjacent:
            flush()
            out.append(between.decode(_ENC, _ERR))
        elif codec != pending_codec:
            flush()
        pending.append(decoded)
        pending_codec = codec
        pos = match.end()
    flush()
    out.append(data[pos:].decode(_ENC, _ERR))
    return "".join(out)


# --- Content-Type and its parameters -----------------------------------------------------------


def _split_params(value: str) -> list[str]:
    """``value`` split at the semicolons outside quoted strings."""
    items: list[str] = []
    start = 0
    quoted = escaped = False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            items.append(value[start:i])
            start = i + 1
    items.append(value[start:])
    return items


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _percent(text: str, charset: str) -> str:
    data = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)
    raw = data.encode("latin-1", _ERR)
    return raw.decode(_codec(charset) or _ENC, "replace")


_CONTINUATION = re.compile(r"(.+?)\*(\d{1,3})(\*?)\Z")


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """The lower-case ``type/subtype`` of a Content-Type (or Content-Disposition) value and
    its parameters (names lower-case; quoted strings unquoted; RFC 2231 extended values and
    continuations joined and decoded). The first of a repeated parameter wins."""
    first, *rest = _split_params(value)
    plain: dict[str, str] = {}
    pieces: dict[str, list[tuple[int, bool, str]]] = {}
    for item in rest:
        name, sep, raw = item.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            continue
        match = _CONTINUATION.match(name)
        if match is not None:
            pieces.setdefault(match.group(1), []).append(
                (int(match.group(2)), bool(match.group(3)), _unquote(raw))
            )
        elif name.endswith("*"):
            charset, _, encoded = _unquote(raw).partition("'")
            _, _, encoded = encoded.partition("'")
            plain.setdefault(name[:-1], _percent(encoded, charset))
        else:
            plain.setdefault(name, _unquote(raw))
    for name, parts in pieces.items():
        parts.sort(key=lambda p: p[0])
        charset = ""
        text: list[str] = []
        for index, extended, written in parts:
            value = written
            if extended and index == 0:
                charset, _, value = value.partition("'")
                _, _, value = value.partition("'")
            text.append(_percent(value, charset or _ENC) if extended else value)
        plain.setdefault(name, "".join(text))
    return first.strip().lower(), plain


# --- parts -------------------------------------------------------------------------------------


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
            return _base64(body)
        if encoding == "quoted-printable":
            return decode_quoted_printable(body)
        return body

    def text(self, *, errors: str = _ERR, default: str = "us-ascii") -> str:
        """:meth:`content` read in the part's charset (``default`` when it names none, as RFC
        2045 section 5.2 says US-ASCII; UTF-8 when it names one Python does not know)."""
        codec = _codec(self.charset or default) or _ENC
        return self.content().decode(codec, errors)

    def leaves(self) -> Iterator[Part]:
        """The parts that are not multiparts, in order, depth first (no recursion)."""
        pending: list[Part] = [self]
        while pending:
            part = pending.pop()
            if part._children:
                pending.extend(reversed(part._children))
            else:
                yield part


def _base64(body: bytes) -> bytes:
    kept = re.sub(rb"[^A-Za-z0-9+/]", b"", body)
    kept = kept[: len(kept) - len(kept) % 4] if len(kept) % 4 == 1 else kept
    try:
        return binascii.a2b_base64(kept + b"=" * (-len(kept) % 4))
    except binascii.Error:
        return b""


_TRAILING_WS = re.compile(rb"(?<![ \t])[ \t]++(?=\r?\n|\Z)")


def decode_quoted_printable(body: bytes) -> bytes:
    """RFC 2045 section 6.7: the white space at the end of each line deleted (rule 3), ``=``
    at the end of a line a soft line break (rule 5), ``=XX`` the octet XX (either case); an
    ``=`` followed by anything else is kept as written. Line ends stay as they arrived."""
    return binascii.a2b_qp(_TRAILING_WS.sub(b"", body))


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


# --- addresses ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mailbox:
    """One address of an address field: the display ``name`` (RFC 2047 decoded, unquoted;
    empty when none) and the ``address`` (``local@domain`` as written)."""

    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


def _mailbox(display: list[str], angle: list[str] | None, comment: str) -> Mailbox | None:
    if angle is not None:
        address = "".join(angle).strip()
        if ":" in address and address.startswith("@"):  # an obsolete route: @a,@b:addr
            address = address.rsplit(":", 1)[1]
        name = decode_words(" ".join("".join(display).split()))
    else:
        address = "".join(display).strip()
        name = decode_words(comment.strip())
        address = "".join(address.split())
    if not address and not name:
        return None
    return Mailbox(name, address)


def mailboxes(text: str) -> list[Mailbox]:
    """The mailboxes of an address field body (RFC 5322 section 3.4): groups opened,
    comments dropped (a comment names a bare address that has no display name), quoted
    strings unquoted. More than :data:`MAX_ADDRESSES` is a :class:`MimeError`
    (``too-many-addresses``, ``offset`` the character where reading stopped), and so is a
    comment, quoted string, ``<`` or ``[`` that never closes (``unterminated``)."""
    out: list[Mailbox] = []
    display: list[str] = []
    angle: list[str] | None = None
    comment: list[str] = []
    depth = 0
    quoted = escaped = literal = False
    target = display

    def finish(at: int) -> None:
        nonlocal angle, target
        box = _mailbox(display, angle, "".join(comment))
        if box is not None:
            if len(out) == MAX_ADDRESSES:
                msg = f"more than {MAX_ADDRESSES} addresses in one field"
                raise MimeError(msg, kind="too-many-addresses", offset=at)
            out.append(box)
        display.clear()
        comment.clear()
        angle = None
        target = display

    for i, ch in enumerate(text):
        if escaped:
            escaped = False
            (comment if depth else target).append(ch)
        elif depth:
            if ch == "\\":
                escaped = True
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if not depth:
                    comment.append(" ")
            else:
                comment.append(ch)
        elif quoted:
            if ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            else:
                target.append(ch)
        elif literal:
            target.append(ch)
            literal = ch != "]"
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth = 1
        elif ch == "[":
            literal = True
            target.append(ch)
        elif ch == "<" and angle is None:
            angle = []
            target = angle
        elif ch == ">" and angle is not None:
            target = display
        elif ch == "," and target is display:
            finish(i)
        elif ch == ":" and angle is None:
            display.clear()  # a group's name: its members follow
        elif ch == ";" and angle is None:
            finish(i)
        else:
            target.append(ch)
    if depth or quoted or literal or target is angle:
        what = "comment" if depth else "quoted string" if quoted else "address"
        msg = f"an address field whose {what} never ends"
        raise MimeError(msg, kind="unterminated", offset=len(text))
    finish(len(text))
    return out
