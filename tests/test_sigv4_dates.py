"""SigV4's clock rules at their boundaries (docs/spec.md#sigv4-skew, #sigv4-expiry): the kind of
each problem, a clock given without a zone read as UTC, and X-Amz-Expires read to 18 digits
(README "Limits": sesspec.signing.sigv4.MAX_EXPIRES_DIGITS)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sesspec.signing.sigv4 import amz_date, expires_seconds, request_time, time_problem

WHEN = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("9" * 18, 10**18 - 1), ("9" * 19, 10**18), ("1" + "0" * 18, 10**18), ("07", 7), ("x", None)],
    ids=["18-digits", "19-digits", "19-digits-exactly-10-18", "leading-zero", "not-digits"],
)
def test_expires_read_to_18_digits(text: str, seconds: int | None) -> None:
    assert expires_seconds(text) == seconds


@pytest.mark.parametrize(
    ("offset", "expires", "kind"),
    [
        (timedelta(minutes=15, seconds=1), None, "skew"),  # ahead
        (-timedelta(minutes=15, seconds=1), None, "skew"),  # behind
        (-timedelta(seconds=601), 600, "expired"),
        (-timedelta(seconds=600), 600, None),
        (timedelta(minutes=15, seconds=1), 600, "skew"),  # a presigned URL dated ahead
    ],
)
def test_the_kind_of_each_problem(offset: timedelta, expires: int | None, kind: str | None) -> None:
    problem = time_problem(WHEN + offset, now=WHEN, expires=expires)
    assert (problem[0] if problem else None) == kind


def test_a_clock_in_another_zone_is_the_same_instant() -> None:
    plus_two = WHEN.astimezone(timezone(timedelta(hours=2)))
    assert time_problem(WHEN, now=plus_two, expires=None) is None


def test_a_clock_without_a_zone_is_utc() -> None:
    naive = WHEN.replace(tzinfo=None)
    assert time_problem(WHEN, now=naive, expires=None) is None
    late = naive + timedelta(minutes=15, seconds=1)
    assert time_problem(WHEN, now=late, expires=None) == (
        "skew",
        "request date 20261126T054817Z is more than 0:15:00 in the past (RequestExpired)",
    )


def test_amz_date_writes_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """An aware time in another zone is written as its UTC instant (whatever the machine's own
    zone); a naive one is taken as UTC already."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        plus_two = datetime(2026, 11, 26, 7, 48, 17, tzinfo=timezone(timedelta(hours=2)))
        assert amz_date(plus_two) == "20261126T054817Z"
        assert amz_date(WHEN.replace(tzinfo=None)) == "20261126T054817Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("20261126T054817Z", True),
        ("20261126X054817Z", False),
        ("20261126T054817X", False),
        ("20261126T05481\u0667Z", False),  # a digit, but not an ASCII one
        ("20261126T\u066054817Z", False),  # the same, first of the time's digits
        ("20261126T0548170", False),
    ],
    ids=["basic", "no-T", "no-Z", "non-ascii-digit", "non-ascii-hour", "seventeen"],
)
def test_request_time_reads_the_basic_format_only(value: str, ok: bool) -> None:
    assert request_time(value) == (WHEN if ok else None)
