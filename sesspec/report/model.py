"""The report as data: the single input of every writer (Markdown, HTML, JSON, JUnit).

A :class:`Report` holds what one ``sesspec report`` run found: the clients (with their versions,
or why they were not available), the scenarios, one :class:`CaseResult` per client x scenario
cell with the requests that cell put on the wire and the checker's findings on each, the rules
those findings cite, and the difference from the previous run (:class:`RunDiff`).

The verdict of a cell ("the client x scenario matrix with verdicts"):

* ``pass``: every request of the run conforms (no error and no warning finding);
* ``warnings``: no error finding, but at least one warning;
* ``known``: it would be ``fail``, but every error rule it breaks is one a committed expectation
  marks known for this cell (:class:`Expectation`, with the client's upstream issue); kept apart
  from ``fail`` in every count and format. A cell marked known that no longer fails keeps its
  own verdict and is called out as "known, now passing" (:attr:`CaseResult.now_passing`);
* ``fail``: at least one error finding, whatever the client then did;
* ``client-error``: the client failed (or timed out) and no error finding explains why; the
  cell says so explicitly (every non-conformance shown must be explained by a rule);
* ``not-supported``: the client cannot express the scenario (the reason is given);
* ``not-available``: the client could not be installed or started here (the reason is given).

Findings include the fidelity rules (FID: what arrived against what the scenario asked), which
the report adds to the checker's; a cell's verdict counts them like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast, get_args

from sesspec.check import Finding, Location
from sesspec.check.catalogue import Severity
from sesspec.check.finding import printable

__all__ = [
    "CLIENT_VERDICT_ORDER",
    "MAX_REQUEST_TEXT",
    "VERDICTS",
    "VERDICT_LABELS",
    "CaseResult",
    "CellChange",
    "ClientInfo",
    "Expectation",
    "FindingChange",
    "Report",
    "RequestResult",
    "RuleRef",
    "RunDiff",
    "ScenarioInfo",
    "Verdict",
    "apply_expectations",
    "cell_verdict",
    "client_verdict",
    "finding_from_dict",
    "request_text",
    "unmatched_expectations",
]


def __dir__() -> list[str]:
    return __all__


Verdict = Literal[
    "pass", "warnings", "known", "fail", "client-error", "not-supported", "not-available"
]

#: Every verdict, best first (the order of legends and counts).
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)

#: What each verdict means, in the words the writers use.
VERDICT_LABELS: Mapping[Verdict, str] = {
    "pass": "pass",
    "warnings": "warnings only",
    "known": "known failure",
    "fail": "fail",
    "client-error": "client error",
    "not-supported": "not supported",
    "not-available": "not available",
}


#: Longest request text a report shows (characters); the rest is counted, and the whole request
#: is in the run's captures file.
MAX_REQUEST_TEXT = 8192


def request_text(raw: bytes) -> str:
    """A captured request as a report shows it: UTF-8 (other bytes as ``\\xNN``), CRLF shown
    as a line break, any other control escaped, cut to :data:`MAX_REQUEST_TEXT` characters.
    Give it the capture's bytes as recorded, whose session tokens are masked."""
    text = raw[: MAX_REQUEST_TEXT * 4].decode("utf-8", "backslashreplace").replace("\r\n", "\n")
    shown = printable(text[:MAX_REQUEST_TEXT], keep_newlines=True)
    left = len(raw) - len(text[:MAX_REQUEST_TEXT].encode("utf-8", "surrogateescape"))
    if len(text) > MAX_REQUEST_TEXT or len(raw) > MAX_REQUEST_TEXT * 4:
        shown += f"\n... (about {max(left, 0):,} more bytes in the captures file)"
    return shown


