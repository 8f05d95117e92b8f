"""The ENC rules' words, places and helpers where the committed samples do not reach them
(docs/spec.md#enc-escapes, #enc-raw-bytes, #enc-delimiters, #enc-form-styles). Expected texts
and offsets are worked by hand from the bytes each test sends."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from sesspec.check import check
from sesspec.check.rules import enc


@pytest.mark.parametrize(
    "values",
    [{0x21}, {0x27, 0x28, 0x29, 0x2A}, {0x7E, 0x2D}, {0x2F, 0xA0, 0xAF, 0xFF}, {0x00, 0x10}],
    ids=["one", "one-high-digit", "two-high-digits", "letters-as-high-digit", "low-bytes"],
)
def test_the_escape_pattern_is_the_escapes_of_its_bytes_in_either_case(values: set[int]) -> None:
    """'%' and two hex digits, either of which may be written in either case (RFC 3986 section
    2.1: the digits are case-insensitive), for exactly the bytes given."""
    pattern = enc._escape_of(values)
    for b in range(256):
        upper, lower = f"%{b:02X}", f"%{b:02x}"
        for text in {upper, lower, upper[:2] + lower[2], lower[:2] + upper[2]}:
            assert (pattern.fullmatch(text.encode()) is not None) is (b in values), text
    # nothing but hex digits stands in either place
    for b in values:
        for text in (f"%X{b & 15:X}", f"%{b >> 4:X}X", "%XX"):
            assert pattern.fullmatch(text.encode()) is None, text


def _post(body: bytes) -> bytes:
    return (
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


def _found(raw: bytes, rule: str) -> list[tuple[str, str]]:
    return [(str(f.location), f.message) for f in check(raw, tls=True) if f.rule == rule]


HEAD = b"Action=GetSendQuota&Version=2010-12-01"


def test_segments_without_equals_each_at_its_offset() -> None:
    """A '&' left raw inside a value cuts it: each piece after it without '=' is ENC007, at
    the piece's offset in the body (docs/spec.md#enc-delimiters)."""
    body = HEAD + b"&S=a&b&c"
    assert _found(_post(body), "ENC007") == [
        (
            f"body offset {len(HEAD) + 5}",
            "'b' has no '=': a '&' inside the previous value must be escaped as %26",
        ),
        (
            f"body offset {len(HEAD) + 7}",
            "'c' has no '=': a '&' inside the previous value must be escaped as %26",
        ),
    ]


@pytest.mark.parametrize(
    ("piece", "shown"),
    [(b"x" * 41, "x" * 40), (b"a\xffb", "a\ufffdb")],
    ids=["cut-at-40", "not-utf8"],
)
def test_a_segment_without_equals_is_shown_cut_and_readable(piece: bytes, shown: str) -> None:
    """Shown to its first 40 bytes, a byte that is not UTF-8 as U+FFFD."""
    raw = (
        b"GET /?"
        + HEAD
        + b"&"
        + piece
        + b" HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n\r\n"
    )
    if b"\xff" in piece:  # a raw byte past ASCII cannot stand in a request line: send a body
        raw = _post(HEAD + b"&" + piece)
    ((_, message),) = _found(raw, "ENC007")
    assert (
        message == f"{shown!r} has no '=': a '&' inside the previous value must be escaped as %26"
    )


@pytest.mark.parametrize(
    ("pair", "second"),
    [(b"Data=a=b=c", 6), (b"Data==x", 5), (b"N\xff=a=b", 4)],
    ids=["two-more", "right-after", "name-not-utf8"],
)
def test_a_raw_equals_in_a_value_points_at_the_first_one(pair: bytes, second: int) -> None:
    body = HEAD + b"&" + pair
    name = pair.split(b"=", 1)[0].decode("utf-8", "replace")
    assert _found(_post(body), "ENC006") == [
        (
            f"body offset {len(HEAD) + 1 + second}",
            f"the value of {name!r} holds a raw '='; escape it as %3D",
        )
    ]


_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize(
    ("style", "extra", "plus"),
    [
        ("rfc3986", b"-._~", False),
        ("python-urlencode", b"-._~", True),
        ("python2-urlencode", b"-._", True),
        ("whatwg", b"*-._", True),
        ("html2", b"", True),
        ("js-encodeuricomponent", b"-._~!*'()", False),
    ],
)
def test_what_each_encoder_writes_raw(style: str, extra: bytes, plus: bool) -> None:
    """docs/spec.md#enc-form-styles, by hand: the bytes a style may write raw are its kept
    characters, the separators and '%' (and '+' where it writes a space so); the escapes that
    tell it from others are those of bytes it keeps raw (and the space it writes as '+')."""
    sig = enc._signature(style)
    kept = set(_ALNUM + extra)
    assert sig.name == style
    assert sig.allowed == frozenset(kept | set(b"%&=") | (set(b"+") if plus else set()))
    assert sig.needless == frozenset(kept | ({0x20} if plus else set()))


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        (b"a+b%40example.com", True),
        (b"%22x+y%22+%3Ccd%40example.com%3E", False),
        (b"%22x%3Cy+z%22+%3Ccd%40example.com%3E", False),
        (b"%22a+b%40%22+%3Ccd%40example.com%3E", False),
        (b"ab%40exa+mple.com", False),
    ],
    ids=[
        "in-the-address",
        "in-the-name",
        "name-holds-a-less-than",
        "name-holds-an-at",
        "in-the-domain",
    ],
)
def test_a_raw_plus_is_judged_in_the_local_part_only(source: bytes, flagged: bool) -> None:
    """A raw '+' is a space (docs/spec.md#enc-plus): in an address's local part (after the last
    '<', before the last '@') it changes the address; in the display name it is a space."""
    found = _found(
        _post(HEAD.replace(b"GetSendQuota", b"VerifyEmailIdentity") + b"&EmailAddress=" + source),
        "ENC005",
    )
    value = source.decode().replace("+", " ").replace("%22", '"').replace("%3C", "<")
    value = value.replace("%40", "@").replace("%3E", ">")
    expected = (
        f"{value!r}: the address was sent with a raw '+', which means a space; a literal plus "
        "must be %2B"
    )
    assert found == ([("param EmailAddress", expected)] if flagged else [])


