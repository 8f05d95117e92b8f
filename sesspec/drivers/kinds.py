"""The kinds of driver, on one base: how a client is found, versioned and started.

Every kind is a frozen dataclass of keyword fields, so that a catalogue entry
(``catalogue.toml``, read by :mod:`sesspec.drivers.registry`) is the kind's fields by name.
:class:`DriverBase` holds what every kind shares: the row's name, language and registry, which
scenarios the client cannot express (``unsupported``) and how it is given their params
(``given``), and :meth:`DriverBase.run`, which checks that the client can run the scenario and
starts its child (:func:`~sesspec.drivers.base.run_child`) with the job, the loopback guard's
port and the kind's command, environment and folder. A kind says only what differs:
:meth:`~DriverBase.available`, :meth:`~DriverBase.version` and :meth:`~DriverBase.command`.

- :class:`PythonDriver`: ``python -m sesspec.drivers._child <module>`` (PyPI);
- :class:`NodeDriver`: ``node --import ./_guard.mjs <script>`` beside its packages (npm);
- :class:`CommandDriver`: ``<program> <script>`` from Debian's packages (Ruby, Perl, PHP);
- :class:`CompiledDriver`: a Go or Haskell program built from source here against Debian's
  libraries into the per-user cache (:func:`build_cache`);
- :class:`GoModuleDriver`: the Go program built against the Go module proxy's releases;
- :class:`MavenDriver`: a Java program from Maven Central (``java/pom.xml``);
- :class:`CargoDriver`: a Rust program from crates.io (``rust/Cargo.toml``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sesspec.drivers import node
from sesspec.drivers.base import (
    Outcome,
    Target,
    child_env,
    credentials_job,
    python_command,
    run_child,
)
from sesspec.drivers.scenarios import Scenario

if TYPE_CHECKING:
    from sesspec.fidelity import GivenAs

__all__ = [
    "DRIVERS_DIR",
    "GO_MODULE",
    "JAVA_PROJECT",
    "PORT",
    "RUST_PROJECT",
    "TEMPORARY",
    "CargoDriver",
    "CommandDriver",
    "CompiledDriver",
    "DriverBase",
    "GoModuleDriver",
    "MavenDriver",
    "NodeDriver",
    "PythonDriver",
    "Registry",
    "build_cache",
    "first_line",
    "run_tool",
    "sesspec_alone",
    "source_digest",
]


def __dir__() -> list[str]:
    return __all__


#: Where a client comes from (each row of the report says which).
Registry = Literal["pypi", "npm", "maven", "crates", "goproxy", "debian"]

#: ``unsupported`` keys for a client setting: temporary credentials, an explicit port.
TEMPORARY = "temporary-credentials"
PORT = "explicit-port"

DRIVERS_DIR = Path(__file__).resolve().parent


def build_cache() -> Path:
    """Where built driver programs go: ``$XDG_CACHE_HOME/sesspec/drivers`` (by default
    ``~/.cache/sesspec/drivers``), per user, outside the repository and site-packages."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "sesspec" / "drivers"


def run_tool(
    command: Sequence[str],
    *,
    fallback: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900.0,
) -> tuple[bool, str]:
    """Run an installer or a build; (True, "") or (False, its last line of errors, else
    ``fallback``), within ``timeout`` seconds."""
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
        return False, (lines or [fallback])[-1]
    return True, ""


@functools.cache
def first_line(command: tuple[str, ...]) -> str | None:
    """The first line a command prints (its version), or None when it cannot run."""
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else ""


def debian_version(package: str) -> str | None:
    """The installed version of a Debian package, None if it is not installed."""
    return first_line(("dpkg-query", "-W", "-f", "${Version}\n", package)) or None


def debian_installed(package: str) -> bool:
    status = first_line(("dpkg-query", "-W", "-f", "${db:Status-Abbrev}\n", package))
    return status is not None and status.startswith("ii")


