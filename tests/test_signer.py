"""``sigv4.Signer``, ``sign(payload_hash=...)`` and the SigV4 fast path against the general one.

Conformance: the Signer's fast and general paths against awscrt and botocore signing the same
request (header values with spaces to trim and fold included), against the IAM user guide's
worked request and the 2015 suite, and ``payload_hash`` against canonical requests written out
by hand and signed with hashlib and hmac alone. Tests marked ``consistency`` are wiring: the
Signer equals ``sign`` / ``presign``, the fast path equals the general one. They catch a path
that drifts from the other, not a bug both share (a trimming or key-derivation slip would pass
them all), which is what the conformance tests are for.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from sesspec.errors import SigningError
from sesspec.http import RawRequest
from sesspec.signing import sigv4
from sesspec.signing.sigv4 import _signer as signer_module
from tests._by_hand import sigv4_signature
from tests._support import require_suite

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "SESSION/TOKEN+="
TIME = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)
REGION = "us-west-2"
HOST = "email.us-west-2.amazonaws.com"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
BODY = (
    b"Action=SendEmail&Version=2010-12-01&Source=a%40example.com"
    b"&Destination.ToAddresses.member.1=b%2Bc%40example.com"
    b"&Message.Subject.Data=Hi+there%21&Message.Body.Text.Data=%C3%A9t%C3%A9"
)


def _post(
    target: str = "/", extra: tuple[tuple[str, str], ...] = (), body: bytes = BODY
) -> RawRequest:
    return RawRequest(
        "POST",
        target,
        headers=(
            ("Host", HOST),
            ("Content-Type", FORM),
            ("Content-Length", str(len(body))),
            *extra,
        ),
        body=body,
    )


_EXTRA: dict[str, tuple[tuple[str, str], ...]] = {
    "plain": (),
    "x-amz-meta": (("X-Amz-Meta-Thing", " a  b "),),
    "x-amz-date-present": (("X-Amz-Date", "20000101T000000Z"), ("x-amz-target", "t")),
    "old-authorization": (("Authorization", "AWS4-HMAC-SHA256 stale"),),
}
_TARGETS = {"root": "/", "path": "/some/./path/../x%20y?b=2&a=1"}


def _signer(token: str | None) -> sigv4.Signer:
    return sigv4.Signer(
        access_key_id=AKID, secret_access_key=SECRET, region=REGION, session_token=token
    )


# --- Signer equals sign / presign ------------------------------------------------------------


@pytest.mark.consistency
@pytest.mark.parametrize("extra", sorted(_EXTRA))
@pytest.mark.parametrize("target", sorted(_TARGETS))
@pytest.mark.parametrize("token", [None, TOKEN], ids=["no-token", "token"])
class TestSignerEqualsFunctions:
    """``Signer(...).sign(req, t)`` equals ``sign(req, ..., time=t)`` (its docstring)."""

    def test_sign(self, extra: str, target: str, token: str | None) -> None:
        req = _post(_TARGETS[target], _EXTRA[extra])
        ours = _signer(token).sign(req, TIME)
        expected = sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region=REGION,
            time=TIME,
            session_token=token,
        )
        assert ours == expected
        assert sigv4.verify(ours.request, secret_access_key=SECRET, now=TIME).ok

    def test_sign_payload_hash(self, extra: str, target: str, token: str | None) -> None:
        req = _post(_TARGETS[target], _EXTRA[extra])
        h = hashlib.sha256(b"another body").hexdigest()
        ours = _signer(token).sign(req, TIME, payload_hash=h)
        expected = sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region=REGION,
            time=TIME,
            session_token=token,
            payload_hash=h,
        )
        assert ours == expected
        assert ours.canonical_request.endswith(f"\n{h}")

    @pytest.mark.parametrize("expires", [1, 600, 3600])
    def test_presign(self, extra: str, target: str, token: str | None, expires: int) -> None:
        req = _post(_TARGETS[target], _EXTRA[extra])
        ours = _signer(token).presign(req, TIME, expires=expires)
        expected = sigv4.presign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region=REGION,
            time=TIME,
            session_token=token,
            config=sigv4.SigningConfig(expiration_in_seconds=expires, form_to_query=True),
        )
        assert ours == expected


_CONFIGS = {
    "sign-body": sigv4.SigningConfig(sign_body=True),
    "sign-all": sigv4.SigningConfig(sign_all_headers=True),
    "unsigned-payload": sigv4.SigningConfig(unsigned_payload=True),
    "omit-token": sigv4.SigningConfig(omit_session_token=True),
    "not-normalized": sigv4.SigningConfig(normalize=False, double_uri_encode=False),
}


@pytest.mark.consistency
@pytest.mark.parametrize("config", sorted(_CONFIGS))
@pytest.mark.parametrize("target", sorted(_TARGETS))
def test_signer_holds_the_options(config: str, target: str) -> None:
    """``Signer(config=...)`` signs and presigns as the functions given the same options."""
    how = _CONFIGS[config]
    req = _post(_TARGETS[target], (("X-Amz-Meta-Thing", "v"),))
    signer = sigv4.Signer(
        access_key_id=AKID, secret_access_key=SECRET, region=REGION, session_token=TOKEN, config=how
    )
    who: dict[str, Any] = {
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "region": REGION,
        "time": TIME,
        "session_token": TOKEN,
    }
    assert signer.sign(req, TIME) == sigv4.sign(req, **who, config=how)
    moved = replace(how, expiration_in_seconds=60, form_to_query=True)
    assert signer.presign(req, TIME, expires=60) == sigv4.presign(req, **who, config=moved)


@pytest.mark.consistency
def test_both_placements_are_one_assembly() -> None:
    """Header and query signatures are assembled by the same method (the placement is a hook,
    as botocore's SigV4QueryAuth overrides two methods of SigV4Auth); only the common header
    request takes the fused path around it."""
    signer = _signer(TOKEN)
    with _spy_general() as spy:
        signer.sign(_post(), TIME)
        signer.presign(_post(), TIME)
        sigv4.presign(
            _post(), access_key_id=AKID, secret_access_key=SECRET, region=REGION, time=TIME
        )
        sigv4.sign(_post(), access_key_id=AKID, secret_access_key=SECRET, region=REGION, time=TIME)
    placements = [type(call.args[0]).__name__ for call in spy.call_args_list]
    assert placements == ["Signer", "_QuerySigner", "_QuerySigner"]  # the last one fused
    own = {name for name in vars(signer_module._QuerySigner) if not name.startswith("__")}
    assert own == {"_before_signing", "_inject", "_check_options", "_query_refused", "_fusable"}


def test_presign_default_expiry() -> None:
    """botocore ``SigV4QueryAuth.DEFAULT_EXPIRES`` is 3600 (docs/spec.md#sigv4-presigned)."""
    ours = _signer(None).presign(_post(), TIME)
    assert "X-Amz-Expires=3600" in ours.request.target


@pytest.mark.consistency
def test_other_service_and_region() -> None:
    signer = sigv4.Signer(
        access_key_id=AKID, secret_access_key=SECRET, region="eu-central-1", service="email"
    )
    ours = signer.sign(_post(), TIME)
    assert ours.scope == "20261126/eu-central-1/email/aws4_request"
    expected = sigv4.sign(
        _post(),
        access_key_id=AKID,
        secret_access_key=SECRET,
        region="eu-central-1",
        service="email",
        time=TIME,
    )
    assert ours == expected


@pytest.mark.parametrize("token", [None, TOKEN])
def test_repr_hides_secret(token: str | None) -> None:
    signer = _signer(token)
    for text in (repr(signer), str(signer), f"{signer!r}"):
        assert SECRET not in text
        assert "wJalrXUtnFEMI" not in text
        assert AKID in text


def test_signer_without_host() -> None:
    req = RawRequest("POST", "/", headers=(("Content-Type", FORM),), body=BODY)
    with pytest.raises(SigningError) as info:
        _signer(None).sign(req, TIME)
    assert info.value.stage == "canonical-headers"


# --- independent signers ---------------------------------------------------------------------


@pytest.mark.client
def test_signer_against_awscrt() -> None:
    """awscrt (aws-c-auth) signs every header given; with only Host and Content-Type that is
    botocore's SES set (docs/spec.md#sigv4-ses-wire)."""
    auth = pytest.importorskip("awscrt.auth")
    http = pytest.importorskip("awscrt.http")
    req = RawRequest("POST", "/", headers=(("Host", HOST), ("Content-Type", FORM)), body=BODY)
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=auth.AwsCredentialsProvider.new_static(AKID, SECRET),
        region=REGION,
        service="ses",
        date=TIME,
    )
    crt_req = http.HttpRequest(
        "POST", "/", http.HttpHeaders(list(req.headers)), body_stream=io.BytesIO(BODY)
    )
    auth.aws_sign_request(crt_req, config).result()
    ours = _signer(None).sign(req, TIME)
    assert ours.request.header("Authorization") == crt_req.headers.get("Authorization")
    assert ours.request.header("X-Amz-Date") == crt_req.headers.get("X-Amz-Date")


@pytest.mark.client
@pytest.mark.parametrize("token", [None, TOKEN], ids=["no-token", "token"])
def test_signer_against_botocore(token: str | None) -> None:
    botocore_auth = pytest.importorskip("botocore.auth")
    credentials = pytest.importorskip("botocore.credentials")
    awsrequest = pytest.importorskip("botocore.awsrequest")
    request = awsrequest.AWSRequest(
        method="POST", url=f"https://{HOST}/", data=BODY, headers={"Content-Type": FORM}
    )
    with mock.patch.object(
        botocore_auth, "get_current_datetime", return_value=TIME.replace(tzinfo=None)
    ):
        botocore_auth.SigV4Auth(
            credentials.Credentials(AKID, SECRET, token), "ses", REGION
        ).add_auth(request)
    req = RawRequest("POST", "/", headers=(("Host", HOST), ("Content-Type", FORM)), body=BODY)
    ours = _signer(token).sign(req, TIME).request
    assert ours.header("Authorization") == request.headers["Authorization"]
    assert ours.header("X-Amz-Security-Token") == request.headers.get("X-Amz-Security-Token")


#: Header values with spaces to trim and runs of spaces to fold (IAM-SIGV4: "Trim any leading or
#: trailing spaces, convert sequential spaces to a single space"): the fast path trims Host and
#: Content-Type of single spaces; a run of spaces (even at an edge) or an x-amz-* header sends
#: the request down the general path. (Each value is written after one space, as on the wire.)
_UNTRIMMED = {
    "edges-fast-path": (f"{HOST} ", f"{FORM} ", None),
    "edge-runs-general-path": (f"  {HOST}  ", f"  {FORM} ", None),
    "inner-run-general-path": (HOST, FORM.replace("; ", ";   "), None),
    "x-amz-header-general-path": (HOST, FORM, "  a   b  c "),
}


def _botocore_authorization(headers: dict[str, str], body: bytes, service: str) -> str:
    botocore_auth = pytest.importorskip("botocore.auth")
    credentials = pytest.importorskip("botocore.credentials")
    awsrequest = pytest.importorskip("botocore.awsrequest")
    request = awsrequest.AWSRequest(
        method="POST", url=f"https://{HOST}/", data=body, headers=headers
    )
    with mock.patch.object(
        botocore_auth, "get_current_datetime", return_value=TIME.replace(tzinfo=None)
    ):
        botocore_auth.SigV4Auth(credentials.Credentials(AKID, SECRET), service, REGION).add_auth(
            request
        )
    return str(request.headers["Authorization"])


def _awscrt_authorization(headers: dict[str, str], body: bytes, service: str) -> str:
    auth = pytest.importorskip("awscrt.auth")
    http = pytest.importorskip("awscrt.http")
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=auth.AwsCredentialsProvider.new_static(AKID, SECRET),
        region=REGION,
        service=service,
        date=TIME,
    )
    crt_req = http.HttpRequest(
        "POST", "/", http.HttpHeaders(list(headers.items())), body_stream=io.BytesIO(body)
    )
    auth.aws_sign_request(crt_req, config).result()
    return str(crt_req.headers.get("Authorization"))


