"""``sigv4.recompute``: the one recomputation of a SigV4 signature, which ``sigv4.verify`` and the
checker's AUTH rules both call (docs/spec.md#sigv4-verification).

Expected values: botocore 1.44.8's canonical request, string to sign and signature of the
worked example (docs/spec.md#sigv4-worked-example, ``vectors/checker/AUTH018/pass-botocore-post``)
and of a presigned GET (``vectors/checker/AUTH015/pass-presigned``, signed by botocore's
``SigV4QueryAuth``); where a part is given instead of the request's, the canonical request is
written out here by hand and signed with hashlib and hmac alone (IAM-SIGV4's key chain).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.encoding import form_segments
from sesspec.errors import SigningError
from sesspec.http import RawRequest, parse_request
from sesspec.params import query_params
from sesspec.signing import sigv4
from tests._by_hand import sigv4_signature
from tests._support import REPO

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SAMPLES = REPO / "vectors" / "checker"

#: docs/spec.md#sigv4-worked-example, as botocore 1.44.8 computed it.
WORKED_CREQ = (
    "POST\n/\n\n"
    "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
    "host:email.us-east-1.amazonaws.com\n"
    "x-amz-date:20261126T054817Z\n\n"
    "content-type;host;x-amz-date\n"
    "0c9152fdca52d839eb3f436fb67744fd2739f6eb689b72322d693f00f7cd155e"
)
WORKED_STS = (
    "AWS4-HMAC-SHA256\n20261126T054817Z\n20261126/us-east-1/ses/aws4_request\n"
    "3be4d03d93fb75819f8621615c438a0b474528442b012ff093bc1d74f4394e0f"
)
WORKED_SIGNATURE = "6d5396bfe7dce43aadacf90a89056abc22a7b90b33a3d52004035be63b37254f"


def _sample(name: str) -> RawRequest:
    return parse_request((SAMPLES / f"{name}.http").read_bytes(), body_mode="rest", strict=False)


def _header_signed() -> tuple[RawRequest, sigv4.Authorization]:
    req = _sample("AUTH018/pass-botocore-post")
    return req, sigv4.read_authorization(req.header("Authorization") or "")


def _by_hand(creq: str, *, scope: str) -> str:
    """IAM-SIGV4's string to sign and signature, with hashlib and hmac alone."""
    return sigv4_signature(creq, "20261126T054817Z", scope, SECRET)


def test_worked_example() -> None:
    req, auth = _header_signed()
    stages = sigv4.recompute(req, auth, amz_date="20261126T054817Z", secret_access_key=SECRET)
    assert stages.canonical_request == WORKED_CREQ
    assert stages.string_to_sign == WORKED_STS
    assert stages.signature == WORKED_SIGNATURE == auth.signature


def test_presigned_query_leaves_the_signature_out() -> None:
    """IAM-SIGV4: the canonical query holds every parameter "except for X-Amz-Signature"; the
    result is botocore's signature of the sample."""
    req = _sample("AUTH015/pass-presigned")
    auth = sigv4.read_presigned(query_params(req))
    stages = sigv4.recompute(req, auth, amz_date="20261126T054817Z", secret_access_key=SECRET)
    assert "X-Amz-Signature" not in stages.canonical_request
    assert "X-Amz-Expires=600" in stages.canonical_request.splitlines()[2]
    assert stages.signature == auth.signature
    # Read as a header-signed request, the same query keeps X-Amz-Signature and signs otherwise.
    as_header = replace(auth, presigned=False)
    other = sigv4.recompute(req, as_header, amz_date="20261126T054817Z", secret_access_key=SECRET)
    assert "X-Amz-Signature=" in other.canonical_request.splitlines()[2]
    assert other.signature != auth.signature


def test_given_parts_are_used_as_given() -> None:
    """A canonical query, header block or payload hash given replaces the request's (a client
    mistake, or an UNSIGNED-PAYLOAD the request declares)."""
    req, auth = _header_signed()
    headers = "content-type:x\nhost:h\nx-amz-date:20261126T054817Z\n"
    stages = sigv4.recompute(
        req,
        auth,
        amz_date="20261126T054817Z",
        secret_access_key=SECRET,
        canonical_query="a=b",
        canonical_headers=headers,
        payload_hash=sigv4.UNSIGNED_PAYLOAD,
    )
    creq = f"POST\n/\na=b\n{headers}\ncontent-type;host;x-amz-date\nUNSIGNED-PAYLOAD"
    assert stages.canonical_request == creq
    assert stages.signature == _by_hand(creq, scope="20261126/us-east-1/ses/aws4_request")


