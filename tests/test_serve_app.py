"""The endpoint's applications without a socket: bytes read by the core reader, an exchange in,
an answer out (docs/architecture.md#the-endpoint-in-layers).

Expected values: the SES errors and statuses of docs/spec.md#resp (GUIDE-ERR: ``MissingAction``,
``InvalidAction``), HTTP statuses of RFC 9110 (408, 413, 431), LocalStack's ``GET /_aws/ses``
shape (``{"messages": [...]}``); answers are read with lxml's XML parser and the standard
library's JSON parser, never sesspec's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from sesspec.errors import HttpParseError
from sesspec.http import Incoming, RequestReader, read_request
from sesspec.serve import admin
from sesspec.serve.admin import AdminApplication
from sesspec.serve.app import Mode, SesApplication
from sesspec.serve.capture import Capture, CaptureLog
from sesspec.serve.exchange import Answer, Exchange, Limits, Router
from sesspec.serve.state import SesState
from sesspec.serve.transport import http_answer

NS = "{http://ses.amazonaws.com/doc/2010-12-01/}"
LIMITS = Limits(max_head=1024, max_body=4096, timeout=7.0, max_connections=4)
#: 2026-11-26T06:49:50Z in nanoseconds.
ARRIVED_NS = int(datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC).timestamp()) * 10**9


class Recorded:
    """A recorder that keeps the captures in a list (or fails, as a full disk does)."""

    def __init__(self, *, fails: bool = False) -> None:
        self.captures: list[Capture] = []
        self.fails = fails
        self.seq = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def append(self, capture: Capture) -> None:
        if self.fails:
            raise OSError(28, "No space left on device")
        self.captures.append(capture)


def post(form: str, *, host: str = "127.0.0.1") -> bytes:
    body = form.encode("ascii")
    return (
        f"POST / HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body


def exchange(data: bytes) -> Exchange:
    return Exchange(read_request(data), ARRIVED_NS, peer=("127.0.0.1", 5000), local_port=4566)


def ses(state: SesState | None = None, recorder: Recorded | None = None) -> SesApplication:
    return SesApplication(
        state=state,
        recorder=recorder or Recorded(),
        limits=LIMITS,
        request_ids=lambda: "00000000-0000-4000-8000-000000000001",
    )


def error_code(answer: Answer) -> str:
    root = etree.fromstring(answer.body)
    code = root.find(f"{NS}Error/{NS}Code")
    assert code is not None
    assert code.text is not None
    return code.text


class TestSesApplication:
    def test_no_action_is_missing_action(self) -> None:
        recorder = Recorded()
        answer = ses(recorder=recorder).answer(exchange(post("Version=2010-12-01")))
        assert (answer.status, error_code(answer)) == (400, "MissingAction")
        assert answer.headers == (("x-amzn-RequestId", "00000000-0000-4000-8000-000000000001"),)
        [capture] = recorder.captures
        assert (capture.seq, capture.status, capture.action) == (1, 400, None)
        assert capture.received_at == "2026-11-26T06:49:50.000000Z"

    def test_unknown_action_is_invalid_action(self) -> None:
        answer = ses().answer(exchange(post("Action=SendPigeon&Version=2010-12-01")))
        assert (answer.status, error_code(answer)) == (400, "InvalidAction")

    def test_the_state_answers_what_it_keeps(self) -> None:
        state = SesState()
        app = ses(state)
        verify = "Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress=a%40example.com"
        assert app.answer(exchange(post(verify))).status == 200
        answer = app.answer(exchange(post("Action=ListIdentities&Version=2010-12-01")))
        root = etree.fromstring(answer.body)
        members = root.findall(f"{NS}ListIdentitiesResult/{NS}Identities/{NS}member")
        assert [m.text for m in members] == ["a@example.com"]

    def test_without_state_a_known_action_gets_the_canned_answer(self) -> None:
        answer = ses().answer(exchange(post("Action=ListIdentities&Version=2010-12-01")))
        assert answer.status == 200
        assert etree.fromstring(answer.body).tag == f"{NS}ListIdentitiesResponse"

    @pytest.mark.parametrize(
        ("cause", "status", "code", "note"),
        [
            ("timeout", 408, "RequestTimeout", "timeout-in-head"),
            ("body-size", 413, "RequestEntityTooLarge", "body-too-large: too big"),
            ("head-size", 431, "RequestHeaderSectionTooLarge", "head-too-large"),
            ("incomplete", 400, "MalformedHTTPRequest", "incomplete-head"),
            ("request-line", 400, "MalformedHTTPRequest", "not-http: too big"),
        ],
    )
    def test_a_refusal_is_answered_by_its_cause(
        self, cause: str, status: int, code: str, note: str
    ) -> None:
        reader = RequestReader()
        error = HttpParseError("too big", offset=0, kind="limit", cause=cause)  # type: ignore[arg-type]
        refused: Incoming = reader.refuse(error)
        recorder = Recorded()
        answer = ses(recorder=recorder).answer(Exchange(refused, ARRIVED_NS))
        assert (answer.status, error_code(answer)) == (status, code)
        assert recorder.captures[0].notes[-1] == note

    def test_an_unrecorded_request_is_a_500_and_closes(self) -> None:
        answer = ses(recorder=Recorded(fails=True)).answer(
            exchange(post("Action=ListIdentities&Version=2010-12-01"))
        )
        assert (answer.status, error_code(answer), answer.keep_alive) == (
            500,
            "InternalFailure",
            False,
        )

    def test_strict_answers_an_unsigned_request_with_the_ses_error(self) -> None:
        """An unsigned request: AUTH's error, MissingAuthenticationToken (docs/spec.md#resp)."""
        app = SesApplication(state=None, recorder=Recorded(), limits=LIMITS, mode=Mode(strict=True))
        answer = app.answer(exchange(post("Action=ListIdentities&Version=2010-12-01")))
        assert (answer.status, error_code(answer)) == (403, "MissingAuthenticationToken")

    def test_strict_and_a_checker_of_your_own_are_refused_together(self) -> None:
        with pytest.raises(ValueError, match="not both"):
            Mode(strict=True, strict_checker=lambda _capture: [])

    def test_with_a_capture_log(self, tmp_path: Path) -> None:
        """The application records through the capture log the endpoint gives it."""
        log = CaptureLog(tmp_path / "c.jsonl")
        try:
            app = SesApplication(state=None, recorder=log, limits=LIMITS)
            app.answer(exchange(post("Action=GetSendQuota&Version=2010-12-01")))
        finally:
            log.close()
        [line] = (tmp_path / "c.jsonl").read_text("utf-8").splitlines()
        assert json.loads(line)["action"] == "GetSendQuota"


