"""SES v2 on the local SES, without a socket: botocore's ``sesv2`` and ``ses`` clients (1.44.8)
against the applications over one state (tests/_v2.py).

Expected values: the operations, shapes, enums, bounds and error statuses of the SES v2 model
(MODEL-V2, botocore's ``sesv2/2019-09-27/service-2.json``), read off it by hand; SES v2's error
form (docs/spec.md#http-ses-v2-wire); the shared account (docs/spec.md#http-ses-v2-state);
answers are read by botocore's REST-JSON and Query parsers, never sesspec's.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from sesspec import fake
from sesspec.model import sesv2_model
from sesspec.serve.app import Mode
from sesspec.serve.inbox import render_inbox
from sesspec.serve.state import SesState
from sesspec.serve.v2.operations import HANDLERS
from sesspec.serve.v2.reading import MAX_INTEGER_DIGITS, MAX_JSON_DEPTH, MAX_PROBLEMS
from tests._v2 import HOST, Harness, client_error, raw_request

SIMPLE = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}


def _json(answer: Any) -> tuple[int, str | None, dict[str, Any]]:
    headers = dict(answer.headers)
    return answer.status, headers.get("x-amzn-ErrorType"), json.loads(answer.body)


def _post(harness: Harness, path: str, body: bytes) -> tuple[int, str | None, dict[str, Any]]:
    headers = (("Content-Type", "application/json"),)
    return _json(harness.answer(raw_request("POST", path, body, headers=headers)))


@pytest.fixture
def ses() -> Harness:
    return Harness()


class TestRoutes:
    """docs/spec.md#http-ses-v2-wire: an operation by method and path template; a path that
    names none is 404 UnknownOperationException; an operation not served 501 NotImplemented,
    named, in JSON (docs/spec.md#http-ses-v2-served)."""

    def test_unknown_path(self, ses: Harness) -> None:
        status, code, body = _json(ses.answer(raw_request("GET", "/v2/email/nothing")))
        assert (status, code) == (404, "UnknownOperationException")
        assert body == {"message": "No SES v2 operation at GET /v2/email/nothing"}

    def test_known_path_other_method(self, ses: Harness) -> None:
        status, code, body = _json(ses.answer(raw_request("PATCH", "/v2/email/templates")))
        assert (status, code) == (404, "UnknownOperationException")
        message = body["message"]
        assert message.startswith("No SES v2 operation at PATCH /v2/email/templates; this path")
        assert sorted(message.rpartition(" ")[2].split("/")) == ["GET", "POST"]

    @pytest.mark.parametrize(
        ("header", "field"),
        [
            (("Origin", "https://evil.example"), "origin"),
            (("Origin", "null"), "origin"),
            (("Sec-Fetch-Site", "same-site"), "sec-fetch-site"),
            (("Sec-Fetch-Site", "cross-site"), "sec-fetch-site"),
        ],
    )
    def test_another_sites_page_is_refused(
        self, ses: Harness, header: tuple[str, str], field: str
    ) -> None:
        """docs/spec.md#http-ses-v2-wire: the site policy Classic's API has (serve/sites.py),
        before the operation is even looked up; nothing is done."""
        body = b'{"EmailIdentity": "a@example.com"}'
        headers = (("Content-Type", "application/json"), header)
        answer = ses.answer(raw_request("POST", "/v2/email/identities", body, headers=headers))
        status, code, _ = _json(answer)
        assert (status, code) == (403, "AccessDeniedException")
        assert f"cross-site: {field}" in ses.recorded.captures[-1].notes
        assert ses.v2.list_email_identities()["EmailIdentities"] == []

    @pytest.mark.parametrize("value", ["same-origin", "none"])
    def test_own_fetch_passes(self, ses: Harness, value: str) -> None:
        headers = (("Sec-Fetch-Site", value),)
        answer = ses.answer(raw_request("GET", "/v2/email/account", headers=headers))
        assert answer.status == 200

    def test_a_rebinding_host_is_refused(self, ses: Harness) -> None:
        data = b"GET /v2/email/account HTTP/1.1\r\nHost: rebind.example:4566\r\n\r\n"
        status, code, body = _json(ses.answer(data))
        assert (status, code) == (403, "AccessDeniedException")
        assert body["message"].startswith("Host 'rebind.example:4566' is neither this machine")

    def test_bad_percent_encoding_in_a_label(self, ses: Harness) -> None:
        status, code, body = _json(ses.answer(raw_request("GET", "/v2/email/identities/%ZZ")))
        assert (status, code) == (400, "BadRequestException")
        assert body["message"].startswith("URI label EmailIdentity is not percent-encoded UTF-8")

    def test_an_operation_not_served_is_named(self, ses: Harness) -> None:
        with pytest.raises(ClientError) as exc:
            ses.v2.create_contact_list(ContactListName="news")
        code, status, message = client_error(exc)
        assert (code, status) == ("NotImplemented", 501)
        assert message.startswith(
            "sesspec's local SES does not serve the SES v2 operation CreateContactList "
            "(POST /v2/email/contact-lists); it serves CreateConfigurationSet, "
        )

    @pytest.mark.parametrize("name", sorted(set(sesv2_model().operations) - set(HANDLERS)), ids=str)
    def test_every_operation_not_served_answers_json_naming_it(
        self, ses: Harness, name: str
    ) -> None:
        op = sesv2_model().operations[name]
        path = op.request_uri.replace("{", "").replace("}", "").replace("+", "")
        body = b"{}" if op.http_method in ("POST", "PUT", "PATCH") else b""
        answer = ses.answer(raw_request(op.http_method, path, body))
        assert answer.content_type == "application/json"
        assert not answer.body.lstrip().startswith(b"<")
        status, code, found = _json(answer)
        assert (status, code) == (501, "NotImplemented")
        assert f" operation {name} ({op.http_method} {op.request_uri})" in found["message"]

    def test_the_served_operations(self) -> None:
        """The brief's list: the operations an application sends mail with."""
        assert sorted(HANDLERS) == sorted(
            [
                "SendEmail",
                "SendBulkEmail",
                "CreateEmailIdentity",
                "GetEmailIdentity",
                "ListEmailIdentities",
                "DeleteEmailIdentity",
                "CreateEmailTemplate",
                "GetEmailTemplate",
                "UpdateEmailTemplate",
                "DeleteEmailTemplate",
                "ListEmailTemplates",
                "TestRenderEmailTemplate",
                "GetAccount",
                "CreateConfigurationSet",
                "GetConfigurationSet",
                "DeleteConfigurationSet",
            ]
        )


class TestInput:
    """docs/spec.md#http-ses-v2-wire: the body read within its bounds, the input checked against
    the model's shapes, every problem named."""

    def test_required_member(self, ses: Harness) -> None:
        assert _post(ses, "/v2/email/outbound-emails", b"{}") == (
            400,
            "BadRequestException",
            {
                "message": "1 validation error detected: Value at 'Content' failed to satisfy "
                "constraint: Member must not be null"
            },
        )

    def test_every_problem_is_named(self, ses: Harness) -> None:
        body = json.dumps({"Content": {"Simple": {}}}).encode()
        _, _, found = _post(ses, "/v2/email/outbound-emails", body)
        assert found["message"] == (
            "2 validation errors detected: Value at 'Content.Simple.Subject' failed to satisfy "
            "constraint: Member must not be null; Value at 'Content.Simple.Body' failed to "
            "satisfy constraint: Member must not be null"
        )

    @pytest.mark.parametrize(("entries", "more"), [(MAX_PROBLEMS, ""), (MAX_PROBLEMS + 1, "1")])
    def test_problems_named_up_to_the_bound(self, ses: Harness, entries: int, more: str) -> None:
        body = {
            "FromEmailAddress": "a@example.com",
            "DefaultContent": {"Template": {"TemplateName": "t"}},
            "BulkEmailEntries": [{}] * entries,
        }
        _, _, found = _post(ses, "/v2/email/outbound-bulk-emails", json.dumps(body).encode())
        message = found["message"]
        assert message.startswith(f"{entries} validation errors detected: ")
        assert message.count("failed to satisfy constraint") == MAX_PROBLEMS
        assert message.endswith(f"; and {more} more" if more else "Member must not be null")

    def test_enum(self, ses: Harness) -> None:
        body = {
            "EmailIdentity": "example.com",
            "DkimSigningAttributes": {"NextSigningKeyLength": "RSA_4096"},
        }
        _, code, found = _post(ses, "/v2/email/identities", json.dumps(body).encode())
        assert code == "BadRequestException"
        assert found["message"] == (
            '1 validation error detected: Value "RSA_4096" at '
            "'DkimSigningAttributes.NextSigningKeyLength' failed to satisfy constraint: Member "
            "must satisfy enum value set: [RSA_1024_BIT, RSA_2048_BIT]"
        )

    def test_type(self, ses: Harness) -> None:
        body = {"TemplateName": 5, "TemplateContent": {}}
        _, _, found = _post(ses, "/v2/email/templates", json.dumps(body).encode())
        assert found["message"] == (
            "1 validation error detected: Value at 'TemplateName' failed to satisfy constraint: "
            "Member must be a string, not a number"
        )

    @pytest.mark.parametrize(("name", "ok"), [("", False), ("a", True)])
    def test_min_length(self, ses: Harness, name: str, ok: bool) -> None:
        """MODEL-V2 ``EmailTemplateName``: min 1."""
        body = {"TemplateName": name, "TemplateContent": {"Subject": "s"}}
        status, _, found = _post(ses, "/v2/email/templates", json.dumps(body).encode())
        if ok:
            assert (status, found) == (200, {})
        else:
            assert found["message"].endswith(
                "'TemplateName' failed to satisfy constraint: Member must have length greater "
                "than or equal to 1"
            )

    @pytest.mark.parametrize(("size", "ok"), [(262144, True), (262145, False)])
    def test_max_length(self, ses: Harness, size: int, ok: bool) -> None:
        """MODEL-V2 ``EmailTemplateData``: max 262144."""
        ses.v2.create_email_template(TemplateName="t", TemplateContent={"Subject": "{{a}}"})
        data = '{"a":"' + "x" * (size - 8) + '"}'
        assert len(data) == size
        body = json.dumps({"TemplateData": data}).encode()
        status, _, found = _post(ses, "/v2/email/templates/t/render", body)
        if ok:
            assert status == 200
            assert "Subject: " in found["RenderedTemplate"]
        else:
            assert found["message"].endswith(
                "'TemplateData' failed to satisfy constraint: Member must have length less than "
                "or equal to 262144"
            )

    def test_blob_must_be_base64(self, ses: Harness) -> None:
        body = json.dumps({"Content": {"Raw": {"Data": "!!"}}}).encode()
        _, _, found = _post(ses, "/v2/email/outbound-emails", body)
        assert found["message"].endswith(
            "'Content.Raw.Data' failed to satisfy constraint: Member must be base64 (RFC 4648)"
        )

    def test_query_integer(self, ses: Harness) -> None:
        status, code, found = _json(
            ses.answer(raw_request("GET", "/v2/email/templates?PageSize=x"))
        )
        assert (status, code) == (400, "BadRequestException")
        assert found["message"] == (
            "1 validation error detected: Value \"x\" at 'PageSize' failed to satisfy constraint: "
            "Member must be an integer"
        )

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (b"\xff{}", "the body is not UTF-8: byte 0 (0xff)"),
            (
                b"{",
                "the body is not JSON: Expecting property name enclosed in double quotes "
                "(line 1, column 2)",
            ),
            (b"[]", "the body must be a JSON object, not an array"),
            (b'{"x": NaN}', "the body cannot be read: NaN is not JSON"),
        ],
    )
    def test_body_that_cannot_be_read(self, ses: Harness, body: bytes, message: str) -> None:
        assert _post(ses, "/v2/email/outbound-emails", body) == (
            400,
            "SerializationException",
            {"message": message},
        )

    @pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1])
    def test_depth_bound(self, ses: Harness, depth: int) -> None:
        inner = depth - 1  # the object around it is one level
        body = '{"x":' + "[" * inner + "]" * inner + ', "y": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'
        _, code, found = _post(ses, "/v2/email/outbound-emails", body.encode())
        if depth <= MAX_JSON_DEPTH:
            assert code == "BadRequestException"  # read; then Content is missing
        else:
            assert (code, found["message"]) == (
                "SerializationException",
                f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels",
            )

    @pytest.mark.parametrize("digits", [MAX_INTEGER_DIGITS, MAX_INTEGER_DIGITS + 1])
    def test_digits_bound(self, ses: Harness, digits: int) -> None:
        body = ('{"x": ' + "9" * digits + "}").encode()
        _, code, found = _post(ses, "/v2/email/outbound-emails", body)
        if digits <= MAX_INTEGER_DIGITS:
            assert code == "BadRequestException"
        else:
            assert (code, found["message"]) == (
                "SerializationException",
                f"the body cannot be read: an integer of {digits} characters (at most "
                f"{MAX_INTEGER_DIGITS} digits)",
            )

    def test_unknown_members_are_ignored(self, ses: Harness) -> None:
        body = {
            "FromEmailAddress": "a@example.com",
            "Destination": {"ToAddresses": ["b@example.com"]},
            "Content": SIMPLE,
            "NotInTheModel": {"x": 1},
        }
        status, _, found = _post(ses, "/v2/email/outbound-emails", json.dumps(body).encode())
        assert status == 200
        assert found["MessageId"]


