"""The one MIME reader (sesspec.mime): header fields, encoded-words, multiparts, content, limits.

Expected values are the RFCs' own examples (RFC 2046 section 5.1.1's sample message, RFC 2047
section 8's table and sample header), cases worked by hand from RFC 2045 section 6.7 and RFC
5322 section 2.2, and, where noted, what the standard library's :mod:`email` package (Python
3.11, an independent reader) reads from the same bytes. Each limit is tested at its value and
one past it.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import email.utils
from email.header import decode_header, make_header

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.mime import (
    MAX_ADDRESSES,
    MAX_DEPTH,
    MAX_HEADER_LINES,
    MAX_MESSAGE_BYTES,
    MAX_PARTS,
    Mailbox,
    MimeError,
    Part,
    decode_quoted_printable,
    decode_words,
    mailboxes,
    parse_content_type,
    read_header_section,
    read_message,
)

# RFC 2046 section 5.1.1, "a very simple multipart message", with CRLF line ends.
RFC2046_SAMPLE = (
    "From: Nathaniel Borenstein <nsb@bellcore.com>\r\n"
    "To: Ned Freed <ned@innosoft.com>\r\n"
    "Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)\r\n"
    "Subject: Sample message\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-type: multipart/mixed; boundary="simple boundary"\r\n'
    "\r\n"
    "This is the preamble.  It is to be ignored, though it\r\n"
    "is a handy place for composition agents to include an\r\n"
    "explanatory note to non-MIME conformant readers.\r\n"
    "\r\n"
    "--simple boundary\r\n"
    "\r\n"
    "This is implicitly typed plain US-ASCII text.\r\n"
    "It does NOT end with a linebreak.\r\n"
    "--simple boundary\r\n"
    "Content-type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "This is explicitly typed plain US-ASCII text.\r\n"
    "It DOES end with a linebreak.\r\n"
    "\r\n"
    "--simple boundary--\r\n"
    "\r\n"
    "This is the epilogue.  It is also to be ignored.\r\n"
).encode("ascii")


class TestHeaderFields:
    """RFC 5322 section 2.2: "Header fields are lines beginning with a field name, followed by
    a colon (":"), followed by a field body, and terminated by CRLF." Section 2.2.3:
    "Unfolding is accomplished by simply removing any CRLF that is immediately followed by
    WSP." """

    def test_fields_as_written(self) -> None:
        fields, body, eol = read_header_section(
            b"Subject:  two\r\n\tlines \r\nX-Empty:\r\n\r\nbody"
        )
        assert [(f.name, f.raw, f.lines) for f in fields] == [
            ("Subject", b"  two\r\n\tlines ", 2),
            ("X-Empty", b"", 1),
        ]
        assert fields[0].unfolded() == "  two\tlines "
        assert fields[0].written() == " two\tlines "  # less the one space after the colon
        assert fields[0].text() == "two\tlines"
        assert (body, eol) == (len(b"Subject:  two\r\n\tlines \r\nX-Empty:\r\n\r\n"), (4, 0))

    def test_bare_lf_lines_and_a_bare_cr_as_data(self) -> None:
        fields, body, eol = read_header_section(b"A: 1\rstill\nB: 2\n\nx")
        assert [(f.name, f.raw) for f in fields] == [("A", b" 1\rstill"), ("B", b" 2")]
        assert (body, eol) == (len(b"A: 1\rstill\nB: 2\n\n"), (0, 3))

    def test_a_line_without_a_colon_starts_the_body(self) -> None:
        data = b"A: 1\r\nnot a field\r\nB: 2\r\n"
        fields, body, _ = read_header_section(data)
        assert [f.name for f in fields] == ["A"]
        assert body == len(b"A: 1\r\n")

    def test_longest_line(self) -> None:
        fields, _, _ = read_header_section(b"Subject: " + b"x" * 989 + b"\r\n y\r\n\r\n")
        assert (fields[0].longest_line, fields[0].lines) == (998, 2)

    @pytest.mark.parametrize(
        "count", [MAX_HEADER_LINES - 1, MAX_HEADER_LINES, MAX_HEADER_LINES + 1]
    )
    def test_header_lines_limit(self, count: int) -> None:
        data = b"".join(b"X-%d: v\r\n" % i for i in range(count)) + b"\r\nbody"
        if count <= MAX_HEADER_LINES:
            assert len(read_message(data).fields) == count
        else:
            with pytest.raises(MimeError) as info:
                read_message(data)
            assert info.value.kind == "too-many-header-lines"
            assert info.value.offset == len(b"".join(b"X-%d: v\r\n" % i for i in range(count - 1)))


