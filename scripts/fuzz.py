"""``make fuzz``: the property tests with random seeds and many more examples.

CI runs every Hypothesis test derandomized (profile ``ci``, tests/_hypothesis.py), so a tree
gives the same result every run. This runs the same tests (``-m property``: every test that
uses ``@given`` is marked so by tests/conftest.py) in the ``fuzz`` profile, round after round,
each round with a new random seed, until ``--minutes`` have passed (at least one round).

Each round prints its seed first. A failure stops the run and prints the seed again with the
command that replays the round; Hypothesis prints the falsifying example (and the
``@reproduce_failure`` blob). Add that example to its test with ``@example(...)``, so that
every run, CI's included, tries it from then on.

    python scripts/fuzz.py                      # one round
    python scripts/fuzz.py --minutes 30         # rounds for 30 minutes
    python scripts/fuzz.py --seed 123 -k sign   # replay one round, or narrow it (pytest -k)
    python scripts/fuzz.py tests/test_http.py   # only these files

Exit status: 0 when every round passed, 1 when a round failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _round(seed: int, pytest_args: Sequence[str]) -> int:
    env = {**os.environ, "HYPOTHESIS_PROFILE": "fuzz"}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "property"]
    argv += [f"--hypothesis-seed={seed}", *pytest_args]
    return subprocess.run(argv, cwd=REPO, env=env, check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=0.0, help="keep starting rounds until")
    parser.add_argument("--seed", type=int, help="the first round's seed (default: random)")
    parser.add_argument("-k", dest="keyword", help="only the tests pytest -k selects")
    parser.add_argument("paths", nargs="*", help="test files or folders (default: tests/)")
    args = parser.parse_args(argv)
    extra = (["-k", args.keyword] if args.keyword else []) + args.paths
    deadline = time.monotonic() + args.minutes * 60
    seed = args.seed
    rounds = 0
    while True:
        seed = secrets.randbelow(2**32) if seed is None else seed
        rounds += 1
        print(f"fuzz round {rounds}: seed {seed}", flush=True)
        if _round(seed, extra) != 0:
            narrow = (f" -k {args.keyword!r}" if args.keyword else "") + "".join(
                f" {path}" for path in args.paths
            )
            replay = f"python scripts/fuzz.py --seed {seed}{narrow}"
            print(f"fuzz round {rounds} FAILED with seed {seed}; replay: {replay}", flush=True)
            print("add the falsifying example above to its test with @example(...)", flush=True)
            return 1
        seed = None
        if time.monotonic() >= deadline:
            print(f"fuzz: {rounds} round(s) passed", flush=True)
            return 0


if __name__ == "__main__":
    sys.exit(main())
