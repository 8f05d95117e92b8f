"""The ENC rules' words, places and helpers where the committed samples do not reach them
(docs/spec.md#enc-percent, #enc-delimiters, #enc-form-styles). Expected texts and offsets are
worked by hand from the bytes each test sends."""

from __future__ import annotations

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
