"""The ENC rules' words, places and helpers where the committed samples do not reach them
(docs/spec.md#enc-percent, #enc-delimiters, #enc-form-styles). Expected texts and offsets are
worked by hand from the bytes each test sends."""

from __future__ import annotations

import pytest

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