def finding_from_dict(record: Mapping[str, Any]) -> Finding:
    """A :class:`Finding` back from its :meth:`Finding.as_dict` form (``report.json``)."""
    severity = str(record["severity"])
    if severity not in get_args(Severity):
        msg = f"unknown severity {severity!r}"
        raise ValueError(msg)
    return Finding(
        rule=str(record["rule"]),
        severity=cast("Severity", severity),
        message=str(record["message"]),
        location=Location("text", str(record["location"])),  # as the document rendered it
        citation=str(record["citation"]),
        detail=str(record.get("detail", "")),
        kind=str(record.get("kind", "")),
    )


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """One client configuration: what it is, its version, and whether it could run here."""

    name: str
    language: str
    version: str
    available: bool
    reason: str = ""
    #: What ``--install`` said about it ("installed", "not available: ..."; "" when not asked).
    install: str = ""
    #: Where it came from: ``pypi``, ``npm``, ``maven``, ``crates``, ``goproxy``, ``debian``.
    registry: str = ""
    #: The client's package and version as that registry names them ("" when not known).
    package: str = ""
    package_version: str = ""
    #: That release's date (ISO day; "" when not known here), and what the date is:
    #: ``released`` (published) or ``built`` (a Debian package's build).
    release_date: str = ""
    date_kind: str = ""
    #: For a Debian build older than upstream's newest release: that release; else "".
    upstream: str = ""
    #: Why upstream's newest release is not known ("" when it is, or there is none).
    upstream_note: str = ""
    #: Paths (relative to the report's folder) of the sweep histories of this client.
    sweeps: tuple[str, ...] = ()

    def origin(self) -> str:
        """Where the client came from in one line: registry, package, version and date, and
        upstream's newest release beside an older Debian build."""
        if not self.registry:
            return ""
        text = self.registry
        if self.package:
            text += f" {self.package} {self.package_version}".rstrip()
        if self.release_date:
            text += f", {self.date_kind or 'released'} {self.release_date}"
        elif self.package:
            text += ", date not known here"
        if self.upstream:
            text += f"; upstream's newest: {self.upstream}"
        elif self.upstream_note:
            text += f"; upstream: {self.upstream_note}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "language": self.language,
            "version": self.version,
            "available": self.available,
            "reason": self.reason,
            "install": self.install,
            "registry": self.registry,
            "package": self.package,
            "package_version": self.package_version,
            "release_date": self.release_date,
            "date_kind": self.date_kind,
            "upstream": self.upstream,
            "upstream_note": self.upstream_note,
            "sweeps": list(self.sweeps),
        }


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    """One scenario of ``scenarios.json`` (id, title, action, kind)."""

    id: str
    title: str
    action: str
    kind: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "action": self.action, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A checker rule the report cites (from ``sesspec.check.catalogue.RULES``)."""

    id: str
    #: The default severity, as declared.
    severity: str
    title: str
    citation: str
    #: Every other severity its findings may have, each with its condition, as declared.
    severities: tuple[tuple[str, str], ...] = ()
    #: What to change in a client that breaks it, as declared (docs/spec.md#policy-remedy).
    remedy: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "citation": self.citation,
            "severities": [list(s) for s in self.severities],
            "remedy": self.remedy,
        }


@dataclass(frozen=True, slots=True)
class RequestResult:
    """One captured request of a cell and the checker's findings on it."""

    seq: int
    request_line: str
    received_at: str
    tls: bool
    #: The HTTP status the endpoint answered with.
    status: int
    action: str | None
    size: int
    findings: tuple[Finding, ...] = ()
    #: The request as captured (secrets masked), cut to ``MAX_REQUEST_TEXT`` characters.
    text: str = ""
    #: The error ``serve --strict`` would answer it with (``Code (status): message``; "" for
    #: none): from the checker's findings alone, as strict mode judges.
    ses_error: str = ""

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "request_line": self.request_line,
            "received_at": self.received_at,
            "tls": self.tls,
            "status": self.status,
            "action": self.action,
            "size": self.size,
            "findings": [f.as_dict() for f in self.findings],
            "text": self.text,
            "ses_error": self.ses_error,
        }


def cell_verdict(status: str, requests: Sequence[RequestResult]) -> tuple[Verdict, str]:
    """The verdict of a cell from the driver's status and the findings on its requests.

    Returns the verdict and, for ``client-error``, the explicit note that no rule explains it.
    """
    if status == "not-available":
        return "not-available", ""
    if status == "not-supported" and not requests:
        return "not-supported", ""
    if any(r.errors() for r in requests):
        return "fail", ""
    if status != "ok":
        what = "timed out" if status == "timeout" else "failed"
        if requests:
            note = (
                f"the client {what}, but its requests break no error rule: "
                "no rule of the checker explains this failure"
            )
        else:
            note = (
                f"the client {what} before any request reached the endpoint: "
                "no rule of the checker covers this"
            )
        return "client-error", note
    if not requests:
        return "client-error", (
            "the client reported success but no request reached the endpoint: "
            "no rule of the checker covers this"
        )
    if any(r.warnings() for r in requests):
        return "warnings", ""
    return "pass", ""


