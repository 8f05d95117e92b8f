"""Sending counts and quotas: GetSendQuota and GetSendStatistics (MODEL).

Every recipient of an accepted, rendered message counts once towards ``SentLast24Hours`` and the
``DeliveryAttempts`` of its 15-minute data point; a rejected call or a rendering failure adds one
to ``Rejects``. Data points cover the last 14 days. A sandbox account may send
:data:`SANDBOX_QUOTA` (QUOTAS: 200 messages in 24 hours, 1 a second); past it a send is
``Throttling`` "Daily message quota exceeded.".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sesspec.serve.state.calls import Call, Handler, Reply, fail

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = ["HANDLERS", "PRODUCTION_QUOTA", "SANDBOX_QUOTA", "Counts", "check_quota", "quota"]


def __dir__() -> list[str]:
    return __all__


#: QUOTAS: the sandbox sends 200 messages per 24 hours, 1 per second.
SANDBOX_QUOTA = (200.0, 1.0)
#: A production account's usual first quota (50,000 a day, 14 a second; inference).
PRODUCTION_QUOTA = (50000.0, 14.0)
_BUCKET_SECONDS = 15 * 60
_SPAN_SECONDS = 14 * 24 * 3600
_DAY_SECONDS = 24 * 3600


@dataclass(slots=True)
class Counts:
    """Sending counts: 15-minute data points (keyed by their start in epoch seconds) and a
    per-second window for the last 24 hours."""

    points: dict[int, list[int]] = field(default_factory=dict)
    recent: deque[tuple[int, int]] = field(default_factory=deque)

    @staticmethod
    def _seconds(now: datetime) -> int:
        return int(now.timestamp())

    def _point(self, second: int) -> list[int]:
        start = second - second % _BUCKET_SECONDS
        point = self.points.get(start)
        if point is None:
            point = self.points[start] = [0, 0, 0, 0]
        return point

    def sent(self, now: datetime, recipients: int) -> None:
        self.sent_at(self._seconds(now), recipients)

    def sent_at(self, second: int, recipients: int) -> None:
        """Count ``recipients`` sent at epoch ``second``."""
        self._point(second)[0] += recipients
        if self.recent and self.recent[-1][0] == second:
            self.recent[-1] = (second, self.recent[-1][1] + recipients)
        else:
            self.recent.append((second, recipients))
        self._prune(second)

    def rejected(self, now: datetime) -> None:
        self.rejected_at(self._seconds(now))

    def rejected_at(self, second: int) -> None:
        """Count one reject at epoch ``second``."""
        self._point(second)[3] += 1
        self._prune(second)

    def event(self, second: int, recipients: int | None) -> None:
        """One event read back from the journal: a send (``recipients``) or a reject (None)."""
        if recipients is None:
            self.rejected_at(second)
        else:
            self.sent_at(second, recipients)

    def _prune(self, second: int, *, full: bool = False) -> None:
        """Drop what fell out of the windows; on a send, only when the first data point is
        old (points are made in time order), else (``full``) by looking at every point."""
        while self.recent and self.recent[0][0] <= second - _DAY_SECONDS:
            self.recent.popleft()
        cutoff = second - _SPAN_SECONDS - _BUCKET_SECONDS
        oldest = next(iter(self.points), None)
        if full or (oldest is not None and oldest <= cutoff):
            for start in [s for s in self.points if s <= cutoff]:
                del self.points[start]

    def prune(self, now: datetime) -> None:
        self._prune(self._seconds(now), full=True)

    def last_24_hours(self, now: datetime) -> int:
        second = self._seconds(now)
        return sum(n for when, n in self.recent if second - _DAY_SECONDS < when <= second)

    def clear(self) -> None:
        self.points.clear()
        self.recent.clear()

    def to_json(self) -> dict[str, Any]:
        return {
            "points": [[s, *c] for s, c in self.points.items()],
            "recent": [[s, n] for s, n in self.recent],
        }

    def load_json(self, data: Mapping[str, Any]) -> None:
        """Replace the counts with :meth:`to_json`'s value; ``TypeError`` when it is not one
        (nothing is changed then)."""
        points = {}
        for point in data["points"]:
            if not _integers(point, 5):
                msg = f"points: not five integers: {str(point)[:80]}"
                raise TypeError(msg)
            points[point[0]] = list(point[1:])
        recent = []
        for entry in data["recent"]:
            if not _integers(entry, 2):
                msg = f"recent: not two integers: {str(entry)[:80]}"
                raise TypeError(msg)
            recent.append((entry[0], entry[1]))
        self.points = dict(sorted(points.items()))
        self.recent = deque(sorted(recent))


def _integers(value: Any, count: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    )


def quota(account: Account) -> tuple[float, float]:
    """The account's (most in 24 hours, most a second)."""
    return SANDBOX_QUOTA if account.sandbox else PRODUCTION_QUOTA


def check_quota(account: Account, now: datetime, recipients: int) -> None:
    """The sandbox's 24-hour quota (lock held): ``Throttling`` when ``recipients`` more would
    pass it."""
    if account.sandbox:
        limit = int(quota(account)[0])
        if account.counts.last_24_hours(now) + recipients > limit:
            raise fail("Throttling", "Daily message quota exceeded.")


# --- the actions ---------------------------------------------------------------------------------


def get_send_quota(account: Account, call: Call) -> Reply:
    most, rate = quota(account)
    with account.lock:
        sent = account.counts.last_24_hours(call.now)
    return Reply(
        result={"Max24HourSend": most, "MaxSendRate": rate, "SentLast24Hours": float(sent)}
    )


def get_send_statistics(account: Account, call: Call) -> Reply:
    with account.lock:
        account.counts.prune(call.now)
        points = sorted(account.counts.points.items())
    return Reply(
        result={
            "SendDataPoints": [
                {
                    "Timestamp": datetime.fromtimestamp(start, UTC),
                    "DeliveryAttempts": counts[0],
                    "Bounces": counts[1],
                    "Complaints": counts[2],
                    "Rejects": counts[3],
                }
                for start, counts in points
            ]
        }
    )


HANDLERS: Mapping[str, Handler] = {
    "GetSendQuota": get_send_quota,
    "GetSendStatistics": get_send_statistics,
}
