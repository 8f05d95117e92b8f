"""The report run (the harness): install the clients, run them, check their requests, write.

One run ("Reporter"):

1. optionally install the clients (:func:`sesspec.drivers.install_clients`);
2. run every available driver over every scenario with :func:`sesspec.drivers.run_clients`,
   ``parallel`` clients at a time, each worker on a loopback
   :class:`~sesspec.serve.Endpoint` of its own whose runs are sequential (so attribution is
   exact), their captures merged into one file inside a staging folder in the order and
   numbering of a serial run (each outcome holds the ``seq`` of the captures that arrived
   during it);
3. judge every captured request in-process (:func:`judge_captures`): the checker's findings
   by :func:`~sesspec.serve.capture.capture_findings` (the one verdict on a capture, which
   ``sesspec check``, the ``ses_endpoint`` fixture and ``serve --strict`` give too), with the
   drivers' fake credentials (so signatures are verified), ``now`` = the request's arrival
   time, and the connection's TLS flag; the SES error strict mode would answer; and on top,
   the fidelity findings (FID, docs/spec.md#fid) against what the run asked its client. The
   cells are built from them, and the committed expectations mark the known failures; an
   expectation that marks none of the cells it names is an error of the run
   (:func:`~sesspec.report.model.unmatched_expectations`);
4. build the :class:`~sesspec.report.model.Report`, compare it with the previous run (its
   summary in ``<out>/history/``, :func:`sesspec.report.files.previous_run`), gzip the captures
   when they are large, and write the run whole as ``<out>/latest/`` (replacing the last one)
   and its summary as ``<out>/history/<run-id>.json``.

Everything that opens a socket, starts a process or needs an extra happens here or below
(:mod:`sesspec.drivers`, :mod:`sesspec.serve`); the renderers and :mod:`sesspec.report.files`
only format and write what they are given.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from sesspec.check.catalogue import RULES
from sesspec.drivers import (
    Driver,
    Outcome,
    Scenario,
    all_drivers,
    default_workers,
    install_clients,
    load_scenarios,
    node,
    registry,
    run_clients,
)
from sesspec.drivers.base import Status
from sesspec.drivers.facts import row_facts
from sesspec.drivers.kinds import (
    CargoDriver,
    CommandDriver,
    CompiledDriver,
    DriverBase,
    GoModuleDriver,
    MavenDriver,
    NodeDriver,
    PythonDriver,
    debian_installed,
)
from sesspec.report.diff import diff_runs
from sesspec.report.files import (
    check_run_id,
    new_run_id,
    previous_run,
    write_report,
    write_summary,
)
from sesspec.report.json_ import read_report_json, report_from_dict
from sesspec.report.judge import (
    build_cases,
    check_capture,
    default_expectations,
    expectations_applying,
    expectations_for,
    fidelity_findings,
    judge_captures,
)
from sesspec.report.model import (
    CaseResult,
    ClientInfo,
    Report,
    RequestResult,
    RuleRef,
    ScenarioInfo,
    unmatched_expectations,
)
from sesspec.serve import load_captures

__all__ = [
    "GZIP_THRESHOLD",
    "INSTALL_COSTS",
    "RegistryCost",
    "ReportRun",
    "build_cases",
    "check_capture",
    "default_expectations",
    "expectations_applying",
    "fidelity_findings",
    "install_summary",
    "judge_captures",
    "rejudge_report",
    "run_report",
    "runtime_versions",
]


def __dir__() -> list[str]:
    return __all__


#: A run folder above this size gets its captures gzip'd (the report is committed to git).
GZIP_THRESHOLD = 15 * 1024 * 1024

Progress = Callable[[Driver, Scenario, Outcome | None], None]


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
            out.append(
                RuleRef(
                    rule.id,
                    rule.severity,
                    rule.title,
                    rule.citation,
                    rule.severities,
                    remedy=rule.remedy,
                )
            )
    return tuple(out)


def _client_info(
    driver: Driver,
    install: Mapping[str, str],
    *,
    facts: bool = False,
    sweeps: Mapping[str, tuple[str, ...]] | None = None,
) -> ClientInfo:
    """A row's client: its version, or why it is not available; with ``facts``, where it
    came from and that release's date (:func:`sesspec.drivers.facts.row_facts`, looked up
    once and kept); the sweep histories written for it (``sweeps``: driver name -> paths)."""
    ok, reason = driver.available()
    status = install.get(driver.name, "")
    if not ok and status.startswith("not available: "):
        reason = f"{reason} (install: {status.removeprefix('not available: ')})"
    info = ClientInfo(
        name=driver.name,
        language=driver.language,
        version=driver.version() if ok else "",
        available=ok,
        reason=reason,
        install=status,
        registry=str(getattr(driver, "registry", "")),
        sweeps=(sweeps or {}).get(driver.name, ()),
    )
    if facts and ok and isinstance(driver, DriverBase):
        found = row_facts(driver)
        if found is not None:
            info = dataclasses.replace(
                info,
                registry=found.registry,
                package=found.package,
                package_version=found.version,
                release_date=found.date or "",
                date_kind=found.date_kind,
                upstream=found.upstream or "",
                upstream_note=found.upstream_note,
            )
    return info


def _sweep_links(out: Path) -> dict[str, tuple[str, ...]]:
    """Driver name -> the sweep histories of the clients it runs, as paths from
    ``out/latest``: those in ``out/sweeps``, else beside ``out`` (``reports/sweeps`` for a
    report in ``reports/local``)."""
    from sesspec.drivers.sweep.harness import sweep_clients  # noqa: PLC0415
    from sesspec.drivers.sweep.run import history_name  # noqa: PLC0415

    folder = next((f for f in (out / "sweeps", out.parent / "sweeps") if f.is_dir()), None)
    if folder is None:
        return {}
    where = Path(os.path.relpath(folder, out / "latest")).as_posix()
    links: dict[str, tuple[str, ...]] = {}
    for client in sweep_clients().values():
        name = history_name(client.name)
        if (folder / f"{name}.md").is_file():
            links[client.driver.name] = (*links.get(client.driver.name, ()), f"{where}/{name}.md")
    return links


@dataclasses.dataclass(frozen=True, slots=True)
class RegistryCost:
    """What installing one registry's clients takes on a machine that has none of them:
    ``how`` (the installer, and where it puts them), ``size`` (measured, about), and for the
    Debian packages the size of each language's share (``by_language``)."""

    how: str
    size: str
    by_language: Mapping[str, str] = dataclasses.field(default_factory=dict)


