"""Mutation check of the test suite for what mutmut cannot express: one-line bugs written by
hand, put into a copy of the tree, the tests that should notice run against each.

Mutation testing proper is ``scripts/mutation.py`` (mutmut, module by module, with the reviewed
survivors in ``mutation/``). mutmut 3 mutates code inside functions only, and each of its
operators changes one node in place: a comparison turned around, a number plus one, a string
changed, an argument dropped or made None, a call's result made None. The mutants below are the
slips it cannot write, kept here so that a test still holds each one:

- a module-level constant moved (mutmut leaves module scope alone): the AWS3-HTTPS / SigV2
  cut-off moved to 2030; the skew window made 16 minutes; a 256-character tag refused (the
  compiled pattern);
- a bound moved down (mutmut only adds one): X-Amz-Expires=0 read as valid; presign writing
  X-Amz-Expires=0;
- arguments swapped or one replaced by another expression: region and service swapped in the
  derived key (and on the fast path); the verifier comparing the expected signature with
  itself; not hashing the body (the empty body's hash instead);
- a call taken away or added: header values not trimmed, runs of spaces not folded, the fast
  path's Content-Type not trimmed; the canonical query sorted as joined ``name=value``
  strings, or in reverse.

A mutant is *killed* when its tests fail, *survives* when they pass. Before the mutants, the
same tests run on the unchanged copy and must pass (else a kill would mean nothing).

The tree is copied once to a temporary folder (the files git tracks, as they are in the working
tree); each mutant edits its file there, runs its tests with this interpreter (the copy's
``sesspec`` comes first on the path), and restores the file. The public suites are read from
``$SESSPEC_VECTORS`` or ``../shared/vectors`` beside this checkout. Hypothesis runs its "dev"
profile. Exit status: 0 when every mutant run was killed, 1 when one survived (or did not apply:
the list must follow the code), 2 when the unchanged copy fails its tests.

    python scripts/mutate.py            # the short list, one of each kind (what .ci/run runs)
    python scripts/mutate.py --all      # every mutant below
    python scripts/mutate.py --list     # the list, without running it
    python scripts/mutate.py ID ...     # the mutants named
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_RULES = "tests/test_checker_rules.py"
_SIGNING = "tests/test_signing.py"
_SIGNER = "tests/test_signer.py"
_VERIFY = "tests/test_vectors_sigv4_verify.py"
_S2015 = "tests/test_vectors_sigv4_2015.py"
_OWN = "tests/test_vectors_own.py"
_NOT_CONSISTENCY = ("-m", "not consistency")


@dataclass(frozen=True)
class Mutant:
    """``old`` (found exactly once in ``path``; it may span lines for that) becomes ``new``,
    which changes one line; ``tests`` are the pytest arguments that must then fail."""

    id: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str
    short: bool = False


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "aws3-cutoff-2030",
        "sesspec/check/rules/auth.py",
        "AWS3_CUTOFF = datetime(2020, 10, 1, tzinfo=UTC)",
        "AWS3_CUTOFF = datetime(2030, 10, 1, tzinfo=UTC)",
        (_RULES, "-k", "AUTH002 or AUTH003"),
        "AWS3 would drop to a warning and strict mode would accept it",
        short=True,
    ),
    Mutant(
        "auth015-accepts-expires-0",
        "sesspec/signing/sigv4/_reader.py",
        "        elif expires < 1:",
        "        elif expires < 0:",
        (_RULES, "-k", "AUTH015"),
        "X-Amz-Expires=0 accepted by the reader the checker and the verifier share",
        short=True,
    ),
    Mutant(
        "presign-accepts-expires-0",
        "sesspec/signing/sigv4/_signer.py",
        "        if expires < 1:\n            msg = ",
        "        if expires < 0:\n            msg = ",
        (_SIGNING, "-k", "expires"),
        "presign writing X-Amz-Expires=0",
    ),
    Mutant(
        "skew-16-minutes",
        "sesspec/check/rules/auth.py",
        "_SKEW = timedelta(minutes=15)",
        "_SKEW = timedelta(minutes=16)",
        (_RULES, "-k", "AUTH016"),
        "the window widened by a minute",
    ),
    Mutant(
        "verify-skips-body-hash",
        "sesspec/signing/sigv4/_verify.py",
        "payload_hash=_stages.payload_hash(req.body) if payload_hash is None else payload_hash,",
        "payload_hash=_stages.EMPTY_SHA256 if payload_hash is None else payload_hash,",
        (_VERIFY, "-k", "2015"),
        "a changed body still verifies",
    ),
    Mutant(
        "verify-compares-with-itself",
        "sesspec/signing/sigv4/_verify.py",
        'compare_digest(expected.encode("ascii"), given.encode(_ENC, _ERR))',
        'compare_digest(expected.encode("ascii"), expected.encode("ascii"))',
        (_OWN, "-k", "tampered"),
        "any signature verifies",
    ),
    Mutant(
        "headers-not-trimmed",
        "sesspec/signing/sigv4/_stages.py",
        '        return _WS_RUN.sub(" ", raw).strip(" ")\n    return raw.strip(" ")',
        '        return _WS_RUN.sub(" ", raw).strip(" ")\n    return raw',
        (_SIGNER, *_NOT_CONSISTENCY),
        "a header value's edges signed as sent",
        short=True,
    ),
    Mutant(
        "headers-not-folded",
        "sesspec/signing/sigv4/_stages.py",
        '        return _WS_RUN.sub(" ", raw).strip(" ")',
        '        return raw.strip(" ")',
        (_SIGNER, *_NOT_CONSISTENCY),
        "runs of spaces inside a header value signed as sent",
    ),
    Mutant(
        "fast-path-content-type-untrimmed",
        "sesspec/signing/sigv4/_fast.py",
        'ctype = ctype.strip(" ")',
        "ctype = ctype",
        (_SIGNER, *_NOT_CONSISTENCY),
        "the fast path signs Content-Type with its edges",
    ),
    Mutant(
        "key-order-swapped",
        "sesspec/signing/sigv4/_stages.py",
        "    return _signing_key(secret_access_key, date, region, service)",
        "    return _signing_key(secret_access_key, date, service, region)",
        (_SIGNING, *_NOT_CONSISTENCY, "-k", "SigningKey or Ses or Botocore"),
        "region and service swapped in the derived key (every signature)",
        short=True,
    ),
    Mutant(
        "fast-path-key-order-swapped",
        "sesspec/signing/sigv4/_fast.py",
        "outer = signing_pads(access_key_id, secret_access_key, datestamp, region, service)",
        "outer = signing_pads(access_key_id, secret_access_key, datestamp, service, region)",
        (_SIGNER, *_NOT_CONSISTENCY),
        "region and service swapped on the fast path only",
    ),
    Mutant(
        "query-sorted-as-strings",
        "sesspec/signing/sigv4/_stages.py",
        "    items.sort()\n",
        '    items.sort(key=lambda item: f"{item[0]}={item[1]}")\n',
        (_S2015, "-k", "query"),
        "the canonical query sorted as joined name=value strings (requests-aws4auth#45)",
    ),
    Mutant(
        "query-sorted-in-reverse",
        "sesspec/signing/sigv4/_stages.py",
        "    items.sort()\n",
        "    items.sort(reverse=True)\n",
        (_SIGNING, "-k", "CanonicalQuery"),
        "the canonical query sorted backwards",
    ),
    Mutant(
        "tag-256-refused",
        "sesspec/check/rules/param.py",
        "[A-Za-z0-9_-]{1,256}",
        "[A-Za-z0-9_-]{1,255}",
        (_RULES, "-k", "PARAM013"),
        "a 256-character tag refused",
    ),
)


def _tracked(repo: Path) -> list[str]:
    """Tracked files as they are in the working tree (deleted ones left out)."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repo, check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [name for name in out.split("\0") if name and (repo / name).is_file()]


