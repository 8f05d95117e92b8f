"""sesspec.masking: the one masker of session tokens (captures, stored messages and the state
directory, the inbox page, findings). Expected spans are counted by hand."""

from __future__ import annotations

import pytest

from sesspec.masking import MASK, mask_text, mask_tokens, token_spans

TOKEN = b"FQoGZXIvYXdzEXAMPLE/+="


class TestWhereATokenIs:
    def test_a_header_line_any_case(self) -> None:
        for name in (b"X-Amz-Security-Token", b"x-amz-security-token", b"X-AMZ-SECURITY-TOKEN"):
            head = b"POST / HTTP/1.1\r\n" + name + b":  " + TOKEN + b" \r\nHost: x\r\n\r\n"
            start = head.index(TOKEN)
            assert token_spans(head, head_length=len(head)) == [(start, start + len(TOKEN))]

    def test_the_request_line_query_and_the_body(self) -> None:
        head = b"GET /?a=1&X-Amz-Security-Token=abc&b=2 HTTP/1.1\r\nHost: x\r\n\r\n"
        body = b"Action=X&SecurityToken=def"
        data = head + body
        spans = token_spans(data, head_length=len(head))
        assert [data[a:b] for a, b in spans] == [b"abc", b"def"]

    def test_a_header_named_alike_in_the_body_is_not_a_header(self) -> None:
        head = b"POST / HTTP/1.1\r\nHost: x\r\n\r\n"
        data = head + b"x-amz-security-token: zzz"
        assert token_spans(data, head_length=len(head)) == []

    def test_a_lowercase_parameter_is_masked_too(self) -> None:
        assert token_spans(b"a=1&securitytoken=xyz") == [(18, 21)]

    def test_a_canonical_query_line(self) -> None:
        creq = b"GET\n/\nAction=X&X-Amz-Security-Token=tok%2F\nhost:x\n"
        assert [creq[a:b] for a, b in token_spans(creq)] == [b"tok%2F"]

    def test_not_a_token_parameter(self) -> None:
        assert token_spans(b"MySecurityToken=1&X-Amz-Security-Tokens=2") == []

    @pytest.mark.parametrize("empty", [b"SecurityToken=", b"SecurityToken=&a=1"])
    def test_an_empty_value_is_nothing_to_mask(self, empty: bytes) -> None:
        assert token_spans(empty) == []


class TestMasking:
    def test_same_length_stars_keep_offsets(self) -> None:
        data = b"a=1&SecurityToken=" + TOKEN + b"&b=2"
        masked = mask_tokens(data)
        assert masked == b"a=1&SecurityToken=" + b"*" * len(TOKEN) + b"&b=2"
        assert TOKEN not in masked

    def test_a_fill(self) -> None:
        assert mask_tokens(b"SecurityToken=abc&x=1", fill=b"***") == b"SecurityToken=***&x=1"

    def test_text(self) -> None:
        text = "x-amz-security-token:secret\nhost:x"
        assert mask_text(text) == f"x-amz-security-token:{MASK}\nhost:x"

    def test_nothing_to_mask_is_the_same_object(self) -> None:
        data = b"Action=ListIdentities"
        assert mask_tokens(data) is data

    def test_the_capture_and_the_inbox_use_it(self) -> None:
        from sesspec.serve import capture, inbox

        head = b"POST / HTTP/1.1\r\nX-Amz-Security-Token: abc\r\n\r\n"
        assert capture.mask_tokens(head, b"SecurityToken=def") == (
            head.replace(b"abc", b"***"),
            b"SecurityToken=***",
        )
        shown = inbox._masked_request(head + b"SecurityToken=def")
        assert "abc" not in shown
        assert "def" not in shown


class TestEdges:
    def test_text_holding_bytes_that_are_not_utf8(self) -> None:
        """Text read with surrogateescape (a request's bytes as sent) is masked and given back
        with those bytes as they were."""
        text = "a=\udcff&SecurityToken=tok"
        assert mask_text(text) == "a=\udcff&SecurityToken=" + MASK

    def test_a_header_named_alike_in_the_body_is_kept_by_mask_tokens(self) -> None:
        head = b"POST / HTTP/1.1\r\nHost: x\r\n\r\n"
        data = head + b"x-amz-security-token: zzz"
        assert mask_tokens(data, head_length=len(head)) == data
        assert mask_tokens(data) == head + b"x-amz-security-token: ***"

    def test_a_head_without_a_line_end(self) -> None:
        """A request cut within its request line: its query is still looked through."""
        data = b"GET /?X-Amz-Security-Token=abc HTTP/1.1"
        assert [data[a:b] for a, b in token_spans(data, head_length=len(data))] == [b"abc"]

    def test_a_token_parameter_in_a_header_value(self) -> None:
        """A presigned URL in a header value (a Referer) carries its token: masked too."""
        data = b"GET / HTTP/1.1\r\nReferer: https://h/?a=1&X-Amz-Security-Token=abc\r\n\r\n"
        assert [data[a:b] for a, b in token_spans(data, head_length=len(data))] == [b"abc"]

    def test_a_token_header_line_at_the_very_start_of_text(self) -> None:
        assert token_spans(b"X-Amz-Security-Token: abc\nhost:x") == [(22, 25)]

    @pytest.mark.parametrize("first", [b"\n", b"\r\n"])
    def test_a_token_header_after_an_empty_first_line(self, first: bytes) -> None:
        """An empty line before the request line (RFC 9112 section 2.2: servers should ignore
        one): the header lines after it are still looked through (masking more never leaks)."""
        data = first + b"X-Amz-Security-Token: abc\r\nHost: x\r\n\r\n"
        spans = token_spans(data, head_length=len(data))
        assert b"abc" in [data[a:b] for a, b in spans]
