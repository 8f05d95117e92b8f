"""SES v2 on the local SES over a real socket: boto3's ``sesv2`` client (botocore 1.44.8) and
awscrt (0.38.1) against the ``ses_endpoint`` fixture and a strict :class:`Endpoint` (HTTPS on
127.0.0.1), with Classic's ``ses`` client on the same account.

Expected values: the SES v2 model (botocore's ``sesv2/2019-09-27/service-2.json``: operations,
shapes, error codes and statuses) read by hand; the shared account
(docs/spec.md#http-ses-v2-state); the canonical path of ``a+b@example.com``
(docs/spec.md#enc-canonical-path) worked by hand and by botocore's and awscrt's signers. Answers
are read by botocore's parsers, the stored messages through the endpoint's own routes.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from sesspec import fake
from sesspec.serve import Endpoint
from sesspec.serve.pytest_plugin import SesEndpoint
from tests._v2 import client_error

SIMPLE = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}
#: The identity of the issue, sent in the path as a%2Bb%40example.com.
PLUS = "a+b@example.com"
#: Its canonical URI, worked by hand: the path as sent, each '%' encoded again (%25).
PLUS_CANONICAL = "/v2/email/identities/a%252Bb%2540example.com"
_CONFIG = Config(retries={"max_attempts": 1})


def _v2(endpoint: SesEndpoint | Endpoint, **overrides: str) -> Any:
    return boto3.client("sesv2", config=_CONFIG, **{**endpoint.boto3_kwargs(), **overrides})


def _classic(endpoint: SesEndpoint) -> Any:
    return boto3.client("ses", config=_CONFIG, **endpoint.boto3_kwargs())


def _get(endpoint: SesEndpoint, path: str) -> bytes:
    context = ssl.create_default_context(cafile=endpoint.ca_path)
    with urllib.request.urlopen(  # noqa: S310 - the loopback endpoint of this test
        endpoint.url + path, context=context, timeout=30
    ) as answer:
        data: bytes = answer.read()
    return data


class TestAnApplication:
    """docs/spec.md#http-ses-v2-served: what an application does with SES v2, over HTTPS."""

    def test_identities(self, ses_endpoint: SesEndpoint) -> None:
        v2 = _v2(ses_endpoint)
        made = v2.create_email_identity(EmailIdentity=PLUS)
        assert (made["IdentityType"], made["VerifiedForSendingStatus"]) == (
            "EMAIL_ADDRESS",
            True,
        )
        got = v2.get_email_identity(EmailIdentity=PLUS)
        assert (got["IdentityType"], got["VerificationStatus"]) == ("EMAIL_ADDRESS", "SUCCESS")
        listed = v2.list_email_identities()["EmailIdentities"]
        assert [(i["IdentityName"], i["SendingEnabled"]) for i in listed] == [(PLUS, True)]
        with pytest.raises(ClientError) as exc:
            v2.create_email_identity(EmailIdentity=PLUS)
        assert client_error(exc)[:2] == ("AlreadyExistsException", 400)
        v2.delete_email_identity(EmailIdentity=PLUS)
        with pytest.raises(ClientError) as exc:
            v2.get_email_identity(EmailIdentity=PLUS)
        assert client_error(exc)[:2] == ("NotFoundException", 404)
        ses_endpoint.assert_conformant()

    def test_templates(self, ses_endpoint: SesEndpoint) -> None:
        v2 = _v2(ses_endpoint)
        v2.create_email_template(
            TemplateName="welcome",
            TemplateContent={"Subject": "Welcome, {{name}}", "Text": "Hello {{name}}"},
        )
        v2.update_email_template(
            TemplateName="welcome",
            TemplateContent={"Subject": "Welcome, {{name}}!", "Html": "<p>{{name}}</p>"},
        )
        got = v2.get_email_template(TemplateName="welcome")["TemplateContent"]
        assert got == {"Subject": "Welcome, {{name}}!", "Html": "<p>{{name}}</p>"}
        names = [t["TemplateName"] for t in v2.list_email_templates()["TemplatesMetadata"]]
        assert names == ["welcome"]
        rendered = v2.test_render_email_template(
            TemplateName="welcome", TemplateData='{"name": "Ana"}'
        )["RenderedTemplate"]
        assert "Subject: Welcome, Ana!" in rendered
        v2.delete_email_template(TemplateName="welcome")
        with pytest.raises(ClientError) as exc:
            v2.get_email_template(TemplateName="welcome")
        assert client_error(exc)[:2] == ("NotFoundException", 404)

    def test_the_three_contents_and_the_bulk_send(self, ses_endpoint: SesEndpoint) -> None:
        v2 = _v2(ses_endpoint)
        v2.create_configuration_set(ConfigurationSetName="marketing")
        v2.create_email_template(TemplateName="t", TemplateContent={"Subject": "Hi {{name}}"})
        simple = v2.send_email(
            FromEmailAddress="shop@example.com",
            Destination={"ToAddresses": ["ana@example.com"]},
            Content=SIMPLE,
            ConfigurationSetName="marketing",
            EmailTags=[{"Name": "kind", "Value": "welcome"}],
        )["MessageId"]
        raw = b"From: shop@example.com\r\nTo: bo@example.com\r\nSubject: raw\r\n\r\nbody\r\n"
        v2.send_email(Content={"Raw": {"Data": raw}})
        v2.send_email(
            FromEmailAddress="shop@example.com",
            Destination={"ToAddresses": ["cy@example.com"]},
            Content={"Template": {"TemplateName": "t", "TemplateData": '{"name": "Cy"}'}},
        )
        results = v2.send_bulk_email(
            FromEmailAddress="shop@example.com",
            DefaultContent={"Template": {"TemplateName": "t", "TemplateData": '{"name": "all"}'}},
            BulkEmailEntries=[
                {"Destination": {"ToAddresses": ["di@example.com"]}},
                {"Destination": {"ToAddresses": ["ed@example.com"]}},
            ],
        )["BulkEmailEntryResults"]
        assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]

        first = ses_endpoint.assert_sent(to="ana@example.com", action="sesv2:SendEmail")
        assert (first.id, first.subject, first.configuration_set, first.tags) == (
            simple,
            "Hi",
            "marketing",
            (("kind", "welcome"),),
        )
        assert ses_endpoint.assert_sent(to="bo@example.com").raw == raw
        assert ses_endpoint.assert_sent(to="cy@example.com").subject == "Hi Cy"
        bulk = ses_endpoint.messages(action="sesv2:SendBulkEmail")
        assert [(m.to, m.subject) for m in bulk] == [
            (("di@example.com",), "Hi all"),
            (("ed@example.com",), "Hi all"),
        ]
        quota = v2.get_account()["SendQuota"]
        assert quota["SentLast24Hours"] == 5.0
        ses_endpoint.assert_conformant()

    def test_configuration_sets(self, ses_endpoint: SesEndpoint) -> None:
        v2 = _v2(ses_endpoint)
        v2.create_configuration_set(ConfigurationSetName="cs")
        assert v2.get_configuration_set(ConfigurationSetName="cs")["ConfigurationSetName"] == "cs"
        with pytest.raises(ClientError) as exc:
            v2.create_configuration_set(ConfigurationSetName="cs")
        assert client_error(exc)[:2] == ("AlreadyExistsException", 400)
        v2.delete_configuration_set(ConfigurationSetName="cs")
        with pytest.raises(ClientError) as exc:
            v2.send_email(
                FromEmailAddress="shop@example.com",
                Destination={"ToAddresses": ["ana@example.com"]},
                Content=SIMPLE,
                ConfigurationSetName="cs",
            )
        assert client_error(exc)[:2] == ("NotFoundException", 404)
        ses_endpoint.assert_not_sent(to="ana@example.com")

    def test_account(self, ses_endpoint: SesEndpoint) -> None:
        v2 = _v2(ses_endpoint)
        account = v2.get_account()
        assert account["SendQuota"] == {
            "Max24HourSend": 50000.0,
            "MaxSendRate": 14.0,
            "SentLast24Hours": 0.0,
        }
        assert (account["ProductionAccessEnabled"], account["SendingEnabled"]) == (True, True)
        ses_endpoint.sandbox = True
        assert v2.get_account()["ProductionAccessEnabled"] is False

    def test_an_operation_not_served(self, ses_endpoint: SesEndpoint) -> None:
        with pytest.raises(ClientError) as exc:
            _v2(ses_endpoint).create_contact_list(ContactListName="news")
        code, status, message = client_error(exc)
        assert (code, status) == ("NotImplemented", 501)
        assert "SES v2 operation CreateContactList (POST /v2/email/contact-lists)" in message


