"""``sesspec sign``: a raw HTTP/1.1 request on stdin -> the same request, signed."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence

from sesspec.cli._common import (
    EXIT_OK,
    Output,
    Parser,
    UsageError,
    add_credential_flags,
    credentials_from,
    parse_time,
    run_command,
    stdin_bytes,
)
from sesspec.http import parse_request
from sesspec.request import sign

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sesspec sign", description=__doc__.splitlines()[0])
    add_credential_flags(parser)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--service", default="ses")
    parser.add_argument("--time", help="ISO 8601 basic or extended; default: now")
    parser.add_argument(
        "--scheme", default="sigv4", choices=["sigv4", "sigv4-query", "aws3", "sigv2"]
    )
    parser.add_argument("--expires", type=int, default=3600, help="seconds (sigv4-query)")
    return parser


def run(args: argparse.Namespace) -> int:
    akid, secret, token = credentials_from(args, os.environ)
    if akid is None or secret is None:
        msg = (
            "credentials needed: --access-key-id and --secret-access-key, or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
        raise UsageError(msg)
    data = stdin_bytes()
    req = parse_request(data)
    when = parse_time(args.time) if args.time else dt.datetime.now(dt.UTC)
    signed = sign(
        req,
        scheme=args.scheme,
        access_key_id=akid,
        secret_access_key=secret,
        session_token=token,
        region=args.region,
        service=args.service,
        time=when,
        expires=args.expires,
    )
    out = Output(sys.stdout)
    out.raw(signed.to_bytes())
    out.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec sign`` with ``argv`` (the arguments after ``sign``)."""
    return run_command(build_parser(), run, argv)
