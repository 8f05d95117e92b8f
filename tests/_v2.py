"""botocore's clients wired to the endpoint's applications without a socket.

A ``before-send`` handler takes the request botocore prepared (serialized and signed by botocore
1.44.8, an implementation independent of the code under test), writes it as the bytes urllib3
would send (request line, ``Host``, the headers, ``Content-Length``, the body), reads them with
the core reader, hands the exchange to the application and gives botocore the answer, which
botocore's own parser reads. So every test here checks sesspec's answers against botocore's
REST-JSON (v2) and Query (Classic) parsers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from sesspec import fake
from sesspec.http import read_request
from sesspec.serve.app import Mode, SesApplication
from sesspec.serve.capture import Capture
from sesspec.serve.exchange import Answer, Exchange, Limits
from sesspec.serve.state import SesState
from sesspec.serve.v2.app import V2Application

LIMITS = Limits(max_head=65536, max_body=16 * 1024 * 1024, timeout=7.0, max_connections=4)
HOST = "email.us-east-1.amazonaws.com"


class Recorded:
    """A recorder that keeps the captures in a list."""

    def __init__(self) -> None:
        self.captures: list[Capture] = []
        self.seq = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def append(self, capture: Capture) -> None:
        self.captures.append(capture)


def wire_bytes(request: AWSPreparedRequest) -> bytes:
    """The bytes urllib3 puts on the wire for ``request`` (Host first, Content-Length last)."""
    url = urlsplit(request.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        body = body.read()
    lines = [f"{request.method} {target} HTTP/1.1"]
    if "host" not in {name.lower() for name in request.headers}:
        lines.append(f"Host: {url.netloc}")
    for name, value in request.headers.items():
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        lines.append(f"{name}: {text}")
    if body or request.method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("utf-8") + body


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def to_response(url: str, answer: Answer) -> AWSResponse:
    headers = {"Content-Type": answer.content_type, **dict(answer.headers)}
    return AWSResponse(url, answer.status, headers, _Raw(answer.body))


class Harness:
    """One SES account served to a boto3 ``sesv2`` and a boto3 ``ses`` client, in process."""

    def __init__(
        self,
        *,
        state: SesState | None = None,
        mode: Mode | None = None,
        secret: str = fake.SECRET_ACCESS_KEY,
        access_key_id: str = fake.ACCESS_KEY_ID,
    ) -> None:
        self.state = SesState() if state is None else state
        self.recorded = Recorded()
        self.sent: list[bytes] = []
        mode = mode or Mode()
        self.v2_app = V2Application(state=self.state, recorder=self.recorded, mode=mode)
        self.classic_app = SesApplication(
            state=self.state, recorder=self.recorded, limits=LIMITS, mode=mode
        )
        kwargs = {
            "endpoint_url": f"https://{HOST}",
            "region_name": "us-east-1",
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret,
        }
        config = Config(retries={"max_attempts": 1})
        self.v2 = boto3.client("sesv2", config=config, **kwargs)
        self.classic = boto3.client("ses", config=config, **kwargs)
        for client in (self.v2, self.classic):
            client.meta.events.register("before-send", self._send)

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        data = wire_bytes(request)
        self.sent.append(data)
        return to_response(request.url, self.answer(data))

    def answer(self, data: bytes, *, arrived_ns: int | None = None) -> Answer:
        """The endpoint's answer to ``data`` (v2 for a /v2/ path, else Classic)."""
        read = read_request(data)
        exchange = Exchange(read, arrived_ns if arrived_ns is not None else time.time_ns())
        request = read.request
        assert request is not None
        if request.path.startswith("/v2/"):
            return self.v2_app.answer(exchange)
        return self.classic_app.answer(exchange)


def raw_request(
    method: str, path: str, body: bytes = b"", *, headers: tuple[tuple[str, str], ...] = ()
) -> bytes:
    """An unsigned request written by hand."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", *(f"{n}: {v}" for n, v in headers)]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def client_error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """A botocore ``ClientError``'s code, HTTP status and message, as SES v2 answered them."""
    response: Any = exc.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )
