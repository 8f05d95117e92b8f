"""The endpoint reads a request as ``sesspec check`` reads it, and answers what check can read.

One reader (:class:`sesspec.http.RequestReader`) frames both: the endpoint feeds it the bytes
off its socket, ``check`` reads a file or a capture with :func:`sesspec.http.read_request`, which
is that reader with the data's end known. The proof is differential: the same streams
(hypothesis-generated requests with any mix of CRLF and bare LF, Content-Length right, wrong,
repeated or missing, chunked bodies, trailing bytes, truncation; the endpoint's hostile corpus;
every checker sample; every committed capture) are fed to the reader whole and one byte at a
time, and

* the two feedings give the same requests, problems, refusals and notes (h11's ``tr()``);
* every stream check reads as one request without a framing problem, the endpoint reads as that
  one request, to its last byte, without waiting for more (no 408 for a bare-LF request);
* every stream check cannot read, the endpoint refuses too;
* a live endpoint with ``--strict`` (one socket per stream, fed whole and, for some, one byte at
  a time) answers each with the SES error the checker's findings on the stream give, and
  records the findings check gives (the capture's verdict).
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sesspec.check import Credentials, check
from sesspec.errors import HttpParseError
from sesspec.http import Incoming, RequestReader, read_request
from sesspec.serve import Endpoint
from sesspec.serve.capture import Capture, capture_findings, load_captures
from sesspec.serve.server import DEFAULT_MAX_BODY, DEFAULT_MAX_HEAD
from sesspec.serve.strict import (
    STRICT_ACCESS_KEY_ID,
    STRICT_SECRET_ACCESS_KEY,
    STRICT_SESSION_TOKEN,
    errors_from_findings,
)
from tests._support import REPO
from tests.test_endpoint_hostile import MALFORMED

SAMPLES = sorted((REPO / "vectors" / "checker").glob("*/*.http"))
CAPTURES = REPO / "reports" / "latest" / "captures.jsonl.gz"
CREDENTIALS = Credentials(STRICT_ACCESS_KEY_ID, STRICT_SECRET_ACCESS_KEY, STRICT_SESSION_TOKEN)


def _committed_captures() -> list[bytes]:
    with gzip.open(CAPTURES, "rt", encoding="utf-8") as fh:
        return [Capture.from_json(line).raw for line in fh if line.strip()]


CAPTURED = _committed_captures()


def _reader() -> RequestReader:
    """The reader as the endpoint makes it (its default limits)."""
    return RequestReader(max_header_size=DEFAULT_MAX_HEAD, max_body_size=DEFAULT_MAX_BODY)


def _problem(error: HttpParseError | None) -> tuple[Any, ...] | None:
    if error is None:
        return None
    return (error.kind, error.cause, error.offset, error.message)


def _shape(incoming: Incoming) -> tuple[Any, ...]:
    return (
        incoming.raw,
        incoming.head_length,
        incoming.body,
        incoming.request,
        None if incoming.request is None else incoming.request.received,
        tuple(_problem(p) for p in incoming.problems),
        _problem(incoming.refusal),
        incoming.notes,
        incoming.keep_alive,
    )


def _read_all(data: bytes, *, step: int | None) -> list[Incoming]:
    """Every request the endpoint's reader gives for ``data`` fed whole (``step`` None) or
    ``step`` bytes at a time, then the end of the stream."""
    reader = _reader()
    out: list[Incoming] = []
    chunks = [data] if step is None else [data[i : i + step] for i in range(0, len(data), step)]
    for chunk in chunks:
        reader.feed(chunk)
        while (incoming := reader.next_request()) is not None:
            out.append(incoming)
    reader.feed_eof()
    while (incoming := reader.next_request()) is not None:
        out.append(incoming)
    assert reader.state == "closed"
    return out


def _framing_problem(read: Incoming) -> bool:
    """Whether check read ``read`` as a file where a stream's framing stops (the body not what
    Content-Length says, bytes after it, a head that ends only with the file)."""
    return any(p.cause != "line-ending" for p in read.problems)


def assert_read_alike(data: bytes, *, byte_by_byte: bool = True) -> None:
    """The differential claims of the module docstring, for one stream."""
    whole = _read_all(data, step=None)
    if byte_by_byte:
        assert [_shape(i) for i in _read_all(data, step=1)] == [_shape(i) for i in whole]
    assert [_shape(i) for i in _read_all(data, step=7)] == [_shape(i) for i in whole]
    judged = read_request(data)
    if not data:  # no request: the connection closes with nothing to record
        assert whole == []
        return
    if judged.refusal is not None:
        assert whole, "check cannot read it, and the endpoint read nothing to refuse"
        assert whole[-1].refusal is not None or _framing_problem(judged) or len(whole) > 1
        return
    if _framing_problem(judged):
        # Check reads the head and the rest as the body and reports HTTP008; the endpoint
        # cannot follow the framing: it refuses, or reads a first request and then the rest.
        assert whole
        return
    assert len(whole) == 1, [_shape(i) for i in whole]
    (first,) = whole
    assert first.refusal is None
    assert first.request == judged.request
    assert first.body == judged.body
    assert [_problem(p) for p in first.problems] == [_problem(p) for p in judged.problems]
    # Its bytes are the stream's (a bare-LF file's last line end is the file's).
    assert data.startswith(first.raw)
    assert data[len(first.raw) :] in (b"", b"\n", b"\r\n")


# --- streams -------------------------------------------------------------------------------------

_FORM = b"Action=ListIdentities&Version=2010-12-01"


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    """An HTTP/1.1 request as clients and people write them, right and wrong."""
    ends = draw(st.lists(st.sampled_from([b"\r\n", b"\n"]), min_size=8, max_size=8))
    method = draw(st.sampled_from([b"POST", b"GET", b"PUT", b"G\x00T"]))
    target = draw(st.sampled_from([b"/", b"/?Action=ListIdentities", b"/a b", b"/\x80"]))
    version = draw(st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"http/1.1", b"HTTP/2"]))
    body = draw(st.sampled_from([b"", _FORM, b"Action=X&" * 3, bytes(range(256))]))
    headers = [b"Host: email.us-east-1.amazonaws.com"]
    framing = draw(
        st.sampled_from(
            ["length", "none", "wrong", "repeated", "conflicting", "list", "chunked", "both"]
        )
    )
    if framing == "length":
        headers.append(b"Content-Length: %d" % len(body))
    elif framing == "wrong":
        headers.append(b"Content-Length: %d" % draw(st.integers(0, len(body) + 5)))
    elif framing == "repeated":
        headers += [b"Content-Length: %d" % len(body)] * 2
    elif framing == "conflicting":
        headers += [b"Content-Length: %d" % len(body), b"Content-Length: %d" % (len(body) + 1)]
    elif framing == "list":
        headers.append(b"Content-Length: %d, %d" % (len(body), len(body)))
    if framing in ("chunked", "both"):
        headers.append(b"Transfer-Encoding: chunked")
        if framing == "both":
            headers.append(b"Content-Length: %d" % len(body))
        cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=3)))
        pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p) + b"0\r\n\r\n"
    extra = draw(
        st.sampled_from([b"", b"X-Folded: a", b" folded", b"Bad Name: x", b"Expect: 100-continue"])
    )
    if extra:
        headers.append(extra)
    if draw(st.booleans()):
        headers.append(b"Connection: close")
    lines = [b"%s %s %s" % (method, target, version), *headers]
    head = b"".join(line + ends[i % len(ends)] for i, line in enumerate(lines))
    data = head + ends[-1] + body
    tail = draw(
        st.sampled_from([b"", b"\n", b"\r\n", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"xyz"])
    )
    data += tail
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


class TestTheReaderAgreesWithCheck:
    @given(streams())
    @settings(max_examples=300, deadline=None)
    def test_generated_streams(self, data: bytes) -> None:
        assert_read_alike(data)

    @pytest.mark.parametrize("data", [v[0] for v in MALFORMED.values()], ids=list(MALFORMED.keys()))
    def test_the_hostile_corpus(self, data: bytes) -> None:
        assert_read_alike(data)

    @pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
    def test_the_checker_samples(self, path: Path) -> None:
        assert_read_alike(path.read_bytes())

    def test_every_committed_capture(self) -> None:
        assert len(CAPTURED) > 500
        for raw in CAPTURED:
            assert_read_alike(raw, byte_by_byte=len(raw) < 4096)


# --- a live endpoint ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def strict_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    path = tmp_path_factory.mktemp("differential") / "c.jsonl"
    with Endpoint(path, tls=False, strict=True, timeout=10) as ep:
        yield ep


def _send(port: int, data: bytes, *, one_byte_at_a_time: bool = False) -> bytes:
    """Send ``data``, close the sending side (the end of the stream) and read every answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if one_byte_at_a_time:
            for i in range(len(data)):
                sock.sendall(data[i : i + 1])
        else:
            sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        answers = b""
        while chunk := sock.recv(65536):
            answers += chunk
        return answers


