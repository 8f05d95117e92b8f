"""The client configurations sesspec drives, and how to install them.

Python clients run as ``python -m sesspec.drivers._child py_<name>``; Node clients as
``node --import ./_guard.mjs <name>.mjs`` beside their packages, which ``npm ci`` installs from
``sesspec/drivers/js/package-lock.json`` into the per-user cache (:mod:`sesspec.drivers.node`).
aiobotocore and the AWS CLI v1 pin their own botocore, so each is
installed into its own folder (``<sys.prefix>/sesspec-clients/<name>``) that only its child
puts first on ``PYTHONPATH``. Clients in other languages come from Debian's packages: scripts
(Ruby, Perl, PHP, the AWS CLI v2) run as ``<program> <script>``; Go and Haskell programs are
kept here as source and built into the per-user cache (:func:`build_cache`), never into the
repository or site-packages.
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sesspec.drivers import node
from sesspec.drivers.base import (
    Driver,
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
    "AnyDriver",
    "CommandDriver",
    "CompiledDriver",
    "NodeDriver",
    "PythonDriver",
    "all_drivers",
    "build_cache",
    "get_driver",
    "install_clients",
]


def __dir__() -> list[str]:
    return __all__


_NO_PRESIGN = "presign-get"


def _job(scenario: Scenario, target: Target) -> dict[str, object]:
    return {
        "scenario": scenario.as_job(),
        "endpoint": target.as_job(scenario),
        "credentials": credentials_job(scenario),
    }


def _isolated_dir(name: str) -> Path:
    return Path(sys.prefix) / "sesspec-clients" / name


def _dist_version(dist: str, path: Path | None) -> str | None:
    if path is None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None
    for found in importlib.metadata.distributions(path=[str(path)]):
        if found.metadata["Name"].lower().replace("_", "-") == dist.lower():
            return str(found.version)
    return None


class _Scenarios:
    """``supports`` and ``given_as`` for the driver classes: ``unsupported`` maps a scenario
    id, kind or action, or a client setting (:data:`TEMPORARY`, :data:`PORT`), to the reason the
    client cannot express it; ``given`` maps a scenario id, kind or action (or ``"*"``, the
    default) to how the driver gives the params to its client (default: SDK ``params``)."""

    __slots__ = ()
    unsupported: Mapping[str, str]
    given: Mapping[str, GivenAs]

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


#: ``unsupported`` keys for a client setting: temporary credentials, an explicit port.
TEMPORARY = "temporary-credentials"
PORT = "explicit-port"
#: ``given`` of a signing-only library: its user builds the form pairs.
PAIRS: Mapping[str, GivenAs] = {"*": "pairs"}


@dataclass(frozen=True, slots=True)
class PythonDriver(_Scenarios):
    """A Python client, run by ``sesspec/drivers/<module>.py`` in a child interpreter."""

    name: str
    module: str
    requirements: tuple[str, ...]
    distributions: tuple[str, ...]
    unsupported: Mapping[str, str] = field(default_factory=dict)
    isolated: bool = False
    language: str = "python"
    given: Mapping[str, GivenAs] = field(default_factory=dict)

    @property
    def path(self) -> Path | None:
        return _isolated_dir(self.name) if self.isolated else None

    def available(self) -> tuple[bool, str]:
        for dist in self.distributions:
            if _dist_version(dist, self.path) is None:
                where = f" into {self.path}" if self.path else ""
                return (
                    False,
                    f"{dist} is not installed{where} (pip install {' '.join(self.requirements)})",
                )
        return True, ""

    def version(self) -> str:
        parts = [f"{d} {_dist_version(d, self.path) or '?'}" for d in self.distributions]
        parts.append(f"Python {platform.python_version()}")
        return ", ".join(parts)

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        skipped = _cannot_run(self, scenario)
        if skipped is not None:
            return skipped
        extra: dict[str, str] = {}
        if self.path is not None:
            extra["PYTHONPATH"] = os.pathsep.join(
                [str(self.path), os.environ.get("PYTHONPATH", "")]
            ).rstrip(os.pathsep)
        return run_child(
            python_command(self.module),
            _job(scenario, target),
            driver=self.name,
            scenario=scenario.id,
            env=child_env(target, extra=extra),
            timeout=timeout,
        )


def _cannot_run(driver: Driver, scenario: Scenario) -> Outcome | None:
    """The outcome of a run that cannot start: client not available, or scenario unsupported."""
    ok, reason = driver.available()
    if not ok:
        return Outcome(driver.name, scenario.id, "not-available", reason)
    ok, reason = driver.supports(scenario)
    if not ok:
        return Outcome(driver.name, scenario.id, "not-supported", reason)
    return None


@functools.cache
def _node_version() -> str | None:
    program = shutil.which("node")
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


@dataclass(frozen=True, slots=True)
class NodeDriver(_Scenarios):
    """A Node client, run by ``sesspec/drivers/js/<script>`` under the loopback guard, beside
    its packages in the per-user cache (:mod:`sesspec.drivers.node`)."""

    name: str
    script: str
    packages: tuple[str, ...]
    unsupported: Mapping[str, str] = field(default_factory=dict)
    language: str = "javascript"
    given: Mapping[str, GivenAs] = field(default_factory=dict)

    def available(self) -> tuple[bool, str]:
        if _node_version() is None:
            return False, "node is not on PATH"
        for package in self.packages:
            if node.package_version(package) is None:
                return False, (
                    f"{package} is not installed in {node.node_dir()} "
                    "(python -m sesspec.drivers.node, or sesspec report --install)"
                )
        return True, ""

    def version(self) -> str:
        parts = [f"{p} {node.package_version(p) or '?'}" for p in self.packages]
        parts.append(f"Node {_node_version() or '?'}")
        return ", ".join(parts)

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        skipped = _cannot_run(self, scenario)
        if skipped is not None:
            return skipped
        program = shutil.which("node") or "node"
        extra = {"AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1"}
        return run_child(
            [program, "--import", "./_guard.mjs", f"./{self.script}"],
            _job(scenario, target),
            driver=self.name,
            scenario=scenario.id,
            env=child_env(target, extra=extra),
            timeout=timeout,
            cwd=node.prepare(),
        )


DRIVERS_DIR = Path(__file__).resolve().parent


@functools.cache
def _first_line(command: tuple[str, ...]) -> str | None:
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


def _debian_version(package: str) -> str | None:
    return _first_line(("dpkg-query", "-W", "-f", "${Version}\n", package)) or None


def _debian_installed(package: str) -> bool:
    status = _first_line(("dpkg-query", "-W", "-f", "${db:Status-Abbrev}\n", package))
    return status is not None and status.startswith("ii")


def _apt_hint(packages: Sequence[str]) -> str:
    return f"apt-get install {' '.join(packages)}"


@dataclass(frozen=True, slots=True)
class CommandDriver(_Scenarios):
    """A client in another language, from Debian's packages, run as ``<program> <script>``
    (a script in ``sesspec/drivers/rb`` or ``pl`` with the same job and result line as the
    Python and Node drivers, and the same loopback guard)."""

    name: str
    language: str
    program: str
    script: str
    debian: tuple[str, ...]
    #: Arguments to ``program`` that load the library: it is usable when they exit 0.
    probe: tuple[str, ...]
    #: Arguments to ``program`` that print its own version on one line.
    runtime_version: tuple[str, ...]
    unsupported: Mapping[str, str] = field(default_factory=dict)
    given: Mapping[str, GivenAs] = field(default_factory=dict)

    @property
    def packages(self) -> tuple[str, ...]:
        return self.debian

    def available(self) -> tuple[bool, str]:
        hint = _apt_hint(self.packages)
        if shutil.which(self.program) is None:
            return False, f"{self.program} is not on PATH ({hint})"
        if _first_line((self.program, *self.probe)) is None:
            return False, f"the library does not load ({hint})"
        return True, ""

    def version(self) -> str:
        parts = [f"{p} {_debian_version(p) or '?'}" for p in self.debian]
        parts.append(_first_line((self.program, *self.runtime_version)) or f"{self.program} ?")
        return ", ".join(parts)

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        skipped = _cannot_run(self, scenario)
        if skipped is not None:
            return skipped
        program = shutil.which(self.program) or self.program
        return run_child(
            [program, str(DRIVERS_DIR / self.script)],
            _job(scenario, target),
            driver=self.name,
            scenario=scenario.id,
            env=child_env(target),
            timeout=timeout,
        )


def build_cache() -> Path:
    """Where built driver programs go: ``$XDG_CACHE_HOME/sesspec/drivers`` (by default
    ``~/.cache/sesspec/drivers``), per user, outside the repository and site-packages."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "sesspec" / "drivers"


