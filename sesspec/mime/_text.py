"""Decoding what a message holds: RFC 2047 encoded-words, RFC 2045 and RFC 2231 parameters,
quoted-printable (RFC 2045 section 6.7) and base64 (section 6.8); see :mod:`sesspec.mime`."""

from __future__ import annotations

import binascii
import codecs
import re

__all__ = [
    "codec",
    "decode_base64",
    "decode_quoted_printable",
    "decode_words",
    "parse_content_type",
]

_ENC = "utf-8"
_ERR = "surrogateescape"


# --- RFC 2047 encoded-words --------------------------------------------------------------------

_WORD = re.compile(rb"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def codec(charset: str) -> str | None:
    """Python's name of the codec of ``charset``, or None when it has none."""
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
        name = codec(match.group(1).decode("ascii", "replace"))
        decoded = _word_bytes(match.group(2), match.group(3)) if name else None
        if decoded is None or name is None:
            flush()
            out.append(data[pos : match.end()].decode(_ENC, _ERR))
            pos = match.end()
            continue
        adjacent = pending_codec is not None and not between.strip(b" \t\r\n")
        if not adjacent:
            flush()
            out.append(between.decode(_ENC, _ERR))
        elif name != pending_codec:
            flush()
        pending.append(decoded)
        pending_codec = name
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
    return raw.decode(codec(charset) or _ENC, "replace")


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


# --- transfer encodings ------------------------------------------------------------------------


def decode_base64(body: bytes) -> bytes:
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
