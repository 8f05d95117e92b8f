"""The core's limits under hostile input: list indexes, pair counts, name depth, integer
digits, the HTTP reader's sizes, presigned expiry digits; the README's limits table held to the
code.

The size attacks also assert peak memory (tracemalloc), with margins wide enough to prove
boundedness, not speed: before these limits the 74-byte body with a list index of 10**12
allocated 3.4 GB. Expected values are worked by hand from the rules (docs/spec.md#param-list:
lists 1..N without gaps) and from the limits as documented in the README.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest

from sesspec.check import Credentials, Location, check
from sesspec.check.rules import param as params_rules
from sesspec.encoding import MAX_PAIRS, form_decode, form_segments
from sesspec.errors import (
    EncodingError,
    HttpParseError,
    ParamError,
    ParamErrorKind,
)
from sesspec.http import DEFAULT_MAX_HEADERS, parse_request
from sesspec.query import (
    MAX_INTEGER_DIGITS,
    MAX_LIST_INDEX,
    MAX_NAME_DEPTH,
    MAX_NAME_PREFIXES,
    flatten,
    validate_pairs,
)
from sesspec.signing import sigv4
from tests._hostile import (
    AKID,
    CREDS,
    HOST,
    MB,
    SECRET,
    WHEN,
    assert_one_line_exit_2,
    get,
    kinds,
    peak_bytes,
    post,
    presigned,
    run,
)
from tests._support import REPO

# --- 1. bounds: list indexes -------------------------------------------------------------------

HUGE_INDEX_BODY = b"Action=GetIdentityVerificationAttributes&Identities.member.1000000000000=x"


class TestListIndexes:
    """docs/spec.md#param-list: list elements are numbered 1..N; an index above MAX_LIST_INDEX (the
    number of pairs a request may hold) implies missing elements, reported once."""

    def test_the_74_byte_body(self) -> None:
        assert len(HUGE_INDEX_BODY) == 74
        errors = validate_pairs(form_decode(HUGE_INDEX_BODY))
        assert [(e.param, e.kind) for e in errors] == [
            ("Identities.member.1000000000000", "index-too-large")
        ]
        findings = check(post(HUGE_INDEX_BODY))
        # PARAM003 (no Version) and the transport and auth findings of any unsigned request,
        # and one PARAM007 for the index: nothing per missing element.
        assert [f.rule for f in findings].count("PARAM007") == 1
        assert len(findings) < 10

    def test_the_74_byte_body_memory(self) -> None:
        assert peak_bytes(lambda: validate_pairs(form_decode(HUGE_INDEX_BODY))) < 2 * MB
        assert peak_bytes(lambda: check(post(HUGE_INDEX_BODY))) < 2 * MB

    def test_the_74_byte_body_on_the_command_line(self) -> None:
        code, out, err = run(["unflatten"], HUGE_INDEX_BODY)
        assert_one_line_exit_2(code, err)
        assert out == b""
        assert "list index above 10000" in err

    def test_2000_spaced_indexes_in_a_60kb_get(self) -> None:
        query = (
            b"Action=GetIdentityVerificationAttributes&"
            + "&".join(f"Identities.member.{i * 1000}=x" for i in range(1, 2001)).encode()
        )
        assert 50_000 < len(query) < 60_000
        raw = get(query)
        findings = check(raw)
        param7 = [f for f in findings if f.rule == "PARAM007"]
        # Indexes 1000..10000 are read (10 of them): one gap before each; the 1,990 above
        # MAX_LIST_INDEX are one finding each. Nothing else grows with the input.
        assert len(param7) == 10 + 1990
        assert len(findings) < len(param7) + 10
        text = sum(len(f.message) + len(str(f.location)) + len(f.detail) for f in findings)
        assert text < 100 * len(raw)  # it was 290 MB of output
        assert peak_bytes(lambda: check(raw)) < 16 * MB  # it was 1.2 GB

    def test_gap_runs_reported_once(self) -> None:
        pairs = [
            ("Action", "GetIdentityVerificationAttributes"),
            ("Identities.member.1", "a"),
            ("Identities.member.3", "b"),
            ("Identities.member.7", "c"),
        ]
        errors = validate_pairs(pairs)
        assert [(e.param, e.message, e.kind) for e in errors] == [
            ("Identities.member.2", "list index gap: this element is missing", "index-gap"),
            ("Identities.member.4", "list index gap: elements 4 to 6 are missing", "index-gap"),
        ]

    def test_gap_before_the_first_element(self) -> None:
        errors = validate_pairs(
            [("Action", "GetIdentityVerificationAttributes"), ("Identities.member.3", "a")]
        )
        assert [(e.param, e.message) for e in errors] == [
            ("Identities.member.1", "list index gap: elements 1 to 2 are missing")
        ]

    @pytest.mark.parametrize(
        ("index", "expected"),
        [
            (str(MAX_LIST_INDEX - 1), ["index-gap"]),
            (str(MAX_LIST_INDEX), ["index-gap"]),
            (str(MAX_LIST_INDEX + 1), ["index-too-large"]),
            ("9" * 5000, ["index-too-large"]),  # a 5,000-digit index: no int() of it
            ("0" + str(MAX_LIST_INDEX), ["index-bad"]),  # leading zero, however short
        ],
    )
    def test_index_limit_boundary(self, index: str, expected: list[str]) -> None:
        pairs = [
            ("Action", "GetIdentityVerificationAttributes"),
            (f"Identities.member.{index}", "x"),
        ]
        assert kinds(validate_pairs(pairs)) == expected

    def test_map_indexes_have_the_same_limit(self) -> None:
        # SetIdentityHeadersInNotificationsEnabled has no map; the generic model of
        # test_query_properties does (MapArg.entry.N).
        from tests.test_query_properties import _generic

        model = _generic()
        pairs = [
            ("Action", "Op"),
            ("S", "x"),
            ("M.entry.1.key", "k"),
            ("M.entry.1.value", "v"),
            (f"M.entry.{'9' * 300}.key", "k"),
            (f"M.entry.{'9' * 300}.value", "v"),
        ]
        assert kinds(validate_pairs(pairs, model=model)) == ["index-too-large"]


# --- 1. bounds: pairs, depth, prefixes, digits, headers, bodies -------------------------------


class TestPairCount:
    def test_max_pairs_decode(self) -> None:
        assert len(form_decode(b"&".join([b"a=1"] * MAX_PAIRS))) == MAX_PAIRS

    def test_one_more_is_refused_before_decoding(self) -> None:
        data = b"&".join([b"a=1"] * (MAX_PAIRS + 1))
        with pytest.raises(EncodingError) as info:
            form_decode(data)
        assert info.value.kind == "too-many-pairs"
        # offset: the '&' after the 10,000th segment ("a=1&" is 4 bytes)
        assert info.value.offset == 4 * MAX_PAIRS - 1
        with pytest.raises(EncodingError):
            form_decode(data.decode(), strict=True)

    @pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
    @pytest.mark.parametrize("decode", [form_decode, form_segments])
    def test_empty_segments_count(self, decode: Any, as_bytes: bool) -> None:
        """n '&' make n + 1 segments, empty ones counted (MAX_PAIRS' own docstring): MAX_PAIRS
        bytes can already hold one segment too many. The offset is that of the MAX_PAIRS-th
        '&', where the segment past the limit starts."""
        text_below, text = "&" * (MAX_PAIRS - 1), "&" * MAX_PAIRS
        below: str | bytes = text_below.encode() if as_bytes else text_below
        data: str | bytes = text.encode() if as_bytes else text
        assert decode(below) == []
        with pytest.raises(EncodingError) as info:
            decode(data)
        assert (info.value.kind, info.value.offset) == ("too-many-pairs", MAX_PAIRS - 1)
        assert info.value.source == data
        assert info.value.message == (
            f"{MAX_PAIRS + 1} '&'-separated segments: more than the {MAX_PAIRS} sesspec decodes"
        )

    def test_offset_counts_characters_of_a_str(self) -> None:
        data = "&".join(["\u00e9=1"] * (MAX_PAIRS + 1))
        with pytest.raises(EncodingError) as info:
            form_decode(data)
        assert data[info.value.offset] == "&"
        assert data[: info.value.offset].count("&") == MAX_PAIRS - 1

    def test_check_reports_it_without_decoding(self) -> None:
        body = b"a&" * 20_000
        findings = check(post(body))
        assert [f.rule for f in findings if f.rule == "HTTP001"] == ["HTTP001"]
        assert findings[-1].location == Location("body", offset=2 * MAX_PAIRS - 1)
        assert str(findings[-1].location) == f"body offset {2 * MAX_PAIRS - 1}"
        assert peak_bytes(lambda: check(post(body))) < 2 * MB

    def test_unflatten_refuses_more_pairs_than_that(self) -> None:
        pairs = [("Action", "ListIdentities")] + [("MaxItems", "1")] * MAX_PAIRS
        assert kinds(validate_pairs(pairs)) == ["too-many-pairs"]
        assert kinds(validate_pairs(pairs[:MAX_PAIRS])) == ["duplicate"] * (MAX_PAIRS - 2)


class TestNameDepth:
    @pytest.mark.parametrize(
        ("segments", "kind"), [(MAX_NAME_DEPTH, "unknown"), (MAX_NAME_DEPTH + 1, "too-deep")]
    )
    def test_boundary(self, segments: int, kind: str) -> None:
        name = ".".join(["Source", *["a"] * (segments - 1)])
        assert kinds(validate_pairs([("Action", "ListIdentities"), (name, "x")])) == [kind]

    def test_30001_segments_in_60kb(self) -> None:
        raw = get(b"Action=SendEmail&" + b"a." * 30_000 + b"a=1")
        rules = [f.rule for f in check(raw)]
        assert rules.count("PARAM004") == 1
        # The tree used to hold every prefix of the name: 30,000 copies, 909 MB at d05009b.
        assert peak_bytes(lambda: check(raw)) < 4 * MB

    def test_prefix_budget(self) -> None:
        body = "&".join(f"x{i}" + ".a" * 63 + "=1" for i in range(9000)).encode()
        errors = validate_pairs(form_decode(b"Action=ListIdentities&" + body))
        assert kinds(errors).count("too-many-prefixes") == 1
        # Names read before the budget ran out are reported one by one (as unknown members).
        assert kinds(errors).count("unknown") == MAX_NAME_PREFIXES // MAX_NAME_DEPTH
        assert peak_bytes(lambda: check(post(body))) < 32 * MB  # 170 MB without the budget


class TestIntegerDigits:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("9" * MAX_INTEGER_DIGITS, None),
            ("-" + "9" * MAX_INTEGER_DIGITS, None),
            ("9" * (MAX_INTEGER_DIGITS + 1), "too-many-digits"),
            ("-" + "9" * (MAX_INTEGER_DIGITS + 1), "too-many-digits"),
            ("9" * 5000, "too-many-digits"),  # past Python's 4,300-digit int(str) limit
        ],
    )
    def test_unflatten(self, text: str, kind: str | None) -> None:
        pairs = [("Action", "ListIdentities"), ("MaxItems", text)]
        assert kinds(validate_pairs(pairs)) == ([] if kind is None else [kind])

    def test_checker_says_out_of_range(self) -> None:
        findings = check(get(b"Action=ListIdentities&Version=2010-12-01&MaxItems=" + b"9" * 5000))
        assert "PARAM016" in [f.rule for f in findings]

    @pytest.mark.parametrize(
        "value",
        [10**MAX_INTEGER_DIGITS, -(10**5000), 10**5000],
        ids=["10**100", "-10**5000", "10**5000"],
    )
    def test_flatten(self, value: int) -> None:
        with pytest.raises(ExceptionGroup) as info:
            flatten("ListIdentities", {"MaxItems": value})
        (error,) = info.value.exceptions
        assert isinstance(error, ParamError)
        assert error.kind == "too-many-digits"

    def test_flatten_the_largest(self) -> None:
        value = 10**MAX_INTEGER_DIGITS - 1
        assert flatten("ListIdentities", {"MaxItems": value})[-1] == ("MaxItems", "9" * 100)

    def test_timestamps_out_of_range(self) -> None:
        from tests.test_query_properties import _generic

        model = _generic()
        for value in (10**30, float("inf"), "9999-12-31T23:59:59-14:00"):
            errors = validate_params_of(model, {"S": "x", "T": value})
            assert kinds(errors) == ["invalid-value"], value
        # Epoch seconds: 253402300799 is 9999-12-31T23:59:59Z, the last second a datetime holds.
        for text, expected in (
            ("253402300799", []),
            ("253402300800", ["invalid-value"]),
            ("9" * 40, ["invalid-value"]),
        ):
            pairs = [("Action", "Op"), ("S", "x"), ("TU", text)]
            assert kinds(validate_pairs(pairs, model=model)) == expected, text


def validate_params_of(model: Any, params: dict[str, Any]) -> list[ParamError]:
    from sesspec.query import validate_params

    return validate_params("Op", params, model=model)


class TestHttpLimits:
    def _with_headers(self, n: int) -> bytes:
        return b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(n)) + b"\r\n"

    def test_header_lines_boundary(self) -> None:
        assert len(parse_request(self._with_headers(DEFAULT_MAX_HEADERS)).headers) == 100
        with pytest.raises(HttpParseError) as info:
            parse_request(self._with_headers(DEFAULT_MAX_HEADERS + 1))
        assert info.value.kind == "limit"
        # the offset is where the 101st header line starts
        assert info.value.offset == len(self._with_headers(DEFAULT_MAX_HEADERS)) - 2

    def test_10000_empty_headers(self) -> None:
        raw = b"GET / HTTP/1.1\r\n" + b"A:\n" * 10_000 + b"\r\n"
        assert [f.rule for f in check(raw)] == ["HTTP001"]
        assert peak_bytes(lambda: check(raw)) < MB

    def test_content_length_of_5000_digits(self) -> None:
        raw = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\nab"
        with pytest.raises(HttpParseError) as info:
            parse_request(raw)
        assert info.value.kind == "framing"
        assert len(info.value.message) < 200  # the digits are not echoed in full
        assert "HTTP008" in [f.rule for f in check(raw)]

    def test_content_length_byte_b2(self) -> None:
        raw = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \xb2\r\n\r\n"
        with pytest.raises(HttpParseError) as info:
            parse_request(raw)
        assert info.value.kind == "framing"
        assert "HTTP008" in [f.rule for f in check(raw)]

    def test_body_limit(self) -> None:
        raw = post(b"Action=ListIdentities")
        with pytest.raises(HttpParseError) as info:
            parse_request(raw, max_body_size=3)
        assert info.value.kind == "framing"  # the declared length: the head is fine
        with pytest.raises(HttpParseError) as info:
            parse_request(raw, body_mode="rest", max_body_size=3)
        assert info.value.kind == "limit"

    def test_not_bytes(self) -> None:
        with pytest.raises(TypeError):
            parse_request(10**12)  # type: ignore[arg-type]  # used to allocate 1 TB


_UNITS = {"KiB": 1024, "MiB": 1024 * 1024}


def _table_value(text: str) -> int:
    """'64 KiB', '10,000', '100 digits', '64 MiB + 64 KiB' as a number."""
    total = 0
    for term in text.split(" + "):
        number, _, unit = term.partition(" ")
        total += int(number.replace(",", "")) * _UNITS.get(unit, 1)
    return total


def test_readme_limits_table_is_the_code() -> None:
    """README "Limits": each row that names a constant gives the constant's value."""
    import importlib
    import re

    text = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(sesspec[\w.]*)\.([A-Z_]+)`[^|]*\| ([^|]+) \|", text, re.MULTILINE)
    assert len(rows) >= 13
    for module, name, value in rows:
        assert getattr(importlib.import_module(module), name) == _table_value(value), name


def test_every_param_error_kind_has_a_rule() -> None:
    assert set(params_rules.RULE_OF_KIND) == set(get_args(ParamErrorKind))


# --- 2. no traceback; check() never raises -----------------------------------------------------


class TestHugeExpires:
    @pytest.mark.parametrize("digits", [12, 18, 19, 20, 5000])
    def test_check_never_raises(self, digits: int) -> None:
        raw = presigned("9" * digits)
        for now in (WHEN, datetime(9999, 12, 31, tzinfo=UTC)):
            findings = check(raw, now=now, credentials=Credentials(AKID, SECRET))
            assert "AUTH016" not in [f.rule for f in findings]  # it does not expire

    def test_what_sign_writes_check_reads(self) -> None:
        """``sesspec sign --expires`` at its limit, then ``check`` of what it wrote."""
        request = f"GET /?Action=GetSendQuota HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
        argv = ["sign", *CREDS, "--scheme", "sigv4-query", "--time", "20261126T064950Z"]
        code, out, _ = run([*argv, "--expires", str(10**18 - 1)], request)
        assert code == 0
        later = datetime(9999, 1, 1, tzinfo=UTC)
        rules = [f.rule for f in check(out, now=later, credentials=Credentials(AKID, SECRET))]
        assert "AUTH019" in rules
        code, out, err = run([*argv, "--expires", str(10**18)], request)
        assert_one_line_exit_2(code, err)
        assert "18 digits" in err

    def test_time_problem_arithmetic(self) -> None:
        # Worked by hand: dated 06:49:50, valid 60 s, judged at 06:51:00 -> expired at 06:50:50.
        problem = sigv4.time_problem(WHEN, now=WHEN + timedelta(seconds=70), expires=60)
        assert problem == (
            "expired",
            "presigned request expired at 20261126T065050Z (RequestExpired)",
        )
        assert sigv4.time_problem(WHEN, now=WHEN + timedelta(seconds=60), expires=60) is None
        end = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
        assert sigv4.time_problem(end, now=end, expires=10**18) is None
        assert sigv4.time_problem(WHEN, now=end, expires=10**12) is None  # 31,688 years

    def test_verify_request_reads_it(self) -> None:
        result = sigv4.verify(
            parse_request(presigned("9" * 5000)), secret_access_key=SECRET, now=WHEN
        )
        assert result.ok is False  # the signature covered 3600
        assert "does not match" in result.reason