def get(target: str, *, host: str = "127.0.0.1", method: str = "GET") -> bytes:
    return f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("ascii")


class TestAdminApplication:
    def app(self, state: SesState | None) -> AdminApplication:
        return AdminApplication(
            state=state, endpoint_url=lambda: "http://127.0.0.1:1/", strict=False
        )

    def test_messages_as_localstack_gives_them(self) -> None:
        answer = self.app(SesState()).answer(exchange(get("/_aws/ses")))
        assert (answer.status, answer.content_type) == (200, "application/json")
        assert answer.body == b""
        assert answer.stream is not None
        assert json.loads(b"".join(answer.stream)) == {"messages": []}

    def test_another_host_is_refused(self) -> None:
        answer = self.app(SesState()).answer(exchange(get("/_aws/ses", host="evil.example")))
        assert answer.status == 403

    def test_head_is_get_without_the_body(self) -> None:
        answer = self.app(SesState()).answer(exchange(get("/_sesspec/", method="HEAD")))
        assert (answer.status, answer.send_body) == (200, False)
        assert answer.stream is not None  # the transport writes none of it
        assert b"".join(answer.stream).lower().startswith(b"<!doctype html>")

    @pytest.mark.parametrize(
        ("method", "target", "status"),
        [
            ("POST", "/_aws/ses", 405),
            ("DELETE", "/_sesspec/", 405),
            ("DELETE", "/_aws/ses", 204),
            ("DELETE", "/_aws/ses?id=nope", 404),
            ("GET", "/_aws/ses/other", 404),
            ("GET", "/_sesspec", 200),
        ],
    )
    def test_routes(self, method: str, target: str, status: int) -> None:
        answer = self.app(SesState()).answer(exchange(get(target, method=method)))
        assert answer.status == status

    def test_without_state_there_are_no_messages(self) -> None:
        assert self.app(None).answer(exchange(get("/_aws/ses"))).status == 404


class TestRouter:
    def router(self) -> Router:
        own = AdminApplication(state=SesState(), endpoint_url=lambda: "", strict=False)
        return Router(ses(), [(admin.claims, own)])

    def test_own_paths_go_to_their_application(self) -> None:
        answer = self.router().answer(exchange(get("/_aws/ses")))
        assert answer.content_type == "application/json"

    def test_other_paths_go_to_ses(self) -> None:
        answer = self.router().answer(exchange(get("/?Action=GetSendQuota")))
        assert answer.content_type == "text/xml"

    def test_a_refused_request_goes_to_ses_whatever_its_path(self) -> None:
        reader = RequestReader(strict=True)
        reader.feed(b"GET /_aws/ses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n")
        refused = reader.next_request()
        assert refused is not None
        assert refused.refusal is not None
        answer = self.router().answer(Exchange(refused, ARRIVED_NS))
        assert (answer.status, error_code(answer)) == (400, "MalformedHTTPRequest")


class TestHttpAnswer:
    """The transport writes an answer (RFC 9112 section 4 status line, RFC 9110 9.3.2 HEAD)."""

    def test_the_fields_in_order(self) -> None:
        data = http_answer(Answer(204, headers=(("x-amzn-RequestId", "r1"),)), keep_alive=False)
        head = data.decode("ascii").split("\r\n")
        assert head[0] == "HTTP/1.1 204 No Content"
        assert head[1] == "x-amzn-RequestId: r1"
        assert [line.split(":")[0] for line in head[2:6]] == [
            "Content-Type",
            "Content-Length",
            "Date",
            "Connection",
        ]
        assert head[5] == "Connection: close"
        assert data.endswith(b"\r\n\r\n")

    def test_head_gets_the_length_without_the_body(self) -> None:
        data = http_answer(Answer(200, b"abc", send_body=False), keep_alive=True)
        assert b"Content-Length: 3\r\n" in data
        assert data.endswith(b"Connection: keep-alive\r\n\r\n")

    @pytest.mark.parametrize("value", ["a\r\nSet-Cookie: x", "a\nb", "a\rb"])
    def test_a_value_never_becomes_two_lines(self, value: str) -> None:
        with pytest.raises(ValueError, match="line break"):
            http_answer(Answer(200, headers=(("X-Note", value),)), keep_alive=True)
