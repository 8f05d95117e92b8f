"""The endpoint against hostile peers ("The endpoint survives its peers").

* Malformed framing (RFC 9112 sections 5-7) is answered 400 with an SES-shaped error (parsed
  by botocore's ``QueryParser``, an independent reader) and recorded with a note; the values
  one step inside each limit are still accepted.
* A slow sender is cut off at the request deadline, not at a timeout per ``recv``.
* ``sesspec serve`` run with a descriptor limit of 64 and flooded with idle and slow
  connections answers a legitimate client again by itself once the flood is released.
* Accept errors are survived, a bug in a connection thread does not end the endpoint, and
  ``serve`` refuses unusable arguments with one line and exit 2; started with its stdout
  closed, it serves until told to stop.

Deadlines are tested with generous bounds (a 1 s deadline, cut within 10 s): these prove the
cut happens, not how fast.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.endpoint_abuse import Hog
from sesspec.cli.serve import main as serve_main
from sesspec.serve import Endpoint, load_captures
from tests._wire import exchange, read_response
from tests.test_serve_admin_bounds import PEAK_ABOVE_IDLE

botocore_session = pytest.importorskip("botocore.session")
botocore_parsers = pytest.importorskip("botocore.parsers")

_SES = botocore_session.get_session().get_service_model("ses")
_FORM = b"Action=ListIdentities&Version=2010-12-01"
_HEAD = b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"


def _error_code(body: bytes, status: int) -> str:
    """The SES error code, read by botocore's QueryParser (independent of sesspec)."""
    parser = botocore_parsers.QueryParser()
    response = {"body": body, "headers": {}, "status_code": status}
    parsed: dict[str, Any] = parser.parse(
        response, _SES.operation_model("ListIdentities").output_shape
    )
    return str(parsed["Error"]["Code"])


def _split(response: bytes) -> tuple[int, bytes, bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def _post(form: bytes = _FORM) -> bytes:
    return _HEAD + b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(form), form)


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    with Endpoint(tmp_path / "c.jsonl", tls=False, timeout=5) as ep:
        yield ep


