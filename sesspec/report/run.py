"""``sesspec report`` orchestration: run the clients, check their requests, write the report.

One run (issue 4, "Reporter"):

1. optionally install the clients (:func:`sesspec.drivers.install_clients`);
2. start the loopback :class:`~sesspec.serve.Endpoint` with its capture file inside the run
   folder, and run every available driver over every scenario with
   :func:`sesspec.drivers.run_matrix` (which hands each outcome the ``seq`` of the captures that
   arrived during it: runs are sequential, so attribution is exact);
3. check every captured request in-process with
   :func:`~sesspec.serve.capture.capture_findings` (the one verdict on a capture, which
   ``sesspec check``, the ``ses_endpoint`` fixture and ``serve --strict`` give too), with the
   drivers' fake credentials (so signatures are verified), ``now`` = the request's arrival
   time, and the connection's TLS flag;
4. build the :class:`~sesspec.report.model.Report`, compare it with the previous
   ``<out>/latest/report.json``, and write ``<out>/<run-id>/`` and a copy in ``<out>/latest/``.
"""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import json
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sesspec.check import Credentials
from sesspec.check.catalogue import RULES
from sesspec.drivers import (
    Driver,
    Outcome,
    Scenario,
    all_drivers,
    install_clients,
    load_scenarios,
    run_matrix,
)
from sesspec.errors import SesSpecError
from sesspec.report.diff import diff_runs
from sesspec.report.html import render_html
from sesspec.report.json_ import render_json
from sesspec.report.junit import render_junit
from sesspec.report.markdown import render_markdown
from sesspec.report.model import (
    CaseResult,
    ClientInfo,
    Report,
    RequestResult,
    RuleRef,
    ScenarioInfo,
    cell_verdict,
)
from sesspec.serve import Capture, Endpoint, load_captures
from sesspec.serve.strict import default_findings

__all__ = [
    "GZIP_THRESHOLD",
    "ReportRun",
    "RunIdError",
    "build_cases",
    "check_capture",
    "check_run_id",
    "new_run_id",
    "run_report",
    "runtime_versions",
    "write_report",
]


def __dir__() -> list[str]:
    return __all__


#: A run folder above this size gets its captures gzip'd (the report is committed to git).
GZIP_THRESHOLD = 15 * 1024 * 1024

#: Files of a run folder, in the order a reader wants them.
REPORT_FILES = ("index.html", "report.md", "report.json", "junit.xml")

Progress = Callable[[Driver, Scenario, Outcome | None], None]


#: A run id is a plain folder name: a letter or digit, then letters, digits, '.', '_', '-'.
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")


class RunIdError(SesSpecError, ValueError):
    """A run id that is not a plain folder name (it would write outside ``--out``)."""

    def __init__(self, run_id: str) -> None:
        super().__init__(
            f"run id {run_id[:60]!r} is not a plain folder name "
            "(a letter or digit, then up to 99 letters, digits, '.', '_' or '-')"
        )
        self.run_id = run_id


def check_run_id(run_id: str) -> str:
    """``run_id`` if it names a folder directly inside ``--out`` (no ``/``, ``..``, drive or
    absolute path, nothing hidden); :class:`RunIdError` if not."""
    if not _RUN_ID.match(run_id):
        raise RunIdError(run_id)
    return run_id


def new_run_id(when: datetime) -> str:
    """A sortable run id from the start time: ``20261126T071552Z``."""
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def check_capture(capture: Capture, *, credentials: Credentials | None = None) -> RequestResult:
    """One captured request checked: the drivers' fake credentials (the strict endpoint's),
    ``now`` = its arrival time, its TLS."""
    findings = default_findings(capture, credentials=credentials)
    line_end = capture.raw.find(b"\r\n")
    line = capture.raw[: line_end if line_end >= 0 else 200].decode("latin-1")
    if len(line) > 300:
        line = line[:300] + "..."
    return RequestResult(
        seq=capture.seq,
        request_line=line,
        received_at=capture.received_at,
        tls=capture.tls,
        status=capture.status,
        action=capture.action,
        size=len(capture.raw),
        findings=tuple(findings),
    )


