"""``sesspec check --jobs N``: the same output as ``--jobs 1``, byte for
byte and in the same order, in every format, with the exit status and the stderr lines too;
inputs are streamed (a bounded number of requests read ahead), and a few requests are checked
without starting any worker.

The expected output is ``--jobs 1``'s, which earlier tests pin against the spec; what is
asserted here is that the processes change nothing of it.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sesspec.check.sources import Source
from sesspec.cli import check as check_cli
from sesspec.cli import main
from tests._support import REPO

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
FLAGS = ["--access-key-id", AKID, "--secret-access-key", SECRET, "--now", "2026-11-26T05:49:17Z"]
SAMPLES = REPO / "vectors" / "checker"
CAPTURES = REPO / "reports" / "latest" / "captures.jsonl.gz"


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    """Every checker sample (a folder), the committed captures (gzip'd JSON Lines), a capture
    file whose fourth line is broken (three requests, then an unreadable entry), a file that is
    missing, and one request file again."""
    if not CAPTURES.is_file():
        pytest.skip(f"{CAPTURES} is not in this checkout (make report writes it)")
    sample = next(SAMPLES.rglob("*.http"))
    broken = tmp_path / "broken.jsonl"
    lines = [json.dumps({"raw": base64.b64encode(sample.read_bytes()).decode()})] * 3
    broken.write_text("\n".join([*lines, "{not json", *lines]) + "\n", encoding="utf-8")
    return [str(SAMPLES), str(CAPTURES), str(broken), str(tmp_path / "missing.http"), str(sample)]


def _run(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["text", "json", "junit"])
def test_jobs_change_nothing_of_the_output(
    fmt: str,
    inputs: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small chunks (7 requests) so that the workers take many, and chunks end mid-input.
    monkeypatch.setattr(check_cli, "CHUNK_REQUESTS", 7)
    argv = ["check", *FLAGS, "--format", fmt, "--color", "always", *inputs]
    one = _run([*argv, "--jobs", "1"], capsys, monkeypatch)
    assert one[0] == 2  # an input is missing, another broken: 2 wins over 1
    assert "missing.http" in (one[1] if fmt != "text" else one[2])
    requests = one[1].count(": FAIL\n") + one[1].count(": ok\n")
    if fmt == "text":
        assert requests > 333 + 198  # the samples, the captures, the good lines
    for jobs in ("2", "3"):
        assert _run([*argv, "--jobs", jobs], capsys, monkeypatch) == one, jobs


def test_jobs_zero_is_one_per_cpu(
    inputs: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["check", *FLAGS, "--format", "json", *inputs[:2]]
    assert _run([*argv, "--jobs", "0"], capsys, monkeypatch) == _run(argv, capsys, monkeypatch)


@pytest.mark.parametrize("value", ["-1", "257", "two", "1.5"])
def test_jobs_out_of_range(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(["check", "--jobs", value, str(SAMPLES)], capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("sesspec check: argument --jobs: ")
    assert err.count("\n") == 1


def _sources(count: int, read: list[int]) -> Iterator[Source]:
    raw = next(SAMPLES.rglob("*.http")).read_bytes()
    for i in range(count):
        read.append(i)
        yield Source(f"request {i}", raw)


def test_inputs_are_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first findings come out after at most 2 x jobs + 1 chunks were read, not after the
    whole input; the last come out in order."""
    monkeypatch.setattr(check_cli, "CHUNK_REQUESTS", 4)
    read: list[int] = []
    context = check_cli._Context(None, None, plain_http=False)
    results = check_cli._parallel(_sources(1000, read), context, jobs=2)
    first = next(results)
    assert isinstance(first, check_cli.Checked)
    assert first.output.startswith("request 0: ")
    assert len(read) <= (2 * 2 + 1) * 4 + 1
    names = [r.output.partition(": ")[0] for r in results if isinstance(r, check_cli.Checked)]
    assert names == [f"request {i}" for i in range(1, 1000)]


def test_large_requests_go_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk ends at CHUNK_BYTES too: requests larger than that go one by one."""
    monkeypatch.setattr(check_cli, "CHUNK_BYTES", 1)
    read: list[int] = []
    context = check_cli._Context(None, None, plain_http=False)
    results = check_cli._parallel(_sources(50, read), context, jobs=2)
    next(results)
    assert len(read) <= 2 * 2 + 1 + 1
    assert len(list(results)) == 49


def test_a_few_requests_start_no_worker(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a worker was started for fewer requests than a chunk")

    monkeypatch.setattr(check_cli, "_pool", no_pool)
    files = [str(p) for p in sorted(SAMPLES.rglob("*.http"))[: check_cli.CHUNK_REQUESTS - 1]]
    argv = ["check", *FLAGS, "--format", "json", *files]
    assert _run([*argv, "--jobs", "4"], capsys, monkeypatch) == _run(argv, capsys, monkeypatch)


def test_workers_started_by_a_server_when_threads_run(
    inputs: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With another thread alive the workers are not forked from this process (a fork could
    copy a lock the thread holds) but from a fork server: the output is the same."""
    monkeypatch.setattr(check_cli, "CHUNK_REQUESTS", 16)
    argv = ["check", *FLAGS, "--format", "junit", *inputs]
    one = _run(argv, capsys, monkeypatch)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert _run([*argv, "--jobs", "2"], capsys, monkeypatch) == one