# Each: the request bytes, and how its capture note begins.
MALFORMED = {
    # RFC 9110 section 8.6: Content-Length = 1*DIGIT; RFC 9112 section 6.3 rule 5: invalid
    # Content-Length is an unrecoverable framing error.
    "content-length-5000-digits": (
        _HEAD + b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length '99999",
    ),
    "content-length-19-digits": (
        _HEAD + b"Content-Length: " + b"1" * 19 + b"\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length '1111111111111111111'",
    ),
    "content-length-byte-b2": (
        _HEAD + b"Content-Length: \xb2\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length",
    ),
    "content-length-superscript-two-utf8": (
        _HEAD + "Content-Length: ²\r\n\r\n".encode() + _FORM,
        "bad-content-length: invalid Content-Length",
    ),
    "content-length-negative": (
        _HEAD + b"Content-Length: -40\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length",
    ),
    "content-length-plus": (
        _HEAD + b"Content-Length: +40\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length",
    ),
    "content-length-hex": (
        _HEAD + b"Content-Length: 0x28\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length",
    ),
    "content-length-empty": (
        _HEAD + b"Content-Length: \r\nContent-Length: 40\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length ''",
    ),
    "content-length-inner-space": (
        _HEAD + b"Content-Length: 4 0\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length",
    ),
    "content-length-duplicate-list": (
        _HEAD + b"Content-Length: 40, 40\r\n\r\n" + _FORM,
        "bad-content-length: invalid Content-Length '40, 40'",
    ),
    "content-length-conflicting": (
        _HEAD + b"Content-Length: 40\r\nContent-Length: 41\r\n\r\n" + _FORM,
        "bad-content-length: conflicting Content-Length headers: 40 and 41",
    ),
    # RFC 9112 section 6.1: chunked must be the final coding (else 400); no other is
    # implemented here; HTTP/1.0 has no Transfer-Encoding.
    "transfer-encoding-gzip": (
        _HEAD + b"Transfer-Encoding: gzip\r\n\r\n" + _FORM,
        "bad-transfer-encoding: Transfer-Encoding 'gzip'",
    ),
    "transfer-encoding-gzip-chunked": (
        _HEAD + b"Transfer-Encoding: gzip, chunked\r\n\r\n28\r\n" + _FORM + b"\r\n0\r\n\r\n",
        "bad-transfer-encoding: Transfer-Encoding 'gzip, chunked'",
    ),
    "transfer-encoding-chunked-twice": (
        _HEAD + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "bad-transfer-encoding:",
    ),
    "transfer-encoding-xchunked": (
        _HEAD + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        "bad-transfer-encoding: Transfer-Encoding 'xchunked'",
    ),
    "transfer-encoding-in-http-1.0": (
        b"POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "bad-transfer-encoding: Transfer-Encoding in an HTTP/1.0 request",
    ),
    # RFC 9112 section 7.1: chunk-size = 1*HEXDIG, then optional extensions after ';'.
    **{
        f"chunk-size-{name}": (
            _HEAD
            + b"Transfer-Encoding: chunked\r\n\r\n"
            + size
            + b"\r\n"
            + _FORM
            + b"\r\n0\r\n\r\n",
            "bad-chunked-framing: chunk size",
        )
        for name, size in [
            ("0x28", b"0x28"),
            ("2_8", b"2_8"),
            ("plus", b"+28"),
            ("minus", b"-28"),
            ("junk", b"28zz"),
            ("trailing-space", b"28 "),
            ("leading-space", b" 28"),
            ("empty", b""),
            ("17-hex-digits", b"0" * 15 + b"28"),
            ("non-ascii", b"2\xb2"),
        ]
    },
    "chunk-data-without-crlf": (
        _HEAD + b"Transfer-Encoding: chunked\r\n\r\n28\r\n" + _FORM + b"XX0\r\n\r\n",
        "bad-chunked-framing: chunk data not followed by CRLF",
    ),
    "chunk-line-too-long": (
        _HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + b"1" * 5000,
        "bad-chunked-framing: a chunk-size or trailer line longer than 4096 bytes",
    ),
    # RFC 9112 section 5.1: "No whitespace is allowed between the field name and colon";
    # a server MUST answer 400. A line with no colon is no field line at all.
    "space-before-colon": (
        _HEAD + b"Content-Length : 40\r\n\r\n" + _FORM,
        "bad-header-line",
    ),
    "header-without-colon": (_HEAD + b"Content-Length 40\r\n\r\n" + _FORM, "bad-header-line"),
    "fold-before-any-header": (
        b"POST / HTTP/1.1\r\n folded\r\nHost: x\r\n\r\n",
        "bad-header-line",
    ),
    "not-http": (b"POST / SMTP/1.1\r\nHost: x\r\n\r\n", "not-http"),
}


