"""Entry point of a Python driver child: ``python -m sesspec.drivers._child MODULE``.

Reads one job (JSON) on stdin, installs the loopback guard, runs
``sesspec.drivers.MODULE.run(job)`` and prints ``SESSPEC-RESULT {json}``.

``python -m sesspec.drivers._child --serve MODULE [DIST ...]`` serves many jobs, one a line
on stdin, for ``sesspec sweep`` (:mod:`sesspec.drivers.sweep.served`): it installs the guard,
imports the driver and the top-level packages of the distributions ``DIST`` (what a child
spends its time on: Django, boto3), then for each job forks a process that runs it as a
child of its own would (the imports done, no state of another job: each job's settings and
clients are made anew) and prints its result line; a job whose process ends without a
result is a client error that says how it ended. The next job is read when the result is
printed, so the caller knows which requests each job sent.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import json
import os
import sys
import traceback
from typing import Any

from sesspec.drivers import _guard
from sesspec.drivers._pyjob import NotSupportedError

RESULT_MARKER = "SESSPEC-RESULT "

#: Bytes of one job line at most (a job is a few kilobytes).
MAX_JOB_BYTES = 16 * 1024 * 1024


def _result(module: str, job: Any) -> dict[str, Any]:
    try:
        driver = importlib.import_module(f"sesspec.drivers.{module}")
        result: dict[str, Any] = driver.run(job)
    except NotSupportedError as exc:
        result = {"status": "not-supported", "detail": str(exc)}
    except ImportError as exc:
        result = {"status": "not-available", "detail": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # the client's failure is the result we report
        traceback.print_exc()
        result = {"status": "client-error", "detail": f"{type(exc).__name__}: {exc}"[:4000]}
    return result


def _say(result: dict[str, Any]) -> None:
    sys.stdout.write(RESULT_MARKER + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


def _main(argv: list[str]) -> int:
    if argv and argv[0] == "--serve":
        return _serve(argv[1], argv[2:])
    module = argv[0]
    job = json.load(sys.stdin)
    _guard.install(int(os.environ["SESSPEC_LOOPBACK_PORT"]))
    _say(_result(module, job))
    return 0


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _warm(module: str, distributions: list[str]) -> None:
    """Import the driver and the distributions' top-level packages; what does not import
    here (a package that wants its settings first) is imported by each job as usual."""
    wanted = {_normal(d) for d in distributions}
    names = sorted(
        top
        for top, dists in importlib.metadata.packages_distributions().items()
        if not top.startswith("_") and any(_normal(d) in wanted for d in dists)
    )
    for name in [f"sesspec.drivers.{module}", *names]:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _serve(module: str, distributions: list[str]) -> int:
    _guard.install(int(os.environ["SESSPEC_LOOPBACK_PORT"]))
    _warm(module, distributions)
    while line := sys.stdin.readline(MAX_JOB_BYTES):
        if not line.strip():
            continue
        try:
            job = json.loads(line)
        except ValueError as exc:
            _say({"status": "client-error", "detail": f"unreadable job: {exc}"})
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:  # the job's own process
            os.close(readable)
            try:
                data = json.dumps(_result(module, job), default=str).encode()
                with os.fdopen(writable, "wb") as out:
                    out.write(data)
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(0)
        os.close(writable)
        with os.fdopen(readable, "rb") as answer:
            data = answer.read()
        _, status = os.waitpid(pid, 0)
        if data:
            sys.stdout.write(RESULT_MARKER + data.decode("utf-8", "replace") + "\n")
            sys.stdout.flush()
        else:
            code = os.waitstatus_to_exitcode(status)
            ended = f"signal {-code}" if code < 0 else f"exit status {code}"
            _say({"status": "client-error", "detail": f"the job's process ended ({ended})"})
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