def apt_hint(packages: Sequence[str]) -> str:
    return f"apt-get install {' '.join(packages)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DriverBase:
    """What every kind of driver shares (see the module docstring).

    ``unsupported`` maps a scenario id, kind or action, or a client setting (:data:`TEMPORARY`,
    :data:`PORT`), to the reason the client cannot express it; ``given`` maps a scenario id,
    kind or action (or ``"*"``, the default) to how the driver gives the params to its client
    (default: SDK ``params``).
    """

    name: str
    language: str
    registry: Registry
    unsupported: Mapping[str, str] = field(default_factory=dict)
    given: Mapping[str, GivenAs] = field(default_factory=dict)

    def supports(self, scenario: Scenario) -> tuple[bool, str]:
        keys = [scenario.id, scenario.kind, scenario.action]
        if scenario.client.session_token:
            keys.append(TEMPORARY)
        if scenario.client.explicit_port:
            keys.append(PORT)
        for key in keys:
            if key in self.unsupported:
                return False, self.unsupported[key]
        return True, ""

    def given_as(self, scenario: Scenario) -> GivenAs:
        for key in (scenario.id, scenario.kind, scenario.action, "*"):
            if key in self.given:
                return self.given[key]
        return "params"

    def available(self) -> tuple[bool, str]:
        """Whether the client (and its runtime) can run here, and if not, why."""
        raise NotImplementedError

    def version(self) -> str:
        """The client's version string (and its runtime's)."""
        raise NotImplementedError

    def versions(self) -> dict[str, str]:
        """The client's packages and their installed versions, as its registry names them
        (the report's per-row facts); empty when it is not installed."""
        return {}

    def command(self) -> list[str]:
        """The child's command line."""
        raise NotImplementedError

    def built(self) -> bool:
        """Whether the client is there to run without building anything first (a kind that
        builds says whether its build is in the cache; the others need no build)."""
        return True

    def environment(self) -> Mapping[str, str]:
        """Variables the child gets on top of :func:`~sesspec.drivers.base.child_env`."""
        return {}

    def folder(self) -> Path | None:
        """The folder the child runs in (None: this process's)."""
        return None

    def job(self, scenario: Scenario, target: Target) -> dict[str, object]:
        """What a child is given to run ``scenario`` against ``target``."""
        return {
            "scenario": scenario.as_job(),
            "endpoint": target.as_job(scenario),
            "credentials": credentials_job(scenario),
        }

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        """Run ``scenario`` against ``target`` in a child with a time limit; a client that
        is not available, or a scenario it cannot express, is an outcome that says why."""
        ok, reason = self.available()
        if not ok:
            return Outcome(self.name, scenario.id, "not-available", reason)
        ok, reason = self.supports(scenario)
        if not ok:
            return Outcome(self.name, scenario.id, "not-supported", reason)
        return run_child(
            self.command(),
            self.job(scenario, target),
            driver=self.name,
            scenario=scenario.id,
            env=child_env(target, extra=self.environment()),
            timeout=timeout,
            cwd=self.folder(),
        )


def _isolated_dir(name: str) -> Path:
    return Path(sys.prefix) / "sesspec-clients" / name


def dist_version(dist: str, path: Path | None) -> str | None:
    """The installed version of a Python distribution (in ``path``, else this environment)."""
    if path is None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None
    for found in importlib.metadata.distributions(path=[str(path)]):
        if found.metadata["Name"].lower().replace("_", "-") == dist.lower():
            return str(found.version)
    return None


def sesspec_alone() -> Path:
    """A folder whose one entry is this sesspec package (a link to it), in the per-user cache:
    a child's path to sesspec without the environment sesspec is installed in."""
    package = Path(__file__).resolve().parent.parent
    key = hashlib.sha256(str(package).encode()).hexdigest()[:16]
    folder = build_cache().parent / "sesspec-alone" / key
    link = folder / "sesspec"
    if not link.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # One name per thread: the sweep runs releases on threads of one process, and two
        # threads sharing a name would move each other's link.
        partial = folder / f".sesspec-{os.getpid()}-{threading.get_ident()}"
        partial.unlink(missing_ok=True)
        partial.symlink_to(package, target_is_directory=True)
        partial.replace(link)
    return folder