#: What each registry's clients take to install or build, measured on 2026-12-08 on a fresh
#: machine of the project's kind (Debian 12; Python 3.11, Node 20, JDK 17, Go 1.26, Rust):
#: pip: a new venv's growth (du) plus the two ``--target`` folders; npm: ``node_modules`` of
#: the lockfile in the per-user cache; Debian: ``apt-get --simulate --no-install-recommends``
#: against the dpkg status of the machine's image as new, each package it would install summed
#: from ``apt-cache show`` (Installed-Size, Size); Maven, cargo and Go: their repository or
#: module cache and build folders after one build (du). Keyed by the catalogue's registries
#: (a test holds every registry a client names to an entry here). With Debian's builds of the
#: Go SDKs and golang-go, rows of the catalogue until they were found to send what the module
#: proxy's releases send, the Debian set was 223 packages and 2.1 GB.
INSTALL_COSTS: Mapping[str, RegistryCost] = {
    "pypi": RegistryCost(
        "pip, into this Python's environment (aiobotocore and aws-cli-v1, which pin their own "
        "botocore, into folders of their own beside it)",
        "about 340 MB, some 55 packages",
    ),
    "npm": RegistryCost(
        "npm ci of sesspec/drivers/js/package-lock.json into ~/.cache/sesspec/node "
        "(every Node client at once)",
        "about 130 MB",
    ),
    "debian": RegistryCost(
        "apt-get install --no-install-recommends (as root), then the Haskell programs built "
        "into ~/.cache/sesspec/drivers",
        "about 1.2 GB on disk (120 MB downloaded), 206 packages with their dependencies",
        {
            "haskell": "about 1.0 GB, 103 packages",
            "shell": "about 100 MB, 14 packages",
            "ruby": "about 45 MB, 32 packages",
            "php": "about 20 MB, 32 packages",
            "perl": "about 4 MB, 25 packages",
        },
    ),
    "maven": RegistryCost(
        "mvn package (java and mvn must be on PATH) into ~/.cache/sesspec/drivers, Maven's "
        "repository there too",
        "about 75 MB",
    ),
    "crates": RegistryCost(
        "cargo build --release --locked (cargo must be on PATH) into ~/.cache/sesspec/drivers, "
        "the crates in cargo's own registry",
        "about 430 MB, and minutes of building",
    ),
    "goproxy": RegistryCost(
        "go build (go must be on PATH) into ~/.cache/sesspec/drivers, the module cache there too",
        "about 630 MB",
    ),
}