def test_scope_comes_from_the_authorization() -> None:
    """The region and service are the authorization's: what another region gives is asked by
    replacing it (the checker's AUTH018 for a region the endpoint is not in)."""
    req, auth = _header_signed()
    stages = sigv4.recompute(
        req,
        replace(auth, region="us-west-2"),
        amz_date="20261126T054817Z",
        secret_access_key=SECRET,
    )
    assert stages.canonical_request == WORKED_CREQ
    assert stages.scope == "20261126/us-west-2/ses/aws4_request"
    assert stages.signature == _by_hand(WORKED_CREQ, scope=stages.scope)


def test_a_signed_header_not_sent() -> None:
    req, auth = _header_signed()
    with pytest.raises(SigningError) as info:
        sigv4.recompute(
            req.without_headers("Content-Type"),
            auth,
            amz_date="20261126T054817Z",
            secret_access_key=SECRET,
        )
    assert (info.value.stage, str(info.value)) == (
        "canonical-headers",
        "sigv4 canonical-headers: signed header(s) not in the request: content-type",
    )


def test_config_reaches_the_path_and_the_headers() -> None:
    """``SigningConfig`` as the verifier gets it: the path normalized or not (IAM-SIGV4; the
    2015 suite's ``normalize-path``), a repeated header's values sorted (the 2011 edition)."""
    auth = sigv4.Authorization("AK", "20261126", "us-east-1", "ses", ("host", "my-header"), "")
    req = RawRequest(
        "GET", "/a/./b", headers=(("Host", "h"), ("My-Header", "z"), ("My-Header", "a"))
    )
    plain = sigv4.recompute(req, auth, amz_date="20261126T054817Z", secret_access_key=SECRET)
    assert plain.canonical_request.splitlines()[:5] == [
        "GET",
        "/a/b",
        "",
        "host:h",
        "my-header:z,a",
    ]
    config = sigv4.SigningConfig(normalize=False, sort_repeated_values=True)
    other = sigv4.recompute(
        req, auth, amz_date="20261126T054817Z", secret_access_key=SECRET, config=config
    )
    assert other.canonical_request.splitlines()[:5] == [
        "GET",
        "/a/./b",
        "",
        "host:h",
        "my-header:a,z",
    ]


_QUERY_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "=",
        "&",
        "&&",
        "+",
        " ",
        "%",
        "%2",
        "%41",
        "%2B",
        "%3D",
        "%26",
        "%zz",
        "%00",
        "%C3%A9",
        "%FF",
        "\u00e9",
        "\udcff",  # a byte that was not UTF-8, read with surrogateescape
        "X-Amz-Signature",
        "X-Amz-Signature=abc",
        "X%2DAmz-Signature=d",
    ]
)


@pytest.mark.property
@given(query=st.lists(_QUERY_PIECES, max_size=12).map("".join), presigned=st.booleans())
def test_property_canonical_query_as_the_checker_read_it(query: str, presigned: bool) -> None:
    """The checker's spec side read the canonical query from the segments its view decoded
    (:func:`sesspec.encoding.form_segments`); :func:`sigv4.recompute` reads it from the query
    string, as the verifier does. Both give the same text, ``X-Amz-Signature`` (decoded) left
    out of a presigned query, so moving the checker onto the one recomputation changed no
    verdict. (A consistency check between two readings; the conformance of the canonical query
    is the suites'.)"""
    segments = form_segments(query.encode("utf-8", "surrogateescape"))
    exclude = b"X-Amz-Signature" if presigned else None
    as_segments = sigv4.canonical_query_of(
        (s.name_bytes, s.value_bytes) for s in segments if s.name_bytes != exclude
    )
    as_text = sigv4.canonical_query(query, exclude=("X-Amz-Signature",) if presigned else ())
    assert as_text == as_segments
