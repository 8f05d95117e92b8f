"""The checker's rules against their pass and fail samples.

Each sample is a raw request: a few written by hand (plain bytes, committed as they are), the
rest written by ``scripts/gen_checker_samples.py`` family by family: valid signatures are
botocore's (an independent implementation), broken ones are botocore's changed after signing the
way the client of the docs/spec.md#bug issue named in the sample changed them. The JSON
beside each ``.http`` file says which rules :func:`sesspec.check.check` must report and with
which severity (``expect``, rule -> severity: the rule's as the spec's rule index gives it,
or another its declaration allows), must not report (``forbid``) and whether the request must
have no error finding (``clean``); its citation is its rule's.

A sample whose bytes are exactly what a botocore signer wrote (``signed_by``) must verify with
sesspec's verifier for its scheme (SigV4, AWS3-HTTPS, SigV2), and one-byte tampered copies of it
must not (counted as ``sesspec-checker-samples: verify`` / ``verify tampered``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sesspec.check.catalogue import RULES
from sesspec.check.rules import auth, enc, fid, http, param
from sesspec.encoding import form_decode
from sesspec.http import RawRequest, parse_request
from sesspec.signing import aws3, sigv2, sigv4
from tests import _tamper

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "vectors" / "checker"
GENERATOR = REPO / "scripts" / "gen_checker_samples.py"
SEVERITIES = {"error", "warning", "info"}
#: What a sample written by hand says it was made by (scripts/gen_checker_samples.py BY_HAND).
BY_HAND = "by hand: the .http file is the sample"


@dataclass(frozen=True)
class Sample:
    rule: str
    name: str
    raw: bytes
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"


def _samples() -> list[Sample]:
    out = []
    for meta_path in sorted(SAMPLES.glob("*/*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        raw = meta_path.with_suffix(".http").read_bytes()
        out.append(Sample(meta_path.parent.name, meta_path.stem, raw, meta))
    return out


ALL = _samples()


def _checker() -> tuple[Callable[..., list[Any]], Callable[..., Any]]:
    """``sesspec.check.check`` and ``Credentials``; skips while the checker is not importable."""
    try:
        module = importlib.import_module("sesspec.check")
        return module.check, module.Credentials
    except (ImportError, AttributeError) as exc:
        pytest.skip(f"sesspec.check.check is not importable yet: {exc}")


def _run(sample: Sample) -> list[Any]:
    check, credentials_type = _checker()
    ctx = sample.meta["context"]
    cred = ctx["credentials"]
    credentials = None
    if cred is not None:
        credentials = credentials_type(
            access_key_id=cred["access_key_id"],
            secret_access_key=cred["secret_access_key"],
            session_token=cred.get("session_token"),
        )
    now = None if ctx["now"] is None else datetime.fromisoformat(ctx["now"].replace("Z", "+00:00"))
    return check(sample.raw, credentials=credentials, now=now, tls=ctx["tls"])


def _show(findings: list[Any]) -> str:
    return (
        "\n".join(f"  {f.rule} {f.severity} @ {f.location}: {f.message}" for f in findings)
        or "  (no findings)"
    )


# --- one test per sample ------------------------------------------------------------------------


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_sample(sample: Sample) -> None:
    findings = _run(sample)
    found = {f.rule for f in findings}
    missing = [r for r in sample.meta["expect"] if r not in found]
    assert not missing, f"{sample.id}: expected {missing} not found; findings:\n{_show(findings)}"
    forbidden = [r for r in sample.meta["forbid"] if r in found]
    assert not forbidden, f"{sample.id}: forbidden {forbidden} found; findings:\n{_show(findings)}"
    for rule, severity in sample.meta["expect"].items():
        severities = {f.severity for f in findings if f.rule == rule}
        assert severities == {severity}, (
            f"{sample.id}: {rule} must be {severity}, found {sorted(severities)}:\n"
            f"{_show(findings)}"
        )
    if sample.meta.get("clean"):
        errors = [f for f in findings if f.severity == "error"]
        assert not errors, f"{sample.id}: clean sample has errors:\n{_show(findings)}"


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_findings_are_catalogued(sample: Sample) -> None:
    """Every finding names a catalogue rule, a known severity, that rule's citation, a place."""
    for f in _run(sample):
        assert f.rule in RULES, f"{sample.id}: finding of unknown rule {f.rule!r}"
        assert f.severity in SEVERITIES, f"{sample.id}: {f.rule} severity {f.severity!r}"
        assert f.citation == RULES[f.rule].citation, f"{sample.id}: {f.rule} citation"
        assert f.message, f"{sample.id}: {f.rule} without a message"
        assert f.location, f"{sample.id}: {f.rule} without a location"
        if f.rule == "AUTH018":
            # a mismatch shows the canonical request (the spec's, and the client's when
            # a known mistake reproduces it).
            assert "canonical request" in f.detail, f"{sample.id}: AUTH018 without the diff"


#: Where each rule's finding points, for a request signed in a header and for a presigned URL,
#: written from each rule's statement in docs/spec.md (the part of the request it judges): a
#: credential scope is in the Authorization header or the X-Amz-Credential parameter, a date
#: in X-Amz-Date, an expiry in X-Amz-Expires, and so on. Rules whose place is a parameter,
#: a header or an offset that varies with the request are judged by :func:`_points_into`.
_HEADER = "header Authorization"
_WHERE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    rule: (frozenset(signed), frozenset(presigned))
    for rule, signed, presigned in (
        ("AUTH001", {_HEADER}, set()),
        ("AUTH002", {"header X-Amzn-Authorization"}, set()),
        ("AUTH003", {"param Signature"}, {"param Signature"}),
        ("AUTH004", {_HEADER}, {"param X-Amz-Credential"}),
        ("AUTH005", {_HEADER}, {"param X-Amz-Credential"}),
        ("AUTH006", {_HEADER}, {"param X-Amz-Credential"}),
        ("AUTH007", {_HEADER}, {"param X-Amz-Credential"}),
        ("AUTH008", {_HEADER}, {"param X-Amz-Credential"}),
        ("AUTH009", {"header X-Amz-Date"}, {"param X-Amz-Date"}),
        ("AUTH010", {"header Date"}, set()),
        ("AUTH011", {_HEADER}, {"param X-Amz-SignedHeaders"}),
        ("AUTH012", {_HEADER}, {"param X-Amz-SignedHeaders"}),
        ("AUTH014", {"header X-Amz-Content-SHA256"}, {"header X-Amz-Content-SHA256"}),
        ("AUTH015", set(), {"query", "param X-Amz-Algorithm", "param X-Amz-Expires"}),
        ("AUTH016", {"header X-Amz-Date"}, {"param X-Amz-Date", "param X-Amz-Expires"}),
        ("AUTH017", {"header X-Amz-Security-Token"}, {"param X-Amz-Security-Token"}),
        ("AUTH018", {_HEADER}, {"param X-Amz-Signature"}),
        ("AUTH019", {_HEADER}, {"param X-Amz-Signature"}),
        ("AUTH020", {_HEADER}, {"param X-Amz-Signature"}),
        ("AUTH021", {_HEADER}, {_HEADER}),
        ("HTTP002", {"request line"}, {"request line"}),
        ("HTTP003", {"request line"}, {"request line"}),
        ("HTTP004", {"header Host"}, {"header Host"}),
        ("HTTP005", {"header Host"}, {"header Host"}),
        ("HTTP006", {"header Content-Type"}, {"header Content-Type"}),
        ("HTTP007", {"header Content-Type"}, {"header Content-Type"}),
        ("HTTP008", {"header Content-Length", "header Transfer-Encoding"}, set()),
        ("HTTP009", {"query"}, set()),
        ("HTTP010", {"body"}, {"body"}),
        ("HTTP011", {"request line"}, {"request line"}),
        ("HTTP012", {"request line"}, {"request line"}),
        ("ENC010", {"body", "query"}, {"query"}),
        # a missing or unknown Action, a missing or wrong Version
        ("PARAM001", {"param Action"}, {"param Action"}),
        ("PARAM002", {"param Action"}, {"param Action"}),
        ("PARAM003", {"param Version"}, {"param Version"}),
    )
}


