"""Percent-encoding, form encoding and decoding, and the SigV4 canonical query string.

Rules (docs/spec.md#enc):

* SigV4 ``UriEncode`` -- "URI encode every byte except the unreserved characters: 'A'-'Z', 'a'-'z',
  '0'-'9', '-', '.', '_', and '~'. The space character is a reserved character and must be encoded
  as "%20" (and not as "+"). Each URI encoded byte is formed by a '%' and the two-digit hexadecimal
  value of the byte. Letters in the hexadecimal value must be uppercase."
  https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
* In a form body or query string "a plus sign is reserved as a shorthand notation for a space.
  (If you want to include a literal, uninterpreted plus sign in any parameter, you must URL-encode
  it as %2B.)" (the starting document, GUIDE-REQ). Decoding therefore maps ``+`` to a space.
* The canonical query string: "Encode names and values separately ... After encoding, sort the
  parameters alphabetically by key name" and, for equal names, by value (IAM-SIGV4; botocore sorts
  the encoded ``(name, value)`` tuples).

Besides the canonical style, the encoders real clients use are available by name (:data:`STYLES`,
the table of docs/spec.md#enc-form-styles) so that sesspec can reproduce, and explain, what a client
put on the wire.

Speed: every encoder works on whole ``bytes`` objects with C-level operations (``translate``,
``replace``, one ``re.sub`` over runs of unsafe bytes); no per-byte Python loop touches a large
body (``urllib.parse.quote`` loops per byte, which is what makes botocore slow on big messages).
"""

from __future__ import annotations

import codecs
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from sesspec.errors import EncodingError

# The C decoder of b"\\xHH" escapes (codecs.escape_decode), used by fast_unquote.
_escape_decode = codecs.escape_decode

__all__ = [
    "MAX_PAIRS",
    "QUERY_RAW",
    "STYLES",
    "UNRESERVED",
    "FormStyle",
    "Pairs",
    "Segment",
    "canonical_query_string",
    "fast_unquote",
    "form_decode",
    "form_encode",
    "form_encode_bytes",
    "form_segments",
    "percent_decode",
    "percent_encode",
    "style",
]


def __dir__() -> list[str]:
    return __all__


#: Form data: ordered name/value pairs. Never a dict: order and repeats are what a checker looks at.
Pairs = list[tuple[str, str]]

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#: RFC 3986 section 2.3 unreserved characters, the only ones SigV4 UriEncode leaves alone.
UNRESERVED = _ALNUM + "-._~"

# Upper-case "%XX" for every byte value (IAM-SIGV4: "Letters in the hexadecimal value must be
# uppercase").
_PCT = tuple(f"%{b:02X}".encode("ascii") for b in range(256))
_BYTE = tuple(bytes((b,)) for b in range(256))

# A form body is escaped in one go: names and values are joined with NUL between pairs and
# SOH between name and value, and the escaper writes those two as '&' and '='. (When a name
# or value holds NUL or SOH itself, the pairs are escaped one by one instead.)
_PAIR_SEP, _NAME_SEP = "\x00", "\x01"

# Order of the replace passes: '%' first, since every later pass writes it; then the bytes in
# descending order, so that '+' (0x2B) is escaped before the space may become '+'. (The hex
# digits, the rest of what a pass writes, must be kept: a style that escapes them is escaped
# run by run, in one pass.)
#: Up to this many distinct bytes to escape, one C-level replace pass each beats a scan.
_MAX_PASSES = 40
#: Below this many bytes to escape, replace passes are used without counting runs.
_RUNS_MIN = 2048
#: Occurrences a run of escapes costs as much as (measured on CPython 3.11).
_RUN_COST = 35
_RUNS_SAMPLE = 4096
# The separators become '&' and '=' in one last pass, after everything else is escaped.
_SEPARATORS = bytes.maketrans(b"\x00\x01", b"&=")


