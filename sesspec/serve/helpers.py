"""What a test does with a local SES: point a client at it, read the mail back, judge the wire.

:class:`EndpointHelpers` is the one implementation of these helpers; both
:class:`~sesspec.serve.server.Endpoint` (``Endpoint(path, state=True)`` outside pytest) and the
``ses_endpoint`` fixture's :class:`~sesspec.serve.pytest_plugin.SesEndpoint` have them::

    with Endpoint("captures.jsonl", state=True) as ses_endpoint:
        ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
        my_app.send_welcome(ses, "ana@example.com")
        ses_endpoint.assert_sent(to="ana@example.com", subject="Welcome, Ana")
        ses_endpoint.assert_conformant()
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from sesspec.check import Finding
from sesspec.serve.capture import Capture, load_captures
from sesspec.serve.mailbox import Criteria, Message
from sesspec.serve.state import SesState
from sesspec.serve.strict import STRICT_ACCESS_KEY_ID, STRICT_SECRET_ACCESS_KEY, default_findings

__all__ = ["FAKE_CREDENTIALS", "EndpointHelpers"]


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


class EndpointHelpers:
    """The helpers, over three things the class gives: the SES account (:meth:`_ses_state`),
    the URL and CA file clients are given (:meth:`_client_target`) and the capture file
    (:meth:`_capture_file`)."""

    __slots__ = ()

    def _ses_state(self) -> SesState:
        raise NotImplementedError

    def _client_target(self) -> tuple[str, str | None]:
        raise NotImplementedError

    def _capture_file(self) -> Path:
        raise NotImplementedError

    @property
    def inbox_url(self) -> str:
        """The page listing the messages with their findings (open it in a browser)."""
        return f"{self._client_target()[0]}_sesspec/"

    def boto3_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.client("ses", **kwargs)`` aimed at this endpoint: its
        URL, its CA (HTTPS) and :data:`FAKE_CREDENTIALS`."""
        url, ca_file = self._client_target()
        kwargs = {"endpoint_url": url, **FAKE_CREDENTIALS}
        if ca_file:
            kwargs["verify"] = ca_file
        return kwargs

    # -- the SES account ----------------------------------------------------------------------

    @property
    def sandbox(self) -> bool:
        """Whether SES's sandbox rules apply (sender and recipients must be verified)."""
        return self._ses_state().sandbox

    @sandbox.setter
    def sandbox(self, value: bool) -> None:
        self._ses_state().sandbox = value

    def verify(self, *identities: str) -> None:
        """Mark email addresses or domains verified (as if their owner had clicked the link)."""
        state = self._ses_state()
        for identity in identities:
            state.set_verification_status(identity, "Success")

    def messages(self, **criteria: Unpack[Criteria]) -> list[Message]:
        """The messages sent so far that meet every criterion given, oldest first.

        ``to``/``email``/``source`` compare addresses without display name or case (``email``
        matches the sender or any recipient); ``subject`` is an exact string or a compiled
        pattern; ``body`` a substring (or pattern) of the text or HTML body; ``tag`` a name or a
        ``(name, value)`` pair; also ``id``, ``template``, ``action``, ``configuration_set``,
        ``status`` (``Sent`` or ``RenderingFailure``).
        """
        return self._ses_state().mailbox.messages(**criteria)

    def assert_sent(self, *, count: int | None = None, **criteria: Unpack[Criteria]) -> Message:
        """The newest message meeting every criterion (as :meth:`messages`); with ``count``,
        exactly that many must. Fails with the messages that came nearest when none does."""
        found = self.messages(**criteria)
        if not found:
            raise AssertionError(self._ses_state().mailbox.explain(**criteria))
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
        return self._ses_state().mailbox.clear()

    def reset(self) -> None:
        """Forget everything: identities, templates, configuration sets, counts and messages."""
        self._ses_state().reset()

    # -- the wire -----------------------------------------------------------------------------

    def captures(self) -> list[Capture]:
        """Every request received so far, in arrival order of their records."""
        path = self._capture_file()
        if not path.exists():
            return []
        return list(load_captures(path))

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
