"""``report.json``: the report as data (format ``sesspec-report/1``), also the next run's baseline.

Named ``json_`` so that it does not shadow the standard library's :mod:`json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sesspec.report.model import (
    VERDICTS,
    CaseResult,
    CellChange,
    ClientInfo,
    Expectation,
    FindingChange,
    Report,
    RequestResult,
    RuleRef,
    RunDiff,
    ScenarioInfo,
    Verdict,
    finding_from_dict,
)

__all__ = ["read_report_json", "render_json", "report_from_dict"]


def __dir__() -> list[str]:
    return __all__


def render_json(report: Report) -> str:
    """The report as indented UTF-8 JSON (non-ASCII kept as is), ending with a newline."""
    return json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n"


def read_report_json(path: Path) -> dict[str, Any]:
    """A ``report.json`` read back (raises ``ValueError`` when it is not a report object)."""
    document = json.loads(path.read_text("utf-8"))
    if not isinstance(document, dict) or "cases" not in document:
        msg = f"{path} is not a sesspec report.json"
        raise ValueError(msg)
    return document


def _verdict(value: Any) -> Verdict:
    for verdict in VERDICTS:
        if verdict == value:
            return verdict
    msg = f"unknown verdict {value!r}"
    raise ValueError(msg)


def _change(record: dict[str, Any]) -> FindingChange:
    return FindingChange(
        str(record["client"]), str(record["scenario"]), str(record["rule"]), str(record["severity"])
    )


def _diff(record: dict[str, Any] | None) -> RunDiff | None:
    if record is None:
        return None
    return RunDiff(
        previous_run_id=str(record["previous_run_id"]),
        previous_started_at=str(record["previous_started_at"]),
        verdict_changes=tuple(
            CellChange(str(c["client"]), str(c["scenario"]), c["before"], c["after"])
            for c in record["verdict_changes"]
        ),
        new_findings=tuple(_change(c) for c in record["new_findings"]),
        gone_findings=tuple(_change(c) for c in record["gone_findings"]),
    )


def _request(record: dict[str, Any]) -> RequestResult:
    return RequestResult(
        seq=int(record["seq"]),
        request_line=str(record["request_line"]),
        received_at=str(record["received_at"]),
        tls=bool(record["tls"]),
        status=int(record["status"]),
        action=record["action"],
        size=int(record["size"]),
        findings=tuple(finding_from_dict(f) for f in record["findings"]),
        text=str(record.get("text", "")),
        ses_error=str(record.get("ses_error", "")),
    )


def _expected(record: dict[str, Any] | None) -> Expectation | None:
    if record is None:
        return None
    return Expectation(
        client=str(record["client"]),
        scenario=str(record["scenario"]),
        rules=tuple(str(r) for r in record["rules"]),
        issue=str(record["issue"]),
        reason=str(record["reason"]),
        tested=str(record.get("tested", "")),
        fixed_in=str(record.get("fixed_in", "")),
        fixed=str(record.get("fixed", "")),
        entry=str(record.get("entry", "")),
    )


def report_from_dict(document: dict[str, Any]) -> Report:
    """The :class:`Report` a ``report.json`` holds (to re-render it with the current writers)."""
    return Report(
        run_id=str(document["run_id"]),
        started_at=str(document["started_at"]),
        wall_time_s=float(document["wall_time_s"]),
        tls=bool(document["tls"]),
        runtimes={str(k): str(v) for k, v in document["runtimes"].items()},
        clients=tuple(
            ClientInfo(
                name=str(c["name"]),
                language=str(c["language"]),
                version=str(c["version"]),
                available=bool(c["available"]),
                reason=str(c["reason"]),
                install=str(c["install"]),
                registry=str(c.get("registry", "")),
                package=str(c.get("package", "")),
                package_version=str(c.get("package_version", "")),
                release_date=str(c.get("release_date", "")),
                date_kind=str(c.get("date_kind", "")),
                upstream=str(c.get("upstream", "")),
                upstream_note=str(c.get("upstream_note", "")),
                sweeps=tuple(str(x) for x in c.get("sweeps", ())),
            )
            for c in document["clients"]
        ),
        scenarios=tuple(
            ScenarioInfo(str(s["id"]), str(s["title"]), str(s["action"]), str(s["kind"]))
            for s in document["scenarios"]
        ),
        cases=tuple(
            CaseResult(
                client=str(c["client"]),
                scenario=str(c["scenario"]),
                verdict=_verdict(c["verdict"]),
                status=str(c["status"]),
                detail=str(c["detail"]),
                note=str(c["note"]),
                duration_s=float(c["duration_s"]),
                requests=tuple(_request(r) for r in c["requests"]),
                expected=_expected(c.get("expected")),
            )
            for c in document["cases"]
        ),
        rules=tuple(
            RuleRef(
                str(r["id"]),
                str(r["severity"]),
                str(r["title"]),
                str(r["citation"]),
                tuple((str(sev), str(when)) for sev, when in r.get("severities", [])),
                str(r.get("remedy", "")),
            )
            for r in document["rules"]
        ),
        diff=_diff(document.get("diff")),
        captures_file=str(document.get("captures_file", "captures.jsonl")),
        notes=tuple(str(n) for n in document.get("notes", [])),
        errors=tuple(str(e) for e in document.get("errors", [])),
    )
