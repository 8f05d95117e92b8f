"""sesspec.params: the one reader of a request's parameters and the one list of the names that
authenticate a request. Expected values are worked by hand from GUIDE-REQ (a GET's query, a
POST's form body) and IAM-SIGV4 / the SigV2 documentation (the names)."""

from __future__ import annotations

import pytest

from sesspec.encoding import MAX_PAIRS
from sesspec.errors import EncodingError
from sesspec.http import RawRequest
from sesspec.params import (
    AUTH_PARAMS,
    SIGV2_PARAMS,
    SIGV4_QUERY_PARAMS,
    TOKEN_PARAMS,
    params_where,
    read_params,
)

HOST = ("Host", "email.us-east-1.amazonaws.com")


class TestWhere:
    """GUIDE-REQ: "In a GET request, the parameters are in the query string; in a POST
    request, they are in the request body"; SES's front end reads a POST's query too."""

    def test_get_reads_the_query(self) -> None:
        req = RawRequest("GET", "/?Action=ListIdentities&MaxItems=5", headers=[HOST])
        params = read_params(req)
        assert params.where == "query"
        assert params.operation == [("Action", "ListIdentities"), ("MaxItems", "5")]
        assert params.first("Action") == "ListIdentities"

    def test_get_ignores_a_body(self) -> None:
        req = RawRequest("GET", "/?Action=A", headers=[HOST], body=b"Action=B")
        assert read_params(req).operation == [("Action", "A")]
        assert read_params(req).body == []

    def test_post_reads_the_query_then_the_body(self) -> None:
        req = RawRequest("POST", "/?Action=A", headers=[HOST], body=b"Action=B&Source=a%2Bb")
        params = read_params(req)
        assert params.where == "body"
        assert params.operation == [("Action", "A"), ("Action", "B"), ("Source", "a+b")]
        assert params.first("Action") == "A"
        assert params.first("Nope") is None

    def test_names_are_of_the_query_and_the_body(self) -> None:
        req = RawRequest("POST", "/?Action=A", headers=[HOST], body=b"Action=B&Source=a%2Bb")
        assert read_params(req).names() == {"Action", "Source"}
        get = read_params(RawRequest("GET", "/?A=1&B=2", headers=[HOST], body=b"C=3"))
        assert get.names() == {"A", "B"}
        post = read_params(RawRequest("POST", "/?A=1", headers=[HOST], body=b"C=3"))
        assert post.names() == {"A", "C"}

    @pytest.mark.parametrize(
        ("method", "where"), [("POST", "body"), ("GET", "query"), ("PUT", "query")]
    )
    def test_params_where(self, method: str, where: str) -> None:
        assert params_where(method) == where

    def test_a_plus_is_a_space_and_a_bad_escape_is_kept(self) -> None:
        req = RawRequest("POST", "/", headers=[HOST], body=b"A=x+y&B=%zz")
        assert read_params(req).body == [("A", "x y"), ("B", "%zz")]

    def test_past_max_pairs_is_a_typed_error(self) -> None:
        body = b"&".join([b"a=1"] * (MAX_PAIRS + 1))
        with pytest.raises(EncodingError) as info:
            read_params(RawRequest("POST", "/", headers=[HOST], body=body))
        assert info.value.kind == "too-many-pairs"
        at_limit = b"&".join([b"a=1"] * MAX_PAIRS)
        assert len(read_params(RawRequest("POST", "/", body=at_limit)).body) == MAX_PAIRS


class TestNames:
    def test_sigv4_query_parameters(self) -> None:
        """IAM-SIGV4 "Authenticating Requests: Using Query Parameters"."""
        assert {
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
            "X-Amz-Security-Token",
        } == SIGV4_QUERY_PARAMS

    def test_sigv2_parameters(self) -> None:
        """AWS General Reference, Signature Version 2: the common query parameters."""
        assert {
            "AWSAccessKeyId",
            "Signature",
            "SignatureMethod",
            "SignatureVersion",
            "Timestamp",
            "Expires",
        } == SIGV2_PARAMS

    def test_auth_params_are_the_union_and_the_tokens(self) -> None:
        assert SIGV4_QUERY_PARAMS | SIGV2_PARAMS | {"SecurityToken"} == AUTH_PARAMS
        assert set(TOKEN_PARAMS) <= AUTH_PARAMS
        assert "Action" not in AUTH_PARAMS

    def test_without_auth(self) -> None:
        req = RawRequest(
            "GET", "/?Action=A&X-Amz-Signature=s&SecurityToken=t&Signature=x", headers=[HOST]
        )
        assert read_params(req).without_auth() == [("Action", "A")]

    def test_every_owner_uses_this_list(self) -> None:
        """The checker's names are these objects (not copies that could drift)."""
        from sesspec.check.rules import param

        assert param.AUTH_PARAMS is SIGV4_QUERY_PARAMS
        assert param.SIGV2_PARAMS is SIGV2_PARAMS