@pytest.mark.client
@pytest.mark.parametrize("case", sorted(_UNTRIMMED))
@pytest.mark.parametrize("service", ["ses", "email"])
def test_signer_trims_as_independent_signers_do(case: str, service: str) -> None:
    """botocore and awscrt sign the same untrimmed header values (every header given is
    signed: host, content-type and the x-amz-* one); the Signer and sign() agree with both."""
    host, ctype, meta = _UNTRIMMED[case]
    headers = {"Host": host, "Content-Type": ctype}
    if meta is not None:
        headers["X-Amz-Meta-Note"] = meta
    expected = _botocore_authorization(headers, BODY, service)
    assert _awscrt_authorization(headers, BODY, service) == expected
    req = RawRequest("POST", "/", headers=headers, body=BODY)
    signer = sigv4.Signer(
        access_key_id=AKID, secret_access_key=SECRET, region=REGION, service=service
    )
    assert signer.sign(req, TIME).request.header("Authorization") == expected
    general = sigv4.sign(
        req,
        access_key_id=AKID,
        secret_access_key=SECRET,
        region=REGION,
        service=service,
        time=TIME,
        config=sigv4.SigningConfig(signed_headers={n.lower() for n in headers}),
    )
    assert general.request.header("Authorization") == expected


def test_signer_documented_list_users() -> None:
    """The IAM user guide's worked request (GET ListUsers, iam, us-east-1, 20150830T123600Z):
    its documented signature, 5d672d79..."""
    signer = sigv4.Signer(
        access_key_id=AKID, secret_access_key=SECRET, region="us-east-1", service="iam"
    )
    req = RawRequest(
        "GET",
        "/?Action=ListUsers&Version=2010-05-08",
        headers=(("Host", "iam.amazonaws.com"), ("Content-Type", FORM)),
    )
    signed = signer.sign(req, datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC))
    assert signed.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"


