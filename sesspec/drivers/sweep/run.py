"""``sesspec sweep``'s work for one client: list its releases, choose, probe, write.

:func:`sweep_client` reads the client's releases from its registry
(:mod:`~sesspec.drivers.sweep.releases`), keeps those asked for, runs the samples and then the
bisection (:func:`sesspec.drivers.sweep.plan.explore`), ``workers`` releases at a time, each
by :func:`~sesspec.drivers.sweep.harness.run_release` (installed and run once, kept in the
cache, so a sweep stopped half-way resumes where it was and a repeat sweep runs only what is
new), and writes the history as ``<out>/<name>.json``, ``.md`` and ``.html``
(:mod:`~sesspec.drivers.sweep.history`).
"""

from __future__ import annotations

import json
import platform
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sesspec.drivers.kinds import (
    CargoDriver,
    GoModuleDriver,
    MavenDriver,
    NodeDriver,
    first_line,
    node_version,
)
from sesspec.drivers.scenarios import load_scenarios
from sesspec.drivers.sweep.build import DEFAULT_BUILD_TIMEOUT, Builder
from sesspec.drivers.sweep.harness import SCENARIOS, ReleaseResult, SweepClient, run_release
from sesspec.drivers.sweep.history import (
    History,
    build_history,
    render_html,
    render_json,
    render_markdown,
)
from sesspec.drivers.sweep.install import DEFAULT_INSTALL_TIMEOUT, Installer
from sesspec.drivers.sweep.plan import explore
from sesspec.drivers.sweep.releases import (
    Release,
    crates_releases,
    dates_in_order,
    goproxy_releases,
    maven_releases,
    npm_releases,
    pypi_releases,
    select,
)

__all__ = [
    "DATE_SOURCES",
    "DEPENDENCIES",
    "MAX_HISTORY_BYTES",
    "SweepRun",
    "default_installer",
    "history_name",
    "list_releases",
    "sweep_client",
    "write_history",
    "write_index",
]

#: Largest history read back for the index (a history is tens of kilobytes).
MAX_HISTORY_BYTES = 16 * 1024 * 1024


def __dir__() -> list[str]:
    return __all__


#: Where each registry's release dates come from (said in every history).
DATE_SOURCES = {
    "pypi": "the first upload of each release's files (PyPI's JSON API)",
    "npm": "each version's publication time (npm view ... time)",
    "goproxy": "the module proxy's time for each version (go list -m -json)",
    "maven": (
        "the newest entry of each release's jar, read once it is built (maven-metadata.xml "
        "has no dates, and the repository reached here sends no Last-Modified)"
    ),
    "crates": "each version's pubtime in the crates.io sparse index",
}


#: Which versions of its dependencies each release was installed or built with (said in
#: every history; sesspec.drivers.sweep.install and .build say how).
DEPENDENCIES = {
    "pypi": (
        "as the index stood one hour after the release (uv pip install --exclude-newer; the "
        "tools that build an sdist are today's)"
    ),
    "npm": "as the registry stood one hour after the release (npm install --before)",
    "goproxy": "those the release requires (go get module@version: minimal version selection)",
    "maven": "those the release's pom names (Maven resolves exact versions)",
    "crates": (
        "the newest its requirements allow (what cargo update gives today), not those of its "
        "date: cargo resolves as of a date (--publish-time) only with today's yanks, and the "
        "futures-util releases the SDK could use before October 2024 are all yanked since"
    ),
}


def list_releases(client: SweepClient, *, pre: bool = False) -> list[Release]:
    """The client's releases from its registry, oldest first (:class:`RegistryError`)."""
    if client.registry == "pypi":
        return pypi_releases(client.package, pre=pre)
    if client.registry == "goproxy":
        return goproxy_releases(client.package, pre=pre)
    if client.registry == "maven":
        return maven_releases(client.package, pre=pre)
    if client.registry == "crates":
        return crates_releases(client.package, pre=pre)
    return npm_releases(client.package, pre=pre)


