"""``sesspec rules``: the checker's rules, one a line: id, severity, title, citation."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sesspec.check.catalogue import RULES
from sesspec.cli._common import EXIT_OK, Output, Parser, run_command

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    return Parser(prog="sesspec rules", description=__doc__.splitlines()[0])


def run(args: argparse.Namespace) -> int:
    del args
    out = Output(sys.stdout)
    for r in RULES.values():
        flag = " (deprecated)" if r.deprecated else ""
        out.text(f"{r.id:<9} {r.severity:<7} {r.title}{flag}  [{r.citation}]\n")
    out.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec rules`` with ``argv`` (the arguments after ``rules``)."""
    return run_command(build_parser(), run, argv)