@dataclass(frozen=True, slots=True)
class Expectation:
    """A cell marked known: the client breaks ``rules`` (error findings) in ``scenario``, as
    its upstream ``issue`` reports (``sesspec/report/expectations.json``). ``tested`` is the
    client's version the failure was seen in; ``fixed_in`` the upstream release that fixed it
    and ``fixed`` the link to the fix ("" when upstream has not); ``entry`` which entry of the
    file it comes from (``known[3]``), whose cells are judged together
    (:func:`unmatched_expectations`)."""

    client: str
    scenario: str
    rules: tuple[str, ...]
    issue: str
    reason: str
    #: The client's releases the entry is about (``A..B``, both included, either may be left
    #: out; or one version); "" for every release. The harness applies it to the release a
    #: run installed (the sweep's order of versions).
    releases: str = ""
    tested: str = ""
    fixed_in: str = ""
    fixed: str = ""
    entry: str = ""

    def upstream(self) -> str:
        """The versions in words: ``tested 3.15.0; fixed in 3.28.0 (<link>)``."""
        text = f"tested {self.tested}" if self.tested else "version tested not given"
        if self.fixed_in:
            return f"{text}; fixed upstream in {self.fixed_in} ({self.fixed})"
        return f"{text}; not fixed upstream"

    def as_dict(self) -> dict[str, Any]:
        out = {
            "client": self.client,
            "scenario": self.scenario,
            "rules": list(self.rules),
            "issue": self.issue,
            "reason": self.reason,
            "tested": self.tested,
            "fixed_in": self.fixed_in,
            "fixed": self.fixed,
            "entry": self.entry,
        }
        if self.releases:
            out["releases"] = self.releases
        return out


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One cell of the matrix: one client on one scenario."""

    client: str
    scenario: str
    verdict: Verdict
    #: The driver's status (``ok``, ``client-error``, ``timeout``, ``not-supported``, ...).
    status: str
    #: The driver's detail (the client's error message, the not-supported reason, ...).
    detail: str = ""
    #: For ``client-error``: the explicit note that no rule explains it.
    note: str = ""
    duration_s: float = 0.0
    requests: tuple[RequestResult, ...] = ()
    #: The expectation that marks this cell known (None: none does).
    expected: Expectation | None = None

    @property
    def now_passing(self) -> bool:
        """Marked known, but it no longer fails: "known, now passing"."""
        return self.expected is not None and self.verdict in ("pass", "warnings")

    @property
    def anchor(self) -> str:
        """The id of this cell's detail section in the HTML page."""
        return f"cell-{self.client}--{self.scenario}"

    def findings(self) -> list[Finding]:
        return [f for r in self.requests for f in r.findings]

    def rules(self, severity: str | None = None) -> list[str]:
        """Rule ids of this cell's findings (of one severity when given), sorted, once each."""
        return sorted(
            {f.rule for f in self.findings() if severity is None or f.severity == severity}
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "scenario": self.scenario,
            "verdict": self.verdict,
            "status": self.status,
            "detail": self.detail,
            "note": self.note,
            "duration_s": round(self.duration_s, 3),
            "requests": [r.as_dict() for r in self.requests],
            "expected": self.expected.as_dict() if self.expected is not None else None,
            "now_passing": self.now_passing,
        }


#: The order in which a client's cells decide its overall verdict: the first verdict of this
#: order that any of its cells has (a client with one failing cell fails, whatever its others).
CLIENT_VERDICT_ORDER: tuple[Verdict, ...] = (
    "fail",
    "client-error",
    "known",
    "warnings",
    "pass",
    "not-supported",
    "not-available",
)


def client_verdict(cases: Iterable[CaseResult]) -> Verdict:
    """A client's overall verdict from its cells: ``fail`` when any cell fails, else
    ``client-error`` when any does, else ``known`` (it fails only where an expectation says),
    else ``warnings``, else ``pass``; ``not-supported`` when it supports none of the scenarios
    it ran, ``not-available`` when it did not run (or has no cell)."""
    present = {c.verdict for c in cases}
    return next((v for v in CLIENT_VERDICT_ORDER if v in present), "not-available")


def apply_expectations(
    cases: Iterable[CaseResult], expectations: Iterable[Expectation]
) -> list[CaseResult]:
    """``cases`` with each cell an expectation names marked: a ``fail`` whose error rules are
    all expected becomes ``known``; a ``fail`` with other errors stays ``fail`` (the cell says
    what it was expected to break); any other verdict is kept (``now_passing`` when it passes)."""
    by_cell = {(e.client, e.scenario): e for e in expectations}
    out: list[CaseResult] = []
    for case in cases:
        expected = by_cell.get((case.client, case.scenario))
        if expected is None:
            out.append(case)
            continue
        verdict: Verdict = case.verdict
        if verdict == "fail" and set(case.rules("error")) <= set(expected.rules):
            verdict = "known"
        out.append(replace(case, verdict=verdict, expected=expected))
    return out


