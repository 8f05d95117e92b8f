"""The state folder's journal: its records, read back.

One JSON array per line, appended by :class:`~sesspec.serve.state.persistence.Persistence` (the
one writer of the folder) before what it says is answered:

=====================================  ==========================================================
``["sent", id, second, recipients]``   a message kept and counted (status ``Sent``)
``["failed", id, second]``             a message kept, counted as a reject (``RenderingFailure``)
``["rejected", second]``               a call rejected (counted as a reject)
``["kept", id]``                       a message kept, counted before (a rewritten journal)
``["counts", points, recent]``         the counts (a rewritten journal; ``Counts.to_json``'s lists)
``["deleted", id]``                    a message removed
``["cleared"]``                        every message removed
``["reset"]``                          the counts and every message forgotten
=====================================  ==========================================================

:func:`read_lines` replays them in order: the counting events and snapshots to the counts, the
messages kept (in the order they were kept) to a :class:`Replayed`; a line that is not one of
these is named, never guessed at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CountEvent", "Replayed", "is_message_id", "line_of", "read_lines"]


def __dir__() -> list[str]:
    return __all__


#: A journal line longer than this is not one sesspec wrote (its lines are under 200 bytes but
#: the counts snapshot: 1,344 data points of 14 days, some 60 KB).
MAX_LINE = 1024 * 1024
#: A message id that can name a file (SES's ids, and any a test gives, fit it).
_MESSAGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")

#: Applies one counting event: (second, recipients) for a send, (second, None) for a reject.
CountEvent = Callable[[int, int | None], None]


def is_message_id(value: Any) -> bool:
    """Whether ``value`` is a message id that can name a file."""
    return isinstance(value, str) and _MESSAGE_ID.fullmatch(value) is not None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


_SHAPES: dict[str, tuple[Callable[[Any], bool], ...]] = {
    "sent": (is_message_id, _is_count, _is_count),
    "failed": (is_message_id, _is_count),
    "rejected": (_is_count,),
    "kept": (is_message_id,),
    "counts": (_is_list, _is_list),
    "deleted": (is_message_id,),
    "cleared": (),
    "reset": (),
}


@dataclass(slots=True)
class Replayed:
    """What the journal says: the messages kept, oldest first (id -> True), how many lines it
    has, whether it was there, and where its last whole line ends."""

    messages: dict[str, bool] = field(default_factory=dict)
    lines: int = 0
    found: bool = False
    end: int = 0


def line_of(record: list[Any]) -> bytes:
    """One record as the line written."""
    return json.dumps(record, separators=(",", ":")).encode("utf-8") + b"\n"


def _problem(record: Any) -> str | None:
    """What is wrong with one record, or None."""
    if not isinstance(record, list) or not record or not isinstance(record[0], str):
        return "not a journal record"
    shape = _SHAPES.get(record[0])
    if shape is None:
        return f"unknown record {record[0][:40]!r}"
    args = record[1:]
    if len(args) != len(shape) or not all(ok(a) for ok, a in zip(shape, args, strict=True)):
        return f"malformed {record[0]!r} record"
    return None


def read_lines(
    data: bytes,
    replayed: Replayed,
    counted: CountEvent,
    snapshot: Callable[[Any], None],
    reset: Callable[[], None],
) -> list[tuple[int, str]]:
    """Replay the whole lines of ``data`` into ``replayed`` and the callbacks (counting events
    to ``counted``, a counts snapshot to ``snapshot``, a reset to ``reset``); the number and the
    problem of each line that could not be read."""
    problems: list[tuple[int, str]] = []
    messages = replayed.messages
    for number, line in enumerate(data.splitlines(), start=1):
        replayed.lines += 1
        try:
            record = json.loads(line) if len(line) <= MAX_LINE else None
        except (ValueError, RecursionError):
            record = None
        problem = "not JSON" if record is None else _problem(record)
        if problem is None and isinstance(record, list):
            try:
                _apply(record, messages, counted, snapshot, reset)
            except (ValueError, TypeError, KeyError, OverflowError) as exc:
                problem = f"malformed {record[0]!r} record: {exc}"
        if problem is not None:
            problems.append((number, problem))
    return problems


def _apply(
    record: list[Any],
    messages: dict[str, bool],
    counted: CountEvent,
    snapshot: Callable[[Any], None],
    reset: Callable[[], None],
) -> None:
    kind = record[0]
    if kind == "sent":
        counted(record[2], record[3])
        messages[record[1]] = True
    elif kind == "failed":
        counted(record[2], None)
        messages[record[1]] = True
    elif kind == "rejected":
        counted(record[1], None)
    elif kind == "kept":
        messages[record[1]] = True
    elif kind == "counts":
        snapshot({"points": record[1], "recent": record[2]})
    elif kind == "deleted":
        messages.pop(record[1], None)
    elif kind == "cleared":
        messages.clear()
    else:  # reset
        messages.clear()
        reset()
