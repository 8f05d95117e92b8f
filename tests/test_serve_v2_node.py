"""SES v2 on the local SES from Node: the AWS SDK for JavaScript v3's ``@aws-sdk/client-sesv2``
and nodemailer at its current major (``nodemailer-current`` in the lockfile: its SES transport
takes ``{sesClient, SendEmailCommand}`` from ``@aws-sdk/client-sesv2``), sending over HTTPS to
one endpoint (``NODE_EXTRA_CA_CERTS`` names its CA, the README's recipe) with the sesspec
loopback guard loaded first.

One Node process runs every step (:data:`APP`) and prints one JSON line per step; the tests read
those lines and the endpoint's account. Expected values: the SES v2 model (operations, error
codes and statuses), nodemailer's documented SES transport (https://nodemailer.com/transports/ses/:
the message built as raw MIME and sent as SendEmail ``Content.Raw``), and the clients' own
parsers (a step that fails names the error the SDK read).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sesspec.drivers import node
from sesspec.fake import ACCESS_KEY_ID, SECRET_ACCESS_KEY
from sesspec.serve import Endpoint
from sesspec.serve.pytest_plugin import SesEndpoint

pytestmark = pytest.mark.client

PACKAGES = ("@aws-sdk/client-sesv2", "nodemailer-current")

#: Every step, in order; each prints `{"step": ..., "ok": ..., ...}`.
APP = r"""
const v2 = require('@aws-sdk/client-sesv2');
const nodemailer = require('nodemailer-current');

const client = new v2.SESv2Client({
  endpoint: process.env.SESSPEC_URL,
  region: 'us-east-1',
  credentials: {
    accessKeyId: process.env.SESSPEC_KEY,
    secretAccessKey: process.env.SESSPEC_SECRET,
  },
  maxAttempts: 1,
});

async function step(name, run) {
  try {
    const out = await run();
    const result = {};
    for (const [k, v] of Object.entries(out ?? {})) if (k !== '$metadata') result[k] = v;
    console.log(JSON.stringify({ step: name, ok: true, result }));
  } catch (error) {
    console.log(JSON.stringify({
      step: name,
      ok: false,
      name: error.name,
      status: error.$metadata?.httpStatusCode ?? null,
      message: String(error.message).slice(0, 2000),
    }));
  }
}

const send = (command) => client.send(command);

