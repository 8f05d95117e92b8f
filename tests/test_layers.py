"""The rings of docs/architecture.md, held to the code.

Two proofs: every module's imports, read from its source (AST), point only at its own ring or
rings inside it, and the rings inside the harness import no socket, process or extra module
directly; and each module of those rings imports in a fresh interpreter that has no
site-packages (so neither lxml nor trustme), with ``ssl``, ``subprocess``, the extras and the
harness modules blocked and opening a socket refused, as on an install without extras.
The command line's side of it: every subcommand's ``--help`` works there too, and a command
that needs an extra exits 2 with one line naming it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

from sesspec._extras import EXTRAS
from sesspec.cli import COMMANDS, Command
from tests._support import REPO

PACKAGE = REPO / "sesspec"

#: The rings, innermost first (docs/architecture.md): a module may import its own ring and the
#: rings before it.
RINGS = ("core", "check", "inputs", "report", "harness", "cli")


def ring_of(module: str) -> str:
    """The ring of a module of the package, as docs/architecture.md's table places it."""
    if module == "sesspec.__main__":
        return "cli"
    if module == "sesspec.cli" or module.startswith("sesspec.cli."):
        return "cli"
    if module in ("sesspec.check.sources", "sesspec.serve.capture", "sesspec.serve"):
        return "inputs"
    if module in ("sesspec.report.run", "sesspec.report.judge"):
        return "harness"
    if module.startswith(("sesspec.serve.", "sesspec.drivers")):
        return "harness"
    if module.startswith("sesspec.report"):
        return "report"
    if module in ("sesspec", "sesspec.check") or module.startswith("sesspec.fidelity"):
        return "check"
    if module.startswith("sesspec.check."):
        return "check"
    return "core"


#: Standard-library modules the rings inside the harness do not import: they open sockets,
#: start processes or run event loops.
HARNESS_ONLY = frozenset(
    {
        "asyncio",
        "concurrent",
        "ftplib",
        "http",
        "multiprocessing",
        "select",
        "selectors",
        "smtplib",
        "socket",
        "socketserver",
        "ssl",
        "subprocess",
        "urllib.request",
    }
)

