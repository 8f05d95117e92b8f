"""The report read at a glance: each client's overall verdict, every cell's verdict in words
and what to change in the client (the rules' remedies), citations linked to docs/spec.md, a
matrix that fits, and deep links that open their cell.

The expected verdicts and words are written out here from the hand-built cells of
``tests/test_report.py`` and the cells below (docs/spec.md#policy-remedy; the README's
"Reading a cell"); the remedies are the rules' declarations, which the writers must carry
unchanged.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree, html

from sesspec.check import RULES
from sesspec.check.finding import Finding, Location, finding
from sesspec.report import (
    CaseResult,
    RequestResult,
    RuleRef,
    read_report_json,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    write_report,
)
from sesspec.report._fmt import citation_parts, client_counts, client_words, verdict_words
from sesspec.report.files import spec_link
from sesspec.report.html import DIALOG_ID, MATRIX_ID, SYMBOLS
from sesspec.report.json_ import report_from_dict
from sesspec.report.model import (
    CLIENT_VERDICT_ORDER,
    VERDICTS,
    Expectation,
    Verdict,
    client_verdict,
)
from tests._support import REPO
from tests.test_report import _CELLS, _report, _request

_SPEC = "../../docs/spec.md"
_ISSUE = "https://github.com/boto/boto/issues/3906"

_AWS3 = finding(RULES["AUTH002"], "AWS3-HTTPS", Location("header", "X-Amzn-Authorization"))
_DROPPED = finding(
    RULES["FID002"],
    "Message.Subject.Charset did not arrive",
    Location("param", "Message.Subject.Charset"),
    kind="charset-dropped",
)
_EXPECT_AWS3 = Expectation("beta", "", ("AUTH002",), _ISSUE, "boto 2 signs with AWS3-HTTPS only")


def _cell(scenario: str, verdict: Verdict, *findings: Finding, **changes: object) -> CaseResult:
    requests: tuple[RequestResult, ...] = (_request(9, *findings),) if findings else ()
    case = CaseResult("beta", scenario, verdict, "ok", requests=requests)
    return dataclasses.replace(case, **changes)  # type: ignore[arg-type]


#: beta's known failure: it breaks AUTH002 only, as the expectation says.
_KNOWN = _cell(
    "send-email-ascii",
    "known",
    _AWS3,
    expected=dataclasses.replace(_EXPECT_AWS3, scenario="send-email-ascii"),
)
#: An expectation names the cell, but it also breaks FID002: a failure.
_FAIL_BEYOND = _cell(
    "list-identities",
    "fail",
    _AWS3,
    _DROPPED,
    expected=dataclasses.replace(_EXPECT_AWS3, scenario="list-identities"),
)


# --- a client's overall verdict ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdicts", "overall"),
    [
        pytest.param((), "not-available", id="no-cell"),
        pytest.param(("not-available",) * 3, "not-available", id="never-ran"),
        pytest.param(("not-supported",), "not-supported", id="supports-nothing"),
        pytest.param(("not-supported", "pass"), "pass", id="pass-beside-not-supported"),
        pytest.param(("pass", "pass"), "pass", id="all-pass"),
        pytest.param(("pass", "warnings"), "warnings", id="one-warning"),
        pytest.param(("warnings", "known"), "known", id="one-known"),
        pytest.param(("known", "client-error", "pass"), "client-error", id="one-client-error"),
        pytest.param(("client-error", "fail", "known"), "fail", id="one-fail"),
        pytest.param(("fail", "not-available"), "fail", id="fail-beside-not-available"),
    ],
)
def test_client_verdict(verdicts: tuple[Verdict, ...], overall: Verdict) -> None:
    """The first of fail, client error, known, warnings, pass that any of its cells has; not
    supported when it supports nothing, not available when it never ran."""
    cases = [CaseResult("c", f"s{i}", v, "ok") for i, v in enumerate(verdicts)]
    assert client_verdict(cases) == overall


def test_client_verdict_order_holds_every_verdict_once() -> None:
    assert sorted(CLIENT_VERDICT_ORDER) == sorted(VERDICTS)


def test_client_words_and_counts() -> None:
    report = _report()
    # alpha: send-email-ascii pass, list-identities warnings (AUTH013), presign fail (AUTH018).
    assert client_counts(report, "alpha") == "1 fail, 1 warnings only, 1 pass"
    assert client_counts(report, "alpha", short=True) == "1 fail · 1 warn · 1 pass"
    assert client_words(report, "alpha") == (
        "fail (1 fail, 1 warnings only, 1 pass); fails on AUTH018; warnings AUTH013."
    )
    assert client_words(report, "gamma") == "not available (3 not available)."


# --- a cell's verdict in words -------------------------------------------------------------------


def test_known_failure_says_why_it_is_known() -> None:
    assert verdict_words(_KNOWN) == (
        f"Known failure: it breaks only rule AUTH002, which {_ISSUE} reports upstream; "
        "counted apart from fail, not as passing."
    )


def test_named_cell_that_fails_beyond_its_expectation_says_why_it_fails() -> None:
    """The banner said 'Known failure' while the verdict said fail: the words now agree with
    the verdict and name the error the expectation does not cover."""
    assert verdict_words(_FAIL_BEYOND) == (
        f"Fails. An expectation marks this cell as a known failure of rule AUTH002 ({_ISSUE}), "
        "but it also breaks rule FID002, which no expectation covers, so it counts as a failure."
    )


def test_failure_names_what_ses_does_and_what_did_not_arrive() -> None:
    plain = _cell("send-email-ascii", "fail", _AWS3, _DROPPED)
    assert verdict_words(plain) == (
        "Fails: SES would refuse or misread a request (rule AUTH002); and what arrived is not "
        "what the client was asked to send (rule FID002)."
    )


def test_known_now_passing_says_the_expectation_can_go() -> None:
    passing = _cell(
        "send-email-ascii",
        "pass",
        expected=dataclasses.replace(_EXPECT_AWS3, scenario="send-email-ascii"),
    )
    assert verdict_words(passing) == (
        "Passes: no request has an error or warning finding. Known, now passing: it was "
        f"expected to break rule AUTH002 ({_ISSUE}) and no longer does, so the expectation "
        "can go."
    )


def test_warnings_and_the_rest_in_words() -> None:
    assert verdict_words(_CELLS["alpha"]["list-identities"]) == (
        "Warnings only: SES accepts the requests as they are, but rule AUTH013 flag something "
        "legacy or fragile."
    )
    assert verdict_words(_CELLS["beta"]["presign-get-send-email"]) == (
        "Not supported: beta cannot presign"
    )
    assert verdict_words(_CELLS["beta"]["list-identities"]).startswith("Client error: the client")
    # A known cell read back without its expectation still reads as known, never as passing.
    assert verdict_words(CaseResult("c", "s", "known", "ok")) == (
        "Known failure: it fails only as a committed expectation says."
    )


# --- the HTML page -------------------------------------------------------------------------------


def _doc(page: str) -> etree._Element:
    return html.document_fromstring(page)


def _xpath(node: etree._Element, path: str) -> list[object]:
    found = node.xpath(path)
    assert isinstance(found, list)
    return list(found)


def _text(node: object) -> str:
    assert isinstance(node, etree._Element)
    return " ".join("".join(str(t) for t in node.itertext()).split())


def _page(**changes: object) -> etree._Element:
    return _doc(render_html(_report(**changes), spec=_SPEC))


def test_html_cell_says_its_verdict_and_what_to_change() -> None:
    """A failing cell's section says its verdict in words and, for each rule that makes it
    fail or warn (errors first), what to change in the client, as the rule declares it."""
    doc = _page()
    section = _xpath(doc, "//section[@id='cell-beta--send-email-ascii']")[0]
    assert isinstance(section, etree._Element)
    words = _xpath(section, "./p[@class='words']")
    assert [_text(w) for w in words] == [
        "Fails: SES would refuse or misread a request (rule AUTH002)."
    ]
    items = [_text(li) for li in _xpath(section, ".//div[@class='remedies']//li")]
    assert items == [
        f"AUTH002 ({RULES['AUTH002'].title}): {RULES['AUTH002'].remedy}",
        f"PARAM003 ({RULES['PARAM003'].title}): {RULES['PARAM003'].remedy}",
    ]
    # A passing cell has nothing to change.
    passing = _xpath(doc, "//section[@id='cell-alpha--send-email-ascii']//div[@class='remedies']")
    assert passing == []


def test_html_known_and_failing_cells_agree_with_their_verdict() -> None:
    doc = _page(cases=(_KNOWN, _FAIL_BEYOND))
    for case in (_KNOWN, _FAIL_BEYOND):
        section = _xpath(doc, f"//section[@id='{case.anchor}']")[0]
        assert isinstance(section, etree._Element)
        tag = _text(_xpath(section, "./h3/span[contains(@class, 'tag')]")[0])
        assert tag == f"{SYMBOLS[case.verdict]} {'known failure' if case is _KNOWN else 'fail'}"
        assert _text(_xpath(section, "./p[@class='words']")[0]) == verdict_words(case)
        # The expectation is shown as what it is, never as a banner that contradicts the verdict.
        assert "Known failure (" not in _text(section)


def test_html_rules_table_gives_each_remedy() -> None:
    doc = _page()
    for rule_id in ("AUTH002", "AUTH018", "AUTH013"):
        cells = _xpath(doc, f"//tr[@id='rule-{rule_id}']/td[@class='remedy']")
        assert [_text(c) for c in cells] == [RULES[rule_id].remedy]


def test_html_citations_link_to_the_spec() -> None:
    """Each clause of docs/spec.md a citation names links to the spec where the page finds it, and
    each anchor linked is one docs/spec.md has."""
    doc = _page()
    hrefs = [str(h) for h in _xpath(doc, "//td[contains(@class, 'cite')]/a/@href")]
    spec_links = [h for h in hrefs if h.startswith(f"{_SPEC}#")]
    assert f"{_SPEC}#auth-cutoff" in spec_links  # AUTH002's first clause
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', (REPO / "docs/spec.md").read_text("utf-8")))
    assert {h.split("#", 1)[1] for h in spec_links} <= anchors
    # Without a place for the spec, citations stay text (and the URLs in them stay links).
    plain = _doc(render_html(_report()))
    assert not [h for h in _xpath(plain, "//a/@href") if "spec.md" in str(h)]


def test_html_matrix_cells_are_compact_and_not_colour_only() -> None:
    """Each cell gives its verdict as a symbol and a word, and names client, scenario and
    verdict for a screen reader; the client column and the overall verdict stay on screen."""
    doc = _page()
    table = _xpath(doc, f"//table[@id='{MATRIX_ID}']")[0]
    assert isinstance(table, etree._Element)
    link = _xpath(table, ".//td[@data-cell='beta/send-email-ascii']/a")[0]
    assert isinstance(link, etree._Element)
    assert link.get("aria-label") == "beta, send-email-ascii: fail"
    assert [_text(s) for s in _xpath(link, "./span")][:2] == [SYMBOLS["fail"], "fail"]
    assert len(set(SYMBOLS.values())) == len(VERDICTS)
    headers = _xpath(table, "./tbody/tr/th[@scope='row']")
    assert [h.text for h in headers if isinstance(h, etree._Element)] == ["alpha", "beta", "gamma"]
    style = "".join(str(t) for t in _xpath(doc, "//style/text()"))
    assert re.search(r"th\.client \{[^}]*position: sticky", style)
    assert re.search(r"\.overall \{[^}]*position: sticky", style)


def test_html_cells_open_in_a_dialog() -> None:
    """The page has the dialog a cell opens in, and a section for every cell, whose heading
    names the dialog; the script opens one from a click and from the fragment."""
    doc = _page()
    dialog = _xpath(doc, f"//dialog[@id='{DIALOG_ID}']")
    assert len(dialog) == 1
    assert _xpath(doc, f"//div[@id='{DIALOG_ID}-body']")
    for case in _report().cases:
        assert _xpath(doc, f"//section[@id='{case.anchor}']/h3[@id='{case.anchor}-title']")
    script = "".join(str(t) for t in _xpath(doc, "//script/text()"))
    assert "hashchange" in script
    assert "showModal" in script


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no chromium (apt-get install -y chromium)")
def test_deep_link_opens_its_cell_in_chromium(tmp_path: Path) -> None:
    """index.html#cell-<client>--<scenario> opened in headless Chromium: once the page has
    loaded, that cell's section is inside the open dialog (it rendered blank before)."""
    browser = _chromium()
    assert browser is not None
    page = tmp_path / "index.html"
    page.write_text(render_html(_report(), spec=_SPEC), encoding="utf-8")
    profile = tmp_path / "profile"
    dumped = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            f"{page.as_uri()}#cell-beta--send-email-ascii",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    doc = _doc(dumped)
    dialog = _xpath(doc, f"//dialog[@id='{DIALOG_ID}']")[0]
    assert isinstance(dialog, etree._Element)
    assert dialog.get("open") is not None
    inside = [str(i) for i in _xpath(dialog, ".//section/@id")]
    assert inside == ["cell-beta--send-email-ascii"]


