"""The FID rules' declarations and places (docs/spec.md#fid-kinds, #fid-severity): how a
rule's other severities are written from its kinds' table, and where each difference points.
The declarations run when the module is imported, so these call the helpers directly, on a
small table of kinds written here with the texts expected worked by hand."""

from __future__ import annotations

import pytest

from sesspec.check.rules import fid
from sesspec.fidelity.kinds import KindRule
from sesspec.fidelity.types import Difference, Location


def _kinds(*rules: KindRule) -> dict[str, KindRule]:
    # real kind names, made-up rules and conditions
    return {rule.kind: rule for rule in rules}


TABLE = _kinds(
    KindRule("header-added", "FIDX", "warning", "s"),
    KindRule("part-added", "FIDX", "warning", "s"),
    KindRule("value-changed", "FIDX", "error", "s", "info", "C3"),
    KindRule("order-changed", "FIDX", "info", "s", "error", "C4"),
    KindRule("unreadable", "FIDY", "warning", "s"),
    KindRule("parameter-dropped", "FIDX", "error", "s"),
    KindRule("address-added", "FIDX", "warning", "s"),
    KindRule("charset-added", "FIDX", "warning", "s", "info", "C8"),
)


def test_other_severities_and_when(monkeypatch: pytest.MonkeyPatch) -> None:
    """For rule FIDX (default error): warning for header-added, part-added and address-added
    always, and for charset-added unless C8; info for value-changed when C3, for order-changed
    unless C4 (its condition gives the default), and for charset-added when C8. unreadable is
    another rule's; parameter-dropped gives the default."""
    monkeypatch.setattr(fid, "KINDS", TABLE)
    warning = (
        "the kind is header-added, part-added or address-added; or it is charset-added and not: C8"
    )
    info = (
        "it is value-changed and C3; or it is order-changed and not: C4; or it is "
        "charset-added and C8"
    )
    assert fid._severities("FIDX", "error") == (("warning", warning), ("info", info))


def test_one_kind_is_named_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fid, "KINDS", _kinds(KindRule("header-added", "FIDX", "info", "s")))
    assert fid._severities("FIDX", "warning") == (("info", "the kind is header-added"),)
    assert fid._severities("FIDX", "info") == ()
    error = _kinds(KindRule("header-added", "FIDX", "error", "s"))
    monkeypatch.setattr(fid, "KINDS", error)
    assert fid._severities("FIDX", "warning") == (("error", "the kind is header-added"),)


@pytest.mark.parametrize(("rule_id", "extra"), [("FID005", ("param-raw-message",)), ("FID001", ())])
def test_a_declaration(
    monkeypatch: pytest.MonkeyPatch, rule_id: str, extra: tuple[str, ...]
) -> None:
    """FID005 (a value changed) also cites the raw message's clause."""
    table = _kinds(
        KindRule("header-added", rule_id, "warning", "s"),
        KindRule("part-added", rule_id, "error", "s"),  # the rule's own severity: not listed
    )
    monkeypatch.setattr(fid, "KINDS", table)
    rule = fid._declare(rule_id, "error", "title", "reason", ("source",), "remedy")
    assert (rule.id, rule.severity, rule.title, rule.reason, rule.sources, rule.remedy) == (
        rule_id,
        "error",
        "title",
        "reason",
        ("source",),
        "remedy",
    )
    assert rule.anchors == ("fid-compare", "fid-kinds", "fid-severity", *extra)
    assert rule.severities == (("warning", "the kind is header-added"),)
    assert rule.ses_error is None


@pytest.mark.parametrize(
    ("where", "kind", "name"),
    [
        (Location("action"), "param", "Action"),
        (Location("member", "Source"), "param", "Source"),
        (Location("header", "Subject"), "message", "header Subject"),
        (Location("part", ""), "message", "part"),
        (Location("request", "Host"), "setting", "Host"),
        (Location("request"), "text", "the request"),
    ],
)
def test_where_a_difference_points(where: Location, kind: str, name: str) -> None:
    (found,) = fid.findings([Difference("value-changed", where, "m")])
    assert (found.location.kind, found.location.name) == (kind, name)