@pytest.mark.vectors
@pytest.mark.suite("sigv4-testsuite-2015-botocore")
def test_signer_fast_path_2015_post_vanilla() -> None:
    """The 2015 suite's post-vanilla (region us-east-1, service 'service': a signing key
    derived in the wrong order differs) through the Signer's fast path: the request without
    its X-Amz-Date header (the Signer adds it), signed to the suite's .authz."""
    case = require_suite("sigv4-testsuite-2015-botocore") / "post-vanilla"
    authz = (case / "post-vanilla.authz").read_text("utf-8")
    signer = sigv4.Signer(
        access_key_id=AKID, secret_access_key=SECRET, region="us-east-1", service="service"
    )
    req = RawRequest("POST", "/", headers=(("Host", "example.amazonaws.com"),))
    with _spy_general() as spy:
        signed = signer.sign(req, datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC))
    assert not spy.called
    assert signed.request.header("Authorization") == authz


# --- payload_hash ----------------------------------------------------------------------------


def _by_hand(hashed: str, *, token: str | None) -> tuple[str, str]:
    """Canonical request and Authorization value of ``_post()`` written out as IAM-SIGV4 gives
    them (headers lowercased, trimmed, sorted; ``hashed`` as HashedPayload), the signature
    computed with hashlib and hmac alone: nothing of sesspec's."""
    token_line = f"x-amz-security-token:{token}\n" if token else ""
    signed = "content-type;host;x-amz-date" + (";x-amz-security-token" if token else "")
    creq = (
        f"POST\n/\n\ncontent-type:{FORM}\nhost:{HOST}\nx-amz-date:20261126T054817Z\n"
        f"{token_line}\n{signed}\n{hashed}"
    )
    scope = f"20261126/{REGION}/ses/aws4_request"
    sig = sigv4_signature(creq, "20261126T054817Z", scope, SECRET)
    value = f"AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={signed}, Signature={sig}"
    return creq, value


