"""Helpers for the endpoint and capture tests: one exchange on a raw socket, a sample capture, a
boto3 SES client with the fake credentials, a user's test file run by pytest."""

from __future__ import annotations

import dataclasses
import http.client
import io
import re
import socket
import ssl
import subprocess
import sys
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from sesspec.serve.capture import Capture

#: The name the throwaway certificate is checked against (the endpoint serves SES names).
SERVER_NAME = "email.us-east-1.amazonaws.com"


def read_response(sock: socket.socket) -> bytes:
    """One response as it arrived: the head, then Content-Length bytes, or a chunked body up to
    its last chunk (or until the server closes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    chunks = bytearray(rest)
    if re.search(rb"\r\nTransfer-Encoding: chunked\r\n", head + b"\r\n"):
        while not chunks.endswith(b"\r\n0\r\n\r\n") and chunks != b"0\r\n\r\n":
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            chunks += chunk
        return head + b"\r\n\r\n" + bytes(chunks)
    match = re.search(rb"\r\nContent-Length: (\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(chunks) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks += chunk
    return head + b"\r\n\r\n" + bytes(chunks)


class _Replay:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, *_args: object, **_kwargs: object) -> io.BytesIO:
        return io.BytesIO(self.data)


def parse_response(data: bytes, *, method: str = "GET") -> tuple[int, Message, bytes]:
    """A response's status, header fields and body (de-chunked), read by the standard
    library's ``http.client`` (an independent reader of the endpoint's framing)."""
    response = http.client.HTTPResponse(_Replay(data), method=method)  # type: ignore[arg-type]
    response.begin()
    body = response.read()
    return response.status, response.headers, body


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


#: The public SigV4 suites' fake credentials (what strict mode and the fixture verify with).
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def ses_client(url: str, ca_path: str | Path | None = None) -> Any:
    """A boto3 SES client for the endpoint at ``url`` (HTTPS trusting ``ca_path``)."""
    boto3 = pytest.importorskip("boto3")
    return boto3.client(
        "ses",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=AKID,
        aws_secret_access_key=SECRET,
        verify=str(ca_path) if ca_path is not None else False,
    )


def run_pytest(test_file: Path, *, plugin: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a user's test file with pytest in a subprocess (warnings as errors), in its folder;
    ``plugin``: load ``sesspec.serve.pytest_plugin`` by name rather than by entry point."""
    plugins = ["-p", "no:sesspec", "-p", "sesspec.serve.pytest_plugin"] if plugin else []
    args = [*plugins, "-p", "no:cacheprovider", "-W", "error", str(test_file)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        capture_output=True,
        text=True,
        cwd=test_file.parent,
        timeout=300,
        check=False,
    )
