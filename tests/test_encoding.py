"""sesspec.encoding against the spec text, worked by hand, and against independent encoders.

Expected strings below were worked out by hand from the quoted rules; the table c1 row for the
sample ``a b+c~d*e!f'g(h)i@j/k=l&é`` is docs/spec.md#enc-uriencode's own (checked there against each
encoder).
"""

from __future__ import annotations

import urllib.parse
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec import encoding
from sesspec.encoding import (
    STYLES,
    UNRESERVED,
    canonical_query_string,
    fast_unquote,
    form_decode,
    form_encode,
    form_encode_bytes,
    form_segments,
    percent_decode,
    percent_encode,
    style,
)
from sesspec.errors import EncodingError

SAMPLE = "a b+c~d*e!f'g(h)i@j/k=l&\u00e9"

# Every code point but the surrogates (which UTF-8 cannot carry): astral and controls included.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))


class TestUriEncode:
    """URI encode every byte except the unreserved characters: 'A'-'Z', 'a'-'z', '0'-'9', '-',
    '.', '_', and '~'. The space character is a reserved character and must be encoded as "%20"
    (and not as "+"). Each URI encoded byte is formed by a '%' and the two-digit hexadecimal
    value of the byte. Letters in the hexadecimal value must be uppercase, for example "%1A".
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)"""

    def test_table_c1_row(self) -> None:
        assert percent_encode(SAMPLE) == "a%20b%2Bc~d%2Ae%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9"

    def test_unreserved_untouched(self) -> None:
        assert percent_encode(UNRESERVED) == UNRESERVED

    def test_uppercase_hex_and_utf8(self) -> None:
        assert percent_encode("\x1a\u00ff\U0001f600") == "%1A%C3%BF%F0%9F%98%80"

    def test_percent_itself(self) -> None:
        assert percent_encode("100%") == "100%25"

    def test_many_distinct_unsafe_bytes(self) -> None:
        # more than the replace fast path handles: exercises the run-by-run path
        assert percent_encode(" !\"#$%&'()*,/") == "%20%21%22%23%24%25%26%27%28%29%2A%2C%2F"

    def test_extra_safe(self) -> None:
        assert percent_encode("/a b/c", safe="/") == "/a%20b/c"

    def test_bytes_input(self) -> None:
        assert percent_encode(b"\x00\xff") == "%00%FF"

    @given(ANY_TEXT)
    def test_same_as_stdlib_quote(self, text: str) -> None:
        # urllib.parse.quote with safe='-_.~' is botocore's canonical encoder
        # (docs/spec.md#enc-form-styles).
        assert percent_encode(text) == urllib.parse.quote(text, safe="-_.~")