@dataclass(frozen=True, slots=True)
class _Escaper:
    """What to write for each byte: itself (the ``keep`` set), ``%XX`` or '+'; with
    ``separators``, NUL and SOH are kept by the passes and written as '&' and '=' at the end."""

    keep: bytes
    out: tuple[bytes, ...]
    runs: re.Pattern[bytes]
    separators: bool
    space_as_plus: bool
    classes: bytes
    #: Whether the replace passes may be used: each writes '%' and hex digits, which a later
    #: pass must not escape again, so the style must keep the digits and 'A'-'F'.
    passes: bool

    @classmethod
    def make(cls, safe: str, *, space_as_plus: bool, separators: bool) -> _Escaper:
        keep = safe.encode("ascii")
        # Only the bytes outside ``keep`` are ever looked up (they alone are replaced).
        out = list(_PCT)
        if space_as_plus:
            out[0x20] = b"+"
        if separators:
            keep += b"\x00\x01"
        # (An empty class is no pattern: a style that keeps nothing escapes every byte.)
        runs = re.compile(b"[^" + re.escape(keep) + b"]+" if keep else rb"[\x00-\xff]+")
        classes = bytes(0x61 if b in keep else 0x62 for b in range(256))
        passes = all(b in keep for b in b"0123456789ABCDEF")
        return cls(keep, tuple(out), runs, separators, space_as_plus, classes, passes)

    def _long_runs(self, data: bytes, unsafe: int) -> bool:
        """Whether the bytes to escape come in runs long enough (text in a non-Latin script)
        that escaping run by run beats one replace pass per distinct byte (each pass pays
        about 12 ns per occurrence; each run about as much as 35 occurrences)."""
        if unsafe < _RUNS_MIN:
            return False
        # Judged on a sample: 'a' for a byte kept, 'b' for one to escape.
        marks = data[:_RUNS_SAMPLE].translate(self.classes)
        runs = marks.count(b"ab") + (marks[0] == 0x62)
        return runs * _RUN_COST < marks.count(b"b")

    def _run(self, match: re.Match[bytes]) -> bytes:
        # A run of bytes to escape, all at once in C: "%" before each byte's hex, upper-cased
        # (a '%' can only start an escape here, so "%20" is always the space).
        run = match.group()
        escaped = ("%" + run.hex("%")).upper().encode("ascii")
        return escaped.replace(b"%20", b"+") if self.space_as_plus and 0x20 in run else escaped

    def escape(self, data: bytes) -> bytes:
        unsafe = data.translate(None, self.keep)
        if unsafe and (not self.passes or self._long_runs(data, len(unsafe))):
            data = self.runs.sub(self._run, data)
        elif unsafe:
            distinct = set(unsafe[:4096])
            if len(unsafe) > 4096:  # the rest of a long run: only bytes not seen yet are counted
                distinct.update(unsafe[4096:].translate(None, bytes(distinct)))
            if len(distinct) > _MAX_PASSES:
                data = self.runs.sub(self._run, data)
            else:
                out = self.out
                if 0x25 in distinct:
                    data = data.replace(b"%", b"%25")
                    distinct.discard(0x25)
                for byte in sorted(distinct, reverse=True):
                    data = data.replace(_BYTE[byte], out[byte])
        return data.translate(_SEPARATORS) if self.separators else data


