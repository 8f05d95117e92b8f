"""The loopback SES endpoint: :class:`Endpoint`, the layers put together.

The endpoint is three layers (docs/architecture.md#the-endpoint-in-layers), which this module
only assembles:

* the transport (:mod:`sesspec.serve.transport`): sockets, TLS, the limits below, deadlines,
  the connection cap and the accept loop's backoff; it knows no SES action;
* the SES application (:mod:`sesspec.serve.app`): each request answered like SES would
  (docs/spec.md#resp) from the request, the state (:class:`~sesspec.serve.state.SesState`) and
  the mode (``strict``), recorded in the capture log (:class:`~sesspec.serve.capture.CaptureLog`)
  first; it opens no socket;
* the endpoint's own routes (:mod:`sesspec.serve.admin`): ``/_aws/ses`` and ``/_sesspec/``, never
  recorded or checked, picked by path (:class:`~sesspec.serve.exchange.Router`).

With a state (``state=True``, ``sandbox=``, ``state_dir=``, or a state of your own; ``sesspec
serve`` and the ``ses_endpoint`` fixture always have one) the endpoint is a local SES; without
one every known action gets the canned answer.

The limits: every size is checked before it is read (:data:`DEFAULT_MAX_HEAD`,
:data:`DEFAULT_MAX_BODY`, at most :data:`MAX_HEAD_LIMIT` and :data:`MAX_BODY_LIMIT`), a request
must arrive within ``timeout`` seconds of its first byte (:data:`DEFAULT_TIMEOUT`, at most
:data:`MAX_TIMEOUT`), at most ``max_connections`` connections are served at once
(:func:`~sesspec.serve.transport.default_max_connections`, at most :data:`MAX_CONNECTIONS_LIMIT`).

The endpoint only ever binds 127.0.0.1.
"""

from __future__ import annotations

import logging
import math
import os
from collections import Counter, deque
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from sesspec.serve import admin
from sesspec.serve.admin import AdminApplication
from sesspec.serve.app import Mode, SesApplication
from sesspec.serve.capture import CaptureLog
from sesspec.serve.exchange import Limits, Router
from sesspec.serve.helpers import EndpointHelpers
from sesspec.serve.mailbox import DEFAULT_MAX_MESSAGES
from sesspec.serve.sites import API_SITES, SES_HOSTNAMES
from sesspec.serve.state import SesState, StateError, UnreadableStateError
from sesspec.serve.strict import StrictChecker
from sesspec.serve.transport import (
    BACKLOG,
    DEFAULT_MAX_CONNECTIONS,
    EndpointStartError,
    Transport,
    default_max_connections,
    reason,
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


#: Largest body read (bytes): SES v1 takes 10 MB after base64, plus form overhead (f).
DEFAULT_MAX_BODY = 16 * 1024 * 1024
#: Largest head read (request line and header lines), and the most chunk framing (sizes,
#: extensions, trailers) a chunked body may carry besides its data.
DEFAULT_MAX_HEAD = 64 * 1024
#: Seconds a request may take from its first byte to its last, and a connection may stay idle.
DEFAULT_TIMEOUT = 30.0
#: The most each option may be set to: a body held in memory, a head, threads, and a timeout
#: the socket layer can take (a larger one overflows ``settimeout``).
MAX_BODY_LIMIT = 1024 * 1024 * 1024
MAX_HEAD_LIMIT = 1024 * 1024
MAX_CONNECTIONS_LIMIT = 4096
MAX_TIMEOUT = 24 * 3600.0

_log = logging.getLogger("sesspec.serve")


def _make_state(
    state: SesState | bool,
    sandbox: bool | None,
    state_dir: str | os.PathLike[str] | None,
    max_messages: int | None,
    *,
    skip_unreadable: bool = False,
) -> SesState | None:
    """The endpoint's state as :class:`Endpoint` documents it; :class:`EndpointStartError`
    (``what="state-dir"``) when ``state_dir`` cannot be made or used: in use by another process,
    or holding a record that cannot be read back (unless ``skip_unreadable``)."""
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
            skip_unreadable=skip_unreadable,
        )
    except OSError as exc:
        msg = f"cannot use the state folder {state_dir}: {reason(exc)}"
        raise EndpointStartError(msg, what="state-dir") from exc
    except UnreadableStateError as exc:
        msg = f"{exc} (start with --skip-unreadable to keep it aside and go on without it)"
        raise EndpointStartError(msg, what="state-dir") from exc
    except StateError as exc:
        raise EndpointStartError(str(exc), what="state-dir") from exc


