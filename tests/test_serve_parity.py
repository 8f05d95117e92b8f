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


def test_a_v2_departure_is_reported() -> None:
    """A v2 scenario run against an emulator that accepts a second identity of one name."""

    class _Permissive:
        def create_email_identity(self, **_kwargs: object) -> dict[str, object]:
            return {"IdentityType": "EMAIL_ADDRESS"}

    (twice,) = [s for s in parity.SCENARIOS if s.id == "v2-identity-twice"]
    assert twice.api == "sesv2"
    observed = twice.run(parity.Both(_Permissive(), None), "t01")
    assert observed == parity.Observed(False, "accepted (no error)")


def test_each_api_has_its_table() -> None:
    """The v2 rows are under their own heading, counted on their own."""
    text = parity.MD_OUT.read_text(encoding="utf-8")
    classic, _, v2 = text.partition("## SES v2 (the JSON API, 2019-09-27)")
    v2_ids = [s.id for s in parity.SCENARIOS if s.api == "sesv2"]
    assert len(v2_ids) == 22
    assert all(f"(`{sid}`)" in v2 and f"(`{sid}`)" not in classic for sid in v2_ids)
    assert f"- sesspec serve: {len(v2_ids)} of {len(v2_ids)} as documented" in v2
