"""``sesspec check FILE...``: findings as text (coloured on a terminal), JSON or JUnit XML.

Exit status: 2 when an input could not be read, or there was no request to check at all (an
empty folder); else 1 when a request has an error-severity finding; else 0. An input that
cannot be read does not stop the others: text output names it on stderr, JSON as an entry
``{"source": ..., "error": ...}``, JUnit as a test case with an ``<error>``, so the document is
always complete. If stdout goes away (``sesspec check ... | head``), every request is still
checked and the exit status is still the verdict. Whatever came from the input (names,
messages) is printed with its control characters escaped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
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
)
from sesspec.errors import SesSpecError
from sesspec.serve.capture import capture_findings

__all__ = ["build_parser", "main", "render_junit", "run_check"]


def __dir__() -> list[str]:
    return __all__


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


def render_junit(results: list[tuple[Source, list[Finding]] | Unreadable]) -> str:
    """JUnit XML: one testcase per request, one failure per error finding; an input that
    could not be read is a testcase with an ``<error>``."""
    checked = [r for r in results if not isinstance(r, Unreadable)]
    failures = sum(1 for _, fs in checked if errors_in(fs))
    errors = len(results) - len(checked)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name="sesspec check" tests="{len(results)}" failures="{failures}" '
        f'errors="{errors}">',
    ]
    for result in results:
        if isinstance(result, Unreadable):
            name = quoteattr(printable(result.where))
            parts.append(f'  <testcase classname="sesspec.check" name={name}>')
            message = printable(result.message)
            parts.append(
                f'    <error type="unreadable" message={quoteattr(message)}>'
                f"{escape(message)}</error>"
            )
            parts.append("  </testcase>")
            continue
        source, findings = result
        name = quoteattr(printable(source.name))
        parts.append(f'  <testcase classname="sesspec.check" name={name}>')
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
    parts.append("</testsuite>")
    return "\n".join(parts) + "\n"


def _results(
    args: argparse.Namespace, creds: Credentials | None, now: datetime | None
) -> Iterator[tuple[Source, list[Finding]] | Unreadable]:
    """Each request with its findings, and each input that could not be read, in order. One
    input at a time, so that an unreadable one does not end the others."""
    for arg in args.inputs:
        try:
            for source in iter_sources([arg]):
                tls = False if args.http else source.tls
                if source.capture is not None:  # the one verdict on a capture (report, plugin)
                    findings = capture_findings(source.capture, credentials=creds, now=now, tls=tls)
                else:
                    findings = check(source.raw, credentials=creds, now=now, tls=tls)
                yield source, findings
        except SourceError as exc:
            yield Unreadable(exc.where, exc.message)
        except (SesSpecError, OSError, ValueError) as exc:  # a reader's own error (bad UTF-8...)
            yield Unreadable(arg, f"{type(exc).__name__}: {exc}")


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec check`` with ``argv`` (the arguments after ``check``)."""
    return run_command(build_parser(), _run, argv)


def _run(args: argparse.Namespace) -> int:
    return run_check(args, now=parse_time(args.now) if args.now else None)


def run_check(args: argparse.Namespace, *, now: datetime | None) -> int:
    """Check ``args.inputs`` and write the findings in ``args.format``; the exit status."""
    creds = _credentials(args)
    out = Output(sys.stdout)
    failed = unreadable = False
    checked = 0
    if args.format == "text":
        colour = _use_colour(args.color, sys.stdout)
        for result in _results(args, creds, now):
            if isinstance(result, Unreadable):
                unreadable = True
                _stderr_line(f"sesspec check: {result.where}: {result.message}")
                continue
            source, findings = result
            checked += 1
            failed |= bool(errors_in(findings))
            out.text(_text(source, findings, colour=colour))
    elif args.format == "json":
        out.utf8("[")
        first = True
        try:
            for result in _results(args, creds, now):
                if isinstance(result, Unreadable):
                    unreadable = True
                    record: dict[str, object] = {"source": result.where, "error": result.message}
                else:
                    source, findings = result
                    checked += 1
                    failed |= bool(errors_in(findings))
                    record = {"source": source.name, "findings": [f.as_dict() for f in findings]}
                out.utf8(("\n" if first else ",\n") + json.dumps(record))
                first = False
        finally:
            out.utf8("\n]\n")  # a complete document, whatever happened above
    else:
        results = list(_results(args, creds, now))
        checked = sum(1 for r in results if not isinstance(r, Unreadable))
        unreadable = checked < len(results)
        failed = any(errors_in(r[1]) for r in results if not isinstance(r, Unreadable))
        out.utf8(render_junit(results))
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
