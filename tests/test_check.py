"""The checker on requests made by independent implementations, by sesspec's builder, on
hand-made client mistakes, and on arbitrary bytes.

The per-rule pass/fail samples live in vectors/checker/ (tests/test_checker_rules.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from sesspec.check import Credentials, check, errors_in
from sesspec.check.catalogue import RULES
from sesspec.check.rules import enc as enc_rules
from sesspec.encoding import STYLES, form_decode, form_encode_bytes, form_segments
from sesspec.http import RawRequest
from sesspec.model import ses_model
from sesspec.request import build_request
from sesspec.signing import sigv4
from sesspec.strategies import params_for
from tests._by_hand import sigv4_signature
from tests._hypothesis import PROFILE, examples
from tests._support import REPO

CASES = json.loads((REPO / "vectors" / "ses" / "cases.json").read_text(encoding="utf-8"))
CONTEXT = CASES["context"]
CREDS = Credentials(CONTEXT["access_key_id"], CONTEXT["secret_access_key"])
WHEN = dt.datetime(2026, 11, 26, 6, 49, 50, tzinfo=dt.UTC)


def _ctx(case: dict[str, Any]) -> dict[str, Any]:
    return {**CONTEXT, **case["context"]}


def _botocore_post(case: dict[str, Any]) -> bytes:
    """The header-signed POST exactly as botocore put it together (vectors/ses/cases.json)."""
    ctx = _ctx(case)
    body = case["botocore_body"].encode("ascii")
    signed = case["sigv4_header"]
    headers = [
        ("Host", ctx["host"]),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("X-Amz-Date", signed["x_amz_date"]),
    ]
    if "session_token" in ctx:
        headers.append(("X-Amz-Security-Token", ctx["session_token"]))
    headers += [("Authorization", signed["authorization"]), ("Content-Length", str(len(body)))]
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return bytes(head.encode("ascii") + body)


def _botocore_get(case: dict[str, Any]) -> bytes:
    url = urlsplit(case["sigv4_presigned_get"]["url"])
    return f"GET /?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode("ascii")


def _creds(case: dict[str, Any]) -> Credentials:
    ctx = _ctx(case)
    return Credentials(ctx["access_key_id"], ctx["secret_access_key"], ctx.get("session_token"))


def _now(case: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(_ctx(case)["time"].replace("Z", "+00:00"))


CASE_PARAMS = [pytest.param(c, id=c["id"]) for c in CASES["cases"]]


class TestIndependentRequestsPass:
    """Requests that botocore signed and awscrt agreed with: no error and no warning, and the
    signature verifies with the suite's credentials."""

    @pytest.mark.suite("sesspec-ses-vectors")
    @pytest.mark.parametrize("case", CASE_PARAMS)
    def test_header_signed_post(self, case: dict[str, Any]) -> None:
        findings = check(_botocore_post(case), credentials=_creds(case), now=_now(case), tls=True)
        rules = [f.rule for f in findings if f.severity != "info"]
        assert rules == []
        assert "AUTH019" in [f.rule for f in findings]

    @pytest.mark.parametrize("case", CASE_PARAMS)
    def test_presigned_get(self, case: dict[str, Any]) -> None:
        findings = check(_botocore_get(case), credentials=_creds(case), now=_now(case), tls=True)
        assert [f.rule for f in findings] == ["AUTH019"]

    @pytest.mark.parametrize("case", CASE_PARAMS)
    def test_post_encoder_named(self, case: dict[str, Any]) -> None:
        """botocore's body is Python urlencode (docs/spec.md#enc-form-styles): ENC010 names it when
        it differs from RFC 3986, and never names an encoder that would have written other bytes."""
        findings = check(_botocore_post(case), credentials=_creds(case), now=_now(case), tls=True)
        enc = [f for f in findings if f.rule == "ENC010"]
        pairs = form_decode(case["botocore_body"])
        canonical = "&".join(
            f"{STYLES['rfc3986'].quote(n)}={STYLES['rfc3986'].quote(v)}" for n, v in pairs
        )
        if canonical == case["botocore_body"]:
            assert enc == []
        else:
            assert len(enc) == 1
            assert "python-urlencode" in enc[0].message


SCHEMES = ["sigv4", "sigv4-query", "aws3", "sigv2"]
#: The finding each legacy scheme always gets, by design: SES refuses it (docs/spec.md#auth-cutoff).
LEGACY_RULE = {"aws3": "AUTH002", "sigv2": "AUTH003"}


