"""Encoding rules (ENC): what is wrong with the raw bytes of a form body or query string.

Every problem is reported, not just the first (as the strict decoder in sesspec.encoding does);
a rule that fires very often on one request is reported a few times and then counted, so a
10 MB body cannot yield a million findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sesspec.check.finding import Finding, finding
from sesspec.encoding import QUERY_RAW, STYLES, fast_unquote

__all__ = ["encoding_findings", "guess_styles"]

#: Findings of one rule reported per request before the rest are only counted.
MAX_PER_RULE = 5

# A byte that may not stand raw in a whole body: outside the RFC 3986 query characters a name or
# value may hold raw (sesspec.encoding.QUERY_RAW), escapes and the '&' and '=' delimiters.
_BAD_RAW = re.compile(b"[^" + re.escape(QUERY_RAW.encode("ascii")) + b"%=&]")
_MALFORMED = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_LOWER_HEX = re.compile(rb"%(?:[a-f][0-9A-Fa-f]|[0-9A-F][a-f])")
_UTF8_ESCAPES = re.compile(rb"(?:%[0-9A-Fa-f]{2})+")
# Every non-empty '&'-separated segment holds exactly one '=' (else ENC006 or ENC007 applies).
_PAIRS_WELL_FORMED = re.compile(rb"&*(?:[^&=]*=[^&=]*(?:&+|\Z))*")


def _capped(items: Iterator[Finding]) -> list[Finding]:
    out: list[Finding] = []
    extra = 0
    first: Finding | None = None
    for item in items:
        if len(out) < MAX_PER_RULE:
            out.append(item)
            first = first or item
        else:
            extra += 1
    if extra and first is not None:
        out.append(
            finding(
                first.rule,
                f"{extra} more like this",
                first.location.split(" offset ")[0],
                severity=first.severity,
            )
        )
    return out


def encoding_findings(raw: bytes, where: str) -> list[Finding]:
    """ENC001-ENC004, ENC006, ENC007 over ``raw`` (a body or query); ``where`` is 'body'/'query'."""
    out: list[Finding] = []
    if not (
        _MALFORMED.search(raw)
        or _LOWER_HEX.search(raw)
        or _BAD_RAW.search(raw)
        or not _PAIRS_WELL_FORMED.fullmatch(raw)
    ):
        # The common case, a clean body: only the UTF-8 check is left (each scan above stops
        # at its first hit, so a body with a problem pays twice for that one scan).
        out += _capped(_utf8_findings(raw, where))
        return out
    out += _capped(
        finding(
            "ENC001",
            f"malformed percent-escape {raw[m.start() : m.start() + 3].decode('latin-1')!r}",
            f"{where} offset {m.start()}",
        )
        for m in _MALFORMED.finditer(raw)
    )
    out += _capped(
        finding(
            "ENC002",
            f"percent-escape {raw[m.start() : m.start() + 3].decode('ascii')!r} uses lower-case "
            "hex; SigV4 and RFC 3986 producers write upper case",
            f"{where} offset {m.start()}",
        )
        for m in _LOWER_HEX.finditer(raw)
    )
    out += _capped(
        finding(
            "ENC003",
            f"raw byte {raw[m.start()]:#04x} ({chr(raw[m.start()])!r}) must be percent-encoded",
            f"{where} offset {m.start()}",
        )
        for m in _BAD_RAW.finditer(raw)
    )
    out += _capped(_utf8_findings(raw, where))
    out += _capped(_pair_shape_findings(raw, where))
    return out


def _utf8_findings(raw: bytes, where: str) -> Iterator[Finding]:
    # Fast path: when the whole text decodes, so does every name and value (the separators are
    # ASCII, which never stands inside a multi-byte sequence).
    try:
        fast_unquote(raw).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        pass
    else:
        return
    for m in _UTF8_ESCAPES.finditer(raw):
        run = m.group()
        decoded = bytes.fromhex(run.replace(b"%", b"").decode("ascii"))
        if decoded.isascii():
            continue
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield finding(
                "ENC004",
                f"escaped bytes {run[exc.start * 3 : exc.end * 3 + 9].decode('ascii')!r} are not "
                f"UTF-8 ({exc.reason})",
                f"{where} offset {m.start() + exc.start * 3}",
            )


def _pair_shape_findings(raw: bytes, where: str) -> Iterator[Finding]:
    pos = 0
    for segment in raw.split(b"&"):
        start = pos
        pos += len(segment) + 1
        if not segment:
            continue
        eq = segment.find(b"=")
        if eq == -1:
            shown = segment[:40].decode("utf-8", "replace")
            yield finding(
                "ENC007",
                f"{shown!r} has no '=': a '&' inside the previous value must be escaped as %26",
                f"{where} offset {start}",
            )
            continue
        second = segment.find(b"=", eq + 1)
        if second != -1:
            name = segment[:eq].decode("utf-8", "replace")
            yield finding(
                "ENC006",
                f"the value of {name!r} holds a raw '='; escape it as %3D",
                f"{where} offset {start + second}",
            )


# --- which encoder wrote this? -----------------------------------------------------------------

_CANONICAL = ("rfc3986", "whatwg", "html2", "python-urlencode", "python2-urlencode")
_ORDER = (*_CANONICAL, "js-encodeuricomponent")


def _escape_of(byte_values: set[int]) -> re.Pattern[bytes]:
    """A pattern for a percent-escape (either hex case) of any of ``byte_values``, grouped by
    the high hex digit so that the regex engine tests a few character classes per '%'."""
    by_high: dict[int, set[int]] = {}
    for b in byte_values:
        by_high.setdefault(b >> 4, set()).add(b & 15)
    branches = []
    for high, lows in sorted(by_high.items()):
        digits = {f"{low:X}" for low in lows} | {f"{low:x}" for low in lows}
        branches.append(f"{high:X}[{''.join(sorted(digits))}]")
    return re.compile(("%(?:" + "|".join(branches) + ")").encode("ascii"))


@dataclass(frozen=True, slots=True)
class _Signature:
    """How to tell whether one style could have written some bytes."""

    name: str
    allowed: frozenset[int]  # every byte the style may write raw (separators and '%' too)
    needless: frozenset[int]  # bytes the style writes raw, so never as an escape


def _signature(name: str) -> _Signature:
    style = STYLES[name]
    allowed = style.safe.encode("ascii") + b"%&=" + (b"+" if style.space_as_plus else b"")
    needless = set(style.safe.encode("ascii")) | ({0x20} if style.space_as_plus else set())
    return _Signature(name, frozenset(allowed), frozenset(needless))


_SIGNATURES = tuple(_signature(name) for name in _ORDER)
# Escapes of a byte that some style writes raw: the only escapes that tell styles apart.
_TELLING_ESCAPE = _escape_of(set().union(*(sig.needless for sig in _SIGNATURES)))
# Every style writes letters and digits raw, so only the other bytes need looking at.
_ALNUM_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def guess_styles(raw: bytes) -> list[str]:
    """The names of the known encoders (:data:`sesspec.encoding.STYLES`) that could have
    produced ``raw`` byte for byte, most canonical first; empty when none could."""
    if _MALFORMED.search(raw):
        return []
    present = frozenset(raw.translate(None, _ALNUM_BYTES))
    escaped = {int(e[1:], 16) for e in set(_TELLING_ESCAPE.findall(raw))}
    return [
        sig.name for sig in _SIGNATURES if present <= sig.allowed and not (escaped & sig.needless)
    ]
