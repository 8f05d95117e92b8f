"""``result_body``: a result mapping written as SES's XML response (docs/spec.md#resp-success).

The independent check is botocore's ``QueryParser`` with botocore's own SES model (the version
installed beside the tests): what it reads back from our XML must equal the mapping written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from sesspec.errors import ParamError
from sesspec.serve.responses import SES_NAMESPACE, result_body, success_body

botocore_session = pytest.importorskip("botocore.session")
botocore_parsers = pytest.importorskip("botocore.parsers")

_SES = botocore_session.get_session().get_service_model("ses")


def _parse(body: bytes, operation: str) -> dict[str, Any]:
    parser = botocore_parsers.QueryParser()
    response = {"body": body, "headers": {}, "status_code": 200}
    result: dict[str, Any] = parser.parse(response, _SES.operation_model(operation).output_shape)
    return result


def _round_trip(operation: str, result: dict[str, Any]) -> dict[str, Any]:
    parsed = _parse(result_body(operation, result, request_id="rid-1"), operation)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid-1"
    return parsed


class TestEveryOperation:
    """Every output shape of the 71 operations: botocore parses the canned body, we write what
    it read, botocore reads ours back, and the two readings are equal."""

    @pytest.mark.parametrize("operation", sorted(_SES.operation_names))
    def test_botocore_reads_back_what_it_read(self, operation: str) -> None:
        canned = _parse(success_body(operation, request_id="r", message_id="m"), operation)
        canned.pop("ResponseMetadata")
        assert _round_trip(operation, canned) == canned


class TestHandWorked:
    def test_get_send_quota_bytes(self) -> None:
        """Members in model order, doubles as text, the SES namespace
        (docs/spec.md#resp-namespace)."""
        body = result_body(
            "GetSendQuota",
            {"SentLast24Hours": 3.0, "Max24HourSend": 200.0, "MaxSendRate": 1.0},
            request_id="r-1",
        )
        assert body == (
            b"<?xml version='1.0' encoding='UTF-8'?>\n"
            b'<GetSendQuotaResponse xmlns="' + SES_NAMESPACE.encode() + b'">'
            b"<GetSendQuotaResult><Max24HourSend>200.0</Max24HourSend>"
            b"<MaxSendRate>1.0</MaxSendRate><SentLast24Hours>3.0</SentLast24Hours>"
            b"</GetSendQuotaResult>"
            b"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
            b"</GetSendQuotaResponse>"
        )

    def test_list_is_member_items(self) -> None:
        body = result_body(
            "ListIdentities", {"Identities": ["a@example.com", "example.com"]}, request_id="r"
        )
        assert (
            b"<Identities><member>a@example.com</member><member>example.com</member></Identities>"
        ) in body
        assert _round_trip("ListIdentities", {"Identities": ["a@example.com", "example.com"]}) == {
            "Identities": ["a@example.com", "example.com"]
        }

    def test_empty_list(self) -> None:
        assert b"<Identities/>" in result_body("ListIdentities", {"Identities": []}, request_id="r")
        assert _round_trip("ListIdentities", {"Identities": []}) == {"Identities": []}

    def test_map_is_entry_key_value(self) -> None:
        result = {
            "VerificationAttributes": {
                "example.com": {"VerificationStatus": "Success", "VerificationToken": "tok="},
                "a@example.com": {"VerificationStatus": "Pending"},
            }
        }
        body = result_body("GetIdentityVerificationAttributes", result, request_id="r")
        assert (
            b"<VerificationAttributes><entry><key>example.com</key><value>"
            b"<VerificationStatus>Success</VerificationStatus>"
            b"<VerificationToken>tok=</VerificationToken></value></entry>"
        ) in body
        assert _round_trip("GetIdentityVerificationAttributes", result) == result

    def test_timestamp_milliseconds_utc(self) -> None:
        when = datetime(2026, 11, 26, 7, 49, 50, 123456, tzinfo=timezone(timedelta(hours=1)))
        result = {"TemplatesMetadata": [{"Name": "t", "CreatedTimestamp": when}]}
        body = result_body("ListTemplates", result, request_id="r")
        assert b"<CreatedTimestamp>2026-11-26T06:49:50.123Z</CreatedTimestamp>" in body
        parsed = _round_trip("ListTemplates", result)
        assert parsed["TemplatesMetadata"][0]["CreatedTimestamp"] == datetime(
            2026, 11, 26, 6, 49, 50, 123000, tzinfo=UTC
        )

    def test_list_of_structures(self) -> None:
        result = {
            "Status": [
                {"Status": "Success", "MessageId": "m-1"},
                {"Status": "MessageRejected", "Error": "Email address is not verified."},
            ]
        }
        assert _round_trip("SendBulkTemplatedEmail", result) == result

    def test_boolean_false_and_integer(self) -> None:
        result = {"Enabled": False}
        assert b"<Enabled>false</Enabled>" in result_body(
            "GetAccountSendingEnabled", result, request_id="r"
        )
        assert _round_trip("GetAccountSendingEnabled", result) == result

    def test_crlf_and_markup_survive(self) -> None:
        """A rendered MIME message keeps its CRLF line ends and markup through the XML."""
        text = "Subject: Hi <b>&</b>\r\nMIME-Version: 1.0\r\n\r\nbody\r\n"
        assert _round_trip("TestRenderTemplate", {"RenderedTemplate": text}) == {
            "RenderedTemplate": text
        }

    def test_xml_invalid_characters_replaced(self) -> None:
        parsed = _round_trip("TestRenderTemplate", {"RenderedTemplate": "a\x00b\x1fc\td"})
        assert parsed == {"RenderedTemplate": "a\ufffdb\ufffdc\td"}

    def test_none_members_left_out(self) -> None:
        body = result_body(
            "ListTemplates", {"TemplatesMetadata": [], "NextToken": None}, request_id="r"
        )
        assert b"NextToken" not in body

    def test_operation_without_output(self) -> None:
        body = result_body("VerifyEmailAddress", None, request_id="r-2")
        assert body.endswith(
            b"<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata>"
            b"</VerifyEmailAddressResponse>"
        )
        assert b"Result" not in body

    def test_empty_result_wrapper(self) -> None:
        """An output shape without members still has its (empty) result element (e)."""
        assert b"<VerifyEmailIdentityResult/>" in result_body(
            "VerifyEmailIdentity", {}, request_id="r"
        )

    def test_map_of_strings(self) -> None:
        result = {"Policies": {"p1": '{"Version":"2012-10-17"}', "p2": "{}"}}
        assert _round_trip("GetIdentityPolicies", result) == result


class TestBadResults:
    def test_unknown_member(self) -> None:
        with pytest.raises(ParamError) as info:
            result_body("GetSendQuota", {"Max24HourSend": 1.0, "Nope": 1}, request_id="r")
        assert info.value.param == "Nope"

    def test_unknown_nested_member(self) -> None:
        with pytest.raises(ParamError) as info:
            result_body(
                "GetTemplate", {"Template": {"TemplateName": "t", "Extra": "x"}}, request_id="r"
            )
        assert info.value.param == "Template.Extra"

    def test_wrong_type_names_the_path(self) -> None:
        with pytest.raises(ParamError) as info:
            result_body("ListIdentities", {"Identities": ["a", 3]}, request_id="r")
        assert info.value.param == "Identities.2"
        assert str(info.value) == "wrong type: expected string, got int: 'Identities.2'"

    def test_bool_is_not_an_integer(self) -> None:
        with pytest.raises(ParamError):
            result_body(
                "GetSendStatistics",
                {"SendDataPoints": [{"DeliveryAttempts": True}]},
                request_id="r",
            )

    def test_naive_timestamp(self) -> None:
        with pytest.raises(ParamError, match="time zone"):
            result_body(
                "ListTemplates",
                {"TemplatesMetadata": [{"Name": "t", "CreatedTimestamp": datetime(2026, 1, 1)}]},
                request_id="r",
            )

    def test_result_for_operation_without_output(self) -> None:
        with pytest.raises(ParamError):
            result_body("VerifyEmailAddress", {"X": 1}, request_id="r")

    def test_unknown_action(self) -> None:
        with pytest.raises(KeyError):
            result_body("Nope", {}, request_id="r")
