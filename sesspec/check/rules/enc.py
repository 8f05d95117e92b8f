"""Encoding rules (ENC): the bytes of a form body or query string (``docs/spec.md#enc``), and
the values that decoding shows were escaped or sent wrongly.

Every problem in the bytes is reported, not just the first (as the strict decoder in
:mod:`sesspec.encoding` does); a rule that fires very often on one request is reported a few
times and then counted, so a 10 MB body cannot yield a million findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sesspec.check._view import Source, View
from sesspec.check.finding import Finding, Location, finding
from sesspec.check.rules import SesAnswer, declare
from sesspec.encoding import QUERY_RAW, STYLES, Segment

__all__ = [
    "MAX_PER_RULE",
    "RULES",
    "byte_findings",
    "guess_styles",
    "raw_message_findings",
    "style_findings",
    "value_findings",
]

_MQS = SesAnswer("MalformedQueryString", order=0)
_RFC3986 = "https://www.rfc-editor.org/rfc/rfc3986#section-2.1"
_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"
_GUIDE_REQ = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-requests.html"
_WHATWG = "WHATWG URL, application/x-www-form-urlencoded parsing"

ENC001 = declare(
    "ENC001",
    "error",
    "malformed percent-escape",
    ("enc-escapes",),
    "An escape is '%' and two hex digits; a '%' followed by anything else is malformed.",
    (_RFC3986,),
    _MQS,
    remedy="Escape every literal '%' as %25, and write each escape as '%' and two hex digits.",
)
ENC002 = declare(
    "ENC002",
    "warning",
    "lower-case hex digits in a percent-escape",
    ("enc-escapes", "policy-tilde-hex"),
    "Decoders accept lower-case hex, but producers should write upper case, and SigV4's "
    "canonical form requires it.",
    (_RFC3986, _IAM),
    None,
    remedy=(
        "Write percent-escapes with upper-case hex digits (%2F, not %2f), as RFC 3986 and SigV4 do."
    ),
)
ENC003 = declare(
    "ENC003",
    "error",
    "raw byte that must be percent-encoded",
    ("enc-raw-bytes",),
    "Inside a name or value only the unreserved characters, the sub-delimiters but '&' and "
    "'=', and ':@/?' may stand raw; every other byte is escaped.",
    ("RFC 3986 section 3.4",),
    _MQS,
    remedy=(
        "Percent-encode each name and value with RFC 3986 UriEncode: every byte but A-Z, a-z, 0-9 "
        "and '-._~' as %XX, a space as %20 or '+'."
    ),
)
ENC004 = declare(
    "ENC004",
    "error",
    "invalid UTF-8 after percent-decoding",
    ("enc-text",),
    "Names and values are UTF-8 text; decoded bytes that are not UTF-8 are not text.",
    (_IAM, "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"),
    _MQS,
    remedy=(
        "Encode text as UTF-8 before percent-encoding it (not Latin-1 or UTF-16), and never split a"
        " character's bytes between two values."
    ),
)
ENC005 = declare(
    "ENC005",
    "error",
    "raw '+' decoded as a space where a literal plus was meant",
    ("enc-plus", "policy-raw-plus", "bug-plus-in-address"),
    "A raw '+' means a space; in an address a space cannot be, so the client meant a plus and "
    'SES refuses the address ("Local address contains control or whitespace").',
    (_GUIDE_REQ, "https://github.com/n8n-io/n8n/issues/9794"),
    _MQS,
    remedy=(
        "Encode a literal '+' as %2B (user+tag@example.com is user%2Btag%40example.com): a raw '+' "
        "reads as a space."
    ),
)
ENC006 = declare(
    "ENC006",
    "error",
    "unescaped '=' inside a value (MalformedQueryString)",
    ("enc-delimiters", "bug-raw-equals"),
    "'=' separates a name from its value; inside a value it must be %3D, and SES answers a raw "
    "one with MalformedQueryString.",
    ("https://github.com/n8n-io/n8n/issues/1442",),
    _MQS,
    remedy=(
        "Encode '=' inside a value as %3D: build the body with a form encoder, value by value, not "
        "by joining raw strings."
    ),
)
ENC007 = declare(
    "ENC007",
    "error",
    "pair without '=': an unescaped '&' inside a value?",
    ("enc-delimiters",),
    "A segment with no '=' is a name with an empty value; in an SES request it almost always "
    "means a raw '&' cut a value in two.",
    (_WHATWG,),
    _MQS,
    remedy=(
        "Encode '&' inside a value as %26: build the body with a form encoder, value by value, not "
        "by joining raw strings."
    ),
)
ENC008 = declare(
    "ENC008",
    "warning",
    "value still holds percent-escapes after decoding: double encoding?",
    ("enc-double-encoding", "bug-whole-query-unquote", "bug-boto-utf8"),
    "An address that still holds %XY after decoding was escaped twice, or unquoted and "
    "requoted on its way.",
    (
        "https://github.com/tedder/requests-aws4auth/issues/59",
        "https://github.com/boto/boto/pull/354",
    ),
    None,
    remedy=(
        "Percent-encode each value exactly once: do not encode a value that is already encoded, and"
        " do not unquote and requote a whole query."
    ),
)
ENC009 = declare(
    "ENC009",
    "warning",
    "raw message line endings rewritten (bare LF or CR where MIME wants CRLF)",
    ("param-raw-message",),
    "The message inside RawMessage.Data is an Internet message, whose lines end in CRLF, and "
    "in which CR and LF occur only together; a bare LF or a bare CR shows it was rewritten on "
    "its way.",
    ("RFC 5322 section 2.1", "RFC 5322 section 2.3"),
    None,
    remedy=(
        "Write the message in RawMessage.Data with CRLF line ends (RFC 5322), and base64-encode "
        "it as it is: do not turn CRLF into LF, or drop or add a CR, on its way."
    ),
)
ENC010 = declare(
    "ENC010",
    "info",
    "non-canonical but valid form encoding; the encoder that produced it",
    ("enc-form-styles", "policy-space", "policy-tilde-hex"),
    "Real encoders write the same pairs byte for byte differently; naming the one that wrote "
    "a body explains what a signature over those bytes covers.",
    ("botocore/awsrequest.py", "aws/aws-sdk-js lib/util.js", "whatwg/url url.bs"),
    None,
    remedy=(
        "Nothing: the encoding is valid. For the canonical form, encode with RFC 3986 UriEncode (a "
        "space as %20, '~' raw, upper-case hex)."
    ),
)

#: The encoding rules, in catalogue order.
RULES = (ENC001, ENC002, ENC003, ENC004, ENC005, ENC006, ENC007, ENC008, ENC009, ENC010)

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
        rule = _BY_ID[first.rule]
        more = finding(
            rule, f"{extra} more like this", first.location.whole(), severity=first.severity
        )
        out.append(more)
    return out


_BY_ID = {r.id: r for r in RULES}


def byte_findings(raw: bytes, kind: Source, segments: list[Segment]) -> list[Finding]:
    """ENC001-ENC004, ENC006, ENC007 over ``raw`` (the body or the query, ``kind``), with its
    ``segments`` as the view decoded them."""
    out: list[Finding] = []
    if not (
        _MALFORMED.search(raw)
        or _LOWER_HEX.search(raw)
        or _BAD_RAW.search(raw)
        or not _PAIRS_WELL_FORMED.fullmatch(raw)
    ):
        # The common case, a clean body: only the UTF-8 check is left (each scan above stops
        # at its first hit, so a body with a problem pays twice for that one scan).
        out += _capped(_utf8_findings(raw, kind, segments))
        return out
    out += _capped(
        finding(
            ENC001,
            f"malformed percent-escape {raw[m.start() : m.start() + 3].decode('latin-1')!r}",
            Location(kind, offset=m.start()),
        )
        for m in _MALFORMED.finditer(raw)
    )
    out += _capped(
        finding(
            ENC002,
            f"percent-escape {raw[m.start() : m.start() + 3].decode('ascii')!r} uses lower-case "
            "hex; SigV4 and RFC 3986 producers write upper case",
            Location(kind, offset=m.start()),
        )
        for m in _LOWER_HEX.finditer(raw)
    )
    out += _capped(
        finding(
            ENC003,
            f"raw byte {raw[m.start()]:#04x} ({chr(raw[m.start()])!r}) must be percent-encoded",
            Location(kind, offset=m.start()),
        )
        for m in _BAD_RAW.finditer(raw)
    )
    out += _capped(_utf8_findings(raw, kind, segments))
    out += _capped(_pair_shape_findings(kind, segments))
    return out


def _utf8_findings(raw: bytes, kind: Source, segments: list[Segment]) -> Iterator[Finding]:
    # Decoding found every name and value UTF-8: nothing to report. Otherwise, where: each run
    # of escapes whose bytes are not UTF-8 (the escapes as sent, located by offset).
    if all(s.utf8 for s in segments):
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
                ENC004,
                f"escaped bytes {run[exc.start * 3 : exc.end * 3 + 9].decode('ascii')!r} are not "
                f"UTF-8 ({exc.reason})",
                Location(kind, offset=m.start() + exc.start * 3),
            )


def _pair_shape_findings(kind: Source, segments: list[Segment]) -> Iterator[Finding]:
    for s in segments:
        if s.equals < 0:
            shown = s.raw[:40].decode("utf-8", "replace")
            yield finding(
                ENC007,
                f"{shown!r} has no '=': a '&' inside the previous value must be escaped as %26",
                Location(kind, offset=s.offset),
            )
            continue
        second = s.raw.find(b"=", s.equals + 1)
        if second != -1:
            name = s.raw_name.decode("utf-8", "replace")
            yield finding(
                ENC006,
                f"the value of {name!r} holds a raw '='; escape it as %3D",
                Location(kind, offset=s.offset + second),
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
        first = "".join(sorted({f"{high:X}", f"{high:x}"}))
        digits = {f"{low:X}" for low in lows} | {f"{low:x}" for low in lows}
        branches.append(f"[{first}][{''.join(sorted(digits))}]")
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


def style_findings(view: View) -> list[Finding]:
    """ENC010: the parameters' bytes as a known encoder other than RFC 3986 writes them."""
    raw = view.params_raw
    styles = guess_styles(raw) if raw else []
    if styles and styles[0] != "rfc3986":
        message = (
            f"encoded as {' or '.join(styles)} would write it: valid, but not the canonical "
            "RFC 3986 form"
        )
        return [
            finding(ENC010, message, Location("body" if view.params_where == "body" else "query"))
        ]
    return []


