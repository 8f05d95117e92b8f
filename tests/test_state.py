"""The local SES account (sesspec.serve.state).

Expected texts come from what SES sends (cited per test: the MODEL's documentation, error
messages quoted in public bug reports, LocalStack's snapshot tests recorded against SES); every
result is also written with ``result_body`` and read back with botocore's parser.
"""

from __future__ import annotations

import base64
import calendar
import json
import re
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, message_from_string
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.model import ses_model
from sesspec.serve.responses import result_body
from sesspec.serve.state import ACTIONS, MAX_RECIPIENTS, Reply, SesState
from tests._hypothesis import examples

botocore_session = pytest.importorskip("botocore.session")
botocore_parsers = pytest.importorskip("botocore.parsers")
_SES = botocore_session.get_session().get_service_model("ses")

NOW = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)


class Counter:
    """Deterministic entropy: the n-th call gives bytes of the value n."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, size: int) -> bytes:
        self.n += 1
        return (self.n.to_bytes(4, "big") * size)[:size]


def make(**options: Any) -> SesState:
    return SesState(entropy=Counter(), **options)


def ok(state: SesState, action: str, params: dict[str, Any], now: datetime = NOW) -> Any:
    reply = state.handle(action, params, now=now)
    assert reply.error is None, reply.error
    parsed = _through_botocore(action, reply)
    if reply.result is not None:
        assert parsed == {k: v for k, v in reply.result.items() if v is not None}
    return reply.result


def err(
    state: SesState, action: str, params: dict[str, Any], now: datetime = NOW
) -> tuple[str, str]:
    reply = state.handle(action, params, now=now)
    assert reply.error is not None, reply.result
    assert reply.result is None
    return reply.error.code, reply.error.message


def _through_botocore(action: str, reply: Reply) -> dict[str, Any]:
    body = result_body(action, reply.result, request_id="r")
    parser = botocore_parsers.QueryParser()
    parsed: dict[str, Any] = parser.parse(
        {"body": body, "headers": {}, "status_code": 200},
        _SES.operation_model(action).output_shape,
    )
    parsed.pop("ResponseMetadata")
    return parsed


def email(
    source: str = "sender@example.com", to: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Source": source,
        "Destination": {"ToAddresses": ["to@example.com"] if to is None else to},
        "Message": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi there."}}},
    }
    params.update(extra)
    return params


class TestActions:
    def test_every_action_is_in_the_model(self) -> None:
        assert set(ses_model().operations) >= ACTIONS
        assert len(ACTIONS) == 24

    def test_handles(self) -> None:
        state = make()
        assert state.handles("SendEmail")
        assert not state.handles("CreateReceiptRule")
        with pytest.raises(KeyError):
            state.handle("CreateReceiptRule", {}, now=NOW)

    def test_naive_time_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone"):
            make().handle("GetSendQuota", {}, now=datetime(2026, 1, 1))


class TestIdentities:
    def test_verify_and_list(self) -> None:
        state = make()
        assert ok(state, "VerifyEmailIdentity", {"EmailAddress": "a@example.com"}) == {}
        assert ok(state, "VerifyEmailAddress", {"EmailAddress": "b@example.com"}) is None
        token = ok(state, "VerifyDomainIdentity", {"Domain": "Example.COM"})["VerificationToken"]
        # SES's tokens are 32 bytes in base64 (the API reference's example is 44 characters).
        assert len(token) == 44
        assert base64.b64decode(token) == (1).to_bytes(4, "big") * 8
        assert ok(state, "ListIdentities", {}) == {
            "Identities": ["a@example.com", "b@example.com", "example.com"]
        }
        assert ok(state, "ListIdentities", {"IdentityType": "Domain"}) == {
            "Identities": ["example.com"]
        }
        assert ok(state, "ListIdentities", {"IdentityType": "EmailAddress"}) == {
            "Identities": ["a@example.com", "b@example.com"]
        }

    def test_domain_is_idempotent_and_case_insensitive(self) -> None:
        state = make()
        first = ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        again = ok(state, "VerifyDomainIdentity", {"Domain": "EXAMPLE.com"})
        assert first == again
        assert ok(state, "ListIdentities", {}) == {"Identities": ["example.com"]}

    def test_invalid_identity_type(self) -> None:
        """The AWS-style validation message (moto's test copies SES's wording)."""
        assert err(make(), "ListIdentities", {"IdentityType": "Unknown"}) == (
            "ValidationError",
            "1 validation error detected: Value 'Unknown' at 'identityType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Domain, EmailAddress]",
        )

    def test_pages(self) -> None:
        state = make()
        for n in range(5):
            ok(state, "VerifyEmailIdentity", {"EmailAddress": f"u{n}@example.com"})
        seen: list[str] = []
        token = None
        for _ in range(3):
            params: dict[str, Any] = {"MaxItems": 2}
            if token:
                params["NextToken"] = token
            page = ok(state, "ListIdentities", params)
            seen += page["Identities"]
            token = page.get("NextToken")
        assert seen == [f"u{n}@example.com" for n in range(5)]
        assert token is None

    @pytest.mark.parametrize(
        "params", [{"MaxItems": 0}, {"NextToken": "bm9wZQ=="}, {"NextToken": "%%"}]
    )
    def test_bad_paging(self, params: dict[str, Any]) -> None:
        assert err(make(), "ListIdentities", params)[0] == "InvalidParameterValue"

    def test_token_of_another_list_is_refused(self) -> None:
        state = make()
        for n in range(3):
            ok(state, "CreateTemplate", {"Template": {"TemplateName": f"t{n}", "SubjectPart": "s"}})
        token = ok(state, "ListTemplates", {"MaxItems": 1})["NextToken"]
        assert err(state, "ListIdentities", {"NextToken": token})[0] == "InvalidParameterValue"

    def test_verification_attributes(self) -> None:
        """MODEL: the token is returned for domain identities only; unknown ones are left out."""
        state = make()
        ok(state, "VerifyEmailIdentity", {"EmailAddress": "a@example.com"})
        token = ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})["VerificationToken"]
        result = ok(
            state,
            "GetIdentityVerificationAttributes",
            {"Identities": ["a@example.com", "example.com", "unknown.org"]},
        )
        assert result == {
            "VerificationAttributes": {
                "a@example.com": {"VerificationStatus": "Success"},
                "example.com": {"VerificationStatus": "Success", "VerificationToken": token},
            }
        }

    def test_at_most_100_identities(self) -> None:
        """MODEL: "can only get verification attributes for up to 100 identities at a time"."""
        state = make()
        ok(state, "GetIdentityVerificationAttributes", {"Identities": ["x.org"] * 100})
        code, _ = err(state, "GetIdentityVerificationAttributes", {"Identities": ["x.org"] * 101})
        assert code == "InvalidParameterValue"

    def test_delete_and_legacy(self) -> None:
        state = make(auto_verify=False)
        ok(state, "VerifyEmailAddress", {"EmailAddress": "a@example.com"})
        ok(state, "VerifyEmailIdentity", {"EmailAddress": "b@example.com"})
        assert ok(state, "ListVerifiedEmailAddresses", {}) == {"VerifiedEmailAddresses": []}
        state.set_verification_status("a@example.com")
        assert ok(state, "ListVerifiedEmailAddresses", {}) == {
            "VerifiedEmailAddresses": ["a@example.com"]
        }
        ok(state, "DeleteVerifiedEmailAddress", {"EmailAddress": "a@example.com"})
        assert ok(state, "DeleteIdentity", {"Identity": "b@example.com"}) == {}
        assert ok(state, "DeleteIdentity", {"Identity": "never@example.com"}) == {}
        assert ok(state, "ListIdentities", {}) == {"Identities": []}

    def test_pending_without_auto_verify(self) -> None:
        state = make(auto_verify=False)
        ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        attributes = ok(state, "GetIdentityVerificationAttributes", {"Identities": ["example.com"]})
        assert attributes["VerificationAttributes"]["example.com"]["VerificationStatus"] == (
            "Pending"
        )
        with pytest.raises(ValueError, match="status"):
            state.set_verification_status("example.com", "Verified")

    @pytest.mark.parametrize(
        ("action", "params"),
        [
            ("VerifyEmailIdentity", {"EmailAddress": "no-at-sign"}),
            ("VerifyEmailIdentity", {"EmailAddress": "Name <a@example.com>"}),
            ("VerifyDomainIdentity", {"Domain": "not a domain"}),
            ("VerifyDomainIdentity", {"Domain": "localhost"}),
        ],
    )
    def test_invalid_identities(self, action: str, params: dict[str, Any]) -> None:
        assert err(make(), action, params)[0] == "InvalidParameterValue"

    def test_missing_parameter(self) -> None:
        assert err(make(), "VerifyEmailIdentity", {}) == (
            "MissingParameter",
            "The request must contain the parameter EmailAddress",
        )


TEMPLATE = {
    "TemplateName": "MyTemplate",
    "SubjectPart": "Greetings, {{name}}!",
    "TextPart": "Dear {{name}},\r\nYour favorite animal is {{favoriteanimal}}.",
    "HtmlPart": "<h1>Hello {{name}},</h1><p>Your favorite animal is {{favoriteanimal}}.</p>",
}


class TestTemplates:
    def test_create_get_update_delete(self) -> None:
        state = make()
        assert ok(state, "CreateTemplate", {"Template": TEMPLATE}) == {}
        assert ok(state, "GetTemplate", {"TemplateName": "MyTemplate"}) == {"Template": TEMPLATE}
        changed = dict(TEMPLATE, SubjectPart="Hi, {{name}}!")
        del changed["TextPart"]
        assert ok(state, "UpdateTemplate", {"Template": changed}) == {}
        assert ok(state, "GetTemplate", {"TemplateName": "MyTemplate"}) == {"Template": changed}
        assert ok(state, "DeleteTemplate", {"TemplateName": "MyTemplate"}) == {}
        assert ok(state, "DeleteTemplate", {"TemplateName": "MyTemplate"}) == {}
        assert ok(state, "ListTemplates", {}) == {"TemplatesMetadata": []}

    def test_errors(self) -> None:
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        assert err(state, "CreateTemplate", {"Template": TEMPLATE}) == (
            "AlreadyExists",
            "Template MyTemplate already exists.",
        )
        assert err(state, "GetTemplate", {"TemplateName": "Nope"}) == (
            "TemplateDoesNotExist",
            "Template Nope does not exist.",
        )
        missing = dict(TEMPLATE, TemplateName="Nope")
        assert err(state, "UpdateTemplate", {"Template": missing})[0] == "TemplateDoesNotExist"

    @pytest.mark.parametrize(
        "html", ["{{#if a}}unclosed", "{{> nowhere}}", "{{#each xs as |x|}}{{/each}}"]
    )
    def test_invalid_template(self, html: str) -> None:
        """MODEL: CreateTemplate's InvalidTemplate (e.g. a partial that does not exist)."""
        code, message = err(
            make(), "CreateTemplate", {"Template": {"TemplateName": "t", "HtmlPart": html}}
        )
        assert code == "InvalidTemplate"
        assert message.startswith("Invalid template t: html")

    def test_list_pages(self) -> None:
        """MODEL: default page size 10; more than 100 asked gives 100."""
        state = make()
        for n in range(101):
            ok(
                state,
                "CreateTemplate",
                {"Template": {"TemplateName": f"t{n:03d}", "SubjectPart": "s"}},
                now=NOW + timedelta(seconds=n),
            )
        first = ok(state, "ListTemplates", {})
        assert [t["Name"] for t in first["TemplatesMetadata"]] == [f"t{n:03d}" for n in range(10)]
        assert first["TemplatesMetadata"][3]["CreatedTimestamp"] == NOW + timedelta(seconds=3)
        assert "NextToken" in first
        big = ok(state, "ListTemplates", {"MaxItems": 500})
        assert len(big["TemplatesMetadata"]) == 100
        rest = ok(state, "ListTemplates", {"MaxItems": 500, "NextToken": big["NextToken"]})
        assert [t["Name"] for t in rest["TemplatesMetadata"]] == ["t100"]

    def test_render(self) -> None:
        """TestRenderTemplate: the complete MIME message (MODEL), read here by the stdlib."""
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        data = json.dumps({"name": "John", "favoriteanimal": "Lion"})
        rendered = ok(
            state, "TestRenderTemplate", {"TemplateName": "MyTemplate", "TemplateData": data}
        )
        mime = message_from_string(rendered["RenderedTemplate"], policy=default_policy)
        assert mime["Subject"] == "Greetings, John!"
        assert mime["Date"] == "Thu, 26 Nov 2026 06:49:50 +0000"
        plain, html = mime.iter_parts()
        assert plain.get_content() == "Dear John,\r\nYour favorite animal is Lion."
        assert html.get_content() == "<h1>Hello John,</h1><p>Your favorite animal is Lion.</p>"

    def test_render_missing_attribute(self) -> None:
        """moto's test (the message SES gives): "Attribute 'favoriteanimal' is not present in the
        rendering data."; the code is the MODEL's MissingRenderingAttribute."""
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        params = {"TemplateName": "MyTemplate", "TemplateData": json.dumps({"name": "John"})}
        assert err(state, "TestRenderTemplate", params) == (
            "MissingRenderingAttribute",
            "Attribute 'favoriteanimal' is not present in the rendering data.",
        )

    @pytest.mark.parametrize("data", ["{not json", "[1]", '"x"'])
    def test_render_invalid_data(self, data: str) -> None:
        """MODEL InvalidRenderingParameter: "may occur when the TemplateData object contains
        invalid JSON"."""
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        code, _ = err(
            state, "TestRenderTemplate", {"TemplateName": "MyTemplate", "TemplateData": data}
        )
        assert code == "InvalidRenderingParameter"

    def test_render_unknown_template(self) -> None:
        code, message = err(
            make(), "TestRenderTemplate", {"TemplateName": "x", "TemplateData": "{}"}
        )
        assert (code, message) == ("TemplateDoesNotExist", "Template x does not exist.")


