"""The conformance report ("Reporter"): verdicts, the four writers, the run diff, live.

The writers are checked on a hand-built :class:`Report` whose every value is written out here
(so the expected matrix, failures and links come from the fixture, not from the code under
test); the live slice drives botocore (boto3) and one Node client through the real loopback
endpoint into a temporary report folder.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest
from lxml import etree, html

from sesspec.check import RULES
from sesspec.check.finding import Finding, Location, finding
from sesspec.cli.report import main as report_main
from sesspec.drivers import Outcome, Scenario, Target, get_driver
from sesspec.report import (
    SUMMARY_FORMAT,
    CaseResult,
    ClientInfo,
    Report,
    RequestResult,
    RuleRef,
    RunIdError,
    ScenarioInfo,
    cell_verdict,
    check_run_id,
    diff_runs,
    previous_run,
    read_report_json,
    read_summary,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    summarize,
    write_report,
    write_summary,
)
from sesspec.report import run as report_run
from sesspec.report.html import MATRIX_ID
from sesspec.report.json_ import report_from_dict
from sesspec.report.model import finding_from_dict
from sesspec.report.run import run_report
from tests._support import REPO

# --- a hand-built report --------------------------------------------------------------------

_SIG_DIFF = (
    "--- canonical request the client signed\n"
    "+++ canonical request the spec gives\n"
    "@@ -5,1 +5,1 @@\n"
    "-content-type:application/x-www-form-urlencoded\n"
    "+content-type:application/x-www-form-urlencoded; charset=utf-8\n"
)

_SCENARIOS = (
    ScenarioInfo("send-email-ascii", "SendEmail, plain ASCII", "SendEmail", "call"),
    ScenarioInfo("list-identities", "ListIdentities", "ListIdentities", "call"),
    ScenarioInfo("presign-get-send-email", "Presigned GET", "SendEmail", "presign-get"),
)


def _request(seq: int, *findings: Finding) -> RequestResult:
    return RequestResult(
        seq=seq,
        request_line="POST / HTTP/1.1",
        received_at="2026-11-26T07:00:00.000000+00:00",
        tls=True,
        status=200,
        action="SendEmail",
        size=512,
        findings=findings,
    )


_AUTHORIZATION = Location("header", "Authorization")
_VERIFIED = finding(RULES["AUTH019"], "signature verified", _AUTHORIZATION)
_AWS3 = finding(
    RULES["AUTH002"], "AWS3-HTTPS signature", Location("header", "X-Amzn-Authorization")
)
_UNSIGNED_AMZ = finding(
    RULES["AUTH013"],
    "x-amz-content-sha256 is not signed",
    Location("header", "X-Amz-Content-Sha256"),
)
_MISMATCH = finding(
    RULES["AUTH018"],
    "signature does not match: charset dropped",
    _AUTHORIZATION,
    detail=_SIG_DIFF,
)
_NO_VERSION = finding(RULES["PARAM003"], "no Version", Location("param", "Version"))

# client -> scenario -> cell
_CELLS: dict[str, dict[str, CaseResult]] = {
    "alpha": {
        "send-email-ascii": CaseResult(
            "alpha", "send-email-ascii", "pass", "ok", requests=(_request(1, _VERIFIED),)
        ),
        "list-identities": CaseResult(
            "alpha",
            "list-identities",
            "warnings",
            "ok",
            requests=(_request(2, _UNSIGNED_AMZ, _VERIFIED),),
        ),
        "presign-get-send-email": CaseResult(
            "alpha",
            "presign-get-send-email",
            "fail",
            "client-error",
            detail="SignatureDoesNotMatch",
            requests=(_request(3, _MISMATCH),),
        ),
    },
    "beta": {
        "send-email-ascii": CaseResult(
            "beta",
            "send-email-ascii",
            "fail",
            "ok",
            requests=(_request(4, _NO_VERSION, _AWS3), _request(5, _AWS3)),
        ),
        "list-identities": CaseResult(
            "beta",
            "list-identities",
            "client-error",
            "client-error",
            detail="TypeError: cannot read properties of undefined",
            note="the client failed before any request reached the endpoint: no rule covers this",
        ),
        "presign-get-send-email": CaseResult(
            "beta",
            "presign-get-send-email",
            "not-supported",
            "not-supported",
            detail="beta cannot presign",
        ),
    },
    "gamma": {
        s.id: CaseResult(
            "gamma", s.id, "not-available", "not-available", detail="gamma is not installed"
        )
        for s in _SCENARIOS
    },
}

_USED_RULES = ("AUTH002", "AUTH018", "AUTH019", "AUTH013", "PARAM003")


def _report(**changes: object) -> Report:
    base = Report(
        run_id="20261126T070000Z",
        started_at="2026-11-26T07:00:00+00:00",
        wall_time_s=12.5,
        tls=True,
        runtimes={"Python": "3.11.7", "Node": "v20.0.0", "npm": "10.0.0"},
        clients=(
            ClientInfo("alpha", "python", "alpha 1.0, Python 3.11.7", True),
            ClientInfo("beta", "javascript", "beta 2.0, Node v20.0.0", True),
            ClientInfo("gamma", "javascript", "", False, "gamma is not installed (npm ci)"),
        ),
        scenarios=_SCENARIOS,
        cases=tuple(c for cells in _CELLS.values() for c in cells.values()),
        rules=tuple(
            RuleRef(r, RULES[r].severity, RULES[r].title, RULES[r].citation, remedy=RULES[r].remedy)
            for r in _USED_RULES
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


# --- verdicts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "requests", "verdict"),
    [
        pytest.param("ok", (_request(1, _VERIFIED),), "pass", id="ok-info-only"),
        pytest.param("ok", (_request(1, _UNSIGNED_AMZ),), "warnings", id="ok-warning"),
        pytest.param("ok", (_request(1, _AWS3),), "fail", id="ok-error"),
        pytest.param("client-error", (_request(1, _MISMATCH),), "fail", id="error-explained"),
        pytest.param("client-error", (_request(1, _VERIFIED),), "client-error", id="unexplained"),
        pytest.param("timeout", (), "client-error", id="timeout-no-request"),
        pytest.param("ok", (), "client-error", id="ok-without-request"),
        pytest.param("not-supported", (), "not-supported", id="not-supported"),
        pytest.param("not-available", (), "not-available", id="not-available"),
    ],
)
def test_cell_verdict(status: str, requests: tuple[RequestResult, ...], verdict: str) -> None:
    got, note = cell_verdict(status, requests)
    assert got == verdict
    # A client error is never left unexplained: the cell says no rule covers it.
    assert ("no rule" in note) == (verdict == "client-error")


# --- markdown ------------------------------------------------------------------------------------


def test_markdown_matrix_and_findings() -> None:
    text = render_markdown(_report())
    rows = [line for line in text.splitlines() if line.startswith("| **")]
    assert [r.split("|")[1].strip() for r in rows] == ["**alpha**", "**beta**", "**gamma**"]
    header = next(line for line in text.splitlines() if line.startswith("| client | overall |"))
    assert [h.strip() for h in header.strip("|").split("|")][2:] == [s.id for s in _SCENARIOS]
    # Each row's overall verdict: alpha and beta each have a failing cell, gamma never ran.
    assert [r.split("|")[2].strip() for r in rows] == ["❌ fail", "❌ fail", "⛔ not available"]
    beta = rows[1].split("|")[3:-1]
    assert "fail" in beta[0]
    assert "[AUTH002](#auth002)" in beta[0]
    assert "client error" in beta[1]
    assert "not supported" in beta[2]
    # Every rule has its own heading (GitHub anchor) with title and citation.
    for rule_id in _USED_RULES:
        assert f"### {rule_id}\n" in text
        assert RULES[rule_id].title in text
    assert RULES["AUTH002"].citation in text  # docs/spec.md#auth-cutoff; ...
    # The canonical-request diff of the signature mismatch, as a diff block.
    assert "```diff" in text
    assert "+content-type:application/x-www-form-urlencoded; charset=utf-8" in text
    # Not available, with the reason; the unexplained client error says so.
    assert "**gamma** (javascript): gamma is not installed (npm ci)" in text
    assert "no rule covers this" in text
    assert "| Node | v20.0.0 |" in text
    assert "No previous run to compare with" in text


# --- json -----------------------------------------------------------------------------------


def test_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(render_json(_report()), encoding="utf-8")
    document = read_report_json(path)
    assert document["format"] == "sesspec-report/1"
    assert len(document["cases"]) == 9
    assert document["counts"] == {
        "pass": 1,
        "warnings": 1,
        "known": 0,
        "fail": 2,
        "client-error": 1,
        "not-supported": 1,
        "not-available": 3,
    }
    cell = next(
        c
        for c in document["cases"]
        if (c["client"], c["scenario"]) == ("alpha", "presign-get-send-email")
    )
    back = finding_from_dict(cell["requests"][0]["findings"][0])
    assert back == _MISMATCH
    assert back.detail == _SIG_DIFF
    assert [c["name"] for c in document["clients"]] == ["alpha", "beta", "gamma"]


def test_report_from_dict_round_trip(tmp_path: Path) -> None:
    first = render_json(_report(diff=diff_runs({"run_id": "r0", "cases": []}, _report().cases)))
    path = tmp_path / "report.json"
    path.write_text(first, encoding="utf-8")
    again = report_from_dict(read_report_json(path))
    assert (
        again.case("alpha", "presign-get-send-email") == _CELLS["alpha"]["presign-get-send-email"]
    )
    assert render_json(again) == first


def test_read_report_json_rejects_other_documents(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="not a sesspec report"):
        read_report_json(path)


# --- junit ----------------------------------------------------------------------------------


def test_junit_structure() -> None:
    root = etree.fromstring(render_junit(_report()))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["alpha", "beta", "gamma"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [s.id for s in _SCENARIOS]
        assert {c.get("classname") for c in cases} == {suite.get("name")}
        assert suite.get("tests") == "3"
    by_cell = {
        (c.get("classname"), c.get("name")): c for s in suites for c in s.findall("testcase")
    }
    # One failure per error finding: beta/send-email-ascii has AUTH002 on two requests.
    failures = by_cell[("beta", "send-email-ascii")].findall("failure")
    assert [f.get("type") for f in failures] == ["AUTH002", "AUTH002"]
    mismatch = by_cell[("alpha", "presign-get-send-email")].findall("failure")
    assert [f.get("type") for f in mismatch] == ["AUTH018"]
    assert "charset=utf-8" in (mismatch[0].text or "")
    assert by_cell[("alpha", "send-email-ascii")].find("failure") is None
    assert by_cell[("alpha", "list-identities")].find("failure") is None
    assert "AUTH013" in (by_cell[("alpha", "list-identities")].findtext("system-out") or "")
    assert by_cell[("beta", "list-identities")].find("error") is not None
    assert by_cell[("beta", "presign-get-send-email")].find("skipped") is not None
    assert all(by_cell[("gamma", s.id)].find("skipped") is not None for s in _SCENARIOS)
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "9",
        "2",
        "1",
        "4",
    )


# --- html -----------------------------------------------------------------------------------


def _nodes(node: etree._Element, path: str) -> list[etree._Element]:
    found = node.xpath(path)
    assert isinstance(found, list)
    return [n for n in found if isinstance(n, etree._Element)]


def _strings(node: etree._Element, path: str) -> list[str]:
    found = node.xpath(path)
    assert isinstance(found, list)
    return [str(n) for n in found if isinstance(n, str)]


def _matrix(doc: etree._Element) -> etree._Element:
    found = _nodes(doc, f"//table[@id='{MATRIX_ID}']")
    assert len(found) == 1
    return found[0]


def _matrix_shape(page: str) -> tuple[list[str], list[str], etree._Element]:
    doc = html.document_fromstring(page)
    table = _matrix(doc)
    columns = _strings(table, "./thead/tr/th/@data-scenario")
    rows = _strings(table, "./tbody/tr/@data-client")
    return rows, columns, doc


def test_html_matrix_links_and_rules() -> None:
    page = render_html(_report())
    assert page.startswith("<!DOCTYPE html>")
    rows, columns, doc = _matrix_shape(page)
    assert rows == ["alpha", "beta", "gamma"]
    assert columns == [s.id for s in _SCENARIOS]
    table = _matrix(doc)
    for tr in _nodes(table, "./tbody/tr"):
        assert len(_nodes(tr, "./td[contains(@class, 'cell')]")) == len(_SCENARIOS)
    # Beside each row's header, the client's overall verdict: alpha and beta each have a
    # failing cell; gamma never ran.
    overall = _strings(table, "./tbody/tr/td[contains(@class, 'overall')]/@data-verdict")
    assert overall == ["fail", "fail", "not-available"]
    verdicts = _strings(table, "./tbody/tr/td[contains(@class, 'cell')]/@data-verdict")
    assert verdicts == [
        "pass",
        "warnings",
        "fail",
        "fail",
        "client-error",
        "not-supported",
        *["not-available"] * 3,
    ]
    ids = set(_strings(doc, "//@id"))
    # Every matrix cell links to a detail section that exists.
    for href in _strings(table, ".//td/a/@href"):
        assert href.startswith("#")
        assert href[1:] in ids
    # Every rule id of every finding has its anchor in the rules table; all rule links resolve.
    rules_rows = set(_strings(doc, "//table[contains(@class, 'rules')]//tr/@id"))
    for rule_id in _USED_RULES:
        assert f"rule-{rule_id}" in rules_rows
    for href in _strings(doc, "//a[starts-with(@href, '#rule-')]/@href"):
        assert href[1:] in rules_rows
    # The signature mismatch shows its canonical-request diff.
    added = _strings(doc, "//pre[contains(@class, 'diff')]/span[@class='add']/text()")
    assert "+content-type:application/x-www-form-urlencoded; charset=utf-8" in added
    # Self-contained: one inline script (the filters), no network call, no stylesheet link, no
    # external image or frame.
    assert not _nodes(doc, "//link | //img | //iframe | //*[@src]")
    scripts = _strings(doc, "//script/text()")
    assert len(scripts) == 1
    assert not any(
        w in scripts[0] for w in ("fetch(", "XMLHttpRequest", "http", "import", "innerHTML")
    )
    assert _nodes(doc, "//style")
    text = "".join(str(t) for t in doc.itertext())
    assert "gamma is not installed (npm ci)" in text
    assert "no rule covers this" in text


def test_html_escapes_client_text() -> None:
    evil = CaseResult(
        "alpha",
        "send-email-ascii",
        "client-error",
        "client-error",
        detail="<script>alert(1)</script>",
        note="the client failed: no rule covers this",
    )
    page = render_html(_report(cases=(evil,)))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- diff from the previous run -------------------------------------------------------------------


def test_diff_runs() -> None:
    previous = {
        "run_id": "20261125T070000Z",
        "started_at": "2026-11-25T07:00:00+00:00",
        "cases": [
            {
                "client": "alpha",
                "scenario": "send-email-ascii",
                "verdict": "fail",
                "requests": [
                    {"findings": [{"rule": "AUTH002", "severity": "error"}]},
                ],
            },
            {
                "client": "alpha",
                "scenario": "list-identities",
                "verdict": "warnings",
                "requests": [{"findings": [{"rule": "AUTH013", "severity": "warning"}]}],
            },
            {"client": "delta", "scenario": "list-identities", "verdict": "pass", "requests": []},
        ],
    }
    current = [
        _CELLS["alpha"]["send-email-ascii"],  # fail -> pass; AUTH002 gone, AUTH019 new
        _CELLS["alpha"]["list-identities"],  # unchanged verdict; AUTH019 new
        _CELLS["beta"]["send-email-ascii"],  # new cell
    ]
    diff = diff_runs(previous, current)
    assert diff.previous_run_id == "20261125T070000Z"
    changes = {(c.client, c.scenario): (c.before, c.after) for c in diff.verdict_changes}
    assert changes == {
        ("alpha", "send-email-ascii"): ("fail", "pass"),
        ("beta", "send-email-ascii"): (None, "fail"),
        ("delta", "list-identities"): ("pass", None),
    }
    gone = {(c.client, c.scenario, c.rule) for c in diff.gone_findings}
    assert gone == {("alpha", "send-email-ascii", "AUTH002")}
    new = {(c.client, c.scenario, c.rule) for c in diff.new_findings}
    assert new == {
        ("alpha", "send-email-ascii", "AUTH019"),
        ("alpha", "list-identities", "AUTH019"),
        ("beta", "send-email-ascii", "AUTH002"),
        ("beta", "send-email-ascii", "PARAM003"),
    }
    assert not diff.unchanged


def test_diff_of_identical_runs_is_empty(tmp_path: Path) -> None:
    report = _report()
    path = tmp_path / "report.json"
    path.write_text(render_json(report), encoding="utf-8")
    diff = diff_runs(read_report_json(path), report.cases)
    assert diff.unchanged
    page = render_markdown(_report(diff=diff))
    assert "No verdict changed" in page


def test_summary_holds_what_the_diff_needs() -> None:
    """A run's summary (reports/history/<run-id>.json): each cell's verdict and the rules that
    fired in it, written out here from the hand-built cells."""
    summary = summarize(_report())
    assert summary["format"] == SUMMARY_FORMAT
    assert summary["run_id"] == _report().run_id
    cells = {(c["client"], c["scenario"]): (c["verdict"], c["rules"]) for c in summary["cells"]}
    assert cells[("alpha", "send-email-ascii")] == ("pass", {"AUTH019": "info"})
    assert cells[("alpha", "list-identities")] == (
        "warnings",
        {"AUTH019": "info", "AUTH013": "warning"},
    )
    # The fixture's findings take their severity from the catalogue (``finding``).
    severity = {rule: RULES[rule].severity for rule in ("AUTH002", "PARAM003")}
    assert cells[("beta", "send-email-ascii")] == ("fail", severity)
    assert cells[("beta", "list-identities")] == ("client-error", {})
    assert len(cells) == len(_report().cases)


def test_diff_from_a_summary_is_the_diff_from_the_whole_report(tmp_path: Path) -> None:
    """The next run reads the previous one's summary, not its report.json: both give the same
    diff, verdict changes and new and gone rules alike."""
    before = _report(
        cases=(_CELLS["alpha"]["send-email-ascii"], _CELLS["beta"]["send-email-ascii"])
    )
    path = write_summary(before, tmp_path)
    assert path == tmp_path / "history" / f"{before.run_id}.json"
    (tmp_path / "report.json").write_text(render_json(before), encoding="utf-8")
    after = (_CELLS["alpha"]["list-identities"], _CELLS["beta"]["send-email-ascii"])
    from_summary = diff_runs(read_summary(path), after)
    from_report = diff_runs(read_report_json(tmp_path / "report.json"), after)
    assert from_summary == from_report
    assert {(c.client, c.scenario, c.before, c.after) for c in from_summary.verdict_changes} == {
        ("alpha", "list-identities", None, "warnings"),
        ("alpha", "send-email-ascii", "pass", None),
    }
    assert {(c.client, c.rule) for c in from_summary.new_findings} == {
        ("alpha", "AUTH019"),
        ("alpha", "AUTH013"),
    }
    assert {(c.client, c.rule) for c in from_summary.gone_findings} == {("alpha", "AUTH019")}


def test_previous_run_is_the_latest_summary(tmp_path: Path) -> None:
    """history/ holds one summary per run; the previous run is the one that started last (not
    the last in name order), the run being written is left out, and a folder written before
    summaries were kept falls back to latest/report.json."""
    assert previous_run(tmp_path) is None
    latest = tmp_path / "latest"
    latest.mkdir()
    (latest / "report.json").write_text(render_json(_report(run_id="old")), encoding="utf-8")
    found = previous_run(tmp_path)
    assert found is not None
    assert found["run_id"] == "old"
    for run_id, started in (
        ("b-first", "2026-11-20T00:00:00+00:00"),
        ("a-second", "2026-11-21T00:00:00+00:00"),
    ):
        write_summary(_report(run_id=run_id, started_at=started), tmp_path)
    (tmp_path / "history" / "junk.json").write_text("[1, 2]", encoding="utf-8")
    found = previous_run(tmp_path)
    assert found is not None
    assert found["run_id"] == "a-second"
    found = previous_run(tmp_path, before="a-second")
    assert found is not None
    assert found["run_id"] == "b-first"


def test_committed_history_reads_as_summaries() -> None:
    """reports/history keeps a summary of every earlier run (their folders left the
    repository); each reads back and diffs against the committed latest run."""
    history = sorted((REPO / "reports" / "history").glob("*.json"))
    assert history, "reports/history is empty"
    latest = read_report_json(REPO / "reports" / "latest" / "report.json")
    latest_report = report_from_dict(latest)
    for path in history:
        summary = read_summary(path)
        assert path.name == f"{summary['run_id']}.json"
        assert sum(summary["counts"].values()) == len(summary["cells"])
        diff = diff_runs(summary, latest_report.cases)
        if summary["run_id"] == latest["run_id"]:
            assert diff.unchanged
    assert any(read_summary(p)["run_id"] == latest["run_id"] for p in history)


def test_write_report_files(tmp_path: Path) -> None:
    paths = write_report(_report(), tmp_path / "run")
    assert sorted(p.name for p in paths) == ["index.html", "junit.xml", "report.json", "report.md"]
    assert all(p.stat().st_size > 0 for p in paths)


@dataclasses.dataclass(frozen=True)
class _MissingClient:
    """A driver whose client cannot be installed here."""

    name: str = "missing-client"
    language: str = "cobol"

    def available(self) -> tuple[bool, str]:
        return False, "cobol-ses is not installed (no package index for it)"

    def version(self) -> str:
        return ""

    def supports(self, scenario: Scenario) -> tuple[bool, str]:
        del scenario  # the Driver protocol's signature
        return True, ""

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        del scenario, target, timeout  # the Driver protocol's signature; never called here
        raise AssertionError("an unavailable client must not be run")


def test_unavailable_client_is_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_run, "all_drivers", lambda: [_MissingClient()])
    run = run_report(out=tmp_path, run_id="r", scenarios=["send-email-ascii", "list-identities"])
    assert [(c.client, c.scenario, c.verdict) for c in run.report.cases] == [
        ("missing-client", "send-email-ascii", "not-available"),
        ("missing-client", "list-identities", "not-available"),
    ]
    assert run.report.clients[0].reason == "cobol-ses is not installed (no package index for it)"
    page = (tmp_path / "latest" / "report.md").read_text("utf-8")
    assert "**missing-client** (cobol): cobol-ses is not installed" in page


def test_cli_rejects_unknown_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(["--client", "no-such-client"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sesspec report: unknown client(s): no-such-client (known: boto3, ")
    assert err.count("\n") == 1
    assert report_main(["--scenario", "no-such-scenario"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    "run_id", ["..", "../outside", "/abs/path", "a/b", "a\\b", ".hidden", "", "x" * 101, "a\x00b"]
)
def test_run_id_must_be_a_plain_name(
    tmp_path: Path, run_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report --run-id ..`` wrote outside ``--out``. Refused, one line, exit 2,
    nothing written anywhere; ``run_report`` refuses it too (RunIdError, before any file)."""
    out = tmp_path / "out" / "reports"
    assert report_main(["--out", str(out), "--run-id", run_id, "--client", "boto3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sesspec report: argument --run-id: run id ")
    assert err.count("\n") == 1
    with pytest.raises(RunIdError):
        run_report(out=out, run_id=run_id, clients=["boto3"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("run_id", ["a", "run-1", "20261126T071552Z", "v1.2_x", "x" * 100])
def test_plain_run_ids_are_taken(run_id: str) -> None:
    assert check_run_id(run_id) == run_id


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_report_timeout_must_be_positive_finite(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report_main(["--timeout", value]) == 2
    assert capsys.readouterr().err.count("\n") == 1


# --- live slice: botocore and one Node client through the real endpoint -----------------------

_LIVE_SCENARIOS = ["send-email-ascii", "send-email-special-chars", "list-identities"]
_NODE_CLIENT = "aws-sdk-js-v3"


@pytest.mark.client
def test_live_slice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("boto3")
    clients = ["boto3"]
    node_ok, node_reason = get_driver(_NODE_CLIENT).available()
    if node_ok:
        clients.append(_NODE_CLIENT)
    out = tmp_path / "reports"
    first = run_report(out=out, run_id="run-1", clients=clients, scenarios=_LIVE_SCENARIOS)
    for name in ("index.html", "report.md", "report.json", "junit.xml", "captures.jsonl"):
        assert (out / "latest" / name).is_file(), f"latest/{name} missing"
    assert not (out / "latest").is_symlink()
    # The run whole in latest/, its summary in history/, nothing else (no run folder, no
    # staging folder left behind).
    assert sorted(p.name for p in out.iterdir()) == ["history", "latest"]
    assert [p.name for p in (out / "history").iterdir()] == ["run-1.json"]
    assert read_summary(first.summary_path) == summarize(first.report)
    rows, columns, _ = _matrix_shape((out / "latest" / "index.html").read_text("utf-8"))
    assert rows == clients
    assert columns == _LIVE_SCENARIOS
    report = first.report
    assert {(c.client, c.scenario) for c in report.cases} == {
        (c, s) for c in clients for s in _LIVE_SCENARIOS
    }
    # botocore is the reference client: its requests carry a verified signature and no error.
    for case in report.cases_of("boto3"):
        assert case.verdict in ("pass", "warnings"), case
        assert case.requests
        assert "AUTH019" in case.rules("info")
    if node_ok:
        for case in report.cases_of(_NODE_CLIENT):
            assert case.requests, case
            assert "AUTH019" in case.rules("info")
    assert report.diff is None

    # A second run compares itself with the first (its summary in history/), replaces latest/,
    # and keeps the captures gzip'd when they are over the size limit (forced here).
    monkeypatch.setattr(report_run, "GZIP_THRESHOLD", 0)
    second = run_report(out=out, run_id="run-2", clients=["boto3"], scenarios=_LIVE_SCENARIOS)
    assert second.report.diff is not None
    assert second.report.diff.previous_run_id == "run-1"
    gone_cells = {(c.client, c.after) for c in second.report.diff.verdict_changes}
    assert gone_cells == ({(_NODE_CLIENT, None)} if node_ok else set())
    packed = out / "latest" / "captures.jsonl.gz"
    assert packed.is_file()
    assert not (out / "latest" / "captures.jsonl").exists()
    assert sorted(p.name for p in (out / "history").iterdir()) == ["run-1.json", "run-2.json"]
    with gzip.open(packed, "rt", encoding="utf-8") as stream:
        assert len([json.loads(line) for line in stream]) == len(_LIVE_SCENARIOS)
    assert second.report.captures_file == "captures.jsonl.gz"
    assert json.loads((out / "latest" / "report.json").read_text("utf-8"))["run_id"] == "run-2"
    if not node_ok:
        pytest.skip(f"Node part skipped: {_NODE_CLIENT} not available ({node_reason})")