@pytest.mark.parametrize("token", [None, TOKEN], ids=["no-token", "token"])
class TestPayloadHash:
    """IAM-SIGV4: the canonical request ends in ``HashedPayload``; ``sign(payload_hash=H)``
    uses H as given, unchecked."""

    def _sign(self, req: RawRequest, token: str | None, h: str | None) -> sigv4.Signed:
        return sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region=REGION,
            time=TIME,
            session_token=token,
            payload_hash=h,
        )

    @pytest.mark.consistency
    def test_real_hash_same_as_none(self, token: str | None) -> None:
        req = _post()
        assert self._sign(req, token, hashlib.sha256(BODY).hexdigest()) == self._sign(
            req, token, None
        )

    @pytest.mark.parametrize(
        "h",
        [hashlib.sha256(b"").hexdigest(), "0" * 64, sigv4.UNSIGNED_PAYLOAD],
        ids=["empty-body-hash", "zeros", "unsigned-payload"],
    )
    def test_other_hash_by_hand(self, token: str | None, h: str) -> None:
        req = _post()
        ours = self._sign(req, token, h)
        creq, value = _by_hand(h, token=token)
        assert ours.canonical_request == creq
        assert ours.canonical_request.rsplit("\n", 1)[1] == h
        assert ours.request.header("Authorization") == value
        assert ours != self._sign(req, token, None)
        # verify_request hashes the body as sent, so the signature does not verify.
        assert not sigv4.verify(ours.request, secret_access_key=SECRET, now=TIME).ok

    def test_real_hash_by_hand(self, token: str | None) -> None:
        req = _post()
        h = hashlib.sha256(BODY).hexdigest()
        _, value = _by_hand(h, token=token)
        assert self._sign(req, token, h).request.header("Authorization") == value


