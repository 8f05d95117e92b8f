"""Time ``sesspec sweep`` of 40 releases of one Python client, cold and then warm.

    python scripts/bench_sweep.py [--client django-ses] [--range 2.2.0..] [--workers 2]
                                  [--cold-uv] [--keep DIR]

Runs ``sesspec sweep CLIENT --range RANGE --every`` twice in a subprocess, each with
``XDG_CACHE_HOME`` set to a fresh folder (so the sweep cache is empty the first time and kept
the second; with ``--cold-uv``, uv's cache is in it too, so every wheel is downloaded from
PyPI), the histories written to a scratch folder. For each run it prints the wall time, the
CPU time of the whole process tree (user + system, from ``getrusage(RUSAGE_CHILDREN)``), the
load average before and after (the machine is shared: the figures mean little without it), and
the sweep's own summary line: how many releases ran, the seconds spent installing and running
(summed over releases; ``--workers`` of them at once). The figures in BENCHMARKS.md come from
this script. It is a benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSPEC = [sys.executable, "-m", "sesspec"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _sweep(args: argparse.Namespace, cache: Path, out: Path, label: str) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    if args.cold_uv:
        env["UV_CACHE_DIR"] = str(cache / "uv")
    command = [*SESSPEC, "sweep", args.client, "--range", args.range, "--every"]
    command += ["--workers", str(args.workers), "--out", str(out)]
    load_before = _load()
    cpu_before = _cpu()
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    cpu = _cpu() - cpu_before
    summary = [line for line in done.stderr.splitlines() if line.startswith(f"{args.client}: ")]
    print(f"{label}: wall {wall:.1f} s, CPU {cpu:.1f} s, load {load_before} -> {_load()}")
    print(f"  exit status {done.returncode}; {summary[-1] if summary else done.stderr[-500:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client", default="django-ses")
    parser.add_argument("--range", default="2.2.0..", help="40 releases of django-ses")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cold-uv", action="store_true", help="uv's cache empty too")
    parser.add_argument("--keep", type=Path, help="a cache folder to use and keep")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="sesspec-bench-sweep-"))
    cache = args.keep or scratch / "cache"
    try:
        print(f"{os.cpu_count()} CPUs; uv cache {'cold' if args.cold_uv else 'as it is'}")
        _sweep(args, cache, scratch / "out", "cold")
        _sweep(args, cache, scratch / "out", "warm")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
