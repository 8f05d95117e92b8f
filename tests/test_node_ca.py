"""The README's HTTPS recipe for Node: ``NODE_EXTRA_CA_CERTS`` names the CA ``sesspec serve
--ca`` writes, and a Node application's SES client then sends to the local SES.

Node trusts its own bundled CAs alone (not the system's, nor a file the process is told about
later): ``NODE_EXTRA_CA_CERTS`` is read once, when the process starts, and adds the
certificates of a PEM file to them (https://nodejs.org/api/cli.html#node_extra_ca_certsfile).
The client here is the AWS SDK for JavaScript v3's ``@aws-sdk/client-ses`` from the lockfile,
configured as the README says an application is: by the environment alone
(``AWS_ENDPOINT_URL_SES``, the region, the credentials), with the sesspec loopback guard
loaded first so that nothing can leave the machine whatever it does with them.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sesspec.drivers import node
from sesspec.fake import ACCESS_KEY_ID, SECRET_ACCESS_KEY

pytestmark = pytest.mark.client

#: The application: one SendEmail through a client configured by the environment alone.
APP = """\
const { SESClient, SendEmailCommand } = require('@aws-sdk/client-ses');
(async () => {
  try {
    const out = await new SESClient({}).send(new SendEmailCommand({
      Source: 'shop@example.com',
      Destination: { ToAddresses: ['ana@example.com'] },
      Message: { Subject: { Data: 'Welcome, Ana' }, Body: { Text: { Data: 'Hello.' } } },
    }));
    console.log(`sent ${out.MessageId}`);
  } catch (error) {
    console.log(`failed ${error.code ?? error.name}`);
    process.exitCode = 1;
  }
})();
"""

#: What Node says of a certificate signed by a CA it does not trust (OpenSSL's verify errors:
#: the chain ends in a CA it does not know, or the leaf's issuer is not found).
UNTRUSTED = {
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
}


class Served:
    def __init__(self, url: str, ca: Path, port: int) -> None:
        self.url = url
        self.ca = ca
        self.port = port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``sesspec serve --port 0 --ca ca.pem`` (HTTPS), as the README starts it."""
    ca = tmp_path / "sesspec-ca.pem"
    server = subprocess.Popen(
        [sys.executable, "-m", "sesspec", "serve", "--port", "0", "--ca", str(ca)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline().split()
        second = server.stdout.readline().split()
        assert first[0] == "url"
        assert first[1].startswith("https://127.0.0.1:")
        assert second == ["ca", str(ca)]
        port = int(first[1].rstrip("/").rpartition(":")[2])
        yield Served(first[1], ca, port)
    finally:
        server.terminate()
        server.wait(30)
        if server.stdout is not None:
            server.stdout.close()


def _node() -> str:
    program = shutil.which("node")
    if program is None:
        pytest.skip("node is not on PATH")
    if node.package_version("@aws-sdk/client-ses") is None:
        pytest.skip(
            f"@aws-sdk/client-ses is not installed in {node.node_dir()} "
            "(python -m sesspec.drivers.node)"
        )
    return program


def _send(served: Served, tmp_path: Path, *, extra_ca: bool) -> subprocess.CompletedProcess[str]:
    program = _node()
    app = tmp_path / "app.cjs"
    app.write_text(APP, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NODE_"))}
    env.update(
        {
            # The README's recipe.
            "AWS_ENDPOINT_URL_SES": served.url.rstrip("/"),
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            # This test's own: where the packages are, no settings of this machine's, the guard.
            "NODE_PATH": str(node.node_dir() / "node_modules"),
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "SESSPEC_LOOPBACK_PORT": str(served.port),
        }
    )
    if extra_ca:
        env["NODE_EXTRA_CA_CERTS"] = str(served.ca)
    guard = (node.JS_DIR / "_guard.mjs").as_uri()
    return subprocess.run(
        [program, "--import", guard, str(app)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _messages(served: Served) -> list[dict[str, object]]:
    context = ssl.create_default_context(cafile=str(served.ca))
    with urllib.request.urlopen(  # noqa: S310 - the loopback endpoint this test started
        f"{served.url}_aws/ses?email=ana@example.com", context=context, timeout=30
    ) as answer:
        document = json.loads(answer.read())
    messages = document["messages"]
    assert isinstance(messages, list)
    return messages


def test_node_refuses_the_endpoint_without_the_ca(served: Served, tmp_path: Path) -> None:
    done = _send(served, tmp_path, extra_ca=False)
    assert done.returncode == 1, done.stderr
    word, _, code = done.stdout.strip().partition(" ")
    assert word == "failed"
    assert code in UNTRUSTED
    assert _messages(served) == []


def test_node_sends_with_node_extra_ca_certs(served: Served, tmp_path: Path) -> None:
    done = _send(served, tmp_path, extra_ca=True)
    assert done.returncode == 0, done.stdout + done.stderr
    word, _, message_id = done.stdout.strip().partition(" ")
    assert word == "sent"
    (message,) = _messages(served)
    assert message["Id"] == message_id
    assert message["Source"] == "shop@example.com"
    assert message["Subject"] == "Welcome, Ana"
    assert message["Region"] == "us-east-1"
