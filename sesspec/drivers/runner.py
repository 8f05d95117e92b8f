"""Run drivers over scenarios against one loopback endpoint, one child at a time.

Runs are sequential so that the capture records of each run are exactly those whose
``seq`` was handed out between its start and its end (the child has exited, so every
request it made was answered, hence recorded, before the run returned); for the same reason
the records of a run carry the authority its client was told (``told_authority``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from sesspec.drivers.base import Driver, Outcome, Target
from sesspec.drivers.scenarios import Scenario, load_scenarios
from sesspec.serve.capture import CaptureLog
from sesspec.serve.server import Endpoint

__all__ = ["run_matrix", "target_of"]


def __dir__() -> list[str]:
    return __all__


def target_of(endpoint: Endpoint) -> Target:
    """The :class:`Target` drivers are given for a running endpoint."""
    ca = str(endpoint.ca_path) if endpoint.ca_path is not None else None
    return Target(port=endpoint.port, tls=endpoint.tls, ca_path=ca)


def _telling(endpoint: Endpoint, authority: str) -> AbstractContextManager[None]:
    """While a client runs, its endpoint's captures record the authority it was told."""
    log = CaptureLog.for_path(endpoint.capture_path)
    return log.telling(authority) if log is not None else contextlib.nullcontext()


def run_matrix(
    endpoint: Endpoint,
    drivers: Sequence[Driver],
    scenarios: Sequence[Scenario] | None = None,
    *,
    timeout: float = 60.0,
    progress: Callable[[Driver, Scenario, Outcome | None], None] | None = None,
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
            with _telling(endpoint, target.authority(scenario)):
                outcome = driver.run(scenario, target, timeout=timeout)
            after = endpoint.last_seq
            outcome = dataclasses.replace(outcome, captures=tuple(range(before + 1, after + 1)))
            outcomes.append(outcome)
            if progress is not None:
                progress(driver, scenario, outcome)
    return outcomes