def _points_into(sample: Sample, f: Any, request: RawRequest) -> bool:
    """A place that varies with the request names a part of it: a parameter the request sends
    (or the dotted prefix of one; a required one it leaves out, PARAM010), an ``x-amz-*`` header
    it sends, or an offset inside the body, the query or the request."""
    where = f.location
    if where.kind == "param":
        pairs = form_decode(request.query) + (
            form_decode(request.body) if request.method == "POST" else []
        )
        names = {name for name, _ in pairs}
        if f.rule == "PARAM010":  # a required member the request leaves out
            return bool(where.name) and not any(n.startswith(where.name) for n in names)
        # the name sent or the prefix of one sent; a list's missing index (a gap, PARAM007):
        # its list is sent
        name = where.name.rsplit(".", 1)[0] if f.rule == "PARAM007" else where.name
        return any(n == name or n.startswith(name + ".") for n in names)
    if where.kind == "header" and f.rule == "AUTH013":
        sent = {name.lower() for name, _ in request.headers}
        return where.name.lower().startswith("x-amz-") and where.name.lower() in sent
    sizes = {"body": len(request.body), "query": len(request.query), "request": len(sample.raw)}
    if where.kind in sizes:
        return where.offset is None or 0 <= where.offset < sizes[where.kind]
    return False


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_findings_point_where_their_rule_says(sample: Sample) -> None:
    try:
        request = parse_request(sample.raw)
    except ValueError:
        request = None
    # a request with an Authorization header is judged as header-signed (AUTH021 if its query
    # authenticates too)
    presigned = (
        request is not None
        and "X-Amz-Signature=" in request.query
        and request.header("authorization") is None
    )
    for f in _run(sample):
        if f.rule in _WHERE:
            allowed = _WHERE[f.rule][presigned]
            assert str(f.location) in allowed, f"{sample.id}: {f.rule} at {f.location}"
        else:
            assert request is not None or f.rule == "HTTP001", f"{sample.id}: {f.rule}"
            ok = _points_into(sample, f, request) if request is not None else True
            assert ok, f"{sample.id}: {f.rule} at {f.location} names no part of the request"


def _header(raw: bytes, name: str) -> str:
    value = parse_request(raw).header(name)
    assert value is not None, name
    return value


def _sample(sample_id: str) -> Sample:
    return next(s for s in ALL if s.id == sample_id)


def _judge(sample: Sample, secret: str | None) -> list[Any]:
    """``check`` on a sample with its own clock, and the sample's access key with ``secret``
    (None: no credentials)."""
    check, credentials_type = _checker()
    ctx = sample.meta["context"]
    now = None if ctx["now"] is None else datetime.fromisoformat(ctx["now"].replace("Z", "+00:00"))
    credentials = None
    if secret is not None:
        key = ctx["credentials"]["access_key_id"]
        credentials = credentials_type(access_key_id=key, secret_access_key=secret)
    return check(sample.raw, credentials=credentials, now=now, tls=ctx["tls"])


@pytest.mark.parametrize(
    ("sample_id", "rule", "where"),
    [
        ("AUTH002/fail-aws3-https", "AUTH002", "header X-Amzn-Authorization"),
        ("AUTH003/fail-sigv2", "AUTH003", "param Signature"),
        ("AUTH003/fail-sigv2-get", "AUTH003", "param Signature"),
    ],
)
def test_legacy_signature_is_verified_with_the_callers_clock(
    sample_id: str, rule: str, where: str
) -> None:
    """A legacy signature (docs/spec.md#auth-cutoff) is refused whatever it is, and the finding
    says whether it holds: verified against the given secret and the given clock (the sample's
    date; today's clock would put it weeks out of the window), not verified without credentials,
    invalid with another secret. An AWS3 signature that does not match is also AUTH018, with
    the string it signs (the Date value) in the detail."""
    sample = _sample(sample_id)
    secret = sample.meta["context"]["credentials"]["secret_access_key"]
    for given, verdict in (
        (secret, "valid on its own terms"),
        (None, "not verified (no credentials)"),
    ):
        found = [f for f in _judge(sample, given) if f.rule in {rule, "AUTH018"}]
        assert [(f.rule, str(f.location)) for f in found] == [(rule, where)], _show(found)
        assert f", {verdict};" in found[0].message, found[0].message
    # a day after the sample's clock its date is out of the 15-minute window
    ctx = sample.meta["context"]
    check, credentials_type = _checker()
    later = datetime.fromisoformat(ctx["now"].replace("Z", "+00:00")) + timedelta(days=1)
    creds = credentials_type(ctx["credentials"]["access_key_id"], secret)
    found = [f for f in check(sample.raw, credentials=creds, now=later) if f.rule == rule]
    stale = ", and invalid: " if rule == "AUTH002" else ", invalid: "
    assert len(found) == 1, _show(found)
    assert stale in found[0].message, found[0].message
    found = [f for f in _judge(sample, "another-secret") if f.rule in {rule, "AUTH018"}]
    if rule == "AUTH003":
        assert [(f.rule, str(f.location)) for f in found] == [(rule, where)], _show(found)
        assert ", invalid: " in found[0].message, found[0].message
        return
    assert [(f.rule, f.severity, str(f.location), f.message) for f in found] == [
        (
            "AUTH002",
            "error",
            where,
            "AWS3-HTTPS signature (SigV3); SES refuses it since 2020-10-01",
        ),
        ("AUTH018", "error", where, "AWS3-HTTPS signature does not match the Date header's HMAC"),
    ], _show(found)
    date = parse_request(sample.raw).header("Date")
    assert date is not None
    # AWS3-HTTPS signs the Date value alone: base64 of its HMAC-SHA256 under the secret
    # (docs/spec.md#aws3-header), worked here with hmac and base64
    expected = base64.b64encode(
        hmac.new(b"another-secret", date.encode(), hashlib.sha256).digest()
    ).decode()
    given = re.search(r"Signature=([^,\s]+)", _header(sample.raw, "X-Amzn-Authorization"))
    assert given is not None
    assert found[1].detail == (
        f"string to sign (the Date value): {date!r}\n"
        f"expected: {expected}\ngiven:    {given.group(1)}"
    )


