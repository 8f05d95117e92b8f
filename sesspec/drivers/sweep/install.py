"""Install one release of a client, with its dependencies as of that release's date, into the
per-user sweep cache (``${XDG_CACHE_HOME:-~/.cache}/sesspec/sweep/<registry>/<package>/<version>``).

- PyPI: ``uv pip install --target <folder>/site --exclude-newer <cutoff> <package>==<version>``
  (uv resolves every dependency as the index stood at the cutoff); the driver child puts the
  folder first on ``PYTHONPATH``.
- npm: ``npm install --before=<cutoff> <package>@<version>`` in ``<folder>/node``, beside the
  driver scripts (:func:`sesspec.drivers.node.prepare`).

The cutoff is the release's publication plus :data:`CUTOFF_MARGIN` (its files may be uploaded
over some minutes). The tools that build an sdist (:data:`BUILD_TOOLS`) are not held to the
date: a 2011 setuptools does not run on a current Python. Every install runs within a time
limit; it goes into a scratch folder that is renamed into place when complete, and its
outcome is written beside it (``install.json``), so a release is installed once and a sweep
stopped half-way finds what was done. An install that fails is remembered (``--retry-failed``
tries again); one that ran out of time is not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sesspec.drivers.sweep.releases import Release

__all__ = [
    "CUTOFF_MARGIN",
    "DEFAULT_INSTALL_TIMEOUT",
    "Installed",
    "Installer",
    "Step",
    "install_into",
    "kept_install",
    "release_folder",
    "sweep_cache",
]


def __dir__() -> list[str]:
    return __all__


#: Added to a release's publication time to make the cutoff of its dependencies.
CUTOFF_MARGIN = timedelta(hours=1)

#: Seconds an install may take (``sesspec sweep --install-timeout``).
DEFAULT_INSTALL_TIMEOUT = 300.0

#: What an install said: installed; failed (the installer refused: remembered); timed out
#: (or was ended by a signal from outside: not remembered either).
InstallState = Literal["installed", "failed", "timeout"]

_MARKER = "install.json"

#: Packages that build an sdist (PEP 517 backends): resolved as of today, not of the release.
BUILD_TOOLS = ("setuptools", "wheel", "setuptools-scm", "flit-core", "hatchling", "poetry-core")
_FAR_FUTURE = "2100-01-01T00:00:00Z"


def sweep_cache() -> Path:
    """``$XDG_CACHE_HOME/sesspec/sweep`` (by default ``~/.cache/sesspec/sweep``)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "sesspec" / "sweep"


def _safe(part: str) -> str:
    """A path segment for a package name or version (``@aws-sdk/client-ses`` -> one segment)."""
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in part) or "_"


def release_folder(registry: str, package: str, version: str, also: Sequence[str] = ()) -> Path:
    """Where a release is installed: by registry, package and version, and what else was
    installed with it (``also``: a digest of it, when there is any)."""
    name = _safe(version)
    if also:
        name += "+" + hashlib.sha256("\n".join(also).encode()).hexdigest()[:8]
    return sweep_cache() / registry / _safe(package) / name


@dataclass(frozen=True, slots=True)
class Installed:
    """One release's install: its ``state``, the installer's last line when it failed, where
    it went (``folder``: ``site``, ``node`` or ``build`` inside it), the seconds it took (0:
    cached), and the release's date when the install found it (a Maven jar's)."""

    state: InstallState
    reason: str
    folder: Path
    seconds: float = 0.0
    date: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.state == "installed"


#: Terminal colour codes (Maven's, even with -B) and what a build tool prints after its
#: error (Maven's pointers to its wiki).
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BOILERPLATE = ("-> [Help", "To see the full stack trace", "Re-run Maven using")


def _last_line(text: str, fallback: str) -> str:
    """What an installer or a build said, in one line: its first line (what failed) and its
    last (the cause, or a hint), at most 500 characters; for a build that prints its error
    over lines (Maven's ``[ERROR]`` lines), the first three, up to its pointers to help."""
    lines: list[str] = []
    for raw in _ANSI.sub("", text).splitlines():
        line = raw.strip()
        if any(line.removeprefix("[ERROR] ").startswith(b) for b in _BOILERPLATE):
            break
        if line and line != "[ERROR]":
            lines.append(line)
    if not lines:
        return fallback
    if lines[0].startswith("[ERROR]"):
        return " ... ".join(lines[:3])[:500]
    said = lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"
    return said[:500]


