"""Fidelity (issue 11, point 1): what arrived against what the client was asked to send.

Hand-made cases, one per kind of difference and per named change, each with its expected
values worked by hand (offsets counted in the UTF-8 bytes written out here); a clean copy
serialised by botocore (an independent implementation) has no difference; and the committed
report's captures, where what each client does is known from its source (node-ses
``lib/email.js``: a lone body goes in ``Message.Body.Html.Data`` and every part gets
``Charset=UTF-8``; nodemailer's SES transport sends SendRawEmail; fog-aws's ``send_raw_email``
uses Ruby's ``Base64.encode64``, which breaks lines every 60 characters).
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.fidelity import (
    MAX_BOUNDARIES,
    MAX_EXCERPT,
    MAX_SHOWN,
    Asked,
    Difference,
    Location,
    compare_messages,
    compare_pairs,
    compare_request,
    describe_change,
)
from sesspec.http import RawRequest
from sesspec.serve import load_captures

REPO = Path(__file__).resolve().parent.parent
LATEST = REPO / "reports" / "latest"

SEND: dict[str, Any] = {
    "Source": "sender@example.com",
    "Destination": {"ToAddresses": ["to@example.com"], "BccAddresses": ["hidden@example.com"]},
    "Message": {
        "Subject": {"Data": "Hi"},
        "Body": {"Text": {"Data": "line one\nline two"}},
    },
}
#: SEND's pairs, written out by hand (flattening per docs/spec.md#param-flattening).
SEND_PAIRS = [
    ("Action", "SendEmail"),
    ("Version", "2010-12-01"),
    ("Source", "sender@example.com"),
    ("Destination.ToAddresses.member.1", "to@example.com"),
    ("Destination.BccAddresses.member.1", "hidden@example.com"),
    ("Message.Subject.Data", "Hi"),
    ("Message.Body.Text.Data", "line one\nline two"),
]


def _with(pairs: list[tuple[str, str]], **changes: str | None) -> list[tuple[str, str]]:
    """``pairs`` with values replaced (None: the pair removed)."""
    out = []
    for name, value in pairs:
        new = changes.get(name.replace(".", "_"), value)
        if new is not None:
            out.append((name, new))
    return out


def _only(diffs: list[Difference]) -> Difference:
    assert len(diffs) == 1, [d.message for d in diffs]
    return diffs[0]


class TestCleanCopy:
    def test_botocore_serialisation_has_no_difference(self) -> None:
        botocore_session = pytest.importorskip("botocore.session")
        serialize = pytest.importorskip("botocore.serialize")
        model = botocore_session.get_session().get_service_model("ses")
        body = serialize.QuerySerializer().serialize_to_request(
            SEND, model.operation_model("SendEmail")
        )["body"]
        pairs = [(str(k), str(v)) for k, v in body.items()]
        assert compare_pairs(Asked("SendEmail", SEND), pairs) == []

    def test_hand_written_pairs_in_another_order(self) -> None:
        assert compare_pairs(Asked("SendEmail", SEND), list(reversed(SEND_PAIRS))) == []

    def test_authentication_parameters_are_not_members(self) -> None:
        extra = [("X-Amz-Signature", "ab" * 32), ("AWSAccessKeyId", "AKIDEXAMPLE")]
        assert compare_pairs(Asked("SendEmail", SEND), SEND_PAIRS + extra) == []


class TestMembers:
    def test_action_changed(self) -> None:
        pairs = [("Action", "SendTemplatedEmail"), *SEND_PAIRS[1:]]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.where, diff.expected, diff.actual) == (
            "action-changed",
            Location("action"),
            "SendEmail",
            "SendTemplatedEmail",
        )
        assert not diff.harmless

    def test_no_action(self) -> None:
        diff = _only(compare_pairs(Asked("SendEmail", SEND), SEND_PAIRS[1:]))
        assert (diff.kind, diff.where) == ("dropped", Location("action"))

    def test_member_dropped(self) -> None:
        pairs = _with(SEND_PAIRS, Destination_BccAddresses_member_1=None)
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, str(diff.where), diff.expected) == (
            "dropped",
            "member Destination.BccAddresses.member.1",
            "hidden@example.com",
        )

    def test_text_body_renamed_html(self) -> None:
        """node-ses's mapping: the one body becomes the HTML body, which SES reads."""
        pairs = [
            ("Message.Body.Html.Data", v) if n == "Message.Body.Text.Data" else (n, v)
            for n, v in SEND_PAIRS
        ]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert diff.kind == "renamed"
        assert diff.where == Location("member", "Message.Body.Text.Data")
        assert diff.moved_to == Location("member", "Message.Body.Html.Data")
        assert diff.change is None
        assert "SES reads it as Message.Body.Html.Data" in diff.message

    def test_php_list_index_renamed_and_lost(self) -> None:
        """PHP's http_build_query writes a list as ``member[0]``, which SES does not read."""
        pairs = [
            ("Destination.ToAddresses.member[0]", v)
            if n == "Destination.ToAddresses.member.1"
            else (n, v)
            for n, v in SEND_PAIRS
        ]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.moved_to) == (
            "renamed",
            Location("member", "Destination.ToAddresses.member[0]"),
        )
        assert "SES does not read Destination.ToAddresses.member[0]" in diff.message

    def test_a_whole_list_renamed_is_one_difference(self) -> None:
        """Fifty recipients written PHP's way are one cause, said once."""
        params = {**SEND, "Destination": {"ToAddresses": ["a@example.com", "b@example.com"]}}
        pairs = [
            ("Action", "SendEmail"),
            ("Source", "sender@example.com"),
            ("Destination.ToAddresses.member[0]", "a@example.com"),
            ("Destination.ToAddresses.member[1]", "b@example.com"),
            ("Message.Subject.Data", "Hi"),
            ("Message.Body.Text.Data", "line one\nline two"),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", params), pairs))
        assert (diff.kind, diff.where, diff.moved_to, diff.expected) == (
            "renamed",
            Location("member", "Destination.ToAddresses.member.N"),
            Location("member", "Destination.ToAddresses.member[N-1]"),
            "a@example.com, b@example.com",
        )
        assert diff.message.endswith("SES does not read them")

    def test_renamed_and_changed(self) -> None:
        pairs = [
            ("Destination.ToAddresses.1", "TO@EXAMPLE.COM")
            if n == "Destination.ToAddresses.member.1"
            else (n, v)
            for n, v in SEND_PAIRS
        ]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert diff.kind == "renamed"
        assert diff.change is not None
        assert diff.change.changes == ("case-changed",)

    def test_list_reordered(self) -> None:
        params = {**SEND, "Destination": {"ToAddresses": ["a@example.com", "b@example.com"]}}
        pairs = [
            ("Action", "SendEmail"),
            ("Source", "sender@example.com"),
            ("Destination.ToAddresses.member.1", "b@example.com"),
            ("Destination.ToAddresses.member.2", "a@example.com"),
            ("Message.Subject.Data", "Hi"),
            ("Message.Body.Text.Data", "line one\nline two"),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", params), pairs))
        assert (diff.kind, diff.where, diff.expected, diff.actual) == (
            "changed",
            Location("member", "Destination.ToAddresses"),
            "a@example.com, b@example.com",
            "b@example.com, a@example.com",
        )

    @pytest.mark.parametrize(
        ("charset", "harmless"), [("UTF-8", True), ("utf8", True), ("ISO-8859-1", False)]
    )
    def test_charset_added(self, charset: str, harmless: bool) -> None:
        pairs = [*SEND_PAIRS, ("Message.Subject.Charset", charset)]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.where, diff.actual, diff.harmless) == (
            "added",
            Location("member", "Message.Subject.Charset"),
            charset,
            harmless,
        )

    def test_unknown_member_added_is_ignored_by_ses(self) -> None:
        diff = _only(compare_pairs(Asked("SendEmail", SEND), [*SEND_PAIRS, ("Foo", "bar")]))
        assert (diff.kind, diff.harmless) == ("added", True)
        assert "SES ignores it" in diff.message

    def test_bcc_recipient_added_to_to(self) -> None:
        """Symfony's SesApiTransport puts every recipient, Bcc too, in ToAddresses."""
        pairs = [*SEND_PAIRS, ("Destination.ToAddresses.member.2", "hidden@example.com")]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.harmless) == ("added", False)
        assert "Bcc recipient" in diff.message

    @pytest.mark.parametrize(
        ("text", "harmless"), [("ascii only", True), ("Grüße", False)], ids=["ascii", "utf8"]
    )
    def test_charset_dropped(self, text: str, harmless: bool) -> None:
        params = {
            **SEND,
            "Message": {
                "Subject": {"Data": text, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "x"}},
            },
        }
        pairs = [
            ("Action", "SendEmail"),
            ("Source", "sender@example.com"),
            ("Destination.ToAddresses.member.1", "to@example.com"),
            ("Destination.BccAddresses.member.1", "hidden@example.com"),
            ("Message.Subject.Data", text),
            ("Message.Body.Text.Data", "x"),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", params), pairs))
        assert (diff.kind, diff.where, diff.harmless) == (
            "dropped",
            Location("member", "Message.Subject.Charset"),
            harmless,
        )


# Each named change, with the expected value, what arrived, and the first differing byte.
CHANGES = [
    ("lf-to-crlf", "a\nb\nc", "a\r\nb\r\nc", 1),
    ("crlf-to-lf", "a\r\nb", "a\nb", 1),
    ("cr-to-crlf", "a\rb", "a\r\nb", 2),
    ("cr-to-lf", "a\rb", "a\nb", 1),
    ("cr-dropped", "a\rb\r\nc", "ab\nc", 1),
    ("line-ends-to-crlf", "a\rb\nc", "a\r\nb\r\nc", 2),
    ("line-ends-to-lf", "a\r\nb\rc", "a\nb\nc", 1),
    ("trimmed", "  padded  ", "padded", 0),
    ("leading-trimmed", "  padded  ", "padded  ", 0),
    ("trailing-trimmed", "  padded  ", "  padded", 8),
    ("line-ends-trimmed", "a  \nb", "a\nb", 1),
    ("nfc", "e\u0301", "\u00e9", 0),
    ("nfd", "\u00e9", "e\u0301", 1),  # C3 A9 vs 65 CC 81: the lead bytes differ at 0...
    ("nfkc", "\ufb01", "fi", 0),
    ("utf8-read-as-latin1", "é", "Ã©", 1),  # C3 A9 vs C3 83 C2 A9
    ("non-ascii-replaced", "a😀b", "a?b", 1),
    ("plus-as-space", "a+b", "a b", 1),
    ("case-changed", "Ab", "ab", 0),
]


class TestNamedChanges:
    @pytest.mark.parametrize(
        ("name", "expected", "actual", "offset"), CHANGES, ids=[c[0] for c in CHANGES]
    )
    def test_one_step(self, name: str, expected: str, actual: str, offset: int) -> None:
        diff = describe_change(expected, actual)
        assert diff.changes == (name,)
        if name == "nfd":
            offset = 0  # ... so the first differing byte is 0 (0xC3 vs 0x65)
        assert diff.offset == offset
        assert diff.expected_length == len(expected.encode())
        assert diff.actual_length == len(actual.encode())

    def test_two_steps(self) -> None:
        diff = describe_change(" a\nb ", "a\r\nb")
        assert diff.changes == ("lf-to-crlf", "trimmed")

    def test_truncated(self) -> None:
        subject = "x" * 1000
        assert describe_change(subject, subject[:998]).changes == ("truncated",)

    def test_truncated_after_a_step(self) -> None:
        assert describe_change("a\nbcdef", "a\r\nbc").changes == ("lf-to-crlf", "truncated")

    def test_folded(self) -> None:
        assert describe_change("a long subject", "a long\r\n subject").changes == ("folded",)

    def test_other(self) -> None:
        diff = describe_change("hello", "help!")
        assert diff.changes == ("other",)
        assert not diff.named
        assert diff.offset == 3
        assert (diff.expected_excerpt, diff.actual_excerpt) == (b"hello", b"help!")

    def test_bytes_with_8bit_text(self) -> None:
        """A raw 8-bit message whose UTF-8 was read as Latin-1 and written again as UTF-8."""
        raw = "Subject: x\r\n\r\nGrüße\r\n".encode()
        mangled = raw.decode("latin-1").encode("utf-8")
        diff = describe_change(raw, mangled)
        assert diff.changes == ("utf8-read-as-latin1",)
        assert diff.offset == len(b"Subject: x\r\n\r\nGr\xc3")  # the lead byte C3 stays

    def test_the_excerpt_is_bounded(self) -> None:
        before = "a" * 500_000 + "\n" + "b" * 500_000
        diff = describe_change(before, before.replace("\n", "\r\n"))
        assert diff.changes == ("lf-to-crlf",)
        assert diff.offset == 500_000
        # A CR inserted at byte 500,000: 16 bytes before it, then 16 from it on.
        assert diff.expected_excerpt == b"a" * 16 + b"\n" + b"b" * 15
        assert diff.actual_excerpt == b"a" * 16 + b"\r\n" + b"b" * 15
        wide = describe_change("x" * 10_000, "y" * 10_000)
        assert wide.expected_excerpt is not None
        assert len(wide.expected_excerpt) == MAX_EXCERPT

    def test_secret_has_no_excerpt(self) -> None:
        diff = describe_change("tok+en", "tok en", secret=True)
        assert diff.changes == ("plus-as-space",)
        assert (diff.expected_excerpt, diff.actual_excerpt) == (None, None)
        assert "tok" not in str(diff)

    def test_value_changed_in_a_member(self) -> None:
        pairs = _with(SEND_PAIRS, Message_Body_Text_Data="line one\r\nline two")
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.where) == ("changed", Location("member", "Message.Body.Text.Data"))
        assert diff.change is not None
        assert diff.change.changes == ("lf-to-crlf",)
        assert diff.change.offset == len("line one")

    def test_a_long_value_is_cut_when_shown(self) -> None:
        long = "y" * 5000
        pairs = _with(SEND_PAIRS, Message_Subject_Data=long)
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert diff.actual is not None
        assert diff.actual.startswith("y" * MAX_SHOWN)
        assert diff.actual.endswith(f"({5000 - MAX_SHOWN} more characters)")


