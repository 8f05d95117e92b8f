"""The loopback SES endpoint: a threaded HTTP/1.1 server that records every request byte.

It reads the socket itself instead of using ``http.server``, because the record must hold
the header lines exactly as sent (case, order, duplicates, whitespace) and the body exactly
as framed. The bytes go into :class:`sesspec.http.RequestReader`, the reader ``sesspec check``
reads requests with, which frames each request (``Content-Length`` or ``Transfer-Encoding:
chunked``, RFC 9112 section 6); the endpoint only moves bytes, keeps the clock, honours
``Expect: 100-continue`` (RFC 9110 section 10.1.1) and ``Connection`` (RFC 9112 section 9.3)
as the reader reports them, and answers.

Every request is answered like SES would (docs/spec.md#resp): the action and its parameters come
from the form body (POST) or the query (GET), decoded leniently with
:func:`sesspec.params.read_params`; a missing ``Action`` is ``MissingAction``, an unknown one
``InvalidAction`` (GUIDE-ERR). Requests the endpoint refuses for its own limits (head or body too
large, read timeout, broken framing) are still recorded, with a note saying why.

With a :class:`~sesspec.serve.state.SesState` (``state=True``, ``sandbox=``, ``state_dir=``, or a
state of your own; ``sesspec serve`` and the ``ses_endpoint`` fixture always have one) the endpoint
is a local SES: the parameters are unflattened (:func:`sesspec.query.unflatten`, the signing
parameters of a presigned URL set aside) and the actions the state answers (identities, templates,
configuration sets, the four sends, quota and statistics) are answered from it, with its result
(:func:`~sesspec.serve.responses.result_body`) or its SES error; a parameter that does not fit the
model is answered with the error the checker's finding maps to (``MissingParameter``,
``InvalidParameterValue``). Every other action keeps the canned answer. Each message a request
stores carries that request and the checker's findings on it
(:func:`~sesspec.serve.capture.capture_findings`, signatures verified with the fixed fake
credentials). Without a state, every known action gets the canned answer (what the conformance
report wants: each scenario answered whatever came before).

``strict=True`` answers a request with an error finding as SES would
(:mod:`sesspec.serve.strict`); the findings are computed once per request, for the verdict and
for the messages it stores.

Two paths are the endpoint's own, not SES requests: they are neither recorded nor checked, and
are served only to a ``Host`` of 127.0.0.1, localhost or [::1] (a DNS-rebinding page cannot read
them): ``/_aws/ses`` (LocalStack's: ``GET`` the stored messages as JSON, filtered by ``?id=`` and
``?email=``; ``DELETE`` them all, or ``?id=`` one; 204) and ``/_sesspec/``, a page listing the
messages with their findings, request and bodies (:mod:`sesspec.serve.inbox`).

It survives its peers. What the reader cannot frame (a ``Content-Length`` that is not 1 to 18
ASCII digits, values that differ, a ``Transfer-Encoding`` other than ``chunked`` alone, a chunk
size that is not hex digits, a header line without a name and colon) is answered 400
``MalformedHTTPRequest``, recorded with a note, and the connection closed; what it can read with
a fault (a bare LF line end) is answered like any request, the fault being the checker's HTTP001.
Every size is checked before it is read (:data:`DEFAULT_MAX_HEAD`, :data:`DEFAULT_MAX_BODY`). A
request must arrive whole within ``timeout`` seconds of its first byte (a deadline, not a limit
per ``recv``, so a byte a second does not hold a thread), at most ``max_connections``
connections are served at once, and the accept loop backs off from
``EMFILE``/``ENFILE`` and skips ``ECONNABORTED`` instead of dying, logging to the
``sesspec.serve`` logger; when the flood is gone it answers again by itself. No connection
thread ends with an exception: a bug of ours is logged and the connection closed.

The endpoint only ever binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import math
import os
import re
import socket
import ssl
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self
from urllib.parse import parse_qsl

from sesspec._extras import deferred_import
from sesspec.check import Finding
from sesspec.encoding import Pairs
from sesspec.errors import EncodingError, HttpParseCause, HttpParseError, SesSpecError
from sesspec.http import Incoming, RawRequest, RequestReader
from sesspec.params import AUTH_PARAMS, read_params
from sesspec.query import unflatten
from sesspec.serve.capture import Capture, CaptureLog, mask_tokens
from sesspec.serve.inbox import render_inbox
from sesspec.serve.mailbox import DEFAULT_MAX_MESSAGES
from sesspec.serve.responses import (
    SesError,
    error_body,
    invalid_parameter_value,
    operation_names,
    result_body,
    success_body,
)
from sesspec.serve.state import STORING_ACTIONS, Origin, SesState
from sesspec.serve.strict import default_findings, errors_from_findings

if TYPE_CHECKING:
    import trustme
else:  # the serve extra, imported for the first HTTPS endpoint (so --help needs no extra)
    trustme = deferred_import(
        "trustme", extra="serve", feature="the HTTPS endpoint's CA", namespace=globals()
    )

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_HEAD",
    "DEFAULT_TIMEOUT",
    "MAX_BODY_LIMIT",
    "MAX_CONNECTIONS_LIMIT",
    "MAX_HEAD_LIMIT",
    "MAX_TIMEOUT",
    "SES_HOSTNAMES",
    "Endpoint",
    "EndpointStartError",
    "StrictChecker",
    "default_max_connections",
]


def __dir__() -> list[str]:
    return __all__


#: ``strict_checker(capture) -> errors``: the capture carries the raw bytes
#: (``capture.request()`` gives the parsed ``RawRequest``), the arrival time and the local
#: port the checker needs; an empty list lets the request through.
StrictChecker = Callable[[Capture], Sequence[SesError]]

#: Regions with an SES v1 endpoint (botocore ``endpoints.json``, docs/spec.md#http-endpoints).
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

#: Largest body read (bytes): SES v1 takes 10 MB after base64, plus form overhead (f).
DEFAULT_MAX_BODY = 16 * 1024 * 1024
#: Largest head read (request line and header lines), and the most chunk framing (sizes,
#: extensions, trailers) a chunked body may carry besides its data.
DEFAULT_MAX_HEAD = 64 * 1024
#: Connections served at once; more wait in the listen backlog. Lowered to the descriptor
#: budget (``RLIMIT_NOFILE`` less :data:`_FD_RESERVE`) when that is smaller.
DEFAULT_MAX_CONNECTIONS = 256
#: Seconds a request may take from its first byte to its last, and a connection may stay idle.
DEFAULT_TIMEOUT = 30.0
#: The most each option may be set to: a body held in memory, a head, threads, and a timeout
#: the socket layer can take (a larger one overflows ``settimeout``).
MAX_BODY_LIMIT = 1024 * 1024 * 1024
MAX_HEAD_LIMIT = 1024 * 1024
MAX_CONNECTIONS_LIMIT = 4096
MAX_TIMEOUT = 24 * 3600.0
#: Descriptors kept for the process itself (stdio, listener, capture file, imports, TLS files).
_FD_RESERVE = 32
_BACKLOG = 512
_READ_SIZE = 65536
#: Accept errors that mean "out of a resource": back off, the peer waits in the backlog.
_EXHAUSTED = frozenset((errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM))
#: Accept errors about one connection (the peer gave up, a firewall said no): try the next.
_TRANSIENT = frozenset(
    (errno.ECONNABORTED, errno.EPROTO, errno.EPERM, errno.EAGAIN, errno.EINTR, errno.ECONNRESET)
)
_BACKOFF_FIRST = 0.05
_BACKOFF_MAX = 1.0
_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}

_log = logging.getLogger("sesspec.serve")


class EndpointStartError(SesSpecError):
    """The endpoint could not start: ``what`` failed (``"capture"`` file, ``"ca"`` file, or
    ``"listen"`` on the port), the message says why (the system's words)."""

    def __init__(self, message: str, *, what: str) -> None:
        super().__init__(message)
        self.what = what


def _refusal(
    error: HttpParseError, *, head_read: bool, max_head: int, timeout: float
) -> tuple[str, SesError]:
    """The capture note and the SES-shaped answer for a request the reader refused (or the
    transport gave up on), decided by the problem's ``cause``, never its text; ``head_read``:
    whether its head had been read."""
    cause = error.cause
    where = "body" if head_read else "head"
    if cause in ("head-size", "header-count"):
        message = f"Request header section exceeds {max_head} bytes ({error.message})"
        return "head-too-large", SesError("RequestHeaderSectionTooLarge", message, 431)
    if cause == "body-size":
        return f"body-too-large: {error.message}", SesError(
            "RequestEntityTooLarge", error.message, 413
        )
    if cause == "timeout":
        message = f"Request not received within {timeout} s"
        return f"timeout-in-{where}", SesError("RequestTimeout", message, 408)
    if cause == "incomplete":
        return f"incomplete-{where}", SesError(
            "MalformedHTTPRequest", f"Connection closed mid-{where}", 400
        )
    note = _REFUSAL_NOTES.get(cause, "malformed") if cause is not None else "malformed"
    return f"{note}: {error.message}", SesError("MalformedHTTPRequest", error.message, 400)


#: The capture note of each kind of unreadable request (by the problem's cause).
_REFUSAL_NOTES: dict[HttpParseCause, str] = {
    "request-line": "not-http",
    "header-line": "bad-header-line",
    "content-length": "bad-content-length",
    "transfer-encoding": "bad-transfer-encoding",
    "chunked": "bad-chunked-framing",
}


@dataclass(frozen=True, slots=True)
class _Received:
    """One request off the socket: what the reader gave, when its first byte came, and (for
    one refused) the note and the answer."""

    incoming: Incoming
    received_at_ns: int
    note: str | None = None
    refusal: SesError | None = None


class _Connection:
    """Moves the bytes of one (possibly TLS) socket into a :class:`sesspec.http.RequestReader`
    and hands on each request it reads: the framing is the reader's, the clock the transport's.

    Each request has a deadline (``timeout`` seconds from its first byte), so a peer that
    sends a byte now and then is cut off when it passes, not when one ``recv`` waits too long;
    a connection with no request under way is closed after ``timeout`` seconds idle.
    """

    def __init__(self, sock: socket.socket, endpoint: Endpoint) -> None:
        self.sock = sock
        self.endpoint = endpoint
        self.reader = RequestReader(
            strict=True,
            max_header_size=endpoint.max_head,
            max_body_size=endpoint.max_body,
        )

    def read(self) -> _Received | None:
        """The next request, or None when the peer closed (or idled out) between requests."""
        ep = self.endpoint
        reader = self.reader
        started = 0
        deadline: float | None = None
        if reader.state in ("head", "body"):  # pipelined: the request began with the last read
            started = time.time_ns()
            deadline = time.monotonic() + ep.timeout
        while True:
            incoming = reader.next_request()
            if incoming is not None:
                return self._received(incoming, started or time.time_ns())
            if reader.state == "closed":
                return None
            if reader.expecting_continue:
                self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                reader.continue_sent()
            if deadline is None:
                self.sock.settimeout(ep.timeout)  # idle, between requests
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
                reader.feed_eof()
                continue
            reader.feed(chunk)
            if not started:
                started = time.time_ns()
                deadline = time.monotonic() + ep.timeout

    def _timed_out(self, started: int) -> _Received:
        message = f"the request did not arrive within {self.endpoint.timeout} s"
        error = HttpParseError(message, offset=0, kind="limit", cause="timeout")
        return self._received(self.reader.refuse(error), started or time.time_ns())

    def _received(self, incoming: Incoming, started: int) -> _Received:
        if incoming.refusal is None:
            return _Received(incoming, started)
        ep = self.endpoint
        note, error = _refusal(
            incoming.refusal,
            head_read=incoming.request is not None,
            max_head=ep.max_head,
            timeout=ep.timeout,
        )
        return _Received(incoming, started, note, error)


def _request_pairs(request: RawRequest | None) -> tuple[str | None, Pairs]:
    """``Action`` and the operation's parameters (:func:`sesspec.params.read_params`: a POST's
    query and form body, a GET's query; GUIDE-REQ, docs/spec.md#param-action), decoded
    leniently; a request past the decoder's limit counts as having none."""
    if request is None:
        return None, []
    try:
        params = read_params(request)
    except EncodingError:
        return None, []
    return params.first("Action"), params.operation


def _response(status: int, body: bytes, *, request_id: str, keep_alive: bool) -> bytes:
    return _http_response(
        status,
        body,
        content_type="text/xml",
        keep_alive=keep_alive,
        extra=f"x-amzn-RequestId: {request_id}\r\n",
    )


_date_cache: tuple[int, str] = (-1, "")


def _http_date() -> str:
    """RFC 9110 ``Date`` of now, made once a second."""
    global _date_cache  # noqa: PLW0603 - a one-entry cache; the tuple is replaced whole
    second = int(time.time())
    cached = _date_cache
    if cached[0] != second:
        cached = _date_cache = (second, formatdate(second, usegmt=True))
    return cached[1]


def _http_response(
    status: int, body: bytes, *, content_type: str, keep_alive: bool, extra: str = ""
) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n{extra}"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Date: {_http_date()}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("ascii") + body


#: The endpoint's own paths (never SES requests; see the module docstring).
_LOCALSTACK_PATH = "/_aws/ses"
_INBOX_PATH = "/_sesspec/"
#: Hosts the endpoint's own paths answer (a DNS-rebinding page names its own host).
_LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?\Z", re.IGNORECASE)
#: Headers of the inbox page: no script at all, styles inline, images only as data: URLs, no
#: plug-ins, frames only from srcdoc (sandboxed, see sesspec.serve.inbox), never framed itself.
_INBOX_HEADERS = (
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cache-Control: no-store\r\n"
)


def _is_internal(target: str) -> bool:
    path = target.partition("?")[0]
    return path == _LOCALSTACK_PATH or path.startswith(("/_aws/ses/", "/_sesspec"))


def _reason(exc: OSError) -> str:
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
    return max(1, min(DEFAULT_MAX_CONNECTIONS, soft - _FD_RESERVE))


def _make_state(
    state: SesState | bool,
    sandbox: bool | None,
    state_dir: str | os.PathLike[str] | None,
    max_messages: int | None,
) -> SesState | None:
    """The endpoint's state as :class:`Endpoint` documents it; :class:`EndpointStartError`
    (``what="state-dir"``) when ``state_dir`` cannot be made or used."""
    options = sandbox is not None or state_dir is not None or max_messages is not None
    if isinstance(state, SesState):
        if options:
            msg = "sandbox, state_dir and max_messages make a state: not with a state given"
            raise ValueError(msg)
        return state
    if not (state or options):
        return None
    try:
        return SesState(
            sandbox=bool(sandbox),
            state_dir=state_dir,
            max_messages=DEFAULT_MAX_MESSAGES if max_messages is None else max_messages,
        )
    except OSError as exc:
        msg = f"cannot use the state folder {state_dir}: {_reason(exc)}"
        raise EndpointStartError(msg, what="state-dir") from exc


class Endpoint:
    """The loopback SES endpoint; a context manager that serves in background threads.

    >>> with Endpoint("captures.jsonl", state=True) as ep:  # doctest: +SKIP
    ...     boto3.client("ses", endpoint_url=ep.url, verify=ep.ca_path, ...)
    ...     ep.state.mailbox.messages(to="b@example.com")

    ``state``: a :class:`~sesspec.serve.state.SesState` to answer from, or True for a new one made
    from ``sandbox`` (SES's sandbox rules), ``state_dir`` (kept across restarts) and
    ``max_messages`` (the most kept, :data:`~sesspec.serve.mailbox.DEFAULT_MAX_MESSAGES` by
    default); giving any of those three also makes one. Without any, the endpoint keeps no state
    and answers every known action with its canned response. ``strict``: answer a request with an
    error finding with the SES error (``strict_checker`` instead: a checker of your own).
    ``sync``: when capture records reach the disk (:class:`~sesspec.serve.capture.CaptureLog`).
    """

    def __init__(
        self,
        capture_path: str | os.PathLike[str],
        *,
        tls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body: int = DEFAULT_MAX_BODY,
        max_head: int = DEFAULT_MAX_HEAD,
        timeout: float = DEFAULT_TIMEOUT,
        max_connections: int | None = None,
        strict_checker: StrictChecker | None = None,
        ca_path: str | os.PathLike[str] | None = None,
        backlog: int = _BACKLOG,
        strict: bool = False,
        state: SesState | bool = False,
        sandbox: bool | None = None,
        state_dir: str | os.PathLike[str] | None = None,
        max_messages: int | None = None,
        sync: Literal["batched", "each"] = "batched",
    ) -> None:
        if host not in ("127.0.0.1", "localhost"):
            msg = f"the endpoint binds 127.0.0.1 only, not {host!r}"
            raise ValueError(msg)
        if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
            msg = f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} s, not {timeout!r}"
            raise ValueError(msg)
        for name, value, low, high in (
            ("port", port, 0, 65535),
            ("max_body", max_body, 1, MAX_BODY_LIMIT),
            ("max_head", max_head, 1, MAX_HEAD_LIMIT),
            ("max_connections", max_connections or 1, 1, MAX_CONNECTIONS_LIMIT),
        ):
            if not low <= value <= high:
                msg = f"{name} must be {low} to {high}, not {value!r}"
                raise ValueError(msg)
        self.capture_path = Path(capture_path)
        self.tls = tls
        self.max_body = max_body
        self.max_head = max_head
        self.timeout = float(timeout)
        #: Connections served at once (given, or the default within the descriptor budget).
        self.max_connections = (
            max_connections if max_connections is not None else default_max_connections()
        )
        if strict and strict_checker is not None:
            msg = "give strict=True or a strict_checker of your own, not both"
            raise ValueError(msg)
        self.strict_checker = strict_checker
        self.strict = strict
        self.sync: Literal["batched", "each"] = sync
        #: The local SES account the endpoint answers from (None: canned answers only).
        self.state: SesState | None = _make_state(state, sandbox, state_dir, max_messages)
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
        self._slots = threading.BoundedSemaphore(self.max_connections)
        self._open: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._next_conn = 0
        self.port = 0
        #: The latest TLS handshake failures (the last 100), and how many there were in all.
        self.tls_failures: deque[str] = deque(maxlen=100)
        self.tls_failure_count = 0
        #: Accept errors met (EMFILE, ECONNABORTED, ...), by errno name; each was survived.
        self.accept_errors: Counter[str] = Counter()
        self._known_actions = frozenset(operation_names())

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    @property
    def last_seq(self) -> int:
        """The sequence number of the latest request received (before the first: the highest
        in the capture file, 0 for a new file)."""
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
        """Open the capture file, write the CA, bind and listen. :class:`EndpointStartError`
        says which of them failed (a folder as the capture file, a port in use), with nothing
        left open."""
        try:
            log = CaptureLog(self.capture_path, sync=self.sync)
        except OSError as exc:
            msg = f"cannot open the capture file {self.capture_path}: {_reason(exc)}"
            raise EndpointStartError(msg, what="capture") from exc
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if log.torn_bytes:
                _log.warning(
                    "cut %d bytes of a record torn by a kill (never answered) off the end of %s",
                    log.torn_bytes,
                    self.capture_path,
                )
            if self.tls:
                try:
                    self._make_tls()
                except OSError as exc:
                    msg = f"cannot write the CA file {self.ca_path}: {_reason(exc)}"
                    raise EndpointStartError(msg, what="ca") from exc
            try:
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", self._requested_port))
                listener.listen(self._backlog)
            except OSError as exc:
                msg = f"cannot listen on 127.0.0.1:{self._requested_port}: {_reason(exc)}"
                raise EndpointStartError(msg, what="listen") from exc
        except BaseException:
            listener.close()
            log.close()
            if self._tmpdir is not None:
                self._tmpdir.cleanup()
                self._tmpdir = None
            raise
        listener.settimeout(0.2)
        if self.state is not None:
            for note in self.state.load_notes:
                _log.warning("state: could not read back %s", note)
        self._log = log
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
        if self.state is not None:
            try:
                self.state.flush()
            except OSError as exc:
                _log.error("could not write the state's counts: %s", exc)
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
        """Accept connections until stopped, never dying: at the connection cap the next one
        waits in the backlog; out of descriptors (EMFILE, ENFILE) or buffers, back off and try
        again, so the endpoint answers again by itself once the flood is gone."""
        assert self._listener is not None
        delay = 0.0
        at_cap = False
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=0.2):
                if not at_cap:
                    at_cap = True
                    _log.warning(
                        "%d connections open (the cap): the next wait in the backlog",
                        self.max_connections,
                    )
                continue
            at_cap = False
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
                delay = min(_BACKOFF_MAX, delay * 2 if delay else _BACKOFF_FIRST)
                if delay == _BACKOFF_FIRST or code not in _EXHAUSTED:
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
                self._stopping.wait(_BACKOFF_FIRST)

    def _start_worker(self, sock: socket.socket, peer: object) -> None:
        with self._lock:
            self._next_conn += 1
            conn_id = self._next_conn
            host, port = peer if isinstance(peer, tuple) else ("?", 0)
            worker = threading.Thread(
                target=self._serve,
                args=(sock, conn_id, (str(host), int(port))),
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
            raise

    def _serve(self, sock: socket.socket, conn_id: int, peer: tuple[str, int]) -> None:
        """One connection's requests, in turn; whatever happens, the thread ends cleanly, the
        socket is closed and the connection's slot is given back."""
        active = sock
        try:
            sock.settimeout(self.timeout)  # the TLS handshake is one deadline (CPython _ssl)
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
                tls_version = active.version()
                server_name = getattr(active, "sesspec_server_name", None)
            connection = _Connection(active, self)
            number = 0
            while not self._stopping.is_set():
                received = connection.read()
                if received is None:
                    return
                number += 1
                keep = self._answer(
                    received,
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
            self._slots.release()

    def _tls_failed(self, what: str) -> None:
        with self._lock:
            self.tls_failures.append(what)
            self.tls_failure_count += 1
            count = self.tls_failure_count
        if count <= 10 or count % 1000 == 0:
            _log.info("TLS handshake failed (%d so far): %s", count, what)

    def _answer(
        self,
        received: _Received,
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
        incoming = received.incoming
        request = incoming.request
        if received.refusal is None and request is not None and _is_internal(request.target):
            return self._internal(incoming, connection, request)
        request_id = str(uuid.uuid4())
        action, pairs = _request_pairs(request)
        seq = self._log.next_seq()
        received_ns = received.received_at_ns
        arrived = datetime.fromtimestamp(received_ns / 1e9, UTC)
        received_at = arrived.isoformat(timespec="microseconds").replace("+00:00", "Z")

        def record(status: int, notes: Sequence[str]) -> Capture:
            return Capture(
                seq=seq,
                connection_id=conn_id,
                request_in_connection=number,
                received_at=received_at,
                received_at_ns=received_ns,
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

        error = received.refusal
        notes = list(incoming.notes)
        if received.note is not None:
            notes.append(received.note)
        judged: list[Finding] | None = None

        def findings() -> list[Finding]:
            """The checker's findings on this request, computed once (the one verdict)."""
            nonlocal judged
            if judged is None:
                judged = default_findings(record(0, notes))
            return judged

        if error is None and (self.strict or self.strict_checker is not None):
            try:
                if self.strict_checker is not None:
                    errors = list(self.strict_checker(record(0, notes)))
                else:
                    errors = errors_from_findings(findings())
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
        body = b""
        if error is None and action is not None:
            state = self.state
            if state is not None and state.handles(action):
                body, error = self._from_state(
                    state,
                    action,
                    pairs,
                    received=arrived,
                    request_id=request_id,
                    incoming=incoming,
                    seq=seq,
                    findings=findings,
                    notes=notes,
                )
            else:
                message_id = f"0100019{seq:09d}-{request_id}-000000"
                body = success_body(action, request_id=request_id, message_id=message_id)
        if error is None:
            status = 200
        else:
            status = error.status
            body = error_body(error, request_id=request_id)
        keep_alive = incoming.keep_alive and not self._stopping.is_set()
        try:
            self._log.append(record(status, notes))
        except OSError as exc:  # disk full, ...: never answer what is not recorded as such
            _log.error("could not record request %d: %s", seq, exc)
            status, keep_alive = 500, False
            failed = SesError("InternalFailure", "The request could not be recorded", 500)
            body = error_body(failed, request_id=request_id)
        connection.sock.settimeout(self.timeout)  # the answer's own deadline (sendall: total)
        connection.sock.sendall(
            _response(status, body, request_id=request_id, keep_alive=keep_alive)
        )
        return keep_alive

    def _from_state(
        self,
        state: SesState,
        action: str,
        pairs: Pairs,
        *,
        received: datetime,
        request_id: str,
        incoming: Incoming,
        seq: int,
        findings: Callable[[], list[Finding]],
        notes: list[str],
    ) -> tuple[bytes, SesError | None]:
        """The state's answer to ``action``: the response body, or the SES error."""
        try:
            params = unflatten([(n, v) for n, v in pairs if n not in AUTH_PARAMS]).params
        except ExceptionGroup as group:
            return b"", _param_error(findings(), group)
        origin = None
        if action in STORING_ACTIONS:
            # The stored message keeps the request as the capture file does: tokens masked.
            head, body = mask_tokens(incoming.raw[: incoming.head_length], incoming.body)
            origin = Origin(
                seq=seq, head=head, body=body, findings=tuple(f.as_dict() for f in findings())
            )
        try:
            reply = state.handle(action, params, now=received, origin=origin)
            if reply.error is not None:
                return b"", reply.error
            return result_body(action, reply.result, request_id=request_id), None
        except Exception as exc:  # a bug of ours: logged, answered as SES answers its own
            _log.exception("the state failed on request %d (%s)", seq, action)
            notes.append(f"state-crashed: {exc!r}")
            return b"", SesError("InternalFailure", f"state failed: {exc!r}", 500, "Receiver")

    # -- the endpoint's own paths ------------------------------------------------------------

    def _internal(self, incoming: Incoming, connection: _Connection, head: RawRequest) -> bool:
        """Answer ``/_aws/ses`` or ``/_sesspec/`` (never recorded or checked)."""
        keep_alive = incoming.keep_alive and not self._stopping.is_set()
        status, content_type, body, extra = self._internal_answer(head)
        answer = _http_response(
            status, body, content_type=content_type, keep_alive=keep_alive, extra=extra
        )
        if head.method == "HEAD":  # RFC 9110 section 9.3.2: GET's head, no content
            answer = answer[: len(answer) - len(body)]
        connection.sock.settimeout(self.timeout)
        connection.sock.sendall(answer)
        return keep_alive

    def _internal_answer(self, head: RawRequest) -> tuple[int, str, bytes, str]:
        """status, content type, body and extra header lines for one of the endpoint's paths."""
        path, _, query_text = head.target.partition("?")
        hosts = head.header_all("host")
        if len(hosts) != 1 or not _LOCAL_HOST.match(hosts[0]):
            return _json_answer(403, {"error": "the endpoint's own paths answer Host 127.0.0.1"})
        state = self.state
        if state is None:
            return _json_answer(
                404, {"error": "this endpoint keeps no state (canned answers): no messages"}
            )
        query: dict[str, str] = {}
        with contextlib.suppress(ValueError):
            query = dict(parse_qsl(query_text, max_num_fields=100))
        method = "GET" if head.method == "HEAD" else head.method
        if path == _LOCALSTACK_PATH:
            if method == "GET":
                found = state.mailbox.localstack(id=query.get("id"), email=query.get("email"))
                return _json_answer(200, found)
            if method == "DELETE":
                message_id = query.get("id")
                removed = state.mailbox.clear(message_id or None)
                if message_id and not removed:
                    return _json_answer(404, {"error": f"no message with id {message_id!r}"})
                return 204, "application/json", b"", ""
            return _json_answer(405, {"error": f"{method} is not GET or DELETE"})
        if path in ("/_sesspec", _INBOX_PATH):
            if method != "GET":
                return _json_answer(405, {"error": f"{method} is not GET"})
            page = render_inbox(
                state,
                email=query.get("email") or None,
                message_id=query.get("id") or None,
                limit=query.get("limit"),
                endpoint_url=self.url,
                strict=self.strict or self.strict_checker is not None,
            )
            return 200, "text/html; charset=utf-8", page, _INBOX_HEADERS
        return _json_answer(404, {"error": f"no such path: {path[:100]}"})


def _json_answer(status: int, value: Any) -> tuple[int, str, bytes, str]:
    return status, "application/json", json.dumps(value).encode("utf-8"), ""


def _param_error(findings: Sequence[Finding], group: ExceptionGroup[Any]) -> SesError:
    """The SES error for parameters that do not fit the model: the one the checker's first
    parameter finding maps to (:func:`~sesspec.serve.strict.errors_from_findings`)."""
    errors = errors_from_findings([f for f in findings if f.rule.startswith("PARAM")])
    if errors:
        return errors[0]
    first = group.exceptions[0]
    return invalid_parameter_value(str(first))
