"""The account: the stores of one SES account in one region, its settings and its ids.

:class:`Account` holds the stores (:class:`~sesspec.serve.state.identities.Identities`,
:class:`~sesspec.serve.state.templates.Templates`,
:class:`~sesspec.serve.state.configuration_sets.ConfigurationSets`,
:class:`~sesspec.serve.state.counts.Counts`, the :class:`~sesspec.serve.mailbox.Mailbox`), one
lock they share (a send checks identities, quota and counts under it at once), the settings a
handler reads (``sandbox``, ``auto_verify``, ``region``, ``escape_html``) and the ids it draws
from the injected ``entropy``. What reaches the disk goes through its one
:class:`~sesspec.serve.state.persistence.Persistence`: each store says it changed, the account
writes.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sesspec.serve.mailbox import Mailbox
from sesspec.serve.state.configuration_sets import ConfigurationSets
from sesspec.serve.state.counts import Counts
from sesspec.serve.state.identities import Identities
from sesspec.serve.state.persistence import ACCOUNT_FILE, COUNTS_FILE, Persistence
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
        return {"version": 1, **self.counts.to_json(), "dropped": self.mailbox.dropped}

    def save(self) -> None:
        """Write the account (identities, templates, configuration sets; lock held)."""
        self.persistence.save_account(self._account_json)

    def counts_changed(self, now: datetime | None) -> None:
        """Write the counts (lock held): at once when ``now`` is None, else at most once a
        second."""
        self.persistence.save_counts(self._counts_json, now)

    def flush(self) -> None:
        """Write the counts if a write was put off (lock held)."""
        self.persistence.flush(self._counts_json)

    def load(self) -> list[str]:
        """Read the account back from the persistence; notes on what could not be read."""

        def counts(data: Any) -> None:
            self.counts.load_json(data)
            self.mailbox.dropped = int(data["dropped"])

        def account(data: Any) -> None:
            self.identities.load_json(data["identities"])
            self.templates.load_json(data["templates"])
            self.configuration_sets.load_json(data["configuration_sets"])

        notes = self.persistence.load({COUNTS_FILE: counts, ACCOUNT_FILE: account})
        return notes + self.mailbox.load()

    def clear(self) -> None:
        """Forget the account's identities, templates, configuration sets and counts (lock
        held; the mailbox is the caller's)."""
        self.identities.clear()
        self.templates.clear()
        self.configuration_sets.clear()
        self.counts.clear()
        self.save()
        self.counts_changed(None)
