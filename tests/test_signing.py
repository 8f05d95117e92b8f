"""Signing by hand from the spec, against independent signers (awscrt, botocore), and properties.

Conformance: expected values come from the spec text worked by hand (IAM-SIGV4; docs/spec.md#aws3,
docs/spec.md#sigv4; signatures recomputed with hashlib and hmac alone), from the AWS documentation's
worked examples, or from awscrt / botocore signing the same request. Tests marked ``consistency``
check
sesspec against itself (sesspec signs and sesspec verifies, or two of its functions agree):
they keep the round trips honest but prove nothing about the spec on their own. The verifier's
conformance is tests/test_vectors_sigv4_verify.py (what the suites' signers signed).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sesspec.encoding import form_decode
from sesspec.errors import SigningError
from sesspec.http import RawRequest
from sesspec.signing import VerifyResult, aws3, sigv2, sigv4
from tests._by_hand import sigv4_signature

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TIME = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)
HOST = "email.us-west-2.amazonaws.com"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
BODY = (
    b"Action=SendEmail&Version=2010-12-01&Source=a%40example.com"
    b"&Destination.ToAddresses.member.1=b%2Bc%40example.com"
    b"&Message.Subject.Data=Hi+there%21&Message.Body.Text.Data=%C3%A9t%C3%A9"
)


def _ses_post(body: bytes = BODY) -> RawRequest:
    return RawRequest(
        "POST",
        "/",
        headers=(("Host", HOST), ("Content-Type", FORM), ("Content-Length", str(len(body)))),
        body=body,
    )


def _signed_ses_post() -> RawRequest:
    return sigv4.sign(
        _ses_post(), access_key_id=AKID, secret_access_key=SECRET, region="us-west-2", time=TIME
    ).request


def _stdlib_signature(creq: str, amz: str, scope: str, secret: str = SECRET) -> str:
    """IAM-SIGV4 from the canonical request on, with hashlib and hmac only (not sesspec)."""
    return sigv4_signature(creq, amz, scope, secret)


# --- stages by hand -------------------------------------------------------------------------------


class TestCanonicalUri:
    """IAM-SIGV4: "URI-encode each path segment"; "Normalize URI paths according to RFC 3986"."""

    @pytest.mark.parametrize(
        ("path", "normalize", "double", "expected"),
        [
            ("/", True, True, "/"),
            ("", True, True, "/"),
            ("/a b/c", True, True, "/a%20b/c"),
            ("/a/./b/../c//d/", True, True, "/a/c/d/"),
            ("/a/./b/../c//d/", False, True, "/a/./b/../c//d/"),
            ("/a/..", True, True, "/"),
            # RFC 3986 section 5.2.4 worked by hand: ".." above the root stays at the root, a
            # last "." or ".." leaves the path ending in "/" (its own example "/a/b/c/./../../g")
            ("/..", True, True, "/"),
            ("/./", True, True, "/"),
            ("/a/.", True, True, "/a/"),
            ("/a/b/..", True, True, "/a/"),
            ("/a/b/c/./../../g", True, True, "/a/g"),
            ("/a.b/c", True, True, "/a.b/c"),
            ("//a//", True, True, "/a/"),
            ("/a%3Ab", True, True, "/a%253Ab"),
            ("/a%3Ab", True, False, "/a%3Ab"),
            ("/%E1%88%B4", True, False, "/%E1%88%B4"),
            ("/\u1234", True, True, "/%E1%88%B4"),
            ("/$*'()!@", True, True, "/%24%2A%27%28%29%21%40"),
        ],
    )
    def test_cases(self, path: str, normalize: bool, double: bool, expected: str) -> None:
        assert sigv4.canonical_uri(path, normalize=normalize, double_uri_encode=double) == expected

    def test_defaults_are_every_service_but_s3(self) -> None:
        """Normalized and encoded as sent (the rule for every service but S3)."""
        assert sigv4.canonical_uri("/a/./b%3A") == "/a/b%253A"

    def test_empty_path_not_normalized(self) -> None:
        # IAM-SIGV4: "If the absolute path is empty, use a forward slash character (/)"
        assert sigv4.canonical_uri("", normalize=False) == "/"
        assert sigv4.canonical_uri("", normalize=False, double_uri_encode=False) == "/"


class TestCanonicalQuery:
    """IAM-SIGV4: "Encode names and values separately ... After encoding, sort"."""

    def test_sorted_after_encoding_by_name_then_value(self) -> None:
        q = "key=1&key-type=2&b=z&b=Y&%E1%88%B4=x&empty"
        assert sigv4.canonical_query(q) == "%E1%88%B4=x&b=Y&b=z&empty=&key=1&key-type=2"

    def test_plus_is_space_unless_asked(self) -> None:
        assert sigv4.canonical_query("a=b+c") == "a=b%20c"
        assert sigv4.canonical_query("a=b+c", plus_as_space=False) == "a=b%2Bc"

    def test_exclude(self) -> None:
        assert (
            sigv4.canonical_query("a=1&X-Amz-Signature=ff", exclude=("X-Amz-Signature",)) == "a=1"
        )

    def test_reserved_re_encoded_uppercase(self) -> None:
        assert sigv4.canonical_query("a=%2f%7e*") == "a=%2F~%2A"

    @pytest.mark.consistency
    def test_agrees_with_decoded_pairs(self) -> None:
        q = "Action=SendEmail&Source=a%40example.com&Message.Subject.Data=Hi%20there"
        assert sigv4.canonical_query(q) == sigv4.canonical_query_string(form_decode(q))


class TestCanonicalHeaders:
    """IAM-SIGV4: lowercase names, trim values, "convert sequential spaces to a single space"."""

    def test_trim_fold_and_join(self) -> None:
        headers = [("Host", "h"), ("My-Header", "  a   b \t c "), ("my-header", "d"), ("X", "x")]
        text = sigv4.canonical_headers(headers, signed={"host", "my-header"})
        assert text == "host:h\nmy-header:a b c,d\n"
        assert sigv4.signed_headers_value({"My-Header", "host"}) == "host;my-header"

    def test_missing_signed_header(self) -> None:
        with pytest.raises(SigningError) as info:
            sigv4.canonical_headers([("Host", "h")], signed={"host", "x-amz-date"})
        assert str(info.value) == (
            "sigv4 canonical-headers: signed header(s) not in the request: x-amz-date"
        )
        with pytest.raises(SigningError) as info:
            sigv4.canonical_headers([("Host", "h")], signed={"host", "x-amz-date", "x-b"})
        shown = info.value.message.removeprefix("signed header(s) not in the request: ")
        assert sorted(shown.split(", ")) == ["x-amz-date", "x-b"]


# Signatures awscrt 0.38.1 (aws-c-auth) made for GET / with Host, X-Amz-Date and one header
# X-T holding each value, with the aws-c-auth suite's credentials and scope at its time
# (20150830T123600Z, us-east-1/service): where the value's whitespace is trimmed and folded as
# the spec says, the signature is that of "a b".
_CRT_SIGNATURES = {
    "a\tb": "32b828d2618f8cf34fd5fe4e660e3e128d56cdc177893c5ba031f7fa36093184",
    "a\rb": "32b828d2618f8cf34fd5fe4e660e3e128d56cdc177893c5ba031f7fa36093184",
    "a\nb": "32b828d2618f8cf34fd5fe4e660e3e128d56cdc177893c5ba031f7fa36093184",
    "a\r\n b": "32b828d2618f8cf34fd5fe4e660e3e128d56cdc177893c5ba031f7fa36093184",
    "a b": "32b828d2618f8cf34fd5fe4e660e3e128d56cdc177893c5ba031f7fa36093184",
    " a ": "7ee1514dd2dbf6c46d0a5d0b504863eea7f0813cdd906d3dfad0e78f1e1da6c3",
    "XaX": "652a08b218e2dc16914d62149d55a434b1da6955f8b8e6cb2d68d09009e9cc0a",
    "X  aX": "69ad755d11fbea52e7d08332b74ac8f1b1e83cbf8eab3082717bacf246cc31a8",
    "a\u00a0": "e58c265024bbc94c24eeb77afe59c6e6aa57033ced048c412064302ce7a24c13",
    "a  b\u00a0": "1b597d04c1eada6dd4458089da78c6a95fa65ff62f6e7299514dbf0c9a3605c3",
}


@pytest.mark.parametrize("value", sorted(_CRT_SIGNATURES))
def test_header_whitespace_as_awscrt(value: str) -> None:
    """IAM-SIGV4: "Trim any leading or trailing spaces, convert sequential spaces to a single
    space": a tab, CR or LF alone counts as a run (obs-fold), a no-break space is not a space,
    and letters at the ends stay (awscrt's signatures above, verified here)."""
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    authorization = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        f"SignedHeaders=host;x-amz-date;x-t, Signature={_CRT_SIGNATURES[value]}"
    )
    req = RawRequest(
        "GET",
        "/",
        headers=(
            ("Host", "example.amazonaws.com"),
            ("X-T", value),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", authorization),
        ),
    )
    assert sigv4.verify(req, secret_access_key=secret, now=None).kind == "verified"


