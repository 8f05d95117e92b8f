"""Fair accept at the connection cap (sesspec.serve.seats): which connection is closed for a
newcomer. Worked by hand: the one waiting longest for a request and not being answered; at most
``max_evicting`` at once; its reading side shut (its peer's next ``recv`` there sees the end)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from sesspec.serve.seats import Seats


@pytest.fixture
def pairs() -> Iterator[list[tuple[socket.socket, socket.socket]]]:
    made = [socket.socketpair() for _ in range(4)]
    yield made
    for a, b in made:
        a.close()
        b.close()


def test_the_longest_waiting_not_busy_is_closed(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    seats = Seats()
    first, second, third, fourth = (seats.take(ours) for ours, _ in pairs)
    first.since, second.since, third.since, fourth.since = 1.0, 2.0, 3.0, 4.0
    seats.answering(first)  # being answered: never closed for room
    seats.waiting(third)  # answered just now: waits from now, the newest
    assert seats.make_room() is second
    assert second.evicted
    assert pairs[1][0].recv(1) == b""  # its reading side is shut
    assert seats.make_room() is fourth
    assert seats.make_room() is third
    assert seats.make_room() is None  # the one left is busy
    assert seats.evictions == 3


def test_at_most_max_evicting_until_their_threads_end(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    seats = Seats(max_evicting=2)
    taken = [seats.take(ours) for ours, _ in pairs]
    for n, seat in enumerate(taken):
        seat.since = float(n)
    assert [seats.make_room(), seats.make_room(), seats.make_room()] == [taken[0], taken[1], None]
    seats.leave(taken[0])  # its thread ended
    assert seats.make_room() is taken[2]
    seats.leave(taken[3])  # ended on its own: not one closed for room
    assert seats.make_room() is None
