"""A pytest plugin for mutation runs (``-p scripts.mutation_profile``, scripts/mutation.py): the
hypothesis profile "mutation", which tests/conftest.py loads through ``HYPOTHESIS_PROFILE``.

A failing example found against one mutant must not be replayed from the example database in a
later run, or a kill would depend on the order of the runs; and a run must draw the same
examples each time, or a mutant would be killed one day and survive the next. So: the "dev"
profile's 100 examples, derandomized, without a database. (A test whose own settings name
other health checks keeps them; mutmut runs each pytest session in a process of its own,
``process_isolation = "forkserver"``, so a class's property test meets one instance.)
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
