"""The behaviours a mutation audit found no test holding, each held on both sides of its boundary.

Every expectation here is worked by hand from docs/spec.md and its sources; the signatures the
verifiers must accept are computed in the test with the standard library (``hmac``, ``base64``,
``urllib.parse.quote``) from strings to sign written out by hand, never by sesspec's signers.
The clock boundaries are "more than 15 minutes" ([GUIDE-ERR]): exactly 15 minutes away is
accepted on either side, one second more is not.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import quote

import pytest

from sesspec._shapes import MAX_NAME_DEPTH, MAX_NAME_PREFIXES, Node, build_tree
from sesspec.check import Credentials, check
from sesspec.check.rules.auth import AWS3_CUTOFF
from sesspec.errors import ParamError
from sesspec.http import RawRequest, parse_request
from sesspec.query import unflatten
from sesspec.signing import aws3, sigv2, sigv4
from tests._support import REPO

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
HOST = "email.us-east-1.amazonaws.com"
NOW = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)
SKEW = timedelta(minutes=15)
SECOND = timedelta(seconds=1)
SAMPLES = REPO / "vectors" / "checker"

#: Offsets from now on both sides of the 15-minute window, and whether each is inside it.
WINDOW = [
    pytest.param(-SKEW - SECOND, False, id="past-15m01s"),
    pytest.param(-SKEW, True, id="past-15m"),
    pytest.param(-SKEW + SECOND, True, id="past-14m59s"),
    pytest.param(timedelta(0), True, id="now"),
    pytest.param(SKEW - SECOND, True, id="future-14m59s"),
    pytest.param(SKEW, True, id="future-15m"),
    pytest.param(SKEW + SECOND, False, id="future-15m01s"),
]


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- SigV2: Timestamp and Expires (docs/spec.md#sigv2-time) ------------------------------------


def _uri(text: str) -> str:
    # RFC 3986 unreserved characters kept, everything else %XX in upper case (sigv2-algorithm).
    return quote(text, safe="-_.~")


def _sigv2(params: Sequence[tuple[str, str]], *, method: str = "GET") -> list[tuple[str, str]]:
    """``params`` with the SigV2 parameters and a Signature worked out with the stdlib."""
    out = [
        *params,
        ("AWSAccessKeyId", AKID),
        ("SignatureVersion", "2"),
        ("SignatureMethod", "HmacSHA256"),
    ]
    query = "&".join(f"{_uri(n)}={_uri(v)}" for n, v in sorted(out))
    to_sign = f"{method}\n{HOST}\n/\n{query}"
    mac = hmac.digest(SECRET.encode(), to_sign.encode(), "sha256")
    return [*out, ("Signature", base64.b64encode(mac).decode())]


def _verify_v2(params: Sequence[tuple[str, str]], now: datetime | None) -> sigv2.VerifyResult:
    return sigv2.verify_params(
        params, secret_access_key=SECRET, method="GET", host=HOST, path="/", now=now
    )


_ACTION = [("Action", "GetSendQuota")]


class TestSigV2Timestamp:
    """docs/spec.md#sigv2-time: with Timestamp the request is good within 15 minutes of the
    receiver's clock on either side; a Timestamp missing or not ISO 8601 refuses it."""

    @pytest.mark.parametrize(("offset", "inside"), WINDOW)
    def test_window(self, offset: timedelta, inside: bool) -> None:
        params = _sigv2([*_ACTION, ("Timestamp", _iso(NOW + offset))])
        result = _verify_v2(params, NOW)
        assert (result.ok, result.kind) == ((True, "verified") if inside else (False, "skew"))

    def test_without_now_the_clock_is_not_read(self) -> None:
        params = _sigv2([*_ACTION, ("Timestamp", "2001-01-01T00:00:00Z")])
        assert _verify_v2(params, None).ok

    def test_naive_now_is_utc(self) -> None:
        params = _sigv2([*_ACTION, ("Timestamp", _iso(NOW + SKEW))])
        assert _verify_v2(params, NOW.replace(tzinfo=None)).ok
        late = _verify_v2(params, (NOW - SECOND).replace(tzinfo=None))
        assert late.kind == "skew"

    @pytest.mark.parametrize(
        "stamp",
        [
            "2026-11-26T05:48:17.000Z",  # fractions of a second
            "2026-11-26T05:48:17",  # no Z: read as UTC
        ],
    )
    def test_other_iso_forms_read(self, stamp: str) -> None:
        assert _verify_v2(_sigv2([*_ACTION, ("Timestamp", stamp)]), NOW).ok
        assert _verify_v2(_sigv2([*_ACTION, ("Timestamp", stamp)]), NOW + SKEW + SECOND).kind == (
            "skew"
        )

    @pytest.mark.parametrize(
        "stamp",
        [
            "",
            "2026-11-26",
            "2026-11-26 05:48:17Z",
            "20261126T054817Z",
            "Thu, 26 Nov 2026 05:48:17 GMT",
            "2026-13-26T05:48:17Z",
            "2026-11-26T05:48:17+01:00",
            "now",
        ],
    )
    def test_unreadable_timestamp_refused(self, stamp: str) -> None:
        result = _verify_v2(_sigv2([*_ACTION, ("Timestamp", stamp)]), NOW)
        assert (result.ok, result.kind) == (False, "date")
        assert result.reason == f"Timestamp is not an ISO 8601 time: {stamp!r}"

    def test_no_time_at_all_refused(self) -> None:
        result = _verify_v2(_sigv2(_ACTION), NOW)
        assert (result.ok, result.kind) == (False, "date")
        assert result.reason == "no Timestamp (or Expires) parameter"
        assert _verify_v2(_sigv2(_ACTION), None).ok

    def test_aware_now_in_another_zone(self) -> None:
        params = _sigv2([*_ACTION, ("Timestamp", _iso(NOW))])
        plus_one = timezone(timedelta(hours=1))
        assert _verify_v2(params, NOW.astimezone(plus_one)).ok
        # 05:48:17 written as +01:00 is 04:48:17 UTC: an hour out.
        assert _verify_v2(params, NOW.replace(tzinfo=plus_one)).kind == "skew"

    def test_a_long_value_is_shown_cut_at_40_characters(self) -> None:
        stamp = "2026-11-26T05:48:17Z" + "x" * 30
        result = _verify_v2(_sigv2([*_ACTION, ("Timestamp", stamp)]), NOW)
        assert result.reason == f"Timestamp is not an ISO 8601 time: {stamp[:40]!r}"
        result = _verify_v2(_sigv2([*_ACTION, ("Expires", stamp)]), NOW)
        assert result.reason == f"Expires is not an ISO 8601 time: {stamp[:40]!r}"

    def test_a_time_refusal_carries_the_stages(self) -> None:
        params = _sigv2([*_ACTION, ("Timestamp", _iso(NOW - timedelta(hours=1)))])
        result = _verify_v2(params, NOW)
        assert result.kind == "skew"
        assert result.expected_signature == result.given_signature == params[-1][1]
        assert result.string_to_sign is not None
        assert result.string_to_sign.startswith(f"GET\n{HOST}\n/\nAWSAccessKeyId=")

    def test_skew_reason(self) -> None:
        stamp = _iso(NOW - SKEW - SECOND)
        result = _verify_v2(_sigv2([*_ACTION, ("Timestamp", stamp)]), NOW)
        assert result.reason == f"Timestamp {stamp} is more than 0:15:00 from now (RequestExpired)"

    def test_a_bad_signature_is_reported_before_the_time(self) -> None:
        params = _sigv2([*_ACTION, ("Timestamp", "never")])
        tampered = [(n, "x" + v if n == "Action" else v) for n, v in params]
        assert _verify_v2(tampered, NOW).kind == "mismatch"


