"""The local SES's account: a front over its stores, answering the SES Classic operations.

:class:`SesState` answers the operations an application uses, from the action and its params as
:func:`sesspec.query.unflatten` gives them, with the time passed in (``now``) and ids drawn from an
injected source of random bytes (``entropy``), so a run can be replayed. It returns a
:class:`Reply`: a result mapping shaped like the operation's output shape (for
:func:`sesspec.serve.responses.result_body`), or an :class:`~sesspec.serve.responses.SesError`, and
the ids of the messages it stored. Every method is thread-safe. The endpoint passes each request's
:class:`Origin` (its sequence number, bytes and the wire checker's findings) with the call; every
message the call stores carries it.

The front holds no rule of SES: each action is answered by a handler registered in
:data:`HANDLERS`, a table joined from the store modules' own tables:

* :mod:`~sesspec.serve.state.identities` (verify, list, get attributes, delete),
* :mod:`~sesspec.serve.state.templates` (create, update, get, delete, list, test-render),
* :mod:`~sesspec.serve.state.configuration_sets` (create, delete, describe, list),
* :mod:`~sesspec.serve.state.sending` (the four sends) and :mod:`~sesspec.serve.state.counts`
  (quota and statistics);

they share :class:`~sesspec.serve.state.account.Account` (the stores, one lock, the settings, the
ids) and read their parameters with :mod:`~sesspec.serve.state.calls`. What is kept on disk
(``state_dir``) has one owner, :mod:`~sesspec.serve.state.persistence`.

Modes. By default every address may send and receive, as on LocalStack (identities are verified
at once). ``sandbox=True`` applies the SES sandbox (QUOTAS; MODEL ``SendEmail`` docs): the sender
and each recipient must be verified (:mod:`~sesspec.serve.state.sending`), and the account may
send 200 messages in 24 hours (:mod:`~sesspec.serve.state.counts`). ``auto_verify=False`` leaves
new identities ``Pending`` until :meth:`SesState.set_verification_status` says otherwise.

Bounds: messages kept (``max_messages`` and ``max_bytes``, oldest dropped and counted:
:class:`~sesspec.serve.mailbox.Mailbox`), 10,000 identities and 10,000 configuration sets (SES
quotas per region), 20,000 templates (SES developer guide), 100 identities per
GetIdentityVerificationAttributes (MODEL), pages of at most 1,000 (100 for ListTemplates, MODEL),
and those of :mod:`sesspec.serve.templates`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Self

from sesspec.serve.mailbox import DEFAULT_MAX_BYTES, DEFAULT_MAX_MESSAGES, Mailbox
from sesspec.serve.state import configuration_sets, counts, identities, sending, templates
from sesspec.serve.state.account import Account, Settings
from sesspec.serve.state.calls import Call, Handler, Origin, Rejected, Reply, not_written
from sesspec.serve.state.configuration_sets import MAX_CONFIGURATION_SETS
from sesspec.serve.state.counts import PRODUCTION_QUOTA, SANDBOX_QUOTA
from sesspec.serve.state.identities import MAX_IDENTITIES, VERIFICATION_STATUSES
from sesspec.serve.state.persistence import (
    Persistence,
    StateError,
    StateLockedError,
    StateWriteError,
    UnreadableStateError,
)
from sesspec.serve.state.sending import MAX_RECIPIENTS, STORING_ACTIONS
from sesspec.serve.state.templates import MAX_TEMPLATES

__all__ = [
    "ACTIONS",
    "HANDLERS",
    "MAX_CONFIGURATION_SETS",
    "MAX_IDENTITIES",
    "MAX_RECIPIENTS",
    "MAX_TEMPLATES",
    "PRODUCTION_QUOTA",
    "SANDBOX_QUOTA",
    "STORING_ACTIONS",
    "Origin",
    "Reply",
    "SesState",
    "StateError",
    "StateLockedError",
    "StateWriteError",
    "UnreadableStateError",
    "not_written",
]


def __dir__() -> list[str]:
    return __all__


_log = logging.getLogger("sesspec.serve")


def _joined(*tables: Mapping[str, Handler]) -> dict[str, Handler]:
    joined: dict[str, Handler] = {}
    for table in tables:
        twice = joined.keys() & table.keys()
        if twice:
            msg = f"actions registered twice: {sorted(twice)}"
            raise RuntimeError(msg)
        joined.update(table)
    return joined


#: Action -> the handler that answers it.
HANDLERS: Mapping[str, Handler] = _joined(
    identities.HANDLERS,
    templates.HANDLERS,
    configuration_sets.HANDLERS,
    sending.HANDLERS,
    counts.HANDLERS,
)
#: The actions :class:`SesState` answers.
ACTIONS = frozenset(HANDLERS)


class SesState:
    """One SES account in one region (see the module docstring)."""

    def __init__(
        self,
        *,
        sandbox: bool = False,
        auto_verify: bool = True,
        region: str = "us-east-1",
        max_messages: int = DEFAULT_MAX_MESSAGES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        state_dir: str | os.PathLike[str] | None = None,
        entropy: Callable[[int], bytes] = os.urandom,
        escape_html: bool = False,
        skip_unreadable: bool = False,
    ) -> None:
        persistence = Persistence(state_dir, skip_unreadable=skip_unreadable)
        mailbox = Mailbox(
            max_messages=max_messages,
            max_bytes=max_bytes,
            store=persistence if state_dir is not None else None,
        )
        self._account = Account(
            Settings(sandbox, auto_verify, region, escape_html),
            mailbox=mailbox,
            persistence=persistence,
            entropy=entropy,
        )
        #: The stored messages.
        self.mailbox = mailbox
        try:
            #: What reading ``state_dir`` back did: records skipped and kept aside, files of
            #: messages never answered removed (one line each, for the log).
            self.load_notes: list[str] = self._account.load(datetime.now(UTC))
        except BaseException:
            persistence.close()
            raise

    # -- settings ------------------------------------------------------------------------------

    @property
    def sandbox(self) -> bool:
        return self._account.settings.sandbox

    @sandbox.setter
    def sandbox(self, value: bool) -> None:
        self._account.settings.sandbox = value

    @property
    def auto_verify(self) -> bool:
        return self._account.settings.auto_verify

    @auto_verify.setter
    def auto_verify(self, value: bool) -> None:
        self._account.settings.auto_verify = value

    @property
    def region(self) -> str:
        return self._account.settings.region

    @property
    def escape_html(self) -> bool:
        return self._account.settings.escape_html

    # -- entry point ---------------------------------------------------------------------------

    def handles(self, action: str) -> bool:
        """Whether ``action`` is one this state answers (others keep the canned answer)."""
        return action in HANDLERS

    def handle(
        self,
        action: str,
        params: Mapping[str, Any],
        *,
        now: datetime,
        origin: Origin | None = None,
    ) -> Reply:
        """Answer ``action`` with ``params`` (as :func:`sesspec.query.unflatten` gives them).

        ``now`` must be timezone-aware; ``origin``, when given, is the request the call came in,
        which every message stored by the call carries. ``KeyError`` for an action
        :meth:`handles` refuses.
        """
        handler = HANDLERS[action]
        if now.tzinfo is None:
            msg = "now must be timezone-aware"
            raise ValueError(msg)
        call = Call(params, now.astimezone(UTC), origin)
        try:
            return handler(self._account, call)
        except Rejected as rejected:
            if action in STORING_ACTIONS:
                try:
                    with self._account.lock:
                        self._account.count_rejected(call.now)
                except StateWriteError as exc:  # the rejection stands; it is not counted
                    _log.error("state: %s (a rejected %s not counted)", exc, action)
            return Reply(error=rejected.error)
        except StateWriteError as exc:
            _log.error("state: %s (%s answered InternalFailure, nothing kept)", exc, action)
            return Reply(error=not_written(exc))

    # -- Python side (fixture, UI) -------------------------------------------------------------

    def set_verification_status(self, identity: str, status: str = "Success") -> None:
        """Set an identity's verification status, adding it when new (for tests and the UI)."""
        if status not in VERIFICATION_STATUSES:
            msg = f"not a verification status: {status!r}"
            raise ValueError(msg)
        self._account.identities.set_status(identity, status)

    def reset(self) -> None:
        """Forget everything: identities, templates, configuration sets, counts and messages
        (:class:`~sesspec.serve.state.persistence.StateWriteError` when ``state_dir`` cannot be
        written)."""
        with self._account.lock:
            self._account.clear()

    def flush(self) -> None:
        """Nothing left to write: every change is on disk before it is answered (kept for the
        callers that flushed the counts when they stopped)."""

    def close(self) -> None:
        """Close ``state_dir``: its journal, and its lock (another state may open it then)."""
        self._account.persistence.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