@dataclass(frozen=True, slots=True)
class FormStyle:
    """One way of percent-encoding names and values, as some encoder in the wild does it.

    ``safe`` is the set of ASCII characters written as they are; every other byte of the UTF-8
    encoding becomes ``%XX`` (upper-case hex), except the space when ``space_as_plus`` is set.
    """

    name: str
    safe: str
    space_as_plus: bool
    description: str
    source: str
    _value: _Escaper = field(init=False, repr=False, compare=False)
    _body: _Escaper = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plus = self.space_as_plus
        value = _Escaper.make(self.safe, space_as_plus=plus, separators=False)
        object.__setattr__(self, "_value", value)
        object.__setattr__(
            self, "_body", _Escaper.make(self.safe, space_as_plus=plus, separators=True)
        )

    def quote(self, value: str | bytes) -> str:
        """Encode one name or value in this style."""
        return self.quote_bytes(value).decode("ascii")

    def quote_bytes(self, value: str | bytes) -> bytes:
        """:meth:`quote`, as ASCII bytes (a large value is escaped in slices)."""
        if isinstance(value, bytes):
            return self._value.escape(value)
        if len(value) < _CHUNK:
            return self._value.escape(value.encode("utf-8", "surrogatepass"))
        return b"".join(self._escaped_slices(value))

    def _escaped_slices(self, value: str) -> list[bytes]:
        escape = self._value.escape
        return [
            escape(value[start : start + _CHUNK].encode("utf-8", "surrogatepass"))
            for start in range(0, len(value), _CHUNK)
        ]

    def encode_pairs(self, pairs: Pairs) -> bytes:
        """``name=value&...`` of ``pairs`` in this style, as ASCII bytes."""
        joined = _PAIR_SEP.join([f"{n}{_NAME_SEP}{v}" for n, v in pairs])
        if (
            len(joined) < _CHUNK
            and joined.count(_NAME_SEP) == len(pairs)
            and joined.count(_PAIR_SEP) == len(pairs) - 1
        ):
            return self._body.escape(joined.encode("utf-8", "surrogatepass"))
        del joined
        # Large values: every escaped slice goes into one list, joined once (a growing buffer
        # would copy the body over and over as it grows).
        parts: list[bytes] = []
        for i, (name, value) in enumerate(pairs):
            if i:
                parts.append(b"&")
            parts.append(self.quote_bytes(name))
            parts.append(b"=")
            if len(value) < _CHUNK:
                parts.append(self.quote_bytes(value))
            else:
                parts.extend(self._escaped_slices(value))
        return b"".join(parts)


#: Values at least this long are escaped in slices, so that no full-size intermediate copy of a
#: large body (a 10 MB SendRawEmail) is held next to the result. Slices of a str never split a
#: character, so their UTF-8 encodings join up.
_CHUNK = 1 << 16

_STYLE_LIST = (
    FormStyle(
        "rfc3986",
        UNRESERVED,
        space_as_plus=False,
        description="SigV4 UriEncode: RFC 3986 unreserved only, space as %20 (the canonical form)",
        source="IAM-SIGV4; RFC 3986 section 2.3",
    ),
    FormStyle(
        "whatwg",
        _ALNUM + "*-._",
        space_as_plus=True,
        description="WHATWG application/x-www-form-urlencoded (URLSearchParams, browsers)",
        source="whatwg/url url.bs, application/x-www-form-urlencoded serializer",
    ),
    FormStyle(
        "html2",
        _ALNUM,
        space_as_plus=True,
        description="HTML 2.0 form submission, linked by the starting document: every "
        "non-alphanumeric byte escaped",
        source="RFC 1866 section 8.2.1",
    ),
    FormStyle(
        "python-urlencode",
        UNRESERVED,
        space_as_plus=True,
        description="Python urllib.parse.urlencode / quote_plus since 3.7 (botocore's body); "
        "Go url.QueryEscape (aws-sdk-go v1 body) is identical",
        source="botocore/awsrequest.py _prepare_body; aws/aws-sdk-go private/protocol/query",
    ),
    FormStyle(
        "python2-urlencode",
        _ALNUM + "-._",
        space_as_plus=True,
        description="Python urlencode before 3.7 (boto 2 on Python 2): '~' escaped as %7E; "
        "also PHP urlencode / http_build_query (RFC 1738)",
        source="python/cpython#17065; async-aws/aws#1372",
    ),
    FormStyle(
        "js-encodeuricomponent",
        _ALNUM + "-._~!*'()",
        space_as_plus=False,
        description="JavaScript encodeURIComponent: leaves !*'() unescaped",
        source="ECMA-262 encodeURIComponent; aheckmann/node-ses#63, mhart/aws4#6",
    ),
)

