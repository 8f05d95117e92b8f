"""The state folder: the one owner of what the local SES keeps on disk.

With a folder (``state_dir``) everything the account answers from is on disk before the answer
is given, in an order that a kill (``kill -9``) at any point leaves consistent:

``.lock``
    held (``flock``, exclusive) while a state is open on the folder: one process per folder; a
    second is :class:`StateLockedError` (the holder's pid in the file names it).
``account.json``
    identities, templates and configuration sets, rewritten whole after each change (to a
    temporary file renamed into place: a reader never sees half a file) before it is answered.
``messages/<id>.json``
    each message stored, written (likewise) before the journal names it.
``journal.jsonl``
    one line per event, appended (one ``write``) before the event is answered: a message stored
    (its id, the second, the recipients it counts, or a rendering failure), a call rejected, a
    message removed, all removed, the account reset. The line is the commit: the counts
    (GetSendQuota, GetSendStatistics) and the order of the messages are read back from it, so
    after a kill the counts are those of the messages kept. A message file no line names was
    never answered (the kill came between the two writes) and is removed when the folder is next
    opened; a last line without its end was never answered either and is cut off.
``unreadable/``
    records that could not be read back, kept aside when ``skip_unreadable`` says to go on
    without them; without it, :class:`UnreadableStateError` names each and nothing is written.

Reading back: the journal gives the messages' ids in order and the counts; the newest that fit
the mailbox's caps are read (:meth:`Persistence.read_message`), the others stay on disk (the
caps never delete a file). The journal is rewritten (a snapshot of the counts and one line per
message kept) when it has grown to more than twice that.

A write that fails (a full disk, a folder removed) raises :class:`StateWriteError`, having
undone what it began (a journal line cut back, a message file removed): the caller answers an
SES error and counts nothing. Without a folder every method does nothing: the state lives in
memory.

The stores do not know of files: each gives its records as JSON values and takes them back, and
the account says when to write.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sesspec.serve.mailbox import Message
from sesspec.serve.state.journal import CountEvent, Replayed, is_message_id, line_of, read_lines

__all__ = [
    "ACCOUNT_FILE",
    "JOURNAL_FILE",
    "LOCK_FILE",
    "MESSAGES_FOLDER",
    "UNREADABLE_FOLDER",
    "Persistence",
    "StateError",
    "StateLockedError",
    "StateWriteError",
    "UnreadableRecord",
    "UnreadableStateError",
    "message_chunks",
    "write_atomic",
]


def __dir__() -> list[str]:
    return __all__


ACCOUNT_FILE = "account.json"
JOURNAL_FILE = "journal.jsonl"
LOCK_FILE = ".lock"
MESSAGES_FOLDER = "messages"
UNREADABLE_FOLDER = "unreadable"
#: The counts file of sesspec before the journal: read once, into the journal.
_LEGACY_COUNTS = "counts.json"
#: Builds a file's JSON value when it is written (so a write skipped costs nothing).
Snapshot = Callable[[], Mapping[str, Any]]


class StateError(Exception):
    """Something the state folder could not do; ``path`` is the file or folder concerned."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