def _copy_tree(repo: Path, dest: Path) -> None:
    for name in _tracked(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)


def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    vectors = os.environ.get("SESSPEC_VECTORS") or str(REPO.parent / "shared" / "vectors")
    env.update(
        SESSPEC_VECTORS=vectors,
        PYTHONPATH=str(tree),
        HYPOTHESIS_PROFILE="dev",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _pytest(tree: Path, args: Sequence[str]) -> tuple[int, str]:
    """(pytest's exit status, the first failing test's line) for ``args`` run in ``tree``."""
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "--no-header", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*cmd, *args], cwd=tree, env=_env(tree), capture_output=True, text=True, check=False
    )
    failed = re.search(r"^(FAILED|ERROR) (\S+)", done.stdout, re.MULTILINE)
    return done.returncode, failed.group(2) if failed else ""


def _apply(tree: Path, mutant: Mutant) -> str | None:
    """Put the mutant in ``tree``; the original text, or None if ``old`` is not there once."""
    path = tree / mutant.path
    text = path.read_text("utf-8")
    if text.count(mutant.old) != 1:
        return None
    path.write_text(text.replace(mutant.old, mutant.new), "utf-8")
    return text


def _check_copy(tree: Path) -> None:
    """The copy's sesspec is the one imported there (not the installed checkout)."""
    probe = "import sesspec, sys; sys.stdout.write(sesspec.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tree,
        env=_env(tree),
        capture_output=True,
        text=True,
        check=True,
    )
    if not Path(done.stdout).resolve().is_relative_to(tree.resolve()):
        msg = f"the copy imports sesspec from {done.stdout}, not from {tree}"
        raise SystemExit(msg)