#: Third-party modules a module of an inner ring may import, and why.
ALLOWED_EXTERNAL = {
    "sesspec.report.html": {"lxml"},  # pure, but needs the report extra
    "sesspec.report.junit": {"lxml"},  # pure, but needs the report extra
    "sesspec.strategies": {"hypothesis"},  # a test aid: the test extra, imported by no module
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in sorted(PACKAGE.rglob("*.py"))
        if "node_modules" not in p.parts and p.parent.name != "js"
    }


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (a function's import counts), except under
    ``if TYPE_CHECKING:``; ``from a import b`` counts as ``a.b`` when that is a module."""
    found: set[str] = set()
    modules = _modules()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            assert isinstance(node, ast.If)
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text("utf-8"), str(path)))
    return found


def _ours(name: str) -> str | None:
    """The package module ``name`` is, or lies in (``sesspec.check.finding`` for
    ``sesspec.check.finding``); None outside the package."""
    modules = _modules()
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def test_every_module_has_a_ring() -> None:
    assert {ring_of(m) for m in _modules()} == set(RINGS)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_imports_stay_inside(module: str) -> None:
    """A module imports its own ring and the rings inside it; the rings inside the harness
    import no socket, process or event-loop module, and no third-party module but those
    ALLOWED_EXTERNAL names."""
    ring = RINGS.index(ring_of(module))
    outward = []
    forbidden = []
    for name in sorted(_imports(_modules()[module])):
        mine = _ours(name)
        if mine is not None:
            if RINGS.index(ring_of(mine)) > ring:
                outward.append(f"{name} ({ring_of(mine)})")
            continue
        if ring >= RINGS.index("harness"):
            continue
        top = name.partition(".")[0]
        if top not in sys.stdlib_module_names:
            if top not in ALLOWED_EXTERNAL.get(module, set()):
                forbidden.append(f"{name} (third-party)")
        elif top in HARNESS_ONLY or name in HARNESS_ONLY:
            forbidden.append(f"{name} (opens sockets or processes)")
    assert not outward, f"{module} ({ring_of(module)}) imports outward: {outward}"
    assert not forbidden, f"{module} ({ring_of(module)}) imports {forbidden}"


def test_the_report_package_does_not_import_the_harness() -> None:
    init = _imports(PACKAGE / "report" / "__init__.py")
    assert "sesspec.report.run" not in init
    assert not any(_ours(n) and ring_of(_ours(n) or "") == "harness" for n in init)


def test_drivers_do_not_import_the_endpoint_for_the_credentials() -> None:
    """drivers/base.py imported serve.strict (and with it the endpoint) for two constants."""
    assert not any(n.startswith("sesspec.serve") for n in _imports(PACKAGE / "drivers" / "base.py"))


# --- no import loop ----------------------------------------------------------------------------


def _import_graph() -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports (as :func:`_imports`
    reads them: a function's import counts, one under ``if TYPE_CHECKING:`` does not)."""
    return {
        module: {mine for n in _imports(path) if (mine := _ours(n)) not in (None, module)}
        for module, path in _modules().items()
    }


def _loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every loop of ``graph``, one per module that lies on one, as the path of imports from that
    module back to itself (the shortest: a breadth-first search), sorted."""
    loops: list[list[str]] = []
    for start in sorted(graph):
        came_from: dict[str, str] = {}
        frontier = [start]
        while frontier and start not in came_from:
            following: list[str] = []
            for module in frontier:
                for imported in sorted(graph.get(module, ())):
                    if imported not in came_from:
                        came_from[imported] = module
                        following.append(imported)
            frontier = following
        if start in came_from:
            path = [start]
            while len(path) == 1 or path[-1] != start:
                path.append(came_from[path[-1]])
            loops.append(path[::-1])
    return loops


def test_loops_are_found_directly_and_through_others() -> None:
    """The finder itself, on graphs written by hand: a module that imports one that imports it
    back, a loop through a third module, and no loop where the imports only go one way."""
    assert _loops({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b", "a"], ["b", "a", "b"]]
    assert _loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [
        ["a", "b", "c", "a"],
        ["b", "c", "a", "b"],
        ["c", "a", "b", "c"],
    ]
    assert _loops({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_no_two_modules_import_each_other() -> None:
    """No module of the package imports one that imports it back, directly or through others
    (the fused SigV4 path and the SigV4 module once did, kept alive by an import at the end of
    the file). The graph holds every module of the package."""
    graph = _import_graph()
    assert graph["sesspec.signing.sigv4._signer"] >= {"sesspec.signing.sigv4._fast"}
    assert _loops(graph) == []


# --- a plain install: no site-packages, the extras and the harness blocked ----------------------

#: What the plain interpreter refuses to import: the extras, and what opens sockets or starts
#: processes.
BLOCKED = ("lxml", "trustme", "ssl", "subprocess", "multiprocessing", "asyncio", "socketserver")

_PLAIN = """
import importlib, json, socket, sys

BLOCKED = set(json.loads(sys.argv[1]))
HARNESS = set(json.loads(sys.argv[2]))


class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED or name in HARNESS:
            raise ModuleNotFoundError(f"blocked: {name}", name=name)
        return None


def no_socket(*args, **kwargs):
    raise OSError("a pure module opened a socket")


sys.meta_path.insert(0, Blocker())
socket.socket = no_socket
socket.create_connection = no_socket
results = {}
for name in json.loads(sys.argv[3]):
    try:
        importlib.import_module(name)
        results[name] = "ok"
    except ImportError as exc:
        results[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(results))
"""


def _plain_env() -> dict[str, str]:
    """The environment of a plain interpreter: sesspec from this checkout, no site-packages
    (``python -S``), nothing inherited that could put them back."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_inner_rings_import_on_a_plain_install() -> None:
    inner = [m for m in _modules() if RINGS.index(ring_of(m)) < RINGS.index("harness")]
    harness = [m for m in _modules() if ring_of(m) in ("harness", "cli")]
    done = subprocess.run(
        [sys.executable, "-S", "-c", _PLAIN, *map(json.dumps, (BLOCKED, harness, inner))],
        capture_output=True,
        text=True,
        env=_plain_env(),
        timeout=120,
        check=True,
    )
    results = json.loads(done.stdout)
    needs_lxml = {"sesspec.report.html", "sesspec.report.junit", "sesspec.strategies"}
    assert {m: r for m, r in results.items() if m not in needs_lxml and r != "ok"} == {}
    # The renderers that need lxml say which extra brings it; the rest of the package imports.
    for module, feature in (("html", "the HTML report"), ("junit", "the JUnit XML report")):
        assert results[f"sesspec.report.{module}"] == (
            f"MissingExtraError: {feature} needs the 'report' extra (lxml is not installed): "
            "pip install lxml trustme"
        )
    assert results["sesspec.strategies"].startswith("ModuleNotFoundError")  # hypothesis


def test_the_issue_import_on_a_plain_install() -> None:
    """``python -c "import sesspec.report.markdown, sesspec.check"`` with no extras."""
    code = (
        "import sys, sesspec.report.markdown, sesspec.check\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in "
        "('lxml', 'trustme', 'ssl', 'subprocess')))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        env=_plain_env(),
        timeout=60,
        check=True,
    )
    assert done.stdout == "[]\n"


def _sesspec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-S", "-m", "sesspec", *args],
        capture_output=True,
        text=True,
        env=_plain_env(),
        timeout=120,
        check=False,
    )


