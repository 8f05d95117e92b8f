"""``sesspec sweep``: since which release a client signs and sends as SES requires, from the wire.

For each client named (a ``[[sweep]]`` entry of ``sesspec/drivers/catalogue.toml``), lists its
releases from its registry, installs and runs a sample of them through five scenarios, bisects
every gap whose two ends differ, and writes its history as ``<out>/<name>.json``, ``.md`` and
``.html`` (:mod:`sesspec.drivers.sweep.run`). Progress goes to stderr, one line per release
as it ends, then one line per client with what it did.

A client or range that is unknown, a registry that cannot be reached, is one line on stderr and
the sweep goes on with the other clients; a release that does not install (or whose install
runs out of ``--install-timeout``) or does not run is a span of its own in the history, with
the reason. Installs and runs are kept in the per-user cache, so a sweep stopped half-way
resumes from it and a repeat sweep runs only what is new. Exit status: 0 when every client's
history was written, 1 when some could not be swept, 2 on bad arguments or a missing extra.

The sweep (the harness) is imported when the command runs, so ``--help`` works on a plain
install.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sesspec.cli._common import (
    EXIT_OK,
    Parser,
    error_line,
    run_command,
    run_seconds,
    whole_number,
)

__all__ = ["DEFAULT_OUT", "MAX_SAMPLES", "MAX_WORKERS", "build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


#: Where histories are written by default (committed for the clients README names).
DEFAULT_OUT = Path("reports") / "sweeps"
#: Most releases ``--samples`` asks for before bisecting.
MAX_SAMPLES = 10_000
#: Most releases swept at once (``--workers``).
MAX_WORKERS = 16

#: Exit status when a client could not be swept (the others were).
EXIT_PARTIAL = 1


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sesspec sweep",
        description=(
            "Install a client's releases one by one, run each through five scenarios against "
            "a loopback endpoint, and write since which release its requests are what SES "
            "requires (spans of the same wire behaviour, each change with its diff)."
        ),
    )
    parser.add_argument("client", nargs="*", help="clients to sweep (see --list)")
    parser.add_argument("--list", action="store_true", help="list the clients, then exit")
    parser.add_argument(
        "--range",
        dest="spec",
        default=None,
        help="releases A..B (both included; either may be left out), or one version; default: all",
    )
    parser.add_argument(
        "--samples",
        type=whole_number(2, MAX_SAMPLES, " releases"),
        default=None,
        help="releases run before bisecting (default: the client's, 40 for most)",
    )
    parser.add_argument("--every", action="store_true", help="run every release (no sampling)")
    parser.add_argument("--pre", action="store_true", help="include pre-releases")
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS),
        default=2,
        help="releases installed and run at once (default 2)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: reports/sweeps")
    parser.add_argument(
        "--timeout", type=run_seconds, default=60.0, help="per scenario run, in seconds"
    )
    parser.add_argument(
        "--install-timeout",
        type=run_seconds,
        default=None,
        help="per install or build, in seconds (default 300 for an install, 3600 for a build)",
    )
    parser.add_argument(
        "--retry-failed", action="store_true", help="install again releases that failed before"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec sweep`` with ``argv`` (the arguments after ``sweep``)."""
    return run_command(build_parser(), run, argv)


def _say(line: str) -> None:
    error_line(line)


def run(args: argparse.Namespace) -> int:
    # The harness: imported when the command runs, not for --help.
    from sesspec.drivers.sweep.harness import sweep_clients
    from sesspec.drivers.sweep.releases import RegistryError
    from sesspec.drivers.sweep.run import sweep_client, write_index

    clients = sweep_clients()
    if args.list or not args.client:
        for entry in clients.values():
            sys.stdout.write(
                f"{entry.name}\t{entry.registry} {entry.package}\tdriver {entry.driver.name}\n"
            )
        return EXIT_OK
    status = EXIT_OK
    for name in args.client:
        client = clients.get(name)
        if client is None:
            _say(f"sesspec sweep: unknown client {name!r} (known: {', '.join(clients)})")
            status = EXIT_PARTIAL
            continue
        try:
            done = sweep_client(
                client,
                out=args.out,
                spec=args.spec,
                samples=args.samples,
                every=args.every,
                pre=args.pre,
                workers=args.workers,
                timeout=args.timeout,
                install_timeout=args.install_timeout,
                retry_failed=args.retry_failed,
                log=_say,
            )
        except RegistryError as exc:
            _say(f"sesspec sweep: {exc}")
            status = EXIT_PARTIAL
            continue
        history = done.history
        since = history.accepted_since()
        _say(
            f"{name}: {history.total} releases, {history.probed} run ({done.ran} now, "
            f"{done.cached} from the cache), {len(history.spans)} spans, "
            f"{len(history.changes)} changes; SES accepts every request since "
            f"{since.first if since else 'no release'}; installs {done.install_s:.0f} s, "
            f"runs {done.run_s:.0f} s, wall {done.wall_s:.0f} s"
        )
        for path in done.written:
            sys.stdout.write(f"{path}\n")
        sys.stdout.write(f"{write_index(args.out)}\n")
    return status