# --- values that show how they were sent --------------------------------------------------------

# Address-valued parameters (SES model; docs/spec.md#param-addresses).
ADDRESS_PARAM = re.compile(
    r"(?:Source|ReturnPath|EmailAddress|FromEmailAddress|BounceSender|"
    r".*Addresses\.member\.\d+|Destinations\.member\.\d+|.*\.Recipient|Identity)\Z"
)
_ESCAPED_TEXT = re.compile(r"%[0-9A-Fa-f]{2}")


def value_findings(name: str, value: str, raw_plus: Iterable[str]) -> list[Finding]:
    """ENC005 and ENC008 for one decoded pair; ``raw_plus`` names the parameters whose value
    was sent with a raw '+'."""
    out: list[Finding] = []
    if not ADDRESS_PARAM.match(name):
        return out
    if name in raw_plus:
        local = value.rsplit("@", 1)[0].rsplit("<", 1)[-1]
        if " " in local:
            message = (
                f"{value!r}: the address was sent with a raw '+', which means a space; a "
                "literal plus must be %2B"
            )
            out.append(finding(ENC005, message, Location("param", name)))
    if _ESCAPED_TEXT.search(value):
        message = f"{value[:60]!r} still holds percent-escapes after decoding"
        out.append(finding(ENC008, message, Location("param", name)))
    return out


def raw_message_findings(view: View, name: str, value: str) -> list[Finding]:
    """ENC009: line ends of the message inside ``RawMessage.Data`` (decoded once by the view):
    every LF not after a CR and every CR not before an LF (RFC 5322 section 2.3: "CR and LF
    MUST only occur together as CRLF")."""
    message = view.raw_message(value).message
    if message is None:
        return []
    crlf = message.count(b"\r\n")
    bare_lf = message.count(b"\n") - crlf
    bare_cr = message.count(b"\r") - crlf
    if not bare_lf and not bare_cr:
        return []
    found = [
        f"{count} bare {what}"
        for count, what in ((bare_lf, "LF (a line ending in LF alone)"), (bare_cr, "CR"))
        if count
    ]
    text = (
        f"the decoded message has {' and '.join(found)}; MIME wants CRLF, CR and LF only together"
    )
    return [finding(ENC009, text, Location("param", name))]
