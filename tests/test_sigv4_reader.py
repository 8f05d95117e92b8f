"""The SigV4 readers (``read_authorization``, ``read_presigned``), problem by problem: each
problem's kind and the element or parameter it is about, and its message (the house style:
what, then where), worked by hand from IAM-SIGV4's format: ``AWS4-HMAC-SHA256
Credential=<akid>/<YYYYMMDD>/<region>/<service>/aws4_request, SignedHeaders=<names>,
Signature=<64 lower-case hex>`` (docs/spec.md#sigv4-authorization-header), and the presigned
query's ``X-Amz-*`` parameters (docs/spec.md#sigv4-presigned).
"""

from __future__ import annotations

import pytest

from sesspec.signing import sigv4

SIG = "a" * 64
CREDENTIAL = "AK/20150830/us-east-1/service/aws4_request"
GOOD = f"AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders=host, Signature={SIG}"


def _problems(parts: sigv4.Authorization) -> list[tuple[str, str, str]]:
    return [(p.kind, p.field, p.message) for p in parts.problems]


def _scope(parts: sigv4.Authorization) -> tuple[str, str, str, str]:
    return (parts.access_key_id, parts.date, parts.region, parts.service)


class TestAuthorizationHeader:
    def test_the_good_one(self) -> None:
        parts = sigv4.read_authorization(GOOD)
        assert parts.problems == ()
        assert _scope(parts) == ("AK", "20150830", "us-east-1", "service")
        assert (parts.signed_headers, parts.signature) == (("host",), SIG)

    def test_no_space_after_the_algorithm(self) -> None:
        """The algorithm must be followed by a space; the elements after it are still read."""
        value = GOOD.replace("AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256", 1)
        parts = sigv4.read_authorization(value)
        assert _problems(parts) == [
            (
                "algorithm",
                "Authorization",
                f"Authorization must start with 'AWS4-HMAC-SHA256 ': {value[:40]!r}",
            )
        ]
        assert _scope(parts) == ("AK", "20150830", "us-east-1", "service")
        assert parts.signature == SIG

    def test_another_algorithm(self) -> None:
        parts = sigv4.read_authorization("AWS4-HMAC-SHA512 " + GOOD.split(" ", 1)[1])
        first = parts.problems[0]
        assert (first.kind, first.field) == ("algorithm", "Authorization")

    def test_element_without_equals(self) -> None:
        parts = sigv4.read_authorization(GOOD + ", Foo")
        assert _problems(parts) == [
            ("element", "Authorization", "Authorization element without '=': 'Foo'")
        ]
        assert _scope(parts) == ("AK", "20150830", "us-east-1", "service")

    def test_unknown_element_split_at_its_first_equals(self) -> None:
        parts = sigv4.read_authorization(GOOD + ", X=a=b")
        assert _problems(parts) == [("unknown", "X", "unknown Authorization element 'X'")]

    def test_only_spaces_are_stripped_around_an_element(self) -> None:
        """IAM-SIGV4 separates the elements with a comma and a space: a tab is not a separator,
        so '\\tSignedHeaders' is another name."""
        parts = sigv4.read_authorization(GOOD.replace(", SignedHeaders", ",\tSignedHeaders"))
        assert [(k, f) for k, f, _ in _problems(parts)] == [
            ("unknown", "\tSignedHeaders"),
            ("missing", "SignedHeaders"),
        ]

    def test_repeated_and_empty_names(self) -> None:
        parts = sigv4.read_authorization(GOOD + ", SignedHeaders=host;;x")
        assert _problems(parts) == [
            ("repeated", "SignedHeaders", "repeated Authorization element 'SignedHeaders'")
        ]
        parts = sigv4.read_authorization(GOOD.replace("=host,", "=host;;x-amz-date,"))
        assert _problems(parts) == [
            (
                "signed-headers",
                "SignedHeaders",
                "empty name in SignedHeaders: 'host;;x-amz-date'",
            )
        ]

    @pytest.mark.parametrize(
        "credential",
        [
            "AK/20150830/us-east-1/aws4_request",  # four parts
            "AK//us-east-1/service/aws4_request",  # an empty part
            "/20150830/us-east-1/service/aws4_request",
            "AK/20150830/us-east-1/service/aws4_reques",
            "AK/20150830/us-east-1/service/aws4_request/x",
        ],
    )
    def test_credential_not_five_parts(self, credential: str) -> None:
        parts = sigv4.read_authorization(GOOD.replace(CREDENTIAL, credential))
        assert _problems(parts) == [
            (
                "credential",
                "Credential",
                f"Credential must be AKID/YYYYMMDD/region/service/aws4_request: {credential!r}",
            )
        ]
        assert _scope(parts) == ("", "", "", "")

    @pytest.mark.parametrize(
        "date",
        ["2015083a", "2015083", "201508300", "\uff12\uff10\uff11\uff15\uff10\uff18\uff13\uff10"],
    )
    def test_scope_date_not_eight_ascii_digits(self, date: str) -> None:
        parts = sigv4.read_authorization(GOOD.replace("20150830", date))
        assert _problems(parts) == [
            ("scope-date", "Credential", f"credential scope date must be YYYYMMDD: {date!r}")
        ]
        assert _scope(parts) == ("AK", date, "us-east-1", "service")

    def test_first_of_a_kind(self) -> None:
        parts = sigv4.read_authorization("AWS4-HMAC-SHA256 Foo=1, Credential=AK/x")
        assert [p.kind for p in parts.problems] == ["unknown", "missing", "missing", "credential"]
        missing = parts.first("missing")
        assert missing is not None
        assert missing.field == "SignedHeaders"
        credential = parts.first("credential", "scope-date")
        assert credential is not None
        assert credential.kind == "credential"
        assert parts.first("signature") is None
        first = parts.first()
        assert first is not None
        assert first.kind == "unknown"


