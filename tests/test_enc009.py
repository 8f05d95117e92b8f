"""ENC009 and docs/spec.md#param-raw-message agree: the message inside ``RawMessage.Data`` has
its lines end in CRLF and "CR and LF MUST only occur together as CRLF" (RFC 5322 sections 2.1
and 2.3), so a bare LF and a bare CR are each reported, with how many, and CRLF alone is not.

The messages are written by hand; the counts are counted by hand in them.
"""

from __future__ import annotations

import base64

import pytest

from sesspec.check import Finding, check

HOST = "email.us-east-1.amazonaws.com"


def _enc009(message: bytes) -> list[Finding]:
    data = base64.b64encode(message).decode().replace("+", "%2B").replace("/", "%2F")
    body = f"Action=SendRawEmail&Version=2010-12-01&RawMessage.Data={data.replace('=', '%3D')}"
    raw = (
        f"POST / HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()
    return [f for f in check(raw) if f.rule == "ENC009"]


HEAD = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\n\r\n"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"one\r\ntwo\r\n", None),
        (b"one\r\ntwo", None),
        (b"one\ntwo\r\n", "1 bare LF (a line ending in LF alone)"),
        (b"one\rtwo\r\n", "1 bare CR"),
        (b"one\r", "1 bare CR"),
        (b"one\r\r\n", "1 bare CR"),
        (b"\n\rone", "1 bare LF (a line ending in LF alone) and 1 bare CR"),
        (b"a\rb\rc\r\n", "2 bare CR"),
    ],
    ids=[
        "crlf",
        "crlf-no-final",
        "bare-lf",
        "bare-cr",
        "cr-at-end",
        "cr-before-crlf",
        "both",
        "two-cr",
    ],
)
def test_bare_lf_and_bare_cr_either_side(body: bytes, said: str | None) -> None:
    found = _enc009(HEAD + body)
    if said is None:
        assert found == []
    else:
        (one,) = found
        assert (one.severity, str(one.location)) == ("warning", "param RawMessage.Data")
        assert one.message == (
            f"the decoded message has {said}; MIME wants CRLF, CR and LF only together"
        )