#: Every known style by name. ``rfc3986`` is the canonical one.
STYLES: dict[str, FormStyle] = {s.name: s for s in _STYLE_LIST}
# Aliases, encoders that write the bytes another does (docs/spec.md#enc-form-styles):
STYLES["sigv4"] = STYLES["rfc3986"]
STYLES["aws-sdk-js"] = STYLES["rfc3986"]  # v3 extendedEncodeURIComponent, v2 uriEscape
STYLES["go-queryescape"] = STYLES["python-urlencode"]
STYLES["php-urlencode"] = STYLES["python2-urlencode"]
_RFC3986 = STYLES["rfc3986"]


def style(name: str) -> FormStyle:
    """The style called ``name``; ``ValueError`` naming the known styles otherwise."""
    try:
        return STYLES[name]
    except KeyError:
        known = ", ".join(sorted(STYLES))
        msg = f"unknown form encoding style: {name!r} (known: {known})"
        raise ValueError(msg) from None


def percent_encode(value: str | bytes, *, safe: str = "") -> str:
    """SigV4 ``UriEncode``: keep ``A-Za-z0-9-._~`` (and any character in ``safe``), escape the rest.

    >>> percent_encode("a b+c~d*e!f'g(h)i@j/k=l&\u00e9")
    'a%20b%2Bc~d%2Ae%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9'
    >>> percent_encode("/a b/", safe="/")
    '/a%20b/'
    """
    if not safe:
        return _RFC3986.quote(value)
    return _path_style(safe).quote(value)


@lru_cache(maxsize=16)
def _path_style(safe: str) -> FormStyle:
    return FormStyle("rfc3986+" + safe, UNRESERVED + safe, False, "UriEncode with extras", "")


def form_encode(pairs: Iterable[tuple[str, str]], *, style: str = "rfc3986") -> str:
    """Join ``pairs`` as ``name=value&...`` with names and values encoded in ``style``.

    The pairs keep their order (the body of a POST is signed as sent; order carries no meaning
    for SES, docs/spec.md#param-order). An empty value is written ``name=`` (SMITHY-Q, "empty
    string").

    >>> form_encode([("Action", "SendEmail"), ("Source", "a+b@example.com")])
    'Action=SendEmail&Source=a%2Bb%40example.com'
    >>> form_encode([("Subject", "Hi there!")], style="python-urlencode")
    'Subject=Hi+there%21'
    """
    return form_encode_bytes(pairs, style=style).decode("ascii")


def form_encode_bytes(pairs: Iterable[tuple[str, str]], *, style: str = "rfc3986") -> bytes:
    """:func:`form_encode` as the ASCII bytes of a body (large values are escaped in slices)."""
    return _style(style).encode_pairs(pairs if isinstance(pairs, list) else list(pairs))


_style = style  # the parameter named ``style`` hides the function in form_encode_bytes


# --- decoding -------------------------------------------------------------------------------------

#: What may stand raw inside a form name or value. RFC 3986 section 3.4: query = *( pchar /
#: "/" / "?" ); pchar = unreserved / pct-encoded / sub-delims / ":" / "@". Of those, '&' and
#: '=' delimit pairs and '+' means a space in a form (WHATWG), so inside a name or value these
#: may stand raw; anything else must be escaped.
QUERY_RAW = UNRESERVED + "!$'()*+,;:@/?"
_BAD_RAW = re.compile(b"[^" + re.escape(QUERY_RAW.encode("ascii")) + b"%=]")
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _as_bytes(data: str | bytes) -> bytes:
    if isinstance(data, bytes):
        return data
    if data.isascii():
        return data.encode("ascii")
    return data.encode("utf-8", "surrogatepass")


