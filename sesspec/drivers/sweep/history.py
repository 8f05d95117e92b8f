"""A client's history, from the wire: its releases as spans of the same behaviour, and each
change with the requests on either side (JSON, Markdown, HTML).

:func:`build_history` turns the swept releases
(:class:`~sesspec.drivers.sweep.harness.ReleaseResult`, by index into the ordered releases) into
spans (:func:`sesspec.drivers.sweep.plan.spans`) and,
where two spans meet, a :class:`Change`: the last release before it and the first with it,
and for each scenario that differs, the verdict, the rules and what SES says (the error
``serve --strict`` answers, or that it accepts) on each side, and the diff of the two requests
as captured (session token masked; the values that change from run to run, dates and
signatures, shown as ``...`` so that the diff shows what the release changed).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sesspec.drivers.sweep.harness import Cell, ReleaseResult
from sesspec.drivers.sweep.plan import Span, spans
from sesspec.drivers.sweep.releases import Release
from sesspec.masking import mask_text

__all__ = [
    "Change",
    "History",
    "SpanInfo",
    "build_history",
    "render_html",
    "render_json",
    "render_markdown",
]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class SpanInfo:
    """Releases ``first``..``last`` (``count`` of them, ``probed`` run) that behave alike:
    ``state`` (``ran``, ``does-not-install``, ``does-not-run``, or ``not-run``: a gap left
    open), the reasons of those that did not install or run, and the cells of one that ran."""

    first: str
    last: str
    first_date: str
    last_date: str
    count: int
    probed: tuple[str, ...]
    state: str
    reasons: tuple[tuple[str, str], ...] = ()
    cells: tuple[Cell, ...] = ()

    def verdicts(self) -> dict[str, str]:
        return {c.scenario: c.verdict for c in self.cells}

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "last": self.last,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "releases": self.count,
            "probed": list(self.probed),
            "state": self.state,
            "reasons": [{"version": v, "reason": r} for v, r in self.reasons],
            "cells": [c.as_dict() for c in self.cells],
        }


@dataclass(frozen=True, slots=True)
class ScenarioChange:
    scenario: str
    before: Cell | None
    after: Cell | None
    diff: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "before": self.before.as_dict() if self.before else None,
            "after": self.after.as_dict() if self.after else None,
            "diff": self.diff,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """Where the behaviour changes: ``first`` is the first release with it, ``previous`` the
    release before it; ``summary`` in words; the scenarios that differ."""

    first: str
    first_date: str
    previous: str
    summary: str
    scenarios: tuple[ScenarioChange, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "first_date": self.first_date,
            "previous": self.previous,
            "summary": self.summary,
            "scenarios": [s.as_dict() for s in self.scenarios],
        }


@dataclass(frozen=True, slots=True)
class History:
    """One client's sweep (module docstring)."""

    client: str
    registry: str
    package: str
    driver: str
    runtime: str
    swept_at: str
    selected: str
    total: int
    scenarios: tuple[str, ...]
    spans: tuple[SpanInfo, ...]
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def probed(self) -> int:
        return sum(len(s.probed) for s in self.spans)

    def accepted_since(self) -> SpanInfo | None:
        """The first span from which SES (as ``serve --strict`` answers) accepts every request
        of every scenario of every span that ran, and the client sent each scenario it
        supports: since which release the client signs and sends as SES requires. What SES
        accepts may still differ from what the client was asked to send (the FID rules in
        the cells)."""
        found: SpanInfo | None = None
        for span in self.spans:
            if span.state != "ran":
                continue
            clean = all(
                not c.ses_error and c.verdict not in ("client-error", "timeout") for c in span.cells
            )
            if clean and found is None:
                found = span
            elif not clean:
                found = None
        return found

    def as_dict(self) -> dict[str, Any]:
        since = self.accepted_since()
        return {
            "client": self.client,
            "registry": self.registry,
            "package": self.package,
            "driver": self.driver,
            "runtime": self.runtime,
            "swept_at": self.swept_at,
            "selected": self.selected,
            "releases": self.total,
            "probed": self.probed,
            "scenarios": list(self.scenarios),
            "accepted_since": since.first if since is not None else None,
            "spans": [s.as_dict() for s in self.spans],
            "changes": [c.as_dict() for c in self.changes],
            "notes": list(self.notes),
        }


#: Header and parameter values that change from run to run: shown as ``...`` in the diffs (a
#: session token is masked first, by sesspec.masking, the one masker).
_VOLATILE = re.compile(
    r"(?im)^((?:x-amz-date|date|x-amzn-authorization|amz-sdk-invocation-id|amz-sdk-request"
    r"|content-length): ).*$"
    r"|(Signature=)[0-9a-f]{64}|(Credential=[^/]+/)\d{8}|(X-Amz-Date=)\d{8}T\d{6}Z"
    r"|(Timestamp=)[^&\s]+|(Signature=)[A-Za-z0-9%+/=]{20,}"
)


