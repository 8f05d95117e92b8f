"""``check`` on a request typed with bare LF line ends: one HTTP001 finding that says so, at the
first bare LF, instead of the findings its final line end caused further on
(docs/spec.md#http-message).

Before this, the sample below gave HTTP008 (Content-Length 38, body 39 bytes), ENC003 (a raw
0x0a in the body) and PARAM003 (Version '2010-12-01\\n'), and no word about the line ends.
"""

from __future__ import annotations

import pytest

from sesspec.check import check

HOST = "email.us-east-1.amazonaws.com"
FORM = "Action=GetSendQuota&Version=2010-12-01"  # 38 bytes
TYPED = (
    f"POST / HTTP/1.1\nHost: {HOST}\n"
    "Content-Type: application/x-www-form-urlencoded; charset=utf-8\n"
    f"Content-Length: 38\n\n{FORM}\n"
).encode()


def _rules(raw: bytes) -> list[str]:
    return [f.rule for f in check(raw)]


def test_bare_lf_said_once_without_the_cascade() -> None:
    found = check(TYPED)
    bare = [f for f in found if f.rule == "HTTP001"]
    assert len(bare) == 1
    assert bare[0].message.startswith("bare LF line endings")
    assert bare[0].location.offset == 15  # "POST / HTTP/1.1" is 15 bytes; its LF is next
    # A place in the request's bytes, as a report prints it.
    assert bare[0].location.kind == "request"
    assert str(bare[0].location) == "byte 15"
    assert not {"HTTP008", "ENC003", "PARAM003"} & {f.rule for f in found}


def test_the_same_request_with_crlf_differs_by_that_finding_only() -> None:
    crlf = TYPED[:-1].replace(b"\n", b"\r\n")  # as a client sends it: no final line end
    assert "HTTP001" not in _rules(crlf)
    assert _rules(TYPED) == ["HTTP001", *_rules(crlf)]


@pytest.mark.parametrize(
    ("raw", "offset"),
    [
        # Worked by hand: the request line is 53 bytes, CRLF, then "Host: " (6) and the host.
        # The request line ends in CRLF, the Host line in a bare LF.
        (f"GET /?{FORM} HTTP/1.1\r\nHost: {HOST}\n\r\n".encode(), 61 + len(HOST)),
        # Only the empty line is a bare LF.
        (f"GET /?{FORM} HTTP/1.1\r\nHost: {HOST}\r\n\n".encode(), 63 + len(HOST)),
    ],
)
def test_a_mixed_head_points_at_the_first_bare_lf(raw: bytes, offset: int) -> None:
    bare = [f for f in check(raw) if f.rule == "HTTP001"]
    assert [f.location.offset for f in bare] == [offset]
    assert raw[offset : offset + 1] == b"\n"
    assert raw[offset - 1 : offset] != b"\r"


def test_a_body_past_its_length_is_still_http008() -> None:
    """More than one final line end after the declared body is the client's error, judged as
    before."""
    raw = TYPED + b"extra"
    rules = _rules(raw)
    assert rules[0] == "HTTP001"
    assert "HTTP008" in rules


def test_crlf_requests_are_judged_as_before() -> None:
    """No bare LF, no new finding: a CRLF request whose body ends in CRLF keeps its cascade
    (those bytes were sent)."""
    raw = TYPED.replace(b"\n", b"\r\n")
    rules = _rules(raw)
    assert "HTTP001" not in rules
    assert "HTTP008" in rules
