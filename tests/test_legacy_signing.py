"""AWS3-HTTPS and SigV2, stage by stage and request by request (docs/spec.md#aws3, #sigv2).

The public suite (tests/test_vectors_sigv2_aws3.py) pins each stage on its cases; this file pins
what it leaves open, found by mutation testing (mutation/README.md): the request-level ``sign``
and ``verify``, which parameters the signers keep or add, what each refusal says and carries,
the time forms read. Expected signatures are the standard library's HMAC of a string to sign
written out here by hand from the spec (docs/spec.md#sigv2-algorithm, #aws3-string-to-sign),
never sesspec's.
"""

from __future__ import annotations

import base64
import hmac
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sesspec.encoding import MAX_PAIRS, form_decode
from sesspec.errors import SigningError
from sesspec.http import RawRequest
from sesspec.signing import aws3, sigv2

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
HOST = "email.us-east-1.amazonaws.com"
TIME = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)
STAMP = "2026-11-26T05:48:17Z"
DATE = "Thu, 26 Nov 2026 05:48:17 GMT"


def _no_secret(access_key_id: str) -> str | None:
    return None


def _b64mac(text: str, digest: str = "sha256", secret: str = SECRET) -> str:
    return base64.b64encode(hmac.digest(secret.encode(), text.encode(), digest)).decode()


# --- SigV2 ----------------------------------------------------------------------------------------


class TestSigV2Stages:
    """docs/spec.md#sigv2-algorithm, each stage by itself."""

    @pytest.mark.parametrize(
        "time",
        [
            TIME,
            TIME.replace(tzinfo=None),  # naive: UTC
            TIME.astimezone(timezone(timedelta(hours=1))),  # 06:48:17+01:00
            TIME.astimezone(timezone(timedelta(hours=-8))),  # the day before
        ],
    )
    def test_timestamp_is_utc(self, time: datetime) -> None:
        assert sigv2.timestamp(time) == STAMP

    def test_timestamp_does_not_read_the_local_zone(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A naive time is UTC and an aware one is converted to UTC, whatever zone the machine
        is in (Python's astimezone would read a naive time, or convert to, the local zone)."""
        monkeypatch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        try:
            assert sigv2.timestamp(TIME.replace(tzinfo=None)) == STAMP
            assert sigv2.timestamp(TIME.astimezone(timezone(timedelta(hours=1)))) == STAMP
        finally:
            monkeypatch.undo()
            time.tzset()

    def test_canonical_query_sorts_raw_names_and_uriencodes(self) -> None:
        params = [
            ("b", "x y"),
            ("Signature", "left out"),
            ("\u00e9", "1"),  # UTF-8 C3 A9 sorts after every ASCII name
            ("a", "~-_.*'"),
            ("a", "!"),
            ("Z", "\udcff"),  # a byte that was not UTF-8 is that byte again
        ]
        assert sigv2.canonical_query_string(params) == ("Z=%FF&a=%21&a=~-_.%2A%27&b=x%20y&%C3%A9=1")

    def test_canonical_query_escapes_an_undecodable_name(self) -> None:
        assert sigv2.canonical_query_string([("\udcfe", "v")]) == "%FE=v"

    def test_canonical_query_exclude(self) -> None:
        params = [("Signature", "s"), ("Other", "o")]
        assert sigv2.canonical_query_string(params, exclude=()) == "Other=o&Signature=s"
        assert sigv2.canonical_query_string(params, exclude=("Other",)) == "Signature=s"

    def test_string_to_sign(self) -> None:
        assert sigv2.string_to_sign(
            "post", host="Email.US-East-1.amazonaws.com:8443", path="", canonical_query="a=1"
        ) == ("POST\nemail.us-east-1.amazonaws.com:8443\n/\na=1")
        assert sigv2.string_to_sign("GET", host="h", path="/p", canonical_query="") == (
            "GET\nh\n/p\n"
        )

    @pytest.mark.parametrize(("method", "digest"), [("HmacSHA256", "sha256"), ("HmacSHA1", "sha1")])
    def test_signature(self, method: str, digest: str) -> None:
        got = sigv2.signature(SECRET, string_to_sign="abc", signature_method=method)
        assert got == _b64mac("abc", digest)

    def test_signature_default_is_hmacsha256(self) -> None:
        assert sigv2.signature(SECRET, string_to_sign="abc") == _b64mac("abc")

    @pytest.mark.parametrize("method", ["hmacsha256", "HmacSHA512", ""])
    def test_signature_method_refused(self, method: str) -> None:
        with pytest.raises(SigningError) as info:
            sigv2.signature(SECRET, string_to_sign="abc", signature_method=method)
        assert info.value.message == f"SignatureMethod must be HmacSHA256 or HmacSHA1: {method!r}"
        assert (info.value.scheme, info.value.stage) == ("sigv2", "signature")

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (STAMP, TIME),
            ("2026-11-26T05:48:17.250Z", TIME + timedelta(milliseconds=250)),
            ("2026-11-26T05:48:17", TIME),
            ("2026-11-26T05:48:17.250", None),
            ("2026-11-26 05:48:17Z", None),
            ("", None),
        ],
    )
    def test_request_time(self, value: str, expected: datetime | None) -> None:
        assert sigv2.request_time(value) == expected


