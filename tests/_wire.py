"""Helpers for the endpoint and capture tests: one exchange on a raw socket, a sample capture."""

from __future__ import annotations

import dataclasses
import re
import socket
import ssl
from pathlib import Path
from typing import Any

from sesspec.serve.capture import Capture

#: The name the throwaway certificate is checked against (the endpoint serves SES names).
SERVER_NAME = "email.us-east-1.amazonaws.com"


def read_response(sock: socket.socket) -> bytes:
    """One response: the head, then Content-Length bytes (or until the server closes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    match = re.search(rb"\r\nContent-Length: (\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def exchange(port: int, data: bytes, *, tls_ca: Path | None = None, timeout: float = 20) -> bytes:
    """Send ``data`` on a fresh connection to 127.0.0.1 (TLS when ``tls_ca`` is given) and read
    one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        sock: socket.socket = raw
        if tls_ca is not None:
            context = ssl.create_default_context(cafile=str(tls_ca))
            sock = context.wrap_socket(raw, server_hostname=SERVER_NAME)
        with sock:
            sock.sendall(data)
            return read_response(sock)


def sample_capture(**changes: Any) -> Capture:
    """A capture record as the endpoint writes one (a GET without a body), with ``changes``."""
    raw = b"GET /?Action=ListIdentities HTTP/1.1\r\nHost: " + SERVER_NAME.encode() + b"\r\n\r\n"
    capture = Capture(
        seq=1,
        connection_id=1,
        request_in_connection=1,
        received_at="2026-11-26T00:00:00.000000Z",
        received_at_ns=1_795_651_200_000_000_000,
        peer=("127.0.0.1", 40000),
        local_port=443,
        tls=True,
        raw=raw,
        head_length=len(raw),
        body=b"",
        status=200,
        action="ListIdentities",
    )
    return dataclasses.replace(capture, **changes)
