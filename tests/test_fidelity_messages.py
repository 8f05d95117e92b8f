"""Fidelity of messages: a raw message asked against the one that arrived, and a SendEmail a
client sent as a MIME message it built.

Every expected value is worked by hand from the messages written out here and the RFCs they
cite (RFC 5322 header fields and folding, RFC 2045 transfer encodings, RFC 2047 encoded-words).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.fidelity import (
    KINDS,
    MAX_SEARCH_TOTAL,
    Asked,
    Difference,
    Location,
    compare_messages,
    compare_pairs,
)
from sesspec.mime import MAX_DEPTH, MAX_PARTS

RAW = (
    b"From: sender@example.com\r\n"
    b"To: to@example.com, other@xn--bcher-kva.example\r\n"
    b"Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\r\n"
    b"--b1\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b'Content-Disposition: attachment; filename="p.bin"\r\n'
    b"\r\n"
    b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\r\n"
    b"--b1--\r\n"
)
TEXT = Location("part", "1 text/plain")
ATTACHMENT = Location("part", "2 application/octet-stream")


def _only(diffs: list[Difference]) -> Difference:
    assert len(diffs) == 1, [d.message for d in diffs]
    return diffs[0]


def _kinds(diffs: list[Difference]) -> list[tuple[str, str, str]]:
    return [(d.kind, str(d.where), d.severity) for d in diffs]


class TestRawMessages:
    def test_same_bytes(self) -> None:
        assert compare_messages(RAW, RAW) == []

    def test_lf_line_ends_made_crlf_everywhere(self) -> None:
        """The message's own line ends, and the 8bit text part's one line end (the CRLF before
        the delimiter is the delimiter's, RFC 2046 5.1.1, so the text asked ends in LF)."""
        lf = RAW.replace(b"\r\n", b"\n")
        assert _kinds(compare_messages(lf, RAW)) == [
            ("line-end-lf-to-crlf", "member RawMessage.Data", "info"),
        ]

    def test_crlf_made_lf_in_the_text_too(self) -> None:
        lf = RAW.replace(b"\r\n", b"\n")
        message = RAW.replace(b"K\xc3\xb6ln\r\n--b1", b"K\xc3\xb6ln\r\n\r\n--b1")
        other = lf.replace(b"K\xc3\xb6ln\n--b1", b"K\xc3\xb6ln\n\n--b1")
        assert _kinds(compare_messages(message, other)) == [
            ("line-end-crlf-to-lf", "member RawMessage.Data", "info"),
            ("line-end-crlf-to-lf", str(TEXT), "info"),
        ]

    def test_8bit_read_as_latin1(self) -> None:
        text = "Grüße aus Köln".encode()
        mangled = RAW.replace(text, text.decode("latin-1").encode())
        diff = _only(compare_messages(RAW, mangled))
        assert (diff.kind, diff.where) == ("text-utf8-read-as-latin1", TEXT)

    def test_subject_decoded_and_compared(self) -> None:
        other = RAW.replace(b"R3LDvMOfZQ==", b"R3JldXNz")  # "Greuss"
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.expected, diff.actual) == (
            "value-changed",
            Location("header", "Subject"),
            "Grüße",
            "Greuss",
        )

    def test_subject_re_encoded(self) -> None:
        """The same subject as a Q encoded-word: the value read is the same, written
        otherwise."""
        other = RAW.replace(b"=?UTF-8?B?R3LDvMOfZQ==?=", b"=?utf-8?q?Gr=C3=BC=C3=9Fe?=")
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.severity) == (
            "header-reencoded",
            Location("header", "Subject"),
            "info",
        )

    def test_header_refolded(self) -> None:
        other = RAW.replace(b"To: to@example.com, other", b"To: to@example.com,\r\n other")
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.severity) == (
            "header-refolded",
            Location("header", "To"),
            "info",
        )

    @pytest.mark.parametrize(("length", "found"), [(998, False), (999, True)])
    def test_header_line_too_long(self, length: int, found: bool) -> None:
        """RFC 5322 section 2.1.1: at most 998 characters a line, the name and colon
        included, the CRLF not."""
        subject = b"Subject: " + b"x" * (length - len(b"Subject: "))
        asked = RAW.replace(b"Subject: =?UTF-8?B?R3LDvMOfZQ==?=", b"Subject: " + b"x" * 980)
        other = RAW.replace(b"Subject: =?UTF-8?B?R3LDvMOfZQ==?=", subject)
        kinds = [d.kind for d in compare_messages(asked, other)]
        assert ("header-line-too-long" in kinds) is found
        long_asked = _kinds(
            compare_messages(other, other.replace(b"MIME-Version", b"X: y\r\nMIME-Version"))
        )
        assert ("header-line-too-long", "header Subject", "warning") not in long_asked

    def test_bcc_header_added(self) -> None:
        leaked = RAW.replace(b"Subject:", b"Bcc: hidden@example.com\r\nSubject:")
        diff = _only(compare_messages(RAW, leaked))
        assert (diff.kind, diff.where, diff.severity) == (
            "header-added",
            Location("header", "Bcc"),
            "warning",
        )

    @pytest.mark.parametrize(("header", "severity"), [("Date", "info"), ("X-Mailer", "warning")])
    def test_header_added(self, header: str, severity: str) -> None:
        dated = RAW.replace(b"Subject:", header.encode() + b": v\r\nSubject:")
        diff = _only(compare_messages(RAW, dated))
        assert (diff.kind, diff.where, diff.severity) == (
            "header-added",
            Location("header", header),
            severity,
        )

    def test_header_removed(self) -> None:
        other = RAW.replace(b"MIME-Version: 1.0\r\n", b"")
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.severity) == (
            "header-removed",
            Location("header", "MIME-Version"),
            "error",
        )

    def test_address_dropped_and_idna_decoded(self) -> None:
        other = RAW.replace(
            b"To: to@example.com, other@xn--bcher-kva.example",
            "To: other@bücher.example".encode(),
        )
        assert _kinds(compare_messages(RAW, other)) == [
            ("address-dropped", "header To", "error"),
            ("address-idna-decoded", "header To", "error"),
        ]

    def test_addresses_reordered(self) -> None:
        other = RAW.replace(
            b"To: to@example.com, other@xn--bcher-kva.example",
            b"To: other@xn--bcher-kva.example, to@example.com",
        )
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.severity) == ("order-changed", "warning")

    def test_body_normalised(self) -> None:
        # "Grüße aus Köln" decomposed: each umlaut as a vowel and U+0308.
        other = RAW.replace(
            b"Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln", b"Gru\xcc\x88\xc3\x9fe aus Ko\xcc\x88ln"
        )
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where) == ("unicode-nfd", TEXT)

    def test_transfer_encoding_changed_content_the_same(self) -> None:
        other = RAW.replace(
            b"Content-Transfer-Encoding: 8bit\r\n\r\nGr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln",
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe aus K=C3=B6ln",
        )
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.severity) == ("transfer-encoding-changed", TEXT, "info")

    def test_quoted_printable_trailing_space_is_content(self) -> None:
        """RFC 2045 6.7 rule 3: the decoder deletes white space at the end of an encoded
        line, so a trailing space left unencoded is lost to the reader."""
        asked = RAW.replace(
            b"Content-Transfer-Encoding: 8bit\r\n\r\nGr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\r\n",
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\nend=20\r\nnext\r\n",
        )
        other = asked.replace(b"end=20\r\n", b"end \r\n")
        diff = _only(compare_messages(asked, other))
        assert (diff.kind, diff.where, diff.severity) == (
            "whitespace-line-trailing-trimmed",
            TEXT,
            "error",
        )

    @pytest.mark.parametrize(
        ("arrived", "kind", "severity"),
        [
            (b"charset=UTF-8", "charset-changed", "info"),
            (b"charset=iso-8859-1", "charset-changed", "error"),
            (b"format=flowed", "charset-dropped", "error"),
        ],
    )
    def test_charset(self, arrived: bytes, kind: str, severity: str) -> None:
        other = RAW.replace(b"charset=utf-8", arrived)
        kinds = [(d.kind, d.severity) for d in compare_messages(RAW, other) if d.where == TEXT]
        assert (kind, severity) in kinds

    def test_attachment_rewrapped(self) -> None:
        line = b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v"
        other = RAW.replace(line, line[:40] + b"\r\n" + line[40:])
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.severity) == ("base64-rewrapped", ATTACHMENT, "info")

    def test_file_name_changed(self) -> None:
        other = RAW.replace(b'filename="p.bin"', b'filename="P.bin"')
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where) == ("text-case-changed", ATTACHMENT)

    def test_part_dropped(self) -> None:
        start = RAW.index(b"--b1\r\nContent-Type: application")
        diff = _only(compare_messages(RAW, RAW[:start] + b"--b1--\r\n"))
        assert (diff.kind, diff.where, diff.severity) == ("part-removed", ATTACHMENT, "error")

    def test_part_added(self) -> None:
        end = RAW.index(b"--b1--")
        other = RAW[:end] + b"--b1\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b1--\r\n"
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, str(diff.where), diff.severity) == (
            "part-added",
            "part 3 text/html",
            "warning",
        )

    def test_boundary_changed(self) -> None:
        other = RAW.replace(b"b1", b"zz")
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.severity) == ("message-rewritten", "info")

    def test_blob_rewrapped_base64_is_harmless(self) -> None:
        params = {"RawMessage": {"Data": RAW}}
        one_line = base64.b64encode(RAW).decode()
        mime_lines = base64.encodebytes(RAW).decode()
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", mime_lines)]
        diff = _only(compare_pairs(Asked("SendRawEmail", params), pairs))
        assert (diff.kind, diff.severity) == ("base64-rewrapped", "info")
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", one_line)]
        assert compare_pairs(Asked("SendRawEmail", params), pairs) == []

    @pytest.mark.parametrize(
        ("name", "severity"),
        [("Source", "info"), ("Destinations.member.1", "info"), ("Destinations.member.2", "error")],
    )
    def test_envelope_dropped(self, name: str, severity: str) -> None:
        """SES takes the sender from From and the recipients from To, Cc and Bcc when a
        SendRawEmail leaves Source or Destinations out: info when the message names them."""
        raw = RAW.replace(b"From: sender@example.com", b"From: Sender <sender@example.com>")
        params: dict[str, Any] = {
            "Source": "sender@example.com",
            "Destinations": ["to@example.com", "elsewhere@example.com"],
            "RawMessage": {"Data": raw},
        }
        pairs = [
            ("Action", "SendRawEmail"),
            *((n, v) for n, v in Asked("SendRawEmail", params).pairs() if n != name),
        ]
        diff = _only(compare_pairs(Asked("SendRawEmail", params), pairs))
        assert (diff.kind, diff.where, diff.severity) == (
            "parameter-dropped",
            Location("member", name),
            severity,
        )

    def test_blob_not_base64(self) -> None:
        params = {"RawMessage": {"Data": RAW}}
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", "not base64!")]
        diff = _only(compare_pairs(Asked("SendRawEmail", params), pairs))
        assert (diff.kind, diff.severity) == ("unreadable", "warning")


