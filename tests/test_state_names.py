"""SES's own limits and alphabets in the local SES (docs/spec.md#limit-names).

Names of templates (AWS::SES::Template's ``TemplateName``: ``^[a-zA-Z0-9_-]{1,64}$``),
configuration sets (SES API reference, ``ConfigurationSet``: letters, numbers, underscores,
dashes, 64 characters or fewer) and message tags (255 characters, LocalStack's snapshots
recorded against SES); addresses at RFC 5321's sizes; TemplateData at the model's 262,144
characters (``ValidationError``, naming the member as AWS does); any valid JSON as TemplateData
(a lone surrogate gave 500 with a traceback); each bulk destination failing on its own. Each
limit is tried at its value and one past it; expected answers are the documents' words, worked
by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.serve.state import SesState
from sesspec.serve.templates import MAX_TEMPLATE_DATA
from tests._hypothesis import examples

NOW = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)


def answer(state: SesState, action: str, params: dict[str, Any]) -> tuple[str, str]:
    """("ok", "") or the error's (code, message)."""
    reply = state.handle(action, params, now=NOW)
    if reply.error is None:
        return "ok", ""
    return reply.error.code, reply.error.message


def send(**extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Source": "a@example.com",
        "Destination": {"ToAddresses": ["b@example.com"]},
        "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    }
    params.update(extra)
    return params


class TestTemplateNames:
    """AWS::SES::Template ``TemplateName``: "Pattern: ^[a-zA-Z0-9_-]{1,64}$" (a 4 MiB name
    was accepted, and one with a NUL was kept but could not be fetched back)."""

    @pytest.mark.parametrize("name", ["a" * 64, "Az09_-", "x"])
    def test_accepted(self, name: str) -> None:
        state = SesState()
        template = {"TemplateName": name, "SubjectPart": "s"}
        assert answer(state, "CreateTemplate", {"Template": template}) == ("ok", "")
        reply = state.handle("GetTemplate", {"TemplateName": name}, now=NOW)
        assert reply.result is not None
        assert reply.result["Template"]["TemplateName"] == name

    @pytest.mark.parametrize(
        "name", ["a" * 65, "a b", "a.b", "a\x00b", "é", "a/b", "a" * (4 * 1024 * 1024)]
    )
    @pytest.mark.parametrize("action", ["CreateTemplate", "UpdateTemplate"])
    def test_refused(self, name: str, action: str) -> None:
        state = SesState()
        code, message = answer(state, action, {"Template": {"TemplateName": name}})
        assert code == "InvalidParameterValue"
        assert message == (
            f"Template name <{name[:80]}> is invalid: use 1 to 64 letters, numbers, "
            "underscores or dashes."
        )
        assert state.handle("ListTemplates", {}, now=NOW).result == {"TemplatesMetadata": []}


class TestConfigurationSetNames:
    """SES API reference, ConfigurationSet: "Contain only letters (a-z, A-Z), numbers (0-9),
    underscores (_), or dashes (-). Contain 64 characters or fewer.\""""

    def test_boundary(self) -> None:
        state = SesState()
        ok = {"ConfigurationSet": {"Name": "c" * 64}}
        assert answer(state, "CreateConfigurationSet", ok) == ("ok", "")
        for name in ("c" * 65, "c d", "c\x00"):
            refused = {"ConfigurationSet": {"Name": name}}
            assert answer(state, "CreateConfigurationSet", refused)[0] == "InvalidConfigurationSet"


class TestTags:
    @pytest.mark.parametrize(("size", "code"), [(255, "ok"), (256, "InvalidParameterValue")])
    def test_name_and_value_size(self, size: int, code: str) -> None:
        for tag in ({"Name": "n" * size, "Value": "v"}, {"Name": "n", "Value": "v" * size}):
            assert answer(SesState(), "SendEmail", send(Tags=[tag]))[0] == code


class TestAddresses:
    """RFC 5321 4.5.3.1: a local part of at most 64 octets, a domain of at most 255, a path of
    at most 256 with its brackets (254 for the address); RFC 5322 2.1.1: a line of at most 998
    characters, for the address with its display name."""

    @pytest.mark.parametrize(
        ("address", "expected"),
        [
            ("l" * 64 + "@example.com", "ok"),
            ("l" * 65 + "@example.com", "Local address longer than 64 characters"),
            ("l@" + ("d" * 60 + ".") * 4 + "e" * 8, "ok"),
            ("l@" + ("d" * 60 + ".") * 4 + "e" * 9, "Address"),
            ("N" * 744 + " <" + "l" * 64 + "@" + "d" * 60 + "." + "e" * 125 + ">", "ok"),
            ("N" * 745 + " <" + "l" * 64 + "@" + "d" * 60 + "." + "e" * 125 + ">", "Address"),
        ],
        ids=["local-64", "local-65", "address-254", "address-255", "field-998", "field-999"],
    )
    def test_sizes(self, address: str, expected: str) -> None:
        code, message = answer(SesState(), "SendEmail", send(Source=address))
        if expected == "ok":
            assert (code, message) == ("ok", "")
            return
        assert code == "InvalidParameterValue"
        assert message.startswith(expected)
        assert len(address) in (65 + 12, 255, 999)
        limit = {65 + 12: 64, 255: 254, 999: 998}[len(address)]
        assert message.endswith(f"longer than {limit} characters")

    def test_a_4_mib_recipient(self) -> None:
        huge = "l" * (4 * 1024 * 1024) + "@example.com"
        code, message = answer(SesState(), "SendEmail", send(Destination={"ToAddresses": [huge]}))
        assert (code, message) == ("InvalidParameterValue", "Address longer than 998 characters")


class TestTemplateData:
    """MODEL shape TemplateData: max 262144; past it, AWS's model-constraint answer naming the
    member."""

    @staticmethod
    def _data(size: int) -> str:
        text = '{"a":"' + "x" * (size - 8) + '"}'
        assert len(text) == size
        return text

    @pytest.fixture
    def state(self) -> SesState:
        state = SesState()
        template = {"TemplateName": "t", "SubjectPart": "{{a}}"}
        assert answer(state, "CreateTemplate", {"Template": template}) == ("ok", "")
        return state

    @pytest.mark.parametrize(
        ("action", "member"),
        [("SendTemplatedEmail", "templateData"), ("TestRenderTemplate", "templateData")],
    )
    def test_boundary(self, state: SesState, action: str, member: str) -> None:
        params: dict[str, Any] = {"Source": "a@example.com", "Template": "t"}
        params.update(Destination={"ToAddresses": ["b@example.com"]}, TemplateName="t")
        params["TemplateData"] = self._data(MAX_TEMPLATE_DATA)
        assert answer(state, action, params) == ("ok", "")
        params["TemplateData"] = self._data(MAX_TEMPLATE_DATA + 1)
        assert answer(state, action, params) == (
            "ValidationError",
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            "Member must have length less than or equal to 262144",
        )

    def test_a_replacement_past_it_refuses_the_call(self, state: SesState) -> None:
        """A model constraint is checked before anything is sent: no destination is."""
        destinations = [
            {"Destination": {"ToAddresses": ["b@example.com"]}},
            {
                "Destination": {"ToAddresses": ["c@example.com"]},
                "ReplacementTemplateData": self._data(MAX_TEMPLATE_DATA + 1),
            },
        ]
        params = {
            "Source": "a@example.com",
            "Template": "t",
            "DefaultTemplateData": '{"a": 1}',
            "Destinations": destinations,
        }
        assert answer(state, "SendBulkTemplatedEmail", params) == (
            "ValidationError",
            "1 validation error detected: Value at "
            "'destinations.2.member.replacementTemplateData' failed to satisfy constraint: "
            "Member must have length less than or equal to 262144",
        )
        assert len(state.mailbox) == 0

    def test_a_lone_surrogate_renders_as_the_replacement_character(self, state: SesState) -> None:
        params = {
            "Source": "a@example.com",
            "Destination": {"ToAddresses": ["b@example.com"]},
            "Template": "t",
            "TemplateData": '{"a": "x\\ud800y"}',
        }
        assert answer(state, "SendTemplatedEmail", params) == ("ok", "")
        message = state.mailbox.messages()[0]
        assert message.subject == "x\ufffdy"
        assert b"Subject: =?utf-8?b?eO+/vXk=?=" in message.raw  # UTF-8 EF BF BD, in base64


#: Text, and text with a lone surrogate in it (st.text() never draws one).
_TEXT = st.text() | st.builds(
    lambda before, surrogate, after: before + surrogate + after,
    st.text(max_size=3),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
    st.text(max_size=3),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@examples(60)
@given(value=st.dictionaries(_TEXT, _JSON, max_size=4), ensure_ascii=st.booleans())
def test_any_json_template_data_renders_or_gets_an_ses_error(
    value: dict[str, Any], ensure_ascii: bool
) -> None:
    """Any valid JSON object (lone surrogates too: hypothesis draws them in keys and strings,
    written as escapes with ``ensure_ascii``) is rendered, or answered with an SES error; never
    an exception."""
    state = SesState()
    template = {
        "TemplateName": "t",
        "SubjectPart": "{{#each this}}{{@key}}={{this}};{{/each}}",
        "HtmlPart": "{{#each this}}{{#if this}}{{{this}}}{{else}}-{{/if}}{{/each}}",
    }
    assert answer(state, "CreateTemplate", {"Template": template}) == ("ok", "")
    data = json.dumps(value, ensure_ascii=ensure_ascii)  # raw surrogates, or their escapes
    if len(data) > MAX_TEMPLATE_DATA:
        return
    for action in ("SendTemplatedEmail", "TestRenderTemplate"):
        params = {
            "Source": "a@example.com",
            "Destination": {"ToAddresses": ["b@example.com"]},
            "Template": "t",
            "TemplateName": "t",
            "TemplateData": data,
        }
        code, _ = answer(state, action, params)
        assert code in ("ok", "InvalidParameterValue", "InvalidRenderingParameter")
    for message in state.mailbox.messages():
        message.raw.decode("utf-8")  # a message is UTF-8


def test_each_bulk_destination_fails_on_its_own() -> None:
    """One bad destination failed the whole call; each gets its status (MODEL
    BulkEmailStatus), the others are sent."""
    state = SesState()
    template = {"TemplateName": "t", "SubjectPart": "Hi {{a}}"}
    assert answer(state, "CreateTemplate", {"Template": template}) == ("ok", "")

    def to(*addresses: str, **extra: Any) -> dict[str, Any]:
        return {"Destination": {"ToAddresses": list(addresses)}, **extra}

    destinations = [
        to("ok1@example.com"),
        to("not an address"),
        to("x@example.com", ReplacementTemplateData="{not json"),
        to("y@example.com", ReplacementTemplateData='{"a": "\\udfff"}'),
        to(*[f"r{n}@example.com" for n in range(51)]),
        to("z@example.com", ReplacementTags=[{"Name": "bad name", "Value": "v"}]),
        to("ok2@example.com"),
    ]
    reply = state.handle(
        "SendBulkTemplatedEmail",
        {
            "Source": "a@example.com",
            "Template": "t",
            "DefaultTemplateData": '{"a": 1}',
            "Destinations": destinations,
        },
        now=NOW,
    )
    assert reply.result is not None
    assert [s["Status"] for s in reply.result["Status"]] == [
        "Success",
        "InvalidParameterValue",
        "InvalidParameterValue",
        "Success",
        "InvalidParameterValue",
        "InvalidParameterValue",
        "Success",
    ]
    assert [m.subject for m in state.mailbox.messages()] == ["Hi 1", "Hi \ufffd", "Hi 1"]


def test_a_header_section_too_long_is_refused_as_ses_refuses_it() -> None:
    """A 10 MB raw message of 1.3 million short header lines took 20 s and some 110 MB to
    store; past the MIME reader's 2,000 header lines SES's words answer it
    (aws/aws-sdk-php#981: InvalidParameterValue "Header section too long."), nothing kept."""
    from sesspec.mime import MAX_HEADER_LINES

    def raw_of(lines: int) -> bytes:
        head = b"From: a@example.com\r\nTo: b@example.com\r\n"
        head += b"".join(b"X-%d: y\r\n" % (n % 10) for n in range(lines - 2))
        return head + b"\r\nbody\r\n"

    state = SesState()
    at_limit = {"RawMessage": {"Data": raw_of(MAX_HEADER_LINES)}}
    assert answer(state, "SendRawEmail", at_limit) == ("ok", "")
    past = {"RawMessage": {"Data": raw_of(MAX_HEADER_LINES + 1)}}
    assert answer(state, "SendRawEmail", past) == (
        "InvalidParameterValue",
        "Header section too long.",
    )
    huge = {"RawMessage": {"Data": raw_of(1_300_000)[: 10 * 1024 * 1024]}}
    assert answer(state, "SendRawEmail", huge)[1] == "Header section too long."
    assert len(state.mailbox) == 1