class TestBuilderRequestsPass:
    """Requests built by sesspec for every operation and scheme get no error finding, except the
    legacy scheme's own 'SES refuses this scheme' finding; their signatures verify."""

    @pytest.mark.parametrize("scheme", SCHEMES)
    @pytest.mark.parametrize("operation", sorted(ses_model().operations))
    @examples(3, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(data=st.data())
    def test_every_operation(self, operation: str, scheme: str, data: st.DataObject) -> None:
        params = data.draw(params_for(operation))
        req = build_request(
            operation,
            params,
            access_key_id=CREDS.access_key_id,
            secret_access_key=CREDS.secret_access_key,
            region="us-east-1",
            time=WHEN,
            scheme=scheme,  # type: ignore[arg-type]
        )
        findings = check(req.to_bytes(), credentials=CREDS, now=WHEN, tls=True)
        errors = [f.rule for f in errors_in(findings) if f.rule != LEGACY_RULE.get(scheme)]
        # Generated values may break model limits the serializer does not enforce (enum,
        # length, ranges): the checker rightly reports those, and only those.
        assert errors == [], [f for f in findings if f.severity == "error"]
        if scheme in LEGACY_RULE:
            legacy = [f for f in findings if f.rule == LEGACY_RULE[scheme]]
            assert len(legacy) == 1
            assert "valid on its own terms" in legacy[0].message
        else:
            assert "AUTH019" in [f.rule for f in findings]

    @pytest.mark.parametrize("scheme", SCHEMES)
    def test_every_scheme_before_the_cutoff_has_no_error(self, scheme: str) -> None:
        """Judged as of 2019, when SES still took the legacy schemes, no scheme gets an error."""
        then = dt.datetime(2019, 5, 26, 6, 49, 50, tzinfo=dt.UTC)
        req = build_request(
            "SendEmail",
            {
                "Source": "a+b@example.com",
                "Destination": {"ToAddresses": ["x@example.com"]},
                "Message": {"Subject": {"Data": "(hi) it's"}, "Body": {"Text": {"Data": "~*"}}},
            },
            access_key_id=CREDS.access_key_id,
            secret_access_key=CREDS.secret_access_key,
            region="us-west-2",
            time=then,
            scheme=scheme,  # type: ignore[arg-type]
        )
        findings = check(req.to_bytes(), credentials=CREDS, now=then, tls=True)
        assert errors_in(findings) == []
        if scheme in LEGACY_RULE:
            legacy = [f for f in findings if f.rule == LEGACY_RULE[scheme]]
            assert [f.severity for f in legacy] == ["warning"]


def _resign_with_query(raw_target_query: str, canonical_query: str) -> bytes:
    """A GET whose signature was computed over ``canonical_query`` (a client's mistake) while
    ``raw_target_query`` went on the wire."""
    host = "email.us-east-1.amazonaws.com"
    date = sigv4.amz_date(WHEN)
    scope = sigv4.credential_scope(date[:8], region="us-east-1", service="ses")
    creq = sigv4.canonical_request(
        "GET",
        canonical_uri="/",
        canonical_query=canonical_query,
        canonical_headers=f"host:{host}\nx-amz-date:{date}\n",
        signed_headers="host;x-amz-date",
        payload_hash=hashlib.sha256(b"").hexdigest(),
    )
    sts = sigv4.string_to_sign(creq, amz_date=date, scope=scope)
    key = sigv4.signing_key(
        CREDS.secret_access_key, date=date[:8], region="us-east-1", service="ses"
    )
    sig = sigv4.signature(key, string_to_sign=sts)
    auth = sigv4.authorization_value(
        CREDS.access_key_id, scope=scope, signed_headers="host;x-amz-date", signature=sig
    )
    return (
        f"GET /?{raw_target_query} HTTP/1.1\r\nHost: {host}\r\nX-Amz-Date: {date}\r\n"
        f"Authorization: {auth}\r\n\r\n"
    ).encode("ascii")


def _mismatch(raw: bytes) -> str:
    findings = check(raw, credentials=CREDS, now=WHEN, tls=True)
    found = [f for f in findings if f.rule == "AUTH018"]
    assert len(found) == 1, findings
    return found[0].message + "\n" + found[0].detail


class TestMismatchExplained:
    """A SignatureDoesNotMatch is explained by the client mistake that reproduces it
    (docs/spec.md#sigv4-verification, docs/spec.md#bug), with the canonical request diff."""

    QUERY = (
        "Action=SendEmail&Version=2010-12-01&Source=a%40example.com"
        "&Destination.ToAddresses.member.1=b%40example.com"
        "&Message.Subject.Data=%28it%27s%29%20fine%21&Message.Body.Text.Data=x"
    )

    def test_encode_uri_component_parentheses(self) -> None:
        # node-ses#63: encodeURIComponent leaves ()'! unescaped in the canonical query.
        canonical = (
            "&".join(sorted(self.QUERY.split("&")))
            .replace("%28", "(")
            .replace("%29", ")")
            .replace("%27", "'")
            .replace("%21", "!")
        )
        wire = self.QUERY
        text = _mismatch(_resign_with_query(wire, canonical))
        assert "encodeURIComponent" in text
        assert "-Action=SendEmail" in text or "Message.Subject.Data=(it's)" in text

    def test_plus_for_space_in_canonical_query(self) -> None:
        # aws-requests-auth#40: quote_plus '+' used in the canonical query.
        wire = self.QUERY.replace("%20", "+")
        canonical = "&".join(sorted(wire.split("&")))
        text = _mismatch(_resign_with_query(wire, canonical))
        assert "as sent" in text or "quote_plus" in text

    def test_sorted_as_joined_strings(self) -> None:
        # requests-aws4auth#45: 'Key-type=' sorts before 'Key=' as a string, after it as a tuple.
        wire = "Action=ListIdentities&Version=2010-12-01&NextToken=a&NextToken-x=b"
        canonical = "&".join(sorted(wire.split("&")))
        assert canonical != sigv4.canonical_query(wire)
        text = _mismatch(_resign_with_query(wire, canonical))
        assert "joined 'name=value' strings" in text

    def test_body_signed_in_one_encoding_sent_in_another(self) -> None:
        # n8n-io/n8n#2068: sign one encoding, send another.
        case = next(c for c in CASES["cases"] if c["id"] == "send-email-space")
        raw = _botocore_post(case)
        head, body = raw.split(b"\r\n\r\n", 1)
        sent = body.replace(b"+", b"%20")
        head = head.replace(
            f"Content-Length: {len(body)}".encode(), f"Content-Length: {len(sent)}".encode()
        )
        text = _mismatch(head + b"\r\n\r\n" + sent)
        assert "signed the body encoded as python-urlencode" in text

    @pytest.mark.parametrize("value", ["a  b", "a \t b", "a\tb"], ids=["spaces", "mixed", "tab"])
    def test_header_values_signed_untrimmed(self, value: str) -> None:
        """IAM-SIGV4 folds "sequential spaces to a single space"; a client that signs
        ``x-amz-meta-a:a  b`` as sent is named, whatever the header. botocore signs
        it, with its trimming (``SigV4Auth._header_value``) patched out: an independent signer
        made untrimmed."""
        botocore_auth = pytest.importorskip("botocore.auth")
        credentials = pytest.importorskip("botocore.credentials")
        awsrequest = pytest.importorskip("botocore.awsrequest")
        host = "email.us-east-1.amazonaws.com"
        body = b"Action=GetSendQuota&Version=2010-12-01"
        form = "application/x-www-form-urlencoded; charset=utf-8"
        request = awsrequest.AWSRequest(
            method="POST",
            url=f"https://{host}/",
            data=body,
            headers={"Content-Type": form, "X-Amz-Meta-A": value},
        )
        with (
            mock.patch.object(
                botocore_auth, "get_current_datetime", return_value=WHEN.replace(tzinfo=None)
            ),
            mock.patch.object(botocore_auth.SigV4Auth, "_header_value", lambda _, v: v),
        ):
            signer = botocore_auth.SigV4Auth(
                credentials.Credentials(CREDS.access_key_id, CREDS.secret_access_key),
                "ses",
                "us-east-1",
            )
            signer.add_auth(request)
        assert "SignedHeaders=content-type;host;x-amz-date;x-amz-meta-a," in str(
            request.headers["Authorization"]
        )
        wire = RawRequest(
            "POST",
            "/",
            headers=[
                ("Host", host),
                *((str(n), str(v)) for n, v in request.headers.items()),
                ("Content-Length", str(len(body))),
            ],
            body=body,
        )
        assert f"X-Amz-Meta-A: {value}\r\n".encode() in wire.to_bytes()
        text = _mismatch(wire.to_bytes())
        assert "did not trim and fold whitespace in the signed header values" in text
        shown = value.replace("\t", "\\t")  # a finding escapes what is not printable
        assert f"-x-amz-meta-a:{shown}" in text
        assert "+x-amz-meta-a:a b" in text

    def test_header_value_signed_with_its_leading_space(self) -> None:
        """A client that signs the text after the colon as it sent it (``host: h``), signed
        here by hand with hashlib and hmac: the same cause, judged on the bytes received."""
        host = "email.us-east-1.amazonaws.com"
        date = "20261126T064950Z"
        scope = "20261126/us-east-1/ses/aws4_request"
        creq = (
            f"GET\n/\nAction=GetSendQuota&Version=2010-12-01\nhost: {host}\n"
            f"x-amz-date: {date}\n\nhost;x-amz-date\n{hashlib.sha256(b'').hexdigest()}"
        )
        sig = sigv4_signature(creq, date, scope, CREDS.secret_access_key)
        raw = (
            f"GET /?Action=GetSendQuota&Version=2010-12-01 HTTP/1.1\r\nHost: {host}\r\n"
            f"X-Amz-Date: {date}\r\nAuthorization: AWS4-HMAC-SHA256 "
            f"Credential={CREDS.access_key_id}/{scope}, SignedHeaders=host;x-amz-date, "
            f"Signature={sig}\r\n\r\n"
        ).encode()
        text = _mismatch(raw)
        assert "did not trim and fold whitespace in the signed header values" in text
        assert f"-host: {host}" in text

    def test_unexplained_shows_the_spec_stages(self) -> None:
        case = CASES["cases"][0]
        wrong = Credentials(CREDS.access_key_id, "not-the-secret")
        findings = check(_botocore_post(case), credentials=wrong, now=_now(case), tls=True)
        found = [f for f in findings if f.rule == "AUTH018"]
        assert len(found) == 1
        assert "no known client mistake" in found[0].message
        assert case["sigv4_header"]["canonical_request"] in found[0].detail
        assert case["sigv4_header"]["string_to_sign"] in found[0].detail


ROBUST = examples(
    300 if PROFILE == "dev" else 10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VALID = [_botocore_post(c) for c in CASES["cases"][:8]] + [
    _botocore_get(c) for c in CASES["cases"][:4]
]


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(VALID)))
    kind = draw(st.sampled_from(["truncate", "flip", "duplicate", "huge", "insert"]))
    if kind == "truncate":
        return bytes(raw[: draw(st.integers(0, len(raw)))])
    if kind == "flip":
        i = draw(st.integers(0, len(raw) - 1))
        raw[i] = draw(st.integers(0, 255))
        return bytes(raw)
    head, _, body = bytes(raw).partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if kind == "duplicate":
        i = draw(st.integers(1, len(lines) - 1))
        lines.insert(i, lines[i])
    elif kind == "huge":
        lines.insert(1, b"X-Big: " + b"a" * draw(st.integers(1000, 100_000)))
    else:
        i = draw(st.integers(0, len(raw)))
        return bytes(raw[:i]) + draw(st.binary(max_size=20)) + bytes(raw[i:])
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class TestNeverRaises:
    """The checker returns findings for any input; it never raises (issue: robustness)."""

    @ROBUST
    @given(st.binary(max_size=2000))
    def test_arbitrary_bytes(self, data: bytes) -> None:
        for f in check(data, credentials=CREDS, now=WHEN):
            assert f.rule in RULES

    @ROBUST
    @given(_mutated())
    def test_mutated_valid_requests(self, data: bytes) -> None:
        for f in check(data, credentials=CREDS, now=WHEN, tls=True):
            assert f.rule in RULES

    def test_unparseable_is_a_finding_with_offset(self) -> None:
        findings = check(b"POST / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n")
        assert [(f.rule, str(f.location)) for f in findings] == [("HTTP001", "byte 26")]
        assert findings[0].location.offset == 26

    def test_truncated_body_is_judged_as_a_length_error(self) -> None:
        raw = (
            b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
            b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
            b"Content-Length: 60\r\n\r\nAction=GetSendQuota&Version=2010-12-01"
        )
        found = [f for f in check(raw) if f.rule == "HTTP008"]
        assert [f.message for f in found] == ["Content-Length 60 but the body has 38 bytes"]

    def test_parsed_request_accepted(self) -> None:
        req = RawRequest(
            "GET",
            "/?Action=GetSendQuota&Version=2010-12-01",
            headers=(("Host", "email.us-east-1.amazonaws.com"),),
        )
        assert [f.rule for f in check(req)] == ["AUTH001"]


