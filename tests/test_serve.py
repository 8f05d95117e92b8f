"""The loopback SES endpoint, on 127.0.0.1 only.

Responses are judged by an independent parser (botocore's ``QueryParser`` with botocore's own
SES model); recorded bytes are compared with the bytes a raw socket client sent.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sesspec.check import RULES
from sesspec.serve import (
    SES_NAMESPACE,
    Capture,
    Endpoint,
    SesError,
    error_body,
    load_captures,
    signature_does_not_match,
    success_body,
)
from tests._wire import exchange, run_pytest, sample_capture, ses_client

botocore_session = pytest.importorskip("botocore.session")
botocore_parsers = pytest.importorskip("botocore.parsers")

_SES = botocore_session.get_session().get_service_model("ses")
_OPS = sorted(_SES.operation_names)

_FORM = b"Action=ListIdentities&Version=2010-12-01"


def _query_parse(body: bytes, operation: str, status: int = 200) -> dict[str, Any]:
    op = _SES.operation_model(operation)
    parser = botocore_parsers.QueryParser()
    response = {"body": body, "headers": {}, "status_code": status}
    result: dict[str, Any] = parser.parse(response, op.output_shape)
    return result


@pytest.fixture
def http_endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    with Endpoint(tmp_path / "cap.jsonl", tls=False, timeout=5) as ep:
        yield ep


def _post(form: bytes) -> bytes:
    """A minimal POST of ``form`` that closes the connection after the answer."""
    head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
    return head % len(form) + form


def _split(response: bytes) -> tuple[int, bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


class TestResponsesParseWithBotocore:
    """docs/spec.md#resp-success:
    ``<{Op}Response><{Op}Result>..</{Op}Result><ResponseMetadata>``."""

    @pytest.mark.parametrize("operation", [pytest.param(op, id=op) for op in _OPS])
    def test_every_operation_parses(self, operation: str) -> None:
        body = success_body(operation, request_id="req-1", message_id="msg-1")
        parsed = _query_parse(body, operation)
        assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
        output = _SES.operation_model(operation).output_shape
        expected = set() if output is None else set(output.members) - {"NextToken"}
        assert set(parsed) - {"ResponseMetadata"} == expected
        assert "Error" not in parsed

    def test_there_are_71_operations(self) -> None:
        assert len(_OPS) == 71

    def test_send_email_message_id(self) -> None:
        parsed = _query_parse(
            success_body("SendEmail", request_id="r", message_id="0100-abc"), "SendEmail"
        )
        assert parsed["MessageId"] == "0100-abc"

    def test_error_response_shape(self) -> None:
        """RequestId is a sibling of Error (GUIDE-RESP), in the SES namespace."""
        body = error_body(SesError("MissingAction", "Missing Action"), request_id="r-9")
        parsed = _query_parse(body, "SendEmail", 400)
        assert parsed["Error"] == {
            "Type": "Sender",
            "Code": "MissingAction",
            "Message": "Missing Action",
        }
        assert parsed["ResponseMetadata"]["RequestId"] == "r-9"
        assert f'xmlns="{SES_NAMESPACE}"'.encode() in body


class TestBoto3OverHttps:
    def test_send_email_round_trip(self, tmp_path: Path) -> None:
        pytest.importorskip("boto3")
        with Endpoint(tmp_path / "cap.jsonl") as ep:
            client = ses_client(ep.url, ep.ca_path)
            sent = client.send_email(
                Source="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "x"}}},
            )
            quota = client.get_send_quota()
        assert isinstance(sent["MessageId"], str)
        assert sent["MessageId"]
        assert quota["Max24HourSend"] == 1.0
        captures = list(load_captures(tmp_path / "cap.jsonl"))
        assert [c.action for c in captures] == ["SendEmail", "GetSendQuota"]
        assert all(c.tls and c.status == 200 for c in captures)
        assert captures[0].tls_version is not None
        assert b"Action=SendEmail" in captures[0].body
        assert captures[0].head.startswith(b"POST / HTTP/1.1\r\n")

    def test_ca_file_is_written(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", ca_path=tmp_path / "ca.pem") as ep:
            assert ep.ca_path == tmp_path / "ca.pem"
            assert ep.ca_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


class TestRecordsBytesAsSent:
    REQUEST = (
        b"POST /?x=1 HTTP/1.1\r\n"
        b"hOsT: 127.0.0.1\r\n"
        b"X-Dup: one\r\n"
        b"content-TYPE:application/x-www-form-urlencoded\r\n"
        b"X-Dup:   two  \r\n"
        b"Content-Length: " + str(len(_FORM)).encode() + b"\r\n"
        b"Connection: close\r\n"
        b"\r\n" + _FORM
    )

    def test_plain_http(self, http_endpoint: Endpoint) -> None:
        status, body = _split(exchange(http_endpoint.port, self.REQUEST))
        assert status == 200
        assert _query_parse(body, "ListIdentities")["Identities"]
        (capture,) = load_captures(http_endpoint.capture_path)
        assert capture.raw == self.REQUEST
        assert capture.body == _FORM
        assert capture.action == "ListIdentities"
        assert not capture.tls
        assert capture.local_port == http_endpoint.port
        assert capture.peer[0] == "127.0.0.1"

    def test_tls(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "cap.jsonl", timeout=5) as ep:
            assert ep.ca_path is not None
            status, _ = _split(exchange(ep.port, self.REQUEST, tls_ca=ep.ca_path))
        assert status == 200
        (capture,) = load_captures(tmp_path / "cap.jsonl")
        assert capture.raw == self.REQUEST
        assert capture.tls
        assert capture.server_name == "email.us-east-1.amazonaws.com"

    def test_parse_request_reads_the_record(self, http_endpoint: Endpoint) -> None:
        exchange(http_endpoint.port, self.REQUEST)
        (capture,) = load_captures(http_endpoint.capture_path)
        request = capture.request()
        assert request.method == "POST"
        assert request.target == "/?x=1"
        assert [n for n, _ in request.headers] == [
            "hOsT",
            "X-Dup",
            "content-TYPE",
            "X-Dup",
            "Content-Length",
            "Connection",
        ]
        assert request.body == _FORM

    def test_keep_alive_two_requests_one_connection(self, http_endpoint: Endpoint) -> None:
        first = self.REQUEST.replace(b"Connection: close\r\n", b"")
        with socket.create_connection(("127.0.0.1", http_endpoint.port), timeout=10) as sock:
            sock.sendall(first)
            reply = b""
            while b"</ListIdentitiesResponse>" not in reply:
                reply += sock.recv(65536)
            assert b"Connection: keep-alive" in reply
            sock.sendall(self.REQUEST)
            while sock.recv(65536):
                pass
        captures = list(load_captures(http_endpoint.capture_path))
        assert [c.raw for c in captures] == [first, self.REQUEST]
        assert captures[0].connection_id == captures[1].connection_id
        assert [c.request_in_connection for c in captures] == [1, 2]

    def test_expect_100_continue_and_chunked(self, http_endpoint: Endpoint) -> None:
        head = (
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        chunks = (
            b"a;ext=1\r\nAction=Lis\r\n1e\r\ntIdentities&Version=2010-12-01\r\n0\r\nX-T: 1\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", http_endpoint.port), timeout=10) as sock:
            sock.sendall(head)
            interim = sock.recv(65536)
            assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
            sock.sendall(chunks)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert _split(reply)[0] == 200
        (capture,) = load_captures(http_endpoint.capture_path)
        assert capture.raw == head + chunks
        assert capture.body == _FORM
        assert "chunked" in capture.notes
        assert "sent-100-continue" in capture.notes
        assert capture.request().body == _FORM


class TestSesErrors:
    """GUIDE-ERR: MissingAction / InvalidAction are 400 Sender errors."""

    @pytest.mark.parametrize(
        ("form", "code"),
        [
            pytest.param(b"Version=2010-12-01", "MissingAction", id="missing"),
            pytest.param(b"Action=SendMail", "InvalidAction", id="unknown"),
        ],
    )
    def test_action_errors(self, http_endpoint: Endpoint, form: bytes, code: str) -> None:
        request = _post(form)
        status, body = _split(exchange(http_endpoint.port, request))
        assert status == 400
        assert _query_parse(body, "SendEmail", 400)["Error"]["Code"] == code
        (capture,) = load_captures(http_endpoint.capture_path)
        assert capture.status == 400

    def test_get_query_action(self, http_endpoint: Endpoint) -> None:
        request = (
            b"GET /?Action=GetSendQuota&Version=2010-12-01 HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        status, body = _split(exchange(http_endpoint.port, request))
        assert status == 200
        assert "Max24HourSend" in _query_parse(body, "GetSendQuota")

    def test_strict_hook_answers_signature_does_not_match(self, tmp_path: Path) -> None:
        seen: list[Capture] = []

        def checker(capture: Capture) -> list[SesError]:
            seen.append(capture)
            return [
                signature_does_not_match("POST\n/\n\nhost:x\n\nhost\nabc", "AWS4-HMAC-SHA256\n...")
            ]

        with Endpoint(tmp_path / "c.jsonl", tls=False, strict_checker=checker) as ep:
            request = _post(_FORM)
            status, body = _split(exchange(ep.port, request))
        assert status == 403
        error = _query_parse(body, "ListIdentities", 403)["Error"]
        assert error["Code"] == "SignatureDoesNotMatch"
        assert (
            "The Canonical String for this request should have been\n'POST\n/\n" in error["Message"]
        )
        assert seen[0].raw == request
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.status == 403
        assert "strict: SignatureDoesNotMatch" in capture.notes


class TestLimits:
    def test_body_too_large_is_refused_and_recorded(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False, max_body=100) as ep:
            head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\n"
            request = head + b"A" * 5000
            status, body = _split(exchange(ep.port, request))
        assert status == 413
        assert _query_parse(body, "SendEmail", 413)["Error"]["Code"] == "RequestEntityTooLarge"
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.raw.startswith(head)
        assert len(capture.body) <= 100
        assert any(n.startswith("body-too-large") for n in capture.notes)

    def test_head_too_large_is_refused_and_recorded(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False, max_head=1024) as ep:
            request = b"POST / HTTP/1.1\r\nX-Big: " + b"b" * 4000 + b"\r\n\r\n"
            status, _ = _split(exchange(ep.port, request))
        assert status == 431
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.notes == ("head-too-large",)
        assert capture.raw == request[:1024]

    def test_timeout_mid_body_is_answered_and_recorded(self, tmp_path: Path) -> None:
        with (
            Endpoint(tmp_path / "c.jsonl", tls=False, timeout=0.3) as ep,
            socket.create_connection(("127.0.0.1", ep.port), timeout=10) as sock,
        ):
            partial = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\nAction="
            sock.sendall(partial)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert _split(reply)[0] == 408
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.raw == partial
        assert "timeout-in-body" in capture.notes

    def test_only_loopback(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
            Endpoint(tmp_path / "c.jsonl", host="0.0.0.0")  # noqa: S104 (the refused value)


class TestConcurrencyAndDurability:
    def test_200_concurrent_clients_no_lost_capture(self, tmp_path: Path) -> None:
        clients = 200
        barrier = threading.Barrier(clients, timeout=30)
        statuses: dict[int, int] = {}
        errors: list[BaseException] = []
        with Endpoint(tmp_path / "c.jsonl", timeout=20) as ep:
            assert ep.ca_path is not None
            ca = ep.ca_path

            def client(i: int) -> None:
                form = b"Action=GetSendQuota&Version=2010-12-01&Marker=%d" % i
                request = (
                    b"POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(form), form)
                )
                try:
                    barrier.wait()
                    statuses[i] = _split(exchange(ep.port, request, tls_ca=ca))[0]
                except BaseException as exc:  # collected, asserted below
                    errors.append(exc)

            started = time.monotonic()
            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            elapsed = time.monotonic() - started
        assert errors == []
        assert statuses == dict.fromkeys(range(clients), 200)
        markers = sorted(
            int(c.body.rsplit(b"=", 1)[1]) for c in load_captures(tmp_path / "c.jsonl")
        )
        assert markers == list(range(clients))
        assert elapsed < 60

    def test_killed_endpoint_keeps_every_answered_request(self, tmp_path: Path) -> None:
        capture = tmp_path / "c.jsonl"
        code = "import sys; from sesspec.serve import main; sys.exit(main(sys.argv[1:]))"
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "--http", "--capture", str(capture)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split()[1]
            port = int(url.rsplit(":", 1)[1].rstrip("/"))
            answered = 0
            for i in range(20):
                form = b"Action=ListIdentities&MaxItems=%d" % (i + 1)
                request = _post(form)
                if _split(exchange(port, request))[0] == 200:
                    answered += 1
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()
        assert answered == 20
        data = capture.read_bytes()
        assert data.endswith(b"\n")
        lines = data.splitlines()
        assert len(lines) == 20
        assert [json.loads(line)["seq"] for line in lines] == list(range(1, 21))
        bodies = [c.body for c in load_captures(capture)]
        assert bodies == [b"Action=ListIdentities&MaxItems=%d" % (i + 1) for i in range(20)]

    def test_torn_last_line_is_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        good = sample_capture(tls=False, status=400, action=None)
        path.write_text(good.to_json() + "\n" + good.to_json()[:40], encoding="utf-8")
        assert list(load_captures(path)) == [good]
        assert base64.b64decode(json.loads(good.to_json())["raw"]) == good.raw


def test_pytest_plugin_fixture(tmp_path: Path) -> None:
    """The ``ses_endpoint`` fixture, used from a user's test file as the entry point will."""
    test_file = tmp_path / "test_user.py"
    test_file.write_text(
        "import boto3\n"
        "def test_send(ses_endpoint):\n"
        "    client = boto3.client('ses', **ses_endpoint.boto3_kwargs())\n"
        "    client.list_identities()\n"
        "    (capture,) = ses_endpoint.captures()\n"
        "    assert capture.action == 'ListIdentities'\n"
        "    ses_endpoint.assert_conformant()\n"
        "def test_unsigned_is_caught(ses_endpoint):\n"
        "    import urllib.request, ssl, pytest\n"
        "    ctx = ssl.create_default_context(cafile=ses_endpoint.ca_path)\n"
        "    urllib.request.urlopen(ses_endpoint.url + '?Action=ListIdentities', context=ctx)\n"
        "    with pytest.raises(AssertionError, match='AUTH001'):\n"
        "        ses_endpoint.assert_conformant()\n",
        encoding="utf-8",
    )
    pytest.importorskip("boto3")
    result = run_pytest(test_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


class TestStrictModeWithTheChecker:
    """``--strict``: the checker's findings answered as SES errors
    (docs/spec.md#resp-error-codes)."""

    def test_conformant_passes_tampered_is_refused(self, tmp_path: Path) -> None:
        pytest.importorskip("boto3")
        pytest.importorskip("sesspec.check")
        from sesspec.serve.strict import checker

        capture_path = tmp_path / "c.jsonl"
        with Endpoint(capture_path, strict_checker=checker()) as ep:
            client = ses_client(ep.url, ep.ca_path)
            assert client.list_identities(IdentityType="Domain", MaxItems=5)["Identities"]
            (signed,) = load_captures(capture_path)
            # Same length, still valid params: only the signature can tell.
            tampered = signed.raw.replace(b"MaxItems=5", b"MaxItems=6")
            assert tampered != signed.raw
            assert ep.ca_path is not None
            status, body = _split(exchange(ep.port, tampered, tls_ca=ep.ca_path))
            no_auth = _split(exchange(ep.port, _post(_FORM), tls_ca=ep.ca_path))
        assert signed.status == 200
        assert status == 403, body
        error = _query_parse(body, "ListIdentities", 403)["Error"]
        assert error["Code"] == "SignatureDoesNotMatch"
        assert "canonical request" in error["Message"]
        assert no_auth[0] == 403
        no_auth_error = _query_parse(no_auth[1], "ListIdentities", 403)["Error"]
        assert no_auth_error["Code"] == "MissingAuthenticationToken"


class TestStrictErrorMapping:
    """Each checker rule answered with the SES error code of GUIDE-ERR /
    docs/spec.md#resp-error-codes."""

    @pytest.mark.parametrize(
        ("rule", "code", "status"),
        [
            pytest.param("PARAM001", "MissingAction", 400, id="PARAM001"),
            pytest.param("PARAM002", "InvalidAction", 400, id="PARAM002"),
            pytest.param("PARAM010", "MissingParameter", 400, id="PARAM010"),
            pytest.param("PARAM015", "InvalidParameterValue", 400, id="PARAM015"),
            pytest.param("ENC001", "MalformedQueryString", 400, id="ENC001"),
            pytest.param("AUTH001", "MissingAuthenticationToken", 403, id="AUTH001"),
            pytest.param("AUTH002", "InvalidClientTokenId", 403, id="AUTH002"),
            pytest.param("AUTH016", "RequestExpired", 400, id="AUTH016"),
            pytest.param("AUTH018", "SignatureDoesNotMatch", 403, id="AUTH018"),
            pytest.param("AUTH004", "IncompleteSignature", 400, id="AUTH004"),
        ],
    )
    def test_rule_to_error(self, rule: str, code: str, status: int) -> None:
        check_finding = pytest.importorskip("sesspec.check.finding")
        from sesspec.serve.strict import errors_from_findings

        found = check_finding.finding(
            RULES[rule], "msg", check_finding.Location("param", "X"), detail="detail text"
        )
        (error,) = errors_from_findings([found])
        assert (error.code, error.status) == (code, status)

    def test_plain_http_and_warnings_are_not_errors(self) -> None:
        check_finding = pytest.importorskip("sesspec.check.finding")
        from sesspec.serve.strict import errors_from_findings

        found = [
            check_finding.finding(
                RULES["HTTP002"], "plain HTTP", check_finding.Location("request-line")
            ),
            check_finding.finding(
                RULES["PARAM003"], "no Version", check_finding.Location("param", "Version")
            ),
        ]
        assert errors_from_findings(found) == []

    def test_authentication_is_answered_before_params(self) -> None:
        check_finding = pytest.importorskip("sesspec.check.finding")
        from sesspec.serve.strict import errors_from_findings

        found = [
            check_finding.finding(
                RULES["PARAM010"], "missing", check_finding.Location("param", "Source")
            ),
            check_finding.finding(
                RULES["AUTH001"], "no auth", check_finding.Location("header", "Authorization")
            ),
        ]
        assert [e.code for e in errors_from_findings(found)] == [
            "MissingAuthenticationToken",
            "MissingParameter",
        ]


def test_cli_strict_refuses_unsigned(tmp_path: Path) -> None:
    pytest.importorskip("sesspec.check")
    code = "import sys; from sesspec.serve import main; sys.exit(main(sys.argv[1:]))"
    args = ["--http", "--strict", "--capture", str(tmp_path / "c.jsonl")]
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[1]
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        status, body = _split(exchange(port, _post(_FORM)))
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
        if proc.stdout is not None:
            proc.stdout.close()
    assert status == 403
    assert _query_parse(body, "ListIdentities", 403)["Error"]["Code"] == (
        "MissingAuthenticationToken"
    )


AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
COMMITTED_CAPTURES = Path(__file__).resolve().parent.parent / "reports/latest/captures.jsonl.gz"


def _cli_check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, list[Any]]:
    """``sesspec check --format json`` (in-process) with the fake credentials, the session
    token too (the report's clients sign with it where a scenario gives it, and captures mask
    it): findings by source name."""
    from sesspec.cli import main as sesspec_main
    from sesspec.fake import SESSION_TOKEN

    capsys.readouterr()
    credentials = ["--access-key-id", AKID, "--secret-access-key", SECRET]
    credentials += ["--session-token", SESSION_TOKEN]
    sesspec_main(["check", "--format", "json", *credentials, str(path)])
    document = json.loads(capsys.readouterr().out)
    return {d["source"]: d["findings"] for d in document}