class StateWriteError(StateError):
    """A write that failed (``cause``, the system's error); nothing of it was kept."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(f"cannot write {path}: {cause.strerror or cause}", path=path)
        self.cause = cause


class StateLockedError(StateError):
    """The folder is open in another process (``pid``, when it wrote it)."""

    def __init__(self, path: Path, pid: int | None) -> None:
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(f"the state folder {path} is in use by {holder}", path=path)
        self.pid = pid


@dataclass(frozen=True, slots=True)
class UnreadableRecord:
    """One record that could not be read back: its ``file`` (relative to the folder), where in
    it (``where``: ``templates[3] 'welcome'``, ``line 17``; empty for the whole file), and why."""

    file: str
    where: str
    problem: str

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.file}{where}: {self.problem}"


class UnreadableStateError(StateError):
    """Records that could not be read back (``records``); nothing was written."""

    def __init__(self, path: Path, records: Sequence[UnreadableRecord]) -> None:
        shown = "; ".join(str(r) for r in records[:3])
        more = f" (and {len(records) - 3} more)" if len(records) > 3 else ""
        super().__init__(f"cannot read back the state folder {path}: {shown}{more}", path=path)
        self.records = tuple(records)


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or chunks of bytes written as they come) to a temporary file
    beside ``path``, then rename it into place (:class:`OSError` as it comes, the temporary
    file removed)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            if isinstance(data, bytes):
                file.write(data)
            else:
                for chunk in data:
                    file.write(chunk)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


#: Characters (or bytes, times 3/4) of a large field written at once.
_CHUNK = 3 * 16 * 1024


def message_chunks(message: Message) -> Iterator[bytes]:
    """A message's JSON (:meth:`~sesspec.serve.mailbox.Message.to_json`) in chunks, its large
    fields streamed (base64 and JSON escapes made a piece at a time), so that writing a 10 MB
    message costs a chunk of memory rather than two copies of it as text."""
    small = json.dumps(message.to_json(large=False))
    yield small[:-1].encode("utf-8")
    for name, blob in (("raw", message.raw), ("request", message.request)):
        yield f', "{name}": "'.encode("ascii")
        for at in range(0, len(blob), _CHUNK):
            yield base64.b64encode(blob[at : at + _CHUNK])
        yield b'"'
    for name, text in (("text", message.text), ("html", message.html)):
        yield f', "{name}": '.encode("ascii")
        if text is None:
            yield b"null"
            continue
        yield b'"'
        for at in range(0, len(text), _CHUNK):
            yield json.dumps(text[at : at + _CHUNK])[1:-1].encode("ascii")
        yield b'"'
    yield b"}"


class Persistence:
    """The state folder ``path`` (created when missing, then locked), or none (``path`` None).

    ``skip_unreadable``: go on without records that cannot be read back (kept aside under
    ``unreadable/``) instead of refusing them (:class:`UnreadableStateError`)."""

    def __init__(
        self, path: str | os.PathLike[str] | None, *, skip_unreadable: bool = False
    ) -> None:
        self.path = None if path is None else Path(path)
        self.skip_unreadable = skip_unreadable
        self._lock_fd = -1
        self._journal_fd = -1
        self._journal_size = 0
        self._journal_lock = threading.Lock()
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self._take_lock(self.path)
            try:
                (self.path / MESSAGES_FOLDER).mkdir(exist_ok=True)
            except BaseException:
                self.close()
                raise

    # -- the lock --------------------------------------------------------------------------------

    def _take_lock(self, folder: Path) -> None:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).strip()
            os.close(fd)
            raise StateLockedError(folder, int(holder) if holder.isdigit() else None) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._lock_fd = fd

    def close(self) -> None:
        """Close the journal and give up the folder's lock (another process may open it)."""
        with self._journal_lock:
            if self._journal_fd >= 0:
                os.close(self._journal_fd)
                self._journal_fd = -1
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = -1

    @property
    def closed(self) -> bool:
        return self.path is not None and self._lock_fd < 0

    # -- reading back ----------------------------------------------------------------------------

    def read_account(
        self, reader: Callable[[Any], list[UnreadableRecord]]
    ) -> list[UnreadableRecord]:
        """Give ``account.json``'s value to ``reader`` (which loads what it can and says what it
        could not); the whole file when it is not JSON."""
        if self.path is None:
            return []
        path = self.path / ACCOUNT_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            return [UnreadableRecord(ACCOUNT_FILE, "", exc.strerror or str(exc))]
        try:
            value = json.loads(data)
        except (ValueError, RecursionError) as exc:
            return [UnreadableRecord(ACCOUNT_FILE, "", f"not JSON: {exc}")]
        return reader(value)

    def replay(
        self, counted: CountEvent, snapshot: Callable[[Any], None], reset: Callable[[], None]
    ) -> tuple[Replayed, list[UnreadableRecord]]:
        """Read the journal: counting events to ``counted``, a counts snapshot to ``snapshot``, a
        reset to ``reset``; the messages it keeps, and the lines it could not read (a last line
        without its end, never answered, is cut off instead)."""
        replayed = Replayed()
        problems: list[UnreadableRecord] = []
        if self.path is None:
            return replayed, problems
        path = self.path / JOURNAL_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return self._legacy(replayed, snapshot)
        replayed.found = True
        replayed.end = data.rfind(b"\n") + 1  # after it: torn by a kill, never answered
        lost = read_lines(data[: replayed.end], replayed, counted, snapshot, reset)
        return replayed, [UnreadableRecord(JOURNAL_FILE, f"line {n}", why) for n, why in lost]

    def _legacy(
        self, replayed: Replayed, snapshot: Callable[[Any], None]
    ) -> tuple[Replayed, list[UnreadableRecord]]:
        """A folder of sesspec before the journal: its counts file and every message file,
        oldest first (by time; the order within a second was not kept)."""
        assert self.path is not None
        problems: list[UnreadableRecord] = []
        legacy = self.path / _LEGACY_COUNTS
        if legacy.exists():
            try:
                snapshot(json.loads(legacy.read_bytes()))
            except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
                problems.append(UnreadableRecord(_LEGACY_COUNTS, "", str(exc)))
        stamped: list[tuple[str, str]] = []
        for file in (self.path / MESSAGES_FOLDER).glob("*.json"):
            try:
                stamp = str(json.loads(file.read_bytes()).get("timestamp", ""))
            except (OSError, ValueError, AttributeError, RecursionError):
                stamp = ""
            stamped.append((stamp, file.stem))
        for _, message_id in sorted(stamped):
            replayed.messages[message_id] = True
        return replayed, problems

    def read_message(self, message_id: str) -> Message | UnreadableRecord:
        """The message file ``message_id``, or what is wrong with it."""
        assert self.path is not None
        name = f"{MESSAGES_FOLDER}/{message_id}.json"
        try:
            return Message.from_json(json.loads(self._message_file(message_id).read_bytes()))
        except FileNotFoundError:
            return UnreadableRecord(name, "", "missing")
        except OSError as exc:
            return UnreadableRecord(name, "", exc.strerror or str(exc))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            return UnreadableRecord(name, "", f"{type(exc).__name__}: {exc}")

    def set_aside(self, records: Iterable[UnreadableRecord], now: datetime) -> list[str]:
        """Keep the files of ``records`` under ``unreadable/`` (a message file moved, the account
        and the journal copied: what could be read goes on being used); the names kept."""
        assert self.path is not None
        aside = self.path / UNREADABLE_FOLDER
        aside.mkdir(exist_ok=True)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept: list[str] = []
        for file in dict.fromkeys(r.file for r in records):
            source = self.path / file
            if not source.exists():
                continue
            target = aside / f"{stamp}-{source.name}"
            if file.startswith(MESSAGES_FOLDER + "/"):
                source.replace(target)
            else:
                write_atomic(target, source.read_bytes())
            kept.append(target.name)
        return kept

    def open_journal(
        self, replayed: Replayed, counts: Snapshot, *, rewrite: bool = False
    ) -> list[str]:
        """Remove the message files the journal does not name (never answered, or removed when
        the kill came), rewrite the journal when told (lines were skipped), when it has grown
        past twice what it keeps or when there was none, else cut off a torn last line; open it
        for appending; the files removed."""
        if self.path is None:
            return []
        messages = replayed.messages
        removed: list[str] = []
        for file in (self.path / MESSAGES_FOLDER).glob("*.json"):
            if file.stem not in messages:
                file.unlink()
                removed.append(file.name)
        for stray in (self.path / MESSAGES_FOLDER).glob(".*"):  # a temporary file of a kill
            stray.unlink()
        path = self.path / JOURNAL_FILE
        grown = replayed.lines > 2 * (len(messages) + 1) + 1000
        if rewrite or grown or not replayed.found:
            snap = counts()
            lines = [["counts", snap["points"], snap["recent"]]]
            lines += [["kept", message_id] for message_id in messages]
            write_atomic(path, b"".join(line_of(r) for r in lines))
            with contextlib.suppress(FileNotFoundError):
                (self.path / _LEGACY_COUNTS).unlink()
        elif path.stat().st_size > replayed.end:
            with path.open("r+b") as journal:
                journal.truncate(replayed.end)
        self._journal_fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self._journal_size = os.fstat(self._journal_fd).st_size
        return removed

    # -- writing ---------------------------------------------------------------------------------

    def save_account(self, snapshot: Snapshot) -> None:
        """Rewrite ``account.json`` (the account's lock held); :class:`StateWriteError`."""
        if self.path is None:
            return
        path = self.path / ACCOUNT_FILE
        try:
            write_atomic(path, json.dumps(snapshot()).encode("utf-8"))
        except OSError as exc:
            raise StateWriteError(path, exc) from None

    def _message_file(self, message_id: str) -> Path:
        assert self.path is not None
        if not is_message_id(message_id):
            msg = f"not a message id that can name a file: {message_id!r}"
            raise ValueError(msg)
        return self.path / MESSAGES_FOLDER / f"{message_id}.json"

    def save_message(self, message: Message) -> None:
        """Write ``message``'s file (before its journal line); :class:`StateWriteError`."""
        if self.path is None:
            return
        path = self._message_file(message.id)
        try:
            write_atomic(path, message_chunks(message))
        except OSError as exc:
            raise StateWriteError(path, exc) from None

    def discard_message(self, message_id: str) -> None:
        """Remove the file of a message that was not committed (best effort)."""
        if self.path is not None:
            with contextlib.suppress(OSError, ValueError):
                self._message_file(message_id).unlink()

    def append(self, record: list[Any]) -> None:
        """Append one journal record (the commit of what it says); :class:`StateWriteError`,
        with the journal cut back to where it was."""
        if self.path is None:
            return
        data = line_of(record)
        with self._journal_lock:
            if self._journal_fd < 0:
                path = self.path / JOURNAL_FILE
                raise StateWriteError(path, OSError(9, "the state folder is closed"))
            try:
                written = os.write(self._journal_fd, data)
                if written != len(data):
                    raise OSError(28, os.strerror(28))  # a short write: the disk is full
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._journal_fd, self._journal_size)
                raise StateWriteError(self.path / JOURNAL_FILE, exc) from None
            self._journal_size += written

    def remove_messages(self, message_ids: Sequence[str] | None) -> None:
        """Remove messages (None: all of them): the journal first, then the files."""
        if self.path is None:
            return
        if message_ids is None:
            self.append(["cleared"])
            gone: Iterable[Path] = list((self.path / MESSAGES_FOLDER).glob("*.json"))
        else:
            for message_id in message_ids:
                self.append(["deleted", message_id])
            gone = [self._message_file(m) for m in message_ids]
        for file in gone:
            with contextlib.suppress(FileNotFoundError):
                file.unlink()

    def reset(self) -> None:
        """Forget the counts and every message: the journal first, then the files."""
        if self.path is None:
            return
        self.append(["reset"])
        for file in (self.path / MESSAGES_FOLDER).glob("*.json"):
            with contextlib.suppress(FileNotFoundError):
                file.unlink()