class TestStyles:
    """The table of docs/spec.md#enc-form-styles: what each encoder in the wild does with space,
    '+', '~', '*', "!'()", reserved characters and non-ASCII text."""

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("rfc3986", "a%20b%2Bc~d%2Ae%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9"),
            ("whatwg", "a+b%2Bc%7Ed*e%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9"),
            ("html2", "a+b%2Bc%7Ed%2Ae%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9"),
            ("python-urlencode", "a+b%2Bc~d%2Ae%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9"),
            ("python2-urlencode", "a+b%2Bc%7Ed%2Ae%21f%27g%28h%29i%40j%2Fk%3Dl%26%C3%A9"),
            ("js-encodeuricomponent", "a%20b%2Bc~d*e!f'g(h)i%40j%2Fk%3Dl%26%C3%A9"),
        ],
    )
    def test_table_c1(self, name: str, expected: str) -> None:
        assert STYLES[name].quote(SAMPLE) == expected

    @given(ANY_TEXT)
    def test_python_urlencode_is_quote_plus(self, text: str) -> None:
        assert STYLES["python-urlencode"].quote(text) == urllib.parse.quote_plus(text, safe="~")

    def test_unknown_style(self) -> None:
        with pytest.raises(ValueError, match="unknown form encoding style: 'nope'"):
            style("nope")

    @pytest.mark.parametrize("name", sorted(STYLES))
    @given(text=ANY_TEXT)
    def test_output_alphabet(self, name: str, text: str) -> None:
        """Encoded output holds only the style's safe set, '%XX' with upper-case hex, and '+'
        where the style writes a space so."""
        s = STYLES[name]
        out = s.quote(text)
        rest = out
        for i, ch in enumerate(out):
            if ch == "%":
                assert out[i + 1 : i + 3].isupper() or out[i + 1 : i + 3].isdigit()
        for esc in {out[i : i + 3] for i, ch in enumerate(out) if ch == "%"}:
            assert len(esc) == 3
            assert all(c in "0123456789ABCDEF" for c in esc[1:])
            rest = rest.replace(esc, "")
        allowed = set(s.safe) | ({"+"} if s.space_as_plus else set())
        assert set(rest) <= allowed

    @pytest.mark.parametrize("name", sorted(STYLES))
    @given(pairs=st.lists(st.tuples(ANY_TEXT, ANY_TEXT), max_size=6))
    def test_decode_inverts_encode(self, name: str, pairs: list[tuple[str, str]]) -> None:
        body = form_encode(pairs, style=name)
        assert form_decode(body, strict=True) == pairs
        assert form_encode_bytes(pairs, style=name) == body.encode("ascii")


class TestFormEncode:
    """Put the parameters and values together as you would for a GET request (with an ampersand
    separating each name-value pair). (GUIDE-REQ, "Structure of a POST request")"""

    def test_starting_document_body(self) -> None:
        # The starting document's POST body in its %20 form (its Content-Length, 230, matches it).
        pairs = [
            ("Action", "SendEmail"),
            ("Source", "user@example.com"),
            ("Destination.ToAddresses.member.1", "allan@example.com"),
            ("Message.Subject.Data", "This is the subject line."),
            ("Message.Body.Text.Data", "Hello. I hope you are having a good day."),
        ]
        body = form_encode(pairs)
        assert body == (
            "Action=SendEmail&Source=user%40example.com"
            "&Destination.ToAddresses.member.1=allan%40example.com"
            "&Message.Subject.Data=This%20is%20the%20subject%20line."
            "&Message.Body.Text.Data=Hello.%20I%20hope%20you%20are%20having%20a%20good%20day."
        )
        assert len(body) == 230
        assert len(urllib.parse.urlencode(pairs)) == 206  # docs/spec.md#seed-content-length

    def test_empty_value(self) -> None:
        assert form_encode([("Destination.CcAddresses", "")]) == "Destination.CcAddresses="

    def test_large_value_sliced(self) -> None:
        value = "ab+/=" * 500_000  # 2.5 MB: encoded in slices
        body = form_encode_bytes([("RawMessage.Data", value)])
        assert body == b"RawMessage.Data=" + b"ab%2B%2F%3D" * 500_000

    def test_large_unicode_value_sliced(self) -> None:
        value = "\u00e9x" * 700_000
        body = form_encode_bytes([("V", value)], style="python-urlencode")
        assert body == b"V=" + b"%C3%A9x" * 700_000


# Texts whose escapes come in long runs (the escaper then works run by run) or short ones (one
# replace pass per distinct byte), each long enough for the choice between the two to be made.
_DENSE_TEXTS = {
    "japanese": "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059\u3002" * 400,
    "japanese-with-spaces": "\u65e5\u672c\u8a9e \u30c6\u30ad\u30b9\u30c8 " * 600,
    "emoji-and-controls": "\U0001f4e8\t\r\n\x00\x01 %+&=" * 500,
    "german": "Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Gr\u00fc\u00dfe! " * 300,
    "runs-then-latin": "\u0436" * 3000 + "abc def " * 2000,
}