@dataclass(frozen=True, slots=True, kw_only=True)
class PythonDriver(DriverBase):
    """A Python client, run by ``sesspec/drivers/<module>.py`` in a child interpreter.

    ``site`` (else, with ``isolated``, ``<sys.prefix>/sesspec-clients/<name>``) is a folder
    the client is installed into with ``pip --target`` and put first on the child's
    ``PYTHONPATH``: clients that pin their own botocore, and the sweep's releases. A ``site``
    is the child's only one: it runs without this environment's site-packages (``python -S``),
    with sesspec alone beside the site (:func:`sesspec_alone`), so that a release finds only
    what was installed with it.
    """

    language: str = "python"
    registry: Registry = "pypi"
    module: str
    requirements: tuple[str, ...]
    distributions: tuple[str, ...]
    isolated: bool = False
    site: Path | None = None

    @property
    def path(self) -> Path | None:
        if self.site is not None:
            return self.site
        return _isolated_dir(self.name) if self.isolated else None

    def available(self) -> tuple[bool, str]:
        for dist in self.distributions:
            if dist_version(dist, self.path) is None:
                where = f" into {self.path}" if self.path else ""
                return (
                    False,
                    f"{dist} is not installed{where} (pip install {' '.join(self.requirements)})",
                )
        return True, ""

    def versions(self) -> dict[str, str]:
        return {d: v for d in self.distributions if (v := dist_version(d, self.path))}

    def version(self) -> str:
        parts = [f"{d} {dist_version(d, self.path) or '?'}" for d in self.distributions]
        parts.append(f"Python {platform.python_version()}")
        return ", ".join(parts)

    def command(self) -> list[str]:
        if self.site is not None:
            return [sys.executable, "-S", *python_command(self.module)[1:]]
        return python_command(self.module)

    def environment(self) -> Mapping[str, str]:
        if self.site is not None:
            # The release's modules are compiled by the first child that imports them, kept
            # beside them (its site is its own), and read by the next.
            return {
                "PYTHONPATH": os.pathsep.join([str(self.site), str(sesspec_alone())]),
                "PYTHONDONTWRITEBYTECODE": "",
            }
        if self.path is None:
            return {}
        return {
            "PYTHONPATH": os.pathsep.join(
                [str(self.path), os.environ.get("PYTHONPATH", "")]
            ).rstrip(os.pathsep)
        }


@functools.cache
def node_version() -> str | None:
    program = shutil.which("node")
    if program is None:
        return None
    return first_line((program, "--version"))


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeDriver(DriverBase):
    """A Node client, run by ``sesspec/drivers/js/<script>`` under the loopback guard, beside
    its packages in the per-user cache (:mod:`sesspec.drivers.node`), or in ``modules`` (a
    folder holding the scripts and a ``node_modules`` of its own: the sweep's releases)."""

    language: str = "javascript"
    registry: Registry = "npm"
    script: str
    packages: tuple[str, ...]
    modules: Path | None = None

    def _version_of(self, package: str) -> str | None:
        if self.modules is None:
            return node.package_version(package)
        return node.package_version(package, folder=self.modules)

    def available(self) -> tuple[bool, str]:
        if node_version() is None:
            return False, "node is not on PATH"
        for package in self.packages:
            if self._version_of(package) is None:
                where = self.modules or node.node_dir()
                return False, (
                    f"{package} is not installed in {where} "
                    "(python -m sesspec.drivers.node, or sesspec report --install)"
                )
        return True, ""

    def versions(self) -> dict[str, str]:
        return {p: v for p in self.packages if (v := self._version_of(p))}

    def version(self) -> str:
        parts = [f"{p} {self._version_of(p) or '?'}" for p in self.packages]
        parts.append(f"Node {node_version() or '?'}")
        return ", ".join(parts)

    def command(self) -> list[str]:
        program = shutil.which("node") or "node"
        return [program, "--import", "./_guard.mjs", f"./{self.script}"]

    def environment(self) -> Mapping[str, str]:
        return {"AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1"}

    def folder(self) -> Path | None:
        return node.prepare(self.modules)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandDriver(DriverBase):
    """A client in another language, from Debian's packages, run as ``<program> <script>``
    (a script in ``sesspec/drivers/rb`` or ``pl`` with the same job and result line as the
    Python and Node drivers, and the same loopback guard)."""

    registry: Registry = "debian"
    program: str
    script: str
    debian: tuple[str, ...]
    #: Arguments to ``program`` that load the library: it is usable when they exit 0.
    probe: tuple[str, ...] = ()
    #: Arguments to ``program`` that print its own version on one line.
    runtime_version: tuple[str, ...] = ()

    @property
    def packages(self) -> tuple[str, ...]:
        return self.debian

    def available(self) -> tuple[bool, str]:
        hint = apt_hint(self.packages)
        if shutil.which(self.program) is None:
            return False, f"{self.program} is not on PATH ({hint})"
        if first_line((self.program, *self.probe)) is None:
            return False, f"the library does not load ({hint})"
        return True, ""

    def versions(self) -> dict[str, str]:
        return {p: v for p in self.debian if (v := debian_version(p))}

    def version(self) -> str:
        parts = [f"{p} {debian_version(p) or '?'}" for p in self.debian]
        parts.append(first_line((self.program, *self.runtime_version)) or f"{self.program} ?")
        return ", ".join(parts)

    def command(self) -> list[str]:
        return [shutil.which(self.program) or self.program, str(DRIVERS_DIR / self.script)]


