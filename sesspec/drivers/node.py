"""The Node clients' packages: installed into a per-user cache, never the source tree or
site-packages.

``js/package.json`` and ``js/package-lock.json`` pin the clients. ``npm ci`` installs them
into ``${XDG_CACHE_HOME:-~/.cache}/sesspec/node/<lock>/node_modules``, where ``<lock>`` is the
first 16 hex digits of the lockfile's SHA-256: a new lockfile installs anew, the same one is
installed once per user, and an installed wheel (whose package folder may be read-only) runs
the drivers as a checkout does. Node resolves an ES module's bare imports from the folders
above the module's own file, so the driver scripts (``js/*.mjs``) are copied beside
``node_modules`` before they run (:func:`prepare`).

``python -m sesspec.drivers.node`` installs them (``make test`` and ``sesspec report --install``
do); it does nothing when they are installed already.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["JS_DIR", "install", "installed", "main", "node_dir", "package_version", "prepare"]


def __dir__() -> list[str]:
    return __all__


#: The driver scripts and the package pins, as shipped (read only).
JS_DIR = Path(__file__).resolve().parent / "js"

#: Written into ``node_modules`` once ``npm ci`` has finished there.
_DONE = ".sesspec-installed"


def _cache_root() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "sesspec" / "node"


def node_dir() -> Path:
    """Where the packages of this ``package-lock.json`` are (or will be) installed."""
    digest = hashlib.sha256((JS_DIR / "package-lock.json").read_bytes()).hexdigest()
    return _cache_root() / digest[:16]


def installed() -> bool:
    """Whether ``npm ci`` has completed in :func:`node_dir`."""
    return (node_dir() / "node_modules" / _DONE).is_file()


def package_version(package: str, *, folder: Path | None = None) -> str | None:
    """The installed version of an npm package (``@aws-sdk/client-ses``), None if absent:
    in :func:`node_dir` once ``npm ci`` has completed there, or in ``folder``'s
    ``node_modules``."""
    if folder is None:
        if not installed():
            return None
        folder = node_dir()
    manifest = folder / "node_modules" / package / "package.json"
    try:
        document = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return str(document.get("version", "?")) if isinstance(document, dict) else "?"


def install(npm: str | None = None, *, timeout: float = 900.0) -> tuple[bool, str]:
    """``npm ci`` into :func:`node_dir` unless done; (True, "") or (False, why).

    The install runs in a folder of its own and is renamed into place when complete, so a
    concurrent or interrupted install never leaves a half-installed cache behind.
    """
    if installed():
        return True, ""
    npm = npm or shutil.which("npm")
    if npm is None or not Path(npm).is_file():
        return False, "npm is not on PATH"
    target = node_dir()
    work = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(JS_DIR / name, work / name)
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(work, ignore_errors=True)
        return False, f"npm ci failed: {exc}"
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        lines = done.stderr.strip().splitlines() or ["npm ci failed"]
        return False, lines[-1]
    (work / "node_modules" / _DONE).write_text("npm ci\n", encoding="utf-8")
    if installed():  # another process finished first
        shutil.rmtree(work, ignore_errors=True)
        return True, ""
    shutil.rmtree(target, ignore_errors=True)  # an earlier install that did not finish
    work.rename(target)
    return True, ""


def prepare(folder: Path | None = None) -> Path:
    """``folder`` (by default :func:`node_dir`) with the shipped driver scripts beside
    ``node_modules`` (each copied when it differs, through a temporary name); the folder a Node
    driver runs in."""
    folder = node_dir() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    for script in sorted(JS_DIR.glob("*.mjs")):
        data = script.read_bytes()
        copy = folder / script.name
        try:
            if copy.read_bytes() == data:
                continue
        except OSError:
            pass
        # Named for this process and thread: the report runs clients from several threads.
        partial = folder / f".{script.name}.{os.getpid()}.{threading.get_ident()}"
        partial.write_bytes(data)
        partial.replace(copy)
    return folder


def main() -> int:
    """``python -m sesspec.drivers.node``: install the Node clients into the cache."""
    ok, reason = install()
    if ok:
        sys.stdout.write(f"Node clients: {node_dir() / 'node_modules'}\n")
        return 0
    sys.stderr.write(f"Node clients not installed: {reason}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
