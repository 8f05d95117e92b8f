"""``junit.xml``: the matrix as JUnit XML, built with lxml, for CI dashboards.

One ``<testsuite>`` per client, one ``<testcase>`` per scenario (``classname`` = client,
``name`` = scenario), one ``<failure>`` per error finding (``type`` = rule id; its text names the
severity, as the rules table of the other formats declares it, and what to change in the
client); the client's overall verdict is the suite's property ``verdict``; a client error
that no rule explains is an ``<error>``; not supported and not available are ``<skipped>``
with the reason.
Warnings and info findings go to ``<system-out>``, each with its severity.

A known failure (a committed expectation) is ``<skipped>`` with ``known failure:``, the reason and
the upstream issue, and its findings in ``<system-out>``: a CI that fails on failures stays
green on a bug that is upstream's to fix, while every JUnit viewer still shows the case as not
passing and why (a ``<property>`` would be invisible in most). A cell marked known that now
passes carries the property ``expectation`` = ``known, now passing: <issue>`` and says so in
``<system-out>``, so a CI can notice the expectation is stale. The run's own errors (an
expectation that matches none of its cells) are the failures of one more suite, ``sesspec``.
"""

from __future__ import annotations

from sesspec._extras import install_command
from sesspec.errors import MissingExtraError
from sesspec.report.model import CaseResult, Report

try:
    from lxml import etree
except ModuleNotFoundError as exc:  # a plain install: the renderer needs the report extra
    raise MissingExtraError(
        extra="report",
        module="lxml",
        feature="the JUnit XML report",
        install=install_command("report"),
    ) from exc


__all__ = ["render_junit"]


def __dir__() -> list[str]:
    return __all__


def _case(suite: etree._Element, case: CaseResult, report: Report) -> None:
    element = etree.SubElement(
        suite,
        "testcase",
        classname=case.client,
        name=case.scenario,
        time=f"{case.duration_s:.3f}",
    )
    if case.verdict in ("not-supported", "not-available"):
        reason = case.detail or case.verdict
        etree.SubElement(element, "skipped", message=f"{case.verdict}: {reason}")
        return
    notes: list[str] = []
    if case.now_passing and case.expected is not None:
        props = etree.SubElement(element, "properties")
        value = f"known, now passing: {case.expected.issue}"
        etree.SubElement(props, "property", name="expectation", value=value)
        notes.append(f"{value} (expected {', '.join(case.expected.rules)}; it no longer fails)")
    known = case.verdict == "known" and case.expected is not None
    if known and case.expected is not None:
        etree.SubElement(
            element,
            "skipped",
            message=f"known failure: {case.expected.reason} ({case.expected.issue}; "
            f"{case.expected.upstream()})",
        )
    for request in case.requests:
        if known:
            break
        for f in request.errors():
            failure = etree.SubElement(element, "failure", type=f.rule, message=f.message)
            failure.text = (
                f"request #{request.seq} {request.request_line}\n"
                f"{f.rule}{f' ({f.kind})' if f.kind else ''} {f.severity} [{f.location}] "
                f"{f.message}\nsee: {f.citation}" + (f"\n{f.detail}" if f.detail else "")
            )
            if request.ses_error:
                failure.text += f"\nstrict mode would answer: {request.ses_error}"
            ref = report.rule(f.rule)
            if ref is not None and ref.remedy:
                failure.text += f"\nwhat to change in the client: {ref.remedy}"
    if case.verdict == "client-error":
        error = etree.SubElement(element, "error", type=case.status, message=case.note)
        error.text = case.detail
    others = notes + [
        f"#{r.seq} {f.rule} {f.severity} [{f.location}] {f.message}"
        for r in case.requests
        for f in r.findings
        if f.severity != "error" or known
    ]
    if others:
        out = etree.SubElement(element, "system-out")
        out.text = "\n".join(others)


def render_junit(report: Report) -> bytes:
    """The JUnit XML document (UTF-8 bytes with an XML declaration)."""
    root = etree.Element(
        "testsuites",
        name=f"sesspec report {report.run_id}",
        time=f"{report.wall_time_s:.2f}",
    )
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for client in report.clients:
        cases = report.cases_of(client.name)
        n = report.counts(cases)
        counts = {
            "tests": len(cases),
            "failures": n["fail"],
            "errors": n["client-error"],
            "skipped": n["known"] + n["not-supported"] + n["not-available"],
        }
        attrib = {
            "name": client.name,
            "timestamp": report.started_at,
            "time": f"{sum(c.duration_s for c in cases):.3f}",
        }
        attrib.update({k: str(v) for k, v in counts.items()})
        suite = etree.SubElement(root, "testsuite", attrib=attrib)
        props = etree.SubElement(suite, "properties")
        etree.SubElement(props, "property", name="language", value=client.language)
        etree.SubElement(
            props, "property", name="verdict", value=report.client_verdict(client.name)
        )
        etree.SubElement(
            props,
            "property",
            name="version",
            value=client.version or f"not available: {client.reason}",
        )
        for case in cases:
            _case(suite, case, report)
        for key, value in counts.items():
            totals[key] += value
    if report.errors:
        suite = etree.SubElement(
            root, "testsuite", name="sesspec", tests="1", failures="1", errors="0", skipped="0"
        )
        test = etree.SubElement(suite, "testcase", classname="sesspec", name="expectations")
        for error in report.errors:
            failure = etree.SubElement(test, "failure", type="expectation", message=error)
            failure.text = error
        totals["tests"] += 1
        totals["failures"] += 1
    for key, value in totals.items():
        root.set(key, str(value))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
