"""The capture log: one JSON line per request received by the loopback endpoint.

Each line holds the request exactly as it arrived on the socket (request line, header
lines with their case, order and duplicates, and the body as sent, chunked framing
included) in ``raw`` (base64), plus what the socket alone can tell: arrival time, peer,
local port, TLS, connection id. The checker reads ``raw`` back with
``sesspec.http.parse_request``; the time is a recorded value, so the pure core never
reads a clock (house rule).

Durability: a line is written with one ``os.write`` on an ``O_APPEND`` descriptor *before* the
endpoint sends the response, so it is in the kernel's hands before the client sees an answer: a
client that saw one can trust that its request is in the file in full even if the endpoint crashes
or is killed right after (the endpoint's promise: "appended so that a crash or kill loses nothing
already answered"). Reaching the disk is the kernel's to do, and a syncing thread asks for it
(``fsync``) at most :data:`SYNC_INTERVAL` seconds after a write, and on :meth:`CaptureLog.close`; so
only a crash of the whole machine can lose records, those of its last ``SYNC_INTERVAL``.
``sync="each"`` (``sesspec serve --fsync``) instead ``fsync``s every record before the answer, as
the endpoint did before the batched syncing; that costs one disk flush per request (about 2 ms on
this project's test VM, where it capped the endpoint at 400 requests a second). A torn last line
(killed mid-write, never answered) is skipped by :func:`load_captures`, and cut off when an endpoint
is started again on the file (the new records must not be glued to it); sequence numbers then
continue after the highest one in the file.

Two exceptions to "byte for byte", both in fields an older reader ignores: a session token
(the value of an ``X-Amz-Security-Token`` header line, or of an ``X-Amz-Security-Token`` or
``SecurityToken`` parameter in the query or a form body) is a secret and is never written: it is
masked with ``*`` of the same length, and ``masked`` records where and the SHA-256 of what was
there, so a reader who holds the token (the drivers' fake one, a user's) can put it back
(:meth:`Capture.with_token`; :func:`capture_findings` does it for the credentials it is given)
and verify the signature. And ``told_authority`` is the ``host[:port]`` the client was told to
send to, which the socket cannot know (clients are pointed at the real SES host name and a
guard connects them to loopback): the driver harness says it (:meth:`CaptureLog.telling`), so a
``Host`` without its port can be judged (docs/spec.md ``policy-host-port``).

Reading is bounded: a line longer than :data:`MAX_RECORD_SIZE` bytes, a line that is not UTF-8
JSON, or a record of the wrong shape is a :class:`CaptureError` naming the file and line.
:func:`capture_findings` is the one verdict on a capture, whoever asks (``sesspec check`` on a
capture file, the report, the ``ses_endpoint`` fixture, ``serve --strict``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import errno
import gzip
import hashlib
import io
import json
import os
import re
import stat
import threading
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sesspec import masking
from sesspec.check import Credentials, Finding, check
from sesspec.encoding import STYLES
from sesspec.errors import InputError
from sesspec.http import RawRequest, parse_request

__all__ = [
    "MAX_AUTHORITY",
    "MAX_RECORD_SIZE",
    "SYNC_INTERVAL",
    "Capture",
    "CaptureError",
    "CaptureLog",
    "Masked",
    "capture_findings",
    "iter_records",
    "load_captures",
    "mask_tokens",
]


def __dir__() -> list[str]:
    return __all__


#: Longest capture line read back (bytes): a 64 MiB body (``sesspec.http``'s limit) in base64,
#: twice when chunked (``raw`` and ``body``), with room to spare.
MAX_RECORD_SIZE = 256 * 1024 * 1024
#: Seconds at most between a record's write and the ``fsync`` that puts it on disk.
SYNC_INTERVAL = 0.2
#: Longest ``told_authority`` written or read (a host name is at most 253 characters, RFC 1035).
MAX_AUTHORITY = 300


class CaptureError(InputError, ValueError):
    """A capture line that cannot be read back; ``where`` is ``file:line``."""


class Masked(NamedTuple):
    """A session token masked in a capture: which field (``raw``, or the de-chunked ``body``),
    where in it, how long, and the SHA-256 (hex) of the bytes that were there."""

    field: Literal["raw", "body"]
    offset: int
    length: int
    sha256: str


def _mask(
    data: bytes, spans: list[tuple[int, int]], name: Literal["raw", "body"]
) -> tuple[bytes, list[Masked]]:
    out = bytearray(data)
    masked: list[Masked] = []
    for start, end in spans:
        masked.append(Masked(name, start, end - start, hashlib.sha256(data[start:end]).hexdigest()))
        out[start:end] = b"*" * (end - start)
    return bytes(out), masked


def mask_tokens(head: bytes, body: bytes) -> tuple[bytes, bytes]:
    """``head`` and ``body`` with every session token in them masked as captures mask it
    (:func:`sesspec.masking.mask_tokens`: a header line's value or the request line's query in
    the head, form parameters in the body; ``*`` of the same length): for the request bytes
    the endpoint keeps anywhere else (stored messages, the state directory)."""
    return masking.mask_tokens(head, head_length=len(head)), masking.mask_tokens(
        body, head_length=0
    )


def _token_forms(token: str) -> set[bytes]:
    """The bytes a token can be on the wire as: as is (a header), or percent-encoded by any
    of the encoders sesspec knows (a query or form parameter), upper- or lower-case hex."""
    forms = {token.encode("utf-8", "surrogateescape")}
    for style in STYLES.values():
        encoded = style.quote_bytes(token)
        forms.add(encoded)
        forms.add(re.sub(rb"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
    return forms


@dataclass(frozen=True, slots=True)
class Capture:
    """One request as the endpoint received it.

    ``raw`` is every byte of the request as read from the socket: the head up to and
    including the blank line, then the body exactly as framed by the client (with chunk
    sizes when ``Transfer-Encoding: chunked``). ``head_length`` splits the two.
    ``body`` is the message body after removing chunked framing (equal to
    ``raw[head_length:]`` for a ``Content-Length`` body); it is what the form decoder and
    the signature's payload hash see. ``notes`` lists what was unusual (``chunked``,
    ``expect-100-continue``, ``body-too-large``, ``timeout``, ...).
    """

    seq: int
    connection_id: int
    request_in_connection: int
    received_at: str
    received_at_ns: int
    peer: tuple[str, int]
    local_port: int
    tls: bool
    raw: bytes = field(repr=False)
    head_length: int
    body: bytes = field(repr=False)
    status: int
    action: str | None
    notes: tuple[str, ...] = field(default=())
    tls_version: str | None = None
    server_name: str | None = None
    #: The ``host[:port]`` of the URL the client was told (None: not known).
    told_authority: str | None = None
    #: Session tokens masked in ``raw`` / ``body`` (see the module docstring).
    masked: tuple[Masked, ...] = ()

    @property
    def head(self) -> bytes:
        """The request line and header lines, ending with the empty line."""
        return self.raw[: self.head_length]

    def request(self) -> RawRequest:
        """The request parsed by :func:`sesspec.http.parse_request` (raises ``HttpParseError``).

        A chunked body is handed over de-chunked (``body_mode="rest"``), so the checker sees
        the bytes the payload hash covers; the head still shows ``Transfer-Encoding``.
        """
        if "chunked" in self.notes:
            return parse_request(self.head + self.body, body_mode="rest")
        return parse_request(self.raw)

    def with_token(self, token: str) -> Capture:
        """This capture with every masked session token that was ``token`` (as is, or
        percent-encoded) put back; a masked token that was something else stays masked."""
        if not self.masked or not token:
            return self
        forms = {hashlib.sha256(f).hexdigest(): f for f in _token_forms(token)}
        raw, body = bytearray(self.raw), bytearray(self.body)
        left: list[Masked] = []
        for entry in self.masked:
            form = forms.get(entry.sha256)
            if form is None or len(form) != entry.length:
                left.append(entry)
                continue
            target = raw if entry.field == "raw" else body
            target[entry.offset : entry.offset + entry.length] = form
            if entry.field == "raw" and "chunked" not in self.notes:
                start = entry.offset - self.head_length
                if start >= 0:
                    body[start : start + entry.length] = form
        return dataclasses.replace(self, raw=bytes(raw), body=bytes(body), masked=tuple(left))

    def _masked_fields(self) -> tuple[bytes, bytes, list[Masked]]:
        """``raw`` and ``body`` with their session tokens masked (once: a capture read back
        is masked already), and every mask."""
        if self.masked:
            return self.raw, self.body, list(self.masked)
        spans = masking.token_spans(self.raw, head_length=self.head_length)
        raw, masked = _mask(self.raw, spans, "raw")
        body = self.body
        if "chunked" in self.notes:
            more_spans = masking.token_spans(self.body, head_length=0)
            body, more = _mask(self.body, more_spans, "body")
            masked += more
        return raw, body, masked

    def to_json(self) -> str:
        raw, body, masked = self._masked_fields()
        record: dict[str, Any] = {
            "seq": self.seq,
            "connection_id": self.connection_id,
            "request_in_connection": self.request_in_connection,
            "received_at": self.received_at,
            "received_at_ns": self.received_at_ns,
            "peer": [self.peer[0], self.peer[1]],
            "local_port": self.local_port,
            "tls": self.tls,
            "tls_version": self.tls_version,
            "server_name": self.server_name,
            "status": self.status,
            "action": self.action,
            "notes": list(self.notes),
            "head_length": self.head_length,
            "raw": base64.b64encode(raw).decode("ascii"),
        }
        if "chunked" in self.notes:
            record["body"] = base64.b64encode(body).decode("ascii")
        if self.told_authority is not None:
            record["told_authority"] = self.told_authority[:MAX_AUTHORITY]
        if masked:
            record["masked"] = [list(m) for m in masked]
        return json.dumps(record, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, line: str | bytes, *, where: str = "capture record") -> Capture:
        """The capture of one line written by :meth:`to_json`; :class:`CaptureError` if the
        line is not one."""
        return cls.from_record(_json_value(line, where), where=where)

    @classmethod
    def from_record(cls, record: object, *, where: str = "capture record") -> Capture:
        """The capture of a decoded JSON record; :class:`CaptureError` names the first field
        that is missing or of the wrong type."""
        if not isinstance(record, dict):
            raise CaptureError("not a capture record (not a JSON object)", where=where)
        get = _Fields(record, where)
        raw = get.base64("raw")
        head_length = get.integer("head_length")
        if head_length > len(raw):
            msg = f"head_length {head_length} is past the end of raw ({len(raw)} bytes)"
            raise CaptureError(msg, where=where)
        body = get.base64("body") if "body" in record else raw[head_length:]
        peer = record.get("peer")
        if not (
            isinstance(peer, list)
            and len(peer) == 2
            and isinstance(peer[0], str)
            and type(peer[1]) is int
        ):
            raise CaptureError("field 'peer' is not [host, port]", where=where)
        notes = record.get("notes")
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            raise CaptureError("field 'notes' is not a list of strings", where=where)
        return cls(
            seq=get.integer("seq"),
            connection_id=get.integer("connection_id"),
            request_in_connection=get.integer("request_in_connection"),
            received_at=get.text("received_at"),
            received_at_ns=get.integer("received_at_ns"),
            peer=(peer[0], peer[1]),
            local_port=get.integer("local_port"),
            tls=get.boolean("tls"),
            raw=raw,
            head_length=head_length,
            body=body,
            status=get.integer("status"),
            action=get.optional_text("action"),
            notes=tuple(notes),
            tls_version=get.optional_text("tls_version"),
            server_name=get.optional_text("server_name"),
            told_authority=get.optional_text("told_authority", limit=MAX_AUTHORITY),
            masked=get.masks("masked", raw=len(raw), body=len(body)),
        )


class _Fields:
    """Typed reads of a capture record's fields, each failure a :class:`CaptureError`."""

    def __init__(self, record: dict[str, Any], where: str) -> None:
        self.record = record
        self.where = where

    def _fail(self, name: str, what: str) -> CaptureError:
        if name not in self.record:
            return CaptureError(f"field {name!r} is missing", where=self.where)
        return CaptureError(f"field {name!r} is not {what}", where=self.where)

    def integer(self, name: str) -> int:
        value = self.record.get(name)
        # bool is an int to Python, not to JSON; 19 digits hold any count or time in ns.
        if type(value) is not int or not 0 <= value < 10**19:
            raise self._fail(name, "a non-negative integer")
        return value

    def text(self, name: str) -> str:
        value = self.record.get(name)
        if not isinstance(value, str):
            raise self._fail(name, "a string")
        return value

    def optional_text(self, name: str, *, limit: int | None = None) -> str | None:
        value = self.record.get(name)
        if value is not None and not isinstance(value, str):
            raise self._fail(name, "a string or null")
        if value is not None and limit is not None and len(value) > limit:
            raise self._fail(name, f"a string of at most {limit} characters")
        return value

    def masks(self, name: str, *, raw: int, body: int) -> tuple[Masked, ...]:
        """The masked-token entries: absent (none), or a list of [field, offset, length,
        sha256] lying within their field."""
        value = self.record.get(name, [])
        what = 'a list of ["raw" or "body", offset, length, sha256] within the data'
        if not isinstance(value, list):
            raise self._fail(name, what)
        out: list[Masked] = []
        for entry in value:
            if not (
                isinstance(entry, list)
                and len(entry) == 4
                and entry[0] in ("raw", "body")
                and all(type(n) is int and n >= 0 for n in entry[1:3])
                and isinstance(entry[3], str)
                and re.fullmatch(r"[0-9a-f]{64}", entry[3])
                and entry[1] + entry[2] <= (raw if entry[0] == "raw" else body)
            ):
                raise self._fail(name, what)
            out.append(Masked(entry[0], entry[1], entry[2], entry[3]))
        return tuple(out)

    def boolean(self, name: str) -> bool:
        value = self.record.get(name)
        if not isinstance(value, bool):
            raise self._fail(name, "true or false")
        return value

    def base64(self, name: str) -> bytes:
        value = self.record.get(name)
        if not isinstance(value, str):
            raise self._fail(name, "a base64 string")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self._fail(name, "valid base64") from None