def unmatched_expectations(
    cases: Iterable[CaseResult], expectations: Iterable[Expectation]
) -> tuple[str, ...]:
    """The errors of a run its expectations make: each entry of which at least one cell ran
    (its client available, the scenario supported) and none took effect (is ``known``): its
    cells fail on errors the entry does not list, or no longer fail. An entry whose cells did
    not run (another slice, a client not installed) says nothing."""
    by_cell = {(c.client, c.scenario): c for c in cases}
    entries: dict[str, list[Expectation]] = {}
    for expectation in expectations:
        key = expectation.entry or f"{expectation.client} {expectation.issue}"
        entries.setdefault(key, []).append(expectation)
    errors: list[str] = []
    for key, cells in entries.items():
        ran = [
            by_cell[(e.client, e.scenario)]
            for e in cells
            if (e.client, e.scenario) in by_cell
            and by_cell[(e.client, e.scenario)].verdict not in ("not-available", "not-supported")
        ]
        if not ran or any(c.verdict == "known" for c in ran):
            continue
        first = cells[0]
        other = sorted({r for c in ran for r in c.rules("error")} - set(first.rules))
        why = (
            f"they fail on errors it does not list ({', '.join(other)})"
            if other
            else "none of them fails any more"
        )
        errors.append(
            f"expectation {key} ({first.client}: {', '.join(first.rules)}; {first.issue}) "
            f"matches none of its {len(ran)} cell(s) of this run: {why}"
        )
    return tuple(errors)


@dataclass(frozen=True, slots=True)
class CellChange:
    """A cell whose verdict differs from the previous run's (None: the cell is new or gone)."""

    client: str
    scenario: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A rule that newly fires in a cell, or no longer does."""

    client: str
    scenario: str
    rule: str
    severity: str


@dataclass(frozen=True, slots=True)
class RunDiff:
    """The difference from the previous run's ``report.json``."""

    previous_run_id: str
    previous_started_at: str
    verdict_changes: tuple[CellChange, ...] = ()
    new_findings: tuple[FindingChange, ...] = ()
    gone_findings: tuple[FindingChange, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not (self.verdict_changes or self.new_findings or self.gone_findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous_run_id": self.previous_run_id,
            "previous_started_at": self.previous_started_at,
            "verdict_changes": [
                {"client": c.client, "scenario": c.scenario, "before": c.before, "after": c.after}
                for c in self.verdict_changes
            ],
            "new_findings": [_change_dict(c) for c in self.new_findings],
            "gone_findings": [_change_dict(c) for c in self.gone_findings],
        }


def _change_dict(change: FindingChange) -> dict[str, str]:
    return {
        "client": change.client,
        "scenario": change.scenario,
        "rule": change.rule,
        "severity": change.severity,
    }


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one run found; the writers only format it."""

    run_id: str
    started_at: str
    wall_time_s: float
    tls: bool
    #: Runtime name -> version (Python, Node, npm, the OS, sesspec).
    runtimes: Mapping[str, str]
    clients: tuple[ClientInfo, ...]
    scenarios: tuple[ScenarioInfo, ...]
    cases: tuple[CaseResult, ...]
    #: The rules cited by the findings (and only those), by id.
    rules: tuple[RuleRef, ...] = ()
    diff: RunDiff | None = None
    #: File name of the raw captures kept next to the report (``captures.jsonl[.gz]``).
    captures_file: str = "captures.jsonl"
    notes: tuple[str, ...] = field(default=())
    #: The run's own errors: expectations that match none of its cells
    #: (:func:`unmatched_expectations`); ``sesspec report`` exits 1 when there are any.
    errors: tuple[str, ...] = field(default=())

    def case(self, client: str, scenario: str) -> CaseResult | None:
        for c in self.cases:
            if c.client == client and c.scenario == scenario:
                return c
        return None

    def cases_of(self, client: str) -> list[CaseResult]:
        return [c for c in self.cases if c.client == client]

    def client_verdict(self, client: str) -> Verdict:
        """The client's overall verdict (:func:`client_verdict` of its cells)."""
        return client_verdict(self.cases_of(client))

    def counts(self, cases: Iterable[CaseResult] | None = None) -> dict[Verdict, int]:
        """How many cells have each verdict (every verdict present, 0 when none)."""
        out: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
        for c in self.cases if cases is None else cases:
            out[c.verdict] += 1
        return out

    def now_passing(self) -> list[CaseResult]:
        """The cells marked known that no longer fail."""
        return [c for c in self.cases if c.now_passing]

    def rule(self, rule_id: str) -> RuleRef | None:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "sesspec-report/1",
            "run_id": self.run_id,
            "started_at": self.started_at,
            "wall_time_s": round(self.wall_time_s, 2),
            "tls": self.tls,
            "runtimes": dict(self.runtimes),
            "clients": [c.as_dict() for c in self.clients],
            "client_verdicts": {c.name: self.client_verdict(c.name) for c in self.clients},
            "scenarios": [s.as_dict() for s in self.scenarios],
            "counts": dict(self.counts()),
            "known_now_passing": len(self.now_passing()),
            "cases": [c.as_dict() for c in self.cases],
            "rules": [r.as_dict() for r in self.rules],
            "diff": self.diff.as_dict() if self.diff is not None else None,
            "captures_file": self.captures_file,
            "notes": list(self.notes),
            "errors": list(self.errors),
        }
