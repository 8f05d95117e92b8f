"""The checker samples of the transport rules (HTTP001-HTTP012) that botocore signs.

Every case names its rule; what it must show is its rule's as the catalogue declares it,
and it cites its rule's clauses (``Case.spec``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from scripts.checker_samples.common import (
    SEND_EMAIL,
    Case,
    _absolute,
    _chunked,
    _dup_host,
    _get_signed,
    botocore_body,
    clean_post,
    form,
    presign_v4,
    send_email_pairs,
    sign_v4,
)


def cases() -> Iterator[Case]:
    # --- from _cases ---
    ok = ["AUTH018"]  # with credentials, a botocore-signed sample must verify
    # ---- HTTP ---------------------------------------------------------------------------
    yield Case(
        "HTTP001",
        "pass-botocore-post",
        "SendEmail as boto3 sends it.",
        clean_post(),
        forbid=["HTTP001", *ok],
        clean=True,
    )
    yield Case(
        "HTTP002",
        "pass-tls",
        "botocore-signed SendEmail, captured over TLS.",
        clean_post(),
        forbid=["HTTP002", *ok],
        clean=True,
    )
    yield Case(
        "HTTP002",
        "fail-plain-http-context",
        "The same botocore-signed request, captured on a plain-HTTP listener: SES "
        "answers only HTTPS.",
        clean_post(),
        expect=["HTTP002"],
        forbid=ok,
        tls=False,
    )
    yield Case(
        "HTTP002",
        "fail-absolute-http-url",
        "Absolute-form target 'http://...' (a client configured with an http:// "
        "endpoint); signed by botocore for that URL.",
        _absolute(sign_v4(botocore_body("SendEmail", SEND_EMAIL), scheme="http"), "http"),
        expect=["HTTP002"],
        forbid=ok,
        tls=None,
    )
    yield Case(
        "HTTP003",
        "pass-get-header-signed",
        "GET with the parameters in the query, header-signed by botocore.",
        _get_signed(send_email_pairs()),
        forbid=["HTTP003", *ok],
        clean=True,
    )
    yield Case(
        "HTTP003",
        "fail-put",
        "PUT instead of POST (signed by botocore for PUT).",
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), method="PUT"),
        expect=["HTTP003"],
        forbid=ok,
    )
    yield Case(
        "HTTP004",
        "pass-host",
        "Host present once, SES endpoint.",
        clean_post(),
        forbid=["HTTP004", *ok],
        clean=True,
    )
    yield Case(
        "HTTP004",
        "fail-no-host",
        "Host header removed after signing (a proxy or a hand-rolled client).",
        clean_post().drop("Host"),
        expect=["HTTP004"],
    )
    yield Case(
        "HTTP004",
        "fail-two-hosts",
        "Host header sent twice.",
        _dup_host(clean_post()),
        expect=["HTTP004"],
    )
    yield Case(
        "HTTP004",
        "fail-host-not-target",
        "Absolute-form target names us-west-2 but Host says us-east-1.",
        _absolute(clean_post(), "https", "email.us-west-2.amazonaws.com"),
        expect=["HTTP004"],
    )
    local = sign_v4(botocore_body("SendEmail", SEND_EMAIL), host="127.0.0.1:8443")
    yield Case(
        "HTTP005",
        "pass-ses-host",
        "Host is email.us-east-1.amazonaws.com.",
        clean_post(),
        forbid=["HTTP005", *ok],
        clean=True,
    )
    yield Case(
        "HTTP005",
        "fail-local-endpoint",
        "(info fires) botocore pointed at a local endpoint 127.0.0.1:8443; signature "
        "valid for that host, region from the scope.",
        local,
        expect=["HTTP005"],
        forbid=["AUTH008", *ok],
        clean=True,
    )
    yield Case(
        "HTTP006",
        "pass-form",
        "Content-Type application/x-www-form-urlencoded.",
        clean_post(),
        forbid=["HTTP006", *ok],
        clean=True,
    )
    yield Case(
        "HTTP006",
        "fail-text-plain",
        "Form body sent as text/plain (signed).",
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), content_type="text/plain; charset=utf-8"),
        expect=["HTTP006"],
        forbid=ok,
    )
    yield Case(
        "HTTP006",
        "fail-no-content-type",
        "POST with a form body and no Content-Type.",
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), content_type=None),
        expect=["HTTP006"],
        forbid=ok,
    )
    yield Case(
        "HTTP007",
        "pass-charset",
        "Content-Type names charset=utf-8 (botocore).",
        clean_post(),
        forbid=["HTTP007", *ok],
        clean=True,
    )
    yield Case(
        "HTTP007",
        "fail-no-charset",
        "https://github.com/boto/botocore/pull/1285 (#1244, boto3#354): form "
        "Content-Type without charset; signed by botocore, so only the info finding.",
        sign_v4(
            botocore_body("SendEmail", SEND_EMAIL), content_type="application/x-www-form-urlencoded"
        ),
        expect=["HTTP007"],
        forbid=ok,
        clean=True,
        issues=("https://github.com/boto/botocore/pull/1285",),
    )
    yield Case(
        "HTTP007",
        "fail-charset-latin1",
        "charset=ISO-8859-1 on a UTF-8 body: the server would read the bytes wrong.",
        sign_v4(
            form(send_email_pairs(**{"Message.Subject.Data": "Café"})),
            content_type="application/x-www-form-urlencoded; charset=ISO-8859-1",
        ),
        expect=["HTTP007"],
        forbid=ok,
        # No charset is info (SES reads UTF-8 anyway, docs/spec.md#http-charset); another
        # charset named is an error: a server that honours it misreads the bytes.
        severity={"HTTP007": "error"},
    )
    body = botocore_body("SendEmail", SEND_EMAIL)
    yield Case(
        "HTTP008",
        "pass-length",
        "Content-Length equals the body length.",
        clean_post(),
        forbid=["HTTP008", *ok],
        clean=True,
    )
    yield Case(
        "HTTP008",
        "fail-length-short",
        "Content-Length 10 bytes short of the body (set after signing).",
        clean_post().set("Content-Length", str(len(body) - 10)),
        expect=["HTTP008"],
    )
    yield Case(
        "HTTP008",
        "fail-no-length",
        "POST body with no Content-Length (and no Transfer-Encoding).",
        clean_post().drop("Content-Length"),
        expect=["HTTP008"],
    )
    yield Case(
        "HTTP008",
        "fail-chunked",
        "Chunked request body (awsQuery requires Content-Length).",
        _chunked(clean_post()),
        expect=["HTTP008"],
    )
    post_query = sign_v4(
        form(send_email_pairs(Action=None, Version=None)),
        query="Action=SendEmail&Version=2010-12-01",
    )
    yield Case(
        "HTTP009",
        "pass-all-in-body",
        "POST with every parameter in the body.",
        clean_post(),
        forbid=["HTTP009", *ok],
        clean=True,
    )
    yield Case(
        "HTTP009",
        "fail-action-in-query",
        "POST with Action and Version in the query string, the rest in the body "
        "(signed by botocore: query in the canonical request).",
        post_query,
        expect=["HTTP009"],
        # HTTP009 is a warning ("accepted today"): the query parameters count, Action is there.
        forbid=["PARAM001", *ok],
    )
    yield Case(
        "HTTP010",
        "pass-get-no-body",
        "Presigned GET, no body.",
        presign_v4(send_email_pairs()),
        forbid=["HTTP010", *ok],
        clean=True,
    )
    yield Case(
        "HTTP010",
        "fail-get-with-body",
        "GET with parameters in the query and a form body too (signed).",
        _get_signed(send_email_pairs(), body=b"Message.Subject.Data=Other"),
        expect=["HTTP010"],
        forbid=ok,
    )
    v2 = sign_v4(
        json.dumps(
            {
                "FromEmailAddress": "sender@example.com",
                "Destination": {"ToAddresses": ["recipient@example.com"]},
                "Content": {
                    "Simple": {"Subject": {"Data": "Test"}, "Body": {"Text": {"Data": "Hi"}}}
                },
            }
        ).encode(),
        path="/v2/email/outbound-emails",
        content_type="application/json",
    )
    yield Case(
        "HTTP011",
        "pass-query-api",
        "An SES Classic Query API request.",
        clean_post(),
        forbid=["HTTP011", *ok],
        clean=True,
    )
    yield Case(
        "HTTP011",
        "fail-sesv2-json",
        "SES v2 SendEmail (POST /v2/email/outbound-emails, JSON), signed by botocore.",
        v2,
        expect=["HTTP011"],
    )
    yield Case(
        "HTTP012",
        "pass-root-path",
        "Path '/'.",
        clean_post(),
        forbid=["HTTP012", *ok],
        clean=True,
    )
    yield Case(
        "HTTP012",
        "fail-path",
        "POST /email (a base URL with a path), signed by botocore for that path.",
        sign_v4(botocore_body("SendEmail", SEND_EMAIL), path="/email"),
        expect=["HTTP012"],
        forbid=ok,
    )

    # --- from _more_cases ---
    ok = ["AUTH018"]
    body = botocore_body("SendEmail", SEND_EMAIL)
    yield Case(
        "HTTP001",
        "fail-space-before-colon",
        "Header line 'Host : ...' (RFC 9112 section 5: no whitespace between name and colon).",
        clean_post().to_bytes().replace(b"Host: ", b"Host : ", 1),
        expect=["HTTP001"],
        credentials=None,
    )
    yield Case(
        "HTTP004",
        "pass-absolute-https",
        "Absolute-form target https://email.us-east-1.amazonaws.com/ matching Host.",
        _absolute(clean_post(), "https"),
        forbid=["HTTP004", "HTTP002", *ok],
        clean=True,
    )
    yield Case(
        "HTTP007",
        "pass-charset-upper",
        "charset=UTF-8 (charset names are case-insensitive).",
        sign_v4(body, content_type="application/x-www-form-urlencoded; charset=UTF-8"),
        forbid=["HTTP007", *ok],
        clean=True,
    )
