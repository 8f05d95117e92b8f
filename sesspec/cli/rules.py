"""``sesspec rules``: the checker's rules, one a line, or one rule explained (``--explain ID``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sesspec.check.explain import explain, listing
from sesspec.cli._common import EXIT_OK, Output, Parser, UsageError, run_command

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sesspec rules", description=__doc__.splitlines()[0])
    parser.add_argument("--explain", metavar="ID", help="a rule, why, its sources and samples")
    return parser


def run(args: argparse.Namespace) -> int:
    out = Output(sys.stdout)
    if args.explain is None:
        out.text(listing())
    else:
        try:
            out.text(explain(args.explain.upper()))
        except KeyError:
            raise UsageError(f"no rule {args.explain!r} (sesspec rules lists them)") from None
    out.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec rules`` with ``argv`` (the arguments after ``rules``)."""
    return run_command(build_parser(), run, argv)