class TestDenseEscaping:
    """Every byte outside the style's safe set becomes %XX (uppercase hex), the space '+' in
    the form styles (IAM-SIGV4 UriEncode; WHATWG urlencoded serializer), whichever way the
    escaper takes. The expectation comes from urllib.parse.quote, an independent encoder."""

    @pytest.mark.parametrize("text_id", sorted(_DENSE_TEXTS))
    @pytest.mark.parametrize("name", sorted(STYLES))
    def test_matches_urllib(self, name: str, text_id: str) -> None:
        text = _DENSE_TEXTS[text_id]
        assert not set(text) & set("_.-~")  # urllib always keeps these; some styles do not
        s = STYLES[name]
        if s.space_as_plus:
            expected = urllib.parse.quote(text, safe=s.safe + " ").replace(" ", "+")
        else:
            expected = urllib.parse.quote(text, safe=s.safe)
        assert s.quote(text) == expected
        assert form_encode([("V", text)], style=name) == "V=" + expected


def _by_hand(text: str, safe: str, *, space_as_plus: bool) -> str:
    """The escaping rule worked byte by byte: a byte of ``safe`` as it is, the space as '+'
    when the style says so, any other byte of the UTF-8 encoding as %XX in upper case."""
    out = []
    for b in text.encode("utf-8"):
        if chr(b) in safe:
            out.append(chr(b))
        elif b == 0x20 and space_as_plus:
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


# Texts that take each way through the escaper: a few distinct bytes (one replace pass each),
# NUL and SOH (which the body escaper uses as separators), more than 40 distinct bytes, and
# long runs of escapes with spaces between them (escaped run by run).
_WAYS = {
    "sample": SAMPLE,
    "separators": "a\x00b\x01c d+e",
    "many-distinct": "".join(chr(c) for c in range(1, 0x80)),
    # printable ASCII alone: a body without NUL or SOH is escaped in one go
    "printable": "".join(chr(c) for c in range(0x20, 0x7F)),
    "long-runs": "\u65e5\u672c\u8a9e \u30c6\u30ad\u30b9\u30c8 " * 600,
}


class TestStyleMadeByACaller:
    """A FormStyle made at run time escapes as its row of docs/spec.md#enc-form-styles says:
    "every other byte of the UTF-8 encoding becomes %XX (upper-case hex), except the space when
    space_as_plus is set". (The styles of STYLES are made when the module loads; these are made
    in the test, each from a row's safe set and space rule.) Expected values by hand."""

    # Each style's row; a style that keeps nothing (every byte escaped, letters too); one that
    # keeps the digits and the lower-case hex letters but escapes 'A'-'F', which '%XX' uses.
    ROWS = sorted(
        {(s.safe, s.space_as_plus) for s in STYLES.values()}
        | {("", False), ("0123456789abcdef", True)}
    )

    @pytest.mark.parametrize("way", sorted(_WAYS))
    @pytest.mark.parametrize(("safe", "plus"), ROWS)
    def test_quote(self, safe: str, plus: bool, way: str) -> None:
        made = encoding.FormStyle("made", safe, plus, "a caller's style", "")
        text = _WAYS[way]
        assert made.quote(text) == _by_hand(text, safe, space_as_plus=plus)

    @pytest.mark.parametrize("way", sorted(_WAYS))
    @pytest.mark.parametrize(("safe", "plus"), ROWS)
    def test_encode_pairs(self, safe: str, plus: bool, way: str) -> None:
        made = encoding.FormStyle("made", safe, plus, "a caller's style", "")
        text = _WAYS[way]
        pairs = [("A b", text), ("Empty", ""), (text, "z")]
        expected = "&".join(
            f"{_by_hand(n, safe, space_as_plus=plus)}={_by_hand(v, safe, space_as_plus=plus)}"
            for n, v in pairs
        )
        assert made.encode_pairs(pairs) == expected.encode("ascii")


