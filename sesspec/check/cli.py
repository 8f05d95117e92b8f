"""``sesspec check FILE...``: findings as text (coloured on a terminal), JSON or JUnit XML.

Exit status: 0 when no request has an error-severity finding, 1 when any has, 2 when an input
could not be read at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from sesspec.check import Credentials, Finding, check, errors_in
from sesspec.check.sources import Source, SourceError, iter_sources
from sesspec.serve.capture import capture_findings

__all__ = ["render_junit", "run_check"]

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"


def _credentials(args: argparse.Namespace) -> Credentials | None:
    if args.access_key_id and args.secret_access_key:
        return Credentials(args.access_key_id, args.secret_access_key, args.session_token)
    if args.access_key_id or args.secret_access_key:
        msg = "--access-key-id and --secret-access-key go together"
        raise SourceError(msg, where="arguments")
    return None


def _use_colour(mode: str, stream: IO[str]) -> bool:
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _text(source: Source, findings: list[Finding], *, colour: bool, out: IO[str]) -> None:
    verdict = "FAIL" if errors_in(findings) else "ok"
    out.write(f"{source.name}: {verdict}\n")
    for f in findings:
        sev = f"{_COLOURS[f.severity]}{f.severity}{_RESET}" if colour else f.severity
        out.write(f"  {f.rule} {sev} [{f.location}] {f.message}\n")
        out.write(f"      see: {f.citation}\n")
        if f.detail:
            for line in f.detail.splitlines():
                out.write(f"      | {line}\n")


def render_junit(results: list[tuple[Source, list[Finding]]]) -> str:
    """JUnit XML: one testcase per request, one failure per error finding."""
    failures = sum(1 for _, fs in results if errors_in(fs))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name="sesspec check" tests="{len(results)}" failures="{failures}">',
    ]
    for source, findings in results:
        parts.append(f'  <testcase classname="sesspec.check" name={quoteattr(source.name)}>')
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
) -> Iterator[tuple[Source, list[Finding]]]:
    for source in iter_sources(args.inputs):
        tls = False if args.http else source.tls
        if source.capture is not None:  # the one verdict on a capture (report, plugin, strict)
            yield source, capture_findings(source.capture, credentials=creds, now=now, tls=tls)
        else:
            yield source, check(source.raw, credentials=creds, now=now, tls=tls)


def run_check(args: argparse.Namespace, *, now: datetime | None) -> int:
    creds = _credentials(args)
    out = sys.stdout
    any_error = False
    if args.format == "text":
        colour = _use_colour(args.color, out)
        for source, findings in _results(args, creds, now):
            any_error |= bool(errors_in(findings))
            _text(source, findings, colour=colour, out=out)
    elif args.format == "json":
        out.write("[")
        first = True
        for source, findings in _results(args, creds, now):
            any_error |= bool(errors_in(findings))
            record = {"source": source.name, "findings": [f.as_dict() for f in findings]}
            out.write(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
            first = False
        out.write("\n]\n")
    else:
        results = list(_results(args, creds, now))
        any_error = any(errors_in(fs) for _, fs in results)
        out.write(render_junit(results))
    return 1 if any_error else 0