class TestSigV2Expires:
    """docs/spec.md#sigv2-time: with Expires the request is good until that instant and refused
    one second after; an Expires that cannot be read refuses it; Expires wins over Timestamp."""

    @pytest.mark.parametrize(
        ("offset", "inside"),
        [
            pytest.param(timedelta(days=365), True, id="a-year-ahead"),
            pytest.param(SECOND, True, id="one-second-ahead"),
            pytest.param(timedelta(0), True, id="at-expiry"),
            pytest.param(-SECOND, False, id="one-second-past"),
            pytest.param(-SKEW, False, id="15m-past"),
        ],
    )
    def test_expiry(self, offset: timedelta, inside: bool) -> None:
        expires = _iso(NOW + offset)
        result = _verify_v2(_sigv2([*_ACTION, ("Expires", expires)]), NOW)
        assert (result.ok, result.kind) == ((True, "verified") if inside else (False, "expired"))
        if not inside:
            assert result.reason == f"request expired at {expires} (RequestExpired)"

    @pytest.mark.parametrize("expires", ["", "tomorrow", "2026-11-26", "1796000000"])
    def test_unreadable_expires_refused(self, expires: str) -> None:
        result = _verify_v2(_sigv2([*_ACTION, ("Expires", expires)]), NOW)
        assert (result.ok, result.kind) == (False, "date")
        assert result.reason == f"Expires is not an ISO 8601 time: {expires!r}"

    def test_expires_wins_over_timestamp(self) -> None:
        old = _iso(NOW - timedelta(hours=2))
        ahead = _iso(NOW + timedelta(hours=1))
        assert _verify_v2(_sigv2([*_ACTION, ("Timestamp", old), ("Expires", ahead)]), NOW).ok
        past = _iso(NOW - SECOND)
        both = _sigv2([*_ACTION, ("Timestamp", _iso(NOW)), ("Expires", past)])
        assert _verify_v2(both, NOW).kind == "expired"