class TestMalformedFraming:
    @pytest.mark.parametrize(("request_bytes", "note"), MALFORMED.values(), ids=MALFORMED.keys())
    def test_answered_400_and_recorded(
        self, endpoint: Endpoint, request_bytes: bytes, note: str
    ) -> None:
        status, head, body = _split(exchange(endpoint.port, request_bytes))
        assert status == 400
        assert _error_code(body, 400) == "MalformedHTTPRequest"
        assert b"\r\nConnection: close" in head
        (capture,) = load_captures(endpoint.capture_path)
        assert capture.status == 400
        assert any(n.startswith(note) for n in capture.notes), capture.notes
        head_end = request_bytes.find(b"\r\n\r\n") + 4
        assert capture.raw.startswith(request_bytes[: min(head_end, 5000)])
        # The endpoint goes on answering.
        assert _split(exchange(endpoint.port, _post()))[0] == 200

    @pytest.mark.parametrize(
        ("request_bytes", "body"),
        [
            pytest.param(
                _HEAD + b"Content-Length: " + b"0" * 16 + b"40\r\n\r\n" + _FORM,
                _FORM,
                id="content-length-18-digits",
            ),
            pytest.param(
                _HEAD + b"Content-Length:40\t\r\n\r\n" + _FORM, _FORM, id="content-length-ows"
            ),
            pytest.param(
                _HEAD
                + b"Transfer-Encoding: CHUNKED\r\n\r\n"
                + b"0" * 14
                + b"28 ; a=1;b\r\n"
                + _FORM
                + b"\r\n0\r\nX-Trailer: t\r\n\r\n",
                _FORM,
                id="chunk-16-hex-digits-extensions-trailer",
            ),
            pytest.param(
                _HEAD
                + b"Transfer-Encoding: chunked\r\n\r\n"
                + b"28;"
                + b"e" * 4000
                + b"\r\n"
                + _FORM
                + b"\r\n0\r\n\r\n",
                _FORM,
                id="chunk-line-4096-bytes",
            ),
            pytest.param(
                _HEAD + b"X-Folded: a\r\n b\r\nContent-Length: 40\r\n\r\n" + _FORM,
                _FORM,
                id="obs-fold",
            ),
            # RFC 9110 section 8.6: a recipient MAY take repeated equal values as one; the
            # checker reads it so (sesspec.http), and so does the endpoint.
            pytest.param(
                _HEAD + b"Content-Length: 40\r\nContent-Length: 40\r\n\r\n" + _FORM,
                _FORM,
                id="content-length-duplicate-lines",
            ),
            # RFC 9112 section 2.2: a bare LF ends a line for a lenient recipient; the checker
            # reads it (HTTP001), and the endpoint answers it instead of waiting for CRLF.
            pytest.param(
                _HEAD.replace(b"\r\n", b"\n") + b"Content-Length: 40\n\n" + _FORM,
                _FORM,
                id="bare-lf",
            ),
        ],
    )
    def test_one_step_inside_is_accepted(
        self, endpoint: Endpoint, request_bytes: bytes, body: bytes
    ) -> None:
        status, _, _ = _split(exchange(endpoint.port, request_bytes + b""))
        assert status == 200
        (capture,) = load_captures(endpoint.capture_path)
        assert capture.body == body
        assert capture.raw == request_bytes

    def test_eighteen_digits_past_the_limit_is_413(self, endpoint: Endpoint) -> None:
        request = _HEAD + b"Content-Length: " + b"9" * 18 + b"\r\n\r\n" + _FORM
        status, _, body = _split(exchange(endpoint.port, request))
        assert (status, _error_code(body, 413)) == (413, "RequestEntityTooLarge")

    def test_chunk_framing_is_bounded(self, tmp_path: Path) -> None:
        """1-byte chunks: the framing around the data may take ``max_head`` bytes."""
        with Endpoint(tmp_path / "c.jsonl", tls=False, max_head=1024) as ep:
            chunks = b"".join(b"1\r\n%c\r\n" % b for b in _FORM * 10)
            request = _HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
            status, _, body = _split(exchange(ep.port, request))
        assert (status, _error_code(body, 413)) == (413, "RequestEntityTooLarge")
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert "body-too-large: chunk framing larger than 1024 bytes" in capture.notes

    def test_trailer_flood_is_bounded(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False, max_head=1024) as ep:
            trailers = b"X-T: 1\r\n" * 2000
            request = _HEAD + b"Transfer-Encoding: chunked\r\n\r\n0\r\n" + trailers + b"\r\n"
            status, _, _ = _split(exchange(ep.port, request))
        assert status == 413


