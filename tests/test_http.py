"""sesspec.http: RawRequest and parse_request (RFC 9112), whole, by prefixes, and on any bytes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.errors import HttpParseError
from sesspec.http import BodyMode, RawRequest, field_value, parse_request

SES_POST = (
    b"POST / HTTP/1.1\r\n"
    b"Host: email.us-west-2.amazonaws.com\r\n"
    b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
    b"Content-Length: 41\r\n"
    b"\r\n"
    b"Action=GetSendQuota&Version=2010-12-01&x="
)


class TestRequestLine:
    """RFC 9112 section 3: request-line = method SP request-target SP HTTP-version."""

    def test_origin_form(self) -> None:
        req = parse_request(SES_POST)
        assert (req.method, req.target, req.version) == ("POST", "/", "HTTP/1.1")
        assert req.path == "/"
        assert req.query == ""
        assert req.authority is None
        assert req.line_ending == "\r\n"

    def test_origin_form_with_query(self) -> None:
        req = parse_request(b"GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: h\r\n\r\n")
        assert req.path == "/a/b"
        assert req.query == "x=1&y=%20"

    def test_absolute_form(self) -> None:
        req = parse_request(b"GET http://email.us-east-1.amazonaws.com:443/p?q=1 HTTP/1.1\r\n\r\n")
        assert req.authority == "email.us-east-1.amazonaws.com:443"
        assert req.path == "/p"
        assert req.query == "q=1"

    def test_absolute_form_without_path(self) -> None:
        req = parse_request(b"GET http://h?x HTTP/1.1\r\n\r\n")
        assert req.authority == "h"
        assert req.path == "/"
        assert req.query == "x"

    @pytest.mark.parametrize(
        ("target", "authority"),
        [("http://h:8", "h:8"), ("http://h#f", "h"), ("http://h/a?b", "h"), ("http://", "")],
    )
    def test_the_authority_ends_at_slash_question_mark_or_hash(
        self, target: str, authority: str
    ) -> None:
        """RFC 3986 section 3.2: "terminated by the next slash, question mark, or number sign
        character, or by the end of the URI"."""
        assert RawRequest("GET", target).authority == authority

    @pytest.mark.parametrize(
        ("data", "offset", "message"),
        [
            (b"\r\n\r\n", 0, "empty request line"),
            (b"GET\r\n\r\n", 0, "request line is not 'METHOD SP target SP version'"),
            (b"GET /\r\n\r\n", 5, "request line has no HTTP version"),
            (b"G(T / HTTP/1.1\r\n\r\n", 0, "invalid method 'G(T'"),
            (b"GET / http/1.1\r\n\r\n", 6, "invalid HTTP version 'http/1.1'"),
            (b"GET /\xe1 HTTP/1.1\r\n\r\n", 5, "invalid byte 0xe1 in the request target"),
        ],
    )
    def test_malformed(self, data: bytes, offset: int, message: str) -> None:
        with pytest.raises(HttpParseError) as info:
            parse_request(data)
        assert info.value.offset == offset
        assert info.value.message == message

    def test_error_rendering(self) -> None:
        with pytest.raises(HttpParseError) as info:
            parse_request(b"GET / HTTP/1.1\r\nHost: h\r\n")
        assert info.exconly() == (
            "sesspec.errors.HttpParseError: truncated request: no empty line ends the header "
            "section at byte 25"
        )

    def test_lenient_vector_forms(self) -> None:
        # 2011 suite: lowercase version; aws-c-auth: raw space and UTF-8 in the target.
        req = parse_request(
            "GET /example space/\u1234 http/1.1\nHost:x".encode(),
            body_mode="rest",
            strict=False,
        )
        assert req.target == "/example space/\u1234"
        assert req.version == "http/1.1"
        assert req.line_ending == "\n"


