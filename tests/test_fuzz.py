"""The profiles that make property tests reproduce in CI and search in ``make fuzz``
(tests/_hypothesis.py, scripts/fuzz.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import settings

from tests._support import REPO


def test_ci_draws_the_same_examples_every_run() -> None:
    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.database is None
    assert ci.max_examples == 1000


def test_fuzz_draws_at_random_and_more() -> None:
    fuzz = settings.get_profile("fuzz")
    assert not fuzz.derandomize
    assert fuzz.max_examples > settings.get_profile("ci").max_examples


def test_the_hypothesis_version_is_pinned() -> None:
    """Derandomized draws change with Hypothesis itself: the test extra pins it."""
    import hypothesis

    text = (REPO / "pyproject.toml").read_text("utf-8")
    assert f'"hypothesis=={hypothesis.__version__}"' in text


_FAILING = """
import pytest
from hypothesis import given, strategies as st

pytestmark = pytest.mark.property


@given(st.integers())
def test_small(n: int) -> None:
    assert n < 1000
"""


def test_a_failure_prints_its_seed_and_example(tmp_path: Path) -> None:
    case = tmp_path / "test_fails.py"
    case.write_text(_FAILING, "utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "fuzz.py"), "--seed", "7", str(case)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "fuzz round 1: seed 7" in done.stdout
    assert "FAILED with seed 7; replay: python scripts/fuzz.py --seed 7 " in done.stdout
    assert "Failing test case: test_small(" in done.stdout  # the pinned Hypothesis words it so
    assert "n=1000," in done.stdout  # shrunk to the boundary


def test_a_passing_round_says_so(tmp_path: Path) -> None:
    case = tmp_path / "test_passes.py"
    case.write_text(_FAILING.replace("n < 1000", "n == n"), "utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "fuzz.py"), str(case)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fuzz: 1 round(s) passed" in done.stdout
