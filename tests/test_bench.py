"""The benchmark's machinery (its figures are not asserted: a benchmark is not a timed test)."""

from __future__ import annotations

from itertools import groupby

from benchmarks import bench


def test_best_alternates_and_counts_every_call() -> None:
    calls: list[str] = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    best = bench._best(fns, budget=0.002, rounds=3)
    assert set(best) == {"a", "b"}
    assert all(0 < v < 1 for v in best.values())
    # Two warm-up calls each, then the rounds take turns: a..., b..., a..., b..., a..., b...
    assert calls[:4] == ["a", "a", "b", "b"]
    assert [name for name, _ in groupby(calls[4:])] == ["a", "b"] * 3


def test_report_prints_ratios() -> None:
    results = {
        "machine": {"python": "3.11.7", "system": "Linux"},
        "versions": {"botocore": "1.44.8", "awscrt": "0.38.1"},
        "cases": {
            "small SendEmail": {
                "body_bytes": 228,
                "sesspec": {"serialize": 1e-6, "sign": 2e-6, "both": 4e-6},
                "botocore": {"serialize": 3e-6, "sign": 5e-6, "both": 8e-6},
                "awscrt": {"sign": 7e-6},
                "sesspec_peak_bytes": 456,
            }
        },
    }
    text = bench._report(results)
    assert "serialize sesspec      1.0 us   botocore      3.0 us (   3.0x)" in text
    assert "awscrt      7.0 us (   3.5x)" in text
    assert "both      sesspec      4.0 us   botocore      8.0 us (   2.0x)" in text
    assert "= 2.00x the encoded body" in text


def test_sesspec_paths_agree() -> None:
    """What the benchmark times for sesspec is the real thing: the body it serializes is the one
    build_request sends, and signing it alone gives the same request."""
    for op, params in bench.cases().values():
        if op != "SendEmail":
            continue
        body = bench._ours_serialize(op, params)
        both = bench._ours_both(op, params)
        assert both.body == body
        assert bench._ours_sign(bench._ours_unsigned(body)) == both
        url = f"https://{bench.HOST}/"
        assert bench._ours_user_sign("POST", url, bench._user_headers(body), body) == both