@pytest.mark.parametrize(
    ("sample_id", "severity"),
    [("AUTH002/fail-aws3-cutoff-minus-1s", "warning"), ("AUTH002/fail-aws3-cutoff-at", "error")],
)
def test_an_aws3_mismatch_keeps_the_legacy_severity(sample_id: str, severity: str) -> None:
    """A signature that does not match is still judged by the date on the legacy scheme:
    before the cut-off a warning, from it an error (docs/spec.md#policy-legacy-dates)."""
    found = [f for f in _judge(_sample(sample_id), "another-secret") if f.rule == "AUTH002"]
    assert [f.severity for f in found] == [severity], _show(found)


@pytest.mark.parametrize(
    ("seconds", "where"),
    [
        (600, None),
        (601, "param X-Amz-Expires"),
        (-15 * 60, None),
        (-15 * 60 - 1, "param X-Amz-Date"),
    ],
    ids=["expiry-at", "expiry-plus-1s", "future-15m", "future-15m01s"],
)
def test_a_presigned_url_out_of_time_points_at_what_decides(
    seconds: int, where: str | None
) -> None:
    """The sample URL is dated 05:48:17 with X-Amz-Expires=600 (docs/spec.md#sigv4-expiry):
    past its expiry the finding points at X-Amz-Expires; dated more than 15 minutes ahead of
    the clock (docs/spec.md#sigv4-skew), at X-Amz-Date."""
    check, _ = _checker()
    signed = datetime.fromisoformat("2026-11-26T05:48:17+00:00")
    now = signed + timedelta(seconds=seconds)
    found = check(_sample("AUTH015/pass-presigned").raw, now=now, tls=True)
    assert [str(f.location) for f in found if f.rule == "AUTH016"] == ([where] if where else [])


def test_auth014_shows_both_hashes_by_their_first_16_digits() -> None:
    """The declared hash and the body's, each cut to 16 hex digits (the body's worked here with
    hashlib)."""
    sample = _sample("AUTH014/fail-content-sha256")
    declared = _header(sample.raw, "X-Amz-Content-SHA256")
    actual = _sha256(parse_request(sample.raw).body)
    (found,) = [f for f in _run(sample) if f.rule == "AUTH014"]
    assert found.message == (
        f"x-amz-content-sha256 {declared[:16]}... but the body hashes to {actual[:16]}..."
    )


@pytest.mark.parametrize(
    ("declared", "flagged"),
    [
        ("UNSIGNED-PAYLOAD", False),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", False),
        ("streaming-unsigned-payload-trailer", True),
        ("0" * 64, True),
    ],
)
def test_auth014_leaves_the_declared_unsigned_forms_alone(declared: str, flagged: bool) -> None:
    """The two unsigned forms S3 defines are a declaration, not a hash to compare (they are
    written in capitals; another text is a hash that does not match)."""
    raw = _with_header(_sample("AUTH014/fail-content-sha256").raw, b"X-Amz-Content-SHA256", None)
    raw = _with_header(raw, b"X-Amz-Content-SHA256", declared.encode())
    check, _ = _checker()
    assert any(f.rule == "AUTH014" for f in check(raw, tls=True)) is flagged


def test_auth020_without_credentials() -> None:
    (found,) = [f for f in _run(_sample("AUTH020/fail-no-credentials")) if f.rule == "AUTH020"]
    assert (found.message, str(found.location)) == (
        "signature value not verified: no credentials given",
        _HEADER,
    )


class TestPresignedParameters:
    """What AUTH015/AUTH005 say of a presigned URL's own parameters (docs/spec.md#sigv4-presigned,
    #sigv4-expiry, #sigv4-scope), each where it is and in full."""

    URL = "AUTH015/pass-presigned"

    def _found(self, *changes: tuple[bytes, bytes | None]) -> list[tuple[str, str, str, str]]:
        raw = _sample(self.URL).raw
        for name, value in changes:
            raw = _with_query_param(raw, name, value)
        check, _ = _checker()
        found = check(raw, now=datetime.fromisoformat("2026-11-26T05:49:17+00:00"), tls=True)
        return [
            (f.rule, f.severity, str(f.location), f.message)
            for f in found
            if f.rule in {"AUTH005", "AUTH008", "AUTH015"}
        ]

    def test_two_parameters_missing(self) -> None:
        found = self._found((b"X-Amz-Credential", None), (b"X-Amz-Date", None))
        assert found == [
            ("AUTH015", "error", "query", "presigned URL lacks X-Amz-Credential, X-Amz-Date")
        ]

    def test_another_algorithm(self) -> None:
        assert self._found((b"X-Amz-Algorithm", b"AWS4-HMAC-SHA1")) == [
            (
                "AUTH015",
                "error",
                "param X-Amz-Algorithm",
                "X-Amz-Algorithm='AWS4-HMAC-SHA1', not AWS4-HMAC-SHA256",
            )
        ]

    def test_no_expiry(self) -> None:
        assert self._found((b"X-Amz-Expires", None)) == [
            (
                "AUTH015",
                "warning",
                "query",
                "no X-Amz-Expires: the URL is good only within 15 minutes of X-Amz-Date",
            )
        ]

    @pytest.mark.parametrize("length", [40, 41])
    def test_an_expiry_that_is_no_number_is_shown_to_40_characters(self, length: int) -> None:
        text = "x" * length
        assert self._found((b"X-Amz-Expires", text.encode())) == [
            (
                "AUTH015",
                "error",
                "param X-Amz-Expires",
                f"X-Amz-Expires={'x' * 40!r}: a whole number of seconds, at least 1",
            )
        ]

    @pytest.mark.parametrize("digits", ["604801", "9" * 41])
    def test_an_expiry_past_seven_days_is_shown_to_40_characters(self, digits: str) -> None:
        assert self._found((b"X-Amz-Expires", digits.encode())) == [
            (
                "AUTH015",
                "warning",
                "param X-Amz-Expires",
                f"X-Amz-Expires={digits[:40]}: longer than 604800 s (7 days), the most AWS "
                "documents for a SigV4 presigned URL (S3); SES documents no maximum",
            )
        ]

    def test_a_credential_that_cannot_be_read(self) -> None:
        assert self._found((b"X-Amz-Credential", b"AKIDEXAMPLE%2Fbroken")) == [
            (
                "AUTH005",
                "error",
                "param X-Amz-Credential",
                "Credential must be AKID/YYYYMMDD/region/service/aws4_request: "
                "'AKIDEXAMPLE/broken'",
            )
        ]

    @pytest.mark.parametrize(
        ("credential", "rule"),
        [
            (b"AKIDEXAMPLE%2F20261126%2Fus-west-2%2Fses%2Faws4_request", "AUTH008"),
            (b"AKIDEXAMPLE%2F20261126%2Fus-east-%C3%A9%2Fses%2Faws4_request", "AUTH005"),
            (b"AKIDEXAMPLE%2F2026112a%2Fus-east-1%2Fses%2Faws4_request", "AUTH005"),
        ],
        ids=["another-region", "not-ascii", "date-not-digits"],
    )
    def test_a_scope_problem_points_at_the_credential(self, credential: bytes, rule: str) -> None:
        found = self._found((b"X-Amz-Credential", credential))
        assert [(r, where) for r, _, where, _ in found] == [(rule, "param X-Amz-Credential")]
        messages = {
            b"%C3%A9": (
                "credential scope 'AKIDEXAMPLE/20261126/us-east-\u00e9/ses' is not printable ASCII"
            ),
            b"2026112a": "credential scope date must be YYYYMMDD: '2026112a'",
        }
        for mark, message in messages.items():
            if mark in credential:
                assert found[0][3] == message