def _hand_signed(
    params: Sequence[tuple[str, str]], *, method: str, path: str = "/", digest: str = "sha256"
) -> str:
    """The signature of ``params`` (their Signature left out) worked by hand with the stdlib."""
    from urllib.parse import quote

    items = sorted((n.encode(), v.encode()) for n, v in params if n != "Signature")
    query = "&".join(f"{quote(n, safe='-_.~')}={quote(v, safe='-_.~')}" for n, v in items)
    return _b64mac(f"{method}\n{HOST}\n{path}\n{query}", digest)


class TestSigV2SignParams:
    """sign_params keeps the SigV2 parameters already there and adds the others, in the SDKs'
    order, Signature last (docs/spec.md#sigv2-algorithm)."""

    def _sign(self, params: Sequence[tuple[str, str]], **kwargs: object) -> list[tuple[str, str]]:
        args: dict[str, object] = {
            "access_key_id": AKID,
            "secret_access_key": SECRET,
            "method": "GET",
            "host": HOST,
            "time": TIME,
        }
        args.update(kwargs)
        return sigv2.sign_params(params, **args)  # type: ignore[arg-type]

    def test_adds_in_order(self) -> None:
        out = self._sign([("Action", "GetSendQuota"), ("Signature", "stale")])
        names = [n for n, _ in out]
        assert names == [
            "Action",
            "AWSAccessKeyId",
            "SignatureVersion",
            "SignatureMethod",
            "Timestamp",
            "Signature",
        ]
        assert dict(out)["SignatureVersion"] == "2"
        assert dict(out)["Timestamp"] == STAMP
        assert out[-1] == ("Signature", _hand_signed(out, method="GET"))

    def test_keeps_what_is_there(self) -> None:
        given = [
            ("AWSAccessKeyId", "OTHERKEY"),
            ("SignatureVersion", "2"),
            ("SignatureMethod", "HmacSHA1"),
            ("Timestamp", "2020-01-01T00:00:00Z"),
            ("SecurityToken", "given-token"),
        ]
        out = self._sign(given, session_token="argument-token")
        assert out[:-1] == given
        # The SignatureMethod in the params is the one signed with.
        assert out[-1] == ("Signature", _hand_signed(out, method="GET", digest="sha1"))

    def test_session_token(self) -> None:
        out = self._sign([("Action", "GetSendQuota")], session_token="tok")
        assert [n for n, _ in out][-2:] == ["SecurityToken", "Signature"]
        assert dict(out)["SecurityToken"] == "tok"

    def test_signature_method_argument(self) -> None:
        out = self._sign([("Action", "GetSendQuota")], signature_method="HmacSHA1")
        assert dict(out)["SignatureMethod"] == "HmacSHA1"
        assert out[-1][1] == _hand_signed(out, method="GET", digest="sha1")

    def test_expires_instead_of_timestamp(self) -> None:
        out = self._sign([("Expires", STAMP)], time=None)
        assert "Timestamp" not in dict(out)
        assert out[-1][1] == _hand_signed(out, method="GET")

    def test_no_time(self) -> None:
        with pytest.raises(SigningError) as info:
            self._sign([("Action", "GetSendQuota")], time=None)
        assert info.value.message == "no Timestamp or Expires param and no time given"
        assert (info.value.scheme, info.value.stage) == ("sigv2", "params")

    def test_empty_secret(self) -> None:
        with pytest.raises(SigningError) as info:
            self._sign([], secret_access_key="")
        assert (info.value.scheme, info.value.kind) == ("sigv2", "credentials")