def _nested(depth: int) -> bytes:
    """A message whose multiparts nest ``depth`` deep around one text part."""
    out = b"Subject: x\r\nMIME-Version: 1.0\r\n"
    for i in range(depth):
        out += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    out += b"Content-Type: text/plain\r\n\r\nhi\r\n"
    return out + b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))


class TestHostileMessages:
    @pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 5000])
    def test_nesting_is_bounded(self, depth: int) -> None:
        """Past MAX_DEPTH multipart levels a message is one unreadable difference that says
        which limit; at MAX_DEPTH it is compared part by part."""
        message = _nested(depth)
        diffs = compare_messages(message, message.replace(b"hi", b"ho"))
        if depth <= MAX_DEPTH:
            diff = _only(diffs)
            assert (diff.kind, diff.where) == ("value-changed", Location("part", "1 text/plain"))
        else:
            diff = _only(diffs)
            assert diff.kind == "unreadable"
            assert f"nested more than {MAX_DEPTH} deep" in diff.message

    def test_too_many_parts(self) -> None:
        data = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        data += b"".join(b"--b\r\n\r\n%d\r\n" % i for i in range(MAX_PARTS)) + b"--b--\r\n"
        diff = _only(compare_messages(data, data.replace(b"\r\n\r\n1\r\n", b"\r\n\r\nx\r\n")))
        assert diff.kind == "unreadable"
        assert f"more than {MAX_PARTS} parts" in diff.message

    def test_nested_mail_is_unreadable_not_an_error(self) -> None:
        pairs = [
            ("Action", "SendRawEmail"),
            ("RawMessage.Data", base64.b64encode(_nested(MAX_DEPTH + 1)).decode()),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", MAIL, "mail"), pairs)[1:])
        assert diff.kind == "unreadable"

    def test_two_step_search_is_bounded_per_comparison(self) -> None:
        """Each part's text needs two steps (LF made CRLF, then trimmed): 40,001 characters
        asked, 59,998 arrived, 99,999 of search; MAX_SEARCH_TOTAL (262,144) pays for two;
        the parts after them are value-changed, not searched."""
        text = " " + "a\n" * 20_000
        parts = b"".join(
            b"--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            % base64.b64encode(body)
            for body in [text.encode()] * 4
        )
        head = b'Subject: x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        arrived = text.replace("\n", "\r\n").strip().encode()
        changed = parts.replace(base64.b64encode(text.encode()), base64.b64encode(arrived))
        diffs = compare_messages(head + parts + b"--b--\r\n", head + changed + b"--b--\r\n")
        by_part = [
            [d.kind for d in diffs if d.where.name.startswith(f"{i} ")] for i in (1, 2, 3, 4)
        ]
        named = ["line-end-lf-to-crlf", "whitespace-trimmed"]
        assert (len(text), len(arrived)) == (40_001, 59_998)
        assert 2 * 100_000 < MAX_SEARCH_TOTAL < 3 * 100_000
        assert by_part == [named, named, ["value-changed"], ["value-changed"]]

    @given(st.binary(max_size=2000))
    def test_any_bytes_compare_without_an_exception(self, data: bytes) -> None:
        for diff in compare_messages(RAW, data):
            assert diff.kind in KINDS


def _mime(*lines: str) -> str:
    return base64.b64encode("\r\n".join(lines).encode()).decode()


MAIL: dict[str, Any] = {
    "Source": "sender@example.com",
    "Destination": {
        "ToAddresses": ["to@example.com"],
        "CcAddresses": ["cc@example.com"],
        "BccAddresses": ["hidden@example.com"],
    },
    "Message": {
        "Subject": {"Data": "Grüße", "Charset": "utf-8"},
        "Body": {"Text": {"Data": "Hello\r\nthere", "Charset": "utf-8"}},
    },
}
GOOD_MIME = [
    "From: sender@example.com",
    "To: to@example.com",
    "Cc: cc@example.com",
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Hello",
    "there",
]
DESTINATIONS = [
    ("Destinations.member.1", "to@example.com"),
    ("Destinations.member.2", "cc@example.com"),
    ("Destinations.member.3", "hidden@example.com"),
]


def _raw_email(*lines: str, destinations: bool = True) -> list[tuple[str, str]]:
    pairs = [("Action", "SendRawEmail"), ("Source", "sender@example.com")]
    pairs.append(("RawMessage.Data", _mime(*lines)))
    return pairs + (DESTINATIONS if destinations else [])


def _mail(lines: list[str], params: dict[str, Any] = MAIL, **kw: bool) -> list[Difference]:
    return compare_pairs(Asked("SendEmail", params, "mail"), _raw_email(*lines, **kw))


class TestSendEmailAsMime:
    """A SendEmail asked for, a SendRawEmail of a MIME message built by the client arrived."""

    def test_a_faithful_message(self) -> None:
        assert _kinds(_mail(GOOD_MIME)) == [("action-changed", "action", "info")]

    @pytest.mark.parametrize(
        ("header", "severity"),
        [
            ("Date", "info"),
            ("Message-ID", "info"),
            ("MIME-Version", "info"),
            ("X-Mailer", "warning"),
        ],
    )
    def test_a_header_added(self, header: str, severity: str) -> None:
        lines = [*GOOD_MIME[:4], f"{header}: v", *GOOD_MIME[4:]]
        assert _kinds(_mail(lines))[1:] == [("header-added", f"header {header}", severity)]

    def test_bcc_written_as_a_header(self) -> None:
        lines = [*GOOD_MIME[:3], "Bcc: hidden@example.com", *GOOD_MIME[3:]]
        assert _kinds(_mail(lines))[1:] == [("header-added", "header Bcc", "warning")]

    def test_bcc_lost_without_destinations(self) -> None:
        diff = _only(_mail(GOOD_MIME, destinations=False)[1:])
        assert (diff.kind, diff.where, diff.expected) == (
            "address-dropped",
            Location("member", "Destinations"),
            "hidden@example.com",
        )

    def test_source_left_out(self) -> None:
        pairs = [p for p in _raw_email(*GOOD_MIME) if p[0] != "Source"]
        diffs = compare_pairs(Asked("SendEmail", MAIL, "mail"), pairs)
        assert _kinds(diffs)[1:] == [("parameter-dropped", "member Source", "info")]

    def test_text_body_sent_as_html(self) -> None:
        lines = [*GOOD_MIME[:4], "Content-Type: text/html; charset=utf-8", *GOOD_MIME[5:]]
        diff = _only(_mail(lines)[1:])
        assert (diff.kind, diff.expected, diff.actual) == (
            "part-type-changed",
            "text/plain",
            "text/html",
        )

    def test_subject_trimmed_and_cc_dropped(self) -> None:
        params = {**MAIL, "Message": {**MAIL["Message"], "Subject": {"Data": " Grüße "}}}
        lines = [line for line in GOOD_MIME if not line.startswith("Cc:")]
        assert _kinds(_mail(lines, params))[1:] == [
            ("header-removed", "header Cc", "error"),
            ("whitespace-trimmed", "header Subject", "error"),
        ]

    @pytest.mark.parametrize(
        ("written", "kind"),
        [
            ("Subject:   two spaces  ", None),  # one space after the colon, then the value
            ("Subject: =?UTF-8?Q?__two_spaces__?=", None),
            ("Subject: two spaces  ", "whitespace-leading-trimmed"),
            ("Subject: two spaces", "whitespace-trimmed"),
        ],
    )
    def test_subject_spaces_as_written(self, written: str, kind: str | None) -> None:
        """The subject is read as written (less the one space after the colon), so a client
        that trims shows."""
        params = {**MAIL, "Message": {**MAIL["Message"], "Subject": {"Data": "  two spaces  "}}}
        lines = [written if line.startswith("Subject:") else line for line in GOOD_MIME]
        found = [d.kind for d in _mail(lines, params) if d.where == Location("header", "Subject")]
        assert found == ([] if kind is None else [kind])

    def test_empty_subject_left_out_is_info(self) -> None:
        params = {**MAIL, "Message": {**MAIL["Message"], "Subject": {"Data": ""}}}
        lines = [line for line in GOOD_MIME if not line.startswith("Subject:")]
        assert _kinds(_mail(lines, params))[1:] == [("header-removed", "header Subject", "info")]

    def test_body_line_ends_are_named(self) -> None:
        """No line end is taken for granted: the text asked has LF, the part CRLF."""
        params = {
            **MAIL,
            "Message": {
                **MAIL["Message"],
                "Body": {"Text": {"Data": "a\nb\rc", "Charset": "utf-8"}},
            },
        }
        faithful = [*GOOD_MIME[:-2], "a", "b=0Dc"]
        assert _kinds(_mail(faithful, params))[1:] == [
            ("line-end-lf-to-crlf", "part 1 text/plain", "info"),
        ]
        dropped = [*GOOD_MIME[:-2], "a", "bc"]
        assert _kinds(_mail(dropped, params))[1:] == [
            ("line-end-lf-to-crlf", "part 1 text/plain", "info"),
            ("line-end-cr-dropped", "part 1 text/plain", "error"),
        ]

    def test_a_final_line_end_appended(self) -> None:
        diff = _only(_mail([*GOOD_MIME, ""])[1:])
        assert (diff.kind, diff.severity) == ("line-end-appended", "info")

    @pytest.mark.parametrize(
        ("declared", "kind", "severity"),
        [
            ("charset=UTF-8", "charset-changed", "info"),
            ("charset=us-ascii", "charset-changed", "info"),  # the text asked is ASCII
            ("format=flowed", "charset-dropped", "info"),
        ],
    )
    def test_charsets(self, declared: str, kind: str, severity: str) -> None:
        lines = [
            f"Content-Type: text/plain; {declared}" if line.startswith("Content-Type") else line
            for line in GOOD_MIME
        ]
        assert _kinds(_mail(lines))[1:] == [(kind, "part 1 text/plain", severity)]

    def test_charset_added_where_none_was_asked(self) -> None:
        params = {
            **MAIL,
            "Message": {**MAIL["Message"], "Body": {"Text": {"Data": "Hello\r\nthere"}}},
        }
        assert _kinds(_mail(GOOD_MIME, params))[1:] == [
            ("charset-added", "part 1 text/plain", "info"),
        ]

    def test_body_changed(self) -> None:
        lines = [*GOOD_MIME[:-2], "Hello", "there!"]
        diff = _only(_mail(lines)[1:])
        assert (diff.kind, diff.where) == ("value-changed", Location("part", "1 text/plain"))

    def test_body_part_missing(self) -> None:
        lines = [*GOOD_MIME[:4], "Content-Type: image/png", "", "x"]
        kinds = _kinds(_mail(lines))[1:]
        assert ("part-removed", "part text/plain", "error") in kinds