# --- fast path against the general path ------------------------------------------------------


@contextmanager
def _spy_general() -> Iterator[mock.MagicMock]:
    """A spy on the assembly: called when the fused path falls back to it."""
    assembly = signer_module.Signer._assemble
    with mock.patch.object(
        signer_module.Signer, "_assemble", autospec=True, side_effect=assembly
    ) as spy:
        yield spy


def _sign_both(req: RawRequest, h: str | None) -> tuple[Any, Any, bool]:
    """(fast-path result or error, general-path result or error, whether the fast path fell
    back to the general one)."""
    names = {n.lower() for n, _ in req.headers}
    forced = {n for n in names if n in {"host", "content-type"} or n.startswith("x-amz-")}
    kwargs: dict[str, Any] = {
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "region": REGION,
        "time": TIME,
        "payload_hash": h,
    }
    fast: Any
    general: Any
    with _spy_general() as spy:
        try:
            fast = sigv4.sign(req, **kwargs)
        except SigningError as exc:
            fast = ("error", exc.stage, str(exc))
        fell_back = spy.called
    try:
        general = sigv4.sign(req, **kwargs, config=sigv4.SigningConfig(signed_headers=forced))
    except SigningError as exc:
        general = ("error", exc.stage, str(exc))
    return fast, general, fell_back


@pytest.mark.consistency
def test_fast_path_taken_for_plain_request() -> None:
    fast, general, fell_back = _sign_both(_post(), None)
    assert not fell_back
    assert fast == general


@pytest.mark.parametrize(
    "extra",
    [
        (("Host", HOST),),
        (("X-Amz-Meta-A", "v"),),
        (("Content-Type", "text/plain"),),
    ],
    ids=["repeated-host", "x-amz-header", "repeated-content-type"],
)
@pytest.mark.consistency
def test_general_path_taken(extra: tuple[tuple[str, str], ...]) -> None:
    fast, general, fell_back = _sign_both(_post(extra=extra), None)
    assert fell_back
    assert fast == general


_EDGES = {
    "trimmed": ((("Host", f"  {HOST}   "), ("Content-Type", "  text/plain ")), False),
    "inner-double-space-ctype": ((("Host", HOST), ("Content-Type", " text/plain;  a=b")), True),
    "inner-double-space-host": ((("Host", " h  st"),), True),
    "tab-in-value": ((("Host", HOST), ("Content-Type", " a\tb")), True),
    "leading-tab": ((("Host", f"\t{HOST}"),), True),
    "non-ascii": ((("Host", " h\u00f6st"), ("Content-Type", " t\u00e9xt ")), False),
    "no-content-type": ((("Host", HOST), ("User-Agent", " ua  x")), False),
    "no-host": ((("Content-Type", FORM),), True),
    "content-length-repeated": (
        (("Host", HOST), ("Content-Length", " 1"), ("content-length", "2")),
        False,
    ),
    "upper-names": ((("HOST", HOST), ("CONTENT-TYPE", FORM)), False),
}


