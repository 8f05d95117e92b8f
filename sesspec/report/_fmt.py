"""Small formatting helpers shared by the report writers."""

from __future__ import annotations

import re

from sesspec.report.model import CaseResult, Report, RuleRef, Verdict

__all__ = [
    "FAILING",
    "citation_parts",
    "rule_anchor",
    "rule_severities",
    "runs_text",
    "shown_rules",
]


def __dir__() -> list[str]:
    return __all__


_URL = re.compile(r"https?://\S+")


def rule_anchor(rule_id: str) -> str:
    """The id of a rule's row in the rules table (``rule-AUTH002``)."""
    return f"rule-{rule_id}"


def citation_parts(citation: str) -> list[tuple[str, str | None]]:
    """A citation split into (text, URL or None) runs, so URLs can become links."""
    parts: list[tuple[str, str | None]] = []
    pos = 0
    for match in _URL.finditer(citation):
        if match.start() > pos:
            parts.append((citation[pos : match.start()], None))
        url = match.group(0).rstrip(";,.)")
        parts.append((url, url))
        pos = match.start() + len(url)
    if pos < len(citation):
        parts.append((citation[pos:], None))
    return parts


def shown_rules(case: CaseResult) -> list[tuple[str, str]]:
    """(rule, severity) of a cell's error and warning findings, errors first, once each."""
    seen: dict[str, str] = {}
    for sev in ("error", "warning"):
        for rule in case.rules(sev):
            seen.setdefault(rule, sev)
    return list(seen.items())


def runs_text(report: Report) -> str:
    clients = [c for c in report.clients if c.available]
    languages = sorted({c.language for c in clients})
    return (
        f"{len(clients)} of {len(report.clients)} client configurations available "
        f"({', '.join(languages) or 'none'}), {len(report.scenarios)} scenarios, "
        f"{len(report.cases)} cells, {sum(len(c.requests) for c in report.cases)} requests checked"
    )


#: The verdicts the "only failures" filter keeps.
FAILING: frozenset[Verdict] = frozenset({"fail", "known", "client-error"})


def rule_severities(rule: RuleRef) -> str:
    """A rule's severities as declared, the same words in every format: the default, then each
    other severity with its condition (``error; warning when X-Amz-Expires missing``)."""
    text = f"{rule.severity} (default)" if rule.severities else rule.severity
    return text + "".join(f"; {sev} when {when}" for sev, when in rule.severities)
