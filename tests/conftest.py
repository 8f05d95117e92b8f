"""Shared test set-up: hypothesis profiles and the location of the public vector suites."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator

import pytest
from hypothesis import is_hypothesis_test

from tests._hypothesis import register_profiles
from tests._support import (
    PUBLIC_SUITES,
    SuiteFailed,
    SuiteSkipped,
    suite_dir,
    suite_table,
    suites_required,
)

# "dev" runs on every `pytest`; CI selects "ci" (deeper, derandomized) with HYPOTHESIS_PROFILE=ci;
# `make fuzz` runs "fuzz" (random seeds, many more examples). tests/_hypothesis.py says how.
register_profiles()


# Every public vector case is marked ``@pytest.mark.suite("<folder name>")``; the run prints how
# many cases of each suite passed, failed and skipped, so a suite that silently shrank shows, and
# names every public suite that was absent with where it comes from (tests/_support.py).
_SUITE_COUNTS: dict[str, Counter[str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    suite = dict(report.user_properties).get("suite")
    if not isinstance(suite, str):
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _SUITE_COUNTS.setdefault(suite, Counter())[report.outcome] += 1


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test skipped (or failed) for an absent suite counts under that suite, marked or not,
    so that the table agrees with pytest's own counts."""
    report = yield
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, SuiteSkipped | SuiteFailed) and "suite" not in dict(
        report.user_properties
    ):
        report.user_properties.append(("suite", error.suite))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        # Every Hypothesis test is a property test: `make fuzz` selects them with -m property.
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.obj):
            item.add_marker(pytest.mark.property)
        marker = item.get_closest_marker("suite")
        if marker is not None:
            item.user_properties.append(("suite", str(marker.args[0])))


def _absent() -> list[str]:
    return [suite for suite in PUBLIC_SUITES if suite_dir(suite) is None]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI (SESSPEC_REQUIRE_SUITES=1): a public suite that is absent fails the run, even one whose
    # tests were not collected; its tests have already failed with the line saying why.
    if suites_required() and _absent() and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _SUITE_COUNTS and not (suites_required() and _absent()):
        return
    terminalreporter.section("public vector suites")
    for line in suite_table({suite: dict(counts) for suite, counts in _SUITE_COUNTS.items()}):
        terminalreporter.write_line(line)
    if suites_required() and _absent():
        terminalreporter.write_line(
            f"SESSPEC_REQUIRE_SUITES is set: {len(_absent())} absent public suites fail this run",
            red=True,
        )