def test_help_works_without_the_extras() -> None:
    top = _sesspec("--help")
    assert top.returncode == 0
    for command in COMMANDS:
        assert f"  {command.name} " in top.stdout
    for command in COMMANDS:
        done = _sesspec(command.name, "--help")
        assert (done.returncode, done.stderr) == (0, ""), command.name
        assert done.stdout.startswith(f"usage: sesspec {command.name}"), done.stdout[:200]
        assert "options:" in done.stdout


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.extra], ids=lambda c: c.name)
def test_a_missing_extra_is_one_line_exit_2(command: Command) -> None:
    done = _sesspec(command.name)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"sesspec {command.name}: needs the {command.extra!r} extra (lxml, trustme not "
        f"installed): pip install lxml trustme\n"
    )


def test_extras_match_pyproject() -> None:
    """sesspec._extras.EXTRAS names, by import name, what pyproject's extras install."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    declared = project["optional-dependencies"]
    for extra, modules in EXTRAS.items():
        names = {
            req.split(">")[0].split("=")[0].split("[")[0].strip().lower() for req in declared[extra]
        }
        assert names == set(modules), extra


# --- one owner per concern (docs/architecture.md, "One owner per concern") ----------------------

#: Modules that may decode a request's query or body themselves: the owner, and the SigV4
#: signer, which moves a form body into a presigned query (botocore's presign for SES).
PARAM_READERS = frozenset({"sesspec.params", "sesspec.signing.sigv4._signer"})


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(n, ast.Call)]


@pytest.mark.parametrize("module", sorted(_modules()))
def test_request_parameters_are_read_by_their_owner(module: str) -> None:
    """``form_decode(x.query)`` or ``form_decode(x.body)``: only in sesspec.params."""
    found = [
        call.lineno
        for call in _calls(_modules()[module])
        if isinstance(call.func, ast.Name | ast.Attribute)
        and (call.func.id if isinstance(call.func, ast.Name) else call.func.attr) == "form_decode"
        and call.args
        and isinstance(call.args[0], ast.Attribute)
        and call.args[0].attr in ("query", "body")
    ]
    assert module in PARAM_READERS or not found, f"{module} reads parameters at lines {found}"


@pytest.mark.parametrize("module", sorted(_modules()))
def test_session_tokens_are_masked_by_their_owner(module: str) -> None:
    """A regular expression that finds a session token is sesspec.masking's alone."""
    found = [
        call.lineno
        for call in _calls(_modules()[module])
        if isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "re"
        and call.func.attr in ("compile", "sub", "finditer", "search")
        and call.args
        and any(
            isinstance(a, ast.Constant)
            and isinstance(a.value, str | bytes)
            and b"security-token"
            in (
                a.value if isinstance(a.value, bytes) else a.value.encode("utf-8", "surrogatepass")
            ).lower()
            for a in ast.walk(call.args[0])
        )
    ]
    assert module == "sesspec.masking" or not found, f"{module} masks tokens at lines {found}"


def test_the_endpoint_reads_with_the_core_reader() -> None:
    """The endpoint frames no request itself: it imports the core's reader."""
    assert "sesspec.http" in _imports(PACKAGE / "serve" / "transport.py")
    source = (PACKAGE / "serve" / "transport.py").read_text("utf-8")
    assert "RequestReader(" in source
    for own in ("_parse_head", "_read_chunked", "_CHUNK_LINE", "_content_length"):
        assert own not in source


# --- the endpoint in layers (docs/architecture.md#the-endpoint-in-layers) ---------------------

#: The endpoint's applications and what they stand on: none of them opens a socket.
ENDPOINT_APPLICATIONS = ("sesspec.serve.app", "sesspec.serve.admin")
#: The modules of the endpoint that hold what a request means (SES, the state, the checker):
#: the transport imports none of them.
SES_MODULES = (
    "sesspec.serve.app",
    "sesspec.serve.admin",
    "sesspec.serve.state",
    "sesspec.serve.responses",
    "sesspec.serve.strict",
    "sesspec.serve.capture",
    "sesspec.serve.inbox",
    "sesspec.serve.mailbox",
    "sesspec.serve.templates",
    "sesspec.query",
    "sesspec.params",
    "sesspec.model",
    "sesspec.check",
)
#: The endpoint's layers, each a module of about 500 lines at most.
LAYER_MODULES = (
    "sesspec.serve.server",
    "sesspec.serve.transport",
    "sesspec.serve.writer",
    "sesspec.serve.exchange",
    "sesspec.serve.app",
    "sesspec.serve.admin",
    *(m for m in _modules() if m.startswith("sesspec.serve.state")),
)