@given(
    st.text(alphabet=st.sampled_from("ab é\r\n+ \u0301"), max_size=40),
    st.integers(min_value=1, max_value=3000),
    st.sampled_from(["lf-to-crlf", "cr-dropped", "trimmed", "plus-as-space"]),
)
def test_property_a_single_named_edit_is_named(text: str, repeat: int, edit: str) -> None:
    """Each edit as the spec of its name says (a bare LF made CRLF, every CR removed, the ends'
    whitespace removed, '+' made a space), at sizes up to 120,000 characters: the change is
    named (not ``other``), and its first differing byte is inside both values."""
    text *= repeat
    edits: dict[str, Callable[[str], str]] = {
        "lf-to-crlf": lambda v: re.sub(r"(?<!\r)\n", "\r\n", v),
        "cr-dropped": lambda v: v.replace("\r", ""),
        "trimmed": str.strip,
        "plus-as-space": lambda v: v.replace("+", " "),
    }
    actual = edits[edit](text)
    diff = describe_change(text, actual)
    if text == actual:
        assert diff.changes == ()
        return
    assert diff.named, (edit, diff)
    assert diff.offset <= min(len(text.encode()), len(actual.encode()))


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


class TestRawMessages:
    def test_same_bytes(self) -> None:
        assert compare_messages(RAW, RAW) == []

    def test_lf_line_ends_made_crlf_is_named_and_harmless(self) -> None:
        lf = RAW.replace(b"\r\n", b"\n")
        diff = _only(compare_messages(lf, RAW))
        assert diff.change is not None
        assert (diff.kind, diff.change.changes, diff.harmless) == ("changed", ("lf-to-crlf",), True)

    def test_crlf_made_lf(self) -> None:
        diff = _only(compare_messages(RAW, RAW.replace(b"\r\n", b"\n")))
        assert diff.change is not None
        assert (diff.change.changes, diff.harmless) == (("crlf-to-lf",), False)

    def test_8bit_read_as_latin1(self) -> None:
        mangled = RAW.decode("latin-1").encode("utf-8")
        diff = _only(compare_messages(RAW, mangled))
        assert diff.change is not None
        assert diff.change.changes == ("utf8-read-as-latin1",)

    def test_subject_decoded_and_compared(self) -> None:
        other = RAW.replace(b"R3LDvMOfZQ==", b"R3JldXNz")  # "Gruess"
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.where, diff.expected, diff.actual) == (
            "changed",
            Location("header", "Subject"),
            "Grüße",
            "Greuss",
        )

    def test_subject_re_encoded_is_no_difference(self) -> None:
        """The same subject as a Q encoded-word: the decoded header is the same; the parts too:
        one harmless difference for the whole message."""
        other = RAW.replace(b"=?UTF-8?B?R3LDvMOfZQ==?=", b"=?utf-8?q?Gr=C3=BC=C3=9Fe?=")
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, diff.harmless) == ("changed", True)

    def test_bcc_header_added(self) -> None:
        leaked = RAW.replace(b"Subject:", b"Bcc: hidden@example.com\r\nSubject:")
        diff = _only(compare_messages(RAW, leaked))
        assert (diff.kind, diff.where, diff.harmless) == (
            "added",
            Location("header", "Bcc"),
            False,
        )

    def test_header_added_harmless(self) -> None:
        dated = RAW.replace(b"Subject:", b"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nSubject:")
        diff = _only(compare_messages(RAW, dated))
        assert (diff.kind, diff.where, diff.harmless) == ("added", Location("header", "Date"), True)

    def test_address_dropped_and_idna_decoded(self) -> None:
        other = RAW.replace(
            b"To: to@example.com, other@xn--bcher-kva.example",
            "To: other@bücher.example".encode(),
        )
        diffs = compare_messages(RAW, other)
        assert [(d.kind, str(d.where)) for d in diffs] == [
            ("dropped", "header To"),
            ("changed", "header To"),
        ]
        assert diffs[0].expected == "to@example.com"
        assert diffs[1].change is not None
        assert diffs[1].change.changes == ("idna-decoded",)

    def test_body_changed(self) -> None:
        # "Grüße aus Köln" decomposed: each umlaut as a vowel and U+0308.
        other = RAW.replace(
            b"Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln", b"Gru\xcc\x88\xc3\x9fe aus Ko\xcc\x88ln"
        )
        whole = _only(compare_messages(RAW, other))
        assert whole.where == Location("member", "RawMessage.Data")
        assert whole.change is not None
        assert whole.change.changes == ("nfd",)
        # With a header added too, no one change explains the bytes: the parts are compared.
        other = other.replace(b"MIME-Version", b"X-Mailer: m\r\nMIME-Version")
        added, body = compare_messages(RAW, other)
        assert (added.kind, added.where) == ("added", Location("header", "X-Mailer"))
        assert body.where == Location("part", "1 (text/plain)")
        assert body.change is not None
        assert body.change.changes == ("nfd",)

    def test_attachment_rewrapped(self) -> None:
        line = b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v"
        other = RAW.replace(line, line[:40] + b"\r\n" + line[40:])
        diff = _only(compare_messages(RAW, other))
        assert diff.where == Location("part", "2 (application/octet-stream, p.bin)")
        assert diff.change is not None
        assert (diff.change.changes, diff.harmless) == (("base64-rewrapped",), True)

    def test_part_dropped(self) -> None:
        start = RAW.index(b"--b1\r\nContent-Type: application")
        other = RAW[:start] + b"--b1--\r\n"
        diff = _only(compare_messages(RAW, other))
        assert (diff.kind, str(diff.where)) == (
            "dropped",
            "part 2 (application/octet-stream, p.bin)",
        )

    def test_blob_rewrapped_base64_is_harmless(self) -> None:
        params = {"RawMessage": {"Data": RAW}}
        one_line = base64.b64encode(RAW).decode()
        mime_lines = base64.encodebytes(RAW).decode()
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", mime_lines)]
        diff = _only(compare_pairs(Asked("SendRawEmail", params), pairs))
        assert diff.change is not None
        assert (diff.change.changes, diff.harmless) == (("base64-rewrapped",), True)
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", one_line)]
        assert compare_pairs(Asked("SendRawEmail", params), pairs) == []

    @pytest.mark.parametrize(
        ("name", "harmless"),
        [("Source", True), ("Destinations.member.1", True), ("Destinations.member.2", False)],
    )
    def test_envelope_dropped(self, name: str, harmless: bool) -> None:
        """SES takes the sender from From and the recipients from To, Cc and Bcc when a
        SendRawEmail leaves Source or Destinations out: harmless when the message names them."""
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
        assert (diff.kind, diff.where, diff.harmless) == (
            "dropped",
            Location("member", name),
            harmless,
        )

    def test_blob_not_base64(self) -> None:
        params = {"RawMessage": {"Data": RAW}}
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", "not base64!")]
        diff = _only(compare_pairs(Asked("SendRawEmail", params), pairs))
        assert diff.kind == "unreadable"


