"""The public awsQuery request suites, run through sesspec.query both ways.

Suites (../shared/vectors, see each PROVENANCE.md):

* ``awsquery-protocol-tests-botocore``: ``input/query.json`` (38 cases, the JSON form of Smithy's
  awsQuery request tests, ids = Smithy ids) and ``legacy/input/query.json`` (25, no ids).
* ``awsquery-protocol-tests-aws-sdk-go``: ``input/query.json`` (29).
* ``awsquery-protocol-tests-smithy``: the ``.smithy`` sources of the same 38 request tests; ``id``,
  ``params`` and ``body`` are read from the IDL here, the shapes from botocore's JSON translation
  of the same test (same id), since a Smithy shape loader is out of scope.

Each case builds a :class:`~sesspec.model.ServiceModel` from the suite's own shapes, then checks, in
order: (1) ``flatten(params)`` decodes to the same pair multiset as the expected body (Smithy's
``bodyMediaType: application/x-www-form-urlencoded`` compares parsed forms); (2) the exact body
bytes, since botocore's runner compares the body as an exact string and these bodies use only
characters every encoding style writes alike; (3) ``unflatten`` of the expected body gives back the
params (blobs as bytes, timestamps as UTC datetimes, empty maps absent: they send nothing).

botocore's ``protocol-tests-ignore-list.json`` is respected for botocore's own files: listed cases
are skipped with botocore's reason.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sesspec.encoding import form_decode, form_encode
from sesspec.model import ServiceModel, load_model
from sesspec.query import flatten, unflatten
from tests._support import require_suite, suite_dir

BOTOCORE = "awsquery-protocol-tests-botocore"
GO = "awsquery-protocol-tests-aws-sdk-go"
SMITHY = "awsquery-protocol-tests-smithy"

AUTOFILL = (
    "idempotency-token auto-fill needs a random UUID; the sesspec core is pure (no randomness), "
    "callers pass the token"
)


# ---------------------------------------------------------------- loading the JSON suites


def _load_json(suite: str, relative: str) -> list[dict[str, Any]]:
    folder = suite_dir(suite)
    if folder is None:
        return []
    data: list[dict[str, Any]] = json.loads((folder / relative).read_text("utf-8"))
    return data


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _ignore_list() -> tuple[set[str], set[str]]:
    folder = suite_dir(BOTOCORE)
    if folder is None:
        return set(), set()
    data = json.loads((folder / "protocol-tests-ignore-list.json").read_text("utf-8"))
    suites = set(data["general"]["input"]["suites"])
    cases = set(data["protocols"]["query"]["input"]["cases"])
    return suites, cases


IGNORED_SUITES, IGNORED_CASES = _ignore_list()


def _json_cases(suite: str, relative: str, *, botocore: bool) -> list[Any]:
    params: list[Any] = []
    for block in _load_json(suite, relative):
        for i, case in enumerate(block["cases"], 1):
            case_id = case.get("id") or f"{_slug(block['description'])}-{i}"
            marks: list[Any] = [pytest.mark.suite(suite)]
            if botocore and block["description"] in IGNORED_SUITES:
                reason = (
                    f"botocore protocol-tests-ignore-list.json skips suite {block['description']!r}"
                )
                marks.append(pytest.mark.skip(reason=reason))
            elif botocore and case_id in IGNORED_CASES:
                reason = (
                    f"botocore protocol-tests-ignore-list.json skips {case_id} (botocore names a "
                    "flattened list after its member's locationName); the Smithy suite's copy runs"
                )
                marks.append(pytest.mark.skip(reason=reason))
            elif (
                not botocore
                and "idempotencyToken" in json.dumps(block["shapes"])
                and not case["params"]
            ):
                marks.append(pytest.mark.skip(reason=AUTOFILL))
            params.append(pytest.param(block, case, marks=marks, id=f"{relative}:{case_id}"))
    if not params:
        params.append(
            pytest.param(None, None, marks=pytest.mark.suite(suite), id=f"{suite}-absent")
        )
    return params


def _model(block: dict[str, Any], given: dict[str, Any]) -> ServiceModel:
    return load_model(
        {
            "metadata": block["metadata"],
            "shapes": block["shapes"],
            "operations": {given["name"]: given},
        }
    )


# ---------------------------------------------------------------- expected typed params


def _expected(value: Any, ref: dict[str, Any], shapes: dict[str, Any]) -> Any:
    """The suite's params as unflatten gives them back, walking the suite's own shape JSON."""
    shape = shapes[ref["shape"]]
    kind = shape["type"]
    if kind == "structure":
        out = {}
        for name, item in value.items():
            member = shape["members"][name]
            if item is None:
                continue
            converted = _expected(item, member, shapes)
            if converted == {} and shapes[member["shape"]]["type"] in ("map", "structure"):
                continue  # nothing on the wire (QueryEmptyQueryMaps)
            out[name] = converted
        return out
    if kind == "list":
        return [_expected(v, shape["member"], shapes) for v in value]
    if kind == "map":
        return {
            _expected(k, shape["key"], shapes): _expected(v, shape["value"], shapes)
            for k, v in value.items()
        }
    if kind == "blob":
        return value.encode("utf-8") if isinstance(value, str) else value
    if kind == "timestamp":
        if isinstance(value, int | float):
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=value)
        return datetime.fromisoformat(value).astimezone(UTC)
    if kind in ("float", "double"):
        return float(value) if not isinstance(value, str) else float(value.replace("inity", ""))
    return value


def _canon(value: Any) -> Any:
    """Floats as their repr so NaN compares equal to NaN."""
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def _run(block: dict[str, Any], case: dict[str, Any], params: Any, body: str) -> None:
    given = case["given"]
    model = _model(block, given)
    name = given["name"]
    pairs = flatten(name, params, model=model)
    expected_pairs = form_decode(body)
    # (1) same parameters (order-insensitive: Smithy bodyMediaType form comparison)
    assert Counter(pairs) == Counter(expected_pairs)
    # (2) same bytes (botocore's runner compares the body string exactly)
    assert form_encode(pairs) == body
    # (3) the expected body decodes back to the params
    decoded = unflatten(expected_pairs, model=model)
    assert decoded.action == name
    assert decoded.version == block["metadata"]["apiVersion"]
    typed = _expected(params, given["input"], block["shapes"]) if "input" in given else {}
    assert _canon(decoded.params) == _canon(typed)


# ---------------------------------------------------------------- JSON suites


@pytest.mark.parametrize(
    ("block", "case"), _json_cases(BOTOCORE, "input/query.json", botocore=True)
)
def test_botocore_query(block: dict[str, Any] | None, case: dict[str, Any] | None) -> None:
    require_suite(BOTOCORE)
    assert block is not None
    assert case is not None
    _run(block, case, case["params"], case["serialized"]["body"])


@pytest.mark.parametrize(
    ("block", "case"), _json_cases(BOTOCORE, "legacy/input/query.json", botocore=True)
)
def test_botocore_legacy_query(block: dict[str, Any] | None, case: dict[str, Any] | None) -> None:
    require_suite(BOTOCORE)
    assert block is not None
    assert case is not None
    _run(block, case, case["params"], case["serialized"]["body"])


@pytest.mark.parametrize(("block", "case"), _json_cases(GO, "input/query.json", botocore=False))
def test_aws_sdk_go_query(block: dict[str, Any] | None, case: dict[str, Any] | None) -> None:
    require_suite(GO)
    assert block is not None
    assert case is not None
    _run(block, case, case["params"], case["serialized"]["body"])


# ---------------------------------------------------------------- the Smithy IDL suite

_TOKEN = re.compile(
    r'(?P<ws>(?:\s|,|//[^\n]*)+)|(?P<text>""")|(?P<str>"(?:[^"\\]|\\.)*")'
    r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<ident>[A-Za-z_][\w.#$]*)|(?P<punct>[\[\]{}:])"
)