class TestBytesNotUtf8:
    """A request read off the wire keeps a byte that is not UTF-8 as a lone surrogate
    (surrogateescape); the stages hash and sign the bytes as sent. Expected values from the
    stdlib's hashlib and hmac over the bytes."""

    def test_string_to_sign_hashes_the_bytes(self) -> None:
        creq_bytes = b"GET\n/\n\nx:\xff\n\nx\n" + sigv4.EMPTY_SHA256.encode()
        creq = creq_bytes.decode("utf-8", "surrogateescape")
        sts = sigv4.string_to_sign(creq, amz_date="20150830T123600Z", scope="s")
        assert sts.endswith("\n" + hashlib.sha256(creq_bytes).hexdigest())

    def test_signature_signs_the_bytes(self) -> None:
        key = b"k" * 32
        text = b"AWS4-HMAC-SHA256\n\xfe\xff".decode("utf-8", "surrogateescape")
        expected = hmac.new(key, b"AWS4-HMAC-SHA256\n\xfe\xff", hashlib.sha256).hexdigest()
        assert sigv4.signature(key, string_to_sign=text) == expected


class TestSigningKey:
    """The AWS General Reference's worked examples of deriving a signing key with the
    documentation secret: the order date, region, service, "aws4_request" is the spec's, and a
    chain in any other order gives another key."""

    def test_documented_example(self) -> None:
        key = sigv4.signing_key(SECRET, date="20120215", region="us-east-1", service="iam")
        assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"

    def test_documented_example_2015(self) -> None:
        key = sigv4.signing_key(SECRET, date="20150830", region="us-east-1", service="iam")
        assert key.hex() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"

    def test_documented_list_users_request(self) -> None:
        """The IAM user guide's worked request (GET ListUsers, 20150830T123600Z): its
        canonical-request hash and signature, through the whole of sign()."""
        req = RawRequest(
            "GET",
            "/?Action=ListUsers&Version=2010-05-08",
            headers=(("Host", "iam.amazonaws.com"), ("Content-Type", FORM)),
        )
        result = sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-east-1",
            service="iam",
            time=datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC),
        )
        assert result.string_to_sign.endswith(
            "\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        )
        assert result.signature == (
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        )

    def test_chain_by_hand(self) -> None:
        k = b"AWS4" + SECRET.encode()
        for part in ("20261126", "us-west-2", "ses", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        assert sigv4.signing_key(SECRET, date="20261126", region="us-west-2", service="ses") == k


class TestSesRequestByHand:
    """docs/spec.md#sigv4-ses-wire: SES signs service ``ses``, path ``/``, empty canonical query,
    the form body covered by the payload hash, signed headers content-type;host;x-amz-date."""

    def test_stages(self) -> None:
        """Each stage written out (the signature by hashlib and hmac), then compared."""
        creq = (
            "POST\n/\n\n"
            f"content-type:{FORM}\nhost:{HOST}\nx-amz-date:20261126T054817Z\n\n"
            "content-type;host;x-amz-date\n" + hashlib.sha256(BODY).hexdigest()
        )
        scope = "20261126/us-west-2/ses/aws4_request"
        digest = hashlib.sha256(creq.encode()).hexdigest()
        sig = _stdlib_signature(creq, "20261126T054817Z", scope)
        result = sigv4.sign(
            _ses_post(), access_key_id=AKID, secret_access_key=SECRET, region="us-west-2", time=TIME
        )
        assert result.canonical_request == creq
        assert result.string_to_sign == f"AWS4-HMAC-SHA256\n20261126T054817Z\n{scope}\n{digest}"
        assert result.signature == sig
        auth = result.request.header("Authorization")
        assert auth == (
            f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, "
            f"SignedHeaders=content-type;host;x-amz-date, Signature={sig}"
        )
        assert result.request.header("X-Amz-Date") == "20261126T054817Z"
        assert result.request.body == BODY

    def test_session_token_is_signed(self) -> None:
        signed = sigv4.sign(
            _ses_post(),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            session_token="TOKEN",
        ).request
        assert signed.header("X-Amz-Security-Token") == "TOKEN"
        auth = sigv4.parse_authorization(signed.header("Authorization") or "")
        assert auth.signed_headers == ("content-type", "host", "x-amz-date", "x-amz-security-token")

    def test_no_host(self) -> None:
        with pytest.raises(SigningError, match="no Host header"):
            sigv4.sign(
                RawRequest("POST", "/"),
                access_key_id=AKID,
                secret_access_key=SECRET,
                region="us-west-2",
                time=TIME,
            )


class TestParseAuthorization:
    def test_both_separators(self) -> None:
        sig = "a" * 64
        for sep in (", ", ","):
            auth = sigv4.parse_authorization(
                f"AWS4-HMAC-SHA256 Credential=AK/20261126/us-west-2/ses/aws4_request{sep}"
                f"SignedHeaders=host;x-amz-date{sep}Signature={sig}"
            )
            assert auth == sigv4.Authorization(
                "AK", "20261126", "us-west-2", "ses", ("host", "x-amz-date"), sig
            )
            assert auth.scope == "20261126/us-west-2/ses/aws4_request"

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE,SignedHeaders=Date;x-amz-date,"
                "Signature=abc",
                "sigv4 authorization: Credential must be AKID/YYYYMMDD/region/service/"
                "aws4_request: 'AKIAIOSFODNN7EXAMPLE'",
            ),
            (
                "AWS3-HTTPS AWSAccessKeyId=x",
                "sigv4 authorization: Authorization must start with "
                "'AWS4-HMAC-SHA256 ': 'AWS3-HTTPS AWSAccessKeyId=x'",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20261126/r/s/aws4_request",
                "sigv4 authorization: Authorization lacks SignedHeaders=",
            ),
            ("AWS4-HMAC-SHA256 Foo=1", "sigv4 authorization: unknown Authorization element 'Foo'"),
            (
                "AWS4-HMAC-SHA256 Credential=a/20261126/r/s/aws4_request, SignedHeaders=host, "
                "Signature=ABC",
                "sigv4 authorization: Signature must be 64 lowercase hex digits: 'ABC'",
            ),
        ],
    )
    def test_malformed(self, value: str, message: str) -> None:
        """The first case is the starting document's POST example
        (docs/spec.md#seed-post-example)."""
        with pytest.raises(SigningError) as info:
            sigv4.parse_authorization(value)
        assert str(info.value) == message


