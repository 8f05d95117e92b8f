"""``sesspec check FILE...``: findings as text (coloured on a terminal), JSON or JUnit XML.

Exit status: 2 when an input could not be read, or there was no request to check at all (an
empty folder); else 1 when a request has an error-severity finding; else 0. An input that
cannot be read does not stop the others: text output names it on stderr, JSON as an entry
``{"source": ..., "error": ...}``, JUnit as a test case with an ``<error>``, so the document is
always complete. If stdout goes away (``sesspec check ... | head``), every request is still
checked and the exit status is still the verdict. Whatever came from the input (names,
messages) is printed with its control characters escaped.

``--jobs N`` checks in N processes (0: one per CPU, at most :data:`MAX_JOBS`); the output is
the same, byte for byte and in the same order, as with one. Inputs are still read one request
at a time, in this process, and handed to the workers in chunks of up to
:data:`CHUNK_REQUESTS` requests or :data:`CHUNK_BYTES` bytes (or one request, when it is
larger); at most two chunks per worker are out at once, so memory stays bounded however many
files or capture lines there are. The workers start only when the first chunk fills: a few
requests are checked here, without them. JUnit XML, whose header counts the test cases, is
written to a spooled temporary file (memory up to 8 MiB, then disk) until the counts are known.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.context import BaseContext
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from sesspec.check import Credentials, Finding, check, errors_in
from sesspec.check.finding import printable
from sesspec.check.sources import Source, SourceError, iter_sources
from sesspec.cli._common import (
    Output,
    Parser,
    add_credential_flags,
    credentials_from,
    one_line,
    parse_time,
    run_command,
    whole_number,
)
from sesspec.errors import SesSpecError
from sesspec.serve.capture import capture_findings

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_REQUESTS",
    "MAX_JOBS",
    "build_parser",
    "main",
    "render_junit",
    "run_check",
]


def __dir__() -> list[str]:
    return __all__


#: Most worker processes ``--jobs`` starts.
MAX_JOBS = 256
#: Most requests handed to a worker at once.
CHUNK_REQUESTS = 128
#: Most bytes of requests handed to a worker at once (a larger request goes alone).
CHUNK_BYTES = 4 * 1024 * 1024
#: JUnit XML kept in memory before the spool moves to disk.
_SPOOL_BYTES = 8 * 1024 * 1024

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An input that holds no request sesspec can read: where, and why."""

    where: str
    message: str


def _credentials(args: argparse.Namespace) -> Credentials | None:
    akid, secret, token = credentials_from(args, os.environ)
    if akid and secret:
        return Credentials(akid, secret, token)
    if akid or secret:
        msg = (
            "--access-key-id and --secret-access-key go together (each may also come from "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"
        )
        raise SourceError(msg, where="arguments")
    return None


def _use_colour(mode: str, stream: IO[str] | None) -> bool:
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR") or stream is None:
        return False
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def _text(source: Source, findings: list[Finding], *, colour: bool) -> str:
    verdict = "FAIL" if errors_in(findings) else "ok"
    lines = [f"{printable(source.name)}: {verdict}\n"]
    for f in findings:
        sev = f"{_COLOURS[f.severity]}{f.severity}{_RESET}" if colour else f.severity
        lines.append(f"  {f.rule} {sev} [{f.location}] {f.message}\n")
        lines.append(f"      see: {f.citation}\n")
        if f.detail:
            lines.extend(f"      | {line}\n" for line in f.detail.splitlines())
    return "".join(lines)


def _junit_head(tests: int, failures: int, errors: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuite name="sesspec check" tests="{tests}" failures="{failures}" '
        f'errors="{errors}">'
    )


def _junit_case(result: tuple[Source, list[Finding]] | Unreadable) -> str:
    """One ``<testcase>``: one failure per error finding; an input that could not be read has
    an ``<error>``."""
    if isinstance(result, Unreadable):
        name = quoteattr(printable(result.where))
        message = printable(result.message)
        return (
            f'  <testcase classname="sesspec.check" name={name}>\n'
            f'    <error type="unreadable" message={quoteattr(message)}>'
            f"{escape(message)}</error>\n"
            "  </testcase>"
        )
    source, findings = result
    name = quoteattr(printable(source.name))
    parts = [f'  <testcase classname="sesspec.check" name={name}>']
    for f in errors_in(findings):
        text = f"{f.location}: {f.message} (see {f.citation})"
        parts.append(
            f"    <failure type={quoteattr(f.rule)} message={quoteattr(f.message)}>"
            f"{escape(text)}</failure>"
        )
    others = [f for f in findings if f.severity != "error"]
    if others:
        lines = "\n".join(f"{f.rule} {f.severity} [{f.location}] {f.message}" for f in others)
        parts.append(f"    <system-out>{escape(lines)}</system-out>")
    parts.append("  </testcase>")
    return "\n".join(parts)