@dataclass(frozen=True, slots=True)
class Installer:
    """Installs releases of one registry's packages (``pypi`` or ``npm``) into the cache.

    ``program``: uv or npm (found on ``PATH``, or beside this Python, when None); ``extra``:
    arguments for every install (an index or mirror: the tests give a local folder of wheels);
    ``timeout``: seconds per install.
    """

    registry: Literal["pypi", "npm"]
    program: str | None = None
    extra: tuple[str, ...] = ()
    timeout: float = DEFAULT_INSTALL_TIMEOUT

    def find_program(self) -> str | None:
        if self.program is not None:
            return self.program if Path(self.program).is_file() else None
        name = "uv" if self.registry == "pypi" else "npm"
        beside = Path(sys.executable).parent / name
        return str(beside) if beside.is_file() else shutil.which(name)

    def install(
        self,
        package: str,
        release: Release,
        *,
        also: Sequence[str] = (),
        retry_failed: bool = False,
    ) -> Installed:
        """``package`` at ``release`` (and ``also``: more requirements, resolved as of the
        same date) into its cache folder, unless there (module docstring)."""
        folder = release_folder(self.registry, package, release.version, also)
        program = self.find_program()
        if program is None:
            name = "uv (pip install uv)" if self.registry == "pypi" else "npm"
            return install_into(
                folder,
                "site" if self.registry == "pypi" else "node",
                None,
                missing=f"{name} is not installed",
                retry_failed=retry_failed,
            )

        def steps(scratch: Path) -> list[Step]:
            command, cwd = self._command(program, package, release, also, scratch)
            return [Step(command, cwd)]

        env = {"UV_NO_PROGRESS": "1", "npm_config_update_notifier": "false"}
        return install_into(
            folder,
            "site" if self.registry == "pypi" else "node",
            steps,
            timeout=self.timeout,
            retry_failed=retry_failed,
            env=env,
        )

    def _command(
        self,
        program: str,
        package: str,
        release: Release,
        also: Sequence[str],
        scratch: Path,
    ) -> tuple[list[str], Path | None]:
        cutoff = (release.date + CUTOFF_MARGIN) if release.date is not None else None
        if self.registry == "pypi":
            # Not compiled here (most of a release's modules are never imported): the first
            # child compiles what it imports, beside the release (PythonDriver.environment).
            command = [program, "pip", "install", "--quiet", "--target", str(scratch)]
            command += ["--python", sys.executable]
            if cutoff is not None:
                command += ["--exclude-newer", cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")]
                # The tools that build an sdist are this machine's, not the release's era's
                # (setuptools of 2011 does not run on Python 3.11).
                # The release itself is pinned by version, whenever its files were uploaded.
                for tool in (package, *BUILD_TOOLS):
                    command += ["--exclude-newer-package", f"{tool}={_FAR_FUTURE}"]
            return [*command, *self.extra, f"{package}=={release.version}", *also], None
        (scratch / "package.json").write_text(
            '{"name": "sesspec-sweep", "private": true, "version": "0.0.0"}\n', encoding="utf-8"
        )
        command = [program, "install", "--no-audit", "--no-fund", "--loglevel=error"]
        command += ["--no-package-lock", "--ignore-scripts"]
        if cutoff is not None:
            command.append(f"--before={cutoff.strftime('%Y-%m-%dT%H:%M:%SZ')}")
        return [*command, *self.extra, f"{package}@{release.version}", *also], scratch


@dataclass(frozen=True, slots=True)
class Step:
    """One command of an install or a build: its arguments, the folder it runs in (None: this
    process's), variables on top of this process's, and what a failure is called when it
    prints nothing."""

    command: Sequence[str]
    cwd: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)


#: Makes the steps of an install into ``scratch`` (written there; may write files first).
Steps = Callable[[Path], Sequence[Step]]


