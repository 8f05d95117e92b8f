"""The FID rules, the evidence behind each cell, expectations,
and the rules shown as they are applied.

Every expected value is written out here from hand-made cases (the differences, the request,
the expectations file, the report), never read from the code under test.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from sesspec import fake
from sesspec.check import RULES
from sesspec.check.finding import Location, finding
from sesspec.check.rules import fid
from sesspec.fidelity import Asked, Difference, ValueDiff, compare_request
from sesspec.fidelity import Location as Where
from sesspec.http import parse_request
from sesspec.report import (
    CaseResult,
    ClientInfo,
    Report,
    RequestResult,
    RuleRef,
    ScenarioInfo,
    render_html,
    render_json,
    render_junit,
    render_markdown,
)
from sesspec.report.expectations import (
    EXPECTATIONS_FILE,
    ExpectationError,
    load_expectations,
    parse_expectations,
)
from sesspec.report.json_ import report_from_dict
from sesspec.report.model import (
    Expectation,
    apply_expectations,
    request_text,
    unmatched_expectations,
)
from tests.test_report import _nodes, _request, _strings


def _by_id(doc: etree._Element, ident: str) -> etree._Element:
    [found] = _nodes(doc, f"//*[@id='{ident}']")
    return found


def _text(node: etree._Element) -> str:
    return "".join(str(t) for t in node.itertext())


# --- FID: each kind of difference, one finding of its rule ----------------------------------------

_CASES = [
    (
        Difference("action-changed", Where("action"), "ListIdentities arrived", "SendEmail"),
        "FID001",
        "error",
        "param Action",
    ),
    (
        Difference(
            "action-changed",
            Where("action"),
            "SendEmail was sent as SendRawEmail",
            "SendEmail",
            "SendRawEmail",
            condition=True,
        ),
        "FID001",
        "info",
        "param Action",
    ),
    (
        Difference(
            "parameter-dropped",
            Where("member", "Destination.CcAddresses.member.1"),
            "dropped",
            expected="c@example.com",
        ),
        "FID002",
        "error",
        "param Destination.CcAddresses.member.1",
    ),
    (
        Difference("setting-dropped", Where("request", "X-Amz-Security-Token"), "token not sent"),
        "FID002",
        "error",
        "setting X-Amz-Security-Token",
    ),
    (
        Difference(
            "parameter-renamed",
            Where("member", "Message.Body.Text.Data"),
            "text sent as HTML",
            expected="Hello",
            moved_to=Where("member", "Message.Body.Html.Data"),
        ),
        "FID003",
        "error",
        "param Message.Body.Text.Data",
    ),
    (
        Difference(
            "header-added", Where("header", "Bcc"), "Bcc header added", actual="b@example.com"
        ),
        "FID004",
        "warning",
        "message header Bcc",
    ),
    (
        Difference(
            "charset-added",
            Where("member", "Message.Subject.Charset"),
            "Charset added",
            actual="UTF-8",
            condition=True,
        ),
        "FID004",
        "info",
        "param Message.Subject.Charset",
    ),
    (
        Difference(
            "whitespace-trimmed",
            Where("member", "Message.Body.Text.Data"),
            "trimmed",
            expected=" a ",
            actual="a",
            change=ValueDiff(0, 3, 1, b" a ", b"a"),
        ),
        "FID005",
        "error",
        "param Message.Body.Text.Data",
    ),
    (
        Difference(
            "line-end-lf-to-crlf",
            Where("part", "1 text/plain"),
            "MIME line ends",
            change=ValueDiff(1, 3, 4),
        ),
        "FID005",
        "info",
        "message part 1 text/plain",
    ),
    (
        Difference("unreadable", Where("request"), "the parameters cannot be read"),
        "FID006",
        "warning",
        "the request",
    ),
]


@pytest.mark.parametrize(
    ("difference", "rule", "severity", "where"),
    _CASES,
    ids=[f"{c[1]}-{c[2]}-{c[0].where.area}" for c in _CASES],
)
def test_each_difference_is_one_finding(
    difference: Difference, rule: str, severity: str, where: str
) -> None:
    [found] = fid.findings([difference])
    assert (found.rule, found.severity, str(found.location), found.kind) == (
        rule,
        severity,
        where,
        difference.kind,
    )
    assert found.message == difference.message
    assert found.citation == (
        "docs/spec.md#fid-compare; docs/spec.md#fid-kinds; docs/spec.md#fid-severity"
        + ("; docs/spec.md#param-raw-message" if rule == "FID005" else "")
    )


def test_finding_detail_is_the_diff() -> None:
    renamed, changed = _CASES[4][0], _CASES[7][0]
    assert fid.findings([renamed])[0].detail == (
        "- asked:   'Hello'\n+ arrived as: member Message.Body.Html.Data"
    )
    detail = fid.findings([changed])[0].detail
    assert detail.splitlines() == [
        "- asked:   ' a '",
        "+ arrived: 'a'",
        "whitespace-trimmed: from byte 0; 3 -> 1 bytes: b' a ' became b'a'",
    ]


_BODY = (
    b"Action=SendEmail&Version=2010-12-01&Source=a%40example.com"
    b"&Destination.ToAddresses.member.1=b%40example.com"
    b"&Message.Subject.Data=Hi&Message.Body.Text.Data=Hello%20there"
)
_ASKED = Asked(
    "SendEmail",
    {
        "Source": "a@example.com",
        "Destination": {"ToAddresses": ["b@example.com"]},
        "Message": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello there"}}},
    },
    authority="email.us-east-1.amazonaws.com:4566",
)


def _post(body: bytes, host: bytes = b"email.us-east-1.amazonaws.com:4566") -> bytes:
    return (
        b"POST / HTTP/1.1\r\nHost: " + host + b"\r\n"
        b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


def test_a_clean_copy_gives_no_finding() -> None:
    assert fid.findings(compare_request(_ASKED, parse_request(_post(_BODY)))) == []


def test_a_text_body_sent_as_html_and_a_port_dropped() -> None:
    body = _BODY.replace(b"Body.Text.Data", b"Body.Html.Data")
    raw = _post(body, host=b"email.us-east-1.amazonaws.com")
    found = fid.findings(compare_request(_ASKED, parse_request(raw)))
    assert sorted((f.rule, f.severity, str(f.location)) for f in found) == [
        ("FID003", "error", "param Message.Body.Text.Data"),
        ("FID005", "error", "setting Host"),
    ]


# --- expectations ------------------------------------------------------------------------------

_KNOWN = Expectation(
    "beta",
    "send-email-ascii",
    ("FID003",),
    "https://github.com/x/y/issues/1",
    "text as html",
    tested="2.0.1",
    fixed_in="2.1.0",
    fixed="https://github.com/x/y/pull/2",
    entry="known[0]",
)


def _req(seq: int, *rules: tuple[str, str]) -> RequestResult:
    return _request(
        seq,
        *(
            finding(RULES[r], f"{r} here", Location("param", "X"), severity=s)  # type: ignore[arg-type]
            for r, s in rules
        ),
    )


def _cell(client: str, verdict: str, *rules: tuple[str, str]) -> CaseResult:
    return CaseResult(client, "send-email-ascii", verdict, "ok", requests=(_req(1, *rules),))  # type: ignore[arg-type]


def test_expected_failure_is_known_other_errors_stay_fail() -> None:
    only = _cell("beta", "fail", ("FID003", "error"), ("PARAM003", "warning"))
    more = _cell("beta", "fail", ("FID003", "error"), ("AUTH018", "error"))
    passing = _cell("beta", "warnings", ("PARAM003", "warning"))
    other = _cell("alpha", "fail", ("FID003", "error"))
    got = [apply_expectations([c], [_KNOWN])[0] for c in (only, more, passing, other)]
    assert [(c.verdict, c.now_passing) for c in got] == [
        ("known", False),
        ("fail", False),
        ("warnings", True),
        ("fail", False),
    ]
    assert got[3].expected is None


def _doc(**entry: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "client": "beta",
        "scenarios": ["send-email-ascii"],
        "rules": ["FID003"],
        "issue": "https://github.com/x/y/issues/1",
        "reason": "text as html",
        "tested": "2.0.1",
        "fixed_in": "2.1.0",
        "fixed": "https://github.com/x/y/pull/2",
    }
    base.update(entry)
    return {"format": "sesspec-expectations/2", "known": [base]}


_CLIENTS = {"alpha", "beta"}
_SCENARIO_IDS = {"send-email-ascii", "list-identities"}


def test_expectations_parse() -> None:
    assert parse_expectations(_doc(), clients=_CLIENTS, scenarios=_SCENARIO_IDS) == (_KNOWN,)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ({"client": "gamma"}, "unknown client 'gamma'"),
        ({"scenarios": ["nope"]}, "unknown scenario 'nope'"),
        ({"rules": ["FID999"]}, "unknown rule 'FID999'"),
        ({"rules": ["AUTH019"]}, "AUTH019 is never an error"),
        ({"issue": "http://example.com/1"}, "not an https:// link"),
        ({"scenarios": []}, "at least one"),
        ({"reason": 3}, "'reason' is missing or not a str"),
        ({"extra": 1}, "unknown field(s) extra"),
        ({"scenarios": ["send-email-ascii", "send-email-ascii"]}, "listed twice"),
        ({"tested": " "}, "'tested' is empty"),
        ({"tested": 2}, "'tested' is missing or not a str"),
        ({"fixed": "http://github.com/x/y/pull/2"}, "'fixed' is not an https:// link"),
        ({"fixed_in": ""}, "'fixed_in' and 'fixed' go together"),
        ({"fixed_in": 2}, "'fixed_in' is not a str"),
    ],
)
def test_expectations_refuse_what_is_not_known(entry: dict[str, Any], words: str) -> None:
    with pytest.raises(ExpectationError) as info:
        parse_expectations(_doc(**entry), clients=_CLIENTS, scenarios=_SCENARIO_IDS)
    assert words in str(info.value)
    assert info.value.where == "expectations: known[0]"


def test_expectations_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ExpectationError, match="not JSON"):
        load_expectations(path, clients=_CLIENTS, scenarios=_SCENARIO_IDS)


def test_expectations_without_a_fix_parse() -> None:
    doc = _doc()
    del doc["known"][0]["fixed_in"], doc["known"][0]["fixed"]
    (got,) = parse_expectations(doc, clients=_CLIENTS, scenarios=_SCENARIO_IDS)
    assert (got.fixed_in, got.fixed, got.upstream()) == ("", "", "tested 2.0.1; not fixed upstream")
    assert _KNOWN.upstream() == (
        "tested 2.0.1; fixed upstream in 2.1.0 (https://github.com/x/y/pull/2)"
    )


def test_committed_expectations_are_valid() -> None:
    from sesspec.drivers import all_drivers, load_scenarios

    document = json.loads(EXPECTATIONS_FILE.read_text(encoding="utf-8"))
    got = load_expectations(
        clients={d.name for d in all_drivers()}, scenarios={s.id for s in load_scenarios()}
    )
    assert len(got) == sum(len(e["scenarios"]) for e in document["known"])
    assert all(e.tested for e in got)


def test_fog_names_the_release_tested_and_the_fix() -> None:
    """The report tests Debian's fog-aws 3.15.0; fog signs SES with SigV4 since 3.28.0
    (fog/fog-aws#727, "released in v3.28.0")."""
    from sesspec.drivers import all_drivers, load_scenarios

    fog = {
        (e.tested, e.fixed_in, e.fixed, e.issue)
        for e in load_expectations(
            clients={d.name for d in all_drivers()}, scenarios={s.id for s in load_scenarios()}
        )
        if e.client == "ruby-fog-aws"
    }
    assert fog == {
        (
            "3.15.0 (Debian ruby-fog-aws 3.15.0-1)",
            "3.28.0",
            "https://github.com/fog/fog-aws/pull/727",
            "https://github.com/fog/fog-aws/issues/726",
        )
    }


def _ran(client: str, scenario: str, verdict: str, *rules: str) -> CaseResult:
    errors = tuple((r, "error") for r in rules)
    return CaseResult(client, scenario, verdict, "ok", requests=(_req(1, *errors),))  # type: ignore[arg-type]


_ENTRY = [
    dataclasses.replace(_KNOWN, rules=("AUTH002",)),
    dataclasses.replace(_KNOWN, scenario="list-identities", rules=("AUTH002",)),
]


@pytest.mark.parametrize(
    ("cells", "error"),
    [
        ([], None),  # its client did not run: the entry says nothing of this run
        ([_ran("beta", "send-email-ascii", "not-available")], None),
        ([_ran("beta", "send-email-ascii", "fail", "AUTH002")], None),
        (
            [
                _ran("beta", "send-email-ascii", "fail", "AUTH002"),
                _ran("beta", "list-identities", "fail", "AUTH002", "FID003"),
            ],
            None,  # one cell is known: the entry takes effect
        ),
        (
            [_ran("beta", "send-email-ascii", "fail", "AUTH002", "FID003", "PARAM004")],
            "expectation known[0] (beta: AUTH002; https://github.com/x/y/issues/1) matches none "
            "of its 1 cell(s) of this run: they fail on errors it does not list (FID003, PARAM004)",
        ),
        (
            [_ran("beta", "send-email-ascii", "pass"), _ran("beta", "list-identities", "pass")],
            "expectation known[0] (beta: AUTH002; https://github.com/x/y/issues/1) matches none "
            "of its 2 cell(s) of this run: none of them fails any more",
        ),
    ],
    ids=["not-run", "not-available", "known", "one-known", "other-errors", "all-pass"],
)
def test_an_entry_that_matches_no_cell_is_an_error_of_the_run(
    cells: list[CaseResult], error: str | None
) -> None:
    marked = apply_expectations(cells, _ENTRY)
    assert unmatched_expectations(marked, _ENTRY) == (() if error is None else (error,))


def test_run_errors_are_in_every_format() -> None:
    report = dataclasses.replace(_report(), errors=("expectation known[0] matches none",))
    page, md, data, junit = _every_output(report)
    assert "**Errors of this run** (`sesspec report` exits 1):" in md
    assert "- expectation known[0] matches none" in md
    assert "expectation known[0] matches none" in _text(_by_id(html.fromstring(page), "run-errors"))
    assert json.loads(data)["errors"] == ["expectation known[0] matches none"]
    root = etree.fromstring(junit.encode())
    [failure] = _nodes(root, "//testsuite[@name='sesspec']/testcase/failure")
    assert failure.get("message") == "expectation known[0] matches none"
    assert report_from_dict(json.loads(data)).errors == report.errors


# --- a report with every kind of evidence -----------------------------------------------------

_SIG_DIFF = "--- signed\n+++ spec\n-host:a\n+host:a:1\n"
_REQ_TEXT = request_text(
    b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
    b"X-Amz-Security-Token: <masked>\r\n\r\nAction=SendEmail"
)


def _evidence(seq: int, *findings: Any, ses_error: str = "") -> RequestResult:
    return dataclasses.replace(_req(seq), findings=findings, text=_REQ_TEXT, ses_error=ses_error)


_MISMATCH = finding(
    RULES["AUTH018"], "signature mismatch", Location("header", "Authorization"), detail=_SIG_DIFF
)
_RENAMED = fid.findings([_CASES[4][0]])[0]
_EXPIRES = finding(
    RULES["AUTH015"], "no X-Amz-Expires", Location("query", "X-Amz-Expires"), severity="warning"
)


def _report() -> Report:
    cases = (
        CaseResult(
            "alpha",
            "send-email-ascii",
            "fail",
            "ok",
            requests=(
                _evidence(
                    1,
                    _MISMATCH,
                    ses_error="SignatureDoesNotMatch (403): The request signature ...",
                ),
            ),
        ),
        CaseResult(
            "alpha", "list-identities", "warnings", "ok", requests=(_evidence(2, _EXPIRES),)
        ),
        CaseResult(
            "beta",
            "send-email-ascii",
            "known",
            "ok",
            requests=(_evidence(3, _RENAMED),),
            expected=_KNOWN,
        ),
        CaseResult(
            "beta",
            "list-identities",
            "pass",
            "ok",
            requests=(_evidence(4),),
            expected=dataclasses.replace(_KNOWN, scenario="list-identities"),
        ),
    )
    rules = tuple(
        RuleRef(r, RULES[r].severity, RULES[r].title, RULES[r].citation, RULES[r].severities)
        for r in ("AUTH015", "AUTH018", "FID003")
    )
    return Report(
        run_id="r1",
        started_at="2026-11-26T07:00:00+00:00",
        wall_time_s=1.0,
        tls=True,
        runtimes={"Python": "3"},
        clients=(
            ClientInfo("alpha", "python", "1", True),
            ClientInfo("beta", "javascript", "2", True),
        ),
        scenarios=(
            ScenarioInfo("send-email-ascii", "SendEmail", "SendEmail", "call"),
            ScenarioInfo("list-identities", "ListIdentities", "ListIdentities", "call"),
        ),
        cases=cases,
        rules=rules,
    )


def test_counts_keep_known_apart() -> None:
    counts = _report().counts()
    assert (counts["fail"], counts["known"], counts["warnings"], counts["pass"]) == (1, 1, 1, 1)
    assert [(c.client, c.scenario) for c in _report().now_passing()] == [
        ("beta", "list-identities")
    ]


def _every_output(report: Report) -> list[str]:
    return [
        render_html(report),
        render_markdown(report),
        render_json(report),
        render_junit(report).decode("utf-8"),
    ]


def test_the_secret_key_is_in_no_output() -> None:
    for text in _every_output(_report()):
        assert fake.SECRET_ACCESS_KEY not in text
        assert fake.SESSION_TOKEN not in text


def test_html_cell_shows_the_evidence() -> None:
    doc = html.fromstring(render_html(_report()))
    alpha = _by_id(doc, "cell-alpha--send-email-ascii")
    text = _text(alpha)
    assert "X-Amz-Security-Token: <masked>" in text  # the request as captured
    assert "strict mode (serve --strict) would answer: " in text
    assert "SignatureDoesNotMatch (403)" in text
    assert _strings(alpha, ".//pre[@class='diff']/span[@class='add']/text()") == ["+host:a:1"]
    beta = _by_id(doc, "cell-beta--send-email-ascii")
    assert "Fidelity diff: what arrived against what the client was asked" in _text(beta)
    assert "+ arrived as: member Message.Body.Html.Data" in _text(beta)
    assert _strings(beta, ".//code[@class='kind']/text()") == ["parameter-renamed"]
    assert _strings(beta, ".//p[@class='expect']/a/@href") == ["https://github.com/x/y/issues/1"]
    [versions] = _nodes(beta, ".//p[@class='expect-versions']")
    assert _text(versions) == (
        "Tested: 2.0.1. Fixed upstream in 2.1.0: https://github.com/x/y/pull/2"
    )
    assert _strings(versions, "a/@href") == ["https://github.com/x/y/pull/2"]
    # The filters read these; the form and the script are in the page.
    assert (alpha.get("data-failing"), alpha.get("data-language"), alpha.get("data-rules")) == (
        "1",
        "python",
        "AUTH018",
    )
    assert beta.get("data-failing") == "1"
    assert _by_id(doc, "cell-alpha--list-identities").get("data-failing") == "0"
    form = _by_id(doc, "filters")
    assert _strings(form, ".//select[@name='language']/option/@value") == [
        "",
        "javascript",
        "python",
    ]
    assert _strings(form, ".//select[@name='rule']/option/@value") == [
        "",
        "AUTH015",
        "AUTH018",
        "FID003",
    ]
    assert "known, now passing" in _text(_by_id(doc, "now-passing"))


def test_markdown_links_each_cell_to_the_html() -> None:
    text = render_markdown(_report())
    assert "[❌ fail](index.html#cell-alpha--send-email-ascii)" in text
    assert "[🔷 known](index.html#cell-beta--send-email-ascii)" in text
    assert "[FID003](#fid003) `parameter-renamed` **error**" in text
    assert "[✅ pass](index.html#cell-beta--list-identities) ❗ known, now passing" in text
    assert "**Known failures now passing**" in text
    assert "strict mode would answer `SignatureDoesNotMatch (403)" in text
    assert (
        "<https://github.com/x/y/issues/1>; tested 2.0.1; fixed upstream in 2.1.0 "
        "(https://github.com/x/y/pull/2)"
    ) in text


def test_junit_known_is_skipped_and_now_passing_is_a_property() -> None:
    root = etree.fromstring(render_junit(_report()))
    [beta] = _nodes(root, "//testsuite[@name='beta']")
    assert (beta.get("failures"), beta.get("skipped")) == ("0", "1")
    [known] = _nodes(beta, "testcase[@name='send-email-ascii']")
    assert _strings(known, "skipped/@message") == [
        "known failure: text as html (https://github.com/x/y/issues/1; tested 2.0.1; fixed "
        "upstream in 2.1.0 (https://github.com/x/y/pull/2))"
    ]
    assert not _nodes(known, "failure")
    [passing] = _nodes(beta, "testcase[@name='list-identities']")
    assert _strings(passing, "properties/property[@name='expectation']/@value") == [
        "known, now passing: https://github.com/x/y/issues/1"
    ]
    assert not _nodes(passing, "skipped | failure")
    [alpha] = _nodes(root, "//testsuite[@name='alpha']")
    assert alpha.get("failures") == "1"
    [failure] = _nodes(alpha, ".//failure")
    assert "AUTH018 error [header Authorization]" in (failure.text or "")
    assert "strict mode would answer: SignatureDoesNotMatch (403)" in (failure.text or "")


def test_json_keeps_expectations_and_evidence() -> None:
    back = report_from_dict(json.loads(render_json(_report())))
    assert back.cases == _report().cases
    assert back.case("beta", "list-identities").now_passing  # type: ignore[union-attr]
    assert back.rules == _report().rules


# --- the rules as applied -------------------------------------------------------------------


def test_rules_section_shows_the_declared_severities() -> None:
    """AUTH015 is an error by default and a warning when X-Amz-Expires is missing (its
    declaration): the rules section says both, and the finding is the warning."""
    page = html.fromstring(render_html(_report()))
    row = _by_id(page, "rule-AUTH015")
    [cell] = _nodes(row, "td[contains(@class, 'severities')]")
    shown = _text(cell)
    assert shown.startswith("error (default); warning when X-Amz-Expires missing")
    assert _text(_nodes(_by_id(page, "rule-FID003"), "td")[1]) == (
        "error (default); warning when the kind is order-changed"
    )
    text = render_markdown(_report())
    assert "**error (default); warning when X-Amz-Expires missing" in text
    # Every severity a finding of the report has is one its rule shows.
    for case in _report().cases:
        for f in case.findings():
            assert f.severity in shown or f.rule != "AUTH015"
            assert f.severity in RULES[f.rule].allowed


def test_rejudge_runs_no_client_and_rewrites_the_run(tmp_path: Path) -> None:
    """``sesspec report --rejudge``: the committed run judged again from its captures by this
    checkout (no client run, the captures untouched); the committed expectations each take
    effect in it (no error of the run)."""
    from sesspec.cli.report import main as report_main

    root = Path(__file__).resolve().parent.parent / "reports"
    if not (root / "latest" / "report.json").is_file():
        pytest.skip("no committed report")
    out = tmp_path / "reports"
    shutil.copytree(root / "latest", out / "latest")
    shutil.copytree(root / "history", out / "history")
    captures = sorted((out / "latest").glob("captures.jsonl*"))
    before = [p.read_bytes() for p in captures]
    assert report_main(["--rejudge", "--out", str(out)]) == 0
    assert [p.read_bytes() for p in captures] == before
    document = json.loads((out / "latest" / "report.json").read_text("utf-8"))
    assert document["errors"] == []
    assert document["notes"][-1].startswith("judged again at ")
    fid_findings = [
        f
        for case in document["cases"]
        for request in case["requests"]
        for f in request["findings"]
        if f["rule"].startswith("FID")
    ]
    assert fid_findings
    assert all(f.get("kind") for f in fid_findings)
    assert report_main(["--rejudge", "--client", "boto3", "--out", str(out)]) == 2