class TestHeaderCredential:
    """A Credential= of the Authorization header with the wrong number of parts, or a scope
    element malformed, is AUTH005 (the scope); a header otherwise unreadable is AUTH004
    (docs/spec.md#sigv4-authorization-header, #sigv4-scope)."""

    def _found(self, credential: bytes) -> list[tuple[str, str]]:
        raw = _sample("AUTH004/pass-well-formed").raw
        old = b"Credential=AKIDEXAMPLE/20261126/us-east-1/ses/aws4_request"
        assert old in raw
        check, _ = _checker()
        found = check(raw.replace(old, b"Credential=" + credential), tls=True)
        return [(f.rule, f.message) for f in found if f.rule in {"AUTH004", "AUTH005"}]

    def test_four_parts(self) -> None:
        assert self._found(b"AKIDEXAMPLE/20261126/us-east-1/ses") == [
            (
                "AUTH005",
                "Credential='AKIDEXAMPLE/20261126/us-east-1/ses': must be <access key id>/"
                "<YYYYMMDD>/<region>/ses/aws4_request",
            )
        ]

    @pytest.mark.parametrize(
        ("date", "bad"),
        [("20261126", False), ("2026112a", True), ("2026112", True), ("202611260", True)],
    )
    def test_the_scope_date_is_eight_digits(self, date: str, bad: bool) -> None:
        found = self._found(f"AKIDEXAMPLE/{date}/us-east-1/ses/aws4_request".encode())
        wanted = ("AUTH005", f"credential scope date must be YYYYMMDD: {date!r}")
        assert found == ([wanted] if bad else []), found

    def test_five_parts_with_a_bad_terminator(self) -> None:
        assert [rule for rule, _ in self._found(b"AKIDEXAMPLE/20261126/us-east-1/ses/aws4")] == [
            "AUTH005"
        ]


@pytest.mark.parametrize(
    ("sample_id", "rule", "message"),
    [
        (
            "AUTH006/fail-email",
            "AUTH006",
            "scope service 'email' (the endpoint prefix); SES v1 tolerates it, 'ses' is right",
        ),
        (
            "AUTH010/fail-iso-date-header",
            "AUTH010",
            "the SigV4 date comes from the Date header (ISO 8601 basic); send X-Amz-Date",
        ),
    ],
)
def test_a_tolerated_scope_or_date_says_what_is_right(
    sample_id: str, rule: str, message: str
) -> None:
    assert [f.message for f in _run(_sample(sample_id)) if f.rule == rule] == [message]


def test_auth007_names_both_dates() -> None:
    """Signed at 20261127T000001Z with a scope dated the day before (docs/spec.md#sigv4-scope)."""
    (found,) = [f for f in _run(_sample("AUTH007/fail-across-midnight")) if f.rule == "AUTH007"]
    assert found.message == "scope date 20261126 but the request date is 20261127"


def test_auth008_says_what_ses_answers() -> None:
    (found,) = [f for f in _run(_sample("AUTH008/fail-wrong-region")) if f.rule == "AUTH008"]
    assert found.message == (
        "scope region 'us-west-2' but the host is in 'us-east-1': SES answers SignatureDoesNotMatch"
    )


@pytest.mark.parametrize("value", ["Basic QUJD", "Basic " + "Q" * 35])
def test_an_authorization_of_another_scheme_is_auth004_not_auth001(value: str) -> None:
    """Shown to its first 40 characters."""
    raw = _with_header(_sample("AUTH004/pass-well-formed").raw, b"Authorization", value.encode())
    check, _ = _checker()
    found = [(f.rule, f.message) for f in check(raw, tls=True) if f.rule.startswith("AUTH")]
    assert found == [("AUTH004", f"Authorization {value[:40]!r} is not AWS4-HMAC-SHA256")]


def test_an_authorization_without_its_credential_is_auth004() -> None:
    raw = _sample("AUTH004/pass-well-formed").raw
    old = b"Credential=AKIDEXAMPLE/20261126/us-east-1/ses/aws4_request, "
    assert old in raw
    check, _ = _checker()
    found = [f.rule for f in check(raw.replace(old, b""), tls=True) if f.rule.startswith("AUTH")]
    assert found[0] == "AUTH004", found


def test_a_wrong_declared_payload_hash_does_not_verify() -> None:
    """The spec's canonical request carries the body's hash (docs/spec.md#sigv4-payload-hash),
    not the one declared: a signature over a wrong declared hash does not hold."""
    rules = {f.rule for f in _run(_sample("AUTH014/fail-content-sha256"))}
    assert {"AUTH014", "AUTH018"} <= rules
    assert "AUTH019" not in rules


@pytest.mark.parametrize("name", [b"X-Amz-Algorithm", b"X-Amz-Signature"])
def test_either_query_authentication_parameter_beside_the_header_is_auth021(name: bytes) -> None:
    """Header and query authentication together (docs/spec.md#auth-one-method): one X-Amz-*
    authentication parameter in the query is enough to say so."""
    raw = _sample("AUTH004/pass-well-formed").raw
    assert raw.startswith(b"POST / HTTP/1.1")
    raw = raw.replace(b"POST / ", b"POST /?" + name + b"=AWS4-HMAC-SHA256 ", 1)
    check, _ = _checker()
    assert [(f.rule, f.message) for f in check(raw, tls=True) if f.rule == "AUTH021"] == [
        ("AUTH021", "an Authorization header and X-Amz-* query authentication in one request")
    ]


def test_no_authentication_at_all() -> None:
    (found,) = [f for f in _run(_sample("AUTH001/fail-unsigned")) if f.rule == "AUTH001"]
    assert found.message == "no Authorization header, no X-Amz-* query authentication"


def test_a_parameter_named_signature_alone_is_not_sigv2() -> None:
    """SigV2 is SignatureVersion and Signature together (docs/spec.md#sigv2-algorithm): a
    parameter named Signature beside a SigV4 header is not it."""
    raw = _sample("AUTH004/pass-well-formed").raw
    raw = raw.replace(b"POST / ", b"POST /?Signature=abc ", 1)
    check, _ = _checker()
    assert "AUTH003" not in {f.rule for f in check(raw, tls=True)}


def test_every_scheme_a_request_mixes_is_reported() -> None:
    """A request that carries a SigV4 header, presigned parameters, an AWS3 header and SigV2
    parameters at once: each is reported, none hides another."""
    raw = _sample("AUTH004/pass-well-formed").raw
    query = b"X-Amz-Signature=abc&SignatureVersion=2&Signature=def"
    raw = raw.replace(b"POST / ", b"POST /?" + query + b" ", 1)
    raw = _with_header(raw, b"X-Amzn-Authorization", b"AWS3-HTTPS AWSAccessKeyId=AKIDEXAMPLE")
    check, _ = _checker()
    rules = [f.rule for f in check(raw, tls=True) if f.rule in {"AUTH002", "AUTH003", "AUTH021"}]
    assert rules == ["AUTH021", "AUTH002", "AUTH003"]


