"""Fair accept: the connections the transport serves, and room for a newcomer at the cap.

The transport serves at most ``max_connections`` connections at once (its descriptors and
threads are bounded). Without more, one peer that opens that many and holds them (idle, or
sending a head a byte at a time, each within the request deadline) keeps every other client
waiting in the listen backlog until its connections time out. Every client of a loopback
endpoint is the same peer address, so a limit per peer cannot tell them apart; instead, when
a connection waits in the backlog at the cap, the connection that has waited longest for a
request (accepted, or done with its last answer, longest ago) and is not being answered is
closed to let it in (:meth:`Seats.make_room`). A client that sends its request at once is
never the longest waiting; one that holds a connection without finishing a request is, in
turn. A connection closed for room mid-request is answered 408 (its refusal's cause
``evicted``) and recorded, like one past the deadline; an idle one is closed silently.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

__all__ = ["MAX_EVICTING", "Seat", "Seats"]


def __dir__() -> list[str]:
    return __all__


#: Connections closed for room whose threads have not yet ended, at most (so that a burst of
#: newcomers is let in quickly, and a slow thread does not make room twice for one).
MAX_EVICTING = 4


@dataclass(eq=False, slots=True)
class Seat:
    """One connection the transport serves: the socket to close for room (the TLS socket once
    wrapped), since when it has waited for a request (monotonic seconds), whether a request of
    it is being answered, and whether it was closed for room."""

    sock: socket.socket
    since: float
    busy: bool = False
    evicted: bool = False


class Seats:
    """The connections being served; thread-safe."""

    def __init__(self, *, max_evicting: int = MAX_EVICTING) -> None:
        self._lock = threading.Lock()
        self._seats: set[Seat] = set()
        self._evicting = 0
        self.max_evicting = max_evicting
        #: Connections closed for room so far.
        self.evictions = 0

    def take(self, sock: socket.socket) -> Seat:
        """A seat for a connection just accepted."""
        seat = Seat(sock, time.monotonic())
        with self._lock:
            self._seats.add(seat)
        return seat

    def rewrap(self, seat: Seat, sock: socket.socket) -> None:
        """``seat``'s connection is now ``sock`` (its TLS socket)."""
        with self._lock:
            seat.sock = sock

    def answering(self, seat: Seat) -> None:
        """A request of ``seat`` was read: it is not closed for room while it is answered."""
        with self._lock:
            seat.busy = True

    def waiting(self, seat: Seat) -> None:
        """``seat`` was answered and waits for its next request, from now."""
        with self._lock:
            seat.busy = False
            seat.since = time.monotonic()

    def leave(self, seat: Seat) -> None:
        """``seat``'s connection ended."""
        with self._lock:
            self._seats.discard(seat)
            if seat.evicted:
                self._evicting -= 1

    def make_room(self) -> Seat | None:
        """Close the connection that has waited longest for a request and is not being
        answered, for a newcomer; None when none may be (all busy, or :attr:`max_evicting`
        closed already and their threads not yet ended). Its reading side is shut, so its
        thread's ``recv`` ends at once; it may still write its answer."""
        with self._lock:
            if self._evicting >= self.max_evicting:
                return None
            candidates = [s for s in self._seats if not s.busy and not s.evicted]
            if not candidates:
                return None
            victim = min(candidates, key=lambda s: s.since)
            victim.evicted = True
            self._evicting += 1
            self.evictions += 1
            sock = victim.sock
        with contextlib.suppress(OSError):
            # The socket's own shutdown: an SSLSocket's would drop its TLS state, which the
            # answer to a request cut short still needs.
            socket.socket.shutdown(sock, socket.SHUT_RD)
        return victim