#: The Go drivers' GOPATH (``src/sesspec/<driver>``, and ``src/sesspec/driver`` they share).
GO_PATH = DRIVERS_DIR / "go"

#: Build errors of this process, by program path.
_BUILD_FAILURES: dict[Path, str] = {}

#: How each toolchain prints its version, and how it builds a program from its sources.
_TOOLCHAIN_VERSION: Mapping[str, tuple[str, ...]] = {
    "go": ("env", "GOVERSION"),
    "ghc": ("--numeric-version",),
}


@dataclass(frozen=True, slots=True)
class CompiledDriver(_Scenarios):
    """A client in a compiled language (Go, Haskell) from Debian's packages.

    Its program is source in ``sesspec/drivers/<source>`` (``main``: the file holding the
    program's entry, for ghc; Go builds the whole folder), built when first needed (by
    ``report --install``, or the first :meth:`available`) with the toolchain into
    :func:`build_cache`, under a folder named by a hash of the sources, the toolchain's version
    and the packages' versions: a change to any of them builds anew, and the same inputs are
    built once. It runs as ``<program>`` with the same job, result line and loopback guard as
    the other drivers (the guard is in the source, beside the client code).
    """

    name: str
    language: str
    toolchain: str
    source: str
    main: str
    #: The toolchain's package, then the client's (shown in :meth:`version`).
    debian: tuple[str, ...]
    unsupported: Mapping[str, str] = field(default_factory=dict)
    #: Packages the driver's own code imports (JSON, TLS, sockets): installed, not shown.
    support: tuple[str, ...] = ()
    #: Folders of source shared with other drivers (relative to ``sesspec/drivers``).
    shared: tuple[str, ...] = ()
    given: Mapping[str, GivenAs] = field(default_factory=dict)

    @property
    def packages(self) -> tuple[str, ...]:
        return (*self.debian, *self.support)

    @property
    def source_dir(self) -> Path:
        return DRIVERS_DIR / self.source

    def _toolchain_version(self) -> str | None:
        return _first_line((self.toolchain, *_TOOLCHAIN_VERSION[self.toolchain]))

    def program(self) -> Path:
        """The built program's path (it may not exist yet)."""
        digest = hashlib.sha256()
        digest.update(f"{self.toolchain} {self._toolchain_version()}\n".encode())
        for package in self.packages:
            digest.update(f"{package} {_debian_version(package)}\n".encode())
        for folder in (self.source_dir, *(DRIVERS_DIR / s for s in self.shared)):
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(f"{path.relative_to(folder)}\n".encode())
                digest.update(path.read_bytes())
        return build_cache() / f"{self.name}-{digest.hexdigest()[:16]}" / self.name

    def _build_command(self, out: Path, work: Path) -> tuple[list[str], dict[str, str]]:
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
            return [tool, "build", "-trimpath", "-o", str(out), "."], env
        return [
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
        ], env

    def build(self) -> tuple[bool, str]:
        """Build the program unless it is built; (True, "") or (False, the build's error).

        A failure is remembered for the process (not retried every run); the program is
        written under a temporary name and renamed, so a concurrent or interrupted build
        never leaves a broken one.
        """
        program = self.program()
        if program.is_file():
            return True, ""
        if program in _BUILD_FAILURES:
            return False, _BUILD_FAILURES[program]
        work = program.parent / f"build-{os.getpid()}"
        work.mkdir(parents=True, exist_ok=True)
        out = work / self.name
        command, env = self._build_command(out, work)
        ok, reason = _run_tool(
            command, fallback=f"{self.toolchain} failed", cwd=self.source_dir, env=env
        )
        if ok:
            out.replace(program)
        else:
            _BUILD_FAILURES[program] = reason
        shutil.rmtree(work, ignore_errors=True)
        return ok, reason

    def available(self) -> tuple[bool, str]:
        hint = _apt_hint(self.packages)
        if shutil.which(self.toolchain) is None:
            return False, f"{self.toolchain} is not on PATH ({hint})"
        missing = [p for p in self.packages if not _debian_installed(p)]
        if missing:
            return False, f"{', '.join(missing)} not installed ({hint})"
        ok, reason = self.build()
        if not ok:
            return False, f"the {self.toolchain} build failed: {reason}"
        return True, ""

    def version(self) -> str:
        parts = [f"{p} {_debian_version(p) or '?'}" for p in self.debian[1:]]
        toolchain = self._toolchain_version() or "?"
        if not toolchain.startswith(self.toolchain):  # go1.19.8, ghc 9.0.2
            toolchain = f"{self.toolchain} {toolchain}"
        parts.append(toolchain)
        return ", ".join(parts)

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        skipped = _cannot_run(self, scenario)
        if skipped is not None:
            return skipped
        return run_child(
            [str(self.program())],
            _job(scenario, target),
            driver=self.name,
            scenario=scenario.id,
            env=child_env(target),
            timeout=timeout,
        )


