"""The report run (the harness): install the clients, run them, check their requests, write.

One run (issue 4, "Reporter"):

1. optionally install the clients (:func:`sesspec.drivers.install_clients`);
2. run every available driver over every scenario with :func:`sesspec.drivers.run_clients`,
   ``parallel`` clients at a time, each worker on a loopback
   :class:`~sesspec.serve.Endpoint` of its own whose runs are sequential (so attribution is
   exact), their captures merged into one file inside a staging folder in the order and
   numbering of a serial run (each outcome holds the ``seq`` of the captures that arrived
   during it);
3. check every captured request in-process with
   :func:`~sesspec.serve.capture.capture_findings` (the one verdict on a capture, which
   ``sesspec check``, the ``ses_endpoint`` fixture and ``serve --strict`` give too), with the
   drivers' fake credentials (so signatures are verified), ``now`` = the request's arrival
   time, and the connection's TLS flag;
4. build the :class:`~sesspec.report.model.Report`, compare it with the previous run (its
   summary in ``<out>/history/``, :func:`sesspec.report.files.previous_run`), gzip the captures
   when they are large, and write the run whole as ``<out>/latest/`` (replacing the last one)
   and its summary as ``<out>/history/<run-id>.json``.

Everything that opens a socket, starts a process or needs an extra happens here or below
(:mod:`sesspec.drivers`, :mod:`sesspec.serve`); the renderers and :mod:`sesspec.report.files`
only format and write what they are given.
"""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sesspec.check import Credentials
from sesspec.check.catalogue import RULES
from sesspec.drivers import (
    Driver,
    Outcome,
    Scenario,
    all_drivers,
    default_workers,
    install_clients,
    load_scenarios,
    run_clients,
)
from sesspec.report.diff import diff_runs
from sesspec.report.files import (
    check_run_id,
    new_run_id,
    previous_run,
    write_report,
    write_summary,
)
from sesspec.report.model import (
    CaseResult,
    ClientInfo,
    Report,
    RequestResult,
    RuleRef,
    ScenarioInfo,
    cell_verdict,
)
from sesspec.serve import Capture, load_captures
from sesspec.serve.strict import default_findings

__all__ = [
    "GZIP_THRESHOLD",
    "ReportRun",
    "build_cases",
    "check_capture",
    "run_report",
    "runtime_versions",
]


def __dir__() -> list[str]:
    return __all__


#: A run folder above this size gets its captures gzip'd (the report is committed to git).
GZIP_THRESHOLD = 15 * 1024 * 1024

Progress = Callable[[Driver, Scenario, Outcome | None], None]


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


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class ReportRun:
    """What one run found, and where it wrote it (returned by :func:`run_report`): the run
    whole in ``latest_dir``, its summary in ``summary_path``."""

    def __init__(self, report: Report, latest_dir: Path, summary_path: Path) -> None:
        self.report = report
        self.latest_dir = latest_dir
        self.summary_path = summary_path


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
    parallel: int | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> ReportRun:
    """Run the clients, check their captures, write ``out/latest/`` (the run whole, replacing
    the last one) and ``out/history/<run-id>.json`` (its summary).

    ``run_id`` must be a plain name (:class:`~sesspec.report.files.RunIdError` otherwise,
    before anything is written); ``clients``: driver names to run (all when None; an unknown
    name raises ``KeyError``); ``scenarios``: scenario ids (all when None); ``parallel``:
    clients run at once (None: :func:`sesspec.drivers.runner.default_workers`; the report is
    the same whatever it is, apart from timings). ``progress`` is passed to
    :func:`~sesspec.drivers.run_clients`; ``log`` gets one-line messages (install, each
    phase and its time, writing). The run is written into a staging folder
    (``out/.run-<run-id>``) that replaces ``out/latest`` only when it is complete.
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

    previous = previous_run(out, before=run_id)
    staging = out / f".run-{run_id}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    capture_path = staging / "captures.jsonl"
    phase = time.monotonic()
    workers = parallel if parallel is not None else default_workers()
    say(f"running {len(runnable)} clients, {workers} at a time ...")
    ran = run_clients(
        capture_path,
        runnable,
        chosen,
        workers=workers,
        tls=tls,
        timeout=timeout,
        progress=progress,
    )
    say(f"ran {len(runnable)} clients in {time.monotonic() - phase:.1f} s")

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
    write_report(report, staging)
    latest = _replace(out / "latest", staging)
    summary = write_summary(report, out)
    say(f"wrote {latest} ({_folder_size(latest) / 1e6:.1f} MB) and {summary}")
    return ReportRun(report, latest, summary)


def _replace(latest: Path, staging: Path) -> Path:
    """``staging`` renamed to ``latest``, the folder (or link, or file) there before removed."""
    old = latest.with_name(f".old-{latest.name}-{os.getpid()}")
    if latest.is_symlink() or latest.is_file():
        latest.unlink()
    elif latest.exists():
        latest.rename(old)
    staging.rename(latest)
    if old.exists():
        shutil.rmtree(old)
    return latest
