"""Helpers for tests: where the public vector suites are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: Where the public suites live: $SESSPEC_VECTORS, else ../shared/vectors beside the checkout.
VECTORS_HINT = (
    "public vector suite {suite!r} not found under {root}: set SESSPEC_VECTORS to the folder that "
    "holds the suites (CI has them in ../shared/vectors beside the checkout); see "
    "../shared/vectors/README.md for each suite's source repository and commit"
)


def vectors_root() -> Path:
    env = os.environ.get("SESSPEC_VECTORS")
    return Path(env) if env else REPO.parent / "shared" / "vectors"


def suite_dir(suite: str) -> Path | None:
    """The folder of one public suite, or None when it is absent."""
    path = vectors_root() / suite
    return path if path.is_dir() else None


def require_suite(suite: str) -> Path:
    """The folder of one public suite; skips the calling test when it is absent."""
    path = suite_dir(suite)
    if path is None:
        pytest.skip(VECTORS_HINT.format(suite=suite, root=vectors_root()))
    return path