class TestDeadline:
    """A request must arrive whole within ``timeout`` s of its first byte."""

    def _trickle(self, sock: socket.socket, data: bytes, pause: float) -> tuple[bytes, float]:
        """Send ``data`` a byte at a time; stop when the server answers or closes."""
        started = time.monotonic()
        for byte in data:
            try:
                sock.send(bytes([byte]))
            except OSError:
                break
            readable, _, _ = select.select([sock], [], [], pause)
            if readable:
                break
        sock.settimeout(10)
        reply = b""
        with contextlib.suppress(ConnectionError):  # a reset ends it as a close does
            while chunk := sock.recv(65536):
                reply += chunk
        return reply, time.monotonic() - started

    @pytest.mark.parametrize(
        "prefix",
        [
            pytest.param(b"", id="slow-head"),
            pytest.param(_HEAD + b"Content-Length: 200\r\n\r\n", id="slow-body"),
        ],
    )
    def test_slow_sender_cut_at_the_deadline(self, tmp_path: Path, prefix: bytes) -> None:
        with (
            Endpoint(tmp_path / "c.jsonl", tls=False, timeout=1) as ep,
            socket.create_connection(("127.0.0.1", ep.port), timeout=10) as sock,
        ):
            sock.sendall(prefix)
            # 100 bytes at one per 0.2 s would take 20 s; every recv waits only 0.2 s.
            reply, took = self._trickle(sock, (_HEAD + b"X-Slow: " + b"s" * 100)[:100], 0.2)
        assert _split(reply)[0] == 408
        assert took < 10
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.notes[-1] == ("timeout-in-body" if prefix else "timeout-in-head")

    def test_slow_tls_handshake_cut(self, tmp_path: Path) -> None:
        """The TLS handshake is bounded too (a ClientHello trickled a byte at a time)."""
        with (
            Endpoint(tmp_path / "c.jsonl", timeout=1) as ep,
            socket.create_connection(("127.0.0.1", ep.port), timeout=10) as sock,
        ):
            hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 200
            reply, took = self._trickle(sock, hello, 0.2)
        # Read after stop(), which joins the connection threads: the one that cut the handshake
        # may not have counted it yet when the client saw the connection close.
        assert took < 10
        assert b"HTTP/1.1" not in reply
        assert ep.tls_failure_count == 1

    def test_idle_connection_closed(self, tmp_path: Path) -> None:
        with (
            Endpoint(tmp_path / "c.jsonl", tls=False, timeout=1) as ep,
            socket.create_connection(("127.0.0.1", ep.port), timeout=10) as sock,
        ):
            assert sock.recv(1) == b""  # closed by the endpoint, not by our 10 s timeout
        assert not (tmp_path / "c.jsonl").read_bytes()


class _FailingListener:
    """A listener whose ``accept`` fails with the given errors first (errno values)."""

    def __init__(self, real: socket.socket, errors: list[int]) -> None:
        self.real = real
        self.errors = errors

    def accept(self) -> tuple[socket.socket, Any]:
        if self.errors:
            code = self.errors.pop(0)
            raise OSError(code, os.strerror(code))
        return self.real.accept()

    def close(self) -> None:
        self.real.close()


