"""The SES model shipped in sesspec/data: complete, and equal to what botocore ships.

Expected facts come from botocore's service-2.json (MODEL) as summarised in the suite's
PROVENANCE.md and docs/spec.md#param-operations, docs/spec.md#resp-model-errors: 71 operations, all
``POST /``; 316 shapes; metadata.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from sesspec import _shapes
from sesspec.errors import ModelError, VectorError
from sesspec.model import Member, ServiceModel, Shape, load_model, ses_model
from sesspec.query import flatten, validate_pairs
from tests._support import REPO, require_suite

MODEL_SUITE = "ses-2010-12-01-model-botocore"
SCRIPT = REPO / "scripts" / "gen_model.py"


def _data_file() -> dict[str, Any]:
    text = resources.files("sesspec").joinpath("data", "ses-2010-12-01.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _generate(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "model.json"
    subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--output", str(out)], check=True, capture_output=True
    )
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    copy = dict(data)
    copy["_source"] = {k: v for k, v in data["_source"].items() if k != "botocore_version"}
    return copy


class TestShippedModel:
    """MODEL: "71 operations, all POST /; 316 shapes" (PROVENANCE.md of the model suite)."""

    def test_71_operations_all_post_slash(self) -> None:
        model = ses_model()
        assert len(model.operations) == 71
        assert {(op.http_method, op.request_uri) for op in model.operations.values()} == {
            ("POST", "/")
        }

    def test_shape_type_counts(self) -> None:
        counts = Counter(shape.type for shape in ses_model().shapes.values())
        assert counts == {
            "structure": 206,
            "string": 70,
            "list": 23,
            "map": 5,
            "timestamp": 4,
            "double": 3,
            "integer": 2,
            "long": 1,
            "boolean": 1,
            "blob": 1,
        }

    def test_metadata(self) -> None:
        model = ses_model()
        assert model.api_version == "2010-12-01"
        assert model.xml_namespace == "http://ses.amazonaws.com/doc/2010-12-01/"
        assert model.signing_name == "ses"
        assert model.endpoint_prefix == "email"
        assert model.protocol == "query"

    def test_send_email(self) -> None:
        model = ses_model()
        op = model.operation("SendEmail")
        assert op.input == "SendEmailRequest"
        assert op.output == "SendEmailResponse"
        assert op.result_wrapper == "SendEmailResult"
        assert "MessageRejected" in op.errors
        request = model.shape("SendEmailRequest")
        assert request.required == frozenset({"Source", "Destination", "Message"})
        assert list(request.members)[:3] == ["Source", "Destination", "Message"]
        assert request.members["Destination"] == Member(name="Destination", shape="Destination")

    def test_error_shapes_carry_their_codes(self) -> None:
        """docs/spec.md#resp-model-errors: the guide says MailFromDomainNotVerified; the model's
        code differs."""
        shape = ses_model().shape("MailFromDomainNotVerifiedException")
        assert shape.exception
        assert shape.error_code == "MailFromDomainNotVerifiedException"
        assert shape.http_status_code == 400
        assert shape.sender_fault
        assert ses_model().shape("AlreadyExistsException").error_code == "AlreadyExists"

    def test_output_shapes_and_maps_are_there(self) -> None:
        shape = ses_model().shape("DkimAttributes")
        assert shape.type == "map"
        assert shape.key is not None
        assert shape.value is not None

    def test_blob_and_timestamps(self) -> None:
        model = ses_model()
        assert model.shape("RawMessageData").type == "blob"
        assert model.shape("MaxResults").min == 1
        assert model.shape("MaxResults").max == 50

    def test_unknown_names_raise_model_error(self) -> None:
        with pytest.raises(ModelError) as op:
            ses_model().operation("SendEmails")
        assert (op.value.kind, op.value.name) == ("unknown-operation", "SendEmails")
        assert op.exconly() == (
            "sesspec.errors.ModelError: no operation 'SendEmails' in the 2010-12-01 model"
        )
        with pytest.raises(ModelError) as shape:
            ses_model().shape("Nope")
        assert (shape.value.kind, shape.value.name) == ("unknown-shape", "Nope")
        assert str(shape.value) == "no shape 'Nope' in the 2010-12-01 model"
        # Still a KeyError (a lookup that found nothing), as before it had a type of its own.
        assert isinstance(op.value, KeyError)
        assert isinstance(shape.value, KeyError)

    @pytest.mark.parametrize(
        ("members", "op_input", "name", "message"),
        [
            ({"L": {"shape": "L"}}, "In", "L", "list shape 'L' has no member"),
            ({"M": {"shape": "M"}}, "In", "M", "map shape 'M' needs a key and a value"),
            ({}, "S", "Op", "input of 'Op' is not a structure"),
        ],
    )
    def test_unplannable_shapes_raise_model_error(
        self, members: dict[str, Any], op_input: str, name: str, message: str
    ) -> None:
        """A list without a member, a map without a value, an input that is not a structure:
        a typed error naming the shape, not a KeyError's repr."""
        data: dict[str, Any] = {
            "metadata": {"apiVersion": "2000-01-01", "protocol": "query"},
            "operations": {"Op": {"name": "Op", "input": {"shape": op_input}}},
            "shapes": {
                "In": {"type": "structure", "members": members},
                "L": {"type": "list"},
                "M": {"type": "map", "key": {"shape": "S"}},
                "S": {"type": "string"},
            },
        }
        with pytest.raises(ModelError) as exc:
            _shapes.input_plan(load_model(data), "Op")
        assert (exc.value.kind, exc.value.name, str(exc.value)) == (
            "unsupported-shape",
            name,
            message,
        )

    def test_cached(self) -> None:
        assert ses_model() is ses_model()


