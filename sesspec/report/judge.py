"""Judging what a report run captured: each request by the checker and the fidelity rules, each
cell by its requests and the committed expectations.

What :mod:`sesspec.report.run` (a run, a re-judged run) and the sweep
(:mod:`sesspec.drivers.sweep.harness`, each release of a client) share, below both of them:
neither imports the other for it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

from sesspec.check import Credentials, Finding
from sesspec.check.rules import fid
from sesspec.drivers import Driver, Outcome, Scenario, load_scenarios, registry
from sesspec.drivers.base import FAKE_SESSION_TOKEN
from sesspec.drivers.base import asked as asked_of
from sesspec.drivers.kinds import DriverBase
from sesspec.errors import HttpParseError
from sesspec.fidelity import Asked, compare_request
from sesspec.report.expectations import load_expectations
from sesspec.report.model import (
    CaseResult,
    Expectation,
    RequestResult,
    apply_expectations,
    cell_verdict,
    request_text,
)
from sesspec.serve import Capture
from sesspec.serve.strict import default_findings, errors_from_findings

__all__ = [
    "build_cases",
    "check_capture",
    "default_expectations",
    "expectations_applying",
    "expectations_for",
    "fidelity_findings",
    "judge_captures",
]


def __dir__() -> list[str]:
    return __all__


def fidelity_findings(capture: Capture, asked: Asked, *, token: str | None) -> list[Finding]:
    """The FID findings of ``capture`` against what its client was ``asked``
    (docs/spec.md#fid): the request with the session ``token`` put back where the capture
    masked it, compared by :func:`sesspec.fidelity.compare_request`. A request that cannot be
    parsed has none (the checker reports it, HTTP001)."""
    try:
        request = (capture.with_token(token) if token else capture).request()
    except HttpParseError:
        return []
    return fid.findings(compare_request(asked, request))


def check_capture(
    capture: Capture,
    *,
    credentials: Credentials | None = None,
    asked: Asked | None = None,
) -> RequestResult:
    """One captured request judged: the one verdict on a capture
    (:func:`~sesspec.serve.capture.capture_findings`, with the drivers' fake credentials,
    ``now`` = its arrival time, its TLS), the SES error strict mode would answer it with (from
    those findings alone, as strict mode judges), and, when what the client was ``asked`` is
    known, the fidelity findings on top (:func:`fidelity_findings`): the one place the report
    adds to the checker's verdict."""
    findings = default_findings(capture, credentials=credentials)
    answers = errors_from_findings(findings)
    ses_error = f"{answers[0].code} ({answers[0].status}): {answers[0].message}" if answers else ""
    if asked is not None:
        token = credentials.session_token if credentials is not None else FAKE_SESSION_TOKEN
        findings += fidelity_findings(capture, asked, token=token)
    line_end = capture.raw.find(b"\r\n")
    line = capture.raw[: line_end if line_end >= 0 else 200].decode("latin-1")
    if len(line) > 300:
        line = line[:300] + "..."
    return RequestResult(
        seq=capture.seq,
        request_line=line,
        received_at=capture.received_at,
        tls=capture.tls,
        status=capture.status,
        action=capture.action,
        size=len(capture.raw),
        findings=tuple(findings),
        text=request_text(capture.raw),
        ses_error=ses_error,
    )


def judge_captures(
    captures: Iterable[Capture],
    outcomes: Sequence[Outcome],
    drivers: Sequence[Driver],
    scenarios: Sequence[Scenario],
) -> dict[int, RequestResult]:
    """Every capture judged (:func:`check_capture`), each against what the run it arrived
    during asked its client (:func:`sesspec.drivers.base.asked`, told the authority the capture
    records); a capture outside every run is judged on its form alone."""
    driver_of = {d.name: d for d in drivers}
    scenario_of = {s.id: s for s in scenarios}
    whose = {seq: (o.driver, o.scenario) for o in outcomes for seq in o.captures}
    out: dict[int, RequestResult] = {}
    for capture in captures:
        asked: Asked | None = None
        names = whose.get(capture.seq)
        if names is not None and names[0] in driver_of and names[1] in scenario_of:
            asked = asked_of(
                driver_of[names[0]],
                scenario_of[names[1]],
                authority=capture.told_authority,
                tls=capture.tls,
            )
        out[capture.seq] = check_capture(capture, asked=asked)
    return out


@functools.cache
def default_expectations() -> tuple[Expectation, ...]:
    """The committed expectations, checked against every client and scenario there is (the
    registry's, whichever clients a run is given)."""
    return load_expectations(
        clients={d.name for d in registry.all_drivers()},
        scenarios={s.id for s in load_scenarios()},
    )


def expectations_for(drivers: Sequence[Driver]) -> list[Expectation]:
    """The committed expectations that apply to the releases ``drivers`` have installed
    (:func:`expectations_applying`)."""
    installed: dict[str, str | None] = {}
    for driver in drivers:
        versions = driver.versions() if isinstance(driver, DriverBase) else {}
        installed[driver.name] = next(iter(versions.values()), None)
    return expectations_applying(installed)


def expectations_applying(installed: Mapping[str, str | None]) -> list[Expectation]:
    """The committed expectations that apply to the releases ``installed`` (client -> its
    release, None when not known): an entry that names a span of releases applies when the
    client's release lies in it (and not when that release is not known)."""
    from sesspec.drivers.sweep.releases import in_span  # noqa: PLC0415

    return [
        e
        for e in default_expectations()
        if not e.releases
        or ((found := installed.get(e.client)) is not None and in_span(found, e.releases))
    ]


def build_cases(
    outcomes: Sequence[Outcome],
    requests: Mapping[int, RequestResult],
    expectations: Iterable[Expectation] | None = None,
) -> list[CaseResult]:
    """The matrix cells: each outcome with the judged requests it made, and its verdict, with
    the cells ``expectations`` mark known (the committed ones by default)."""
    cases: list[CaseResult] = []
    for outcome in outcomes:
        mine = tuple(requests[s] for s in outcome.captures if s in requests)
        verdict, note = cell_verdict(outcome.status, mine)
        detail = outcome.detail
        if outcome.status == "timeout" and not detail:
            detail = "timed out"
        cases.append(
            CaseResult(
                client=outcome.driver,
                scenario=outcome.scenario,
                verdict=verdict,
                status=outcome.status,
                detail=detail,
                note=note,
                duration_s=outcome.duration_s,
                requests=mine,
            )
        )
    return apply_expectations(
        cases, default_expectations() if expectations is None else expectations
    )
