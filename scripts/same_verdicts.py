"""Same verdicts before and after a refactoring: the checker's findings on fixed inputs.

    python scripts/same_verdicts.py snapshot FILE     # write the findings of this tree
    python scripts/same_verdicts.py compare FILE      # this tree's findings against FILE

Three sets of inputs, each judged as a user would judge it:

* ``sesspec check --format json`` over ``vectors/checker`` with the fake credentials the report
  and strict mode use (``sesspec.serve.strict``: AKIDEXAMPLE and the suites' example secret)
  and ``--now`` fixed at the samples' own "now" (botocore signed them a minute before);
* the same command over ``reports/latest/captures.jsonl.gz``, each capture judged as the report
  judges it (:func:`~sesspec.serve.capture.capture_findings`: ``now`` is its arrival time);
* every sample of ``vectors/checker`` through :func:`sesspec.check.check` with the context its
  JSON gives (TLS, credentials with or without a session token, ``now``).

The snapshot keeps each finding's (rule, severity, location, message); the citation and the detail
are left out. ``compare`` judges a verdict by (rule, severity, location), per input, as a multiset
(a refactoring's proof: a message may be reworded, a verdict may not change), and prints one block
per input judged in both trees whose findings differ (``-`` before, ``+`` after), exiting 1 when any
does: the output is empty when the verdicts are the same. ``--messages`` compares the messages too.
An input only one tree has (a sample added since) is not a changed verdict; it is listed on standard
error. ``--captures FILE`` judges another capture file instead of the report's latest one (the one
the snapshot was taken on, when the report has been run since). The snapshot is gzipped JSON Lines,
one input a line, sorted, so that two snapshots diff well.

The structure refactoring's run (``scripts/same_verdicts/issue-9.diff``, empty): the snapshot
``before.jsonl.gz`` taken at 11cc8c9, compared after the refactoring with the captures of 11cc8c9.
With ``--messages`` it shows the one message the refactoring meant to change (the
token-after-signing cause of AUTH017/fail-token-query-unsigned cites
docs/spec.md#auth-session-token).

The endpoint-in-layers run (``scripts/same_verdicts/layers.diff``, empty): the snapshot
``before-layers.jsonl.gz`` taken at dac1ebb, compared after the endpoint was split into a
transport, applications and a state front over stores (the checker itself unchanged).

SigV4 in three parts (``scripts/same_verdicts/sigv4-split.diff``, empty with ``--messages``): the
snapshot ``before-sigv4-split.jsonl.gz`` taken at dac1ebb, compared after the split (the checker
recomputing through ``sigv4.recompute``) on the same captures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "vectors" / "checker"
CAPTURES = REPO / "reports" / "latest" / "captures.jsonl.gz"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#: The samples' "now": botocore signed them at 2026-11-26T05:48:17Z, a minute before.
NOW = "2026-11-26T05:49:17Z"

Key = tuple[str, str, str, str]


def _cli(*inputs: Path, now: str | None) -> list[dict[str, Any]]:
    args = [sys.executable, "-m", "sesspec", "check", "--format", "json"]
    args += ["--access-key-id", AKID, "--secret-access-key", SECRET]
    if now is not None:
        args += ["--now", now]
    args += [str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p) for p in inputs]
    done = subprocess.run(args, cwd=REPO, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        msg = f"sesspec check exited {done.returncode}: {done.stderr.decode()[:500]}"
        raise SystemExit(msg)
    records: list[dict[str, Any]] = json.loads(done.stdout)
    return records


def _key(f: dict[str, Any]) -> Key:
    return (str(f["rule"]), str(f["severity"]), str(f["location"]), str(f["message"]))


def _per_sample() -> dict[str, list[Key]]:
    from sesspec.check import Credentials, check

    out: dict[str, list[Key]] = {}
    for meta_path in sorted(SAMPLES.glob("*/*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        ctx = meta["context"]
        cred = ctx["credentials"]
        creds = None
        if cred is not None:
            creds = Credentials(
                cred["access_key_id"], cred["secret_access_key"], cred.get("session_token")
            )
        now = None if ctx["now"] is None else datetime.fromisoformat(ctx["now"])
        raw = meta_path.with_suffix(".http").read_bytes()
        findings = check(raw, credentials=creds, now=now, tls=ctx["tls"])
        name = f"context:{meta_path.with_suffix('.http').relative_to(REPO)}"
        out[name] = [
            (f.rule, f.severity, str(f.location), f.message)
            for f in findings  # str(): a rendered location (a str today, a value later)
        ]
    return out


def snapshot(captures: Path = CAPTURES) -> dict[str, list[Key]]:
    """Input name -> its findings, for the three sets of inputs."""
    out: dict[str, list[Key]] = {}
    for name, inputs, now in (
        ("cli", (SAMPLES,), NOW),
        ("cli", (captures,), None),
    ):
        label = {str(captures): str(CAPTURES.relative_to(REPO))}  # the same name wherever read
        for record in _cli(*inputs, now=now):
            where, _, line = str(record["source"]).rpartition(":")
            source = (
                f"{name}:{label[where]}:{line}" if where in label else f"{name}:{record['source']}"
            )
            if "error" in record:
                out[source] = [("unreadable", "", "", str(record["error"]))]
            else:
                out[source] = [_key(f) for f in record["findings"]]
    out.update(_per_sample())
    return out


def _write(path: Path, data: dict[str, list[Key]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for source in sorted(data):
            fh.write(json.dumps({"source": source, "findings": sorted(data[source])}) + "\n")


def _read(path: Path) -> dict[str, list[Key]]:
    out: dict[str, list[Key]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            out[record["source"]] = [tuple(f) for f in record["findings"]]
    return out


def compare(
    before: dict[str, list[Key]], after: dict[str, list[Key]], *, messages: bool = False
) -> list[str]:
    """One block per input judged in both whose findings differ (as multisets), in input order;
    a finding is (rule, severity, location), with its message when ``messages``."""
    width = 4 if messages else 3
    lines: list[str] = []
    for source in sorted(set(before) & set(after)):
        old = Counter(k[:width] for k in before[source])
        new = Counter(k[:width] for k in after[source])
        if old == new:
            continue
        lines.append(source)
        lines += [f"  - {' | '.join(k)}" for k in sorted((old - new).elements())]
        lines += [f"  + {' | '.join(k)}" for k in sorted((new - old).elements())]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("command", choices=["snapshot", "compare"])
    parser.add_argument("file", type=Path, help="the snapshot (gzipped JSON Lines)")
    parser.add_argument("--captures", type=Path, default=CAPTURES, help="a capture file to judge")
    parser.add_argument("--messages", action="store_true", help="compare the messages too")
    args = parser.parse_args(argv)
    now = snapshot(args.captures.resolve())
    if args.command == "snapshot":
        _write(args.file, now)
        count = sum(len(v) for v in now.values())
        print(f"{len(now)} inputs, {count} findings -> {args.file}", file=sys.stderr)
        return 0
    before = _read(args.file)
    for source in sorted(set(before) ^ set(now)):
        side = "before" if source in before else "after"
        print(f"only {side}: {source}", file=sys.stderr)
    lines = compare(before, now, messages=args.messages)
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
