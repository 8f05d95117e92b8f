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
wire.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Unpack

import pytest

from sesspec.check import Finding
from sesspec.serve.capture import Capture, load_captures
from sesspec.serve.mailbox import Criteria, Message
from sesspec.serve.server import Endpoint
from sesspec.serve.state import SesState
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


def _wanted(criteria: Criteria) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in criteria.items()) or "any criteria"


def _listed(found: Sequence[Message]) -> str:
    return "\n".join(f"  {m.id} to {list(m.destinations)} {m.subject!r}" for m in found)


class SesEndpoint:
    """What the fixture yields: the running endpoint, its SES account and its capture file."""

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

    @property
    def inbox_url(self) -> str:
        """The page listing the messages with their findings (open it in a browser)."""
        return f"{self.url}_sesspec/"

    # -- the SES account ----------------------------------------------------------------------

    @property
    def sandbox(self) -> bool:
        """Whether SES's sandbox rules apply (sender and recipients must be verified)."""
        return self.state.sandbox

    @sandbox.setter
    def sandbox(self, value: bool) -> None:
        self.state.sandbox = value

    def verify(self, *identities: str) -> None:
        """Mark email addresses or domains verified (as if their owner had clicked the link)."""
        for identity in identities:
            self.state.set_verification_status(identity, "Success")

    def messages(self, **criteria: Unpack[Criteria]) -> list[Message]:
        """The messages sent so far that meet every criterion given, oldest first.

        ``to``/``email``/``source`` compare addresses without display name or case (``email``
        matches the sender or any recipient); ``subject`` is an exact string or a compiled
        pattern; ``body`` a substring (or pattern) of the text or HTML body; ``tag`` a name or a
        ``(name, value)`` pair; also ``id``, ``template``, ``action``, ``configuration_set``,
        ``status`` (``Sent`` or ``RenderingFailure``).
        """
        return self.state.mailbox.messages(**criteria)

    def assert_sent(self, *, count: int | None = None, **criteria: Unpack[Criteria]) -> Message:
        """The newest message meeting every criterion (as :meth:`messages`); with ``count``,
        exactly that many must. Fails with the messages that came nearest when none does."""
        found = self.messages(**criteria)
        if not found:
            raise AssertionError(self.state.mailbox.explain(**criteria))
        if count is not None and len(found) != count:
            msg = f"expected {count} messages with {_wanted(criteria)}, found {len(found)}:\n"
            raise AssertionError(msg + _listed(found))
        return found[-1]

    def assert_not_sent(self, **criteria: Unpack[Criteria]) -> None:
        """Fail if any message meets every criterion given."""
        found = self.messages(**criteria)
        if found:
            msg = f"{len(found)} messages sent with {_wanted(criteria)}:\n"
            raise AssertionError(msg + _listed(found))

    def clear(self) -> int:
        """Remove every stored message (identities and templates stay); how many were removed."""
        return self.state.mailbox.clear()

    def reset(self) -> None:
        """Forget everything: identities, templates, configuration sets, counts and messages."""
        self.state.reset()

    # -- the wire -----------------------------------------------------------------------------

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
    """A local SES over HTTPS on 127.0.0.1, recording to ``tmp_path / "captures.jsonl"``."""
    with Endpoint(tmp_path / "captures.jsonl", ca_path=tmp_path / "ca.pem", state=True) as endpoint:
        yield SesEndpoint(endpoint)
