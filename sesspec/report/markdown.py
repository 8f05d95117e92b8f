"""``report.md``: the report as GitHub-flavoured Markdown (readable on the repository page).

Each matrix cell links to its section of ``index.html`` beside it (the evidence: requests,
findings, diffs, the SES error strict mode would answer). Rule ids link to their row in the
rules table (a ``### RULE`` heading each, so GitHub makes the anchor), which gives each rule's
severities as declared; every finding carries its citation; a signature mismatch shows the
canonical-request diff and a fidelity finding what was asked against what arrived
(``Finding.detail``) in a ``diff`` block. Known failures are counted apart from failures, with
their upstream issue; a known failure that now passes is called out.
"""

from __future__ import annotations

from sesspec.report._fmt import citation_parts, rule_severities, runs_text, shown_rules
from sesspec.report.model import VERDICT_LABELS, VERDICTS, CaseResult, Report, RunDiff

__all__ = ["render_markdown"]


def __dir__() -> list[str]:
    return __all__


_MARK = {
    "pass": "✅ pass",
    "warnings": "🟡 warnings",
    "known": "🔷 known",
    "fail": "❌ fail",
    "client-error": "💥 client error",
    "not-supported": "⚪ not supported",
    "not-available": "⛔ not available",
}


def _cell_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rule_link(rule_id: str) -> str:
    return f"[{rule_id}](#{rule_id.lower()})"


def _citation(citation: str) -> str:
    return "".join(f"<{href}>" if href else text for text, href in citation_parts(citation))


#: The HTML page beside this file, where each cell's evidence is.
_HTML = "index.html"


def _cell(case: CaseResult | None) -> str:
    if case is None:
        return ""
    text = f"[{_MARK[case.verdict]}]({_HTML}#{case.anchor})"
    if case.now_passing:
        text += " ❗ known, now passing"
    rules = [_rule_link(r) for r, _ in shown_rules(case)]
    if rules:
        text += " " + ", ".join(rules)
    return text


