"""Small formatting helpers shared by the report writers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sesspec.report.model import (
    CLIENT_VERDICT_ORDER,
    VERDICT_LABELS,
    CaseResult,
    Report,
    RuleRef,
    Verdict,
)

__all__ = [
    "FAILING",
    "SHORT_LABELS",
    "cell_remedies",
    "citation_parts",
    "client_counts",
    "client_words",
    "listed",
    "rule_anchor",
    "rule_severities",
    "runs_text",
    "shown_rules",
    "verdict_words",
]


def __dir__() -> list[str]:
    return __all__


_URL = re.compile(r"https?://\S+")
#: A citation of this project's spec, ``docs/spec.md#<anchor>`` (docs/spec.md#spec-citing).
_SPEC = re.compile(r"docs/spec\.md#([a-z0-9][a-z0-9-]*)")


def rule_anchor(rule_id: str) -> str:
    """The id of a rule's row in the rules table (``rule-AUTH002``)."""
    return f"rule-{rule_id}"


def citation_parts(citation: str, *, spec: str | None = None) -> list[tuple[str, str | None]]:
    """A citation split into (text, URL or None) runs, so URLs can become links; with ``spec``
    (where ``docs/spec.md`` is, as seen from the page: a relative path or a URL), each
    ``docs/spec.md#<anchor>`` links to ``<spec>#<anchor>`` too."""
    parts: list[tuple[str, str | None]] = []
    pos = 0
    found: list[tuple[int, str, str | None]] = [
        (m.start(), m.group(0).rstrip(";,.)"), None) for m in _URL.finditer(citation)
    ]
    if spec is not None:
        found += [(m.start(), m.group(0), m.group(1)) for m in _SPEC.finditer(citation)]
    for start, text, anchor in sorted(found):
        if start < pos:  # inside a URL already taken
            continue
        if start > pos:
            parts.append((citation[pos:start], None))
        parts.append((text, text if anchor is None else f"{spec}#{anchor}"))
        pos = start + len(text)
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


#: A verdict in a word or two, for the matrix's narrow cells and counts ("warnings only" is
#: "warn" there; the legend and every title give the whole label).
SHORT_LABELS: dict[Verdict, str] = {
    "pass": "pass",
    "warnings": "warn",
    "known": "known",
    "fail": "fail",
    "client-error": "client error",
    "not-supported": "n/s",
    "not-available": "n/a",
}


def listed(items: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _rules_phrase(rules: Sequence[str]) -> str:
    return f"{'rule' if len(rules) == 1 else 'rules'} {listed(rules)}"


def _failing_words(case: CaseResult) -> str:
    errors = case.rules("error")
    expected = case.expected
    if expected is not None:
        other = [r for r in errors if r not in expected.rules]
        return (
            f"Fails. An expectation marks this cell as a known failure of "
            f"{_rules_phrase(expected.rules)} ({expected.issue}), but it also breaks "
            f"{_rules_phrase(other)}, which no expectation covers, so it counts as a failure."
        )
    checker = [r for r in errors if not r.startswith("FID")]
    fidelity = [r for r in errors if r.startswith("FID")]
    why = []
    if checker:
        why.append(f"SES would refuse or misread a request ({_rules_phrase(checker)})")
    if fidelity:
        why.append(
            f"what arrived is not what the client was asked to send ({_rules_phrase(fidelity)})"
        )
    return f"Fails: {'; and '.join(why)}."


def verdict_words(case: CaseResult) -> str:
    """A cell's verdict in a sentence, the same words in every format: what it means for this
    cell and why; a cell an expectation names says whether the expectation took effect (a
    known failure), does not cover all its errors (a failure), or is stale (now passing)."""
    verdict = case.verdict
    expected = case.expected
    if verdict == "fail":
        return _failing_words(case)
    if verdict == "known":
        if expected is None:  # a report.json whose cell lost its expectation
            return "Known failure: it fails only as a committed expectation says."
        return (
            f"Known failure: it breaks only {_rules_phrase(expected.rules)}, which "
            f"{expected.issue} reports upstream; counted apart from fail, not as passing."
        )
    if verdict == "client-error":
        return f"Client error: {case.note}" if case.note else "Client error."
    if verdict in ("not-supported", "not-available"):
        label = VERDICT_LABELS[verdict].capitalize()
        return f"{label}: {case.detail}" if case.detail else f"{label}."
    if verdict == "warnings":
        text = (
            "Warnings only: SES accepts the requests as they are, but "
            f"{_rules_phrase(case.rules('warning'))} flag something legacy or fragile."
        )
    else:
        text = "Passes: no request has an error or warning finding."
    if expected is not None:
        text += (
            f" Known, now passing: it was expected to break {_rules_phrase(expected.rules)} "
            f"({expected.issue}) and no longer does, so the expectation can go."
        )
    return text


def cell_remedies(case: CaseResult, report: Report) -> list[tuple[str, str]]:
    """(rule, remedy) for each rule that makes the cell fail or warn, errors first, once each,
    as the report's rules declare them (a rule without a remedy there is left out)."""
    out = []
    for rule_id, _severity in shown_rules(case):
        ref = report.rule(rule_id)
        if ref is not None and ref.remedy:
            out.append((rule_id, ref.remedy))
    return out


def client_counts(report: Report, client: str, *, short: bool = False) -> str:
    """How many of a client's cells have each verdict, worst first (``2 fail, 20 known
    failure, 1 not supported``; ``short``: ``2 fail · 20 known · 1 n/s``)."""
    counts = report.counts(report.cases_of(client))
    labels = SHORT_LABELS if short else VERDICT_LABELS
    parts = [f"{counts[v]} {labels[v]}" for v in CLIENT_VERDICT_ORDER if counts[v]]
    return (" · " if short else ", ").join(parts)


def client_words(report: Report, client: str) -> str:
    """A client's overall verdict in a sentence: the verdict, its cells, and the rules behind
    it (the errors of its failing cells, the expectations of its known ones, the warnings)."""
    verdict = report.client_verdict(client)
    cases = report.cases_of(client)
    text = f"{VERDICT_LABELS[verdict]} ({client_counts(report, client)})"
    failing = sorted({r for c in cases if c.verdict == "fail" for r in c.rules("error")})
    known = sorted({r for c in cases if c.verdict == "known" for r in c.rules("error")})
    warned = sorted({r for c in cases for r in c.rules("warning")})
    if failing:
        text += f"; fails on {listed(failing)}"
    if known:
        text += f"; known failures on {listed(known)}"
    if warned:
        text += f"; warnings {listed(warned)}"
    return text + "."