def _package_closure(start: str, *, stop: frozenset[str] = frozenset()) -> set[str]:
    """The package's modules ``start`` imports, directly or through others (``stop`` not
    followed), ``start`` included."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen or module in stop:
            continue
        seen.add(module)
        for name in _imports(_modules()[module]):
            ours = _ours(name)
            if ours is not None:
                todo.append(ours)
                todo.extend(p for p in _parents(ours) if p in _modules())
    return seen


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@pytest.mark.parametrize("application", ENDPOINT_APPLICATIONS)
def test_the_applications_open_no_socket(application: str) -> None:
    """An application and every module it stands on import no socket, TLS, selector or
    process module, and not the transport: it is a function of the request, the state and the
    mode, testable without a socket (tests/test_serve_app.py)."""
    closure = _package_closure(application)
    assert "sesspec.serve.transport" not in closure
    assert "sesspec.serve.server" not in closure
    for module in sorted(closure):
        stdlib = {n for n in _imports(_modules()[module]) if _ours(n) is None}
        opened = sorted(n for n in stdlib if n in HARNESS_ONLY or n.split(".")[0] in HARNESS_ONLY)
        assert not opened, f"{application} stands on {module}, which imports {opened}"


@pytest.mark.parametrize("name", ["transport.py", "writer.py"])
def test_the_transport_knows_no_ses_action(name: str) -> None:
    """The transport imports nothing that reads a request's meaning, and names no SES action,
    no ``Action`` parameter, no SES error code: it moves bytes and answers what it is given."""
    path = PACKAGE / "serve" / name
    imported = {_ours(n) for n in _imports(path)} - {None}
    for module in SES_MODULES:
        assert not any(m == module or m.startswith(f"{module}.") for m in imported if m), module
    source = path.read_text("utf-8")
    from sesspec.model import ses_model

    words = set(re.findall(r"[A-Za-z]+", source))
    named = sorted(words & {*ses_model().operations, "Action", "SesError", "MalformedHTTPRequest"})
    assert not named, f"the transport names {named}"


def test_the_state_dispatches_by_a_table() -> None:
    """Each action is a handler in a store module's table (the front joins them): no
    ``getattr`` on method names, and the request's origin is an argument, not a context
    variable."""
    from sesspec.serve import state

    assert set(state.HANDLERS) == state.ACTIONS
    for action, handler in state.HANDLERS.items():
        assert handler.__module__.startswith("sesspec.serve.state."), action
    for module in (m for m in _modules() if m.startswith("sesspec.serve.state")):
        path = _modules()[module]
        assert "contextvars" not in _imports(path), module
        calls = [c for c in _calls(path) if isinstance(c.func, ast.Name)]
        assert not [c.lineno for c in calls if c.func.id == "getattr"], module  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", LAYER_MODULES)
def test_a_layer_is_a_module_of_its_size(module: str) -> None:
    lines = _modules()[module].read_text("utf-8").count("\n")
    assert lines <= 500, f"{module}: {lines} lines"


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_a_sigv4_signature_is_assembled_by_its_owners(module: str) -> None:
    """``compute`` (the SigV4 stages assembled) is called by the signer and by
    ``sigv4.recompute`` alone: the verifier and the checker recompute a signature through
    that one function, never by assembling the stages themselves."""
    found = [c.lineno for c in _calls(_modules()[module]) if _call_name(c) == "compute"]
    owners = {"sesspec.signing.sigv4._signer", "sesspec.signing.sigv4._verify"}
    assert module in owners or not found, f"{module} assembles a signature at lines {found}"


def test_the_checker_recomputes_through_the_verifiers_function() -> None:
    calls = {_call_name(c) for c in _calls(PACKAGE / "check" / "rules" / "auth.py")}
    assert "recompute" in calls
    assert "compute" not in calls


def test_one_type_holds_the_parts_of_a_sigv4_authorization() -> None:
    """A class whose fields hold an access key id and a signature (the parts of an
    Authorization header) is sigv4's Authorization, or AWS3-HTTPS's header of its own."""
    holders = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                fields = {
                    item.target.id
                    for item in node.body
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                }
                if {"access_key_id", "signature"} <= fields:
                    holders.append(f"{module}.{node.name}")
    assert sorted(holders) == [
        "sesspec.signing.aws3.Aws3Authorization",
        "sesspec.signing.sigv4._reader.Authorization",
    ]
