"""The Node clients' packages live in a per-user cache: ``npm ci`` runs there,
keyed by the lockfile's hash, never in the source tree or site-packages, and the driver scripts
are copied beside the packages to run. ``npm`` is a stand-in here (a script that writes what
``npm ci`` would), so the tests need neither the network nor Node.
"""

from __future__ import annotations

import hashlib
import json
import stat
import sys
from pathlib import Path

import pytest

from sesspec.drivers import node
from sesspec.drivers.node import JS_DIR

_FAKE_NPM = """#!{python}
import json, pathlib, sys
here = pathlib.Path.cwd()
calls = pathlib.Path({calls!r})
with calls.open("a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if {fail!r}:
    sys.stderr.write("npm ERR! code ECONNREFUSED\\nnpm ERR! network down\\n")
    sys.exit(1)
assert sys.argv[1] == "ci", sys.argv
assert (here / "package-lock.json").is_file()
package = here / "node_modules" / "aws4"
package.mkdir(parents=True)
(package / "package.json").write_text(json.dumps({{"name": "aws4", "version": "1.13.2"}}))
"""


def _fake_npm(folder: Path, *, fail: bool = False) -> tuple[Path, Path]:
    calls = folder / "npm-calls.txt"
    npm = folder / "npm"
    npm.write_text(_FAKE_NPM.format(python=sys.executable, calls=str(calls), fail=fail))
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    return npm, calls


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.iterdir() if p.name != "node_modules")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    return root


def test_the_cache_is_per_user_and_per_lockfile(cache: Path) -> None:
    lock = hashlib.sha256((JS_DIR / "package-lock.json").read_bytes()).hexdigest()
    assert node.node_dir() == cache / "sesspec" / "node" / lock[:16]
    assert not node.installed()
    assert node.package_version("aws4") is None


def test_npm_ci_runs_in_the_cache(cache: Path, tmp_path: Path) -> None:
    npm, calls = _fake_npm(tmp_path)
    shipped = _tree(JS_DIR)
    assert node.install(str(npm)) == (True, "")
    assert node.installed()
    assert node.package_version("aws4") == "1.13.2"
    assert calls.read_text() == "ci --no-audit --no-fund --loglevel=error\n"
    # Only the finished folder is left in the cache; the package folder is untouched.
    assert [p.name for p in node.node_dir().parent.iterdir()] == [node.node_dir().name]
    assert _tree(JS_DIR) == shipped
    # Installed once: the second call does not run npm.
    assert node.install(str(npm)) == (True, "")
    assert calls.read_text().count("ci ") == 1
    assert cache in node.node_dir().parents


def test_a_failed_install_leaves_nothing(cache: Path, tmp_path: Path) -> None:
    npm, _ = _fake_npm(tmp_path, fail=True)
    assert node.install(str(npm)) == (False, "npm ERR! network down")
    assert not node.installed()
    assert list(node.node_dir().parent.iterdir()) == []


def test_no_npm(cache: Path, tmp_path: Path) -> None:
    assert node.install(str(tmp_path / "no-npm")) == (False, "npm is not on PATH")
    assert not (cache / "sesspec" / "node").exists() or not node.installed()


def test_scripts_run_beside_the_packages(cache: Path) -> None:
    folder = node.prepare()
    assert folder == node.node_dir()
    scripts = sorted(JS_DIR.glob("*.mjs"))
    assert {"_guard.mjs", "aws4.mjs"} <= {p.name for p in scripts}
    for script in scripts:
        assert (folder / script.name).read_bytes() == script.read_bytes()
    # A copy that differs from the shipped script (an older sesspec's) is replaced.
    (folder / "aws4.mjs").write_text("// stale\n", encoding="utf-8")
    node.prepare()
    assert (folder / "aws4.mjs").read_bytes() == (JS_DIR / "aws4.mjs").read_bytes()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_package_json_pins_what_the_drivers_import() -> None:
    """Every package a Node driver needs is in package.json (which npm ci installs)."""
    from sesspec.drivers.registry import NodeDriver, all_drivers

    pinned = set(json.loads((JS_DIR / "package.json").read_text("utf-8"))["dependencies"])
    needed = {p for d in all_drivers() if isinstance(d, NodeDriver) for p in d.packages}
    assert needed <= pinned