#: ``given`` of a mailer: a SendEmail scenario is given as a mail (From, To, Subject, bodies),
#: which it renders as MIME; a SendRawEmail one as the raw message and its envelope.
_MAILER: Mapping[str, GivenAs] = {"SendEmail": "mail"}

_MAIL_ONLY = {
    "SendTemplatedEmail": "no templated send in this client",
    "SendBulkTemplatedEmail": "no bulk templated send in this client",
    "ListIdentities": "no ListIdentities in this client",
    _NO_PRESIGN: "this client cannot make a presigned URL",
}


#: The Haskell drivers' own imports (job, loopback manager): JSON, TLS with a given CA, sockets.
_HASKELL_GUARD = (
    "libghc-aeson-dev",
    "libghc-http-client-dev",
    "libghc-http-types-dev",
    "libghc-http-client-tls-dev",
    "libghc-connection-dev",
    "libghc-tls-dev",
    "libghc-x509-store-dev",
    "libghc-network-dev",
    "libghc-data-default-class-dev",
)

AnyDriver = PythonDriver | NodeDriver | CommandDriver | CompiledDriver

_SYMFONY = "/usr/share/php/Symfony/Component"


def _symfony_drivers() -> list[CommandDriver]:
    """Symfony Mailer's SES Classic transports (Debian's 5.4 still ships the 5.0 classes; its
    DSNs build the AsyncAws ones, which speak SES v2, out of scope)."""
    probe = (
        "-r",
        f"require '{_SYMFONY}/Mailer/Bridge/Amazon/autoload.php';"
        f"require '{_SYMFONY}/HttpClient/autoload.php';"
        "exit(function_exists('curl_init') ? 0 : 1);",
    )
    packages = ("php-symfony-amazon-mailer", "php-symfony-http-client", "php-curl", "php-cli")
    no_tags = "Symfony's Email has no SES Tags (only an X-SES-CONFIGURATION-SET header)"
    temporary = "Symfony 5.0's SES transports sign with a key and a secret: no session token"
    return [
        CommandDriver(
            f"php-symfony-ses-{kind}",
            "php",
            "php",
            f"php/symfony-ses-{kind}.php",
            packages,
            probe,
            ("-r", "echo 'PHP ', PHP_VERSION;"),
            {"send-email-tags": no_tags, TEMPORARY: temporary, **extra, **_MAIL_ONLY},
            given,
        )
        for kind, extra, given in (
            (
                "api",
                {"SendRawEmail": "SesApiTransport sends an Email it renders, as SendEmail"},
                _MAILER,
            ),
            ("http", {}, _MAILER),
        )
    ]


