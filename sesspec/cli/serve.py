"""``sesspec serve``: run the loopback SES endpoint, a local SES, until interrupted.

Prints the URL, the CA file to trust (HTTPS), the capture file, the inbox page and the messages'
JSON, one per line, then serves until SIGINT/SIGTERM. What the endpoint survives (accept errors,
floods, slow senders) is logged to stderr, one line each.

It keeps an SES account (:class:`~sesspec.serve.state.SesState`): identities, templates,
configuration sets, the messages sent and the counts. By default every address may send and
receive; ``--sandbox`` applies SES's sandbox rules; ``--strict`` refuses non-conformant requests
(combinable). The state lives in memory, at most ``--max-messages`` messages (10,000 by default,
and 512 MiB of memory for them; the oldest dropped), unless ``--state-dir`` keeps it in a folder
across restarts (written before each answer, so that a kill loses nothing answered and leaves the
counts those of the messages kept; one process per folder; a record it cannot read back stops
it, naming the record, unless ``--skip-unreadable`` keeps it aside; the caps bound memory, never
what is on disk). ``--canned`` keeps no state and answers every known action with a canned
response (the conformance report's endpoint).

Exit status 2, with one line on stderr and no traceback, for any argument it cannot use: an
option out of range (``--timeout 0``, ``nan``, ``inf``), a capture file that cannot be opened
(a folder, a place without write access), a port already in use, a state folder in use by
another process or holding a record that cannot be read back.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType

from sesspec.cli._common import (
    EXIT_OK,
    Output,
    Parser,
    UsageError,
    run_command,
    seconds_up_to,
    whole_number,
)
from sesspec.serve.mailbox import DEFAULT_MAX_BYTES, DEFAULT_MAX_MESSAGES
from sesspec.serve.server import (
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_HEAD,
    DEFAULT_TIMEOUT,
    MAX_BODY_LIMIT,
    MAX_CONNECTIONS_LIMIT,
    MAX_HEAD_LIMIT,
    MAX_TIMEOUT,
    Endpoint,
)

__all__ = ["build_parser", "main", "seconds"]


def __dir__() -> list[str]:
    return __all__


#: The most messages ``--max-messages`` may keep in memory.
MAX_MESSAGES_LIMIT = 1_000_000


#: A positive, finite number of seconds up to :data:`MAX_TIMEOUT` (argparse type).
seconds = seconds_up_to(MAX_TIMEOUT)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sesspec serve",
        description=(
            "A local SES (2010-12-01) on 127.0.0.1: keeps identities, templates and the messages "
            "sent (GET /_aws/ses, the page /_sesspec/), records every request byte for byte and "
            "says what is wrong with each. State is kept in memory (at most --max-messages "
            f"messages and {DEFAULT_MAX_BYTES // 2**20} MiB, the oldest dropped) unless "
            "--state-dir keeps it across restarts."
        ),
    )
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    parser.add_argument(
        "--port", type=whole_number(0, 65535), default=0, help="port on 127.0.0.1 (0: any free)"
    )
    parser.add_argument(
        "--capture", default="captures.jsonl", help="JSON-lines file the requests are appended to"
    )
    parser.add_argument("--ca", default=None, help="where to write the throwaway CA (PEM)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="check each request and answer a non-conformant one with the SES error",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help=(
            "apply SES's sandbox rules: sender and recipients must be verified identities "
            "(else MessageRejected), 200 messages a day (default: every address accepted)"
        ),
    )
    parser.add_argument(
        "--state-dir",
        default=None,
        help=(
            "folder that keeps identities, templates, counts and messages across restarts, "
            "each written before it is answered; one process at a time (default: in memory "
            "only)"
        ),
    )
    parser.add_argument(
        "--skip-unreadable",
        action="store_true",
        help=(
            "start even when a record of --state-dir cannot be read back: it is kept aside "
            "under DIR/unreadable/ and left out (default: refuse to start, naming it)"
        ),
    )
    parser.add_argument(
        "--max-messages",
        type=whole_number(1, MAX_MESSAGES_LIMIT, " messages"),
        default=DEFAULT_MAX_MESSAGES,
        help=(
            f"messages kept in memory (default {DEFAULT_MAX_MESSAGES}, and at most "
            f"{DEFAULT_MAX_BYTES // 2**20} MiB of them); past either the oldest is dropped "
            "from memory (never from --state-dir)"
        ),
    )
    parser.add_argument(
        "--canned",
        action="store_true",
        help="keep no state: answer every known action with a canned response",
    )
    parser.add_argument(
        "--fsync",
        action="store_true",
        help=(
            "fsync each capture record before answering (default: written before answering, "
            "flushed to disk within 0.2 s)"
        ),
    )
    parser.add_argument(
        "--max-body",
        type=whole_number(1, MAX_BODY_LIMIT, " bytes"),
        default=DEFAULT_MAX_BODY,
        help=f"largest request body in bytes (default {DEFAULT_MAX_BODY}); larger: 413",
    )
    parser.add_argument(
        "--max-head",
        type=whole_number(1, MAX_HEAD_LIMIT, " bytes"),
        default=DEFAULT_MAX_HEAD,
        help=f"largest request head in bytes (default {DEFAULT_MAX_HEAD}); larger: 431",
    )
    parser.add_argument(
        "--max-connections",
        type=whole_number(1, MAX_CONNECTIONS_LIMIT, " connections"),
        default=None,
        help=(
            f"connections served at once (default {DEFAULT_MAX_CONNECTIONS}, fewer if the "
            "descriptor limit is lower); more wait in the listen backlog"
        ),
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        help=(
            "seconds a request may take from its first byte to its last, and a connection may "
            f"stay idle (default {DEFAULT_TIMEOUT:g}); past it: 408"
        ),
    )
    return parser


def _log_to_stderr() -> Callable[[], None]:
    """Send the endpoint's log (``sesspec.serve``) to stderr, one line each; returns the undo."""
    logger = logging.getLogger("sesspec.serve")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sesspec serve: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    return undo


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec serve`` with ``argv`` (the arguments after ``serve``); returns the exit
    status (2, one line, for an argument it cannot use: a port in use, a capture it cannot
    open)."""
    return run_command(build_parser(), run, argv)


def run(args: argparse.Namespace) -> int:
    if args.canned and (args.sandbox or args.state_dir is not None):
        raise UsageError("--canned keeps no state: not with --sandbox or --state-dir")
    if args.skip_unreadable and args.state_dir is None:
        raise UsageError("--skip-unreadable reads back --state-dir: give it too")
    done = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    endpoint = Endpoint(
        args.capture,
        tls=not args.http,
        port=args.port,
        max_body=args.max_body,
        max_head=args.max_head,
        max_connections=args.max_connections,
        timeout=args.timeout,
        strict=args.strict,
        ca_path=args.ca,
        state=not args.canned,
        sandbox=None if args.canned else args.sandbox,
        state_dir=args.state_dir,
        max_messages=None if args.canned else args.max_messages,
        sync="each" if args.fsync else "batched",
        skip_unreadable=args.skip_unreadable,
    )
    undo_logging = _log_to_stderr()
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        endpoint.start()
        try:
            out = Output(sys.stdout)  # no one reads stdout, or it is closed: serve all the same
            out.text(f"url {endpoint.url}\n")
            if endpoint.ca_path is not None:
                out.text(f"ca {endpoint.ca_path}\n")
            out.text(f"capture {endpoint.capture_path}\n")
            if endpoint.state is not None:
                out.text(f"inbox {endpoint.url}_sesspec/\n")
                out.text(f"messages {endpoint.url}_aws/ses\n")
            out.flush()
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            endpoint.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
        undo_logging()
    sys.stderr.write(f"sesspec serve: {endpoint.capture_count} requests captured\n")
    return EXIT_OK