def _get(params: Sequence[tuple[str, str]], *, host: str = HOST) -> RawRequest:
    from urllib.parse import quote

    query = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in params)
    return RawRequest("GET", f"/?{query}", headers=(("Host", host),))


class TestSigV2Requests:
    """sign and verify on a whole request: the parameters are the form body of a POST, else
    the query; the host is the Host header, lower-cased (docs/spec.md#sigv2-algorithm)."""

    def test_sign_get(self) -> None:
        req = RawRequest(
            "GET", "/?Action=GetSendQuota", headers=(("Host", "EMAIL.us-east-1.amazonaws.com"),)
        )
        signed = sigv2.sign(req, access_key_id=AKID, secret_access_key=SECRET, time=TIME)
        pairs = form_decode(signed.request.query)
        assert signed.request.path == "/"
        assert [n for n, _ in pairs] == [
            "Action",
            "AWSAccessKeyId",
            "SignatureVersion",
            "SignatureMethod",
            "Timestamp",
            "Signature",
        ]
        expected = _hand_signed(pairs, method="GET")
        assert (signed.signature, pairs[-1][1]) == (expected, expected)
        assert signed.string_to_sign.startswith(f"GET\n{HOST}\n/\nAWSAccessKeyId={AKID}&")
        assert (signed.canonical_request, signed.signed_headers, signed.scope) == ("", "", "")

    def test_sign_post_rewrites_the_body(self) -> None:
        req = RawRequest(
            "POST",
            "/",
            headers=(("Host", HOST), ("Content-Length", "19")),
            body=b"Action=GetSendQuota",
        )
        signed = sigv2.sign(
            req, access_key_id=AKID, secret_access_key=SECRET, time=TIME, session_token="t"
        )
        out = signed.request
        pairs = form_decode(out.body)
        assert out.target == "/"
        assert out.header("Content-Length") == str(len(out.body))
        assert dict(pairs)["SecurityToken"] == "t"
        assert pairs[-1][1] == _hand_signed(pairs, method="POST")
        assert signed.string_to_sign.startswith(f"POST\n{HOST}\n/\n")

    def test_sign_post_writes_content_length(self) -> None:
        req = RawRequest("POST", "/", headers=(("Host", HOST),), body=b"Action=GetSendQuota")
        out = sigv2.sign(req, access_key_id=AKID, secret_access_key=SECRET, time=TIME).request
        assert out.headers[-1] == ("Content-Length", str(len(out.body)))

    def test_sign_other_path_and_method(self) -> None:
        req = RawRequest("GET", "/sub/path?Action=X", headers=(("Host", HOST),))
        signed = sigv2.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            time=TIME,
            signature_method="HmacSHA1",
        )
        pairs = form_decode(signed.request.query)
        assert signed.request.path == "/sub/path"
        assert signed.string_to_sign.startswith(f"GET\n{HOST}\n/sub/path\nAWSAccessKeyId=")
        assert pairs[-1][1] == _hand_signed(pairs, method="GET", path="/sub/path", digest="sha1")

    def test_no_host_signs_an_empty_host(self) -> None:
        req = RawRequest("GET", "/?Action=X")
        signed = sigv2.sign(req, access_key_id=AKID, secret_access_key=SECRET, time=TIME)
        assert signed.string_to_sign.startswith("GET\n\n/\n")
        pairs = form_decode(signed.request.query)
        result = sigv2.verify(signed.request, secret_access_key=SECRET)
        assert result.string_to_sign == signed.string_to_sign
        assert (result.ok, pairs[-1][1]) == (True, signed.signature)

    def test_sign_refuses_a_header_that_breaks_its_line(self) -> None:
        req = RawRequest("GET", "/", headers=(("Host", HOST), ("X-A", "a\nb")))
        with pytest.raises(SigningError) as info:
            sigv2.sign(req, access_key_id=AKID, secret_access_key=SECRET, time=TIME)
        assert (info.value.scheme, info.value.kind) == ("sigv2", "header")

    def _signed_pairs(self, *, path: str = "/") -> list[tuple[str, str]]:
        pairs = [
            ("Action", "GetSendQuota"),
            ("AWSAccessKeyId", AKID),
            ("SignatureVersion", "2"),
            ("SignatureMethod", "HmacSHA256"),
            ("Timestamp", STAMP),
        ]
        return [*pairs, ("Signature", _hand_signed(pairs, method="GET", path=path))]

    def test_verify_get(self) -> None:
        result = sigv2.verify(_get(self._signed_pairs()), secret_access_key=SECRET, now=TIME)
        assert (result.ok, result.kind, result.reason) == (True, "verified", "signature matches")

    def test_verify_reads_host_in_any_case(self) -> None:
        req = _get(self._signed_pairs(), host="Email.US-EAST-1.amazonaws.com")
        assert sigv2.verify(req, secret_access_key=SECRET).ok
        other = _get(self._signed_pairs(), host="email.us-west-2.amazonaws.com")
        assert sigv2.verify(other, secret_access_key=SECRET).kind == "mismatch"

    def test_verify_reads_the_path(self) -> None:
        pairs = self._signed_pairs(path="/p")
        from urllib.parse import quote

        query = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in pairs)
        req = RawRequest("GET", f"/p?{query}", headers=(("Host", HOST),))
        assert sigv2.verify(req, secret_access_key=SECRET).ok
        assert sigv2.verify(req.replace(target=f"/?{query}"), secret_access_key=SECRET).kind == (
            "mismatch"
        )

    def test_verify_post_reads_the_body(self) -> None:
        pairs = [
            ("Action", "GetSendQuota"),
            ("AWSAccessKeyId", AKID),
            ("SignatureVersion", "2"),
            ("SignatureMethod", "HmacSHA256"),
            ("Timestamp", STAMP),
        ]
        pairs.append(("Signature", _hand_signed(pairs, method="POST")))
        from urllib.parse import quote

        body = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in pairs).encode()
        req = RawRequest("POST", "/?ignored=1", headers=(("Host", HOST),), body=body)
        assert sigv2.verify(req, secret_access_key=SECRET).ok

    def test_verify_passes_now_and_max_skew(self) -> None:
        req = _get(self._signed_pairs())
        later = TIME + timedelta(minutes=6)
        assert sigv2.verify(req, secret_access_key=SECRET, now=later).ok
        tight = sigv2.verify(
            req, secret_access_key=SECRET, now=later, max_skew=timedelta(minutes=5)
        )
        assert tight.kind == "skew"

    def test_verify_too_many_parameters(self) -> None:
        query = "&".join(["a=1"] * (MAX_PAIRS + 1))
        req = RawRequest("GET", f"/?{query}", headers=(("Host", HOST),))
        result = sigv2.verify(req, secret_access_key=SECRET)
        assert (result.ok, result.kind) == (False, "limit")
        # "a=1&" repeated: the MAX_PAIRS-th '&' is at offset 4 * MAX_PAIRS - 1.
        assert result.reason == (
            f"{MAX_PAIRS + 1} '&'-separated segments: more than the {MAX_PAIRS} sesspec decodes "
            f"(offset {4 * MAX_PAIRS - 1})"
        )