def _matrix(report: Report) -> list[str]:
    head = ["client", *(s.id for s in report.scenarios)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for client in report.clients:
        cells = [_cell(report.case(client.name, s.id)) for s in report.scenarios]
        lines.append(f"| **{client.name}** | " + " | ".join(cells) + " |")
    return lines


def _clients(report: Report) -> list[str]:
    lines = [
        "| client | language | version | from | "
        + " | ".join(VERDICT_LABELS[v] for v in VERDICTS)
        + " | rules broken (errors) | warnings |",
        "|" + "---|" * (6 + len(VERDICTS)),
    ]
    for client in report.clients:
        cases = report.cases_of(client.name)
        counts = report.counts(cases)
        errors = sorted({r for c in cases for r in c.rules("error")})
        warnings = sorted({r for c in cases for r in c.rules("warning")})
        version = client.version if client.available else f"not available: {client.reason}"
        origin = _cell_escape(client.origin())
        histories = ", ".join(f"[since which release]({path})" for path in client.sweeps)
        origin = f"{origin} ({histories})" if histories else origin
        lines.append(
            f"| {client.name} | {client.language} | {_cell_escape(version)} | {origin} | "
            + " | ".join(str(counts[v]) for v in VERDICTS)
            + f" | {', '.join(map(_rule_link, errors)) or 'none'}"
            + f" | {', '.join(map(_rule_link, warnings)) or 'none'} |"
        )
    return lines


def _diff(diff: RunDiff | None) -> list[str]:
    if diff is None:
        return ["No previous run to compare with (no `latest/report.json` before this run)."]
    lines = [f"Compared with run `{diff.previous_run_id}` ({diff.previous_started_at})."]
    if diff.unchanged:
        return [*lines, "", "No verdict changed and no rule started or stopped firing."]
    if diff.verdict_changes:
        lines += ["", "| client | scenario | before | now |", "|---|---|---|---|"]
        lines += [
            f"| {c.client} | {c.scenario} | {c.before or '(absent)'} | {c.after or '(absent)'} |"
            for c in diff.verdict_changes
        ]
    for title, changes in (("New findings", diff.new_findings), ("Gone", diff.gone_findings)):
        if changes:
            lines += ["", f"{title}:", ""]
            lines += [
                f"- {c.client} / {c.scenario}: {_rule_link(c.rule)} ({c.severity})" for c in changes
            ]
    return lines


def _case_details(case: CaseResult) -> list[str]:
    lines = [
        f"#### {case.client} / {case.scenario}: {VERDICT_LABELS[case.verdict]}",
        "",
    ]
    if case.detail and case.status != "ok":
        lines.append(f"- client said ({case.status}): `{_cell_escape(case.detail[:600])}`")
    if case.note:
        lines.append(f"- **{case.note}**")
    if case.expected is not None:
        state = "known, now passing" if case.now_passing else "known failure"
        lines.append(
            f"- **{state}** ({', '.join(case.expected.rules)}): "
            f"{_cell_escape(case.expected.reason)} <{case.expected.issue}>; "
            f"{_cell_escape(case.expected.upstream())}"
        )
    lines.append(f"- evidence: [{_HTML}#{case.anchor}]({_HTML}#{case.anchor})")
    for request in case.requests:
        lines.append(
            f"- request #{request.seq} `{request.request_line[:160]}` "
            f"({request.size} bytes, answered {request.status})"
        )
        if request.ses_error:
            lines.append(f"  - strict mode would answer `{_cell_escape(request.ses_error[:300])}`")
        for f in sorted(request.findings, key=lambda f: f.severity != "error"):
            if f.severity == "info":
                continue
            kind = f" `{f.kind}`" if f.kind else ""
            lines.append(
                f"  - {_rule_link(f.rule)}{kind} **{f.severity}** [{f.location}] "
                f"{_cell_escape(f.message)} (see {_citation(f.citation)})"
            )
            if f.detail:
                lines += ["", "    ```diff", *("    " + ln for ln in f.detail.splitlines())]
                lines += ["    ```", ""]
        infos = sorted({(f.rule, f.kind) for f in request.findings if f.severity == "info"})
        if infos:
            lines.append(
                "  - info: " + ", ".join(_rule_link(r) + (f" `{k}`" if k else "") for r, k in infos)
            )
    return [*lines, ""]


def _known(report: Report) -> list[str]:
    """The known failures that now pass (called out first), then the known failures."""
    lines: list[str] = []
    passing = report.now_passing()
    if passing:
        lines += ["**Known failures now passing** (their expectation can go):", ""]
        lines += [
            f"- [{c.client} / {c.scenario}]({_HTML}#{c.anchor}): known, now passing "
            f"({VERDICT_LABELS[c.verdict]}); was <{c.expected.issue}>"
            for c in passing
            if c.expected is not None
        ]
        lines.append("")
    known = [c for c in report.cases if c.verdict == "known"]
    if known:
        lines += ["Known failures (kept apart from `fail`):", ""]
        lines += [
            f"- [{c.client} / {c.scenario}]({_HTML}#{c.anchor}): "
            f"{', '.join(map(_rule_link, c.expected.rules))}, <{c.expected.issue}>; "
            f"{_cell_escape(c.expected.upstream())}"
            for c in known
            if c.expected is not None
        ]
        lines.append("")
    return lines


def _errors(report: Report) -> list[str]:
    """The run's own errors (an expectation that matches none of its cells), first."""
    if not report.errors:
        return []
    lines = ["**Errors of this run** (`sesspec report` exits 1):", ""]
    lines += [f"- {_cell_escape(error)}" for error in report.errors]
    return [*lines, ""]


def render_markdown(report: Report) -> str:
    """The whole report as Markdown text."""
    counts = report.counts()
    out = [
        f"# sesspec conformance report: run {report.run_id}",
        "",
        f"Started {report.started_at}, wall time {report.wall_time_s:.1f} s, endpoint over "
        f"{'HTTPS' if report.tls else 'plain HTTP'} on 127.0.0.1. {runs_text(report)}.",
        "",
        "Verdicts: " + ", ".join(f"{counts[v]} {VERDICT_LABELS[v]}" for v in VERDICTS) + ".",
        "",
        *_errors(report),
        "A cell passes when no request it made has an error or warning finding; `warnings` has "
        "warnings only; `fail` has at least one error finding (SES would reject or misread the "
        "request, or the request is not what the client was asked to send: the FID rules); "
        "`known` fails only as a committed expectation says, with its upstream issue; "
        "`client error` means the client failed and no rule explains it. Each cell links to "
        "its evidence in `index.html`.",
        "",
        *_known(report),
        "## Matrix",
        "",
        *_matrix(report),
        "",
        "## Clients",
        "",
        *_clients(report),
        "",
    ]
    missing = [c for c in report.clients if not c.available]
    out += ["## Not available", ""]
    out += [f"- **{c.name}** ({c.language}): {c.reason}" for c in missing] or [
        "Every client configuration ran."
    ]
    out += ["", "## Difference from the previous run", "", *_diff(report.diff), ""]
    out += ["## Findings per cell", ""]
    out += [
        "Cells that pass (and clients that were not available) are not repeated here; "
        "`index.html` has a section for every cell.",
        "",
    ]
    for case in report.cases:
        if case.verdict in ("pass", "not-available") and not case.now_passing:
            continue
        out += _case_details(case)
    out += ["## Rules", ""]
    for rule in report.rules:
        out += [
            f"### {rule.id}",
            "",
            f"**{rule_severities(rule)}**: {rule.title}. Source: {_citation(rule.citation)}",
            "",
        ]
    if not report.rules:
        out += ["No finding was made.", ""]
    out += ["## Runtimes", "", "| runtime | version |", "|---|---|"]
    out += [f"| {k} | {_cell_escape(v)} |" for k, v in report.runtimes.items()]
    out += [
        "",
        "## Raw captures",
        "",
        f"Every request behind this report is in `{report.captures_file}` next to it "
        "(one JSON line per request, the bytes as received in base64).",
    ]
    out += [f"- {n}" for n in report.notes]
    return "\n".join(out) + "\n"
