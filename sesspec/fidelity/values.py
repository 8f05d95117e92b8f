"""Naming how a value changed: the kinds whose steps, applied in order to the value asked, give
exactly the value that arrived, each step located to the byte.

A step is one of the value-change kinds of :mod:`sesspec.fidelity.kinds` applied everywhere it
applies (every bare LF made CRLF, every run of spaces made one space, ...).
:func:`describe_change` tries a final line end appended or removed, one step, then two, each
followed (last) by a final line end appended or removed, the letters' case changed or the value
cut short; the first sequence that reproduces the value that arrived names the change, one
:class:`Step` per kind. When none does, the change is one ``value-changed`` step. Values
are compared as they are: nothing is normalised first.

Bounded: two-step sequences are searched only in values up to :data:`MAX_SEARCH` characters,
and in at most :data:`MAX_SEARCH_TOTAL` characters of values in one comparison
(:func:`search_budget`); one step and the final checks at any size; an excerpt is at most
:data:`MAX_EXCERPT` bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sesspec.fidelity.kinds import KINDS, Kind
from sesspec.fidelity.types import Difference, Location, ValueDiff, shown

__all__ = [
    "CONTEXT",
    "MAX_EXCERPT",
    "MAX_SEARCH",
    "MAX_SEARCH_TOTAL",
    "STEPS",
    "Step",
    "changed",
    "describe_change",
    "excerpt",
    "same_text",
    "search_budget",
]


def __dir__() -> list[str]:
    return __all__


#: Bytes of context shown before where a value starts to differ.
CONTEXT = 16
#: Longest byte excerpt of a :class:`~sesspec.fidelity.types.ValueDiff`, per side.
MAX_EXCERPT = 96
#: Longest value (characters) in which two-step changes are searched for (one step: any size).
MAX_SEARCH = 64 * 1024
#: Characters of values (asked and arrived) searched for two-step changes in one comparison
#: (:func:`search_budget`): past it, values are named by one step or ``value-changed``, so a
#: request of a thousand changed parts costs no more than a few.
MAX_SEARCH_TOTAL = 256 * 1024

_BUDGET: ContextVar[list[int] | None] = ContextVar("sesspec_fidelity_search", default=None)


@contextmanager
def search_budget() -> Iterator[None]:
    """Bound the two-step searches of one comparison by :data:`MAX_SEARCH_TOTAL` (the
    comparison's entry points open it; nested ones share the outer budget)."""
    if _BUDGET.get() is not None:
        yield
        return
    token = _BUDGET.set([MAX_SEARCH_TOTAL])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _spend(cost: int) -> bool:
    """Take ``cost`` characters from the comparison's search budget, if it has them."""
    budget = _BUDGET.get()
    if budget is None:
        return True
    if budget[0] < cost:
        return False
    budget[0] -= cost
    return True


_ENC = "utf-8"
_ERR = "surrogateescape"

_BARE_LF = re.compile(r"(?<!\r)\n")
_BARE_CR = re.compile(r"\r(?!\n)")
# A run of spaces and tabs before a line end; the look-behind starts a match only
# at a run's first character and the possessive quantifier never backtracks: linear.
_LINE_TRAILING = re.compile(r"(?<![ \t])[ \t]++(?=\r\n|\n|\r)")
_RUNS = re.compile(r"[ \t]{2,}")
_LINE_ENDS = ("\r\n", "\n", "\r")


def _latin1(text: str) -> str:
    return text.encode(_ENC, _ERR).decode("latin-1")


def _cp1252(text: str) -> str:
    return text.encode(_ENC, _ERR).decode("cp1252", "replace")


def _normal(form: str) -> Callable[[str], str]:
    def step(text: str) -> str:
        return unicodedata.normalize(form, text)  # type: ignore[arg-type]

    return step


#: The steps, in the order they are preferred when several explain a value.
STEPS: tuple[tuple[Kind, Callable[[str], str]], ...] = (
    ("line-end-lf-to-crlf", lambda s: _BARE_LF.sub("\r\n", s)),
    ("line-end-crlf-to-lf", lambda s: s.replace("\r\n", "\n")),
    ("line-end-cr-to-crlf", lambda s: _BARE_CR.sub("\r\n", s)),
    ("line-end-crlf-to-cr", lambda s: s.replace("\r\n", "\r")),
    ("line-end-cr-to-lf", lambda s: _BARE_CR.sub("\n", s)),
    ("line-end-lf-to-cr", lambda s: _BARE_LF.sub("\r", s)),
    ("line-end-cr-dropped", lambda s: _BARE_CR.sub("", s)),
    ("whitespace-trimmed", str.strip),
    ("whitespace-leading-trimmed", str.lstrip),
    ("whitespace-trailing-trimmed", str.rstrip),
    ("whitespace-line-trailing-trimmed", lambda s: _LINE_TRAILING.sub("", s)),
    ("whitespace-collapsed", lambda s: _RUNS.sub(" ", s)),
    ("whitespace-tabs-to-spaces", lambda s: s.replace("\t", " ")),
    ("whitespace-tabs-to-spaces", lambda s: s.replace("\t", "    ")),
    ("whitespace-tabs-to-spaces", lambda s: s.replace("\t", "        ")),
    ("whitespace-tabs-to-spaces", lambda s: s.expandtabs(8)),
    ("whitespace-tabs-to-spaces", lambda s: s.expandtabs(4)),
    ("unicode-nfc", _normal("NFC")),
    ("unicode-nfd", _normal("NFD")),
    ("unicode-nfkc", _normal("NFKC")),
    ("unicode-nfkd", _normal("NFKD")),
    ("text-utf8-read-as-latin1", _latin1),
    ("text-utf8-read-as-cp1252", _cp1252),
    ("text-non-ascii-replaced", lambda s: s.encode("ascii", "replace").decode("ascii")),
    ("text-non-ascii-replaced", lambda s: "".join(c if c.isascii() else "\ufffd" for c in s)),
    ("text-plus-as-space", lambda s: s.replace("+", " ")),
)


@dataclass(frozen=True, slots=True)
class Step:
    """One named change of a value: its kind and where it starts (``diff``)."""

    kind: Kind
    diff: ValueDiff


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix (binary search over C-level compares: fast on megabytes)."""
    va, vb = memoryview(a), memoryview(b)
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if va[lo:mid] == vb[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the common suffix, at most ``limit``."""
    va, vb = memoryview(a), memoryview(b)
    lo, hi = 0, min(limit, len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if va[len(a) - mid : len(a) - lo] == vb[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def excerpt(before: str | bytes, after: str | bytes, *, secret: bool = False) -> ValueDiff:
    """Where ``after`` starts to differ from ``before`` (bytes of their UTF-8), and each one's
    bytes around the difference (none for a ``secret``)."""
    a = before if isinstance(before, bytes) else before.encode(_ENC, _ERR)
    b = after if isinstance(after, bytes) else after.encode(_ENC, _ERR)
    start = _common_prefix(a, b)
    tail = _common_suffix(a, b, min(len(a), len(b)) - start)
    lo = max(0, start - CONTEXT)

    def window(data: bytes) -> bytes:
        hi = min(len(data), max(start, len(data) - tail) + CONTEXT)
        return data[lo : min(hi, lo + MAX_EXCERPT)]

    return ValueDiff(
        offset=start,
        expected_length=len(a),
        actual_length=len(b),
        expected_excerpt=None if secret else window(a),
        actual_excerpt=None if secret else window(b),
    )


def _line_end_finish(value: str, actual: str) -> Kind | None:
    """A line end appended at the end of ``value``, or its final line end removed."""
    for end in _LINE_ENDS:
        if actual == value + end:
            return "line-end-appended"
        if value.endswith(end) and actual == value[: -len(end)]:
            return "line-end-removed"
    return None


def _finish(value: str, actual: str) -> Kind | None:
    """The kind that, last, turns ``value`` into ``actual``: a final line end appended or
    removed, the letters' case changed (the same text, compared caselessly), or the value
    cut short."""
    last = _line_end_finish(value, actual)
    if last is not None:
        return last
    if value.lower() == actual.lower() or value.upper() == actual.upper():
        return "text-case-changed"
    if len(actual) < len(value) and value.startswith(actual):
        return "text-truncated"
    return None


def _search(expected: str, actual: str) -> list[tuple[Kind, str, str]] | None:
    """The steps (kind, value before, value after) from ``expected`` to ``actual``, or None:
    a final line end first, then one step, a case change or a cut, then a step and any of
    those, then (for values up to :data:`MAX_SEARCH`) two steps and any of those."""
    last = _line_end_finish(expected, actual)
    if last is not None:
        return [(last, expected, actual)]
    firsts: list[tuple[Kind, str]] = []
    for kind, step in STEPS:
        out = step(expected)
        if out == expected:
            continue  # does nothing to this value
        if out == actual:
            return [(kind, expected, out)]
        firsts.append((kind, out))
    last = _finish(expected, actual)
    if last is not None:
        return [(last, expected, actual)]
    for kind, middle in firsts:
        last = _finish(middle, actual)
        if last is not None:
            return [(kind, expected, middle), (last, middle, actual)]
    if len(expected) > MAX_SEARCH or len(actual) > MAX_SEARCH:
        return None
    if not _spend(len(expected) + len(actual)):
        return None
    for first, middle in firsts:
        for kind, step in STEPS:
            if kind == first:
                continue
            out = step(middle)
            if out == middle:
                continue
            if out == actual:
                return [(first, expected, middle), (kind, middle, out)]
            last = _finish(out, actual)
            if last is not None:
                return [(first, expected, middle), (kind, middle, out), (last, out, actual)]
    return None


def describe_change(
    expected: str | bytes, actual: str | bytes, *, secret: bool = False
) -> list[Step]:
    """The steps that turn ``expected`` into ``actual`` (nothing when they are equal), each
    with where it starts; one ``value-changed`` step when no sequence of named steps does.

    Text is compared as UTF-8; bytes are read as UTF-8 with undecodable bytes kept
    (``surrogateescape``), so 8-bit content and its mangled copy are compared byte for byte.
    With ``secret`` the excerpts are left out (the kinds and offsets stay).

    >>> [(s.kind, str(s.diff)) for s in describe_change("a\\nb", "a\\r\\nb")]
    [('line-end-lf-to-crlf', "from byte 1; 3 -> 4 bytes: b'a\\\\nb' became b'a\\\\r\\\\nb'")]
    """
    e_text = expected if isinstance(expected, str) else expected.decode(_ENC, _ERR)
    a_text = actual if isinstance(actual, str) else actual.decode(_ENC, _ERR)
    if e_text == a_text:
        return []
    found = _search(e_text, a_text)
    if found is None:
        return [Step("value-changed", excerpt(e_text, a_text, secret=secret))]
    return [Step(kind, excerpt(before, after, secret=secret)) for kind, before, after in found]


def changed(
    where: Location,
    label: str,
    expected: str | bytes,
    actual: str | bytes,
    *,
    secret: bool = False,
) -> list[Difference]:
    """One :class:`~sesspec.fidelity.types.Difference` per step of the change from
    ``expected`` to ``actual`` at ``where`` (none when they are equal); ``label`` names the
    value in the messages. A ``secret`` is never shown: its differences carry the kinds and
    offsets only."""
    e_text = expected if isinstance(expected, str) else expected.decode(_ENC, _ERR)
    a_text = actual if isinstance(actual, str) else actual.decode(_ENC, _ERR)
    out: list[Difference] = []
    for step in describe_change(e_text, a_text, secret=secret):
        what = KINDS[step.kind].summary
        detail = f"from byte {step.diff.offset}" if secret else str(step.diff)
        out.append(
            Difference(
                step.kind,
                where,
                f"{label}: {what} ({detail})",
                expected=None if secret else shown(e_text),
                actual=None if secret else shown(a_text),
                change=step.diff,
            )
        )
    return out


def same_text(asked: str, data: bytes, charset: str | None) -> bool:
    """Whether ``data`` reads, in ``charset`` (US-ASCII when None), without error and with the
    non-ASCII characters of the text ``asked``, in order: the condition of the charset kinds
    (docs/spec.md#fid-kinds). Every other change of the text is named on the text itself."""
    try:
        text = data.decode(charset.strip() if charset else "us-ascii")
    except (LookupError, UnicodeDecodeError, ValueError):
        return False
    return [c for c in text if ord(c) > 127] == [c for c in asked if ord(c) > 127]
