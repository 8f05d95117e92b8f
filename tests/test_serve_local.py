"""The endpoint as a local SES (state, modes, the endpoint's own paths).

Answers are read by independent parsers: boto3/botocore (1.44.8, the SES model of botocore) for
SES responses and errors, the stdlib ``json`` for ``GET /_aws/ses``. Expected values come from the
SES documentation (cited where used) and, for the LocalStack-compatible JSON, from LocalStack's
``localstack-core/localstack/services/ses/provider.py`` (``SesServiceApiResource``: ``GET`` gives
``{"messages": [...]}`` filtered by ``id`` and ``email``, ``DELETE`` answers 204).
"""

from __future__ import annotations

import json
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sesspec.request import build_request
from sesspec.serve import Endpoint, load_captures
from sesspec.serve.state import SesState
from tests._wire import AKID, SECRET, SERVER_NAME, exchange, parse_response, ses_client

boto3 = pytest.importorskip("boto3")
botocore_exceptions = pytest.importorskip("botocore.exceptions")


def _client(ep: Endpoint) -> Any:
    return ses_client(ep.url, ep.ca_path)


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The error botocore parsed from the answer (code, message, HTTP status)."""
    with pytest.raises(botocore_exceptions.ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return {
        "code": response["Error"]["Code"],
        "message": response["Error"]["Message"],
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
    }


def _http(port: int, method: str, target: str, host: str = "127.0.0.1") -> tuple[int, bytes, str]:
    request = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    reply = exchange(port, request.encode())
    head = reply.partition(b"\r\n\r\n")[0]
    status, _, body = parse_response(reply, method=method)
    return status, body, head.decode("latin-1")


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Endpoint]:
    with Endpoint(tmp_path / "c.jsonl", state=True, timeout=10) as ep:
        yield ep


def _send(ses: Any, to: str = "b@example.com", subject: str = "Hi") -> str:
    answer = ses.send_email(
        Source="a@example.com",
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello"}}},
    )
    message_id: str = answer["MessageId"]
    return message_id


class TestApplicationFlowWithBoto3:
    """What an application does, answered from the state and read back by botocore."""

    def test_identities(self, local: Endpoint) -> None:
        ses = _client(local)
        ses.verify_email_identity(EmailAddress="a@example.com")
        token = ses.verify_domain_identity(Domain="Example.org")["VerificationToken"]
        # SES: a domain's token is a 44-character base64 string (32 bytes).
        assert len(token) == 44
        assert sorted(ses.list_identities()["Identities"]) == ["a@example.com", "example.org"]
        assert ses.list_identities(IdentityType="Domain")["Identities"] == ["example.org"]
        attributes = ses.get_identity_verification_attributes(
            Identities=["a@example.com", "example.org", "unknown@example.com"]
        )["VerificationAttributes"]
        # Default mode verifies at once (as LocalStack); an unknown identity is left out (MODEL).
        assert attributes == {
            "a@example.com": {"VerificationStatus": "Success"},
            "example.org": {"VerificationStatus": "Success", "VerificationToken": token},
        }
        ses.delete_identity(Identity="example.org")
        assert ses.list_identities()["Identities"] == ["a@example.com"]

    def test_templates(self, local: Endpoint) -> None:
        ses = _client(local)
        template = {
            "TemplateName": "welcome",
            "SubjectPart": "Welcome, {{name}}",
            "TextPart": "Hello {{name}}{{#if plan}}, on {{plan}}{{/if}}.",
            "HtmlPart": "<p>Hello {{name}}</p>",
        }
        ses.create_template(Template=template)
        assert ses.get_template(TemplateName="welcome")["Template"] == template
        already = _error(ses.create_template, Template=template)
        assert (already["code"], already["status"]) == ("AlreadyExists", 400)
        ses.update_template(Template={**template, "SubjectPart": "Hi {{name}}"})
        names = [t["Name"] for t in ses.list_templates()["TemplatesMetadata"]]
        assert names == ["welcome"]
        rendered = ses.test_render_template(
            TemplateName="welcome", TemplateData='{"name": "Ana", "plan": "Pro"}'
        )["RenderedTemplate"]
        assert "Subject: Hi Ana" in rendered
        assert "Hello Ana, on Pro." in rendered
        missing = _error(ses.test_render_template, TemplateName="welcome", TemplateData="{}")
        assert missing["code"] == "MissingRenderingAttribute"
        ses.delete_template(TemplateName="welcome")
        gone = _error(ses.get_template, TemplateName="welcome")
        # MODEL: GetTemplate's error TemplateDoesNotExist.
        assert (gone["code"], gone["status"]) == ("TemplateDoesNotExist", 400)

    def test_sends_are_stored_with_their_findings(self, local: Endpoint) -> None:
        ses = _client(local)
        ses.create_template(
            Template={
                "TemplateName": "t",
                "SubjectPart": "Hi {{name}}",
                "TextPart": "Dear {{name}}",
            }
        )
        plain = _send(ses, subject="Plain")
        templated = ses.send_templated_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["b@example.com"], "CcAddresses": ["c@example.com"]},
            Template="t",
            TemplateData='{"name": "Bo"}',
            Tags=[{"Name": "campaign", "Value": "welcome"}],
        )["MessageId"]
        bulk = ses.send_bulk_templated_email(
            Source="a@example.com",
            Template="t",
            DefaultTemplateData='{"name": "friend"}',
            Destinations=[
                {"Destination": {"ToAddresses": ["x@example.com"]}},
                {
                    "Destination": {"ToAddresses": ["y@example.com"]},
                    "ReplacementTemplateData": '{"name": "Yu"}',
                },
            ],
        )["Status"]
        assert [s["Status"] for s in bulk] == ["Success", "Success"]
        mime = EmailMessage()
        mime["From"] = "a@example.com"
        mime["To"] = "r@example.com"
        mime["Subject"] = "Report"
        mime.set_content("See attached.")
        pdf = b"%PDF-1.4 fake report\n" * 10
        mime.add_attachment(pdf, maintype="application", subtype="pdf", filename="report.pdf")
        raw = ses.send_raw_email(RawMessage={"Data": mime.as_bytes()})["MessageId"]

        assert local.state is not None
        box = local.state.mailbox
        stored = {m.id: m for m in box.messages()}
        assert set(stored) >= {plain, templated, raw, *(s["MessageId"] for s in bulk)}
        assert stored[plain].subject == "Plain"
        assert stored[templated].subject == "Hi Bo"
        assert stored[templated].text == "Dear Bo"
        assert stored[templated].cc == ("c@example.com",)
        assert stored[templated].tags == (("campaign", "welcome"),)
        assert [m.subject for m in box.messages(action="SendBulkTemplatedEmail")] == [
            "Hi friend",
            "Hi Yu",
        ]
        (attachment,) = stored[raw].attachments
        assert (attachment.filename, attachment.content_type, attachment.size) == (
            "report.pdf",
            "application/pdf",
            len(pdf),
        )
        for message in stored.values():
            rules = [f["rule"] for f in message.findings]
            # botocore signed with the fake credentials: the checker verified the signature.
            assert "AUTH019" in rules, rules
            assert message.request.startswith(b"POST / HTTP/1.1\r\n")
            assert message.request_seq > 0
        seqs = {m.request_seq for m in stored.values()}
        captured = {c.seq: c for c in load_captures(local.capture_path)}
        assert seqs <= set(captured)
        assert {captured[s].action for s in seqs} == {
            "SendEmail",
            "SendTemplatedEmail",
            "SendBulkTemplatedEmail",
            "SendRawEmail",
        }

    def test_quota_and_statistics_count_recipients(self, local: Endpoint) -> None:
        ses = _client(local)
        assert ses.get_send_quota()["SentLast24Hours"] == 0.0
        _send(ses, to="one@example.com")
        ses.send_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["t@example.com"], "BccAddresses": ["u@example.com"]},
            Message={"Subject": {"Data": "Two"}, "Body": {"Text": {"Data": "x"}}},
        )
        # MODEL GetSendQuota: "The number of emails sent during the previous 24 hours" (SES
        # counts each recipient as one email).
        assert ses.get_send_quota()["SentLast24Hours"] == 3.0
        points = ses.get_send_statistics()["SendDataPoints"]
        assert sum(p["DeliveryAttempts"] for p in points) == 3
        assert sum(p["Rejects"] for p in points) == 0

    def test_other_actions_keep_the_canned_answer(self, local: Endpoint) -> None:
        ses = _client(local)
        # GetAccountSendingEnabled is not modelled by the state: the canned answer stays.
        assert ses.get_account_sending_enabled()["Enabled"] is True

    def test_configuration_sets(self, local: Endpoint) -> None:
        ses = _client(local)
        ses.create_configuration_set(ConfigurationSet={"Name": "tracking"})
        names = [c["Name"] for c in ses.list_configuration_sets()["ConfigurationSets"]]
        assert names == ["tracking"]
        missing = _error(
            ses.send_email,
            Source="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            ConfigurationSetName="nope",
        )
        assert missing["code"] == "ConfigurationSetDoesNotExist"
        ses.delete_configuration_set(ConfigurationSetName="tracking")
        assert ses.list_configuration_sets()["ConfigurationSets"] == []


class TestSandbox:
    """SES developer guide, "Request production access": in the sandbox "you can only send mail
    to verified email addresses and domains" and only from verified identities."""

    def test_unverified_sender_and_recipient_rejected(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", sandbox=True) as ep:
            ses = _client(ep)
            rejected = _error(
                ses.send_email,
                Source="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            )
            ses.verify_email_identity(EmailAddress="a@example.com")
            ses.verify_domain_identity(Domain="example.net")
            ok = ses.send_email(
                Source="a@example.com",
                Destination={"ToAddresses": ["someone@example.net"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            )
            quota = ses.get_send_quota()
            assert ep.state is not None
            stored = ep.state.mailbox.messages()
        # The message SES sends (django-ses#120, LambdAuth#64): every unverified identity named.
        assert rejected == {
            "code": "MessageRejected",
            "message": "Email address is not verified. The following identities failed the "
            "check in region US-EAST-1: a@example.com, b@example.com",
            "status": 400,
        }
        assert [m.id for m in stored] == [ok["MessageId"]]
        # SES developer guide, sandbox: "You can send a maximum of 200 messages per 24-hour
        # period" and "a maximum of 1 message per second".
        assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (200.0, 1.0)

    def test_default_mode_accepts_every_address(self, local: Endpoint) -> None:
        message_id = _send(_client(local), to="never-verified@example.org")
        assert local.state is not None
        assert local.state.mailbox.get(message_id) is not None


class TestStrictWithState:
    def test_conformant_stored_tampered_refused_and_not_stored(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", strict=True, state=True) as ep:
            ses = _client(ep)
            good = _send(ses)
            (signed,) = [c for c in load_captures(ep.capture_path) if c.action == "SendEmail"]
            tampered = signed.raw.replace(b"Subject.Data=Hi", b"Subject.Data=Ho")
            assert tampered != signed.raw
            assert ep.ca_path is not None
            reply = exchange(ep.port, tampered, tls_ca=ep.ca_path)
            assert ep.state is not None
            stored = [m.id for m in ep.state.mailbox.messages()]
        assert reply.startswith(b"HTTP/1.1 403 ")
        assert b"<Code>SignatureDoesNotMatch</Code>" in reply
        assert stored == [good]

    def test_a_custom_checker_and_strict_are_exclusive(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="not both"):
            Endpoint(tmp_path / "c.jsonl", strict=True, strict_checker=lambda _capture: [])


class TestParametersFromTheWire:
    def _post(self, ep: Endpoint, form: bytes) -> bytes:
        request = (
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(form), form)
        )
        return exchange(ep.port, request)

    @pytest.fixture
    def plain(self, tmp_path: Path) -> Iterator[Endpoint]:
        with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
            yield ep

    def test_missing_required_member(self, plain: Endpoint) -> None:
        reply = self._post(
            plain,
            b"Action=SendEmail&Destination.ToAddresses.member.1=b%40example.com"
            b"&Message.Subject.Data=s&Message.Body.Text.Data=b",
        )
        assert reply.startswith(b"HTTP/1.1 400 ")
        # GUIDE-ERR: MissingParameter, "A required parameter for the specified action is not
        # supplied."
        assert b"<Code>MissingParameter</Code>" in reply
        assert b"Source" in reply

    def test_list_index_from_zero(self, plain: Endpoint) -> None:
        reply = self._post(
            plain,
            b"Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.0=b%40x.com"
            b"&Message.Subject.Data=s&Message.Body.Text.Data=b",
        )
        assert reply.startswith(b"HTTP/1.1 400 ")
        assert b"<Code>InvalidParameterValue</Code>" in reply

    def test_plus_for_space_stored_with_the_finding(self, plain: Endpoint) -> None:
        """A '+' is a space (GUIDE-REQ): valid, and the message carries the checker's note that
        the body was encoded as quote_plus writes it."""
        reply = self._post(
            plain,
            b"Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40x.com"
            b"&Message.Subject.Data=C+%2B+D&Message.Body.Text.Data=b",
        )
        assert reply.startswith(b"HTTP/1.1 200 ")
        assert plain.state is not None
        (message,) = plain.state.mailbox.messages()
        assert message.subject == "C + D"
        assert "ENC010" in [f["rule"] for f in message.findings]

    def test_unescaped_plus_in_an_address(self, plain: Endpoint) -> None:
        """'a+b@' sent unescaped arrives as 'a b@': SES answers JavaMail's complaint
        (docs/spec.md#resp-error; n8n-io/n8n#9794)."""
        reply = self._post(
            plain,
            b"Action=SendEmail&Source=a+b%40example.com&Destination.ToAddresses.member.1=b%40x.com"
            b"&Message.Subject.Data=s&Message.Body.Text.Data=b",
        )
        assert reply.startswith(b"HTTP/1.1 400 ")
        assert b"<Code>InvalidParameterValue</Code>" in reply
        assert b"<Message>Local address contains control or whitespace</Message>" in reply
        assert plain.state is not None
        assert plain.state.mailbox.messages() == []

    def test_presigned_get_signing_params_set_aside(self, plain: Endpoint) -> None:
        request = build_request(
            "SendEmail",
            {
                "Source": "a@example.com",
                "Destination": {"ToAddresses": ["b@example.com"]},
                "Message": {"Subject": {"Data": "via GET"}, "Body": {"Text": {"Data": "x"}}},
            },
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-east-1",
            time=datetime.now(UTC),
            scheme="sigv4-query",
            host=f"127.0.0.1:{plain.port}",
        )
        reply = exchange(plain.port, request.to_bytes())
        assert reply.startswith(b"HTTP/1.1 200 "), reply[:400]
        assert plain.state is not None
        (message,) = plain.state.mailbox.messages()
        assert message.subject == "via GET"
        assert message.request.startswith(b"GET /?")

    def test_canned_endpoint_is_unchanged(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
            assert ep.state is None
            reply = self._post(ep, b"Action=GetTemplate&TemplateName=never-made")
        # Canned: every known action answered with a plausible result (what the report needs).
        assert reply.startswith(b"HTTP/1.1 200 ")
        assert b"<TemplateName>" in reply


class TestLocalStackRoutes:
    def _messages(self, ep: Endpoint, query: str = "") -> list[dict[str, Any]]:
        status, body, head = _http(ep.port, "GET", "/_aws/ses" + query)
        assert status == 200
        assert "Content-Type: application/json" in head
        messages: list[dict[str, Any]] = json.loads(body)["messages"]
        return messages

    def test_get_filter_delete(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
            ses = ses_client(ep.url)
            first = _send(ses, to="one@example.com", subject="First")
            second = _send(ses, to="two@example.com", subject="Second")
            every = self._messages(ep)
            by_id = self._messages(ep, f"?id={second}")
            by_email = self._messages(ep, "?email=one%40example.com")
            by_sender = self._messages(ep, "?email=a@example.com")
            deleted = _http(ep.port, "DELETE", f"/_aws/ses?id={first}")
            unknown = _http(ep.port, "DELETE", "/_aws/ses?id=nope")
            after_one = self._messages(ep)
            cleared = _http(ep.port, "DELETE", "/_aws/ses")
            after_all = self._messages(ep)
            captured = [c.action for c in load_captures(ep.capture_path)]
        assert [m["Id"] for m in every] == [first, second]
        message = every[0]
        # LocalStack's keys (SentEmail in localstack/services/ses/models.py).
        assert message["Source"] == "a@example.com"
        assert message["Destination"]["ToAddresses"] == ["one@example.com"]
        assert message["Subject"] == "First"
        assert message["Body"] == {"text_part": "Hello", "html_part": None}
        assert message["Region"] == "us-east-1"
        stamp = datetime.strptime(message["Timestamp"], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - stamp).total_seconds()) < 600
        assert [m["Id"] for m in by_id] == [second]
        assert [m["Id"] for m in by_email] == [first]
        assert [m["Id"] for m in by_sender] == [first, second]
        assert deleted[0] == 204
        assert deleted[1] == b""
        assert unknown[0] == 404
        assert [m["Id"] for m in after_one] == [second]
        assert cleared[0] == 204
        assert after_all == []
        # The endpoint's own paths are not SES requests: never recorded.
        assert captured == ["SendEmail", "SendEmail"]

    def test_not_checked_in_strict_mode(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False, strict=True, state=True) as ep:
            status, body, _ = _http(ep.port, "GET", "/_aws/ses")
            page = _http(ep.port, "GET", "/_sesspec/")
        assert (status, json.loads(body)) == (200, {"messages": []})
        assert page[0] == 200
        assert not (tmp_path / "c.jsonl").read_bytes()

    @pytest.mark.parametrize(
        ("method", "target", "host", "status"),
        [
            pytest.param("POST", "/_aws/ses", "127.0.0.1", 405, id="post"),
            pytest.param("PUT", "/_sesspec/", "127.0.0.1", 405, id="put-page"),
            pytest.param("GET", "/_sesspec/nothing", "127.0.0.1", 404, id="unknown-path"),
            pytest.param("GET", "/_aws/ses", "evil.example:80", 403, id="rebinding-host"),
            pytest.param("GET", "/_aws/ses", "localhost:1234", 200, id="localhost"),
            pytest.param("GET", "/_sesspec/", "[::1]", 200, id="ipv6-loopback"),
        ],
    )
    def test_methods_paths_and_hosts(
        self, local: Endpoint, method: str, target: str, host: str, status: int
    ) -> None:
        assert local.ca_path is not None
        request = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        reply = exchange(local.port, request.encode(), tls_ca=local.ca_path)
        assert int(reply.split(b" ", 2)[1]) == status

    def test_head_is_get_without_content(self, local: Endpoint) -> None:
        assert local.ca_path is not None
        with socket.create_connection(("127.0.0.1", local.port), timeout=20) as raw:
            context = ssl.create_default_context(cafile=str(local.ca_path))
            with context.wrap_socket(raw, server_hostname=SERVER_NAME) as sock:
                sock.sendall(b"HEAD /_sesspec/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                data = b""
                while b"\r\n\r\n" not in data:
                    data += sock.recv(65536)
                sock.sendall(b"GET /_aws/ses HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                while not data.endswith(b"\r\n0\r\n\r\n"):
                    data += sock.recv(65536)
        head, _, after = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ")
        assert b"Content-Type: text/html" in head
        # No content after HEAD's head: the next bytes are the GET's answer, whole.
        assert after.startswith(b"HTTP/1.1 200 ")
        assert parse_response(after)[2] == b'{"messages": []}'

    def test_canned_endpoint_has_no_messages(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
            status, body, _ = _http(ep.port, "GET", "/_aws/ses")
        assert status == 404
        assert "no state" in json.loads(body)["error"]


class TestStateDir:
    def test_session_tokens_never_kept_in_clear(self, tmp_path: Path) -> None:
        """A stored message keeps its request as the capture file does: the session token,
        a header from boto3 or a form parameter sent by hand, masked in memory and on disk
        (it was kept in clear in ``message.request`` and ``messages/*.json``)."""
        from sesspec.fake import SESSION_TOKEN

        folder = tmp_path / "state"
        with Endpoint(tmp_path / "c.jsonl", tls=False, state_dir=folder) as ep:
            ses = boto3.client(
                "ses",
                endpoint_url=ep.url,
                region_name="us-east-1",
                aws_access_key_id=AKID,
                aws_secret_access_key=SECRET,
                aws_session_token=SESSION_TOKEN,
            )
            by_header = _send(ses)
            form = (
                b"Action=SendEmail&Source=a%40example.com"
                b"&Destination.ToAddresses.member.1=b%40example.com"
                b"&Message.Subject.Data=s&Message.Body.Text.Data=b&X-Amz-Security-Token=tok-SECRET-1"
            )
            head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            head += b"Content-Type: application/x-www-form-urlencoded\r\n"
            exchange(ep.port, head + b"Content-Length: %d\r\n\r\n%s" % (len(form), form))
            assert ep.state is not None
            messages = ep.state.mailbox.messages()
            assert len(messages) == 2
            kept = {m.id: m.request for m in messages}
        assert b"x-amz-security-token: " + b"*" * len(SESSION_TOKEN) in kept[by_header].lower()
        for request in kept.values():
            assert SESSION_TOKEN.encode() not in request
            assert b"tok-SECRET-1" not in request
        assert any(b"X-Amz-Security-Token=" + b"*" * 12 in r for r in kept.values())
        on_disk = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
        assert on_disk
        assert SESSION_TOKEN.encode() not in on_disk
        assert b"tok-SECRET-1" not in on_disk

    def test_kept_across_restarts(self, tmp_path: Path) -> None:
        folder = tmp_path / "state"
        with Endpoint(tmp_path / "c.jsonl", state_dir=folder) as ep:
            ses = _client(ep)
            ses.verify_email_identity(EmailAddress="a@example.com")
            ses.create_template(Template={"TemplateName": "t", "SubjectPart": "s"})
            sent = _send(ses)
            _send(ses)
        with Endpoint(tmp_path / "c.jsonl", state_dir=folder) as ep:
            ses = _client(ep)
            identities = ses.list_identities()["Identities"]
            template = ses.get_template(TemplateName="t")["Template"]["SubjectPart"]
            quota = ses.get_send_quota()["SentLast24Hours"]
            assert ep.state is not None
            message = ep.state.mailbox.get(sent)
        assert identities == ["a@example.com"]
        assert template == "s"
        assert quota == 2.0  # counts.json written by flush() when the first endpoint stopped
        assert message is not None
        assert "AUTH019" in [f["rule"] for f in message.findings]

    def test_unusable_folder_is_a_start_error(self, tmp_path: Path) -> None:
        from sesspec.serve import EndpointStartError

        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        with pytest.raises(EndpointStartError) as caught:
            Endpoint(tmp_path / "c.jsonl", state_dir=blocker / "state")
        assert caught.value.what == "state-dir"

    def test_a_state_and_its_options_are_exclusive(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="not with a state given"):
            Endpoint(tmp_path / "c.jsonl", state=SesState(), sandbox=True)


def test_concurrent_sends_all_stored_and_counted(local: Endpoint) -> None:
    threads, per_thread = 8, 10
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            ses = _client(local)
            for i in range(per_thread):
                _send(ses, to=f"t{n}-{i}@example.com")
        except BaseException as exc:  # collected, asserted below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert errors == []
    assert local.state is not None
    assert len(local.state.mailbox.messages()) == threads * per_thread
    assert _client(local).get_send_quota()["SentLast24Hours"] == threads * per_thread


class TestCommandLine:
    def _start(self, *args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
        code = "import sys; from sesspec.serve import main; sys.exit(main(sys.argv[1:]))"
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        lines: dict[str, str] = {}
        last = "capture" if "--canned" in args else "messages"
        while line := proc.stdout.readline():
            name, _, value = line.strip().partition(" ")
            lines[name] = value
            if name == last:
                break
        return proc, lines

    def _stop(self, proc: subprocess.Popen[str]) -> str:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        return err

    def test_sandbox_and_state_dir(self, tmp_path: Path) -> None:
        folder = tmp_path / "state"
        proc, lines = self._start(
            "--http", "--sandbox", "--state-dir", str(folder), "--capture", str(tmp_path / "c")
        )
        try:
            url = lines["url"]
            assert lines["inbox"] == f"{url}_sesspec/"
            assert lines["messages"] == f"{url}_aws/ses"
            ses = ses_client(url)
            rejected = _error(
                ses.send_email,
                Source="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            )
            ses.verify_email_identity(EmailAddress="a@example.com")
        finally:
            self._stop(proc)
        assert rejected["code"] == "MessageRejected"
        account = json.loads((folder / "account.json").read_text())
        assert [i["name"] for i in account["identities"]] == ["a@example.com"]

    def test_canned(self, tmp_path: Path) -> None:
        proc, lines = self._start("--http", "--canned", "--capture", str(tmp_path / "c"))
        try:
            port = int(lines["url"].rsplit(":", 1)[1].rstrip("/"))
            status, _, _ = _http(port, "GET", "/_aws/ses")
        finally:
            self._stop(proc)
        assert "inbox" not in lines
        assert status == 404

    @pytest.mark.parametrize(
        "args",
        [
            pytest.param(["--canned", "--sandbox"], id="canned-sandbox"),
            pytest.param(["--canned", "--state-dir", "x"], id="canned-state-dir"),
            pytest.param(["--max-messages", "0"], id="max-messages-0"),
            pytest.param(["--max-messages", "1000001"], id="max-messages-too-many"),
        ],
    )
    def test_unusable_arguments(self, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        from sesspec.cli.serve import main

        assert main(["--http", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("sesspec serve: ")
        assert err.count("\n") == 1

    def test_state_dir_that_is_a_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from sesspec.cli.serve import main

        blocker = tmp_path / "file"
        blocker.write_text("x")
        code = main(["--http", "--state-dir", str(blocker), "--capture", str(tmp_path / "c")])
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith("sesspec serve: cannot use the state folder")
        assert err.count("\n") == 1

    def test_help_documents_the_memory_cap(self, capsys: pytest.CaptureFixture[str]) -> None:
        from sesspec.cli.serve import main

        assert main(["--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "State is kept in memory (at most --max-messages messages" in text
        assert "(default 10000, and at most 512 MiB of them)" in text