def _signed(
    method: str,
    path: str,
    body: bytes,
    *,
    service: str = "ses",
    secret: str = fake.SECRET_ACCESS_KEY,
) -> bytes:
    """``path`` (as sent, percent-encoded) signed by botocore's SigV4Auth for ``service``."""
    request = AWSRequest(
        method=method,
        url=f"https://{HOST}{path}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    SigV4Auth(Credentials(fake.ACCESS_KEY_ID, secret), service, "us-east-1").add_auth(request)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{n}: {v}" for n, v in request.headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class TestSignature:
    """docs/spec.md#http-ses-v2-auth: the one verifier with the fake credentials; refused in
    strict mode, recorded otherwise."""

    def test_verified(self, ses: Harness) -> None:
        ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Content=SIMPLE,
        )
        assert not [n for c in ses.recorded.captures for n in c.notes if n.startswith("v2-")]
        [message] = ses.state.mailbox.messages()
        assert message.findings == [
            {
                "rule": "SESv2",
                "severity": "info",
                "message": "signature verified (SigV4, service ses)",
                "location": "signature",
                "citation": "docs/spec.md#http-ses-v2-auth",
            }
        ]

    def test_wrong_secret_recorded_when_not_strict(self) -> None:
        ses = Harness(secret="not-the-secret")
        ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Content=SIMPLE,
        )
        assert "v2-signature: InvalidSignatureException" in ses.recorded.captures[-1].notes
        [message] = ses.state.mailbox.messages()
        assert message.findings[0]["severity"] == "error"
        assert message.findings[0]["message"].startswith(
            "InvalidSignatureException: The request signature we calculated"
        )

    def test_wrong_secret_refused_when_strict(self) -> None:
        ses = Harness(secret="not-the-secret", mode=Mode(strict=True))
        with pytest.raises(ClientError) as exc:
            ses.v2.get_account()
        code, status, message = client_error(exc)
        assert (code, status) == ("InvalidSignatureException", 403)
        assert (
            "The Canonical String for this request should have been\n'GET\n/v2/email/account\n"
            in message
        )
        assert "strict: InvalidSignatureException" in ses.recorded.captures[-1].notes

    def test_unknown_key_refused_when_strict(self) -> None:
        ses = Harness(access_key_id="AKIDOTHER", mode=Mode(strict=True))
        with pytest.raises(ClientError) as exc:
            ses.v2.get_account()
        assert client_error(exc) == (
            "UnrecognizedClientException",
            403,
            "The security token included in the request is invalid.",
        )

    def test_unsigned_refused_when_strict(self) -> None:
        ses = Harness(mode=Mode(strict=True))
        status, code, found = _json(ses.answer(raw_request("GET", "/v2/email/account")))
        assert (status, code, found) == (
            403,
            "MissingAuthenticationTokenException",
            {"message": "Missing Authentication Token"},
        )

    def test_scope_of_another_service_refused_when_strict(self) -> None:
        ses = Harness(mode=Mode(strict=True))
        status, code, found = _json(
            ses.answer(_signed("GET", "/v2/email/account", b"", service="email"))
        )
        assert (status, code) == (403, "InvalidSignatureException")
        assert found["message"].startswith("Credential should be scoped to correct service: 'ses'.")

    def test_outside_the_window_refused_when_strict(self) -> None:
        ses = Harness(mode=Mode(strict=True))
        data = _signed("GET", "/v2/email/account", b"")
        late = time.time_ns() + 16 * 60 * 10**9
        status, code, _ = _json(ses.answer(data, arrived_ns=late))
        assert (status, code) == (403, "InvalidSignatureException")

    def test_identity_with_plus_in_the_path(self) -> None:
        """botocore sends a+b@example.com as a%2Bb%40example.com and signs it twice encoded; the
        verifier agrees (strict mode answers it)."""
        ses = Harness(mode=Mode(strict=True))
        ses.v2.create_email_identity(EmailIdentity="a+b@example.com")
        found = ses.v2.get_email_identity(EmailIdentity="a+b@example.com")
        assert found["IdentityType"] == "EMAIL_ADDRESS"
        assert b"GET /v2/email/identities/a%2Bb%40example.com HTTP/1.1" in ses.sent[-1]
        assert ses.classic.list_identities()["Identities"] == ["a+b@example.com"]