class TestReadAuthorization:
    """The one lenient reader of a SigV4 authorization (header and presigned query), which the
    verifier and the checker share: every element it can read, every problem in the order a
    strict reader meets them (IAM-SIGV4's Authorization grammar, worked by hand)."""

    def test_reads_what_it_can_and_lists_every_problem(self) -> None:
        parts = sigv4.read_authorization(
            "AWS4-HMAC-SHA256 Credential=AK/2026112/r/ses/aws4_request, Foo=1, "
            "SignedHeaders=host;;x-amz-date, SignedHeaders=host, Signature=XYZ"
        )
        assert [(p.kind, p.field) for p in parts.problems] == [
            ("unknown", "Foo"),
            ("repeated", "SignedHeaders"),
            ("scope-date", "Credential"),
            ("signed-headers", "SignedHeaders"),
            ("signature", "Signature"),
        ]
        assert (parts.access_key_id, parts.date, parts.region, parts.service) == (
            "AK",
            "2026112",
            "r",
            "ses",
        )
        assert parts.signed_headers == ("host", "", "x-amz-date")
        assert parts.signature == "XYZ"
        assert parts.fields["SignedHeaders"] == "host;;x-amz-date"  # the first of repeats

    def test_strict_parse_raises_the_first(self) -> None:
        with pytest.raises(SigningError) as info:
            sigv4.parse_authorization(
                "AWS4-HMAC-SHA256 Credential=AK/2026112/r/ses/aws4_request, SignedHeaders=host, "
                f"Signature={'a' * 64}"
            )
        assert info.value.kind == "scope"
        assert info.value.message == "credential scope date must be YYYYMMDD: '2026112'"

    def test_presigned_query(self) -> None:
        parts = sigv4.read_presigned(
            [
                ("Action", "GetSendQuota"),
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA1"),
                ("X-Amz-Credential", "AK/20261126/us-west-2/ses/aws4_request"),
                ("X-Amz-Date", "20261126T054817Z"),
                ("X-Amz-Expires", "0"),
                ("X-Amz-Expires", "60"),
                ("X-Amz-Signature", "a" * 64),
            ]
        )
        assert [(p.kind, p.field) for p in parts.problems] == [
            ("algorithm", "X-Amz-Algorithm"),
            ("missing", "X-Amz-SignedHeaders"),
            ("expires", "X-Amz-Expires"),
        ]
        assert parts.presigned
        assert parts.request_date == "20261126T054817Z"
        assert parts.scope == "20261126/us-west-2/ses/aws4_request"
        assert parts.expires is None  # 0 is not a lifetime
        assert "Action" not in parts.fields

    def test_one_type_for_header_query_and_strict_parse(self) -> None:
        """A header, a presigned query and the strict parser give the one Authorization type
        (AuthParts is its former name); what the strict parser returns is the lenient reading
        of a value without problems."""
        value = (
            "AWS4-HMAC-SHA256 Credential=AK/20261126/us-west-2/ses/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'b' * 64}"
        )
        header = sigv4.read_authorization(value)
        presigned = sigv4.read_presigned([("X-Amz-Credential", "AK/20261126/r/ses/aws4_request")])
        assert type(header) is type(presigned) is sigv4.Authorization
        assert sigv4.AuthParts is sigv4.Authorization
        assert header.problems == ()
        assert sigv4.parse_authorization(value) == header
        assert header == sigv4.Authorization(
            "AK", "20261126", "us-west-2", "ses", ("host", "x-amz-date"), "b" * 64
        )
        assert (presigned.presigned, header.presigned) == (True, False)

    def test_repr_leaves_the_session_token_out(self) -> None:
        """A presigned query's X-Amz-Security-Token is read into ``fields``, never shown."""
        parts = sigv4.read_presigned(
            [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Security-Token", "TOKEN/SECRET=")]
        )
        assert parts.fields["X-Amz-Security-Token"] == "TOKEN/SECRET="
        assert "TOKEN/SECRET" not in repr(parts)

    def test_parts_not_read_are_empty(self) -> None:
        """A part the reader cannot read is empty, and a problem says why."""
        parts = sigv4.read_authorization("AWS4-HMAC-SHA256 Foo=1")
        assert (
            parts.access_key_id,
            parts.date,
            parts.region,
            parts.service,
            parts.signed_headers,
            parts.signature,
        ) == ("", "", "", "", (), "")
        assert [(p.kind, p.field) for p in parts.problems] == [
            ("unknown", "Foo"),
            ("missing", "Credential"),
            ("missing", "SignedHeaders"),
            ("missing", "Signature"),
        ]
        query = sigv4.read_presigned([("X-Amz-Algorithm", "AWS4-HMAC-SHA256")])
        assert (query.signed_headers, query.signature, query.request_date) == ((), "", None)


class TestSigningConfig:
    def test_signed_headers_kept_lower_cased(self) -> None:
        config = sigv4.SigningConfig(signed_headers=["Host", "X-Amz-Meta-A"])
        assert config.signed_headers == frozenset({"host", "x-amz-meta-a"})
        assert sigv4.SigningConfig() == sigv4.DEFAULT_CONFIG

    def test_names_follow_aws_c_auth_context(self) -> None:
        """aws-c-auth's context.json names its options normalize, sign_body,
        omit_session_token and expiration_in_seconds."""
        names = set(sigv4.SigningConfig.__dataclass_fields__)
        assert {"normalize", "sign_body", "omit_session_token", "expiration_in_seconds"} <= names


def test_schemes_share_their_names() -> None:
    """sign, verify and request_time in every scheme; parse_authorization where the scheme has
    an authorization header; one result type."""
    for scheme in (sigv4, aws3, sigv2):
        for name in ("sign", "verify", "request_time"):
            assert callable(getattr(scheme, name)), (scheme.__name__, name)
        assert scheme.VerifyResult is VerifyResult
    assert callable(sigv4.parse_authorization)
    assert callable(aws3.parse_authorization)


@pytest.mark.consistency
class TestVerify:
    """The verifier on requests sesspec signed (the time rules themselves are worked by hand
    from GUIDE-ERR: "more than 15 minutes")."""

    def _signed(self, **kw: Any) -> RawRequest:
        return sigv4.sign(
            _ses_post(),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            **kw,
        ).request

    def test_ok_and_stages(self) -> None:
        result = sigv4.verify(self._signed(), secret_access_key=SECRET, now=TIME)
        assert result.ok, result.reason
        assert result.expected_signature == result.given_signature
        assert result.canonical_request is not None
        assert result.canonical_request.startswith("POST\n/\n\n")

    @pytest.mark.parametrize(
        ("delta", "ok"),
        [
            (timedelta(minutes=14, seconds=59), True),
            (timedelta(minutes=15), True),
            (timedelta(minutes=15, seconds=1), False),
            (-timedelta(minutes=14, seconds=59), True),
            (-timedelta(minutes=15), True),
            (-timedelta(minutes=15, seconds=1), False),
        ],
    )
    def test_skew(self, delta: timedelta, ok: bool) -> None:
        """GUIDE-ERR RequestExpired: "more than 15 minutes" after or before the date stamp, so
        exactly 15 minutes either way is still in time. (A negative delta: the request is dated
        ahead of the verifier's clock.)"""
        result = sigv4.verify(self._signed(), secret_access_key=SECRET, now=TIME + delta)
        assert result.ok is ok
        if not ok:
            assert "RequestExpired" in result.reason

    def test_lookup_and_unknown_key(self) -> None:
        req = self._signed()
        assert sigv4.verify(req, secret_access_key={AKID: SECRET}.get, now=None).ok
        known: dict[str, str] = {}
        result = sigv4.verify(req, secret_access_key=known.get, now=None)
        assert result.reason == "unknown access key id 'AKIDEXAMPLE'"

    def test_scope_checks(self) -> None:
        req = self._signed()
        result = sigv4.verify(req, secret_access_key=SECRET, now=None, service="email")
        assert result.reason == "scope service 'ses' is not 'email'"
        result = sigv4.verify(req, secret_access_key=SECRET, now=None, region="us-east-1")
        assert not result.ok

    def test_no_auth(self) -> None:
        result = sigv4.verify(_ses_post(), secret_access_key=SECRET, now=None)
        assert not result.ok
        assert result.reason.startswith("no SigV4 authentication")

    def test_presigned_expiry(self) -> None:
        req = sigv4.presign(
            _ses_post(),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            config=sigv4.SigningConfig(expiration_in_seconds=600, form_to_query=True),
        ).request
        for seconds in (599, 600):  # valid through date + X-Amz-Expires itself
            assert sigv4.verify(
                req, secret_access_key=SECRET, now=TIME + timedelta(seconds=seconds)
            ).ok
        late = sigv4.verify(req, secret_access_key=SECRET, now=TIME + timedelta(seconds=601))
        assert not late.ok
        assert "expired" in late.reason

    @pytest.mark.parametrize(("expires", "ok"), [("0", False), ("1", True), ("00", False)])
    def test_presigned_expires_at_least_one(self, expires: str, ok: bool) -> None:
        """X-Amz-Expires: whole seconds, at least 1 (sigv4-add-signature-to-request). The URL is
        signed with 1 and then given ``expires``: 0 is refused before the signature."""
        req = sigv4.presign(
            RawRequest("GET", "/?Action=GetSendQuota", headers=(("Host", HOST),)),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            config=sigv4.SigningConfig(expiration_in_seconds=1),
        ).request
        req = RawRequest(
            "GET",
            req.target.replace("X-Amz-Expires=1&", f"X-Amz-Expires={expires}&"),
            headers=req.headers,
        )
        result = sigv4.verify(req, secret_access_key=SECRET, now=TIME)
        assert result.ok is ok, result.reason
        if not ok:
            assert result.expected_signature is None


class TestVerifyDateHeader:
    """sigv4-date-handling (docs/spec.md#sigv4-dates): the request time is X-Amz-Date or, when there
    is none, the Date header, ISO 8601 basic or an HTTP-date; the string to sign carries it in ISO
    8601 basic form. Each request here is signed by hand (hashlib and hmac) from a canonical
    request written out in full."""

    SCOPE = "20261126/us-west-2/ses/aws4_request"

    def _signed(self, date: str) -> RawRequest:
        creq = (
            f"POST\n/\n\ncontent-type:{FORM}\ndate:{date}\nhost:{HOST}\n\n"
            f"content-type;date;host\n{hashlib.sha256(BODY).hexdigest()}"
        )
        sig = _stdlib_signature(creq, "20261126T054817Z", self.SCOPE)
        return RawRequest(
            "POST",
            "/",
            headers=(
                ("Host", HOST),
                ("Content-Type", FORM),
                ("Date", date),
                (
                    "Authorization",
                    f"AWS4-HMAC-SHA256 Credential={AKID}/{self.SCOPE}, "
                    f"SignedHeaders=content-type;date;host, Signature={sig}",
                ),
            ),
            body=BODY,
        )

    @pytest.mark.parametrize(
        "date",
        [
            "Thu, 26 Nov 2026 05:48:17 GMT",
            "Thursday, 26-Nov-26 05:48:17 GMT",
            "Thu Nov 26 05:48:17 2026",
            "20261126T054817Z",
        ],
        ids=["imf-fixdate", "rfc850-date", "asctime-date", "iso8601-basic"],
    )
    def test_date_header_alone(self, date: str) -> None:
        result = sigv4.verify(self._signed(date), secret_access_key=SECRET, now=TIME)
        assert result.ok, result.reason
        assert result.string_to_sign is not None
        assert result.string_to_sign.split("\n")[1] == "20261126T054817Z"

    def test_no_date_at_all(self) -> None:
        req = self._signed("Thu, 26 Nov 2026 05:48:17 GMT").without_headers("Date")
        result = sigv4.verify(req, secret_access_key=SECRET, now=None)
        assert not result.ok
        assert result.expected_signature is None

    def test_x_amz_date_overrides_date(self) -> None:
        """ "When X-Amz-Date is used, it always overrides the value of the Date header": an
        unsigned X-Amz-Date one second later changes the string to sign."""
        req = self._signed("Thu, 26 Nov 2026 05:48:17 GMT")
        req = req.with_header("X-Amz-Date", "20261126T054818Z")
        result = sigv4.verify(req, secret_access_key=SECRET, now=None)
        assert not result.ok
        assert result.string_to_sign is not None
        assert result.string_to_sign.split("\n")[1] == "20261126T054818Z"
        assert result.expected_signature != result.given_signature

    @pytest.mark.parametrize(
        "date",
        [
            "Thu, 26 Nov 2026 05:48:17 UTC",
            "Thu, 26 Nov 2026 05:48:17 +0000",
            "thu, 26 Nov 2026 05:48:17 GMT",
            "Thu, 6 Nov 2026 05:48:17 GMT",
            "2026-11-26T05:48:17Z",
        ],
    )
    def test_other_date_forms_refused(self, date: str) -> None:
        result = sigv4.verify(self._signed(date), secret_access_key=SECRET, now=None)
        assert not result.ok
        assert result.expected_signature is None


class TestParseHttpDate:
    """RFC 9110 section 5.6.7, its own example in the three forms a recipient must accept."""

    WHEN = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)

    @pytest.mark.parametrize(
        "text",
        [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ],
    )
    def test_rfc_example(self, text: str) -> None:
        assert sigv4.parse_http_date(text) == self.WHEN

    @pytest.mark.parametrize(
        ("text", "year"),
        [("Sunday, 06-Nov-69 08:49:37 GMT", 2069), ("Sunday, 06-Nov-70 08:49:37 GMT", 1970)],
    )
    def test_rfc850_two_digit_year(self, text: str, year: int) -> None:
        when = sigv4.parse_http_date(text)
        assert when is not None
        assert when.year == year

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sun, \u0661\u0662 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
        ],
    )
    def test_not_an_http_date(self, text: str) -> None:
        assert sigv4.parse_http_date(text) is None