@pytest.mark.parametrize("length", [60, 61])
def test_escapes_left_after_decoding_shown_to_60_characters(length: int) -> None:
    value = "%41" + "x" * (length - 3)
    body = HEAD.replace(b"GetSendQuota", b"VerifyEmailIdentity") + b"&EmailAddress=%2541"
    body += b"x" * (length - 3)
    assert _found(_post(body), "ENC008") == [
        ("param EmailAddress", f"{value[:60]!r} still holds percent-escapes after decoding")
    ]


def test_bare_line_ends_in_the_raw_message_counted_by_kind() -> None:
    """One CRLF; three LF, two of them bare; three CR, two of them bare (RFC 5322 section 2.3)."""
    message = b"From: a@example.com\nTo: b@example.com\r\nSubject: s\r\rx\n"
    data = quote(base64.b64encode(message).decode(), safe="")
    body = b"Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=" + data.encode()
    assert _found(_post(body), "ENC009") == [
        (
            "param RawMessage.Data",
            "the decoded message has 2 bare LF (a line ending in LF alone) and 2 bare CR; MIME "
            "wants CRLF, CR and LF only together",
        )
    ]


def test_a_body_that_only_plus_writers_write_names_them_in_order() -> None:
    """'+' for a space and '-' kept raw: WHATWG and both Python urlencodes write that; HTML 2.0
    escapes '-', RFC 3986 and encodeURIComponent write %20 (docs/spec.md#enc-form-styles)."""
    assert _found(_post(HEAD + b"&X=a+b"), "ENC010") == [
        (
            "body",
            "encoded as whatwg or python-urlencode or python2-urlencode would write it: valid, "
            "but not the canonical RFC 3986 form",
        )
    ]


def test_no_parameters_no_encoder_named() -> None:
    assert _found(b"GET / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n\r\n", "ENC010") == []


def _escape_findings(body: bytes) -> list[tuple[str, str, str, str]]:
    found = check(_post(body), tls=True)
    rules = {"ENC001", "ENC002", "ENC003", "ENC004"}
    return [(f.rule, f.severity, str(f.location), f.message) for f in found if f.rule in rules]


def test_each_bad_byte_at_its_offset_and_in_its_words() -> None:
    """A malformed escape, a lower-case one, a raw byte that must be escaped (RFC 3986 section
    2.1; docs/spec.md#enc-escapes, #enc-raw-bytes), each at its offset in the body, in order
    of rule."""
    body = HEAD + b"&A=%zz&B=%2f&C=a b"
    at = len(HEAD)
    assert _escape_findings(body) == [
        ("ENC001", "error", f"body offset {at + 3}", "malformed percent-escape '%zz'"),
        (
            "ENC002",
            "warning",
            f"body offset {at + 9}",
            "percent-escape '%2f' uses lower-case hex; SigV4 and RFC 3986 producers write upper "
            "case",
        ),
        (
            "ENC003",
            "error",
            f"body offset {at + 16}",
            "raw byte 0x20 (' ') must be percent-encoded",
        ),
    ]


@pytest.mark.parametrize("count", [5, 6, 7])
def test_five_of_a_kind_then_a_count(count: int) -> None:
    """At most 5 findings of one rule in one request, then one that counts the rest, at the
    whole body (README "Limits": sesspec.check.rules.enc.MAX_PER_RULE)."""
    body = HEAD + b"".join(b"&P%d=%%zz" % i for i in range(count))
    found = _escape_findings(body)
    offsets = [len(HEAD) + 1 + i * 7 + 3 for i in range(min(count, 5))]
    shown = [
        ("ENC001", "error", f"body offset {o}", "malformed percent-escape '%zz'") for o in offsets
    ]
    if count > 5:
        shown.append(("ENC001", "error", "body", f"{count - 5} more like this"))
    assert found == shown


def test_a_warning_counted_keeps_its_severity() -> None:
    body = HEAD + b"".join(b"&P%d=%%2f" % i for i in range(6))
    assert _escape_findings(body)[-1] == ("ENC002", "warning", "body", "1 more like this")


def test_the_encoder_is_named_for_a_query_too() -> None:
    raw = b"GET /?" + HEAD + b"&X=a+b HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n\r\n"
    assert [where for where, _ in _found(raw, "ENC010")] == ["query"]


def test_escapes_that_are_not_utf8_shown_with_three_that_follow() -> None:
    """%C3 must begin a two-byte sequence (RFC 3629); %28 cannot continue it. The finding
    points at %C3 and shows it with the next three escapes (the bad byte, then context)."""
    body = HEAD + b"&X=%41%C3%28%41%42%43%44"
    at = len(HEAD) + 3 + 3  # '&X=' then '%41'
    assert _escape_findings(body) == [
        (
            "ENC004",
            "error",
            f"body offset {at}",
            "escaped bytes '%C3%28%41%42' are not UTF-8 (invalid continuation byte)",
        )
    ]