def _text_block(source: str, start: int) -> tuple[str, int]:
    """A Smithy text block starting after its opening quotes: incidental indentation removed."""
    end = source.index('"""', start)
    raw = source[start:end]
    assert raw.startswith("\n"), "a text block starts with a new line"
    lines = raw[1:].split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines[:-1] if line.strip()]
    indents.append(len(lines[-1]) - len(lines[-1].lstrip(" ")))
    cut = min(indents)
    text = "\n".join(line[cut:].rstrip(" ") for line in lines)
    return json.loads('"' + text.replace('"', '\\"').replace("\n", "\\n") + '"'), end + 3


def _node(source: str, pos: int) -> tuple[Any, int]:
    """One Smithy node value (object, array, string, text block, number, keyword, shape id)."""
    match = _TOKEN.match(source, pos)
    assert match is not None, source[pos : pos + 40]
    if match.group("ws"):
        return _node(source, match.end())
    if match.group("text"):
        return _text_block(source, match.end())
    if match.group("str"):
        return json.loads(match.group("str")), match.end()
    if match.group("num"):
        text = match.group("num")
        return (float(text) if "." in text or "e" in text.lower() else int(text)), match.end()
    if match.group("ident"):
        word = match.group("ident")
        return {"true": True, "false": False, "null": None}.get(word, word), match.end()
    punct = match.group("punct")
    pos = match.end()
    if punct == "[":
        items: list[Any] = []
        while True:
            after = _TOKEN.match(source, pos)
            if after is not None and after.group("ws"):
                pos = after.end()
            if source[pos] == "]":
                return items, pos + 1
            item, pos = _node(source, pos)
            items.append(item)
    assert punct == "{", source[pos - 1 : pos + 40]
    obj: dict[str, Any] = {}
    while True:
        after = _TOKEN.match(source, pos)
        if after is not None and after.group("ws"):
            pos = after.end()
        if source[pos] == "}":
            return obj, pos + 1
        key, pos = _node(source, pos)
        colon = _TOKEN.match(source, pos)
        while colon is not None and colon.group("ws"):
            pos = colon.end()
            colon = _TOKEN.match(source, pos)
        assert source[pos] == ":", source[pos : pos + 40]
        obj[str(key)], pos = _node(source, pos + 1)


