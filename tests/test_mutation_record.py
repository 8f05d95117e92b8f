"""scripts/mutation.py and its committed record stay in step with the code.

The equivalents list names modules mutmut runs on and says why for each entry; the CI sample
names functions that exist; the recorded results are for modules of the table; a survivor is
matched by its function and its change (shell patterns), never by mutmut's number. This file
reads the source text (the sample's functions), so it is in no mutation run's selection.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests._support import REPO


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_mutation", REPO / "scripts" / "mutation.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


M = _load()


def _functions(path: str) -> set[str]:
    tree = ast.parse((REPO / path).read_text("utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.add(f"x_{node.name}")
        elif isinstance(node, ast.ClassDef):
            out |= {
                f"x\u01c1{node.name}\u01c1{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return out


def test_modules_exist_and_their_tests_too() -> None:
    for target in M.MODULES:
        assert (REPO / target.path).is_file(), target.path
        for test in (*target.tests, *target.ci_tests):
            # a file, or one test of it as pytest names it ("file::test")
            path, _, name = test.partition("::")
            assert (REPO / path).is_file(), test
            assert not name or f"def {name}(" in (REPO / path).read_text("utf-8"), test


@pytest.mark.parametrize(
    "reader",
    [
        "tests/test_layers.py",
        "tests/test_spec_doc.py",
        "tests/test_mutants_apply.py",
        "tests/test_packaging.py",
        "tests/test_readme.py",
        "tests/test_mutation_record.py",
    ],
)
def test_no_selection_holds_a_test_that_reads_source_text(reader: str) -> None:
    for target in M.MODULES:
        assert reader not in (*target.tests, *target.ci_tests), target.path


@pytest.mark.parametrize(("path", "function"), M.SAMPLE)
def test_sample_names_a_function_of_its_module(path: str, function: str) -> None:
    assert path in M.BY_PATH
    assert function in _functions(path)


def test_equivalents_are_for_known_modules_and_say_why() -> None:
    listed = M.load_equivalents()
    assert listed
    for entry in listed:
        assert entry.module in M.BY_PATH, entry
        assert entry.why.strip().endswith("."), entry
        assert " => " in entry.change, entry


def test_equivalents_file_is_only_entries() -> None:
    data = tomllib.loads(M.EQUIVALENTS.read_text("utf-8"))
    assert set(data) == {"equivalent"}
    for entry in data["equivalent"]:
        assert set(entry) == {"module", "function", "change", "why"}


def test_results_are_for_modules_of_the_table() -> None:
    document = json.loads(M.RESULTS.read_text("utf-8"))
    assert document["tool"] == "mutmut 3.8.1"
    rows: list[dict[str, Any]] = document["modules"]
    order = [t.path for t in M.MODULES]
    names = [r["module"] for r in rows]
    assert set(names) <= set(order)
    assert names == sorted(names, key=order.index)
    for r in rows:
        assert r["mutants"] == r["killed"] + r["equivalent"] + r["unreviewed"] + r["not_checked"]


def _mutant(function: str, removed: tuple[str, ...], added: tuple[str, ...], status: str) -> Any:
    return M.Mutant(f"sesspec.signing.sigv2.{function}__mutmut_1", function, status, removed, added)


class TestMatching:
    TARGET = M.BY_PATH["sesspec/signing/sigv2.py"]

    def _entry(self, function: str, change: str) -> Any:
        return M.Equivalent("sesspec/signing/sigv2.py", function, change, "Because.")

    def test_change_text(self) -> None:
        m = _mutant("x_f", ('a = "utf-8"',), ('a = "UTF-8"',), "survived")
        assert m.change == 'a = "utf-8" => a = "UTF-8"'

    def test_patterns(self) -> None:
        m = _mutant("x_f", ('a = "utf-8"',), ('a = "UTF-8"',), "survived")
        assert M.covers(self._entry("*", '*"utf-8"* => *"UTF-8"*'), self.TARGET, m)
        assert M.covers(self._entry("x_f", m.change), self.TARGET, m)
        assert not M.covers(self._entry("x_g", m.change), self.TARGET, m)
        assert not M.covers(self._entry("x_f", 'a = "utf-8" => a = None'), self.TARGET, m)
        other = M.BY_PATH["sesspec/signing/aws3.py"]
        assert not M.covers(self._entry("*", "*"), other, m)

    def test_unreviewed_are_the_listed_statuses_not_covered(self) -> None:
        found = [
            _mutant("x_f", ("a",), ("b",), "survived"),
            _mutant("x_f", ("a",), ("c",), "no tests"),
            _mutant("x_f", ("a",), ("d",), "killed"),
            _mutant("x_f", ("a",), ("e",), "timeout"),
            _mutant("x_g", ("a",), ("b",), "survived"),
        ]
        left = M.unreviewed(self.TARGET, found, [self._entry("x_g", "a => b")])
        assert [(m.function, m.added) for m in left] == [("x_f", ("b",)), ("x_f", ("c",))]
        row = M.summary(self.TARGET, found, [self._entry("x_g", "a => b")])
        assert (row["mutants"], row["killed"], row["equivalent"], row["unreviewed"]) == (5, 2, 1, 2)
        assert row["score"] == 0.6
        # a module to review in full is "partial" while a survivor is unreviewed
        assert row["review"] == "partial"
        listed = [self._entry("x_g", "a => b"), self._entry("x_f", "a => *")]
        assert M.summary(self.TARGET, found, listed)["review"] == "full"

    def test_stub_is_an_entry(self) -> None:
        m = _mutant("x_f", ("s = 'it''s'",), ('s = "x"',), "survived")
        entry = tomllib.loads(M.stub(self.TARGET, m).replace("why = ''", "why = 'Because.'"))
        assert entry == {
            "equivalent": [
                {
                    "module": "sesspec/signing/sigv2.py",
                    "function": "x_f",
                    "change": m.change,
                    "why": "Because.",
                }
            ]
        }

    def test_changed_lines(self) -> None:
        orig = "def f(x):\n    a = 1\n    return a\n"
        mutant = "def f(x):\n    a = 2\n    return a\n"
        assert M._changed_lines(orig, mutant) == (("a = 1",), ("a = 2",))

    @pytest.mark.parametrize(
        ("code", "status"),
        [
            (1, "killed"),
            (3, "killed"),
            (0, "survived"),
            (33, "no tests"),
            (5, "no tests"),
            (-24, "timeout"),
            (36, "timeout"),
            (None, "not checked"),
            (-11, "suspicious"),
        ],
    )
    def test_status(self, code: int | None, status: str) -> None:
        assert M.status(code) == status


def test_an_entry_without_its_fields_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "eq.toml"
    bad.write_text("[[equivalent]]\nmodule = 'sesspec/encoding.py'\nfunction = 'x_f'\n", "utf-8")
    with pytest.raises(SystemExit, match="lacks change"):
        M.load_equivalents(bad)