(async () => {
  await step('create-identity', () =>
    send(new v2.CreateEmailIdentityCommand({ EmailIdentity: 'a+b@example.com' })));
  await step('get-identity', () =>
    send(new v2.GetEmailIdentityCommand({ EmailIdentity: 'a+b@example.com' })));
  await step('create-identity-again', () =>
    send(new v2.CreateEmailIdentityCommand({ EmailIdentity: 'a+b@example.com' })));
  await step('create-set', () =>
    send(new v2.CreateConfigurationSetCommand({ ConfigurationSetName: 'orders' })));
  await step('get-set', () =>
    send(new v2.GetConfigurationSetCommand({ ConfigurationSetName: 'orders' })));
  await step('create-template', () => send(new v2.CreateEmailTemplateCommand({
    TemplateName: 'welcome',
    TemplateContent: { Subject: 'Welcome, {{name}}', Text: 'Hello {{name}}' },
  })));
  await step('render', () => send(new v2.TestRenderEmailTemplateCommand({
    TemplateName: 'welcome', TemplateData: '{"name": "Ana"}',
  })));
  await step('send-simple', () => send(new v2.SendEmailCommand({
    FromEmailAddress: 'a+b@example.com',
    Destination: { ToAddresses: ['ana@example.com'] },
    Content: { Simple: { Subject: { Data: 'Grüße' }, Body: { Text: { Data: 'Hello.' } } } },
  })));
  await step('send-template', () => send(new v2.SendEmailCommand({
    FromEmailAddress: 'a+b@example.com',
    Destination: { ToAddresses: ['bo@example.com'] },
    Content: { Template: { TemplateName: 'welcome', TemplateData: '{"name": "Bo"}' } },
  })));
  await step('send-bulk', () => send(new v2.SendBulkEmailCommand({
    FromEmailAddress: 'a+b@example.com',
    DefaultContent: { Template: { TemplateName: 'welcome', TemplateData: '{"name": "all"}' } },
    BulkEmailEntries: [
      { Destination: { ToAddresses: ['cy@example.com'] } },
      { Destination: { ToAddresses: ['di@example.com'] } },
    ],
  })));
  await step('send-missing-template', () => send(new v2.SendEmailCommand({
    FromEmailAddress: 'a+b@example.com',
    Destination: { ToAddresses: ['ana@example.com'] },
    Content: { Template: { TemplateName: 'none', TemplateData: '{}' } },
  })));
  await step('account', () => send(new v2.GetAccountCommand({})));
  await step('list-templates', () => send(new v2.ListEmailTemplatesCommand({})));
  await step('not-served', () =>
    send(new v2.CreateContactListCommand({ ContactListName: 'news' })));

  const transporter = nodemailer.createTransport({
    SES: { sesClient: client, SendEmailCommand: v2.SendEmailCommand },
  });
  await step('nodemailer-verify', async () => ({ verified: await transporter.verify() }));
  await step('nodemailer-send', async () => {
    const info = await transporter.sendMail({
      from: 'Shop <a+b@example.com>',
      to: 'ed@example.com',
      subject: 'Your order',
      text: 'Thanks.',
      html: '<p>Thanks.</p>',
      attachments: [{ filename: 'order.txt', content: 'order 42' }],
      ses: { ConfigurationSetName: 'orders', EmailTags: [{ Name: 'kind', Value: 'order' }] },
    });
    return { messageId: info.messageId, response: info.response };
  });
  await step('nodemailer-no-set', async () => {
    const info = await transporter.sendMail({
      from: 'a+b@example.com', to: 'fi@example.com', subject: 'x', text: 'y',
      ses: { ConfigurationSetName: 'none' },
    });
    return { messageId: info.messageId };
  });
  await step('delete-set', () =>
    send(new v2.DeleteConfigurationSetCommand({ ConfigurationSetName: 'orders' })));
  await step('get-set-deleted', () =>
    send(new v2.GetConfigurationSetCommand({ ConfigurationSetName: 'orders' })));
  await step('delete-identity', () =>
    send(new v2.DeleteEmailIdentityCommand({ EmailIdentity: 'a+b@example.com' })));
})();
"""


@dataclass
class Ran:
    """The endpoint the Node steps ran against, and each step's line by name."""

    endpoint: SesEndpoint
    steps: dict[str, dict[str, Any]]
    stderr: str


