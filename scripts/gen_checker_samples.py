"""Generate vectors/checker/: a pass and a fail sample of raw request bytes for every checker rule.

Each sample is ``vectors/checker/<RULE>/<case>.http`` (the request exactly as on the wire, CRLF
line endings) beside ``<case>.json`` (what the checker must and must not find, and the context:
TLS, credentials, the time "now"). ``pass-*`` samples must not raise the rule (``forbid``),
``fail-*`` samples must (``expect``, rule -> severity); for the info rules "fail" means "the
rule shows up".

Two kinds of sample. The requests written by hand, plain bytes with no signature of anyone's
(``generated_by`` says so), are committed files: this script leaves them alone. The ones
botocore must sign are made here, per family, by ``scripts/checker_samples/{http,enc,param,
auth}.py`` (and ``clean.py``, the clean set), on botocore's signers with their clocks frozen
(``checker_samples.common``): every valid signature is botocore's, a broken one is botocore's
changed after signing the way the client of the docs/spec.md#bug issue changed it. A sample's
expected severities and its citation are its rule's, from the catalogue
(:data:`sesspec.check.catalogue.RULES`). A sample whose bytes are exactly what a botocore
signer wrote, signed as the spec says with the context's secret, names that signer
(``signed_by``): tests verify it with sesspec's verifier and refuse tampered copies.
Boundaries have a sample on each side: the cut-off instant, the 15-minute skew, presigned
expiry, X-Amz-Expires 0/1/604800/604801, list indexes 0 and 1, the largest accepted sizes.

Run after changing a case (it rewrites the botocore-signed samples and the folder's README)::

    python scripts/gen_checker_samples.py
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

# Run as a script (python scripts/gen_checker_samples.py): its family modules are the package
# scripts.checker_samples of the checkout, as the tests import scripts' modules.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.checker_samples import auth, clean, enc, http, param
from scripts.checker_samples.common import (
    _AS_SIGNED,
    AKID,
    GENERATED_BY,
    HOST,
    OUT,
    SIGNED_AT,
    Case,
)

#: What a sample written by hand says in ``generated_by``.
BY_HAND = "by hand: the .http file is the sample"


@dataclass(frozen=True)
class Listed:
    """A sample as the README lists it (generated or written by hand)."""

    rule: str
    name: str
    expect: tuple[str, ...]
    issues: tuple[str, ...]


def generated() -> list[Case]:
    """Every sample botocore signs, family by family, then the clean set."""
    return [*http.cases(), *enc.cases(), *param.cases(), *auth.cases(), *clean.cases()]


def by_hand(folder: Path) -> list[Listed]:
    """The committed samples written by hand (their ``generated_by`` is :data:`BY_HAND`)."""
    out = []
    for path in sorted(folder.glob("*/*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta.get("generated_by") == BY_HAND:
            out.append(
                Listed(path.parent.name, path.stem, tuple(meta["expect"]), tuple(meta["issues"]))
            )
    return out


def _write(cases: list[Case], out: Path) -> None:
    for case in cases:
        folder = out / case.rule
        folder.mkdir(parents=True, exist_ok=True)
        raw = case.wire if isinstance(case.wire, bytes) else case.wire.to_bytes()
        (folder / f"{case.name}.http").write_bytes(raw)
        meta = {
            "description": case.description,
            "spec": case.spec,
            "expect": case.expected(),
            "forbid": case.forbid,
            "clean": case.clean,
            "context": case.context(),
            "issues": list(case.issues),
            "signed_by": _AS_SIGNED.get(raw) if case.credentials is not None else None,
            "generated_by": GENERATED_BY,
        }
        (folder / f"{case.name}.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


_G_ROWS = (
    ("https://github.com/n8n-io/n8n/issues/9794", "'+' in address not encoded"),
    ("https://github.com/n8n-io/n8n/issues/1442", "raw '=' in an HTML value"),
    ("https://github.com/n8n-io/n8n/pull/2068", "signed one encoding, sent another"),
    ("https://github.com/aheckmann/node-ses/issues/63", "encodeURIComponent leaves ()' raw"),
    ("https://github.com/NextNC/nestjs-ses/issues/5", "same as node-ses#63"),
    ("https://github.com/mhart/aws4/pull/6", "aws4 missed *!()' escaping"),
    ("https://github.com/aws/aws-sdk-go/pull/220", "Go Values.Encode '+' in the canonical query"),
    ("https://github.com/tedder/requests-aws4auth/issues/59", "query double-decode"),
    ("https://github.com/tedder/requests-aws4auth/issues/45", "k=v string sorting"),
    ("https://github.com/DavidMuller/aws-requests-auth/issues/40", "quote_plus canonical query"),
    ("https://github.com/jmenga/requests-aws-sign/issues/7", "same as aws-requests-auth#40"),
    ("https://github.com/async-aws/aws/pull/1372", "RFC 1738 '+' in the query"),
    ("https://github.com/boto/botocore/pull/1285", "form Content-Type without charset"),
    ("https://github.com/boto/boto/pull/156", "unicode not UTF-8 encoded before urlencode"),
    ("https://github.com/boto/boto/pull/354", "byte strings encoded twice"),
    ("https://github.com/boto/botocore/pull/127", "query values not urlencoded ('+')"),
    ("https://github.com/cachethq/cachet/issues/2422", "scope service 'email'"),
    ("https://github.com/nodemailer/nodemailer-ses-transport/issues/10", "wrong region"),
    ("https://github.com/drewblas/aws-ses/issues/69", "no Date / X-Amz-Date"),
    ("https://github.com/symfony/symfony/issues/40480", "SigV3 after the cut-off"),
    ("https://github.com/marrow/mailer/issues/97", "SigV3 after the cut-off"),
    ("https://github.com/aristidb/aws/pull/73", "wrong param names ignored"),
    ("https://github.com/soto-project/soto-core/pull/216", "blob not base64'd"),
    ("https://github.com/quambene/pigeon-rs/issues/2", "bad base64 in RawMessage.Data"),
    ("https://github.com/smithy-lang/smithy/pull/2269", "empty list 'Name=' (conformant)"),
    ("https://github.com/localstack/localstack/issues/8588", "tag value with ':'"),
    ("https://github.com/python/cpython/pull/17065", "'~' as %7E before Python 3.7"),
)
_G_NOT_COVERED = {
    "https://github.com/mhart/aws4/pull/12": "asterisk in a path: SES paths are always '/'",
    "https://github.com/mhart/aws4/issues/14": "path double-encoding: SES paths are always '/'",
    "https://github.com/aws/aws-sdk-js/issues/853": "path double-encoding: as above",
    "https://github.com/aws/aws-sdk-go-v2/issues/2969": "sort before encoding non-ASCII keys: "
    "every SES parameter name is ASCII, so no request shows it",
    "https://github.com/aws/aws-sdk-js-v3/pull/4003": "EC2 empty lists: not SES",
    "https://github.com/getmoto/moto/issues/1421": "emulator parsing (moto), not the wire",
    "https://github.com/openstax/accounts/issues/253": "address syntax (display-name commas): "
    "no catalogue rule checks RFC 5322 address syntax",
}


def _readme(cases: list[Listed]) -> str:
    lines = [
        "# Checker samples: a pass and a fail request for every rule",
        "",
        "The botocore-signed samples are written by `scripts/gen_checker_samples.py` (rerun it;",
        "do not edit them), family by family (`scripts/checker_samples/`); the few written by",
        f"hand, plain bytes, are committed as they are (`generated_by`: {BY_HAND!r}). Each",
        "`<RULE>/<case>.http` is the raw request, `<case>.json` says what the checker must find",
        "and with which severity (`expect`: rule -> severity, as the spec gives it), must not",
        "find (`forbid`), whether the request must have no error-severity finding at all",
        "(`clean`), the context (`tls`, `credentials`, `now`), and `signed_by`: the botocore",
        "signer whose output these bytes are, unchanged and signed as the spec says with the",
        "context's secret (tests verify those with sesspec's verifier and refuse tampered",
        "copies), else null.",
        "`pass-*` samples must not raise the rule; `fail-*` samples must. For the info rules",
        "(HTTP005, ENC010, AUTH019, AUTH020) `fail-*` means the rule shows up.",
        "",
        "Valid signatures are botocore's (its clock frozen at "
        f"{SIGNED_AT.strftime('%Y-%m-%dT%H:%M:%SZ')}, credentials",
        f"{AKID} with the suites' example secret, host {HOST}); broken ones are",
        "botocore's, changed after signing the way the client in the named issue changed them.",
        "`pytest tests/test_checker_rules.py` runs each sample and checks that this folder is",
        "exactly what the generator writes.",
        "",
        "`clean/` holds every case of `vectors/ses/inputs.json` (each operation family and",
        "encoding hazard) as botocore sends it, header-signed POST and presigned GET: no error",
        "finding allowed, and the signature must verify (AUTH019).",
        "",
        "## Rule -> samples",
        "",
        "| rule | pass | fail |",
        "|---|---|---|",
    ]
    by_rule: dict[str, list[str]] = {}
    for case in cases:
        if case.rule != "clean":
            by_rule.setdefault(case.rule, []).append(case.name)
    for rule_id in sorted(by_rule, key=_rule_order):
        names = sorted(by_rule[rule_id])
        passes = ", ".join(n for n in names if n.startswith("pass-"))
        fails = ", ".join(n for n in names if n.startswith("fail-"))
        lines.append(f"| {rule_id} | {passes} | {fails} |")
    lines += [
        "",
        "## docs/spec.md#bug issue -> sample",
        "",
        "| issue | bug | sample(s) | rules |",
        "|---|---|---|---|",
    ]
    for url, what in _G_ROWS:
        hits = [c for c in cases if url in c.issues]
        shown = ", ".join(f"{c.rule}/{c.name}" for c in hits) or "**none**"
        rules = ", ".join(sorted({r for c in hits for r in c.expect})) or "(pass sample)"
        lines.append(f"| {url} | {what} | {shown} | {rules} |")
    lines += ["", "Not shown by a sample (and why):", ""]
    lines += [f"- {url}: {why}" for url, why in _G_NOT_COVERED.items()]
    return "\n".join(lines) + "\n"


def _rule_order(rule_id: str) -> tuple[int, int]:
    prefix = rule_id.rstrip("0123456789")
    return (["HTTP", "ENC", "PARAM", "AUTH"].index(prefix), int(rule_id[len(prefix) :]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to (re)write ({OUT})")
    out: Path = parser.parse_args(argv).out
    cases = generated()
    hand = by_hand(OUT)
    listed = [Listed(c.rule, c.name, tuple(c.expect), c.issues) for c in cases] + hand
    names = [(c.rule, c.name) for c in listed]
    if len(names) != len(set(names)):
        raise SystemExit("duplicate sample names")
    _write(cases, out)
    (out / "README.md").write_text(_readme(listed), encoding="utf-8")
    print(f"wrote {len(cases)} samples to {out} ({len(hand)} written by hand)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
