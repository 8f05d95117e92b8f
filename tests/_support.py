"""Helpers for tests: where the public vector suites are.

A suite is read from the first place that holds all of its files as ``vectors/public-suites.json``
records them: ``$SESSPEC_VECTORS/<suite>``, then ``../shared/vectors/<suite>`` beside the
checkout, then the cache that ``make vectors`` (``scripts/fetch_suites.py``) fills. A suite found
nowhere makes its tests skip with one line saying where it comes from and how to get it; with
``SESSPEC_REQUIRE_SUITES=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from _pytest.outcomes import Failed, Skipped

from scripts.fetch_suites import Located, Places, load_manifest, locate

REPO = Path(__file__).resolve().parent.parent

#: The public suites, from the committed manifest.
MANIFEST = load_manifest()
PUBLIC_SUITES = tuple(MANIFEST.suites)


def suites_required() -> bool:
    """True when a missing suite must fail the run (CI), not skip."""
    return os.environ.get("SESSPEC_REQUIRE_SUITES", "") not in {"", "0"}


@functools.cache
def located(suite: str) -> Located:
    """Where one public suite is (found once per test session)."""
    return locate(MANIFEST.suites[suite], Places.from_environ())


def suite_dir(suite: str) -> Path | None:
    """The folder of one public suite, or None when it is absent."""
    return located(suite).path


def absent_line(suite: str) -> str:
    """One line: the suite is absent, where it comes from and how to get it."""
    passed = "".join(f" ({why})" for why in located(suite).passed_over)
    return f"public suite {suite} absent{passed}; {MANIFEST.suites[suite].directions()}"


class SuiteSkipped(Skipped):
    """The skip of a test whose public suite is absent; ``suite`` names it, so that the run's
    table counts the test under its suite (tests/conftest.py), marked or not."""

    def __init__(self, suite: str) -> None:
        super().__init__(absent_line(suite))
        self.suite = suite


class SuiteFailed(Failed):
    """As :class:`SuiteSkipped`, when the run requires every suite (CI)."""

    def __init__(self, suite: str) -> None:
        super().__init__(f"{absent_line(suite)} [SESSPEC_REQUIRE_SUITES is set]", pytrace=False)
        self.suite = suite


def require_suite(suite: str) -> Path:
    """The folder of one public suite; skips the calling test when it is absent (fails in CI)."""
    path = suite_dir(suite)
    if path is None:
        if suites_required():
            raise SuiteFailed(suite)
        raise SuiteSkipped(suite)
    return path


def suite_table(counts: dict[str, dict[str, int]]) -> list[str]:
    """The end-of-run table: each suite's outcome counts and where it was read from, then one
    line for each public suite that was absent, saying where it would come from."""
    lines = []
    for suite in sorted(counts):
        parts = ", ".join(
            f"{counts[suite][k]} {k}"
            for k in ("passed", "failed", "skipped")
            if counts[suite].get(k)
        )
        where = located(suite).place if suite in MANIFEST.suites else None
        lines.append(f"{suite}: {parts}" + (f" [{where}]" if where else ""))
    absent = [s for s in PUBLIC_SUITES if located(s).path is None]
    if absent:
        lines.append(
            f"absent ({len(absent)} of {len(PUBLIC_SUITES)} public suites): {', '.join(absent)}"
        )
        # A suite whose tests skipped (or failed) has said how to get it in their one line
        # (pytest's -ra summary folds them); the others say it here, so each says it once.
        lines.extend(f"  {absent_line(s)}" for s in absent if s not in counts)
    return lines
