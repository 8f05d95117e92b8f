"""Applications' mail flows from real clients against the local SES.

boto3 (botocore 1.44.8), @aws-sdk/client-ses v3 and nodemailer 6's SES transport verify an
identity, create a template, send templated, bulk and raw mail (a PDF attached), read the messages
back over ``GET /_aws/ses`` and through the ``ses_endpoint`` fixture, and clear them; in the
sandbox an unverified sender is refused with SES's error as each client parses it. What the
messages must hold is worked by hand from the calls (Handlebars substitution, the attached bytes);
message ids are the ones the clients parsed out of the answers.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import urllib.request
from email.message import EmailMessage
from typing import Any

import pytest

from sesspec.drivers import node as node_clients
from sesspec.serve.pytest_plugin import FAKE_CREDENTIALS, SesEndpoint

boto3 = pytest.importorskip("boto3")
botocore_exceptions = pytest.importorskip("botocore.exceptions")

#: What SES answers for an unverified sender (django-ses#120, LambdAuth#64; sesspec.serve.state).
REJECTED = (
    "Email address is not verified. The following identities failed the check in region "
    "US-EAST-1: {sender}, {recipient}"
)


def _local(ses_endpoint: SesEndpoint, method: str = "GET", query: str = "") -> tuple[int, Any]:
    """``/_aws/ses`` over HTTPS (the fixture's CA): the status and the decoded JSON, if any."""
    context = ssl.create_default_context(cafile=ses_endpoint.ca_path)
    url = f"{ses_endpoint.url}_aws/ses{query}"
    assert url.startswith("https://127.0.0.1:")
    request = urllib.request.Request(url, method=method)  # noqa: S310 (checked just above)
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:  # noqa: S310
        data = answer.read()
        return answer.status, json.loads(data) if data else None


def test_boto3_application_flow(ses_endpoint: SesEndpoint) -> None:
    ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
    ses.verify_email_identity(EmailAddress="shop@example.com")
    ses.create_template(
        Template={
            "TemplateName": "welcome",
            "SubjectPart": "Welcome, {{name}}",
            "TextPart": "Hello {{name}}, your plan is {{plan}}.",
            "HtmlPart": "<p>Hello <b>{{name}}</b></p>",
        }
    )
    templated = ses.send_templated_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ana@example.com"]},
        Template="welcome",
        TemplateData=json.dumps({"name": "Ana", "plan": "Pro"}),
    )["MessageId"]
    bulk = ses.send_bulk_templated_email(
        Source="shop@example.com",
        Template="welcome",
        DefaultTemplateData=json.dumps({"name": "friend", "plan": "Free"}),
        Destinations=[
            {"Destination": {"ToAddresses": ["bo@example.com"]}},
            {
                "Destination": {"ToAddresses": ["cy@example.com"]},
                "ReplacementTemplateData": json.dumps({"name": "Cy"}),
            },
        ],
    )["Status"]
    invoice = b"%PDF-1.4 invoice\n" * 40
    mime = EmailMessage()
    mime["From"] = "shop@example.com"
    mime["To"] = "dee@example.com"
    mime["Subject"] = "Your invoice"
    mime.set_content("The invoice is attached.")
    mime.add_attachment(invoice, maintype="application", subtype="pdf", filename="invoice.pdf")
    raw = ses.send_raw_email(RawMessage={"Data": mime.as_bytes()})["MessageId"]

    # Through the fixture.
    message = ses_endpoint.assert_sent(to="ana@example.com", template="welcome")
    assert message.id == templated
    assert (message.subject, message.text) == ("Welcome, Ana", "Hello Ana, your plan is Pro.")
    assert message.html == "<p>Hello <b>Ana</b></p>"
    assert [m.subject for m in ses_endpoint.messages(action="SendBulkTemplatedEmail")] == [
        "Welcome, friend",
        "Welcome, Cy",
    ]
    assert [m.id for m in ses_endpoint.messages(action="SendBulkTemplatedEmail")] == [
        s["MessageId"] for s in bulk
    ]
    (attachment,) = ses_endpoint.assert_sent(to="dee@example.com").attachments
    assert (attachment.filename, attachment.size) == ("invoice.pdf", len(invoice))
    ses_endpoint.assert_conformant()

    # Over HTTP, as LocalStack's tooling reads it.
    status, listed = _local(ses_endpoint)
    assert status == 200
    assert [m["Id"] for m in listed["messages"]] == [
        templated,
        *(s["MessageId"] for s in bulk),
        raw,
    ]
    _, for_dee = _local(ses_endpoint, query="?email=dee%40example.com")
    assert [m["Id"] for m in for_dee["messages"]] == [raw]
    assert for_dee["messages"][0]["Attachments"][0]["filename"] == "invoice.pdf"

    # Cleared, one over HTTP and the rest through the fixture.
    assert _local(ses_endpoint, "DELETE", f"?id={raw}") == (204, None)
    assert len(ses_endpoint.messages()) == 3
    assert ses_endpoint.clear() == 3
    assert _local(ses_endpoint) == (200, {"messages": []})


