"""``sesspec verify``: the inverse of ``sesspec sign``, for any service.

Requests signed by others (the public suites' stored files, botocore's checker samples) exit 0;
a one-byte change exits 1 with the canonical-request diff; unusable input exits 2 with one line
on stderr. The secret key and session tokens never appear in the output.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sesspec.cli import main
from tests._support import REPO, require_suite

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
KEY = ["--secret-access-key", SECRET]
SAMPLES = REPO / "vectors" / "checker"
S2011 = "sigv4-testsuite-2011-botocore"
S2015 = "sigv4-testsuite-2015-botocore"
CRT = "sigv4-signing-test-suite-aws-c-auth"


@pytest.fixture(autouse=True)
def _no_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: bytes = b"",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["verify", *argv])
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    return code, out, err


# --- what others signed -------------------------------------------------------------------------


@pytest.mark.vectors
@pytest.mark.parametrize(
    "case", ["get-vanilla", "post-x-www-form-urlencoded", "normalize-path/get-space"]
)
def test_2015_sreq_verifies(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = require_suite(S2015) / case
    sreq = folder / f"{folder.name}.sreq"
    code, out, _ = run([str(sreq), *KEY, "--now", "20150830T123600Z"], capsys, monkeypatch)
    assert (code, out) == (0, "OK sigv4: signature matches\n")


@pytest.mark.vectors
def test_2011_date_header_and_its_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 2011 edition signs the HTTP-date Date header; get-header-key-duplicate needs its
    sorted repeated values, get-utf8 its single-encoded path (PROVENANCE.md)."""
    root = require_suite(S2011) / "original"
    code, out, _ = run([str(root / "get-vanilla.sreq"), *KEY], capsys, monkeypatch)
    assert (code, out) == (0, "OK sigv4: signature matches\n")
    dup = str(root / "get-header-key-duplicate.sreq")
    assert run([dup, *KEY], capsys, monkeypatch)[0] == 1
    assert run([dup, *KEY, "--sort-repeated-values"], capsys, monkeypatch)[0] == 0
    utf8 = str(root / "get-utf8.sreq")
    assert run([utf8, *KEY], capsys, monkeypatch)[0] == 1
    assert run([utf8, *KEY, "--single-encode-path"], capsys, monkeypatch)[0] == 0


