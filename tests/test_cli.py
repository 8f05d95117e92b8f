"""The ``sesspec`` command line: flatten, unflatten, sign, check (every input kind and output
format), rules. Exit status 0 clean, 1 error finding (check), 2 unusable input."""

from __future__ import annotations

import base64
import io
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any, ClassVar

import pytest
from lxml import etree

from sesspec.check.catalogue import RULES
from sesspec.check.sources import iter_sources
from sesspec.cli import main
from sesspec.encoding import form_decode
from sesspec.http import parse_request
from sesspec.signing import aws3, sigv2, sigv4
from tests._support import REPO

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CREDS = ["--access-key-id", AKID, "--secret-access-key", SECRET]
SAMPLES = REPO / "vectors" / "checker"
NOW = ["--now", "2026-11-26T05:49:17Z"]
CLEAN = SAMPLES / "AUTH018" / "pass-botocore-post.http"
BROKEN = SAMPLES / "AUTH018" / "fail-encodeuricomponent-parens.http"


def run(
    argv: list[str],
    stdin: bytes,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # sign and check read them (flags win)
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


class TestFlattenUnflatten:
    PARAMS: ClassVar[dict[str, Any]] = {
        "Source": "a+b@example.com",
        "Destination": {"ToAddresses": ["x@example.com"]},
        "Message": {"Subject": {"Data": "Hi (there)"}, "Body": {"Text": {"Data": "b"}}},
    }

    def test_flatten_canonical(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, _ = run(
            ["flatten", "SendEmail"], json.dumps(self.PARAMS).encode(), capsys, monkeypatch
        )
        assert code == 0
        assert out == (
            "Action=SendEmail&Version=2010-12-01&Source=a%2Bb%40example.com"
            "&Destination.ToAddresses.member.1=x%40example.com"
            "&Message.Subject.Data=Hi%20%28there%29&Message.Body.Text.Data=b\n"
        )

    def test_flatten_style(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        argv = ["flatten", "SendEmail", "--style", "js-encodeuricomponent"]
        code, out, _ = run(argv, json.dumps(self.PARAMS).encode(), capsys, monkeypatch)
        assert code == 0
        assert "Message.Subject.Data=Hi%20(there)" in out

    def test_flatten_blob_is_base64(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        params = {"RawMessage": {"Data": "From: a\r\n\r\nhi"}}
        code, out, _ = run(
            ["flatten", "SendRawEmail"], json.dumps(params).encode(), capsys, monkeypatch
        )
        assert code == 0
        # base64("From: a\r\n\r\nhi") = "RnJvbTogYQ0KDQpoaQ==", '=' escaped
        # (docs/spec.md#param-blob)
        assert out.endswith("RawMessage.Data=RnJvbTogYQ0KDQpoaQ%3D%3D\n")

    @pytest.mark.parametrize("style", ["rfc3986", "python-urlencode"])
    def test_flatten_large_blob(
        self, style: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # 300 KB: the blob is written slice by slice (sesspec._body); the expectation comes
        # from the stdlib's base64 and urllib quote.
        text = "From: a@example.com\r\n\r\n" + "\u00e9t\u00e9 ~/+= " * 30_000
        params = {"RawMessage": {"Data": text}}
        argv = ["flatten", "SendRawEmail", "--style", style]
        code, out, _ = run(argv, json.dumps(params).encode(), capsys, monkeypatch)
        assert code == 0
        b64 = base64.b64encode(text.encode("utf-8")).decode("ascii")
        expected = urllib.parse.quote(b64, safe="")
        assert out == f"Action=SendRawEmail&Version=2010-12-01&RawMessage.Data={expected}\n"

    def test_round_trip(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _, body, _ = run(
            ["flatten", "SendEmail"], json.dumps(self.PARAMS).encode(), capsys, monkeypatch
        )
        code, out, _ = run(["unflatten"], body.encode(), capsys, monkeypatch)
        assert code == 0
        assert json.loads(out) == {"Action": "SendEmail", "Version": "2010-12-01", **self.PARAMS}

    @pytest.mark.parametrize(
        ("argv", "stdin", "message"),
        [
            (["flatten", "SendEmail"], b"not json", "sesspec flatten: stdin: not JSON"),
            (["flatten", "SendEmail"], b"[1]", "the params must be a JSON object"),
            (["flatten", "SendEmail"], b'{"Sourc": "a"}', "unknown member: 'Sourc'"),
            (["unflatten"], b"Action=ListIdentities&MaxItems=x", "not an integer: 'x'"),
            (["unflatten", "--strict"], b"Action=SendEmail&X=%zz", "at offset 19"),
        ],
    )
    def test_bad_input_is_one_line_exit_2(
        self,
        argv: list[str],
        stdin: bytes,
        message: str,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        code, out, err = run(argv, stdin, capsys, monkeypatch)
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert message in err


UNSIGNED = (
    b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
    b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: 38\r\n\r\n"
    b"Action=GetSendQuota&Version=2010-12-01"
)


class TestSign:
    @pytest.mark.parametrize("scheme", ["sigv4", "sigv4-query", "aws3", "sigv2"])
    def test_each_scheme_verifies(
        self, scheme: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        argv = [
            "sign",
            *CREDS,
            "--region",
            "us-east-1",
            "--time",
            "20261126T064950Z",
            "--scheme",
            scheme,
        ]
        code, out, _ = run(argv, UNSIGNED, capsys, monkeypatch)
        assert code == 0
        signed = parse_request(out.encode("utf-8"))
        if scheme.startswith("sigv4"):
            assert sigv4.verify(signed, secret_access_key=SECRET, now=None).ok
        elif scheme == "aws3":
            assert aws3.verify(signed, secret_access_key=SECRET, now=None).ok
        else:
            result = sigv2.verify_params(
                form_decode(signed.body),
                secret_access_key=SECRET,
                method="POST",
                host="email.us-east-1.amazonaws.com",
            )
            assert result.ok

    def test_extended_time_and_token(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        argv = ["sign", *CREDS, "--session-token", "TOKEN", "--time", "2026-11-26T06:49:50Z"]
        code, out, _ = run(argv, UNSIGNED, capsys, monkeypatch)
        assert code == 0
        assert "X-Amz-Date: 20261126T064950Z\r\n" in out
        assert "X-Amz-Security-Token: TOKEN\r\n" in out

    def test_truncated_request(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, _, err = run(["sign", *CREDS], UNSIGNED[:-5], capsys, monkeypatch)
        assert code == 2
        assert err.startswith("sesspec sign: truncated body")
        assert "at byte" in err


class TestCheck:
    def test_clean_request_exit_0(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, _ = run(["check", *CREDS, *NOW, str(CLEAN)], b"", capsys, monkeypatch)
        assert code == 0
        assert f"{CLEAN}: ok" in out
        assert "AUTH019" in out

    def test_mismatch_explained_exit_1(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, _ = run(["check", *CREDS, *NOW, str(BROKEN)], b"", capsys, monkeypatch)
        assert code == 1
        assert "AUTH018 error" in out
        assert "encodeURIComponent" in out
        assert "| --- canonical request the client signed" in out

    def test_json(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, _ = run(
            ["check", "--format", "json", *CREDS, *NOW, str(CLEAN), str(BROKEN)],
            b"",
            capsys,
            monkeypatch,
        )
        assert code == 1
        doc = json.loads(out)
        assert [d["source"] for d in doc] == [str(CLEAN), str(BROKEN)]
        for d in doc:
            for f in d["findings"]:
                assert set(f) >= {"rule", "severity", "message", "location"}
                assert f["rule"] in RULES
        assert "AUTH018" in {f["rule"] for f in doc[1]["findings"]}

    def test_junit(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, _ = run(
            ["check", "--format", "junit", *CREDS, *NOW, str(CLEAN), str(BROKEN)],
            b"",
            capsys,
            monkeypatch,
        )
        assert code == 1
        suite = etree.fromstring(out.encode("utf-8"))
        assert suite.tag == "testsuite"
        assert suite.get("tests") == "2"
        assert suite.get("failures") == "1"
        failures = suite.findall("testcase/failure")
        assert [f.get("type") for f in failures] == ["AUTH018"]

    def test_folder_jsonl_har_and_url(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        folder = tmp_path / "reqs"
        folder.mkdir()
        (folder / "a.http").write_bytes(CLEAN.read_bytes())
        (folder / "ignored.txt").write_text("not a request")
        jsonl = tmp_path / "captures.jsonl"
        record = {"raw": base64.b64encode(BROKEN.read_bytes()).decode(), "tls": False}
        jsonl.write_text(json.dumps(record) + "\n\n")
        har = tmp_path / "session.har"
        req = parse_request(CLEAN.read_bytes())
        entry = {
            "request": {
                "method": "POST",
                "url": "https://email.us-east-1.amazonaws.com/",
                "headers": [{"name": n, "value": v} for n, v in req.headers],
                "postData": {"text": req.body.decode()},
            }
        }
        har.write_text(json.dumps({"log": {"entries": [entry]}}))
        url = "https://email.us-east-1.amazonaws.com/?Action=GetSendQuota&Version=2010-12-01"
        argv = ["check", "--format", "json", *CREDS, *NOW, str(folder), str(jsonl), str(har), url]
        code, out, _ = run(argv, b"", capsys, monkeypatch)
        assert code == 1
        doc = {d["source"]: {f["rule"] for f in d["findings"]} for d in json.loads(out)}
        assert doc[str(folder / "a.http")] == {"AUTH019", "ENC010"}
        assert {"AUTH018", "HTTP002"} <= doc[f"{jsonl}:1"]  # tls false in the capture record
        assert "AUTH019" in doc[f"{har}#entries[0]"]
        assert doc[url] == {"AUTH001"}
        assert len(doc) == 4

    def test_folder_walk_order_and_choice(self, tmp_path: Path) -> None:
        """Folders are read recursively: *.http, *.jsonl and *.har files (any case), in the
        order ``sorted(Path.rglob("*"))`` gives, nothing else."""
        top = tmp_path / "top"
        for rel in ["b.http", "a-c.http", "a/b.http", "a/z/y.HTTP", "a/.http", "a/x.txt",
                    "a.http.bak", "c/d.har.http", "e.HTTP"]:  # fmt: skip
            path = top / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(CLEAN.read_bytes())
        (top / "empty").mkdir()
        expected = [
            str(p)
            for p in sorted(top.rglob("*"))
            if p.suffix.lower() in {".http", ".jsonl", ".har"} and p.is_file()
        ]
        got = [s.name for s in iter_sources([str(top)])]
        assert got == expected
        assert len(got) == 6
        assert all(s.raw == CLEAN.read_bytes() for s in iter_sources([str(top)]))

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (None, "No such file or directory"),
            ('{"raw": "***"}\n', "not a capture record"),
        ],
    )
    def test_unusable_input_exit_2(
        self,
        tmp_path: Path,
        content: str | None,
        message: str,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        path = tmp_path / "x.jsonl"
        if content is not None:
            path.write_text(content)
        code, _, err = run(["check", str(path)], b"", capsys, monkeypatch)
        assert code == 2
        assert message in err

    def test_half_credentials(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, _, err = run(["check", "--access-key-id", AKID, str(CLEAN)], b"", capsys, monkeypatch)
        assert code == 2
        assert "go together" in err


def test_rules_lists_every_rule(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(["rules"], b"", capsys, monkeypatch)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    assert all(RULES[line.split()[0]].citation in line for line in lines)


def test_rules_explain(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule as declared (title, why, the spec's clauses, the sources, SES's answer) and its
    pass and fail samples from vectors/checker/."""
    code, out, _ = run(["rules", "--explain", "auth008"], b"", capsys, monkeypatch)
    assert code == 0
    rule = RULES["AUTH008"]
    assert out.startswith(f"AUTH008  {rule.title}\n")
    assert "SES derives the signing key for its own region" in out
    # What to change in the client, as declared, on the line labelled 'remedy' (wrapped).
    remedy = out[out.index("\nremedy ") + 1 : out.index("\nspec ")]
    assert " ".join(remedy.split()) == f"remedy {rule.remedy}"
    assert "docs/spec.md#auth-region" in out
    assert "https://github.com/nodemailer/nodemailer-ses-transport/issues/10" in out
    assert "SignatureDoesNotMatch (403)" in out
    assert "  fail-wrong-region.http\n" in out
    assert "  pass-region.http\n" in out


def test_rules_explain_unknown_rule(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["rules", "--explain", "AUTH999"], b"", capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert "no rule 'AUTH999'" in err
