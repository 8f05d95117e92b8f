"""Helpers of the hostile-input tests: credentials, requests, the command line run in-process,
peak memory, and the hypothesis strategies that make inputs big or deep in few bytes."""

from __future__ import annotations

import io
import os
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from hypothesis import strategies as st

from sesspec import cli
from sesspec.errors import (
    ParamError,
)
from sesspec.http import RawRequest
from sesspec.signing import sigv4
from tests._support import REPO

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN/with+slash="  # a fake token in the shape of an STS one
WHEN = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)
HOST = "email.us-east-1.amazonaws.com"
SAMPLES = REPO / "vectors" / "checker"
CLEAN = SAMPLES / "AUTH018" / "pass-botocore-post.http"
BROKEN = SAMPLES / "AUTH018" / "fail-encodeuricomponent-parens.http"
CREDS = ["--access-key-id", AKID, "--secret-access-key", SECRET]
MB = 1024 * 1024
AWS_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


# --- helpers -------------------------------------------------------------------------------------


def post(body: bytes) -> bytes:
    return (
        f"POST / HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def get(query: bytes) -> bytes:
    return b"GET /?" + query + f" HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


def peak_bytes(fn: Callable[[], object]) -> int:
    """Peak of memory traced while ``fn`` runs (what it allocated, not the process size)."""
    fn()  # warm up: the model and its compiled plans load once per process
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class BrokenPipeBuffer(io.RawIOBase):
    """A stdout whose reader went away after ``keep`` bytes."""

    def __init__(self, keep: int = 0) -> None:
        self.keep = keep
        self.got = b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(self.got) + len(data) > self.keep:
            raise BrokenPipeError(32, "Broken pipe")
        self.got += bytes(data)
        return len(data)


@contextmanager
def stdio(
    stdin: bytes | None, stdout: io.TextIOWrapper | None, env: dict[str, str] | None
) -> Iterator[io.TextIOWrapper]:
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with ExitStack() as stack:
        fake_in = None if stdin is None else io.TextIOWrapper(io.BytesIO(stdin))
        stack.enter_context(mock.patch.object(sys, "stdin", fake_in))
        stack.enter_context(mock.patch.object(sys, "stdout", stdout))
        stack.enter_context(mock.patch.object(sys, "stderr", err))
        clean = {k: v for k, v in os.environ.items() if k not in AWS_ENV}
        stack.enter_context(mock.patch.dict(os.environ, {**clean, **(env or {})}, clear=True))
        yield err


def run(
    argv: list[str],
    stdin: bytes | None = b"",
    *,
    env: dict[str, str] | None = None,
    stdout: io.TextIOWrapper | None = None,
) -> tuple[int, bytes, str]:
    """``sesspec.cli.main(argv)`` in-process: (exit status, stdout bytes, stderr text). The AWS
    credential variables of the real environment are hidden; ``env`` adds some."""
    out = stdout if stdout is not None else io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with stdio(stdin, out, env) as err:
        code = cli.main(argv)
        err.flush()
        error_text = err.buffer.getvalue().decode()  # type: ignore[attr-defined]
    written = b""
    if stdout is None:
        out.flush()
        written = out.buffer.getvalue()  # type: ignore[attr-defined]
    return code, written, error_text


def assert_one_line_exit_2(code: int, err: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def kinds(errors: list[ParamError]) -> list[str]:
    return [e.kind for e in errors]


def presigned(expires: str, *, token: str | None = None) -> bytes:
    """A presigned GET as sesspec signs it, with X-Amz-Expires replaced by ``expires``."""
    signed = sigv4.presign(
        RawRequest("GET", "/?Action=GetSendQuota&Version=2010-12-01", headers=(("Host", HOST),)),
        access_key_id=AKID,
        secret_access_key=SECRET,
        region="us-east-1",
        time=WHEN,
        session_token=token,
        config=sigv4.SigningConfig(expiration_in_seconds=3600),
    ).request
    return signed.to_bytes().replace(b"X-Amz-Expires=3600", b"X-Amz-Expires=" + expires.encode())


# --- hypothesis: sizes, depths and digits ------------------------------------------------------

# Pieces that make inputs big or deep in few bytes of hypothesis data.
DIGITS = st.integers(min_value=0, max_value=6000).map(lambda n: "9" * n) | st.integers(
    min_value=-(10**40), max_value=10**40
).map(str)
SEGMENT = (
    st.sampled_from(
        [
            "Destination",
            "ToAddresses",
            "member",
            "entry",
            "key",
            "value",
            "Identities",
            "Message",
            "Subject",
            "Data",
            "Tags",
            "Name",
            "",
            "0",
            "01",
            "\u00e9",
            "a b",
            "%",
        ]
    )
    | DIGITS
)
NAME = st.lists(SEGMENT, min_size=1, max_size=8).map(".".join) | st.builds(
    lambda head, n: head + ".a" * n, SEGMENT, st.integers(min_value=0, max_value=2000)
)
VALUE = st.text(max_size=20) | DIGITS
ACTIONS = st.sampled_from(
    [
        "SendEmail",
        "GetIdentityVerificationAttributes",
        "ListIdentities",
        "SendBulkTemplatedEmail",
        "SetIdentityHeadersInNotificationsEnabled",
        "Nope",
    ]
)
PAIRS = st.builds(
    lambda action, rest, repeat: [("Action", action), *rest * repeat],
    ACTIONS,
    st.lists(st.tuples(NAME, VALUE), max_size=12),
    st.sampled_from([1, 1, 1, 50, 900]),
)


def encode_pairs(pairs: list[tuple[str, str]]) -> bytes:
    from sesspec.encoding import form_encode_bytes

    return form_encode_bytes(pairs)


FORMS = (
    PAIRS.map(encode_pairs)
    | st.binary(max_size=300)
    | st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(
            [b"&", b"a&", b"%", b"%zz", b"=", b"+", b"a.", b"\xff", b"a.member.9999999&"]
        ),
        st.integers(min_value=0, max_value=25_000),
    )
)


def framed(body: bytes, head: bytes) -> bytes:
    return head.replace(b"{n}", str(len(body)).encode()) + b"\r\n\r\n" + body


HEADS = st.sampled_from(
    [
        b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {n}",
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999",
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked",
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: {n}\r\nContent-Length: 1",
        b"POST / HTTP/1.1\r\nHost: h\r\nAuthorization: AWS4-HMAC-SHA256 Credential=a/2026"
        b"1126/us-east-1/ses/aws4_request, SignedHeaders=host, Signature="
        + b"0" * 64
        + b"\r\nX-Amz-Date: 99991231T235959Z\r\nContent-Length: {n}",
    ]
)
REQUESTS = (
    st.builds(framed, FORMS, HEADS)
    | FORMS.map(lambda q: b"GET /?" + q.replace(b" ", b"+") + b" HTTP/1.1\r\nHost: h\r\n\r\n")
    | st.builds(
        lambda n, line: b"GET / HTTP/1.1\r\n" + line * n + b"\r\n",
        st.integers(min_value=0, max_value=20_000),
        st.sampled_from([b"A: b\r\n", b"A:\n", b" folded\r\n", b"X-Amz-Expires: 9\r\n"]),
    )
    | st.binary(max_size=400)
    | st.builds(presigned, DIGITS)
)


def outcome(fn: Callable[[], Any], *errors: type[Exception]) -> Any:
    """What ``fn`` returns, or the exception of one of ``errors`` it raised."""
    try:
        return fn()
    except errors as exc:
        return exc
