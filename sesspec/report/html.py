"""``index.html``: the report as one self-contained page (inline CSS and script, no external asset).

Built with lxml (so every text is escaped by the serialiser, never by hand). The page reads top
to bottom: summary (known failures now passing called out), the filters, the client x scenario
matrix, a summary per client, clients not available and why, the difference from the previous
run, one detail section per cell, the rules table (each rule's declared severities and what to
change in a client that breaks it), the runtimes.

The matrix fits a 1400 px screen with 24 scenarios: each row starts with the client (name,
language, version: the row header, where per-row facts go) and its overall verdict
(:func:`sesspec.report.model.client_verdict`), both sticky when the page scrolls sideways; each
cell is a compact link that gives its verdict as a symbol and a short word (never by colour
alone), the whole label in its title.

A cell's section (the evidence) says its verdict in a sentence (``_fmt.verdict_words``: why a
known failure is known, why a cell an expectation names still fails), what to change in the
client for each rule it breaks (the rules' remedies), then each request as captured (secrets
masked), its findings with rule links and citations linked to ``docs/spec.md`` (``spec``: where
the page finds it, :func:`sesspec.report.files.spec_link`), the canonical-request diff of a
signature mismatch, the SES error strict mode would answer, and the fidelity diff.

The page's script (plain, a few dozen lines, no network; without it everything is shown and
links scroll to their place) does two things: the filters (only failures, a language, a rule)
show and hide what is there, and a cell opens in a dialog over the matrix, from a click on it or
from a deep link (``index.html#cell-<client>--<scenario>``, on load and on a change of the
fragment); closing the dialog puts the section back where it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sesspec._extras import install_command
from sesspec.errors import MissingExtraError
from sesspec.report._fmt import (
    FAILING,
    SHORT_LABELS,
    cell_remedies,
    citation_parts,
    client_counts,
    client_words,
    rule_anchor,
    rule_severities,
    runs_text,
    shown_rules,
    verdict_words,
)
from sesspec.report.model import (
    VERDICT_LABELS,
    VERDICTS,
    CaseResult,
    Expectation,
    Report,
    RequestResult,
    RunDiff,
    Verdict,
)

if TYPE_CHECKING:
    from sesspec.check import Finding

try:
    from lxml import etree, html
except ModuleNotFoundError as exc:  # a plain install: the renderer needs the report extra
    raise MissingExtraError(
        extra="report", module="lxml", feature="the HTML report", install=install_command("report")
    ) from exc


__all__ = ["DIALOG_ID", "FILTERS_ID", "MATRIX_ID", "SYMBOLS", "render_html"]


def __dir__() -> list[str]:
    return __all__


#: The id of the matrix ``<table>`` (tests and readers find it by this id).
MATRIX_ID = "matrix"
#: The id of the filters' ``<form>``.
FILTERS_ID = "filters"
#: The id of the ``<dialog>`` a cell opens in.
DIALOG_ID = "cell-dialog"

#: The symbol of each verdict, beside its word in the matrix and the legend (so that no verdict
#: is told by colour alone).
SYMBOLS: dict[Verdict, str] = {
    "pass": "\u2713",  # check mark
    "warnings": "!",
    "known": "\u25c7",  # white diamond
    "fail": "\u2717",  # ballot x
    "client-error": "?",
    "not-supported": "\u2013",  # en dash
    "not-available": "\u2205",  # empty set
}

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

_CSS = """
:root { --pass:#cdeccd; --warnings:#fdeeb5; --known:#cfe0f7; --fail:#f6c4c4; --client-error:#e3d2f3;
  --not-supported:#eceff1; --not-available:#cfd4d8; --ink:#1d2327; --muted:#5f6b73;
  --line:#d5dbe0; --head:#f4f6f8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; padding: 20px 24px 64px; max-width: 1640px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid
  var(--line); }
h3 { font-size: 15px; margin: 0 0 6px; }
a { color: #0b5cad; text-decoration: none; }
a:hover { text-decoration: underline; }
a:focus-visible, button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 1px; }
p.meta { color: var(--muted); margin: 0 0 12px; }
code, pre { font: 12.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 5px 8px; vertical-align: top;
  text-align: left; }
th { background: var(--head); font-weight: 600; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0 4px; padding: 0;
  list-style: none; }