def all_drivers() -> list[AnyDriver]:
    """Every client configuration, Python first, then Node, then the others, in report
    order."""
    headers_only = "signs headers only; no presigned-URL API"
    return [
        PythonDriver("boto3", "py_boto3", ("boto3",), ("boto3", "botocore")),
        PythonDriver(
            "aiobotocore",
            "py_aiobotocore",
            ("aiobotocore",),
            ("aiobotocore", "botocore"),
            isolated=True,
        ),
        PythonDriver(
            "boto2",
            "py_boto2",
            ("boto==2.49.0",),
            ("boto",),
            {_NO_PRESIGN: "boto 2 SESConnection cannot presign"},
            given={
                "send-email-tags": "pairs",
                "SendTemplatedEmail": "pairs",
                "SendBulkTemplatedEmail": "pairs",
                "ListIdentities": "pairs",
            },
        ),
        PythonDriver("awscrt-signer", "py_awscrt", ("awscrt",), ("awscrt",), given=PAIRS),
        PythonDriver(
            "requests-aws4auth",
            "py_requests_aws4auth",
            ("requests-aws4auth", "requests"),
            ("requests-aws4auth", "requests"),
            {_NO_PRESIGN: headers_only},
            given=PAIRS,
        ),
        PythonDriver(
            "aws-requests-auth",
            "py_aws_requests_auth",
            ("aws-requests-auth", "requests"),
            ("aws-requests-auth", "requests"),
            {_NO_PRESIGN: headers_only},
            given=PAIRS,
        ),
        PythonDriver(
            "requests-auth-aws-sigv4",
            "py_requests_auth_aws_sigv4",
            ("requests-auth-aws-sigv4", "requests"),
            ("requests-auth-aws-sigv4", "requests"),
            {_NO_PRESIGN: headers_only},
            given=PAIRS,
        ),
        PythonDriver(
            "httpx-auth",
            "py_httpx_auth",
            ("httpx-auth", "httpx"),
            ("httpx-auth", "httpx"),
            {_NO_PRESIGN: headers_only},
            given=PAIRS,
        ),
        PythonDriver(
            "aws-cli-v1",
            "py_awscli",
            ("awscli",),
            ("awscli",),
            {_NO_PRESIGN: "the AWS CLI presigns only S3 URLs (aws s3 presign)"},
            isolated=True,
            language="shell",
        ),
        NodeDriver(
            "aws-sdk-js-v3",
            "aws-sdk-v3.mjs",
            ("@aws-sdk/client-ses",),
            {_NO_PRESIGN: "@aws-sdk/client-ses has no presigner (s3-request-presigner is S3-only)"},
        ),
        NodeDriver("aws-sdk-js-v2", "aws-sdk-v2.mjs", ("aws-sdk",)),
        NodeDriver("aws4", "aws4.mjs", ("aws4",), given=PAIRS),
        NodeDriver("aws4fetch", "aws4fetch.mjs", ("aws4fetch",), given=PAIRS),
        NodeDriver(
            "node-ses",
            "node-ses.mjs",
            ("node-ses",),
            {
                TEMPORARY: "node-ses's createClient takes a key and a secret: no session token",
                **_MAIL_ONLY,
            },
        ),
        NodeDriver(
            "nodemailer-ses",
            "nodemailer.mjs",
            ("nodemailer", "@aws-sdk/client-ses"),
            _MAIL_ONLY,
            given=_MAILER,
        ),
        CommandDriver(
            "ruby-aws-sdk-v1",
            "ruby",
            "ruby",
            "rb/aws-sdk-v1.rb",
            ("ruby-aws-sdk",),
            ("-e", "require 'aws-sdk-v1'"),
            ("-e", "print 'Ruby ', RUBY_VERSION"),
            {
                "send-email-tags": "aws-sdk v1's SES model has no Tags",
                "SendTemplatedEmail": "aws-sdk v1's SES model has no templated send",
                "SendBulkTemplatedEmail": "aws-sdk v1's SES model has no bulk send",
                _NO_PRESIGN: "aws-sdk v1 has no presigned-URL API for SES",
            },
        ),
        CommandDriver(
            "ruby-fog-aws",
            "ruby",
            "ruby",
            "rb/fog-aws.rb",
            ("ruby-fog-aws",),
            ("-e", "require 'fog/aws'"),
            ("-e", "print 'Ruby ', RUBY_VERSION"),
            {
                "send-email-tags": "fog-aws's send_email takes no Tags or ConfigurationSetName",
                "SendTemplatedEmail": "fog-aws has no templated send",
                "SendBulkTemplatedEmail": "fog-aws has no bulk send",
                "ListIdentities": "fog-aws has ListVerifiedEmailAddresses, not ListIdentities",
                _NO_PRESIGN: "fog-aws has no presigned-URL API for SES",
            },
        ),
        CommandDriver(
            "perl-aws-signature4",
            "perl",
            "perl",
            "pl/aws-signature4.pl",
            ("libaws-signature4-perl", "liblwp-protocol-https-perl"),
            ("-MAWS::Signature4", "-MLWP::Protocol::https", "-e", "1"),
            ("-e", "printf 'Perl %vd', $^V"),
            given=PAIRS,
        ),
        CommandDriver(
            "perl-net-amazon-signature-v4",
            "perl",
            "perl",
            "pl/net-amazon-signature-v4.pl",
            ("libnet-amazon-signature-v4-perl", "liblwp-protocol-https-perl"),
            ("-MNet::Amazon::Signature::V4", "-MLWP::Protocol::https", "-e", "1"),
            ("-e", "printf 'Perl %vd', $^V"),
            {_NO_PRESIGN: "Net::Amazon::Signature::V4 0.21 signs headers only (no presigned URL)"},
            given=PAIRS,
        ),
        CommandDriver(
            "ruby-aws-sdk-core",
            "ruby",
            "ruby",
            "rb/aws-sdk-core.rb",
            ("ruby-aws-sdk-core",),
            ("-e", "require 'aws-sdk-core'"),
            ("-e", "print 'Ruby ', RUBY_VERSION"),
            {_NO_PRESIGN: "aws-sdk-core's presigner (Aws::Sigv4) is not wired to query operations"},
        ),
        CommandDriver(
            "aws-cli-v2",
            "shell",
            # Debian's AWS CLI, whatever `aws` comes first on PATH (pip's v1 is often there).
            "/usr/bin/python3",
            "_awscli.py",
            ("awscli",),
            ("-c", "import awscli.clidriver"),
            (
                "-c",
                "import awscli, platform as p; print('aws-cli', awscli.__version__, "
                "'Python', p.python_version())",
            ),
            {_NO_PRESIGN: "the AWS CLI presigns only S3 URLs (aws s3 presign)"},
        ),
        *_symfony_drivers(),
        CompiledDriver(
            "go-aws-sdk-go-v1",
            "go",
            "go",
            "go/src/sesspec/aws-sdk-go-v1",
            "",
            ("golang-go", "golang-github-aws-aws-sdk-go-dev"),
            shared=("go/src/sesspec/driver",),
        ),
        CompiledDriver(
            "go-aws-sdk-go-v2",
            "go",
            "go",
            "go/src/sesspec/aws-sdk-go-v2",
            "",
            ("golang-go", "golang-github-aws-aws-sdk-go-v2-dev"),
            {_NO_PRESIGN: "aws-sdk-go-v2 has no presigner for SES"},
            shared=("go/src/sesspec/driver",),
        ),
        CompiledDriver(
            "haskell-mime-mail-ses",
            "haskell",
            "ghc",
            "hs",
            "mime-mail-ses.hs",
            ("ghc", "libghc-mime-mail-ses-dev", "libghc-mime-mail-dev"),
            {
                "send-email-tags": "mime-mail-ses sends a Mail: no Tags or configuration set",
                PORT: "mime-mail-ses's endpoint is fixed (https://email.REGION.amazonaws.com): "
                "no port can be given",
                **_MAIL_ONLY,
            },
            support=_HASKELL_GUARD,
            given=_MAILER,
        ),
        CompiledDriver(
            "haskell-aws",
            "haskell",
            "ghc",
            "hs",
            "aws.hs",
            ("ghc", "libghc-aws-dev"),
            {
                "SendEmail": "aws 0.22 has SendRawEmail but no SendEmail",
                "SendTemplatedEmail": "aws 0.22 has no templated send",
                "SendBulkTemplatedEmail": "aws 0.22 has no bulk send",
                _NO_PRESIGN: "aws signs SES with AWS3-HTTPS headers: no presigned URL",
                PORT: "aws's SesConfiguration has a host and no port",
            },
            support=(*_HASKELL_GUARD, "libghc-resourcet-dev"),
        ),
    ]