def _nested(depth: int) -> bytes:
    """A message whose multiparts nest ``depth`` deep around one text part."""
    out = b"Subject: x\r\nMIME-Version: 1.0\r\n"
    for i in range(depth):
        out += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    out += b"Content-Type: text/plain\r\n\r\nhi\r\n"
    return out + b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))


class TestHostileMessages:
    @pytest.mark.parametrize("depth", [MAX_BOUNDARIES, MAX_BOUNDARIES + 1, 5000])
    def test_nesting_is_bounded(self, depth: int) -> None:
        """Deep nesting would take the parser past Python's recursion limit: past
        MAX_BOUNDARIES boundaries a message is not parsed, and says so."""
        message = _nested(depth)
        diffs = compare_messages(message, message.replace(b"hi", b"ho"))
        if depth <= MAX_BOUNDARIES:
            (diff,) = diffs
            assert diff.where == Location("part", "1 (text/plain)")
        else:
            assert [d.kind for d in diffs] == ["changed", "unreadable"]

    def test_nested_mail_is_unreadable_not_an_error(self) -> None:
        pairs = [
            ("Action", "SendRawEmail"),
            ("RawMessage.Data", base64.b64encode(_nested(MAX_BOUNDARIES + 1)).decode()),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", MAIL, "mail"), pairs)[1:])
        assert diff.kind == "unreadable"

    @given(st.binary(max_size=2000))
    def test_any_bytes_compare_without_an_exception(self, data: bytes) -> None:
        for diff in compare_messages(RAW, data):
            assert diff.kind in ("changed", "dropped", "added", "unreadable", "renamed")


def _mime(*lines: str) -> str:
    return base64.b64encode("\r\n".join(lines).encode()).decode()


MAIL: dict[str, Any] = {
    "Source": "sender@example.com",
    "Destination": {
        "ToAddresses": ["to@example.com"],
        "CcAddresses": ["cc@example.com"],
        "BccAddresses": ["hidden@example.com"],
    },
    "Message": {"Subject": {"Data": "Grüße"}, "Body": {"Text": {"Data": "Hello\nthere"}}},
}
GOOD_MIME = [
    "From: sender@example.com",
    "To: to@example.com",
    "Cc: cc@example.com",
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
    "Date: Thu, 26 Nov 2026 10:00:00 +0000",
    "Message-ID: <1@example.com>",
    "MIME-Version: 1.0",
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


class TestSendEmailAsMime:
    """A SendEmail asked for, a SendRawEmail of a MIME message built by the client arrived."""

    def test_a_faithful_message(self) -> None:
        diff = _only(compare_pairs(Asked("SendEmail", MAIL, "mail"), _raw_email(*GOOD_MIME)))
        assert (diff.kind, diff.expected, diff.actual, diff.harmless) == (
            "action-changed",
            "SendEmail",
            "SendRawEmail",
            True,
        )

    def test_bcc_written_as_a_header(self) -> None:
        lines = [*GOOD_MIME[:3], "Bcc: hidden@example.com", *GOOD_MIME[3:]]
        diffs = compare_pairs(Asked("SendEmail", MAIL, "mail"), _raw_email(*lines))
        (bcc,) = [d for d in diffs if d.kind == "added"]
        assert (bcc.where, bcc.harmless) == (Location("header", "Bcc"), False)

    def test_bcc_lost_without_destinations(self) -> None:
        diffs = compare_pairs(
            Asked("SendEmail", MAIL, "mail"), _raw_email(*GOOD_MIME, destinations=False)
        )
        (lost,) = [d for d in diffs if d.kind == "dropped"]
        assert (lost.where, lost.expected) == (
            Location("member", "Destinations"),
            "hidden@example.com",
        )

    def test_text_body_sent_as_html(self) -> None:
        lines = [*GOOD_MIME[:7], "Content-Type: text/html; charset=utf-8", *GOOD_MIME[8:]]
        diffs = compare_pairs(Asked("SendEmail", MAIL, "mail"), _raw_email(*lines))
        (moved,) = [d for d in diffs if d.kind == "renamed"]
        assert (moved.expected, moved.actual) == ("text/plain", "text/html")

    def test_subject_trimmed_and_cc_dropped(self) -> None:
        params = {**MAIL, "Message": {**MAIL["Message"], "Subject": {"Data": " Grüße "}}}
        lines = [line for line in GOOD_MIME if not line.startswith("Cc:")]
        diffs = compare_pairs(Asked("SendEmail", params, "mail"), _raw_email(*lines))
        kinds = {(d.kind, str(d.where)) for d in diffs}
        assert ("dropped", "header Cc") in kinds
        (subject,) = [d for d in diffs if d.where == Location("header", "Subject")]
        assert subject.change is not None
        assert subject.change.changes == ("trimmed",)

    @pytest.mark.parametrize(
        ("written", "changes"),
        [
            ("Subject:   two spaces  ", None),  # one space after the colon, then the value
            ("Subject: =?UTF-8?Q?__two_spaces__?=", None),
            ("Subject: two spaces  ", ("leading-trimmed",)),
            ("Subject: two spaces", ("trimmed",)),
        ],
    )
    def test_subject_spaces_as_written(self, written: str, changes: tuple[str, ...] | None) -> None:
        """The email parser strips leading whitespace from every field; the subject is read as
        written (less the one space after the colon), so a client that trims shows."""
        params = {**MAIL, "Message": {**MAIL["Message"], "Subject": {"Data": "  two spaces  "}}}
        lines = [written if line.startswith("Subject:") else line for line in GOOD_MIME]
        diffs = compare_pairs(Asked("SendEmail", params, "mail"), _raw_email(*lines))
        found = [d for d in diffs if d.where == Location("header", "Subject")]
        if changes is None:
            assert found == []
        else:
            (subject,) = found
            assert subject.change is not None
            assert subject.change.changes == changes

    def test_empty_subject_left_out_is_harmless(self) -> None:
        params = {**MAIL, "Message": {**MAIL["Message"], "Subject": {"Data": ""}}}
        lines = [line for line in GOOD_MIME if not line.startswith("Subject:")]
        diffs = compare_pairs(Asked("SendEmail", params, "mail"), _raw_email(*lines))
        (subject,) = [d for d in diffs if d.where == Location("header", "Subject")]
        assert (subject.kind, subject.harmless) == ("dropped", True)

    def test_body_line_ends_are_mime_s_own(self) -> None:
        """A text body's line ends become CRLF in MIME (RFC 2045 section 2.10): no difference;
        a CR dropped on the way is one, named on the text as given."""
        params = {**MAIL, "Message": {**MAIL["Message"], "Body": {"Text": {"Data": "a\nb\rc"}}}}
        faithful = [*GOOD_MIME[:-2], "a", "b", "c"]
        diffs = compare_pairs(Asked("SendEmail", params, "mail"), _raw_email(*faithful))
        assert [d.kind for d in diffs] == ["action-changed"]
        dropped = [*GOOD_MIME[:-2], "a", "bc"]
        diffs = compare_pairs(Asked("SendEmail", params, "mail"), _raw_email(*dropped))
        (body,) = [d for d in diffs if d.kind == "changed"]
        assert body.change is not None
        assert body.change.changes == ("cr-dropped", "lf-to-crlf")

    def test_body_changed(self) -> None:
        lines = [*GOOD_MIME[:-2], "Hello", "there!"]
        diffs = compare_pairs(Asked("SendEmail", MAIL, "mail"), _raw_email(*lines))
        (body,) = [d for d in diffs if d.kind == "changed"]
        assert body.where == Location("part", "text/plain body (Message.Body.Text.Data)")


TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN/with+slash="  # a fake token in the shape of an STS one


def _request(*headers: tuple[str, str], body: bytes = b"", target: str = "/") -> RawRequest:
    return RawRequest("POST", target, headers=headers, body=body)


BODY = b"&".join(f"{n}={v}".encode() for n, v in (("Action", "ListIdentities"), ("MaxItems", "5")))
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-west-1/ses/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


class TestRequest:
    ASKED = Asked(
        "ListIdentities",
        {"MaxItems": 5},
        authority="email.eu-west-1.amazonaws.com:4566",
        region="eu-west-1",
        access_key_id="AKIDEXAMPLE",
        session_token=TOKEN,
    )

    def _sent(self, host: str, token: str | None = TOKEN, auth: str = AUTH) -> RawRequest:
        headers = [("Host", host), ("Authorization", auth)]
        if token is not None:
            headers.append(("X-Amz-Security-Token", token))
        return _request(*headers, body=BODY)

    def test_as_asked(self) -> None:
        assert compare_request(self.ASKED, self._sent("email.eu-west-1.amazonaws.com:4566")) == []

    def test_port_dropped(self) -> None:
        diff = _only(compare_request(self.ASKED, self._sent("email.eu-west-1.amazonaws.com")))
        assert diff.where == Location("request", "Host")
        assert diff.change is not None
        assert diff.change.changes == ("port-dropped",)

    def test_port_changed(self) -> None:
        sent = self._sent("email.eu-west-1.amazonaws.com:443")
        diff = _only(compare_request(self.ASKED, sent))
        assert diff.change is not None
        assert diff.change.changes == ("port-changed",)

    @pytest.mark.parametrize(
        ("told", "host"),
        [
            ("h.example", "h.example:443"),
            ("h.example:443", "h.example"),
            ("H.example", "h.example"),
        ],
    )
    def test_default_port_written_or_not(self, told: str, host: str) -> None:
        asked = Asked("ListIdentities", {"MaxItems": 5}, authority=told)
        assert compare_request(asked, self._sent(host, token=None)) == []

    def test_region_changed(self) -> None:
        sent = self._sent("email.eu-west-1.amazonaws.com:4566", auth=AUTH.replace("eu-", "us-"))
        diff = _only(compare_request(self.ASKED, sent))
        assert (diff.where, diff.expected, diff.actual) == (
            Location("request", "credential scope region"),
            "eu-west-1",
            "us-west-1",
        )

    def test_token_dropped(self) -> None:
        sent = self._sent("email.eu-west-1.amazonaws.com:4566", token=None)
        diff = _only(compare_request(self.ASKED, sent))
        assert (diff.kind, diff.where) == ("dropped", Location("request", "X-Amz-Security-Token"))

    def test_token_changed_is_named_never_shown(self) -> None:
        sent = self._sent("email.eu-west-1.amazonaws.com:4566", token=TOKEN.replace("+", " "))
        diff = _only(compare_request(self.ASKED, sent))
        assert diff.change is not None
        assert diff.change.changes == ("plus-as-space",)
        shown = json.dumps(diff.as_dict()) + repr(diff) + str(diff.change)
        for part in ("FQoG", "EXAMPLETOKEN", "slash"):
            assert part not in shown
        assert "FQoG" not in repr(self.ASKED)

    def test_presigned_query(self) -> None:
        query = (
            "Action=ListIdentities&MaxItems=5&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2F"
            "eu-west-1%2Fses%2Faws4_request&X-Amz-Security-Token=" + TOKEN.replace("+", "%2B")
        )
        sent = RawRequest("GET", "/?" + query.replace("/", "%2F"), headers=(("Host", " h:4566"),))
        asked = Asked("ListIdentities", {"MaxItems": 5}, region="eu-west-1", session_token=TOKEN)
        assert compare_request(asked, sent) == []

    def test_unreadable(self) -> None:
        body = b"&".join(b"a=1" for _ in range(10_001))
        diff = _only(compare_request(self.ASKED, _request(("Host", "x"), body=body)))
        assert diff.kind == "unreadable"


# --- the committed report's captures -----------------------------------------------------------


def _captured() -> Iterator[tuple[str, str, RawRequest]]:
    report = json.loads((LATEST / "report.json").read_text("utf-8"))
    owner = {
        request["seq"]: (case["client"], case["scenario"])
        for case in report["cases"]
        for request in case["requests"]
    }
    for capture in load_captures(LATEST / report["captures_file"]):
        client, scenario = owner[capture.seq]
        yield client, scenario, capture.request()


@pytest.fixture(scope="module")
def captured() -> dict[tuple[str, str], RawRequest]:
    if not (LATEST / "report.json").is_file():
        pytest.skip("no committed report")
    return {(c, s): r for c, s, r in _captured()}


def _scenario_asked(scenario_id: str, given_as: Any = "params") -> Asked:
    from sesspec.drivers import load_scenarios

    (scenario,) = load_scenarios([scenario_id])
    return Asked(scenario.action, scenario.typed_params(), given_as)


class TestCommittedCaptures:
    def test_node_ses_sends_text_as_html_and_adds_charsets(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        request = captured[("node-ses", "send-email-ascii")]
        diffs = compare_request(_scenario_asked("send-email-ascii"), request)
        assert [(d.kind, str(d.where), d.harmless) for d in diffs] == [
            ("renamed", "member Message.Body.Text.Data", False),
            ("added", "member Message.Subject.Charset", True),
            ("added", "member Message.Body.Html.Charset", True),
        ]
        assert diffs[0].moved_to == Location("member", "Message.Body.Html.Data")

    def test_nodemailer_turns_send_email_into_raw(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        for scenario in ("send-email-ascii", "send-email-unicode", "send-email-to-cc-bcc"):
            request = captured[("nodemailer-ses", scenario)]
            diffs = compare_request(_scenario_asked(scenario, "mail"), request)
            assert [(d.kind, d.expected, d.actual) for d in diffs] == [
                ("action-changed", "SendEmail", "SendRawEmail")
            ], scenario

    def test_fog_rewraps_base64(self, captured: dict[tuple[str, str], RawRequest]) -> None:
        request = captured[("ruby-fog-aws", "send-raw-email-small")]
        diff = _only(compare_request(_scenario_asked("send-raw-email-small"), request))
        assert diff.change is not None
        assert (diff.kind, diff.change.changes, diff.harmless) == (
            "changed",
            ("base64-rewrapped",),
            True,
        )

    def test_boto2_drops_the_charsets_of_unicode_text(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        request = captured[("boto2", "send-email-unicode")]
        diffs = compare_request(_scenario_asked("send-email-unicode"), request)
        assert {(d.kind, str(d.where), d.harmless) for d in diffs} == {
            ("dropped", "member Message.Subject.Charset", False),
            ("dropped", "member Message.Body.Text.Charset", False),
            ("dropped", "member Message.Body.Html.Charset", False),
        }

    def test_botocore_is_faithful_everywhere(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        for (client, scenario), request in captured.items():
            if client == "boto3":
                assert compare_request(_scenario_asked(scenario), request) == [], scenario


def test_nfd_and_nfc_examples_are_what_they_say() -> None:
    """The hand-made Unicode cases above use the forms they name."""
    assert unicodedata.normalize("NFC", "e\u0301") == "\u00e9"
    assert unicodedata.normalize("NFKC", "\ufb01") == "fi"
