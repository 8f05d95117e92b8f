"""The known client mistakes AUTH018 names (docs/spec.md#sigv4-verification, and the bugs of
docs/spec.md#bug): each made here the way the client makes it, the signature worked by hand with
hashlib and hmac over the canonical request that client writes, and the finding must name that
mistake, in the words a reader of the report gets (the cause and the upstream report it cites).
The committed samples that carry one (generated with botocore, broken the way each bug breaks
them) are judged first; the rest are requests written out here."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from sesspec.check import Credentials, check
from tests._by_hand import sigv4_signature

SAMPLES = Path(__file__).resolve().parent.parent / "vectors" / "checker"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CREDS = Credentials(AKID, SECRET)
NOW = dt.datetime(2026, 11, 26, 5, 49, 17, tzinfo=dt.UTC)
DATE = "20261126T054817Z"
HOST = "email.us-east-1.amazonaws.com"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
QUERY_STYLE = "signature does not match: the client encoded the canonical query with "


def _mismatch(raw: bytes) -> str:
    """The message of the one AUTH018 finding of ``raw``."""
    found = [f for f in check(raw, credentials=CREDS, now=NOW, tls=True) if f.rule == "AUTH018"]
    assert len(found) == 1, [(f.rule, f.message) for f in found]
    return found[0].message


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (
            "AUTH017/fail-token-query-unsigned",
            "signature does not match: the session token was appended after signing: the "
            "canonical query left it out (docs/spec.md#auth-session-token: it is signed)",
        ),
        (
            "AUTH018/fail-double-decode",
            "signature does not match: the client unquoted the whole query before splitting it, "
            "so %26 / %3D inside a value became separators (requests-aws4auth#59)",
        ),
        (
            "AUTH018/fail-encodeuricomponent-parens",
            QUERY_STYLE + "encodeURIComponent, which leaves !'()* unescaped",
        ),
        (
            "AUTH018/fail-host-port-dropped",
            f"signature does not match: the client signed host {HOST!r} without the port it "
            f"sent ('{HOST}:8443')",
        ),
        (
            "AUTH018/fail-kv-string-sort",
            "signature does not match: the client sorted the query as joined 'name=value' "
            "strings, not by name then value (requests-aws4auth#45)",
        ),
        (
            "AUTH018/fail-quote-plus-canonical",
            QUERY_STYLE + "quote_plus, which writes a space as '+' (aws-requests-auth#40)",
        ),
        (
            "AUTH018/fail-signed-percent20-sent-plus",
            "signature does not match: the client signed the body encoded as rfc3986 but sent "
            "other bytes: encode once and sign the bytes sent (n8n-io/n8n#2068)",
        ),
        (
            "AUTH018/fail-untrimmed-header-value",
            "signature does not match: the client did not trim and fold whitespace in the "
            "signed header values",
        ),
        (
            "AUTH018/fail-wrong-region-signature",
            "the signature is right for region 'us-west-2', but the endpoint is in 'us-east-1' "
            "and SES answers SignatureDoesNotMatch",
        ),
        (
            "AUTH018/fail-wrong-secret",
            "signature does not match, and no known client mistake reproduces it: a wrong secret "
            "key, or the request changed after it was signed",
        ),
    ],
)
def test_a_committed_sample_names_its_mistake(sample: str, message: str) -> None:
    assert _mismatch((SAMPLES / f"{sample}.http").read_bytes()) == message


def _get(
    query: str,
    client_query: str,
    *,
    host: str = HOST,
    signed_host: str | None = None,
    service: str = "ses",
    signed_service: str | None = None,
) -> bytes:
    """A GET sent with ``query`` and signed in its header (host;x-amz-date) over the client's
    canonical query ``client_query``, host ``signed_host`` and service ``signed_service``
    (by default what it sends), while its scope says ``service``."""
    headers = f"host:{signed_host or host}\nx-amz-date:{DATE}\n"
    creq = f"GET\n/\n{client_query}\n{headers}\nhost;x-amz-date\n{EMPTY_HASH}"
    signed_scope = f"20261126/us-east-1/{signed_service or service}/aws4_request"
    signature = sigv4_signature(creq, DATE, signed_scope, SECRET)
    return (
        f"GET /?{query} HTTP/1.1\r\nHost: {host}\r\nX-Amz-Date: {DATE}\r\n"
        f"Authorization: AWS4-HMAC-SHA256 Credential={AKID}/20261126/us-east-1/{service}/"
        f"aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}\r\n\r\n"
    ).encode()


BASE = "Action=GetSendQuota&Version=2010-12-01"
SCOPE = "20261126/us-east-1/ses/aws4_request"


def _header_signed_get(sent: str, canonical: str, signed: str, payload: str = EMPTY_HASH) -> bytes:
    """A GET of BASE whose header lines ``sent`` (CRLF-ended) are signed, by hand, as the
    canonical header block ``canonical`` (LF-ended lines) with names ``signed``."""
    creq = f"GET\n/\n{BASE}\n{canonical}\n{signed}\n{payload}"
    signature = sigv4_signature(creq, DATE, SCOPE, SECRET)
    return (
        f"GET /?{BASE} HTTP/1.1\r\n{sent}Authorization: AWS4-HMAC-SHA256 Credential={AKID}/"
        f"{SCOPE}, SignedHeaders={signed}, Signature={signature}\r\n\r\n"
    ).encode()


def test_an_rfc1738_encoder_escapes_the_tilde() -> None:
    """Python 2's urlencode escapes '~' (RFC 1738); UriEncode keeps it (RFC 3986 unreserved).
    quote_plus and encodeURIComponent keep it too, so only this mistake reproduces it."""
    raw = _get(BASE + "&X=a~b", BASE + "&X=a%7Eb")
    assert _mismatch(raw) == QUERY_STYLE + "an RFC 1738 encoder, which escapes '~' as %7E"


def test_the_query_signed_as_sent() -> None:
    """A lowercase escape sent and signed as it is: every encoder writes %2F, so only the query
    as sent (node-ses#63) reproduces the signature."""
    raw = _get(BASE + "&X=a%2fb", BASE + "&X=a%2fb")
    assert _mismatch(raw) == (
        "signature does not match: the client put the query into the canonical request as "
        "sent, without decoding and UriEncoding each name and value (e.g. '()' or \"'\" left "
        "unescaped, or '+' for a space; docs/spec.md#enc-form-styles, node-ses#63)"
    )


@pytest.mark.parametrize(("written", "signed"), [("ses", "email"), ("email", "ses")])
def test_signed_for_one_service_and_scoped_for_the_other(written: str, signed: str) -> None:
    raw = _get(BASE, BASE, service=written, signed_service=signed)
    assert _mismatch(raw) == (
        f"signature does not match: the client signed with service {signed!r} but wrote "
        f"{written!r} in the scope"
    )


def test_a_bracketed_ipv6_host_signed_without_its_port() -> None:
    """The port is what follows the last colon: an IPv6 literal keeps its own colons."""
    raw = _get(BASE, BASE, host="[::1]:8443", signed_host="[::1]")
    assert _mismatch(raw) == (
        "signature does not match: the client signed host '[::1]' without the port it sent "
        "('[::1]:8443')"
    )


def test_untrimmed_values_signed_in_the_lowercase_names_order() -> None:
    """Header names sent in mixed case ('X-Amz-Date' sorts before 'host' as sent, after it
    lowercased): the client that signs a value untrimmed still orders the lines by lowercase
    name (IAM-SIGV4), which is the order the candidate must use to reproduce it."""
    meta = "a  b"  # an inner run of spaces, folded to one by the spec, kept by the client
    raw = _header_signed_get(
        f"X-Amz-Date: {DATE}\r\nhost: {HOST}\r\nx-amz-meta-a: {meta}\r\n",
        f"host:{HOST}\nx-amz-date:{DATE}\nx-amz-meta-a:{meta}\n",
        "host;x-amz-date;x-amz-meta-a",
    )
    assert _mismatch(raw) == (
        "signature does not match: the client did not trim and fold whitespace in the signed "
        "header values"
    )


def test_a_presigned_url_unquoted_whole_before_splitting() -> None:
    """requests-aws4auth#59 on a presigned URL: the client unquotes the query (its signature
    left out, IAM-SIGV4's presigned canonical query), splits it, so 'a%26b' becomes 'a' and a
    parameter 'b', and UriEncodes what it split (the payload hash is the empty body's: SES does
    not take UNSIGNED-PAYLOAD, docs/spec.md#sigv4-payload-hash)."""
    credential = f"{AKID}%2F20261126%2Fus-east-1%2Fses%2Faws4_request"
    auth = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={DATE}"
        "&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
    )
    # the client's canonical query: its pairs after the split, sorted by name ('b' last)
    client = f"{BASE}&X=a&{auth}&b="
    creq = f"GET\n/\n{client}\nhost:{HOST}\n\nhost\n{EMPTY_HASH}"
    signature = sigv4_signature(creq, DATE, "20261126/us-east-1/ses/aws4_request", SECRET)
    raw = (
        f"GET /?{BASE}&X=a%26b&{auth}&X-Amz-Signature={signature} HTTP/1.1\r\nHost: {HOST}\r\n\r\n"
    ).encode()
    assert _mismatch(raw) == (
        "signature does not match: the client unquoted the whole query before splitting it, "
        "so %26 / %3D inside a value became separators (requests-aws4auth#59)"
    )


