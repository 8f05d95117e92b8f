"""aws-c-auth SigV4 signing suite: every v4 case, header and presigned, each stage in order.

Inputs come from each case's ``context.json`` (credentials, region, service, timestamp,
``normalize``, ``sign_body``, ``omit_session_token``, ``expiration_in_seconds``); aws-c-auth
signs every header of ``request.txt``, so the tests pass those names as ``signed_headers``.
Stages are compared in order: canonical request, string to sign, signature, signed request.
The signed request is compared as HTTP (request line, body, the multiset of headers with
lowercased names and field values), because where a signer inserts new headers is not
specified; the ``Authorization`` value and the presigned query are compared exactly.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sesspec.http import RawRequest, parse_request
from sesspec.signing import sigv4
from tests._support import require_suite, suite_dir

SUITE = "sigv4-signing-test-suite-aws-c-auth"
V4A_REASON = "SigV4a: SES does not use it (docs/spec.md#auth-cutoff: SES accepts SigV4 only)"


def _case_names(sub: str) -> list[str]:
    root = suite_dir(SUITE)
    if root is None or not (root / sub).is_dir():
        return []
    return sorted(p.name for p in (root / sub).iterdir() if p.is_dir())


def _params() -> list[Any]:
    names = _case_names("v4")
    if not names:
        return [pytest.param("<suite absent>", "header", id="suite-absent")]
    return [
        pytest.param(name, mode, id=f"{name}/{mode}")
        for name in names
        for mode in ("header", "query")
    ]


def _read(case: Path, name: str) -> str:
    return (case / name).read_bytes().decode("utf-8")


def _parse(data: bytes) -> RawRequest:
    return parse_request(data, body_mode="rest", strict=False)


def _header_multiset(req: RawRequest) -> list[tuple[str, str]]:
    return sorted((n.lower(), v) for n, v in req.headers)


def _time(ctx: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(ctx["timestamp"]).replace("Z", "+00:00"))


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
@pytest.mark.parametrize(("name", "mode"), _params())
def test_aws_c_auth_v4(name: str, mode: str) -> None:
    case = require_suite(SUITE) / "v4" / name
    ctx = json.loads(_read(case, "context.json"))
    creds = ctx["credentials"]
    req = _parse((case / "request.txt").read_bytes())
    signed_names = {n.lower() for n, _ in req.headers}
    common: dict[str, Any] = {
        "access_key_id": creds["access_key_id"],
        "secret_access_key": creds["secret_access_key"],
        "session_token": creds.get("token"),
        "region": ctx["region"],
        "service": ctx["service"],
        "time": _time(ctx),
    }
    # context.json's options, under the same names.
    config = sigv4.SigningConfig(
        signed_headers=signed_names,
        normalize=ctx["normalize"],
        omit_session_token=bool(ctx.get("omit_session_token", False)),
        sign_body=bool(ctx["sign_body"]),
        expiration_in_seconds=int(ctx["expiration_in_seconds"]),
    )
    if mode == "header":
        result = sigv4.sign(req, **common, config=config)
    else:
        result = sigv4.presign(req, **common, config=config)

    assert result.canonical_request == _read(case, f"{mode}-canonical-request.txt")
    assert result.string_to_sign == _read(case, f"{mode}-string-to-sign.txt")
    assert result.signature == _read(case, f"{mode}-signature.txt").strip()

    expected = _parse((case / f"{mode}-signed-request.txt").read_bytes())
    got = result.request
    assert (got.method, got.target, got.version) == (
        expected.method,
        expected.target,
        expected.version,
    )
    assert got.body == expected.body
    assert _header_multiset(got) == _header_multiset(expected)
    if mode == "header":
        assert got.header("Authorization") == expected.header("Authorization")


@pytest.mark.suite(SUITE)
@pytest.mark.vectors
def test_aws_c_auth_v4a_does_not_apply() -> None:
    """The suite's ``v4a/`` cases (40: the 38 v4 cases and two input-only ones) sign with
    SigV4a, ECDSA P-256 over a region set. SES accepts SigV4 only (docs/spec.md#auth-cutoff), so
    none of them applies: one skip for all of them, with the count, instead of 40."""
    root = require_suite(SUITE) / "v4a"
    count = sum(1 for p in root.iterdir() if p.is_dir()) if root.is_dir() else 0
    pytest.skip(f"{count} SigV4a cases: {V4A_REASON}")
