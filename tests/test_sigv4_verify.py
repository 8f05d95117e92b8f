"""``sigv4.verify``'s refusals, each on its own, on the public get-vanilla requests of the
aws-c-auth SigV4 suite (``v4/get-vanilla``, header- and query-signed with the suite's
credentials at 2015-08-30T12:36:00Z): every refusal before the signature is compared names
what the request does not say or says wrongly, with its kind (docs/spec.md#sigv4-verification),
and each is shown beside the request that passes the same check.

The requests are the suite's files as published (its ``header-signed-request.txt`` and
``query-signed-request.txt``), so that the expected verdicts come from the suite, not from
sesspec's signer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sesspec.encoding import MAX_PAIRS
from sesspec.http import RawRequest
from sesspec.signing import sigv4

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
HOST = ("Host", "example.amazonaws.com")
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
)
HEADER_SIGNED = RawRequest(
    "GET",
    "/",
    headers=(HOST, ("X-Amz-Date", "20150830T123600Z"), ("Authorization", AUTHORIZATION)),
)
QUERY_SIGNED = RawRequest(
    "GET",
    "/?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
    "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600"
    "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
    headers=(HOST,),
)


def _kind(req: RawRequest, **options: object) -> str:
    options.setdefault("secret_access_key", SECRET)
    options.setdefault("now", WHEN)
    return sigv4.verify(req, **options).kind  # type: ignore[arg-type]


@pytest.mark.parametrize("req", [HEADER_SIGNED, QUERY_SIGNED], ids=["header", "query"])
class TestScope:
    def test_the_suite_request_verifies(self, req: RawRequest) -> None:
        result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN)
        assert (result.ok, result.kind) == (True, "verified")

    def test_region(self, req: RawRequest) -> None:
        assert _kind(req, region="us-east-1") == "verified"
        assert _kind(req, region="us-east-2") == "region"
        result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN, region="us-east-2")
        assert result.reason == "scope region 'us-east-1' is not 'us-east-2'"
        assert not result.ok

    def test_service(self, req: RawRequest) -> None:
        assert _kind(req, service="service") == "verified"
        assert _kind(req, service="ses") == "service"
        result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN, service="ses")
        assert result.reason == "scope service 'service' is not 'ses'"

    def test_secret_looked_up_by_access_key_id(self, req: RawRequest) -> None:
        asked: list[str] = []

        def lookup(akid: str) -> str | None:
            asked.append(akid)
            return SECRET if akid == "AKIDEXAMPLE" else None

        assert _kind(req, secret_access_key=lookup) == "verified"
        assert asked == ["AKIDEXAMPLE"]
        result = sigv4.verify(req, secret_access_key=lambda _: None, now=WHEN)
        assert (result.ok, result.kind) == (False, "unknown-key")
        assert result.reason == "unknown access key id 'AKIDEXAMPLE'"

    def test_skew_or_expiry_judged_only_with_now(self, req: RawRequest) -> None:
        late = WHEN + timedelta(hours=2)
        assert _kind(req, now=None) == "verified"
        assert _kind(req, now=late) in {"skew", "expired"}


class TestWhatTheRequestLacks:
    def test_no_authentication_at_all(self) -> None:
        result = sigv4.verify(
            RawRequest("GET", "/", headers=(HOST,)), secret_access_key=SECRET, now=WHEN
        )
        assert (result.ok, result.kind) == (False, "missing")

    def test_too_many_query_parameters(self) -> None:
        """A query past encoding.MAX_PAIRS is refused before anything is read from it."""
        at = QUERY_SIGNED.target + "&a" * (MAX_PAIRS - 6)  # the suite's 6 and these
        past = at + "&a"
        assert _kind(RawRequest("GET", at, headers=(HOST,))) == "mismatch"
        result = sigv4.verify(
            RawRequest("GET", past, headers=(HOST,)), secret_access_key=SECRET, now=WHEN
        )
        assert (result.ok, result.kind) == (False, "limit")

    def test_no_date(self) -> None:
        req = HEADER_SIGNED.without_headers("X-Amz-Date")
        result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN)
        assert (result.kind, result.reason) == (
            "date",
            "no request date: neither X-Amz-Date nor Date",
        )

    @pytest.mark.parametrize("value", ["20150830T1236Z", "2015-08-30T12:36:00Z", ""])
    def test_date_not_iso_basic(self, value: str) -> None:
        req = HEADER_SIGNED.without_headers("X-Amz-Date").with_header("X-Amz-Date", value)
        assert _kind(req) == "date"

    def test_date_header_neither_form(self) -> None:
        req = HEADER_SIGNED.without_headers("X-Amz-Date").with_header("Date", "30 Aug 2015")
        result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN)
        assert (result.kind, result.reason) == (
            "date",
            "Date is neither ISO 8601 basic nor an HTTP-date: '30 Aug 2015'",
        )

    def test_presigned_problems_in_the_order_ses_refuses_them(self) -> None:
        """The algorithm first, then the missing parameters, then the credential."""
        wrong = QUERY_SIGNED.target.replace("HMAC-SHA256", "HMAC-SHA512", 1)
        no_credential = wrong.replace("&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F", "&X=")
        result = sigv4.verify(
            RawRequest("GET", no_credential, headers=(HOST,)), secret_access_key=SECRET, now=WHEN
        )
        assert (result.kind, result.reason) == (
            "malformed",
            "X-Amz-Algorithm must be AWS4-HMAC-SHA256",
        )
        no_date = QUERY_SIGNED.target.replace("&X-Amz-Date=20150830T123600Z", "")
        no_both = no_date.replace("&X-Amz-Credential=", "&X=")
        result = sigv4.verify(
            RawRequest("GET", no_both, headers=(HOST,)), secret_access_key=SECRET, now=WHEN
        )
        assert result.reason == "presigned request lacks X-Amz-Credential"
        result = sigv4.verify(
            RawRequest("GET", no_date, headers=(HOST,)), secret_access_key=SECRET, now=WHEN
        )
        assert result.reason == "presigned request lacks X-Amz-Date"


_HEADER_SIG = AUTHORIZATION.rsplit("=", 1)[1]


def _without_date(req: RawRequest) -> RawRequest:
    return req.without_headers("X-Amz-Date")


# Each refusal after the Authorization header was read: the request's own signature is given
# back beside the refusal (what a client sent, for the report), and ok is False.
_AFTER_READING: dict[str, tuple[RawRequest, dict[str, Any], str, str]] = {
    "date": (
        _without_date(HEADER_SIGNED).with_header("X-Amz-Date", "2015"),
        {},
        "date",
        "X-Amz-Date is not ISO 8601 basic (YYYYMMDD'T'HHMMSS'Z'): '2015'",
    ),
    "no-date": (
        _without_date(HEADER_SIGNED),
        {},
        "date",
        "no request date: neither X-Amz-Date nor Date",
    ),
    "http-date": (
        _without_date(HEADER_SIGNED).with_header("Date", "30 Aug 2015"),
        {},
        "date",
        "Date is neither ISO 8601 basic nor an HTTP-date: '30 Aug 2015'",
    ),
    "scope-date": (
        _without_date(HEADER_SIGNED).with_header("X-Amz-Date", "20150831T000000Z"),
        {},
        "date",
        "credential scope date 20150830 is not the request date 20150831",
    ),
    "region": (
        HEADER_SIGNED,
        {"region": "eu-west-1"},
        "region",
        "scope region 'us-east-1' is not 'eu-west-1'",
    ),
    "service": (
        HEADER_SIGNED,
        {"service": "ses"},
        "service",
        "scope service 'service' is not 'ses'",
    ),
    "unknown-key": (
        HEADER_SIGNED,
        {"secret_access_key": lambda _: None},
        "unknown-key",
        "unknown access key id 'AKIDEXAMPLE'",
    ),
    "host": (
        HEADER_SIGNED.without_headers("Authorization").with_header(
            "Authorization", AUTHORIZATION.replace("host;x-amz-date", "x-amz-date")
        ),
        {},
        "signed-headers",
        "SignedHeaders must include host (IAM-SIGV4)",
    ),
    "signed-header-absent": (
        HEADER_SIGNED.without_headers("Host").with_header("Host2", "x"),
        {},
        "signed-headers",
        "sigv4 canonical-headers: signed header(s) not in the request: host",
    ),
    "mismatch": (
        HEADER_SIGNED,
        {"secret_access_key": "other"},
        "mismatch",
        "signature does not match (SignatureDoesNotMatch)",
    ),
}


@pytest.mark.parametrize("case", sorted(_AFTER_READING))
def test_refusals_after_reading_give_the_signature_back(case: str) -> None:
    req, given, kind, reason = _AFTER_READING[case]
    options: dict[str, Any] = {"secret_access_key": SECRET, "now": WHEN, **given}
    result = sigv4.verify(req, **options)
    assert (result.ok, result.kind, result.reason) == (False, kind, reason)
    assert result.given_signature == _HEADER_SIG


def test_both_or_neither_authentication() -> None:
    both = QUERY_SIGNED.with_header("Authorization", AUTHORIZATION)
    result = sigv4.verify(both, secret_access_key=SECRET, now=WHEN)
    assert (result.ok, result.kind, result.reason) == (
        False,
        "mixed",
        "both an Authorization header and X-Amz-Algorithm query authentication "
        "(IAM-SIGV4: use one or the other)",
    )
    neither = RawRequest("GET", "/", headers=(HOST,))
    result = sigv4.verify(neither, secret_access_key=SECRET, now=WHEN)
    assert (result.ok, result.kind, result.reason) == (
        False,
        "missing",
        "no SigV4 authentication: no Authorization header and no X-Amz-Algorithm query parameter",
    )


def test_a_header_credential_is_a_scope_problem() -> None:
    bad = AUTHORIZATION.replace("/us-east-1/", "/")
    req = HEADER_SIGNED.without_headers("Authorization").with_header("Authorization", bad)
    result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN)
    assert (result.ok, result.kind) == (False, "scope")
    assert result.reason.startswith("sigv4 authorization: Credential must be AKID/YYYYMMDD/")
    unread = bad.replace("Signature=", "Signatur=")
    req = HEADER_SIGNED.without_headers("Authorization").with_header("Authorization", unread)
    result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN)
    assert (result.ok, result.kind) == (False, "malformed")


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (("HMAC-SHA256", "HMAC-SHA1"), "malformed"),
        (("%2Fus-east-1%2F", "%2F"), "scope"),
        (("X-Amz-Expires=3600", "X-Amz-Expires=0"), "malformed"),
    ],
)
def test_presigned_refusals_are_not_ok(change: tuple[str, str], kind: str) -> None:
    req = RawRequest("GET", QUERY_SIGNED.target.replace(*change), headers=(HOST,))
    result = sigv4.verify(req, secret_access_key=SECRET, now=WHEN)
    assert (result.ok, result.kind) == (False, kind)


def test_the_query_limit_says_where() -> None:
    past = QUERY_SIGNED.target + "&a" * (MAX_PAIRS - 5)
    query = past.split("?", 1)[1]
    assert query.count("&") + 1 == MAX_PAIRS + 1
    # the segment past the limit starts at the MAX_PAIRS-th '&'
    offset = [i for i, c in enumerate(query) if c == "&"][MAX_PAIRS - 1]
    result = sigv4.verify(
        RawRequest("GET", past, headers=(HOST,)), secret_access_key=SECRET, now=WHEN
    )
    assert (result.ok, result.kind, result.reason) == (
        False,
        "limit",
        f"{MAX_PAIRS + 1} '&'-separated segments: more than the {MAX_PAIRS} sesspec decodes "
        f"(query offset {offset})",
    )


def test_skew_is_max_skew_and_keeps_the_stages() -> None:
    """docs/spec.md#sigv4-skew: the request date may differ from now by at most max_skew; a
    request refused for its time still carries the stages (its signature matched)."""
    near = WHEN + timedelta(minutes=2)
    assert _kind(HEADER_SIGNED, now=near) == "verified"
    result = sigv4.verify(
        HEADER_SIGNED, secret_access_key=SECRET, now=near, max_skew=timedelta(minutes=1)
    )
    assert (result.ok, result.kind) == (False, "skew")
    assert result.expected_signature == result.given_signature == _HEADER_SIG
    assert result.canonical_request is not None
    assert result.string_to_sign is not None
    assert _kind(HEADER_SIGNED, now=near, max_skew=timedelta(minutes=2)) == "verified"
