"""The fidelity comparison under hostile messages: headers nested past what the reader takes,
on either side, and SendEmail asked against a message nested deep; each compared, never raising.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.fidelity import Asked, Difference, compare_messages, compare_request
from sesspec.http import RawRequest
from tests._hypothesis import examples

MESSAGE = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\n\r\nhello\r\n"
DEEP_TO = MESSAGE.replace(b"To: b@example.com", b"To: <" + b"(" * 5000 + b"b@example.com>")


def _unreadable(differences: list[Difference]) -> bool:
    return any(d.kind == "unreadable" for d in differences)


@pytest.mark.parametrize("sides", [(DEEP_TO, MESSAGE), (MESSAGE, DEEP_TO)], ids=["asked", "sent"])
def test_compare_messages_header_nested_deep(sides: tuple[bytes, bytes]) -> None:
    """An address header of 5,000 nested comments: RecursionError out of compare_messages
    (the stdlib parser reads a header when asked). Now: unreadable, not compared."""
    assert _unreadable(compare_messages(*sides))


def test_compare_request_send_email_as_deep_message() -> None:
    """The same message sent as SendRawEmail for a SendEmail: RecursionError before."""
    asked = Asked(
        "SendEmail",
        {
            "Source": "a@example.com",
            "Destination": {"ToAddresses": ["b@example.com"]},
            "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "hello"}}},
        },
    )
    data = (
        base64.b64encode(DEEP_TO).replace(b"+", b"%2B").replace(b"/", b"%2F").replace(b"=", b"%3D")
    )
    request = RawRequest(
        "POST",
        "/",
        "HTTP/1.1",
        (("Host", "h"), ("Content-Type", "application/x-www-form-urlencoded")),
        b"Action=SendRawEmail&RawMessage.Data=" + data,
    )
    assert _unreadable(compare_request(asked, request))


@examples(40)
@given(depth=st.integers(1, 3000), opener=st.sampled_from([b"(", b"<", b'"', b"=?utf-8?q?"]))
def test_compare_messages_nested_headers_any_depth(depth: int, opener: bytes) -> None:
    deep = MESSAGE.replace(b"To: b@example.com", b"To: " + opener * depth + b"b@example.com")
    compare_messages(deep, MESSAGE)
