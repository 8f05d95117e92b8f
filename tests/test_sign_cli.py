"""``sesspec sign`` on requests as people write them (docs/spec.md#sigv4-sign-input).

The proof: every SigV4 case of the aws-c-auth suite, its ``request.txt`` fed as it is (LF line
ends, no final empty line, raw spaces and UTF-8 in the target) to ``sesspec sign`` with the
options of its ``context.json`` as flags, header-signed and presigned, gives the suite's
signature. The expected values are the suite's files; nothing is computed by sesspec to compare
with. Then the reading itself (line ends, Content-Length) and what is refused, in one line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from sesspec.http import parse_request, parse_request_lenient
from sesspec.signing import sigv4
from tests._hostile import assert_one_line_exit_2, run
from tests._support import require_suite, suite_dir

SUITE = "sigv4-signing-test-suite-aws-c-auth"
#: The suite's v4 cases (PROVENANCE: 38 cases, 31 of them with normalize=true).
V4_CASES = 38
NORMALIZED_CASES = 31
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TIME = ["--time", "20261126T064950Z"]


def _cases() -> list[str]:
    root = suite_dir(SUITE)
    if root is None or not (root / "v4").is_dir():
        return []
    return sorted(p.name for p in (root / "v4").iterdir() if p.is_dir())


def _params() -> list[Any]:
    names = _cases()
    if not names:
        return [pytest.param("<suite absent>", "header", id="suite-absent")]
    return [pytest.param(n, m, id=f"{n}/{m}") for n in names for m in ("header", "query")]


def _argv(ctx: dict[str, Any], mode: str) -> tuple[list[str], dict[str, str]]:
    """The flags for ``context.json``; the credentials come from the environment, as a user
    keeps a secret out of ``ps``."""
    creds = ctx["credentials"]
    env = {
        "AWS_ACCESS_KEY_ID": creds["access_key_id"],
        "AWS_SECRET_ACCESS_KEY": creds["secret_access_key"],
    }
    if "token" in creds:
        env["AWS_SESSION_TOKEN"] = creds["token"]
    argv = ["sign", "--region", ctx["region"], "--service", ctx["service"]]
    argv += ["--time", ctx["timestamp"]]
    if mode == "query":
        argv += ["--scheme", "sigv4-query", "--keep-body"]
        argv += ["--expires", str(ctx["expiration_in_seconds"])]
    if not ctx["normalize"]:
        argv.append("--no-normalize-path")
    if ctx["sign_body"]:
        argv.append("--sign-body")
    if ctx.get("omit_session_token"):
        argv.append("--omit-session-token")
    return argv, env


def _signature(signed: bytes, mode: str) -> str:
    # The target is written as signed: a raw space or UTF-8 stays (get-space, get-utf8).
    req = parse_request_lenient(signed)
    if mode == "header":
        auth = sigv4.parse_authorization(req.header("Authorization") or "")
        return auth.signature
    query = urllib.parse.parse_qs(req.query, keep_blank_values=True)
    return query["X-Amz-Signature"][-1]


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
@pytest.mark.parametrize(("name", "mode"), _params())
def test_sign_reproduces_aws_c_auth(name: str, mode: str) -> None:
    case = require_suite(SUITE) / "v4" / name
    ctx = json.loads((case / "context.json").read_bytes())
    argv, env = _argv(ctx, mode)
    code, out, err = run(argv, (case / "request.txt").read_bytes(), env=env)
    assert code == 0, err
    assert err == ""
    expected = (case / f"{mode}-signature.txt").read_text().strip()
    assert _signature(out, mode) == expected
    assert SECRET not in out.decode("utf-8", "surrogateescape")


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
def test_every_case_is_fed() -> None:
    """The parametrized test above ran over the whole suite: no case folder was missed."""
    root = require_suite(SUITE) / "v4"
    contexts = [json.loads((p / "context.json").read_bytes()) for p in root.iterdir()]
    assert len(_cases()) == len(contexts) == V4_CASES
    assert sum(1 for c in contexts if c["normalize"]) == NORMALIZED_CASES


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
def test_sign_as_a_process() -> None:
    """``sesspec sign < request.txt`` in a real process, stdin a file (get-space-normalized:
    a raw space in the target; get-utf8: raw UTF-8)."""
    root = require_suite(SUITE) / "v4"
    for name in ("get-space-normalized", "get-utf8", "post-x-www-form-urlencoded"):
        ctx = json.loads((root / name / "context.json").read_bytes())
        argv, env = _argv(ctx, "header")
        with (root / name / "request.txt").open("rb") as stdin:
            done = subprocess.run(
                [sys.executable, "-m", "sesspec", *argv],
                stdin=stdin,
                capture_output=True,
                env={"PATH": "/usr/bin:/bin", **env},
                check=False,
            )
        assert done.returncode == 0, done.stderr
        expected = (root / name / "header-signature.txt").read_text().strip()
        assert _signature(done.stdout, "header") == expected


# --- the reading, without the suite --------------------------------------------------------------

HOST = "email.us-east-1.amazonaws.com"
FORM = "Action=GetSendQuota&Version=2010-12-01"
HEAD = f"POST / HTTP/1.1\nHost: {HOST}\nContent-Type: application/x-www-form-urlencoded\n"
CREDS = ["--access-key-id", AKID, "--secret-access-key", SECRET]


def _sign(request: bytes, *flags: str) -> tuple[int, bytes, str]:
    return run(["sign", *CREDS, *TIME, *flags], request)


def _signed_headers(out: bytes) -> str:
    auth = sigv4.parse_authorization(parse_request(out).header("Authorization") or "")
    return ";".join(auth.signed_headers)


@pytest.mark.parametrize("le", ["\n", "\r\n"])
@pytest.mark.parametrize("final", ["", "\n", "\r\n"])
@pytest.mark.parametrize("length", [True, False])
def test_line_ends_final_newline_and_length(le: str, final: str, length: bool) -> None:
    """LF or CRLF, a final line end after the body or none, Content-Length given or not: the
    same signed request, written with CRLF (the body is the form, 38 bytes, worked by hand)."""
    head = HEAD + ("Content-Length: 38\n" if length else "")
    request = (head.replace("\n", le) + le + FORM + final).encode()
    code, out, err = _sign(request)
    assert code == 0, err
    req = parse_request(out)  # strict: CRLF, Content-Length equal to the body
    assert req.line_ending == "\r\n"
    assert req.body == FORM.encode()
    assert req.header("Content-Length") == "38"
    assert _signed_headers(out) == "content-length;content-type;host;x-amz-date"
    assert sigv4.verify(req, secret_access_key=SECRET, now=None).ok


def test_no_final_empty_line() -> None:
    code, out, err = _sign(f"GET /?Action=GetSendQuota HTTP/1.1\nHost: {HOST}".encode())
    assert code == 0, err
    assert parse_request(out).header("Content-Length") is None  # no body, none written


@pytest.mark.parametrize(
    ("length", "message"),
    [
        # The body and a final LF: 39 bytes (a Content-Length of 38 or 39 is right).
        ("37", "Content-Length is 37, but 39 bytes follow the empty line"),
        ("40", "truncated body: Content-Length is 40, got 39 bytes"),
        ("3x", "invalid Content-Length '3x'"),
    ],
)
def test_a_wrong_content_length_is_one_line(length: str, message: str) -> None:
    request = f"{HEAD}Content-Length: {length}\n\n{FORM}\n".encode()
    code, out, err = _sign(request)
    assert_one_line_exit_2(code, err)
    assert out == b""
    assert message in err
    assert "at byte" in err


def test_blocklisted_headers_are_not_signed() -> None:
    """botocore's SIGNED_HEADERS_BLACKLIST and aws-c-auth's skipped headers stay out; any other
    header present is signed (docs/spec.md#sigv4-sign-input)."""
    extra = "User-Agent: me/1\nExpect: 100-continue\nX-Amzn-Trace-Id: Root=1\nX-Custom: a\n"
    code, out, err = _sign(f"{HEAD}{extra}\n{FORM}".encode())
    assert code == 0, err
    expected = "content-length;content-type;host;x-amz-date;x-custom"
    assert _signed_headers(out) == expected


def test_signed_headers_chosen() -> None:
    code, out, err = _sign(f"{HEAD}\n{FORM}".encode(), "--signed-headers", "Content-Type")
    assert code == 0, err
    assert _signed_headers(out) == "content-type;host;x-amz-date"
    code, _, err = _sign(f"{HEAD}\n{FORM}".encode(), "--signed-headers", "x-absent")
    assert_one_line_exit_2(code, err)
    assert "x-absent" in err
    code, _, err = _sign(f"{HEAD}\n{FORM}".encode(), "--signed-headers", "host;;a")
    assert_one_line_exit_2(code, err)


def test_sigv4_flags_refused_for_other_schemes() -> None:
    code, _, err = _sign(f"{HEAD}\n{FORM}".encode(), "--scheme", "aws3", "--no-normalize-path")
    assert_one_line_exit_2(code, err)
    assert "--no-normalize-path is a SigV4 option" in err


@pytest.mark.parametrize("bad", ["X-Custom: a\rb", "X-Custom: a\x00b"])
def test_control_characters_in_a_header_are_refused(bad: str) -> None:
    code, out, err = _sign(f"{HEAD}{bad}\n\n{FORM}".encode())
    assert_one_line_exit_2(code, err)
    assert out == b""


def test_presign_moves_the_form_unless_kept() -> None:
    request = f"{HEAD}\n{FORM}\n".encode()
    code, out, err = _sign(request, "--scheme", "sigv4-query")
    assert code == 0, err
    moved = parse_request(out)
    assert moved.body == b""
    assert moved.query.startswith(FORM + "&X-Amz-Algorithm=")
    # The moved form's Content-Length: 0 is not what whoever opens the URL sends: not signed.
    assert urllib.parse.parse_qs(moved.query)["X-Amz-SignedHeaders"] == ["host"]
    code, out, err = _sign(request, "--scheme", "sigv4-query", "--keep-body")
    assert code == 0, err
    kept = parse_request(out)
    assert kept.body == FORM.encode()
    query = urllib.parse.parse_qs(kept.query)
    assert query["X-Amz-SignedHeaders"] == ["content-length;content-type;host"]


def test_the_secret_is_never_written(tmp_path: Path) -> None:
    """Neither on success nor in an error line."""
    for request in (f"{HEAD}\n{FORM}".encode(), f"{HEAD}Content-Length: 1\n\n{FORM}".encode()):
        code, out, err = _sign(request)
        assert SECRET not in out.decode() + err
        assert code in {0, 2}
