"""The checker's rules against their pass and fail samples (issue 3; vectors/checker/).

Each sample is a raw request written by ``scripts/gen_checker_samples.py``: valid signatures are
botocore's (an independent implementation), broken ones are botocore's changed after signing the
way the client of the spec-notes section (g) issue named in the sample changed them. The JSON
beside each ``.http`` file says which rules :func:`sesspec.check.check` must report (``expect``),
must not report (``forbid``) and whether the request must have no error finding (``clean``).
"""

from __future__ import annotations

import base64
import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sesspec.check.catalogue import RULES

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "vectors" / "checker"
GENERATOR = REPO / "scripts" / "gen_checker_samples.py"
SEVERITIES = {"error", "warning", "info"}


@dataclass(frozen=True)
class Sample:
    rule: str
    name: str
    raw: bytes
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"


def _samples() -> list[Sample]:
    out = []
    for meta_path in sorted(SAMPLES.glob("*/*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        raw = meta_path.with_suffix(".http").read_bytes()
        out.append(Sample(meta_path.parent.name, meta_path.stem, raw, meta))
    return out


ALL = _samples()


def _checker() -> tuple[Callable[..., list[Any]], Callable[..., Any]]:
    """``sesspec.check.check`` and ``Credentials``; skips while the checker is not importable."""
    try:
        module = importlib.import_module("sesspec.check")
        return module.check, module.Credentials
    except (ImportError, AttributeError) as exc:
        pytest.skip(f"sesspec.check.check is not importable yet: {exc}")


def _run(sample: Sample) -> list[Any]:
    check, credentials_type = _checker()
    ctx = sample.meta["context"]
    cred = ctx["credentials"]
    credentials = None
    if cred is not None:
        credentials = credentials_type(
            access_key_id=cred["access_key_id"],
            secret_access_key=cred["secret_access_key"],
            session_token=cred.get("session_token"),
        )
    now = None if ctx["now"] is None else datetime.fromisoformat(ctx["now"].replace("Z", "+00:00"))
    return check(sample.raw, credentials=credentials, now=now, tls=ctx["tls"])


def _show(findings: list[Any]) -> str:
    return (
        "\n".join(f"  {f.rule} {f.severity} @ {f.location}: {f.message}" for f in findings)
        or "  (no findings)"
    )


# --- one test per sample ------------------------------------------------------------------------


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_sample(sample: Sample) -> None:
    findings = _run(sample)
    found = {f.rule for f in findings}
    missing = [r for r in sample.meta["expect"] if r not in found]
    assert not missing, f"{sample.id}: expected {missing} not found; findings:\n{_show(findings)}"
    forbidden = [r for r in sample.meta["forbid"] if r in found]
    assert not forbidden, f"{sample.id}: forbidden {forbidden} found; findings:\n{_show(findings)}"
    if sample.meta.get("clean"):
        errors = [f for f in findings if f.severity == "error"]
        assert not errors, f"{sample.id}: clean sample has errors:\n{_show(findings)}"


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_findings_are_catalogued(sample: Sample) -> None:
    """Every finding names a catalogue rule, a known severity, that rule's citation, a place."""
    for f in _run(sample):
        assert f.rule in RULES, f"{sample.id}: finding of unknown rule {f.rule!r}"
        assert f.severity in SEVERITIES, f"{sample.id}: {f.rule} severity {f.severity!r}"
        assert f.citation == RULES[f.rule].citation, f"{sample.id}: {f.rule} citation"
        assert f.message, f"{sample.id}: {f.rule} without a message"
        assert f.location, f"{sample.id}: {f.rule} without a location"
        if f.rule == "AUTH018":
            # Issue 3: a mismatch shows the canonical request (the spec's, and the client's when
            # a known mistake reproduces it).
            assert "canonical request" in f.detail, f"{sample.id}: AUTH018 without the diff"


# --- the sample set itself ---------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", [r.id for r in RULES.values() if not r.deprecated])
def test_rule_has_pass_and_fail_sample(rule_id: str) -> None:
    mine = [s for s in ALL if s.rule == rule_id]
    passes = [s for s in mine if s.name.startswith("pass-")]
    fails = [s for s in mine if s.name.startswith("fail-")]
    assert passes, f"{rule_id}: no pass-* sample in vectors/checker/{rule_id}/"
    assert fails, f"{rule_id}: no fail-* sample in vectors/checker/{rule_id}/"
    for s in passes:
        assert rule_id in s.meta["forbid"], f"{s.id}: a pass sample must forbid {rule_id}"
    for s in fails:
        assert rule_id in s.meta["expect"], f"{s.id}: a fail sample must expect {rule_id}"


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_sample_is_well_formed(sample: Sample) -> None:
    meta = sample.meta
    assert sample.rule in RULES or sample.rule == "clean", f"{sample.id}: folder is not a rule id"
    assert sample.name.startswith(("pass-", "fail-")), sample.id
    assert {"description", "spec", "expect", "forbid", "context", "generated_by"} <= set(meta)
    for rule_id in (*meta["expect"], *meta["forbid"]):
        assert rule_id in RULES, f"{sample.id}: unknown rule {rule_id!r}"
    assert not set(meta["expect"]) & set(meta["forbid"]), sample.id
    assert set(meta["context"]) == {"tls", "credentials", "now"}, sample.id
    # The request head uses CRLF line endings only (the body is bytes as sent).
    head = sample.raw.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in head.replace(b"\r\n", b""), f"{sample.id}: bare LF in the head"


def test_samples_match_generator(tmp_path: Path) -> None:
    """vectors/checker/ is exactly what the generator writes (with the recorded botocore)."""
    botocore = pytest.importorskip("botocore")
    recorded = {s.meta["generated_by"] for s in ALL}
    wanted = f"scripts/gen_checker_samples.py with botocore {botocore.__version__}"
    if recorded != {wanted}:
        pytest.skip(f"samples were made by {sorted(recorded)}; installed: {wanted}")
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True
    )
    expected = sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*") if p.is_file())
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written == expected
    for rel in expected:
        assert (tmp_path / rel).read_bytes() == (SAMPLES / rel).read_bytes(), str(rel)


# --- a sample too big to keep as a file -------------------------------------------------------


def _raw_email_request(base64_chars: int) -> bytes:
    """An unsigned SendRawEmail whose RawMessage.Data holds ``base64_chars`` characters of base64
    (of 'A' bytes: 'QUFB...', nothing that form-encoding would expand)."""
    head = b"From: sender@example.com\r\nTo: recipient@example.com\r\nSubject: big\r\n\r\n"
    data = base64.b64encode(head + b"A" * (base64_chars * 3 // 4 - len(head)))
    body = b"Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=" + data
    return (
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


@pytest.mark.parametrize(
    ("base64_chars", "over"),
    [
        pytest.param(9 * 1024 * 1024, False, id="PARAM012/pass-9MiB-base64"),
        pytest.param(11 * 1024 * 1024, True, id="PARAM012/fail-11MiB-base64"),
    ],
)
def test_raw_message_size_limit(base64_chars: int, over: bool) -> None:
    """SES v1: 10 MB per message after base64 (QUOTAS; spec-notes f). 9 MiB and 11 MiB are on
    either side of the limit however 'MB' is read (10**7 or 2**20 * 10 bytes)."""
    check, _ = _checker()
    findings = check(_raw_email_request(base64_chars))
    size = [f for f in findings if f.rule == "PARAM012"]
    assert bool(size) is over, _show(findings)