class TestSharedState:
    """docs/spec.md#http-ses-v2-state: one account for both APIs."""

    def test_identity_made_in_v2_is_verified_in_classic(self, ses: Harness) -> None:
        ses.v2.create_email_identity(EmailIdentity="ana@example.com")
        found = ses.classic.get_identity_verification_attributes(Identities=["ana@example.com"])
        assert found["VerificationAttributes"]["ana@example.com"]["VerificationStatus"] == "Success"

    def test_identity_verified_in_classic_is_got_in_v2(self, ses: Harness) -> None:
        ses.classic.verify_domain_identity(Domain="example.org")
        found = ses.v2.get_email_identity(EmailIdentity="example.org")
        assert (found["IdentityType"], found["VerificationStatus"]) == ("DOMAIN", "SUCCESS")
        assert len(found["DkimAttributes"]["Tokens"]) == 3
        listed = ses.v2.list_email_identities()["EmailIdentities"]
        assert [(i["IdentityName"], i["IdentityType"]) for i in listed] == [
            ("example.org", "DOMAIN")
        ]

    def test_pending_identity(self) -> None:
        ses = Harness(state=SesState(auto_verify=False))
        made = ses.v2.create_email_identity(EmailIdentity="ana@example.com")
        assert made["VerifiedForSendingStatus"] is False
        assert (
            ses.v2.get_email_identity(EmailIdentity="ana@example.com")["VerificationStatus"]
            == "PENDING"
        )

    def test_template_made_in_v2_is_sent_by_classic(self, ses: Harness) -> None:
        ses.v2.create_email_template(
            TemplateName="welcome",
            TemplateContent={"Subject": "Hi {{name}}", "Text": "Hello {{name}}"},
        )
        ses.classic.send_templated_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Template="welcome",
            TemplateData='{"name": "Ana"}',
        )
        [message] = ses.state.mailbox.messages()
        assert (message.action, message.subject, message.text) == (
            "SendTemplatedEmail",
            "Hi Ana",
            "Hello Ana",
        )

    def test_template_made_in_classic_is_sent_by_v2(self, ses: Harness) -> None:
        ses.classic.create_template(
            Template={
                "TemplateName": "welcome",
                "SubjectPart": "Hi {{name}}",
                "HtmlPart": "<p>{{name}}</p>",
            }
        )
        got = ses.v2.get_email_template(TemplateName="welcome")
        assert got["TemplateContent"] == {"Subject": "Hi {{name}}", "Html": "<p>{{name}}</p>"}
        ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Content={"Template": {"TemplateName": "welcome", "TemplateData": '{"name": "Bo"}'}},
        )
        [message] = ses.state.mailbox.messages()
        assert (message.action, message.subject, message.html) == (
            "sesv2:SendEmail",
            "Hi Bo",
            "<p>Bo</p>",
        )

    def test_one_quota(self, ses: Harness) -> None:
        ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={
                "ToAddresses": ["b@example.com", "c@example.com"],
                "CcAddresses": ["d@example.com"],
            },
            Content=SIMPLE,
        )
        assert ses.classic.get_send_quota()["SentLast24Hours"] == 3.0
        ses.classic.send_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["e@example.com"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
        account = ses.v2.get_account()
        assert account["SendQuota"] == {
            "Max24HourSend": 50000.0,
            "MaxSendRate": 14.0,
            "SentLast24Hours": 4.0,
        }
        assert account["ProductionAccessEnabled"] is True

    def test_sandbox(self) -> None:
        ses = Harness(state=SesState(sandbox=True))
        assert ses.v2.get_account()["ProductionAccessEnabled"] is False
        with pytest.raises(ClientError) as exc:
            ses.v2.send_email(
                FromEmailAddress="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Content=SIMPLE,
            )
        code, status, message = client_error(exc)
        assert (code, status) == ("MessageRejected", 400)
        assert message.startswith("Email address is not verified.")
        ses.v2.create_email_identity(EmailIdentity="example.com")
        assert ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Content=SIMPLE,
        )["MessageId"]

    @pytest.mark.parametrize(
        ("call", "expected"),
        [
            (
                lambda c: c.get_email_identity(EmailIdentity="none@example.com"),
                ("NotFoundException", 404),
            ),
            (
                lambda c: c.delete_email_identity(EmailIdentity="none@example.com"),
                ("NotFoundException", 404),
            ),
            (lambda c: c.get_email_template(TemplateName="none"), ("NotFoundException", 404)),
            (lambda c: c.delete_email_template(TemplateName="none"), ("NotFoundException", 404)),
            (
                lambda c: c.update_email_template(
                    TemplateName="none", TemplateContent={"Subject": "s"}
                ),
                ("NotFoundException", 404),
            ),
            (
                lambda c: c.get_configuration_set(ConfigurationSetName="none"),
                ("NotFoundException", 404),
            ),
            (
                lambda c: c.delete_configuration_set(ConfigurationSetName="none"),
                ("NotFoundException", 404),
            ),
            (
                lambda c: c.create_email_identity(EmailIdentity="not an address@"),
                ("BadRequestException", 400),
            ),
        ],
        ids=[
            "get-identity",
            "delete-identity",
            "get-template",
            "delete-template",
            "update-template",
            "get-set",
            "delete-set",
            "bad-identity",
        ],
    )
    def test_errors_in_v2_terms(self, ses: Harness, call: Any, expected: tuple[str, int]) -> None:
        with pytest.raises(ClientError) as exc:
            call(ses.v2)
        assert client_error(exc)[:2] == expected

    @pytest.mark.parametrize(
        "make",
        [
            lambda c: c.create_email_identity(EmailIdentity="ana@example.com"),
            lambda c: c.create_email_template(TemplateName="t", TemplateContent={"Subject": "s"}),
            lambda c: c.create_configuration_set(ConfigurationSetName="cs"),
        ],
        ids=["identity", "template", "configuration-set"],
    )
    def test_made_twice(self, ses: Harness, make: Any) -> None:
        make(ses.v2)
        with pytest.raises(ClientError) as exc:
            make(ses.v2)
        assert client_error(exc)[:2] == ("AlreadyExistsException", 400)

    def test_configuration_set_round_trip(self, ses: Harness) -> None:
        ses.v2.create_configuration_set(ConfigurationSetName="marketing")
        assert ses.classic.list_configuration_sets()["ConfigurationSets"] == [{"Name": "marketing"}]
        assert (
            ses.v2.get_configuration_set(ConfigurationSetName="marketing")["ConfigurationSetName"]
            == "marketing"
        )
        ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Content=SIMPLE,
            ConfigurationSetName="marketing",
        )
        assert ses.state.mailbox.messages()[0].configuration_set == "marketing"
        ses.v2.delete_configuration_set(ConfigurationSetName="marketing")
        assert ses.classic.list_configuration_sets()["ConfigurationSets"] == []


