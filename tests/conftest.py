"""Shared test set-up: hypothesis profiles and the location of the public vector suites."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

# "dev" runs on every `pytest`; CI selects "ci" (deeper, derandomized) with HYPOTHESIS_PROFILE=ci.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# Every public vector case is marked ``@pytest.mark.suite("<folder name>")``; the run prints how
# many cases of each suite passed, failed and skipped, so a suite that silently shrank shows.
_SUITE_COUNTS: dict[str, Counter[str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    suite = dict(report.user_properties).get("suite")
    if not isinstance(suite, str):
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _SUITE_COUNTS.setdefault(suite, Counter())[report.outcome] += 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("suite")
        if marker is not None:
            item.user_properties.append(("suite", str(marker.args[0])))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _SUITE_COUNTS:
        return
    terminalreporter.section("public vector suites")
    for suite in sorted(_SUITE_COUNTS):
        counts = _SUITE_COUNTS[suite]
        parts = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "skipped") if counts[k])
        terminalreporter.write_line(f"{suite}: {parts}")