def _strict_check(data: bytes, source: str | bytes, base: int, *, in_value: bool) -> None:
    """Raise for the first raw byte that must have been escaped, or a malformed escape."""
    bad = _BAD_RAW.search(data)
    if in_value:
        eq = data.find(b"=")
        if eq != -1 and (bad is None or eq < bad.start()):
            msg = "'=' inside a value must be escaped as %3D (SES: MalformedQueryString)"
            raise EncodingError(msg, source=source, offset=base + eq, kind="equals")
    esc = _BAD_ESCAPE.search(data)
    if bad is not None and (esc is None or bad.start() < esc.start()):
        byte = data[bad.start()]
        msg = f"raw byte {byte:#04x} ({chr(byte)!r}) must be percent-encoded"
        raise EncodingError(msg, source=source, offset=base + bad.start(), kind="raw-byte")
    if esc is not None:
        found = data[esc.start() : esc.start() + 3].decode("latin-1")
        msg = f"malformed percent-escape {found!r}: '%' must be followed by two hex digits"
        raise EncodingError(msg, source=source, offset=base + esc.start(), kind="escape")


def _utf8(raw: bytes, escaped: bytes, source: str | bytes, base: int, *, strict: bool) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not strict:
            return raw.decode("utf-8", "replace")
        offset = base + _source_offset(escaped, exc.start)
        msg = f"invalid UTF-8 after percent-decoding ({exc.reason})"
        raise EncodingError(msg, source=source, offset=offset, kind="utf-8") from None


def _source_offset(escaped: bytes, decoded_index: int) -> int:
    """Where in the escaped text the byte at ``decoded_index`` of its decoding came from.

    Only strict decoding asks, after :func:`_strict_check` has passed every '%' as the start
    of a well-formed escape: each '%' stands for one byte, in three characters."""
    i = n = 0
    while n < decoded_index:
        i += 3 if escaped[i] == 0x25 else 1
        n += 1
    return i


def percent_decode(value: str | bytes, *, plus_as_space: bool = False, strict: bool = False) -> str:
    """Decode ``%XX`` escapes (and ``+`` as a space when ``plus_as_space``) and then UTF-8.

    Lenient by default, like WHATWG: a malformed escape stays as it is, invalid UTF-8 becomes
    U+FFFD. ``strict=True`` raises :class:`EncodingError` at the offending offset instead.

    >>> percent_decode("a%20b+c%2Bd", plus_as_space=True)
    'a b c+d'
    """
    data = _as_bytes(value)
    if strict:
        _strict_check(data, value, 0, in_value=False)
    return _decode_part(data, value, 0, plus_as_space=plus_as_space, strict=strict)


def fast_unquote(data: bytes) -> bytes:
    """Percent-decode ``data`` in C: every ``%XX`` becomes the byte XX (either hex case).

    ``urllib.parse.unquote_to_bytes`` looks at each escape from Python, which is slow on
    text made mostly of escapes (non-Latin scripts). Here '%' becomes ``\\x`` and the C
    decoder of Python's byte-string escapes does the work (backslashes doubled first, so that
    nothing else is an escape). A malformed escape raises ``ValueError``; callers that want
    WHATWG's leniency (keep it as it is) fall back to ``unquote_to_bytes``.
    """
    if b"%" not in data:
        return data
    if b"\\" in data:
        data = data.replace(b"\\", b"\\\\")
    return _escape_decode(data.replace(b"%", b"\\x"))[0]


def _unquote(data: bytes) -> bytes:
    try:
        return fast_unquote(data)
    except ValueError:  # a malformed escape: kept as it is (WHATWG)
        return urllib.parse.unquote_to_bytes(data)


def _decode_part(
    data: bytes, source: str | bytes, base: int, *, plus_as_space: bool, strict: bool
) -> str:
    if plus_as_space and b"+" in data:
        data = data.replace(b"+", b" ")
    raw = _unquote(data) if b"%" in data else data
    if raw.isascii():
        return raw.decode("ascii")
    return _utf8(raw, data, source, base, strict=strict)


def _decode_whole(raw: bytes) -> Pairs | None:
    """:func:`form_decode` of a well-formed body with one unescape and one UTF-8 decode for all
    its names and values (joined by NUL); None when the body holds a NUL (raw or ``%00``), a
    malformed escape or invalid UTF-8, which the pair-by-pair path then handles."""
    if b"\x00" in raw or b"%00" in raw:
        return None
    parts: list[bytes] = []
    for segment in raw.split(b"&"):
        if segment:
            name, _, value = segment.partition(b"=")
            parts += (name, value)
    if not parts:
        return []
    joined = b"\x00".join(parts)
    if b"+" in joined:
        joined = joined.replace(b"+", b" ")
    try:
        text = fast_unquote(joined).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    items = iter(text.split("\x00"))
    return list(zip(items, items, strict=True))


