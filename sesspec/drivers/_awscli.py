"""The AWS CLI as a user runs it: ``aws ses <operation> --cli-input-json file://params.json
--endpoint-url URL``, with the credentials (and session token), and region in the environment.

The scenario's params are the operation's input as the CLI's ``--cli-input-json`` takes it
(the SES member names). The CLI is called in this process (``awscli.clidriver``, what the
``aws`` script runs), after the loopback guard is installed. AWS CLI v2 reads a blob in JSON
input as base64 unless told ``--cli-binary-format raw-in-base64-out`` (its documented switch
for raw text, as SendRawEmail's examples use); v1 takes it raw and has no such option.

Stdlib only, so that it also runs as a script under Debian's ``/usr/bin/python3`` (AWS CLI v2
from Debian's ``awscli``): it then loads ``_guard.py`` beside it by path, reads the job on
stdin and prints the result line itself. Under the sesspec child (AWS CLI v1 from PyPI,
``py_awscli``) the child has installed the guard and calls :func:`run`.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["load_guard", "run"]


def __dir__() -> list[str]:
    return __all__


def _kebab(action: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", action).lower()


def run(job: dict[str, Any]) -> dict[str, Any]:
    awscli = importlib.import_module("awscli")
    clidriver = importlib.import_module("awscli.clidriver")
    scenario = job["scenario"]
    if scenario["kind"] == "presign-get":
        return {"status": "not-supported", "detail": "the AWS CLI presigns only S3 URLs"}
    credentials = job["credentials"]
    os.environ.update(
        AWS_ACCESS_KEY_ID=credentials["access_key_id"],
        AWS_SECRET_ACCESS_KEY=credentials["secret_access_key"],
        AWS_DEFAULT_REGION=credentials["region"],
        AWS_PAGER="",
    )
    if credentials.get("session_token"):
        os.environ["AWS_SESSION_TOKEN"] = credentials["session_token"]
    with tempfile.TemporaryDirectory(prefix="sesspec-awscli-") as folder:
        params = Path(folder) / "params.json"
        params.write_text(json.dumps(scenario["params"]), encoding="utf-8")
        args = ["ses", _kebab(scenario["action"]), "--cli-input-json", f"file://{params}"]
        args += ["--endpoint-url", job["endpoint"]["url"], "--output", "json"]
        if str(awscli.__version__).startswith("2."):
            args += ["--cli-binary-format", "raw-in-base64-out"]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = clidriver.create_clidriver().main(args)
    if status != 0:
        tail = " | ".join(err.getvalue().strip().splitlines()[-5:])
        return {"status": "client-error", "detail": f"exit status {status}: {tail}"[:4000]}
    return {"status": "ok", "detail": "", "response": {"output": out.getvalue()[:500]}}


def load_guard() -> Any:
    """``_guard.py`` beside this file, loaded by path (no sesspec install needed)."""
    spec = importlib.util.spec_from_file_location(
        "sesspec_guard", Path(__file__).resolve().parent / "_guard.py"
    )
    if spec is None or spec.loader is None:
        msg = "cannot load _guard.py"
        raise ImportError(msg)
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    return guard


def _main() -> int:
    here = Path(__file__).resolve().parent
    if sys.path and Path(sys.path[0] or ".").resolve() == here:
        del sys.path[0]  # the drivers' own modules are not the CLI's top-level names
    job = json.load(sys.stdin)
    load_guard().install(int(os.environ["SESSPEC_LOOPBACK_PORT"]))
    try:
        result = run(job)
    except Exception as exc:  # the client's failure is the result we report
        result = {"status": "client-error", "detail": f"{type(exc).__name__}: {exc}"[:4000]}
    sys.stdout.write("SESSPEC-RESULT " + json.dumps(result, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