def get_driver(name: str) -> AnyDriver:
    for driver in all_drivers():
        if driver.name == name:
            return driver
    msg = f"no driver named {name!r}"
    raise KeyError(msg)


def _run_tool(
    command: Sequence[str],
    *,
    fallback: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[bool, str]:
    """Run an installer; (True, "") or (False, its last line of errors, else ``fallback``)."""
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
            cwd=cwd,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if done.returncode != 0:
        return False, (done.stderr.strip().splitlines() or [fallback])[-1]
    return True, ""


def _pip(python: str, args: Sequence[str]) -> tuple[bool, str]:
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
    return _run_tool(pip, fallback="pip failed")


def install_clients(
    python: str = sys.executable, *, npm: str | None = None, apt: str | None = None
) -> dict[str, str]:
    """Install every client; ``{driver name: "installed" | "not available: <reason>"}``.

    Python clients go into ``python``'s environment (aiobotocore into its own folder, see the
    module docstring); Node clients come from ``js/package-lock.json`` with ``npm ci`` into the
    per-user cache when ``npm`` exists (``npm``: its path; found on ``PATH`` when None;
    :func:`sesspec.drivers.node.install`); the clients in other
    languages are Debian packages, installed with ``apt-get`` (``apt``: its path) when missing,
    and the Go and Haskell programs are then built into :func:`build_cache`. Nothing raises: a
    failure is reported against each client it affects.
    """
    status: dict[str, str] = {}
    drivers = all_drivers()
    for driver in drivers:
        if not isinstance(driver, PythonDriver):
            continue
        args = list(driver.requirements)
        if driver.path is not None:
            args = ["--target", str(driver.path), "--upgrade", *args]
        ok, reason = _pip(python, args)
        status[driver.name] = "installed" if ok else f"not available: {reason}"
    node_ok, node_reason = node.install(npm)
    for driver in drivers:
        if isinstance(driver, NodeDriver):
            if not node_ok:
                status[driver.name] = f"not available: {node_reason}"
                continue
            ok, reason = driver.available()
            status[driver.name] = "installed" if ok else f"not available: {reason}"
    debian = [d for d in drivers if isinstance(d, CommandDriver | CompiledDriver)]
    status.update(_install_debian(debian, apt))
    return status


def _install_debian(
    drivers: Sequence[CommandDriver | CompiledDriver], apt: str | None
) -> dict[str, str]:
    """``apt-get install`` the packages of the clients that are not there yet (Debian, root),
    then build the compiled ones (:meth:`CompiledDriver.available` builds); any other machine
    gets each client reported as not available, with the reason. Installed and built clients
    are left as they are, so a second run changes nothing."""
    missing = [d for d in drivers if not d.available()[0]]
    apt = apt or shutil.which("apt-get")
    problem = ""
    if missing and (apt is None or not Path(apt).is_file()):
        problem = "apt-get is not on PATH (the other-language clients come from Debian)"
    elif missing and hasattr(os, "geteuid") and os.geteuid() != 0:
        problem = "installing Debian packages needs root"
    elif missing and apt is not None:
        packages = sorted({p for d in missing for p in d.packages})
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for args in (["update"], ["install", "-y", "--no-install-recommends", *packages]):
            ok, problem = _run_tool([apt, "-q", *args], fallback="apt-get failed", env=env)
            if not ok:
                break
        _first_line.cache_clear()
    status: dict[str, str] = {}
    for driver in drivers:
        ok, reason = driver.available()
        status[driver.name] = "installed" if ok else f"not available: {problem or reason}"
    return status