@pytest.mark.parametrize("style", sorted(STYLES))
@given(pairs=st.lists(st.tuples(st.text(), st.text()), max_size=5))
def test_guessed_styles_include_the_encoder(style: str, pairs: list[tuple[str, str]]) -> None:
    """ENC010 names an encoder only if it writes those bytes: the encoder that did always is."""
    from sesspec.check.rules.enc import guess_styles
    from sesspec.encoding import form_encode_bytes

    body = form_encode_bytes(pairs, style=style)
    guessed = guess_styles(body)
    assert STYLES[style].name in guessed
    for name in guessed:
        assert form_encode_bytes(pairs, style=name) == body


# --- the encoding rules' shortcut for clean bodies ------------------------------------------------

_BODY_PIECES = st.sampled_from(
    [b"&", b"=", b"a", b"Name.1", b"%2B", b"%2b", b"%G0", b"%", b"%C3%A9", b"%C3", b"%FF", b" ",
     b"+", b"\xc3\xa9", b"[", b"~", b"(", b"&&", b"=="]
)  # fmt: skip


@pytest.mark.property
@given(st.lists(_BODY_PIECES, max_size=25).map(b"".join))
def test_encoding_rules_shortcut_equals_every_rule(raw: bytes) -> None:
    """A body that no scan flags skips straight to the UTF-8 rule; whatever the body, the
    findings are those of running every encoding rule (ENC001-ENC004, ENC006, ENC007)."""
    segments = form_segments(raw)
    shortcut = enc_rules.byte_findings(raw, "body", segments)
    never = mock.Mock(fullmatch=mock.Mock(return_value=None))
    with mock.patch.object(enc_rules, "_PAIRS_WELL_FORMED", never):
        every_rule = enc_rules.byte_findings(raw, "body", segments)
    assert shortcut == every_rule


