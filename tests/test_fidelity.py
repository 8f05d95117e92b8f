"""Fidelity: what arrived against what the client was asked to send (members, named changes,
the request as a whole, the committed report's captures).

Hand-made cases, each with its expected values worked by hand (offsets counted in the UTF-8
bytes written out here); a clean copy serialised by botocore (an independent implementation)
has no difference; and the committed report's captures, where what each client does is known
from its source (node-ses ``lib/email.js``: a lone body goes in ``Message.Body.Html.Data`` and
every part gets ``Charset=UTF-8``; fog-aws's ``send_raw_email`` uses Ruby's
``Base64.encode64``, which breaks lines every 60 characters). Messages are in
tests/test_fidelity_messages.py, the kinds and their severities in tests/test_fidelity_kinds.py.
"""

from __future__ import annotations

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
    MAX_EXCERPT,
    MAX_SHOWN,
    Asked,
    Difference,
    Location,
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
        assert (diff.kind, diff.where, diff.expected, diff.actual, diff.severity) == (
            "action-changed",
            Location("action"),
            "SendEmail",
            "SendTemplatedEmail",
            "error",
        )

    def test_no_action(self) -> None:
        diff = _only(compare_pairs(Asked("SendEmail", SEND), SEND_PAIRS[1:]))
        assert (diff.kind, diff.where, diff.severity) == (
            "action-changed",
            Location("action"),
            "error",
        )

    def test_member_dropped(self) -> None:
        pairs = _with(SEND_PAIRS, Destination_BccAddresses_member_1=None)
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, str(diff.where), diff.expected, diff.severity) == (
            "parameter-dropped",
            "member Destination.BccAddresses.member.1",
            "hidden@example.com",
            "error",
        )

    def test_text_body_renamed_html(self) -> None:
        """node-ses's mapping: the one body becomes the HTML body, which SES reads."""
        pairs = [
            ("Message.Body.Html.Data", v) if n == "Message.Body.Text.Data" else (n, v)
            for n, v in SEND_PAIRS
        ]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert diff.kind == "parameter-renamed"
        assert diff.where == Location("member", "Message.Body.Text.Data")
        assert diff.moved_to == Location("member", "Message.Body.Html.Data")
        assert "SES reads it as Message.Body.Html.Data" in diff.message

    def test_the_charset_follows_its_text(self) -> None:
        """node-ses moves Text.Charset with the text to Html.Charset: the charset still labels
        the same text, so the rename of the text is the one difference."""
        params = {
            **SEND,
            "Message": {**SEND["Message"], "Body": {"Text": {"Data": "é", "Charset": "UTF-8"}}},
        }
        pairs = [
            *_with(SEND_PAIRS, Message_Body_Text_Data=None),
            ("Message.Body.Html.Data", "é"),
            ("Message.Body.Html.Charset", "UTF-8"),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", params), pairs))
        assert (diff.kind, diff.moved_to) == (
            "parameter-renamed",
            Location("member", "Message.Body.Html.Data"),
        )

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
            "parameter-renamed",
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
            "parameter-renamed",
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
        renamed, case = compare_pairs(Asked("SendEmail", SEND), pairs)
        assert renamed.kind == "parameter-renamed"
        assert (case.kind, case.where) == (
            "text-case-changed",
            Location("member", "Destination.ToAddresses.1"),
        )

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
        assert (diff.kind, diff.where, diff.expected, diff.actual, diff.severity) == (
            "order-changed",
            Location("member", "Destination.ToAddresses"),
            "a@example.com, b@example.com",
            "b@example.com, a@example.com",
            "warning",
        )

    @pytest.mark.parametrize(
        ("charset", "text", "severity"),
        [
            ("UTF-8", "Hi", "info"),
            ("utf8", "Grüße", "info"),
            ("ISO-8859-1", "Hi", "info"),  # ASCII reads the same in it
            ("ISO-8859-1", "Grüße", "error"),  # the UTF-8 bytes misread
            ("x-no-such-charset", "Hi", "error"),
        ],
    )
    def test_charset_added(self, charset: str, text: str, severity: str) -> None:
        params = {**SEND, "Message": {**SEND["Message"], "Subject": {"Data": text}}}
        pairs = [
            *_with(SEND_PAIRS, Message_Subject_Data=text),
            ("Message.Subject.Charset", charset),
        ]
        diff = _only(compare_pairs(Asked("SendEmail", params), pairs))
        assert (diff.kind, diff.where, diff.actual, diff.severity) == (
            "charset-added",
            Location("member", "Message.Subject.Charset"),
            charset,
            severity,
        )

    @pytest.mark.parametrize(
        ("text", "severity"), [("ascii only", "info"), ("Grüße", "error")], ids=["ascii", "utf8"]
    )
    def test_charset_dropped(self, text: str, severity: str) -> None:
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
        assert (diff.kind, diff.where, diff.severity) == (
            "charset-dropped",
            Location("member", "Message.Subject.Charset"),
            severity,
        )

    @pytest.mark.parametrize(
        ("arrived", "severity"), [("utf-8", "info"), ("UTF-8", None), ("ISO-8859-1", "error")]
    )
    def test_charset_changed_only_in_case_is_named_and_info(
        self, arrived: str, severity: str | None
    ) -> None:
        """Charset names are caseless (RFC 2046 section 4.1.2): a Charset re-cased is named,
        and info; the same charset as asked is nothing; another one that misreads, an error."""
        params = {
            **SEND,
            "Message": {**SEND["Message"], "Subject": {"Data": "Grüße", "Charset": "UTF-8"}},
        }
        pairs = [
            *_with(SEND_PAIRS, Message_Subject_Data="Grüße"),
            ("Message.Subject.Charset", arrived),
        ]
        diffs = compare_pairs(Asked("SendEmail", params), pairs)
        if severity is None:
            assert diffs == []
        else:
            diff = _only(diffs)
            assert (diff.kind, diff.severity) == ("charset-changed", severity)

    @pytest.mark.parametrize(
        ("name", "arrived", "kind"),
        [
            ("Source", "Sender@Example.com", "text-case-changed"),
            ("Message.Subject.Data", "hi", "text-case-changed"),
            ("Message.Subject.Data", "HI", "text-case-changed"),
            ("Message.Subject.Data", "Hi", None),
        ],
    )
    def test_a_value_changed_only_in_case_is_an_error(
        self, name: str, arrived: str, kind: str | None
    ) -> None:
        """A value that is not a Charset, re-cased in transit, is named (and an error: the
        recipient reads other letters); the value as asked is nothing."""
        pairs = [(n, arrived if n == name else v) for n, v in SEND_PAIRS]
        diffs = compare_pairs(Asked("SendEmail", SEND), pairs)
        if kind is None:
            assert diffs == []
        else:
            diff = _only(diffs)
            assert (diff.kind, diff.where, diff.severity) == (
                kind,
                Location("member", name),
                "error",
            )

    @pytest.mark.parametrize(
        ("arrived", "kind"),
        [
            ("  Hi  ", None),
            ("Hi  ", "whitespace-leading-trimmed"),
            ("  Hi", "whitespace-trailing-trimmed"),
            ("Hi", "whitespace-trimmed"),
            (" Hi  ", "value-changed"),  # one of two spaces: no trimming explains it
        ],
    )
    def test_a_value_that_arrives_only_trimmed_is_named(
        self, arrived: str, kind: str | None
    ) -> None:
        params = {**SEND, "Message": {**SEND["Message"], "Subject": {"Data": "  Hi  "}}}
        pairs = _with(SEND_PAIRS, Message_Subject_Data=arrived)
        diffs = compare_pairs(Asked("SendEmail", params), pairs)
        if kind is None:
            assert diffs == []
        else:
            diff = _only(diffs)
            assert (diff.kind, diff.severity) == (kind, "error")

    def test_unknown_member_added_is_ignored_by_ses(self) -> None:
        diff = _only(compare_pairs(Asked("SendEmail", SEND), [*SEND_PAIRS, ("Foo", "bar")]))
        assert (diff.kind, diff.severity) == ("parameter-added", "info")
        assert "SES ignores it" in diff.message

    def test_known_member_added_is_a_warning(self) -> None:
        pairs = [*SEND_PAIRS, ("ReturnPath", "bounce@example.com")]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.severity) == ("parameter-added", "warning")

    def test_bcc_recipient_added_to_to(self) -> None:
        """Symfony's SesApiTransport puts every recipient, Bcc too, in ToAddresses."""
        pairs = [*SEND_PAIRS, ("Destination.ToAddresses.member.2", "hidden@example.com")]
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.severity) == ("parameter-added", "warning")
        assert "Bcc recipient" in diff.message