class TestSigV2VerifyParams:
    """What verify_params refuses before any signature is compared, and what it carries."""

    def _pairs(self) -> list[tuple[str, str]]:
        pairs = [
            ("Action", "GetSendQuota"),
            ("AWSAccessKeyId", AKID),
            ("SignatureVersion", "2"),
            ("SignatureMethod", "HmacSHA256"),
            ("Timestamp", STAMP),
        ]
        return [*pairs, ("Signature", _hand_signed(pairs, method="GET"))]

    def _verify(self, pairs: Sequence[tuple[str, str]], **kwargs: object) -> sigv2.VerifyResult:
        args: dict[str, object] = {"secret_access_key": SECRET, "method": "GET", "host": HOST}
        args.update(kwargs)
        return sigv2.verify_params(pairs, **args)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "missing", ["AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature"]
    )
    def test_missing(self, missing: str) -> None:
        result = self._verify([(n, v) for n, v in self._pairs() if n != missing])
        assert (result.ok, result.kind) == (False, "missing")
        assert result.reason == f"SigV2 request lacks {missing}"

    def test_version(self) -> None:
        pairs = [(n, "1" if n == "SignatureVersion" else v) for n, v in self._pairs()]
        result = self._verify(pairs)
        assert (result.ok, result.kind) == (False, "malformed")
        assert result.reason == "SignatureVersion is '1', not '2'"

    def test_lookup(self) -> None:
        assert self._verify(self._pairs(), secret_access_key={AKID: SECRET}.get).ok
        result = self._verify(self._pairs(), secret_access_key=_no_secret)
        assert (result.ok, result.kind) == (False, "unknown-key")
        assert result.reason == f"unknown access key id {AKID!r}"

    def test_bad_method(self) -> None:
        pairs = [(n, "HmacMD5" if n == "SignatureMethod" else v) for n, v in self._pairs()]
        result = self._verify(pairs)
        assert (result.ok, result.kind) == (False, "malformed")
        assert result.reason == (
            "sigv2 signature: SignatureMethod must be HmacSHA256 or HmacSHA1: 'HmacMD5'"
        )
        assert result.string_to_sign is not None
        assert result.string_to_sign.startswith(f"GET\n{HOST}\n/\n")

    def test_stages_on_mismatch_and_success(self) -> None:
        good = self._pairs()
        ok = self._verify(good)
        assert (ok.expected_signature, ok.given_signature) == (good[-1][1], good[-1][1])
        assert ok.string_to_sign is not None
        assert ok.canonical_request is None
        bad = self._verify([*good[:-1], ("Signature", "AAAA")])
        assert (bad.ok, bad.kind, bad.reason) == (False, "mismatch", "signature does not match")
        assert (bad.expected_signature, bad.given_signature) == (good[-1][1], "AAAA")
        assert bad.string_to_sign == ok.string_to_sign

    def test_given_signature_with_an_undecodable_byte_is_a_mismatch(self) -> None:
        bad = self._verify([*self._pairs()[:-1], ("Signature", "\udcff")])
        assert bad.kind == "mismatch"