#: Most '&'-separated segments :func:`form_decode` splits a body or query into (empty ones
#: count). Each pair costs some 150 bytes of Python objects however short it is on the wire, so
#: the count is checked, with one C-level ``count``, before anything is allocated. No SES
#: request comes near it: a SendBulkTemplatedEmail with 50 destinations of 50 recipients, tags
#: and template data is some 7,500 pairs. (PHP's ``max_input_vars`` is 1,000.)
MAX_PAIRS = 10_000


def _too_many_pairs(raw: bytes, data: str | bytes) -> EncodingError | None:
    # Called for inputs of MAX_PAIRS bytes or more: n bytes hold at most n + 1 segments.
    segments = raw.count(b"&") + 1
    if segments <= MAX_PAIRS:
        return None
    # The offset (in ``data`` as given) of the first '&' past the limit: where decoding stops.
    offset = -1
    if isinstance(data, str):
        for _ in range(MAX_PAIRS):
            offset = data.find("&", offset + 1)
    else:
        for _ in range(MAX_PAIRS):
            offset = raw.find(b"&", offset + 1)
    msg = f"{segments} '&'-separated segments: more than the {MAX_PAIRS} sesspec decodes"
    return EncodingError(msg, source=data, offset=offset, kind="too-many-pairs")


def form_decode(data: str | bytes, *, strict: bool = False) -> Pairs:
    """Split a form body or query string into decoded ``(name, value)`` pairs.

    ``+`` is a space and ``%2B`` a plus (GUIDE-REQ). A segment without ``=`` is a name with an
    empty value; empty segments (``a=1&&b=2``) are skipped, as WHATWG does.

    With ``strict=True`` the input must be what a conforming client sends, else
    :class:`EncodingError` says what is wrong and at which offset: a malformed escape, invalid
    UTF-8 inside escapes, a raw byte outside RFC 3986's query characters (controls, space,
    non-ASCII, ``"#<>[\\]^`{|}``), or a raw ``=`` inside a value, which SES rejects with
    ``MalformedQueryString`` (docs/spec.md#enc-delimiters, n8n-io/n8n#1442).

    In either mode, more than :data:`MAX_PAIRS` segments raise :class:`EncodingError` (kind
    ``too-many-pairs``) before any is decoded.

    >>> form_decode("Action=SendEmail&Source=a%2Bb%40example.com&Subject=Hi+there")
    [('Action', 'SendEmail'), ('Source', 'a+b@example.com'), ('Subject', 'Hi there')]
    """
    raw = _as_bytes(data)
    if len(raw) >= MAX_PAIRS and (too_many := _too_many_pairs(raw, data)) is not None:
        raise too_many
    if not strict:
        whole = _decode_whole(raw)
        if whole is not None:
            return whole
    pairs: Pairs = []
    append = pairs.append
    pos = 0
    for segment in raw.split(b"&"):
        start = pos
        pos += len(segment) + 1
        if not segment:
            continue
        name, eq, value = segment.partition(b"=")
        if strict:
            _strict_check(name, data, start, in_value=False)
            _strict_check(value, data, start + len(name) + len(eq), in_value=True)
        append(
            (
                _decode_part(name, data, start, plus_as_space=True, strict=strict),
                _decode_part(
                    value, data, start + len(name) + len(eq), plus_as_space=True, strict=strict
                ),
            )
        )
    return pairs