def default_installer(client: SweepClient, *, timeout: float | None) -> Installer | Builder:
    """What installs the client's releases: uv or npm, or a build (Go, Maven, cargo), each
    bounded by ``timeout`` seconds (None: :data:`DEFAULT_INSTALL_TIMEOUT` for an install,
    :data:`~sesspec.drivers.sweep.build.DEFAULT_BUILD_TIMEOUT` for a build)."""
    registry = client.registry
    if registry == "pypi" or registry == "npm":  # noqa: PLR1714 (narrows the Literal)
        return Installer(registry, timeout=timeout or DEFAULT_INSTALL_TIMEOUT)
    return Builder(registry, client.driver, timeout=timeout or DEFAULT_BUILD_TIMEOUT)


def _runtime(client: SweepClient) -> str:
    driver = client.driver
    if isinstance(driver, NodeDriver):
        return f"Node {node_version() or '?'}"
    if isinstance(driver, GoModuleDriver):
        return first_line(("go", "env", "GOVERSION")) or "go ?"
    if isinstance(driver, MavenDriver):
        return first_line(("java", "-version")) or "java ?"
    if isinstance(driver, CargoDriver):
        return first_line(("rustc", "--version")) or "rustc ?"
    return f"Python {platform.python_version()}"


def _dated(releases: Sequence[Release], results: Mapping[int, ReleaseResult]) -> list[Release]:
    """The releases, each undated one with the date its install found (a Maven jar's)."""
    out = list(releases)
    for index, result in results.items():
        if out[index].date is None and result.date != "?":
            try:
                found = datetime.fromisoformat(result.date).replace(tzinfo=UTC)
            except ValueError:
                continue
            out[index] = Release(out[index].version, found)
    return out


