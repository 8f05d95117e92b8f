"""CI: build the sdist and the wheel, install the wheel (not editable) in a fresh venv, run it.

    python scripts/wheel_check.py [--keep DIR]

What a user who installs the wheel gets, step by step, one line each:

1. ``python -m build`` writes the sdist, and the wheel from the sdist.
2. The sdist carries ``docs/``, and every citation ``sesspec rules`` prints resolves in it
   (an anchor of its ``docs/spec.md``, directly or through its ``docs/citations.json``).
3. A fresh venv gets the wheel alone (no extras): sesspec is imported from there, not from this
   checkout; ``import sesspec.report.markdown, sesspec.check`` works; every subcommand's
   ``--help`` exits 0; ``check`` judges a request; ``serve``, ``report`` and ``drivers`` exit 2
   with one line naming their extra.
   The wheel carries every checker sample of ``vectors/checker`` byte for byte (as
   ``sesspec/check/samples/``, ``setup.py``), and ``sesspec rules --explain`` shows a rule's
   samples from there.
4. With the ``serve`` and ``report`` extras: ``sesspec serve --http`` starts, answers one
   request sent with the venv's Python, and stops on SIGTERM; what it captured is checked.
5. A short report from the wheel: one cheap client (aws4, a Node client, whose packages come
   from the per-user cache that ``python -m sesspec.drivers.node`` fills) over one scenario.

Exit status 0 when every step holds, 1 at the first that does not (its line says why). Run by
``make wheel-check``, which ``.ci/run`` runs after ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "vectors" / "checker"
SAMPLE = SAMPLES / "AUTH018" / "pass-botocore-post.http"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CLIENT = "aws4"
SCENARIO = "send-email-ascii"


class CheckFailedError(Exception):
    """A step that did not hold."""


def _say(text: str) -> None:
    sys.stdout.write(f"wheel-check: {text}\n")
    sys.stdout.flush()


def _run(
    command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _expect(done: subprocess.CompletedProcess[str], code: int, what: str) -> str:
    if done.returncode != code:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        msg = f"{what}: exit {done.returncode}, expected {code}: {' | '.join(tail)}"
        raise CheckFailedError(msg)
    return done.stdout


def _clean_env(work: Path) -> dict[str, str]:
    """The environment without this checkout's venv or path (HOME and the caches kept)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE", "AWS_"))
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["TMPDIR"] = str(work)
    return env