# --- AWS3-HTTPS: the Date skew (docs/spec.md#aws3-skew) ----------------------------------------


def _aws3(date_header: str, date: str) -> RawRequest:
    """A request whose AWS3-HTTPS signature is the stdlib's HMAC of ``date`` (the string to
    sign is the date value, docs/spec.md#aws3-string-to-sign)."""
    mac = hmac.digest(SECRET.encode(), date.encode(), "sha256")
    value = (
        f"AWS3-HTTPS AWSAccessKeyId={AKID},Algorithm=HmacSHA256,"
        f"Signature={base64.b64encode(mac).decode()}"
    )
    return RawRequest(
        "POST",
        "/",
        headers=(("Host", HOST), (date_header, date), ("X-Amzn-Authorization", value)),
        body=b"Action=GetSendQuota",
    )


class TestAws3Skew:
    """docs/spec.md#aws3-skew: the signed date is the request's time, good within 15 minutes of
    the receiver's clock on either side; a date that cannot be read cannot be judged."""

    @pytest.mark.parametrize(("offset", "inside"), WINDOW)
    def test_date_header_window(self, offset: timedelta, inside: bool) -> None:
        date = format_datetime(NOW + offset, usegmt=True)
        result = aws3.verify(_aws3("Date", date), secret_access_key=SECRET, now=NOW)
        assert (result.ok, result.kind) == ((True, "verified") if inside else (False, "skew"))
        if not inside:
            assert result.reason == (
                f"request date {date!r} is more than 0:15:00 from now (RequestExpired)"
            )

    @pytest.mark.parametrize(("offset", "inside"), WINDOW)
    def test_x_amz_date_window(self, offset: timedelta, inside: bool) -> None:
        date = (NOW + offset).strftime("%Y%m%dT%H%M%SZ")
        result = aws3.verify(_aws3("X-Amz-Date", date), secret_access_key=SECRET, now=NOW)
        assert (result.ok, result.kind) == ((True, "verified") if inside else (False, "skew"))

    def test_naive_now_is_utc(self) -> None:
        req = _aws3("Date", format_datetime(NOW - SKEW, usegmt=True))
        assert aws3.verify(req, secret_access_key=SECRET, now=NOW.replace(tzinfo=None)).ok
        late = aws3.verify(req, secret_access_key=SECRET, now=(NOW + SECOND).replace(tzinfo=None))
        assert late.kind == "skew"

    @pytest.mark.parametrize(
        ("header", "date"),
        [
            ("Date", "yesterday"),
            ("Date", "Thu, 32 Nov 2026 05:48:17 GMT"),
            ("Date", ""),
            ("X-Amz-Date", "20261326T054817Z"),
            ("X-Amz-Date", "20261126T256017Z"),
            ("X-Amz-Date", "2026-11-26T05:48:17Z"),
        ],
    )
    def test_unreadable_date_refused(self, header: str, date: str) -> None:
        result = aws3.verify(_aws3(header, date), secret_access_key=SECRET, now=NOW)
        assert (result.ok, result.kind) == (False, "date")
        assert result.reason == f"unparseable date {date!r}"
        # Without a clock to judge against, only the signature is checked.
        assert aws3.verify(_aws3(header, date), secret_access_key=SECRET, now=None).ok

    @pytest.mark.parametrize(
        ("date", "expected"),
        [
            ("Thu, 26 Nov 2026 05:48:17 GMT", NOW),
            ("Thu, 26 Nov 2026 06:48:17 +0100", NOW),
            ("20261126T054817Z", NOW),
            ("Thu, 26 Nov 2026 05:48:17 -0000", NOW),  # -0000: UTC, zone not said
            ("26 Nov 2026 05:48:17", NOW),  # no zone: UTC
            ("1 Nov 2026 05:48", datetime(2026, 11, 1, 5, 48, tzinfo=UTC)),  # 16 characters
            ("20261126T054817", None),  # 15 characters: neither form
            ("x0261126T054817Z", None),
        ],
    )
    def test_request_time(self, date: str, expected: datetime | None) -> None:
        assert aws3.request_time(date) == expected


