"""``sesspec unflatten``: a form body on stdin -> its params as JSON (awsQuery unflattening)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from sesspec.cli._common import (
    EXIT_OK,
    Output,
    Parser,
    UsageError,
    describe_group,
    json_value,
    run_command,
    stdin_bytes,
)
from sesspec.encoding import form_decode
from sesspec.query import unflatten

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sesspec unflatten", description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="reject malformed or unescaped bytes")
    return parser


def run(args: argparse.Namespace) -> int:
    raw = stdin_bytes().rstrip(b"\r\n")
    pairs = form_decode(raw, strict=args.strict)
    try:
        result = unflatten(pairs)
    except ExceptionGroup as group:
        raise UsageError(describe_group(group)) from None
    doc: dict[str, Any] = {"Action": result.action}
    if result.version is not None:
        doc["Version"] = result.version
    doc.update(json_value(result.params))
    out = Output(sys.stdout)
    out.utf8(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec unflatten`` with ``argv`` (the arguments after ``unflatten``)."""
    return run_command(build_parser(), run, argv)
