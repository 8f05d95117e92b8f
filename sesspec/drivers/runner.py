"""Run drivers over scenarios against loopback endpoints, one child at a time per endpoint.

:func:`run_matrix` runs every driver over every scenario one after the other against one
endpoint, so the capture records of each run are exactly those whose ``seq`` was handed out
between its start and its end (the child has exited, so every request it made was answered,
hence recorded, before the run returned); for the same reason the records of a run carry the
authority its client was told (``told_authority``).

:func:`run_clients` runs up to ``workers`` clients at once, each worker with an endpoint (and a
capture file) of its own on which it runs one client's scenarios after the other by
:func:`run_matrix`, so attribution stays exact. It then writes the workers' records into one
capture file in the order of a serial run (the drivers in order, each one's scenarios in
order), numbered as one endpoint serving those runs in turn numbers them: ``seq`` from the
highest already in the file, connection ids in the order of their first request. The outcomes
and the file are the same whatever the number of workers, apart from timings and ports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

from sesspec.drivers.base import Driver, Outcome, Target
from sesspec.drivers.scenarios import Scenario, load_scenarios
from sesspec.serve.capture import MAX_RECORD_SIZE, Capture, CaptureLog
from sesspec.serve.server import Endpoint

__all__ = [
    "MAX_WORKERS",
    "default_workers",
    "run_clients",
    "run_matrix",
    "target_of",
    "telling",
]


def __dir__() -> list[str]:
    return __all__


#: Most clients :func:`run_clients` runs at once (each worker holds an endpoint and a child).
MAX_WORKERS = 64

Progress = Callable[[Driver, Scenario, Outcome | None], None]


def default_workers() -> int:
    """Clients run at once by default: twice the CPUs this process may use (a client's run is
    its runtime starting, which keeps a CPU busy, and waits on the endpoint, which runs in this
    process: BENCHMARKS.md, "Report wall time", has the figures)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, 2 * cpus))


def target_of(endpoint: Endpoint) -> Target:
    """The :class:`Target` drivers are given for a running endpoint."""
    ca = str(endpoint.ca_path) if endpoint.ca_path is not None else None
    return Target(port=endpoint.port, tls=endpoint.tls, ca_path=ca)


def telling(endpoint: Endpoint, authority: str) -> AbstractContextManager[None]:
    """While a client runs, its endpoint's captures record the authority it was told."""
    log = CaptureLog.for_path(endpoint.capture_path)
    return log.telling(authority) if log is not None else contextlib.nullcontext()