def _json_value(line: str | bytes, where: str) -> object:
    """``json.loads`` whose every failure (bad UTF-8, bad JSON, nesting too deep for the
    parser, an integer too long to convert) is a :class:`CaptureError`."""
    try:
        return json.loads(line.decode("utf-8") if isinstance(line, bytes) else line)
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 (byte {exc.start})"
        raise CaptureError(msg, where=where) from None
    except json.JSONDecodeError as exc:
        msg = f"not JSON: {exc.msg} at column {exc.colno}"
        raise CaptureError(msg, where=where) from None
    except (ValueError, RecursionError) as exc:
        msg = f"not a readable JSON value ({exc.__class__.__name__})"
        raise CaptureError(msg, where=where) from None


def capture_findings(
    capture: Capture,
    *,
    credentials: Credentials | None,
    now: datetime | None = None,
    tls: bool | None = None,
) -> list[Finding]:
    """The checker's findings on one captured request: the one verdict on a capture.

    The request is judged from its bytes as they arrived, read by the reader the endpoint read
    them with (:func:`sesspec.http.read_request`: a chunked body de-chunked, so the payload hash
    covers what the client signed; a bare LF line end reported), ``now`` is its arrival time
    unless given, and ``tls`` how it came unless given. ``credentials`` verify the signature
    (None: not verified); a session token among them is put back where the capture masked it
    (:meth:`Capture.with_token`).
    ``sesspec check`` on a capture file, the report, the ``ses_endpoint`` fixture and
    ``serve --strict`` all call this, so they cannot disagree.
    """
    when = now if now is not None else datetime.fromtimestamp(capture.received_at_ns / 1e9, UTC)
    if credentials is not None and credentials.session_token:
        capture = capture.with_token(credentials.session_token)
    return check(
        capture.raw,
        credentials=credentials,
        now=when,
        tls=capture.tls if tls is None else tls,
    )