# --- AWS3-HTTPS -----------------------------------------------------------------------------------


class TestAws3Stages:
    """docs/spec.md#aws3-header and #aws3-string-to-sign, stage by stage."""

    def test_string_to_sign_prefers_x_amz_date(self) -> None:
        both = RawRequest("POST", "/", headers=(("date", DATE), ("x-amz-date", "20261126T054817Z")))
        assert aws3.string_to_sign(both) == "20261126T054817Z"
        assert aws3.string_to_sign(RawRequest("POST", "/", headers=(("DATE", DATE),))) == DATE

    def test_no_date(self) -> None:
        with pytest.raises(SigningError) as info:
            aws3.string_to_sign(RawRequest("POST", "/"))
        assert info.value.message == (
            "Either Date or x-amz-date header must be specified in the request"
        )
        assert (info.value.scheme, info.value.stage) == ("aws3", "string-to-sign")

    @pytest.mark.parametrize(
        ("algorithm", "digest"),
        [("HmacSHA256", "sha256"), ("HMACSHA256", "sha256"), ("hmacsha1", "sha1")],
    )
    def test_signature(self, algorithm: str, digest: str) -> None:
        assert aws3.signature(SECRET, string_to_sign=DATE, algorithm=algorithm) == _b64mac(
            DATE, digest
        )

    def test_signature_default(self) -> None:
        assert aws3.signature(SECRET, string_to_sign=DATE) == _b64mac(DATE)

    def test_unknown_algorithm(self) -> None:
        with pytest.raises(SigningError) as info:
            aws3.signature(SECRET, string_to_sign=DATE, algorithm="HmacSHA512")
        assert info.value.message == "Algorithm must be HmacSHA256 or HmacSHA1: 'HmacSHA512'"
        assert (info.value.scheme, info.value.stage) == ("aws3", "signature")

    def test_authorization_value(self) -> None:
        assert aws3.authorization_value("AK", signature="S=") == (
            "AWS3-HTTPS AWSAccessKeyId=AK,Algorithm=HmacSHA256,Signature=S="
        )
        assert aws3.authorization_value(
            "AK", signature="S=", algorithm="HmacSHA1", separator=", "
        ) == ("AWS3-HTTPS AWSAccessKeyId=AK, Algorithm=HmacSHA1, Signature=S=")

    @pytest.mark.parametrize(
        "value",
        [
            "AWS3-HTTPS AWSAccessKeyId=A,Algorithm=HmacSHA1,Signature=x=",
            "AWS3-HTTPS AWSAccessKeyId=A, Algorithm=HmacSHA1, Signature=x=",
            "AWS3-HTTPS Signature=x=,Algorithm=HmacSHA1,AWSAccessKeyId=A",
        ],
    )
    def test_parse(self, value: str) -> None:
        assert aws3.parse_authorization(value) == aws3.Aws3Authorization("A", "HmacSHA1", "x=")

    def test_parse_keeps_values_whole(self) -> None:
        auth = aws3.parse_authorization(
            "AWS3-HTTPS AWSAccessKeyId=AX , Algorithm=HmacSHA1,Signature=X"
        )
        assert auth == aws3.Aws3Authorization("AX", "HmacSHA1", "X")

    def test_parse_separators_are_spaces_only(self) -> None:
        with pytest.raises(SigningError) as info:
            aws3.parse_authorization("AWS3-HTTPS AWSAccessKeyId=A,\tAlgorithm=HmacSHA1,Signature=x")
        assert info.value.message == "unexpected X-Amzn-Authorization element 'Algorithm=HmacSHA1'"

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (
                "AWS3 AWSAccessKeyId=A,Algorithm=HmacSHA1,Signature=x",
                # the value's first 40 characters
                "X-Amzn-Authorization must start with 'AWS3-HTTPS ': 'AWS3 AWSAccessKeyId=A,"
                "Algorithm=HmacSHA1'",
            ),
            (
                "AWS3-HTTPS AWSAccessKeyId=A,Algorithm=HmacSHA1,Signature=x,Extra=1",
                "unexpected X-Amzn-Authorization element 'Extra=1'",
            ),
            (
                "AWS3-HTTPS AWSAccessKeyId=A,AWSAccessKeyId=B,Algorithm=HmacSHA1,Signature=x",
                "unexpected X-Amzn-Authorization element 'AWSAccessKeyId=B'",
            ),
            (
                "AWS3-HTTPS AWSAccessKeyId=A,Algorithm,Signature=x",
                "unexpected X-Amzn-Authorization element 'Algorithm'",
            ),
            (
                "AWS3-HTTPS Algorithm=HmacSHA1,Signature=x",
                "X-Amzn-Authorization lacks AWSAccessKeyId=",
            ),
            ("AWS3-HTTPS AWSAccessKeyId=A,Signature=x", "X-Amzn-Authorization lacks Algorithm="),
            (
                "AWS3-HTTPS AWSAccessKeyId=A,Algorithm=HmacSHA1",
                "X-Amzn-Authorization lacks Signature=",
            ),
            (
                "AWS3-HTTPS AWSAccessKeyId=A,Algorithm=MD5,Signature=x",
                "Algorithm must be HmacSHA256 or HmacSHA1: 'MD5'",
            ),
        ],
    )
    def test_parse_refuses(self, value: str, message: str) -> None:
        with pytest.raises(SigningError) as info:
            aws3.parse_authorization(value)
        assert info.value.message == message
        assert (info.value.scheme, info.value.stage) == ("aws3", "authorization")


