"""The report's expectations loader under hostile files: deep nesting, unhashable names, sizes
past the limit, any JSON structure, a folder or bad bytes in place of the file: each refused
with :class:`~sesspec.report.expectations.ExpectationError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.report.expectations import ExpectationError, load_expectations
from tests._hypothesis import examples

CLIENTS = ["boto3"]
SCENARIOS = ["send-email-ascii"]
ENTRY = {
    "client": "boto3",
    "scenarios": ["send-email-ascii"],
    "rules": ["AUTH018"],
    "issue": "https://example.com/1",
    "reason": "r",
    "tested": "1.0",
}


def _load(path: Path) -> Any:
    return load_expectations(path, clients=CLIENTS, scenarios=set(SCENARIOS))


def _document(**entry: Any) -> bytes:
    return json.dumps({"format": "sesspec-expectations/2", "known": [{**ENTRY, **entry}]}).encode()


@pytest.mark.parametrize(
    "data",
    [
        b'{"format": "sesspec-expectations/2", "known": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
    ids=["deep-list", "deep-object"],
)
def test_expectations_deep_nesting(data: bytes, tmp_path: Path) -> None:
    """Was RecursionError out of load_expectations."""
    path = tmp_path / "e.json"
    path.write_bytes(data)
    with pytest.raises(ExpectationError, match="nested deeper"):
        _load(path)


@pytest.mark.parametrize(
    "entry",
    [{"scenarios": [{}]}, {"scenarios": [[1]]}, {"rules": [{}]}, {"rules": [["AUTH018"]]}],
    ids=["scenario-object", "scenario-list", "rule-object", "rule-list"],
)
def test_expectations_unhashable_names(entry: dict[str, Any], tmp_path: Path) -> None:
    """A scenario or rule written as an object or a list was TypeError (unhashable)."""
    path = tmp_path / "e.json"
    path.write_bytes(_document(**entry))
    with pytest.raises(ExpectationError, match="strings only"):
        _load(path)


def test_expectations_read_within_the_limit(tmp_path: Path) -> None:
    """A FIFO (or /dev/zero) has no size: the stat check passed and read_bytes read it all.
    Now at most MAX_EXPECTATIONS_BYTES + 1 are read."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        [sys.executable, "-c", f"open({str(fifo)!r}, 'wb').write(b' ' * (2 * 1024 * 1024))"],
        stderr=subprocess.DEVNULL,
    )
    try:
        with pytest.raises(ExpectationError, match="limit"):
            _load(fifo)
    finally:
        writer.kill()
        writer.wait()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)


@examples(100)
@given(
    entry=st.dictionaries(
        st.sampled_from([*ENTRY, "extra"]), _JSON | st.sampled_from(list(ENTRY.values()))
    ),
    top=st.none() | _JSON,
)
def test_expectations_any_structure(entry: dict[str, Any], top: Any, tmp_path_factory: Any) -> None:
    path = tmp_path_factory.mktemp("e") / "e.json"
    for document in ({"format": "sesspec-expectations/2", "known": [entry]}, top):
        path.write_text(json.dumps(document))
        with contextlib.suppress(ExpectationError):
            _load(path)


def test_expectations_folder_and_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(ExpectationError):
        _load(tmp_path)
    bad = tmp_path / "e.json"
    for data in (b'{"format": "\xff"}', b'{"x": ' + b"9" * 5000 + b"}"):
        bad.write_bytes(data)
        with pytest.raises(ExpectationError):
            _load(bad)
