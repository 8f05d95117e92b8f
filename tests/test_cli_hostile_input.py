"""The command line under hostile input: one line and exit 2 for what it cannot use, never a
traceback; ``check`` on empty, unreadable and huge inputs; credentials from the environment; and,
drawn by hypothesis, every command run in-process with hostile argv and stdin writes either its
output or one line.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from sesspec import cli
from sesspec.check import check
from sesspec.errors import (
    SigningError,
)
from sesspec.http import DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_HEADERS, RawRequest, parse_request
from sesspec.request import build_request, sign
from sesspec.signing import sigv2, sigv4
from tests._hostile import (
    AKID,
    BROKEN,
    CLEAN,
    CREDS,
    DIGITS,
    FORMS,
    REQUESTS,
    SECRET,
    TOKEN,
    WHEN,
    BrokenPipeBuffer,
    assert_one_line_exit_2,
    get,
    outcome,
    post,
    run,
    stdio,
)
from tests._hypothesis import examples


@pytest.mark.parametrize("over", [False, True], ids=["64KiB", "64KiB-plus-1"])
def test_sign_refuses_a_head_past_what_it_reads(over: bool) -> None:
    """SigV2 writes a GET's query again, escaped (a raw '%' becomes %25): a header section of
    exactly DEFAULT_MAX_HEADER_SIZE is written and reads back, one byte more is refused."""
    kwargs: dict[str, Any] = {
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "time": WHEN,
    }

    def request(pad: str) -> RawRequest:
        return parse_request(f"GET /?a={pad} HTTP/1.1\r\nHost: h\r\n\r\n".encode())

    def section(pad: str) -> int:  # request line and header lines, as the parser counts them
        return len(sigv2.sign(request(pad), **kwargs).request.to_bytes()) - 2

    # The signature's base64 escapes to a length of its own, so the padding is found by trying.
    room = DEFAULT_MAX_HEADER_SIZE - section("")
    pads = ("%" * (room // 3 - less) + "x" * extra for less in range(9) for extra in range(24))
    pad = next(p for p in pads if section(p) == DEFAULT_MAX_HEADER_SIZE + over)
    if over:
        with pytest.raises(SigningError) as info:
            sign(request(pad), scheme="sigv2", region="us-east-1", **kwargs)
        assert info.value.kind == "limit"
    else:
        signed = sign(request(pad), scheme="sigv2", region="us-east-1", **kwargs)
        assert parse_request(signed.to_bytes()) == signed


class TestCommandLineInputs:
    """The hostile inputs of the core and the checker: one line, exit 2."""

    @pytest.mark.parametrize(
        "stdin",
        [
            b'{"Source": "\xff"}',
            b"\xc3\x28",
            b"[" * 100_000,
            b'{"a":' * 100_000,
            b'{"MaxItems": ' + b"9" * 5000 + b"}",
            b'{"MaxItems": -' + b"9" * 101 + b"}",
        ],
        ids=[
            "invalid-utf8-value",
            "invalid-utf8",
            "deep-list",
            "deep-object",
            "5000-digits",
            "101-digits",
        ],
    )
    def test_flatten(self, stdin: bytes) -> None:
        code, out, err = run(["flatten", "ListIdentities"], stdin)
        assert_one_line_exit_2(code, err)
        assert out == b""

    @pytest.mark.parametrize(
        "stdin",
        [
            b"Action=ListIdentities&MaxItems=" + b"9" * 5000,
            b"Action=ListIdentities&NextToken=%FF%FE&MaxItems=" + b"1" * 101,
        ],
    )
    def test_unflatten(self, stdin: bytes) -> None:
        code, _, err = run(["unflatten"], stdin)
        assert_one_line_exit_2(code, err)

    def test_unflatten_invalid_utf8(self) -> None:
        code, out, _ = run(["unflatten"], b"Action=ListIdentities&NextToken=\xff%FE")
        assert code == 0  # lenient: U+FFFD, as WHATWG decodes
        assert json.loads(out)["NextToken"] == "\ufffd\ufffd"
        code, _, err = run(["unflatten", "--strict"], b"Action=ListIdentities&NextToken=%FF")
        assert_one_line_exit_2(code, err)
        assert "invalid UTF-8" in err

    @pytest.mark.parametrize("argv", [["flatten", "SendEmail"], ["unflatten"], ["sign", *CREDS]])
    def test_closed_stdin(self, argv: list[str]) -> None:
        code, out, err = run(argv, None)
        assert_one_line_exit_2(code, err)
        assert "stdin is closed" in err
        assert out == b""

    def test_stdin_that_cannot_be_read(self) -> None:
        closed = io.TextIOWrapper(io.BytesIO(b"x"))
        closed.close()
        with (
            stdio(b"", io.TextIOWrapper(io.BytesIO()), None) as err,
            mock.patch.object(sys, "stdin", closed),
        ):
            code = cli.main(["unflatten"])
            err.flush()
            assert_one_line_exit_2(code, err.buffer.getvalue().decode())  # type: ignore[attr-defined]

    def test_stdin_over_the_limit(self) -> None:
        with mock.patch.object(cli._common, "MAX_STDIN_BYTES", 10):
            code, _, err = run(["unflatten"], b"Action=ListIdentities")
        assert_one_line_exit_2(code, err)

    @pytest.mark.parametrize("url", ["http://[::1", "https://[email.us-east-1.amazonaws.com/?a"])
    def test_malformed_url(self, url: str) -> None:
        code, _, err = run(["check", url])
        assert_one_line_exit_2(code, err)
        assert "not a URL" in err
        code, out, _ = run(["check", "--format", "json", url, str(CLEAN)])
        assert code == 2
        first, second = json.loads(out)
        assert url in first["source"]
        assert "not a URL" in first["error"]
        assert second["source"] == str(CLEAN)

    @pytest.mark.parametrize(
        ("flag", "value"),
        [
            ("--time", "0001-01-01T00:00:00+14:00"),
            ("--time", "9999-12-31T23:59:59-14:00"),
            ("--time", "99999999T999999Z"),
            ("--time", "2026-13-01T00:00:00Z"),
        ],
    )
    def test_time_out_of_range(self, flag: str, value: str) -> None:
        code, _, err = run(["sign", *CREDS, flag, value], post(b"Action=GetSendQuota"))
        assert_one_line_exit_2(code, err)
        code, _, err = run(["check", "--now", value, str(CLEAN)])
        assert_one_line_exit_2(code, err)

    def test_time_at_the_edges(self) -> None:
        for value in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T23:59:59+14:00"):
            code, out, err = run(["sign", *CREDS, "--time", value], post(b"Action=GetSendQuota"))
            assert code == 0, err
            assert parse_request(out).header("Authorization") is not None

    @pytest.mark.parametrize("expires", ["0", "-1", "9" * 5000, "1e5"])
    def test_bad_expires(self, expires: str) -> None:
        argv = ["sign", *CREDS, "--scheme", "sigv4-query", "--expires", expires]
        code, _, err = run(argv, post(b"Action=GetSendQuota"))
        assert code == 2
        assert "Traceback" not in err


# --- 3. the check command: complete documents, exit status, broken pipes ------------------------


class TestCheckCommand:
    def test_empty_folder(self, tmp_path: Path) -> None:
        code, out, err = run(["check", str(tmp_path)])
        assert_one_line_exit_2(code, err)
        assert "no request found" in err
        code, out, _ = run(["check", "--format", "json", str(tmp_path)])
        assert code == 2
        assert json.loads(out) == []
        code, out, _ = run(["check", "--format", "junit", str(tmp_path)])
        assert code == 2
        assert etree.fromstring(out).get("tests") == "0"

    def _inputs(self, tmp_path: Path) -> list[str]:
        truncated = tmp_path / "truncated.jsonl"
        truncated.write_text('{"raw": "R0VUIC8g"}\n{"raw": "***"}\n')  # second line unreadable
        return [str(CLEAN), str(tmp_path / "missing.http"), str(truncated), str(BROKEN)]

    def test_json_stays_a_document(self, tmp_path: Path) -> None:
        argv = ["check", "--format", "json", *CREDS, "--now", "2026-11-26T05:49:17Z"]
        code, out, _ = run([*argv, *self._inputs(tmp_path)])
        doc = json.loads(out)
        assert code == 2  # unreadable inputs (2 wins over BROKEN's 1): entries, not the end
        assert [("error" in d, d["source"]) for d in doc] == [
            (False, str(CLEAN)),
            (True, str(tmp_path / "missing.http")),
            (False, f"{tmp_path / 'truncated.jsonl'}:1"),
            (True, f"{tmp_path / 'truncated.jsonl'}:2"),
            (False, str(BROKEN)),
        ]

    def test_junit_stays_a_document(self, tmp_path: Path) -> None:
        argv = ["check", "--format", "junit", *CREDS, "--now", "2026-11-26T05:49:17Z"]
        code, out, _ = run([*argv, *self._inputs(tmp_path)])
        assert code == 2
        suite = etree.fromstring(out)
        # truncated.jsonl:1 is "GET / " (HTTP001) and BROKEN has AUTH018: two failures.
        assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "2", "2")
        assert len(suite.findall("testcase/error")) == 2

    def test_text_reports_and_goes_on(self, tmp_path: Path) -> None:
        code, out, err = run(
            ["check", *CREDS, "--now", "2026-11-26T05:49:17Z", *self._inputs(tmp_path)]
        )
        assert code == 2
        assert out.decode().count(": FAIL\n") == 2
        assert err.count("\n") == 2
        assert "Traceback" not in err

    def test_unreadable_alone_is_exit_2(self, tmp_path: Path) -> None:
        code, _, err = run(["check", str(CLEAN), str(tmp_path / "missing.http")])
        assert code == 2
        assert "No such file" in err

    @pytest.mark.parametrize("fmt", ["text", "json", "junit"])
    @pytest.mark.parametrize("keep", [0, 10])
    def test_broken_pipe_keeps_the_verdict(self, fmt: str, keep: int) -> None:
        buffer = BrokenPipeBuffer(keep)
        stdout = io.TextIOWrapper(io.BufferedWriter(buffer, buffer_size=1), write_through=True)
        argv = ["check", "--format", fmt, *CREDS, "--now", "2026-11-26T05:49:17Z"]
        # The failing request comes after the pipe broke: it is still checked.
        code, _, err = run([*argv, str(CLEAN), str(BROKEN)], stdout=stdout)
        assert code == 1
        assert err == ""
        code, _, err = run(
            [*argv, str(CLEAN)], stdout=io.TextIOWrapper(io.BufferedWriter(BrokenPipeBuffer(0)))
        )
        assert code == 0
        assert err == ""

    def test_stdout_closed(self) -> None:
        with stdio(b"", None, None) as err:  # sys.stdout is None: started with >&-
            code = cli.main(["check", *CREDS, "--now", "2026-11-26T05:49:17Z", str(BROKEN)])
            assert code == 1
            err.flush()
            assert err.buffer.getvalue() == b""  # type: ignore[attr-defined]

    def test_control_characters_escaped(self, tmp_path: Path) -> None:
        # A parameter name with ESC [31m and a bare CR, percent-encoded in the body, and a
        # file name with a newline.
        path = tmp_path / "evil\n\x1b[2J.http"
        path.write_bytes(post(b"Action=ListIdentities&X%1B%5B31m%0D=1"))
        for fmt in ("text", "json", "junit"):
            code, out, _ = run(["check", "--format", fmt, str(path)])
            assert code == 1
            assert b"\x1b" not in out
            assert b"\r" not in out
        _, out, _ = run(["check", "--format", "junit", str(path)])
        etree.fromstring(out)  # XML 1.0 has no place for ESC: it parses only if escaped
        _, out, _ = run(["check", str(path)])
        assert "param X\\x1b[31m\\r" in out.decode()
        assert "evil\\n\\x1b[2J.http: FAIL" in out.decode()

    def test_findings_escape_every_control(self) -> None:
        raw = get(b"Action=ListIdentities&%00%07%7F%C2%85%E2%80%8B%ED%B2%B2=1")
        for f in check(raw):
            for text in (f.message, str(f.location), f.detail.replace("\n", "")):
                assert text.isprintable(), (f.rule, text)


# --- 4. secrets ----------------------------------------------------------------------------------


class TestEnvironmentCredentials:
    ENV: ClassVar[dict[str, str]] = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET}

    def test_sign_from_the_environment(self) -> None:
        argv = ["sign", "--time", "20261126T064950Z"]
        code, out, err = run(
            argv, post(b"Action=GetSendQuota"), env={**self.ENV, "AWS_SESSION_TOKEN": TOKEN}
        )
        assert code == 0, err
        signed = parse_request(out)
        assert signed.header("X-Amz-Security-Token") == TOKEN
        assert sigv4.verify(signed, secret_access_key=SECRET, now=None).ok

    def test_flags_win(self) -> None:
        env = {
            "AWS_ACCESS_KEY_ID": "AKIDENV",
            "AWS_SECRET_ACCESS_KEY": "env-secret",
            "AWS_SESSION_TOKEN": "env-token",
        }
        code, out, _ = run(
            ["sign", *CREDS, "--time", "20261126T064950Z"], post(b"Action=GetSendQuota"), env=env
        )
        assert code == 0
        signed = parse_request(out)
        assert sigv4.verify(signed, secret_access_key=SECRET, now=None).ok
        # The environment's token belongs to the environment's key, not to the flags' key.
        assert signed.header("X-Amz-Security-Token") is None
        code, out, _ = run(
            ["sign", "--secret-access-key", SECRET, "--time", "20261126T064950Z"],
            post(b"Action=GetSendQuota"),
            env={"AWS_ACCESS_KEY_ID": AKID},
        )
        assert code == 0
        assert f"Credential={AKID}/".encode() in out

    def test_no_credentials(self) -> None:
        code, _, err = run(["sign"], post(b"Action=GetSendQuota"))
        assert_one_line_exit_2(code, err)
        assert "AWS_ACCESS_KEY_ID" in err

    def test_check_from_the_environment(self) -> None:
        argv = ["check", "--format", "json", "--now", "2026-11-26T05:49:17Z", str(CLEAN)]
        code, out, _ = run(argv, env=self.ENV)
        assert code == 0
        assert "AUTH019" in {f["rule"] for f in json.loads(out)[0]["findings"]}
        code, out, _ = run(argv)
        assert "AUTH020" in {f["rule"] for f in json.loads(out)[0]["findings"]}


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    # up to 4,000 digits: json.dumps can still write them (Python's limit is 4,300)
    | st.integers(min_value=0, max_value=4000).map(lambda n: 10**n - 1)
    | st.text(max_size=10),
    _json_containers,
    max_leaves=20,
)
JSON_STDIN = (
    st.dictionaries(
        st.sampled_from(["Source", "Destination", "MaxItems", "Message", "X"]), _JSON_VALUES
    ).map(lambda d: json.dumps(d).encode())
    | st.builds(
        lambda n, c: c * n,
        st.integers(min_value=0, max_value=60_000),
        st.sampled_from([b"[", b'{"a":', b"9"]),
    )
    | st.binary(max_size=200)
)


@examples(40)
@given(
    argv_stdin=st.one_of(
        st.tuples(st.just(["flatten"]).map(lambda a: [*a, "SendEmail"]), JSON_STDIN),
        st.tuples(st.sampled_from([["unflatten"], ["unflatten", "--strict"]]), FORMS),
        st.tuples(
            st.builds(
                lambda scheme, expires, region: [
                    "sign",
                    *CREDS,
                    "--scheme",
                    scheme,
                    "--expires",
                    expires,
                    "--region",
                    region,
                    "--time",
                    "20261126T064950Z",
                ],
                st.sampled_from(["sigv4", "sigv4-query", "aws3", "sigv2"]),
                DIGITS,
                st.sampled_from(["us-east-1", "", "a/b", "us\r\nX: 1", "\u00e9"]),
            ),
            REQUESTS,
        ),
    )
)
def test_command_line_one_line_or_output(argv_stdin: tuple[list[str], bytes]) -> None:
    argv, stdin = argv_stdin
    code, out, err = run(argv, stdin)
    assert code in {0, 2}, err  # never EXIT_INTERNAL (70): no fault of sesspec's own
    if code == 2:
        assert err.count("\n") == 1
        assert out == b""
    if code == 0 and argv[0] == "sign":
        # What was written is a request again, read as sign reads its input: sign writes the
        # target as given (raw bytes stay raw: escaping them would change what was signed).
        # (The signer adds its few header lines to an input that may already hold the most
        # header lines sign reads.)
        signed = parse_request(
            out, body_mode="rest", strict=False, max_headers=DEFAULT_MAX_HEADERS + 8
        )
        assert all("\r" not in v and "\n" not in v for _, v in signed.headers)


@examples(25)
@given(
    raws=st.lists(REQUESTS, min_size=1, max_size=3), fmt=st.sampled_from(["text", "json", "junit"])
)
def test_check_command_complete_documents(raws: list[bytes], fmt: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, raw in enumerate(raws):
            path = Path(folder) / f"{i}.http"
            path.write_bytes(raw)
            paths.append(str(path))
        code, out, err = run(
            ["check", "--format", fmt, *CREDS, "--now", "20261126T064950Z", *paths]
        )
    assert code in {0, 1}, err
    assert "Traceback" not in err
    assert b"\x1b" not in out
    if fmt == "json":
        assert len(json.loads(out)) == len(raws)
    elif fmt == "junit":
        assert etree.fromstring(out).get("tests") == str(len(raws))


@examples(40)
@given(
    akid=st.text(max_size=30),
    secret=st.text(max_size=30),
    token=st.none() | st.text(max_size=30),
    region=st.text(max_size=20),
    scheme=st.sampled_from(["sigv4", "sigv4-query", "aws3", "sigv2"]),
)
def test_sign_paths_refuse_or_write_clean_lines(
    akid: str, secret: str, token: str | None, region: str, scheme: str
) -> None:
    got = outcome(
        lambda: build_request(
            "GetSendQuota",
            access_key_id=akid,
            secret_access_key=secret,
            session_token=token,
            region=region,
            time=WHEN,
            scheme=scheme,  # type: ignore[arg-type]
        ),
        SigningError,
    )
    if isinstance(got, SigningError):
        assert got.kind in {"credentials", "header", "scope"}
        for value in (secret, token):
            # An error never echoes a secret; it may name the region or the key id, which
            # hypothesis can draw holding the secret's text (region = secret = '000/').
            if value and len(value) >= 4 and value not in region and value not in akid:
                assert value not in str(got)
        return
    assert akid
    assert secret
    wire = got.to_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0]
    # Exactly the lines sesspec meant to write: parsed back, no more headers than line breaks.
    assert len(parse_request(wire).headers) == head.count(b"\r\n")
