"""Which releases a sweep runs, and how their results become spans (no I/O here).

A sweep runs a client's releases, oldest first, through the same scenarios, and wants every
release where what the client puts on the wire changes. Running every release of a client with
hundreds is slow, so :func:`explore` samples them coarsely (:func:`sample`: evenly spaced, the
first and the last always among them), then bisects every gap whose two ends differ until the
two releases on either side of each change are neighbours. A change between two samples whose
ends are equal (a behaviour that came and went between them) is not seen; more samples see
more.

What "the same" means is the caller's: each probed release has a *fingerprint* (any hashable
value; the harness uses the verdicts, rules and request shape of each scenario, or the kind of
failure of a release that does not install or run). :func:`spans` collapses consecutive
releases with equal fingerprints into one :class:`Span`; a release not probed lies inside the
span of the probed releases around it when they are equal (it is *inferred*, and never where a
change is). A release that does not install or run has the kind of that failure as its
fingerprint, so it never joins a span of releases that ran.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["MAX_ROUNDS", "Span", "explore", "sample", "spans"]


def __dir__() -> list[str]:
    return __all__


#: Rounds of bisection at most: each halves every open gap, so 64 covers any list a registry
#: can hold; past it the gaps still open are left as they are (and named unresolved).
MAX_ROUNDS = 64


def sample(count: int, samples: int) -> list[int]:
    """``samples`` indices spread evenly over ``range(count)`` (``i * (count - 1) //
    (samples - 1)``, whole numbers only), the first and the last always among them (all of them
    when ``samples >= count``), in order, without repeats."""
    if count <= 0:
        return []
    if samples >= count:
        return list(range(count))
    if samples <= 1:
        return [0, count - 1] if count > 1 else [0]
    return sorted({i * (count - 1) // (samples - 1) for i in range(samples)})


ProbeAll = Callable[[Sequence[int]], Mapping[int, Hashable]]


def _open_gaps(count: int, known: Mapping[int, Hashable]) -> list[tuple[int, int]]:
    """The gaps between consecutive probed indices whose fingerprints differ and that still
    have a release between them."""
    probed = sorted(i for i in known if 0 <= i < count)
    return [(a, b) for a, b in itertools.pairwise(probed) if b - a > 1 and known[a] != known[b]]


def explore(
    count: int,
    probe: ProbeAll,
    *,
    samples: int,
    known: Mapping[int, Hashable] | None = None,
) -> tuple[dict[int, Hashable], list[tuple[int, int]]]:
    """Probe releases ``0..count-1``: the samples, then the midpoint of every gap whose ends
    differ, round after round. ``probe(indices)`` runs a batch (the harness runs it in
    parallel) and returns each index's fingerprint; ``known`` are results already had (a
    resumed sweep), never probed again. Returns every fingerprint had, and the gaps still open
    after :data:`MAX_ROUNDS` (none in practice)."""
    results: dict[int, Hashable] = dict(known or {})
    wanted = [i for i in sample(count, samples) if i not in results]
    if wanted:
        results.update(probe(wanted))
    for _ in range(MAX_ROUNDS):
        gaps = _open_gaps(count, results)
        if not gaps:
            return results, []
        middles = sorted({(a + b) // 2 for a, b in gaps} - set(results))
        results.update(probe(middles))
    return results, _open_gaps(count, results)


@dataclass(frozen=True, slots=True)
class Span:
    """Consecutive releases ``first..last`` (indices, inclusive) with one fingerprint; the
    indices of those that ran (``probed``); the others are inferred from them."""

    first: int
    last: int
    fingerprint: Hashable
    probed: tuple[int, ...]

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def spans(count: int, results: Mapping[int, Hashable]) -> list[Span]:
    """The releases ``0..count-1`` as spans of equal fingerprints (module docstring). Only
    releases from the first probed to the last are placed; between two probed releases whose
    fingerprints differ, the unprobed ones (a gap left open) are a span of their own with the
    fingerprint None."""
    probed = sorted(i for i in results if 0 <= i < count)
    out: list[Span] = []
    for position in probed:
        fingerprint = results[position]
        previous = out[-1] if out else None
        if previous is not None and previous.fingerprint == fingerprint:
            out[-1] = Span(previous.first, position, fingerprint, (*previous.probed, position))
            continue
        if previous is not None and position - previous.last > 1:
            out.append(Span(previous.last + 1, position - 1, None, ()))
        out.append(Span(position, position, fingerprint, (position,)))
    return out
