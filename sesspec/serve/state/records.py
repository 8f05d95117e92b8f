"""The one way a store of the account keeps its records: a dict by key, changed under the
state's lock, each change reported with what undoes it.

:class:`Records` is the base of the identity, template and configuration-set stores. ``changed``
is the state's (:class:`~sesspec.serve.state.SesState`): called after a change, lock held, with
the function that undoes it, which the state calls when the change cannot be written to its
journal (:mod:`sesspec.serve.state.persistence`; README "Testing your application").
:meth:`snapshot` and :meth:`restore` are the state's rollback of a whole call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Changed", "Records"]


def __dir__() -> list[str]:
    return __all__


#: What a store calls after a change, with what undoes it.
Changed = Callable[[Callable[[], object]], None]

V = TypeVar("V")


class Records(Generic[V]):
    """Records by key, under ``lock``; every change goes through :meth:`_put` or
    :meth:`_drop`, which report it with its undo."""

    def __init__(self, lock: threading.RLock, *, changed: Changed) -> None:
        self._lock = lock
        self._changed = changed
        self._records: dict[str, V] = {}

    def _put(self, key: str, value: V) -> None:
        """Set ``key`` to ``value`` (lock held); the undo restores what was there, or nothing."""
        if key in self._records:
            old = self._records[key]
            self._records[key] = value
            self._changed(lambda: self._records.__setitem__(key, old))
        else:
            self._records[key] = value
            self._changed(lambda: self._records.pop(key, None))

    def _drop(self, key: str) -> V | None:
        """Remove ``key`` (lock held) and return what it held; the undo puts it back."""
        old = self._records.pop(key, None)
        if old is not None:
            self._changed(lambda: self._records.__setitem__(key, old))
        return old

    def clear(self) -> None:
        self._records.clear()

    def snapshot(self) -> dict[str, Any]:
        """The records as they are (for :meth:`restore`)."""
        return dict(self._records)

    def restore(self, records: dict[str, Any]) -> None:
        self._records = records