@pytest.mark.consistency
class TestVerifyFailures:
    """Each way a SigV4 request can be unusable is reported, not raised (on requests sesspec
    signed, then broken)."""

    def _presigned(self) -> RawRequest:
        return sigv4.presign(
            RawRequest("GET", "/?Action=GetSendQuota", headers=(("Host", HOST),)),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            config=sigv4.SigningConfig(expiration_in_seconds=60),
        ).request

    def test_header_and_query_together(self) -> None:
        req = self._presigned().with_header("Authorization", "AWS4-HMAC-SHA256 x")
        result = sigv4.verify(req, secret_access_key=SECRET, now=None)
        assert result.reason.startswith("both an Authorization header and X-Amz-Algorithm")
        assert result.kind == "mixed"

    def test_presigned_missing_expires(self) -> None:
        req = self._presigned()
        target = req.target.replace("&X-Amz-Expires=60", "")
        result = sigv4.verify(
            RawRequest("GET", target, headers=req.headers), secret_access_key=SECRET, now=None
        )
        assert result.reason == "presigned request lacks X-Amz-Expires"
        assert result.kind == "malformed"

    def test_presigned_date_changed(self) -> None:
        req = self._presigned()
        target = req.target.replace("T054817Z", "T054818Z")
        result = sigv4.verify(
            RawRequest("GET", target, headers=req.headers), secret_access_key=SECRET, now=None
        )
        assert result.reason == "signature does not match (SignatureDoesNotMatch)"
        assert result.kind == "mismatch"
        assert result.expected_signature != result.given_signature

    def test_malformed_authorization_is_a_reason(self) -> None:
        req = _ses_post().with_header("Authorization", "AWS4-HMAC-SHA256 Credential=x")
        result = sigv4.verify(req, secret_access_key=SECRET, now=None)
        assert result.reason == "sigv4 authorization: Authorization lacks SignedHeaders="
        assert result.kind == "malformed"

    def test_scope_date_not_request_date(self) -> None:
        signed = _signed_ses_post()
        moved = signed.with_header("X-Amz-Date", "20261127T000000Z")
        result = sigv4.verify(moved, secret_access_key=SECRET, now=None)
        assert result.reason == "credential scope date 20261126 is not the request date 20261127"
        assert result.kind == "date"

    def test_signed_header_removed(self) -> None:
        signed = _signed_ses_post()
        result = sigv4.verify(
            signed.without_headers("Content-Type"), secret_access_key=SECRET, now=None
        )
        assert result.reason == (
            "sigv4 canonical-headers: signed header(s) not in the request: content-type"
        )
        assert result.kind == "signed-headers"

    def test_presigned_credential_is_a_scope_problem(self) -> None:
        req = self._presigned()
        target = req.target.replace("%2Fus-west-2%2F", "%2F")
        result = sigv4.verify(
            RawRequest("GET", target, headers=req.headers), secret_access_key=SECRET, now=None
        )
        assert result.kind == "scope"
        assert result.reason.startswith("sigv4 presign: Credential must be AKID/YYYYMMDD/")

    def test_repeated_presigned_parameter_first_counts(self) -> None:
        """The reader the checker shares keeps the first of a repeated X-Amz-* parameter: a
        second X-Amz-Expires is not read as the lifetime (it still changes the canonical
        query, so the signature no longer holds)."""
        req = self._presigned()
        result = sigv4.verify(
            RawRequest("GET", req.target + "&X-Amz-Expires=x", headers=req.headers),
            secret_access_key=SECRET,
            now=None,
        )
        assert result.kind == "mismatch"