def build(work: Path, env: dict[str, str]) -> tuple[Path, Path]:
    dist = work / "dist"
    # setuptools writes build/ and sesspec.egg-info/ beside pyproject.toml when it makes the
    # sdist: removed afterwards, unless they were there before.
    leftovers = [p for p in (REPO / "build", REPO / "sesspec.egg-info") if not p.exists()]
    done = _run(
        # No --sdist/--wheel: the sdist first, then the wheel built from the sdist (so the sdist
        # is shown to hold everything the package needs).
        [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
        cwd=work,
        env=env,
        timeout=600,
    )
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    _expect(done, 0, "python -m build")
    (wheel,) = dist.glob("sesspec-*.whl")
    (sdist,) = dist.glob("sesspec-*.tar.gz")
    _say(f"built {wheel.name} and {sdist.name}")
    return wheel, sdist


def check_sdist_docs(sdist: Path, rules: str) -> None:
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        root = names[0].split("/")[0]

        def read(name: str) -> str:
            member = archive.extractfile(f"{root}/{name}")
            if member is None:
                msg = f"{sdist.name} has no {name}"
                raise CheckFailedError(msg)
            return member.read().decode("utf-8")

        docs = sorted(n.removeprefix(f"{root}/") for n in names if n.startswith(f"{root}/docs/"))
        spec = read("docs/spec.md")
        citations = json.loads(read("docs/citations.json"))
    for needed in ("docs/spec.md", "docs/architecture.md", "docs/README.md"):
        if needed not in docs:
            msg = f"{sdist.name} does not carry {needed}"
            raise CheckFailedError(msg)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', spec))
    count = 0
    for line in rules.splitlines():
        citation = line.rpartition("  [")[2].removesuffix("]")
        linked = re.findall(r"docs/spec\.md#([A-Za-z0-9-]+)", citation)
        targets = linked or citations.get("catalogue", {}).get(citation)
        if not targets:
            msg = f"the citation of {line.split()[0]} does not point into docs/: {citation!r}"
            raise CheckFailedError(msg)
        missing = [a for a in targets if a not in anchors]
        if missing:
            msg = f"{line.split()[0]} cites {missing}, not anchors of the sdist's docs/spec.md"
            raise CheckFailedError(msg)
        count += 1
    _say(f"the sdist carries {len(docs)} files of docs/; the {count} rules' citations resolve")


def fresh_venv(work: Path, wheel: Path, env: dict[str, str]) -> Path:
    folder = work / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    python = folder / "bin" / "python"
    done = _run([str(python), "-m", "pip", "install", "-q", str(wheel)], cwd=work, env=env)
    _expect(done, 0, "pip install the wheel")
    return folder


def check_plain(folder: Path, work: Path, env: dict[str, str]) -> None:
    python = str(folder / "bin" / "python")
    sesspec = str(folder / "bin" / "sesspec")
    where = _expect(
        _run(
            [
                python,
                "-c",
                "import sys, sesspec, sesspec.report.markdown, sesspec.check\n"
                "print(sesspec.__file__)\n"
                "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lxml', 'trustme')))",
            ],
            cwd=work,
            env=env,
        ),
        0,
        "import sesspec.report.markdown, sesspec.check",
    ).splitlines()
    if not where[0].startswith(str(folder)) or where[1] != "[]":
        msg = f"sesspec imported from {where[0]} with {where[1]} (expected the venv, no extras)"
        raise CheckFailedError(msg)
    commands = _expect(_run([sesspec, "--help"], cwd=work, env=env), 0, "sesspec --help")
    names = re.findall(r"^  (\w+) ", commands, re.MULTILINE)
    for name in names:
        out = _expect(_run([sesspec, name, "--help"], cwd=work, env=env), 0, f"{name} --help")
        if not out.startswith(f"usage: sesspec {name}"):
            msg = f"sesspec {name} --help printed {out[:80]!r}"
            raise CheckFailedError(msg)
    for name in ("serve", "report", "drivers"):
        done = _run([sesspec, name], cwd=work, env=env)
        _expect(done, 2, f"sesspec {name} without its extra")
        if done.stderr.count("\n") != 1 or "pip install lxml trustme" not in done.stderr:
            msg = f"sesspec {name} without its extra said {done.stderr!r}"
            raise CheckFailedError(msg)
    check = _run(
        [sesspec, "check", "--access-key-id", AKID, "--secret-access-key", SECRET, str(SAMPLE)],
        cwd=work,
        env=env,
    )
    if check.returncode != 0 or "pass-botocore-post.http: ok" not in check.stdout:
        msg = f"sesspec check {SAMPLE.name}: exit {check.returncode}: {check.stdout[:200]!r}"
        raise CheckFailedError(msg)
    _say(
        f"plain install: imports, {len(names)} commands' --help, check; serve, report and "
        "drivers name their extra"
    )


def check_samples(wheel: Path, folder: Path, work: Path, env: dict[str, str]) -> None:
    """The checker's samples in the wheel, and ``rules --explain`` showing them from there."""
    expected = {
        f"sesspec/check/samples/{p.parent.name}/{p.name}": p.read_bytes()
        for p in sorted(SAMPLES.glob("*/*"))
        if p.suffix in {".http", ".json"}
    }
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if n.startswith("sesspec/check/samples/")}
        differ = [n for n in sorted(expected) if n in names and archive.read(n) != expected[n]]
    missing = sorted(set(expected) - names)
    if missing or differ or names != set(expected):
        extra = sorted(names - set(expected))
        msg = f"the wheel's samples: missing {missing[:3]}, differ {differ[:3]}, extra {extra[:3]}"
        raise CheckFailedError(msg)
    out = _expect(
        _run([str(folder / "bin" / "sesspec"), "rules", "--explain", "AUTH018"], cwd=work, env=env),
        0,
        "sesspec rules --explain AUTH018",
    )
    where = re.search(r"^samples +(\S+)$", out, re.MULTILINE)
    shown = re.findall(r"^  (\S+\.http)$", out, re.MULTILINE)
    wanted = sorted(p.name for p in (SAMPLES / "AUTH018").glob("*.http"))
    if where is None or not where.group(1).startswith(str(folder)) or shown != wanted:
        msg = f"rules --explain AUTH018 from the wheel showed {out[-300:]!r}"
        raise CheckFailedError(msg)
    _say(
        f"the wheel carries the {len(expected)} files of the checker's samples; "
        f"rules --explain shows AUTH018's {len(shown)} from {where.group(1)}"
    )


