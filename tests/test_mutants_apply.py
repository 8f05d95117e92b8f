"""scripts/mutate.py's list stays in step with the code: every mutant's text is in its file once
and changes one line, and the short list (run by .ci/run) holds the mutants of each kind mutmut
cannot write (a module-level constant, a bound moved down, arguments swapped, a call taken away
or added)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

import pytest

from tests._support import REPO


def _mutate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_mutate", REPO / "scripts" / "mutate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


MUTATE = _mutate()


@pytest.mark.parametrize("mutant", [pytest.param(m, id=m.id) for m in MUTATE.MUTANTS])
def test_mutant_applies_once_and_changes_one_line(mutant: Any) -> None:
    text = (REPO / mutant.path).read_text("utf-8")
    old, new = mutant.old, mutant.new
    assert text.count(old) == 1
    before, after = text.splitlines(), text.replace(old, new).splitlines()
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1


def test_ids_unique_and_short_list_holds_each_kind() -> None:
    ids = [m.id for m in MUTATE.MUTANTS]
    assert len(ids) == len(set(ids))
    short = {m.id for m in MUTATE.MUTANTS if m.short}
    assert {
        "aws3-cutoff-2030",  # a module-level constant
        "auth015-accepts-expires-0",  # a bound moved down
        "key-order-swapped",  # arguments swapped
        "headers-not-trimmed",  # a call taken away
    } <= short
