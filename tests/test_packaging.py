"""What ships, and the CI step that installs it.

``scripts/wheel_check.py`` (``make wheel-check``, run by ``.ci/run``) builds the sdist and the
wheel, installs the wheel in a fresh venv and runs it; these tests hold the pieces it relies
on in place, so that the step cannot quietly drop out of CI.
"""

from __future__ import annotations

import re
import tomllib

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