class TestGenerated:
    """The data file is what scripts/gen_model.py writes from botocore's service-2.json."""

    def test_equals_installed_botocore(self, tmp_path: Path) -> None:
        pytest.importorskip("botocore")
        generated = _generate(tmp_path)
        assert _without_version(generated) == _without_version(_data_file())

    @pytest.mark.suite(MODEL_SUITE)
    def test_equals_shared_copy(self, tmp_path: Path) -> None:
        folder = require_suite(MODEL_SUITE)
        generated = _generate(tmp_path, str(folder / "service-2.json"))
        assert _without_version(generated) == _without_version(_data_file())

    @pytest.mark.suite(MODEL_SUITE)
    def test_full_model_loads_to_the_same_operations_and_shapes(self) -> None:
        folder = require_suite(MODEL_SUITE)
        full = load_model(json.loads((folder / "service-2.json").read_text("utf-8")))
        compact = ses_model()
        assert full.operations == compact.operations
        assert full.shapes == compact.shapes
        for name, shape in full.shapes.items():
            assert list(shape.members) == list(compact.shapes[name].members)

    def test_source_recorded(self) -> None:
        source = _data_file()["_source"]
        assert source["botocore_version"]
        assert len(source["sha256"]) == 64

    def test_no_documentation_kept(self) -> None:
        text = json.dumps(_data_file())
        assert "documentation" not in text
        assert len(text) < 80_000


class TestLoadModel:
    def _tiny(self, **shapes: Any) -> dict[str, Any]:
        return {
            "metadata": {"apiVersion": "2020-01-08", "protocol": "query"},
            "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
            "shapes": shapes,
        }

    def test_minimal(self) -> None:
        model = load_model(
            self._tiny(
                In={"type": "structure", "members": {"L": {"shape": "List", "flattened": True}}},
                List={"type": "list", "member": {"shape": "S", "locationName": "item"}},
                S={"type": "string"},
            )
        )
        assert isinstance(model, ServiceModel)
        assert model.operation("Op").http_method == "POST"
        assert model.shape("In").members["L"].flattened
        list_shape = model.shape("List")
        assert isinstance(list_shape, Shape)
        assert list_shape.member == Member(name="member", shape="S", location_name="item")

    def test_unknown_shape_reference(self) -> None:
        with pytest.raises(VectorError) as info:
            load_model(self._tiny(In={"type": "structure", "members": {"A": {"shape": "Gone"}}}))
        assert info.value.path == "shapes.In.A"
        assert str(info.value) == "shapes.In.A: unknown shape 'Gone'"

    def test_unknown_type(self) -> None:
        with pytest.raises(VectorError) as info:
            load_model(self._tiny(In={"type": "union", "members": {}}))
        assert str(info.value) == "shapes.In: unknown shape type 'union'"

    def test_a_plan_the_model_cannot_make_is_not_an_unknown_action(self) -> None:
        """ModelError is a KeyError too; the readers tell an unknown operation from a shape
        that cannot be planned by its kind, and the latter is raised, not reported as the
        request's unknown action."""
        model = load_model(self._tiny(In={"type": "string"}))  # an input that is no structure
        with pytest.raises(ModelError) as info:
            validate_pairs([("Action", "Op"), ("Version", "2020-01-08")], model=model)
        assert info.value.kind == "unsupported-shape"
        with pytest.raises(ModelError):
            flatten("Op", {}, model=model)
        unknown = validate_pairs([("Action", "Nope"), ("Version", "2020-01-08")], model=model)
        assert [(e.kind, e.param) for e in unknown] == [("action-unknown", "Action")]

    def test_missing_input_shape(self) -> None:
        with pytest.raises(VectorError, match="unknown shape 'In'"):
            load_model(self._tiny())