class TestConfigurationSets:
    def test_lifecycle(self) -> None:
        state = make()
        assert ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs-1"}}) == {}
        ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs_2"}})
        assert ok(state, "ListConfigurationSets", {}) == {
            "ConfigurationSets": [{"Name": "cs-1"}, {"Name": "cs_2"}]
        }
        assert ok(state, "DescribeConfigurationSet", {"ConfigurationSetName": "cs-1"}) == {
            "ConfigurationSet": {"Name": "cs-1"}
        }
        described = ok(
            state,
            "DescribeConfigurationSet",
            {
                "ConfigurationSetName": "cs-1",
                "ConfigurationSetAttributeNames": ["eventDestinations", "reputationOptions"],
            },
        )
        assert described["EventDestinations"] == []
        assert described["ReputationOptions"] == {
            "SendingEnabled": True,
            "ReputationMetricsEnabled": False,
        }
        assert ok(state, "DeleteConfigurationSet", {"ConfigurationSetName": "cs-1"}) == {}
        assert ok(state, "ListConfigurationSets", {}) == {"ConfigurationSets": [{"Name": "cs_2"}]}

    def test_errors(self) -> None:
        """LocalStack's snapshot recorded against SES: "Configuration set
        <non-existent-configuration-set> does not exist.\""""
        state = make()
        assert err(
            state,
            "DeleteConfigurationSet",
            {"ConfigurationSetName": "non-existent-configuration-set"},
        ) == (
            "ConfigurationSetDoesNotExist",
            "Configuration set <non-existent-configuration-set> does not exist.",
        )
        ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "a"}})
        assert err(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "a"}})[0] == (
            "ConfigurationSetAlreadyExists"
        )
        assert err(state, "DescribeConfigurationSet", {"ConfigurationSetName": "b"})[0] == (
            "ConfigurationSetDoesNotExist"
        )

    @pytest.mark.parametrize("name", ["has space", "dot.ted", "x" * 65, ""])
    def test_invalid_names(self, name: str) -> None:
        """MODEL: letters, numbers, underscores, dashes; 64 characters or fewer."""
        code, _ = err(make(), "CreateConfigurationSet", {"ConfigurationSet": {"Name": name}})
        assert code in ("InvalidConfigurationSet", "MissingParameter")

    def test_64_characters_is_fine(self) -> None:
        ok(make(), "CreateConfigurationSet", {"ConfigurationSet": {"Name": "x" * 64}})


