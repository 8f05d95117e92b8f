"""The endpoint's transport: sockets, TLS, limits, deadlines and backoff; no SES in it.

It reads the socket itself instead of using ``http.server``, because the record must hold the
header lines exactly as sent (case, order, duplicates, whitespace) and the body exactly as
framed. The bytes go into :class:`sesspec.http.RequestReader`, the reader ``sesspec check``
reads requests with, which frames each request (``Content-Length`` or ``Transfer-Encoding:
chunked``, RFC 9112 section 6); the transport only moves bytes, keeps the clock, honours
``Expect: 100-continue`` (RFC 9110 section 10.1.1) and ``Connection`` (RFC 9112 section 9.3) as
the reader reports them, hands each request to its :class:`~sesspec.serve.exchange.Application`
as an :class:`~sesspec.serve.exchange.Exchange` and writes the
:class:`~sesspec.serve.exchange.Answer` back. What the request means is the application's.

It survives its peers. Every size is checked before it is read (the
:class:`~sesspec.serve.exchange.Limits`). A request must arrive whole within ``timeout`` seconds
of its first byte (a deadline, not a limit per ``recv``, so a byte a second does not hold a
thread; past it the application is given the request refused with cause ``timeout``), at most
``max_connections`` connections are served at once (when another waits in the listen
backlog, the one waiting longest for a request is closed to let it in,
:mod:`sesspec.serve.seats`, so one peer holding every connection delays no one), and the
accept loop backs off from ``EMFILE``/``ENFILE`` (from :data:`BACKOFF_FIRST`, doubling up to
:data:`BACKOFF_MAX`) and skips ``ECONNABORTED`` instead of dying, logging to the
``sesspec.serve`` logger; when the flood is gone it answers again by itself. No connection thread
ends with an exception: a bug (of the application's too) is logged and the connection closed.

The transport only ever binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import select
import socket
import ssl
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sesspec._extras import deferred_import
from sesspec.errors import HttpParseError, SesSpecError
from sesspec.http import Incoming, RequestReader
from sesspec.serve.exchange import Application, Exchange, Limits
from sesspec.serve.seats import Seat, Seats
from sesspec.serve.writer import AnswerWriter, http_answer, http_stream

if TYPE_CHECKING:
    import trustme
else:  # the serve extra, imported for the first HTTPS endpoint (so --help needs no extra)
    trustme = deferred_import(
        "trustme", extra="serve", feature="the HTTPS endpoint's CA", namespace=globals()
    )

__all__ = [
    "BACKLOG",
    "BACKOFF_FIRST",
    "BACKOFF_MAX",
    "DEFAULT_MAX_CONNECTIONS",
    "FD_RESERVE",
    "EndpointStartError",
    "Transport",
    "default_max_connections",
    "http_answer",
]


def __dir__() -> list[str]:
    return __all__


#: Connections served at once; more wait in the listen backlog. Lowered to the descriptor
#: budget (``RLIMIT_NOFILE`` less :data:`FD_RESERVE`) when that is smaller.
DEFAULT_MAX_CONNECTIONS = 256
#: Descriptors kept for the process itself (stdio, listener, capture file, imports, TLS files).
FD_RESERVE = 32
#: The listen backlog.
BACKLOG = 512
#: The first wait after an accept error, doubled each time up to :data:`BACKOFF_MAX` seconds.
BACKOFF_FIRST = 0.05
BACKOFF_MAX = 1.0
_READ_SIZE = 65536
#: Accept errors that mean "out of a resource": back off, the peer waits in the backlog.
_EXHAUSTED = frozenset((errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM))
#: Accept errors about one connection (the peer gave up, a firewall said no): try the next.
_TRANSIENT = frozenset(
    (errno.ECONNABORTED, errno.EPROTO, errno.EPERM, errno.EAGAIN, errno.EINTR, errno.ECONNRESET)
)
_log = logging.getLogger("sesspec.serve")


class EndpointStartError(SesSpecError):
    """The endpoint could not start: ``what`` failed (``"capture"`` file, ``"ca"`` file,
    ``"state-dir"``, or ``"listen"`` on the port), the message says why (the system's words)."""

    def __init__(self, message: str, *, what: str) -> None:
        super().__init__(message)
        self.what = what


def reason(exc: OSError) -> str:
    """The system's words for ``exc`` (``Address already in use``), without the file name."""
    return exc.strerror or str(exc)


def default_max_connections() -> int:
    """:data:`DEFAULT_MAX_CONNECTIONS`, or fewer when the process may not open that many
    descriptors (``RLIMIT_NOFILE`` less a reserve for the process itself), at least 1."""
    try:
        import resource  # noqa: PLC0415 (Unix only)

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return DEFAULT_MAX_CONNECTIONS
    if soft == resource.RLIM_INFINITY:
        return DEFAULT_MAX_CONNECTIONS
    return max(1, min(DEFAULT_MAX_CONNECTIONS, soft - FD_RESERVE))


class _Connection:
    """Moves the bytes of one (possibly TLS) socket into a :class:`sesspec.http.RequestReader`
    and hands on each request it reads: the framing is the reader's, the clock the transport's.

    Each request has a deadline (``timeout`` seconds from its first byte), so a peer that
    sends a byte now and then is cut off when it passes, not when one ``recv`` waits too long;
    a connection with no request under way is closed after ``timeout`` seconds idle.
    """

    def __init__(self, sock: socket.socket, limits: Limits, seat: Seat | None = None) -> None:
        self.sock = sock
        self.limits = limits
        self.seat = seat
        self.reader = RequestReader(
            strict=True, max_header_size=limits.max_head, max_body_size=limits.max_body
        )

    def read(self) -> tuple[Incoming, int] | None:
        """The next request and the time of its first byte, or None when the peer closed (or
        idled out) between requests."""
        timeout = self.limits.timeout
        reader = self.reader
        started = 0
        deadline: float | None = None
        if reader.state in ("head", "body"):  # pipelined: the request began with the last read
            started = time.time_ns()
            deadline = time.monotonic() + timeout
        while True:
            incoming = reader.next_request()
            if incoming is not None:
                return incoming, started or time.time_ns()
            if reader.state == "closed":
                return None
            if reader.expecting_continue:
                self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                reader.continue_sent()
            if deadline is None:
                self.sock.settimeout(timeout)  # idle, between requests
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return self._timed_out(started)
                self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(_READ_SIZE)
            except TimeoutError:
                if reader.state == "idle":
                    return None
                return self._timed_out(started)
            if not chunk:
                if self.seat is not None and self.seat.evicted:  # closed for room (seats)
                    return None if reader.state == "idle" else self._evicted(started)
                reader.feed_eof()
                continue
            reader.feed(chunk)
            if not started:
                started = time.time_ns()
                deadline = time.monotonic() + timeout

    def _evicted(self, started: int) -> tuple[Incoming, int]:
        message = (
            f"the connection was closed to let a newer one in ({self.limits.max_connections} "
            "served at once) before its request arrived"
        )
        error = HttpParseError(message, offset=0, kind="limit", cause="evicted")
        return self.reader.refuse(error), started or time.time_ns()

    def _timed_out(self, started: int) -> tuple[Incoming, int]:
        message = f"the request did not arrive within {self.limits.timeout} s"
        error = HttpParseError(message, offset=0, kind="limit", cause="timeout")
        return self.reader.refuse(error), started or time.time_ns()


class Transport:
    """Serves ``app`` on 127.0.0.1 in background threads under ``limits``: plain HTTP, or HTTPS
    (``tls``) with a throwaway CA for ``tls_names`` written to ``ca_path`` (a temporary file when
    None)."""

    def __init__(
        self,
        app: Application,
        *,
        limits: Limits,
        tls: bool = True,
        tls_names: Sequence[str] = (),
        port: int = 0,
        backlog: int = BACKLOG,
        ca_path: Path | None = None,
    ) -> None:
        self.app = app
        self.limits = limits
        self.tls = tls
        self._tls_names = tuple(tls_names)
        self._requested_port = port
        self._backlog = backlog
        self._ca_path_arg = ca_path
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.ca_path: Path | None = None
        self._ssl: ssl.SSLContext | None = None
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        #: The connections served, and room made for a newcomer at the cap (fair accept).
        self.seats = Seats()
        self._open: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._next_conn = 0
        self._at_cap = False
        self.port = 0
        #: The latest TLS handshake failures (the last 100), and how many there were in all.
        self.tls_failures: deque[str] = deque(maxlen=100)
        self.tls_failure_count = 0
        #: Accept errors met (EMFILE, ECONNABORTED, ...), by errno name; each was survived.
        self.accept_errors: Counter[str] = Counter()

    # -- lifecycle ------------------------------------------------------------------------

    def _make_tls(self) -> None:
        ca = trustme.CA(organization_name="sesspec throwaway test CA")
        leaf = ca.issue_cert("localhost", "127.0.0.1", "::1", *self._tls_names)
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

    def start(self) -> None:
        """Write the CA, bind and listen, start accepting. :class:`EndpointStartError` says
        which failed (``"ca"``, ``"listen"``), with nothing left open."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if self.tls:
                try:
                    self._make_tls()
                except OSError as exc:
                    msg = f"cannot write the CA file {self.ca_path}: {reason(exc)}"
                    raise EndpointStartError(msg, what="ca") from exc
            try:
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", self._requested_port))
                listener.listen(self._backlog)
            except OSError as exc:
                msg = f"cannot listen on 127.0.0.1:{self._requested_port}: {reason(exc)}"
                raise EndpointStartError(msg, what="listen") from exc
        except BaseException:
            listener.close()
            self._cleanup()
            raise
        listener.settimeout(0.2)
        self._listener = listener
        self.port = int(listener.getsockname()[1])
        self._thread = threading.Thread(
            target=self._accept_loop, name="sesspec-accept", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close every connection and wait for their threads."""
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
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    # -- serving --------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        """Accept connections until stopped, never dying: at the connection cap, when one
        waits, the connection waiting longest for a request is closed to let it in
        (:mod:`sesspec.serve.seats`); out of descriptors (EMFILE, ENFILE) or buffers, back off
        and try again, so the endpoint answers again by itself once the flood is gone."""
        assert self._listener is not None
        delay = 0.0
        while not self._stopping.is_set():
            if not self._take_slot():
                continue
            try:
                sock, peer = self._listener.accept()
            except TimeoutError:
                self._slots.release()
                continue
            except OSError as exc:
                self._slots.release()
                if self._stopping.is_set():
                    return
                code = exc.errno or 0
                self.accept_errors[errno.errorcode.get(code, str(code))] += 1
                if code in _TRANSIENT:
                    continue
                if code == errno.EBADF:
                    _log.error("the listening socket is gone (%s): no longer accepting", exc)
                    return
                delay = min(BACKOFF_MAX, delay * 2 if delay else BACKOFF_FIRST)
                if delay == BACKOFF_FIRST or code not in _EXHAUSTED:
                    _log.warning("accept failed (%s): retrying, backing off up to 1 s", exc)
                self._stopping.wait(delay)
                continue
            if delay:
                _log.warning("accepting again after accept errors: %s", dict(self.accept_errors))
                delay = 0.0
            try:
                self._start_worker(sock, peer)
            except Exception as exc:  # no thread left (RuntimeError), ...: drop this one
                self._slots.release()
                with self._lock:
                    self._open.discard(sock)
                sock.close()
                _log.warning("could not serve a connection (%s): closed it", exc)
                self._stopping.wait(BACKOFF_FIRST)

    def _take_slot(self) -> bool:
        """A slot for the next connection. At the cap, wait (0.2 s at most) for a connection in
        the backlog, make room for it and take the slot that frees."""
        if self._slots.acquire(blocking=False):
            self._at_cap = False
            return True
        if not self._at_cap:
            self._at_cap = True
            _log.warning(
                "%d connections open (the cap): the one waiting longest for a request is "
                "closed when another waits",
                self.limits.max_connections,
            )
        listener = self._listener
        try:
            waiting = listener is not None and bool(select.select([listener], [], [], 0.2)[0])
        except (OSError, ValueError):  # closed while stopping
            return False
        if not waiting:
            return False
        if self._slots.acquire(blocking=False):  # one ended meanwhile: no room to make
            return True
        if self.seats.make_room() is not None:
            count = self.seats.evictions
            if count in (1, 10, 100) or count % 1000 == 0:
                _log.warning("%d connections closed at the cap to let newer ones in", count)
        return self._slots.acquire(timeout=0.2)

    def _start_worker(self, sock: socket.socket, peer: object) -> None:
        seat = self.seats.take(sock)
        with self._lock:
            self._next_conn += 1
            conn_id = self._next_conn
            host, port = peer if isinstance(peer, tuple) else ("?", 0)
            worker = threading.Thread(
                target=self._serve,
                args=(sock, seat, conn_id, (str(host), int(port))),
                name=f"sesspec-conn-{conn_id}",
                daemon=True,
            )
            self._workers.add(worker)
            self._open.add(sock)
        try:
            worker.start()
        except BaseException:
            with self._lock:
                self._workers.discard(worker)
            self.seats.leave(seat)
            raise

    def _serve(self, sock: socket.socket, seat: Seat, conn_id: int, peer: tuple[str, int]) -> None:
        """One connection's requests, in turn; whatever happens, the thread ends cleanly, the
        socket is closed and the connection's slot is given back."""
        active = sock
        try:
            sock.settimeout(self.limits.timeout)  # the TLS handshake is one deadline (_ssl)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            local_port = int(sock.getsockname()[1])
            tls_version: str | None = None
            server_name: str | None = None
            if self._ssl is not None:
                try:
                    active = self._ssl.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    self._tls_failed(f"connection {conn_id} from {peer}: {exc}")
                    return
                with self._lock:
                    self._open.add(active)
                self.seats.rewrap(seat, active)
                tls_version = active.version()
                server_name = getattr(active, "sesspec_server_name", None)
            connection = _Connection(active, self.limits, seat)
            number = 0
            while not self._stopping.is_set():
                read = connection.read()
                if read is None:
                    return
                incoming, started = read
                self.seats.answering(seat)
                number += 1
                exchange = Exchange(
                    incoming,
                    started,
                    connection_id=conn_id,
                    number=number,
                    peer=peer,
                    local_port=local_port,
                    tls=self.tls,
                    tls_version=tls_version,
                    server_name=server_name,
                    keep_alive=incoming.keep_alive and not self._stopping.is_set(),
                )
                answer = self.app.answer(exchange)
                keep_alive = answer.keep_alive and not self._stopping.is_set()
                writer = AnswerWriter(active, self.limits.timeout)
                if answer.stream is None:
                    writer.send(http_answer(answer, keep_alive=keep_alive))
                else:
                    request = incoming.request
                    chunked = request is not None and request.version == "HTTP/1.1"
                    keep_alive = keep_alive and chunked
                    for data in http_stream(answer, keep_alive=keep_alive, chunked=chunked):
                        writer.send(data)
                if not keep_alive:
                    return
                self.seats.waiting(seat)
        except OSError:
            return
        except Exception:  # a bug of ours: logged, and the endpoint goes on
            _log.exception("connection %d from %s failed", conn_id, peer)
        finally:
            with self._lock:
                self._open.discard(sock)
                self._open.discard(active)
                self._workers.discard(threading.current_thread())
            with contextlib.suppress(OSError):
                active.close()
            self.seats.leave(seat)
            self._slots.release()

    def _tls_failed(self, what: str) -> None:
        with self._lock:
            self.tls_failures.append(what)
            self.tls_failure_count += 1
            count = self.tls_failure_count
        if count <= 10 or count % 1000 == 0:
            _log.info("TLS handshake failed (%d so far): %s", count, what)