def build_cases(
    outcomes: Sequence[Outcome], requests: Mapping[int, RequestResult]
) -> list[CaseResult]:
    """The matrix cells: each outcome with the checked requests it made, and its verdict."""
    cases: list[CaseResult] = []
    for outcome in outcomes:
        mine = tuple(requests[s] for s in outcome.captures if s in requests)
        verdict, note = cell_verdict(outcome.status, mine)
        detail = outcome.detail
        if outcome.status == "timeout" and not detail:
            detail = "timed out"
        cases.append(
            CaseResult(
                client=outcome.driver,
                scenario=outcome.scenario,
                verdict=verdict,
                status=outcome.status,
                detail=detail,
                note=note,
                duration_s=outcome.duration_s,
                requests=mine,
            )
        )
    return cases


def _tool_version(command: str, *args: str) -> str | None:
    path = shutil.which(command)
    if path is None:
        return None
    try:
        done = subprocess.run(
            [path, *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else None


@functools.cache
def runtime_versions() -> dict[str, str]:
    """The runtimes the clients ran on (Python, Node, npm, Ruby, Perl), the OS and sesspec."""
    try:
        sesspec_version = importlib.metadata.version("sesspec")
    except importlib.metadata.PackageNotFoundError:
        sesspec_version = "not installed (source tree)"
    return {
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "Node": _tool_version("node", "--version") or "not found on PATH",
        "npm": _tool_version("npm", "--version") or "not found on PATH",
        "Ruby": _tool_version("ruby", "-e", "print RUBY_VERSION") or "not found on PATH",
        "Perl": _tool_version("perl", "-e", "printf '%vd', $^V") or "not found on PATH",
        "OS": platform.platform(),
        "sesspec": sesspec_version,
    }


def _rules_of(cases: Sequence[CaseResult]) -> tuple[RuleRef, ...]:
    ids = sorted({f.rule for c in cases for f in c.findings()})
    out: list[RuleRef] = []
    for rule_id in ids:
        rule = RULES.get(rule_id)
        if rule is not None:
            out.append(RuleRef(rule.id, rule.severity, rule.title, rule.citation))
    return tuple(out)


def _client_info(driver: Driver, install: Mapping[str, str]) -> ClientInfo:
    ok, reason = driver.available()
    status = install.get(driver.name, "")
    if not ok and status.startswith("not available: "):
        reason = f"{reason} (install: {status.removeprefix('not available: ')})"
    return ClientInfo(
        name=driver.name,
        language=driver.language,
        version=driver.version() if ok else "",
        available=ok,
        reason=reason,
        install=status,
    )


def _load_previous(out: Path) -> dict[str, Any] | None:
    path = out / "latest" / "report.json"
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class ReportRun:
    """Where one run writes, and what it found (returned by :func:`run_report`)."""

    def __init__(self, report: Report, run_dir: Path, latest_dir: Path) -> None:
        self.report = report
        self.run_dir = run_dir
        self.latest_dir = latest_dir


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write the four report files of ``report`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        "index.html": render_html(report).encode("utf-8"),
        "report.md": render_markdown(report).encode("utf-8"),
        "report.json": render_json(report).encode("utf-8"),
        "junit.xml": render_junit(report),
    }
    paths: list[Path] = []
    for name in REPORT_FILES:
        path = folder / name
        path.write_bytes(written[name])
        paths.append(path)
    return paths


def _gzip(path: Path) -> Path:
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as src, gzip.open(target, "wb", compresslevel=9) as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
    path.unlink()
    return target


def run_report(
    *,
    out: Path,
    run_id: str | None = None,
    clients: Sequence[str] | None = None,
    scenarios: Sequence[str] | None = None,
    install: bool = False,
    timeout: float = 60.0,
    tls: bool = True,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> ReportRun:
    """Run the clients, check their captures and write ``out/<run-id>/`` and ``out/latest/``.

    ``run_id`` must be a plain folder name (:class:`RunIdError` otherwise, before anything is
    written); ``clients``: driver names to run (all when None; an unknown name raises
    ``KeyError``);
    ``scenarios``: scenario ids (all when None). ``progress`` is passed to
    :func:`~sesspec.drivers.run_matrix`; ``log`` gets one-line messages (install, writing).
    """
    say = log or (lambda _msg: None)
    started = datetime.now(UTC)
    clock = time.monotonic()
    run_id = check_run_id(run_id) if run_id is not None else new_run_id(started)
    install_status: dict[str, str] = {}
    if install:
        say("installing the clients ...")
        install_status = install_clients(sys.executable)
        for name, status in install_status.items():
            say(f"install {name}: {status}")
    drivers: list[Driver] = list(all_drivers())
    if clients:
        known = {d.name for d in drivers}
        unknown = [c for c in clients if c not in known]
        if unknown:
            msg = f"unknown client(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            raise KeyError(msg)
        drivers = [d for d in drivers if d.name in clients]
    chosen = load_scenarios(list(scenarios) if scenarios else None)
    infos = [_client_info(d, install_status) for d in drivers]
    runnable = [d for d, info in zip(drivers, infos, strict=True) if info.available]

    run_dir = out / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("captures.jsonl", "captures.jsonl.gz"):
        (run_dir / stale).unlink(missing_ok=True)
    capture_path = run_dir / "captures.jsonl"
    with Endpoint(capture_path, tls=tls) as endpoint:
        ran = run_matrix(endpoint, runnable, chosen, timeout=timeout, progress=progress)

    by_name = {(o.driver, o.scenario): o for o in ran}
    outcomes: list[Outcome] = []
    for driver, info in zip(drivers, infos, strict=True):
        for scenario in chosen:
            found = by_name.get((driver.name, scenario.id))
            outcomes.append(
                found
                if found is not None
                else Outcome(driver.name, scenario.id, "not-available", info.reason)
            )

    say("checking the captured requests ...")
    requests: dict[int, RequestResult] = {}
    if capture_path.is_file():
        for capture in load_captures(capture_path):
            requests[capture.seq] = check_capture(capture)
    cases = build_cases(outcomes, requests)
    attributed = {s for o in outcomes for s in o.captures}
    notes: list[str] = []
    stray = sorted(set(requests) - attributed)
    if stray:
        notes.append(
            f"{len(stray)} captured request(s) arrived outside every run and are not in the "
            f"matrix (seq {', '.join(map(str, stray[:10]))})"
        )

    captures_file = "captures.jsonl"
    if capture_path.is_file() and capture_path.stat().st_size > GZIP_THRESHOLD:
        _gzip(capture_path)
        captures_file = "captures.jsonl.gz"
        notes.append(
            "the raw captures were larger than "
            f"{GZIP_THRESHOLD // (1024 * 1024)} MB and are kept gzip'd as captures.jsonl.gz "
            "(`sesspec check captures.jsonl.gz` and sesspec.serve.load_captures read it as it "
            "is)"
        )

    previous = _load_previous(out)
    report = Report(
        run_id=run_id,
        started_at=started.isoformat(timespec="seconds"),
        wall_time_s=time.monotonic() - clock,
        tls=tls,
        runtimes=runtime_versions(),
        clients=tuple(infos),
        scenarios=tuple(ScenarioInfo(s.id, s.title, s.action, s.kind) for s in chosen),
        cases=tuple(cases),
        rules=_rules_of(cases),
        diff=diff_runs(previous, cases) if previous is not None else None,
        captures_file=captures_file,
        notes=tuple(notes),
    )
    write_report(report, run_dir)
    latest = out / "latest"
    if latest.resolve() != run_dir.resolve():
        if latest.is_symlink() or latest.is_file():
            latest.unlink()
        elif latest.exists():
            shutil.rmtree(latest)
        shutil.copytree(run_dir, latest)
    say(f"wrote {run_dir} and {latest} ({_folder_size(run_dir) / 1e6:.1f} MB each)")
    return ReportRun(report, run_dir, latest)