class TestPresignSes:
    """docs/spec.md#sigv4-presigned: botocore moves the form body into the query, signs host
    only."""

    def test_form_moved_to_query(self) -> None:
        req = sigv4.presign(
            _ses_post(),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            session_token="T/+",
            config=sigv4.SigningConfig(expiration_in_seconds=600, form_to_query=True),
        ).request
        assert req.body == b""
        assert req.header("Content-Type") is None
        assert req.header("Content-Length") == "0"
        pairs = form_decode(req.query)
        names = [n for n, _ in pairs]
        assert names[:6] == [
            "Action",
            "Version",
            "Source",
            "Destination.ToAddresses.member.1",
            "Message.Subject.Data",
            "Message.Body.Text.Data",
        ]
        assert names[-1] == "X-Amz-Signature"
        assert dict(pairs)["Message.Subject.Data"] == "Hi there!"
        assert "Message.Subject.Data=Hi%20there%21" in req.query
        assert "X-Amz-Security-Token=T%2F%2B" in req.query
        assert dict(pairs)["X-Amz-SignedHeaders"] == "host"

    def test_expires_positive(self) -> None:
        with pytest.raises(SigningError, match="positive"):
            sigv4.presign(
                _ses_post(),
                access_key_id=AKID,
                secret_access_key=SECRET,
                region="us-west-2",
                time=TIME,
                config=sigv4.SigningConfig(expiration_in_seconds=0),
            )