@pytest.mark.parametrize(
    ("raw", "well_formed"),
    [
        (b"", True),
        (b"a=1", True),
        (b"a=1&b=", True),
        (b"&a=1&&b=2&", True),
        (b"=", True),
        (b"a", False),
        (b"a=1&b", False),
        (b"a=1=2", False),
        (b"a==", False),
        (b"&&x&&", False),
    ],
)
def test_pairs_well_formed(raw: bytes, well_formed: bool) -> None:
    """Each non-empty segment has exactly one '=' (ENC007: none; ENC006: a raw '=' inside a
    value), worked by hand."""
    assert (enc_rules._PAIRS_WELL_FORMED.fullmatch(raw) is not None) is well_formed


def test_raw_message_base64_in_lines_is_a_warning() -> None:
    """RawMessage.Data "needs to be base64-encoded" (SES API reference); base64 written in MIME
    lines (Python's encodebytes, as Ruby's Base64.encode64 does for fog-aws) decodes once the
    line breaks go, so it is told apart from broken base64 (PARAM012 as a warning)."""
    message = b"From: a@example.com\r\nTo: b@example.com\r\n\r\n" + b"Hello, world. " * 20
    in_lines = base64.encodebytes(message).decode("ascii")
    assert "\n" in in_lines.rstrip("\n")
    body = form_encode_bytes(
        [("Action", "SendRawEmail"), ("Version", "2010-12-01"), ("RawMessage.Data", in_lines)]
    )
    req = RawRequest(
        "POST",
        "/",
        headers=(
            ("Host", "email.us-east-1.amazonaws.com"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ),
        body=body,
    )
    when = dt.datetime(2026, 11, 26, 5, 49, 17, tzinfo=dt.UTC)
    signed = sigv4.sign(
        req,
        access_key_id="AKIDEXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region="us-east-1",
        time=when,
    ).request
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    found = [
        f for f in check(signed, credentials=creds, now=when, tls=True) if f.rule == "PARAM012"
    ]
    assert [(f.severity, "lines" in f.message) for f in found] == [("warning", True)]
    broken = in_lines.replace("A", "*", 1)
    body2 = form_encode_bytes([("Action", "SendRawEmail"), ("RawMessage.Data", broken)])
    found2 = [
        f for f in check(RawRequest("POST", "/", body=body2), tls=True) if f.rule == "PARAM012"
    ]
    assert [f.severity for f in found2] == ["error"]
