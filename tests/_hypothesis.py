"""Hypothesis profiles, and the example budget of a property that sets its own.

Three profiles, chosen with ``HYPOTHESIS_PROFILE``:

- ``dev`` (the default of a plain ``pytest``): 100 examples, random draws, failures kept in
  the local example database and replayed first next time.
- ``ci`` (``.ci/run``): 1,000 examples, derandomized (the draws follow from each test's own
  code, so the same tree, with the pinned Hypothesis of ``pyproject.toml``, gives the same
  result every run), no example database (a clone has none, so none is read or written), and
  the ``@reproduce_failure`` blob printed with a falsifying example.
- ``fuzz`` (``make fuzz``, ``scripts/fuzz.py``): random draws from the seed the script chooses
  and prints (``--hypothesis-seed``), :data:`FUZZ_SCALE` times the CI budget, no database, the
  blob printed. A failure found there is added to its test with ``@example`` (the falsifying
  example Hypothesis prints), so that every profile runs it from then on.

A property whose examples are costly sets its own budget with :func:`examples`, which the fuzz
profile multiplies as it multiplies the profile's own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

__all__ = ["FUZZ_SCALE", "PROFILE", "examples", "register_profiles"]

#: How many times the CI budget a fuzz run draws (``SESSPEC_FUZZ_SCALE`` sets it).
FUZZ_SCALE = int(os.environ.get("SESSPEC_FUZZ_SCALE") or 5)

#: The profile this run loads.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "dev"

_CI_EXAMPLES = 1000
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def register_profiles() -> None:
    """Register the three profiles and load :data:`PROFILE`."""
    settings.register_profile("dev", max_examples=100, deadline=None)
    settings.register_profile(
        "ci",
        max_examples=_CI_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "fuzz",
        max_examples=_CI_EXAMPLES * FUZZ_SCALE,
        deadline=None,
        # Said outright: a profile registered without it takes the loaded profile's value,
        # and after a second registration that is ci's derandomize=True.
        derandomize=False,
        database=None,
        print_blob=True,
        suppress_health_check=_SLOW,
    )
    settings.load_profile(PROFILE)


def examples(n: int, **more: Any) -> Callable[[Any], Any]:
    """``settings(max_examples=n, **more)`` for a property whose examples cost more than most
    (a large request, a whole endpoint): ``n`` in ``dev`` and ``ci``, ``n`` times
    :data:`FUZZ_SCALE` in ``fuzz``. ``SESSPEC_HOSTILE_EXAMPLES`` sets ``n`` by hand for one
    deeper run."""
    given = os.environ.get("SESSPEC_HOSTILE_EXAMPLES")
    count = int(given) if given else n * (FUZZ_SCALE if PROFILE == "fuzz" else 1)
    return settings(max_examples=count, **more)