class TestPresignedQuery:
    BASE = (
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Credential", CREDENTIAL),
        ("X-Amz-Date", "20150830T123600Z"),
        ("X-Amz-SignedHeaders", "host"),
        ("X-Amz-Signature", SIG),
    )

    def test_without_expires(self) -> None:
        parts = sigv4.read_presigned(self.BASE)
        assert [(k, f) for k, f, _ in _problems(parts)] == [("missing", "X-Amz-Expires")]
        assert parts.expires is None
        assert _scope(parts) == ("AK", "20150830", "us-east-1", "service")

    @pytest.mark.parametrize(("text", "seconds"), [("1", 1), ("60", 60), ("604800", 604800)])
    def test_expires_read(self, text: str, seconds: int) -> None:
        parts = sigv4.read_presigned((*self.BASE, ("X-Amz-Expires", text)))
        assert (parts.problems, parts.expires) == ((), seconds)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("abc", "X-Amz-Expires is not a number: 'abc'"),
            ("", "X-Amz-Expires is not a number: ''"),
            ("0", "X-Amz-Expires must be at least 1: '0'"),
        ],
    )
    def test_expires_refused(self, text: str, message: str) -> None:
        parts = sigv4.read_presigned((*self.BASE, ("X-Amz-Expires", text)))
        assert _problems(parts) == [("expires", "X-Amz-Expires", message)]
        assert parts.expires is None

    def test_credential_problem_names_the_parameter(self) -> None:
        pairs = [(n, "AK/x" if n == "X-Amz-Credential" else v) for n, v in self.BASE]
        parts = sigv4.read_presigned((*pairs, ("X-Amz-Expires", "60")))
        assert _problems(parts) == [
            (
                "credential",
                "X-Amz-Credential",
                "Credential must be AKID/YYYYMMDD/region/service/aws4_request: 'AK/x'",
            )
        ]
        assert _scope(parts) == ("", "", "", "")