class Endpoint(EndpointHelpers):
    """The loopback SES endpoint; a context manager that serves in background threads.

    With a state, it has the ``ses_endpoint`` fixture's helpers
    (:class:`~sesspec.serve.helpers.EndpointHelpers`): ``boto3_kwargs()``, ``messages(...)``,
    ``assert_sent(...)``, ``assert_not_sent(...)``, ``clear()``, ``reset()``, ``sandbox``,
    ``verify(...)``, ``captures()``, ``findings()``, ``assert_conformant()``, ``inbox_url``.

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
    ``skip_unreadable``: a record of ``state_dir`` that cannot be read back is kept aside and
    the endpoint starts without it (else :class:`EndpointStartError` names it). A state the
    endpoint made is closed when it stops (its folder's lock given up).
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
        backlog: int = BACKLOG,
        strict: bool = False,
        state: SesState | bool = False,
        sandbox: bool | None = None,
        state_dir: str | os.PathLike[str] | None = None,
        max_messages: int | None = None,
        sync: Literal["batched", "each"] = "batched",
        skip_unreadable: bool = False,
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
        #: How requests are judged (``strict``, or a ``strict_checker`` of your own).
        self.mode = Mode(strict, strict_checker)
        self.strict_checker = strict_checker
        self.strict = strict
        self.sync: Literal["batched", "each"] = sync
        #: The local SES account the endpoint answers from (None: canned answers only).
        self.state: SesState | None = _make_state(
            state, sandbox, state_dir, max_messages, skip_unreadable=skip_unreadable
        )
        self._owns_state = self.state is not None and self.state is not state
        self._requested_port = port
        self._backlog = backlog
        self._ca_path_arg = Path(ca_path) if ca_path is not None else None
        self._log: CaptureLog | None = None
        #: The transport serving the endpoint (made by :meth:`start`).
        self.transport: Transport | None = None

    # -- what the helpers stand on ---------------------------------------------------------

    def _ses_state(self) -> SesState:
        if self.state is None:
            msg = "this endpoint keeps no state (canned answers): Endpoint(..., state=True)"
            raise ValueError(msg)
        return self.state

    def _client_target(self) -> tuple[str, str | None]:
        ca = self.ca_path
        return self.url, None if ca is None else str(ca)

    def _capture_file(self) -> Path:
        return self.capture_path

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    @property
    def port(self) -> int:
        """The port listened on (0 before :meth:`start`)."""
        return 0 if self.transport is None else self.transport.port

    @property
    def ca_path(self) -> Path | None:
        """The throwaway CA's certificate (HTTPS, once started)."""
        return None if self.transport is None else self.transport.ca_path

    @property
    def tls_failures(self) -> deque[str]:
        """The latest TLS handshake failures (the last 100)."""
        return deque() if self.transport is None else self.transport.tls_failures

    @property
    def tls_failure_count(self) -> int:
        """How many TLS handshakes failed in all."""
        return 0 if self.transport is None else self.transport.tls_failure_count

    @property
    def accept_errors(self) -> Counter[str]:
        """Accept errors met (EMFILE, ECONNABORTED, ...), by errno name; each was survived."""
        return Counter() if self.transport is None else self.transport.accept_errors

    @property
    def last_seq(self) -> int:
        """The sequence number of the latest request received (before the first: the highest
        in the capture file, 0 for a new file)."""
        return 0 if self._log is None else self._log.last_seq

    @property
    def capture_count(self) -> int:
        return 0 if self._log is None else self._log.count

    def start(self) -> Self:
        """Open the capture file, write the CA, bind and listen. :class:`EndpointStartError`
        says which of them failed (a folder as the capture file, a port in use), with nothing
        left open."""
        try:
            log = CaptureLog(self.capture_path, sync=self.sync)
        except OSError as exc:
            self._close_state()
            msg = f"cannot open the capture file {self.capture_path}: {reason(exc)}"
            raise EndpointStartError(msg, what="capture") from exc
        if log.torn_bytes:
            _log.warning(
                "cut %d bytes of a record torn by a kill (never answered) off the end of %s",
                log.torn_bytes,
                self.capture_path,
            )
        limits = Limits(
            max_head=self.max_head,
            max_body=self.max_body,
            timeout=self.timeout,
            max_connections=self.max_connections,
        )
        ses = SesApplication(
            state=self.state, recorder=log, limits=limits, mode=self.mode, sites=API_SITES
        )
        own = AdminApplication(
            state=self.state, endpoint_url=lambda: self.url, strict=self.mode.judges
        )
        transport = Transport(
            Router(ses, [(admin.claims, own)]),
            limits=limits,
            tls=self.tls,
            tls_names=SES_HOSTNAMES,
            port=self._requested_port,
            backlog=self._backlog,
            ca_path=self._ca_path_arg,
        )
        try:
            transport.start()
        except BaseException:
            log.close()
            self._close_state()
            raise
        if self.state is not None:
            for note in self.state.load_notes:
                _log.warning("state: %s", note)
        self._log = log
        self.transport = transport
        return self

    def stop(self) -> None:
        if self.transport is not None:
            self.transport.stop()
        self._close_state()  # every change is on disk already; the folder's lock goes
        if self._log is not None:
            self._log.close()

    def _close_state(self) -> None:
        if self.state is not None and self._owns_state:
            self.state.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
