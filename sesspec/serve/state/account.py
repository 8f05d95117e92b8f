"""The account: the stores of one SES account in one region, its settings and its ids.

:class:`Account` holds the stores (:class:`~sesspec.serve.state.identities.Identities`,
:class:`~sesspec.serve.state.templates.Templates`,
:class:`~sesspec.serve.state.configuration_sets.ConfigurationSets`,
:class:`~sesspec.serve.state.counts.Counts`, the :class:`~sesspec.serve.mailbox.Mailbox`), one
lock they share (a send checks identities, quota and counts under it at once), the settings a
handler reads (``sandbox``, ``auto_verify``, ``region``, ``escape_html``) and the ids it draws
from the injected ``entropy``. What reaches the disk goes through its one
:class:`~sesspec.serve.state.persistence.Persistence`: each store says it changed (and how to
undo it), the account writes before the change is answered, and undoes it when the write fails;
a count and a message are kept by their journal line (:meth:`Account.keep_message`).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sesspec.serve.mailbox import Mailbox, Message
from sesspec.serve.state.configuration_sets import ConfigurationSets
from sesspec.serve.state.counts import Counts
from sesspec.serve.state.identities import Identities
from sesspec.serve.state.persistence import (
    ACCOUNT_FILE,
    UNREADABLE_FOLDER,
    Persistence,
    StateWriteError,
    UnreadableRecord,
    UnreadableStateError,
)
from sesspec.serve.state.templates import Templates

__all__ = ["Account", "Settings"]


def __dir__() -> list[str]:
    return __all__


@dataclass(slots=True)
class Settings:
    """How the account behaves (see :class:`~sesspec.serve.state.SesState`)."""

    sandbox: bool = False
    auto_verify: bool = True
    region: str = "us-east-1"
    escape_html: bool = False


class Account:
    """The stores, settings and ids of one account; written through ``persistence``."""

    def __init__(
        self,
        settings: Settings,
        *,
        mailbox: Mailbox,
        persistence: Persistence,
        entropy: Callable[[int], bytes],
    ) -> None:
        self.settings = settings
        self.mailbox = mailbox
        self.persistence = persistence
        self._entropy = entropy
        self.lock = threading.RLock()
        self.identities = Identities(self.lock, changed=self.save, new_token=self.token)
        self.templates = Templates(self.lock, changed=self.save)
        self.configuration_sets = ConfigurationSets(self.lock, changed=self.save)
        self.counts = Counts()

    # -- settings, as a handler reads them -------------------------------------------------------

    @property
    def sandbox(self) -> bool:
        return self.settings.sandbox

    @property
    def auto_verify(self) -> bool:
        return self.settings.auto_verify

    @property
    def region(self) -> str:
        return self.settings.region

    @property
    def escape_html(self) -> bool:
        return self.settings.escape_html

    # -- ids ---------------------------------------------------------------------------------------

    def token(self) -> str:
        """A domain verification token: 32 random bytes in base64, 44 characters, as SES's."""
        return base64.b64encode(self._entropy(32)).decode("ascii")

    def message_id(self, now: datetime) -> str:
        """SES's form: 0100 + 12 hex digits of epoch milliseconds, a UUID, ``-000000``."""
        raw = self._entropy(16).hex()
        millis = int(now.timestamp() * 1000)
        uuid = f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"
        return f"0100{millis:012x}-{uuid}-000000"

    def boundary(self, text: str | None, html: str | None) -> str:
        """A multipart boundary when the message has both parts (none is needed otherwise)."""
        if text is None or html is None:
            return ""
        return f"----=_Part_{self._entropy(8).hex()}"

    # -- persistence -------------------------------------------------------------------------------

    def _account_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "identities": self.identities.to_json(),
            "templates": self.templates.to_json(),
            "configuration_sets": self.configuration_sets.to_json(),
        }

    def _counts_json(self) -> dict[str, Any]:
        return self.counts.to_json()

    def save(self, undo: Callable[[], object]) -> None:
        """Write the account (identities, templates, configuration sets; lock held); when it
        cannot be written, ``undo`` the change and raise
        :class:`~sesspec.serve.state.persistence.StateWriteError`."""
        try:
            self.persistence.save_account(self._account_json)
        except StateWriteError:
            undo()
            raise

    def count_rejected(self, now: datetime) -> None:
        """Count a rejected call (lock held): its journal line, then the count."""
        second = int(now.timestamp())
        self.persistence.append(["rejected", second])
        self.counts.rejected_at(second)

    def keep_message(self, message: Message, now: datetime, recipients: int | None) -> None:
        """Keep a message whose file is written (lock held): its journal line (the commit), its
        count (``recipients``, or None: a reject, for a rendering failure), the mailbox, in
        that order under the mailbox's lock."""
        second = int(now.timestamp())
        record: list[Any] = (
            ["failed", message.id, second]
            if recipients is None
            else ["sent", message.id, second, recipients]
        )

        def commit() -> None:
            self.persistence.append(record)
            self.counts.event(second, recipients)

        self.mailbox.add(message, commit=commit)

    def load(self, now: datetime) -> list[str]:
        """Read the account back from the persistence (the journal's counts, the newest
        messages that fit the mailbox); notes on what was kept aside or removed.
        :class:`~sesspec.serve.state.persistence.UnreadableStateError` names what could not be
        read, unless the persistence skips it."""
        persistence = self.persistence
        if persistence.path is None:
            return []
        problems = persistence.read_account(self._read_account)
        replayed, lost_lines = persistence.replay(
            self.counts.event, self.counts.load_json, self.counts.clear
        )
        problems += lost_lines
        ids = list(replayed.messages)
        lost_messages: dict[str, UnreadableRecord] = {}

        def newest_first() -> Iterator[Message]:
            for message_id in reversed(ids):
                message = persistence.read_message(message_id)
                if isinstance(message, UnreadableRecord):
                    lost_messages[message_id] = message
                else:
                    yield message

        self.mailbox.restore(newest_first(), len(ids))
        problems += lost_messages.values()
        notes: list[str] = []
        if problems:
            if not persistence.skip_unreadable:
                raise UnreadableStateError(persistence.path, problems)
            kept = persistence.set_aside(problems, now)
            notes += [f"skipped {problem}" for problem in problems]
            notes += [f"kept aside as {UNREADABLE_FOLDER}/{name}" for name in kept]
            for message_id in lost_messages:
                del replayed.messages[message_id]
        removed = persistence.open_journal(
            replayed, self._counts_json, rewrite=bool(lost_lines or lost_messages)
        )
        if removed:
            notes.append(f"removed {len(removed)} message files no journal line names")
        self.mailbox.dropped = max(0, len(replayed.messages) - len(self.mailbox))
        return notes

    def _read_account(self, value: Any) -> list[UnreadableRecord]:
        """Load ``account.json``'s records, each on its own: what could not be read, named."""
        if not isinstance(value, dict) or value.get("version", 1) != 1:
            return [UnreadableRecord(ACCOUNT_FILE, "", "not an account of version 1")]
        problems: list[UnreadableRecord] = []
        stores: tuple[tuple[str, Callable[[Any], None]], ...] = (
            ("identities", self.identities.load_record),
            ("templates", self.templates.load_record),
            ("configuration_sets", self.configuration_sets.load_record),
        )
        for key, load in stores:
            records = value.get(key, [])
            if not isinstance(records, list):
                problems.append(UnreadableRecord(ACCOUNT_FILE, key, "not a list"))
                continue
            for index, record in enumerate(records):
                try:
                    load(record)
                except (TypeError, ValueError, KeyError) as exc:
                    name = record.get("name") if isinstance(record, dict) else None
                    where = f"{key}[{index}]" + (f" {name[:80]!r}" if isinstance(name, str) else "")
                    problems.append(UnreadableRecord(ACCOUNT_FILE, where, str(exc)))
        return problems

    def clear(self) -> None:
        """Forget the account's identities, templates, configuration sets, counts and messages
        (lock held): the journal's reset first, then the account file."""
        self.persistence.reset()
        self.counts.clear()
        self.mailbox.forget()
        saved = (
            self.identities.snapshot(),
            self.templates.snapshot(),
            self.configuration_sets.snapshot(),
        )
        self.identities.clear()
        self.templates.clear()
        self.configuration_sets.clear()

        def undo() -> None:
            self.identities.restore(saved[0])
            self.templates.restore(saved[1])
            self.configuration_sets.restore(saved[2])

        self.save(undo)