# --- Markdown, JSON, JUnit -----------------------------------------------------------------------


def test_markdown_cell_words_remedies_and_spec_links() -> None:
    text = render_markdown(_report(), spec=_SPEC)
    start = text.index("#### beta / send-email-ascii: fail")
    cell = text[start : text.index("####", start + 4)]
    assert "**Fails: SES would refuse or misread a request (rule AUTH002).**" in cell
    remedy = RULES["AUTH002"].remedy
    assert f"- what to change in the client, [AUTH002](#auth002): {remedy}" in cell
    assert f"[docs/spec.md#auth-cutoff]({_SPEC}#auth-cutoff)" in cell
    # The rules list gives each remedy once more, beside the rule's title and sources.
    assert f"What to change in the client: {RULES['AUTH018'].remedy}" in text
    # No place for the spec: the citations stay text.
    assert "](../../docs/spec.md" not in render_markdown(_report())


def test_json_carries_remedies_and_client_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(render_json(_report()), encoding="utf-8")
    document = read_report_json(path)
    assert document["client_verdicts"] == {
        "alpha": "fail",
        "beta": "fail",
        "gamma": "not-available",
    }
    remedies = {r["id"]: r["remedy"] for r in document["rules"]}
    assert remedies == {r: RULES[r].remedy for r in remedies}
    assert report_from_dict(document).rule("AUTH018") == RuleRef(
        "AUTH018",
        "error",
        RULES["AUTH018"].title,
        RULES["AUTH018"].citation,
        remedy=RULES["AUTH018"].remedy,
    )
    # A report.json written before remedies reads back with none.
    for rule in document["rules"]:
        del rule["remedy"]
    assert report_from_dict(document).rule("AUTH018") is not None