class TestEscaperPaths:
    """Expected values by hand for the inputs that sit at the escaper's own thresholds."""

    def test_a_byte_first_seen_past_the_first_4096_to_escape(self) -> None:
        # 4096 short runs (no long runs: one replace pass per distinct byte), then a byte to
        # escape seen only once, as the 4097th byte to escape
        assert STYLES["rfc3986"].quote("a " * 4096 + "!") == "a%20" * 4096 + "%21"
        assert STYLES["rfc3986"].quote("a " * 4095 + "!") == "a%20" * 4095 + "%21"

    def test_a_style_that_keeps_nul_and_soh(self) -> None:
        """A byte the style keeps is written as it is, the two the body escaper uses between
        names and values too."""
        made = encoding.FormStyle("made", "\x00\x01", False, "keeps NUL and SOH", "")
        assert made.quote("\x00\x01a") == "\x00\x01%61"
        assert made.encode_pairs([("\x00", "\x01")]) == b"\x00=\x01"


class TestLoneSurrogates:
    """A str may hold a lone surrogate (U+D800-U+DFFF), which UTF-8 proper cannot carry; every
    encoder writes it as its three generalized UTF-8 bytes (U+D800 is ED A0 80: 1110 1101,
    10 100000, 10 000000), whether the value is short or long enough to be escaped in slices."""

    @pytest.mark.parametrize("size", [encoding._CHUNK - 1, encoding._CHUNK, encoding._CHUNK + 1])
    def test_short_and_sliced_values_agree(self, size: int) -> None:
        value = "\ud800" + "a" * (size - 1)
        expected = "%ED%A0%80" + "a" * (size - 1)
        assert STYLES["rfc3986"].quote(value) == expected
        assert form_encode([("V", value)]) == "V=" + expected

    def test_short_pairs_in_one_go(self) -> None:
        """A body short enough to be escaped in one go carries the surrogate the same way."""
        assert form_encode([("V", "\ud800"), ("\udfff", "w")]) == "V=%ED%A0%80&%ED%BF%BF=w"


class TestFormEncodeArguments:
    def test_pairs_from_any_iterable(self) -> None:
        """form_encode takes an Iterable of pairs (its signature): a generator, once."""
        expected = "A=1&B=%20"
        assert form_encode(iter([("A", "1"), ("B", " ")])) == expected
        assert form_encode(p for p in [("A", "1"), ("B", " ")]) == expected
        assert form_encode((("A", "1"), ("B", " "))) == expected

    def test_unknown_style_names_the_known_ones(self) -> None:
        """style's docstring: "ValueError naming the known styles"."""
        with pytest.raises(
            ValueError, match=r"^unknown form encoding style: 'nope' \(known: "
        ) as info:
            encoding.style("nope")
        known = str(info.value).split("(known: ", 1)[1].removesuffix(")")
        assert sorted(known.split(", ")) == sorted(STYLES)


class TestFastUnquote:
    """fast_unquote's docstring: every %XX becomes the byte XX (either hex case), a malformed
    escape raises ValueError; urllib.parse.unquote_to_bytes (the stdlib) is the reference."""

    @pytest.mark.parametrize(
        "data",
        [b"", b"abc", b"%41%6a%6A", b"%00%FF%fe", b"\\x41%5C\\", b"a\\nb%20", b"%25%32%30"],
    )
    def test_as_the_stdlib(self, data: bytes) -> None:
        assert fast_unquote(data) == urllib.parse.unquote_to_bytes(data)

    def test_by_hand(self) -> None:
        assert fast_unquote(b"%41\\n%5c") == b"A\\n\\"

    @pytest.mark.parametrize("data", [b"%", b"%4", b"%G1", b"a%zz"])
    def test_malformed_escape_raises(self, data: bytes) -> None:
        with pytest.raises(ValueError, match="escape"):
            fast_unquote(data)