MESSAGE_ID = re.compile(
    r"0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000"
)


class TestSendEmail:
    def test_stores_the_message(self) -> None:
        state = make()
        ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs"}})
        params = email(
            "Sender <sender@example.com>",
            ["a@example.com"],
            ReplyToAddresses=["reply@example.com"],
            Tags=[{"Name": "campaign", "Value": "spring-2026"}],
            ConfigurationSetName="cs",
        )
        params["Destination"]["CcAddresses"] = ["c@example.com"]
        params["Destination"]["BccAddresses"] = ["hidden@example.com"]
        params["Message"]["Body"]["Html"] = {"Data": "<p>Hi there.</p>"}
        reply = state.handle("SendEmail", params, now=NOW)
        message_id = reply.result["MessageId"] if reply.result else ""
        # SES's form: 0100, epoch milliseconds in 12 hex digits, a UUID, -000000.
        assert MESSAGE_ID.fullmatch(message_id)
        millis = calendar.timegm((2026, 11, 26, 6, 49, 50)) * 1000
        assert message_id.startswith(f"0100{millis:012x}-")
        assert reply.message_ids == (message_id,)
        (message,) = state.mailbox.messages()
        assert message.id == message_id
        assert message.timestamp == NOW
        assert message.action == "SendEmail"
        assert (message.to, message.cc, message.bcc) == (
            ("a@example.com",),
            ("c@example.com",),
            ("hidden@example.com",),
        )
        assert (message.subject, message.text, message.html) == (
            "Hello",
            "Hi there.",
            "<p>Hi there.</p>",
        )
        assert message.reply_to == ("reply@example.com",)
        assert message.tags == (("campaign", "spring-2026"),)
        assert message.configuration_set == "cs"
        mime = message_from_bytes(message.raw, policy=default_policy)
        assert mime["Message-ID"] == f"<{message_id}@email.amazonses.com>"
        assert mime["Bcc"] is None
        assert mime["From"] == "Sender <sender@example.com>"

    def test_recipient_limit(self) -> None:
        """MODEL: at most 50 recipients; SES answers "Recipient count exceeds 50." (arooo#243)."""
        state = make()
        to = [f"r{n}@example.com" for n in range(MAX_RECIPIENTS)]
        ok(state, "SendEmail", email(to=to))
        assert err(state, "SendEmail", email(to=[*to, "one-more@example.com"])) == (
            "InvalidParameterValue",
            "Recipient count exceeds 50.",
        )

    def test_no_recipient(self) -> None:
        assert err(make(), "SendEmail", email(to=[])) == (
            "InvalidParameterValue",
            "Missing required header 'To'.",
        )

    @pytest.mark.parametrize(
        ("address", "message"),
        [
            ("invalid_address", "Missing final '@domain'"),
            ("@example.com", "Missing local name"),
            ("user@", "Missing domain"),
            ("us er@example.com", "Local address contains control or whitespace"),
            ("user@example.com.", "Domain ends with dot"),
            ("user@exa%!>mple.com", "Illegal address"),
            ("user@exa(mple).com", "Domain contains illegal character"),
            ("Name <user@example.com", "Illegal address"),
            ("üser@example.com", "Illegal address"),
            (".a@example.com", "Local address starts with dot"),
            ("a.@example.com", "Local address ends with dot"),
            ("a..b@example.com", "Local address contains dot-dot"),
            ("a;b@example.com", "Local address contains illegal character"),
            ("a@.example.com", "Domain starts with dot"),
            ("a@exa..mple.com", "Domain contains dot-dot"),
            ("a@exa mple.com", "Domain contains control or whitespace"),
        ],
    )
    def test_invalid_addresses(self, address: str, message: str) -> None:
        assert err(make(), "SendEmail", email(to=[address])) == ("InvalidParameterValue", message)

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            (
                "test_invalid_name:123",
                "test",
                "Invalid tag name <test_invalid_name:123>: only alphanumeric ASCII characters, "
                "'_',  '-' are allowed.",
            ),
            (
                "test",
                "test_invalid_value:123",
                "Invalid tag value <test_invalid_value:123>: only alphanumeric ASCII characters, "
                "'_',  '-' , '.', '@' are allowed.",
            ),
            ("test_invalid_name_len" * 100, "test", "Tag name cannot exceed 255 characters."),
            ("test", "test_invalid_value_len" * 100, "Tag value cannot exceed 255 characters."),
            (
                "test_invalid_name@123",
                "test_invalid_value:123",
                "Invalid tag name <test_invalid_name@123>: only alphanumeric ASCII characters, "
                "'_',  '-' are allowed.",
            ),
            ("", "", "The tag name must be specified."),
            ("", "test", "The tag name must be specified."),
            ("test", "", "The tag value must be specified."),
        ],
    )
    def test_tags(self, name: str, value: str, message: str) -> None:
        """LocalStack's test_invalid_tags_send_email snapshots, recorded against SES."""
        params = email(Tags=[{"Name": name, "Value": value}])
        assert err(make(), "SendEmail", params) == ("InvalidParameterValue", message)

    @pytest.mark.parametrize(
        "address",
        [
            '"quoted local"@example.com',
            "a@[192.0.2.1]",
            "First Last <first.last+tag@mail.example.com>",
            " padded@example.com ",
        ],
    )
    def test_valid_addresses(self, address: str) -> None:
        ok(make(), "SendEmail", email(to=[address]))

    def test_allowed_tags(self) -> None:
        params = email(Tags=[{"Name": "ses:feedback-id-a", "Value": "a.b@c_d-e"}])
        ok(make(), "SendEmail", params)

    def test_unknown_configuration_set(self) -> None:
        assert err(make(), "SendEmail", email(ConfigurationSetName="nope")) == (
            "ConfigurationSetDoesNotExist",
            "Configuration set <nope> does not exist.",
        )