def history_name(client: str) -> str:
    """The file name of a client's history (``@aws-sdk/client-ses`` -> ``aws-sdk-client-ses``)."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "-" for c in client.lstrip("@"))
    return cleaned.strip("-") or "client"


@dataclass(frozen=True, slots=True)
class SweepRun:
    """One client swept: its history, where it was written, and what the sweep did (releases
    run now, taken from the cache, seconds installing and running, wall time)."""

    history: History
    written: tuple[Path, ...]
    ran: int
    cached: int
    install_s: float
    run_s: float
    wall_s: float


def write_history(history: History, out: Path) -> tuple[Path, ...]:
    out.mkdir(parents=True, exist_ok=True)
    stem = history_name(history.client)
    written = []
    for suffix, text in (
        (".json", render_json(history)),
        (".md", render_markdown(history)),
        (".html", render_html(history)),
    ):
        path = out / f"{stem}{suffix}"
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        written.append(path)
    return tuple(written)


def _index_row(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_HISTORY_BYTES + 1)
        document = json.loads(data) if len(data) <= MAX_HISTORY_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or "client" not in document:
        return None
    since = document.get("accepted_since")
    spans = [s for s in document.get("spans", []) if isinstance(s, dict)]
    first = next((s for s in spans if s.get("first") == since), None)
    when = f" ({first.get('first_date')})" if first and first.get("first_date") != "?" else ""
    ran = [s for s in spans if s.get("state") == "ran"]
    oldest = f"{ran[0].get('first')}" if ran else "none"
    return (
        f"| [{document['client']}]({path.stem}.md) | {document.get('registry')} | "
        f"{document.get('releases')} | {document.get('probed')} | {oldest} | "
        f"{f'**{since}**{when}' if since else 'no release'} | {len(spans)} | "
        f"{len(document.get('changes', []))} |"
    )


def write_index(out: Path) -> Path:
    """``<out>/README.md``: one line per history in ``out`` (the client, its releases, the
    oldest that runs here, since which SES accepts every request), each linking to it."""
    rows = [row for path in sorted(out.glob("*.json")) if (row := _index_row(path))]
    lines = [
        "# Since which release does each client sign SES correctly?",
        "",
        "Written by `sesspec sweep` (`make sweep`) from the histories beside this file: each "
        "client's releases installed one by one with their dependencies as of their date, run "
        "through five scenarios against the loopback endpoint and judged as the report judges. "
        '"Oldest that runs" is the oldest release that installs and runs on this machine\'s '
        'runtime; "SES accepts every request since" is the first release from which strict '
        "mode answers no scenario with an error.",
        "",
        "| client | registry | releases | run | oldest that runs | SES accepts every request "
        "since | spans | changes |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    path = out / "README.md"
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def sweep_client(
    client: SweepClient,
    *,
    out: Path,
    spec: str | None = None,
    samples: int | None = None,
    every: bool = False,
    pre: bool = False,
    workers: int = 2,
    timeout: float = 60.0,
    install_timeout: float | None = None,
    retry_failed: bool = False,
    scenarios: Sequence[str] | None = None,
    releases: Sequence[Release] | None = None,
    installer: Installer | Builder | None = None,
    log: Callable[[str], None] | None = None,
) -> SweepRun:
    """Sweep ``client`` (module docstring). ``spec``: a range (``A..B``; all when None);
    ``samples``: releases run before bisecting (the client's default when None); ``every``:
    run each release; ``scenarios``: ids (the sweep's :data:`SCENARIOS` when None);
    ``releases``/``installer``: given instead of the registry's (tests)."""
    say = log or (lambda _line: None)
    clock = time.monotonic()
    listed = list(releases) if releases is not None else list_releases(client, pre=pre)
    notes: list[str] = [
        f"release dates: {DATE_SOURCES[client.registry]}",
        f"dependencies: {DEPENDENCIES[client.registry]}",
    ]
    if not dates_in_order(listed):
        # The registry's times are not the releases' (a mirror's, in no order): no date is
        # shown, and each release's dependencies resolve as of today.
        notes.append(
            f"the {client.registry} registry reached here gives publication times that go "
            "back and forth across versions (not the releases' own): no date is shown, and "
            "each release was installed with its dependencies as they resolve today"
        )
        listed = [Release(r.version, None) for r in listed]
    if client.registry == "goproxy":
        notes.append(
            f"the Go module proxy reached here lists {len(listed)} versions of this module "
            f"({listed[0].version if listed else 'none'} and later, not every tag): the sweep "
            "covers those it lists"
        )
    if spec is None and client.default_range:
        spec = client.default_range
        if client.range_reason:
            notes.append(f"releases {spec} swept: {client.range_reason}")
    chosen = select(listed, spec, package=client.package, registry=client.registry)
    installer = installer or default_installer(client, timeout=install_timeout)
    chosen_scenarios = load_scenarios(list(scenarios or SCENARIOS))
    count = len(chosen)
    wanted = count if every else (samples or client.samples)
    results: dict[int, ReleaseResult] = {}
    lock = threading.Lock()
    totals = {"install": 0.0, "run": 0.0, "ran": 0, "cached": 0}

    def one(index: int) -> tuple[int, ReleaseResult]:
        release = chosen[index]
        result = run_release(
            client,
            release,
            installer,
            scenarios=chosen_scenarios,
            timeout=timeout,
            retry_failed=retry_failed,
        )
        with lock:
            totals["install"] += result.install_s
            totals["run"] += result.run_s
            fresh = result.install_s > 0 or result.run_s > 0
            totals["ran" if fresh else "cached"] += 1
            verdicts = " ".join(c.verdict for c in result.cells) or result.reason[:100]
            say(f"{client.name} {release.version} ({result.date}): {result.state} {verdicts}")
        return index, result

    def probe(indices: Sequence[int]) -> Mapping[int, Hashable]:
        pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="sesspec-sweep")
        try:
            done = list(pool.map(one, indices))
        finally:  # stopped (Ctrl-C): what has not started is not started; what ran is kept
            pool.shutdown(wait=True, cancel_futures=True)
        for index, result in done:
            results[index] = result
        return {index: result.fingerprint() for index, result in done}

    say(f"{client.name}: {count} releases selected of {len(listed)}, {min(wanted, count)} sampled")
    _found, open_gaps = explore(count, probe, samples=wanted)
    notes += [
        f"gap left open between {chosen[a].version} and {chosen[b].version}" for a, b in open_gaps
    ]
    runtime = _runtime(client)
    chosen = _dated(chosen, results)
    history = build_history(
        client=client.name,
        registry=client.registry,
        package=client.package,
        driver=client.driver.name,
        runtime=runtime,
        swept_at=datetime.now(UTC).date().isoformat(),
        selected=spec or "all",
        releases=chosen,
        results=results,
        notes=notes,
    )
    written = write_history(history, out)
    return SweepRun(
        history,
        written,
        int(totals["ran"]),
        int(totals["cached"]),
        totals["install"],
        totals["run"],
        time.monotonic() - clock,
    )
