"""Run one release of a client through the sweep's scenarios and judge it as the report does.

A release is installed into the sweep cache (:mod:`sesspec.drivers.sweep.install`), run by
the catalogue's driver for its client (the same script, pointed at the release's folder)
against a loopback :class:`~sesspec.serve.Endpoint` of its own, and its captures judged by the
report's own functions (:func:`sesspec.report.judge.judge_captures`,
:func:`~sesspec.report.judge.build_cases`, without the known-failure marks): each scenario's
verdict, the rules that fired, the SES error strict mode answers with, and the request's shape
(method, media type, header names, parameter names in order, how it is signed). The run is
kept beside the install (its outcomes and captures), so a repeat sweep judges it again without
running it; a release is run again only when its driver's sources, the scenarios or the
runtime change (:func:`run_key`).

A release that does not install, or installs and then sends nothing in any scenario it
supports (its driver cannot import it, it crashes first), is not judged: its result says
which, and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import tempfile
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sesspec.check._view import read as read_request
from sesspec.drivers.base import Outcome
from sesspec.drivers.kinds import (
    DRIVERS_DIR,
    CargoDriver,
    DriverBase,
    GoModuleDriver,
    MavenDriver,
    NodeDriver,
    PythonDriver,
    node_version,
)
from sesspec.drivers.runner import run_matrix
from sesspec.drivers.scenarios import Scenario, load_scenarios
from sesspec.drivers.sweep.build import Builder
from sesspec.drivers.sweep.install import Installed, Installer
from sesspec.drivers.sweep.releases import Release
from sesspec.drivers.sweep.served import run_served
from sesspec.errors import HttpParseError
from sesspec.serve import Capture, Endpoint, load_captures

__all__ = [
    "SCENARIOS",
    "Cell",
    "ReleaseResult",
    "SweepClient",
    "run_key",
    "run_release",
]


def __dir__() -> list[str]:
    return __all__


#: The sweep's scenarios (ids of ``scenarios.json``): a plain SendEmail, a Unicode subject,
#: lists of recipients, a SendRawEmail and temporary credentials.
SCENARIOS = (
    "send-email-ascii",
    "send-email-unicode",
    "send-email-to-cc-bcc",
    "send-raw-email-small",
    "send-email-session-token",
)

ReleaseState = Literal["ran", "does-not-install", "does-not-run"]

#: The registries the sweep installs from, and the kind of driver each one's clients need.
SweepRegistry = Literal["pypi", "npm", "goproxy", "maven", "crates"]
REGISTRY_KINDS: dict[str, type[DriverBase]] = {
    "pypi": PythonDriver,
    "npm": NodeDriver,
    "goproxy": GoModuleDriver,
    "maven": MavenDriver,
    "crates": CargoDriver,
}


@dataclass(frozen=True, slots=True)
class SweepClient:
    """A client the sweep can install release by release (a ``[[sweep]]`` entry of the
    catalogue): its ``registry`` and ``package``, the catalogue ``driver`` that runs it (with
    another ``module`` or ``script`` when the package is not the driver's own), more packages
    it needs (``also``: resolved as of each release's date; for Maven, sibling artifacts at
    the release's version), how many releases to sample, and the range swept by default."""

    name: str
    registry: SweepRegistry
    package: str
    driver: DriverBase
    also: tuple[str, ...] = ()
    samples: int = 40
    #: The releases swept when no range is asked for ("": all), and why.
    default_range: str = ""
    range_reason: str = ""

    def for_release(self, installed: Installed, release: Release) -> DriverBase:
        """The driver, pointed at ``release`` as installed."""
        if isinstance(self.driver, PythonDriver):
            return dataclasses.replace(
                self.driver,
                site=installed.folder / "site",
                requirements=(f"{self.package}=={release.version}", *self.also),
                distributions=(self.package,),
                isolated=False,
            )
        if isinstance(self.driver, NodeDriver):
            return dataclasses.replace(
                self.driver, modules=installed.folder / "node", packages=(self.package,)
            )
        msg = f"{self.driver.name}: a compiled driver runs its build (Builder.for_release)"
        raise TypeError(msg)


@dataclass(frozen=True, slots=True)
class Cell:
    """One scenario of one release, judged: the driver's ``status``, the report's
    ``verdict``, the rules that fired (sorted), the SES error strict mode answers the first
    request with ("" : accepted), the request's ``shape``, its text as captured (token masked;
    for the diffs) and the driver's detail."""

    scenario: str
    status: str
    verdict: str
    rules: tuple[str, ...]
    ses_error: str
    shape: tuple[str, ...]
    text: str
    detail: str

    def key(self) -> Hashable:
        """What two releases must share to behave the same in this scenario."""
        return (self.scenario, self.verdict, self.rules, self.shape)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "status": self.status,
            "verdict": self.verdict,
            "rules": list(self.rules),
            "ses_error": self.ses_error,
            "shape": list(self.shape),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    """One release, swept: ``state`` (it ran, or did not install or run, and ``reason``), its
    cells, and the seconds its install and its run took (0 when they came from the cache)."""

    version: str
    date: str
    state: ReleaseState
    reason: str = ""
    cells: tuple[Cell, ...] = ()
    install_s: float = 0.0
    run_s: float = 0.0

    def fingerprint(self) -> Hashable:
        if self.state != "ran":
            return (self.state,)
        return tuple(c.key() for c in self.cells)


def _driver_sources(driver: DriverBase) -> list[Path]:
    if isinstance(driver, PythonDriver):
        shared = ["_child.py", "_guard.py", "_pyjob.py", "_mail.py", "_django.py"]
        return [DRIVERS_DIR / f"{driver.module}.py", *(DRIVERS_DIR / s for s in shared)]
    if isinstance(driver, NodeDriver):
        js = DRIVERS_DIR / "js"
        return [js / driver.script, js / "_common.mjs", js / "_guard.mjs"]
    return []


def run_key(driver: DriverBase, scenarios: Sequence[Scenario]) -> str:
    """What a kept run depends on: the driver's sources, the scenarios as given, the runtime."""
    digest = hashlib.sha256()
    for path in _driver_sources(driver):
        digest.update(path.name.encode() + b"\n")
        digest.update(path.read_bytes() if path.is_file() else b"")
    digest.update(json.dumps([s.as_job() for s in scenarios], sort_keys=True).encode())
    runtime = node_version() if isinstance(driver, NodeDriver) else platform.python_version()
    digest.update(f"{type(driver).__name__} {runtime}".encode())
    return digest.hexdigest()[:16]


def _scheme(capture: Capture, view_auth: object, params: Sequence[str]) -> str:
    request = capture.request()
    authorization = request.header("Authorization") or ""
    if request.header("X-Amzn-Authorization") is not None:
        return "AWS3-HTTPS"
    if "X-Amz-Signature" in params:
        return "SigV4 presigned"
    if view_auth is not None or authorization.startswith("AWS4-"):
        return "SigV4"
    if "SignatureVersion" in params:
        return "SigV2"
    return "unsigned" if not authorization else authorization.split(" ", 1)[0][:40]


def request_shape(capture: Capture) -> tuple[str, ...]:
    """What a request is made of, without the values that change from run to run: method and
    path, media type and charset, the header names in order, the parameter names in order, how
    it is signed and what it signs; ``unreadable`` when it cannot be parsed."""
    try:
        request = capture.request()
    except HttpParseError:
        return ("unreadable",)
    view = read_request(request, tls=capture.tls)
    names = [s.name for s in view.params]
    signed = ";".join(view.auth.signed_headers or ()) if view.auth is not None else ""
    return (
        f"{view.method} {view.path}",
        f"content-type: {view.content_type.lower()}",
        "headers: " + " ".join(name.lower() for name, _ in request.headers),
        "params: " + " ".join(names),
        f"signed: {_scheme(capture, view.auth, names)} {signed}".rstrip(),
    )


def _load_outcomes(path: Path) -> list[Outcome] | None:
    try:
        document = json.loads(path.read_text("utf-8"))
        return [
            Outcome(
                str(o["driver"]),
                str(o["scenario"]),
                o["status"],
                str(o["detail"]),
                float(o["duration_s"]),
                dict(o["response"]),
                tuple(int(s) for s in o["captures"]),
            )
            for o in document["outcomes"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _run(
    driver: DriverBase, scenarios: Sequence[Scenario], capture: Path, timeout: float
) -> list[Outcome]:
    """Run every scenario on a fresh endpoint; the capture file is written whole, then moved."""
    with tempfile.TemporaryDirectory(prefix=".sesspec-sweep-", dir=capture.parent) as scratch:
        path = Path(scratch) / "captures.jsonl"
        with Endpoint(path, tls=True) as endpoint:
            if isinstance(driver, PythonDriver):
                outcomes = run_served(endpoint, driver, scenarios, timeout=timeout)
            else:
                outcomes = run_matrix(endpoint, [driver], scenarios, timeout=timeout)
        if path.is_file():
            path.replace(capture)
        else:
            capture.write_bytes(b"")
    return outcomes


def _save_outcomes(path: Path, outcomes: Sequence[Outcome]) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    document = {"outcomes": [o.as_dict() for o in outcomes]}
    partial.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)


def judge(
    driver: DriverBase,
    scenarios: Sequence[Scenario],
    outcomes: Sequence[Outcome],
    captures: Sequence[Capture],
) -> tuple[Cell, ...]:
    """Each outcome judged as the report judges it (module docstring)."""
    from sesspec.report.judge import build_cases, judge_captures  # noqa: PLC0415 (harness)

    requests = judge_captures(captures, outcomes, [driver], scenarios)
    by_seq = {c.seq: c for c in captures}
    cells: list[Cell] = []
    for case, outcome in zip(build_cases(outcomes, requests, ()), outcomes, strict=True):
        first = outcome.captures[0] if outcome.captures else None
        capture = by_seq.get(first) if first is not None else None
        cells.append(
            Cell(
                scenario=case.scenario,
                status=case.status,
                verdict=case.verdict,
                rules=tuple(sorted({f.rule for f in case.findings()})),
                ses_error=case.requests[0].ses_error if case.requests else "",
                shape=request_shape(capture) if capture is not None else (),
                text=case.requests[0].text if case.requests else "",
                detail=case.detail[:500],
            )
        )
    return tuple(cells)


def _did_not_run(outcomes: Sequence[Outcome]) -> str | None:
    """The reason a release did not run: every scenario it supports ended without a request
    and without success (None: it ran)."""
    tried = [o for o in outcomes if o.status != "not-supported"]
    if tried and all(o.status != "ok" and not o.captures for o in tried):
        return tried[0].detail[:500] or tried[0].status
    return None


def run_release(
    client: SweepClient,
    release: Release,
    installer: Installer | Builder,
    *,
    scenarios: Sequence[Scenario] | None = None,
    timeout: float = 60.0,
    retry_failed: bool = False,
) -> ReleaseResult:
    """Install, run (unless kept) and judge one release (module docstring)."""
    chosen = list(scenarios) if scenarios is not None else load_scenarios(list(SCENARIOS))
    installed = installer.install(
        client.package, release, also=client.also, retry_failed=retry_failed
    )
    day = release.day if installed.date is None else installed.date.date().isoformat()
    if not installed.ok:
        return ReleaseResult(
            release.version,
            day,
            "does-not-install",
            installed.reason,
            install_s=installed.seconds,
        )
    if isinstance(installer, Builder):
        driver = installer.for_release(installed)
    else:
        driver = client.for_release(installed, release)
    key = run_key(driver, chosen)
    outcomes_path = installed.folder / f"run-{key}.json"
    capture_path = installed.folder / f"run-{key}.jsonl"
    outcomes = _load_outcomes(outcomes_path) if capture_path.is_file() else None
    started = time.monotonic()
    ran = 0.0
    if outcomes is None:
        outcomes = _run(driver, chosen, capture_path, timeout)
        _save_outcomes(outcomes_path, outcomes)
        ran = time.monotonic() - started
    reason = _did_not_run(outcomes)
    if reason is not None:
        return ReleaseResult(
            release.version,
            day,
            "does-not-run",
            reason,
            install_s=installed.seconds,
            run_s=ran,
        )
    captures = list(load_captures(capture_path))
    cells = judge(driver, chosen, outcomes, captures)
    return ReleaseResult(
        release.version, day, "ran", "", cells, install_s=installed.seconds, run_s=ran
    )


def sweep_clients(path: Path | None = None) -> dict[str, SweepClient]:
    """The catalogue's ``[[sweep]]`` entries by name (:class:`CatalogueError` for a bad one:
    an unknown driver, a registry the sweep cannot install from, a missing field)."""
    from sesspec.drivers.registry import (  # noqa: PLC0415
        CATALOGUE,
        CatalogueError,
        catalogue_document,
        get_driver,
        load_catalogue,
    )

    where = path or CATALOGUE
    document = catalogue_document(where)
    drivers = {d.name: d for d in (load_catalogue(where) if path else ())}
    out: dict[str, SweepClient] = {}
    for index, raw in enumerate(document.get("sweep", []), 1):
        label = f"{where.name}: sweep {index} ({raw.get('name')!r})"
        try:
            name = str(raw["name"])
            registry = raw["registry"]
            driver = drivers[raw["driver"]] if path else get_driver(str(raw["driver"]))
        except KeyError as exc:
            msg = f"{label}: no {exc.args[0]!r}"
            raise CatalogueError(msg) from exc
        kind = REGISTRY_KINDS.get(registry)
        if kind is None:
            known = ", ".join(REGISTRY_KINDS)
            msg = f"{label}: the sweep installs from {known}, not {registry!r}"
            raise CatalogueError(msg)
        if not isinstance(driver, kind):
            msg = f"{label}: a {registry} client needs a {kind.__name__}, not {driver.name!r}"
            raise CatalogueError(msg)
        changes: dict[str, Any] = {}
        if "module" in raw:
            changes["module"] = str(raw["module"])
        if "script" in raw:
            changes["script"] = str(raw["script"])
        try:
            driver = dataclasses.replace(driver, **changes)
        except TypeError as exc:
            msg = f"{label}: {exc}"
            raise CatalogueError(msg) from exc
        out[name] = SweepClient(
            name=name,
            registry=registry,
            package=str(raw.get("package", name)),
            driver=driver,
            also=tuple(raw.get("also", ())),
            samples=int(raw.get("samples", 40)),
            default_range=str(raw.get("range", "")),
            range_reason=str(raw.get("range-reason", "")),
        )
    return out