@pytest.mark.parametrize("signed_as", ["UNSIGNED-PAYLOAD", EMPTY_HASH])
def test_a_declared_unsigned_payload_is_what_the_signature_covers(signed_as: str) -> None:
    """A request that declares ``X-Amz-Content-SHA256: UNSIGNED-PAYLOAD`` is verified over
    that word, as the client signed it (AUTH014 says SES does not take it,
    docs/spec.md#sigv4-payload-hash); signed over the body's hash instead, it does not hold."""
    raw = _header_signed_get(
        f"Host: {HOST}\r\nX-Amz-Content-SHA256: UNSIGNED-PAYLOAD\r\nX-Amz-Date: {DATE}\r\n",
        f"host:{HOST}\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:{DATE}\n",
        "host;x-amz-content-sha256;x-amz-date",
        signed_as,
    )
    rules = {f.rule for f in check(raw, credentials=CREDS, now=NOW, tls=True)}
    verified = signed_as == "UNSIGNED-PAYLOAD"
    assert ("AUTH019" in rules, "AUTH018" in rules) == (verified, not verified), rules


def _findings(sample: str, creds: Credentials = CREDS) -> list[tuple[str, str, str]]:
    raw = (SAMPLES / f"{sample}.http").read_bytes()
    found = check(raw, credentials=creds, now=NOW, tls=True)
    return [(f.rule, str(f.location), f.message) for f in found if f.rule.startswith("AUTH")]