def test_auth009_names_a_missing_date() -> None:
    (found,) = [f for f in _run(_sample("AUTH009/fail-no-date")) if f.rule == "AUTH009"]
    assert found.message == "request date missing: SigV4 needs X-Amz-Date as YYYYMMDD'T'HHMMSS'Z'"


def _sigv2_get(host: str | None, path: str, timestamp: str) -> bytes:
    """A SigV2 GET signed by hand (docs/spec.md#sigv2: HMAC-SHA256 over the method, the
    lower-cased host, the path and the sorted, RFC 3986-encoded query, in base64)."""
    pairs = sorted(
        {
            "AWSAccessKeyId": "AKIDEXAMPLE",
            "Action": "GetSendQuota",
            "SignatureMethod": "HmacSHA256",
            "SignatureVersion": "2",
            "Timestamp": timestamp,
            "Version": "2010-12-01",
        }.items()
    )
    query = "&".join(f"{n}={v.replace(':', '%3A')}" for n, v in pairs)
    sts = f"GET\n{(host or '').lower()}\n{path}\n{query}"
    secret = b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    mac = base64.b64encode(hmac.new(secret, sts.encode(), hashlib.sha256).digest()).decode()
    signature = mac.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    host_line = "" if host is None else f"Host: {host}\r\n"
    return f"GET {path}?{query}&Signature={signature} HTTP/1.1\r\n{host_line}\r\n".encode()


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("email.us-east-1.amazonaws.com", "/"),
        ("Email.US-East-1.AmazonAWS.com", "/"),
        ("email.us-east-1.amazonaws.com", "/x/"),
        (None, "/"),
    ],
    ids=["plain", "host-in-mixed-case", "another-path", "no-host"],
)
def test_sigv2_is_verified_over_the_host_lowercased_and_the_path_sent(
    host: str | None, path: str
) -> None:
    """SigV2 signs the Host lower-cased (no Host: the empty string) and the path as sent, and
    its Timestamp is judged against the caller's clock: a day later it no longer holds."""
    check, credentials_type = _checker()
    raw = _sigv2_get(host, path, "2026-11-26T05:49:17Z")
    creds = credentials_type("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    now = datetime.fromisoformat("2026-11-26T05:50:00+00:00")
    for when, verdict in (
        (now, ", valid on its own terms;"),
        (now + timedelta(days=1), ", invalid: "),
    ):
        found = [f for f in check(raw, credentials=creds, now=when) if f.rule == "AUTH003"]
        assert len(found) == 1, _show(found)
        assert verdict in found[0].message, found[0].message


def _with_query_param(raw: bytes, name: bytes, value: bytes | None) -> bytes:
    """``raw`` with the query parameter ``name``'s value replaced (None: the parameter removed)."""
    line, rest = raw.split(b"\r\n", 1)
    method, target, version = line.split(b" ")
    path, query = target.split(b"?", 1)
    kept = []
    for pair in query.split(b"&"):
        if pair.split(b"=", 1)[0] != name:
            kept.append(pair)
        elif value is not None:
            kept.append(name + b"=" + value)
    return b" ".join((method, path + b"?" + b"&".join(kept), version)) + b"\r\n" + rest


@pytest.mark.parametrize(
    ("value", "shown"),
    [(b"2026-11-26T05%3A48%3A17Z", "'2026-11-26T05:48:17Z'"), (None, "missing")],
    ids=["extended-format", "missing"],
)
def test_presigned_bad_date_is_auth009_at_its_parameter(value: bytes | None, shown: str) -> None:
    """A presigned URL's date is its X-Amz-Date parameter (docs/spec.md#sigv4-presigned): one
    that is malformed or absent is AUTH009 there, the value shown as sent, or "missing"."""
    check, _ = _checker()
    raw = _with_query_param(_sample("AUTH015/pass-presigned").raw, b"X-Amz-Date", value)
    found = [f for f in check(raw, tls=True) if f.rule == "AUTH009"]
    assert [str(f.location) for f in found] == ["param X-Amz-Date"], _show(found)
    assert found[0].message.startswith(f"request date {shown}:"), found[0].message


def _with_header(raw: bytes, name: bytes, value: bytes | None) -> bytes:
    """``raw`` with header ``name``'s value replaced (None: the line removed), or the line
    added after the request line when there is none."""
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    found = [i for i, line in enumerate(lines) if line.lower().startswith(name.lower() + b":")]
    new = [] if value is None else [name + b": " + value]
    if found:
        lines[found[0] : found[0] + 1] = new
    else:
        lines[1:1] = new
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _rules_at(raw: bytes, *rules: str) -> list[tuple[str, str]]:
    check, _ = _checker()
    return [(f.rule, str(f.location)) for f in check(raw, tls=True) if f.rule in rules]


class TestWhatAnUnreadableAuthorizationStillShows:
    """When the Authorization header (or the presigned parameters) cannot be read whole
    (AUTH004/AUTH005), what can still be judged is: its SignedHeaders against the request
    (AUTH012: a signed header not sent) and the request date (AUTH009), so that one request
    shows every problem it has (docs/spec.md#sigv4-signed-headers, #sigv4-date)."""

    NO_SIGNATURE = "AUTH004/fail-no-signature"

    def _header_signed(self, signed: bytes) -> bytes:
        raw = _sample(self.NO_SIGNATURE).raw
        old = b"SignedHeaders=content-type;host;x-amz-date"
        assert old in raw
        return raw.replace(old, b"SignedHeaders=" + signed)

    def test_a_signed_header_not_sent(self) -> None:
        raw = self._header_signed(b"content-type;host;x-amz-date;x-zz")
        assert _rules_at(raw, "AUTH004", "AUTH012", "AUTH009") == [
            ("AUTH004", _HEADER),
            ("AUTH012", _HEADER),
        ]
        assert _rules_at(self._header_signed(b"content-type;host;x-amz-date"), "AUTH012") == []

    @pytest.mark.parametrize(
        ("x_amz_date", "date", "bad"),
        [
            (b"20261126T054817Z", None, False),
            (None, b"20261126T054817Z", False),
            (None, None, True),
            (b"2026-11-26", None, True),
        ],
        ids=["x-amz-date", "iso-date-header", "neither", "malformed"],
    )
    def test_the_date_from_x_amz_date_then_date(
        self, x_amz_date: bytes | None, date: bytes | None, bad: bool
    ) -> None:
        raw = _with_header(_sample(self.NO_SIGNATURE).raw, b"X-Amz-Date", x_amz_date)
        if date is not None:
            raw = _with_header(raw, b"Date", date)
        check, _ = _checker()
        found = [f for f in check(raw, tls=True) if f.rule == "AUTH009"]
        assert [str(f.location) for f in found] == (["header X-Amz-Date"] if bad else [])
        if bad:
            shown = "missing" if x_amz_date is None else repr(x_amz_date.decode())
            assert found[0].message.startswith(f"request date {shown}:"), found[0].message

    def _presigned(self, signed: bytes, date: bytes) -> bytes:
        raw = _sample("AUTH015/pass-presigned").raw
        raw = _with_query_param(raw, b"X-Amz-Credential", b"AKIDEXAMPLE%2Fbroken")
        raw = _with_query_param(raw, b"X-Amz-SignedHeaders", signed)
        return _with_query_param(raw, b"X-Amz-Date", date)

    def test_a_presigned_url_with_a_broken_credential(self) -> None:
        good = b"20261126T054817Z"
        assert _rules_at(self._presigned(b"host", good), "AUTH005", "AUTH012", "AUTH009") == [
            ("AUTH005", "param X-Amz-Credential")
        ]
        at = "param X-Amz-SignedHeaders"
        found = _rules_at(self._presigned(b"host%3Bx-zz", b"2026"), "AUTH012", "AUTH009")
        assert sorted(found) == [("AUTH009", "param X-Amz-Date"), ("AUTH012", at)]
        check, _ = _checker()
        (unsent,) = [
            f for f in check(self._presigned(b"host%3Bx-zz", good), tls=True) if f.rule == "AUTH012"
        ]
        assert unsent.message.rsplit(": ", 1)[1] == "x-zz", unsent.message  # host is sent


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical_post(host: str, body: bytes) -> str:
    """The canonical request of the samples' form POSTs (IAM-SIGV4, worked by hand: method,
    path, empty query, the three signed headers, their names, the body's hash)."""
    return "\n".join(
        (
            "POST",
            "/",
            "",
            "content-type:application/x-www-form-urlencoded; charset=utf-8",
            f"host:{host}",
            "x-amz-date:20261126T054817Z",
            "",
            "content-type;host;x-amz-date",
            _sha256(body),
        )
    )


#: The head of the strings-to-sign diff of the samples dated 20261126T054817Z: the labels, the
#: hunk, and the algorithm and date lines both sides share.
_STS_DIFF_HEAD = (
    "--- string to sign the client used",
    "+++ string to sign the spec gives",
    "@@ -1,4 +1,4 @@",
    " AWS4-HMAC-SHA256",
    " 20261126T054817Z",
)


class TestMismatchDetail:
    """AUTH018's detail (docs/spec.md#sigv4-verification): the canonical request, once when the
    client and the spec share it, else a unified diff of the one the client signed against the
    spec's; then a unified diff of the strings to sign. Expected texts written by hand from the
    samples' bytes."""

    def _detail(self, sample_id: str) -> tuple[str, bytes]:
        sample = _sample(sample_id)
        (mismatch,) = [f for f in _run(sample) if f.rule == "AUTH018"]
        return mismatch.detail, parse_request(sample.raw).body

    def test_a_wrong_region_shares_the_canonical_request(self) -> None:
        detail, body = self._detail("AUTH008/fail-wrong-region")
        creq = _canonical_post("email.us-east-1.amazonaws.com", body)
        assert detail == "\n".join(
            (
                "canonical request (the same on both sides):",
                creq,
                "",
                *_STS_DIFF_HEAD,
                "-20261126/us-west-2/ses/aws4_request",
                "+20261126/us-east-1/ses/aws4_request",
                " " + _sha256(creq.encode()),
            )
        )

    def test_a_host_signed_without_its_port_is_a_diff_of_each(self) -> None:
        detail, body = self._detail("AUTH018/fail-host-port-dropped")
        client = _canonical_post("email.us-east-1.amazonaws.com", body)
        spec = _canonical_post("email.us-east-1.amazonaws.com:8443", body)
        assert detail == "\n".join(
            (
                "--- canonical request the client signed",
                "+++ canonical request the spec gives",
                "@@ -2,7 +2,7 @@",
                " /",
                " ",
                " content-type:application/x-www-form-urlencoded; charset=utf-8",
                "-host:email.us-east-1.amazonaws.com",
                "+host:email.us-east-1.amazonaws.com:8443",
                " x-amz-date:20261126T054817Z",
                " ",
                " content-type;host;x-amz-date",
                "",
                *_STS_DIFF_HEAD,
                " 20261126/us-east-1/ses/aws4_request",
                "-" + _sha256(client.encode()),
                "+" + _sha256(spec.encode()),
            )
        )


def test_a_token_appended_to_the_query_of_a_header_signed_request() -> None:
    """A session token put in the query after the request was signed in its header: the
    signature holds for the query without it, and the finding says so (AUTH018, and AUTH017 at
    the parameter; docs/spec.md#auth-session-token: the token is signed)."""
    raw = _sample("AUTH012/pass-all-present").raw
    assert raw.startswith(b"POST / HTTP/1.1\r\n")
    raw = raw.replace(b"POST / ", b"POST /?X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE ", 1)
    check, credentials_type = _checker()
    ctx = _sample("AUTH012/pass-all-present").meta["context"]
    key, secret = ctx["credentials"]["access_key_id"], ctx["credentials"]["secret_access_key"]
    now = datetime.fromisoformat(ctx["now"].replace("Z", "+00:00"))
    found = check(raw, credentials=credentials_type(key, secret), now=now, tls=True)
    auth = [(f.rule, str(f.location)) for f in found if f.rule in {"AUTH017", "AUTH018"}]
    assert auth == [("AUTH018", _HEADER), ("AUTH017", "param X-Amz-Security-Token")], _show(found)
    (mismatch,) = [f for f in found if f.rule == "AUTH018"]
    assert "the session token was appended after signing" in mismatch.message, mismatch.message


# --- the declarations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "family"),
    [(http, "HTTP"), (enc, "ENC"), (param, "PARAM"), (auth, "AUTH"), (fid, "FID")],
)
def test_each_family_in_its_module(module: Any, family: str) -> None:
    """A rule is declared in the module named after its family, numbered 1, 2, 3... there."""
    ids = [r.id for r in module.RULES]
    assert ids == [f"{family}{i:03d}" for i in range(1, len(ids) + 1)]
    assert {RULES[i] for i in ids} == set(module.RULES)


