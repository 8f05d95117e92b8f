"""What ``sesspec rules`` prints: the catalogue one rule a line, or one rule explained.

:func:`explain` gives a rule as its declaration has it (title, severities and when each is
given, why, what to change in a client that breaks it, the clauses of ``docs/spec.md`` it
enforces, the sources outside this project, the error SES answers with) and its pass and fail
samples, each with what it shows: those the package carries (``sesspec/check/samples/<ID>/`` of
a wheel), else ``vectors/checker/<ID>/`` of the checkout.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from sesspec.check.catalogue import RULES, Rule

__all__ = ["SAMPLES", "explain", "listing"]


def __dir__() -> list[str]:
    return __all__


#: The checker samples the package carries (a wheel: ``sesspec/check/samples``, copied from
#: ``vectors/checker`` by the build, ``setup.py``), else those of the checkout this package
#: sits in (an editable install, a source tree).
SAMPLES = next(
    (
        folder
        for folder in (
            Path(__file__).resolve().parent / "samples",
            Path(__file__).resolve().parent.parent.parent / "vectors" / "checker",
        )
        if folder.is_dir()
    ),
    Path(__file__).resolve().parent / "samples",
)

#: Where the samples are when this install has none: a clone of sesspec.
_ELSEWHERE = "vectors/checker/{rule}/ of a clone of sesspec, or a wheel built from one"
_WIDTH = 96
_LABEL = 13  # the width of the label column


def listing() -> str:
    """One line a rule: id, severity, title, citation (``deprecated`` marked)."""
    lines = []
    for r in RULES.values():
        flag = " (deprecated)" if r.deprecated else ""
        lines.append(f"{r.id:<9} {r.severity:<7} {r.title}{flag}  [{r.citation}]\n")
    return "".join(lines)


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(
        text, _WIDTH, initial_indent=f"{label:<{_LABEL}}", subsequent_indent=" " * _LABEL
    ) or [label]


def _answer(rule: Rule) -> str:
    answer = rule.ses_error
    if answer is None:
        if rule.family == "FID":
            return "nothing: SES accepts the request and acts on what arrived (docs/spec.md#fid)"
        if "error" in rule.allowed:
            return "no error of its own (strict mode leaves it to the endpoint)"
        return "nothing: its findings are never errors"
    how = {
        "finding": "with the finding's words",
        "missing-parameter": "naming the missing parameter",
        "signature": "with the canonical request and string to sign the spec gives",
    }[answer.wording]
    return f"{answer.code} ({answer.status}), {how}"


def _samples(rule_id: str, samples: Path) -> list[str]:
    if RULES[rule_id].family == "FID":
        return [
            f"{'samples':<{_LABEL}}none: a lone request cannot break it; the report judges each "
            "capture against what its scenario asked"
        ]
    folder = samples / rule_id
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        where = _ELSEWHERE.format(rule=rule_id)
        return [f"{'samples':<{_LABEL}}none in {folder}: they are in {where}"]
    lines = [f"{'samples':<{_LABEL}}{folder}"]
    for path in files:
        meta = json.loads(path.read_text(encoding="utf-8"))
        lines.append(f"  {path.stem}.http")
        lines += textwrap.wrap(
            str(meta.get("description", "")),
            _WIDTH,
            initial_indent=" " * 4,
            subsequent_indent=" " * 4,
        )
    return lines


def explain(rule_id: str, *, samples: Path = SAMPLES) -> str:
    """The rule ``rule_id`` (``KeyError`` for an unknown id) and its samples, as text."""
    rule = RULES[rule_id]
    lines = [f"{rule.id}  {rule.title}" + (" (deprecated)" if rule.deprecated else "")]
    lines += _wrapped("severity", rule.severity)
    for severity, when in rule.severities:
        lines += _wrapped("", f"{severity}: {when}")
    lines += _wrapped("why", rule.reason)
    lines += _wrapped("remedy", rule.remedy)
    lines += [f"{'spec':<{_LABEL}}docs/spec.md#{anchor}" for anchor in rule.anchors]
    lines += [f"{'sources' if i == 0 else '':<{_LABEL}}{s}" for i, s in enumerate(rule.sources)]
    lines += _wrapped("SES answers", _answer(rule))
    lines += _samples(rule.id, samples)
    return "\n".join(lines) + "\n"