#: The Go drivers' GOPATH (``src/sesspec/<driver>``, and ``src/sesspec/driver`` they share).
GO_PATH = DRIVERS_DIR / "go"

#: Build errors of this process, by program path.
BUILD_FAILURES: dict[Path, str] = {}

#: How each toolchain prints its version.
TOOLCHAIN_VERSION: Mapping[str, tuple[str, ...]] = {
    "go": ("env", "GOVERSION"),
    "ghc": ("--numeric-version",),
}


def source_digest(folders: Sequence[Path], *lines: str) -> str:
    """A digest of ``lines`` and every file under ``folders`` (names and bytes): the key of a
    build in :func:`build_cache`."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(f"{line}\n".encode())
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder)}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_once(program: Path, build: Callable[[Path, Path], tuple[bool, str]]) -> tuple[bool, str]:
    """Build ``program`` unless it is built; (True, "") or (False, the build's error).

    ``build(out, work)`` writes the program to ``out`` using the scratch folder ``work``. A
    failure is remembered for the process (not retried every run); the program is written under
    a temporary name and renamed, so a concurrent or interrupted build never leaves a broken one.
    """
    if program.is_file():
        return True, ""
    if program in BUILD_FAILURES:
        return False, BUILD_FAILURES[program]
    work = program.parent / f"build-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    out = work / program.name
    ok, reason = build(out, work)
    if ok:
        out.replace(program)
    else:
        BUILD_FAILURES[program] = reason
    shutil.rmtree(work, ignore_errors=True)
    return ok, reason


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledDriver(DriverBase):
    """A client in a compiled language (Go, Haskell) from Debian's packages.

    Its program is source in ``sesspec/drivers/<source>`` (``main``: the file holding the
    program's entry, for ghc; Go builds the whole folder), built when first needed (by
    ``report --install``, or the first :meth:`available`) with the toolchain into
    :func:`build_cache`, under a folder named by a hash of the sources, the toolchain's version
    and the packages' versions: a change to any of them builds anew, and the same inputs are
    built once. It runs as ``<program>`` with the same job, result line and loopback guard as
    the other drivers (the guard is in the source, beside the client code).
    """

    registry: Registry = "debian"
    toolchain: str
    source: str
    main: str = ""
    #: The toolchain's package, then the client's (shown in :meth:`version`).
    debian: tuple[str, ...] = ()
    #: Packages the driver's own code imports (JSON, TLS, sockets): installed, not shown.
    support: tuple[str, ...] = ()
    #: Folders of source shared with other drivers (relative to ``sesspec/drivers``).
    shared: tuple[str, ...] = ()

    @property
    def packages(self) -> tuple[str, ...]:
        return (*self.debian, *self.support)

    @property
    def source_dir(self) -> Path:
        return DRIVERS_DIR / self.source

    def _toolchain_version(self) -> str | None:
        return first_line((self.toolchain, *TOOLCHAIN_VERSION[self.toolchain]))

    def program(self) -> Path:
        """The built program's path (it may not exist yet)."""
        key = source_digest(
            [self.source_dir, *(DRIVERS_DIR / s for s in self.shared)],
            f"{self.toolchain} {self._toolchain_version()}",
            *(f"{p} {debian_version(p)}" for p in self.packages),
        )
        return build_cache() / f"{self.name}-{key}" / self.name

    def _build(self, out: Path, work: Path) -> tuple[bool, str]:
        tool = shutil.which(self.toolchain) or self.toolchain
        env = dict(os.environ)
        if self.toolchain == "go":
            # Debian's Go libraries are a GOPATH tree, and so are the drivers (go/src/sesspec);
            # nothing is fetched (GOPROXY=off).
            env.update(
                GO111MODULE="off",
                GOPATH=os.pathsep.join(["/usr/share/gocode", str(GO_PATH)]),
                GOPROXY="off",
                GOFLAGS="",
                GOTOOLCHAIN="local",
                CGO_ENABLED="0",
                GOCACHE=str(build_cache() / "go-build"),
            )
            command = [tool, "build", "-trimpath", "-o", str(out), "."]
        else:
            command = [
                tool,
                "-v0",
                "-O0",
                "-threaded",
                f"-i{self.source_dir}",
                "-outputdir",
                str(work),
                "-o",
                str(out),
                str(self.source_dir / self.main),
            ]
        return run_tool(command, fallback=f"{self.toolchain} failed", cwd=self.source_dir, env=env)

    def build(self) -> tuple[bool, str]:
        """Build the program unless it is built (:func:`build_once`)."""
        return build_once(self.program(), self._build)

    def available(self) -> tuple[bool, str]:
        hint = apt_hint(self.packages)
        if shutil.which(self.toolchain) is None:
            return False, f"{self.toolchain} is not on PATH ({hint})"
        missing = [p for p in self.packages if not debian_installed(p)]
        if missing:
            return False, f"{', '.join(missing)} not installed ({hint})"
        ok, reason = self.build()
        if not ok:
            return False, f"the {self.toolchain} build failed: {reason}"
        return True, ""

    def versions(self) -> dict[str, str]:
        return {p: v for p in self.debian[1:] if (v := debian_version(p))}

    def version(self) -> str:
        parts = [f"{p} {debian_version(p) or '?'}" for p in self.debian[1:]]
        toolchain = self._toolchain_version() or "?"
        if not toolchain.startswith(self.toolchain):  # go1.19.8, ghc 9.0.2
            toolchain = f"{self.toolchain} {toolchain}"
        parts.append(toolchain)
        return ", ".join(parts)

    def command(self) -> list[str]:
        return [str(self.program())]


#: The Go module of the drivers built from the module proxy (``go.mod`` and ``go.sum`` pin
#: every module and its hash).
GO_MODULE = DRIVERS_DIR / "go" / "src" / "sesspec"


@dataclass(frozen=True, slots=True, kw_only=True)
class GoModuleDriver(CompiledDriver):
    """A Go client from the Go module proxy: the same driver source as the Debian build
    (``source``, with ``sesspec/drivers/go/src/sesspec/driver``), built in module mode against
    the versions ``go.mod`` and ``go.sum`` pin (``go build -mod=readonly``), the modules
    downloaded into the per-user cache (``GOMODCACHE``), the program kept there under a digest
    of the sources and the pins. ``modules`` are shown with their versions (read from the
    built program, ``go version -m``)."""

    registry: Registry = "goproxy"
    toolchain: str = "go"
    modules: tuple[str, ...] = ()
    #: A program built elsewhere (a sweep's release): run as it is, never built here.
    prebuilt: Path | None = None

    @property
    def packages(self) -> tuple[str, ...]:
        return ()

    def program(self) -> Path:
        if self.prebuilt is not None:
            return self.prebuilt
        key = source_digest(
            [self.source_dir, GO_MODULE / "driver"],
            f"go {self._toolchain_version()}",
            (GO_MODULE / "go.mod").read_text("utf-8"),
            (GO_MODULE / "go.sum").read_text("utf-8"),
        )
        return build_cache() / f"{self.name}-{key}" / self.name

    def _build(self, out: Path, work: Path) -> tuple[bool, str]:
        del work
        tool = shutil.which(self.toolchain) or self.toolchain
        env = {
            **os.environ,
            "GO111MODULE": "on",
            "GOFLAGS": "-mod=readonly",
            "GOMODCACHE": str(build_cache() / "gomod"),
            "GOCACHE": str(build_cache() / "go-build"),
            "GOTOOLCHAIN": "local",
            "CGO_ENABLED": "0",
        }
        package = f"./{self.source_dir.relative_to(GO_MODULE)}"
        command = [tool, "build", "-trimpath", "-o", str(out), package]
        return run_tool(command, fallback="go build failed", cwd=GO_MODULE, env=env)

    def built(self) -> bool:
        return self.program().is_file()

    def available(self) -> tuple[bool, str]:
        if self.prebuilt is not None:
            return _prebuilt(self.prebuilt)
        if shutil.which(self.toolchain) is None:
            return False, f"{self.toolchain} is not on PATH (https://go.dev/doc/install)"
        ok, reason = self.build()
        if not ok:
            return False, f"the go build failed: {reason}"
        return True, ""

    def versions(self) -> dict[str, str]:
        program = self.program()
        if not program.is_file():
            return {}
        tool = shutil.which(self.toolchain) or self.toolchain
        said = first_lines((tool, "version", "-m", str(program)))
        found: dict[str, str] = {}
        for line in said:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "dep" and parts[1] in self.modules:
                found[parts[1]] = parts[2]
        return {m: found[m] for m in self.modules if m in found}

    def version(self) -> str:
        found = self.versions()
        parts = [f"{m} {found.get(m, '?')}" for m in self.modules]
        parts.append(self._toolchain_version() or "go ?")
        return ", ".join(parts)


def _prebuilt(path: Path) -> tuple[bool, str]:
    return (True, "") if path.exists() else (False, f"{path} is not built")


def first_lines(command: tuple[str, ...]) -> list[str]:
    """The lines a command prints (empty when it cannot run)."""
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return done.stdout.splitlines() if done.returncode == 0 else []


#: The Java drivers' Maven project (``pom.xml`` pins the SDKs; ``src/main/java/sesspec``).
JAVA_PROJECT = DRIVERS_DIR / "java"


@dataclass(frozen=True, slots=True, kw_only=True)
class MavenDriver(DriverBase):
    """A Java client from Maven Central: ``sesspec/drivers/java`` (one Maven project for every
    Java driver, its ``pom.xml`` pinning the SDKs) built with ``mvn package`` into the per-user
    cache (:func:`build_cache`, a folder named by a digest of the project and the JDK; the
    Maven repository there too), run as ``java -cp <jar>:<lib>/* <main>`` with the same job
    and result line as the other drivers. Its guard (``Guard.java``) holds the JVM to
    loopback. ``artifacts`` (``group:artifact``) are shown with the versions of their jars."""

    language: str = "java"
    registry: Registry = "maven"
    main_class: str
    artifacts: tuple[str, ...] = ()
    #: A ``target`` folder built elsewhere (a sweep's release): run as it is, never built.
    prebuilt: Path | None = None

    def folder_built(self) -> Path:
        java = first_line(("java", "-version")) or "?"
        key = source_digest([JAVA_PROJECT], f"java {java}")
        return build_cache() / f"java-{key}"

    def build(self) -> tuple[bool, str]:
        """``mvn package`` once per project digest, into a scratch folder renamed into place
        when complete (its ``target``: the jar and ``lib/``); a failure is remembered for the
        process."""
        folder = self.folder_built()
        target = folder / "target"
        if (target / "lib").is_dir():
            return True, ""
        if target in BUILD_FAILURES:
            return False, BUILD_FAILURES[target]
        scratch = folder / f"build-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        mvn = shutil.which("mvn") or "mvn"
        command = [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            f"-Dmaven.repo.local={build_cache() / 'm2'}",
            f"-Dsesspec.build={scratch / 'target'}",
            "package",
        ]
        ok, reason = run_tool(command, fallback="mvn package failed", cwd=JAVA_PROJECT)
        if ok and not target.exists():
            (scratch / "target").rename(target)
        elif not ok:
            BUILD_FAILURES[target] = reason
        shutil.rmtree(scratch, ignore_errors=True)
        return ok, reason

    def built(self) -> bool:
        return (self._target() / "lib").is_dir()

    def available(self) -> tuple[bool, str]:
        if self.prebuilt is not None:
            return _prebuilt(self.prebuilt / "lib")
        for tool, hint in (
            ("java", "apt-get install default-jdk"),
            ("mvn", "apt-get install maven"),
        ):
            if shutil.which(tool) is None:
                return False, f"{tool} is not on PATH ({hint})"
        ok, reason = self.build()
        if not ok:
            return False, f"the Maven build failed: {reason}"
        return True, ""

    def _target(self) -> Path:
        if self.prebuilt is not None:
            return self.prebuilt
        return self.folder_built() / "target"

    def versions(self) -> dict[str, str]:
        lib = self._target() / "lib"
        found: dict[str, str] = {}
        for coordinate in self.artifacts:
            artifact = coordinate.split(":", 1)[1]
            for jar in sorted(lib.glob(f"{artifact}-*.jar")):
                version = jar.name[len(artifact) + 1 : -len(".jar")]
                if version[:1].isdigit():
                    found[coordinate] = version
        return found

    def version(self) -> str:
        found = self.versions()
        parts = [f"{a} {found.get(a, '?')}" for a in self.artifacts]
        parts.append(first_line(("java", "-version")) or "java ?")
        return ", ".join(parts)

    def command(self) -> list[str]:
        target = self._target()
        classpath = os.pathsep.join(
            [str(target / "sesspec-java-drivers-0.jar"), str(target / "lib" / "*")]
        )
        java = shutil.which("java") or "java"
        # A run is one request: the JIT's first tier and the serial collector start faster.
        fast = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
        return [java, *fast, "-Djava.security.manager=allow", "-cp", classpath, self.main_class]


#: The Rust driver's Cargo project (``Cargo.toml`` and ``Cargo.lock`` pin the crates).
RUST_PROJECT = DRIVERS_DIR / "rust"


@dataclass(frozen=True, slots=True, kw_only=True)
class CargoDriver(DriverBase):
    """A Rust client from crates.io: ``sesspec/drivers/<project>`` (``rust``: aws-sdk-ses;
    ``rust-rusoto``: rusoto_ses) built with ``cargo build
    --release --locked`` (``Cargo.lock`` pins every crate) into the per-user cache (cargo's
    target folder there; the program copied under a digest of the sources, the lock and the
    compiler), run as ``<program>`` with the same job and result line; its guard is its own
    HTTP client (``src/guard.rs``). ``crates`` are shown with their locked versions."""

    language: str = "rust"
    registry: Registry = "crates"
    binary: str
    crates: tuple[str, ...] = ()
    #: The Cargo project (a folder of ``sesspec/drivers``) whose ``binary`` this is.
    project: str = "rust"
    #: A program built elsewhere (a sweep's release): run as it is, never built here.
    prebuilt: Path | None = None

    @property
    def project_dir(self) -> Path:
        return DRIVERS_DIR / self.project

    def program(self) -> Path:
        if self.prebuilt is not None:
            return self.prebuilt
        rustc = first_line(("rustc", "--version")) or "?"
        key = source_digest(
            [self.project_dir / "src"],
            rustc,
            *(
                (self.project_dir / name).read_text("utf-8")
                for name in ("Cargo.toml", "Cargo.lock")
            ),
        )
        return build_cache() / f"rust-{key}" / self.binary

    def _build(self, out: Path, work: Path) -> tuple[bool, str]:
        del work
        cargo = shutil.which("cargo") or "cargo"
        target = build_cache() / "cargo-target"
        env = {**os.environ, "CARGO_TARGET_DIR": str(target), "CARGO_TERM_COLOR": "never"}
        command = [cargo, "build", "--release", "--locked", "--quiet", "--bin", self.binary]
        ok, reason = run_tool(
            command, fallback="cargo build failed", cwd=self.project_dir, env=env, timeout=3600
        )
        if ok:
            shutil.copyfile(target / "release" / self.binary, out)
            out.chmod(0o755)
        return ok, reason

    def build(self) -> tuple[bool, str]:
        return build_once(self.program(), self._build)

    def built(self) -> bool:
        return self.program().is_file()

    def available(self) -> tuple[bool, str]:
        if self.prebuilt is not None:
            return _prebuilt(self.prebuilt)
        if shutil.which("cargo") is None:
            return False, "cargo is not on PATH (https://rustup.rs)"
        ok, reason = self.build()
        if not ok:
            return False, f"the cargo build failed: {reason}"
        return True, ""

    def versions(self) -> dict[str, str]:
        try:
            lock = tomllib.loads((self.project_dir / "Cargo.lock").read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return {}
        found = {str(p.get("name")): str(p.get("version")) for p in lock.get("package", [])}
        return {c: found[c] for c in self.crates if c in found}

    def version(self) -> str:
        found = self.versions()
        parts = [f"{c} {found.get(c, '?')}" for c in self.crates]
        parts.append(first_line(("rustc", "--version")) or "rustc ?")
        return ", ".join(parts)

    def command(self) -> list[str]:
        return [str(self.program())]
