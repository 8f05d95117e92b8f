"""The conformance report over real SES clients: ``sesspec report`` (outer ring).

:func:`run_report` runs the drivers against the loopback endpoint, checks every captured
request and writes ``reports/<run-id>/`` and ``reports/latest/``; the writers
(:func:`render_html`, :func:`render_markdown`, :func:`render_json`, :func:`render_junit`) all
take the one :class:`Report`.
"""

from __future__ import annotations

from sesspec.report.cli import main
from sesspec.report.diff import diff_runs
from sesspec.report.html import render_html
from sesspec.report.json_ import read_report_json, render_json
from sesspec.report.junit import render_junit
from sesspec.report.markdown import render_markdown
from sesspec.report.model import (
    VERDICTS,
    CaseResult,
    CellChange,
    ClientInfo,
    FindingChange,
    Report,
    RequestResult,
    RuleRef,
    RunDiff,
    ScenarioInfo,
    Verdict,
    cell_verdict,
)
from sesspec.report.run import ReportRun, check_capture, run_report, write_report

__all__ = [
    "VERDICTS",
    "CaseResult",
    "CellChange",
    "ClientInfo",
    "FindingChange",
    "Report",
    "ReportRun",
    "RequestResult",
    "RuleRef",
    "RunDiff",
    "ScenarioInfo",
    "Verdict",
    "cell_verdict",
    "check_capture",
    "diff_runs",
    "main",
    "read_report_json",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "run_report",
    "write_report",
]


def __dir__() -> list[str]:
    return __all__