#: The logs open in this process, by the resolved path of their file (see CaptureLog.for_path).
_OPEN_LOGS: weakref.WeakValueDictionary[Path, CaptureLog] = weakref.WeakValueDictionary()


class CaptureLog:
    """Append-only JSON-lines file shared by all connection threads (see the module docstring
    for when records reach the disk: ``sync="batched"``, the default, or ``"each"``).

    Opened on an existing file, it cuts a torn last line (``torn_bytes`` says how much) and
    hands out sequence numbers after the highest one in the file. While :meth:`telling` is
    in force, the records appended carry that ``told_authority``.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, sync: Literal["batched", "each"] = "batched"
    ) -> None:
        if sync not in ("batched", "each"):
            msg = f"sync must be 'batched' or 'each', not {sync!r}"
            raise ValueError(msg)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if not stat.S_ISREG(os.fstat(self._fd).st_mode):
                raise OSError(errno.EINVAL, "not a regular file", str(self.path))
            #: Bytes of a torn last line cut off on opening (0: none).
            self.torn_bytes = _cut_torn_tail(self._fd)
            self._seq = _highest_seq(self._fd)
        except BaseException:
            os.close(self._fd)
            raise
        self.sync = sync
        self._lock = threading.Lock()
        self.count = 0
        self._dirty = threading.Event()
        self._closing = threading.Event()
        self._syncer: threading.Thread | None = None
        self._told: str | None = None
        _OPEN_LOGS[self.path.resolve()] = self

    @staticmethod
    def for_path(path: str | os.PathLike[str]) -> CaptureLog | None:
        """The log of this process that writes ``path`` (an endpoint's), if one is open."""
        return _OPEN_LOGS.get(Path(path).resolve())

    @contextlib.contextmanager
    def telling(self, authority: str | None) -> Iterator[None]:
        """Within this block, record that clients were told ``authority`` (``host[:port]``):
        the driver harness runs one client at a time and says where it pointed it."""
        with self._lock:
            previous, self._told = self._told, authority
        try:
            yield
        finally:
            with self._lock:
                self._told = previous

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    @property
    def last_seq(self) -> int:
        """The highest sequence number handed out so far (before the first request: the highest
        already in the file, 0 for a new one)."""
        with self._lock:
            return self._seq

    def append(self, capture: Capture) -> None:
        """Write one record whole (its session tokens masked, the authority clients are
        being told added; one ``os.write`` per piece the kernel takes); with
        ``sync="each"`` returns only after ``fsync``, else the syncing thread flushes it soon."""
        told = self._told
        if told is not None and capture.told_authority is None:
            capture = dataclasses.replace(capture, told_authority=told)
        data = (capture.to_json() + "\n").encode("utf-8")
        with self._lock:
            if self._fd < 0:
                raise OSError(errno.EBADF, "the capture log is closed", str(self.path))
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            self.count += 1
            if self.sync == "each":
                os.fsync(self._fd)
                return
            if self._syncer is None:
                # The thread has a descriptor of its own, so close() never pulls one from
                # under an fsync in progress.
                self._syncer = threading.Thread(
                    target=self._sync_loop,
                    args=(os.dup(self._fd),),
                    name="sesspec-capture-sync",
                    daemon=True,
                )
                self._syncer.start()
        self._dirty.set()

    def _sync_loop(self, fd: int) -> None:
        try:
            while not self._closing.is_set():
                self._dirty.wait()
                self._dirty.clear()
                with contextlib.suppress(OSError):
                    os.fsync(fd)
                self._closing.wait(SYNC_INTERVAL)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Stop the syncing thread and ``fsync`` what is left, then close the file."""
        self._closing.set()
        self._dirty.set()
        with self._lock:
            syncer, self._syncer = self._syncer, None
        if syncer is not None:
            syncer.join()
        with self._lock:
            if self._fd >= 0:
                with contextlib.suppress(OSError):
                    os.fsync(self._fd)
                os.close(self._fd)
                self._fd = -1
        if _OPEN_LOGS.get(self.path.resolve()) is self:
            del _OPEN_LOGS[self.path.resolve()]


_SEQ = re.compile(rb'"seq":([0-9]{1,19})[,}]')
_SCAN = 1024 * 1024


def _cut_torn_tail(fd: int) -> int:
    """Truncate what follows the last newline (a record whose write a kill cut short; it was
    never answered). Returns how many bytes were cut."""
    size = os.fstat(fd).st_size
    end = size
    while end > 0:
        start = max(0, end - _SCAN)
        block = os.pread(fd, end - start, start)
        newline = block.rfind(b"\n")
        if newline >= 0:
            keep = start + newline + 1
            break
        end = start
    else:
        keep = 0
    if keep < size:
        os.ftruncate(fd, keep)
    return size - keep


def _highest_seq(fd: int) -> int:
    """The highest ``seq`` in the file (records are written with sorted keys and no spaces,
    and base64 and escaped strings cannot hold ``"seq":``), read a block at a time."""
    highest = 0
    offset = 0
    carry = b""
    while True:
        block = os.pread(fd, _SCAN, offset)
        if not block:
            break
        offset += len(block)
        data = carry + block
        cut = data.rfind(b"\n") + 1
        for match in _SEQ.finditer(data, 0, cut):
            highest = max(highest, int(match.group(1)))
        # The unfinished line's end is kept for the next block: "seq" sorts after "raw" and
        # before four short fields, so it sits in the last few hundred bytes of its line.
        carry = data[cut:][-_SCAN:]
    return highest


def _open_text(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def iter_records(path: str | os.PathLike[str]) -> Iterator[tuple[str, object]]:
    """``(where, value)`` for each non-blank line of a JSON Lines file (gzip'd when its name
    ends in ``.gz``), ``where`` being ``file:line``; streamed, one line in memory at a time.

    A last line without its newline that is not JSON is a record cut short by a kill and is
    skipped. Any other unreadable line raises :class:`CaptureError`; a line longer than
    :data:`MAX_RECORD_SIZE` is refused before it is read whole.
    """
    path = Path(path)
    with _open_text(path) as stream:
        lineno = 0
        while True:
            try:
                line = stream.readline(MAX_RECORD_SIZE + 1)
            except (OSError, EOFError, zlib.error) as exc:
                msg = f"cannot be read ({exc.__class__.__name__}: {exc})"
                raise CaptureError(msg, where=f"{path}:{lineno + 1}") from None
            if not line:
                return
            lineno += 1
            where = f"{path}:{lineno}"
            if len(line) > MAX_RECORD_SIZE:
                msg = f"line longer than the limit of {MAX_RECORD_SIZE} bytes"
                raise CaptureError(msg, where=where)
            if not line.strip():
                continue
            try:
                value = _json_value(line, where)
            except CaptureError:
                if not line.endswith(b"\n"):
                    return  # torn last line: never answered
                raise
            yield where, value


def load_captures(path: str | os.PathLike[str]) -> Iterator[Capture]:
    """Stream the records of a capture file, one at a time (memory stays flat).

    A last line cut short by a kill (never answered) is skipped; any other line that is not a
    capture record raises :class:`CaptureError` naming the file and line.
    """
    for where, record in iter_records(path):
        yield Capture.from_record(record, where=where)
