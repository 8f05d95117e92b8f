"""The state folder: the one owner of what the local SES keeps on disk.

With a folder, the account (identities, templates, configuration sets) is one JSON file,
``account.json``, rewritten atomically (:func:`~sesspec.serve.mailbox.write_atomic`) after each
change; the counts are ``counts.json``, written at most once a second while sending and at once
by :meth:`Persistence.flush`; each message is one file under ``messages/``
(:class:`~sesspec.serve.mailbox.DirectoryStore`, which the mailbox is given). All are read back
when a state is made on the same folder; a file that cannot be read is named in the notes and
skipped. Without a folder every method does nothing: the state lives in memory.

The stores do not know of files: each gives its records as JSON values and takes them back, and
the front (:class:`~sesspec.serve.state.SesState`) says when to write.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sesspec.serve.mailbox import DirectoryStore, write_atomic

__all__ = ["ACCOUNT_FILE", "COUNTS_FILE", "MESSAGES_FOLDER", "Persistence"]


def __dir__() -> list[str]:
    return __all__


ACCOUNT_FILE = "account.json"
COUNTS_FILE = "counts.json"
MESSAGES_FOLDER = "messages"

#: Builds a file's JSON value when it is written (so a write skipped costs nothing).
Snapshot = Callable[[], Mapping[str, Any]]


class Persistence:
    """The state folder ``path`` (created when missing), or none (``path`` None)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = None if path is None else Path(path)
        #: The messages' store (None without a folder).
        self.messages: DirectoryStore | None = None
        self._counts_written = -1
        self._counts_dirty = False
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self.messages = DirectoryStore(self.path / MESSAGES_FOLDER)

    def load(self, readers: Mapping[str, Callable[[Any], None]]) -> list[str]:
        """Give each file's JSON value to its reader (file name -> reader), in that order; a
        note for each file that could not be read or whose reader refused it."""
        notes: list[str] = []
        if self.path is None:
            return notes
        for name, reader in readers.items():
            path = self.path / name
            if not path.exists():
                continue
            try:
                reader(json.loads(path.read_bytes()))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                notes.append(f"{name}: {type(exc).__name__}: {exc}")
        return notes

    def save_account(self, snapshot: Snapshot) -> None:
        """Rewrite ``account.json`` (the account's lock held)."""
        if self.path is not None:
            write_atomic(self.path / ACCOUNT_FILE, json.dumps(snapshot()).encode("utf-8"))

    def save_counts(self, snapshot: Snapshot, now: datetime | None) -> None:
        """Rewrite ``counts.json`` (lock held): at once when ``now`` is None, else only when the
        second changed since the last write, so that a burst of sends writes it once a second."""
        if self.path is None:
            return
        if now is not None:
            second = int(now.timestamp())
            if second == self._counts_written:
                self._counts_dirty = True
                return
            self._counts_written = second
        self._counts_dirty = False
        write_atomic(self.path / COUNTS_FILE, json.dumps(snapshot()).encode("utf-8"))

    def flush(self, snapshot: Snapshot) -> None:
        """Write the counts now if a write was skipped (lock held)."""
        if self._counts_dirty:
            self.save_counts(snapshot, None)