@pytest.mark.consistency
@pytest.mark.parametrize("case", sorted(_EDGES))
@pytest.mark.parametrize("with_hash", [False, True])
def test_fast_path_edges(case: str, with_hash: bool) -> None:
    """IAM-SIGV4: "Trim any leading or trailing spaces, convert sequential spaces to a single
    space"; each edge lands on the expected path and both paths agree."""
    headers, general_expected = _EDGES[case]
    req = RawRequest("POST", "/", headers=headers, body=BODY)
    h = hashlib.sha256(b"given").hexdigest() if with_hash else None
    fast, general, fell_back = _sign_both(req, h)
    assert fell_back == general_expected
    assert fast == general


_NAMES = [
    "Host",
    "Content-Type",
    "Content-Length",
    "X-Amz-Meta-Foo",
    "X-Amz-Meta-Bar",
    "User-Agent",
]
_VALUE_CHARS = st.sampled_from(
    ["a", "b", "Z", "1", "/", ";", "=", " ", "  ", "\t", "\u00e9", "\u00df"]
)


# Single characters only except one inner double space: the fast path must see it.
_CLEAN_CHARS = st.sampled_from(["a", "Z", "1", "/", ";", "=", " ", "\u00e9", "  ", "  "])


@st.composite
def _header(draw: st.DrawFn, *, messy: bool) -> tuple[str, str]:
    name = draw(st.sampled_from(_NAMES if messy else ["Content-Type", *_NAMES[1:3], _NAMES[-1]]))
    # Random casing of the name.
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)
    inner = "".join(draw(st.lists(_VALUE_CHARS if messy else _CLEAN_CHARS, max_size=6)))
    lead = draw(st.sampled_from(["", " ", "  ", "\t"] if messy else ["", " "]))
    trail = draw(st.sampled_from(["", " ", "   "]))
    return cased, f"{lead}{inner}{trail}"


@st.composite
def _requests(draw: st.DrawFn) -> RawRequest:
    # Half the time, values without tabs or runs of spaces (the fast path's domain).
    messy = draw(st.booleans())
    headers = draw(st.lists(_header(messy=messy), max_size=6 if messy else 3))
    if draw(st.integers(0, 9)):  # mostly with a Host header, somewhere
        host = draw(st.sampled_from([f" {HOST}", HOST, f"  {HOST} ", f"{HOST}\t", "h\u00f6st"]))
        headers.insert(draw(st.integers(0, len(headers))), ("Host", host))
    body = draw(st.sampled_from([b"", BODY]))
    return RawRequest("POST", "/", headers=tuple(headers), body=body)


@pytest.mark.consistency
@pytest.mark.property
@given(req=_requests(), with_hash=st.booleans())
def test_property_fast_path_equals_general(req: RawRequest, with_hash: bool) -> None:
    """IAM-SIGV4 canonical headers (trim, fold runs of spaces, join repeats with ',') come out
    the same on both paths, for requests that take the fast path and ones that fall back."""
    h = hashlib.sha256(b"given").hexdigest() if with_hash else None
    fast, general, fell_back = _sign_both(req, h)
    event("general" if fell_back else "fast")
    assert fast == general
    try:
        by_signer: Any = _signer(None).sign(req, TIME, payload_hash=h)
    except SigningError as exc:
        by_signer = ("error", exc.stage, str(exc))
    assert by_signer == fast


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("access_key_id", "", "the access key id is empty"),
        ("secret_access_key", "", "the secret access key is empty"),
        (
            "access_key_id",
            "AK\n",
            "the access key id holds a control character (U+000A) at position 2",
        ),
        ("region", "", "the region '' cannot stand in a credential scope (empty, or a '/')"),
    ],
)
def test_the_common_request_checks_its_credentials_too(
    field: str, value: str, message: str
) -> None:
    """sigv4.sign of the common SES request (a POST to '/', host and content type: the path
    that signs it in one pass) refuses what every SigV4 signer refuses (sesspec.signing._guard),
    with the scheme sigv4."""
    keys: dict[str, Any] = {"access_key_id": AKID, "secret_access_key": SECRET, "region": REGION}
    with pytest.raises(SigningError) as info:
        sigv4.sign(_post(), time=TIME, **{**keys, field: value})
    assert (info.value.message, info.value.scheme) == (message, "sigv4")
