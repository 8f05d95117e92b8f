"""``sesspec report``: run the real clients against the loopback endpoint and write the report.

Progress goes to stderr, one line per run (client, scenario, then its status) as each ends,
and one per phase with its time; where the report was written is printed at the end.
``--parallel N`` runs N clients at once (default: twice the CPUs this process may use), each
on a loopback endpoint of its own; the report is the same whatever N is, apart from timings
(:func:`sesspec.drivers.run_clients`). Exit status: 0 when the report was written (whatever the
verdicts: the report is the product, not a gate), 1 when it was written with errors of the run
(an expectation of ``sesspec/report/expectations.json`` that matches none of its cells: a
stale entry), 2 on bad arguments or a missing extra, with one line on stderr (a run id that is
not a plain name, such as ``..``, is one: it would write outside ``--out``).

``--install`` says first what it will install, by registry, with the sizes measured on a fresh
machine and how to install less (``--client``, ``--language``); ``--plan`` says it and stops.
The report goes to ``--out`` (default ``reports/local``, which a clone ignores); the committed
report is ``--out reports`` (``make report-commit``).

The run (:mod:`sesspec.report.run`) needs the ``report`` extra and is imported when the command
runs, so ``sesspec report --help`` works on a plain install.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sesspec.cli._common import (
    EXIT_OK,
    Parser,
    UsageError,
    run_command,
    run_seconds,
    whole_number,
)
from sesspec.report.files import HISTORY_DIR, RunIdError, check_run_id
from sesspec.report.model import VERDICT_LABELS, VERDICTS, Report

if TYPE_CHECKING:
    from sesspec.drivers import Driver, Outcome, Scenario

__all__ = ["DEFAULT_OUT", "build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


#: Exit status of a report written with errors of the run (a stale expectation).
EXIT_RUN_ERRORS = 1

#: Where the report goes unless ``--out`` says: a folder a clone of sesspec ignores, so that a
#: run leaves the committed report (``reports/latest``, ``reports/history``) as it was.
DEFAULT_OUT = Path("reports") / "local"

#: Most clients ``--parallel`` runs at once (:data:`sesspec.drivers.runner.MAX_WORKERS`, which
#: the command line does not import for ``--help``).
MAX_PARALLEL = 64


def _run_id(text: str) -> str:
    try:
        return check_run_id(text)
    except RunIdError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sesspec report",
        description=(
            "Run every available SES client over every scenario against a loopback endpoint, "
            "check each captured request, and write <out>/latest/ (index.html, report.md, "
            f"report.json, junit.xml, the raw captures) and <out>/{HISTORY_DIR}/<run-id>.json "
            "(the run's summary, which the next run's diff reads)."
        ),
    )
    parser.add_argument(
        "--install",
        action="store_true",
        help="install the clients first (pip, npm, Debian packages; Maven, cargo and Go "
        "builds), saying first what and how much",
    )
    parser.add_argument(
        "--plan",
        action="store_true",
        help="say what --install would install for the clients chosen, and stop",
    )
    parser.add_argument(
        "--client",
        action="append",
        metavar="NAME",
        help="only this client (repeatable; NAME,NAME too)",
    )
    parser.add_argument(
        "--language",
        action="append",
        metavar="NAME",
        help="only the clients in this language (repeatable; NAME,NAME too): python, "
        "javascript, ...",
    )
    parser.add_argument(
        "--scenario", action="append", metavar="ID", help="only this scenario (repeatable)"
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help=f"reports folder (default: {DEFAULT_OUT.as_posix()}; the committed one: reports)",
    )
    parser.add_argument(
        "--run-id",
        type=_run_id,
        default=None,
        help="the run's name: letters, digits, '.', '_', '-' (default: its start time)",
    )
    parser.add_argument("--timeout", type=run_seconds, default=60.0, help="time limit per run (s)")
    parser.add_argument("--http", action="store_true", help="plain-HTTP endpoint instead of TLS")
    parser.add_argument(
        "--rejudge",
        action="store_true",
        help=(
            "run no client: judge the run in <out>/latest again from its captures (this "
            "checkout's checker, fidelity rules and expectations) and rewrite it in place"
        ),
    )
    parser.add_argument(
        "--parallel",
        type=whole_number(1, MAX_PARALLEL),
        default=None,
        metavar="N",
        help=(
            "run N clients at once, each on a loopback endpoint of its own (default: twice the "
            "CPUs this process may use); the report is the same as with 1"
        ),
    )
    parser.add_argument(
        "--no-facts",
        action="store_true",
        help="do not look up each client's release date and upstream version "
        "(registries; kept in the per-user cache)",
    )
    return parser


class _Progress:
    """One stderr line per run: ``[ 12] boto3  send-email-ascii  ok (0.4 s)``; on a terminal,
    with one client at a time, the run going on is shown first."""

    def __init__(self, *, live: bool) -> None:
        self.done = 0
        self.tty = live and sys.stderr.isatty()

    def __call__(self, driver: Driver, scenario: Scenario, outcome: Outcome | None) -> None:
        if outcome is not None:
            self.done += 1
        number = self.done if outcome is not None else self.done + 1
        head = f"[{number:>3}] {driver.name:<24} {scenario.id:<28}"
        if outcome is None:
            if self.tty:
                sys.stderr.write(head + " ...")
                sys.stderr.flush()
            return
        detail = f"  {outcome.detail[:70]}" if outcome.status != "ok" else ""
        prefix = "\r" if self.tty else ""
        sys.stderr.write(f"{prefix}{head} {outcome.status} ({outcome.duration_s:.1f} s){detail}\n")
        sys.stderr.flush()


def _log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


_D = TypeVar("_D", bound="Driver")


def _names(values: Sequence[str] | None) -> list[str]:
    """``--client a,b --client c`` as ``[a, b, c]`` (empty names dropped)."""
    return [n for value in values or () for n in (p.strip() for p in value.split(",")) if n]


def _chosen(drivers: Sequence[_D], clients: list[str], languages: list[str]) -> list[_D]:
    """The drivers ``--client`` and ``--language`` leave (each limits; none: all of them);
    :class:`UsageError` naming what is not known, or when nothing is left."""
    known = [d.name for d in drivers]
    unknown = [c for c in clients if c not in known]
    if unknown:
        msg = f"unknown client(s): {', '.join(unknown)} (known: {', '.join(known)})"
        raise UsageError(msg)
    spoken = list(dict.fromkeys(d.language for d in drivers))
    unknown = [lang for lang in languages if lang not in spoken]
    if unknown:
        msg = f"unknown language(s): {', '.join(unknown)} (known: {', '.join(spoken)})"
        raise UsageError(msg)
    left = [
        d
        for d in drivers
        if (not clients or d.name in clients) and (not languages or d.language in languages)
    ]
    if not left:
        msg = f"no client is both one of {', '.join(clients)} and in {', '.join(languages)}"
        raise UsageError(msg)
    return left


def run(args: argparse.Namespace) -> int:
    # The harness (drivers, endpoint): imported when the command runs, not for --help.
    from sesspec.drivers import load_scenarios
    from sesspec.drivers.registry import all_drivers
    from sesspec.report.run import install_summary, rejudge_report, run_report

    if args.rejudge:
        if args.client or args.language or args.scenario or args.install or args.run_id:
            msg = (
                "--rejudge runs no client: --client, --language, --scenario, --install, "
                "--run-id do not apply"
            )
            raise UsageError(msg)
        if not (Path(args.out) / "latest" / "report.json").is_file():
            raise UsageError(f"--rejudge: no report in {Path(args.out) / 'latest'}")
        return _finish(rejudge_report(Path(args.out), log=_log).report, Path(args.out))

    try:
        load_scenarios(args.scenario)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    drivers = _chosen(all_drivers(), _names(args.client), _names(args.language))
    clients = [d.name for d in drivers] if args.client or args.language else None
    if args.plan or args.install:
        _log(install_summary(drivers).rstrip("\n"))
    if args.plan:
        return EXIT_OK
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"--out {args.out}: {exc.strerror or exc}"
        raise UsageError(msg) from None
    done = run_report(
        out=out,
        run_id=args.run_id,
        clients=clients,
        scenarios=args.scenario,
        install=args.install,
        timeout=args.timeout,
        tls=not args.http,
        parallel=args.parallel,
        progress=_Progress(live=args.parallel == 1),
        log=_log,
        facts=not args.no_facts,
    )
    _log(f"report: {done.latest_dir / 'index.html'} (summary: {done.summary_path})")
    return _finish(done.report, out)


def _finish(report: Report, out: Path) -> int:
    """Say what the run found; the exit status (1 with errors of the run)."""
    counts = report.counts()
    summary = ", ".join(f"{counts[v]} {VERDICT_LABELS[v]}" for v in VERDICTS if counts[v])
    _log(f"{len(report.cases)} cells of run {report.run_id} in {out}: {summary}")
    if report.errors:
        _log(f"{len(report.errors)} error(s) of the run (in the report too)")
        return EXIT_RUN_ERRORS
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec report`` with ``argv`` (the arguments after ``report``)."""
    return run_command(build_parser(), run, argv)