# --- duplicates whatever their values (docs/spec.md#param-repeated) ----------------------------

_VALUES = [("", "b"), ("a", ""), ("", ""), ("a", "a"), ("a", "b")]


class TestDuplicates:
    """docs/spec.md#param-repeated: a repeated name is an error, whatever the two values are
    (an empty first value included); distinct names are not repeats."""

    @pytest.mark.parametrize(("first", "second"), _VALUES)
    def test_unflatten_reports_the_repeat(self, first: str, second: str) -> None:
        pairs = [("Action", "GetIdentityVerificationAttributes")]
        pairs += [("Identities.member.1", first), ("Identities.member.1", second)]
        with pytest.raises(ExceptionGroup) as info:
            unflatten(pairs)
        found = [(e.kind, e.param) for e in info.value.exceptions if isinstance(e, ParamError)]
        assert ("duplicate", "Identities.member.1") in found

    @pytest.mark.parametrize(("first", "second"), _VALUES)
    def test_checker_reports_param008(self, first: str, second: str) -> None:
        body = f"Action=ListIdentities&Version=2010-12-01&NextToken={first}&NextToken={second}"
        rules = [f.rule for f in check(_post(body), tls=True)]
        assert "PARAM008" in rules

    def test_distinct_names_are_not_repeats(self) -> None:
        pairs = [
            ("Action", "GetIdentityVerificationAttributes"),
            ("Identities.member.1", ""),
            ("Identities.member.2", ""),
        ]
        assert unflatten(pairs).params == {"Identities": ["", ""]}
        body = "Action=ListIdentities&Version=2010-12-01&NextToken=&MaxItems=5"
        assert "PARAM008" not in [f.rule for f in check(_post(body), tls=True)]


# --- the legacy schemes' severity, judged as of --now (docs/spec.md#policy-legacy-dates) -------


def _aws3_dated(when: datetime) -> bytes:
    date = format_datetime(when, usegmt=True)
    return (
        f"POST / HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Date: {date}\r\nX-Amzn-Authorization: AWS3-HTTPS AWSAccessKeyId={AKID},"
        "Algorithm=HmacSHA256,Signature=x\r\nContent-Length: 19\r\n\r\nAction=GetSendQuota"
    ).encode()


def _sigv2_dated(when: datetime) -> bytes:
    body = (
        f"Action=GetSendQuota&Version=2010-12-01&AWSAccessKeyId={AKID}&SignatureVersion=2"
        f"&SignatureMethod=HmacSHA256&Timestamp={quote(_iso(when), safe='')}&Signature=x"
    )
    return _post(body, authorization=None)


_BEFORE = AWS3_CUTOFF - SECOND