def render_junit(results: list[tuple[Source, list[Finding]] | Unreadable]) -> str:
    """JUnit XML: one testcase per request, one failure per error finding; an input that
    could not be read is a testcase with an ``<error>``."""
    checked = [r for r in results if not isinstance(r, Unreadable)]
    failures = sum(1 for _, fs in checked if errors_in(fs))
    head = _junit_head(len(results), failures, len(results) - len(checked))
    return "\n".join([head, *map(_junit_case, results), "</testsuite>"]) + "\n"


@dataclass(frozen=True, slots=True)
class _Context:
    """What every check of one run shares (sent once to each worker)."""

    credentials: Credentials | None
    now: datetime | None
    plain_http: bool
    #: The output format, and whether text is coloured: each request's output is written
    #: where it is checked, so that the main process only puts the pieces in order.
    format: str = "text"
    colour: bool = False


@dataclass(frozen=True, slots=True)
class Checked:
    """One request checked: its output in the run's format, and whether it has an error."""

    output: str
    failed: bool


def _judge(context: _Context, source: Source) -> list[Finding] | Unreadable:
    """The findings on one request: a capture by the one verdict on captures (report,
    plugin), anything else by :func:`sesspec.check.check`."""
    tls = False if context.plain_http else source.tls
    creds, now = context.credentials, context.now
    try:
        if source.capture is not None:
            return capture_findings(source.capture, credentials=creds, now=now, tls=tls)
        return check(source.raw, credentials=creds, now=now, tls=tls)
    except (SesSpecError, OSError, ValueError) as exc:  # check() reports; it does not raise
        return Unreadable(source.name, f"{type(exc).__name__}: {exc}")


#: The context of a worker process (set by :func:`_start_worker`).
_WORKER: _Context | None = None


def _start_worker(context: _Context) -> None:
    global _WORKER  # noqa: PLW0603 (one per worker process, set once as it starts)
    _WORKER = context


def _verdict(context: _Context, source: Source) -> Checked | Unreadable:
    """One request checked and its findings written in the run's format."""
    findings = _judge(context, source)
    if isinstance(findings, Unreadable):
        return findings
    if context.format == "text":
        output = _text(source, findings, colour=context.colour)
    elif context.format == "json":
        output = json.dumps({"source": source.name, "findings": [f.as_dict() for f in findings]})
    else:
        output = _junit_case((source, findings))
    return Checked(output, bool(errors_in(findings)))


def _judge_chunk(sources: list[Source]) -> list[Checked | Unreadable]:
    """In a worker: each of ``sources`` checked, in order."""
    assert _WORKER is not None
    return [_verdict(_WORKER, source) for source in sources]


def _items(inputs: Iterable[str]) -> Iterator[Source | Unreadable]:
    """The requests the inputs hold, and each input that could not be read, in order, read
    one at a time; an unreadable input does not end the others."""
    for arg in inputs:
        try:
            yield from iter_sources([arg])
        except SourceError as exc:
            yield Unreadable(exc.where, exc.message)
        except (SesSpecError, OSError, ValueError) as exc:  # a reader's own error (bad UTF-8...)
            yield Unreadable(arg, f"{type(exc).__name__}: {exc}")


_Result = Checked | Unreadable
_Chunk = tuple[list[Source | Unreadable], "Future[list[Checked | Unreadable]] | None"]


def _results(args: argparse.Namespace, context: _Context) -> Iterator[_Result]:
    """Each request checked, and each input that could not be read, in order."""
    jobs = args.jobs or _cpus()
    if jobs == 1:
        for item in _items(args.inputs):
            yield item if isinstance(item, Unreadable) else _verdict(context, item)
        return
    yield from _parallel(_items(args.inputs), context, jobs)


def _cpus() -> int:
    try:
        return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0))))
    except (AttributeError, OSError):  # not Linux
        return max(1, min(MAX_JOBS, os.cpu_count() or 1))


def _pool(context: _Context, jobs: int) -> ProcessPoolExecutor:
    """``jobs`` worker processes. Forked from this process when it runs no other thread (the
    checker is imported and warm already, so they start at once; with another thread alive a
    fork could copy a lock it holds); else forked from a server that imports the checker once
    (forkserver), or started afresh (spawn) where there is no fork."""
    methods = multiprocessing.get_all_start_methods()
    mp: BaseContext
    if "fork" in methods and threading.active_count() == 1:
        mp = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload([__name__])
        mp = server
    else:
        mp = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=mp, initializer=_start_worker, initargs=(context,)
    )