def test_junit_gives_the_client_verdict_and_the_remedy() -> None:
    root = etree.fromstring(render_junit(_report()))
    verdicts = {
        s.get("name"): p.get("value")
        for s in root.findall("testsuite")
        for p in s.findall("properties/property[@name='verdict']")
    }
    assert verdicts == {"alpha": "fail", "beta": "fail", "gamma": "not-available"}
    failure = root.find("testsuite[@name='alpha']/testcase[@name='presign-get-send-email']/failure")
    assert failure is not None
    assert f"what to change in the client: {RULES['AUTH018'].remedy}" in (failure.text or "")


# --- where the spec is ---------------------------------------------------------------------------


def test_citation_parts_link_urls_and_spec_anchors() -> None:
    citation = (
        "docs/spec.md#auth-cutoff; https://example.com/docs/spec.md#auth-cutoff; "
        "docs/spec.md#aws3-header"
    )
    assert citation_parts(citation, spec="S") == [
        ("docs/spec.md#auth-cutoff", "S#auth-cutoff"),
        ("; ", None),
        (
            "https://example.com/docs/spec.md#auth-cutoff",
            "https://example.com/docs/spec.md#auth-cutoff",
        ),
        ("; ", None),
        ("docs/spec.md#aws3-header", "S#aws3-header"),
    ]
    assert citation_parts("docs/spec.md#auth-cutoff") == [("docs/spec.md#auth-cutoff", None)]