def test_a_signature_verified_says_so() -> None:
    assert _findings("AUTH006/pass-ses") == [
        ("AUTH019", "header Authorization", "signature verified")
    ]


def test_a_signature_scoped_for_email_is_verified_and_warned() -> None:
    """'email' is a service name SES tolerates in the scope (docs/spec.md#sigv4-scope): the
    signature is judged, and holds."""
    rules = [rule for rule, _, _ in _findings("AUTH006/fail-email")]
    assert rules == ["AUTH006", "AUTH019"]


def test_credentials_for_another_key_verify_nothing() -> None:
    other = Credentials("AKIDOTHER", SECRET)
    assert _findings("AUTH006/pass-ses", other) == [
        (
            "AUTH020",
            "header Authorization",
            "signed with access key id 'AKIDEXAMPLE', credentials given for 'AKIDOTHER': not "
            "verified",
        )
    ]


def test_a_token_added_to_a_presigned_url_after_signing() -> None:
    assert _findings("AUTH017/fail-token-query-unsigned")[-1] == (
        "AUTH017",
        "param X-Amz-Security-Token",
        "X-Amz-Security-Token was added to the query after signing",
    )


def test_an_unexplained_mismatch_shows_the_spec_stages() -> None:
    """No mistake reproduces a signature made with another secret: the detail is the spec's
    canonical request, string to sign and signature, worked here by hand, and the one given."""
    raw = (SAMPLES / "AUTH018/fail-wrong-secret.http").read_bytes()
    head, body = raw.split(b"\r\n\r\n", 1)
    creq = "\n".join(
        (
            "POST",
            "/",
            "",
            "content-type:application/x-www-form-urlencoded; charset=utf-8",
            f"host:{HOST}",
            f"x-amz-date:{DATE}",
            "",
            "content-type;host;x-amz-date",
            hashlib.sha256(body).hexdigest(),
        )
    )
    scope = "20261126/us-east-1/ses/aws4_request"
    sts = f"AWS4-HMAC-SHA256\n{DATE}\n{scope}\n{hashlib.sha256(creq.encode()).hexdigest()}"
    given = head.split(b"Signature=", 1)[1].split(b"\r\n", 1)[0].decode()
    found = [f for f in check(raw, credentials=CREDS, now=NOW, tls=True) if f.rule == "AUTH018"]
    assert [f.detail for f in found] == [
        f"The spec's canonical request:\n{creq}\n\nThe spec's string to sign:\n{sts}\n\n"
        f"expected signature {sigv4_signature(creq, DATE, scope, SECRET)}\n"
        f"given signature    {given}"
    ]


def test_a_header_signed_query_unquoted_whole_keeps_every_parameter() -> None:
    """requests-aws4auth#59 on a request signed in its header: only a presigned URL leaves
    X-Amz-Signature out of its canonical query; here it is a parameter like the others (sent
    beside the header, which is AUTH021), and the client's split query includes it."""
    raw = _get(BASE + "&X=a%26b&X-Amz-Signature=zz", BASE + "&X=a&X-Amz-Signature=zz&b=")
    assert _mismatch(raw) == (
        "signature does not match: the client unquoted the whole query before splitting it, "
        "so %26 / %3D inside a value became separators (requests-aws4auth#59)"
    )


def test_untrimmed_values_of_names_whose_order_depends_on_case() -> None:
    """'_' sorts before 'a' but after 'A': the lines go in the order of the lower-cased names
    (IAM-SIGV4), x-amz-meta-_z before x-amz-meta-a, whatever case the client sent."""
    raw = _header_signed_get(
        f"Host: {HOST}\r\nX-Amz-Date: {DATE}\r\nX-Amz-Meta-A: c\r\nX-Amz-Meta-_z: a  b\r\n",
        f"host:{HOST}\nx-amz-date:{DATE}\nx-amz-meta-_z:a  b\nx-amz-meta-a:c\n",
        "host;x-amz-date;x-amz-meta-_z;x-amz-meta-a",
    )
    assert _mismatch(raw) == (
        "signature does not match: the client did not trim and fold whitespace in the signed "
        "header values"
    )