# --- independent implementations ------------------------------------------------------------------


@pytest.mark.client
class TestAgainstAwscrt:
    """awscrt (aws-c-auth, C) signs the same SES request with an explicit date."""

    def _crt(self, req: RawRequest, *, query: bool, token: str | None = None) -> Any:
        auth = pytest.importorskip("awscrt.auth")
        http = pytest.importorskip("awscrt.http")
        provider = auth.AwsCredentialsProvider.new_static(AKID, SECRET, token)
        config = auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4,
            signature_type=(
                auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS
                if query
                else auth.AwsSignatureType.HTTP_REQUEST_HEADERS
            ),
            credentials_provider=provider,
            region="us-west-2",
            service="ses",
            date=TIME,
            expiration_in_seconds=600 if query else None,
        )
        crt_req = http.HttpRequest(
            req.method,
            req.target,
            http.HttpHeaders(list(req.headers)),
            body_stream=io.BytesIO(req.body),
        )
        auth.aws_sign_request(crt_req, config).result()
        return crt_req

    @pytest.mark.parametrize("token", [None, "SESSION/TOKEN+="])
    def test_header(self, token: str | None) -> None:
        req = _ses_post()
        crt = self._crt(req, query=False, token=token)
        ours = sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            session_token=token,
            config=sigv4.SigningConfig(signed_headers={"host", "content-type", "content-length"}),
        ).request
        assert ours.header("Authorization") == crt.headers.get("Authorization")
        crt_raw = RawRequest(req.method, crt.path, headers=tuple(crt.headers), body=req.body)
        assert sigv4.verify(crt_raw, secret_access_key=SECRET, now=TIME).ok

    def test_presigned(self) -> None:
        req = RawRequest(
            "GET", "/?Action=GetSendQuota&Version=2010-12-01", headers=(("Host", HOST),)
        )
        crt = self._crt(req, query=True)
        ours = sigv4.presign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            config=sigv4.SigningConfig(expiration_in_seconds=600),
        ).request
        assert ours.target == crt.path
        crt_raw = RawRequest(req.method, crt.path, headers=tuple(crt.headers))
        assert sigv4.verify(crt_raw, secret_access_key=SECRET, now=TIME).ok


