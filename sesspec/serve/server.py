"""The loopback SES endpoint: a threaded HTTP/1.1 server that records every request byte.

It reads the socket itself instead of using ``http.server``, because the record must hold
the header lines exactly as sent (case, order, duplicates, whitespace) and the body exactly
as framed. Only enough of the head is parsed to find the end of the message
(``Content-Length`` or ``Transfer-Encoding: chunked``, RFC 9112 section 6), to honour
``Expect: 100-continue`` (RFC 9110 section 10.1.1) and ``Connection`` (RFC 9112 section 9.3).

Every request is answered like SES would (spec-notes (e)): the action comes from the form
body (POST) or the query (GET), decoded leniently with :func:`sesspec.encoding.form_decode`;
a missing ``Action`` is ``MissingAction``, an unknown one ``InvalidAction`` (GUIDE-ERR).
Requests the endpoint refuses for its own limits (head or body too large, read timeout,
broken framing) are still recorded, with a note saying why.

The endpoint only ever binds 127.0.0.1 (issue 4: "Binds 127.0.0.1 only").
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import trustme

from sesspec.encoding import form_decode
from sesspec.serve.capture import Capture, CaptureLog
from sesspec.serve.responses import SesError, error_body, operation_names, success_body

__all__ = ["SES_HOSTNAMES", "Endpoint", "StrictChecker"]


def __dir__() -> list[str]:
    return __all__


#: ``strict_checker(capture) -> errors``: the capture carries the raw bytes
#: (``capture.request()`` gives the parsed ``RawRequest``), the arrival time and the local
#: port the checker needs; an empty list lets the request through.
StrictChecker = Callable[[Capture], Sequence[SesError]]

#: Regions with an SES v1 endpoint (botocore ``endpoints.json``, spec-notes a6).
_REGIONS = (
    "af-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-5",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "us-gov-east-1",
    "us-gov-west-1",
)

#: Names a client may put in Host/SNI when it keeps the real SES host (clients-howto).
SES_HOSTNAMES = (
    "email.amazonaws.com",
    *(f"email.{r}.amazonaws.com" for r in _REGIONS),
    *(f"email-fips.{r}.amazonaws.com" for r in _REGIONS),
)

_DEFAULT_MAX_BODY = 16 * 1024 * 1024  # SES v1: 10 MB after base64, plus form overhead (f)
_DEFAULT_MAX_HEAD = 64 * 1024
_READ_SIZE = 65536
_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}


class _ClosedError(Exception):
    """The peer closed the connection or the endpoint is stopping."""


@dataclass(slots=True)
class _Head:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]

    def values(self, name: str) -> list[str]:
        lowered = name.lower()
        return [v for n, v in self.headers if n.lower() == lowered]


@dataclass(slots=True)
class _Incoming:
    raw: bytes
    head_length: int
    body: bytes
    received_at_ns: int
    head: _Head | None
    notes: list[str] = field(default_factory=list)
    refusal: SesError | None = None
    keep_alive: bool = True


def _parse_head(data: bytes) -> _Head | None:
    """Just enough of RFC 9112 section 3/5 to frame the message; None if not HTTP/1.x."""
    text = data.decode("latin-1")
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            return None
        headers.append((name, value.strip(" \t")))
    return _Head(parts[0], parts[1], parts[2], headers)


class _Connection:
    """Reads requests off one (possibly TLS) socket, keeping every byte."""

    def __init__(self, sock: socket.socket, endpoint: Endpoint) -> None:
        self.sock = sock
        self.endpoint = endpoint
        self.buffer = bytearray()

    def _fill(self) -> None:
        chunk = self.sock.recv(_READ_SIZE)
        if not chunk:
            raise _ClosedError
        self.buffer += chunk

    def read(self) -> _Incoming | None:
        """The next request, or None when the peer closed (or idled out) between requests."""
        ep = self.endpoint
        started = time.time_ns() if self.buffer else 0
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(self.buffer) > ep.max_head:
                return self._refuse_partial(
                    started,
                    "head-too-large",
                    SesError(
                        "RequestHeaderSectionTooLarge",
                        f"Request header section exceeds {ep.max_head} bytes",
                        431,
                    ),
                    limit=ep.max_head,
                )
            try:
                self._fill()
            except TimeoutError:
                if not self.buffer:
                    return None
                return self._refuse_partial(
                    started, "timeout-in-head", SesError("RequestTimeout", "Timed out", 408)
                )
            except _ClosedError:
                if not self.buffer:
                    return None
                return self._refuse_partial(
                    started,
                    "incomplete-head",
                    SesError("MalformedHTTPRequest", "Connection closed mid-head", 400),
                )
            if not started:
                started = time.time_ns()
        head_length = end + 4
        if head_length > ep.max_head:
            return self._refuse_partial(
                started,
                "head-too-large",
                SesError("RequestHeaderSectionTooLarge", "Header section too long.", 431),
                limit=ep.max_head,
            )
        head = _parse_head(bytes(self.buffer[:end]))
        if head is None:
            return self._refuse_partial(
                started,
                "not-http",
                SesError("MalformedHTTPRequest", "Not an HTTP/1.x request", 400),
                limit=head_length,
            )
        incoming = _Incoming(b"", head_length, b"", started, head)
        connection = ",".join(head.values("connection")).lower()
        if head.version == "HTTP/1.0":
            incoming.keep_alive = "keep-alive" in connection
        else:
            incoming.keep_alive = "close" not in connection
        self._read_body(incoming)
        return incoming

    def _refuse_partial(
        self, started: int, note: str, error: SesError, *, limit: int | None = None
    ) -> _Incoming:
        kept = bytes(self.buffer if limit is None else self.buffer[:limit])
        self.buffer.clear()
        head_end = kept.find(b"\r\n\r\n")
        head_length = head_end + 4 if head_end >= 0 else len(kept)
        head = _parse_head(kept[: head_length - 4]) if head_end >= 0 else None
        return _Incoming(
            kept,
            head_length,
            kept[head_length:],
            started or time.time_ns(),
            head,
            [note],
            error,
            keep_alive=False,
        )

    def _expect_continue(self, incoming: _Incoming) -> None:
        head = incoming.head
        assert head is not None
        expect = [v.lower() for v in head.values("expect")]
        if "100-continue" in expect and head.version == "HTTP/1.1":
            incoming.notes.append("expect-100-continue")
            if len(self.buffer) == incoming.head_length:
                self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                incoming.notes.append("sent-100-continue")

    def _read_body(self, incoming: _Incoming) -> None:
        head = incoming.head
        assert head is not None
        ep = self.endpoint
        codings = ",".join(head.values("transfer-encoding")).lower()
        lengths = {v.strip() for v in head.values("content-length")}
        try:
            if codings.strip():
                if not codings.replace(" ", "").endswith("chunked"):
                    self._finish_refused(
                        incoming,
                        "unsupported-transfer-encoding",
                        SesError("MalformedHTTPRequest", f"Transfer-Encoding {codings!r}", 400),
                    )
                    return
                incoming.notes.append("chunked")
                if lengths:
                    incoming.notes.append("content-length-with-chunked")
                self._expect_continue(incoming)
                self._read_chunked(incoming)
                return
            if len(lengths) > 1 or (lengths and not next(iter(lengths)).isdigit()):
                self._finish_refused(
                    incoming,
                    "bad-content-length",
                    SesError("MalformedHTTPRequest", f"Content-Length {sorted(lengths)}", 400),
                )
                return
            length = int(next(iter(lengths))) if lengths else 0
            if len(head.values("content-length")) > 1:
                incoming.notes.append("duplicate-content-length")
            if length > ep.max_body:
                self._finish_refused(
                    incoming,
                    f"body-too-large: Content-Length {length} > {ep.max_body}",
                    SesError(
                        "RequestEntityTooLarge",
                        f"Request body of {length} bytes exceeds {ep.max_body}",
                        413,
                    ),
                )
                return
            if length:
                self._expect_continue(incoming)
            total = incoming.head_length + length
            while len(self.buffer) < total:
                self._fill()
            incoming.raw = bytes(self.buffer[:total])
            incoming.body = incoming.raw[incoming.head_length :]
            del self.buffer[:total]
        except TimeoutError:
            self._finish_refused(incoming, "timeout-in-body", SesError("RequestTimeout", "", 408))
        except _ClosedError:
            self._finish_refused(
                incoming,
                "incomplete-body",
                SesError("MalformedHTTPRequest", "Connection closed mid-body", 400),
            )

    def _finish_refused(self, incoming: _Incoming, note: str, error: SesError) -> None:
        """Record what arrived (capped at the limits) and close after answering."""
        ep = self.endpoint
        kept = bytes(self.buffer[: incoming.head_length + ep.max_body])
        self.buffer.clear()
        incoming.raw = kept
        incoming.body = kept[incoming.head_length :]
        incoming.notes.append(note)
        incoming.refusal = error
        incoming.keep_alive = False

    def _read_line(self, pos: int) -> int:
        """Index just past the next CRLF at or after ``pos`` (reading more as needed)."""
        while True:
            idx = self.buffer.find(b"\r\n", pos)
            if idx >= 0:
                return idx + 2
            if len(self.buffer) - pos > 4096:
                msg = "chunk line too long"
                raise ValueError(msg)
            self._fill()

    def _read_chunked(self, incoming: _Incoming) -> None:
        """RFC 9112 section 7.1: chunk-size [ext] CRLF data CRLF ... 0 CRLF trailers CRLF."""
        ep = self.endpoint
        pos = incoming.head_length
        body = bytearray()
        try:
            while True:
                line_end = self._read_line(pos)
                size_text = bytes(self.buffer[pos : line_end - 2]).split(b";", 1)[0].strip()
                size = int(size_text, 16)
                pos = line_end
                if size == 0:
                    while True:  # trailer section, ends with an empty line
                        line_end = self._read_line(pos)
                        empty = line_end - pos == 2
                        pos = line_end
                        if empty:
                            break
                    break
                if len(body) + size > ep.max_body:
                    self._finish_refused(
                        incoming,
                        f"body-too-large: chunked body > {ep.max_body}",
                        SesError("RequestEntityTooLarge", f"Body exceeds {ep.max_body}", 413),
                    )
                    return
                while len(self.buffer) < pos + size + 2:
                    self._fill()
                body += self.buffer[pos : pos + size]
                if self.buffer[pos + size : pos + size + 2] != b"\r\n":
                    msg = "chunk data not followed by CRLF"
                    raise ValueError(msg)
                pos += size + 2
        except ValueError as exc:
            self._finish_refused(
                incoming,
                f"bad-chunked-framing: {exc}",
                SesError("MalformedHTTPRequest", "Bad chunked framing", 400),
            )
            return
        incoming.raw = bytes(self.buffer[:pos])
        incoming.body = bytes(body)
        del self.buffer[:pos]


def _action_of(head: _Head | None, body: bytes) -> str | None:
    """``Action`` from the form body, else from the query (GUIDE-REQ; spec-notes (b))."""
    if head is None:
        return None
    if body:
        with contextlib.suppress(ValueError):
            for name, value in form_decode(body):
                if name == "Action":
                    return value
    query = urlsplit(head.target).query
    if query:
        with contextlib.suppress(ValueError):
            for name, value in form_decode(query):
                if name == "Action":
                    return value
    return None


def _response(status: int, body: bytes, *, request_id: str, keep_alive: bool) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        f"x-amzn-RequestId: {request_id}\r\n"
        "Content-Type: text/xml\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Date: {formatdate(usegmt=True)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("ascii") + body


class Endpoint:
    """The loopback SES endpoint; a context manager that serves in background threads.

    >>> with Endpoint("captures.jsonl") as ep:  # doctest: +SKIP
    ...     boto3.client("ses", endpoint_url=ep.url, verify=ep.ca_path, ...)
    """

    def __init__(
        self,
        capture_path: str | os.PathLike[str],
        *,
        tls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body: int = _DEFAULT_MAX_BODY,
        max_head: int = _DEFAULT_MAX_HEAD,
        timeout: float = 30.0,
        strict_checker: StrictChecker | None = None,
        ca_path: str | os.PathLike[str] | None = None,
        backlog: int = 512,
    ) -> None:
        if host not in ("127.0.0.1", "localhost"):
            msg = f"the endpoint binds 127.0.0.1 only, not {host!r}"
            raise ValueError(msg)
        self.capture_path = Path(capture_path)
        self.tls = tls
        self.max_body = max_body
        self.max_head = max_head
        self.timeout = timeout
        self.strict_checker = strict_checker
        self._requested_port = port
        self._backlog = backlog
        self._ca_path_arg = Path(ca_path) if ca_path is not None else None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.ca_path: Path | None = None
        self._ssl: ssl.SSLContext | None = None
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._log: CaptureLog | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._next_conn = 0
        self.port = 0
        self.tls_failures: list[str] = []
        self._known_actions = frozenset(operation_names())

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    @property
    def last_seq(self) -> int:
        """The sequence number of the latest request received (0 before the first)."""
        return 0 if self._log is None else self._log.last_seq

    @property
    def capture_count(self) -> int:
        return 0 if self._log is None else self._log.count

    def _make_tls(self) -> None:
        ca = trustme.CA(organization_name="sesspec throwaway test CA")
        leaf = ca.issue_cert("localhost", "127.0.0.1", "::1", *SES_HOSTNAMES)
        if self._ca_path_arg is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="sesspec-ca-")
            self.ca_path = Path(self._tmpdir.name) / "ca.pem"
        else:
            self.ca_path = self._ca_path_arg
            self.ca_path.parent.mkdir(parents=True, exist_ok=True)
        ca.cert_pem.write_to_path(str(self.ca_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        leaf.configure_cert(context)
        context.sni_callback = self._on_sni
        self._ssl = context

    def _on_sni(
        self, sslobj: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _ctx: ssl.SSLContext
    ) -> None:
        with contextlib.suppress(AttributeError):
            sslobj.sesspec_server_name = server_name  # type: ignore[union-attr]

    def start(self) -> Self:
        if self.tls:
            self._make_tls()
        self._log = CaptureLog(self.capture_path)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._requested_port))
        listener.listen(self._backlog)
        listener.settimeout(0.2)
        self._listener = listener
        self.port = int(listener.getsockname()[1])
        self._thread = threading.Thread(
            target=self._accept_loop, name="sesspec-accept", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            workers = list(self._workers)
        for worker in workers:
            worker.join(5)
        if self._log is not None:
            self._log.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- serving --------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                sock, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._next_conn += 1
                conn_id = self._next_conn
                worker = threading.Thread(
                    target=self._serve,
                    args=(sock, conn_id, (str(peer[0]), int(peer[1]))),
                    name=f"sesspec-conn-{conn_id}",
                    daemon=True,
                )
                self._workers.add(worker)
                self._open.add(sock)
            worker.start()

    def _serve(self, sock: socket.socket, conn_id: int, peer: tuple[str, int]) -> None:
        active = sock
        try:
            sock.settimeout(self.timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            local_port = int(sock.getsockname()[1])
            tls_version: str | None = None
            server_name: str | None = None
            if self._ssl is not None:
                try:
                    active = self._ssl.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    self.tls_failures.append(f"connection {conn_id} from {peer}: {exc}")
                    return
                with self._lock:
                    self._open.add(active)
                tls_version = active.version()
                server_name = getattr(active, "sesspec_server_name", None)
            connection = _Connection(active, self)
            number = 0
            while not self._stopping.is_set():
                incoming = connection.read()
                if incoming is None:
                    return
                number += 1
                keep = self._answer(
                    incoming,
                    connection,
                    conn_id=conn_id,
                    number=number,
                    peer=peer,
                    local_port=local_port,
                    tls_version=tls_version,
                    server_name=server_name,
                )
                if not keep:
                    return
        except (OSError, _ClosedError):
            return
        finally:
            with self._lock:
                self._open.discard(sock)
                self._open.discard(active)
                self._workers.discard(threading.current_thread())
            with contextlib.suppress(OSError):
                active.close()

    def _answer(
        self,
        incoming: _Incoming,
        connection: _Connection,
        *,
        conn_id: int,
        number: int,
        peer: tuple[str, int],
        local_port: int,
        tls_version: str | None,
        server_name: str | None,
    ) -> bool:
        assert self._log is not None
        request_id = str(uuid.uuid4())
        action = _action_of(incoming.head, incoming.body)
        seq = self._log.next_seq()

        def record(status: int, notes: Sequence[str]) -> Capture:
            return Capture(
                seq=seq,
                connection_id=conn_id,
                request_in_connection=number,
                received_at=datetime.fromtimestamp(incoming.received_at_ns / 1e9, UTC)
                .isoformat(timespec="microseconds")
                .replace("+00:00", "Z"),
                received_at_ns=incoming.received_at_ns,
                peer=peer,
                local_port=local_port,
                tls=self.tls,
                raw=incoming.raw,
                head_length=incoming.head_length,
                body=incoming.body,
                status=status,
                action=action,
                notes=tuple(notes),
                tls_version=tls_version,
                server_name=server_name,
            )

        error = incoming.refusal
        notes = list(incoming.notes)
        if error is None and self.strict_checker is not None:
            try:
                errors = list(self.strict_checker(record(0, notes)))
            except Exception as exc:  # a checker bug must not kill the endpoint
                notes.append(f"strict-checker-crashed: {exc!r}")
                errors = [SesError("InternalFailure", f"checker failed: {exc!r}", 500, "Receiver")]
            if errors:
                error = errors[0]
                notes.extend(f"strict: {e.code}" for e in errors)
        if error is None:
            if action is None:
                error = SesError("MissingAction", "Missing Action", 400)
            elif action not in self._known_actions:
                error = SesError(
                    "InvalidAction",
                    f"Could not find operation {action} for version 2010-12-01",
                    400,
                )
        if error is None:
            message_id = f"0100019{seq:09d}-{request_id}-000000"
            status = 200
            body = success_body(action or "", request_id=request_id, message_id=message_id)
        else:
            status = error.status
            body = error_body(error, request_id=request_id)
        self._log.append(record(status, notes))
        keep_alive = incoming.keep_alive and not self._stopping.is_set()
        connection.sock.sendall(
            _response(status, body, request_id=request_id, keep_alive=keep_alive)
        )
        return keep_alive