def _code(answer: bytes) -> str | None:
    """The SES error code of an answer (None for a success)."""
    status = int(answer.split(b" ", 2)[1])
    if status == 200:
        return None
    body = answer.split(b"\r\n\r\n", 1)[1]
    return body.split(b"<Code>", 1)[1].split(b"</Code>", 1)[0].decode()


def _judged(endpoint: Endpoint, data: bytes, *, one_byte_at_a_time: bool = False) -> None:
    """The endpoint answers ``data`` with the checker's verdict on it, and records it."""
    before = endpoint.last_seq
    answer = _send(endpoint.port, data, one_byte_at_a_time=one_byte_at_a_time)
    assert answer.startswith(b"HTTP/1.1 "), answer[:100]
    captures = [c for c in load_captures(endpoint.capture_path) if c.seq > before]
    assert captures, "nothing recorded"
    first = captures[0]
    assert b" 408 " not in answer.split(b"\r\n", 1)[0]
    when = datetime.fromtimestamp(first.received_at_ns / 1e9, UTC)
    judged = read_request(data)
    one_request = judged.refusal is None and not _framing_problem(judged)
    if one_request:
        # The record is the stream, its session tokens masked.
        expected = bytearray(data)
        for masked in first.masked:
            if masked.field == "raw":
                expected[masked.offset : masked.offset + masked.length] = b"*" * masked.length
        assert first.raw == bytes(expected[: len(judged.raw)])  # a file's last line end aside
        findings = check(data, credentials=CREDENTIALS, now=when, tls=False)
        if not first.masked:  # the capture's verdict is check's verdict on the stream
            recorded = capture_findings(first, credentials=CREDENTIALS)
            assert [(f.rule, f.severity, str(f.location)) for f in recorded] == [
                (f.rule, f.severity, str(f.location)) for f in findings
            ]
        errors = errors_from_findings(findings)
        if errors:  # strict: the error SES would send first
            assert (_code(answer), first.status) == (errors[0].code, errors[0].status)
    else:
        assert first.status >= 400


