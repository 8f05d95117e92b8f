"""Mutation testing with mutmut (3.8.1, pinned in the ``mutation`` extra), one module at a time.

mutmut writes every mutant of a module into a copy of the tree, each one a changed function
behind a trampoline, and runs the tests that call that function (it learns which ones in a
first run) against each mutant: *killed* when a test fails, *survived* when they all pass. A
survivor is a behaviour no test holds; it gets a test that kills it, or an entry in
``mutation/equivalents.toml`` saying why it cannot be told apart from the original (the same
behaviour by another path). ``mutation/results.json`` (and the table in ``mutation/README.md``)
is the committed result: per module, the mutants, how many were killed, how many were reviewed
as equivalent, and how many survive unreviewed (the goal: none).

Each module runs in a folder of its own under ``.mutmut/`` (not committed), with a mutmut
configuration written from :data:`MODULES`: the module to mutate and the test files that judge
it. Tests that read the source text are never among them (``tests/test_layers.py`` scans the
imports, ``tests/test_spec_doc.py`` the cited anchors, ``tests/test_mutants_apply.py`` the
hand-written list, ``tests/test_packaging.py`` the Makefile and pyproject): they would fail on
every mutant of a line they read, whatever the behaviour. mutmut mutates code inside functions
only; what it cannot express (a module-level constant, arguments swapped, another sort key) is
``scripts/mutate.py``'s short list.

    python scripts/mutation.py run sesspec/signing/sigv2.py   # one module (several may follow)
    python scripts/mutation.py run --survivors sesspec/signing/sigv2.py  # after new tests
    python scripts/mutation.py run --fresh sesspec/signing/sigv2.py      # every mutant anew
    python scripts/mutation.py run --all                      # every module of MODULES
    python scripts/mutation.py survivors sesspec/signing/sigv2.py  # unreviewed, with diffs
    python scripts/mutation.py record                         # write mutation/results.json
    python scripts/mutation.py ci [--base REF]                # .ci/run: changed code or the sample

``ci`` runs the mutants of the functions a change touches since its merge base with ``REF``
(default ``origin/main`` if it exists, else ``main``), in the modules of :data:`MODULES`; with no
such change (CI runs on main itself) it runs :data:`SAMPLE`. It fails (status 1) on a survivor
that ``mutation/equivalents.toml`` does not list. mutmut runs with at most two children
(``--max-children``), the cores this machine has.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".mutmut"
RECORD = REPO / "mutation"
EQUIVALENTS = RECORD / "equivalents.toml"
RESULTS = RECORD / "results.json"

#: Copied beside the mutants: what the selected tests read (vectors, the spec, the scripts the
#: tests import, the README some of them check).
_ALSO = ("scripts", "vectors", "docs", "README.md", "MANIFEST.in", "Makefile", "reports")

#: The hostile-input tests of the core, the checker and the command line.
_HOSTILE = (
    "tests/test_limits_core.py",
    "tests/test_core_hostile_input.py",
    "tests/test_cli_hostile_input.py",
    "tests/test_secrets_and_header_lines.py",
)
_SIGNING_TESTS = (
    "tests/test_boundaries.py",
    "tests/test_legacy_signing.py",
    "tests/test_guard.py",
    "tests/test_signing.py",
    "tests/test_signer.py",
    "tests/test_vectors_sigv2_aws3.py",
    "tests/test_vectors_sigv4_verify.py",
    "tests/test_vectors_sigv4_2015.py",
    "tests/test_vectors_sigv4_2011.py",
    "tests/test_vectors_sigv4_aws_c_auth.py",
    "tests/test_vectors_sigv4_smithy_rs.py",
    "tests/test_vectors_own.py",
    "tests/test_checker_rules.py",
    "tests/test_verify_cli.py",
    "tests/test_sign_cli.py",
    *_HOSTILE,
)
_CORE_TESTS = (
    "tests/test_boundaries.py",
    "tests/test_encoding.py",
    "tests/test_query.py",
    "tests/test_query_properties.py",
    "tests/test_vectors_awsquery.py",
    "tests/test_vectors_own.py",
    "tests/test_body.py",
    "tests/test_model.py",
    "tests/test_checker_rules.py",
    "tests/test_check.py",
    *_HOSTILE,
)
#: What judges the encoders: their own tests, the vectors, the limits and drawn input (the
#: checker's and the CLI's suites call them too, but every survivor would run those whole).
_ENCODING_TESTS = (
    "tests/test_encoding.py",
    "tests/test_boundaries.py",
    "tests/test_vectors_awsquery.py",
    "tests/test_vectors_own.py",
    "tests/test_limits_core.py",
    "tests/test_core_hostile_input.py",
)
#: What judges the flattening: its own tests and properties (botocore's serializer beside
#: it), the vectors, the model, the limits and drawn input.
_QUERY_TESTS = (
    "tests/test_query.py",
    "tests/test_query_properties.py",
    "tests/test_boundaries.py",
    "tests/test_vectors_awsquery.py",
    "tests/test_vectors_own.py",
    "tests/test_model.py",
    "tests/test_limits_core.py",
    # not the drawn requests through the whole checker (40 s of the 50 the file takes)
    "tests/test_core_hostile_input.py::test_unflatten_raises_only_param_errors",
)
#: What judges SigV4's stages, reader and verifier: the five public suites, the signer's and
#: the verifier's own tests, the recomputation, the CLI's sign and verify, the limits.
_SIGV4_TESTS = (
    "tests/test_signing.py",
    "tests/test_signer.py",
    "tests/test_recompute.py",
    "tests/test_sign_replaces.py",
    "tests/test_boundaries.py",
    "tests/test_vectors_sigv4_verify.py",
    "tests/test_vectors_sigv4_2015.py",
    "tests/test_vectors_sigv4_2011.py",
    "tests/test_vectors_sigv4_aws_c_auth.py",
    "tests/test_vectors_sigv4_smithy_rs.py",
    "tests/test_sigv4_verify.py",
    "tests/test_sigv4_reader.py",
    "tests/test_guard.py",
    "tests/test_verify_cli.py",
    "tests/test_cli_sign_verify_hostile.py",
    "tests/test_limits_core.py",
)
#: What judges the parameter names and the masker (seconds in all).
_PARAMS_TESTS = (
    "tests/test_params.py",
    "tests/test_masking.py",
    "tests/test_capture_fields.py",
    "tests/test_sigv4_verify.py",
    "tests/test_sigv4_reader.py",
)
#: A rule module's whole run: the rules' and the checker's tests, the committed samples, the
#: legacy schemes, the command line, the limits and the secrets (not the drawn requests of the
#: hostile-input suites, which would run whole for every survivor).
_CHECK_TESTS = (
    "tests/test_boundaries.py",
    "tests/test_legacy_signing.py",
    "tests/test_checker_rules.py",
    "tests/test_check.py",
    "tests/test_check_bare_lf.py",
    "tests/test_mismatch_causes.py",
    "tests/test_param_rules.py",
    "tests/test_enc_rules.py",
    "tests/test_vectors_own.py",
    "tests/test_limits_core.py",
    "tests/test_secrets_and_header_lines.py",
    "tests/test_signing.py",
    "tests/test_cli.py",
)

# What CI judges a changed function with: the tests that pin each family's behaviours, seconds
# each (scripts/mutation.py ci).
_SIGNING_CI = (
    "tests/test_boundaries.py",
    "tests/test_legacy_signing.py",
    "tests/test_guard.py",
    "tests/test_vectors_sigv2_aws3.py",
    "tests/test_signing.py",
    "tests/test_signer.py",
    "tests/test_vectors_sigv4_2015.py",
)
_CORE_CI = (
    "tests/test_boundaries.py",
    "tests/test_encoding.py",
    "tests/test_query.py",
    "tests/test_vectors_awsquery.py",
    "tests/test_vectors_own.py",
)
#: The core's CI tests and its limits (2.6 s): the pair limit's boundary is held there.
_CORE_LIMITS_CI = (*_CORE_CI, "tests/test_limits_core.py")
_CHECK_CI = ("tests/test_boundaries.py", "tests/test_checker_rules.py")
#: A rule module's whole run: the rules' tests, the checker's, and its committed samples (11 s).
_RULE_TESTS = (
    *_CHECK_CI,
    "tests/test_check.py",
    "tests/test_check_bare_lf.py",
    "tests/test_enc_rules.py",
)
_FIDELITY_TESTS = (
    "tests/test_fidelity.py",
    "tests/test_fidelity_kinds.py",
    "tests/test_fidelity_messages.py",
    "tests/test_report_fidelity.py",
)
_MIME_TESTS = ("tests/test_mime.py", "tests/test_fidelity_messages.py", "tests/test_mailbox.py")


@dataclass(frozen=True)
class Target:
    """A module mutmut mutates, the tests that judge it, and how far its survivors are
    reviewed: ``full`` (every survivor killed or listed as equivalent), or ``figures`` (run and
    counted; reviewed once the module's restructuring has landed)."""

    path: str
    tests: tuple[str, ...]
    review: str = "full"
    #: What CI judges the module's changed functions with: a few seconds of tests that hold
    #: its behaviours (the full selection is for ``make mutate``).
    ci_tests: tuple[str, ...] = ()
    #: The share of mutants that must be killed or reviewed as equivalent (the issue's goal:
    #: 95 % on the reference core and the checker's rules, 90 % elsewhere).
    goal: float = 0.95

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")

    @property
    def slug(self) -> str:
        return self.path.removesuffix(".py").replace("/", "-")


MODULES: tuple[Target, ...] = (
    Target("sesspec/encoding.py", _ENCODING_TESTS, ci_tests=_CORE_LIMITS_CI),
    Target("sesspec/query.py", _QUERY_TESTS, ci_tests=_CORE_LIMITS_CI),
    Target("sesspec/_shapes.py", _CORE_TESTS, ci_tests=_CORE_CI),
    # Which parameters are authentication's, and the one masker of session tokens.
    Target("sesspec/params.py", _PARAMS_TESTS, ci_tests=_PARAMS_TESTS),
    Target("sesspec/masking.py", _PARAMS_TESTS, ci_tests=_PARAMS_TESTS),
    Target("sesspec/signing/sigv2.py", _SIGNING_TESTS, ci_tests=_SIGNING_CI),
    Target("sesspec/signing/aws3.py", _SIGNING_TESTS, ci_tests=_SIGNING_CI),
    Target("sesspec/signing/_guard.py", _SIGNING_TESTS, ci_tests=_SIGNING_CI),
    Target("sesspec/signing/_legacy.py", _SIGNING_TESTS, ci_tests=_SIGNING_CI),
    Target("sesspec/signing/__init__.py", _SIGNING_TESTS, ci_tests=_SIGNING_CI),
    Target("sesspec/signing/sigv4/_fast.py", _SIGNING_TESTS, ci_tests=_SIGNING_CI),
    Target("sesspec/check/rules/__init__.py", _CHECK_TESTS, ci_tests=_CHECK_CI),
    Target("sesspec/check/rules/http.py", _RULE_TESTS, ci_tests=_CHECK_CI),
    Target("sesspec/check/rules/enc.py", _RULE_TESTS, ci_tests=_CHECK_CI),
    Target("sesspec/check/rules/param.py", _CHECK_TESTS, ci_tests=_CHECK_CI),
    Target("sesspec/check/rules/auth.py", _CHECK_TESTS, ci_tests=_CHECK_CI),
    Target(
        "sesspec/check/rules/fid.py",
        (*_RULE_TESTS, "tests/test_report_fidelity.py", "tests/test_fid_rules.py"),
        ci_tests=(*_CHECK_CI, "tests/test_report_fidelity.py"),
    ),
    # SigV4, split into stages, dates, a reader, a verifier and one Signer.
    *(
        Target(f"sesspec/signing/sigv4/{name}.py", _SIGV4_TESTS, ci_tests=_SIGNING_CI)
        for name in ("_stages", "_reader", "_verify")
    ),
    Target(
        "sesspec/signing/sigv4/_dates.py",
        (*_SIGNING_TESTS, "tests/test_sigv4_dates.py"),
        ci_tests=_SIGNING_CI,
    ),
    # Not reviewed yet: run and counted only.
    *(
        Target(
            f"sesspec/signing/sigv4/{name}.py",
            _SIGNING_TESTS,
            review="figures",
            ci_tests=_SIGNING_CI,
        )
        for name in ("__init__", "_config", "_signer")
    ),
    *(
        Target(f"sesspec/fidelity/{name}.py", _FIDELITY_TESTS, review="figures", goal=0.90)
        for name in ("kinds", "mail", "members", "message", "request", "types", "values")
    ),
    *(
        Target(f"sesspec/mime/{name}.py", _MIME_TESTS, review="figures")
        for name in ("_addresses", "_limits", "_reader", "_text")
    ),
    Target(
        "sesspec/serve/templates.py",
        ("tests/test_templates.py", "tests/test_state.py"),
        review="figures",
        goal=0.90,
    ),
    *(
        Target(
            f"sesspec/serve/state/{name}.py",
            ("tests/test_state.py", "tests/test_serve_local.py"),
            review="figures",
            goal=0.90,
        )
        for name in (
            "__init__",
            "account",
            "addresses",
            "calls",
            "configuration_sets",
            "counts",
            "identities",
            "persistence",
            "sending",
            "templates",
        )
    ),
)
BY_PATH = {t.path: t for t in MODULES}

#: What CI runs when no module above changed: functions that hold behaviours the mutation audit
#: found no test for (docs/spec.md#sigv2-time, #aws3-skew, #policy-legacy-dates), about a
#: hundred mutants whose tests take seconds. build_tree, the SignedHeaders findings and the
#: POST findings were in it and are reviewed, but their survivors run thousands of tests each:
#: too slow for CI's budget (BENCHMARKS.md); they run when a change touches them.
SAMPLE: tuple[tuple[str, str], ...] = (
    ("sesspec/signing/sigv2.py", "x__time_problem"),
    ("sesspec/signing/aws3.py", "x_request_time"),
    ("sesspec/check/rules/auth.py", "x__legacy_severity"),
)

# mutmut's exit codes (mutmut.stats.status_by_exit_code, 3.8.1) as this script counts them.
_KILLED = {1, 3}
_SURVIVED = {0}
_NO_TESTS = {5, 33}
_TIMEOUT = {24, -24, 36, 152, 255}
_NOT_KILLED = {"survived", "no tests", "suspicious"}


def status(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code in _KILLED:
        return "killed"
    if code in _SURVIVED:
        return "survived"
    if code in _NO_TESTS:
        return "no tests"
    if code in _TIMEOUT:
        return "timeout"
    return "suspicious"


# --- the per-module folder -----------------------------------------------------------------


#: Never run against a mutant: drawn bytes and drawn changes of valid requests through the whole
#: checker, which hold only that it never raises (half the time of a check rule's selection, for
#: every survivor of it; a mutant that makes the checker raise fails the samples' tests too).
_DESELECT = ("tests/test_check.py::TestNeverRaises",)


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def prepare(slug: str, paths: Sequence[str], tests: Sequence[str]) -> Path:
    """The folder .mutmut/<slug>/: links to the tree and a pyproject.toml that is the project's
    own (pytest's settings) with a mutmut table added: mutate ``paths``, judge with ``tests``."""
    work = WORK / slug
    work.mkdir(parents=True, exist_ok=True)
    for name in ("sesspec", "tests", *_ALSO):
        link = work / name
        if not link.is_symlink():
            link.symlink_to(REPO / name)
    table = "\n".join(
        (
            "",
            "[tool.mutmut]",
            'source_paths = ["sesspec"]',
            f"only_mutate = {_toml_list(paths)}",
            f"pytest_add_cli_args_test_selection = {_toml_list(tests)}",
            # the hypothesis profile of scripts/mutation_profile.py, loaded by tests/conftest.py
            "pytest_add_cli_args = "
            + _toml_list(
                (
                    *("-p", "no:cacheprovider", "-p", "scripts.mutation_profile"),
                    *(arg for node in _DESELECT for arg in ("--deselect", node)),
                )
            ),
            f"also_copy = {_toml_list(_ALSO)}",
            # Each run in a fresh child of a fork server (never in the process that ran the
            # tests before): a class's property tests meet a new instance once per process.
            'process_isolation = "forkserver"',
            "use_git_change_detection = false",
            'on_dependency_change = "ignore"',
            # A mutant that loops or grows without end is stopped after ten times its tests'
            # CPU time and ten seconds (mutmut's default, thirty times, let one such mutant of
            # encoding.py hold a child for many minutes on this shared machine).
            "timeout_multiplier = 5.0",
            "timeout_constant = 1.0",
            "",
        )
    )
    text = (REPO / "pyproject.toml").read_text("utf-8") + table
    config = work / "pyproject.toml"
    if not config.exists() or config.read_text("utf-8") != text:
        config.write_text(text, "utf-8")
    return work


def _env() -> dict[str, str]:
    env = dict(os.environ)
    vectors = os.environ.get("SESSPEC_VECTORS") or str(REPO.parent / "shared" / "vectors")
    env.update(SESSPEC_VECTORS=vectors, HYPOTHESIS_PROFILE="mutation", PYTHONDONTWRITEBYTECODE="1")
    return env


def _tests_digest() -> str:
    """SHA-256 over the tests' files (names and bytes)."""
    h = hashlib.sha256()
    for path in sorted((REPO / "tests").rglob("*.py")):
        h.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _refresh_tests(work: Path) -> None:
    """Copy the tests and what they read into an existing mutants/ folder again: mutmut copies
    them once, when it first writes the mutants, so that a later run (``--survivors`` after new
    tests) would otherwise judge the mutants with the tests as they were then."""
    mutants_dir = work / "mutants"
    if not mutants_dir.is_dir():
        return
    # mutmut's record of which test calls which function is kept between runs and extended
    # only for tests with new names: a test changed under its old name (one that now reaches
    # another function) would never be run against that function's mutants. Changed tests
    # mean the record is collected again.
    digest = _tests_digest()
    stamp = work / "tests.sha256"
    if not stamp.exists() or stamp.read_text("ascii") != digest:
        (mutants_dir / "mutmut-stats.json").unlink(missing_ok=True)
        stamp.write_text(digest, "ascii")
    for name in ("tests", *_ALSO):
        source = REPO / name
        if source.is_dir():
            skip = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, mutants_dir / name, dirs_exist_ok=True, ignore=skip)
        elif source.is_file():
            shutil.copy2(source, mutants_dir / name)


def run_mutmut(
    slug: str,
    paths: Sequence[str],
    tests: Sequence[str],
    names: Sequence[str] = (),
    *,
    max_children: int = 2,
) -> float:
    """Run mutmut in .mutmut/<slug>/ on ``paths`` judged by ``tests`` (only the mutants
    ``names``, globs, when given); the seconds taken."""
    work = prepare(slug, paths, tests)
    _refresh_tests(work)
    mutmut = Path(sys.executable).parent / "mutmut"
    if not mutmut.exists():
        msg = f"{mutmut} not found: pip install -e '.[mutation]' (make mutate does)"
        raise SystemExit(msg)
    started = time.monotonic()
    cmd = [str(mutmut), "run", "--max-children", str(max_children), *names]
    done = subprocess.run(cmd, cwd=work, env=_env(), check=False)
    took = time.monotonic() - started
    if done.returncode != 0:
        msg = f"mutmut failed on {', '.join(paths)} (exit {done.returncode}); see above"
        raise SystemExit(msg)
    return took


# --- reading what mutmut wrote ---------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One mutant: mutmut's key, its status, and what it changed (stable across runs: mutmut
    numbers the mutants of a function anew whenever the function changes)."""

    key: str
    function: str
    status: str
    removed: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def change(self) -> str:
        return " / ".join(self.removed) + " => " + " / ".join(self.added)


def _function_of(key: str, module: str) -> tuple[str, str]:
    """(the mangled function, mutmut's generated name) of a key like ``m.x_f__mutmut_3``."""
    generated = key[len(module) + 1 :]
    return generated.partition("__mutmut_")[0], generated


def _changed_lines(orig: str, mutant: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    a = [line.strip() for line in orig.splitlines()]
    b = [line.strip() for line in mutant.splitlines()]
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return tuple(removed), tuple(added)


def _strip_marker(source: str) -> str:
    marker = "  # type: ignore # mutmut generated"
    return "\n".join(line.split(marker)[0].rstrip() for line in source.splitlines())


def mutants(target: Target, slug: str | None = None) -> list[Mutant]:
    """Every mutant of the module mutmut has generated in .mutmut/<slug>/ (the module's own
    folder by default), with its status (empty before a run)."""
    base = WORK / (slug or target.slug) / "mutants" / target.path
    meta_path = Path(f"{base}.meta")
    spans_path = Path(f"{base}.spans")
    if not meta_path.exists() or not spans_path.exists():
        return []
    meta = json.loads(meta_path.read_text("utf-8"))
    spans = json.loads(spans_path.read_text("utf-8"))["spans"]
    lines = base.read_text("utf-8").splitlines()

    def source(name: str) -> str:
        start, end = spans[name]
        return _strip_marker("\n".join(lines[start - 1 : end]))

    out: list[Mutant] = []
    for key, code in meta["exit_code_by_key"].items():
        function, generated = _function_of(key, target.module)
        # Both copies named as the function, so that only the mutation differs.
        orig = source(f"{function}__mutmut_orig").replace(f"{function}__mutmut_orig", function)
        changed = source(generated).replace(generated, function)
        removed, added = _changed_lines(orig, changed)
        out.append(Mutant(key, function, status(code), removed, added))
    return out


# --- the equivalents list ------------------------------------------------------------------


@dataclass(frozen=True)
class Equivalent:
    module: str
    function: str
    change: str
    why: str


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text("utf-8"))
    out: list[Equivalent] = []
    for entry in data.get("equivalent", []):
        for field in ("module", "function", "change", "why"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                msg = f"{path}: an entry lacks {field}: {entry!r}"
                raise SystemExit(msg)
        out.append(Equivalent(entry["module"], entry["function"], entry["change"], entry["why"]))
    return out


def covers(entry: Equivalent, target: Target, m: Mutant) -> bool:
    """Whether an equivalents entry names ``m``: the module, and the function and the change
    matched as shell patterns (``*`` for any text; ``[`` and ``]`` written ``[[]`` and ``[]]``)."""
    return (
        entry.module == target.path
        and fnmatch.fnmatchcase(m.function, entry.function)
        and fnmatch.fnmatchcase(m.change, entry.change)
    )


def unreviewed(
    target: Target, found: Sequence[Mutant], listed: Sequence[Equivalent]
) -> list[Mutant]:
    """The survivors (and mutants no test runs) that the equivalents list does not name."""
    return [
        m
        for m in found
        if m.status in _NOT_KILLED and not any(covers(e, target, m) for e in listed)
    ]


def _toml_string(text: str) -> str:
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    return json.dumps(text)


def stub(target: Target, m: Mutant) -> str:
    """An equivalents entry for ``m`` to complete with the reason."""
    return (
        "[[equivalent]]\n"
        f"module = {_toml_string(target.path)}\n"
        f"function = {_toml_string(m.function)}\n"
        f"change = {_toml_string(m.change)}\n"
        "why = ''\n"
    )


# --- the committed record ------------------------------------------------------------------


def summary(
    target: Target, found: Sequence[Mutant], listed: Sequence[Equivalent]
) -> dict[str, object]:
    counts = Counter(m.status for m in found)
    left = unreviewed(target, found, listed)
    total = len(found)
    equivalent = sum(1 for m in found if m.status in _NOT_KILLED) - len(left)
    killed = counts["killed"] + counts["timeout"]
    score = (killed + equivalent) / total if total else 0.0
    return {
        "module": target.path,
        # "full" only once every mutant has run and every survivor is killed or listed: until
        # then "partial" (a run stopped before its end leaves mutants not run).
        "review": (
            "partial"
            if target.review == "full" and (left or counts["not checked"])
            else target.review
        ),
        "mutants": total,
        "killed": killed,
        "timeout": counts["timeout"],
        "equivalent": equivalent,
        "unreviewed": len(left),
        "not_checked": counts["not checked"],
        "killed_share": round(killed / total, 4) if total else 0.0,
        "score": round(score, 4),
        "goal": target.goal,
    }


def record(targets: Sequence[Target], timings: dict[str, float]) -> None:
    listed = load_equivalents()
    previous: dict[str, dict[str, object]] = {}
    if RESULTS.exists():
        previous = {r["module"]: r for r in json.loads(RESULTS.read_text("utf-8"))["modules"]}
    for target in targets:
        found = mutants(target)
        if not found:
            continue
        row = summary(target, found, listed)
        seconds = timings.get(target.path) or previous.get(target.path, {}).get("seconds")
        row["seconds"] = round(float(seconds), 1) if isinstance(seconds, int | float) else None
        previous[target.path] = row
    rows = [previous[t.path] for t in MODULES if t.path in previous]
    RECORD.mkdir(exist_ok=True)
    document = {"tool": "mutmut 3.8.1", "max_children": 2, "modules": rows}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")
    readme = RECORD / "README.md"
    if readme.exists():
        text = readme.read_text("utf-8")
        begin, end = "<!-- results: begin -->", "<!-- results: end -->"
        if begin in text and end in text:
            head, rest = text.split(begin, 1)
            tail = rest.split(end, 1)[1]
            readme.write_text(f"{head}{begin}\n{table(rows)}{end}{tail}", "utf-8")
            print(f"wrote {readme.relative_to(REPO)}")


def table(rows: Sequence[dict[str, object]]) -> str:
    """The results as a Markdown table (mutation/README.md)."""
    lines = [
        "| module | review | mutants | killed | equivalent | unreviewed | not run | killed "
        "| killed or equivalent | goal | run (s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        score = float(str(r["score"]))
        goal = float(str(r["goal"]))
        lines.append(
            f"| `{r['module']}` | {r['review']} | {r['mutants']} | {r['killed']} "
            f"| {r['equivalent']} | {r['unreviewed']} | {r['not_checked']} "
            f"| {float(str(r['killed_share'])):.1%} | {score:.1%} "
            f"| {goal:.0%} "
            f"| {r.get('seconds') or ''} |"
        )
    return "\n".join(lines) + "\n"


# --- what a change touches -------------------------------------------------------------------


def _git(*args: str) -> str | None:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else None


def _default_base() -> str:
    for ref in ("origin/main", "main"):
        if _git("rev-parse", "--verify", "--quiet", ref) is not None:
            return ref
    return "HEAD"


def changed_functions(base: str) -> dict[str, set[str]]:
    """The mangled names of the functions (and methods) of MODULES whose lines changed since the
    merge base of HEAD and ``base``, the working tree included."""
    merge_base = (_git("merge-base", "HEAD", base) or "").strip()
    if not merge_base:
        return {}
    diff = _git("diff", "--unified=0", merge_base, "--", *BY_PATH) or ""
    lines: dict[str, set[int]] = {}
    current = ""
    for line in diff.splitlines():
        if line.startswith("+++ "):
            current = line[6:] if line.startswith("+++ b/") else ""
        elif line.startswith("@@") and current:
            found = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", line)
            if found:
                start, count = int(found.group(1)), int(found.group(2) or "1")
                lines.setdefault(current, set()).update(range(start, start + max(count, 1)))
    out: dict[str, set[str]] = {}
    for path, numbers in lines.items():
        tree = ast.parse((REPO / path).read_text("utf-8"))
        for node, cls in _functions(tree):
            end = node.end_lineno or node.lineno
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            if any(first <= n <= end for n in numbers):
                name = f"x\u01c1{cls}\u01c1{node.name}" if cls else f"x_{node.name}"
                out.setdefault(path, set()).add(name)
    return out


def _functions(tree: ast.Module) -> Iterable[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node, ""
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield item, node.name


# --- commands --------------------------------------------------------------------------------


def _targets(paths: Sequence[str], *, every: bool) -> list[Target]:
    if every:
        return list(MODULES)
    unknown = [p for p in paths if p not in BY_PATH]
    if unknown:
        msg = f"not in MODULES: {', '.join(unknown)} (known: {', '.join(BY_PATH)})"
        raise SystemExit(msg)
    return [BY_PATH[p] for p in paths]


def _show(target: Target, left: Sequence[Mutant], *, toml: bool) -> None:
    for m in left:
        if toml:
            print(stub(target, m))
            continue
        print(f"{m.key}  [{m.status}]")
        print("\n".join(f"    - {line}" for line in m.removed))
        print("\n".join(f"    + {line}" for line in m.added))


def run_ci(base: str, *, max_children: int) -> int:
    """The functions a change touches (else :data:`SAMPLE`) in one mutmut run, judged by the
    modules' ``ci_tests``; 1 when a survivor is not in the equivalents list."""
    touched = changed_functions(base)
    plan: dict[str, set[str]] = {}
    if touched:
        plan = touched
        what = "changed since the merge base with " + base
    else:
        for path, function in SAMPLE:
            plan.setdefault(path, set()).add(function)
        what = "the fixed sample (no function of MODULES changed)"
    print(f"mutation: {sum(len(v) for v in plan.values())} function(s), {what}")
    targets = [BY_PATH[p] for p in sorted(plan)]
    tests = list(dict.fromkeys(t for target in targets for t in target.ci_tests or target.tests))
    names = [f"{t.module}.{f}__mutmut_*" for t in targets for f in sorted(plan[t.path])]
    took = run_mutmut("ci", [t.path for t in targets], tests, names, max_children=max_children)
    listed = load_equivalents()
    bad = 0
    for target in targets:
        globs = [f"{target.module}.{f}__mutmut_*" for f in sorted(plan[target.path])]
        chosen = [
            m for m in mutants(target, "ci") if any(fnmatch.fnmatchcase(m.key, g) for g in globs)
        ]
        if not chosen and not touched:
            print(f"{target.path}: the sample names functions without mutants: {globs}")
            bad += 1
        left = unreviewed(target, chosen, listed)
        counts = dict(Counter(m.status for m in chosen))
        print(f"{target.path}: {len(chosen)} mutants {counts}, {len(left)} unreviewed")
        _show(target, left, toml=False)
        bad += len(left)
    print(f"mutation: {took:.0f} s")
    if bad:
        print(
            f"{bad} unreviewed survivor(s): kill each with a test, or list it in "
            f"{EQUIVALENTS.relative_to(REPO)} with why it is equivalent"
        )
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "survivors", "record"):
        p = sub.add_parser(name)
        p.add_argument("paths", nargs="*", help="modules of MODULES, e.g. sesspec/encoding.py")
        p.add_argument("--all", action="store_true", help="every module of MODULES")
        if name == "run":
            p.add_argument("--max-children", type=int, default=2)
            p.add_argument("--only", nargs="*", default=[], help="mutant globs to run")
            p.add_argument(
                "--survivors", action="store_true", help="run the last run's survivors again"
            )
            p.add_argument(
                "--fresh", action="store_true", help="forget mutmut's cache: every mutant anew"
            )
        if name == "survivors":
            p.add_argument("--toml", action="store_true", help="as equivalents entries")
    p = sub.add_parser("ci")
    p.add_argument("--base", default=None, help="the branch a change is measured against")
    p.add_argument("--max-children", type=int, default=2)
    sub.add_parser("list")
    args = parser.parse_args(argv)
    if args.command == "list":
        for t in MODULES:
            print(f"{t.path:<36} {t.review:<8} {len(t.tests)} test files")
        return 0
    if args.command == "ci":
        return run_ci(args.base or _default_base(), max_children=args.max_children)
    targets = _targets(args.paths, every=args.all)
    if not targets:
        parser.error("name a module or give --all")
    if args.command == "run":
        timings: dict[str, float] = {}
        for target in targets:
            cache = WORK / target.slug / "mutants"
            if args.fresh and cache.exists():
                shutil.rmtree(cache)
            whole = not args.only and not args.survivors and not cache.exists()
            names = list(args.only)
            if args.survivors:
                # mutmut keeps a verdict until the function changes: after new tests, the
                # survivors are run again by name.
                names += [m.key for m in mutants(target) if m.status in _NOT_KILLED]
                if not names:
                    print(f"{target.path}: no survivors to run again")
                    continue
            took = run_mutmut(
                target.slug, [target.path], target.tests, names, max_children=args.max_children
            )
            if whole:
                timings[target.path] = took
            print(f"{target.path}: {took:.0f} s")
        record(targets, timings)
        return 0
    if args.command == "record":
        record(targets, {})
        return 0
    listed = load_equivalents()
    worst = 0
    for target in targets:
        left = unreviewed(target, mutants(target), listed)
        print(f"# {target.path}: {len(left)} unreviewed")
        _show(target, left, toml=args.toml)
        worst = max(worst, len(left))
    return 1 if worst else 0


if __name__ == "__main__":
    raise SystemExit(main())