def _smithy_tests(folder: Path) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for path in sorted((folder / "smithy-aws-protocol-tests/model/awsQuery").glob("*.smithy")):
        source = path.read_text("utf-8")
        for found in re.finditer(r"@httpRequestTests\(", source):
            value, _ = _node(source, found.end())
            for test in value:
                test["_file"] = path.name
                tests.append(test)
    return tests


def _smithy_cases() -> list[Any]:
    folder = suite_dir(SMITHY)
    if folder is None:
        return [pytest.param(None, marks=pytest.mark.suite(SMITHY), id=f"{SMITHY}-absent")]
    return [
        pytest.param(test, marks=pytest.mark.suite(SMITHY), id=f"{test['_file']}:{test['id']}")
        for test in _smithy_tests(folder)
    ]


def _botocore_by_id() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    found = {}
    for block in _load_json(BOTOCORE, "input/query.json"):
        for case in block["cases"]:
            found[case["id"]] = (block, case)
    return found


def test_smithy_suite_has_38_request_tests() -> None:
    folder = require_suite(SMITHY)
    ids = [t["id"] for t in _smithy_tests(folder)]
    assert len(ids) == len(set(ids)) == 38


@pytest.mark.parametrize("test", _smithy_cases())
def test_smithy_query(test: dict[str, Any] | None) -> None:
    require_suite(SMITHY)
    assert test is not None
    by_id = _botocore_by_id()
    if test["id"] not in by_id:
        pytest.skip(f"shapes for {test['id']} come from {BOTOCORE}, which is absent")
    block, case = by_id[test["id"]]
    if "body" not in test:
        pytest.skip("no expected body in this test (it checks a header)")
    if test["id"].startswith("QueryProtocolIdempotencyTokenAutoFill") and "params" not in test:
        pytest.skip(AUTOFILL)
    if test["id"].startswith("SDKApp"):
        pytest.skip("request compression (gzip Content-Encoding) is transport, not flattening")
    _run(block, case, test.get("params", {}), test["body"])
