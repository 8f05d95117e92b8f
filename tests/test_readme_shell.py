"""The README's shell blocks, as a newcomer runs them on a bare clone.

Every ``sh`` block of the README is marked, on the line before its fence, either
``<!-- shell: run -->`` or ``<!-- shell: not run: <why> -->`` (a block that installs Debian
packages, runs every client, or is a recipe around the reader's own application). The blocks
marked to run are run in their order, in one shell (as one terminal would: a variable a block
exports holds in the next), with ``set -euo pipefail``, in a fresh copy of the checkout's
tracked files made into a git repository (what a clone holds), with a HOME of their own (so
``~/.local/bin``, pip's cache and ``~/.cache/sesspec`` start empty) and without this
checkout's venv on PATH. Then: ``sesspec`` is on PATH through ``make install``'s link, the
one-client report was written into ``reports/local/``, and the clone is as it was, apart from
the files the README's own commands write in it.

That run installs sesspec with its extras and one client from PyPI: about a minute.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests._support import REPO

#: A marker line, and the fence it stands before.
_BLOCK = re.compile(
    r"^(?P<marker>[^\n]*)\n```(?P<lang>sh|bash|shell|console)\n(?P<code>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
_RUN = "<!-- shell: run -->"
_NOT_RUN = re.compile(r"<!-- shell: not run: (?P<why>\S.*\S) -->\Z")

#: What the README's runnable commands write in the clone (their own files, not sesspec's).
WRITTEN_BY_THE_EXAMPLES = {"request.http", "signed.http", "findings.txt"}


def shell_blocks(text: str) -> list[tuple[int, str, str]]:
    """``(line, marker, code)`` of every shell block of ``text``, in order."""
    return [
        (text.count("\n", 0, m.start("code")) + 1, m["marker"].strip(), m["code"])
        for m in _BLOCK.finditer(text)
    ]


README = (REPO / "README.md").read_text("utf-8")
BLOCKS = shell_blocks(README)


def test_every_shell_block_is_marked() -> None:
    fences = len(re.findall(r"^```(?:sh|bash|shell|console)$", README, re.MULTILINE))
    assert len(BLOCKS) == fences
    for line, marker, _ in BLOCKS:
        assert marker == _RUN or _NOT_RUN.match(marker), f"README.md:{line}: {marker!r}"
    assert sum(marker == _RUN for _, marker, _ in BLOCKS) >= 3


def test_nothing_installs_from_a_registry_name_sesspec_does_not_have() -> None:
    """sesspec is on no registry: the README installs it from the clone or a built wheel."""
    installs = re.findall(r"pip\s+install\s[^`]*", README)
    assert installs
    for line in installs:
        words = [w.strip("'\"") for w in line.split()[2:] if not w.startswith("-")]
        assert not any(re.fullmatch(r"sesspec(\[[a-z,]+\])?", w) for w in words), line


def _clone(into: Path) -> Path:
    """The checkout's tracked files as they are now, made into a repository of their own."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
    ).stdout
    clone = into / "sesspec"
    for name in listed.decode("utf-8").split("\0"):
        source = REPO / name
        if name and source.is_file():
            target = clone / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git = {
        "GIT_AUTHOR_NAME": "newcomer",
        "GIT_AUTHOR_EMAIL": "newcomer@example.com",
        "GIT_COMMITTER_NAME": "newcomer",
        "GIT_COMMITTER_EMAIL": "newcomer@example.com",
    }
    env = {**os.environ, **git}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "clone"]):
        subprocess.run(["git", *command], cwd=clone, env=env, check=True, timeout=120)
    return clone


def _newcomer_env(home: Path) -> dict[str, str]:
    """This process's environment as a new user's: their own HOME, no venv, no sesspec or AWS
    settings, no XDG folders (so the caches are under the new HOME)."""
    venv = str(REPO / ".venv")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIRTUAL_ENV", "PYTHON", "XDG_", "SESSPEC_", "AWS_", "HYPOTHESIS"))
    }
    env["HOME"] = str(home)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(venv)
    )
    return env


@pytest.mark.client
def test_the_runnable_blocks_run_on_a_bare_clone(tmp_path: Path) -> None:
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("make and git are what the README's set-up needs")
    clone = _clone(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    script = ["set -euo pipefail"]
    for line, marker, code in BLOCKS:
        if marker == _RUN:
            script += [f"echo '--- README.md:{line}' >&2", code]
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=clone,
        env=_newcomer_env(home),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    ran = [x for x in done.stderr.splitlines() if x.startswith("--- README.md:")]
    assert done.returncode == 0, f"{ran[-1:]} exit {done.returncode}:\n{done.stderr[-3000:]}"
    assert len(ran) == sum(marker == _RUN for _, marker, _ in BLOCKS)

    # make install put sesspec on PATH: a link to the clone's venv.
    link = home / ".local" / "bin" / "sesspec"
    assert link.is_symlink()
    assert link.resolve() == (clone / ".venv" / "bin" / "sesspec").resolve()
    assert "usage: sesspec" in done.stdout
    bindir = home / ".local" / "bin"
    assert f'{bindir} is not on PATH: export PATH="{bindir}:' in done.stdout

    # make report said what it installs before it installed anything.
    said = done.stderr.index("sesspec report --install: what it installs for the 1 clients")
    assert said < done.stderr.index("installing the clients ...")

    # The one-client report went to reports/local/, which the clone ignores.
    report = json.loads((clone / "reports/local/latest/report.json").read_text("utf-8"))
    assert {c["name"] for c in report["clients"]} == {"requests-aws4auth"}
    assert all(c["available"] for c in report["clients"])
    verdicts = {case["verdict"] for case in report["cases"]}
    assert "not-available" not in verdicts
    assert "client-error" not in verdicts

    # The clone is as it was: nothing tracked changed, nothing new but the examples' files.
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    assert {line.removeprefix("?? ") for line in status} == WRITTEN_BY_THE_EXAMPLES