@pytest.mark.client
class TestAgainstBotocore:
    """botocore's SigV4Auth / SigV4QueryAuth with its clock pinned to TIME."""

    @pytest.fixture(autouse=True)
    def _pin_clock(self, monkeypatch: pytest.MonkeyPatch) -> None:
        botocore_auth = pytest.importorskip("botocore.auth")
        monkeypatch.setattr(
            botocore_auth, "get_current_datetime", lambda *_a, **_k: TIME.replace(tzinfo=None)
        )

    def _aws_request(self, *, as_params: bool = False) -> Any:
        # botocore presigns before the body is urlencoded: its data is still the params dict.
        awsrequest = pytest.importorskip("botocore.awsrequest")
        data: Any = dict(form_decode(BODY)) if as_params else BODY
        return awsrequest.AWSRequest(
            method="POST", url=f"https://{HOST}/", data=data, headers={"Content-Type": FORM}
        )

    def test_header(self) -> None:
        import botocore.auth
        import botocore.credentials

        request = self._aws_request()
        creds = botocore.credentials.Credentials(AKID, SECRET)
        botocore.auth.SigV4Auth(creds, "ses", "us-west-2").add_auth(request)
        ours = sigv4.sign(
            RawRequest("POST", "/", headers=(("Host", HOST), ("Content-Type", FORM)), body=BODY),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
        ).request
        assert ours.header("Authorization") == request.headers["Authorization"]

    def test_presigned_ses(self) -> None:
        import botocore.auth
        import botocore.credentials

        request = self._aws_request(as_params=True)
        creds = botocore.credentials.Credentials(AKID, SECRET)
        botocore.auth.SigV4QueryAuth(creds, "ses", "us-west-2", expires=600).add_auth(request)
        ours = sigv4.presign(
            RawRequest("POST", "/", headers=(("Host", HOST), ("Content-Type", FORM)), body=BODY),
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-west-2",
            time=TIME,
            config=sigv4.SigningConfig(expiration_in_seconds=600, form_to_query=True),
        ).request
        theirs = form_decode(request.url.split("?", 1)[1])
        assert sorted(form_decode(ours.query)) == sorted(theirs)


# --- AWS3-HTTPS and SigV2 by hand -----------------------------------------------------------------


class TestAws3:
    """docs/spec.md#aws3-example worked vector: the string to sign is the exact Date value."""

    DATE = "Thu, 26 May 2011 06:49:50 GMT"
    SECRET_A2 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    @pytest.mark.parametrize(
        ("algorithm", "expected"),
        [
            ("HmacSHA256", "j3WN9J9PQ31WdFY2X94SVi7RXHBV3GThDplNNxRd7ao="),
            ("HmacSHA1", "re+/3OFeJTK14zkbUqKx1N0czy4="),
        ],
    )
    def test_worked_vector(self, algorithm: str, expected: str) -> None:
        req = RawRequest(
            "POST", "/", headers=(("Host", "email.us-east-1.amazonaws.com"), ("Date", self.DATE))
        )
        assert aws3.string_to_sign(req) == self.DATE
        signed = aws3.sign(
            req,
            access_key_id="AKIAIOSFODNN7EXAMPLE",
            secret_access_key=self.SECRET_A2,
            algorithm=algorithm,
            time=TIME,
        ).request
        assert signed.header("X-Amzn-Authorization") == (
            f"AWS3-HTTPS AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE,Algorithm={algorithm},"
            f"Signature={expected}"
        )
        assert aws3.verify(
            signed, secret_access_key=self.SECRET_A2, now=datetime(2011, 5, 26, 6, 50, tzinfo=UTC)
        ).ok
        late = aws3.verify(signed, secret_access_key=self.SECRET_A2, now=TIME)
        assert not late.ok

    def test_adds_rfc1123_date_and_prefers_x_amz_date(self) -> None:
        signed = aws3.sign(
            RawRequest("POST", "/"), access_key_id="A", secret_access_key="S", time=TIME
        ).request
        assert signed.header("Date") == "Thu, 26 Nov 2026 05:48:17 GMT"
        both = RawRequest("POST", "/", headers=(("Date", "x"), ("X-Amz-Date", "20261126T054817Z")))
        assert aws3.string_to_sign(both) == "20261126T054817Z"

    def test_missing_date(self) -> None:
        with pytest.raises(SigningError, match="Either Date or x-amz-date"):
            aws3.string_to_sign(RawRequest("POST", "/"))

    def test_guide_separators_parse(self) -> None:
        auth = aws3.parse_authorization(
            "AWS3-HTTPS AWSAccessKeyId=A, Algorithm=HmacSHA1, Signature=x="
        )
        assert auth == aws3.Aws3Authorization("A", "HmacSHA1", "x=")


class TestSigV2:
    @pytest.mark.consistency
    def test_sign_then_verify_and_timestamp(self) -> None:
        params = sigv2.sign_params(
            [("Action", "GetSendQuota")],
            access_key_id="A",
            secret_access_key="S",
            method="GET",
            host="Email.us-east-1.amazonaws.com",
            time=TIME,
        )
        assert ("Timestamp", "2026-11-26T05:48:17Z") in params
        assert params[-1][0] == "Signature"
        ok = sigv2.verify_params(
            params,
            secret_access_key="S",
            method="GET",
            host="email.us-east-1.amazonaws.com",
            now=TIME,
        )
        assert ok.ok, ok.reason
        bad = sigv2.verify_params(
            params, secret_access_key="T", method="GET", host="email.us-east-1.amazonaws.com"
        )
        assert not bad.ok


# --- properties -----------------------------------------------------------------------------------

_visible = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
_header_value = st.text(alphabet=_visible, min_size=1, max_size=40)
_secret = st.text(alphabet=_visible, min_size=1, max_size=40)
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


@st.composite
def _signed_case(draw: st.DrawFn) -> tuple[RawRequest, str, datetime]:
    body = draw(st.binary(max_size=200))
    value = draw(_header_value)
    secret = draw(_secret)
    time = draw(_times)
    req = RawRequest(
        "POST",
        "/",
        headers=(("Host", HOST), ("Content-Type", FORM), ("X-Amz-Meta", value)),
        body=body,
    )
    signed = sigv4.sign(
        req, access_key_id=AKID, secret_access_key=secret, region="us-west-2", time=time
    ).request
    return signed, secret, time