class TestAws3Sign:
    """sign adds Date (RFC 1123, GMT) when neither date header is there, the session token as
    an unsigned header, and one X-Amzn-Authorization (docs/spec.md#aws3)."""

    def _sign(self, req: RawRequest, **kwargs: object) -> aws3.Signed:
        args: dict[str, object] = {"access_key_id": AKID, "secret_access_key": SECRET, "time": TIME}
        args.update(kwargs)
        return aws3.sign(req, **args)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "time",
        [TIME, TIME.replace(tzinfo=None), TIME.astimezone(timezone(timedelta(hours=5)))],
    )
    def test_adds_date(self, time: datetime) -> None:
        signed = self._sign(RawRequest("POST", "/", headers=(("Host", HOST),)), time=time)
        out = signed.request
        assert out.header("Date") == DATE
        assert signed.string_to_sign == DATE
        assert signed.signature == _b64mac(DATE)
        assert out.header("X-Amzn-Authorization") == (
            f"AWS3-HTTPS AWSAccessKeyId={AKID},Algorithm=HmacSHA256,Signature={_b64mac(DATE)}"
        )
        assert (signed.canonical_request, signed.signed_headers, signed.scope) == ("", "", "")

    def test_header_names_as_written(self) -> None:
        req = RawRequest("POST", "/", headers=(("Host", HOST), ("x-amzn-authorization", "old")))
        out = self._sign(req, session_token="tok").request
        # The old authorization goes; the new one is written last, as botocore writes it.
        assert [n for n, _ in out.headers] == [
            "Host",
            "Date",
            "X-Amz-Security-Token",
            "X-Amzn-Authorization",
        ]

    def test_date_does_not_read_the_local_zone(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TZ", "America/Los_Angeles")
        time.tzset()
        try:
            for t in (TIME.replace(tzinfo=None), TIME.astimezone(timezone(timedelta(hours=5)))):
                out = self._sign(RawRequest("POST", "/", headers=(("Host", HOST),)), time=t)
                assert out.request.header("Date") == DATE
        finally:
            monkeypatch.undo()
            time.tzset()

    def test_keeps_a_date_and_signs_it(self) -> None:
        date = "Mon, 01 Jan 2001 00:00:00 GMT"
        signed = self._sign(RawRequest("POST", "/", headers=(("Date", date),)))
        assert signed.request.header("Date") == date
        assert signed.signature == _b64mac(date)

    def test_x_amz_date_alone_gets_no_date(self) -> None:
        signed = self._sign(RawRequest("POST", "/", headers=(("X-Amz-Date", "20261126T054817Z"),)))
        assert signed.request.header("Date") is None
        assert signed.string_to_sign == "20261126T054817Z"

    def test_session_token_and_algorithm(self) -> None:
        signed = self._sign(
            RawRequest("POST", "/", headers=(("Host", HOST),)),
            session_token="tok",
            algorithm="HmacSHA1",
        )
        out = signed.request
        assert out.header("X-Amz-Security-Token") == "tok"
        assert signed.signature == _b64mac(DATE, "sha1")
        assert "Algorithm=HmacSHA1," in (out.header("X-Amzn-Authorization") or "")

    def test_replaces_an_old_authorization(self) -> None:
        old = RawRequest("POST", "/", headers=(("X-Amzn-Authorization", "stale"), ("Host", HOST)))
        out = self._sign(old).request
        values = [v for n, v in out.headers if n.lower() == "x-amzn-authorization"]
        assert len(values) == 1
        assert values[0].startswith("AWS3-HTTPS ")

    def test_refusals(self) -> None:
        with pytest.raises(SigningError) as info:
            self._sign(RawRequest("POST", "/"), access_key_id="")
        assert (info.value.scheme, info.value.kind) == ("aws3", "credentials")
        with pytest.raises(SigningError) as info:
            self._sign(RawRequest("POST", "/", headers=(("X-A", "a\rb"),)))
        assert (info.value.scheme, info.value.kind) == ("aws3", "header")


class TestAws3Verify:
    """verify: each refusal's kind and words, and the stages it carries."""

    def _req(self, *, date: str = DATE, algorithm: str = "HmacSHA256", sig: str = "") -> RawRequest:
        digest = "sha1" if algorithm.lower() == "hmacsha1" else "sha256"
        value = (
            f"AWS3-HTTPS AWSAccessKeyId={AKID},Algorithm={algorithm},"
            f"Signature={sig or _b64mac(date, digest)}"
        )
        return RawRequest(
            "POST", "/", headers=(("Host", HOST), ("Date", date), ("X-Amzn-Authorization", value))
        )

    def test_verified_carries_its_stages(self) -> None:
        result = aws3.verify(self._req(), secret_access_key=SECRET, now=TIME)
        assert (result.ok, result.kind, result.reason) == (True, "verified", "signature matches")
        assert result.string_to_sign == DATE
        assert result.expected_signature == result.given_signature == _b64mac(DATE)
        assert result.canonical_request is None

    def test_sha1(self) -> None:
        assert aws3.verify(self._req(algorithm="HmacSHA1"), secret_access_key=SECRET, now=None).ok

    def test_missing(self) -> None:
        result = aws3.verify(RawRequest("POST", "/"), secret_access_key=SECRET, now=None)
        assert (result.ok, result.kind, result.reason) == (
            False,
            "missing",
            "no X-Amzn-Authorization header",
        )

    def test_malformed(self) -> None:
        req = self._req().with_header("X-Amzn-Authorization", "AWS3-HTTPS Signature=x")
        result = aws3.verify(req, secret_access_key=SECRET, now=None)
        assert (result.ok, result.kind) == (False, "malformed")
        assert result.reason == "aws3 authorization: X-Amzn-Authorization lacks AWSAccessKeyId="

    def test_no_date(self) -> None:
        result = aws3.verify(
            self._req().without_headers("Date"), secret_access_key=SECRET, now=None
        )
        assert (result.ok, result.kind) == (False, "date")
        assert result.reason == (
            "aws3 string-to-sign: Either Date or x-amz-date header must be specified in the request"
        )

    def test_unknown_key(self) -> None:
        result = aws3.verify(self._req(), secret_access_key=_no_secret, now=None)
        assert (result.ok, result.kind) == (False, "unknown-key")
        assert result.reason == f"unknown access key id {AKID!r}"
        assert aws3.verify(self._req(), secret_access_key={AKID: SECRET}.get, now=None).ok

    def test_mismatch(self) -> None:
        result = aws3.verify(self._req(sig="AAAA"), secret_access_key=SECRET, now=None)
        assert (result.ok, result.kind, result.reason) == (
            False,
            "mismatch",
            "signature does not match",
        )
        assert (result.string_to_sign, result.expected_signature, result.given_signature) == (
            DATE,
            _b64mac(DATE),
            "AAAA",
        )

    def test_a_given_signature_with_an_undecodable_byte_is_a_mismatch(self) -> None:
        result = aws3.verify(self._req(sig="\udcff"), secret_access_key=SECRET, now=None)
        assert (result.kind, result.given_signature) == ("mismatch", "\udcff")

    def test_aware_now_in_another_zone(self) -> None:
        plus_one = timezone(timedelta(hours=1))
        assert aws3.verify(self._req(), secret_access_key=SECRET, now=TIME.astimezone(plus_one)).ok
        shifted = aws3.verify(
            self._req(), secret_access_key=SECRET, now=TIME.replace(tzinfo=plus_one)
        )
        assert shifted.kind == "skew"

    def test_stages_on_a_date_or_skew_refusal(self) -> None:
        bad = aws3.verify(self._req(date="someday"), secret_access_key=SECRET, now=TIME)
        assert (bad.string_to_sign, bad.given_signature) == ("someday", _b64mac("someday"))
        late = aws3.verify(self._req(), secret_access_key=SECRET, now=TIME + timedelta(hours=1))
        assert (late.kind, late.expected_signature) == ("skew", _b64mac(DATE))
        assert late.given_signature == _b64mac(DATE)

    def test_max_skew(self) -> None:
        later = TIME + timedelta(minutes=6)
        assert aws3.verify(self._req(), secret_access_key=SECRET, now=later).ok
        tight = aws3.verify(
            self._req(), secret_access_key=SECRET, now=later, max_skew=timedelta(minutes=5)
        )
        assert tight.kind == "skew"
