"""``sesspec flatten ACTION``: params as JSON on stdin -> the form body (awsQuery flattening)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from sesspec.cli._common import (
    EXIT_OK,
    Output,
    Parser,
    UsageError,
    describe_group,
    json_int,
    run_command,
    stdin_bytes,
)
from sesspec.encoding import STYLES
from sesspec.request import form_body

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sesspec flatten", description=__doc__.splitlines()[0])
    parser.add_argument("action", help="operation name, e.g. SendEmail")
    parser.add_argument("--style", default="rfc3986", choices=sorted(STYLES), help="form encoder")
    return parser


def run(args: argparse.Namespace) -> int:
    raw = stdin_bytes()
    try:
        params = json.loads(raw or b"{}", parse_int=json_int)
    except json.JSONDecodeError as exc:
        msg = f"stdin: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise UsageError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"stdin: not JSON: invalid {exc.encoding} at byte {exc.start} ({exc.reason})"
        raise UsageError(msg) from None
    except RecursionError:
        msg = "stdin: not usable JSON: nested deeper than Python's parser allows"
        raise UsageError(msg) from None
    if not isinstance(params, dict):
        msg = "stdin: the params must be a JSON object"
        raise UsageError(msg)
    try:
        body = form_body(args.action, params, style=args.style)
    except ExceptionGroup as group:
        raise UsageError(describe_group(group)) from None
    out = Output(sys.stdout)
    out.raw(body + b"\n")
    out.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec flatten`` with ``argv`` (the arguments after ``flatten``)."""
    return run_command(build_parser(), run, argv)