.counts li { padding: 4px 10px; border-radius: 12px; border: 1px solid var(--line); }
.sym { font-weight: 700; display: inline-block; min-width: 1em; text-align: center; }
.v-pass { background: var(--pass); }
.v-warnings { background: var(--warnings); }
.v-known { background: var(--known); }
.v-fail { background: var(--fail); }
.v-client-error { background: var(--client-error); }
.v-not-supported { background: var(--not-supported); color: var(--muted); }
.v-not-available { background: var(--not-available); color: var(--muted); }
div.matrix-wrap { overflow-x: auto; max-width: 100%; }
table.matrix { table-layout: fixed; border-collapse: separate; border-spacing: 0;
  width: 100%; }
table.matrix th, table.matrix td { border-width: 0 1px 1px 0; }
table.matrix tr > :first-child { border-left-width: 1px; }
table.matrix thead th { border-top-width: 1px; }
table.matrix th.client { width: 188px; min-width: 188px; position: sticky; left: 0; z-index: 2;
  background: var(--head); }
table.matrix .overall { width: 124px; min-width: 124px; position: sticky; left: 188px;
  z-index: 2; box-shadow: 3px 0 3px -2px #0003; }
table.matrix thead th { font-size: 11px; font-weight: 600; vertical-align: bottom; }
table.matrix thead th.overall { background: var(--head); }
table.matrix thead th.scenario { width: 38px; min-width: 38px; max-width: 38px;
  padding: 6px 2px; text-align: left; white-space: nowrap; writing-mode: vertical-rl;
  transform: rotate(180deg); }
table.matrix thead th span { display: block; color: var(--muted); font-weight: 400;
  font-size: 10px; }
table.matrix tbody th { font-size: 13px; overflow-wrap: anywhere; padding: 4px 8px; }
table.matrix tbody th small { display: block; color: var(--muted); font-weight: 400;
  font-size: 11px; line-height: 1.3; }
table.matrix td { padding: 0; font-size: 12px; text-align: center; vertical-align: middle; }
table.matrix td.overall { text-align: left; padding: 3px 6px; font-size: 11px;
  line-height: 1.3; }
table.matrix td.overall b { display: block; font-size: 12.5px; }
table.matrix td.cell a { display: block; padding: 3px 0; color: var(--ink); min-height: 36px; }
table.matrix td.cell a:hover { outline: 2px solid #0b5cad; outline-offset: -2px;
  text-decoration: none; }
table.matrix td.cell .sym { display: block; font-size: 14px; line-height: 1.2; }
table.matrix td.cell .word { display: block; font-size: 9.5px; line-height: 1.2;
  overflow-wrap: anywhere; }
table.matrix td.cell .rules { display: none; font: 9px/1.25 "DejaVu Sans Mono", monospace;
  color: #7a1f1f; }
table.matrix td.cell.v-warnings .rules { color: #6b4d00; }
@media (min-width: 1800px) { table.matrix td.cell .rules { display: block; } }
table.matrix td.cell .tag { display: block; margin: 0; padding: 0; font-size: 9px;
  border-radius: 0; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
section.cell { border: 1px solid var(--line); border-left: 6px solid var(--line);
  border-radius: 4px; padding: 10px 14px; margin: 10px 0; background: #fff; }
section.cell.v-pass { border-left-color: #3c9a3c; }
section.cell.v-warnings { border-left-color: #c99a00; }
section.cell.v-fail { border-left-color: #c23030; }
section.cell.v-known { border-left-color: #2f6db5; }
section.cell.v-client-error { border-left-color: #7c3fb5; }
section.cell.v-not-supported, section.cell.v-not-available { border-left-color: #9aa4ab;
  background: #fafbfc; }
section.cell:target { box-shadow: 0 0 0 3px #0b5cad55; }
p.words { font-weight: 600; margin: 4px 0 8px; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  margin-left: 6px; font-weight: 600; }
.note { font-weight: 600; color: #5b2a86; }
div.remedies { border: 1px solid #e3c46a; background: #fffbea; border-radius: 4px;
  padding: 6px 12px; margin: 8px 0; }
div.remedies h4 { margin: 2px 0 4px; }
div.remedies ul { margin: 0; padding-left: 18px; }
.request { margin: 8px 0 0; }
.request > code { background: var(--head); padding: 1px 4px; word-break: break-all; }
table.findings { width: 100%; margin-top: 6px; font-size: 13px; table-layout: fixed; }
table.findings col.c-rule { width: 90px; } table.findings col.c-sev { width: 80px; }
table.findings col.c-where { width: 200px; } table.findings col.c-cite { width: 330px; }
table.findings td { word-break: break-word; }
.sev-error { color: #a11; font-weight: 600; }
.sev-warning { color: #8a6200; font-weight: 600; }
.sev-info { color: var(--muted); }
td.cite { font-size: 12px; word-break: break-word; }
pre.diff { background: #f7f8fa; border: 1px solid var(--line); padding: 8px 10px;
  overflow-x: auto; margin: 4px 0 0; white-space: pre; }
pre.diff .add { color: #116611; background: #e6f5e6; display: block; }
pre.diff .del { color: #9b1111; background: #fbe7e7; display: block; }
pre.diff .hunk { color: #6a4da0; display: block; }
table.rules td.id { white-space: nowrap; font-family: "DejaVu Sans Mono", monospace; }
table.rules tr:target td { background: #fff6cc; }
.muted { color: var(--muted); }
ul.plain { padding-left: 18px; }
details summary { cursor: pointer; color: var(--muted); }
details.how { margin: 0 0 10px; } details.how p { margin: 4px 0 0; max-width: 1100px; }
pre.wire { background: #f7f8fa; border: 1px solid var(--line); padding: 8px 10px;
  white-space: pre-wrap; word-break: break-all; max-height: 360px; overflow: auto; margin: 4px 0; }
p.answer code { background: #fbe7e7; padding: 1px 4px; white-space: pre-wrap; }
.callout { border: 2px solid #c99a00; background: #fff8dc; padding: 8px 12px; border-radius: 4px; }
.expect { border-left: 4px solid #2f6db5; padding-left: 8px; }
form.filters select { max-width: 360px; }
form.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 8px 0;
  padding: 8px 12px; background: var(--head); border: 1px solid var(--line); border-radius: 4px; }
.hidden, form.filters[hidden] { display: none !important; }
table.matrix td.dim { opacity: .15; }
h4 { font-size: 13px; margin: 8px 0 2px; }
dialog.cell-dialog { width: min(1280px, 96vw); max-height: 92vh; padding: 0;
  border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 8px 40px #0005; }
dialog.cell-dialog::backdrop { background: #1d232766; }
dialog.cell-dialog .bar { position: sticky; top: 0; z-index: 1; display: flex; gap: 12px;
  justify-content: space-between; align-items: center; padding: 6px 12px;
  background: var(--head); border-bottom: 1px solid var(--line); }
dialog.cell-dialog .bar button { font: inherit; padding: 3px 12px; cursor: pointer; }
dialog.cell-dialog .body { padding: 0 12px 12px; }
dialog.cell-dialog section.cell { display: block !important; margin: 10px 0 0; }
@media (max-width: 1440px) { body { padding: 16px 14px 48px; } }
"""

#: The script: the filters (only failures, a language, a rule) and the cell dialog. Cells (matrix
#: ``td`` and detail ``section``) carry ``data-failing``, ``data-language`` and ``data-rules``;
#: matrix rows ``data-language``.
_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  if (form) {
    form.hidden = false;
    var keep = function (el, only, lang, rule) {
      var rules = " " + (el.getAttribute("data-rules") || "") + " ";
      return (!only || el.getAttribute("data-failing") === "1")
        && (!lang || el.getAttribute("data-language") === lang)
        && (!rule || rules.indexOf(" " + rule + " ") >= 0);
    };
    var apply = function () {
      var only = form.elements["only-failures"].checked;
      var lang = form.elements["language"].value;
      var rule = form.elements["rule"].value;
      var cells = document.querySelectorAll("[data-cell]");
      for (var i = 0; i < cells.length; i++) {
        var ok = keep(cells[i], only, lang, rule);
        cells[i].classList.toggle(cells[i].tagName === "TD" ? "dim" : "hidden", !ok);
      }
      var rows = document.querySelectorAll("tr[data-language]");
      for (var j = 0; j < rows.length; j++) {
        var other = !!lang && rows[j].getAttribute("data-language") !== lang;
        rows[j].classList.toggle("hidden", other);
      }
    };
    form.addEventListener("change", apply);
    apply();
  }
  var dialog = document.getElementById("cell-dialog");
  var slot = document.getElementById("cell-dialog-body");
  if (!dialog || !slot) { return; }
  var shown = null, home = null;
  dialog.addEventListener("close", function () {
    if (shown && home && home.parentNode) { home.parentNode.replaceChild(shown, home); }
    shown = null; home = null;
  });
  function close() {
    if (dialog.open) { dialog.close(); }
  }
  function open(id) {
    var section = document.getElementById(id);
    if (!section || !section.classList.contains("cell")) { return false; }
    if (section === shown) { return true; }
    close();
    home = document.createComment(id);
    section.parentNode.replaceChild(home, section);
    slot.appendChild(section);
    shown = section;
    dialog.setAttribute("aria-labelledby", id + "-title");
    if (typeof dialog.showModal === "function") { dialog.showModal(); }
    else { dialog.setAttribute("open", ""); }
    dialog.scrollTop = 0;
    return true;
  }
  function fromHash() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return false; }
    return id.indexOf("cell-") === 0 && open(id);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) { return; }
    var id = link.getAttribute("href").slice(1);
    if (id.indexOf("cell-") === 0 && document.getElementById(id)) {
      event.preventDefault();
      history.replaceState(null, "", "#" + id);
      open(id);
    } else if (dialog.contains(link)) {
      close();
    }
  });
  window.addEventListener("hashchange", fromHash);
  if (fromHash()) {
    // The browser scrolls to the fragment as the page loads: bring the page back to its top,
    // behind the dialog, and the dialog to the cell's heading.
    window.addEventListener("load", function () {
      setTimeout(function () { window.scrollTo(0, 0); dialog.scrollTop = 0; }, 0);
    });
  }
})();
"""


def _el(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    *,
    cls: str | None = None,
    **attrs: str,
) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if cls:
        element.set("class", cls)
    for key, value in attrs.items():
        element.set(key.rstrip("_").replace("_", "-"), value)
    if text is not None:
        element.text = text
    return element


def _append_text(element: etree._Element, text: str) -> None:
    """Text after the last child of ``element`` (or as its text when it has none)."""
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _rule_link(parent: etree._Element, rule_id: str) -> etree._Element:
    return _el(parent, "a", rule_id, href=f"#{rule_anchor(rule_id)}")


def _citation(parent: etree._Element, citation: str, spec: str | None) -> None:
    for text, href in citation_parts(citation, spec=spec):
        if href:
            _el(parent, "a", text, href=href)
        else:
            _append_text(parent, text)


def _header(body: etree._Element, report: Report) -> None:
    _el(body, "h1", f"sesspec conformance report: run {report.run_id}")
    _el(
        body,
        "p",
        f"Started {report.started_at}; wall time {report.wall_time_s:.1f} s; loopback endpoint "
        f"over {'HTTPS' if report.tls else 'plain HTTP'}. {runs_text(report)}.",
        cls="meta",
    )
    counts = report.counts()
    ul = _el(body, "ul", cls="counts", aria_label="cells by verdict")
    for verdict in VERDICTS:
        li = _el(ul, "li", cls=f"v-{verdict}")
        _el(li, "span", SYMBOLS[verdict], cls="sym", aria_hidden="true")
        _append_text(li, f" {counts[verdict]} {VERDICT_LABELS[verdict]}")
    _el(
        body,
        "p",
        "Each row is a client, each column a scenario; the second column is the client's "
        "overall verdict. Open a cell for its verdict in words, what to change in the client, "
        "and the evidence.",
    )
    how = _el(body, "details", cls="how")
    _el(how, "summary", "How to read this page")
    _el(
        how,
        "p",
        "Each request a client put on the wire was checked against the SES Classic Query API "
        "rules (signature verified with the drivers' fake credentials), and compared with what "
        "the scenario asked the client to send (the FID rules). A cell passes when no request "
        "has an error or warning finding; 'warnings only': SES accepts it, but something is "
        "legacy or fragile; 'fail': at least one error finding (SES would refuse or misread "
        "it, or it is not what was asked); 'known failure': it fails only as a committed "
        "expectation says, with the client's upstream issue, counted apart from 'fail'; "
        "'client error': the client failed for a reason no rule explains. A client's overall "
        "verdict is 'fail' when any of its cells fails, else 'client error', else 'known "
        "failure', else 'warnings only', else 'pass'. A cell's evidence: each request as "
        "captured (secrets masked), its findings with their citations, the SES error strict "
        "mode would answer, the fidelity diff. A rule id leads to its severities, what to "
        "change in a client that breaks it, and its sources; a citation to its clause of "
        "docs/spec.md.",
    )
    if report.errors:
        box = _el(body, "div", cls="callout", id="run-errors")
        _el(box, "b", "Errors of this run: ")
        items = _el(box, "ul")
        for error in report.errors:
            _el(items, "li", error)
    passing = report.now_passing()
    if passing:
        box = _el(body, "div", cls="callout", id="now-passing")
        _el(box, "b", "Known failures now passing: ")
        _append_text(box, "their expectation can go. ")
        for i, case in enumerate(passing):
            if i:
                _append_text(box, ", ")
            _el(box, "a", f"{case.client} / {case.scenario}", href=f"#{case.anchor}")
            _append_text(box, " (known, now passing)")


def _cell_data(element: etree._Element, case: CaseResult, language: str) -> None:
    """The attributes the filters read."""
    element.set("data-cell", f"{case.client}/{case.scenario}")
    element.set("data-failing", "1" if case.verdict in FAILING else "0")
    element.set("data-language", language)
    element.set("data-rules", " ".join(case.rules()))


def _filters(body: etree._Element, report: Report) -> None:
    form = _el(body, "form", cls="filters", id=FILTERS_ID)
    form.set("hidden", "hidden")  # shown by the script, which alone makes it work
    label = _el(form, "label")
    box = _el(label, "input", type="checkbox", name="only-failures", id="f-failures")
    box.tail = " only failures (fail, known, client error)"
    label = _el(form, "label", "language ")
    select = _el(label, "select", name="language", id="f-language")
    _el(select, "option", "all", value="")
    for language in sorted({c.language for c in report.clients}):
        _el(select, "option", language, value=language)
    label = _el(form, "label", "rule ")
    select = _el(label, "select", name="rule", id="f-rule")
    _el(select, "option", "all", value="")
    for rule in report.rules:
        _el(select, "option", f"{rule.id}: {rule.title}", value=rule.id)


def _matrix(body: etree._Element, report: Report) -> None:
    _el(body, "h2", "Client x scenario matrix", id="matrix-title")
    wrap = _el(body, "div", cls="matrix-wrap")  # scrolls sideways when the page is narrow
    table = _el(wrap, "table", cls="matrix", id=MATRIX_ID, aria_labelledby="matrix-title")
    head = _el(_el(table, "thead"), "tr")
    _el(head, "th", "client", cls="client", scope="col")
    _el(head, "th", "overall", cls="overall", scope="col")
    for scenario in report.scenarios:
        th = _el(head, "th", scenario.id, cls="scenario", title=scenario.title, scope="col")
        th.set("data-scenario", scenario.id)
        _el(th, "span", scenario.action)
    tbody = _el(table, "tbody")
    for client in report.clients:
        row = _el(tbody, "tr")
        row.set("data-client", client.name)
        row.set("data-language", client.language)
        _row_header(row, client.name, client.language, client.version or client.reason)
        verdict = report.client_verdict(client.name)
        overall = _el(
            row, "td", cls=f"overall v-{verdict}", title=client_words(report, client.name)
        )
        overall.set("data-verdict", verdict)
        _el(overall, "b", f"{SYMBOLS[verdict]} {VERDICT_LABELS[verdict]}")
        _append_text(overall, client_counts(report, client.name, short=True))
        for scenario in report.scenarios:
            case = report.case(client.name, scenario.id)
            if case is None:
                _el(row, "td", "not run", cls="muted")
                continue
            _matrix_cell(row, case, client.language)


def _row_header(row: etree._Element, name: str, language: str, version: str) -> None:
    """The row's header cell: the client's name, then its facts (language, version)."""
    th = _el(row, "th", name, cls="client", scope="row", title=version)
    # The version's first part (the package itself); the whole is in the title and the
    # versions table.
    short = version.split(", ", maxsplit=1)[0]
    _el(th, "small", f"{language} \u00b7 {short}" if short else language, cls="facts")


def _matrix_cell(row: etree._Element, case: CaseResult, language: str) -> None:
    td = _el(row, "td", cls=f"cell v-{case.verdict}")
    td.set("data-verdict", case.verdict)
    _cell_data(td, case, language)
    label = VERDICT_LABELS[case.verdict] + (", known, now passing" if case.now_passing else "")
    link = _el(
        td,
        "a",
        href=f"#{case.anchor}",
        title=f"{case.client} / {case.scenario}: {label}. {_cell_title(case)}",
        aria_label=f"{case.client}, {case.scenario}: {label}",
    )
    _el(link, "span", SYMBOLS[case.verdict], cls="sym", aria_hidden="true")
    _el(link, "span", SHORT_LABELS[case.verdict], cls="word", aria_hidden="true")
    if case.now_passing:
        _el(link, "span", "was known", cls="tag v-known", aria_hidden="true")
    rules = [r for r, _ in shown_rules(case)]
    if rules:  # shown where the screen is wide enough (the title always names them)
        _el(link, "span", " ".join(rules), cls="rules", aria_hidden="true")


def _cell_title(case: CaseResult) -> str:
    if case.note:
        return case.note
    if case.verdict in ("not-supported", "not-available"):
        return case.detail
    return f"{len(case.requests)} request(s); " + (
        ", ".join(f"{r} ({s})" for r, s in shown_rules(case)) or "no error or warning"
    )


def _clients(body: etree._Element, report: Report) -> None:
    _el(body, "h2", "Per client", id="clients")
    table = _el(body, "table", cls="summary")
    head = _el(_el(table, "thead"), "tr")
    for title in (
        "client",
        "overall",
        "language",
        "version",
        "from",
        *(VERDICT_LABELS[v] for v in VERDICTS),
    ):
        _el(head, "th", title, scope="col")
    _el(head, "th", "rules broken (errors)")
    _el(head, "th", "warnings")
    tbody = _el(table, "tbody")
    for client in report.clients:
        cases = report.cases_of(client.name)
        counts = report.counts(cases)
        row = _el(tbody, "tr")
        _el(row, "th", client.name, scope="row")
        verdict = report.client_verdict(client.name)
        _el(row, "td", client_words(report, client.name), cls=f"v-{verdict}")
        _el(row, "td", client.language)
        _el(row, "td", client.version if client.available else "not available", cls="muted")
        origin = _el(row, "td", client.origin(), cls="muted")
        for path in client.sweeps:
            _append_text(origin, " ")
            link = _el(origin, "a", "since which release")
            link.set("href", path.removesuffix(".md") + ".html")
        for verdict in VERDICTS:
            n = counts[verdict]
            _el(row, "td", str(n) if n else "", cls=f"num v-{verdict}" if n else "num")
        for severity in ("error", "warning"):
            td = _el(row, "td")
            rules = sorted({r for c in cases for r in c.rules(severity)})
            for i, rule_id in enumerate(rules):
                if i:
                    _append_text(td, ", ")
                link = _rule_link(td, rule_id)
                ref = report.rule(rule_id)
                if ref is not None:
                    link.set("title", ref.title)
            if not rules:
                td.text = "none"


def _not_available(body: etree._Element, report: Report) -> None:
    _el(body, "h2", "Clients not available", id="not-available")
    missing = [c for c in report.clients if not c.available]
    if not missing:
        _el(body, "p", "Every client configuration ran.")
        return
    ul = _el(body, "ul", cls="plain")
    for client in missing:
        li = _el(ul, "li")
        _el(li, "b", client.name)
        _append_text(li, f" ({client.language}): {client.reason}")


def _diff(body: etree._Element, diff: RunDiff | None) -> None:
    _el(body, "h2", "Difference from the previous run", id="diff")
    if diff is None:
        _el(body, "p", "No previous run to compare with (no latest/report.json before this one).")
        return
    _el(body, "p", f"Compared with run {diff.previous_run_id} ({diff.previous_started_at}).")
    if diff.unchanged:
        _el(body, "p", "No verdict changed and no rule started or stopped firing.")
        return
    if diff.verdict_changes:
        table = _el(body, "table")
        head = _el(_el(table, "thead"), "tr")
        for title in ("client", "scenario", "before", "now"):
            _el(head, "th", title)
        tbody = _el(table, "tbody")
        for change in diff.verdict_changes:
            row = _el(tbody, "tr")
            _el(row, "td", change.client)
            _el(row, "td", change.scenario)
            for value in (change.before, change.after):
                _el(row, "td", value or "(absent)", cls=f"v-{value}" if value else None)
    for title, changes in (
        ("Rules that newly fire", diff.new_findings),
        ("Rules that no longer fire", diff.gone_findings),
    ):
        if not changes:
            continue
        _el(body, "h3", title)
        ul = _el(body, "ul", cls="plain")
        for c in changes:
            li = _el(ul, "li", f"{c.client} / {c.scenario}: ")
            _rule_link(li, c.rule)
            _append_text(li, f" ({c.severity})")


def _diff_block(parent: etree._Element, text: str) -> None:
    pre = _el(parent, "pre", cls="diff")
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            cls = "hunk"
        elif line.startswith("+"):
            cls = "add"
        elif line.startswith("-"):
            cls = "del"
        elif line.startswith("@@"):
            cls = "hunk"
        else:
            _append_text(pre, line + "\n")
            continue
        _el(pre, "span", line, cls=cls)


def _request(parent: etree._Element, request: RequestResult, spec: str | None) -> None:
    div = _el(parent, "div", cls="request")
    _el(div, "b", f"Request #{request.seq} ")
    _el(div, "code", request.request_line)
    _append_text(
        div,
        f" ({request.size:,} bytes, {'TLS' if request.tls else 'plain'}, "
        f"answered {request.status}, {request.received_at})",
    )
    if request.text:
        details = _el(div, "details", cls="wire")
        _el(details, "summary", "the request as captured (session token masked)")
        _el(details, "pre", request.text, cls="wire")
    if request.ses_error:
        p = _el(div, "p", "strict mode (serve --strict) would answer: ", cls="answer")
        _el(p, "code", request.ses_error)
    checker = [f for f in request.findings if not f.rule.startswith("FID")]
    fidelity = [f for f in request.findings if f.rule.startswith("FID")]
    if not checker:
        _el(div, "p", "No finding of the checker.", cls="muted")
    else:
        _el(div, "h4", "Findings of the checker")
        _findings(div, checker, spec)
    if fidelity:
        _el(div, "h4", "Fidelity diff: what arrived against what the client was asked")
        _findings(div, fidelity, spec)


def _findings(div: etree._Element, findings: list[Finding], spec: str | None) -> None:
    table = _el(div, "table", cls="findings")
    cols = _el(table, "colgroup")
    for name in ("rule", "sev", "where", "what", "cite"):
        _el(cols, "col", cls=f"c-{name}")
    head = _el(_el(table, "thead"), "tr")
    for title in ("rule", "severity", "where", "what", "source"):
        _el(head, "th", title)
    tbody = _el(table, "tbody")
    for f in sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 9)):
        row = _el(tbody, "tr")
        rule = _el(row, "td")
        _rule_link(rule, f.rule)
        if f.kind:  # a fidelity finding's kind of difference (docs/spec.md#fid-kinds)
            _el(rule, "br")
            _el(rule, "code", f.kind, cls="kind")
        _el(row, "td", f.severity, cls=f"sev-{f.severity}")
        _el(row, "td", str(f.location))
        what = _el(row, "td", f.message)
        if f.detail:
            _el(what, "br")
            _el(
                what,
                "small",
                "- what was asked, + what arrived:"
                if f.rule.startswith("FID")
                else "canonical-request diff (- what the client signed, + what the spec gives):",
            )
            _diff_block(what, f.detail)
        _citation(_el(row, "td", cls="cite"), f.citation, spec)


def _cells(body: etree._Element, report: Report, spec: str | None) -> None:
    _el(body, "h2", "Cells", id="cells")
    language = {c.name: c.language for c in report.clients}
    for case in report.cases:
        section = _el(body, "section", cls=f"cell v-{case.verdict}", id=case.anchor)
        _cell_data(section, case, language.get(case.client, ""))
        h3 = _el(section, "h3", f"{case.client} / {case.scenario}", id=f"{case.anchor}-title")
        tag = _el(h3, "span", cls=f"tag v-{case.verdict}")
        _el(tag, "span", SYMBOLS[case.verdict], cls="sym", aria_hidden="true")
        _append_text(tag, f" {VERDICT_LABELS[case.verdict]}")
        if case.now_passing:
            _el(h3, "span", "known, now passing", cls="tag v-known")
        _el(section, "p", verdict_words(case), cls="words")
        scenario = next((s for s in report.scenarios if s.id == case.scenario), None)
        meta = f"{scenario.title}. " if scenario else ""
        meta += f"Driver status: {case.status}, {case.duration_s:.2f} s, "
        meta += f"{len(case.requests)} request(s)."
        _el(section, "p", meta, cls="muted")
        if case.detail and case.status != "ok" and case.verdict not in _SAID:
            p = _el(section, "p", "Client said: ")
            _el(p, "code", case.detail[:2000])
        if case.expected is not None:
            p = _el(section, "p", f"Expectation ({', '.join(case.expected.rules)}): ", cls="expect")
            _append_text(p, f"{case.expected.reason} ")
            _el(p, "a", case.expected.issue, href=case.expected.issue)
            _expected_versions(section, case.expected)
        _remedies(section, case, report)
        for request in case.requests:
            _request(section, request, spec)
        _el(section, "p").append(_back_link())


#: Verdicts whose words already quote the driver's detail (the reason).
_SAID = frozenset({"not-supported", "not-available"})


def _remedies(section: etree._Element, case: CaseResult, report: Report) -> None:
    """What to change in the client, for each rule that makes the cell fail or warn."""
    remedies = cell_remedies(case, report)
    if not remedies:
        return
    box = _el(section, "div", cls="remedies")
    _el(box, "h4", "What to change in the client")
    ul = _el(box, "ul")
    for rule_id, remedy in remedies:
        li = _el(ul, "li")
        _rule_link(li, rule_id)
        ref = report.rule(rule_id)
        _append_text(li, f" ({ref.title}): " if ref is not None else ": ")
        _append_text(li, remedy)


def _expected_versions(parent: etree._Element, expected: Expectation) -> None:
    """The version the expectation was seen in, and upstream's fix (release and link)."""
    p = _el(parent, "p", f"Tested: {expected.tested or 'not given'}. ", cls="expect-versions")
    if expected.fixed_in:
        _append_text(p, f"Fixed upstream in {expected.fixed_in}: ")
        _el(p, "a", expected.fixed, href=expected.fixed)
    else:
        _append_text(p, "Not fixed upstream.")


def _back_link() -> etree._Element:
    link = etree.Element("a", href=f"#{MATRIX_ID}")
    link.text = "back to the matrix"
    return link


def _rules(body: etree._Element, report: Report, spec: str | None) -> None:
    _el(body, "h2", "Rules cited", id="rules")
    if not report.rules:
        _el(body, "p", "No finding was made.")
        return
    table = _el(body, "table", cls="rules")
    head = _el(_el(table, "thead"), "tr")
    for title in ("rule", "severities (as declared)", "title", "what to change", "source"):
        _el(head, "th", title, scope="col")
    tbody = _el(table, "tbody")
    for rule in report.rules:
        row = _el(tbody, "tr", id=rule_anchor(rule.id))
        _el(row, "td", rule.id, cls="id")
        _el(row, "td", rule_severities(rule), cls=f"sev-{rule.severity} severities")
        _el(row, "td", rule.title)
        _el(row, "td", rule.remedy, cls="remedy")
        _citation(_el(row, "td", cls="cite"), rule.citation, spec)


def _runtimes(body: etree._Element, report: Report) -> None:
    _el(body, "h2", "Versions", id="versions")
    table = _el(body, "table")
    tbody = _el(table, "tbody")
    for name, version in report.runtimes.items():
        row = _el(tbody, "tr")
        _el(row, "th", name)
        _el(row, "td", version)
    for client in report.clients:
        row = _el(tbody, "tr")
        _el(row, "th", client.name)
        _el(row, "td", client.version or f"not available: {client.reason}")
    p = _el(body, "p")
    _append_text(p, "The raw requests behind this report are in ")
    _el(p, "code", report.captures_file)
    _append_text(p, " next to this page (one JSON line per request, the bytes in base64).")
    for note in report.notes:
        _el(body, "p", note, cls="muted")


def _dialog(body: etree._Element) -> None:
    """The dialog a cell opens in (filled by the script; empty and closed without it)."""
    dialog = _el(body, "dialog", cls="cell-dialog", id=DIALOG_ID)
    bar = _el(dialog, "form", cls="bar", method="dialog")
    _el(bar, "span", "A cell of the matrix; Esc or the button closes it.", cls="muted")
    _el(bar, "button", "Close", type="submit")
    _el(dialog, "div", cls="body", id=f"{DIALOG_ID}-body")


def render_html(report: Report, *, spec: str | None = None) -> str:
    """The whole report as one HTML document (a string starting with the doctype); ``spec``
    is where ``docs/spec.md`` is as seen from the page (a relative path or a URL:
    :func:`sesspec.report.files.spec_link`), to which citations link (None: they stay text)."""
    root = etree.Element("html", lang="en")
    head = _el(root, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _el(head, "title", f"sesspec report {report.run_id}")
    _el(head, "style", _CSS)
    body = _el(root, "body")
    _header(body, report)
    _filters(body, report)
    _matrix(body, report)
    _clients(body, report)
    _not_available(body, report)
    _diff(body, report.diff)
    _cells(body, report, spec)
    _rules(body, report, spec)
    _runtimes(body, report)
    _dialog(body)
    _el(body, "script", _SCRIPT)
    text = html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return str(text) + "\n"