# Each named change, with the expected value, what arrived, and the first differing byte.
CHANGES = [
    ("line-end-lf-to-crlf", "a\nb\nc", "a\r\nb\r\nc", 1),
    ("line-end-crlf-to-lf", "a\r\nb", "a\nb", 1),
    ("line-end-cr-to-crlf", "a\rb", "a\r\nb", 2),
    ("line-end-crlf-to-cr", "a\r\nb", "a\rb", 2),
    ("line-end-cr-to-lf", "a\rb", "a\nb", 1),
    ("line-end-lf-to-cr", "a\nb", "a\rb", 1),
    ("line-end-cr-dropped", "a\rb\r\nc", "ab\r\nc", 1),
    ("line-end-appended", "a\nb", "a\nb\r\n", 3),
    ("line-end-removed", "a\nb\n", "a\nb", 3),
    ("whitespace-trimmed", "  padded  ", "padded", 0),
    ("whitespace-leading-trimmed", "  padded  ", "padded  ", 0),
    ("whitespace-trailing-trimmed", "  padded  ", "  padded", 8),
    ("whitespace-line-trailing-trimmed", "a  \nb", "a\nb", 1),
    ("whitespace-collapsed", "a   b", "a b", 2),
    ("whitespace-tabs-to-spaces", "a\tb", "a b", 1),
    ("unicode-nfc", "e\u0301", "\u00e9", 0),
    ("unicode-nfd", "\u00e9", "e\u0301", 0),  # C3 A9 vs 65 CC 81: the lead bytes differ at 0
    ("unicode-nfkc", "\ufb01", "fi", 0),
    ("unicode-nfkd", "\ufb01\u00e9", "fie\u0301", 0),  # NFKC would give "fi\u00e9"
    ("text-utf8-read-as-latin1", "é", "Ã©", 1),  # C3 A9 vs C3 83 C2 A9
    (
        "text-utf8-read-as-cp1252",
        "€",
        "\u00e2\u201a\u00ac",
        0,
    ),  # E2 82 AC; Latin-1 reads 0x82 as U+0082
    ("text-non-ascii-replaced", "a😀b", "a?b", 1),
    ("text-plus-as-space", "a+b", "a b", 1),
    ("text-case-changed", "Ab", "ab", 0),
    ("text-truncated", "x" * 1000, "x" * 998, 998),
]


