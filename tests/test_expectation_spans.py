"""Known-failure entries that name a span of releases (``releases`` in
sesspec/report/expectations.json), parsed and applied to the release a run installed."""

from __future__ import annotations

from typing import Any

import pytest

from sesspec.drivers.kinds import PythonDriver
from sesspec.report import judge
from sesspec.report.expectations import ExpectationError, parse_expectations
from sesspec.report.model import Expectation


def _doc(**entry: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "client": "old",
        "scenarios": ["send-email-ascii"],
        "rules": ["AUTH002"],
        "issue": "https://github.com/x/y/issues/1",
        "reason": "signs with AWS3-HTTPS",
        "tested": "3.15.0",
    }
    base.update(entry)
    return {"format": "sesspec-expectations/2", "known": [base]}


def _parse(**entry: Any) -> tuple[Expectation, ...]:
    return parse_expectations(_doc(**entry), clients={"old"}, scenarios={"send-email-ascii"})


@pytest.mark.parametrize("span", ["..3.27.0", "3.28.0..", "1.0..2.0", "2.49.0"])
def test_a_span_is_kept(span: str) -> None:
    (entry,) = _parse(releases=span)
    assert entry.releases == span
    assert entry.as_dict()["releases"] == span


def test_no_span_is_every_release() -> None:
    (entry,) = _parse()
    assert entry.releases == ""
    assert "releases" not in entry.as_dict()


@pytest.mark.parametrize("span", ["..", "1..2..3", " 1", "1 ..2", "...1", "1..."])
def test_what_is_not_a_span_is_refused(span: object) -> None:
    with pytest.raises(ExpectationError) as caught:
        _parse(releases=span)
    assert "'releases' is not A..B, A.., ..B or one version" in str(caught.value)
    assert caught.value.where == "expectations: known[0]"


def test_a_span_is_text() -> None:
    with pytest.raises(ExpectationError) as caught:
        _parse(releases=3)
    assert "'releases' is not a str" in str(caught.value)


class _Installed(PythonDriver):
    def versions(self) -> dict[str, str]:
        return {"old": self.requirements[0]} if self.requirements else {}


def _driver(version: str | None) -> _Installed:
    return _Installed(
        name="old",
        module="py_old",
        requirements=(version,) if version else (),
        distributions=("old",),
    )


@pytest.mark.parametrize(
    ("installed", "applies"),
    [("3.27.0", True), ("3.15.0", True), ("3.28.0", False), (None, False)],
    ids=["the-bound", "inside", "one-past", "not-known"],
)
def test_applied_to_the_installed_release(
    monkeypatch: pytest.MonkeyPatch, installed: str | None, applies: bool
) -> None:
    (spanned,) = _parse(releases="..3.27.0")
    everywhere = Expectation("other", "send-email-ascii", ("AUTH002",), "https://x/1", "r")
    monkeypatch.setattr(judge, "default_expectations", lambda: (spanned, everywhere))
    got = judge.expectations_for([_driver(installed)])
    assert got == ([spanned, everywhere] if applies else [everywhere])