class TestOneAccount:
    """docs/spec.md#http-ses-v2-state: Classic and v2 on one account, over the same socket."""

    def test_identity_verified_through_classic_sends_through_v2(
        self, ses_endpoint: SesEndpoint
    ) -> None:
        ses_endpoint.sandbox = True
        v2, classic = _v2(ses_endpoint), _classic(ses_endpoint)
        with pytest.raises(ClientError) as exc:
            v2.send_email(
                FromEmailAddress=PLUS,
                Destination={"ToAddresses": ["ana@example.com"]},
                Content=SIMPLE,
            )
        assert client_error(exc)[:2] == ("MessageRejected", 400)
        classic.verify_email_identity(EmailAddress=PLUS)
        classic.verify_email_identity(EmailAddress="ana@example.com")
        assert v2.get_email_identity(EmailIdentity=PLUS)["VerifiedForSendingStatus"] is True
        v2.send_email(
            FromEmailAddress=PLUS,
            Destination={"ToAddresses": ["ana@example.com"]},
            Content=SIMPLE,
        )
        assert ses_endpoint.assert_sent(source=PLUS, count=1).action == "sesv2:SendEmail"
        assert classic.get_send_quota()["SentLast24Hours"] == 1.0

    def test_template_made_through_v2_sent_through_classic(self, ses_endpoint: SesEndpoint) -> None:
        v2, classic = _v2(ses_endpoint), _classic(ses_endpoint)
        v2.create_email_template(
            TemplateName="welcome", TemplateContent={"Subject": "Welcome, {{name}}", "Text": "x"}
        )
        classic.send_templated_email(
            Source="shop@example.com",
            Destination={"ToAddresses": ["ana@example.com"]},
            Template="welcome",
            TemplateData='{"name": "Ana"}',
        )
        sent = ses_endpoint.assert_sent(to="ana@example.com")
        assert (sent.action, sent.subject) == ("SendTemplatedEmail", "Welcome, Ana")
        classic.delete_template(TemplateName="welcome")
        with pytest.raises(ClientError) as exc:
            v2.get_email_template(TemplateName="welcome")
        assert client_error(exc)[:2] == ("NotFoundException", 404)
        ses_endpoint.assert_conformant()

    def test_messages_in_aws_ses_and_on_the_page(self, ses_endpoint: SesEndpoint) -> None:
        message_id = _v2(ses_endpoint).send_email(
            FromEmailAddress="shop@example.com",
            Destination={"ToAddresses": ["ana@example.com"]},
            Content=SIMPLE,
        )["MessageId"]
        [listed] = json.loads(_get(ses_endpoint, "_aws/ses?email=ana@example.com"))["messages"]
        assert (listed["Id"], listed["Action"], listed["Subject"]) == (
            message_id,
            "sesv2:SendEmail",
            "Hi",
        )
        assert [f["message"] for f in listed["Findings"]] == [
            "signature verified (SigV4, service ses)"
        ]
        page = _get(ses_endpoint, "_sesspec/").decode("utf-8")
        assert message_id in page
        assert "sesv2:SendEmail" in page


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[Endpoint]:
    """A strict local SES: a v2 request whose signature fails is refused."""
    with Endpoint(
        tmp_path / "captures.jsonl", ca_path=tmp_path / "ca.pem", state=True, strict=True
    ) as endpoint:
        yield endpoint


