"""scripts/audit_report.py, the report's second opinion: its own naming of a change, worked by
hand; the committed report names every difference it finds; a report that leaves one out is
caught, and said where.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.audit_report import name_change

REPO = Path(__file__).resolve().parent.parent
LATEST = REPO / "reports" / "latest"
SCRIPT = REPO / "scripts" / "audit_report.py"


@pytest.mark.parametrize(
    ("asked", "arrived", "kinds"),
    [
        ("a\nb", "a\nb", set()),
        ("a\nb", "a\r\nb", {"line-end-lf-to-crlf"}),
        ("a\rb", "a\r\nb", {"line-end-cr-to-crlf"}),
        ("a\rb", "ab", {"line-end-cr-dropped"}),
        ("a\nb\rc\n", "a\r\nb\r\nc\r\n", {"line-end-lf-to-crlf", "line-end-cr-to-crlf"}),
        ("a", "a\r\n", {"line-end-appended"}),
        ("x  \ny", "x\r\ny", {"whitespace-line-trailing-trimmed", "line-end-lf-to-crlf"}),
        (" x ", "x", {"whitespace-trimmed"}),
        ("Cafe\u0301", "Caf\u00e9", {"unicode-nfc"}),
        ("Hi", "HI", {"text-case-changed"}),
        ("hello", "help!", {"value-changed"}),
    ],
)
def test_its_own_naming(asked: str, arrived: str, kinds: set[str]) -> None:
    assert name_change(asked, arrived) == kinds


def _audit(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def committed() -> Path:
    if not (LATEST / "report.json").is_file():
        pytest.skip("no committed report")
    return LATEST


def test_the_committed_report_names_every_difference(committed: Path) -> None:
    done = _audit(committed)
    assert done.returncode == 0, done.stdout
    assert done.stdout.endswith("0 difference(s) the report does not name\n")
    # Every request of every cell is compared: the count the report's own cells give.
    document = json.loads((committed / "report.json").read_text("utf-8"))
    requests = sum(len(case["requests"]) for case in document["cases"])
    assert requests > 700  # 34 clients' runs (README "The report")
    assert f" {requests} captures of " in done.stdout


def test_a_finding_left_out_is_listed(committed: Path, tmp_path: Path) -> None:
    """Symfony's HTTP transport makes the bare CR of the line-ends text a line break
    (line-end-cr-to-crlf): with that finding taken out of report.json, the audit says so."""
    copy = tmp_path / "latest"
    shutil.copytree(committed, copy)
    document = json.loads((copy / "report.json").read_text("utf-8"))
    (case,) = [
        c
        for c in document["cases"]
        if (c["client"], c["scenario"]) == ("php-symfony-ses-http", "send-email-line-ends")
    ]
    (request,) = case["requests"]
    kept = [f for f in request["findings"] if f.get("kind") != "line-end-cr-to-crlf"]
    assert len(kept) == len(request["findings"]) - 1
    request["findings"] = kept
    (copy / "report.json").write_text(json.dumps(document), encoding="utf-8")
    done = _audit(copy)
    assert done.returncode == 1
    seq = request["seq"]
    assert done.stdout.splitlines()[0] == (
        f"not named: php-symfony-ses-http / send-email-line-ends (#{seq}): "
        "message part 1 text/plain: line-end-cr-to-crlf"
    )
    assert done.stdout.endswith("1 difference(s) the report does not name\n")


def test_an_unreadable_report_is_exit_2(tmp_path: Path) -> None:
    done = _audit(tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"audit_report: {tmp_path}: ")
