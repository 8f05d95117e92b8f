"""AWS SigV4 test suite, original 2011 edition: 30 cases + botocore's 2 double-encoded variants.

Shared inputs (PROVENANCE.md): AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
us-east-1, **service ``host``**, and the time of the ``Date`` header (Mon, 09 Sep 2011 23:36:00
GMT -> 20110909T233600Z). This edition signs the ``Date`` header and sends no ``X-Amz-Date``, so
the stages are driven one by one (:func:`sigv4.sign` always adds ``X-Amz-Date``).

File quirks handled here, not in sesspec: the files use CRLF, and the expected canonical
request and string to sign are compared with CRLF turned into LF (the hashed text uses LF;
PROVENANCE.md checked this for every case). Two request lines hold raw spaces
(``post-vanilla-query-space``, ``post-vanilla-query-nonunreserved``); the suite's expected
values cut the target at the *first* space, an artifact of its reference HTTP parsing, so the
test does the same. The original edition single-encodes the path (``/%20/foo`` stays
``/%20/foo``: ``double_uri_encode=False``); botocore's 2014 variants double-encode it
(``/%2520/foo``), the rule for non-S3 services such as SES. The 2011 edition also sorted the
values of a repeated header (``get-header-key-duplicate``: ``p:a,a,p,z``; the 2015 edition keeps
them in order), hence ``sort_repeated_values=True``.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from sesspec.http import RawRequest, parse_request
from sesspec.signing import sigv4
from tests._support import require_suite, suite_dir

SUITE = "sigv4-testsuite-2011-botocore"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
SERVICE = "host"
VARIANT_DIR = "botocore-2014-double-encoded-path"


def _cases() -> list[Any]:
    root = suite_dir(SUITE)
    if root is None:
        return [pytest.param("<suite absent>", "original", id="suite-absent")]
    out = [
        pytest.param(p.stem, "original", id=f"original/{p.stem}")
        for p in sorted((root / "original").glob("*.req"))
    ]
    out.extend(
        pytest.param(p.stem, VARIANT_DIR, id=f"{VARIANT_DIR}/{p.stem}")
        for p in sorted((root / VARIANT_DIR).glob("*.creq"))
    )
    return out


def _lf(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n", "\n")


def _parse(data: bytes) -> RawRequest:
    req = parse_request(data, body_mode="rest", strict=False)
    return req.replace(target=req.target.split(" ", 1)[0])


def _header_multiset(req: RawRequest) -> list[tuple[str, str]]:
    return sorted((n.lower(), v) for n, v in req.headers)


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
@pytest.mark.parametrize(("name", "variant"), _cases())
def test_sigv4_2011(name: str, variant: str) -> None:
    root = require_suite(SUITE)
    original = root / "original"
    expected_dir = root / variant
    req = _parse((original / f"{name}.req").read_bytes())
    assert req.line_ending == "\r\n"
    date_header = req.header("Date")
    assert date_header is not None
    amz = sigv4.amz_date(parsedate_to_datetime(date_header))
    signed = {n.lower() for n, _ in req.headers}

    creq = sigv4.canonical_request(
        req.method,
        canonical_uri=sigv4.canonical_uri(
            req.path, normalize=True, double_uri_encode=variant == VARIANT_DIR
        ),
        canonical_query=sigv4.canonical_query(req.query),
        canonical_headers=sigv4.canonical_headers(
            req.headers, signed=signed, sort_repeated_values=True
        ),
        signed_headers=sigv4.signed_headers_value(signed),
        payload_hash=sigv4.payload_hash(req.body),
    )
    assert creq == _lf((expected_dir / f"{name}.creq").read_bytes())

    scope = sigv4.credential_scope(amz[:8], region=REGION, service=SERVICE)
    sts = sigv4.string_to_sign(creq, amz_date=amz, scope=scope)
    assert sts == _lf((expected_dir / f"{name}.sts").read_bytes())

    key = sigv4.signing_key(SECRET, date=amz[:8], region=REGION, service=SERVICE)
    sig = sigv4.signature(key, string_to_sign=sts)
    authz = _lf((expected_dir / f"{name}.authz").read_bytes()).strip()
    assert sig == authz.rsplit("Signature=", 1)[1]
    value = sigv4.authorization_value(
        AKID, scope=scope, signed_headers=sigv4.signed_headers_value(signed), signature=sig
    )
    assert value == authz

    if variant != "original":
        return  # the 2014 variant changed only .creq/.sts/.authz; its .sreq is the original's
    got = req.with_header("Authorization", value, replace_existing=False)
    expected = _parse((original / f"{name}.sreq").read_bytes())
    assert (got.method, got.target, got.version, got.body) == (
        expected.method,
        expected.target,
        expected.version,
        expected.body,
    )
    assert _header_multiset(got) == _header_multiset(expected)