def _every_verdict(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Check each capture in ``path`` the four ways a capture is judged and assert they agree;
    returns each capture's rules."""
    from sesspec.report.run import check_capture
    from sesspec.serve.pytest_plugin import SesEndpoint
    from sesspec.serve.strict import checker, errors_from_findings

    by_cli = _cli_check_json(path, capsys)
    by_plugin = SesEndpoint(Endpoint(path, tls=False, state=True)).findings()
    strict = checker()
    rules: list[str] = []
    captures = list(load_captures(path))
    assert len(by_cli) == len(by_plugin) == len(captures)
    for line, (capture, (plugin_capture, plugin_findings)) in enumerate(
        zip(captures, by_plugin, strict=True), 1
    ):
        assert plugin_capture == capture
        report_findings = list(check_capture(capture).findings)
        cli_findings = by_cli[f"{path}:{line}"]
        assert cli_findings == [f.as_dict() for f in report_findings], capture.seq
        assert plugin_findings == report_findings, capture.seq
        assert strict(capture) == errors_from_findings(report_findings), capture.seq
        rules.append(" ".join(f.rule for f in report_findings))
    return rules


class TestOneVerdict:
    """``sesspec check`` on a capture, the report, the ``ses_endpoint`` fixture and
    ``serve --strict`` give one verdict per request: all four call ``capture_findings``."""

    def test_every_committed_capture(self, capsys: pytest.CaptureFixture[str]) -> None:
        if not COMMITTED_CAPTURES.is_file():
            pytest.skip(f"{COMMITTED_CAPTURES} is not in this checkout (make report writes it)")
        rules = _every_verdict(COMMITTED_CAPTURES, capsys)
        assert len(rules) > 100
        assert any("AUTH019" in r for r in rules)  # signatures verified, so the test can fail

    def test_chunked_capture_signed_by_botocore(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A body sent chunked is judged de-chunked every way: botocore signed the body, so
        the signature verifies (AUTH019). ``sesspec check`` said AUTH018 before (it hashed the
        chunk framing)."""
        botocore_auth = pytest.importorskip("botocore.auth")
        botocore_awsrequest = pytest.importorskip("botocore.awsrequest")
        botocore_credentials = pytest.importorskip("botocore.credentials")

        form = b"Action=ListIdentities&Version=2010-12-01&MaxItems=5"
        with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
            host = f"127.0.0.1:{ep.port}"
            request = botocore_awsrequest.AWSRequest(
                method="POST",
                url=f"http://{host}/",
                data=form,
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            )
            credentials = botocore_credentials.Credentials(AKID, SECRET)
            botocore_auth.SigV4Auth(credentials, "ses", "us-east-1").add_auth(request)
            head = f"POST / HTTP/1.1\r\nHost: {host}\r\n" + "".join(
                f"{name}: {value}\r\n" for name, value in request.headers.items()
            )
            chunked = (
                head.encode()
                + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (20, form[:20], len(form) - 20, form[20:])
            )
            assert _split(exchange(ep.port, chunked))[0] == 200
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert "chunked" in capture.notes
        (rules,) = _every_verdict(tmp_path / "c.jsonl", capsys)
        assert "AUTH019" in rules.split()
        assert "AUTH018" not in rules.split()


class TestSequenceContinues:
    """``serve`` restarted on an existing capture file started ``seq`` at 1 again."""

    def _send(self, ep: Endpoint, count: int) -> None:
        for _ in range(count):
            assert _split(exchange(ep.port, _post(_FORM)))[0] == 200

    def test_restart_continues_after_the_highest(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        for _ in range(3):
            with Endpoint(path, tls=False) as ep:
                self._send(ep, 2)
        assert [c.seq for c in load_captures(path)] == [1, 2, 3, 4, 5, 6]

    def test_highest_not_last(self, tmp_path: Path) -> None:
        """Concurrent connections may write seq 9 before seq 8: the highest counts."""
        path = tmp_path / "c.jsonl"
        template = sample_capture()
        path.write_text("".join(replace(template, seq=n).to_json() + "\n" for n in (7, 9, 8)))
        with Endpoint(path, tls=False) as ep:
            self._send(ep, 1)
        assert [c.seq for c in load_captures(path)] == [7, 9, 8, 10]

    def test_torn_tail_is_cut_and_sequence_continues(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        with Endpoint(path, tls=False) as ep:
            self._send(ep, 2)
        whole = path.read_bytes()
        torn = whole.splitlines(keepends=True)[1][:60]
        path.write_bytes(whole + torn)  # a third record cut short by a kill
        with Endpoint(path, tls=False) as ep:
            self._send(ep, 1)
        assert path.read_bytes().startswith(whole)
        assert [c.seq for c in load_captures(path)] == [1, 2, 3]