class TestFields:
    """RFC 9112 section 5: field-line = field-name ":" OWS field-value OWS."""

    def test_field_values_and_text_as_received(self) -> None:
        req = parse_request(b"GET / HTTP/1.1\r\nHost:h\r\nMy-Header1: value1 \r\nA:\t\r\n\r\n")
        assert req.headers == (("Host", "h"), ("My-Header1", "value1"), ("A", ""))
        assert req.received == ("h", " value1 ", "\t")
        assert req.field_lines() == (("Host", "h"), ("My-Header1", " value1 "), ("A", "\t"))
        assert req.header("my-header1") == "value1"
        assert req.header("HOST") == "h"
        assert req.header("a") == ""
        assert req.header("missing") is None

    def test_repeated(self) -> None:
        req = parse_request(b"GET / HTTP/1.1\r\nX:1\r\nY:2\r\nx: 3\r\n\r\n")
        assert req.header("X") == "1"
        assert req.header_all("x") == ["1", "3"]

    def test_obs_fold(self) -> None:
        """Section 5.2: "replace each received obs-fold with one or more SP octets"."""
        data = b"GET / HTTP/1.1\nMy-Header1:value1\n  value2\n     value3\n\n"
        req = parse_request(data)
        assert req.headers == (("My-Header1", "value1 value2 value3"),)
        assert req.received == ("value1\n  value2\n     value3",)
        assert req.header("My-Header1") == "value1 value2 value3"
        assert req.to_bytes() == data

    def test_field_value(self) -> None:
        assert field_value(" a\r\n\tb ") == "a b"

    @pytest.mark.parametrize(
        ("data", "offset", "message"),
        [
            (b"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 16, "invalid header name 'Host '"),
            (b"GET / HTTP/1.1\r\nnocolon\r\n\r\n", 16, "header line without a name and ':'"),
            (b"GET / HTTP/1.1\r\n:v\r\n\r\n", 16, "header line without a name and ':'"),
            (
                b"GET / HTTP/1.1\r\n x:1\r\n\r\n",
                16,
                "continuation line (obs-fold) before any header",
            ),
            (b"GET / HTTP/1.1\r\nA: a\x00b\r\n\r\n", 20, "invalid byte 0x00 in a header line"),
            (b"GET / HTTP/1.1\r\nA: a\rb\r\n\r\n", 20, "invalid byte 0x0d in a header line"),
        ],
    )
    def test_malformed(self, data: bytes, offset: int, message: str) -> None:
        with pytest.raises(HttpParseError) as info:
            parse_request(data)
        assert info.value.offset == offset
        assert info.value.message == message


class TestBody:
    """RFC 9112 section 6.3: the body length is the Content-Length."""

    def test_content_length(self) -> None:
        req = parse_request(SES_POST)
        assert req.body == b"Action=GetSendQuota&Version=2010-12-01&x="

    def test_truncated_body(self) -> None:
        with pytest.raises(HttpParseError) as info:
            parse_request(SES_POST[:-1])
        assert info.value.offset == len(SES_POST) - 1
        assert info.value.message == "truncated body: Content-Length is 41, got 40 bytes"

    def test_extra_bytes(self) -> None:
        with pytest.raises(HttpParseError) as info:
            parse_request(SES_POST + b"xy")
        assert info.value.offset == len(SES_POST)

    @pytest.mark.parametrize(
        ("headers", "message"),
        [
            (b"Content-Length: -1\r\n", "invalid Content-Length '-1'"),
            (
                b"Content-Length: 1\r\nContent-Length: 2\r\n",
                "conflicting Content-Length headers: 1 and 2",
            ),
            (
                b"Transfer-Encoding: chunked\r\n",
                "Transfer-Encoding 'chunked' is not supported: awsQuery requests carry "
                "Content-Length",
            ),
        ],
    )
    def test_bad_length(self, headers: bytes, message: str) -> None:
        with pytest.raises(HttpParseError) as info:
            parse_request(b"POST / HTTP/1.1\r\n" + headers + b"\r\nx")
        assert info.value.message == message

    def test_body_without_length(self) -> None:
        with pytest.raises(HttpParseError, match="body bytes without a Content-Length header"):
            parse_request(b"POST / HTTP/1.1\r\n\r\nabc")

    def test_rest_mode(self) -> None:
        req = parse_request(b"POST / HTTP/1.1\r\nA:1\r\n\r\nabc", body_mode="rest")
        assert req.body == b"abc"
        req = parse_request(b"GET / HTTP/1.1\nA:1", body_mode="rest")
        assert req.headers == (("A", "1"),)
        assert req.body == b""

    def test_limits(self) -> None:
        with pytest.raises(HttpParseError, match="header section larger than 20 bytes") as info:
            parse_request(SES_POST, max_header_size=20)
        assert info.value.offset == 20
        with pytest.raises(HttpParseError, match="larger than the limit of 10 bytes"):
            parse_request(SES_POST, max_body_size=10)
        with pytest.raises(HttpParseError, match="body larger than 2 bytes"):
            parse_request(b"GET / HTTP/1.1\r\n\r\nabc", body_mode="rest", max_body_size=2)


class TestRawRequest:
    def test_to_bytes_exact(self) -> None:
        data = b"GET /?a=b HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1: v \n\n"
        assert parse_request(data).to_bytes() == data
        assert parse_request(SES_POST).to_bytes() == SES_POST

    def test_invalid_utf8_survives(self) -> None:
        data = b"GET /\xff HTTP/1.1\r\nX: \xfe\r\n\r\n"
        req = parse_request(data, strict=False)
        assert req.to_bytes() == data

    def test_with_header(self) -> None:
        req = RawRequest("GET", "/", headers=(("A", "1"), ("B", "2"), ("a", "3")))
        assert req.with_header("a", "9").headers == (("A", "9"), ("B", "2"))
        assert req.with_header("C", "4").headers[-1] == ("C", "4")
        assert (
            req.with_header("C", "4").to_bytes()
            == b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\na: 3\r\nC: 4\r\n\r\n"
        )
        assert req.with_header("A", "5", replace_existing=False).headers[-1] == ("A", "5")
        assert req.without_headers("a").headers == (("B", "2"),)

    def test_with_header_keeps_what_was_received_of_the_others(self) -> None:
        data = b"GET / HTTP/1.1\r\nA:1\r\nB:  2\r\n\r\n"
        req = parse_request(data)
        assert req.with_header("a", "9").to_bytes() == b"GET / HTTP/1.1\r\nA: 9\r\nB:  2\r\n\r\n"
        assert req.without_headers("A").to_bytes() == b"GET / HTTP/1.1\r\nB:  2\r\n\r\n"
        # A value changed another way is written as a value, the others as received.
        changed = req.replace(headers=(("A", "1"), ("B", "3")))
        assert changed.to_bytes() == b"GET / HTTP/1.1\r\nA:1\r\nB: 3\r\n\r\n"

    def test_values_are_written_after_one_space(self) -> None:
        """A header is given as its field value and written ``Name: value``."""
        req = RawRequest(
            "POST",
            "/",
            headers=[
                ("Host", "email.us-east-1.amazonaws.com"),
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Content-Length", "0"),
            ],
        )
        assert req.to_bytes() == (
            b"POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
            b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
            b"Content-Length: 0\r\n\r\n"
        )
        assert req.headers[0] == ("Host", "email.us-east-1.amazonaws.com")
        assert req.received is None
        assert parse_request(req.to_bytes()) == req

    def test_headers_from_a_mapping_or_pairs(self) -> None:
        pairs = RawRequest("GET", "/", headers=[("A", "1"), ("B", "2")])
        assert RawRequest("GET", "/", headers={"A": "1", "B": "2"}) == pairs
        assert RawRequest("GET", "/", headers=iter([("A", "1"), ("B", "2")])) == pairs
        assert pairs.headers == (("A", "1"), ("B", "2"))

    def test_received_texts_one_per_header(self) -> None:
        with pytest.raises(ValueError, match="1 received header texts for 2 headers"):
            RawRequest("GET", "/", headers=[("A", "1"), ("B", "2")], received=(" 1",))

    @pytest.mark.parametrize(
        ("url", "target", "host"),
        [
            ("https://email.us-east-1.amazonaws.com/", "/", "email.us-east-1.amazonaws.com"),
            ("https://email.us-east-1.amazonaws.com", "/", "email.us-east-1.amazonaws.com"),
            ("https://h?Action=X&a=%20", "/?Action=X&a=%20", "h"),
            ("http://127.0.0.1:8443/p/q?x#frag", "/p/q?x", "127.0.0.1:8443"),
            ("https://h#frag", "/", "h"),
        ],
    )
    def test_from_url(self, url: str, target: str, host: str) -> None:
        req = RawRequest.from_url("POST", url, headers={"Content-Length": "2"}, body=b"ab")
        assert (req.method, req.target, req.body) == ("POST", target, b"ab")
        assert req.headers == (("Host", host), ("Content-Length", "2"))

    def test_from_url_needs_a_scheme(self) -> None:
        with pytest.raises(ValueError, match="not an absolute URL"):
            RawRequest.from_url("GET", "email.us-east-1.amazonaws.com/")


# --- properties -----------------------------------------------------------------------------------

_token = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
    min_size=1,
    max_size=12,
)
# A field value: no whitespace at either end (RFC 9110 section 5.5).
_value = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t\u00e9"),
    max_size=30,
).map(lambda v: v.strip(" \t"))
_path = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/-._~%?=&", max_size=20).map(
    lambda s: "/" + s
)