class TestFormDecode:
    """Within a request, a plus sign is reserved as a shorthand notation for a space. (If you want
    to include a literal, uninterpreted plus sign in any parameter, you must URL-encode it as %2B.)
    (GUIDE-REQ)"""

    def test_plus_is_space(self) -> None:
        assert form_decode("Source=a+b%40x.com") == [("Source", "a b@x.com")]

    def test_escaped_plus_is_plus(self) -> None:
        assert form_decode("Source=a%2Bb%40x.com") == [("Source", "a+b@x.com")]

    def test_name_without_value_and_empty_segments(self) -> None:
        assert form_decode("a&&b=&c=1&") == [("a", ""), ("b", ""), ("c", "1")]

    def test_lenient_keeps_malformed_escape(self) -> None:
        assert form_decode("a=%zz%4") == [("a", "%zz%4")]

    def test_lenient_replaces_invalid_utf8(self) -> None:
        assert form_decode(b"a=%C3x") == [("a", "\ufffdx")]

    def test_bytes_and_str_agree(self) -> None:
        assert form_decode(b"a=%C3%A9") == form_decode("a=%C3%A9") == [("a", "\u00e9")]

    @pytest.mark.parametrize(
        ("body", "offset", "kind", "message"),
        [
            ("Action=SendEmail&X=%zz", 19, "escape", "malformed percent-escape '%zz'"),
            ("Action=SendEmail&X=%4", 19, "escape", "malformed percent-escape '%4'"),
            # the escape shown is the '%' and the two characters after it, no more
            ("Action=SendEmail&X=%zzq", 19, "escape", "malformed percent-escape '%zz':"),
            ("Action=SendEmail&X=ab%C3", 21, "utf-8", "invalid UTF-8 after percent-decoding"),
            ("Action=SendEmail&X=a b", 20, "raw-byte", "raw byte 0x20 (' ') must be percent-enc"),
            ("Action=SendEmail&X=a\u00e9", 20, "raw-byte", "raw byte 0xc3 ('Ã') must be percent-"),
            ("Action=Send{Email}", 11, "raw-byte", "raw byte 0x7b ('{') must be percent-encoded"),
            ("Action=SendEmail&X=a=b", 20, "equals", "'=' inside a value must be escaped as %3D"),
            # the first '=' inside the value is the one shown
            ("Action=SendEmail&X=a=b=c", 20, "equals", "'=' inside a value must be escaped as %3D"),
            ("A%ZZ=1", 1, "escape", "malformed percent-escape '%ZZ'"),
            # A(0) =1(1) &(3) B(4) =2(5) &(7) C(8) =(9) %zz(10): each segment counted
            ("A=1&B=2&C=%zz", 10, "escape", "malformed percent-escape '%zz'"),
            ("A=1&&B=2&C%zz=", 10, "escape", "malformed percent-escape '%zz'"),
        ],
    )  # fmt: skip
    def test_strict_errors(self, body: str, offset: int, kind: str, message: str) -> None:
        with pytest.raises(EncodingError) as info:
            form_decode(body, strict=True)
        assert info.value.offset == offset
        assert info.value.kind == kind
        assert info.value.message.startswith(message)
        assert info.value.source == body

    @pytest.mark.parametrize(
        ("body", "offset"),
        [
            # X(0) =(1) %C3(2) %A9(5) %C3(8): the third escaped byte starts no sequence
            ("X=%C3%A9%C3", 8),
            # a(2) %C3(3) %A9(6) b(9) %FF(10): 0xFF is never UTF-8
            ("X=a%C3%A9b%FF", 10),
            ("%FF=1", 0),
            # the value's bytes counted from where the value starts
            ("Action=SendEmail&X=%E2%82%AC%E2%82", 28),
        ],
    )
    def test_strict_utf8_offset_counts_escapes_as_three(self, body: str, offset: int) -> None:
        """Where invalid UTF-8 starts, as an offset in the text sent: an escape is three
        characters for one byte (docs/spec.md#enc)."""
        with pytest.raises(EncodingError) as info:
            form_decode(body, strict=True)
        assert (info.value.kind, info.value.offset) == ("utf-8", offset)
        assert info.value.source == body

    def test_strict_error_rendering(self) -> None:
        with pytest.raises(EncodingError) as info:
            form_decode("Action=SendEmail&X=%zz", strict=True)
        assert str(info.value) == (
            "malformed percent-escape '%zz': '%' must be followed by two hex digits at offset 19\n"
            "    Action=SendEmail&X=%zz\n"
            "                       ^"
        )

    def test_strict_accepts_rfc3986_query_characters(self) -> None:
        body = "a=!$'()*,;:@/?~-._&b=x+y"
        assert form_decode(body, strict=True) == [("a", "!$'()*,;:@/?~-._"), ("b", "x y")]

    @given(st.binary(max_size=200))
    def test_never_raises_anything_else(self, data: bytes) -> None:
        offset = None
        try:
            form_decode(data, strict=True)
        except EncodingError as exc:
            offset = exc.offset
        assert offset is None or 0 <= offset <= len(data)
        form_decode(data)  # lenient never raises

    # Bodies made of the pieces that matter to decoding: separators, '+', escapes good and bad,
    # %00, NUL, UTF-8 (whole, truncated, overlong) and plain text.
    _PIECES = st.sampled_from(
        [b"&", b"=", b"+", b"a", b"Name", b"%2B", b"%3d", b"%25", b"%00", b"\x00", b"%", b"%G1",
         b"%C3%A9", b"%C3", b"\xc3\xa9", b"\xe6", b"%C0%80", b"\xf0\x9f\x93\xa8", b" "]
    )  # fmt: skip

    @pytest.mark.property
    @given(st.one_of(st.lists(_PIECES, max_size=30).map(b"".join), st.binary(max_size=120)))
    def test_whole_body_path_equals_pair_by_pair(self, data: bytes) -> None:
        """Lenient decoding unescapes a well-formed body in one go; it must give what decoding
        each name and value on its own gives (that path is the one every suite runs)."""
        fast = form_decode(data)
        with mock.patch.object(encoding, "_decode_whole", return_value=None):
            slow = form_decode(data)
        assert fast == slow

    def test_percent_decode(self) -> None:
        assert percent_decode("a%20b+c%2Bd") == "a b+c+d"
        assert percent_decode("a%20b+c%2Bd", plus_as_space=True) == "a b c+d"
        with pytest.raises(EncodingError):
            percent_decode("%G0", strict=True)

    @pytest.mark.parametrize("tail", ["", "\\"])
    @pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
    def test_backslashes_are_bytes_like_any_other(self, tail: str, as_bytes: bool) -> None:
        """A backslash is one more byte to leave as it is (lenient decoding; it is not a
        character a query may hold raw, RFC 3986 section 3.4): never the start of an escape."""
        text = "a=%41\\n\\x41" + tail
        assert form_decode(text.encode() if as_bytes else text) == [("a", "A\\n\\x41" + tail)]

    def test_a_lone_surrogate_in_a_str_is_invalid_utf8(self) -> None:
        """A str may hold a lone surrogate; read as its generalized UTF-8 bytes (ED A0 80),
        which no UTF-8 decoder accepts: WHATWG's decoder writes U+FFFD for each of the three
        (ED's next byte must be 80-9F), as the lenient reading does for invalid UTF-8."""
        assert form_decode("a=\ud800") == [("a", "\ufffd" * 3)]
        assert percent_decode("\ud800b") == "\ufffd" * 3 + "b"

    def test_percent_decode_is_lenient_by_default(self) -> None:
        # WHATWG percent-decode: a malformed escape stays, invalid UTF-8 becomes U+FFFD.
        assert percent_decode("%zz%C3") == "%zz\ufffd"

    def test_percent_decode_keeps_a_raw_equals(self) -> None:
        # One name or value on its own: '=' is an RFC 3986 sub-delim, allowed raw.
        assert percent_decode("a=b", strict=True) == "a=b"

    @pytest.mark.parametrize(
        ("value", "offset", "kind"),
        [("a%G0", 1, "escape"), ("ab%C3", 2, "utf-8"), ("a b", 1, "raw-byte")],
    )
    def test_percent_decode_strict_errors(self, value: str, offset: int, kind: str) -> None:
        with pytest.raises(EncodingError) as info:
            percent_decode(value, strict=True)
        assert (info.value.offset, info.value.kind, info.value.source) == (offset, kind, value)


