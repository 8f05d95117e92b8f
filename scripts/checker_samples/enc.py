"""The checker samples of the encoding rules (ENC001-ENC010) that botocore signs.

Every case names its rule; what it must show is its rule's as the catalogue declares it,
and it cites its rule's clauses (``Case.spec``)."""

from __future__ import annotations

from collections.abc import Iterator

from scripts.checker_samples.common import (
    MIME_CRLF,
    MIME_LF,
    Case,
    Wire,
    _get_signed,
    _html2,
    _py2_quote_plus,
    _raw_plus_presign,
    botocore_body,
    clean_post,
    form,
    presign_v4,
    rfc3986,
    send_email_pairs,
    sign_v4,
)


def cases() -> Iterator[Case]:
    # --- from _cases ---
    ok = ["AUTH018"]  # with credentials, a botocore-signed sample must verify

    # ---- ENC ----------------------------------------------------------------------------
    def enc_body(raw: str) -> Wire:
        return sign_v4(raw.encode("latin-1"))

    base = (
        "Action=SendEmail&Version=2010-12-01&Source=sender%40example.com"
        "&Destination.ToAddresses.member.1=recipient%40example.com"
        "&Message.Body.Text.Data=Hello%20world"
    )
    yield Case(
        "ENC001",
        "pass-escapes",
        "Every '%' starts a two-hex-digit escape.",
        enc_body(base + "&Message.Subject.Data=100%25"),
        forbid=["ENC001", *ok],
        clean=True,
    )
    yield Case(
        "ENC001",
        "fail-bad-escape",
        "'100%' sent raw ('%' not escaped) and a '%zz': malformed escapes (signed).",
        enc_body(base + "&Message.Subject.Data=100%&Message.Body.Html.Data=%zz"),
        expect=["ENC001"],
        forbid=ok,
    )
    yield Case(
        "ENC002",
        "pass-upper-hex",
        "Upper-case hex escapes (%C3%A9).",
        enc_body(base + "&Message.Subject.Data=Caf%C3%A9"),
        forbid=["ENC002", *ok],
        clean=True,
    )
    yield Case(
        "ENC002",
        "fail-lower-hex",
        "Lower-case hex escapes (%c3%a9): valid, non-canonical.",
        enc_body(base + "&Message.Subject.Data=Caf%c3%a9"),
        expect=["ENC002"],
        forbid=ok,
        clean=True,
    )
    yield Case(
        "ENC003",
        "pass-escaped",
        "Space and non-ASCII escaped.",
        enc_body(base + "&Message.Subject.Data=Caf%C3%A9%20ol%C3%A9"),
        forbid=["ENC003", *ok],
        clean=True,
    )
    yield Case(
        "ENC003",
        "fail-raw-bytes",
        "Raw space, raw UTF-8 'é' and a raw '\"' in the body (signed as sent).",
        sign_v4((base + '&Message.Subject.Data=Caf\u00e9 "ol\u00e9"').encode("utf-8")),
        expect=["ENC003"],
        forbid=ok,
    )
    yield Case(
        "ENC004",
        "pass-utf8",
        "Escapes decode to UTF-8.",
        enc_body(base + "&Message.Subject.Data=Caf%C3%A9"),
        forbid=["ENC004", *ok],
        clean=True,
    )
    yield Case(
        "ENC004",
        "fail-latin1-escape",
        "https://github.com/boto/boto/pull/156: 'Café' percent-encoded from Latin-1 "
        "(%E9) instead of UTF-8.",
        enc_body(base + "&Message.Subject.Data=Caf%E9"),
        expect=["ENC004"],
        forbid=ok,
        issues=("https://github.com/boto/boto/pull/156",),
    )
    plus = send_email_pairs(**{"Destination.ToAddresses.member.1": "user+tag@example.com"})
    yield Case(
        "ENC005",
        "pass-plus-escaped",
        "Address with a literal plus sent as %2B (n8n fix PR #9811).",
        sign_v4(form(plus)),
        forbid=["ENC005", *ok],
        clean=True,
    )
    yield Case(
        "ENC005",
        "fail-plus-raw",
        "https://github.com/n8n-io/n8n/issues/9794: 'user+tag@example.com' sent with a "
        "raw '+', read by SES as 'user tag@...' (InvalidParameterValue 'Local address "
        "contains control or whitespace'). Signed as sent.",
        sign_v4(form(plus).replace(b"%2B", b"+")),
        expect=["ENC005"],
        forbid=ok,
        issues=("https://github.com/n8n-io/n8n/issues/9794",),
    )
    yield Case(
        "ENC005",
        "fail-plus-raw-get",
        "https://github.com/boto/botocore/pull/127: query value with a raw '+' in an "
        "address (presigned GET; botocore signed the decoded value).",
        _raw_plus_presign(),
        expect=["ENC005"],
        issues=("https://github.com/boto/botocore/pull/127",),
    )
    html = "<a href=https://example.com/>link</a>"
    yield Case(
        "ENC006",
        "pass-equals-escaped",
        "HTML value with '=' escaped as %3D.",
        sign_v4(form(send_email_pairs(**{"Message.Body.Html.Data": html}))),
        forbid=["ENC006", *ok],
        clean=True,
    )
    yield Case(
        "ENC006",
        "fail-raw-equals",
        "https://github.com/n8n-io/n8n/issues/1442: raw HTML value with an unescaped "
        "'=' (MalformedQueryString).",
        sign_v4(form(send_email_pairs(**{"Message.Body.Html.Data": html})).replace(b"%3D", b"=")),
        expect=["ENC006"],
        forbid=ok,
        issues=("https://github.com/n8n-io/n8n/issues/1442",),
    )
    tj = send_email_pairs(**{"Message.Subject.Data": "Tom & Jerry"})
    yield Case(
        "ENC007",
        "pass-amp-escaped",
        "'&' inside a value escaped as %26.",
        sign_v4(form(tj)),
        forbid=["ENC007", *ok],
        clean=True,
    )
    yield Case(
        "ENC007",
        "fail-raw-amp",
        "Subject 'Tom & Jerry' with the '&' left raw: the pair splits in two.",
        sign_v4(form(tj).replace(b"%26", b"&")),
        expect=["ENC007"],
        forbid=ok,
    )
    yield Case(
        "ENC008",
        "pass-single-encoded",
        "Address encoded once (%40).",
        clean_post(),
        forbid=["ENC008", *ok],
        clean=True,
    )
    yield Case(
        "ENC008",
        "fail-double-encoded",
        "https://github.com/boto/boto/pull/354: an already-encoded address encoded "
        "again (sender%2540example.com decodes to 'sender%40example.com').",
        enc_body(
            base.replace("Source=sender%40", "Source=sender%2540")
            + "&Message.Subject.Data=Test%20message"
        ),
        expect=["ENC008"],
        forbid=ok,
        issues=("https://github.com/boto/boto/pull/354",),
    )
    yield Case(
        "ENC009",
        "pass-crlf",
        "RawMessage.Data: MIME with CRLF line endings.",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": MIME_CRLF.encode()}})),
        forbid=["ENC009", *ok],
        clean=True,
    )
    yield Case(
        "ENC009",
        "fail-bare-lf",
        "RawMessage.Data: MIME with bare LF line endings.",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": MIME_LF.encode()}})),
        expect=["ENC009"],
        forbid=ok,
    )
    bare_cr = MIME_CRLF.replace("Hello.\r\n", "Hello.\rThen more.\r\n")
    yield Case(
        "ENC009",
        "fail-bare-cr",
        "RawMessage.Data: MIME with CRLF line endings and one bare CR in its text (RFC 5322 "
        "section 2.3: CR and LF only together).",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": bare_cr.encode()}})),
        expect=["ENC009"],
        forbid=ok,
    )
    text = send_email_pairs(**{"Message.Subject.Data": "a b~c*d-e_f.g"})
    yield Case(
        "ENC010",
        "pass-rfc3986",
        "(info does not fire) body in canonical RFC 3986 form (%20, '~' raw).",
        sign_v4(form(text)),
        forbid=["ENC010", *ok],
        clean=True,
    )
    yield Case(
        "ENC010",
        "fail-html2",
        "(info fires) HTML 2.0 / RFC 1866 encoding: '+' for space, every non-alphanumeric "
        "escaped ('%2D', '%2E', '%5F', '%7E').",
        sign_v4(form(text, _html2)),
        expect=["ENC010"],
        forbid=ok,
        clean=True,
    )
    yield Case(
        "ENC010",
        "fail-python2-tilde",
        "(info fires) https://github.com/python/cpython/pull/17065: Python < 3.7 "
        "quote_plus writes '~' as %7E.",
        sign_v4(form(text, _py2_quote_plus)),
        expect=["ENC010"],
        forbid=ok,
        clean=True,
        issues=("https://github.com/python/cpython/pull/17065",),
    )

    # --- from _more_cases ---
    ok = ["AUTH018"]
    plus = send_email_pairs(**{"Destination.ToAddresses.member.1": "user+tag@example.com"})
    yield Case(
        "ENC005",
        "pass-plus-escaped-presign",
        "Presigned GET with the plus of 'user+tag@example.com' as %2B (botocore).",
        presign_v4(plus),
        forbid=["ENC005", *ok],
        clean=True,
    )
    yield Case(
        "ENC007",
        "fail-raw-amp-query",
        "GET query with a raw '&' inside the subject 'Tom & Jerry' (header-signed as sent).",
        _get_signed(
            send_email_pairs(**{"Message.Subject.Data": "Tom & Jerry"}),
            enc=lambda v: rfc3986(v).replace("%26", "&"),
        ),
        expect=["ENC007"],
    )