def run_matrix(
    endpoint: Endpoint,
    drivers: Sequence[Driver],
    scenarios: Sequence[Scenario] | None = None,
    *,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Every driver on every scenario; ``progress`` is called before (None) and after each."""
    target = target_of(endpoint)
    chosen = list(scenarios) if scenarios is not None else load_scenarios()
    outcomes: list[Outcome] = []
    for driver in drivers:
        for scenario in chosen:
            if progress is not None:
                progress(driver, scenario, None)
            before = endpoint.last_seq
            with telling(endpoint, target.authority(scenario)):
                outcome = driver.run(scenario, target, timeout=timeout)
            after = endpoint.last_seq
            outcome = dataclasses.replace(outcome, captures=tuple(range(before + 1, after + 1)))
            outcomes.append(outcome)
            if progress is not None:
                progress(driver, scenario, outcome)
    return outcomes


def run_clients(
    capture_path: str | os.PathLike[str],
    drivers: Sequence[Driver],
    scenarios: Sequence[Scenario] | None = None,
    *,
    workers: int | None = None,
    tls: bool = True,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Every driver on every scenario, up to ``workers`` drivers at once (None:
    :func:`default_workers`), their captures appended to ``capture_path`` (see the module
    docstring); the outcomes in the order of a serial run, their ``captures`` the ``seq`` of
    the records in that file. ``progress`` is called as by :func:`run_matrix`, from the
    workers' threads, one call at a time. Each child keeps its ``timeout``: a client that
    hangs holds its worker that long, and the others go on."""
    count = default_workers() if workers is None else workers
    if not 1 <= count <= MAX_WORKERS:
        msg = f"workers must be 1 to {MAX_WORKERS}, not {count!r}"
        raise ValueError(msg)
    count = max(1, min(count, len(drivers)))
    chosen = list(scenarios) if scenarios is not None else load_scenarios()
    target = Path(capture_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    def report(driver: Driver, scenario: Scenario, outcome: Outcome | None) -> None:
        if progress is not None:
            with lock:
                progress(driver, scenario, outcome)

    with tempfile.TemporaryDirectory(prefix=".sesspec-workers-", dir=target.parent) as folder:
        parts = [Path(folder) / f"worker-{n}.jsonl" for n in range(count)]
        with contextlib.ExitStack() as stack:
            endpoints = [stack.enter_context(Endpoint(part, tls=tls)) for part in parts]
            free = list(range(count))
            held = threading.local()

            def one(driver: Driver) -> list[tuple[int, Outcome]]:
                if not hasattr(held, "index"):  # each worker thread keeps one endpoint
                    with lock:
                        held.index = free.pop()
                index: int = held.index
                ran = run_matrix(
                    endpoints[index], [driver], chosen, timeout=timeout, progress=report
                )
                return [(index, outcome) for outcome in ran]

            with ThreadPoolExecutor(count, thread_name_prefix="sesspec-client") as pool:
                futures = [pool.submit(one, driver) for driver in drivers]
                try:
                    runs = [run for future in futures for run in future.result()]
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
        return _merge(parts, runs, target)


def _merge(
    parts: Sequence[Path],
    runs: Sequence[tuple[int, Outcome]],
    into: Path,
) -> list[Outcome]:
    """Append the records of the fresh capture files ``parts`` to ``into``, numbered as one
    endpoint serving ``runs`` in turn would number them (each run: the index of its part, and
    its outcome, whose ``captures`` are that part's ``seq``; a part's runs come in the order it
    served them); the outcomes with their new ``seq``. A request that arrived between two runs
    of a part keeps its place before the later one; the records are written in the order of
    their new ``seq``, and connections are numbered in the order of their first request."""
    log = CaptureLog(into)  # the highest seq there; a torn last line cut as an endpoint would
    seq = log.last_seq
    log.close()
    numbered = [0] * len(parts)  # per part: the highest seq given a new number
    renumber: dict[tuple[int, int], int] = {}

    def number(part: int, last: int) -> None:
        nonlocal seq
        for old in range(numbered[part] + 1, last + 1):
            seq += 1
            renumber[part, old] = seq
        numbered[part] = max(numbered[part], last)

    merged: list[Outcome] = []
    for part, outcome in runs:
        number(part, max(outcome.captures, default=0))
        captures = tuple(renumber[part, old] for old in outcome.captures)
        merged.append(dataclasses.replace(outcome, captures=captures))
    lines = [_offsets(part) for part in parts]
    for part, offsets in enumerate(lines):
        number(part, max(offsets, default=0))
    connections: dict[tuple[int, int], int] = {}
    with contextlib.ExitStack() as stack:
        sources = [stack.enter_context(part.open("rb")) for part in parts]
        out = stack.enter_context(into.open("ab"))
        for (part, old), new in sorted(renumber.items(), key=lambda item: item[1]):
            found = lines[part].get(old)
            if found is None:  # handed out, never recorded (the endpoint logged why)
                continue
            sources[part].seek(found[0])
            line = sources[part].read(found[1])
            capture = Capture.from_json(line, where=f"{parts[part]}:seq {old}")
            connection = connections.setdefault((part, capture.connection_id), len(connections) + 1)
            capture = dataclasses.replace(capture, seq=new, connection_id=connection)
            out.write((capture.to_json() + "\n").encode("utf-8"))
    return merged


def _offsets(path: Path) -> dict[int, tuple[int, int]]:
    """Where each record of a capture file is: its ``seq`` to the offset and length of its line."""
    found: dict[int, tuple[int, int]] = {}
    offset = 0
    with path.open("rb") as stream:
        while line := stream.readline(MAX_RECORD_SIZE + 1):
            if line.strip():
                where = f"{path}:{len(found) + 1}"
                found[Capture.from_json(line, where=where).seq] = (offset, len(line))
            offset += len(line)
    return found