def test_catalogue_is_the_declarations_in_order() -> None:
    assert list(RULES.values()) == [
        *http.RULES,
        *enc.RULES,
        *param.RULES,
        *auth.RULES,
        *fid.RULES,
    ]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_ses_answer_declared_where_the_rule_can_be_an_error(rule_id: str) -> None:
    """Strict mode answers every error finding with its rule's SES error; plain HTTP (HTTP002)
    is the endpoint's own choice, and a rule whose findings are never errors has none."""
    rule = RULES[rule_id]
    if rule_id == "HTTP002" or rule.family == "FID":
        # FID: SES accepts the request and acts on what arrived (docs/spec.md#fid-severity).
        assert rule.ses_error is None
    else:
        assert (rule.ses_error is not None) == ("error" in rule.allowed)
    assert rule.reason
    assert rule.sources


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_declares_a_remedy(rule_id: str) -> None:
    """docs/spec.md#policy-remedy: every rule says what to change in a client that breaks it,
    in its own words (not its title or reason again), as whole sentences; a rule whose findings
    are info by default asks for no change and says so first."""
    rule = RULES[rule_id]
    remedy = rule.remedy
    assert remedy, f"{rule_id} declares no remedy"
    assert remedy[0].isupper(), remedy
    assert remedy.endswith("."), remedy
    assert remedy not in {rule.title, rule.reason}
    assert "\n" not in remedy
    assert remedy.startswith("Nothing") == (rule.severity == "info"), remedy


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_sample_severities_are_the_rules(sample: Sample) -> None:
    """The severity a sample expects is one its rule declares (the same everywhere)."""
    for rule_id, severity in sample.meta["expect"].items():
        assert severity in RULES[rule_id].allowed, (rule_id, severity)


