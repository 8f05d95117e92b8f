"""What passes between the endpoint's transport and its applications: one request in, one
answer out.

The endpoint is three layers (docs/architecture.md#the-endpoint-in-layers):

* the **transport** (:mod:`sesspec.serve.transport`) owns the sockets: it accepts, reads bytes
  into :class:`sesspec.http.RequestReader` under the :class:`Limits`, hands each request on as an
  :class:`Exchange` and writes the :class:`Answer` back; it knows no SES action;
* an **application** (:class:`Application`) turns an exchange into an answer and opens no
  socket: SES Classic's Query API (:mod:`sesspec.serve.app`), the endpoint's own routes
  (:mod:`sesspec.serve.admin`), and any other API served from the same state;
* a :class:`Router` picks the application of each request by its path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sesspec.http import Incoming, RawRequest

__all__ = ["Answer", "Application", "Exchange", "Limits", "Router"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Limits:
    """The sizes and times the transport reads a request under (see :mod:`sesspec.serve.server`
    for their defaults and bounds): the largest head and body, the seconds a request may take
    from its first byte to its last (and a connection may stay idle), and the connections
    served at once."""

    max_head: int
    max_body: int
    timeout: float
    max_connections: int


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request as the transport read it.

    ``incoming`` is what the reader gave (the request, its bytes, the problems read past, or
    the typed refusal, ``incoming.refusal``: :class:`~sesspec.errors.HttpParseError` with its
    ``cause``, ``"timeout"`` when the transport's deadline passed); ``received_at_ns``: the
    wall-clock time of its first byte; where it came from (the connection's number, the
    request's number in it, the peer, the local port, TLS and its version and the name the
    client asked for); ``keep_alive``: whether the transport would keep the connection after the
    answer (the request asks so and the endpoint is not stopping).
    """

    incoming: Incoming
    received_at_ns: int
    connection_id: int = 0
    number: int = 1
    peer: tuple[str, int] = ("127.0.0.1", 0)
    local_port: int = 0
    tls: bool = False
    tls_version: str | None = None
    server_name: str | None = None
    keep_alive: bool = True

    @property
    def request(self) -> RawRequest | None:
        """The request read (None when its head could not be)."""
        return self.incoming.request


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: status, body and its type, header fields written before the ones the
    transport adds (``Content-Type``, ``Content-Length``, ``Date``, ``Connection``), whether the
    connection stays open, and whether the body is sent (not to a HEAD, RFC 9110 9.3.2).

    ``stream``, when given, is the body instead of ``body``: pieces made as they are written
    (chunked transfer coding to an HTTP/1.1 request, RFC 9112 section 7.1; else the connection
    closed at its end), so an answer larger than memory should hold never is held whole; it is
    not iterated when the body is not sent.
    """

    status: int
    body: bytes = b""
    content_type: str = "text/xml"
    headers: tuple[tuple[str, str], ...] = ()
    keep_alive: bool = True
    send_body: bool = True
    stream: Iterable[bytes] | None = None


class Application(Protocol):
    """Turns one request into its answer; opens no socket."""

    def answer(self, exchange: Exchange) -> Answer: ...


class Router:
    """An application that hands each request to the first route whose test its request passes
    (``routes``: (test, application) pairs), else to ``default``; a refused request (no request,
    or one the reader or the transport gave up on) always goes to ``default``."""

    def __init__(
        self,
        default: Application,
        routes: Sequence[tuple[Callable[[RawRequest], bool], Application]] = (),
    ) -> None:
        self.default = default
        self.routes = tuple(routes)

    def answer(self, exchange: Exchange) -> Answer:
        request = exchange.incoming.request
        if exchange.incoming.refusal is None and request is not None:
            for claims, application in self.routes:
                if claims(request):
                    return application.answer(exchange)
        return self.default.answer(exchange)