class TestLegacySeverity:
    """docs/spec.md#policy-legacy-dates: AWS3-HTTPS and SigV2 are errors for a request judged on
    or after 2020-10-01 and warnings before; the date judged is ``now`` when given, else the
    request's own date."""

    @pytest.mark.parametrize(("scheme", "rule"), [("aws3", "AUTH002"), ("sigv2", "AUTH003")])
    @pytest.mark.parametrize(
        ("dated", "now", "severity"),
        [
            pytest.param(_BEFORE, None, "warning", id="dated-before-no-now"),
            pytest.param(AWS3_CUTOFF, None, "error", id="dated-at-cutoff-no-now"),
            pytest.param(_BEFORE, AWS3_CUTOFF, "error", id="dated-before-now-at-cutoff"),
            pytest.param(_BEFORE, NOW, "error", id="dated-before-now-today"),
            pytest.param(NOW, _BEFORE, "warning", id="dated-today-now-before"),
            pytest.param(AWS3_CUTOFF, _BEFORE, "warning", id="dated-at-cutoff-now-before"),
            pytest.param(_BEFORE, _BEFORE, "warning", id="both-before"),
        ],
    )
    def test_now_decides(
        self, scheme: str, rule: str, dated: datetime, now: datetime | None, severity: str
    ) -> None:
        raw = _aws3_dated(dated) if scheme == "aws3" else _sigv2_dated(dated)
        found = [f for f in check(raw, tls=True, now=now) if f.rule == rule]
        assert [f.severity for f in found] == [severity]

    @pytest.mark.parametrize(("dated", "severity"), [(_BEFORE, "warning"), (AWS3_CUTOFF, "error")])
    def test_x_amz_date_dates_an_aws3_request(self, dated: datetime, severity: str) -> None:
        raw = _aws3_dated(dated).replace(
            f"Date: {format_datetime(dated, usegmt=True)}".encode(),
            f"X-Amz-Date: {dated.strftime('%Y%m%dT%H%M%SZ')}".encode(),
        )
        found = [f.severity for f in check(raw, tls=True) if f.rule == "AUTH002"]
        assert found == [severity]

    def test_sigv2_without_timestamp_is_judged_as_of_today(self) -> None:
        raw = _sigv2_dated(_BEFORE).replace(b"&Timestamp=", b"&Expires=")
        assert [f.severity for f in check(raw, tls=True) if f.rule == "AUTH003"] == ["error"]

    def test_naive_now_is_utc(self) -> None:
        found = check(_aws3_dated(NOW), tls=True, now=_BEFORE.replace(tzinfo=None))
        assert [f.severity for f in found if f.rule == "AUTH002"] == ["warning"]


# --- SignedHeaders and the form charset (docs/spec.md#sigv4-signed-headers, #http-charset) -----

_SIG = "0" * 64


def _post(
    body: str,
    *,
    ctype: str = "application/x-www-form-urlencoded; charset=utf-8",
    authorization: str | None = (
        f"AWS4-HMAC-SHA256 Credential={AKID}/20261126/us-east-1/ses/aws4_request, "
        f"SignedHeaders=content-type;host;x-amz-date, Signature={_SIG}"
    ),
) -> bytes:
    auth = (
        f"X-Amz-Date: 20261126T054817Z\r\nAuthorization: {authorization}\r\n"
        if authorization is not None
        else ""
    )
    return (
        f"POST / HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {ctype}\r\n{auth}"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    ).encode()


def _signed_headers(names: str) -> bytes:
    return _post(
        "Action=GetSendQuota&Version=2010-12-01",
        authorization=(
            f"AWS4-HMAC-SHA256 Credential={AKID}/20261126/us-east-1/ses/aws4_request, "
            f"SignedHeaders={names}, Signature={_SIG}"
        ),
    )


class TestSignedHeadersList:
    """docs/spec.md#sigv4-signed-headers: lower case, sorted, once each, host among them."""

    @pytest.mark.parametrize(
        ("names", "auth011"),
        [
            ("content-type;host;x-amz-date", 0),
            ("host;x-amz-date", 0),
            ("content-type;host;host;x-amz-date", 1),
            ("content-type;content-type;host;x-amz-date", 1),
            ("content-type;host;x-amz-date;x-amz-date", 1),
            ("host;content-type;x-amz-date", 1),
            ("content-type;Host;x-amz-date", 1),
            ("content-type;x-amz-date", 1),
        ],
    )
    def test_auth011(self, names: str, auth011: int) -> None:
        rules = [f.rule for f in check(_signed_headers(names), tls=True)]
        assert rules.count("AUTH011") == auth011

    def test_host_missing_says_what_aws_says(self) -> None:
        findings = check(_signed_headers("content-type;x-amz-date"), tls=True)
        found = [f for f in findings if f.rule == "AUTH011"]
        assert [f.message for f in found] == [
            "SignedHeaders lacks host: 'Host' or ':authority' must be a 'SignedHeader' in the "
            "AWS Authorization."
        ]