def _parallel(
    items: Iterator[Source | Unreadable], context: _Context, jobs: int
) -> Iterator[_Result]:
    """:func:`_results` over ``jobs`` processes: chunks of requests go out in order and what
    the workers make of them is yielded in the same order, with at most ``2 * jobs`` chunks
    out at once."""
    pool: ProcessPoolExecutor | None = None
    out: deque[_Chunk] = deque()
    chunk: list[Source | Unreadable] = []
    size = 0
    try:
        for item in items:
            chunk.append(item)
            if isinstance(item, Source):
                size += len(item.raw)
            if len(chunk) < CHUNK_REQUESTS and size < CHUNK_BYTES:
                continue
            if pool is None:
                pool = _pool(context, jobs)
            sources = [s for s in chunk if isinstance(s, Source)]
            out.append((chunk, pool.submit(_judge_chunk, sources)))
            chunk, size = [], 0
            while len(out) > 2 * jobs:
                yield from _collect(out.popleft(), context)
        if chunk:
            sources = [s for s in chunk if isinstance(s, Source)]
            out.append((chunk, None if pool is None else pool.submit(_judge_chunk, sources)))
        while out:
            yield from _collect(out.popleft(), context)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _collect(done: _Chunk, context: _Context) -> Iterator[_Result]:
    """A chunk's items in order, each request checked (here, when no worker took the
    chunk)."""
    chunk, future = done
    if future is None:
        judged = [_verdict(context, s) for s in chunk if isinstance(s, Source)]
    else:
        judged = future.result()
    verdicts = iter(judged)
    for item in chunk:
        yield item if isinstance(item, Unreadable) else next(verdicts)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sesspec check", description="Judge raw requests against the spec.")
    parser.add_argument(
        "inputs", nargs="+", help=".http files, folders, .jsonl captures, .har, URLs"
    )
    parser.add_argument("--format", default="text", choices=["text", "json", "junit"])
    add_credential_flags(parser)
    parser.add_argument("--now", help="the time to judge skew and expiry against (ISO 8601)")
    parser.add_argument("--http", action="store_true", help="the requests were sent without TLS")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    parser.add_argument(
        "--jobs",
        type=whole_number(0, MAX_JOBS),
        default=1,
        metavar="N",
        help="check in N processes (0: one per CPU); the output is the same as with 1",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec check`` with ``argv`` (the arguments after ``check``)."""
    return run_command(build_parser(), _run, argv)


def _run(args: argparse.Namespace) -> int:
    return run_check(args, now=parse_time(args.now) if args.now else None)


def run_check(args: argparse.Namespace, *, now: datetime | None) -> int:
    """Check ``args.inputs`` and write the findings in ``args.format``; the exit status."""
    colour = args.format == "text" and _use_colour(args.color, sys.stdout)
    context = _Context(_credentials(args), now, bool(args.http), args.format, colour)
    out = Output(sys.stdout)
    failed = unreadable = False
    checked = 0
    if args.format == "text":
        for result in _results(args, context):
            if isinstance(result, Unreadable):
                unreadable = True
                _stderr_line(f"sesspec check: {result.where}: {result.message}")
                continue
            checked += 1
            failed |= result.failed
            out.text(result.output)
    elif args.format == "json":
        out.utf8("[")
        first = True
        try:
            for result in _results(args, context):
                if isinstance(result, Unreadable):
                    unreadable = True
                    text = json.dumps({"source": result.where, "error": result.message})
                else:
                    checked += 1
                    failed |= result.failed
                    text = result.output
                out.utf8(("\n" if first else ",\n") + text)
                first = False
        finally:
            out.utf8("\n]\n")  # a complete document, whatever happened above
    else:
        # The header counts the cases: they wait in a spool (memory, then disk) until then.
        with tempfile.SpooledTemporaryFile(_SPOOL_BYTES, "w+", encoding="utf-8") as spool:
            cases = failures = errors = 0
            for result in _results(args, context):
                cases += 1
                if isinstance(result, Unreadable):
                    errors += 1
                    spool.write(_junit_case(result) + "\n")
                else:
                    checked += 1
                    failures += result.failed
                    spool.write(result.output + "\n")
            unreadable, failed = errors > 0, failures > 0
            out.utf8(_junit_head(cases, failures, errors) + "\n")
            spool.seek(0)
            while block := spool.read(1 << 16):
                out.utf8(block)
            out.utf8("</testsuite>\n")
    out.flush()
    if not checked and not unreadable:
        _stderr_line(f"sesspec check: no request found in {', '.join(args.inputs)}")
    if unreadable or not checked:
        return 2
    return 1 if failed else 0


def _stderr_line(text: str) -> None:
    try:
        if sys.stderr is not None:
            sys.stderr.write(one_line(text) + "\n")
    except (OSError, ValueError):
        pass
