"""The sweep's plan (sesspec.drivers.sweep.plan): samples, bisection, spans; and the order and
selection of releases (sesspec.drivers.sweep.releases). Expected values worked by hand."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from sesspec.drivers.sweep.plan import MAX_ROUNDS, Span, explore, sample, spans
from sesspec.drivers.sweep.releases import (
    RegistryError,
    Release,
    dates_in_order,
    in_span,
    select,
    version_key,
)


class TestSample:
    @pytest.mark.parametrize(
        ("count", "samples", "expected"),
        [
            (0, 5, []),
            (1, 5, [0]),
            (2, 1, [0, 1]),
            (5, 5, [0, 1, 2, 3, 4]),
            (5, 6, [0, 1, 2, 3, 4]),
            (5, 4, [0, 1, 2, 4]),  # i * 4 // 3: 0, 1, 2, 4
            (10, 2, [0, 9]),
            (10, 3, [0, 4, 9]),  # i * 9 // 2: 0, 4, 9
            (2**70, 2, [0, 2**70 - 1]),  # no float in the way
            (101, 5, [0, 25, 50, 75, 100]),
        ],
    )
    def test_even_with_both_ends(self, count: int, samples: int, expected: list[int]) -> None:
        assert sample(count, samples) == expected


class _Counting:
    """A probe over a list of fingerprints that counts what it was asked."""

    def __init__(self, fingerprints: Sequence[Hashable]) -> None:
        self.fingerprints = fingerprints
        self.asked: list[int] = []

    def __call__(self, indices: Sequence[int]) -> Mapping[int, Hashable]:
        assert not set(indices) & set(self.asked), "a release probed twice"
        self.asked.extend(indices)
        return {i: self.fingerprints[i] for i in indices}


class TestExplore:
    def test_every_change_between_samples_is_found_exactly(self) -> None:
        """Changes at 13 and 27 (of 100), 5 samples (0, 25, 50, 74, 99 -> ends differ in the
        first two gaps): bisection finds releases 12|13 and 26|27 as neighbours."""
        fingerprints = ["a"] * 13 + ["b"] * 14 + ["c"] * 73
        probe = _Counting(fingerprints)
        found, open_gaps = explore(100, probe, samples=5)
        assert open_gaps == []
        assert {12, 13, 26, 27} <= set(found)
        assert [(s.first, s.last, s.fingerprint) for s in spans(100, found)] == [
            (0, 12, "a"),
            (13, 26, "b"),
            (27, 99, "c"),
        ]
        assert len(probe.asked) < 5 + 2 * 7  # two bisections of at most log2(25) rounds each

    def test_change_at_the_first_and_last_release(self) -> None:
        fingerprints = ["x"] + ["y"] * 8 + ["z"]
        found, _ = explore(10, _Counting(fingerprints), samples=3)
        assert [(s.first, s.last) for s in spans(10, found)] == [(0, 0), (1, 8), (9, 9)]

    def test_known_results_are_not_probed_again(self) -> None:
        fingerprints = ["a"] * 5 + ["b"] * 5
        probe = _Counting(fingerprints)
        explore(10, probe, samples=2, known={0: "a", 9: "b", 4: "a"})
        assert 0 not in probe.asked
        assert 9 not in probe.asked
        assert set(probe.asked) <= {5, 6, 7, 8}
        assert {4, 5} <= {*probe.asked, 4}  # the change at 5 is pinned: 4 known, 5 probed

    def test_a_change_that_comes_and_goes_between_equal_samples_is_not_seen(self) -> None:
        """The limit the module docstring names: ends equal, nothing bisected."""
        fingerprints = ["a"] * 4 + ["b"] + ["a"] * 5
        found, _ = explore(10, _Counting(fingerprints), samples=2)
        assert [(s.first, s.last, s.fingerprint) for s in spans(10, found)] == [(0, 9, "a")]

    def test_rounds_are_bounded(self) -> None:
        """One change in 2**(MAX_ROUNDS + 4) releases takes MAX_ROUNDS + 4 halvings: the plan
        stops after MAX_ROUNDS and names the gap still open."""
        count = 2 ** (MAX_ROUNDS + 4)
        threshold = count // 3

        def probe(indices: Sequence[int]) -> Mapping[int, Hashable]:
            return {i: i >= threshold for i in indices}

        found, open_gaps = explore(count, probe, samples=2)
        ((low, high),) = open_gaps
        assert low < threshold <= high
        assert high - low == 2**4  # four halvings short
        assert len(found) == 2 + MAX_ROUNDS


class TestSpans:
    def test_unprobed_between_equal_ends_is_inferred(self) -> None:
        assert spans(10, {0: "a", 9: "a"}) == [Span(0, 9, "a", (0, 9))]

    def test_unprobed_between_different_ends_is_a_gap(self) -> None:
        assert spans(10, {0: "a", 9: "b"}) == [
            Span(0, 0, "a", (0,)),
            Span(1, 8, None, ()),
            Span(9, 9, "b", (9,)),
        ]

    def test_failures_never_join_releases_that_ran(self) -> None:
        results: dict[int, Hashable] = {
            0: ("does-not-install",),
            1: ("does-not-install",),
            2: (("s", "pass"),),
            3: ("does-not-run",),
        }
        assert [(s.first, s.last) for s in spans(4, results)] == [(0, 1), (2, 2), (3, 3)]

    def test_out_of_range_results_are_ignored(self) -> None:
        assert spans(2, {0: "a", 5: "b", -1: "c"}) == [Span(0, 0, "a", (0,))]


def _releases(*versions: str) -> list[Release]:
    return [Release(v, datetime(2020, 1, 1, tzinfo=UTC)) for v in versions]


class TestReleases:
    def test_version_order(self) -> None:
        versions = [
            "1.10.0",
            "1.0.post1",
            "1.0.0",
            "0.9",
            "1.0rc1",
            "1.9.0",
            "2.0.0-beta.1",
            "v2.0.0",
        ]
        assert sorted(versions, key=version_key) == [
            "0.9",
            "1.0rc1",
            "1.0.0",
            "1.0.post1",
            "1.9.0",
            "1.10.0",
            "2.0.0-beta.1",
            "v2.0.0",
        ]

    def test_trailing_zeros_are_equal(self) -> None:
        assert version_key("1.0") == version_key("1.0.0")

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            (None, ["1.0", "1.1", "1.2", "2.0"]),
            ("all", ["1.0", "1.1", "1.2", "2.0"]),
            ("1.1..1.2", ["1.1", "1.2"]),  # both ends included
            ("1.1..", ["1.1", "1.2", "2.0"]),
            ("..1.0", ["1.0"]),
            ("1.0.5..1.1.5", ["1.1"]),  # bounds need not be releases
            ("1.2", ["1.2"]),
        ],
    )
    def test_select(self, spec: str | None, expected: list[str]) -> None:
        releases = _releases("1.0", "1.1", "1.2", "2.0")
        assert [r.version for r in select(releases, spec, package="p", registry="pypi")] == expected

    def test_select_nothing_is_an_error(self) -> None:
        with pytest.raises(RegistryError) as caught:
            select(_releases("1.0"), "3..4", package="p", registry="pypi")
        assert caught.value.kind == "range"
        assert str(caught.value) == "pypi p: no release in '3..4' (of 1)"


class TestDatesInOrder:
    """A quarter of the steps may go back in time (backports); more is not a registry's own
    publication times (a mirror's)."""

    @staticmethod
    def _dated(*days: int) -> list[Release]:
        return [Release(f"1.{n}", datetime(2020, 1, day, tzinfo=UTC)) for n, day in enumerate(days)]

    def test_a_quarter_backwards(self) -> None:
        assert dates_in_order(self._dated(1, 2, 3, 2, 4))  # 1 of 4 steps

    def test_more_than_a_quarter(self) -> None:
        assert not dates_in_order(self._dated(1, 2, 1, 3))  # 1 of 3 steps

    def test_undated(self) -> None:
        assert dates_in_order([Release("1", None), Release("2", None)])
        assert dates_in_order(self._dated(5))


class TestInSpan:
    """A known-failure entry's span of releases, as the report applies it."""

    @pytest.mark.parametrize(
        ("version", "spec", "expected"),
        [
            ("3.27.0", "..3.27.0", True),  # the bound itself
            ("3.27.1", "..3.27.0", False),  # one step past it
            ("3.28.0", "3.28.0..", True),
            ("3.27.9", "3.28.0..", False),
            ("3.15.0-1", "..3.27.0", True),  # a Debian version, by its upstream part
            ("1:2.49.0-3+b1", "2.49.0", True),
            ("anything", "", True),
        ],
    )
    def test_in_span(self, version: str, spec: str, expected: bool) -> None:
        assert in_span(version, spec) is expected
