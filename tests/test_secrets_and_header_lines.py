"""Secrets are never printed (reprs, errors, findings, output), and no value becomes a header
line with a CR, LF or NUL in it (RFC 9110 5.5: invalid in a field value).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sesspec.check import Credentials, check
from sesspec.errors import (
    SigningError,
)
from sesspec.http import RawRequest, parse_request
from sesspec.request import Scheme, build_request, sign
from sesspec.signing import sigv4
from tests._hostile import (
    AKID,
    CREDS,
    HOST,
    SECRET,
    TOKEN,
    WHEN,
    assert_one_line_exit_2,
    post,
    presigned,
    run,
)


class TestSecrets:
    def test_credentials_repr(self) -> None:
        text = repr(Credentials(AKID, SECRET, TOKEN))
        assert SECRET not in text
        assert TOKEN not in text
        assert AKID in text
        # a token is there, masked; no token reads None
        assert "session_token=<secret>)" in text
        assert "session_token=None)" in repr(Credentials(AKID, SECRET))

    def test_signer_repr(self) -> None:
        signer = sigv4.Signer(
            access_key_id=AKID, secret_access_key=SECRET, region="us-east-1", session_token=TOKEN
        )
        assert SECRET not in repr(signer)
        assert TOKEN not in repr(signer)

    def _assert_no_token(self, raw: bytes, creds: Credentials) -> None:
        findings = check(raw, credentials=creds, now=WHEN)
        assert "AUTH018" in [f.rule for f in findings], [f.rule for f in findings]
        encoded = TOKEN.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")
        dumped = json.dumps([f.as_dict() for f in findings])
        for text in (dumped, "\n".join(f.detail for f in findings)):
            assert TOKEN not in text
            assert encoded not in text
            assert "<secret>" in text

    def test_token_masked_in_header_diff(self) -> None:
        signed = build_request(
            "GetSendQuota",
            access_key_id=AKID,
            secret_access_key=SECRET,
            session_token=TOKEN,
            region="us-east-1",
            time=WHEN,
        )
        # Sent with other bytes than signed: the "no known mistake" detail shows the spec's
        # canonical request, which signs x-amz-security-token.
        raw = signed.to_bytes().replace(b"GetSendQuota", b"GetSendQuotb")
        self._assert_no_token(raw, Credentials(AKID, SECRET))

    def test_token_masked_in_query_diff(self) -> None:
        raw = presigned("3600", token=TOKEN).replace(b"Version=2010-12-01", b"Version=2010-12-02")
        self._assert_no_token(raw, Credentials(AKID, SECRET))

    def test_token_masked_on_the_command_line(self, tmp_path: Path) -> None:
        path = tmp_path / "r.http"
        path.write_bytes(presigned("3600", token=TOKEN).replace(b"GetSendQuota", b"GetSendQuotb"))
        for fmt in ("text", "json", "junit"):
            argv = ["check", "--format", fmt, *CREDS, "--now", "20261126T064950Z", str(path)]
            code, out, _ = run(argv)
            assert code == 1
            assert b"AUTH018" in out
            assert TOKEN.encode() not in out
            assert b"FQoGZXIvYXdzEXAMPLETOKEN" not in out

    def test_errors_never_echo_secrets(self) -> None:
        secret = "wJalrXUtnFEMI/K7MDENG\nbPxRfiCYEXAMPLEKEY"
        token = "TOKEN-WITH-NUL\x00-INSIDE"
        for kwargs in ({"secret_access_key": secret}, {"session_token": token}):
            args = {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None}
            args.update(kwargs)
            for scheme in ("sigv4", "sigv4-query", "aws3", "sigv2"):
                with pytest.raises(SigningError) as info:
                    sign(
                        parse_request(post(b"Action=GetSendQuota")),
                        scheme=scheme,
                        region="us-east-1",
                        time=WHEN,
                        **args,  # type: ignore[arg-type]
                    )
                assert info.value.kind == "credentials"
                assert "EXAMPLEKEY" not in str(info.value)
                assert "INSIDE" not in str(info.value)
        code, _, err = run(
            ["sign", "--access-key-id", AKID, "--secret-access-key", secret],
            post(b"Action=GetSendQuota"),
        )
        assert_one_line_exit_2(code, err)
        assert "EXAMPLEKEY" not in err


HEADER_INJECTIONS = ["us-east-1\r\nX-Evil: 1", "us-east-1\nX-Evil: 1", "a\x00b", "a\rb", "\x7f"]


class TestHeaderInjection:
    """RFC 9110 5.5: CR, LF and NUL are invalid in a field value; nothing sesspec writes into a
    header line may hold a control character (a parsed request's obs-folds are one SP in its
    values)."""

    @pytest.mark.parametrize("value", HEADER_INJECTIONS)
    @pytest.mark.parametrize("scheme", ["sigv4", "sigv4-query", "aws3", "sigv2"])
    @pytest.mark.parametrize("where", ["region", "session_token", "access_key_id", "host"])
    def test_build_request_refuses(self, value: str, scheme: str, where: str) -> None:
        kwargs: dict[str, Any] = {
            "access_key_id": AKID,
            "secret_access_key": SECRET,
            "region": "us-east-1",
            "time": WHEN,
            "scheme": scheme,
        }
        kwargs[where] = value
        if where == "region" and scheme in {"aws3", "sigv2"}:
            kwargs["host"] = None  # the region still makes the Host header
        with pytest.raises(SigningError) as info:
            build_request("GetSendQuota", **kwargs)
        assert info.value.kind in {"header", "credentials", "scope"}

    @pytest.mark.parametrize("value", [*HEADER_INJECTIONS, "", "a/b"])
    def test_service_refused(self, value: str) -> None:
        req = parse_request(post(b"Action=GetSendQuota"))
        creds: dict[str, Any] = {"access_key_id": AKID, "secret_access_key": SECRET}
        with pytest.raises(SigningError):
            sigv4.sign(req, region="us-east-1", service=value, time=WHEN, **creds)
        with pytest.raises(SigningError):
            sigv4.presign(
                req,
                region="us-east-1",
                service=value,
                time=WHEN,
                **creds,
                config=sigv4.SigningConfig(expiration_in_seconds=60),
            )
        with pytest.raises(SigningError):
            sigv4.Signer(region="us-east-1", service=value, **creds)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("User-Agent", "x\r\nX-Evil: 1"),
            ("User-Agent", "x\r\n\r\nbody"),
            ("User-Agent", "x\n"),
            ("User-Agent", "x\r\n folded"),
            ("X-Amz-Meta", "x\x00"),
            ("Bad:Name", "x"),
            ("Bad\r\nName", "x"),
            ("", "x"),
            ("Host", f"{HOST}\r\nX-Evil: 1"),
        ],
    )
    def test_header_lines_refused_by_every_signer(self, name: str, value: str) -> None:
        req = RawRequest(
            "POST",
            "/",
            headers=(("Host", HOST), (name, value), ("Content-Length", "0")),
        )
        for scheme in ("sigv4", "sigv4-query", "aws3", "sigv2"):
            with pytest.raises(SigningError) as info:
                sign(
                    req,
                    scheme=scheme,
                    access_key_id=AKID,
                    secret_access_key=SECRET,
                    region="us-east-1",
                    time=WHEN,
                )
            assert info.value.kind == "header", scheme
        signer = sigv4.Signer(access_key_id=AKID, secret_access_key=SECRET, region="us-east-1")
        with pytest.raises(SigningError):
            signer.sign(req, WHEN)

    def test_obs_fold_still_signs(self) -> None:
        # aws-c-auth get-header-value-multiline: a value folded over two lines.
        raw = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nMy-Header1: value1\r\n  value2\r\n\r\n".encode()
        req = parse_request(raw)
        assert req.header("My-Header1") == "value1 value2"
        signed = sigv4.sign(
            req,
            access_key_id=AKID,
            secret_access_key=SECRET,
            region="us-east-1",
            time=WHEN,
            config=sigv4.SigningConfig(signed_headers=["my-header1"]),
        )
        assert "my-header1:value1 value2\n" in signed.canonical_request

    @pytest.mark.parametrize("scheme", ["sigv4", "sigv4-query", "aws3", "sigv2"])
    @pytest.mark.parametrize("which", ["access_key_id", "secret_access_key", "session_token"])
    def test_empty_credentials_refused(self, scheme: Scheme, which: str) -> None:
        kwargs: dict[str, Any] = {"access_key_id": AKID, "secret_access_key": SECRET}
        kwargs[which] = ""
        with pytest.raises(SigningError) as info:
            build_request("GetSendQuota", region="us-east-1", time=WHEN, scheme=scheme, **kwargs)
        assert info.value.kind == "credentials"
        assert "empty" in info.value.message

    def test_empty_credentials_on_the_command_line(self) -> None:
        code, _, err = run(
            ["sign", "--access-key-id", "", "--secret-access-key", SECRET],
            post(b"Action=GetSendQuota"),
        )
        assert_one_line_exit_2(code, err)

    def test_region_with_crlf_on_the_command_line(self) -> None:
        code, out, err = run(
            ["sign", *CREDS, "--region", "us\r\nX-Evil: 1"], post(b"Action=GetSendQuota")
        )
        assert_one_line_exit_2(code, err)
        assert out == b""
        code, out, err = run(
            ["sign", *CREDS, "--session-token", "t\r\nX-Evil: 1"], post(b"Action=GetSendQuota")
        )
        assert_one_line_exit_2(code, err)
        assert out == b""