class TestTemplates:
    def test_round_trip_update_list_delete(self, ses: Harness) -> None:
        before = datetime.now(UTC).replace(microsecond=0)
        ses.v2.create_email_template(
            TemplateName="t", TemplateContent={"Subject": "a", "Text": "b"}
        )
        ses.v2.update_email_template(
            TemplateName="t", TemplateContent={"Subject": "c", "Html": "<b>d</b>"}
        )
        assert ses.v2.get_email_template(TemplateName="t")["TemplateContent"] == {
            "Subject": "c",
            "Html": "<b>d</b>",
        }
        [listed] = ses.v2.list_email_templates()["TemplatesMetadata"]
        assert listed["TemplateName"] == "t"
        assert before <= listed["CreatedTimestamp"] <= datetime.now(UTC)
        ses.v2.delete_email_template(TemplateName="t")
        assert ses.v2.list_email_templates()["TemplatesMetadata"] == []

    def test_pages(self, ses: Harness) -> None:
        for n in range(3):
            ses.v2.create_email_template(TemplateName=f"t{n}", TemplateContent={"Subject": "s"})
        first = ses.v2.list_email_templates(PageSize=2)
        second = ses.v2.list_email_templates(PageSize=2, NextToken=first["NextToken"])
        names = [
            m["TemplateName"] for m in first["TemplatesMetadata"] + second["TemplatesMetadata"]
        ]
        assert names == ["t0", "t1", "t2"]
        assert "NextToken" not in second

    def test_render(self, ses: Harness) -> None:
        ses.v2.create_email_template(
            TemplateName="t", TemplateContent={"Subject": "Hi {{name}}", "Text": "x"}
        )
        rendered = ses.v2.test_render_email_template(
            TemplateName="t", TemplateData='{"name": "Ana"}'
        )
        assert "Subject: Hi Ana" in rendered["RenderedTemplate"]
        with pytest.raises(ClientError) as exc:
            ses.v2.test_render_email_template(TemplateName="t", TemplateData="{}")
        assert client_error(exc)[:2] == ("BadRequestException", 400)