class TestCanonicalQueryString:
    """Encode names and values separately... After encoding, sort the parameters alphabetically by
    key name... If a parameter has no value, include the equals sign with an empty value.
    Parameters with duplicate names should be sorted by value. (IAM-SIGV4;
    docs/spec.md#enc-canonical-query)"""

    def test_sorted_after_encoding(self) -> None:
        pairs = [("b", "2"), ("a", "x y"), ("a", "(1)"), ("c", "")]
        assert canonical_query_string(pairs) == "a=%281%29&a=x%20y&b=2&c="

    def test_key_prefix_sorts_first(self) -> None:
        # requests-aws4auth#45: sorting joined 'k=v' puts 'key-type=' before 'key='.
        pairs = [("key-type", "1"), ("key", "2")]
        assert canonical_query_string(pairs) == "key=2&key-type=1"

    def test_sort_by_encoded_not_raw(self) -> None:
        # aws-sdk-go-v2#2969: sorted after encoding, '%'-escaped names come before 'z' (raw
        # order would put 'z' first), and U+FF21 (EF BC A1) before U+1F37A (F0 9F 8D BA), the
        # reverse of JavaScript's UTF-16 order (docs/spec.md#enc-sort-order).
        pairs = [("\U0001f37a", "1"), ("\uff21", "2"), ("z", "3")]
        assert canonical_query_string(pairs) == "%EF%BC%A1=2&%F0%9F%8D%BA=1&z=3"

    @given(st.lists(st.tuples(ANY_TEXT, ANY_TEXT), max_size=8), st.randoms())
    def test_invariant_under_pair_order(self, pairs: list[tuple[str, str]], rnd: object) -> None:
        shuffled = list(pairs)
        rnd.shuffle(shuffled)  # type: ignore[attr-defined]
        assert canonical_query_string(shuffled) == canonical_query_string(pairs)


