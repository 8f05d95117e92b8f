"""Time fidelity's comparison of three hostile messages, each against a copy with one header
changed (so neither side is skipped as equal), on one core.

    python scripts/bench_fidelity.py [--repeat N] [--timeout S]

The messages: 10,000 parts; a To field of 20,000 addresses; 100,000 header lines (past
``sesspec.mime``'s limits: one ``unreadable`` difference, found before anything is built), and
the same just inside the limits (compared in full). Each is
compared by ``sesspec.fidelity.compare_messages`` in a child process of its own (one core, a
time limit: a comparison that runs past it is reported as ``> S s``), ``--repeat`` times, and the
best time is printed (the figures in BENCHMARKS.md). It uses only the public
``compare_messages``, so the same script measures the code before and after a change:
``PYTHONPATH=/path/to/old/checkout python scripts/bench_fidelity.py``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

HEAD = b"From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\n"


def many_parts(count: int = 10_000) -> bytes:
    body = b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(count))
    return HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + body + b"--b--\r\n"


def many_addresses(count: int = 20_000) -> bytes:
    to = b", ".join(b"r%d@example.com" % i for i in range(count))
    return HEAD + b"To: " + to + b"\r\n\r\nhello\r\n"


def many_header_lines(count: int = 100_000) -> bytes:
    lines = b"".join(b"X-Header-%d: value\r\n" % i for i in range(count))
    return HEAD + lines + b"\r\nhello\r\n"


CASES: dict[str, Callable[[], bytes]] = {
    "10,000 parts": many_parts,
    "a To of 20,000 addresses": many_addresses,
    "100,000 header lines": many_header_lines,
    # Just inside sesspec.mime's limits (MAX_PARTS counts the message; the header lines are
    # those of one section): compared in full, not refused.
    "999 parts": partial(many_parts, 998),
    "a To of 1,000 addresses": partial(many_addresses, 1_000),
    "1,996 header lines": partial(many_header_lines, 1_996),
}


def _child(name: str) -> None:
    from sesspec.fidelity import compare_messages

    message = CASES[name]()
    other = message.replace(b"Subject: s", b"Subject: t", 1)
    started = time.perf_counter()
    compare_messages(message, other)
    sys.stdout.write(f"{time.perf_counter() - started:.3f}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    for name in CASES:
        times: list[float] = []
        over = False
        for _ in range(args.repeat):
            try:
                done = subprocess.run(
                    [*pin, sys.executable, __file__, "--child", name],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    check=True,
                )
            except subprocess.TimeoutExpired:
                over = True
                break
            times.append(float(done.stdout.strip().splitlines()[-1]))
        shown = f"> {args.timeout:g} s" if over else f"{min(times):.3f} s"
        sys.stdout.write(f"{name:<28} {shown}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