class TestSignatures:
    """docs/spec.md#http-ses-v2-auth: the one SigV4 verifier, the path encoded twice."""

    def test_botocore_signs_the_plus_identity_so(self) -> None:
        """botocore's sesv2 signer (1.44.8) gives the canonical URI worked by hand."""
        request = AWSRequest(
            method="GET",
            url="https://email.us-east-1.amazonaws.com/v2/email/identities/a%2Bb%40example.com",
        )
        credentials = Credentials(fake.ACCESS_KEY_ID, fake.SECRET_ACCESS_KEY)
        signer = SigV4Auth(credentials, "ses", "us-east-1")
        request.context["timestamp"] = "20260101T000000Z"
        assert signer.canonical_request(request).split("\n")[1] == PLUS_CANONICAL

    def test_strict_answers_botocores_plus_identity(self, strict: Endpoint) -> None:
        v2 = _v2(strict)
        v2.create_email_identity(EmailIdentity=PLUS)
        got = v2.get_email_identity(EmailIdentity=PLUS)
        assert got["VerificationStatus"] == "SUCCESS"
        v2.delete_email_identity(EmailIdentity=PLUS)

    def test_strict_refuses_another_secret(self, strict: Endpoint) -> None:
        v2 = _v2(strict, aws_secret_access_key="not-the-secret")
        with pytest.raises(ClientError) as exc:
            v2.create_email_identity(EmailIdentity=PLUS)
        code, status, message = client_error(exc)
        assert (code, status) == ("InvalidSignatureException", 403)
        assert "The Canonical String for this request should have been" in message
        assert "not-the-secret" not in message
        assert _v2(strict).list_email_identities()["EmailIdentities"] == []

    def test_findings_name_another_secret(self, ses_endpoint: SesEndpoint) -> None:
        """Not strict: served, and the fixture's verdict names the signature."""
        _v2(ses_endpoint, aws_secret_access_key="not-the-secret").get_account()
        [(capture, found)] = ses_endpoint.findings()
        assert capture.action == "sesv2:GetAccount"
        assert [(f.rule, f.severity, str(f.location)) for f in found] == [
            ("SESv2", "error", "header Authorization")
        ]
        assert found[0].message.startswith("InvalidSignatureException: ")
        with pytest.raises(AssertionError, match="sesv2:GetAccount"):
            ses_endpoint.assert_conformant()

    def test_findings_name_the_input(self, ses_endpoint: SesEndpoint) -> None:
        """A body the model refuses: answered 400, and the verdict names the member."""
        config = Config(retries={"max_attempts": 1}, parameter_validation=False)
        v2 = boto3.client("sesv2", config=config, **ses_endpoint.boto3_kwargs())
        with pytest.raises(ClientError) as exc:
            v2.send_email(FromEmailAddress="shop@example.com")
        assert client_error(exc)[:2] == ("BadRequestException", 400)
        [(_, found)] = ses_endpoint.findings()
        assert [(f.rule, str(f.location)) for f in found] == [("SESv2", "body")]
        assert "'Content' failed to satisfy constraint: Member must not be null" in found[0].message

    @pytest.mark.parametrize(("double", "status"), [(True, 200), (False, 403)])
    def test_awscrt_signs_the_plus_identity(
        self, strict: Endpoint, double: bool, status: int
    ) -> None:
        """awscrt 0.38.1 signing GET /v2/email/identities/a%2Bb%40example.com: with SigV4's
        double encoding (every service but S3) the strict endpoint answers it; signed as S3 is
        (the path once), it refuses it."""
        auth = pytest.importorskip("awscrt.auth")
        crt_http = pytest.importorskip("awscrt.http")
        _v2(strict).create_email_identity(EmailIdentity=PLUS)
        host = strict.url.removeprefix("https://").rstrip("/")
        path = "/v2/email/identities/a%2Bb%40example.com"
        config = auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=auth.AwsCredentialsProvider.new_static(
                fake.ACCESS_KEY_ID, fake.SECRET_ACCESS_KEY
            ),
            region="us-east-1",
            service="ses",
            date=datetime.now(UTC),
            use_double_uri_encode=double,
        )
        request = crt_http.HttpRequest("GET", path, crt_http.HttpHeaders([("Host", host)]))
        auth.aws_sign_request(request, config).result()
        context = ssl.create_default_context(cafile=str(strict.ca_path))
        connection = http.client.HTTPSConnection(host, context=context, timeout=30)
        try:
            connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                connection.putheader(name, value)
            connection.endheaders()
            answer = connection.getresponse()
            body = json.loads(answer.read())
        finally:
            connection.close()
        assert answer.status == status
        if double:
            assert body["IdentityType"] == "EMAIL_ADDRESS"
        else:
            assert answer.getheader("x-amzn-ErrorType") == "InvalidSignatureException"
            assert f"'GET\n{PLUS_CANONICAL}\n" in body["message"]