def check_serve(folder: Path, work: Path, env: dict[str, str]) -> None:
    sesspec = str(folder / "bin" / "sesspec")
    capture = work / "serve.jsonl"
    server = subprocess.Popen(
        [sesspec, "serve", "--http", "--capture", str(capture)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        if not first.startswith("url http://127.0.0.1:"):
            msg = f"sesspec serve printed {first!r}"
            raise CheckFailedError(msg)
        url = first.split()[1]
        send = (
            "import sys, urllib.request\n"
            "body = b'Action=ListIdentities&Version=2010-12-01'\n"
            "req = urllib.request.Request(sys.argv[1], data=body, headers={'Content-Type': "
            "'application/x-www-form-urlencoded; charset=utf-8'})\n"
            "try:\n    urllib.request.urlopen(req, timeout=30)\n"
            "except urllib.error.HTTPError as exc:\n    print(exc.code)\nelse:\n    print(200)\n"
        )
        answer = _expect(
            _run([str(folder / "bin" / "python"), "-c", send, url], cwd=work, env=env),
            0,
            "a request to sesspec serve",
        ).strip()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            status = server.wait(30)
        for stream in (server.stdout, server.stderr):
            if stream is not None:
                stream.close()
    if status != 0:
        msg = f"sesspec serve exited {status} on SIGTERM"
        raise CheckFailedError(msg)
    done = _run([sesspec, "check", "--format", "json", str(capture)], cwd=work, env=env)
    records = json.loads(done.stdout)
    rules = [f["rule"] for f in records[0]["findings"]] if len(records) == 1 else []
    if "AUTH001" not in rules:  # unsigned: the checker says so
        msg = f"the captured request checked as {records!r}"
        raise CheckFailedError(msg)
    _say(f"sesspec serve --http: started, answered {answer}, stopped; its capture checked")


def check_report(folder: Path, work: Path, env: dict[str, str]) -> None:
    out = work / "reports"
    done = _run(
        [
            str(folder / "bin" / "sesspec"),
            "report",
            "--client",
            CLIENT,
            "--scenario",
            SCENARIO,
            "--out",
            str(out),
            "--run-id",
            "wheel",
        ],
        cwd=work,
        env=env,
    )
    _expect(done, 0, "sesspec report")
    report = json.loads((out / "latest" / "report.json").read_text("utf-8"))
    (case,) = report["cases"]
    if not (out / "history" / "wheel.json").is_file():
        msg = "sesspec report wrote no summary into history/"
        raise CheckFailedError(msg)
    node = shutil.which("node", path=env.get("PATH"))
    verdict = case["verdict"]
    if node is not None and verdict not in ("pass", "warnings"):
        msg = f"{CLIENT} {SCENARIO}: {verdict} ({case.get('detail') or report['clients']})"
        raise CheckFailedError(msg)
    _say(f"sesspec report --client {CLIENT} --scenario {SCENARIO}: {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sesspec-wheel-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        env = _clean_env(work)
        try:
            wheel, sdist = build(work, env)
            folder = fresh_venv(work, wheel, env)
            rules = _expect(
                _run([str(folder / "bin" / "sesspec"), "rules"], cwd=work, env=env), 0, "rules"
            )
            check_sdist_docs(sdist, rules)
            check_plain(folder, work, env)
            check_samples(wheel, folder, work, env)
            done = _run(
                [
                    str(folder / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    f"{wheel}[serve,report]",
                ],
                cwd=work,
                env=env,
            )
            _expect(done, 0, "pip install the wheel's serve and report extras")
            check_serve(folder, work, env)
            check_report(folder, work, env)
        except (CheckFailedError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
            _say(f"FAILED: {exc}")
            return 1
    _say(f"all steps hold ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
