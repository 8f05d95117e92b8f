"""``junit.xml``: the matrix as JUnit XML, built with lxml, for CI dashboards.

One ``<testsuite>`` per client, one ``<testcase>`` per scenario (``classname`` = client,
``name`` = scenario), one ``<failure>`` per error finding (``type`` = rule id); a client error
that no rule explains is an ``<error>``; not supported and not available are ``<skipped>`` with
the reason. Warnings and info findings go to ``<system-out>``.
"""

from __future__ import annotations

from sesspec.errors import MissingExtraError
from sesspec.report.model import CaseResult, Report

try:
    from lxml import etree
except ModuleNotFoundError as exc:  # a plain install: the renderer needs the report extra
    raise MissingExtraError(extra="report", module="lxml", feature="the JUnit XML report") from exc


__all__ = ["render_junit"]


def __dir__() -> list[str]:
    return __all__


def _case(suite: etree._Element, case: CaseResult) -> None:
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
    for request in case.requests:
        for f in request.errors():
            failure = etree.SubElement(element, "failure", type=f.rule, message=f.message)
            failure.text = (
                f"request #{request.seq} {request.request_line}\n"
                f"{f.rule} [{f.location}] {f.message}\nsee: {f.citation}"
                + (f"\n{f.detail}" if f.detail else "")
            )
    if case.verdict == "client-error":
        error = etree.SubElement(element, "error", type=case.status, message=case.note)
        error.text = case.detail
    others = [
        f"#{r.seq} {f.rule} {f.severity} [{f.location}] {f.message}"
        for r in case.requests
        for f in r.findings
        if f.severity != "error"
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
            "skipped": n["not-supported"] + n["not-available"],
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
            props,
            "property",
            name="version",
            value=client.version or f"not available: {client.reason}",
        )
        for case in cases:
            _case(suite, case)
        for key, value in counts.items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
