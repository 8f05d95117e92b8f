"""Docs/emulator-parity.{json,md} stay true to sesspec.

The scenarios (scripts/emulator_parity.py) run again against sesspec here; what each does must be
what the committed JSON records, and the committed table must be what the script writes from
that JSON. moto's column is not rerun (moto is not a test dependency: the script runs it when
``moto_server`` is installed). The expected behaviour of each scenario is the SES documentation's,
linked from the table.
"""

from __future__ import annotations

import json

import pytest

from scripts import emulator_parity as parity

pytest.importorskip("boto3")


def _committed() -> dict[str, object]:
    document: dict[str, object] = json.loads(parity.JSON_OUT.read_text(encoding="utf-8"))
    return document


def test_sesspec_does_what_the_table_says() -> None:
    with parity.sesspec_clients() as client_for:
        results = parity.run_scenarios(client_for)
    recorded = _committed()["results"]
    assert isinstance(recorded, dict)
    assert results == recorded["sesspec"]


def test_the_table_is_generated_from_the_json() -> None:
    document = _committed()
    assert parity.render_markdown(document) == parity.MD_OUT.read_text(encoding="utf-8")


def test_the_json_lists_the_scripts_scenarios_with_documentation_sources() -> None:
    document = _committed()
    fresh = parity.document_for({})
    assert document["scenarios"] == fresh["scenarios"]
    assert document["by_design"] == fresh["by_design"]
    for scenario in fresh["scenarios"]:
        assert scenario["sources"]
        assert all(s.startswith("https://docs.aws.amazon.com/ses/") for s in scenario["sources"])
    results = document["results"]
    assert isinstance(results, dict)
    ids = {s["id"] for s in fresh["scenarios"]}
    assert set(results["moto"]) == ids  # moto's column was run on every scenario


def test_a_departure_is_reported() -> None:
    """The verdicts can fail: a scenario run against an emulator that departs says so."""

    class _Permissive:
        def send_email(self, **_kwargs: object) -> dict[str, str]:
            return {"MessageId": "x"}

    (unverified,) = [s for s in parity.SCENARIOS if s.id == "unverified-sender"]
    observed = unverified.run(_Permissive(), "t01")
    assert observed == parity.Observed(False, "accepted (no error)")