@pytest.mark.consistency
@pytest.mark.property
@given(_signed_case())
def test_sign_then_verify(case: tuple[RawRequest, str, datetime]) -> None:
    signed, secret, time = case
    result = sigv4.verify(signed, secret_access_key=secret, now=time)
    assert result.ok, result.reason


@pytest.mark.consistency
@pytest.mark.property
@given(_signed_case())
def test_default_signed_headers_equal_named_ones(case: tuple[RawRequest, str, datetime]) -> None:
    """The default signed set (host, content-type, x-amz-*) equals naming it explicitly. (The
    fast path against the general one, with headers that take each: tests/test_signer.py.)"""
    signed, secret, time = case
    unsigned = signed.without_headers("Authorization", "X-Amz-Date")
    kw: dict[str, Any] = {
        "access_key_id": AKID,
        "secret_access_key": secret,
        "region": "us-west-2",
        "time": time,
    }
    fast = sigv4.sign(unsigned, **kw)
    general = sigv4.sign(
        unsigned, **kw, config=sigv4.SigningConfig(signed_headers={"content-type", "x-amz-meta"})
    )
    assert fast == general


@pytest.mark.consistency
@pytest.mark.property
@given(_signed_case(), st.data())
def test_any_body_byte_change_fails(
    case: tuple[RawRequest, str, datetime], data: st.DataObject
) -> None:
    signed, secret, time = case
    assume(signed.body)
    i = data.draw(st.integers(0, len(signed.body) - 1))
    new = data.draw(st.integers(0, 255).filter(lambda b: b != signed.body[i]))
    body = signed.body[:i] + bytes((new,)) + signed.body[i + 1 :]
    tampered = RawRequest(signed.method, signed.target, headers=signed.headers, body=body)
    assert not sigv4.verify(tampered, secret_access_key=secret, now=time).ok


@pytest.mark.consistency
@pytest.mark.property
@given(_signed_case(), st.data())
def test_any_signed_header_byte_change_fails(
    case: tuple[RawRequest, str, datetime], data: st.DataObject
) -> None:
    signed, secret, time = case
    value = signed.header("X-Amz-Meta") or ""
    i = data.draw(st.integers(0, len(value) - 1))
    ch = data.draw(_visible.filter(lambda c: c != value[i]))
    tampered = signed.with_header("X-Amz-Meta", value[:i] + ch + value[i + 1 :])
    assert not sigv4.verify(tampered, secret_access_key=secret, now=time).ok


@pytest.mark.consistency
@pytest.mark.property
@given(_signed_case(), st.data())
def test_any_secret_change_fails(
    case: tuple[RawRequest, str, datetime], data: st.DataObject
) -> None:
    signed, secret, time = case
    i = data.draw(st.integers(0, len(secret) - 1))
    ch = data.draw(_visible.filter(lambda c: c != secret[i]))
    wrong = secret[:i] + ch + secret[i + 1 :]
    assert not sigv4.verify(signed, secret_access_key=wrong, now=time).ok


@pytest.mark.property
@given(st.text(max_size=30), st.booleans(), st.booleans())
def test_canonical_uri_charset(path: str, normalize: bool, double: bool) -> None:
    """IAM-SIGV4 UriEncode: only unreserved characters, '/' and %XX (uppercase) remain."""
    out = sigv4.canonical_uri("/" + path, normalize=normalize, double_uri_encode=double)
    assert out.startswith("/")
    rest = re.sub("%[0-9A-F]{2}", "", out)
    assert re.fullmatch(r"[A-Za-z0-9\-._~/]*", rest)


@pytest.mark.consistency
@pytest.mark.property
@given(
    st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=8),
    st.randoms(use_true_random=False),
    _secret,
    _times,
    st.integers(1, 604800),
)
def test_presign_then_verify_any_order(
    pairs: list[tuple[str, str]], rnd: Any, secret: str, time: datetime, expires: int
) -> None:
    """The canonical query is invariant under pair order; a presigned request verifies."""
    from sesspec.encoding import form_encode

    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    q1, q2 = form_encode(pairs), form_encode(shuffled)
    assert sigv4.canonical_query(q1) == sigv4.canonical_query(q2)
    # The raw-query path agrees with sesspec.encoding's canonical query of the decoded pairs.
    assert sigv4.canonical_query(q1) == sigv4.canonical_query_string(pairs)
    target = f"/?{q1}" if q1 else "/"
    req = sigv4.presign(
        RawRequest("GET", target, headers=(("Host", HOST),)),
        access_key_id=AKID,
        secret_access_key=secret,
        region="us-west-2",
        time=time,
        config=sigv4.SigningConfig(expiration_in_seconds=expires),
    ).request
    assert sigv4.verify(req, secret_access_key=secret, now=time).ok


@pytest.mark.parametrize("length", [0, 1, 32, 63, 64, 65, 200])
def test_signature_is_hmac_sha256_for_any_key_length(length: int) -> None:
    """RFC 2104 HMAC (key hashed when longer than the block, zero-padded when shorter), as the
    stdlib's hmac computes it; a derived SigV4 key is always 32 bytes."""
    key = bytes(range(length))
    expected = hmac.new(key, "STS \u00e9".encode(), hashlib.sha256).hexdigest()
    assert sigv4.signature(key, string_to_sign="STS \u00e9") == expected


def test_token_added_after_signing_keeps_one_space_after_colons() -> None:
    """The 2015 suite's post-sts-header-after: the token header is added after signing, before
    Authorization; every line is written 'Name: value' (one space), as the suite's .sreq."""
    signed = sigv4.sign(
        _ses_post(),
        access_key_id=AKID,
        secret_access_key=SECRET,
        region="us-west-2",
        time=TIME,
        session_token="TOKEN",
        config=sigv4.SigningConfig(omit_session_token=True),
    ).request
    (token_name, token), (auth_name, auth) = signed.headers[-2:]
    assert (token_name, token) == ("X-Amz-Security-Token", "TOKEN")
    assert auth_name == "Authorization"
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=")
    assert b"\r\nAuthorization: AWS4-HMAC-SHA256 Credential=" in signed.to_bytes()
    assert "x-amz-security-token" not in auth.split("SignedHeaders=")[1]