class TestSurvives:
    def test_accept_errors(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="sesspec.serve")
        codes = [errno.ECONNABORTED, errno.EMFILE, errno.ENFILE, errno.EPROTO, errno.EIO]
        with Endpoint(tmp_path / "c.jsonl", tls=False, timeout=5) as ep:
            assert ep.transport is not None
            listener = ep.transport._listener
            assert isinstance(listener, socket.socket)
            failing = _FailingListener(listener, list(codes))
            ep.transport._listener = failing  # type: ignore[assignment]
            end = time.monotonic() + 20
            while failing.errors and time.monotonic() < end:  # the loop meets every error
                time.sleep(0.05)
            status = _split(exchange(ep.port, _post()))[0]
            errors = dict(ep.accept_errors)
        assert status == 200
        assert errors == {errno.errorcode[c]: 1 for c in codes}
        messages = [r.getMessage() for r in caplog.records]
        assert any("accept failed" in m and "Too many open files" in m for m in messages)
        assert any("accepting again" in m for m in messages)

    def test_a_bug_in_a_connection_thread_is_logged_not_fatal(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No connection thread ends with an exception (pytest turns one into an error)."""
        from sesspec.serve import app, responses

        calls = 0
        real = responses.success_body

        def broken(*args: Any, **kwargs: Any) -> bytes:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise RuntimeError("a bug")
            return real(*args, **kwargs)

        monkeypatch.setattr(app, "success_body", broken)
        with Endpoint(tmp_path / "c.jsonl", tls=False, timeout=5) as ep:
            assert exchange(ep.port, _post()) == b""  # closed, nothing sent
            assert _split(exchange(ep.port, _post()))[0] == 200
        assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)

    def test_connection_cap(self, tmp_path: Path) -> None:
        """With ``max_connections=2``, a third connection waits while both are answering, and
        is let in once one of them waits for a request: the one waiting longest is closed
        (sesspec.serve.seats), silently when idle, with 408 when it had begun a request."""
        with Endpoint(tmp_path / "c.jsonl", tls=False, timeout=300, max_connections=2) as ep:
            idle = socket.create_connection(("127.0.0.1", ep.port), timeout=60)
            time.sleep(0.2)  # the longest waiting
            slow = socket.create_connection(("127.0.0.1", ep.port), timeout=60)
            slow.sendall(b"POST / HTTP/1.1\r\nHo")
            try:
                third = socket.create_connection(("127.0.0.1", ep.port), timeout=60)
                keep_alive = _HEAD + b"Content-Length: %d\r\n\r\n%s" % (len(_FORM), _FORM)
                third.sendall(keep_alive)  # answered, then waits: newer than the slow one
                assert _split(read_response(third))[0] == 200
                assert idle.recv(100) == b""  # closed for room, nothing said
                fourth = socket.create_connection(("127.0.0.1", ep.port), timeout=60)
                fourth.sendall(_post())
                assert _split(read_response(fourth))[0] == 200
                status, _, body = _split(read_response(slow))
                third.close()
                fourth.close()
            finally:
                idle.close()
                slow.close()
            evictions = ep.transport.seats.evictions if ep.transport else 0
        assert (status, _error_code(body, status)) == (408, "RequestTimeout")
        assert evictions == 2
        notes = [c.notes for c in load_captures(tmp_path / "c.jsonl")]
        assert [n for n in notes if n] == [("evicted-in-head",)]


class TestServeCommandLine:
    """``sesspec serve`` refuses what it cannot use with one line and exit 2."""

    def _run(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
        code: int | str | None
        try:
            code = serve_main(argv)
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith("sesspec serve: ")
        return err

    @pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "1e300", "x", "86400.5"])
    def test_bad_timeout(self, value: str, capsys: pytest.CaptureFixture[str]) -> None:
        assert "--timeout" in self._run(["--timeout", value], capsys)

    def test_timeout_at_the_limit_is_taken(self) -> None:
        from sesspec.cli.serve import build_parser

        assert build_parser().parse_args(["--timeout", "86400"]).timeout == 86400.0

    @pytest.mark.parametrize(
        "argv",
        [
            ["--port", "65536"],
            ["--port", "-1"],
            ["--port", "http"],
            ["--max-body", "0"],
            ["--max-body", "9" * 5000],
            ["--max-head", "0"],
            ["--max-connections", "0"],
            ["--max-connections", "4097"],
            ["--no-such-option"],
            ["positional"],
        ],
    )
    def test_bad_argument(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        self._run(argv, capsys)

    def test_folder_as_capture(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        err = self._run(["--http", "--capture", str(tmp_path)], capsys)
        assert f"cannot open the capture file {tmp_path}: Is a directory" in err

    def test_folder_as_ca(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        argv = ["--capture", str(tmp_path / "c.jsonl"), "--ca", str(tmp_path)]
        assert "cannot write the CA file" in self._run(argv, capsys)

    def test_port_in_use(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            argv = ["--http", "--port", str(port), "--capture", str(tmp_path / "c.jsonl")]
            err = self._run(argv, capsys)
        assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in err


# --- flood: sesspec serve in a subprocess with 64 descriptors ----------------------------------

_SERVE_LOW_FDS = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_NOFILE, ({nofile}, {nofile}))\n"
    "from sesspec.cli import main\n"
    "sys.exit(main(['serve', *sys.argv[1:]]))\n"
)


class _Serve:
    """``sesspec serve`` in a subprocess with ``nofile`` descriptors; its stderr lines
    collected as they come."""

    def __init__(self, args: list[str], *, nofile: int = 64) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE_LOW_FDS.format(nofile=nofile), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.info = {}
        for _ in range(2 if "--http" in args else 3):  # url, [ca,] capture
            key, _, value = self.proc.stdout.readline().strip().partition(" ")
            self.info[key] = value
        self.port = int(self.info["url"].rsplit(":", 1)[1].rstrip("/"))
        self.ca = Path(self.info["ca"]) if "ca" in self.info else None
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def wait_for_log(self, text: str, within: float = 30) -> None:
        end = time.monotonic() + within
        while time.monotonic() < end:
            if any(text in line for line in self.stderr):
                return
            time.sleep(0.05)
        pytest.fail(f"no {text!r} in the endpoint's log within {within} s: {self.stderr}")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
            self._reader.join(10)
            assert self.proc.stdout is not None
            self.proc.stdout.close()
            assert self.proc.stderr is not None
            self.proc.stderr.close()
        return code


@pytest.mark.parametrize(
    ("args", "log_line"),
    [
        # Past the descriptor limit: accept fails with EMFILE, backs off, and recovers.
        pytest.param(["--http", "--max-connections", "1000"], "Too many open files", id="emfile"),
        # The default cap fits the descriptor budget: the flood waits in the backlog.
        pytest.param([], "connections open (the cap)", id="cap-tls"),
    ],
)
def test_flood_with_64_descriptors_then_answers_again(
    tmp_path: Path, args: list[str], log_line: str
) -> None:
    capture = tmp_path / "c.jsonl"
    serve = _Serve([*args, "--timeout", "120", "--capture", str(capture)])
    flood: list[socket.socket] = []
    stop_trickle = threading.Event()
    try:
        # 150 idle connections and 150 slow senders, more than the 64 descriptors.
        for i in range(300):
            sock = socket.create_connection(("127.0.0.1", serve.port), timeout=10)
            if i % 2:
                sock.sendall(b"POST / HTTP/1.1\r\nHo")
            flood.append(sock)
        slow = flood[1::2]

        def trickle() -> None:
            while not stop_trickle.wait(0.5):
                for sock in slow:
                    with contextlib.suppress(OSError):
                        sock.send(b"o")

        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        serve.wait_for_log(log_line)
        assert serve.proc.poll() is None
    finally:
        stop_trickle.set()
        for sock in flood:
            sock.close()
    try:
        # Released: a legitimate client is answered again, with no help.
        reply = exchange(serve.port, _post(), tls_ca=serve.ca, timeout=30)
        assert _split(reply)[0] == 200
        assert serve.proc.poll() is None
    finally:
        code = serve.stop()
    assert code == 0
    records = list(load_captures(capture))
    assert [r.status for r in records if r.action == "ListIdentities"] == [200]
    seqs = [r.seq for r in records]
    assert len(set(seqs)) == len(seqs)
    assert "Traceback" not in "".join(serve.stderr)


def test_a_fresh_client_is_answered_while_one_peer_holds_300_connections(tmp_path: Path) -> None:
    """``ulimit -n 256``: the cap is 224 connections. One peer holds 300 (half idle, half
    sending a head a byte every half second, each reopened when closed), more than the cap;
    with a request deadline of 300 s, a client waiting for a slot would wait minutes. The
    connection waiting longest is closed when another waits (sesspec.serve.seats), so each
    fresh client is answered at once (BENCHMARKS.md records how fast; here a generous 30 s
    proves it is not the deadline that let it in)."""
    capture = tmp_path / "c.jsonl"
    serve = _Serve(["--http", "--timeout", "300", "--capture", str(capture)], nofile=256)
    hog = Hog(serve.port, 300)
    waits = []
    try:
        serve.wait_for_log("connections open (the cap)")
        for _ in range(3):
            started = time.monotonic()
            assert _split(exchange(serve.port, _post(), timeout=60))[0] == 200
            waits.append(time.monotonic() - started)
        serve.wait_for_log("connections closed at the cap to let newer ones in")
        assert serve.proc.poll() is None
    finally:
        hog.close()
        code = serve.stop()
    assert max(waits) < 30, waits
    assert code == 0
    assert "Traceback" not in "".join(serve.stderr)
    records = list(load_captures(capture))
    assert [r.status for r in records if r.action == "ListIdentities"] == [200] * 3
    evicted = [r for r in records if any(n.startswith("evicted-in-") for n in r.notes)]
    assert evicted  # the trickling ones closed for room were answered 408 and recorded
    assert {r.status for r in evicted} == {408}


def test_restart_on_the_capture_file_of_a_killed_serve(tmp_path: Path) -> None:
    """``serve`` restarted on its capture file continues the sequence."""
    capture = tmp_path / "c.jsonl"
    for _ in range(2):
        serve = _Serve(["--http", "--capture", str(capture)])
        try:
            for _ in range(2):
                assert _split(exchange(serve.port, _post()))[0] == 200
        finally:
            serve.proc.kill()
            serve.stop()
    lines = capture.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4]


def test_readme_endpoint_limits_are_the_code_s() -> None:
    """README "Endpoint limits" states the defaults and bounds the code has."""
    from sesspec import http
    from sesspec.cli import serve as cli
    from sesspec.serve import admin, capture, inbox, mailbox, seats, server, transport

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("### Endpoint limits", 1)[1].split("\n## ", 1)[0]
    stated = [
        f"{server.DEFAULT_MAX_CONNECTIONS}, fewer if `RLIMIT_NOFILE` - {transport.FD_RESERVE}",
        f"(`--max-connections`, 1-{server.MAX_CONNECTIONS_LIMIT})",
        f"listen backlog ({transport.BACKLOG})",
        f"at most {seats.MAX_EVICTING} closed at once",
        f"{server.DEFAULT_TIMEOUT:g} s (`--timeout`, over 0 and at most {server.MAX_TIMEOUT:g})",
        f"{server.DEFAULT_MAX_HEAD // 1024} KiB (`--max-head`, at most "
        f"{server.MAX_HEAD_LIMIT // 1024**2} MiB)",
        f"{server.DEFAULT_MAX_BODY // 1024**2} MiB (`--max-body`, at most "
        f"{server.MAX_BODY_LIMIT // 1024**3} GiB)",
        f"{http.MAX_CHUNK_LINE} bytes",
        f"| header lines | {http.DEFAULT_MAX_HEADERS} |",
        f"after {transport.BACKOFF_FIRST * 1000:g} ms doubling to {transport.BACKOFF_MAX:g} s",
        f"{capture.MAX_RECORD_SIZE // 1024**2} MiB",
        f"`fsync`ed within {capture.SYNC_INTERVAL:g} s",
        f"{mailbox.DEFAULT_MAX_MESSAGES:,} (`--max-messages`, 1-{cli.MAX_MESSAGES_LIMIT:,}) "
        f"and {mailbox.DEFAULT_MAX_BYTES // 2**20} MiB of memory: what each message costs",
        f"its head and {mailbox.MAX_REQUEST_KEPT // 1024} KiB of body",
        f"the newest {inbox.DEFAULT_SHOWN} (`?limit=`, at most {inbox.MAX_SHOWN}); "
        f"{inbox.MAX_TEXT_SHOWN // 1024} KiB of each",
        f"| the query of `/_aws/ses` and `/_sesspec/` | {admin.MAX_QUERY_FIELDS} fields,",
        f"({inbox.MAX_TEXT_SHOWN * 4 // 1024} KiB of an HTML body)",
        f"| the page `/_sesspec/` | {inbox.MAX_PAGE_CHARS // 2**20} MiB, then no further",
        f"each string in slices of {admin.JSON_SLICE // 1024} Ki characters",
        f"under {PEAK_ABOVE_IDLE // 2**20} MB above idle",
        f"waiting {server.DEFAULT_TIMEOUT:g} s (`--timeout`) in all",
    ]
    for text in stated:
        assert text in section, text


# --- serve: a closed stdout ----------------------------------------------------------------------


def test_serve_with_stdout_closed(tmp_path: Path) -> None:
    """``sesspec serve >&-``: sys.stdout is None; writing the url raised AttributeError and the
    endpoint stopped at once (exit 70). Now it serves until told to stop, exit 0."""
    capture = tmp_path / "c.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-m", "sesspec", "serve", "--http", "--capture", str(capture)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),  # noqa: PLW1509 - closes the child's stdout only
    )
    try:
        deadline = time.monotonic() + 30
        while not capture.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert err.decode().count("\n") == 1