class TestNamedChanges:
    @pytest.mark.parametrize(
        ("kind", "expected", "actual", "offset"), CHANGES, ids=[c[0] for c in CHANGES]
    )
    def test_one_step(self, kind: str, expected: str, actual: str, offset: int) -> None:
        (step,) = describe_change(expected, actual)
        assert step.kind == kind
        assert step.diff.offset == offset
        assert step.diff.expected_length == len(expected.encode())
        assert step.diff.actual_length == len(actual.encode())

    def test_the_unicode_examples_are_what_they_say(self) -> None:
        """The hand-made Unicode cases above use the forms they name, and no other form
        gives the same."""
        assert unicodedata.normalize("NFC", "e\u0301") == "\u00e9"
        assert unicodedata.normalize("NFKC", "\ufb01") == "fi"
        assert unicodedata.normalize("NFKD", "\ufb01\u00e9") == "fie\u0301"
        assert unicodedata.normalize("NFKC", "\ufb01\u00e9") != "fie\u0301"
        assert "€".encode().decode("cp1252") == "\u00e2\u201a\u00ac"

    def test_two_steps_each_named_and_located(self) -> None:
        crlf, trim = describe_change(" a\nb ", "a\r\nb")
        assert (crlf.kind, crlf.diff.offset) == ("line-end-lf-to-crlf", 2)
        # The second step is located in the value as the first left it: " a\r\nb ".
        assert (trim.kind, trim.diff.offset, trim.diff.expected_length) == (
            "whitespace-trimmed",
            0,
            6,
        )

    def test_two_line_end_steps(self) -> None:
        """php-symfony-ses-http's line ends: every bare LF and bare CR made CRLF."""
        steps = describe_change("a\nb\rc", "a\r\nb\r\nc")
        assert [s.kind for s in steps] == ["line-end-lf-to-crlf", "line-end-cr-to-crlf"]

    def test_steps_then_a_line_end_appended(self) -> None:
        steps = describe_change("a\nb\rc", "a\r\nb\r\nc\r\n")
        assert [s.kind for s in steps] == [
            "line-end-lf-to-crlf",
            "line-end-cr-to-crlf",
            "line-end-appended",
        ]

    def test_truncated_after_a_step(self) -> None:
        steps = describe_change("a\nbcdef", "a\r\nbc")
        assert [s.kind for s in steps] == ["line-end-lf-to-crlf", "text-truncated"]

    def test_other(self) -> None:
        (step,) = describe_change("hello", "help!")
        assert step.kind == "value-changed"
        assert step.diff.offset == 3
        assert (step.diff.expected_excerpt, step.diff.actual_excerpt) == (b"hello", b"help!")

    def test_bytes_with_8bit_text(self) -> None:
        """A raw 8-bit message whose UTF-8 was read as Latin-1 and written again as UTF-8."""
        raw = "Subject: x\r\n\r\nGrüße\r\n".encode()
        mangled = raw.decode("latin-1").encode("utf-8")
        (step,) = describe_change(raw, mangled)
        assert step.kind == "text-utf8-read-as-latin1"
        assert step.diff.offset == len(b"Subject: x\r\n\r\nGr\xc3")  # the lead byte C3 stays

    def test_the_excerpt_is_bounded(self) -> None:
        before = "a" * 500_000 + "\n" + "b" * 500_000
        (step,) = describe_change(before, before.replace("\n", "\r\n"))
        assert step.kind == "line-end-lf-to-crlf"
        assert step.diff.offset == 500_000
        # A CR inserted at byte 500,000: 16 bytes before it, then 16 from it on.
        assert step.diff.expected_excerpt == b"a" * 16 + b"\n" + b"b" * 15
        assert step.diff.actual_excerpt == b"a" * 16 + b"\r\n" + b"b" * 15
        (wide,) = describe_change("x" * 10_000, "y" * 10_000)
        assert wide.diff.expected_excerpt is not None
        assert len(wide.diff.expected_excerpt) == MAX_EXCERPT

    def test_secret_has_no_excerpt(self) -> None:
        (step,) = describe_change("tok+en", "tok en", secret=True)
        assert step.kind == "text-plus-as-space"
        assert (step.diff.expected_excerpt, step.diff.actual_excerpt) == (None, None)
        assert "tok" not in str(step.diff)

    def test_value_changed_in_a_member(self) -> None:
        pairs = _with(SEND_PAIRS, Message_Body_Text_Data="line one\r\nline two")
        diff = _only(compare_pairs(Asked("SendEmail", SEND), pairs))
        assert (diff.kind, diff.where, diff.severity) == (
            "line-end-lf-to-crlf",
            Location("member", "Message.Body.Text.Data"),
            "info",
        )
        assert diff.change is not None
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
    st.sampled_from(
        ["line-end-lf-to-crlf", "line-end-cr-dropped", "whitespace-trimmed", "text-plus-as-space"]
    ),
)
def test_property_a_single_named_edit_is_named(text: str, repeat: int, edit: str) -> None:
    """Each edit as the spec of its kind says (a bare LF made CRLF, every bare CR removed, the
    ends' white space removed, '+' made a space), at sizes up to 120,000 characters: the
    change is named (no ``value-changed``), and each step starts inside the value it changes."""
    text *= repeat
    edits: dict[str, Callable[[str], str]] = {
        "line-end-lf-to-crlf": lambda v: re.sub(r"(?<!\r)\n", "\r\n", v),
        "line-end-cr-dropped": lambda v: re.sub(r"\r(?!\n)", "", v),
        "whitespace-trimmed": str.strip,
        "text-plus-as-space": lambda v: v.replace("+", " "),
    }
    actual = edits[edit](text)
    steps = describe_change(text, actual)
    if text == actual:
        assert steps == []
        return
    assert steps
    assert all(s.kind != "value-changed" for s in steps), (edit, steps)
    for step in steps:
        assert step.diff.offset <= min(step.diff.expected_length, step.diff.actual_length)


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

    @pytest.mark.parametrize(
        ("host", "kind"),
        [
            ("email.eu-west-1.amazonaws.com", "port-dropped"),
            ("email.eu-west-1.amazonaws.com:443", "port-changed"),
            ("email.us-east-1.amazonaws.com:4566", "host-changed"),
        ],
    )
    def test_host(self, host: str, kind: str) -> None:
        diff = _only(compare_request(self.ASKED, self._sent(host)))
        assert (diff.kind, diff.where, diff.severity) == (
            kind,
            Location("request", "Host"),
            "error",
        )

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
        assert (diff.kind, diff.where, diff.expected, diff.actual) == (
            "region-changed",
            Location("request", "credential scope region"),
            "eu-west-1",
            "us-west-1",
        )

    def test_access_key_changed(self) -> None:
        sent = self._sent(
            "email.eu-west-1.amazonaws.com:4566", auth=AUTH.replace("AKIDEXAMPLE", "AKIDOTHER")
        )
        assert _only(compare_request(self.ASKED, sent)).kind == "access-key-changed"

    def test_token_dropped(self) -> None:
        sent = self._sent("email.eu-west-1.amazonaws.com:4566", token=None)
        diff = _only(compare_request(self.ASKED, sent))
        assert (diff.kind, diff.where) == (
            "setting-dropped",
            Location("request", "X-Amz-Security-Token"),
        )

    def test_token_changed_is_named_never_shown(self) -> None:
        sent = self._sent("email.eu-west-1.amazonaws.com:4566", token=TOKEN.replace("+", " "))
        diff = _only(compare_request(self.ASKED, sent))
        assert diff.kind == "token-changed"
        assert "text-plus-as-space" in diff.message
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
        assert (diff.kind, diff.severity) == ("unreadable", "warning")


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