def _raw_email(**headers: str) -> bytes:
    outer = MIMEMultipart("mixed")
    for name, value in headers.items():
        outer[name.replace("_", "-")] = value
    outer.attach(MIMEText("test file attached"))
    part = MIMEApplication(b"contents of test file here", "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename="test.txt")
    outer.attach(part)
    return outer.as_bytes()


class TestSendRawEmail:
    def test_from_headers(self) -> None:
        state = make()
        raw = _raw_email(
            Subject="Test", From="test@example.com", To="to@example.com, foo@example.com"
        )
        result = ok(state, "SendRawEmail", {"RawMessage": {"Data": raw}})
        (message,) = state.mailbox.messages()
        assert message.id == result["MessageId"]
        assert message.raw == raw
        assert message.source == "test@example.com"
        assert message.to == ("to@example.com", "foo@example.com")
        assert message.subject == "Test"
        assert message.text == "test file attached"
        assert [(a.filename, a.size) for a in message.attachments] == [("test.txt", 26)]

    def test_destinations_param_is_the_envelope(self) -> None:
        state = make()
        raw = _raw_email(Subject="s", From="f@example.com", To="a@example.com", Cc="c@example.com")
        ok(
            state,
            "SendRawEmail",
            {
                "RawMessage": {"Data": raw},
                "Source": "Other <other@example.com>",
                "Destinations": ["c@example.com", "extra@example.com"],
            },
        )
        (message,) = state.mailbox.messages()
        assert message.source == "Other <other@example.com>"
        assert (message.to, message.cc, message.bcc) == (
            (),
            ("c@example.com",),
            ("extra@example.com",),
        )

    def test_no_source_no_from(self) -> None:
        """boto#351: a raw message with no Source and no From: "Missing final '@domain'"."""
        raw = _raw_email(Subject="s", To="a@example.com")
        assert err(make(), "SendRawEmail", {"RawMessage": {"Data": raw}}) == (
            "InvalidParameterValue",
            "Missing final '@domain'",
        )

    def test_size_limit(self) -> None:
        """QUOTAS: 10 MB per message."""
        state = make()
        head = b"From: a@example.com\r\nTo: b@example.com\r\n\r\n"
        ok(state, "SendRawEmail", {"RawMessage": {"Data": head + b"x" * (10485760 - len(head))}})
        code, message = err(
            state, "SendRawEmail", {"RawMessage": {"Data": head + b"x" * (10485761 - len(head))}}
        )
        assert code == "InvalidParameterValue"
        assert message == "Message length is more than 10485760 bytes long: '10485761'."

    def test_configuration_set_header(self) -> None:
        state = make()
        ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs"}})
        raw = _raw_email(From="a@example.com", To="b@example.com", X_SES_CONFIGURATION_SET="cs")
        ok(state, "SendRawEmail", {"RawMessage": {"Data": raw}})
        assert state.mailbox.messages()[0].configuration_set == "cs"
        raw = _raw_email(From="a@example.com", To="b@example.com", X_SES_CONFIGURATION_SET="no")
        assert err(state, "SendRawEmail", {"RawMessage": {"Data": raw}})[0] == (
            "ConfigurationSetDoesNotExist"
        )


def _templated(state: SesState, data: dict[str, Any], to: list[str] | None = None) -> Reply:
    return state.handle(
        "SendTemplatedEmail",
        {
            "Source": "sender@example.com",
            "Destination": {"ToAddresses": to or ["to@example.com"]},
            "Template": "MyTemplate",
            "TemplateData": json.dumps(data),
        },
        now=NOW,
    )


class TestSendTemplatedEmail:
    def test_rendered_and_stored(self) -> None:
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        reply = _templated(state, {"name": "Jane", "favoriteanimal": "owl"})
        assert reply.error is None
        (message,) = state.mailbox.messages()
        assert message.status == "Sent"
        assert message.template == "MyTemplate"
        assert json.loads(message.template_data or "") == {"name": "Jane", "favoriteanimal": "owl"}
        assert message.subject == "Greetings, Jane!"
        assert message.text == "Dear Jane,\r\nYour favorite animal is owl."
        assert message.html == "<h1>Hello Jane,</h1><p>Your favorite animal is owl.</p>"
        mime = message_from_bytes(message.raw, policy=default_policy)
        assert mime["Subject"] == "Greetings, Jane!"

    def test_missing_attribute_is_accepted_then_fails(self) -> None:
        """MODEL SendTemplatedEmail: SES "accepts it and returns a Message ID. However, if
        Amazon SES can't render the email ... it doesn't send the email"."""
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        reply = _templated(state, {"name": "Jane"})
        assert reply.error is None
        assert reply.result is not None
        assert MESSAGE_ID.fullmatch(reply.result["MessageId"])
        (message,) = state.mailbox.messages()
        assert message.status == "RenderingFailure"
        assert message.failure == "Attribute 'favoriteanimal' is not present in the rendering data."
        quota = ok(state, "GetSendQuota", {})
        assert quota["SentLast24Hours"] == 0.0
        points = ok(state, "GetSendStatistics", {})["SendDataPoints"]
        assert (points[0]["DeliveryAttempts"], points[0]["Rejects"]) == (0, 1)

    def test_unknown_template(self) -> None:
        reply = _templated(make(), {})
        assert reply.error is not None
        assert (reply.error.code, reply.error.message) == (
            "TemplateDoesNotExist",
            "Template MyTemplate does not exist.",
        )

    def test_invalid_data(self) -> None:
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        params = {
            "Source": "sender@example.com",
            "Destination": {"ToAddresses": ["to@example.com"]},
            "Template": "MyTemplate",
            "TemplateData": "{not json",
        }
        assert err(state, "SendTemplatedEmail", params)[0] == "InvalidParameterValue"
        params["TemplateData"] = '{"a":"' + "x" * 262144 + '"}'
        code, message = err(state, "SendTemplatedEmail", params)
        assert code == "ValidationError"
        assert message.endswith("Member must have length less than or equal to 262144")


class TestSendBulkTemplatedEmail:
    def _params(self, destinations: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "Source": "sender@example.com",
            "Template": "MyTemplate",
            "DefaultTemplateData": json.dumps({"name": "friend", "favoriteanimal": "cat"}),
            "DefaultTags": [{"Name": "kind", "Value": "default"}, {"Name": "batch", "Value": "1"}],
            "Destinations": destinations,
        }

    def test_statuses_merge_and_tags(self) -> None:
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        result = ok(
            state,
            "SendBulkTemplatedEmail",
            self._params(
                [
                    {
                        "Destination": {"ToAddresses": ["a@example.com"]},
                        "ReplacementTemplateData": json.dumps({"name": "Ana"}),
                        "ReplacementTags": [{"Name": "kind", "Value": "vip"}],
                    },
                    {"Destination": {"ToAddresses": ["bad-address"]}},
                    {"Destination": {"CcAddresses": ["c@example.com"]}},
                ]
            ),
        )
        statuses = result["Status"]
        assert [s["Status"] for s in statuses] == ["Success", "InvalidParameterValue", "Success"]
        assert statuses[1]["Error"] == "Missing final '@domain'"
        first, third = state.mailbox.messages()
        assert first.id == statuses[0]["MessageId"]
        assert first.subject == "Greetings, Ana!"
        assert first.text == "Dear Ana,\r\nYour favorite animal is cat."
        assert first.tags == (("batch", "1"), ("kind", "vip"))
        assert third.subject == "Greetings, friend!"
        assert third.cc == ("c@example.com",)
        assert third.tags == (("kind", "default"), ("batch", "1"))

    def test_destination_limits(self) -> None:
        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        one = {"Destination": {"ToAddresses": ["a@example.com"]}}
        ok(state, "SendBulkTemplatedEmail", self._params([one] * 50))
        code, _ = err(state, "SendBulkTemplatedEmail", self._params([one] * 51))
        assert code == "InvalidParameterValue"
        crowd = {"Destination": {"ToAddresses": [f"r{n}@example.com" for n in range(51)]}}
        result = ok(state, "SendBulkTemplatedEmail", self._params([crowd]))
        assert result["Status"] == [
            {"Status": "InvalidParameterValue", "Error": "Recipient count exceeds 50."}
        ]


class TestSandbox:
    """QUOTAS and MODEL: in the sandbox the sender and every recipient must be verified."""

    def test_unverified_sender_with_display_name(self) -> None:
        """SES lists a sender given with a display name as written and bare (fluent-smtp#90),
        then the recipients that failed (django-ses#120), for the region in capitals."""
        state = make(sandbox=True, region="us-west-2")
        params = email("Ann Mathon <contact@example.com.au>", ["alice@example.org"])
        assert err(state, "SendEmail", params) == (
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in "
            "region US-WEST-2: Ann Mathon <contact@example.com.au>, contact@example.com.au, "
            "alice@example.org",
        )

    def test_verified_domain_covers_addresses_and_subdomains(self) -> None:
        state = make(sandbox=True)
        ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        ok(state, "SendEmail", email("news@mail.EXAMPLE.com", ["x@example.com"]))
        assert err(state, "SendEmail", email("a@example.org", ["x@example.com"]))[0] == (
            "MessageRejected"
        )
        assert err(state, "SendEmail", email("a@notexample.com", ["x@example.com"]))[0] == (
            "MessageRejected"
        )

    def test_recipient_and_simulator(self) -> None:
        state = make(sandbox=True)
        ok(state, "VerifyEmailIdentity", {"EmailAddress": "sender@example.com"})
        ok(state, "SendEmail", email(to=["success@simulator.amazonses.com"]))
        assert err(state, "SendEmail", email(to=["to@example.com"]))[1].endswith(
            "region US-EAST-1: to@example.com"
        )

    def test_local_part_is_case_sensitive(self) -> None:
        state = make(sandbox=True)
        ok(state, "VerifyEmailIdentity", {"EmailAddress": "Sender@Example.com"})
        ok(state, "SendEmail", email("Sender@example.COM", ["success@simulator.amazonses.com"]))
        assert err(
            state, "SendEmail", email("sender@example.com", ["success@simulator.amazonses.com"])
        )[0] == ("MessageRejected")

    def test_pending_identity_is_not_verified(self) -> None:
        state = make(sandbox=True, auto_verify=False)
        ok(state, "VerifyEmailIdentity", {"EmailAddress": "sender@example.com"})
        params = email(to=["success@simulator.amazonses.com"])
        assert err(state, "SendEmail", params)[0] == "MessageRejected"
        state.set_verification_status("sender@example.com", "Success")
        ok(state, "SendEmail", params)

    def test_quota(self) -> None:
        """QUOTAS: the sandbox sends 200 messages in 24 hours."""
        state = make(sandbox=True)
        ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        assert ok(state, "GetSendQuota", {}) == {
            "Max24HourSend": 200.0,
            "MaxSendRate": 1.0,
            "SentLast24Hours": 0.0,
        }
        to = [f"r{n}@example.com" for n in range(50)]
        for _ in range(4):
            ok(state, "SendEmail", email(to=to))
        assert err(state, "SendEmail", email()) == ("Throttling", "Daily message quota exceeded.")
        later = NOW + timedelta(hours=24)
        ok(state, "SendEmail", email(), now=later)

    def test_bulk_in_the_sandbox(self) -> None:
        state = make(sandbox=True)
        ok(state, "VerifyEmailIdentity", {"EmailAddress": "sender@example.com"})
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        params = {
            "Source": "sender@example.com",
            "Template": "MyTemplate",
            "DefaultTemplateData": json.dumps({"name": "n", "favoriteanimal": "a"}),
            "Destinations": [
                {"Destination": {"ToAddresses": ["success@simulator.amazonses.com"]}},
                {"Destination": {"ToAddresses": ["stranger@example.org"]}},
            ],
        }
        statuses = ok(state, "SendBulkTemplatedEmail", params)["Status"]
        assert [s["Status"] for s in statuses] == ["Success", "MessageRejected"]
        params["Source"] = "stranger@example.org"
        assert err(state, "SendBulkTemplatedEmail", params)[0] == "MessageRejected"

    def test_default_mode_accepts_everyone(self) -> None:
        state = make()
        ok(state, "SendEmail", email("anyone@anywhere.example", ["someone@else.example"]))
        assert ok(state, "GetSendQuota", {})["Max24HourSend"] == 50000.0


class TestCounts:
    def test_recipients_counted_in_a_24_hour_window(self) -> None:
        state = make()
        ok(state, "SendEmail", email(to=["a@example.com", "b@example.com"]))
        ok(state, "SendEmail", email(), now=NOW + timedelta(hours=1))
        assert ok(state, "GetSendQuota", {}, now=NOW + timedelta(hours=1))["SentLast24Hours"] == 3.0
        at = NOW + timedelta(hours=24)
        assert ok(state, "GetSendQuota", {}, now=at)["SentLast24Hours"] == 1.0
        at = NOW + timedelta(hours=24, seconds=-1)
        assert ok(state, "GetSendQuota", {}, now=at)["SentLast24Hours"] == 3.0

    def test_statistics_points(self) -> None:
        """MODEL: each data point covers 15 minutes; the list covers two weeks."""
        state = make()
        ok(state, "SendEmail", email(to=["a@example.com", "b@example.com"]))
        err(state, "SendEmail", email(to=[]))
        ok(state, "SendEmail", email(), now=NOW + timedelta(minutes=20))
        points = ok(state, "GetSendStatistics", {}, now=NOW + timedelta(minutes=20))[
            "SendDataPoints"
        ]
        assert points == [
            {
                "Timestamp": datetime(2026, 11, 26, 6, 45, tzinfo=UTC),
                "DeliveryAttempts": 2,
                "Bounces": 0,
                "Complaints": 0,
                "Rejects": 1,
            },
            {
                "Timestamp": datetime(2026, 11, 26, 7, 0, tzinfo=UTC),
                "DeliveryAttempts": 1,
                "Bounces": 0,
                "Complaints": 0,
                "Rejects": 0,
            },
        ]
        later = ok(state, "GetSendStatistics", {}, now=NOW + timedelta(days=14, minutes=11))
        assert [p["Timestamp"].minute for p in later["SendDataPoints"]] == [0]

    def test_concurrent_sends_counted_exactly(self) -> None:
        state = make()
        ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})

        def work() -> None:
            for _ in range(25):
                reply = state.handle(
                    "SendEmail", email(to=["a@example.com", "b@example.com"]), now=NOW
                )
                assert reply.error is None

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert ok(state, "GetSendQuota", {})["SentLast24Hours"] == 400.0
        assert len(state.mailbox) == 200
        assert len({m.id for m in state.mailbox.messages()}) == 200
        points = ok(state, "GetSendStatistics", {})["SendDataPoints"]
        assert sum(p["DeliveryAttempts"] for p in points) == 400

    def test_concurrent_sends_never_pass_the_sandbox_quota(self) -> None:
        state = make(sandbox=True)
        ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        codes: list[str] = []
        lock = threading.Lock()

        def work() -> None:
            for _ in range(30):
                reply = state.handle("SendEmail", email(to=["a@example.com"]), now=NOW)
                with lock:
                    codes.append("ok" if reply.error is None else reply.error.code)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert codes.count("ok") == 200
        assert codes.count("Throttling") == 40
        assert ok(state, "GetSendQuota", {})["SentLast24Hours"] == 200.0
        assert len(state.mailbox) == 200


