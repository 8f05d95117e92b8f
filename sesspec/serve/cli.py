"""``sesspec serve``: run the loopback SES endpoint until interrupted.

Prints the URL, the CA file to trust (HTTPS) and the capture file, one per line, then
serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from sesspec.serve.server import Endpoint, StrictChecker

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sesspec serve",
        description="Loopback SES (2010-12-01) endpoint that records every request byte for byte.",
    )
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--capture", default="captures.jsonl", help="JSON-lines file the requests are appended to"
    )
    parser.add_argument("--ca", default=None, help="where to write the throwaway CA (PEM)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="check each request and answer a non-conformant one with the SES error",
    )
    parser.add_argument("--max-body", type=int, default=16 * 1024 * 1024)
    parser.add_argument("--timeout", type=float, default=30.0, help="socket read timeout (s)")
    return parser


def _strict_checker() -> StrictChecker:
    """The checker adaptor (``sesspec.serve.strict.checker``), when the checker exists."""
    from sesspec.serve.strict import checker  # noqa: PLC0415 (imports the checker package)

    return checker()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    strict: StrictChecker | None = None
    if args.strict:
        try:
            strict = _strict_checker()
        except ImportError as exc:
            sys.stderr.write(f"sesspec serve: --strict needs the checker: {exc}\n")
            return 2
    done = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    previous = signal.signal(signal.SIGTERM, _stop)
    endpoint = Endpoint(
        args.capture,
        tls=not args.http,
        port=args.port,
        max_body=args.max_body,
        timeout=args.timeout,
        strict_checker=strict,
        ca_path=args.ca,
    )
    with endpoint:
        sys.stdout.write(f"url {endpoint.url}\n")
        if endpoint.ca_path is not None:
            sys.stdout.write(f"ca {endpoint.ca_path}\n")
        sys.stdout.write(f"capture {endpoint.capture_path}\n")
        sys.stdout.flush()
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    signal.signal(signal.SIGTERM, previous)
    sys.stderr.write(f"sesspec serve: {endpoint.capture_count} requests captured\n")
    return 0