def test_boto3_sandbox_rejects_an_unverified_sender(ses_endpoint: SesEndpoint) -> None:
    ses_endpoint.sandbox = True
    ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
    with pytest.raises(botocore_exceptions.ClientError) as caught:
        ses.send_email(
            Source="stranger@example.com",
            Destination={"ToAddresses": ["ana@example.com"]},
            Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}},
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "MessageRejected"
    assert error["Message"] == REJECTED.format(
        sender="stranger@example.com", recipient="ana@example.com"
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ses_endpoint.messages() == []


# --- Node: @aws-sdk/client-ses v3 and nodemailer ------------------------------------------------


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not on PATH (Node.js 18+ runs the JavaScript clients)")
    for package in ("@aws-sdk/client-ses", "nodemailer"):
        if node_clients.package_version(package) is None:
            pytest.skip(f"{package} is not installed (python -m sesspec.drivers.node)")
    return found


def _flow(node: str, ses_endpoint: SesEndpoint, client: str, step: str) -> Any:
    job = {
        "url": ses_endpoint.url,
        "region": FAKE_CREDENTIALS["region_name"],
        "credentials": {
            "access_key_id": FAKE_CREDENTIALS["aws_access_key_id"],
            "secret_access_key": FAKE_CREDENTIALS["aws_secret_access_key"],
        },
        "client": client,
        "step": step,
        "prefix": client,
    }
    env = {
        "PATH": os.environ.get("PATH", ""),
        "NODE_EXTRA_CA_CERTS": ses_endpoint.ca_path,
        "SESSPEC_LOOPBACK_PORT": str(ses_endpoint.endpoint.port),
    }
    result = subprocess.run(
        [node, "--import", "./_guard.mjs", "./local-ses-flow.mjs"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=node_clients.prepare(),
        env=env,
        timeout=120,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("SESSPEC-FLOW ")]
    assert lines, result.stdout + result.stderr
    outcome = json.loads(lines[-1].removeprefix("SESSPEC-FLOW "))
    assert outcome["ok"], outcome
    return outcome["value"]


@pytest.mark.client
@pytest.mark.parametrize("client", ["sdk", "nodemailer"])
def test_node_application_flow(node: str, ses_endpoint: SesEndpoint, client: str) -> None:
    sent = _flow(node, ses_endpoint, client, "send")
    shop, dee = f"{client}-shop@example.com", f"{client}-dee@example.com"
    assert sent["identities"] == [shop]

    templated = ses_endpoint.assert_sent(
        to=f"{client}-ana@example.com", template=f"{client}-welcome"
    )
    assert templated.id == sent["templated"]
    assert templated.subject == "Welcome, Ana"
    assert templated.text == "Hello Ana, your plan is Pro."
    bulk = ses_endpoint.messages(action="SendBulkTemplatedEmail")
    assert [(m.id, m.subject) for m in bulk] == [
        (sent["bulk"][0]["id"], "Welcome, friend"),
        (sent["bulk"][1]["id"], "Welcome, Cy"),
    ]
    assert [s["status"] for s in sent["bulk"]] == ["Success", "Success"]
    raw = ses_endpoint.assert_sent(to=dee, subject="Your invoice", action="SendRawEmail")
    if client == "nodemailer":
        # nodemailer's SES transport reports <MessageId@region.amazonses.com>, MessageId as is.
        assert sent["raw"]["response"] == raw.id
    else:
        assert sent["raw"]["messageId"] == raw.id
    assert raw.source == shop
    assert raw.text is not None
    assert raw.text.strip() == "The invoice is attached."
    (attachment,) = raw.attachments
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "invoice.pdf",
        "application/pdf",
        sent["attachmentBytes"],
    )
    rules = {f["rule"] for m in ses_endpoint.messages() for f in m.findings}
    assert "AUTH019" in rules  # the client's signatures were verified, message by message
    ses_endpoint.assert_conformant()

    # What the client read over GET /_aws/ses is what was stored.
    assert sent["listed"]["status"] == 200
    assert [m["Id"] for m in sent["listed"]["body"]["messages"]] == [
        m.id for m in ses_endpoint.messages()
    ]
    assert [m["Id"] for m in sent["listedForDee"]["body"]["messages"]] == [raw.id]

    cleared = _flow(node, ses_endpoint, client, "clear")
    assert (cleared["deleteOne"], cleared["deleteAll"]) == (204, 204)
    assert cleared["deleted"] == templated.id
    assert templated.id not in cleared["leftAfterOne"]
    assert len(cleared["leftAfterOne"]) == 3
    assert cleared["leftAfterAll"] == 0
    assert ses_endpoint.messages() == []


@pytest.mark.client
@pytest.mark.parametrize("client", ["sdk", "nodemailer"])
def test_node_sandbox_rejects_an_unverified_sender(
    node: str, ses_endpoint: SesEndpoint, client: str
) -> None:
    ses_endpoint.sandbox = True
    rejected = _flow(node, ses_endpoint, client, "sandbox")["rejected"]
    assert rejected is not None
    # @aws-sdk/client-ses names the error by its code; nodemailer passes the SDK's error on.
    assert rejected["name"] == "MessageRejected"
    assert rejected["message"] == REJECTED.format(
        sender=f"{client}-stranger@example.com", recipient=f"{client}-ana@example.com"
    )
    assert rejected["status"] == 400
    assert ses_endpoint.messages() == []
