"""pytest plugin: the ``ses_endpoint`` fixture (a loopback SES endpoint per test).

Registered through the ``pytest11`` entry point ``sesspec = "sesspec.serve.pytest_plugin"``.
The fixture starts an HTTPS endpoint on 127.0.0.1 with a throwaway CA, writes its captures
under the test's ``tmp_path`` and stops it afterwards::

    def test_my_mailer(ses_endpoint):
        my_mailer.send(endpoint_url=ses_endpoint.url, ca_bundle=ses_endpoint.ca_path, ...)
        (capture,) = ses_endpoint.captures()
        assert capture.action == "SendEmail"
        ses_endpoint.assert_conformant()  # the checker finds no error in what was sent
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sesspec.check import Finding
from sesspec.serve.capture import Capture, load_captures
from sesspec.serve.server import Endpoint
from sesspec.serve.strict import STRICT_ACCESS_KEY_ID, STRICT_SECRET_ACCESS_KEY, default_findings

__all__ = ["FAKE_CREDENTIALS", "SesEndpoint", "ses_endpoint"]


def __dir__() -> list[str]:
    return __all__


#: The fixed fake credentials of the public SigV4 suites (never real ones).
FAKE_CREDENTIALS = {
    "aws_access_key_id": STRICT_ACCESS_KEY_ID,
    "aws_secret_access_key": STRICT_SECRET_ACCESS_KEY,
    "region_name": "us-east-1",
}


class SesEndpoint:
    """What the fixture yields: the running endpoint plus its capture file."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    @property
    def url(self) -> str:
        return self.endpoint.url

    @property
    def ca_path(self) -> str:
        return str(self.endpoint.ca_path) if self.endpoint.ca_path is not None else ""

    @property
    def capture_path(self) -> Path:
        return self.endpoint.capture_path

    def captures(self) -> list[Capture]:
        """Every request received so far, in arrival order of their records."""
        if not self.capture_path.exists():
            return []
        return list(load_captures(self.capture_path))

    def findings(self) -> list[tuple[Capture, list[Finding]]]:
        """Each request received so far with the checker's findings on it (signatures verified
        with :data:`FAKE_CREDENTIALS`): the verdict the report and ``--strict`` give too."""
        return [(c, default_findings(c)) for c in self.captures()]

    def assert_conformant(self) -> None:
        """Fail the test if the checker finds an error in any request received so far.

        Signatures are verified with :data:`FAKE_CREDENTIALS` (give your client those).
        """
        problems = [
            f"request {c.seq} ({c.action}): {f.rule} {f.message} [{f.location}]"
            for c, found in self.findings()
            for f in found
            if f.severity == "error"
        ]
        if problems:
            raise AssertionError("non-conformant SES requests:\n" + "\n".join(problems))

    def boto3_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.client("ses", **kwargs)`` aimed at this endpoint."""
        return {"endpoint_url": self.url, "verify": self.ca_path, **FAKE_CREDENTIALS}


@pytest.fixture
def ses_endpoint(tmp_path: Path) -> Iterator[SesEndpoint]:
    """A loopback HTTPS SES endpoint recording to ``tmp_path / "captures.jsonl"``."""
    with Endpoint(tmp_path / "captures.jsonl", ca_path=tmp_path / "ca.pem") as endpoint:
        yield SesEndpoint(endpoint)
