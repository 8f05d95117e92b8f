"""README "Testing your application": its pytest example passes with the ses_endpoint fixture,
and its recipe for other languages (the SDK's AWS_ENDPOINT_URL_SES, then GET and DELETE
/_aws/ses) works as written against ``sesspec serve``."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests._support import REPO
from tests._wire import run_pytest

pytest.importorskip("boto3")


def _section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Testing your application", 1)[1].split("\n## ", 1)[0]


def test_the_pytest_example_passes(tmp_path: Path) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", _section(), re.DOTALL)
    assert len([line for line in block.splitlines() if line.strip()]) <= 12  # about ten
    test_file = tmp_path / "test_readme_example.py"
    test_file.write_text(block, encoding="utf-8")
    result = run_pytest(test_file, plugin=False)  # as installed: by its entry point
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_recipe_for_other_languages(tmp_path: Path) -> None:
    section = _section()
    # The --http recipe: the first (the HTTPS one after it is tests/test_node_ca.py's).
    exports = re.findall(r"export (AWS_ENDPOINT_URL_SES=.*?)\n(?:npm)", section, re.DOTALL)[0]
    assert exports.startswith("AWS_ENDPOINT_URL_SES=http://127.0.0.1:4566 ")
    env_words = exports.replace("\\\n", " ").split()
    code = "import sys; from sesspec.serve import main; sys.exit(main(sys.argv[1:]))"
    serve = subprocess.Popen(
        [sys.executable, "-c", code, "--http", "--capture", str(tmp_path / "c.jsonl")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert serve.stdout is not None
        url = serve.stdout.readline().split()[1]
        env = dict(os.environ)
        env.update(w.split("=", 1) for w in env_words)
        env["AWS_ENDPOINT_URL_SES"] = url.rstrip("/")  # the README's with the port we got
        app = (
            "import boto3; ses = boto3.client('ses'); "
            "ses.verify_email_identity(EmailAddress='shop@example.com'); "
            "ses.send_email(Source='shop@example.com', "
            "Destination={'ToAddresses': ['ana@example.com']}, "
            "Message={'Subject': {'Data': 'Hello Ana'}, 'Body': {'Text': {'Data': 'x'}}})"
        )
        subprocess.run([sys.executable, "-c", app], env=env, check=True, timeout=120)
        with urllib.request.urlopen(f"{url}_aws/ses?email=ana@example.com", timeout=30) as got:  # noqa: S310 (loopback)
            subjects = [m["Subject"] for m in json.loads(got.read())["messages"]]
        delete = urllib.request.Request(f"{url}_aws/ses", method="DELETE")  # noqa: S310
        with urllib.request.urlopen(delete, timeout=30) as deleted:  # noqa: S310
            status = deleted.status
        with urllib.request.urlopen(f"{url}_aws/ses", timeout=30) as after:  # noqa: S310
            left = json.loads(after.read())["messages"]
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
        if serve.stdout is not None:
            serve.stdout.close()
    assert subjects == ["Hello Ana"]
    assert status == 204
    assert left == []
