"""Verify what others signed: every signed request of the public SigV4 suites passes
``sigv4.verify_request``, and a copy with one byte changed does not.

The signed requests are the suites' own files, made by their authors' signers: the 2011 and 2015
editions' ``.sreq``, aws-c-auth's ``header-signed-request.txt`` and ``query-signed-request.txt``
(every v4 case) and smithy-rs's ``double-url-encode``. Each is verified as stored, with the
suite's secret and time (PROVENANCE.md; aws-c-auth's ``context.json``), then four tampered
copies (tests/_tamper.py: one byte of the body, of a signed header's value, of the query, of the
signature) must be refused by the signature check itself.

Suite options, from each suite's PROVENANCE.md: the 2011 edition signs the ``Date`` header
(an HTTP-date; no ``X-Amz-Date``), encodes the path once and sorted the values of a repeated
header; its two request lines with raw spaces are cut at the first space, as in
tests/test_vectors_sigv4_2011.py. aws-c-auth's ``*-unnormalized`` cases do not normalize the path.

Two stored requests do not verify, and the tests say so:

* 2015 ``get-vanilla-with-session-token.sreq`` carries get-vanilla's signature (a suite defect,
  tests/test_vectors_sigv4_2015.py); with the Authorization of its own ``.authz`` it verifies.
* aws-c-auth ``post-sts-header-after`` presigned: the session token was added to the query after
  signing (``omit_session_token``). SES signs the token (docs/spec.md#auth-session-token), so the
  verifier refuses it; without the token parameter the rest of the signature holds.

Counted in the summary as ``<suite>: verify`` and ``<suite>: verify tampered``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sesspec.http import RawRequest, parse_request
from sesspec.signing import sigv4
from tests import _tamper
from tests._support import require_suite, suite_dir

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
S2011 = "sigv4-testsuite-2011-botocore"
S2015 = "sigv4-testsuite-2015-botocore"
CRT = "sigv4-signing-test-suite-aws-c-auth"
SMITHY = "sigv4-signing-test-suite-smithy-rs-extras"
#: The suites' times (PROVENANCE.md): the 2011 Date header, the 2015 and aws-c-auth timestamp,
#: smithy-rs double-url-encode's string to sign.
TIME_2011 = datetime(2011, 9, 9, 23, 36, 0, tzinfo=UTC)
TIME_2015 = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)
TIME_2021 = datetime(2021, 5, 11, 15, 40, 45, tzinfo=UTC)
STALE_2015 = "get-vanilla-with-session-token"
TOKEN_AFTER = "post-sts-header-after"


def _parse(data: bytes) -> RawRequest:
    return parse_request(data, body_mode="rest", strict=False)


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    load: Callable[[], RawRequest] | None  # None: the suite is absent (the test skips)
    secret: str = SECRET
    now: datetime = TIME_2015
    config: sigv4.SigningConfig = sigv4.DEFAULT_CONFIG

    def request(self) -> RawRequest:
        if self.load is None:
            require_suite(self.suite)
            pytest.fail(f"{self.suite} is present but gave no case")
        return self.load()


def _load_2011(path: Path) -> Callable[[], RawRequest]:
    def load() -> RawRequest:
        req = _parse(path.read_bytes())
        return req.replace(target=req.target.split(" ", 1)[0])

    return load


def _load_2015(case: Path) -> Callable[[], RawRequest]:
    def load() -> RawRequest:
        req = _parse((case / f"{case.name}.sreq").read_bytes())
        if case.name == STALE_2015:
            authz = (case / f"{case.name}.authz").read_text("utf-8")
            req = req.with_header("Authorization", authz)
        return req

    return load


def _without_token(req: RawRequest) -> RawRequest:
    path, _, q = req.target.partition("?")
    kept = [i for i in q.split("&") if not i.startswith("X-Amz-Security-Token=")]
    return req.replace(target=f"{path}?{'&'.join(kept)}")


def _load_crt(case: Path, mode: str) -> Callable[[], RawRequest]:
    def load() -> RawRequest:
        req = _parse((case / f"{mode}-signed-request.txt").read_bytes())
        return _without_token(req) if (case.name, mode) == (TOKEN_AFTER, "query") else req

    return load


def _load_smithy(path: Path) -> Callable[[], RawRequest]:
    def load() -> RawRequest:
        # Its request line has no HTTP version (see tests/test_vectors_sigv4_smithy_rs.py).
        first, rest = path.read_bytes().split(b"\n", 1)
        return _parse(first + b" HTTP/1.1\n" + rest)

    return load


def _cases() -> list[Case]:
    out: list[Case] = []
    root = suite_dir(S2011)
    if root is not None:
        config = sigv4.SigningConfig(double_uri_encode=False, sort_repeated_values=True)
        for path in sorted((root / "original").glob("*.sreq")):
            out.append(Case(S2011, path.stem, _load_2011(path), now=TIME_2011, config=config))
    root = suite_dir(S2015)
    if root is not None:
        for path in sorted(root.rglob("*.sreq")):
            rel = path.parent.relative_to(root).as_posix()
            out.append(Case(S2015, rel, _load_2015(path.parent)))
    root = suite_dir(CRT)
    if root is not None:
        for case in sorted(p for p in (root / "v4").iterdir() if p.is_dir()):
            ctx = json.loads((case / "context.json").read_text("utf-8"))
            for mode in ("header", "query"):
                out.append(
                    Case(
                        CRT,
                        f"{case.name}/{mode}",
                        _load_crt(case, mode),
                        secret=ctx["credentials"]["secret_access_key"],
                        now=datetime.fromisoformat(ctx["timestamp"].replace("Z", "+00:00")),
                        config=sigv4.SigningConfig(normalize=bool(ctx["normalize"])),
                    )
                )
    root = suite_dir(SMITHY)
    if root is not None:
        path = root / "v4" / "double-url-encode" / "header-signed-request.txt"
        out.append(Case(SMITHY, "double-url-encode", _load_smithy(path), now=TIME_2021))
    return out


CASES = _cases()
CASES += [
    Case(s, "suite-absent", None) for s in (S2011, S2015, CRT, SMITHY) if suite_dir(s) is None
]


def _params(label: str) -> list[Any]:
    return [
        pytest.param(c, id=f"{c.suite}/{c.name}", marks=pytest.mark.suite(f"{c.suite}: {label}"))
        for c in CASES
    ]


def _kind_params(label: str) -> list[Any]:
    return [
        pytest.param(
            c, kind, id=f"{c.suite}/{c.name}/{kind}", marks=pytest.mark.suite(f"{c.suite}: {label}")
        )
        for c in CASES
        for kind in _tamper.KINDS
    ]


def _verify(case: Case, req: RawRequest) -> sigv4.VerifyResult:
    return sigv4.verify(
        req,
        secret_access_key=case.secret,
        now=case.now,
        config=case.config,
    )


@pytest.mark.vectors
@pytest.mark.parametrize("case", _params("verify"))
def test_signed_request_verifies(case: Case) -> None:
    result = _verify(case, case.request())
    assert result.ok, result.reason
    assert result.expected_signature == result.given_signature


@pytest.mark.vectors
@pytest.mark.parametrize(("case", "kind"), _kind_params("verify tampered"))
def test_tampered_copy_is_refused(case: Case, kind: str) -> None:
    """Refused by the signature comparison: the verifier got as far as computing the expected
    signature, and it is not the one given."""
    original = case.request()
    tampered = _tamper.sigv4(original, kind)
    assert tampered != original
    result = _verify(case, tampered)
    assert not result.ok
    assert result.expected_signature is not None, result.reason
    assert result.expected_signature != result.given_signature


@pytest.mark.suite(f"{S2015}: verify")
@pytest.mark.vectors
def test_2015_stale_sreq_is_refused_as_stored() -> None:
    case = require_suite(S2015) / STALE_2015
    stored = _parse((case / f"{STALE_2015}.sreq").read_bytes())
    result = sigv4.verify(stored, secret_access_key=SECRET, now=TIME_2015)
    assert not result.ok
    assert result.given_signature is not None
    assert result.given_signature.startswith("5fa00fa3")
    assert result.expected_signature is not None
    assert result.expected_signature.startswith("07ec1639")


@pytest.mark.suite(f"{CRT}: verify")
@pytest.mark.vectors
def test_token_added_after_presigning_is_refused() -> None:
    """aws-c-auth signs without the token and appends it; SES signs it
    (docs/spec.md#auth-session-token)."""
    case = require_suite(CRT) / "v4" / TOKEN_AFTER
    stored = _parse((case / "query-signed-request.txt").read_bytes())
    assert "X-Amz-Security-Token=" in stored.query
    result = sigv4.verify(stored, secret_access_key=SECRET, now=TIME_2015)
    assert not result.ok
    assert result.expected_signature != result.given_signature
    assert sigv4.verify(_without_token(stored), secret_access_key=SECRET, now=TIME_2015).ok
