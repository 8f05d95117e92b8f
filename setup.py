"""The build's one step that ``pyproject.toml`` cannot say: the checker's samples.

``vectors/checker/<RULE>/<case>.{http,json}`` (a pass and a fail sample for every rule) sits
beside the package, where the tests and ``scripts/gen_checker_samples.py`` use it. A wheel
carries a copy as ``sesspec/check/samples/``, byte for byte, so that ``sesspec rules
--explain`` shows them from an installed wheel too (:data:`sesspec.check.explain.SAMPLES`);
an editable install reads the checkout's. ``MANIFEST.in`` puts them in the sdist, from which
the wheel is built. Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLES = Path(__file__).resolve().parent / "vectors" / "checker"


class BuildWithSamples(build_py):
    """``build_py``, then the samples copied into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "sesspec" / "check" / "samples"
        for path in sorted(SAMPLES.glob("*/*")):
            if path.suffix in {".http", ".json"}:
                self.mkpath(str(target / path.parent.name))
                self.copy_file(str(path), str(target / path.parent.name / path.name))


setup(cmdclass={"build_py": BuildWithSamples})
