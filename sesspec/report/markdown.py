"""``report.md``: the report as GitHub-flavoured Markdown (readable on the repository page).

Each matrix row starts with the client's overall verdict, and each cell links to its section of
``index.html`` beside it (the evidence: requests, findings, diffs, the SES error strict mode
would answer). Rule ids link to their entry in the rules list (a ``### RULE`` heading each, so
GitHub makes the anchor), which gives each rule's severities as declared and what to change in
a client that breaks it; every cell that fails or warns says so in a sentence and lists those
remedies; every finding carries its citation, linked to ``docs/spec.md`` when the writer is told
where it is (``spec``); a signature mismatch shows the canonical-request diff and a fidelity
finding what was asked against what arrived (``Finding.detail``) in a ``diff`` block. Known
failures are counted apart from failures, with their upstream issue; a known failure that now
passes is called out.
"""

from __future__ import annotations

from sesspec.report._fmt import (
    cell_remedies,
    citation_parts,
    client_words,
    rule_severities,
    runs_text,
    shown_rules,
    verdict_words,
)
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


def _citation(citation: str, spec: str | None) -> str:
    out = []
    for text, href in citation_parts(citation, spec=spec):
        if href is None:
            out.append(text)
        elif href == text:  # a URL
            out.append(f"<{href}>")
        else:  # a clause of docs/spec.md
            out.append(f"[{text}]({href})")
    return "".join(out)


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
    head = ["client", "overall", *(s.id for s in report.scenarios)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for client in report.clients:
        cells = [_cell(report.case(client.name, s.id)) for s in report.scenarios]
        overall = _MARK[report.client_verdict(client.name)]
        lines.append(f"| **{client.name}** | {overall} | " + " | ".join(cells) + " |")
    return lines


def _clients(report: Report) -> list[str]:
    lines = [
        "| client | overall | language | version | from | "
        + " | ".join(VERDICT_LABELS[v] for v in VERDICTS)
        + " | rules broken (errors) | warnings |",
        "|" + "---|" * (7 + len(VERDICTS)),
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
            f"| {client.name} | {_cell_escape(client_words(report, client.name))} | "
            f"{client.language} | {_cell_escape(version)} | {origin} | "
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


def _case_details(case: CaseResult, report: Report, spec: str | None) -> list[str]:
    lines = [
        f"#### {case.client} / {case.scenario}: {VERDICT_LABELS[case.verdict]}",
        "",
        f"**{_cell_escape(verdict_words(case))}**",
        "",
    ]
    if case.detail and case.status != "ok" and case.verdict not in _SAID:
        lines.append(f"- client said ({case.status}): `{_cell_escape(case.detail[:600])}`")
    if case.expected is not None:
        lines.append(
            f"- expectation ({', '.join(case.expected.rules)}): "
            f"{_cell_escape(case.expected.reason)} <{case.expected.issue}>; "
            f"{_cell_escape(case.expected.upstream())}"
        )
    lines += [
        f"- what to change in the client, {_rule_link(rule_id)}: {_cell_escape(remedy)}"
        for rule_id, remedy in cell_remedies(case, report)
    ]
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
                f"{_cell_escape(f.message)} (see {_citation(f.citation, spec)})"
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


#: Verdicts whose words already quote the driver's detail (the reason).
_SAID = frozenset({"not-supported", "not-available"})


def render_markdown(report: Report, *, spec: str | None = None) -> str:
    """The whole report as Markdown text; ``spec`` is where ``docs/spec.md`` is as seen from
    the file (a relative path or a URL: :func:`sesspec.report.files.spec_link`), to which
    citations link (None: they stay text)."""
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
        "`client error` means the client failed and no rule explains it. The `overall` column "
        "is each client's verdict: `fail` when any of its cells fails, else `client error`, "
        "else `known`, else `warnings`, else `pass`. Each cell links to its evidence in "
        "`index.html` beside this file (open it in a browser from a clone or a download: a "
        "code host shows an HTML file's source).",
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
        out += _case_details(case, report, spec)
    out += ["## Rules", ""]
    for rule in report.rules:
        out += [
            f"### {rule.id}",
            "",
            f"**{rule_severities(rule)}**: {rule.title}. Source: {_citation(rule.citation, spec)}",
            "",
        ]
        if rule.remedy:
            out += [f"What to change in the client: {rule.remedy}", ""]
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