class TestTheEndpointAnswersAsCheck:
    @pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
    def test_the_checker_samples(self, strict_endpoint: Endpoint, path: Path) -> None:
        _judged(strict_endpoint, path.read_bytes())

    @pytest.mark.parametrize(
        "name", ["HTTP001/fail-bare-lf", "HTTP008/fail-chunked", "AUTH017/pass-token-signed"]
    )
    def test_one_byte_at_a_time(self, strict_endpoint: Endpoint, name: str) -> None:
        path = REPO / "vectors" / "checker" / f"{name}.http"
        _judged(strict_endpoint, path.read_bytes(), one_byte_at_a_time=True)

    def test_the_committed_captures(self, strict_endpoint: Endpoint) -> None:
        for raw in CAPTURED[::7]:
            _judged(strict_endpoint, raw)

    @pytest.mark.parametrize("data", [v[0] for v in MALFORMED.values()], ids=list(MALFORMED.keys()))
    def test_the_hostile_corpus(self, strict_endpoint: Endpoint, data: bytes) -> None:
        _judged(strict_endpoint, data)


def test_a_bare_lf_request_is_answered_with_its_finding(strict_endpoint: Endpoint) -> None:
    """The issue's example: check says HTTP001; the endpoint waited for CRLFCRLF and answered
    408 after its timeout. Now it answers at once, and strict mode with HTTP001's error."""
    data = b"GET /?Action=GetSendQuota&Version=2010-12-01 HTTP/1.1\nHost: 127.0.0.1\n\n"
    answer = _send(strict_endpoint.port, data)
    findings = check(data, tls=False)
    assert findings[0].rule == "HTTP001"
    assert _code(answer) == errors_from_findings(findings)[0].code
    capture = list(load_captures(strict_endpoint.capture_path))[-1]
    assert capture.raw == data
