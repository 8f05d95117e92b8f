"""The project's own vectors: the starting document, and 64 SES requests whose expected values
botocore and awscrt produced at generation time (vectors/ses/cases.json, made by
scripts/gen_ses_vectors.py; versions recorded in the file). sesspec must reproduce them byte for
byte, stage by stage. The other way round, every request botocore signed there (header-signed
POST and presigned GET) verifies with sesspec's verifier, and one-byte tampered copies do not."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest

from sesspec.check import Credentials, check
from sesspec.encoding import form_decode, form_encode
from sesspec.http import RawRequest, parse_request
from sesspec.query import flatten, unflatten
from sesspec.request import FORM_CONTENT_TYPE
from sesspec.signing import sigv4
from tests import _tamper
from tests._support import REPO

SEED = json.loads((REPO / "vectors" / "seed" / "starting-document.json").read_text("utf-8"))
SES = json.loads((REPO / "vectors" / "ses" / "cases.json").read_text("utf-8"))
SUITE = "sesspec-ses-vectors"


class TestStartingDocument:
    """The guide page's GET URL and POST body (GUIDE-REQ), reproduced exactly, and its defects
    (docs/spec.md#seed) caught by the checker."""

    PAIRS: ClassVar[list[tuple[str, str]]] = [(n, v) for n, v in SEED["params"]]

    def test_get_url(self) -> None:
        assert "https://email.us-west-2.amazonaws.com?" + form_encode(self.PAIRS) == SEED["get_url"]

    def test_post_body(self) -> None:
        body = form_encode(self.PAIRS)
        assert body == SEED["post_body"]
        assert len(body) == SEED["post_content_length"]

    def test_body_decodes_to_the_params(self) -> None:
        assert form_decode(SEED["post_body"], strict=True) == self.PAIRS

    def test_html2_encoding_the_guide_links(self) -> None:
        defect = next(d for d in SEED["defects"] if d["id"] == "html2-form-encoding")
        assert form_encode(self.PAIRS, style="html2") == defect["html2_body"]
        assert form_decode(defect["html2_body"]) == self.PAIRS

    def test_post_request_parses_as_given(self) -> None:
        req = parse_request(SEED["post_request"].encode("ascii"))
        assert req.body.decode("ascii") == SEED["post_body"]
        assert req.header("Content-Length") == "230"

    @pytest.mark.parametrize(
        "defect",
        [pytest.param(d, id=d["id"]) for d in SEED["defects"] if d["rules"]],
    )
    def test_defect_is_caught(self, defect: dict[str, Any]) -> None:
        raw: bytes
        if "sample_pairs" in defect:
            body = form_encode([(n, v) for n, v in defect["sample_pairs"]])
            raw = (
                "POST / HTTP/1.1\r\nHost: email.us-west-2.amazonaws.com\r\n"
                f"Content-Type: {FORM_CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\n\r\n{body}"
            ).encode("ascii")
        elif defect["id"] == "x-amzn-authorization-required":
            raw = (
                "POST / HTTP/1.1\r\nHost: email.us-west-2.amazonaws.com\r\n"
                "Date: Thu, 26 May 2011 06:49:50 GMT\r\n"
                "X-Amzn-Authorization: AWS3-HTTPS AWSAccessKeyId=AKIDEXAMPLE, "
                "Algorithm=HmacSHA256, Signature=j3WN9J9PQ31WdFY2X94SVi7RXHBV3GThDplNNxRd7ao=\r\n"
                f"Content-Type: {FORM_CONTENT_TYPE}\r\n"
                f"Content-Length: {len(SEED['post_body'])}\r\n\r\n{SEED['post_body']}"
            ).encode("ascii")
        else:
            raw = SEED["post_request"].encode("ascii")
        found = {f.rule for f in check(raw, tls=True)}
        assert set(defect["rules"]) <= found


def _case_params() -> list[Any]:
    return [pytest.param(c, id=c["id"], marks=pytest.mark.suite(SUITE)) for c in SES["cases"]]


def _ctx(case: dict[str, Any]) -> dict[str, Any]:
    return {**SES["context"], **case["context"]}


def _time(ctx: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(ctx["time"].replace("Z", "+00:00"))


def _params(value: Any) -> Any:
    """The case's params as Python values: {"$text": ...} is a blob, {"$time": ...} a time."""
    if isinstance(value, dict):
        if set(value) == {"$text"}:
            return value["$text"].encode("utf-8")
        if set(value) == {"$time"}:
            return dt.datetime.fromisoformat(value["$time"].replace("Z", "+00:00"))
        return {k: _params(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_params(v) for v in value]
    return value


@pytest.mark.parametrize("case", _case_params())
def test_flatten_matches_botocore(case: dict[str, Any]) -> None:
    """The same pairs, and (Python urlencode style) the same bytes for each. Order carries no
    meaning (docs/spec.md#param-order): sesspec writes model member order, botocore the caller's
    dict order, so the body is compared with sesspec's pairs put in botocore's order."""
    pairs = flatten(case["operation"], _params(case["params"]))
    assert pairs[:2] == [("Action", case["operation"]), ("Version", "2010-12-01")]
    assert sorted(pairs) == sorted((n, v) for n, v in case["pairs"])
    ours = dict(pairs)
    in_their_order = [(n, ours[n]) for n, _ in case["pairs"]]
    assert form_encode(in_their_order, style="python-urlencode") == case["botocore_body"]
    assert unflatten(form_decode(case["botocore_body"])).params == _params(case["params"])


@pytest.mark.parametrize("case", _case_params())
def test_header_signature_stages(case: dict[str, Any]) -> None:
    """SigV4 header signing of botocore's body: canonical request, string to sign, signature
    and Authorization, in that order, as botocore computed them and awscrt confirmed."""
    ctx = _ctx(case)
    req = RawRequest(
        "POST",
        "/",
        headers=(("Host", ctx["host"]), ("Content-Type", FORM_CONTENT_TYPE)),
        body=case["botocore_body"].encode("ascii"),
    )
    signed = sigv4.sign(
        req,
        access_key_id=ctx["access_key_id"],
        secret_access_key=ctx["secret_access_key"],
        session_token=ctx.get("session_token"),
        region=ctx["region"],
        time=_time(ctx),
    )
    expected = case["sigv4_header"]
    assert signed.canonical_request == expected["canonical_request"]
    assert signed.string_to_sign == expected["string_to_sign"]
    assert signed.signature == expected["signature"]
    assert signed.request.header("Authorization") == expected["authorization"]
    assert signed.request.header("Authorization") == case["awscrt_authorization"]


@pytest.mark.parametrize("case", _case_params())
def test_presigned_get(case: dict[str, Any]) -> None:
    """The presigned GET (the body moved into the query, docs/spec.md#sigv4-presigned): same
    canonical request, string to sign and signature as botocore's SigV4QueryAuth and awscrt."""
    ctx = _ctx(case)
    expected = case["sigv4_presigned_get"]
    url = urlsplit(expected["url"])
    operation_query = url.query.split("&X-Amz-Algorithm=", 1)[0]
    req = RawRequest("GET", f"/?{operation_query}", headers=(("Host", ctx["host"]),))
    signed = sigv4.presign(
        req,
        access_key_id=ctx["access_key_id"],
        secret_access_key=ctx["secret_access_key"],
        session_token=ctx.get("session_token"),
        region=ctx["region"],
        time=_time(ctx),
        config=sigv4.SigningConfig(expiration_in_seconds=SES["presign_expires"]),
    )
    assert signed.canonical_request == expected["canonical_request"]
    assert signed.string_to_sign == expected["string_to_sign"]
    assert signed.signature == expected["signature"]
    assert expected["awscrt_url"].endswith(f"X-Amz-Signature={signed.signature}")
    creds = Credentials(ctx["access_key_id"], ctx["secret_access_key"], ctx.get("session_token"))
    assert sigv4.verify(
        signed.request, secret_access_key=creds.secret_access_key, now=_time(ctx)
    ).ok


def _botocore_post(case: dict[str, Any]) -> RawRequest:
    """The header-signed POST as botocore sent it: its body and the headers it signed with the
    values it wrote (cases.json records them), Authorization last."""
    ctx = _ctx(case)
    header = case["sigv4_header"]
    headers = [
        ("Content-Type", FORM_CONTENT_TYPE),
        ("Host", ctx["host"]),
        ("X-Amz-Date", header["x_amz_date"]),
    ]
    if ctx.get("session_token"):
        headers.append(("X-Amz-Security-Token", ctx["session_token"]))
    headers.append(("Authorization", header["authorization"]))
    return RawRequest("POST", "/", headers=tuple(headers), body=case["botocore_body"].encode())


def _botocore_presigned(case: dict[str, Any]) -> RawRequest:
    """The presigned GET: botocore's URL, sent to its host."""
    url = urlsplit(case["sigv4_presigned_get"]["url"])
    return RawRequest("GET", f"{url.path}?{url.query}", headers=(("Host", url.netloc),))


_SIGNED_BY_BOTOCORE = {"post": _botocore_post, "presigned": _botocore_presigned}


def _signed_params(label: str, kinds: tuple[str, ...] = ("",)) -> list[Any]:
    """(case, form) params, or (case, form, kind) with ``kinds``; counted as ``label``."""
    mark = pytest.mark.suite(f"{SUITE}: {label}")
    return [
        pytest.param(
            c,
            form,
            *([kind] if kind else []),
            id=f"{c['id']}/{form}{kind and '/'}{kind}",
            marks=mark,
        )
        for c in SES["cases"]
        for form in _SIGNED_BY_BOTOCORE
        for kind in kinds
    ]


@pytest.mark.parametrize(("case", "form"), _signed_params("verify"))
def test_botocore_signed_verifies(case: dict[str, Any], form: str) -> None:
    """What botocore signed (awscrt agreeing) verifies with sesspec's verifier, at its time,
    with the canonical request botocore computed."""
    req = _SIGNED_BY_BOTOCORE[form](case)
    ctx = _ctx(case)
    result = sigv4.verify(req, secret_access_key=ctx["secret_access_key"], now=_time(ctx))
    assert result.ok, result.reason
    expected = case["sigv4_header"] if form == "post" else case["sigv4_presigned_get"]
    assert result.canonical_request == expected["canonical_request"]
    assert result.given_signature == expected["signature"]


@pytest.mark.parametrize(("case", "form", "kind"), _signed_params("verify tampered", _tamper.KINDS))
def test_botocore_signed_tampered_is_refused(case: dict[str, Any], form: str, kind: str) -> None:
    """One byte changed (tests/_tamper.py): refused by the signature comparison."""
    req = _SIGNED_BY_BOTOCORE[form](case)
    tampered = _tamper.sigv4(req, kind)
    assert tampered != req
    ctx = _ctx(case)
    result = sigv4.verify(tampered, secret_access_key=ctx["secret_access_key"], now=_time(ctx))
    assert not result.ok
    assert result.expected_signature is not None, result.reason
    assert result.expected_signature != result.given_signature


def test_generator_versions_recorded() -> None:
    assert set(SES["generator"]) == {"botocore", "awscrt"}
    assert len(SES["cases"]) >= 40


def test_cases_match_generator(tmp_path: Path) -> None:
    """vectors/ses/cases.json is exactly what scripts/gen_ses_vectors.py writes, with the
    botocore and awscrt it records (pinned in pyproject.toml's test extras)."""
    botocore = pytest.importorskip("botocore")
    awscrt_version = importlib.metadata.version("awscrt")
    installed = {"botocore": botocore.__version__, "awscrt": awscrt_version}
    assert installed == SES["generator"], (
        f"vectors/ses was generated with {SES['generator']}, installed: {installed}; install "
        "the test extras (pip install -e '.[test]') or regenerate the vectors"
    )
    out = tmp_path / "cases.json"
    with out.open("wb") as fh:
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "gen_ses_vectors.py")],
            check=True,
            stdout=fh,
            cwd=tmp_path,
        )
    assert out.read_bytes() == (REPO / "vectors" / "ses" / "cases.json").read_bytes()