class TestEncodedWords:
    """RFC 2047 section 8's table of encoded forms and how they are displayed."""

    @pytest.mark.parametrize(
        ("encoded", "displayed"),
        [
            ("(=?ISO-8859-1?Q?a?=)", "(a)"),
            ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
        ],
    )
    def test_rfc2047_section_8_table(self, encoded: str, displayed: str) -> None:
        fields, _, _ = read_header_section(f"Comments: {encoded}\r\n\r\n".encode())
        assert decode_words(fields[0].unfolded()).strip() == displayed

    def test_rfc2047_section_8_header(self) -> None:
        data = (
            b"From: =?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>\r\n"
            b"To: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>\r\n"
            b"CC: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\n"
            b"Subject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
            b"    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=\r\n\r\n"
        )
        message = read_message(data)
        subject = message.header("subject")
        assert subject is not None
        assert subject.text() == "If you can read this you understand the example."
        boxes = [
            b
            for name in ("From", "To", "CC")
            for f in message.headers(name)
            for b in mailboxes(f.unfolded())
        ]
        assert boxes == [
            Mailbox("Keith Moore", "moore@cs.utk.edu"),
            Mailbox("Keld Jørn Simonsen", "keld@dkuug.dk"),
            Mailbox("André Pirard", "PIRARD@vm1.ulg.ac.be"),
        ]

    @pytest.mark.parametrize(
        "text",
        [
            "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?utf-8?b?S8O2bG4=?=",
            "=?UTF-8?Q?NFC=3A_Caf=C3=A9_Z=C3=BCrich_/_NFD=3A_Ca?= =?UTF-8?Q?fe=CC=81?=",
            "plain, no words",
        ],
    )
    def test_agrees_with_the_stdlib(self, text: str) -> None:
        """Python 3.11's email.header decodes the same (an independent implementation)."""
        assert decode_words(text) == str(make_header(decode_header(text)))

    def test_an_unknown_charset_stays_as_written(self) -> None:
        """(The stdlib raises LookupError here.) RFC 2047 section 6.2: a word it cannot
        decode, a reader may show as it is."""
        text = "=?x-unknown?Q?kept?= =?utf-8?q?=C3=A9?="
        assert decode_words(text) == "=?x-unknown?Q?kept?= é"


class TestContentType:
    def test_parameters(self) -> None:
        assert parse_content_type('Text/Plain; Charset="utf-8"; format=flowed') == (
            "text/plain",
            {"charset": "utf-8", "format": "flowed"},
        )

    def test_rfc2231_extended_and_continued(self) -> None:
        """RFC 2231 sections 3 and 4: ``name*=charset'lang'%XX`` and ``name*0``, ``name*1``."""
        _, params = parse_content_type(
            "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf; "
            'title*0="part one, "; title*1*=%41'
        )
        assert params == {"filename": "résumé.pdf", "title": "part one, A"}


class TestMultipart:
    """RFC 2046 section 5.1.1: "the CRLF preceding the boundary delimiter line is conceptually
    attached to the boundary so that it is possible to have a part that does not end with a
    CRLF (line break)"; the preamble and epilogue are not parts."""

    def test_rfc2046_sample(self) -> None:
        message = read_message(RFC2046_SAMPLE)
        assert message.content_type == "multipart/mixed"
        first, second = message.leaves()
        assert (first.fields, first.content_type) == ((), "text/plain")
        assert first.body == (
            b"This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak."
        )
        assert second.charset == "us-ascii"
        assert second.body == (
            b"This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n"
        )

    def test_the_stdlib_reads_the_same_bodies(self) -> None:
        parsed = email.message_from_bytes(RFC2046_SAMPLE, policy=email.policy.default)
        theirs = [p.get_payload(decode=True) for p in parsed.walk() if not p.is_multipart()]
        assert theirs == [p.content() for p in read_message(RFC2046_SAMPLE).leaves()]

    def test_a_boundary_inside_a_longer_word_is_not_a_delimiter(self) -> None:
        data = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        data += b"--b\r\n\r\none\r\n--bb\r\n--b--\r\n"
        (only,) = read_message(data).leaves()
        assert only.body == b"one\r\n--bb"

    def _nested(self, depth: int) -> bytes:
        data = b""
        for i in range(depth):
            data += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        return data + b"Content-Type: text/plain\r\n\r\nhi\r\n"

    @pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
    def test_depth_limit(self, depth: int) -> None:
        if depth <= MAX_DEPTH:
            (leaf,) = read_message(self._nested(depth)).leaves()
            assert (leaf.depth, leaf.body) == (depth, b"hi\r\n")
        else:
            with pytest.raises(MimeError) as info:
                read_message(self._nested(depth))
            assert info.value.kind == "too-deep"

    @pytest.mark.parametrize("parts", [MAX_PARTS - 1, MAX_PARTS])
    def test_parts_limit(self, parts: int) -> None:
        """The message itself counts: MAX_PARTS - 1 children fit, MAX_PARTS do not."""
        data = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        data += b"".join(b"--b\r\n\r\n%d\r\n" % i for i in range(parts)) + b"--b--\r\n"
        if parts < MAX_PARTS:
            assert len(list(read_message(data).leaves())) == parts
        else:
            with pytest.raises(MimeError) as info:
                read_message(data)
            assert info.value.kind == "too-many-parts"

    def test_size_limit_checked_first(self) -> None:
        class Huge(bytes):
            def __len__(self) -> int:
                return MAX_MESSAGE_BYTES + 1

        with pytest.raises(MimeError) as info:
            read_message(Huge(b"Subject: x\r\n\r\n"))
        assert info.value.kind == "too-large"


