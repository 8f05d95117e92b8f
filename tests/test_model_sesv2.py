"""The SES v2 model shipped in sesspec/data (sesv2-2019-09-27.json): what botocore ships.

Expected values come from botocore itself (its ``ServiceModel`` read from the installed
``botocore/data/sesv2/2019-09-27/service-2.json``, botocore 1.44.8 when written), an independent
reader of the same file; the counts in :class:`TestShipped` were read off that file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from sesspec.model import sesv2_model
from tests._support import REPO

SCRIPT = REPO / "scripts" / "gen_model.py"


def _data_file() -> dict[str, Any]:
    text = resources.files("sesspec").joinpath("data", "sesv2-2019-09-27.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _botocore_model() -> Any:
    botocore_session = pytest.importorskip("botocore.session")
    return botocore_session.get_session().get_service_model("sesv2")


class TestShipped:
    """botocore 1.44.8's sesv2 model: 117 operations, 623 shapes, REST-JSON signed as ``ses``."""

    def test_counts_and_metadata(self) -> None:
        model = sesv2_model()
        assert (len(model.operations), len(model.shapes)) == (117, 623)
        assert (model.protocol, model.signing_name, model.endpoint_prefix) == (
            "rest-json",
            "ses",
            "email",
        )
        assert model.api_version == "2019-09-27"

    def test_source_recorded(self) -> None:
        source = _data_file()["_source"]
        assert source["file"] == "botocore/data/sesv2/2019-09-27/service-2.json"
        assert source["botocore_version"]
        assert len(source["sha256"]) == 64

    def test_no_documentation_kept(self) -> None:
        assert "documentation" not in json.dumps(_data_file())

    def test_cached(self) -> None:
        assert sesv2_model() is sesv2_model()


class TestAgainstBotocore:
    """Every operation's route, input members with their locations, required members, enums and
    error codes as botocore's own model reader gives them."""

    def test_routes(self) -> None:
        theirs = _botocore_model()
        ours = sesv2_model()
        assert sorted(ours.operations) == sorted(theirs.operation_names)
        for name in theirs.operation_names:
            op = theirs.operation_model(name)
            mine = ours.operations[name]
            assert (mine.http_method, mine.request_uri) == (
                op.http["method"],
                op.http["requestUri"],
            ), name
            assert mine.input == (op.input_shape.name if op.input_shape else None), name

    def test_input_members_and_locations(self) -> None:
        theirs = _botocore_model()
        ours = sesv2_model()
        for name in theirs.operation_names:
            shape = theirs.operation_model(name).input_shape
            if shape is None:
                continue
            mine = ours.shapes[shape.name]
            assert list(mine.members) == list(shape.members), name
            assert mine.required == frozenset(shape.required_members), name
            for member_name, member in shape.members.items():
                ref = mine.members[member_name]
                assert ref.location == member.serialization.get("location"), member_name
                assert ref.location_name == member.serialization.get("name"), member_name

    def test_enums_and_errors(self) -> None:
        theirs = _botocore_model()
        ours = sesv2_model()
        for name in theirs.shape_names:
            shape = theirs.shape_for(name)
            mine = ours.shapes[name]
            assert mine.type == shape.type_name, name
            assert mine.enum == tuple(getattr(shape, "enum", ())), name
            if shape.metadata.get("exception"):
                assert mine.exception
                assert mine.http_status_code == shape.metadata["error"]["httpStatusCode"], name

    def test_generated_equals_shipped(self, tmp_path: Path) -> None:
        pytest.importorskip("botocore")
        out = tmp_path / "model.json"
        subprocess.run(
            [sys.executable, str(SCRIPT), "--service", "sesv2", "--output", str(out)],
            check=True,
            capture_output=True,
        )
        generated = json.loads(out.read_text("utf-8"))
        shipped = _data_file()
        for data in (generated, shipped):
            data["_source"].pop("botocore_version")
        assert generated == shipped
