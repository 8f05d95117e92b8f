"""The report's expectations: cells marked known, each with its client's upstream issue.

A committed file (:data:`EXPECTATIONS_FILE`, ``sesspec/report/expectations.json``, format
``sesspec-expectations/2``) lists known failures::

    {"format": "sesspec-expectations/2",
     "known": [{"client": "ruby-fog-aws", "scenarios": ["send-email-ascii"],
                "rules": ["AUTH002"], "issue": "https://github.com/fog/fog-aws/issues/726",
                "reason": "...", "tested": "3.15.0 (Debian ruby-fog-aws 3.15.0-1)",
                "fixed_in": "3.28.0", "fixed": "https://github.com/fog/fog-aws/pull/727"}]}

Each entry names a client, the scenarios where it fails, the error rules it breaks there, the
upstream issue (an ``https://`` link), a sentence of why, the client's version the failure was
seen in (``tested``), and, where upstream fixed it, the release (``fixed_in``) and the link to
the fix (``fixed``), both or neither; ``releases`` (optional) names the span of the client's
releases it is about (``"..3.27.0"``: up to 3.27.0; what ``sesspec sweep`` found), and the
report applies it only to a run of such a release. :func:`load_expectations` reads it and
checks every name: an unknown client, scenario or rule, a rule with no error severity, a cell
listed twice, a missing field or a field of the wrong type, a ``releases`` that is not a span
is an :class:`ExpectationError` naming the entry.
:func:`sesspec.report.model.apply_expectations` then marks the cells, and
:func:`sesspec.report.model.unmatched_expectations` makes an entry that marks none of a run's
cells an error of that run.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from sesspec.check.catalogue import RULES
from sesspec.errors import InputError
from sesspec.report.model import Expectation

__all__ = [
    "EXPECTATIONS_FILE",
    "EXPECTATIONS_FORMAT",
    "ExpectationError",
    "load_expectations",
    "parse_expectations",
]


def __dir__() -> list[str]:
    return __all__


#: The committed expectations.
EXPECTATIONS_FILE = Path(__file__).with_name("expectations.json")
EXPECTATIONS_FORMAT = "sesspec-expectations/2"
#: Largest expectations file read (bytes).
MAX_EXPECTATIONS_BYTES = 1024 * 1024


class ExpectationError(InputError, ValueError):
    """An expectations file that cannot be used; ``where`` names the file and the entry."""


_FIELDS = {
    "client": str,
    "scenarios": list,
    "rules": list,
    "issue": str,
    "reason": str,
    "tested": str,
}
#: Fields an entry may leave out: where upstream fixed the failure, the release and the link;
#: the span of releases it is about (every release when absent).
_OPTIONAL = {"fixed_in": str, "fixed": str, "releases": str}


def _link(value: str, name: str, where: str) -> None:
    if not value.startswith("https://") or any(c.isspace() for c in value):
        raise ExpectationError(f"{name!r} is not an https:// link: {value!r}", where=where)


def _is_span(text: str) -> bool:
    """``A..B``, ``A..``, ``..B``, one version, or "" (every release): no space, at most one
    ``..``, a bound on one side at least, no bound starting or ending with a dot."""
    if text == "":
        return True
    if any(c.isspace() for c in text):
        return False
    low, dots, high = text.partition("..")
    bounds = [low, high] if dots else [text]
    if ".." in high or not any(bounds):
        return False
    return all(not b or not (b.startswith(".") or b.endswith(".")) for b in bounds)


def _entry(
    record: Any, entry: str, where: str, clients: Collection[str], scenarios: Collection[str]
) -> list[Expectation]:
    if not isinstance(record, dict):
        raise ExpectationError("an entry is an object", where=where)
    for name, kind in _FIELDS.items():
        if not isinstance(record.get(name), kind):
            raise ExpectationError(f"{name!r} is missing or not a {kind.__name__}", where=where)
    for name, kind in _OPTIONAL.items():
        if name in record and not isinstance(record[name], kind):
            raise ExpectationError(f"{name!r} is not a {kind.__name__}", where=where)
    extra = sorted(set(record) - set(_FIELDS) - set(_OPTIONAL))
    if extra:
        raise ExpectationError(f"unknown field(s) {', '.join(extra)}", where=where)
    client = record["client"]
    if client not in clients:
        raise ExpectationError(f"unknown client {client!r}", where=where)
    names: list[Any] = record["scenarios"]
    rules: list[Any] = record["rules"]
    if not names or not rules:
        raise ExpectationError("'scenarios' and 'rules' name at least one each", where=where)
    if not all(isinstance(name, str) for name in (*names, *rules)):
        raise ExpectationError("'scenarios' and 'rules' hold strings only", where=where)
    for name in names:
        if name not in scenarios:
            raise ExpectationError(f"unknown scenario {name!r}", where=where)
    for rule in rules:
        if rule not in RULES:
            raise ExpectationError(f"unknown rule {rule!r}", where=where)
        if "error" not in RULES[rule].allowed:
            raise ExpectationError(f"{rule} is never an error: nothing to expect", where=where)
    issue: str = record["issue"]
    _link(issue, "issue", where)
    for name in ("reason", "tested"):
        if not record[name].strip():
            raise ExpectationError(f"{name!r} is empty", where=where)
    fixed_in: str = record.get("fixed_in", "")
    fixed: str = record.get("fixed", "")
    if bool(fixed_in.strip()) != bool(fixed):
        raise ExpectationError("'fixed_in' and 'fixed' go together", where=where)
    if fixed:
        _link(fixed, "fixed", where)
    releases: str = record.get("releases", "")
    if not _is_span(releases):
        msg = f"'releases' is not A..B, A.., ..B or one version: {releases!r}"
        raise ExpectationError(msg, where=where)
    return [
        Expectation(
            client,
            str(name),
            tuple(str(r) for r in rules),
            issue,
            record["reason"],
            releases=releases,
            tested=record["tested"],
            fixed_in=fixed_in,
            fixed=fixed,
            entry=entry,
        )
        for name in names
    ]


def parse_expectations(
    document: Any,
    *,
    clients: Collection[str],
    scenarios: Collection[str],
    source: str = "expectations",
) -> tuple[Expectation, ...]:
    """The expectations of a parsed document, every name checked against ``clients``,
    ``scenarios`` and the rule catalogue (:class:`ExpectationError` otherwise)."""
    if not isinstance(document, Mapping) or document.get("format") != EXPECTATIONS_FORMAT:
        raise ExpectationError(f"not a {EXPECTATIONS_FORMAT} document", where=source)
    entries = document.get("known")
    if not isinstance(entries, list):
        raise ExpectationError("'known' is not a list", where=source)
    out: list[Expectation] = []
    seen: set[tuple[str, str]] = set()
    for i, record in enumerate(entries):
        entry = f"known[{i}]"
        where = f"{source}: {entry}"
        for expectation in _entry(record, entry, where, clients, scenarios):
            cell = (expectation.client, expectation.scenario)
            if cell in seen:
                raise ExpectationError(f"cell {cell[0]} / {cell[1]} listed twice", where=where)
            seen.add(cell)
            out.append(expectation)
    return tuple(out)


def load_expectations(
    path: Path = EXPECTATIONS_FILE, *, clients: Collection[str], scenarios: Collection[str]
) -> tuple[Expectation, ...]:
    """The expectations in ``path`` (the committed file by default), checked."""
    try:
        with path.open("rb") as fh:  # read within the limit: a FIFO or /dev/zero has no size
            data = fh.read(MAX_EXPECTATIONS_BYTES + 1)
        if len(data) > MAX_EXPECTATIONS_BYTES:
            msg = f"over the {MAX_EXPECTATIONS_BYTES}-byte limit"
            raise ExpectationError(msg, where=str(path))
        document = json.loads(data)
    except OSError as exc:
        raise ExpectationError(f"cannot read: {exc.strerror}", where=str(path)) from None
    except RecursionError:
        msg = "not JSON: nested deeper than the parser allows"
        raise ExpectationError(msg, where=str(path)) from None
    except ValueError as exc:
        if isinstance(exc, ExpectationError):
            raise
        raise ExpectationError(f"not JSON: {exc}", where=str(path)) from None
    return parse_expectations(document, clients=clients, scenarios=scenarios, source=str(path))
