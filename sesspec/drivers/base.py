"""Drivers: run one real third-party SES client on one scenario, in its own subprocess.

Every run is a child process (``python -m sesspec.drivers._child MODULE`` or
``node --import guard.mjs DRIVER.mjs``) that reads one JSON job on stdin and writes one
``SESSPEC-RESULT {json}`` line on stdout. The parent enforces a time limit and turns
whatever happened into an :class:`Outcome`; a client that cannot be found is "not
available" with the reason, a scenario the client cannot express is "not supported" with
the reason, never dropped silently (issue 4).

Clients are told the real SES host of the scenario's region
(``https://email.us-east-1.amazonaws.com/``), so the Host header, the TLS server name and any
region a client reads from the hostname are those of real use; inside the child a guard sends
every connection to the loopback endpoint and refuses anything that is not loopback, so no
client can reach a real AWS endpoint (clients-howto: "keep the real SES hostname in the Host
header and connect to 127.0.0.1"). A scenario with an explicit port tells them
``https://email.<region>.amazonaws.com:<endpoint port>/``, as users point clients at a local
emulator; the harness records what each client was told in its captures
(:meth:`Target.authority`, :meth:`sesspec.serve.capture.CaptureLog.telling`).

What a client was asked to send (:func:`asked`) is the scenario's params, given to the client
as its driver says (:meth:`Driver.given_as`: SDK params, the flattened pairs of a
signing-only library, or a mail for a mailer), with the settings it was given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sesspec import fake
from sesspec.drivers._child import RESULT_MARKER
from sesspec.drivers.scenarios import Scenario

if TYPE_CHECKING:
    from sesspec.fidelity import Asked, GivenAs

__all__ = [
    "FAKE_CREDENTIALS",
    "FAKE_SESSION_TOKEN",
    "REAL_HOST",
    "RESULT_MARKER",
    "Driver",
    "Outcome",
    "Status",
    "Target",
    "asked",
    "child_env",
    "credentials_job",
    "outcome_of",
    "run_child",
]


def __dir__() -> list[str]:
    return __all__


#: The fake credentials of the public SigV4 suites (:mod:`sesspec.fake`); never real ones.
FAKE_CREDENTIALS: Mapping[str, str] = {
    "access_key_id": fake.ACCESS_KEY_ID,
    "secret_access_key": fake.SECRET_ACCESS_KEY,
    "region": fake.REGION,
}

#: The fake session token clients are given with temporary credentials (never a real one).
FAKE_SESSION_TOKEN = fake.SESSION_TOKEN

#: The host clients are told (us-east-1); the child's guard connects it to the loopback endpoint.
REAL_HOST = "email.us-east-1.amazonaws.com"


def ses_host(region: str) -> str:
    """The SES Classic host of ``region`` (botocore ``endpoint-rule-set-1.json``)."""
    return f"email.{region}.amazonaws.com"


Status = Literal["ok", "client-error", "timeout", "not-supported", "not-available"]


@dataclass(frozen=True, slots=True)
class Target:
    """The running endpoint a driver is pointed at."""

    port: int
    tls: bool
    ca_path: str | None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def url(self) -> str:
        """The URL clients are given by default (the real SES host; see the module docstring)."""
        return f"{self.scheme}://{REAL_HOST}/"

    @property
    def loopback_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    def authority(self, scenario: Scenario | None = None) -> str:
        """The ``host[:port]`` a client running ``scenario`` is told: its region's SES host,
        with the endpoint's port when the scenario asks for an explicit one."""
        setup = scenario.client if scenario is not None else None
        host = ses_host(setup.region) if setup is not None else REAL_HOST
        return f"{host}:{self.port}" if setup is not None and setup.explicit_port else host

    def as_job(self, scenario: Scenario | None = None) -> dict[str, Any]:
        """The ``endpoint`` of a driver's job: ``url`` (what the client is told), ``host`` and
        ``told_port`` (its parts; None: the scheme's default), ``authority`` (``host[:port]``),
        and the loopback ``port`` the guard connects to."""
        authority = self.authority(scenario)
        host, _, port = authority.partition(":")
        return {
            "url": f"{self.scheme}://{authority}/",
            "loopback_url": self.loopback_url,
            "host": host,
            "authority": authority,
            "told_port": int(port) if port else None,
            "port": self.port,
            "tls": self.tls,
            "ca_path": self.ca_path,
        }


