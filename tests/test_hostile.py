"""Hostile input: the core, the checker, the command line and secrets.

Each input the issue lists is a named regression test here; hypothesis then aims at sizes,
depths and digit counts (not only characters) through the public functions and, in-process,
through the command line's ``main``. The size attacks also assert peak memory (tracemalloc),
with margins wide enough to prove boundedness, not speed: before these limits the 74-byte body
with a list index of 10**12 allocated 3.4 GB.

Expected values are worked by hand from the rules (docs/spec.md#param-list: lists 1..N without gaps;
RFC 9110 5.5: no CR/LF/NUL in a field value) and from the limits as documented in the README.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, get_args
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from sesspec import cli
from sesspec.check import Credentials, Finding, Location, check
from sesspec.check.rules import param as params_rules
from sesspec.encoding import MAX_PAIRS, form_decode
from sesspec.errors import (
    EncodingError,
    HttpParseError,
    ParamError,
    ParamErrorKind,
    SigningError,
)
from sesspec.http import DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_HEADERS, RawRequest, parse_request
from sesspec.query import (
    MAX_INTEGER_DIGITS,
    MAX_LIST_INDEX,
    MAX_NAME_DEPTH,
    MAX_NAME_PREFIXES,
    flatten,
    unflatten,
    validate_pairs,
)
from sesspec.request import Scheme, build_request, sign
from sesspec.signing import sigv2, sigv4
from tests._hypothesis import examples
from tests._support import REPO

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN/with+slash="  # a fake token in the shape of an STS one
WHEN = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)
HOST = "email.us-east-1.amazonaws.com"
SAMPLES = REPO / "vectors" / "checker"
CLEAN = SAMPLES / "AUTH018" / "pass-botocore-post.http"
BROKEN = SAMPLES / "AUTH018" / "fail-encodeuricomponent-parens.http"
CREDS = ["--access-key-id", AKID, "--secret-access-key", SECRET]
MB = 1024 * 1024
AWS_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


# --- helpers -------------------------------------------------------------------------------------


def post(body: bytes) -> bytes:
    return (
        f"POST / HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def get(query: bytes) -> bytes:
    return b"GET /?" + query + f" HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


def peak_bytes(fn: Callable[[], object]) -> int:
    """Peak of memory traced while ``fn`` runs (what it allocated, not the process size)."""
    fn()  # warm up: the model and its compiled plans load once per process
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _BrokenPipeBuffer(io.RawIOBase):
    """A stdout whose reader went away after ``keep`` bytes."""

    def __init__(self, keep: int = 0) -> None:
        self.keep = keep
        self.got = b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(self.got) + len(data) > self.keep:
            raise BrokenPipeError(32, "Broken pipe")
        self.got += bytes(data)
        return len(data)


@contextmanager
def _stdio(
    stdin: bytes | None, stdout: io.TextIOWrapper | None, env: dict[str, str] | None
) -> Iterator[io.TextIOWrapper]:
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with ExitStack() as stack:
        fake_in = None if stdin is None else io.TextIOWrapper(io.BytesIO(stdin))
        stack.enter_context(mock.patch.object(sys, "stdin", fake_in))
        stack.enter_context(mock.patch.object(sys, "stdout", stdout))
        stack.enter_context(mock.patch.object(sys, "stderr", err))
        clean = {k: v for k, v in os.environ.items() if k not in AWS_ENV}
        stack.enter_context(mock.patch.dict(os.environ, {**clean, **(env or {})}, clear=True))
        yield err


def run(
    argv: list[str],
    stdin: bytes | None = b"",
    *,
    env: dict[str, str] | None = None,
    stdout: io.TextIOWrapper | None = None,
) -> tuple[int, bytes, str]:
    """``sesspec.cli.main(argv)`` in-process: (exit status, stdout bytes, stderr text). The AWS
    credential variables of the real environment are hidden; ``env`` adds some."""
    out = stdout if stdout is not None else io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with _stdio(stdin, out, env) as err:
        code = cli.main(argv)
        err.flush()
        error_text = err.buffer.getvalue().decode()  # type: ignore[attr-defined]
    written = b""
    if stdout is None:
        out.flush()
        written = out.buffer.getvalue()  # type: ignore[attr-defined]
    return code, written, error_text


def assert_one_line_exit_2(code: int, err: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def kinds(errors: list[ParamError]) -> list[str]:
    return [e.kind for e in errors]


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


@pytest.mark.parametrize("over", [False, True], ids=["64KiB", "64KiB-plus-1"])
def test_sign_refuses_a_head_past_what_it_reads(over: bool) -> None:
    """SigV2 writes a GET's query again, escaped (a raw '%' becomes %25): a header section of
    exactly DEFAULT_MAX_HEADER_SIZE is written and reads back, one byte more is refused."""
    kwargs: dict[str, Any] = {
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "time": WHEN,
    }

    def request(pad: str) -> RawRequest:
        return parse_request(f"GET /?a={pad} HTTP/1.1\r\nHost: h\r\n\r\n".encode())

    def section(pad: str) -> int:  # request line and header lines, as the parser counts them
        return len(sigv2.sign(request(pad), **kwargs).request.to_bytes()) - 2

    # The signature's base64 escapes to a length of its own, so the padding is found by trying.
    room = DEFAULT_MAX_HEADER_SIZE - section("")
    pads = ("%" * (room // 3 - less) + "x" * extra for less in range(9) for extra in range(24))
    pad = next(p for p in pads if section(p) == DEFAULT_MAX_HEADER_SIZE + over)
    if over:
        with pytest.raises(SigningError) as info:
            sign(request(pad), scheme="sigv2", region="us-east-1", **kwargs)
        assert info.value.kind == "limit"
    else:
        signed = sign(request(pad), scheme="sigv2", region="us-east-1", **kwargs)
        assert parse_request(signed.to_bytes()) == signed


def test_every_param_error_kind_has_a_rule() -> None:
    assert set(params_rules.RULE_OF_KIND) == set(get_args(ParamErrorKind))


# --- 2. no traceback; check() never raises -----------------------------------------------------


def presigned(expires: str, *, token: str | None = None) -> bytes:
    """A presigned GET as sesspec signs it, with X-Amz-Expires replaced by ``expires``."""
    signed = sigv4.presign(
        RawRequest("GET", "/?Action=GetSendQuota&Version=2010-12-01", headers=(("Host", HOST),)),
        access_key_id=AKID,
        secret_access_key=SECRET,
        region="us-east-1",
        time=WHEN,
        session_token=token,
        config=sigv4.SigningConfig(expiration_in_seconds=3600),
    ).request
    return signed.to_bytes().replace(b"X-Amz-Expires=3600", b"X-Amz-Expires=" + expires.encode())


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


class TestCommandLineInputs:
    """The hostile inputs of the core and the checker: one line, exit 2."""

    @pytest.mark.parametrize(
        "stdin",
        [
            b'{"Source": "\xff"}',
            b"\xc3\x28",
            b"[" * 100_000,
            b'{"a":' * 100_000,
            b'{"MaxItems": ' + b"9" * 5000 + b"}",
            b'{"MaxItems": -' + b"9" * 101 + b"}",
        ],
        ids=[
            "invalid-utf8-value",
            "invalid-utf8",
            "deep-list",
            "deep-object",
            "5000-digits",
            "101-digits",
        ],
    )
    def test_flatten(self, stdin: bytes) -> None:
        code, out, err = run(["flatten", "ListIdentities"], stdin)
        assert_one_line_exit_2(code, err)
        assert out == b""

    @pytest.mark.parametrize(
        "stdin",
        [
            b"Action=ListIdentities&MaxItems=" + b"9" * 5000,
            b"Action=ListIdentities&NextToken=%FF%FE&MaxItems=" + b"1" * 101,
        ],
    )
    def test_unflatten(self, stdin: bytes) -> None:
        code, _, err = run(["unflatten"], stdin)
        assert_one_line_exit_2(code, err)

    def test_unflatten_invalid_utf8(self) -> None:
        code, out, _ = run(["unflatten"], b"Action=ListIdentities&NextToken=\xff%FE")
        assert code == 0  # lenient: U+FFFD, as WHATWG decodes
        assert json.loads(out)["NextToken"] == "\ufffd\ufffd"
        code, _, err = run(["unflatten", "--strict"], b"Action=ListIdentities&NextToken=%FF")
        assert_one_line_exit_2(code, err)
        assert "invalid UTF-8" in err

    @pytest.mark.parametrize("argv", [["flatten", "SendEmail"], ["unflatten"], ["sign", *CREDS]])
    def test_closed_stdin(self, argv: list[str]) -> None:
        code, out, err = run(argv, None)
        assert_one_line_exit_2(code, err)
        assert "stdin is closed" in err
        assert out == b""

    def test_stdin_that_cannot_be_read(self) -> None:
        closed = io.TextIOWrapper(io.BytesIO(b"x"))
        closed.close()
        with (
            _stdio(b"", io.TextIOWrapper(io.BytesIO()), None) as err,
            mock.patch.object(sys, "stdin", closed),
        ):
            code = cli.main(["unflatten"])
            err.flush()
            assert_one_line_exit_2(code, err.buffer.getvalue().decode())  # type: ignore[attr-defined]

    def test_stdin_over_the_limit(self) -> None:
        with mock.patch.object(cli._common, "MAX_STDIN_BYTES", 10):
            code, _, err = run(["unflatten"], b"Action=ListIdentities")
        assert_one_line_exit_2(code, err)

    @pytest.mark.parametrize("url", ["http://[::1", "https://[email.us-east-1.amazonaws.com/?a"])
    def test_malformed_url(self, url: str) -> None:
        code, _, err = run(["check", url])
        assert_one_line_exit_2(code, err)
        assert "not a URL" in err
        code, out, _ = run(["check", "--format", "json", url, str(CLEAN)])
        assert code == 2
        first, second = json.loads(out)
        assert url in first["source"]
        assert "not a URL" in first["error"]
        assert second["source"] == str(CLEAN)

    @pytest.mark.parametrize(
        ("flag", "value"),
        [
            ("--time", "0001-01-01T00:00:00+14:00"),
            ("--time", "9999-12-31T23:59:59-14:00"),
            ("--time", "99999999T999999Z"),
            ("--time", "2026-13-01T00:00:00Z"),
        ],
    )
    def test_time_out_of_range(self, flag: str, value: str) -> None:
        code, _, err = run(["sign", *CREDS, flag, value], post(b"Action=GetSendQuota"))
        assert_one_line_exit_2(code, err)
        code, _, err = run(["check", "--now", value, str(CLEAN)])
        assert_one_line_exit_2(code, err)

    def test_time_at_the_edges(self) -> None:
        for value in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T23:59:59+14:00"):
            code, out, err = run(["sign", *CREDS, "--time", value], post(b"Action=GetSendQuota"))
            assert code == 0, err
            assert parse_request(out).header("Authorization") is not None

    @pytest.mark.parametrize("expires", ["0", "-1", "9" * 5000, "1e5"])
    def test_bad_expires(self, expires: str) -> None:
        argv = ["sign", *CREDS, "--scheme", "sigv4-query", "--expires", expires]
        code, _, err = run(argv, post(b"Action=GetSendQuota"))
        assert code == 2
        assert "Traceback" not in err


# --- 3. the check command: complete documents, exit status, broken pipes ------------------------


class TestCheckCommand:
    def test_empty_folder(self, tmp_path: Path) -> None:
        code, out, err = run(["check", str(tmp_path)])
        assert_one_line_exit_2(code, err)
        assert "no request found" in err
        code, out, _ = run(["check", "--format", "json", str(tmp_path)])
        assert code == 2
        assert json.loads(out) == []
        code, out, _ = run(["check", "--format", "junit", str(tmp_path)])
        assert code == 2
        assert etree.fromstring(out).get("tests") == "0"

    def _inputs(self, tmp_path: Path) -> list[str]:
        truncated = tmp_path / "truncated.jsonl"
        truncated.write_text('{"raw": "R0VUIC8g"}\n{"raw": "***"}\n')  # second line unreadable
        return [str(CLEAN), str(tmp_path / "missing.http"), str(truncated), str(BROKEN)]

    def test_json_stays_a_document(self, tmp_path: Path) -> None:
        argv = ["check", "--format", "json", *CREDS, "--now", "2026-11-26T05:49:17Z"]
        code, out, _ = run([*argv, *self._inputs(tmp_path)])
        doc = json.loads(out)
        assert code == 2  # unreadable inputs (2 wins over BROKEN's 1): entries, not the end
        assert [("error" in d, d["source"]) for d in doc] == [
            (False, str(CLEAN)),
            (True, str(tmp_path / "missing.http")),
            (False, f"{tmp_path / 'truncated.jsonl'}:1"),
            (True, f"{tmp_path / 'truncated.jsonl'}:2"),
            (False, str(BROKEN)),
        ]

    def test_junit_stays_a_document(self, tmp_path: Path) -> None:
        argv = ["check", "--format", "junit", *CREDS, "--now", "2026-11-26T05:49:17Z"]
        code, out, _ = run([*argv, *self._inputs(tmp_path)])
        assert code == 2
        suite = etree.fromstring(out)
        # truncated.jsonl:1 is "GET / " (HTTP001) and BROKEN has AUTH018: two failures.
        assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "2", "2")
        assert len(suite.findall("testcase/error")) == 2

    def test_text_reports_and_goes_on(self, tmp_path: Path) -> None:
        code, out, err = run(
            ["check", *CREDS, "--now", "2026-11-26T05:49:17Z", *self._inputs(tmp_path)]
        )
        assert code == 2
        assert out.decode().count(": FAIL\n") == 2
        assert err.count("\n") == 2
        assert "Traceback" not in err

    def test_unreadable_alone_is_exit_2(self, tmp_path: Path) -> None:
        code, _, err = run(["check", str(CLEAN), str(tmp_path / "missing.http")])
        assert code == 2
        assert "No such file" in err

    @pytest.mark.parametrize("fmt", ["text", "json", "junit"])
    @pytest.mark.parametrize("keep", [0, 10])
    def test_broken_pipe_keeps_the_verdict(self, fmt: str, keep: int) -> None:
        buffer = _BrokenPipeBuffer(keep)
        stdout = io.TextIOWrapper(io.BufferedWriter(buffer, buffer_size=1), write_through=True)
        argv = ["check", "--format", fmt, *CREDS, "--now", "2026-11-26T05:49:17Z"]
        # The failing request comes after the pipe broke: it is still checked.
        code, _, err = run([*argv, str(CLEAN), str(BROKEN)], stdout=stdout)
        assert code == 1
        assert err == ""
        code, _, err = run(
            [*argv, str(CLEAN)], stdout=io.TextIOWrapper(io.BufferedWriter(_BrokenPipeBuffer(0)))
        )
        assert code == 0
        assert err == ""

    def test_stdout_closed(self) -> None:
        with _stdio(b"", None, None) as err:  # sys.stdout is None: started with >&-
            code = cli.main(["check", *CREDS, "--now", "2026-11-26T05:49:17Z", str(BROKEN)])
            assert code == 1
            err.flush()
            assert err.buffer.getvalue() == b""  # type: ignore[attr-defined]

    def test_control_characters_escaped(self, tmp_path: Path) -> None:
        # A parameter name with ESC [31m and a bare CR, percent-encoded in the body, and a
        # file name with a newline.
        path = tmp_path / "evil\n\x1b[2J.http"
        path.write_bytes(post(b"Action=ListIdentities&X%1B%5B31m%0D=1"))
        for fmt in ("text", "json", "junit"):
            code, out, _ = run(["check", "--format", fmt, str(path)])
            assert code == 1
            assert b"\x1b" not in out
            assert b"\r" not in out
        _, out, _ = run(["check", "--format", "junit", str(path)])
        etree.fromstring(out)  # XML 1.0 has no place for ESC: it parses only if escaped
        _, out, _ = run(["check", str(path)])
        assert "param X\\x1b[31m\\r" in out.decode()
        assert "evil\\n\\x1b[2J.http: FAIL" in out.decode()

    def test_findings_escape_every_control(self) -> None:
        raw = get(b"Action=ListIdentities&%00%07%7F%C2%85%E2%80%8B%ED%B2%B2=1")
        for f in check(raw):
            for text in (f.message, str(f.location), f.detail.replace("\n", "")):
                assert text.isprintable(), (f.rule, text)


# --- 4. secrets ----------------------------------------------------------------------------------


class TestSecrets:
    def test_credentials_repr(self) -> None:
        text = repr(Credentials(AKID, SECRET, TOKEN))
        assert SECRET not in text
        assert TOKEN not in text
        assert AKID in text
        assert "session_token=None" in repr(Credentials(AKID, SECRET))

    def test_signer_repr(self) -> None:
        signer = sigv4.Signer(
            access_key_id=AKID, secret_access_key=SECRET, region="us-east-1", session_token=TOKEN
        )
        assert SECRET not in repr(signer)
        assert TOKEN not in repr(signer)

    def _assert_no_token(self, raw: bytes, creds: Credentials) -> None:
        findings = check(raw, credentials=creds, now=WHEN)
        assert "AUTH018" in [f.rule for f in findings], [f.rule for f in findings]
        encoded = TOKEN.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")
        dumped = json.dumps([f.as_dict() for f in findings])
        for text in (dumped, "\n".join(f.detail for f in findings)):
            assert TOKEN not in text
            assert encoded not in text
            assert "<secret>" in text

    def test_token_masked_in_header_diff(self) -> None:
        signed = build_request(
            "GetSendQuota",
            access_key_id=AKID,
            secret_access_key=SECRET,
            session_token=TOKEN,
            region="us-east-1",
            time=WHEN,
        )
        # Sent with other bytes than signed: the "no known mistake" detail shows the spec's
        # canonical request, which signs x-amz-security-token.
        raw = signed.to_bytes().replace(b"GetSendQuota", b"GetSendQuotb")
        self._assert_no_token(raw, Credentials(AKID, SECRET))

    def test_token_masked_in_query_diff(self) -> None:
        raw = presigned("3600", token=TOKEN).replace(b"Version=2010-12-01", b"Version=2010-12-02")
        self._assert_no_token(raw, Credentials(AKID, SECRET))

    def test_token_masked_on_the_command_line(self, tmp_path: Path) -> None:
        path = tmp_path / "r.http"
        path.write_bytes(presigned("3600", token=TOKEN).replace(b"GetSendQuota", b"GetSendQuotb"))
        for fmt in ("text", "json", "junit"):
            argv = ["check", "--format", fmt, *CREDS, "--now", "20261126T064950Z", str(path)]
            code, out, _ = run(argv)
            assert code == 1
            assert b"AUTH018" in out
            assert TOKEN.encode() not in out
            assert b"FQoGZXIvYXdzEXAMPLETOKEN" not in out

    def test_errors_never_echo_secrets(self) -> None:
        secret = "wJalrXUtnFEMI/K7MDENG\nbPxRfiCYEXAMPLEKEY"
        token = "TOKEN-WITH-NUL\x00-INSIDE"
        for kwargs in ({"secret_access_key": secret}, {"session_token": token}):
            args = {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None}
            args.update(kwargs)
            for scheme in ("sigv4", "sigv4-query", "aws3", "sigv2"):
                with pytest.raises(SigningError) as info:
                    sign(
                        parse_request(post(b"Action=GetSendQuota")),
                        scheme=scheme,
                        region="us-east-1",
                        time=WHEN,
                        **args,  # type: ignore[arg-type]
                    )
                assert info.value.kind == "credentials"
                assert "EXAMPLEKEY" not in str(info.value)
                assert "INSIDE" not in str(info.value)
        code, _, err = run(
            ["sign", "--access-key-id", AKID, "--secret-access-key", secret],
            post(b"Action=GetSendQuota"),
        )
        assert_one_line_exit_2(code, err)
        assert "EXAMPLEKEY" not in err


HEADER_INJECTIONS = ["us-east-1\r\nX-Evil: 1", "us-east-1\nX-Evil: 1", "a\x00b", "a\rb", "\x7f"]


class TestHeaderInjection:
    """RFC 9110 5.5: CR, LF and NUL are invalid in a field value; nothing sesspec writes into a
    header line may hold a control character (a parsed request's obs-folds are one SP in its
    values)."""

    @pytest.mark.parametrize("value", HEADER_INJECTIONS)
    @pytest.mark.parametrize("scheme", ["sigv4", "sigv4-query", "aws3", "sigv2"])
    @pytest.mark.parametrize("where", ["region", "session_token", "access_key_id", "host"])
    def test_build_request_refuses(self, value: str, scheme: str, where: str) -> None:
        kwargs: dict[str, Any] = {
            "access_key_id": AKID,
            "secret_access_key": SECRET,
            "region": "us-east-1",
            "time": WHEN,
            "scheme": scheme,
        }
        kwargs[where] = value
        if where == "region" and scheme in {"aws3", "sigv2"}:
            kwargs["host"] = None  # the region still makes the Host header
        with pytest.raises(SigningError) as info:
            build_request("GetSendQuota", **kwargs)
        assert info.value.kind in {"header", "credentials", "scope"}

    @pytest.mark.parametrize("value", [*HEADER_INJECTIONS, "", "a/b"])
    def test_service_refused(self, value: str) -> None:
        req = parse_request(post(b"Action=GetSendQuota"))
        creds: dict[str, Any] = {"access_key_id": AKID, "secret_access_key": SECRET}
        with pytest.raises(SigningError):
            sigv4.sign(req, region="us-east-1", service=value, time=WHEN, **creds)
        with pytest.raises(SigningError):
            sigv4.presign(
                req,
                region="us-east-1",
                service=value,
                time=WHEN,
                **creds,
                config=sigv4.SigningConfig(expiration_in_seconds=60),
            )
        with pytest.raises(SigningError):
            sigv4.Signer(region="us-east-1", service=value, **creds)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("User-Agent", "x\r\nX-Evil: 1"),
            ("User-Agent", "x\r\n\r\nbody"),
            ("User-Agent", "x\n"),
            ("User-Agent", "x\r\n folded"),
            ("X-Amz-Meta", "x\x00"),
            ("Bad:Name", "x"),
            ("Bad\r\nName", "x"),
            ("", "x"),
            ("Host", f"{HOST}\r\nX-Evil: 1"),
        ],
    )
    def test_header_lines_refused_by_every_signer(self, name: str, value: str) -> None:
        req = RawRequest(
            "POST",
            "/",
            headers=(("Host", HOST), (name, value), ("Content-Length", "0")),
        )
        for scheme in ("sigv4", "sigv4-query", "aws3", "sigv2"):
            with pytest.raises(SigningError) as info:
                sign(
                    req,
                    scheme=scheme,
                    access_key_id=AKID,
                    secret_access_key=SECRET,
                    region="us-east-1",
                    time=WHEN,
                )
            assert info.value.kind == "header", scheme
        signer = sigv4.Signer(access_key_id=AKID, secret_access_key=SECRET, region="us-east-1")
        with pytest.raises(SigningError):
            signer.sign(req, WHEN)

    def test_obs_fold_still_signs(self) -> None:
        # aws-c-auth get-header-value-multiline: a value folded over two lines.
        raw = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nMy-Header1: value1\r\n  value2\r\n\r\n".encode()
        req = parse_request(raw)
        assert req.header("My-Header1") == "value1 value2"
        signed = sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-east-1",
            time=WHEN,
            config=sigv4.SigningConfig(signed_headers=["my-header1"]),
        )
        assert "my-header1:value1 value2\n" in signed.canonical_request

    @pytest.mark.parametrize("scheme", ["sigv4", "sigv4-query", "aws3", "sigv2"])
    @pytest.mark.parametrize("which", ["access_key_id", "secret_access_key", "session_token"])
    def test_empty_credentials_refused(self, scheme: Scheme, which: str) -> None:
        kwargs: dict[str, Any] = {"access_key_id": AKID, "secret_access_key": SECRET}
        kwargs[which] = ""
        with pytest.raises(SigningError) as info:
            build_request("GetSendQuota", region="us-east-1", time=WHEN, scheme=scheme, **kwargs)
        assert info.value.kind == "credentials"
        assert "empty" in info.value.message

    def test_empty_credentials_on_the_command_line(self) -> None:
        code, _, err = run(
            ["sign", "--access-key-id", "", "--secret-access-key", SECRET],
            post(b"Action=GetSendQuota"),
        )
        assert_one_line_exit_2(code, err)

    def test_region_with_crlf_on_the_command_line(self) -> None:
        code, out, err = run(
            ["sign", *CREDS, "--region", "us\r\nX-Evil: 1"], post(b"Action=GetSendQuota")
        )
        assert_one_line_exit_2(code, err)
        assert out == b""
        code, out, err = run(
            ["sign", *CREDS, "--session-token", "t\r\nX-Evil: 1"], post(b"Action=GetSendQuota")
        )
        assert_one_line_exit_2(code, err)
        assert out == b""


class TestEnvironmentCredentials:
    ENV: ClassVar[dict[str, str]] = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET}

    def test_sign_from_the_environment(self) -> None:
        argv = ["sign", "--time", "20261126T064950Z"]
        code, out, err = run(
            argv, post(b"Action=GetSendQuota"), env={**self.ENV, "AWS_SESSION_TOKEN": TOKEN}
        )
        assert code == 0, err
        signed = parse_request(out)
        assert signed.header("X-Amz-Security-Token") == TOKEN
        assert sigv4.verify(signed, secret_access_key=SECRET, now=None).ok

    def test_flags_win(self) -> None:
        env = {
            "AWS_ACCESS_KEY_ID": "AKIDENV",
            "AWS_SECRET_ACCESS_KEY": "env-secret",
            "AWS_SESSION_TOKEN": "env-token",
        }
        code, out, _ = run(
            ["sign", *CREDS, "--time", "20261126T064950Z"], post(b"Action=GetSendQuota"), env=env
        )
        assert code == 0
        signed = parse_request(out)
        assert sigv4.verify(signed, secret_access_key=SECRET, now=None).ok
        # The environment's token belongs to the environment's key, not to the flags' key.
        assert signed.header("X-Amz-Security-Token") is None
        code, out, _ = run(
            ["sign", "--secret-access-key", SECRET, "--time", "20261126T064950Z"],
            post(b"Action=GetSendQuota"),
            env={"AWS_ACCESS_KEY_ID": AKID},
        )
        assert code == 0
        assert f"Credential={AKID}/".encode() in out

    def test_no_credentials(self) -> None:
        code, _, err = run(["sign"], post(b"Action=GetSendQuota"))
        assert_one_line_exit_2(code, err)
        assert "AWS_ACCESS_KEY_ID" in err

    def test_check_from_the_environment(self) -> None:
        argv = ["check", "--format", "json", "--now", "2026-11-26T05:49:17Z", str(CLEAN)]
        code, out, _ = run(argv, env=self.ENV)
        assert code == 0
        assert "AUTH019" in {f["rule"] for f in json.loads(out)[0]["findings"]}
        code, out, _ = run(argv)
        assert "AUTH020" in {f["rule"] for f in json.loads(out)[0]["findings"]}


# --- hypothesis: sizes, depths and digits ------------------------------------------------------

# Pieces that make inputs big or deep in few bytes of hypothesis data.
_DIGITS = st.integers(min_value=0, max_value=6000).map(lambda n: "9" * n) | st.integers(
    min_value=-(10**40), max_value=10**40
).map(str)
_SEGMENT = (
    st.sampled_from(
        [
            "Destination",
            "ToAddresses",
            "member",
            "entry",
            "key",
            "value",
            "Identities",
            "Message",
            "Subject",
            "Data",
            "Tags",
            "Name",
            "",
            "0",
            "01",
            "\u00e9",
            "a b",
            "%",
        ]
    )
    | _DIGITS
)
_NAME = st.lists(_SEGMENT, min_size=1, max_size=8).map(".".join) | st.builds(
    lambda head, n: head + ".a" * n, _SEGMENT, st.integers(min_value=0, max_value=2000)
)
_VALUE = st.text(max_size=20) | _DIGITS
_ACTIONS = st.sampled_from(
    [
        "SendEmail",
        "GetIdentityVerificationAttributes",
        "ListIdentities",
        "SendBulkTemplatedEmail",
        "SetIdentityHeadersInNotificationsEnabled",
        "Nope",
    ]
)
PAIRS = st.builds(
    lambda action, rest, repeat: [("Action", action), *rest * repeat],
    _ACTIONS,
    st.lists(st.tuples(_NAME, _VALUE), max_size=12),
    st.sampled_from([1, 1, 1, 50, 900]),
)


def _encode(pairs: list[tuple[str, str]]) -> bytes:
    from sesspec.encoding import form_encode_bytes

    return form_encode_bytes(pairs)


FORMS = (
    PAIRS.map(_encode)
    | st.binary(max_size=300)
    | st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(
            [b"&", b"a&", b"%", b"%zz", b"=", b"+", b"a.", b"\xff", b"a.member.9999999&"]
        ),
        st.integers(min_value=0, max_value=25_000),
    )
)


def _framed(body: bytes, head: bytes) -> bytes:
    return head.replace(b"{n}", str(len(body)).encode()) + b"\r\n\r\n" + body


HEADS = st.sampled_from(
    [
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {n}",
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999",
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked",
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: {n}\r\nContent-Length: 1",
        b"POST / HTTP/1.1\r\nHost: h\r\nAuthorization: AWS4-HMAC-SHA256 Credential=a/2026"
        b"1126/us-east-1/ses/aws4_request, SignedHeaders=host, Signature="
        + b"0" * 64
        + b"\r\nX-Amz-Date: 99991231T235959Z\r\nContent-Length: {n}",
    ]
)
REQUESTS = (
    st.builds(_framed, FORMS, HEADS)
    | FORMS.map(lambda q: b"GET /?" + q.replace(b" ", b"+") + b" HTTP/1.1\r\nHost: h\r\n\r\n")
    | st.builds(
        lambda n, line: b"GET / HTTP/1.1\r\n" + line * n + b"\r\n",
        st.integers(min_value=0, max_value=20_000),
        st.sampled_from([b"A: b\r\n", b"A:\n", b" folded\r\n", b"X-Amz-Expires: 9\r\n"]),
    )
    | st.binary(max_size=400)
    | st.builds(presigned, _DIGITS)
)


def _output_size(findings: list[Finding]) -> int:
    return sum(len(f.message) + len(str(f.location)) + len(f.detail) for f in findings)


@examples(60)
@given(raw=REQUESTS, now=st.sampled_from([None, WHEN, datetime(9999, 12, 31, tzinfo=UTC)]))
def test_check_never_raises_and_stays_proportional(raw: bytes, now: datetime | None) -> None:
    for creds in (None, Credentials(AKID, SECRET, TOKEN)):
        findings = check(raw, credentials=creds, now=now)
        assert all(isinstance(f, Finding) for f in findings)
        assert len(findings) <= len(raw) + 40
        # What is printed grows with what was sent, never with the numbers written in it.
        assert _output_size(findings) <= 40 * len(raw) + 20_000


def _outcome(fn: Callable[[], Any], *errors: type[Exception]) -> Any:
    """What ``fn`` returns, or the exception of one of ``errors`` it raised."""
    try:
        return fn()
    except errors as exc:
        return exc


@examples(60)
@given(data=FORMS, strict=st.booleans())
def test_form_decode_raises_only_typed_errors(data: bytes, strict: bool) -> None:
    got = _outcome(lambda: form_decode(data, strict=strict), EncodingError)
    if isinstance(got, EncodingError):
        assert strict or got.kind == "too-many-pairs"
        assert 0 <= got.offset <= len(data)
    else:
        assert len(got) <= MAX_PAIRS


@examples(60)
@given(pairs=PAIRS)
def test_unflatten_raises_only_param_errors(pairs: list[tuple[str, str]]) -> None:
    errors = validate_pairs(pairs)
    assert all(isinstance(e, ParamError) for e in errors)
    # One problem per pair at most, plus the required members of the action.
    assert len(errors) <= len(pairs) + 10
    got = _outcome(lambda: unflatten(pairs), ExceptionGroup)
    if isinstance(got, ExceptionGroup):
        assert all(isinstance(e, ParamError) for e in got.exceptions)


@examples(40)
@given(raw=REQUESTS)
def test_parse_request_raises_only_http_parse_errors(raw: bytes) -> None:
    got = _outcome(lambda: parse_request(raw), HttpParseError)
    if isinstance(got, HttpParseError):
        assert got.kind in {"syntax", "framing", "limit"}
    else:
        assert len(got.headers) <= DEFAULT_MAX_HEADERS


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    # up to 4,000 digits: json.dumps can still write them (Python's limit is 4,300)
    | st.integers(min_value=0, max_value=4000).map(lambda n: 10**n - 1)
    | st.text(max_size=10),
    _json_containers,
    max_leaves=20,
)
JSON_STDIN = (
    st.dictionaries(
        st.sampled_from(["Source", "Destination", "MaxItems", "Message", "X"]), _JSON_VALUES
    ).map(lambda d: json.dumps(d).encode())
    | st.builds(
        lambda n, c: c * n,
        st.integers(min_value=0, max_value=60_000),
        st.sampled_from([b"[", b'{"a":', b"9"]),
    )
    | st.binary(max_size=200)
)


@examples(40)
@given(
    argv_stdin=st.one_of(
        st.tuples(st.just(["flatten"]).map(lambda a: [*a, "SendEmail"]), JSON_STDIN),
        st.tuples(st.sampled_from([["unflatten"], ["unflatten", "--strict"]]), FORMS),
        st.tuples(
            st.builds(
                lambda scheme, expires, region: [
                    "sign",
                    *CREDS,
                    "--scheme",
                    scheme,
                    "--expires",
                    expires,
                    "--region",
                    region,
                    "--time",
                    "20261126T064950Z",
                ],
                st.sampled_from(["sigv4", "sigv4-query", "aws3", "sigv2"]),
                _DIGITS,
                st.sampled_from(["us-east-1", "", "a/b", "us\r\nX: 1", "\u00e9"]),
            ),
            REQUESTS,
        ),
    )
)
def test_command_line_one_line_or_output(argv_stdin: tuple[list[str], bytes]) -> None:
    argv, stdin = argv_stdin
    code, out, err = run(argv, stdin)
    assert code in {0, 2}, err  # never EXIT_INTERNAL (70): no fault of sesspec's own
    if code == 2:
        assert err.count("\n") == 1
        assert out == b""
    if code == 0 and argv[0] == "sign":
        # What was written is a request again, read as sign reads its input: sign writes the
        # target as given (raw bytes stay raw: escaping them would change what was signed).
        signed = parse_request(out, body_mode="rest", strict=False)
        assert all("\r" not in v and "\n" not in v for _, v in signed.headers)


@examples(25)
@given(
    raws=st.lists(REQUESTS, min_size=1, max_size=3), fmt=st.sampled_from(["text", "json", "junit"])
)
def test_check_command_complete_documents(raws: list[bytes], fmt: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, raw in enumerate(raws):
            path = Path(folder) / f"{i}.http"
            path.write_bytes(raw)
            paths.append(str(path))
        code, out, err = run(
            ["check", "--format", fmt, *CREDS, "--now", "20261126T064950Z", *paths]
        )
    assert code in {0, 1}, err
    assert "Traceback" not in err
    assert b"\x1b" not in out
    if fmt == "json":
        assert len(json.loads(out)) == len(raws)
    elif fmt == "junit":
        assert etree.fromstring(out).get("tests") == str(len(raws))


@examples(40)
@given(
    akid=st.text(max_size=30),
    secret=st.text(max_size=30),
    token=st.none() | st.text(max_size=30),
    region=st.text(max_size=20),
    scheme=st.sampled_from(["sigv4", "sigv4-query", "aws3", "sigv2"]),
)
def test_sign_paths_refuse_or_write_clean_lines(
    akid: str, secret: str, token: str | None, region: str, scheme: str
) -> None:
    got = _outcome(
        lambda: build_request(
            "GetSendQuota",
            access_key_id=akid,
            secret_access_key=secret,
            session_token=token,
            region=region,
            time=WHEN,
            scheme=scheme,  # type: ignore[arg-type]
        ),
        SigningError,
    )
    if isinstance(got, SigningError):
        assert got.kind in {"credentials", "header", "scope"}
        for value in (secret, token):
            if value and len(value) >= 4:
                assert value not in str(got)  # an error never echoes a secret
        return
    assert akid
    assert secret
    wire = got.to_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0]
    # Exactly the lines sesspec meant to write: parsed back, no more headers than line breaks.
    assert len(parse_request(wire).headers) == head.count(b"\r\n")
