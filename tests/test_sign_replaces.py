"""A signer replaces a signature, it never adds a second (docs/spec.md#auth-sign-replaces).

Every scheme (SigV4 header and presigned, AWS3-HTTPS, SigV2) drops an ``Authorization`` or
``X-Amzn-Authorization`` header the request already carries, and refuses a query that already
carries SigV4 query authentication. The conformance point is botocore's: ``SigV4Auth`` deletes
an existing ``Authorization`` before it signs, so sesspec's header signature of a request with a
stale one equals botocore's (botocore 1.44.8, the test extra's pin). The other points are
consistency: the request signed with a stale header equals the request signed without it, and
``sesspec verify`` accepts what ``sesspec sign`` wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest

from sesspec.errors import SigningError
from sesspec.http import RawRequest, parse_request
from sesspec.request import sign
from sesspec.signing import sigv4
from tests._hostile import assert_one_line_exit_2, run

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)
HOST = "email.us-east-1.amazonaws.com"
SCHEMES = ["sigv4", "sigv4-query", "aws3", "sigv2"]
FORM = "application/x-www-form-urlencoded; charset=utf-8"
BODY = b"Action=GetSendQuota&Version=2010-12-01"
#: What each scheme writes to carry its signature: a header, or a parameter.
OWN = {
    "sigv4": ("header", "Authorization"),
    "sigv4-query": ("query", "X-Amz-Signature"),
    "aws3": ("header", "X-Amzn-Authorization"),
    "sigv2": ("body", "Signature"),
}
STALE = {
    "authorization": [("Authorization", "AWS4-HMAC-SHA256 Credential=stale")],
    "lower-case": [("authorization", "stale")],
    "aws3": [("X-Amzn-Authorization", "AWS3-HTTPS AWSAccessKeyId=stale")],
    "both": [("Authorization", "stale"), ("X-Amzn-Authorization", "stale")],
    "repeated": [("Authorization", "one"), ("Authorization", "two")],
}


def _request(extra: list[tuple[str, str]], *, target: str = "/") -> RawRequest:
    headers = [("Host", HOST), ("Content-Type", FORM), *extra]
    return RawRequest("POST", target, headers=headers, body=BODY)


def _sign(req: RawRequest, scheme: str) -> RawRequest:
    return sign(
        req, scheme=scheme, access_key_id=AKID, secret_access_key=SECRET, region="us-east-1",
        time=WHEN,
    )  # fmt: skip


@pytest.mark.consistency
@pytest.mark.parametrize("stale", sorted(STALE))
@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_stale_signature_header_is_dropped(scheme: str, stale: str) -> None:
    """Signed with a stale header or without it, the request is the same, and it carries no
    header signature but its scheme's own."""
    fresh = _sign(_request([]), scheme)
    signed = _sign(_request(STALE[stale]), scheme)
    assert signed.to_bytes() == fresh.to_bytes()
    auth = [n for n, _ in signed.headers if n.lower() in {"authorization", "x-amzn-authorization"}]
    where, name = OWN[scheme]
    assert auth == ([name] if where == "header" else [])


def test_sigv4_drops_it_as_botocore_does() -> None:
    """botocore's SigV4Auth deletes an Authorization it finds, then signs: the same value."""
    awsrequest = pytest.importorskip("botocore.awsrequest")
    auth = pytest.importorskip("botocore.auth")
    credentials = pytest.importorskip("botocore.credentials")
    theirs = awsrequest.AWSRequest(
        method="POST",
        url=f"https://{HOST}/",
        data=BODY,
        headers={"Content-Type": FORM, "Authorization": "AWS4-HMAC-SHA256 Credential=stale"},
    )
    signer = auth.SigV4Auth(credentials.Credentials(AKID, SECRET), "ses", "us-east-1")
    with mock.patch.object(auth, "get_current_datetime", return_value=WHEN.replace(tzinfo=None)):
        signer.add_auth(theirs)
    ours = _sign(_request(STALE["authorization"]), "sigv4")
    assert ours.header("Authorization") == theirs.headers["Authorization"]


# --- a signature in the query: refused, one step either side -------------------------------------


@pytest.mark.parametrize("name", sigv4.PRESIGNED_PARAMS)
def test_presign_refuses_a_query_holding_what_it_writes(name: str) -> None:
    with pytest.raises(SigningError) as caught:
        _sign(_request([], target=f"/?{name}=x"), "sigv4-query")
    assert (caught.value.stage, caught.value.kind) == ("request", "malformed")
    assert name in caught.value.message


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("written", ["X-Amz-Algorithm", "X%2DAmz%2DAlgorithm", "X-Amz-Algorithm=x"])
def test_every_scheme_refuses_a_presigned_query(scheme: str, written: str) -> None:
    """``X-Amz-Algorithm`` makes a verifier read the query's signature, however it is escaped."""
    with pytest.raises(SigningError) as caught:
        _sign(_request([], target=f"/?Action=GetSendQuota&{written}"), scheme)
    assert caught.value.stage == "request"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    "query",
    [
        "X-Amz-Algorithmx=1",  # another name, one character longer
        "X-Amz-Algorith=1",  # one shorter
        "a=X-Amz-Algorithm",  # the name as a value
        "x-amz-algorithm=1",  # names are case-sensitive
    ],
)
def test_names_beside_the_marker_are_signed(scheme: str, query: str) -> None:
    signed = _sign(_request([], target=f"/?{query}"), scheme)
    assert signed.target.startswith(f"/?{query}")


def test_header_signing_keeps_a_lone_x_amz_signature_parameter() -> None:
    """Without X-Amz-Algorithm the query is not presigned (a verifier reads the header)."""
    signed = _sign(_request([], target="/?X-Amz-Signature=abc"), "sigv4")
    assert signed.target == "/?X-Amz-Signature=abc"
    assert signed.header("Authorization") is not None


# --- the command line: the case that hypothesis found, and the refusal -------------------------

KEYS = ["--access-key-id", AKID, "--secret-access-key", SECRET, "--time", "20261126T064950Z"]


@pytest.mark.consistency
@pytest.mark.parametrize("scheme", SCHEMES)
def test_sign_then_verify_with_a_stale_authorization(scheme: str) -> None:
    raw = (
        b"POST / HTTP/1.1\nHost: " + HOST.encode() + b"\nAuthorization: stale\n"
        b"Content-Type: application/x-www-form-urlencoded\n\n" + BODY
    )
    code, out, err = run(["sign", "--scheme", scheme, *KEYS], raw)
    assert (code, err) == (0, "")
    assert b"stale" not in out
    code, report, err = run(["verify", "--secret-access-key", SECRET], out)
    assert (code, err) == (0, ""), report
    assert len(parse_request(out).header_all("Authorization")) == (scheme == "sigv4")


def test_sign_refuses_a_presigned_query_in_one_line() -> None:
    raw = b"GET /?Action=GetSendQuota&X-Amz-Signature=abc HTTP/1.1\nHost: " + HOST.encode() + b"\n"
    code, _, err = run(["sign", "--scheme", "sigv4-query", *KEYS], raw)
    assert_one_line_exit_2(code, err)
    assert "X-Amz-Signature" in err