class TestFormCharset:
    """docs/spec.md#http-charset: the form's Content-Type names charset=utf-8 or no charset
    (info: SES reads UTF-8 either way), never another (an error); the parameter name and the
    charset are read without regard to case (RFC 9110 section 8.3.1)."""

    @pytest.mark.parametrize(
        ("ctype", "severity"),
        [
            ("application/x-www-form-urlencoded; charset=utf-8", None),
            ("application/x-www-form-urlencoded; Charset=UTF-8", None),
            ("application/x-www-form-urlencoded; CHARSET=utf-8", None),
            ("application/x-www-form-urlencoded;charset=UTF8", None),
            ("Application/X-WWW-Form-Urlencoded; charset=utf-8", None),
            ("application/x-www-form-urlencoded", "info"),
            ("application/x-www-form-urlencoded; Charset=ISO-8859-1", "error"),
            ("application/x-www-form-urlencoded; CHARSET=latin1", "error"),
        ],
    )
    def test_http007(self, ctype: str, severity: str | None) -> None:
        found = check(_post("Action=GetSendQuota&Version=2010-12-01", ctype=ctype), tls=True)
        assert [f.severity for f in found if f.rule == "HTTP007"] == (
            [] if severity is None else [severity]
        )


# --- a signature that does not sign host (docs/spec.md#sigv4-signed-headers) -------------------


class TestHostMustBeSigned:
    """docs/spec.md#sigv4-signed-headers: a verifier refuses a signature that leaves host out
    of SignedHeaders, even one that is right over the headers it does sign. The samples are
    botocore's (vectors/checker/AUTH011: its signer with host left out, and its own)."""

    def _sample(self, name: str) -> RawRequest:
        return parse_request((SAMPLES / "AUTH011" / f"{name}.http").read_bytes())

    def test_verify_refuses(self) -> None:
        result = sigv4.verify(
            self._sample("fail-host-unsigned"), secret_access_key=SECRET, now=None
        )
        assert (result.ok, result.kind) == (False, "signed-headers")
        assert result.reason == "SignedHeaders must include host (IAM-SIGV4)"

    def test_verify_accepts_host_signed(self) -> None:
        result = sigv4.verify(
            self._sample("pass-signed-headers"), secret_access_key=SECRET, now=None
        )
        assert (result.ok, result.kind) == (True, "verified")

    def test_checker(self) -> None:
        creds = Credentials(AKID, SECRET)
        raw = (SAMPLES / "AUTH011" / "fail-host-unsigned.http").read_bytes()
        rules = [f.rule for f in check(raw, credentials=creds, tls=True)]
        assert "AUTH011" in rules
        assert "AUTH019" not in rules

    def test_cli(self, capsys: pytest.CaptureFixture[str]) -> None:
        from sesspec.cli import main

        sample = str(SAMPLES / "AUTH011" / "fail-host-unsigned.http")
        code = main(["verify", "--secret-access-key", SECRET, sample])
        out = capsys.readouterr().out
        assert code == 1
        assert out.startswith("FAIL sigv4: SignedHeaders must include host (IAM-SIGV4)")
        good = str(SAMPLES / "AUTH011" / "pass-signed-headers.http")
        assert main(["verify", "--secret-access-key", SECRET, good]) == 0


# --- the name limits of the tree the readers share (sesspec._shapes, README "Limits") ------------