def install_into(
    folder: Path,
    inside: str,
    steps: Steps | None,
    *,
    timeout: float = DEFAULT_INSTALL_TIMEOUT,
    retry_failed: bool = False,
    env: Mapping[str, str] | None = None,
    missing: str = "",
    after: Callable[[Path], str] | None = None,
) -> Installed:
    """Run ``steps`` (within ``timeout`` seconds in all) into a scratch folder renamed to
    ``folder/inside`` when every step exits 0, and write the outcome beside it; or return the
    kept outcome (module docstring). Each step runs with this process's variables, then its
    own, then ``env`` (the caller's last word: a test's stand-ins). ``steps`` None: the
    installer is missing (``missing`` says which). ``after(scratch)``: a last check of what
    was made ("" when it is fine, else why not: a failure)."""
    marker = folder / _MARKER
    cached = _read_marker(marker, folder, inside)
    if cached is not None and (cached.ok or not retry_failed):
        return cached
    if steps is None:
        return Installed("failed", missing, folder)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / f".{inside}-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    started = time.monotonic()
    commands: list[list[str]] = []
    reason = ""
    state: InstallState = "installed"
    try:
        planned = steps(scratch)
    except (OSError, ValueError) as exc:
        planned, state, reason = [], "failed", f"cannot prepare the install: {exc}"
    for step in planned:
        commands.append(list(step.command))
        left = timeout - (time.monotonic() - started)
        name = Path(step.command[0]).name
        try:
            done = _run_step(
                step.command,
                cwd=step.cwd,
                env={**os.environ, **step.env, **(env or {})},
                timeout=max(left, 0.001),
            )
        except subprocess.TimeoutExpired:
            shutil.rmtree(scratch, ignore_errors=True)
            seconds = time.monotonic() - started
            return Installed(
                "timeout", f"no answer from {name} within {timeout:g} s", folder, seconds
            )
        except OSError as exc:
            state, reason = "failed", f"cannot run {step.command[0]}: {exc}"
            break
        if done.returncode < 0:  # ended from outside (a signal): not its answer, not kept
            shutil.rmtree(scratch, ignore_errors=True)
            seconds = time.monotonic() - started
            reason = f"{name} was ended by signal {-done.returncode}"
            return Installed("timeout", reason, folder, seconds)
        if done.returncode != 0:
            state = "failed"
            said = done.stderr if _ANSI.sub("", done.stderr).strip() else done.stdout
            reason = _last_line(said, f"{name} exit status {done.returncode}")
            break
    if state == "installed" and after is not None:
        problem = after(scratch)
        if problem:
            state, reason = "failed", problem
    seconds = time.monotonic() - started
    if state != "installed":
        shutil.rmtree(scratch, ignore_errors=True)
        result = Installed(state, reason, folder, seconds)
    else:
        target = folder / inside
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
        result = Installed("installed", "", folder, seconds)
    _write_marker(marker, result, commands)
    return result


def _run_step(
    command: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run one step in a process group of its own, ended whole when it runs out of time or
    the sweep is stopped (a build's compilers with it: cargo's rustc, Maven's JVM forks)."""
    with subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=dict(env),
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def kept_install(folder: Path, inside: str) -> Installed | None:
    """The outcome kept in ``folder`` (None: nothing kept, or its install was removed)."""
    return _read_marker(folder / _MARKER, folder, inside)


def _read_marker(marker: Path, folder: Path, inside: str) -> Installed | None:
    try:
        document = json.loads(marker.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    state = document.get("state") if isinstance(document, dict) else None
    if state not in ("installed", "failed"):
        return None
    if state == "installed" and not (folder / inside).is_dir():
        return None  # the folder was removed: install again
    return Installed(state, str(document.get("reason", "")), folder)


def _write_marker(marker: Path, result: Installed, commands: Sequence[Sequence[str]]) -> None:
    document = {
        "state": result.state,
        "reason": result.reason,
        "seconds": round(result.seconds, 1),
        "commands": [list(c) for c in commands],
    }
    partial = marker.with_name(f".{marker.name}.{os.getpid()}")
    partial.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    partial.replace(marker)
