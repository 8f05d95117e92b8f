"""A pytest plugin for mutation runs (``-p scripts.mutation_profile``, scripts/mutation.py): the
hypothesis profile "mutation", which tests/conftest.py loads through ``HYPOTHESIS_PROFILE``.

mutmut runs pytest several times in one process (to learn which tests call what, then the
unchanged code, then each mutant in a fork), so the same test method runs from different
instances of its class, which hypothesis's ``differing_executors`` health check refuses; and a
failing example found against one mutant must not be replayed from the example database in a
later run, or a kill would depend on the order of the runs. So: the "dev" profile's 100
examples, derandomized (every run draws the same ones), without a database, that check off.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