def credentials_job(scenario: Scenario) -> dict[str, Any]:
    """The ``credentials`` of a driver's job: the fake keys, the scenario's region, and the
    fake session token when the scenario gives temporary credentials (else null)."""
    return {
        **FAKE_CREDENTIALS,
        "region": scenario.client.region,
        "session_token": FAKE_SESSION_TOKEN if scenario.client.session_token else None,
    }


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one client did with one scenario."""

    driver: str
    scenario: str
    status: Status
    detail: str = ""
    duration_s: float = 0.0
    response: Mapping[str, Any] = field(default_factory=dict)
    #: ``seq`` of the capture records that arrived while this run was going on.
    captures: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "driver": self.driver,
            "scenario": self.scenario,
            "status": self.status,
            "detail": self.detail,
            "duration_s": round(self.duration_s, 3),
            "response": dict(self.response),
            "captures": list(self.captures),
        }


class Driver(Protocol):
    """One client configuration (a library, and how a typical user calls it)."""

    @property
    def name(self) -> str: ...

    @property
    def language(self) -> str: ...

    def available(self) -> tuple[bool, str]:
        """Whether the client (and its runtime) can run here, and if not, why."""
        ...

    def version(self) -> str:
        """The client's version string (and its runtime's)."""
        ...

    def supports(self, scenario: Scenario) -> tuple[bool, str]:
        """Whether the client can express ``scenario``; the reason when it cannot."""
        ...

    def given_as(self, scenario: Scenario) -> GivenAs:
        """How the driver gives ``scenario``'s params to its client (:data:`GivenAs`)."""
        ...

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        """Run ``scenario`` against ``target`` in a subprocess with a time limit."""
        ...


def asked(
    driver: Driver, scenario: Scenario, *, authority: str | None = None, tls: bool = True
) -> Asked:
    """What ``driver``'s client was asked to send for ``scenario``: its params as the driver
    gives them, and the settings it was given (the region, the fake access key id and, with
    temporary credentials, the fake token). ``authority`` is what it was told to send to (a
    capture's ``told_authority``; None: the Host is not judged)."""
    from sesspec.fidelity import Asked  # noqa: PLC0415 (driver children never need it)

    return Asked(
        scenario.action,
        scenario.typed_params(),
        driver.given_as(scenario),
        authority=authority,
        tls=tls,
        region=scenario.client.region,
        access_key_id=fake.ACCESS_KEY_ID,
        session_token=FAKE_SESSION_TOKEN if scenario.client.session_token else None,
    )


_SCRUBBED_PREFIXES = ("AWS_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def child_env(target: Target, *, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a driver child: no AWS settings or proxies of the caller's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(_SCRUBBED_PREFIXES) and not k.startswith("NODE_")
    }
    env.update(
        {
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "BOTO_CONFIG": os.devnull,
            "NO_PROXY": "*",
            "SESSPEC_LOOPBACK_PORT": str(target.port),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if target.ca_path:
        env["NODE_EXTRA_CA_CERTS"] = target.ca_path
        env["AWS_CA_BUNDLE"] = target.ca_path
    if extra:
        env.update(extra)
    return env


def run_child(
    command: list[str],
    job: Mapping[str, Any],
    *,
    driver: str,
    scenario: str,
    env: Mapping[str, str],
    timeout: float,
    cwd: Path | None = None,
) -> Outcome:
    """Run one child process with ``job`` on stdin; its result line becomes the outcome."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            command,
            input=json.dumps(job),
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=timeout,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(driver, scenario, "timeout", f"no result within {timeout:g} s", timeout)
    except OSError as exc:
        elapsed = time.monotonic() - started
        return Outcome(driver, scenario, "not-available", f"cannot start: {exc}", elapsed)
    elapsed = time.monotonic() - started
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return outcome_of(line, driver=driver, scenario=scenario, elapsed=elapsed)
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    detail = f"exit status {proc.returncode}: " + " | ".join(tail)
    return Outcome(driver, scenario, "client-error", detail, elapsed)


def outcome_of(line: str, *, driver: str, scenario: str, elapsed: float) -> Outcome:
    """The outcome a child's result line (``SESSPEC-RESULT {json}``) says; a status the
    children do not give, or a line that is not JSON, is a client error."""
    try:
        result = json.loads(line[len(RESULT_MARKER) :])
    except ValueError as exc:
        return Outcome(driver, scenario, "client-error", f"unreadable result line: {exc}", elapsed)
    if not isinstance(result, dict):
        return Outcome(driver, scenario, "client-error", "the result is not an object", elapsed)
    status = result.get("status", "client-error")
    if status not in ("ok", "client-error", "not-supported", "not-available"):
        status = "client-error"
    response = result.get("response")
    return Outcome(
        driver,
        scenario,
        status,
        str(result.get("detail", "")),
        elapsed,
        response if isinstance(response, dict) else {},
    )


def python_command(module: str, python: str = sys.executable) -> list[str]:
    return [python, "-m", "sesspec.drivers._child", module]
