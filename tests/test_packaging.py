"""What ships, and the CI step that installs it.

``scripts/wheel_check.py`` (``make wheel-check``, run by ``.ci/run``) builds the sdist and the
wheel, installs the wheel in a fresh venv and runs it; these tests hold the pieces it relies
on in place, so that the step cannot quietly drop out of CI.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from sesspec.check.explain import SAMPLES, explain
from tests._support import REPO


def _commands(path: str) -> list[str]:
    lines = (REPO / path).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_ci_installs_and_runs_the_built_wheel() -> None:
    ci = _commands(".ci/run")
    assert ci.index("make test") < ci.index("make wheel-check")
    makefile = (REPO / "Makefile").read_text("utf-8")
    target = re.search(r"^wheel-check:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target is not None
    assert "scripts/wheel_check.py" in target.group(1)


def test_the_sdist_carries_the_docs() -> None:
    assert "graft docs" in _commands("MANIFEST.in")
    assert (REPO / "docs" / "spec.md").is_file()


def test_the_wheel_carries_the_node_drivers_not_their_packages() -> None:
    """The scripts and the lockfile ship; node_modules never does (it is in the per-user
    cache, sesspec.drivers.node)."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    shipped = data["tool"]["setuptools"]["package-data"]["sesspec"]
    for pattern in ("drivers/js/*.mjs", "drivers/js/package.json", "drivers/js/package-lock.json"):
        assert pattern in shipped
    assert not any("node_modules" in p for p in shipped)


def test_the_sdist_carries_the_samples_the_wheel_copies() -> None:
    """setup.py copies vectors/checker into the wheel (scripts/wheel_check.py proves it on the
    built wheel); the sdist the wheel is built from must carry them."""
    assert "graft vectors/checker" in _commands("MANIFEST.in")
    assert '"vectors" / "checker"' in (REPO / "setup.py").read_text("utf-8")


def test_explain_without_samples_says_where_they_are(tmp_path: Path) -> None:
    text = explain("AUTH018", samples=tmp_path)
    assert text.endswith(
        f"samples      none in {tmp_path / 'AUTH018'}: they are in vectors/checker/AUTH018/ "
        "of a clone of sesspec, or a wheel built from one\n"
    )


def test_explain_reads_the_checkout_samples_here() -> None:
    """An editable install (this one) carries no copy: the checkout's are shown."""
    assert SAMPLES == REPO / "vectors" / "checker"
    assert f"samples      {SAMPLES / 'AUTH018'}\n" in explain("AUTH018")
