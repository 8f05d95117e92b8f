"""Writing an answer on the endpoint's connections: the status line, the header fields the
transport adds, and the body, whole (``Content-Length``) or streamed (chunked transfer coding,
RFC 9112 section 7.1; close-delimited to HTTP/1.0, section 6.3 rule 8), under one budget of
waiting on the peer (:class:`AnswerWriter`). No header value the writer writes holds a CR or
LF. Part of the transport (:mod:`sesspec.serve.transport`): it knows no SES action.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email.utils import formatdate

from sesspec.serve.exchange import Answer

__all__ = ["WRITE_SIZE", "AnswerWriter", "http_answer", "http_stream"]


def __dir__() -> list[str]:
    return __all__


#: Bytes a streamed answer is written in at once (its pieces gathered up to this size).
WRITE_SIZE = 256 * 1024
_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}


_date_cache: tuple[int, str] = (-1, "")


def _http_date() -> str:
    """RFC 9110 ``Date`` of now, made once a second."""
    global _date_cache  # noqa: PLW0603 - a one-entry cache; the tuple is replaced whole
    second = int(time.time())
    cached = _date_cache
    if cached[0] != second:
        cached = _date_cache = (second, formatdate(second, usegmt=True))
    return cached[1]


def _head(answer: Answer, *, keep_alive: bool, framing: str) -> bytes:
    lines = [f"HTTP/1.1 {answer.status} {_REASONS.get(answer.status, 'Error')}\r\n"]
    for name, value in answer.headers:
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
            msg = f"a header field with a line break: {name!r}"
            raise ValueError(msg)
        lines.append(f"{name}: {value}\r\n")
    lines.append(
        f"Content-Type: {answer.content_type}\r\n"
        f"{framing}"
        f"Date: {_http_date()}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return "".join(lines).encode("ascii")


def http_answer(answer: Answer, *, keep_alive: bool) -> bytes:
    """``answer`` as HTTP/1.1 bytes: the status line, the answer's own header fields, then
    ``Content-Type``, ``Content-Length`` (of the body, sent or not), ``Date`` and
    ``Connection``; ``ValueError`` for a header field with a CR or LF (a bug of the
    application: a value never becomes two header lines). A streamed answer
    (``answer.stream``) is written by :func:`http_stream` instead."""
    head = _head(answer, keep_alive=keep_alive, framing=f"Content-Length: {len(answer.body)}\r\n")
    return head + answer.body if answer.send_body else head


def http_stream(answer: Answer, *, keep_alive: bool, chunked: bool) -> Iterator[bytes]:
    """A streamed ``answer`` (``answer.stream``) as HTTP/1.1 bytes, in pieces of about
    :data:`WRITE_SIZE`: the head (``Transfer-Encoding: chunked`` when ``chunked``, RFC 9112
    section 7.1; else no framing, and the connection is closed at the end, section 6.3 rule 8,
    so ``keep_alive`` must then be False), then the body's pieces, each a chunk, and the last
    chunk. The stream is not iterated when the body is not sent (a HEAD)."""
    if not chunked and keep_alive:
        msg = "a body without chunks ends with the connection: keep_alive must be False"
        raise ValueError(msg)
    framing = "Transfer-Encoding: chunked\r\n" if chunked else ""
    head = _head(answer, keep_alive=keep_alive, framing=framing)
    if not answer.send_body or answer.stream is None:
        yield head
        return
    pending = [head]
    size = len(head)
    for piece in answer.stream:
        if not piece:
            continue
        if chunked:
            pending += (b"%x\r\n" % len(piece), piece, b"\r\n")
        else:
            pending.append(piece)
        size += len(piece)
        if size >= WRITE_SIZE:
            yield b"".join(pending)
            pending, size = [], 0
    if chunked:
        pending.append(b"0\r\n\r\n")
    yield b"".join(pending)


class AnswerWriter:
    """Writes an answer to a socket under one budget: the peer may keep the endpoint waiting
    (a full send buffer) ``timeout`` seconds in all, however long the answer is and however
    long its pieces take to make; past it, ``TimeoutError``."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.left = timeout

    def send(self, data: bytes) -> None:
        if self.left <= 0:
            raise TimeoutError
        self.sock.settimeout(self.left)
        started = time.monotonic()
        try:
            self.sock.sendall(data)
        finally:
            self.left -= time.monotonic() - started
