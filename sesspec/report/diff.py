"""The difference between this run and the previous one (its ``report.json``).

Cells are keyed by (client, scenario). A verdict change is reported per cell (a cell present in
only one run shows ``None`` on the other side). Findings are compared per cell by rule id, not by
message or location: messages carry dates and offsets that change from run to run, while a rule
that starts or stops firing in a cell is what a reader of two runs wants to see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sesspec.report.model import CaseResult, CellChange, FindingChange, RunDiff

__all__ = ["diff_runs"]


def __dir__() -> list[str]:
    return __all__


_Key = tuple[str, str]


def _previous_cells(previous: Mapping[str, Any]) -> dict[_Key, tuple[str, dict[str, str]]]:
    """(client, scenario) -> (verdict, {rule: severity}) of a previous ``report.json``."""
    cells: dict[_Key, tuple[str, dict[str, str]]] = {}
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
    """How ``cases`` differ from the cells of ``previous`` (a parsed ``report.json``)."""
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