# --- the sample set itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule_id",
    # The fidelity rules judge a request against what its sender was asked, which a lone
    # sample does not carry: their cases are in tests/test_report_fidelity.py.
    [r.id for r in RULES.values() if not r.deprecated and r.family != "FID"],
)
def test_rule_has_pass_and_fail_sample(rule_id: str) -> None:
    mine = [s for s in ALL if s.rule == rule_id]
    passes = [s for s in mine if s.name.startswith("pass-")]
    fails = [s for s in mine if s.name.startswith("fail-")]
    assert passes, f"{rule_id}: no pass-* sample in vectors/checker/{rule_id}/"
    assert fails, f"{rule_id}: no fail-* sample in vectors/checker/{rule_id}/"
    for s in passes:
        assert rule_id in s.meta["forbid"], f"{s.id}: a pass sample must forbid {rule_id}"
    for s in fails:
        assert rule_id in s.meta["expect"], f"{s.id}: a fail sample must expect {rule_id}"


#: The sample typed with bare LF line endings (HTTP001, docs/spec.md#http-message).
BARE_LF_SAMPLE = "HTTP001/fail-bare-lf"


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in ALL])
def test_sample_is_well_formed(sample: Sample) -> None:
    meta = sample.meta
    assert sample.rule in RULES or sample.rule == "clean", f"{sample.id}: folder is not a rule id"
    assert sample.name.startswith(("pass-", "fail-")), sample.id
    assert {
        "description",
        "spec",
        "expect",
        "forbid",
        "context",
        "signed_by",
        "generated_by",
        "issues",
    } <= set(meta)
    assert meta["spec"] == (
        RULES[sample.rule].citation
        if sample.rule in RULES
        else "docs/spec.md#sigv4-ses-wire; docs/spec.md#sigv4-presigned"
    ), f"{sample.id}: a sample cites its rule's clauses"
    assert isinstance(meta["expect"], dict), f"{sample.id}: expect maps rule -> severity"
    for rule_id in (*meta["expect"], *meta["forbid"]):
        assert rule_id in RULES, f"{sample.id}: unknown rule {rule_id!r}"
    assert set(meta["expect"].values()) <= SEVERITIES, sample.id
    assert not set(meta["expect"]) & set(meta["forbid"]), sample.id
    assert set(meta["context"]) == {"tls", "credentials", "now"}, sample.id
    # The request head uses CRLF line endings only (the body is bytes as sent), but in the one
    # sample whose bare LFs are its point: a file that lost its CRs by accident is caught.
    if sample.id != BARE_LF_SAMPLE:
        head = sample.raw.split(b"\r\n\r\n", 1)[0]
        assert b"\n" not in head.replace(b"\r\n", b""), f"{sample.id}: bare LF in the head"
    else:
        assert b"\r" not in sample.raw, f"{sample.id}: every line end is a bare LF"


def test_samples_match_generator(tmp_path: Path) -> None:
    """vectors/checker/ is exactly what the generator writes, with the botocore it records
    (pinned in pyproject.toml's test extras, so this runs wherever the extras are installed),
    and the samples written by hand: every file is one or the other."""
    botocore = pytest.importorskip("botocore")
    wanted = f"scripts/gen_checker_samples.py with botocore {botocore.__version__}"
    recorded = {s.meta["generated_by"] for s in ALL}
    assert recorded == {wanted, BY_HAND}, (
        f"samples were made by {sorted(recorded)}; installed: {wanted}: install the test extras "
        "(pip install -e '.[test]') or regenerate the samples"
    )
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True
    )
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (SAMPLES / rel).read_bytes(), str(rel)
    by_hand = [s for s in ALL if s.meta["generated_by"] == BY_HAND]
    assert len(by_hand) >= 4
    for sample in by_hand:  # plain bytes, no signature of anyone's: the file is the sample
        assert sample.meta["signed_by"] is None
        assert not {Path(sample.rule, f"{sample.name}{ext}") for ext in (".http", ".json")} & set(
            written
        )
        written += [
            Path(sample.rule, f"{sample.name}.http"),
            Path(sample.rule, f"{sample.name}.json"),
        ]
    expected = sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*") if p.is_file())
    assert sorted(written) == expected


# --- what botocore signed verifies; tampered copies do not ------------------------------------

SIGNED = [s for s in ALL if s.meta["signed_by"]]
CHECKER_SUITE = "sesspec-checker-samples"


def _scheme(sample: Sample) -> str:
    signer = str(sample.meta["signed_by"]).rsplit(" ", 1)[1]
    return {"SigV3Auth": "aws3", "SigV2Auth": "sigv2"}.get(signer, "sigv4")


#: What each scheme signs, so what a one-byte change must break: SigV4 the body, the signed
#: headers and the query; AWS3-HTTPS only the Date header (docs/spec.md#aws3-string-to-sign); SigV2
#: the parameters (query or form body) and the host (sigv2-sigv3-vectors rules).
_KINDS = {
    "sigv4": _tamper.KINDS,
    "aws3": ("header", "signature"),
    "sigv2": ("params", "header", "signature"),
}


def _verify(sample: Sample, req: RawRequest) -> tuple[bool, bool]:
    """(verified, refused by the signature comparison itself: the verifier computed the
    expected signature and it is not the one given)."""
    secret = sample.meta["context"]["credentials"]["secret_access_key"]
    scheme = _scheme(sample)
    result: sigv4.VerifyResult | aws3.VerifyResult
    if scheme == "aws3":
        result = aws3.verify(req, secret_access_key=secret, now=None)
    elif scheme == "sigv2":
        result = sigv2.verify_params(
            form_decode(req.query if req.method == "GET" else req.body),
            secret_access_key=secret,
            method=req.method,
            host=(req.header("Host") or "").lower(),
            path=req.path,
        )
    else:
        result = sigv4.verify(req, secret_access_key=secret, now=None)
    expected = result.expected_signature
    return result.ok, expected is not None and expected != result.given_signature


def _tampered(sample: Sample, req: RawRequest, kind: str) -> RawRequest:
    scheme = _scheme(sample)
    if scheme == "sigv4":
        return _tamper.sigv4(req, kind)
    if kind == "signature":
        return _tamper.signature(req)
    if kind == "header":  # AWS3-HTTPS signs the Date header; SigV2 the host
        return _tamper.header(req, "Date" if scheme == "aws3" else "Host")
    if req.method != "GET":  # SigV2's parameters: the form body, else the query
        return _tamper.body(req)
    return _tamper.query(req, keep=("Signature", "AWSAccessKeyId"))