def run(mutants: Sequence[Mutant], *, baseline: bool = True) -> int:
    width = max(len(m.id) for m in mutants)
    with tempfile.TemporaryDirectory(prefix="sesspec-mutants-") as tmp:
        tree = Path(tmp)
        _copy_tree(REPO, tree)
        _check_copy(tree)
        if baseline:
            for args in dict.fromkeys(m.tests for m in mutants):
                code, failed = _pytest(tree, args)
                if code != 0:
                    print(f"unchanged copy fails {' '.join(args)}: {failed or code}")
                    return 2
        killed: list[str] = []
        bad: list[str] = []
        for m in mutants:
            started = time.monotonic()
            original = _apply(tree, m)
            if original is None:
                print(
                    f"{m.id:<{width}}  NOT APPLIED  {m.path}: the text to change is not there once"
                )
                bad.append(m.id)
                continue
            try:
                code, failed = _pytest(tree, m.tests)
            finally:
                (tree / m.path).write_text(original, "utf-8")
            took = time.monotonic() - started
            if code == 1:
                killed.append(m.id)
                print(f"{m.id:<{width}}  killed     {took:5.1f}s  by {failed}")
            else:
                bad.append(m.id)
                what = "SURVIVED" if code == 0 else f"ERROR({code})"
                print(f"{m.id:<{width}}  {what:<9}  {took:5.1f}s  {m.why}")
        print(f"\n{len(killed)} killed, {len(bad)} surviving or not applied, of {len(mutants)}")
        return 0 if not bad else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("ids", nargs="*", help="mutants to run (default: the short list)")
    parser.add_argument("--all", action="store_true", help="run every mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the run on the unchanged copy"
    )
    args = parser.parse_args(argv)
    by_id = {m.id: m for m in MUTANTS}
    unknown = [i for i in args.ids if i not in by_id]
    if unknown:
        parser.error(f"unknown mutant(s): {', '.join(unknown)}")
    if args.ids:
        chosen = [by_id[i] for i in args.ids]
    elif args.all:
        chosen = list(MUTANTS)
    else:
        chosen = [m for m in MUTANTS if m.short]
    if args.list:
        for m in chosen:
            print(f"{m.id:<34} {'short' if m.short else '     '}  {m.path}: {m.why}")
        return 0
    return run(chosen, baseline=not args.no_baseline)


if __name__ == "__main__":
    raise SystemExit(main())