class TestNameLimits:
    """A name of more than MAX_NAME_DEPTH segments is reported and left out, the names after it
    still read; the names past MAX_NAME_PREFIXES distinct dotted prefixes are reported once and
    not read. Each limit is held at the limit and one past it."""

    def _tree(self, names: Sequence[str]) -> tuple[Node, list[ParamError]]:
        errors: list[ParamError] = []
        return build_tree([(n, "v") for n in names], errors), errors

    def test_depth(self) -> None:
        at_limit = "a." * (MAX_NAME_DEPTH - 1) + "a"  # 64 segments, 127 characters
        past = "b." * MAX_NAME_DEPTH + "b"  # 65 segments, 129 characters
        root, errors = self._tree([at_limit, past, "Action"])
        assert [(e.kind, e.param, e.message) for e in errors] == [
            (
                "too-deep",
                past,
                f"parameter name of {MAX_NAME_DEPTH + 1} segments: deeper than the "
                f"{MAX_NAME_DEPTH} sesspec reads, and than any member",
            )
        ]
        assert sorted(root.children) == ["Action", "a"]

    def test_prefixes(self) -> None:
        names = [f"n{i}" for i in range(MAX_NAME_PREFIXES)]
        root, errors = self._tree(names)
        assert (errors, len(root.children)) == ([], MAX_NAME_PREFIXES)
        root, errors = self._tree([*names, "past", "after"])
        assert [(e.kind, e.param, e.message) for e in errors] == [
            (
                "too-many-prefixes",
                "past",
                f"the parameter names have more than {MAX_NAME_PREFIXES} distinct dotted "
                "prefixes: this one and the rest are not read",
            )
        ]
        assert "past" not in root.children
        assert "after" not in root.children

    def test_a_name_sharing_its_prefixes_costs_nothing(self) -> None:
        names = [f"n{i}" for i in range(MAX_NAME_PREFIXES - 1)] + ["A.B", "A"]
        root, errors = self._tree(names)
        assert [e.kind for e in errors] == ["too-many-prefixes"]
        assert errors[0].param == "A.B"
        root, errors = self._tree([f"n{i}" for i in range(MAX_NAME_PREFIXES - 2)] + ["A.B", "A"])
        assert errors == []
        assert root.children["A"].value == "v"


def _findings(raw: bytes, *rules: str) -> list[tuple[str, str, str]]:
    return [(f.rule, f.message, str(f.location)) for f in check(raw, tls=True) if f.rule in rules]


def _header_signed(names: str, extra: str = "") -> bytes:
    raw = _signed_headers(names)
    head, _, body = raw.partition(b"\r\n\r\n")
    return head + extra.encode() + b"\r\n\r\n" + body if extra else raw


def _presigned(names: str, extra: str = "") -> bytes:
    query = (
        "Action=GetSendQuota&Version=2010-12-01&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AKID}%2F20261126%2Fus-east-1%2Fses%2Faws4_request"
        f"&X-Amz-Date=20261126T054817Z&X-Amz-Expires=600&X-Amz-SignedHeaders={names}"
        f"&X-Amz-Signature={_SIG}"
    )
    return f"GET /?{query} HTTP/1.1\r\nHost: {HOST}\r\n{extra}\r\n".encode()


class TestSignedHeaderFindings:
    """docs/spec.md#sigv4-signed-headers and #sigv4-canonical-headers: each finding about the
    signed header list, its words and where it points (the Authorization header, or the
    presigned URL's X-Amz-SignedHeaders)."""

    def test_malformed_list_in_the_header(self) -> None:
        assert _findings(_header_signed("host;content-type;x-amz-date"), "AUTH011") == [
            (
                "AUTH011",
                "SignedHeaders 'host;content-type;x-amz-date': names must be lowercase, sorted "
                "and unique",
                "header Authorization",
            )
        ]

    def test_malformed_list_in_a_presigned_url(self) -> None:
        assert _findings(_presigned("x-amz-date%3Bhost"), "AUTH011") == [
            (
                "AUTH011",
                "SignedHeaders 'x-amz-date;host': names must be lowercase, sorted and unique",
                "param X-Amz-SignedHeaders",
            )
        ]

    def test_signed_but_not_sent(self) -> None:
        raw = _header_signed("content-type;host;x-amz-date;x-amz-meta;x-b")
        assert _findings(raw, "AUTH012") == [
            ("AUTH012", "signed but not sent: x-amz-meta, x-b", "header Authorization")
        ]

    def test_x_amz_sent_but_not_signed(self) -> None:
        raw = _header_signed("content-type;host;x-amz-date", "\r\nX-Amz-B: 1\r\nX-Amz-A: 2")
        assert _findings(raw, "AUTH013") == [
            ("AUTH013", "x-amz-* header(s) sent but not signed: x-amz-a, x-amz-b", "header x-amz-a")
        ]

    def test_token_header_not_signed(self) -> None:
        raw = _header_signed("content-type;host;x-amz-date", "\r\nX-Amz-Security-Token: t")
        assert _findings(raw, "AUTH013", "AUTH017") == [
            (
                "AUTH017",
                "X-Amz-Security-Token sent as a header but not signed",
                "header X-Amz-Security-Token",
            )
        ]
        signed = _header_signed(
            "content-type;host;x-amz-date;x-amz-security-token", "\r\nX-Amz-Security-Token: t"
        )
        assert _findings(signed, "AUTH013", "AUTH017") == []

    def test_token_header_on_a_presigned_url(self) -> None:
        raw = _presigned("host%3Bx-amz-security-token", "X-Amz-Security-Token: t\r\n")
        assert _findings(raw, "AUTH017") == [
            (
                "AUTH017",
                "a presigned URL carries the session token in the query, not as a header",
                "header X-Amz-Security-Token",
            )
        ]
        assert _findings(_presigned("host"), "AUTH017") == []


