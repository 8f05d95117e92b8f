"""The conformance report over real SES clients: the report as data, and its writers.

Every writer takes the one :class:`Report`: :func:`render_markdown` and :func:`render_json`
need the standard library only; :func:`render_html` and :func:`render_junit` are as pure (text
in, text out) but are written with lxml, the ``report`` extra, so they are imported when first
used and this package imports without the extra. :mod:`sesspec.report.files` writes a run's
files and its summary; :func:`diff_runs` compares a run with the previous one's summary.

The run itself (installing and running the clients against the loopback endpoint, checking
what they sent) is the harness, :mod:`sesspec.report.run`, which this package does not import:
``sesspec report`` on the command line, or ``from sesspec.report.run import run_report``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sesspec._extras import lazy_attributes
from sesspec.report.diff import SUMMARY_FORMAT, diff_runs, summarize
from sesspec.report.files import (
    RunIdError,
    check_run_id,
    new_run_id,
    previous_run,
    read_summary,
    write_report,
    write_summary,
)
from sesspec.report.json_ import read_report_json, render_json
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

if TYPE_CHECKING:
    from sesspec.report.html import render_html
    from sesspec.report.junit import render_junit

__all__ = [
    "SUMMARY_FORMAT",
    "VERDICTS",
    "CaseResult",
    "CellChange",
    "ClientInfo",
    "FindingChange",
    "Report",
    "RequestResult",
    "RuleRef",
    "RunDiff",
    "RunIdError",
    "ScenarioInfo",
    "Verdict",
    "cell_verdict",
    "check_run_id",
    "diff_runs",
    "new_run_id",
    "previous_run",
    "read_report_json",
    "read_summary",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "summarize",
    "write_report",
    "write_summary",
]

#: The writers that need the ``report`` extra (lxml), by the module they live in.
_NEEDS_LXML = {"render_html": "sesspec.report.html", "render_junit": "sesspec.report.junit"}


__getattr__ = lazy_attributes(globals(), _NEEDS_LXML)


def __dir__() -> list[str]:
    return __all__