@pytest.mark.vectors
@pytest.mark.parametrize("mode", ["header", "query"])
def test_aws_c_auth_signed_requests(
    mode: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = require_suite(CRT) / "v4"
    signed = str(root / "get-vanilla-with-session-token" / f"{mode}-signed-request.txt")
    assert run([signed, *KEY], capsys, monkeypatch)[0] == 0
    unnormalized = str(root / "get-relative-relative-unnormalized" / f"{mode}-signed-request.txt")
    assert run([unnormalized, *KEY], capsys, monkeypatch)[0] == 1
    assert run([unnormalized, *KEY, "--no-normalize-path"], capsys, monkeypatch)[0] == 0


@pytest.mark.parametrize(
    "sample",
    [
        "AUTH018/pass-botocore-post",
        "AUTH018/pass-botocore-presign",
        "AUTH010/fail-iso-date-header",
        "AUTH002/fail-aws3-https",
        "AUTH003/fail-sigv2",
        "AUTH003/fail-sigv2-get",
    ],
)
def test_botocore_signed_samples(
    sample: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = json.loads((SAMPLES / f"{sample}.json").read_text("utf-8"))
    assert meta["signed_by"].startswith("botocore ")
    code, out, _ = run([str(SAMPLES / f"{sample}.http"), *KEY], capsys, monkeypatch)
    assert code == 0, out
    assert out.startswith("OK ")


def test_sign_then_verify_on_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Consistency: what ``sesspec sign`` writes, ``sesspec verify`` accepts, for each scheme,
    and for another service and region."""
    unsigned = b"POST / HTTP/1.1\r\nHost: example.amazonaws.com\r\nContent-Length: 3\r\n\r\na=b"
    for extra in (
        ["--scheme", "sigv4"],
        ["--scheme", "sigv4-query", "--expires", "600"],
        ["--scheme", "aws3"],
        ["--scheme", "sigv2"],
        ["--service", "sqs", "--region", "eu-west-1"],
    ):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(unsigned)))
        argv = ["sign", "--access-key-id", "AKIDEXAMPLE", *KEY, "--time", "20261126T054817Z"]
        assert main([*argv, *extra]) == 0
        signed = capsys.readouterr().out.encode("utf-8")
        code, out, _ = run([*KEY, "--now", "2026-11-26T05:50:00Z"], capsys, monkeypatch, signed)
        assert code == 0, (extra, out)


# --- what does not hold -------------------------------------------------------------------------


@pytest.mark.vectors
def test_tampered_gives_the_canonical_request_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = require_suite(S2015) / "get-vanilla"
    raw = (folder / "get-vanilla.sreq").read_bytes()
    tampered = tmp_path / "tampered.sreq"
    tampered.write_bytes(raw.replace(b"Host:example.", b"Host:examplf."))
    creq = str(folder / "get-vanilla.creq")
    code, out, _ = run([str(tampered), *KEY, "--canonical-request", creq], capsys, monkeypatch)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "FAIL sigv4: signature does not match (SignatureDoesNotMatch)"
    assert "-host:example.amazonaws.com" in lines
    assert "+host:examplf.amazonaws.com" in lines
    assert [ln for ln in lines if ln.startswith(("-", "+")) and ln[1:2] not in "-+"] == [
        "-host:example.amazonaws.com",
        "+host:examplf.amazonaws.com",
    ]


def test_known_client_mistake_is_explained(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """node-ses#63 (a checker sample: botocore's signature over an encodeURIComponent query)."""
    sample = SAMPLES / "AUTH018" / "fail-encodeuricomponent-parens.http"
    code, out, _ = run([str(sample), *KEY], capsys, monkeypatch)
    assert code == 1
    assert "encodeURIComponent" in out
    assert "-Action=SendEmail&" in out
    assert "Hello%20(world)%20it's%20me!" in out
    assert "Hello%20%28world%29%20it%27s%20me%21" in out


def test_wrong_secret_prints_the_spec_stages_and_not_the_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = SAMPLES / "AUTH018" / "pass-botocore-post.http"
    wrong = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY00"
    code, out, err = run([str(sample), "--secret-access-key", wrong], capsys, monkeypatch)
    assert code == 1
    assert "canonical request" in out
    assert "expected signature" in out
    assert wrong not in out + err


def test_a_reader_gone_keeps_the_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout is written as every command writes it (cli._common.Output): a reader that went
    away (``sesspec verify ... | head -0``) ends the output, not the verdict."""

    class _Gone(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:  # noqa: ARG002 - every write fails
            raise BrokenPipeError(32, "Broken pipe")

    sample = str(SAMPLES / "AUTH018" / "pass-botocore-post.http")
    for secret, verdict in ((SECRET, 0), ("wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY00", 1)):
        stdout = io.TextIOWrapper(io.BufferedWriter(_Gone(), buffer_size=1), write_through=True)
        monkeypatch.setattr(sys, "stdout", stdout)
        assert main(["verify", sample, "--secret-access-key", secret]) == verdict


def test_other_key_id_or_scope_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = str(SAMPLES / "AUTH018" / "pass-botocore-post.http")
    assert run([sample, *KEY, "--access-key-id", "AKIDOTHER"], capsys, monkeypatch)[0] == 1
    assert run([sample, *KEY, "--region", "eu-west-1"], capsys, monkeypatch)[0] == 1
    assert (
        run([sample, *KEY, "--service", "ses", "--region", "us-east-1"], capsys, monkeypatch)[0]
        == 0
    )


def test_now_outside_the_window(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed 2026-11-26T05:48:17Z: 15 minutes later is in time, 15 minutes 1 second is not."""
    sample = str(SAMPLES / "AUTH018" / "pass-botocore-post.http")
    assert run([sample, *KEY, "--now", "20261126T060317Z"], capsys, monkeypatch)[0] == 0
    code, out, _ = run([sample, *KEY, "--now", "20261126T060318Z"], capsys, monkeypatch)
    assert code == 1
    assert "RequestExpired" in out.splitlines()[0]


def test_now_read_as_sign_and_check_read_times(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--now is read as ``sesspec check --now`` and ``sesspec sign --time`` read theirs: extended
    form with a zone (the same instant as the window's edge above), and no zone as UTC."""
    sample = str(SAMPLES / "AUTH018" / "pass-botocore-post.http")
    assert run([sample, *KEY, "--now", "2026-11-26T07:03:17+01:00"], capsys, monkeypatch)[0] == 0
    assert run([sample, *KEY, "--now", "2026-11-26T07:03:18+01:00"], capsys, monkeypatch)[0] == 1
    assert run([sample, *KEY, "--now", "2026-11-26T06:03:18"], capsys, monkeypatch)[0] == 1
    assert run([sample, *KEY, "--now", "20261126T060317"], capsys, monkeypatch)[0] == 0


def test_secrets_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = str(SAMPLES / "AUTH018" / "pass-botocore-post.http")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    assert run([sample], capsys, monkeypatch)[0] == 0
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDOTHER")
    assert run([sample], capsys, monkeypatch)[0] == 1
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    assert run([sample], capsys, monkeypatch)[0] == 0


@pytest.mark.vectors
def test_session_token_is_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mismatch prints the canonical request, which holds the signed token: masked, as it
    is in the header and (percent-encoded) in a presigned query."""
    token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
    case = require_suite(CRT) / "v4" / "get-vanilla-with-session-token"
    for mode in ("header", "query"):
        raw = (case / f"{mode}-signed-request.txt").read_bytes()
        tampered = tmp_path / f"{mode}.txt"
        tampered.write_bytes(raw.replace(b"example.amazonaws.com", b"examplf.amazonaws.com"))
        code, out, err = run([str(tampered), *KEY], capsys, monkeypatch)
        assert code == 1
        assert token not in out + err
        assert "<secret>" in out


# --- unusable input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "stdin", "says"),
    [
        ([], b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "no secret"),
        (KEY, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "no signature to verify"),
        (KEY, b"\x00\x01 not http", "not an HTTP request"),
        ([*KEY, "/nonexistent/request.http"], b"", "cannot read"),
        ([*KEY, "--now", "yesterday"], b"", "--now"),
    ],
    ids=["no-secret", "unsigned", "not-http", "no-file", "bad-now"],
)
def test_unusable_input_exits_2(
    argv: list[str],
    stdin: bytes,
    says: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "--now" in argv:
        sample = SAMPLES / "AUTH018" / "pass-botocore-post.http"
        stdin = sample.read_bytes()
    code, out, err = run(argv, capsys, monkeypatch, stdin)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("sesspec verify: ")
    assert says in err
    assert "Traceback" not in err