def _steady(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        prefix = next(g for g in match.groups() if g is not None)
        return f"{prefix}..."

    return _VOLATILE.sub(keep, mask_text(text))


def _diff(before: Cell | None, after: Cell | None, *, old: str, new: str) -> str:
    a = _steady(before.text).splitlines() if before else []
    b = _steady(after.text).splitlines() if after else []
    lines = difflib.unified_diff(a, b, f"{old}", f"{new}", lineterm="", n=1)
    return "\n".join(lines)[:20000]


def _summary(before: SpanInfo, after: SpanInfo) -> str:
    if before.state != "ran" or after.state != "ran":
        return f"{before.state} -> {after.state}"
    parts: list[str] = []
    old = {c.scenario: c for c in before.cells}
    for cell in after.cells:
        was = old.get(cell.scenario)
        if was is None:
            continue
        if was.verdict != cell.verdict:
            parts.append(f"{cell.scenario}: {was.verdict} -> {cell.verdict}")
        gone = sorted(set(was.rules) - set(cell.rules))
        came = sorted(set(cell.rules) - set(was.rules))
        if gone or came:
            rules = " ".join([*(f"-{r}" for r in gone), *(f"+{r}" for r in came)])
            parts.append(f"{cell.scenario}: {rules}")
        if was.shape != cell.shape and was.verdict == cell.verdict and not (gone or came):
            parts.append(f"{cell.scenario}: request shape")
    return "; ".join(parts) or "request shape"


def _info(
    span: Span, releases: Sequence[Release], results: Mapping[int, ReleaseResult]
) -> SpanInfo:
    probed = [results[i] for i in span.probed]
    state = probed[0].state if probed else "not-run"
    reasons = tuple((r.version, r.reason) for r in probed if r.state != "ran")
    representative = next((r for r in reversed(probed) if r.state == "ran"), None)
    return SpanInfo(
        first=releases[span.first].version,
        last=releases[span.last].version,
        first_date=releases[span.first].day,
        last_date=releases[span.last].day,
        count=span.size,
        probed=tuple(r.version for r in probed),
        state=state,
        reasons=reasons,
        cells=representative.cells if representative is not None else (),
    )


def build_history(
    *,
    client: str,
    registry: str,
    package: str,
    driver: str,
    runtime: str,
    swept_at: str,
    selected: str,
    releases: Sequence[Release],
    results: Mapping[int, ReleaseResult],
    notes: Sequence[str] = (),
) -> History:
    """The history of ``releases`` (ordered) from the ``results`` of those swept (by index)."""
    fingerprints = {i: r.fingerprint() for i, r in results.items()}
    raw = spans(len(releases), fingerprints)
    infos = [_info(s, releases, results) for s in raw]
    changes: list[Change] = []
    for (left, a), (right, b) in zip(
        zip(raw, infos, strict=True), list(zip(raw, infos, strict=True))[1:], strict=False
    ):
        if a.state == "not-run" or b.state == "not-run":
            continue
        before = results[left.probed[-1]]
        after = results[right.probed[0]]
        per: list[ScenarioChange] = []
        old = {c.scenario: c for c in before.cells}
        new = {c.scenario: c for c in after.cells}
        for scenario in dict.fromkeys([*old, *new]):
            x, y = old.get(scenario), new.get(scenario)
            if x is not None and y is not None and x.key() == y.key():
                continue
            per.append(
                ScenarioChange(scenario, x, y, _diff(x, y, old=before.version, new=after.version))
            )
        changes.append(
            Change(
                first=b.first,
                first_date=b.first_date,
                previous=a.last,
                summary=_summary(a, b),
                scenarios=tuple(per),
            )
        )
    return History(
        client=client,
        registry=registry,
        package=package,
        driver=driver,
        runtime=runtime,
        swept_at=swept_at,
        selected=selected,
        total=len(releases),
        scenarios=tuple(dict.fromkeys(c.scenario for r in results.values() for c in r.cells)),
        spans=tuple(infos),
        changes=tuple(changes),
        notes=tuple(notes),
    )


def render_json(history: History) -> str:
    return json.dumps(history.as_dict(), indent=1, ensure_ascii=False) + "\n"


_VERDICT_MARK = {
    "pass": "pass",
    "warnings": "warnings only",
    "fail": "**fail**",
    "client-error": "client error",
    "not-supported": "not supported",
    "not-available": "not available",
    "timeout": "timeout",
}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _releases(span: SpanInfo) -> str:
    if span.first == span.last:
        return f"{span.first} ({span.first_date})"
    return f"{span.first} ({span.first_date}) .. {span.last} ({span.last_date})"


def render_markdown(history: History) -> str:
    """The history as Markdown: a table of spans, then each change with its diffs."""
    since = history.accepted_since()
    out = [
        f"# {history.client}: since which release, from the wire",
        "",
        f"{history.registry} package `{history.package}`, driven by sesspec's "
        f"`{history.driver}` driver on {history.runtime}; swept {history.swept_at}. "
        f"{history.total} releases ({history.selected}), {history.probed} run, the others "
        "inferred from the runs on either side (a change always has a run release on each side).",
        "",
        (
            f"**SES accepts every request since {since.first} ({since.first_date})**: from "
            "that release on, strict mode answers no scenario with an error."
            if since is not None
            else "**SES refuses a request of every span that ran** (or the latest release "
            "does not run)."
        ),
        "",
    ]
    header = ["releases", "run", *history.scenarios, "SES says"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for span in history.spans:
        if span.state != "ran":
            reason = span.reasons[-1][1] if span.reasons else "not run (gap)"
            row = [_releases(span), str(len(span.probed)), f"{span.state}: {_md(reason)}"]
            row += [""] * (len(history.scenarios) - 1) + [""]
        else:
            cells = {c.scenario: c for c in span.cells}
            marks = []
            for scenario in history.scenarios:
                cell = cells.get(scenario)
                if cell is None:
                    marks.append("")
                    continue
                rules = f" {' '.join(r for r in cell.rules)}" if cell.rules else ""
                marks.append(f"{_VERDICT_MARK.get(cell.verdict, cell.verdict)}{rules}")
            says = sorted({c.ses_error.split(" (", 1)[0] for c in span.cells if c.ses_error})
            row = [_releases(span), str(len(span.probed)), *marks, ", ".join(says) or "accepted"]
        out.append("| " + " | ".join(_md(x) for x in row) + " |")
    out.append("")
    if history.changes:
        out.append("## Changes")
        out.append("")
    for change in history.changes:
        out.append(f"### {change.first} ({change.first_date}), after {change.previous}")
        out.append("")
        out.append(_md(change.summary))
        out.append("")
        for item in change.scenarios:
            before = item.before.ses_error or "accepted" if item.before else "-"
            after = item.after.ses_error or "accepted" if item.after else "-"
            out.append(
                f"- `{item.scenario}`: SES says of {change.previous}: {_md(before)}; "
                f"of {change.first}: {_md(after)}"
            )
            if item.diff:
                out.extend(["", "```diff", item.diff, "```", ""])
        out.append("")
    for note in history.notes:
        out.append(f"- {_md(note)}")
    return "\n".join(out).rstrip() + "\n"


def render_html(history: History) -> str:
    """The history as one self-contained HTML page (lxml: every text escaped by the
    serialiser)."""
    from lxml import etree  # noqa: PLC0415 (the report extra; the harness has it)

    root = etree.Element("html", lang="en")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    title = etree.SubElement(head, "title")
    title.text = f"{history.client}: since which release (sesspec sweep)"
    style = etree.SubElement(head, "style")
    style.text = (
        "body{font-family:sans-serif;margin:2em;max-width:80em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;"
        "vertical-align:top;font-size:90%}pre{background:#f6f6f6;padding:.5em;overflow:auto}"
        ".pass{background:#dfd}.warnings{background:#ffd}.fail{background:#fdd}"
        ".client-error,.does-not-run,.does-not-install{background:#eee}"
    )
    body = etree.SubElement(root, "body")

    def text(tag: str, value: str, parent: Any = body, **attrs: str) -> Any:
        element = etree.SubElement(parent, tag, attrib=attrs)
        element.text = value
        return element

    text("h1", f"{history.client}: since which release, from the wire")
    text(
        "p",
        f"{history.registry} package {history.package}, driver {history.driver}, "
        f"{history.runtime}; swept {history.swept_at}; {history.total} releases "
        f"({history.selected}), {history.probed} run.",
    )
    since = history.accepted_since()
    text(
        "p",
        f"SES accepts every request since {since.first} ({since.first_date})."
        if since
        else "SES refuses a request of every span that ran.",
    )
    table = etree.SubElement(body, "table")
    row = etree.SubElement(table, "tr")
    for name in ("releases", "run", *history.scenarios, "SES says"):
        text("th", name, row)
    for span in history.spans:
        row = etree.SubElement(table, "tr")
        text("td", _releases(span), row)
        text("td", str(len(span.probed)), row)
        if span.state != "ran":
            reason = span.reasons[-1][1] if span.reasons else "not run"
            text(
                "td",
                f"{span.state}: {reason}",
                row,
                colspan=str(len(history.scenarios) + 1),
                **{"class": span.state},
            )
            continue
        cells = {c.scenario: c for c in span.cells}
        for scenario in history.scenarios:
            cell = cells.get(scenario)
            if cell is None:
                text("td", "", row)
                continue
            text("td", " ".join([cell.verdict, *cell.rules]), row, **{"class": cell.verdict})
        says = sorted({c.ses_error for c in span.cells if c.ses_error})
        text("td", "; ".join(says) or "accepted", row)
    if history.changes:
        text("h2", "Changes")
    for change in history.changes:
        text(
            "h3",
            f"{change.first} ({change.first_date}), after {change.previous}",
            id=f"change-{change.first}",
        )
        text("p", change.summary)
        for item in change.scenarios:
            before = (item.before.ses_error or "accepted") if item.before else "-"
            after = (item.after.ses_error or "accepted") if item.after else "-"
            text(
                "p",
                f"{item.scenario}: SES says of {change.previous}: {before}; of "
                f"{change.first}: {after}",
            )
            if item.diff:
                text("pre", item.diff)
    for note in history.notes:
        text("p", note)
    return "<!DOCTYPE html>\n" + etree.tostring(root, encoding="unicode", method="html") + "\n"
