"""A Python release's scenarios in one child that forks a process per scenario (the sweep's
runs; harness ring).

A Python client's child spends most of its time starting Python and importing the client
(Django, boto3: seconds each under load), and the report starts one child per scenario. The
sweep runs each release through five scenarios, so :func:`run_served` starts one child in
serving mode (``python -m sesspec.drivers._child --serve``: the guard installed and the
client imported once, then a fresh forked process per job; :mod:`sesspec.drivers._child`)
and gives it the scenarios one at a time, as :func:`sesspec.drivers.runner.run_matrix` gives
them to one child each: the captures of a scenario are those whose ``seq`` was handed out
between sending its job and reading its result, since the child reads the next job only
after printing a result; each scenario keeps its time limit (a child that runs out of it is
ended, and the next scenario starts another); the outcomes are what ``run_matrix`` returns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import selectors
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from typing import IO

from sesspec.drivers.base import RESULT_MARKER, Outcome, child_env, outcome_of
from sesspec.drivers.kinds import PythonDriver
from sesspec.drivers.runner import target_of, telling
from sesspec.drivers.scenarios import Scenario
from sesspec.serve.server import Endpoint

__all__ = ["MAX_LINE", "run_served"]


def __dir__() -> list[str]:
    return __all__


#: Bytes of one line a child prints at most before its result line is given up on.
MAX_LINE = 16 * 1024 * 1024

#: Seconds a serving child is given to exit once its last job is done.
_EXIT_WAIT = 5.0


class _Child:
    """One serving child: its process, and what it printed (stderr to a file, so that it
    never blocks on a full pipe)."""

    def __init__(self, driver: PythonDriver, env: dict[str, str]) -> None:
        *head, module = driver.command()  # python [-S] -m sesspec.drivers._child MODULE
        command = [*head, "--serve", module, *driver.distributions, *_also(driver)]
        self.errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop)
        self.closed = False
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
            start_new_session=True,
        )
        self.pending = b""

    def ask(self, job: dict[str, object], *, driver: str, scenario: str, timeout: float) -> Outcome:
        """Send ``job``; its outcome when its result line comes within ``timeout``."""
        started = time.monotonic()
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:  # pragma: no cover (both are pipes)
            msg = "the child has no pipes"
            raise RuntimeError(msg)
        try:
            stdin.write(json.dumps(job).encode() + b"\n")
            stdin.flush()
        except OSError:
            return self._ended(driver, scenario, started)
        deadline = started + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                while b"\n" in self.pending:
                    line, self.pending = self.pending.split(b"\n", 1)
                    text = line.decode("utf-8", "replace")
                    if text.startswith(RESULT_MARKER):
                        elapsed = time.monotonic() - started
                        return outcome_of(text, driver=driver, scenario=scenario, elapsed=elapsed)
                if len(self.pending) > MAX_LINE:
                    self.stop()
                    detail = f"a line of more than {MAX_LINE} bytes and no result"
                    elapsed = time.monotonic() - started
                    return Outcome(driver, scenario, "client-error", detail, elapsed)
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.stop(wait=0.0)
                    detail = f"no result within {timeout:g} s"
                    return Outcome(driver, scenario, "timeout", detail, timeout)
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    return self._ended(driver, scenario, started)
                self.pending += chunk

    def _ended(self, driver: str, scenario: str, started: float) -> Outcome:
        code = self._finish()
        self.errors.seek(0)
        tail = self.errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
        self.stop()
        detail = f"exit status {code}: " + " | ".join(tail)
        return Outcome(driver, scenario, "client-error", detail, time.monotonic() - started)

    @property
    def alive(self) -> bool:
        return not self.closed and self.process.poll() is None

    def _finish(self, wait: float = _EXIT_WAIT) -> int:
        """The child's stdin closed, then its process group killed if it lingers ``wait``
        seconds (a job's process with it)."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            return self.process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()

    def stop(self, *, wait: float = _EXIT_WAIT) -> None:
        """End the child (at once with ``wait`` 0: it ran out of time) and close what it
        printed to."""
        if self.closed:
            return
        self._finish(wait)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()
        self.closed = True


def _also(driver: PythonDriver) -> list[str]:
    """The distributions a release was installed with besides its own (``Django`` for
    django-ses): its requirements' names."""
    names = []
    for requirement in driver.requirements[1:]:
        name = requirement
        for stop in "<>=!~;[ ":
            name = name.split(stop, 1)[0]
        if name:
            names.append(name)
    return names


def run_served(
    endpoint: Endpoint,
    driver: PythonDriver,
    scenarios: Sequence[Scenario],
    *,
    timeout: float = 60.0,
) -> list[Outcome]:
    """Every scenario through one serving child (module docstring); what
    :func:`~sesspec.drivers.runner.run_matrix` returns for ``[driver]``."""
    target = target_of(endpoint)
    available, reason = driver.available()
    env = child_env(target, extra=driver.environment())
    child: _Child | None = None
    outcomes: list[Outcome] = []
    try:
        for scenario in scenarios:
            if not available:
                outcomes.append(Outcome(driver.name, scenario.id, "not-available", reason))
                continue
            supported, why = driver.supports(scenario)
            if not supported:
                outcomes.append(Outcome(driver.name, scenario.id, "not-supported", why))
                continue
            if child is None or not child.alive:
                if child is not None:
                    child.stop()
                child = _Child(driver, env)
            before = endpoint.last_seq
            with telling(endpoint, target.authority(scenario)):
                outcome = child.ask(
                    driver.job(scenario, target),
                    driver=driver.name,
                    scenario=scenario.id,
                    timeout=timeout,
                )
            after = endpoint.last_seq
            outcomes.append(
                dataclasses.replace(outcome, captures=tuple(range(before + 1, after + 1)))
            )
    finally:
        if child is not None:
            child.stop()
    return outcomes