class TestContent:
    """RFC 2045 section 6.7 rule 3: "any trailing white space on a line must be deleted, as it
    will necessarily have been added by intermediate transport agents"; rule 5: "an equal sign
    as the last character on a encoded line indicates such a non-significant ("soft") line
    break"."""

    @pytest.mark.parametrize(
        ("encoded", "decoded"),
        [
            (b"trailing   \r\nnext", b"trailing\r\nnext"),
            (b"tab\t\r\n", b"tab\r\n"),
            (b"kept=20\r\n", b"kept \r\n"),
            (b"soft=\r\nbreak", b"softbreak"),
            (b"soft with space=  \r\nbreak", b"soft with spacebreak"),
            (b"lower =c3=a9", "lower é".encode()),
            (b"not an escape =zz", b"not an escape =zz"),
            (b"last line   ", b"last line"),
            (b"bare\nlf  \n", b"bare\nlf\n"),
        ],
    )
    def test_quoted_printable(self, encoded: bytes, decoded: bytes) -> None:
        assert decode_quoted_printable(encoded) == decoded

    def test_trailing_space_run_is_linear(self) -> None:
        assert decode_quoted_printable(b" " * 200_000 + b"x") == b" " * 200_000 + b"x"

    def test_base64_and_charset(self) -> None:
        data = (
            b"Content-Type: text/plain; charset=iso-8859-1\r\n"
            b"Content-Transfer-Encoding: BASE64\r\n\r\nR3L8/GU=\r\n"
        )
        part = read_message(data)
        assert (part.transfer_encoding, part.content(), part.text()) == (
            "base64",
            b"Gr\xfc\xfce",
            "Grüüe",
        )

    def test_file_name(self) -> None:
        data = (
            b"Content-Type: application/pdf; name=a.pdf\r\n"
            b'Content-Disposition: attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="\r\n\r\n'
        )
        part = read_message(data)
        assert (part.disposition, part.filename) == ("attachment", "résumé.pdf")


class TestMailboxes:
    """RFC 5322 section 3.4: mailboxes, groups, quoted strings and comments."""

    @pytest.mark.parametrize(
        "text",
        [
            'a@example.com, "Doe, J." <j@example.com>',
            "Team: x@example.com, y@example.com;, z@example.com",
            "z@example.com (Zed)",
            "<route@example.com>",
        ],
    )
    def test_agrees_with_the_stdlib(self, text: str) -> None:
        theirs = [(n, a) for n, a in email.utils.getaddresses([text]) if a]
        assert [(b.name, b.address) for b in mailboxes(text)] == theirs

    @pytest.mark.parametrize("count", [MAX_ADDRESSES, MAX_ADDRESSES + 1])
    def test_address_limit(self, count: int) -> None:
        text = ", ".join(f"a{i}@example.com" for i in range(count))
        if count <= MAX_ADDRESSES:
            assert len(mailboxes(text)) == count
        else:
            with pytest.raises(MimeError) as info:
                mailboxes(text)
            assert info.value.kind == "too-many-addresses"

    @pytest.mark.parametrize("opener", ["(", '"', "<", "["])
    def test_unterminated_deep_nesting_is_an_error_not_a_recursion(self, opener: str) -> None:
        with pytest.raises(MimeError) as info:
            mailboxes("<" + opener * 50_000 + "b@example.com")
        assert info.value.kind == "unterminated"


@given(st.binary(max_size=3000))
def test_any_bytes_read_or_a_mime_error(data: bytes) -> None:
    try:
        message = read_message(data)
    except MimeError:
        return
    assert isinstance(message, Part)
    for part in message.leaves():
        part.content()
        part.text()
        for field in part.fields:
            with contextlib.suppress(MimeError):
                mailboxes(field.unfolded())
            field.text()