class TestSends:
    """docs/spec.md#http-ses-v2-served: the three contents, the bulk send, what is not served."""

    def test_simple_with_charset(self, ses: Harness) -> None:
        content = {
            "Simple": {
                "Subject": {"Data": "Grüße", "Charset": "UTF-8"},
                "Body": {"Html": {"Data": "<p>é</p>"}},
            }
        }
        message_id = ses.v2.send_email(
            FromEmailAddress="Ana <a@example.com>",
            Destination={"ToAddresses": ["b@example.com"], "BccAddresses": ["c@example.com"]},
            ReplyToAddresses=["r@example.com"],
            EmailTags=[{"Name": "kind", "Value": "welcome"}],
            Content=content,
        )["MessageId"]
        [message] = ses.state.mailbox.messages()
        assert (message.id, message.subject, message.html) == (message_id, "Grüße", "<p>é</p>")
        assert (message.to, message.bcc, message.reply_to, message.tags) == (
            ("b@example.com",),
            ("c@example.com",),
            ("r@example.com",),
            (("kind", "welcome"),),
        )

    def test_raw(self, ses: Harness) -> None:
        raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: raw\r\n\r\nbody\r\n"
        ses.v2.send_email(Content={"Raw": {"Data": raw}})
        [message] = ses.state.mailbox.messages()
        assert (message.action, message.subject, message.to, message.raw) == (
            "sesv2:SendEmail",
            "raw",
            ("b@example.com",),
            raw,
        )
        assert base64.b64encode(raw).decode() in ses.sent[-1].decode()

    def test_raw_with_destination(self, ses: Harness) -> None:
        raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: raw\r\n\r\nbody\r\n"
        ses.v2.send_email(
            Destination={"ToAddresses": ["b@example.com"], "BccAddresses": ["hidden@example.com"]},
            Content={"Raw": {"Data": raw}},
        )
        [message] = ses.state.mailbox.messages()
        assert (message.to, message.bcc) == (("b@example.com",), ("hidden@example.com",))

    def test_bulk(self, ses: Harness) -> None:
        ses.v2.create_email_template(TemplateName="t", TemplateContent={"Subject": "Hi {{name}}"})
        results = ses.v2.send_bulk_email(
            FromEmailAddress="a@example.com",
            DefaultContent={"Template": {"TemplateName": "t", "TemplateData": '{"name": "all"}'}},
            BulkEmailEntries=[
                {"Destination": {"ToAddresses": ["b@example.com"]}},
                {
                    "Destination": {"ToAddresses": ["c@example.com"]},
                    "ReplacementEmailContent": {
                        "ReplacementTemplate": {"ReplacementTemplateData": '{"name": "Cy"}'}
                    },
                },
                {"Destination": {"ToAddresses": ["not-an-address"]}},
            ],
        )["BulkEmailEntryResults"]
        assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS", "INVALID_PARAMETER"]
        assert [m.subject for m in ses.state.mailbox.messages()] == ["Hi all", "Hi Cy"]
        assert {m.action for m in ses.state.mailbox.messages()} == {"sesv2:SendBulkEmail"}

    def test_bulk_template_missing(self, ses: Harness) -> None:
        with pytest.raises(ClientError) as exc:
            ses.v2.send_bulk_email(
                FromEmailAddress="a@example.com",
                DefaultContent={"Template": {"TemplateName": "none"}},
                BulkEmailEntries=[{"Destination": {"ToAddresses": ["b@example.com"]}}],
            )
        assert client_error(exc)[:2] == ("NotFoundException", 404)

    def test_attachments_not_served(self, ses: Harness) -> None:
        content = {
            "Simple": {
                **SIMPLE["Simple"],
                "Attachments": [{"RawContent": b"x", "FileName": "a.txt"}],
            }
        }
        with pytest.raises(ClientError) as exc:
            ses.v2.send_email(
                FromEmailAddress="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Content=content,
            )
        assert client_error(exc) == (
            "BadRequestException",
            400,
            "Content.Simple.Attachments is not served by sesspec's local SES "
            "(docs/spec.md#http-ses-v2-served)",
        )

    def test_two_contents(self, ses: Harness) -> None:
        body = {"FromEmailAddress": "a@example.com", "Content": {**SIMPLE, "Raw": {"Data": "eA=="}}}
        _, code, found = _post(ses, "/v2/email/outbound-emails", json.dumps(body).encode())
        assert (code, found["message"]) == (
            "BadRequestException",
            "Content must have exactly one of Simple, Raw and Template, not 2.",
        )

    def test_messages_shown_like_classics(self, ses: Harness) -> None:
        ses.v2.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Content=SIMPLE,
        )
        [listed] = ses.state.mailbox.localstack()["messages"]
        assert (listed["Action"], listed["Subject"], listed["Destination"]["ToAddresses"]) == (
            "sesv2:SendEmail",
            "Hi",
            ["b@example.com"],
        )
        page = render_inbox(ses.state, endpoint_url="https://127.0.0.1:1/", strict=False).decode()
        assert "sesv2:SendEmail" in page
        assert "signature verified (SigV4, service ses)" in page

    def test_kept_in_a_state_folder(self, tmp_path: Any) -> None:
        """A v2 message kept by a durable state (--state-dir) reads back with its v2 action."""
        with SesState(state_dir=tmp_path) as state:
            Harness(state=state).v2.send_email(
                FromEmailAddress="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Content=SIMPLE,
            )
        with SesState(state_dir=tmp_path) as again:
            [listed] = again.mailbox.localstack()["messages"]
        assert (listed["Action"], listed["Subject"]) == ("sesv2:SendEmail", "Hi")


def test_canned_without_state() -> None:
    from sesspec.serve.v2.app import V2Application
    from tests._v2 import Recorded

    app = V2Application(state=None, recorder=Recorded())
    body = json.dumps({"FromEmailAddress": "a@example.com", "Content": SIMPLE}).encode()
    from sesspec.http import read_request
    from sesspec.serve.exchange import Exchange

    answer = app.answer(
        Exchange(
            read_request(raw_request("POST", "/v2/email/outbound-emails", body)), time.time_ns()
        )
    )
    assert answer.status == 200
    assert set(json.loads(answer.body)) == {"MessageId"}