#: How to install less, as the summary says it (the Makefile's and the command line's ways).
_LIMIT = (
    "To install less: make report CLIENTS=boto3,aws4 or LANGUAGES=python,javascript "
    "(sesspec report --client NAME, --language NAME); the languages: {languages}."
)


def _here(driver: DriverBase) -> bool:
    """Whether ``driver`` is installed (and built) already, found without installing or
    building anything."""
    if isinstance(driver, PythonDriver):
        return driver.available()[0]
    if isinstance(driver, NodeDriver):
        return node.installed()
    if isinstance(driver, CommandDriver | CompiledDriver) and driver.registry == "debian":
        if not all(debian_installed(p) for p in driver.packages):
            return False
        return not isinstance(driver, CompiledDriver) or driver.program().is_file()
    return driver.built()


def _packages(driver: DriverBase) -> tuple[str, ...]:
    """What the catalogue says ``driver`` installs, as its registry names it (pip's
    requirements, npm's packages, Debian's, Maven's artifacts, crates, Go modules)."""
    if isinstance(driver, PythonDriver):
        return tuple(r for r in driver.requirements if not r.startswith("-"))
    if isinstance(driver, NodeDriver | CommandDriver):
        return driver.packages
    if isinstance(driver, GoModuleDriver):
        return driver.modules
    if isinstance(driver, CompiledDriver):
        return driver.packages
    if isinstance(driver, MavenDriver):
        return driver.artifacts
    if isinstance(driver, CargoDriver):
        return driver.crates
    return ()


def _lockfile_packages() -> int:
    """How many packages ``npm ci`` installs from the Node clients' lockfile."""
    lock = json.loads((node.JS_DIR / "package-lock.json").read_text("utf-8"))
    return sum(1 for name in lock.get("packages", {}) if name)