class TestCapAndPersistence:
    def test_cap(self) -> None:
        state = make(max_messages=2)
        for n in range(3):
            ok(state, "SendEmail", email(to=[f"r{n}@example.com"]))
        assert [m.to for m in state.mailbox.messages()] == [
            ("r1@example.com",),
            ("r2@example.com",),
        ]
        assert state.mailbox.dropped == 1

    @pytest.fixture
    def folder(self, tmp_path: Path) -> Path:
        return tmp_path / "state"

    def test_round_trip(self, folder: Path) -> None:
        state = make(state_dir=folder, max_messages=5)
        ok(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs"}})
        ok(state, "SendEmail", email(ConfigurationSetName="cs"))
        _templated(state, {"name": "Jane", "favoriteanimal": "owl"})
        state.mailbox.set_findings(state.mailbox.messages()[0].id, [{"rule": "ENC010"}])
        state.close()  # nothing flushed: every change was on disk before it was answered

        again = make(state_dir=folder, max_messages=5)
        assert again.load_notes == []
        checks: list[tuple[str, dict[str, Any]]] = [
            ("ListIdentities", {}),
            ("GetIdentityVerificationAttributes", {"Identities": ["example.com"]}),
            ("GetTemplate", {"TemplateName": "MyTemplate"}),
            ("ListTemplates", {}),
            ("ListConfigurationSets", {}),
            ("GetSendQuota", {}),
            ("GetSendStatistics", {}),
        ]
        for action, params in checks:
            assert ok(again, action, params) == ok(state, action, params), action
        assert ok(again, "GetSendQuota", {})["SentLast24Hours"] == 2.0
        assert [m.to_json() for m in again.mailbox.messages()] == [
            m.to_json() for m in state.mailbox.messages()
        ]
        assert again.mailbox.messages()[0].findings == [{"rule": "ENC010"}]
        again.reset()
        again.close()
        with make(state_dir=folder) as empty:
            assert ok(empty, "ListIdentities", {}) == {"Identities": []}
            assert ok(empty, "GetSendQuota", {})["SentLast24Hours"] == 0.0
        assert list((folder / "messages").iterdir()) == []

    def test_counts_on_disk_before_the_answer(self, folder: Path) -> None:
        """Counts were written at most once a second (a restart after a burst showed fewer
        than were sent): each send's count is on disk when it is answered."""
        state = make(state_dir=folder)
        ok(state, "SendEmail", email())
        ok(state, "SendEmail", email(to=["a@example.com", "b@example.com"]))
        assert err(state, "SendEmail", email(to=[]))[0] == "InvalidParameterValue"
        state.close()
        with make(state_dir=folder) as again:
            assert ok(again, "GetSendQuota", {})["SentLast24Hours"] == 3.0
            points = ok(again, "GetSendStatistics", {})["SendDataPoints"]
        assert [(p["DeliveryAttempts"], p["Rejects"]) for p in points] == [(3, 1)]

    def test_corrupt_account_file_stops_the_start(self, folder: Path) -> None:
        from sesspec.serve.state import UnreadableStateError

        folder.mkdir()
        (folder / "account.json").write_text('{"version": 1, "identities": 3}')
        with pytest.raises(UnreadableStateError) as caught:
            make(state_dir=folder)
        assert str(caught.value) == (
            f"cannot read back the state folder {folder}: account.json identities: not a list"
        )
        assert (folder / "account.json").read_text() == '{"version": 1, "identities": 3}'
        with make(state_dir=folder, skip_unreadable=True) as state:
            assert state.load_notes[0] == "skipped account.json identities: not a list"
            ok(state, "VerifyEmailIdentity", {"EmailAddress": "a@example.com"})
        with make(state_dir=folder) as state:
            assert ok(state, "ListIdentities", {}) == {"Identities": ["a@example.com"]}
        kept = [p.read_text() for p in (folder / "unreadable").iterdir()]
        assert kept == ['{"version": 1, "identities": 3}']


class TestFromTheWire:
    """Bodies serialized by botocore (an independent client), decoded and unflattened by
    sesspec as the endpoint will, answered by the state, read back by botocore's parser."""

    @staticmethod
    def _call(state: SesState, action: str, params: dict[str, Any]) -> Any:
        from botocore.awsrequest import AWSRequest
        from botocore.serialize import QuerySerializer

        from sesspec.encoding import form_decode
        from sesspec.query import unflatten

        request = QuerySerializer().serialize_to_request(params, _SES.operation_model(action))
        wire = AWSRequest(
            method="POST", url="https://email.us-east-1.amazonaws.com/", data=request["body"]
        )
        decoded = unflatten(form_decode(wire.prepare().body))
        assert decoded.action == action
        reply = state.handle(decoded.action, decoded.params, now=NOW)
        assert reply.error is None, reply.error
        return _through_botocore(action, reply)

    def test_an_application_session(self) -> None:
        state = make(sandbox=True)
        call = self._call
        call(state, "VerifyDomainIdentity", {"Domain": "example.com"})
        call(state, "CreateTemplate", {"Template": TEMPLATE})
        call(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs"}})
        sent = call(
            state,
            "SendEmail",
            email(
                "App <app@example.com>",
                ["a@example.com"],
                Tags=[{"Name": "kind", "Value": "welcome"}],
                ConfigurationSetName="cs",
            ),
        )
        raw = _raw_email(Subject="Raw (1+1=2)", From="app@example.com", To="b@example.com")
        raw_sent = call(state, "SendRawEmail", {"RawMessage": {"Data": raw}})
        templated = call(
            state,
            "SendTemplatedEmail",
            {
                "Source": "app@example.com",
                "Destination": {"ToAddresses": ["c@example.com"]},
                "Template": "MyTemplate",
                "TemplateData": json.dumps({"name": "C & D", "favoriteanimal": "emu"}),
            },
        )
        bulk = call(
            state,
            "SendBulkTemplatedEmail",
            {
                "Source": "app@example.com",
                "Template": "MyTemplate",
                "DefaultTemplateData": json.dumps({"name": "x", "favoriteanimal": "y"}),
                "Destinations": [
                    {"Destination": {"ToAddresses": ["d@example.com"]}},
                    {"Destination": {"ToAddresses": ["e@example.com"]}},
                ],
            },
        )
        page = call(state, "ListIdentities", {"MaxItems": 1})
        quota = call(state, "GetSendQuota", {})
        assert page == {"Identities": ["example.com"]}
        assert quota["SentLast24Hours"] == 5.0
        ids = [sent["MessageId"], raw_sent["MessageId"], templated["MessageId"]]
        ids += [s["MessageId"] for s in bulk["Status"]]
        assert [m.id for m in state.mailbox.messages()] == ids
        stored = {m.action: m for m in state.mailbox.messages()}
        assert stored["SendRawEmail"].raw == raw
        assert stored["SendRawEmail"].subject == "Raw (1+1=2)"
        assert stored["SendTemplatedEmail"].subject == "Greetings, C & D!"
        assert stored["SendEmail"].tags == (("kind", "welcome"),)


class TestAnyParams:
    """Whatever params the model allows (sesspec.strategies, all of Unicode), every action
    answers a result that result_body can write, or an SES error: never an exception."""

    @pytest.mark.parametrize("action", sorted(ACTIONS))
    @examples(150)  # x 24 actions; the "ci" profile's 1000 would add minutes
    @given(data=st.data())
    def test_reply_or_error(self, action: str, data: st.DataObject) -> None:
        from sesspec.strategies import params_for

        state = make()
        ok(state, "CreateTemplate", {"Template": TEMPLATE})
        ok(state, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs"}})
        params = data.draw(params_for(action))
        reply = state.handle(action, params, now=NOW)
        if reply.error is None:
            result_body(action, reply.result, request_id="r")
        else:
            assert reply.error.status == 400
            assert "\n" not in reply.error.code


class TestTemplatesCompiledOnceOnOneBudget:
    """A template is compiled when created or updated (every render recompiled it, again for
    each bulk destination), and one request's renders share one budget
    (docs/spec.md#limit-template)."""

    LOOP = "{{#each l}}x{{/each}}" * 2  # 400,004 steps: two fit the budget, not three
    DATA = json.dumps({"l": [0] * 100_000}, separators=(",", ":"))

    def _bulk(self, state: SesState, destinations: int, data: str = DATA) -> list[str]:
        reply = state.handle(
            "SendBulkTemplatedEmail",
            {
                "Source": "a@example.com",
                "Template": "t",
                "DefaultTemplateData": data,
                "Destinations": [
                    {"Destination": {"ToAddresses": [f"r{n}@example.com"]}}
                    for n in range(destinations)
                ],
            },
            now=NOW,
        )
        assert reply.result is not None
        assert {s["Status"] for s in reply.result["Status"]} == {"Success"}
        return [m.status for m in state.mailbox.messages()]

    def test_compiled_when_created_never_when_sent(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from sesspec.serve import templates as handlebars

        parsed: list[str] = []
        real = handlebars._parse

        def counting(source: str, part: str) -> Any:
            parsed.append(part)
            return real(source, part)

        monkeypatch.setattr(handlebars, "_parse", counting)
        state = make()
        ok(state, "CreateTemplate", {"Template": {**TEMPLATE, "TemplateName": "t"}})
        assert parsed == ["subject", "text", "html"]
        data = json.dumps({"name": "n", "favoriteanimal": "owl"})
        assert self._bulk(state, MAX_RECIPIENTS, data) == ["Sent"] * MAX_RECIPIENTS
        ok(state, "TestRenderTemplate", {"TemplateName": "t", "TemplateData": data})
        assert parsed == ["subject", "text", "html"]
        update = {"TemplateName": "t", "SubjectPart": "{{name}}"}
        ok(state, "UpdateTemplate", {"Template": update})
        assert parsed == ["subject", "text", "html", "subject"]

    def test_a_bulk_send_renders_on_one_budget(self) -> None:
        state = make()
        ok(state, "CreateTemplate", {"Template": {"TemplateName": "t", "SubjectPart": self.LOOP}})
        statuses = self._bulk(state, 4)
        assert statuses == ["Sent", "Sent", "RenderingFailure", "RenderingFailure"]
        failures = {m.failure for m in state.mailbox.messages() if m.failure}
        assert failures == {"rendering took more than 1000000 steps"}
        # the next request has a budget of its own
        assert self._bulk(state, 1)[-1] == "Sent"