@pytest.mark.parametrize(
    "sample",
    [pytest.param(s, id=s.id, marks=pytest.mark.suite(f"{CHECKER_SUITE}: verify")) for s in SIGNED],
)
def test_botocore_signed_sample_verifies(sample: Sample) -> None:
    verified, _ = _verify(sample, parse_request(sample.raw))
    assert verified, f"{sample.id}: signed by {sample.meta['signed_by']}, does not verify"


@pytest.mark.parametrize(
    ("sample", "kind"),
    [
        pytest.param(
            s,
            kind,
            id=f"{s.id}/{kind}",
            marks=pytest.mark.suite(f"{CHECKER_SUITE}: verify tampered"),
        )
        for s in SIGNED
        for kind in _KINDS[_scheme(s)]
    ],
)
def test_botocore_signed_sample_tampered_is_refused(sample: Sample, kind: str) -> None:
    req = parse_request(sample.raw)
    tampered = _tampered(sample, req, kind)
    assert tampered != req
    verified, by_signature = _verify(sample, tampered)
    assert not verified
    assert by_signature, f"{sample.id}/{kind}: refused before the signature was compared"


def test_signed_samples_cover_each_scheme() -> None:
    assert {_scheme(s) for s in SIGNED} == {"sigv4", "aws3", "sigv2"}
    assert len(SIGNED) >= 200


# --- the largest accepted sizes, too big to keep as files ---------------------------------------


def _raw_email_request(base64_chars: int) -> bytes:
    """An unsigned SendRawEmail whose RawMessage.Data holds ``base64_chars`` characters of base64
    (a multiple of 4; of 'A' bytes: 'QUFB...', nothing that form-encoding would expand)."""
    head = b"From: sender@example.com\r\nTo: recipient@example.com\r\nSubject: big\r\n\r\n"
    data = base64.b64encode(head + b"A" * (base64_chars * 3 // 4 - len(head)))
    assert len(data) == base64_chars
    body = b"Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=" + data
    return (
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


#: SES v1: 10 MB per message after base64 (QUOTAS; docs/spec.md#limit-message-size), read as 10 MiB:
#: the larger reading, so that the checker never refuses what SES may take. One step of base64 is
#: one 4-character quantum.
MAX_RAW_MESSAGE = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("base64_chars", "over"),
    [
        pytest.param(MAX_RAW_MESSAGE - 4, False, id="PARAM012/pass-10MiB-minus-4"),
        pytest.param(MAX_RAW_MESSAGE, False, id="PARAM012/pass-10MiB"),
        pytest.param(MAX_RAW_MESSAGE + 4, True, id="PARAM012/fail-10MiB-plus-4"),
    ],
)
def test_raw_message_size_limit(base64_chars: int, over: bool) -> None:
    check, _ = _checker()
    findings = check(_raw_email_request(base64_chars))
    size = {f.severity for f in findings if f.rule == "PARAM012"}
    assert size == ({"error"} if over else set()), _show(findings)


#: The header section the checker reads (request line and header lines with their line
#: endings, not the empty line that ends it): 64 KiB, sesspec.http's documented default.
MAX_HEADER_SECTION = 64 * 1024
#: The body: 64 MiB (a 10 MB message grown by base64 and form encoding), the same default.
MAX_BODY = 64 * 1024 * 1024


def _request_with_header_section(size: int) -> bytes:
    head = (
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        b"Content-Length: 0\r\nX-Pad: "
    )
    section = head + b"a" * (size - len(head) - 2) + b"\r\n"
    assert len(section) == size
    return section + b"\r\n"


@pytest.mark.parametrize(
    ("size", "over"),
    [
        pytest.param(MAX_HEADER_SECTION - 1, False, id="HTTP001/pass-head-64KiB-minus-1"),
        pytest.param(MAX_HEADER_SECTION, False, id="HTTP001/pass-head-64KiB"),
        pytest.param(MAX_HEADER_SECTION + 1, True, id="HTTP001/fail-head-64KiB-plus-1"),
    ],
)
def test_header_section_size_limit(size: int, over: bool) -> None:
    check, _ = _checker()
    findings = check(_request_with_header_section(size))
    unparsed = {f.severity for f in findings if f.rule == "HTTP001"}
    assert unparsed == ({"error"} if over else set()), _show(findings)


@pytest.mark.parametrize(("extra", "over"), [(0, False), (1, True)], ids=["64MiB", "64MiB-plus-1"])
def test_body_size_limit(extra: int, over: bool) -> None:
    """At the limit the request parses (the checker then judges it: seconds for 64 MiB, so
    here only the parse); one byte over, the checker refuses it as unparseable."""
    body = b"a" * (MAX_BODY + extra)
    raw = (
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    if over:
        check, _ = _checker()
        findings = check(raw)
        assert {f.severity for f in findings if f.rule == "HTTP001"} == {"error"}, _show(findings)
    else:
        assert len(parse_request(raw).body) == MAX_BODY


def test_get_with_a_body_is_http010_at_the_body() -> None:
    """A GET carries its parameters in the URL and no body (docs/spec.md#http-params-location):
    the body is where the finding points, with no offset (the whole body is the problem)."""
    check, _ = _checker()
    raw = (
        b"GET /?Action=GetSendQuota HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Length: 5\r\n\r\nhello"
    )
    found = [f for f in check(raw) if f.rule == "HTTP010"]
    assert [(f.location.kind, f.location.name, f.location.offset) for f in found] == [
        ("body", "", None)
    ], _show(found)
    assert "5-byte body" in found[0].message


#: The pairs limit (README "Limits": sesspec.encoding.MAX_PAIRS, 10,000 '&'-separated segments;
#: docs/spec.md#limit-implementation), written out here rather than imported.
_PAIRS = 10_000


@pytest.mark.parametrize("where", ["query", "body"])
@pytest.mark.parametrize("segments", [_PAIRS, _PAIRS + 1], ids=["10000", "10001"])
def test_segments_past_the_pairs_limit_are_http001(where: str, segments: int) -> None:
    """Up to the limit the parameters are read; one segment past it, one HTTP001 says how many
    there were and that neither the parameters nor the signature were judged, at the offset
    (in the query or the body) of the '&' where reading stops: segments of ``a=1`` are four
    bytes apart, so the 10,000th '&' is at 4 * 10,000 - 1."""
    check, _ = _checker()
    pairs = b"&".join([b"a=1"] * segments)
    head = b"Host: email.us-east-1.amazonaws.com\r\n"
    if where == "query":
        raw = b"GET /?" + pairs + b" HTTP/1.1\r\n" + head + b"\r\n"
    else:
        raw = (
            b"POST / HTTP/1.1\r\n"
            + head
            + b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
            + b"Content-Length: "
            + str(len(pairs)).encode()
            + b"\r\n\r\n"
            + pairs
        )
    unread = [f for f in check(raw, tls=True) if f.rule == "HTTP001"]
    if segments == _PAIRS:
        assert unread == [], _show(unread)
        return
    assert [(f.location.kind, f.location.offset) for f in unread] == [(where, 4 * _PAIRS - 1)]
    message = unread[0].message
    assert message.startswith("10001 '&'-separated segments: more than the 10000"), message
    assert message.endswith(": the parameters and the signature are not judged"), message
    assert unread[0].severity == "error"