class Segment(NamedTuple):
    """One ``&``-separated item of a form body or query string: where it stands, its bytes as
    sent, and its name and value decoded as :func:`form_decode` decodes them (``+`` a space,
    escapes undone, a malformed one kept as it is), both as bytes and as text (invalid UTF-8
    as U+FFFD)."""

    offset: int
    raw: bytes
    equals: int  # where its first '=' stands in ``raw``; -1 when it has none (an empty value)
    name_bytes: bytes
    value_bytes: bytes
    name: str
    value: str
    utf8: bool  # whether name and value decode as UTF-8 (else their text holds U+FFFD)

    @property
    def raw_name(self) -> bytes:
        return self.raw if self.equals < 0 else self.raw[: self.equals]

    @property
    def raw_value(self) -> bytes:
        return b"" if self.equals < 0 else self.raw[self.equals + 1 :]


def form_segments(data: str | bytes) -> list[Segment]:
    """The items of a form body or query string, each decoded once with where it stands:
    ``[(s.name, s.value) for s in form_segments(d)] == form_decode(d)``. A reader that judges
    the bytes as sent (a checker) and the pairs they stand for takes both from here.

    More than :data:`MAX_PAIRS` segments raise :class:`EncodingError` (``too-many-pairs``), as
    in :func:`form_decode`, before any is decoded.
    """
    raw = _as_bytes(data)
    if len(raw) >= MAX_PAIRS and (too_many := _too_many_pairs(raw, data)) is not None:
        raise too_many
    spots: list[tuple[int, bytes, int]] = []
    parts: list[bytes] = []
    pos = 0
    for segment in raw.split(b"&"):
        start = pos
        pos += len(segment) + 1
        if not segment:
            continue
        eq = segment.find(b"=")
        spots.append((start, segment, eq))
        parts += (segment, b"") if eq < 0 else (segment[:eq], segment[eq + 1 :])
    if not parts:
        return []
    plain = [p.replace(b"+", b" ") if b"+" in p else p for p in parts]
    unquoted: list[bytes] | None = None
    if b"\x00" not in raw and b"%00" not in raw:  # one C unescape for all of them
        try:
            unquoted = fast_unquote(b"\x00".join(plain)).split(b"\x00")
        except ValueError:  # a malformed escape somewhere: item by item below
            unquoted = None
    if unquoted is None:
        unquoted = [_unquote(p) if b"%" in p else p for p in plain]
    texts: list[str] | None = None
    valid: list[bool] | None = None
    try:  # one UTF-8 decode for all of them, unless one holds a NUL or invalid UTF-8
        split = b"\x00".join(unquoted).decode("utf-8").split("\x00")
    except UnicodeDecodeError:
        pass
    else:
        texts = split if len(split) == len(unquoted) else None
    if texts is None:
        texts, valid = [], []
        for u in unquoted:
            try:
                texts.append(u.decode("utf-8"))
                valid.append(True)
            except UnicodeDecodeError:
                texts.append(u.decode("utf-8", "replace"))
                valid.append(False)
    return [
        Segment(
            start,
            segment,
            eq,
            unquoted[2 * i],
            unquoted[2 * i + 1],
            texts[2 * i],
            texts[2 * i + 1],
            valid is None or (valid[2 * i] and valid[2 * i + 1]),
        )
        for i, (start, segment, eq) in enumerate(spots)
    ]


# --- SigV4 canonical query string ----------------------------------------------------------------


def canonical_query_string(pairs: Iterable[tuple[str, str]]) -> str:
    """The SigV4 ``CanonicalQueryString`` of decoded ``pairs``.

    "URI-encode each parameter name and value ... Sort the encoded parameters by name, then by
    value ... Separate with '&'; a parameter with no value is written 'name='." (IAM-SIGV4).
    Sorting happens *after* encoding, on the encoded ASCII text: sorting raw strings first gives
    a different order for non-ASCII names (aws/aws-sdk-go-v2#2969), and sorting joined ``k=v``
    strings puts ``key-type=`` before ``key=`` (tedder/requests-aws4auth#45).

    >>> canonical_query_string([("b", "2"), ("a", "x y"), ("a", "(1)")])
    'a=%281%29&a=x%20y&b=2'
    """
    q = _RFC3986.quote
    encoded = sorted([(q(n), q(v)) for n, v in pairs])
    return "&".join(f"{n}={v}" for n, v in encoded)
