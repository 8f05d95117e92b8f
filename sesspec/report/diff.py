"""The difference between this run and the previous one, and the summary each run keeps for it.

The previous run is read from its summary (:func:`summarize`: ``reports/history/<run-id>.json``,
format ``sesspec-report-summary/1``, what the diff needs and nothing else: each cell's verdict
and the rules that fired in it, with their severity) or from a whole ``report.json``; both give
the same diff. Cells are keyed by (client, scenario). A verdict change is reported per cell (a
cell present in only one run shows ``None`` on the other side). Findings are compared per cell
by rule id, not by message or location: messages carry dates and offsets that change from run
to run, while a rule that starts or stops firing in a cell is what a reader of two runs wants
to see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sesspec.report.model import CaseResult, CellChange, FindingChange, Report, RunDiff

__all__ = ["SUMMARY_FORMAT", "diff_runs", "summarize"]


def __dir__() -> list[str]:
    return __all__


_Key = tuple[str, str]

#: The ``format`` of a run's summary.
SUMMARY_FORMAT = "sesspec-report-summary/1"


def summarize(report: Report) -> dict[str, Any]:
    """What a later run's diff needs of ``report``: its id and start, its verdict counts, and
    each cell's verdict with the rules that fired in it (rule -> severity, sorted)."""
    return {
        "format": SUMMARY_FORMAT,
        "run_id": report.run_id,
        "started_at": report.started_at,
        "counts": dict(report.counts()),
        "cells": [
            {
                "client": case.client,
                "scenario": case.scenario,
                "verdict": case.verdict,
                "rules": dict(sorted({f.rule: f.severity for f in case.findings()}.items())),
            }
            for case in report.cases
        ],
    }


def _previous_cells(previous: Mapping[str, Any]) -> dict[_Key, tuple[str, dict[str, str]]]:
    """(client, scenario) -> (verdict, {rule: severity}) of a previous run: its summary or
    its whole ``report.json``."""
    cells: dict[_Key, tuple[str, dict[str, str]]] = {}
    for cell in previous.get("cells", []):
        fired = {str(rule): str(severity) for rule, severity in cell["rules"].items()}
        cells[(str(cell["client"]), str(cell["scenario"]))] = (str(cell["verdict"]), fired)
    for case in previous.get("cases", []):
        rules: dict[str, str] = {}
        for request in case.get("requests", []):
            for f in request.get("findings", []):
                rules[str(f["rule"])] = str(f["severity"])
        cells[(str(case["client"]), str(case["scenario"]))] = (str(case["verdict"]), rules)
    return cells


def _current_cells(cases: Sequence[CaseResult]) -> dict[_Key, tuple[str, dict[str, str]]]:
    cells: dict[_Key, tuple[str, dict[str, str]]] = {}
    for case in cases:
        rules = {f.rule: f.severity for f in case.findings()}
        cells[(case.client, case.scenario)] = (case.verdict, dict(rules))
    return cells


def diff_runs(previous: Mapping[str, Any], cases: Sequence[CaseResult]) -> RunDiff:
    """How ``cases`` differ from the cells of ``previous`` (a run's summary, or a parsed
    ``report.json``)."""
    before = _previous_cells(previous)
    after = _current_cells(cases)
    order = list(after) + [k for k in before if k not in after]
    changes: list[CellChange] = []
    new: list[FindingChange] = []
    gone: list[FindingChange] = []
    for key in order:
        old = before.get(key)
        cur = after.get(key)
        old_verdict = old[0] if old else None
        cur_verdict = cur[0] if cur else None
        if old_verdict != cur_verdict:
            changes.append(CellChange(key[0], key[1], old_verdict, cur_verdict))
        old_rules = old[1] if old else {}
        cur_rules = cur[1] if cur else {}
        new += [
            FindingChange(key[0], key[1], rule, sev)
            for rule, sev in sorted(cur_rules.items())
            if rule not in old_rules
        ]
        gone += [
            FindingChange(key[0], key[1], rule, sev)
            for rule, sev in sorted(old_rules.items())
            if rule not in cur_rules
        ]
    return RunDiff(
        previous_run_id=str(previous.get("run_id", "?")),
        previous_started_at=str(previous.get("started_at", "?")),
        verdict_changes=tuple(changes),
        new_findings=tuple(new),
        gone_findings=tuple(gone),
    )