def _kinds(diffs: list[Difference]) -> list[tuple[str, str, str]]:
    return [(d.kind, str(d.where), d.severity) for d in diffs]


class TestCommittedCaptures:
    def test_node_ses_sends_text_as_html_and_adds_charsets(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        request = captured[("node-ses", "send-email-ascii")]
        diffs = compare_request(_scenario_asked("send-email-ascii"), request)
        assert sorted(_kinds(diffs)) == [
            ("charset-added", "member Message.Body.Html.Charset", "info"),
            ("charset-added", "member Message.Subject.Charset", "info"),
            ("parameter-renamed", "member Message.Body.Text.Data", "error"),
        ]

    def test_nodemailer_line_ends(self, captured: dict[tuple[str, str], RawRequest]) -> None:
        """LF made CRLF in both bodies (info), the bare CR left raw in the 7bit text part
        (the same text: ENC009's business), UTF-8 declared where no charset was asked."""
        request = captured[("nodemailer-ses", "send-email-line-ends")]
        diffs = compare_request(_scenario_asked("send-email-line-ends", "mail"), request)
        assert _kinds(diffs) == [
            ("action-changed", "action", "info"),
            ("header-added", "header Message-ID", "info"),
            ("header-added", "header Date", "info"),
            ("header-added", "header MIME-Version", "info"),
            ("charset-added", "part 1 text/plain", "info"),
            ("line-end-lf-to-crlf", "part 1 text/plain", "info"),
            ("charset-added", "part 2 text/html", "info"),
            ("line-end-lf-to-crlf", "part 2 text/html", "info"),
        ]

    def test_symfony_and_haskell_treat_the_bare_cr_alike(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        """Symfony makes the bare CR a line break, mime-mail drops it: both lose what the
        sender wrote, both are errors of FID005 (and every LF made CRLF, info)."""
        asked = _scenario_asked("send-email-line-ends", "mail")
        for client, kind in (
            ("php-symfony-ses-http", "line-end-cr-to-crlf"),
            ("haskell-mime-mail-ses", "line-end-cr-dropped"),
        ):
            diffs = compare_request(asked, captured[(client, "send-email-line-ends")])
            text = [
                (d.kind, d.severity) for d in diffs if d.where == Location("part", "1 text/plain")
            ]
            assert ("line-end-lf-to-crlf", "info") in text
            assert (kind, "error") in text
            html = [d.kind for d in diffs if d.where == Location("part", "2 text/html")]
            assert "line-end-lf-to-crlf" in html

    def test_mime_mail_leaves_trailing_spaces_a_decoder_deletes(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        """RFC 2045 section 6.7 rule 3: unencoded spaces at the end of a quoted-printable line
        are deleted by the decoder: the recipient loses them."""
        request = captured[("haskell-mime-mail-ses", "send-email-spaces")]
        diffs = compare_request(_scenario_asked("send-email-spaces", "mail"), request)
        body = [(d.kind, d.severity) for d in diffs if d.where.area == "part"]
        assert ("whitespace-line-trailing-trimmed", "error") in body

    def test_symfony_leaves_out_source_everywhere(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        for scenario in ("send-email-ascii", "send-raw-email-small"):
            given_as = "mail" if scenario.startswith("send-email") else "params"
            request = captured[("php-symfony-ses-http", scenario)]
            diffs = compare_request(_scenario_asked(scenario, given_as), request)
            assert ("parameter-dropped", "member Source", "info") in _kinds(diffs), scenario

    def test_fog_rewraps_base64(self, captured: dict[tuple[str, str], RawRequest]) -> None:
        request = captured[("ruby-fog-aws", "send-raw-email-small")]
        diff = _only(compare_request(_scenario_asked("send-raw-email-small"), request))
        assert (diff.kind, diff.severity) == ("base64-rewrapped", "info")

    def test_boto2_drops_the_charsets_of_unicode_text(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        request = captured[("boto2", "send-email-unicode")]
        diffs = compare_request(_scenario_asked("send-email-unicode"), request)
        assert sorted(_kinds(diffs)) == [
            ("charset-dropped", "member Message.Body.Html.Charset", "error"),
            ("charset-dropped", "member Message.Body.Text.Charset", "error"),
            ("charset-dropped", "member Message.Subject.Charset", "error"),
        ]

    def test_botocore_is_faithful_everywhere(
        self, captured: dict[tuple[str, str], RawRequest]
    ) -> None:
        for (client, scenario), request in captured.items():
            if client == "boto3":
                assert compare_request(_scenario_asked(scenario), request) == [], scenario