def _node() -> str:
    program = shutil.which("node")
    if program is None:
        pytest.skip("node is not on PATH")
    for package in PACKAGES:
        if node.package_version(package) is None:
            pytest.skip(
                f"{package} is not installed in {node.node_dir()} (python -m sesspec.drivers.node)"
            )
    return program


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    program = _node()
    folder = tmp_path_factory.mktemp("sesv2-node")
    with Endpoint(folder / "captures.jsonl", ca_path=folder / "ca.pem", state=True) as endpoint:
        ses = SesEndpoint(endpoint)
        app = folder / "app.cjs"
        app.write_text(APP, "utf-8")
        port = endpoint.url.rstrip("/").rpartition(":")[2]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NODE_"))}
        env.update(
            {
                "SESSPEC_URL": endpoint.url.rstrip("/"),
                "SESSPEC_KEY": ACCESS_KEY_ID,
                "SESSPEC_SECRET": SECRET_ACCESS_KEY,
                "NODE_EXTRA_CA_CERTS": str(endpoint.ca_path),
                "NODE_PATH": str(node.node_dir() / "node_modules"),
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true",
                "SESSPEC_LOOPBACK_PORT": port,
            }
        )
        guard = (node.JS_DIR / "_guard.mjs").as_uri()
        done = subprocess.run(
            [program, "--import", guard, str(app)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        yield Ran(ses, {line["step"]: line for line in lines}, done.stderr)


def _ok(ran: Ran, step: str) -> dict[str, Any]:
    line = ran.steps[step]
    assert line["ok"], line
    result: dict[str, Any] = line["result"]
    return result


def _failed(ran: Ran, step: str) -> tuple[str, int, str]:
    line = ran.steps[step]
    assert not line["ok"], line
    return line["name"], line["status"], line["message"]


def test_identities(ran: Ran) -> None:
    assert _ok(ran, "create-identity")["VerifiedForSendingStatus"] is True
    got = _ok(ran, "get-identity")
    assert (got["IdentityType"], got["VerificationStatus"]) == ("EMAIL_ADDRESS", "SUCCESS")
    assert _failed(ran, "create-identity-again")[:2] == ("AlreadyExistsException", 400)
    _ok(ran, "delete-identity")


def test_templates(ran: Ran) -> None:
    _ok(ran, "create-template")
    assert "Subject: Welcome, Ana" in _ok(ran, "render")["RenderedTemplate"]
    listed = _ok(ran, "list-templates")["TemplatesMetadata"]
    assert [t["TemplateName"] for t in listed] == ["welcome"]


def test_sends(ran: Ran) -> None:
    simple = _ok(ran, "send-simple")["MessageId"]
    sent = ran.endpoint.assert_sent(to="ana@example.com", count=1)
    assert (sent.id, sent.action, sent.source, sent.subject, sent.text) == (
        simple,
        "sesv2:SendEmail",
        "a+b@example.com",
        "Grüße",
        "Hello.",
    )
    assert ran.endpoint.assert_sent(to="bo@example.com").subject == "Welcome, Bo"
    results = _ok(ran, "send-bulk")["BulkEmailEntryResults"]
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]
    bulk = ran.endpoint.messages(action="sesv2:SendBulkEmail")
    assert [(m.to, m.subject) for m in bulk] == [
        (("cy@example.com",), "Welcome, all"),
        (("di@example.com",), "Welcome, all"),
    ]
    assert _failed(ran, "send-missing-template")[:2] == ("NotFoundException", 404)


def test_configuration_sets(ran: Ran) -> None:
    _ok(ran, "create-set")
    assert _ok(ran, "get-set")["ConfigurationSetName"] == "orders"
    _ok(ran, "delete-set")
    assert _failed(ran, "get-set-deleted")[:2] == ("NotFoundException", 404)


def test_account(ran: Ran) -> None:
    account = _ok(ran, "account")
    assert account["ProductionAccessEnabled"] is True
    assert account["SendQuota"]["Max24HourSend"] == 50000


def test_an_operation_not_served(ran: Ran) -> None:
    name, status, message = _failed(ran, "not-served")
    assert (name, status) == ("NotImplemented", 501)
    assert "SES v2 operation CreateContactList" in message


def test_nodemailer_sends_through_ses_v2(ran: Ran) -> None:
    sent = _ok(ran, "nodemailer-send")
    message = ran.endpoint.assert_sent(to="ed@example.com", count=1)
    assert sent["response"] == message.id
    assert sent["messageId"] == f"<{message.id}@email.amazonses.com>"
    assert (message.action, message.subject, message.text, message.html) == (
        "sesv2:SendEmail",
        "Your order",
        "Thanks.",
        "<p>Thanks.</p>",
    )
    assert [a.filename for a in message.attachments] == ["order.txt"]
    assert (message.configuration_set, message.tags) == ("orders", (("kind", "order"),))
    assert b"\r\nSubject: Your order\r\n" in message.raw


def test_nodemailer_verify(ran: Ran) -> None:
    """transporter.verify() sends a probe (From invalid@invalid) and takes success, or SES's
    MessageRejected or InvalidParameterValue, as a working transport: it resolves true."""
    assert _ok(ran, "nodemailer-verify") == {"verified": True}


def test_nodemailer_reads_v2_errors(ran: Ran) -> None:
    name, status, _ = _failed(ran, "nodemailer-no-set")
    assert (name, status) == ("NotFoundException", 404)
    ran.endpoint.assert_not_sent(to="fi@example.com")


def test_every_request_conformant(ran: Ran) -> None:
    """Each request the SDK sent was signed as SES v2 verifies it (the fixture's verdict)."""
    judged = ran.endpoint.findings()
    assert len(judged) == len(ran.steps)  # one request a step (maxAttempts: 1)
    assert {c.action for c, _ in judged} >= {"sesv2:SendEmail", "sesv2:SendBulkEmail"}
    ran.endpoint.assert_conformant()