def install_summary(drivers: Sequence[DriverBase]) -> str:
    """What ``sesspec report --install`` installs for ``drivers``, said before it starts: by
    registry (the catalogue's), the clients, the installer and where it puts them, the size
    measured on a fresh machine (:data:`INSTALL_COSTS`), and which are here already; then
    how to install less."""
    by_registry: dict[str, list[DriverBase]] = {}
    for driver in drivers:
        by_registry.setdefault(driver.registry, []).append(driver)
    lines = [
        f"sesspec report --install: what it installs for the {len(drivers)} clients chosen, "
        "by registry (sizes measured on a fresh Debian 12 machine):"
    ]
    every = Counter[str](d.registry for d in registry.all_drivers())
    for registry_name, chosen in by_registry.items():
        cost = INSTALL_COSTS.get(registry_name)
        missing = [d.name for d in chosen if not _here(d)]
        state = (
            "all here already"
            if not missing
            else f"{len(missing)} to install: {', '.join(missing)}"
        )
        lines.append(f"  {registry_name}: {len(chosen)} client(s); {state}")
        if cost is None:
            lines.append("    (no measured size for this registry)")
            continue
        lines.append(f"    how: {cost.how}")
        named = ", ".join(dict.fromkeys(p for d in chosen for p in _packages(d)))
        more = (
            f"the lockfile's {_lockfile_packages()} packages in all"
            if registry_name == "npm"
            else "their dependencies"
        )
        lines.append(f"    packages: {named}, and {more}")
        size = cost.size
        if cost.by_language:
            spoken = sorted({d.language for d in chosen})
            shares = [f"{s} {cost.by_language[s]}" for s in spoken if s in cost.by_language]
            size += f"; by language: {'; '.join(shares)}"
        lines.append(f"    size, for all {every[registry_name]} of its clients: {size}")
    languages = ", ".join(dict.fromkeys(d.language for d in registry.all_drivers()))
    lines.append(_LIMIT.format(languages=languages))
    return "\n".join(lines) + "\n"


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
    facts: bool = False,
) -> ReportRun:
    """Run the clients, check their captures, write ``out/latest/`` (the run whole, replacing
    the last one) and ``out/history/<run-id>.json`` (its summary).

    ``run_id`` must be a plain name (:class:`~sesspec.report.files.RunIdError` otherwise,
    before anything is written); ``clients``: driver names to run (all when None; an unknown
    name raises ``KeyError``); ``scenarios``: scenario ids (all when None); ``parallel``:
    clients run at once (None: :func:`sesspec.drivers.runner.default_workers`; the report is
    the same whatever it is, apart from timings). ``progress`` is passed to
    :func:`~sesspec.drivers.run_clients`; ``log`` gets one-line messages (install, each
    phase and its time, writing); ``facts``: look up each row's registry facts (release
    dates; :mod:`sesspec.drivers.facts`), bounded in time and kept in the per-user cache.
    The run is written into a staging folder (``out/.run-<run-id>``) that replaces
    ``out/latest`` only when it is complete.
    """
    say = log or (lambda _msg: None)
    started = datetime.now(UTC)
    clock = time.monotonic()
    run_id = check_run_id(run_id) if run_id is not None else new_run_id(started)
    install_status: dict[str, str] = {}
    if install:
        say("installing the clients ...")
        install_status = install_clients(sys.executable, only=clients)
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
    sweeps = _sweep_links(out)
    infos = [_client_info(d, install_status, facts=facts, sweeps=sweeps) for d in drivers]
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
        requests = judge_captures(load_captures(capture_path), outcomes, drivers, chosen)
    expectations = expectations_for(drivers)
    cases = build_cases(outcomes, requests, expectations)
    errors = unmatched_expectations(cases, expectations)
    for error in errors:
        say(f"error: {error}")
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
        errors=errors,
    )
    write_report(report, staging)
    latest = _replace(out / "latest", staging)
    summary = write_summary(report, out)
    say(f"wrote {latest} ({_folder_size(latest) / 1e6:.1f} MB) and {summary}")
    return ReportRun(report, latest, summary)


def rejudge_report(out: Path, *, log: Callable[[str], None] | None = None) -> ReportRun:
    """The run in ``out/latest`` judged again by this checkout's checker, fidelity rules and
    expectations, from its captures, without running a client: each cell keeps its driver's
    status and detail, its requests are judged as :func:`judge_captures` judges them, its
    verdict, the rules cited, the diff from the run before it and the run's errors are made
    again; ``out/latest`` is rewritten in place (the captures untouched) and so is the run's
    summary in ``out/history``, with a note that says so."""
    say = log or (lambda _msg: None)
    latest = out / "latest"
    old = report_from_dict(read_report_json(latest / "report.json"))
    outcomes = [
        Outcome(
            case.client,
            case.scenario,
            cast("Status", case.status),
            case.detail,
            case.duration_s,
            captures=tuple(r.seq for r in case.requests),
        )
        for case in old.cases
    ]
    scenarios = load_scenarios([s.id for s in old.scenarios])
    say(f"judging the {sum(len(o.captures) for o in outcomes)} captured requests again ...")
    requests = judge_captures(
        load_captures(latest / old.captures_file), outcomes, registry.all_drivers(), scenarios
    )
    # The releases the run recorded (its rows' facts) decide the entries that name a span.
    expectations = expectations_applying({c.name: c.package_version or None for c in old.clients})
    cases = build_cases(outcomes, requests, expectations)
    previous = previous_run(out, before=old.run_id)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    note = (
        f"judged again at {when} from the captures (the clients were not run again), by the "
        "checker, fidelity rules and expectations of sesspec "
        f"{runtime_versions()['sesspec']}"
    )
    report = replace(
        old,
        cases=tuple(cases),
        rules=_rules_of(cases),
        diff=diff_runs(previous, cases) if previous is not None else None,
        notes=(*(n for n in old.notes if not n.startswith("judged again at ")), note),
        errors=unmatched_expectations(cases, expectations),
    )
    write_report(report, latest)
    summary = write_summary(report, out)
    say(f"wrote {latest} and {summary}")
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