_FORM = "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
_V4 = (
    "X-Amz-Date: 20261126T054817Z\r\nAuthorization: AWS4-HMAC-SHA256 "
    f"Credential={AKID}/20261126/us-east-1/ses/aws4_request, "
    f"SignedHeaders=content-type;host;x-amz-date, Signature={_SIG}\r\n"
)


def _raw_post(target: str, headers: str, body: bytes = b"Action=GetSendQuota") -> bytes:
    return f"POST {target} HTTP/1.1\r\nHost: {HOST}\r\n{headers}{_V4}\r\n".encode() + body


class TestPostFindings:
    """docs/spec.md#http-content-type, #http-content-length and #http-params-location: what a
    POST's head says about its body, each finding with its words and where it points."""

    def _found(self, raw: bytes) -> list[tuple[str, str, str, str]]:
        rules = {"HTTP006", "HTTP008", "HTTP009"}
        return [
            (f.rule, f.severity, f.message, str(f.location))
            for f in check(raw, tls=True)
            if f.rule in rules
        ]

    def test_media_type(self) -> None:
        body = "a POST body must be application/x-www-form-urlencoded"
        assert self._found(_raw_post("/", "Content-Length: 19\r\n")) == [
            ("HTTP006", "error", f"'no Content-Type': {body}", "header Content-Type")
        ]
        plain = "Content-Type: text/plain\r\nContent-Length: 19\r\n"
        assert self._found(_raw_post("/", plain)) == [
            ("HTTP006", "error", f"'text/plain': {body}", "header Content-Type")
        ]

    @pytest.mark.parametrize("coding", ["chunked", "Chunked", "gzip, CHUNKED"])
    def test_chunked(self, coding: str) -> None:
        raw = _raw_post(
            "/",
            f"{_FORM}Transfer-Encoding: {coding}\r\n",
            b"13\r\nAction=GetSendQuota\r\n0\r\n\r\n",
        )
        assert self._found(raw) == [
            ("HTTP008", "error", "chunked request body", "header Transfer-Encoding")
        ]

    def test_no_content_length(self) -> None:
        assert self._found(_raw_post("/", _FORM, b"")) == [
            ("HTTP008", "error", "POST without Content-Length", "header Content-Length")
        ]

    @pytest.mark.parametrize(
        ("lengths", "finding"),
        [
            (["19"], False),
            (["19", "19"], False),
            (["19", "20"], True),
            (["20", "19"], True),
        ],
    )
    def test_content_length(self, lengths: list[str], finding: bool) -> None:
        head = _FORM + "".join(f"Content-Length: {n}\r\n" for n in lengths)
        found = self._found(_raw_post("/", head))
        message = f"Content-Length {', '.join(lengths)} but the body has 19 bytes"
        assert found == (
            [("HTTP008", "error", message, "header Content-Length")] if finding else []
        )

    @pytest.mark.parametrize(
        ("query", "shown"),
        [
            ("&a=1&X-Amz-Date=2&b=3&", "a=1&b=3"),
            ("X-Amz-Date=2&X-Amz-Expires=3", None),
            ("&X-Amz-Date=2&&", None),  # separators alone are no parameters
            ("&X&", "X"),
            ("q" * 70, "q" * 60),
        ],
    )
    def test_query_on_a_post(self, query: str, shown: str | None) -> None:
        found = self._found(_raw_post(f"/?{query}", f"{_FORM}Content-Length: 19\r\n"))
        message = f"query string {shown!r} on a POST: operation parameters belong in the form body"
        assert found == ([] if shown is None else [("HTTP009", "warning", message, "query")])
