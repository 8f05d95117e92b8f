"""Properties of awsQuery flattening over all 71 SES operations ("Hypothesis properties").

* unflatten(flatten(p)) == p for params drawn from the model
  (:func:`sesspec.strategies.params_for`);
* where botocore is installed, flatten(p) decodes to the same pair multiset as botocore's
  ``QuerySerializer`` body for the same params (botocore is the independent reference; its body is
  form-encoded with ``urllib.parse.urlencode`` and decoded with ``parse_qsl``, not with sesspec).
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sesspec.model import ses_model
from sesspec.query import MAX_NAME_DEPTH, flatten, unflatten
from sesspec.strategies import params_for

pytestmark = pytest.mark.property

OPERATIONS = sorted(ses_model().operations)

#: Examples per operation: a quarter of the profile's (250 of CI's 1,000, 25 of dev's 100), since
#: each property runs once per operation: 71 x 250 = 17,750 drawn params a property in CI, where
#: a full budget per operation made these two properties a third of the CI run.
PER_OPERATION = settings(max_examples=max(settings().max_examples // 4, 10))


def test_every_operation_is_covered() -> None:
    assert len(OPERATIONS) == 71


@pytest.mark.parametrize("operation", OPERATIONS)
@PER_OPERATION
@given(data=st.data())
def test_unflatten_inverts_flatten(operation: str, data: st.DataObject) -> None:
    params = data.draw(params_for(operation), label="params")
    pairs = flatten(operation, params)
    assert pairs[:2] == [("Action", operation), ("Version", "2010-12-01")]
    assert unflatten(pairs) == (operation, "2010-12-01", params)


@lru_cache(maxsize=1)
def _botocore() -> tuple[Any, Any]:
    session = pytest.importorskip("botocore.session")
    serialize = pytest.importorskip("botocore.serialize")
    return session.get_session().get_service_model("ses"), serialize.QuerySerializer()


@pytest.mark.parametrize("operation", OPERATIONS)
@PER_OPERATION
@given(data=st.data())
def test_same_pairs_as_botocore(operation: str, data: st.DataObject) -> None:
    service_model, serializer = _botocore()
    params = data.draw(params_for(operation), label="params")
    request = serializer.serialize_to_request(params, service_model.operation_model(operation))
    body = urllib.parse.urlencode(request["body"], doseq=True)
    theirs = urllib.parse.parse_qsl(body, keep_blank_values=True, strict_parsing=False)
    assert Counter(flatten(operation, params)) == Counter(theirs)


# A model that uses every awsQuery feature SES does not: maps (plain, flattened, renamed key and
# value), flattened and renamed lists, nested lists, recursion, epoch timestamps, floats, longs.
# (No flattened list whose *member* carries a locationName: there botocore and Smithy disagree, see
# test_vectors_awsquery.)
GENERIC: dict[str, Any] = {
    "metadata": {"apiVersion": "2020-01-08", "protocol": "query"},
    "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
    "shapes": {
        "In": {
            "type": "structure",
            "required": ["S"],
            "members": {
                "S": {"shape": "Str"},
                "Renamed": {"shape": "Str", "locationName": "Other"},
                "L": {"shape": "StrList"},
                "FL": {"shape": "StrList", "flattened": True},
                "NL": {"shape": "NamedList"},
                "LL": {"shape": "ListOfLists"},
                "M": {"shape": "StrMap"},
                "FM": {"shape": "StrMap", "flattened": True, "locationName": "Hi"},
                "NM": {"shape": "NamedMap"},
                "ML": {"shape": "MapOfLists"},
                "Tree": {"shape": "Node"},
                "T": {"shape": "Ts"},
                "TU": {"shape": "Ts", "timestampFormat": "unixTimestamp"},
                "D": {"shape": "Dbl"},
                "I": {"shape": "Lng"},
                "B": {"shape": "Blb"},
                "Bo": {"shape": "Bool"},
                "E": {"shape": "Enum"},
            },
        },
        "Node": {
            "type": "structure",
            "members": {"Name": {"shape": "Str"}, "Kids": {"shape": "NodeList"}},
        },
        "NodeList": {"type": "list", "member": {"shape": "Node"}},
        "StrList": {"type": "list", "member": {"shape": "Str"}},
        "NamedList": {"type": "list", "member": {"shape": "Str", "locationName": "item"}},
        "ListOfLists": {"type": "list", "member": {"shape": "StrList"}},
        "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
        "NamedMap": {
            "type": "map",
            "key": {"shape": "Str", "locationName": "K"},
            "value": {"shape": "Node", "locationName": "V"},
        },
        "MapOfLists": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "StrList"}},
        "Str": {"type": "string"},
        "Enum": {"type": "string", "enum": ["Foo", "Bar"]},
        "Ts": {"type": "timestamp"},
        "Dbl": {"type": "double"},
        "Lng": {"type": "long"},
        "Blb": {"type": "blob"},
        "Bool": {"type": "boolean"},
    },
}


@lru_cache(maxsize=1)
def _generic() -> Any:
    from sesspec.model import load_model

    return load_model(GENERIC)


@given(data=st.data())
def test_generic_model_round_trip(data: st.DataObject) -> None:
    model = _generic()
    params = data.draw(params_for("Op", model=model), label="params")
    pairs = flatten("Op", params, model=model)
    # The recursive Node shape nests without end; names deeper than unflatten's limit are
    # refused, not read (tests/test_limits_core.py holds that).
    assume(all(name.count(".") < MAX_NAME_DEPTH for name, _ in pairs))
    assert unflatten(pairs, model=model).params == params


@given(data=st.data())
def test_generic_model_same_pairs_as_botocore(data: st.DataObject) -> None:
    botocore_model = pytest.importorskip("botocore.model")
    serialize = pytest.importorskip("botocore.serialize")
    model = _generic()
    params = data.draw(params_for("Op", model=model), label="params")
    op = botocore_model.ServiceModel(GENERIC).operation_model("Op")
    request = serialize.QuerySerializer().serialize_to_request(params, op)
    body = urllib.parse.urlencode(request["body"], doseq=True)
    theirs = urllib.parse.parse_qsl(body, keep_blank_values=True)
    assert Counter(flatten("Op", params, model=model)) == Counter(theirs)
