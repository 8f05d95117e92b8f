"""SigV4's request time: ``X-Amz-Date`` and HTTP-dates read, the time window judged.

docs/spec.md#sigv4-dates: the request time is ``YYYYMMDD'T'HHMMSS'Z'`` in UTC; a verifier reads
``X-Amz-Date`` first and falls back to the ``Date`` header, which may be an RFC 9110 HTTP-date.
docs/spec.md#sigv4-skew and #sigv4-expiry: the window SES accepts a request in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

__all__ = [
    "MAX_EXPIRES_DIGITS",
    "amz_date",
    "expires_seconds",
    "parse_http_date",
    "request_time",
    "time_problem",
]

#: Most digits of an ``X-Amz-Expires`` read as a number (a longer value is taken as 10**18
#: seconds: past year 9999 whatever the date, like any value of 13 digits or more);
#: :func:`~sesspec.signing.sigv4.presign` refuses to write more (:class:`SigningError` of kind
#: ``limit``).
MAX_EXPIRES_DIGITS = 18
# An expiry this long ends after year 9999 whatever the date (which timedelta cannot hold).
_NEVER = 10**13


def amz_date(time: datetime) -> str:
    """``YYYYMMDD'T'HHMMSS'Z'`` in UTC, no fractions (docs/spec.md#sigv4-dates). Naive times are
    UTC."""
    t = time if time.tzinfo is None else time.astimezone(UTC)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


def request_time(value: str) -> datetime | None:
    """The UTC time of an ``X-Amz-Date`` value, ISO 8601 basic ``20150830T123600Z``, else
    None (a ``Date`` header may also be an HTTP-date: :func:`parse_http_date`)."""
    if len(value) != 16 or value[8] != "T" or value[15] != "Z":
        return None
    digits = value[:8] + value[9:15]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        return None


_DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MON = f"({'|'.join(_MONTHS)})"
_TOD = "([0-9]{2}):([0-9]{2}):([0-9]{2})"
# RFC 9110 section 5.6.7, the three forms a recipient must accept (groups: day, month, year, time)
_IMF_FIXDATE = re.compile(rf"{_DAY}, ([0-9]{{2}}) {_MON} ([0-9]{{4}}) {_TOD} GMT\Z")
_RFC850_DATE = re.compile(
    rf"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
    rf"([0-9]{{2}})-{_MON}-([0-9]{{2}}) {_TOD} GMT\Z"
)
_ASCTIME_DATE = re.compile(rf"{_DAY} {_MON} ([0-9]{{2}}| [0-9]) {_TOD} ([0-9]{{4}})\Z")


def parse_http_date(value: str) -> datetime | None:
    """The UTC time of an RFC 9110 (section 5.6.7) HTTP-date, else None.

    The three forms a recipient must accept: IMF-fixdate ``Sun, 06 Nov 1994 08:49:37 GMT``,
    the obsolete rfc850-date ``Sunday, 06-Nov-94 08:49:37 GMT`` (two-digit year: ``70``-``99``
    are 19xx, ``00``-``69`` 20xx) and asctime-date ``Sun Nov  6 08:49:37 1994``. Names are
    case-sensitive and the zone is ``GMT``, as the grammar says; the day name is not checked
    against the date (it is redundant).
    """
    m = _IMF_FIXDATE.match(value)
    if m is not None:
        day, mon, year, hh, mm, ss = m.groups()
    else:
        m = _RFC850_DATE.match(value)
        if m is not None:
            day, mon, yy, hh, mm, ss = m.groups()
            year = str((1900 if int(yy) >= 70 else 2000) + int(yy))
        else:
            m = _ASCTIME_DATE.match(value)
            if m is None:
                return None
            mon, day, hh, mm, ss, year = m.groups()
    try:
        return datetime(
            int(year), _MONTHS.index(mon) + 1, int(day), int(hh), int(mm), int(ss), tzinfo=UTC
        )
    except ValueError:  # 31 Feb, 25:00:00, ...
        return None


def expires_seconds(text: str) -> int | None:
    """The seconds of an ``X-Amz-Expires`` value: None unless it is ASCII digits; a value of
    more than :data:`MAX_EXPIRES_DIGITS` digits is read as ``10**18`` (it never expires within
    the years a datetime holds), so no digit string is turned into a number of its own length.
    """
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= MAX_EXPIRES_DIGITS else 10**MAX_EXPIRES_DIGITS


def time_problem(
    when: datetime,
    *,
    now: datetime,
    expires: int | None,
    max_skew: timedelta = timedelta(minutes=15),
) -> tuple[Literal["skew", "expired"], str] | None:
    """Why SES answers ``RequestExpired`` for a request dated ``when``, judged at ``now``: more
    than ``max_skew`` ahead, past a presigned URL's ``expires`` seconds, or (no ``expires``)
    more than ``max_skew`` old (docs/spec.md#sigv4-skew, docs/spec.md#sigv4-expiry). None when the
    time is fine."""
    current = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    if when - current > max_skew:
        return (
            "skew",
            f"request date {amz_date(when)} is more than {max_skew} in the future (RequestExpired)",
        )
    if expires is not None:
        # Compared as durations: when + expires may lie past year 9999 (a datetime cannot).
        if expires < _NEVER and current - when > timedelta(seconds=expires):
            until = when + timedelta(seconds=expires)  # before now, so a datetime can hold it
            return "expired", f"presigned request expired at {amz_date(until)} (RequestExpired)"
    elif current - when > max_skew:
        return (
            "skew",
            f"request date {amz_date(when)} is more than {max_skew} in the past (RequestExpired)",
        )
    return None
