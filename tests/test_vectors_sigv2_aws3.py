"""SigV2 and AWS3-HTTPS vectors (sigv2-sigv3-vectors/vectors.json): 10 SigV2 + 1 AWS3 entry.

Each SigV2 entry is checked stage by stage: canonical query string, string to sign, signature,
then the signed params (:func:`sigv2.sign_params` keeps the given auth params and appends
Signature) and, for the aws-sdk-js entries, the full sorted form body. The AWS3 entry: string
to sign (the Date value), signature, the ``X-Amzn-Authorization`` header of the signed request.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from sesspec.http import RawRequest
from sesspec.signing import aws3, sigv2
from tests._support import require_suite, suite_dir

SUITE = "sigv2-sigv3-vectors"


def _entries() -> list[Any]:
    root = suite_dir(SUITE)
    if root is None:
        return [pytest.param("<suite absent>", id="suite-absent")]
    data = json.loads((root / "vectors.json").read_text("utf-8"))
    return [pytest.param(str(v["id"]), id=str(v["id"])) for v in data["vectors"]]


def _entry(vid: str) -> dict[str, Any]:
    root = require_suite(SUITE)
    data = json.loads((root / "vectors.json").read_text("utf-8"))
    for v in data["vectors"]:
        if v["id"] == vid:
            return dict(v)
    raise AssertionError(vid)


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
@pytest.mark.parametrize("vid", _entries())
def test_sigv2_aws3_vector(vid: str) -> None:
    v = _entry(vid)
    if v["scheme"] == "aws3-https":
        _check_aws3(v)
        return
    assert v["scheme"] == "sigv2"
    params = [(str(k), str(val)) for k, val in v["params"]]
    cq = sigv2.canonical_query_string(params)
    assert cq == v["canonical_query_string"]
    sts = sigv2.string_to_sign(v["method"], host=v["host"], path=v["path"], canonical_query=cq)
    assert sts == v["string_to_sign"]
    sig = sigv2.signature(
        v["secret_access_key"], string_to_sign=sts, signature_method=v["signature_method"]
    )
    assert sig == v["expected_signature"]

    if not any(k == "AWSAccessKeyId" for k, _ in params):
        # botocore-TestSigV2-test_put: calc_signature() over the user params alone; there is
        # no signed request to compare.
        return
    signed = sigv2.sign_params(
        params,
        access_key_id=v["access_key_id"],
        secret_access_key=v["secret_access_key"],
        method=v["method"],
        host=v["host"],
        path=v["path"],
        signature_method=v["signature_method"],
    )
    assert signed == [*params, ("Signature", v["expected_signature"])]
    if "expected_body" in v:
        body = sigv2.canonical_query_string(signed, exclude=())
        assert body == v["expected_body"]
    check = sigv2.verify_params(
        signed,
        secret_access_key=v["secret_access_key"],
        method=v["method"],
        host=v["host"],
        path=v["path"],
    )
    assert check.ok, check.reason


def _check_aws3(v: dict[str, Any]) -> None:
    headers = tuple((str(k), str(val)) for k, val in v["request"]["headers"].items())
    req = RawRequest(method=v["request"]["method"], target="/", headers=headers)
    sts = aws3.string_to_sign(req)
    assert sts == v["string_to_sign"]
    sig = aws3.signature(
        v["secret_access_key"], string_to_sign=sts, algorithm=v["signature_method"]
    )
    assert sig == v["expected_signature"]
    signed = aws3.sign(
        req,
        access_key_id=v["access_key_id"],
        secret_access_key=v["secret_access_key"],
        algorithm=v["signature_method"],
        time=datetime(2000, 1, 1, tzinfo=UTC),  # unused: the request has its Date header
    ).request
    for name, value in v["expected_header"].items():
        assert signed.header(name) == value
    assert signed.header("Date") == v["request"]["headers"]["Date"]
