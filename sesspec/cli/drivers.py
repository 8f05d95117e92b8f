"""``sesspec drivers``: run real clients over the scenarios against a fresh loopback endpoint.

Prints one progress line per run on stderr, writes the outcomes as JSON (``--json``) and
keeps the raw captures (``--capture``). The reporter builds on the same pieces
(:func:`~sesspec.drivers.run_matrix`). The drivers and the endpoint (the ``serve`` extra) are
imported when the command runs, so ``sesspec drivers --help`` works on a plain install.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sesspec.cli._common import EXIT_OK, Parser, UsageError, run_command, run_seconds

if TYPE_CHECKING:
    from sesspec.drivers import Driver, Outcome, Scenario

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sesspec drivers",
        description="Drive real SES clients against a loopback endpoint and keep the captures.",
    )
    parser.add_argument("--install", action="store_true", help="install the clients first")
    parser.add_argument("--client", action="append", help="only this client (repeatable)")
    parser.add_argument("--scenario", action="append", help="only this scenario id (repeatable)")
    parser.add_argument("--http", action="store_true", help="plain HTTP endpoint")
    parser.add_argument("--capture", default="captures.jsonl", help="capture file (appended)")
    parser.add_argument("--json", default=None, help="write the outcomes here as JSON")
    parser.add_argument("--timeout", type=run_seconds, default=60.0, help="per run, in seconds")
    parser.add_argument("--list", action="store_true", help="list clients and scenarios, then exit")
    return parser


def _progress(driver: Driver, scenario: Scenario, outcome: Outcome | None) -> None:
    if outcome is None:
        sys.stderr.write(f"{driver.name:<24} {scenario.id:<28} ...")
    else:
        detail = f"  {outcome.detail[:80]}" if outcome.status != "ok" else ""
        sys.stderr.write(f"\r{driver.name:<24} {scenario.id:<28} {outcome.status}{detail}\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec drivers`` with ``argv`` (the arguments after ``drivers``)."""
    return run_command(build_parser(), run, argv)


def run(args: argparse.Namespace) -> int:
    # The harness (drivers, endpoint): imported when the command runs, not for --help.
    from sesspec.drivers import all_drivers, install_clients, load_scenarios
    from sesspec.drivers.runner import run_matrix
    from sesspec.serve import Endpoint

    if args.install:
        for name, status in install_clients().items():
            sys.stderr.write(f"install {name}: {status}\n")
    drivers = [d for d in all_drivers() if not args.client or d.name in args.client]
    try:
        scenarios = load_scenarios(args.scenario)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if args.list:
        for driver in drivers:
            ok, reason = driver.available()
            state = driver.version() if ok else f"not available: {reason}"
            sys.stdout.write(f"client {driver.name} ({driver.language}): {state}\n")
        for scenario in scenarios:
            sys.stdout.write(f"scenario {scenario.id}: {scenario.title}\n")
        return EXIT_OK
    started = time.monotonic()
    with Endpoint(args.capture, tls=not args.http) as endpoint:
        outcomes = run_matrix(
            endpoint, drivers, scenarios, timeout=args.timeout, progress=_progress
        )
    elapsed = time.monotonic() - started
    if args.json:
        document = {
            "capture": str(Path(args.capture).resolve()),
            "elapsed_s": round(elapsed, 2),
            "clients": {
                d.name: {
                    "language": d.language,
                    "available": available,
                    "reason": reason,
                    "version": d.version(),
                }
                for d in drivers
                for available, reason in (d.available(),)
            },
            "outcomes": [o.as_dict() for o in outcomes],
        }
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    sys.stderr.write(f"{len(outcomes)} runs in {elapsed:.1f} s: {summary}\n")
    return EXIT_OK