def test_query_raw_is_rfc3986_query_less_the_pair_delimiters() -> None:
    """RFC 3986: query = *( pchar / "/" / "?" ), pchar = unreserved / pct-encoded / sub-delims /
    ":" / "@", sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=";
    '&' and '=' delimit the pairs of a form, so they may not stand raw inside one."""
    import string

    unreserved = set(string.ascii_letters + string.digits + "-._~")
    sub_delims = set("!$&'()*+,;=")
    assert set(encoding.QUERY_RAW) == (unreserved | sub_delims | set(":@/?")) - {"&", "="}


_FORM_PIECES = st.sampled_from(
    [b"&", b"=", b"a", b"+", b"%2B", b"%2b", b"%G0", b"%", b"%C3%A9", b"%C3", b"%FF", b"%00",
     b"\x00", b"\xc3\xa9", b"\xff", b" ", b"~"]
)  # fmt: skip


@pytest.mark.property
@given(st.lists(_FORM_PIECES, max_size=30).map(b"".join))
def test_form_segments_are_form_decode_with_places(data: bytes) -> None:
    """form_segments gives form_decode's pairs, each with the bytes it was decoded from and
    where they stand: the checker reads a body once, through it."""
    segments = form_segments(data)
    assert [(s.name, s.value) for s in segments] == form_decode(data)
    for s in segments:
        assert data[s.offset : s.offset + len(s.raw)] == s.raw
        assert s.raw
        assert b"&" not in s.raw
        assert s.equals == s.raw.find(b"=")
        assert s.raw_name + (b"" if s.equals < 0 else b"=" + s.raw_value) == s.raw
        assert s.name_bytes.decode("utf-8", "replace") == s.name
        assert s.value_bytes.decode("utf-8", "replace") == s.value
        valid = True
        for part in (s.name_bytes, s.value_bytes):
            try:
                part.decode("utf-8")
            except UnicodeDecodeError:
                valid = False
        assert s.utf8 == valid