@st.composite
def _requests(draw: st.DrawFn) -> RawRequest:
    method = draw(st.sampled_from(["GET", "POST", "PUT"]))
    headers = draw(
        st.lists(
            st.tuples(_token, _value).filter(lambda h: h[0].lower() not in _LENGTH_HEADERS),
            max_size=6,
        )
    )
    body = draw(st.binary(max_size=64))
    if body:
        headers.append(("Content-Length", str(len(body))))
    return RawRequest(
        method=method,
        target=draw(_path),
        headers=tuple(headers),
        body=body,
        line_ending=draw(st.sampled_from(["\r\n", "\n"])),
    )


_LENGTH_HEADERS = {"content-length", "transfer-encoding"}


_MODES: tuple[BodyMode, ...] = ("content-length", "rest")


def _outcome(data: bytes, **kw: object) -> RawRequest | HttpParseError:
    try:
        return parse_request(data, **kw)  # type: ignore[arg-type]
    except HttpParseError as exc:
        return exc


@pytest.mark.property
@given(st.binary(max_size=300), st.sampled_from(_MODES), st.booleans())
def test_any_bytes_give_a_request_or_a_parse_error(
    data: bytes, mode: BodyMode, strict: bool
) -> None:
    got = _outcome(data, body_mode=mode, strict=strict)
    if isinstance(got, HttpParseError):
        assert 0 <= got.offset <= len(data)
    else:
        assert isinstance(got, RawRequest)


@pytest.mark.property
@given(_requests())
def test_round_trip(req: RawRequest) -> None:
    data = req.to_bytes()
    assert parse_request(data) == req
    assert parse_request(data).to_bytes() == data


@pytest.mark.property
@given(_requests())
def test_every_strict_prefix_is_an_error_or_a_shorter_request(req: RawRequest) -> None:
    """h11's byte-at-a-time reading: no prefix of a request crashes or parses as the whole."""
    data = req.to_bytes()
    for end in range(len(data)):
        got = _outcome(data[:end])
        if isinstance(got, HttpParseError):
            assert 0 <= got.offset <= end
        else:
            assert len(got.to_bytes()) <= end
            assert got != req
