"""What every signer refuses before it signs (sesspec.signing._guard), refusal by refusal.

Each refusal is a :class:`SigningError` whose scheme, stage and kind say what was refused, and
whose message names the value and the position, never the value of a secret (RFC 9110 section
5.5 for the header lines). The messages are pinned whole (the house style: what failed, then
where); the signers' own tests check that each signer calls these.
"""

from __future__ import annotations

import pytest

from sesspec.errors import SigningError
from sesspec.signing import _guard

KEYS = {"access_key_id": "AK", "secret_access_key": "SECRET", "session_token": "TOKEN"}


def _refusal(exc: pytest.ExceptionInfo[SigningError]) -> tuple[str, str, str, str]:
    e = exc.value
    return (e.message, e.scheme, e.stage, e.kind)


class TestCredentials:
    @pytest.mark.parametrize(
        ("field", "what"),
        [
            ("access_key_id", "access key id"),
            ("secret_access_key", "secret access key"),
            ("session_token", "session token"),
        ],
    )
    def test_empty(self, field: str, what: str) -> None:
        with pytest.raises(SigningError) as info:
            _guard.require_credentials("sigv2", **{**KEYS, field: ""})
        assert _refusal(info) == (f"the {what} is empty", "sigv2", "credentials", "credentials")

    @pytest.mark.parametrize(
        ("field", "value", "what", "code", "at"),
        [
            ("access_key_id", "AK\x01", "access key id", "0001", 2),
            ("secret_access_key", "\x7fS", "secret access key", "007F", 0),
            ("session_token", "t\nx", "session token", "000A", 1),
        ],
    )
    def test_control_character(self, field: str, value: str, what: str, code: str, at: int) -> None:
        with pytest.raises(SigningError) as info:
            _guard.require_credentials("aws3", **{**KEYS, field: value})
        message = f"the {what} holds a control character (U+{code}) at position {at}"
        assert _refusal(info) == (message, "aws3", "credentials", "credentials")
        assert value not in str(info.value)

    def test_no_session_token_is_fine(self) -> None:
        _guard.require_credentials(
            "sigv4", access_key_id="AK", secret_access_key="S", session_token=None
        )


class TestScope:
    @pytest.mark.parametrize(
        ("region", "service", "what", "shown"),
        [
            ("", "ses", "region", "''"),
            ("us/east", "ses", "region", "'us/east'"),
            ("us-east-1", "", "service", "''"),
            ("us-east-1", "s/es", "service", "'s/es'"),
        ],
    )
    def test_scope(self, region: str, service: str, what: str, shown: str) -> None:
        with pytest.raises(SigningError) as info:
            _guard.require_scope("sigv4", region=region, service=service)
        message = f"the {what} {shown} cannot stand in a credential scope (empty, or a '/')"
        assert _refusal(info) == (message, "sigv4", "scope", "scope")

    @pytest.mark.parametrize(
        ("region", "service", "message"),
        [
            ("us\x00", "ses", "the region 'us\\x00' holds a control character at position 2"),
            ("us-east-1", "\tses", "the service '\\tses' holds a control character at position 0"),
        ],
    )
    def test_control_character(self, region: str, service: str, message: str) -> None:
        with pytest.raises(SigningError) as info:
            _guard.require_scope("sigv4-query", region=region, service=service)
        assert _refusal(info) == (message, "sigv4-query", "scope", "header")

    def test_signable_checks_both_under_its_scheme(self) -> None:
        with pytest.raises(SigningError) as info:
            _guard.require_signable(
                "sigv4", **{**KEYS, "secret_access_key": ""}, region="r", service="s"
            )
        assert _refusal(info)[1:] == ("sigv4", "credentials", "credentials")
        with pytest.raises(SigningError) as info:
            _guard.require_signable("sigv4", **KEYS, region="r", service="")
        assert _refusal(info)[1:] == ("sigv4", "scope", "scope")
        _guard.require_signable("sigv4", **KEYS, region="r", service="s")


_BREAKS = (
    "the value of header 'X-A' holds a control character (U+{}) that would break the header line"
)


class TestHeaders:
    @pytest.mark.parametrize(
        ("name", "value", "problem"),
        [
            ("X-A", "a b\tc", None),
            ("X-A", "caf\u00e9", None),
            ("X-A", "", None),
            ("", "v", "header name '' is empty or holds a ':' or a control character"),
            ("X:A", "v", "header name 'X:A' is empty or holds a ':' or a control character"),
            ("X\nA", "v", "header name 'X\\nA' is empty or holds a ':' or a control character"),
            ("X-A", "a\r\nb", _BREAKS.format("000D")),
            ("X-A", "a\x00", _BREAKS.format("0000")),
            ("X-A", "a\x7f", _BREAKS.format("007F")),
            ("X-A", "a\u2028", None),  # not printable, not a control: a UTF-8 value
        ],
    )
    def test_header_problem(self, name: str, value: str, problem: str | None) -> None:
        assert _guard.header_problem(name, value) == problem

    def test_require_headers(self) -> None:
        _guard.require_headers("aws3", [("Host", "h"), ("X-A", "b")])
        with pytest.raises(SigningError) as info:
            _guard.require_headers("aws3", [("Host", "h"), ("X-A", "a\nb")])
        assert _refusal(info) == (
            "the value of header 'X-A' holds a control character (U+000A) that would break the "
            "header line",
            "aws3",
            "headers",
            "header",
        )
