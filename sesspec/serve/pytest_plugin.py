"""pytest plugin: the ``ses_endpoint`` fixture, a local SES per test.

Registered through the ``pytest11`` entry point ``sesspec = "sesspec.serve.pytest_plugin"``.
The fixture starts an HTTPS endpoint on 127.0.0.1 with a throwaway CA and a fresh SES account
(:class:`~sesspec.serve.state.SesState`: every address accepted unless ``sandbox`` is set), writes
its captures under the test's ``tmp_path`` and stops it afterwards::

    def test_welcome_mail(ses_endpoint):
        ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
        my_app.send_welcome(ses, "ana@example.com")
        message = ses_endpoint.assert_sent(to="ana@example.com", subject="Welcome, Ana")
        assert "https://example.com/start" in message.text
        ses_endpoint.assert_conformant()  # the checker finds no error in what was sent

``messages(...)`` filters the stored messages (:class:`~sesspec.serve.mailbox.Criteria`),
``clear()`` empties the mailbox, ``assert_sent(...)`` fails with the nearest messages when none
matches, and ``captures()``/``findings()``/``assert_conformant()`` judge the requests on the
wire: the helpers of :mod:`sesspec.serve.helpers`, which ``Endpoint(path, state=True)`` has
too, outside pytest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sesspec.serve.helpers import FAKE_CREDENTIALS, EndpointHelpers
from sesspec.serve.server import Endpoint
from sesspec.serve.state import SesState

__all__ = ["FAKE_CREDENTIALS", "SesEndpoint", "ses_endpoint"]


def __dir__() -> list[str]:
    return __all__


class SesEndpoint(EndpointHelpers):
    """What the fixture yields: the running endpoint, its SES account and its capture file, with
    the helpers :class:`~sesspec.serve.server.Endpoint` has too
    (:class:`~sesspec.serve.helpers.EndpointHelpers`, one implementation)."""

    def __init__(self, endpoint: Endpoint) -> None:
        if endpoint.state is None:
            msg = "SesEndpoint needs an endpoint with a state (Endpoint(..., state=True))"
            raise ValueError(msg)
        self.endpoint = endpoint
        self.state: SesState = endpoint.state

    @property
    def url(self) -> str:
        return self.endpoint.url

    @property
    def ca_path(self) -> str:
        return str(self.endpoint.ca_path) if self.endpoint.ca_path is not None else ""

    @property
    def capture_path(self) -> Path:
        return self.endpoint.capture_path

    def _ses_state(self) -> SesState:
        return self.state

    def _client_target(self) -> tuple[str, str | None]:
        return self.endpoint._client_target()

    def _capture_file(self) -> Path:
        return self.endpoint.capture_path


@pytest.fixture
def ses_endpoint(tmp_path: Path) -> Iterator[SesEndpoint]:
    """A local SES over HTTPS on 127.0.0.1, recording to ``tmp_path / "captures.jsonl"``."""
    with Endpoint(tmp_path / "captures.jsonl", ca_path=tmp_path / "ca.pem", state=True) as endpoint:
        yield SesEndpoint(endpoint)
