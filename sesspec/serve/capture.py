"""The capture log: one JSON line per request received by the loopback endpoint.

Each line holds the request exactly as it arrived on the socket (request line, header
lines with their case, order and duplicates, and the body as sent, chunked framing
included) in ``raw`` (base64), plus what the socket alone can tell: arrival time, peer,
local port, TLS, connection id. The checker reads ``raw`` back with
``sesspec.http.parse_request``; the time is a recorded value, so the pure core never
reads a clock (house rule).

Durability: a line is written with one ``os.write`` on an ``O_APPEND`` descriptor, then
``fsync``'d, *before* the endpoint sends the response. A client that saw an answer can
therefore trust that its request is in the file in full, even if the endpoint is killed
right after (issue 4: "appended so that a crash or kill loses nothing already answered").
A torn last line (killed mid-write, never answered) is skipped by :func:`load_captures`.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sesspec.http import RawRequest, parse_request

__all__ = ["Capture", "CaptureLog", "load_captures"]


def __dir__() -> list[str]:
    return __all__


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
    raw: bytes
    head_length: int
    body: bytes
    status: int
    action: str | None
    notes: tuple[str, ...] = field(default=())
    tls_version: str | None = None
    server_name: str | None = None

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

    def to_json(self) -> str:
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
            "raw": base64.b64encode(self.raw).decode("ascii"),
        }
        if "chunked" in self.notes:
            record["body"] = base64.b64encode(self.body).decode("ascii")
        return json.dumps(record, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Capture:
        record = json.loads(line)
        raw = base64.b64decode(record["raw"])
        head_length = int(record["head_length"])
        body = base64.b64decode(record["body"]) if "body" in record else raw[head_length:]
        peer = record["peer"]
        return cls(
            seq=int(record["seq"]),
            connection_id=int(record["connection_id"]),
            request_in_connection=int(record["request_in_connection"]),
            received_at=str(record["received_at"]),
            received_at_ns=int(record["received_at_ns"]),
            peer=(str(peer[0]), int(peer[1])),
            local_port=int(record["local_port"]),
            tls=bool(record["tls"]),
            raw=raw,
            head_length=head_length,
            body=body,
            status=int(record["status"]),
            action=record["action"],
            notes=tuple(record["notes"]),
            tls_version=record.get("tls_version"),
            server_name=record.get("server_name"),
        )


class CaptureLog:
    """Append-only, fsync'd JSON-lines file shared by all connection threads."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()
        self._seq = 0
        self.count = 0

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    @property
    def last_seq(self) -> int:
        """The highest sequence number handed out so far (0 before the first request)."""
        with self._lock:
            return self._seq

    def append(self, capture: Capture) -> None:
        """Write one record durably; returns only after ``fsync``."""
        data = (capture.to_json() + "\n").encode("utf-8")
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
            self.count += 1

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


def load_captures(path: str | os.PathLike[str]) -> Iterator[Capture]:
    """Stream the records of a capture file, one at a time (memory stays flat).

    A last line without its newline is a record whose write was cut short by a kill; it
    was never answered and is skipped.
    """
    with Path(path).open("r", encoding="utf-8") as stream:
        for line in stream:
            if not line.endswith("\n"):
                return
            if line.strip():
                yield Capture.from_json(line)