def test_spec_link_from_where_the_report_is(tmp_path: Path) -> None:
    """Inside the checkout that holds docs/spec.md, a relative path (reports/latest is two
    folders down); outside it, the file's URL; with no spec on the machine, none."""
    root = tmp_path / "checkout"
    spec = root / "docs" / "spec.md"
    spec.parent.mkdir(parents=True)
    spec.write_text("# spec\n", encoding="utf-8")
    assert spec_link(root / "reports" / "latest", spec_file=spec) == "../../docs/spec.md"
    assert spec_link(root, spec_file=spec) == "docs/spec.md"
    assert spec_link(tmp_path / "elsewhere", spec_file=spec) == spec.as_uri()
    assert spec_link(root / "reports", spec_file=tmp_path / "no" / "spec.md") is None
    # This checkout: the committed report links to the committed spec.
    assert spec_link(REPO / "reports" / "latest") == "../../docs/spec.md"


def test_written_report_links_to_the_spec(tmp_path: Path) -> None:
    """write_report tells both pages where the spec is (here: outside the checkout)."""
    write_report(_report(), tmp_path / "run")
    spec = (REPO / "docs" / "spec.md").resolve().as_uri()
    page = (tmp_path / "run" / "index.html").read_text("utf-8")
    assert f'href="{spec}#auth-cutoff"' in page
    assert f"]({spec}#auth-cutoff)" in (tmp_path / "run" / "report.md").read_text("utf-8")


def test_committed_report_links_its_spec_and_gives_remedies() -> None:
    """The committed report (reports/latest) is rendered by these writers: its citations link
    to ../../docs/spec.md, and every rule it cites carries its declared remedy."""
    latest = REPO / "reports" / "latest"
    document = json.loads((latest / "report.json").read_text("utf-8"))
    assert document["rules"]
    for rule in document["rules"]:
        assert rule["remedy"] == RULES[rule["id"]].remedy
    assert set(document["client_verdicts"]) == {c["name"] for c in document["clients"]}
    page = (latest / "index.html").read_text("utf-8")
    assert 'href="../../docs/spec.md#' in page
    assert "](../../docs/spec.md#" in (latest / "report.md").read_text("utf-8")
