"""The checker samples of the authentication rules (AUTH001-AUTH021) that botocore signs.

Every case names its rule; what it must show is its rule's as the catalogue declares it,
and it cites its rule's clauses (``Case.spec``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from hashlib import sha256
from urllib.parse import quote, quote_plus

from scripts.checker_samples.common import (
    _SECOND,
    CUTOFF,
    FORM,
    HOST,
    NOW,
    SEND_EMAIL,
    SIGNED_AT,
    TOKEN,
    WRONG_SECRET,
    Case,
    DateHeaderSigV4,
    DoubleDecodeSigV4,
    HostUnsignedSigV4,
    KeyValueSortSigV4,
    UntrimmedSigV4,
    Wire,
    _append_query,
    _drop_field,
    _drop_query,
    _encode_uri_component,
    _get_signed,
    _get_signed_url,
    _sign_v2_get,
    botocore_body,
    clean_post,
    form,
    presign_v4,
    send_email_pairs,
    sign_v2,
    sign_v3,
    sign_v4,
)


def cases() -> Iterator[Case]:
    # --- from _cases ---
    ok = ["AUTH018"]  # with credentials, a botocore-signed sample must verify
    body = botocore_body("SendEmail", SEND_EMAIL)
    # ---- AUTH -----------------------------------------------------------------------------
    yield Case(
        "AUTH001",
        "pass-signed",
        "SigV4-signed.",
        clean_post(),
        forbid=["AUTH001", *ok],
        clean=True,
    )
    yield Case(
        "AUTH001",
        "fail-unsigned",
        "No Authorization header, no X-Amz-* parameters.",
        Wire(
            "POST",
            "/",
            [("Host", HOST), ("Content-Type", FORM), ("Content-Length", str(len(body)))],
            body,
        ),
        expect=["AUTH001"],
    )
    yield Case(
        "AUTH002",
        "pass-sigv4",
        "SigV4.",
        clean_post(),
        forbid=["AUTH002", *ok],
        clean=True,
    )
    yield Case(
        "AUTH002",
        "fail-aws3-https",
        "https://github.com/symfony/symfony/issues/40480: AWS3-HTTPS "
        "(X-Amzn-Authorization, botocore SigV3Auth) in 2026, after the 2020-10-01 cut-off.",
        sign_v3(body),
        expect=["AUTH002"],
        forbid=["AUTH001"],
        issues=(
            "https://github.com/symfony/symfony/issues/40480",
            "https://github.com/marrow/mailer/issues/97",
        ),
    )
    yield Case(
        "AUTH003",
        "pass-sigv4",
        "SigV4.",
        clean_post(),
        forbid=["AUTH003", *ok],
        clean=True,
    )
    yield Case(
        "AUTH003",
        "fail-sigv2",
        "SigV2 (SignatureVersion=2 in the body, botocore SigV2Auth): SES never took it.",
        sign_v2(send_email_pairs()),
        expect=["AUTH003"],
        forbid=["AUTH001"],
    )
    good = clean_post()
    authz = good.header("Authorization")
    yield Case(
        "AUTH004",
        "pass-well-formed",
        "Authorization as botocore writes it.",
        clean_post(),
        forbid=["AUTH004", *ok],
        clean=True,
    )
    yield Case(
        "AUTH004",
        "fail-no-signedheaders",
        "Authorization without SignedHeaders (IncompleteSignature).",
        clean_post().set("Authorization", _drop_field(authz, "SignedHeaders")),
        expect=["AUTH004"],
    )
    yield Case(
        "AUTH004",
        "fail-no-signature",
        "Authorization without Signature (IncompleteSignature).",
        clean_post().set("Authorization", _drop_field(authz, "Signature")),
        expect=["AUTH004"],
    )
    yield Case(
        "AUTH005",
        "pass-scope",
        "Scope <date>/us-east-1/ses/aws4_request.",
        clean_post(),
        forbid=["AUTH005", *ok],
        clean=True,
    )
    yield Case(
        "AUTH005",
        "fail-service-sns",
        "Signed (validly) for service 'sns': scope .../sns/aws4_request.",
        sign_v4(body, service="sns"),
        expect=["AUTH005"],
    )
    yield Case(
        "AUTH005",
        "fail-scope-truncated",
        "Credential=AKIDEXAMPLE/20261126/us-east-1/ses (no aws4_request terminator).",
        clean_post().set("Authorization", authz.replace("/aws4_request", "")),
        expect=["AUTH005"],
    )
    yield Case(
        "AUTH006",
        "pass-ses",
        "Scope service 'ses'.",
        clean_post(),
        forbid=["AUTH006", *ok],
        clean=True,
    )
    yield Case(
        "AUTH006",
        "fail-email",
        "https://github.com/cachethq/cachet/issues/2422: scope service 'email' (the "
        "endpoint prefix), signed validly by botocore for 'email': tolerated by v1.",
        sign_v4(body, service="email"),
        expect=["AUTH006"],
        forbid=["AUTH005", *ok],
        clean=True,
        issues=("https://github.com/cachethq/cachet/issues/2422",),
    )
    next_day = SIGNED_AT.replace(hour=23, minute=59, second=59)
    midnight = sign_v4(body, when=next_day).set("X-Amz-Date", "20261127T000001Z")
    yield Case(
        "AUTH007",
        "pass-same-date",
        "Scope date = X-Amz-Date date.",
        clean_post(),
        forbid=["AUTH007", *ok],
        clean=True,
    )
    yield Case(
        "AUTH007",
        "fail-across-midnight",
        "Scope date 20261126, X-Amz-Date 20261127T000001Z (timestamp taken again after "
        "signing, two seconds later, across midnight).",
        midnight,
        expect=["AUTH007"],
        now=dt.datetime(2026, 11, 27, 0, 1, 0),
    )
    wrong_region = sign_v4(body, region="us-west-2")
    yield Case(
        "AUTH008",
        "pass-region",
        "Scope region us-east-1 = host region.",
        clean_post(),
        forbid=["AUTH008", *ok],
        clean=True,
    )
    yield Case(
        "AUTH008",
        "fail-wrong-region",
        "https://github.com/nodemailer/nodemailer-ses-transport/issues/10: host "
        "email.us-east-1 but signed (by botocore) for us-west-2; SES says only "
        "SignatureDoesNotMatch.",
        wrong_region,
        expect=["AUTH008"],
        issues=("https://github.com/nodemailer/nodemailer-ses-transport/issues/10",),
    )
    yield Case(
        "AUTH009",
        "pass-x-amz-date",
        "X-Amz-Date present.",
        clean_post(),
        forbid=["AUTH009", *ok],
        clean=True,
    )
    yield Case(
        "AUTH009",
        "fail-no-date",
        "https://github.com/drewblas/aws-ses/issues/69: neither X-Amz-Date nor Date "
        "(removed after signing): MissingParameter.",
        clean_post().drop("X-Amz-Date"),
        expect=["AUTH009"],
        issues=("https://github.com/drewblas/aws-ses/issues/69",),
    )
    yield Case(
        "AUTH009",
        "fail-extended-format",
        "X-Amz-Date in extended ISO 8601 (2026-11-26T05:48:17Z), not YYYYMMDD'T'HHMMSS'Z'.",
        clean_post().set("X-Amz-Date", "2026-11-26T05:48:17Z"),
        expect=["AUTH009"],
    )
    yield Case(
        "AUTH010",
        "pass-x-amz-date",
        "Timestamp in X-Amz-Date.",
        clean_post(),
        forbid=["AUTH010", *ok],
        clean=True,
    )
    yield Case(
        "AUTH010",
        "fail-iso-date-header",
        "Timestamp in an ISO 8601 basic Date header, no X-Amz-Date (botocore SigV4 with "
        "the header renamed before signing): allowed, warned.",
        sign_v4(body, signer_cls=DateHeaderSigV4),
        expect=["AUTH010"],
        forbid=["AUTH009", *ok],
        clean=True,
    )
    yield Case(
        "AUTH011",
        "pass-signed-headers",
        "content-type;host;x-amz-date.",
        clean_post(),
        forbid=["AUTH011", *ok],
        clean=True,
    )
    yield Case(
        "AUTH011",
        "fail-host-unsigned",
        "host left out of SignedHeaders (botocore signature over the rest is valid).",
        sign_v4(body, signer_cls=HostUnsignedSigV4),
        expect=["AUTH011"],
        # Right over what it signs, but a signature without host is refused before it is
        # checked (docs/spec.md#sigv4-signed-headers): never "verified".
        forbid=["AUTH019"],
    )
    yield Case(
        "AUTH011",
        "fail-repeated-name",
        "SignedHeaders=content-type;host;host;x-amz-date: a name listed twice.",
        clean_post().set(
            "Authorization",
            authz.replace("content-type;host;x-amz-date", "content-type;host;host;x-amz-date"),
        ),
        expect=["AUTH011"],
        forbid=["AUTH019"],
    )
    yield Case(
        "AUTH011",
        "fail-not-lowercase-sorted",
        "SignedHeaders=Host;Content-Type;X-Amz-Date (the starting document's style).",
        clean_post().set(
            "Authorization",
            authz.replace("content-type;host;x-amz-date", "Host;Content-Type;X-Amz-Date"),
        ),
        expect=["AUTH011"],
        # The signature was computed over 'content-type;host;x-amz-date'; the canonical request
        # a server rebuilds carries the SignedHeaders value as sent, so it cannot verify.
        forbid=["AUTH019"],
    )
    yield Case(
        "AUTH012",
        "pass-all-present",
        "Every signed header is sent.",
        clean_post(),
        forbid=["AUTH012", *ok],
        clean=True,
    )
    yield Case(
        "AUTH012",
        "fail-signed-header-dropped",
        "X-Request-Id signed by botocore, then removed (by a proxy) before sending.",
        sign_v4(body, extra=(("X-Request-Id", "42"),)).drop("X-Request-Id"),
        expect=["AUTH012"],
    )
    yield Case(
        "AUTH013",
        "pass-x-amz-signed",
        "Every x-amz-* header signed.",
        clean_post(),
        forbid=["AUTH013", *ok],
        clean=True,
    )
    yield Case(
        "AUTH013",
        "fail-x-amz-unsigned",
        "X-Amz-User-Agent added after signing (unsigned): accepted, warned (h7).",
        clean_post().set("X-Amz-User-Agent", "aws-sdk-js/2.1000.0"),
        expect=["AUTH013"],
        forbid=ok,
        clean=True,
    )
    digest = sha256(body).hexdigest()
    yield Case(
        "AUTH014",
        "pass-content-sha256",
        "X-Amz-Content-SHA256 equal to the body hash, signed.",
        sign_v4(body, extra=(("X-Amz-Content-SHA256", digest),)),
        forbid=["AUTH014", *ok],
        clean=True,
    )
    yield Case(
        "AUTH014",
        "fail-content-sha256",
        "X-Amz-Content-SHA256 of an earlier body (the subject changed after hashing).",
        sign_v4(body, extra=(("X-Amz-Content-SHA256", sha256(body + b"x").hexdigest()),)),
        expect=["AUTH014"],
    )
    presigned = presign_v4(send_email_pairs())
    yield Case(
        "AUTH015",
        "pass-presigned",
        "Presigned GET by botocore.",
        presigned,
        forbid=["AUTH015", *ok],
        clean=True,
    )
    yield Case(
        "AUTH015",
        "fail-no-signedheaders",
        "Presigned GET with X-Amz-SignedHeaders removed.",
        _drop_query(presign_v4(send_email_pairs()), "X-Amz-SignedHeaders"),
        expect=["AUTH015"],
    )
    yield Case(
        "AUTH015",
        "fail-expires-not-number",
        "Presigned GET with X-Amz-Expires=soon (signed by botocore as is).",
        presign_v4(send_email_pairs(), expires="soon"),
        expect=["AUTH015"],
    )
    yield Case(
        "AUTH016",
        "pass-in-window",
        "Checked one minute after signing.",
        clean_post(),
        forbid=["AUTH016", *ok],
        clean=True,
    )
    yield Case(
        "AUTH016",
        "pass-presign-in-expiry",
        "Presigned with X-Amz-Expires=3600, used 30 minutes later.",
        presign_v4(send_email_pairs(), expires=3600),
        forbid=["AUTH016", *ok],
        clean=True,
        now=SIGNED_AT + dt.timedelta(minutes=30),
    )
    yield Case(
        "AUTH016",
        "fail-stale",
        "Checked 20 minutes after signing (RequestExpired).",
        clean_post(),
        expect=["AUTH016"],
        now=SIGNED_AT + dt.timedelta(minutes=20),
    )
    yield Case(
        "AUTH016",
        "fail-future",
        "Signed 20 minutes ahead of 'now' (clock skew).",
        clean_post(),
        expect=["AUTH016"],
        now=SIGNED_AT - dt.timedelta(minutes=20),
    )
    yield Case(
        "AUTH016",
        "fail-presign-expired",
        "Presigned with X-Amz-Expires=600, used two hours later.",
        presign_v4(send_email_pairs(), expires=600),
        expect=["AUTH016"],
        now=SIGNED_AT + dt.timedelta(hours=2),
    )
    yield Case(
        "AUTH017",
        "pass-token-signed",
        "Temporary credentials: X-Amz-Security-Token signed by botocore.",
        sign_v4(body, token=TOKEN),
        forbid=["AUTH017", *ok],
        clean=True,
        credentials="token",
    )
    yield Case(
        "AUTH017",
        "pass-presign-token",
        "Presigned GET with X-Amz-Security-Token in the signed query (botocore).",
        presign_v4(send_email_pairs(), token=TOKEN),
        forbid=["AUTH017", *ok],
        clean=True,
        credentials="token",
    )
    yield Case(
        "AUTH017",
        "fail-token-header-unsigned",
        "X-Amz-Security-Token header added after SigV4 signing (as boto2 did for SigV3).",
        clean_post().set("X-Amz-Security-Token", TOKEN),
        expect=["AUTH017"],
        credentials="token",
    )
    yield Case(
        "AUTH017",
        "fail-token-query-unsigned",
        "X-Amz-Security-Token appended to a presigned URL after X-Amz-Signature.",
        _append_query(
            presign_v4(send_email_pairs()), "X-Amz-Security-Token=" + quote(TOKEN, safe="")
        ),
        expect=["AUTH017"],
        credentials="token",
    )
    yield from _auth018_cases(body)
    yield Case(
        "AUTH019",
        "pass-no-credentials",
        "(info does not fire) no credentials given: nothing verified.",
        clean_post(),
        forbid=["AUTH019", "AUTH018"],
        clean=True,
        credentials=None,
    )
    yield Case(
        "AUTH019",
        "pass-wrong-signature",
        "(info does not fire) signed with another secret key.",
        sign_v4(body, secret=WRONG_SECRET),
        expect=["AUTH018"],
        forbid=["AUTH019"],
    )
    yield Case(
        "AUTH019",
        "fail-verified-post",
        "(info fires) header-signed POST verified.",
        clean_post(),
        expect=["AUTH019"],
        forbid=["AUTH018", "AUTH020"],
        clean=True,
    )
    yield Case(
        "AUTH019",
        "fail-verified-presign",
        "(info fires) presigned GET verified.",
        presign_v4(send_email_pairs()),
        expect=["AUTH019"],
        forbid=["AUTH018", "AUTH020"],
        clean=True,
    )
    yield Case(
        "AUTH020",
        "pass-with-credentials",
        "(info does not fire) credentials given.",
        clean_post(),
        forbid=["AUTH020", *ok],
        clean=True,
    )
    yield Case(
        "AUTH020",
        "fail-no-credentials",
        "(info fires) no credentials: the signature value is not checked.",
        clean_post(),
        expect=["AUTH020"],
        forbid=["AUTH019", "AUTH018"],
        clean=True,
        credentials=None,
    )
    both = _get_signed_url(presigned)
    yield Case(
        "AUTH021",
        "pass-header-only",
        "Header authentication only.",
        clean_post(),
        forbid=["AUTH021", *ok],
        clean=True,
    )
    yield Case(
        "AUTH021",
        "pass-query-only",
        "Query authentication only.",
        presign_v4(send_email_pairs()),
        forbid=["AUTH021", *ok],
        clean=True,
    )
    yield Case(
        "AUTH021",
        "fail-both",
        "Presigned URL fetched with an Authorization header as well (botocore signed both).",
        both,
        expect=["AUTH021"],
    )

    # --- from _more_cases ---
    ok = ["AUTH018"]
    body = botocore_body("SendEmail", SEND_EMAIL)
    yield Case(
        "AUTH003",
        "fail-sigv2-get",
        "SigV2 GET (botocore SigV2Auth with the parameters in the query).",
        _sign_v2_get(send_email_pairs()),
        expect=["AUTH003"],
        forbid=["AUTH001"],
    )
    yield Case(
        "AUTH002",
        "fail-aws3-https-token",
        "AWS3-HTTPS with temporary credentials (botocore SigV3Auth adds an unsigned "
        "X-Amz-Security-Token, as boto2 did).",
        sign_v3(body, token=TOKEN),
        expect=["AUTH002"],
        forbid=["AUTH001"],
        credentials="token",
    )
    yield Case(
        "AUTH010",
        "pass-rfc1123-date-too",
        "X-Amz-Date plus an RFC 1123 Date header (X-Amz-Date wins; a5).",
        clean_post().set("Date", "Thu, 26 Nov 2026 05:48:17 GMT"),
        forbid=["AUTH010", "AUTH009", *ok],
        clean=True,
    )
    yield Case(
        "AUTH016",
        "pass-future-10min",
        "Signed 10 minutes ahead of 'now': inside the 15-minute window.",
        clean_post(),
        forbid=["AUTH016", *ok],
        clean=True,
        now=SIGNED_AT - dt.timedelta(minutes=10),
    )

    # --- from _boundary_cases ---
    ok = ["AUTH018"]
    body = botocore_body("SendEmail", SEND_EMAIL)
    # The cut-off: a request dated before it was accepted then (a warning, judged as of its
    # date); at the instant and after, refused (an error). Judged at 'now' when the context
    # gives one, else at the request's own date (the Date header, SigV2's Timestamp).
    for label, when, severity in (
        ("minus-1s", CUTOFF - _SECOND, "warning"),
        ("at", CUTOFF, "error"),
        ("plus-1s", CUTOFF + _SECOND, "error"),
    ):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        for now, how in ((when, "checked at that instant"), (None, "judged by its own date")):
            suffix = "" if now is not None else "-own-date"
            yield Case(
                "AUTH002",
                f"fail-aws3-cutoff-{label}{suffix}",
                f"AWS3-HTTPS signed by botocore SigV3Auth at {stamp}, {how}: the cut-off is "
                f"2020-10-01T00:00:00Z, so {severity}.",
                sign_v3(body, when=when),
                expect=["AUTH002"],
                forbid=["AUTH001", *ok],
                now=now,
                severity={"AUTH002": severity},
            )
            yield Case(
                "AUTH003",
                f"fail-sigv2-cutoff-{label}{suffix}",
                f"SigV2 signed by botocore SigV2Auth at {stamp} (its Timestamp), {how}: the "
                f"cut-off is 2020-10-01T00:00:00Z, so {severity}.",
                sign_v2(send_email_pairs(), when=when),
                expect=["AUTH003"],
                forbid=["AUTH001", *ok],
                now=now,
                severity={"AUTH003": severity},
            )
    # Skew: RequestExpired is "more than 15 minutes" either way (GUIDE-ERR; a5), so exactly 15
    # minutes passes and 15 minutes 1 second does not.
    for direction, sign in (("past", 1), ("future", -1)):
        for label, delta, passes in (
            ("14m59s", dt.timedelta(minutes=14, seconds=59), True),
            ("15m", dt.timedelta(minutes=15), True),
            ("15m01s", dt.timedelta(minutes=15, seconds=1), False),
        ):
            ahead = "checked" if direction == "past" else "signed"
            what = f"{ahead} {label} {'after' if direction == 'past' else 'ahead of now'}"
            yield Case(
                "AUTH016",
                f"{'pass' if passes else 'fail'}-skew-{direction}-{label}",
                f"botocore-signed SendEmail, {what}: the window is 15 minutes inclusive.",
                clean_post(),
                expect=[] if passes else ["AUTH016"],
                forbid=["AUTH016", *ok] if passes else ok,
                clean=passes,
                now=SIGNED_AT + sign * delta,
            )
    # Presigned expiry: valid through date + X-Amz-Expires itself, expired one second later.
    for label, seconds, passes in (
        ("minus-1s", 599, True),
        ("at", 600, True),
        ("plus-1s", 601, False),
    ):
        yield Case(
            "AUTH016",
            f"{'pass' if passes else 'fail'}-presign-expiry-{label}",
            f"Presigned GET with X-Amz-Expires=600, used {seconds} s after X-Amz-Date.",
            presign_v4(send_email_pairs(), expires=600),
            expect=[] if passes else ["AUTH016"],
            forbid=["AUTH016", *ok] if passes else ok,
            clean=passes,
            now=SIGNED_AT + dt.timedelta(seconds=seconds),
        )
    # X-Amz-Expires: a whole number of seconds, at least 1; 604800 (7 days) is the most AWS
    # documents for SigV4 presigning (for S3; SES documents no maximum: docs/spec.md#policy-expiry),
    # so longer is a warning.
    for value, now, expect, severity in (
        (0, SIGNED_AT, ["AUTH015"], "error"),
        (1, SIGNED_AT + _SECOND, [], ""),
        (604800, NOW, [], ""),
        (604801, NOW, ["AUTH015"], "warning"),
    ):
        yield Case(
            "AUTH015",
            f"{'fail' if expect else 'pass'}-expires-{value}",
            f"Presigned GET with X-Amz-Expires={value} (signed by botocore as is).",
            presign_v4(send_email_pairs(), expires=value),
            expect=expect,
            forbid=ok if expect else ["AUTH015", "AUTH016", *ok],
            clean=severity != "error",
            now=now,
            severity={"AUTH015": severity} if severity else {},
        )
    yield Case(
        "AUTH015",
        "fail-no-expires",
        "Presigned GET with X-Amz-Expires removed after signing: only S3 requires it, so a "
        "warning (and the signature no longer holds).",
        _drop_query(presign_v4(send_email_pairs()), "X-Amz-Expires"),
        expect=["AUTH015", "AUTH018"],
        severity={"AUTH015": "warning"},
    )


def _auth018_cases(body: bytes) -> Iterator[Case]:
    yield Case(
        "AUTH018",
        "pass-botocore-post",
        "Header-signed POST by botocore.",
        clean_post(),
        forbid=["AUTH018"],
        clean=True,
    )
    yield Case(
        "AUTH018",
        "pass-botocore-presign",
        "Presigned GET by botocore.",
        presign_v4(send_email_pairs()),
        forbid=["AUTH018"],
        clean=True,
    )
    yield Case(
        "AUTH018",
        "pass-percent20-body",
        "Body in RFC 3986 form (%20 for spaces): any consistent form encoding verifies "
        "for POST, the signature covers the bytes (docs/spec.md#enc-signed-bytes).",
        sign_v4(form(send_email_pairs())),
        forbid=["AUTH018"],
        clean=True,
    )
    yield Case(
        "AUTH018",
        "fail-wrong-secret",
        "Signed with another secret key.",
        sign_v4(body, secret=WRONG_SECRET),
        expect=["AUTH018"],
    )

    # n8n#2068: encoded once for signing, again differently for sending.
    pairs = send_email_pairs()
    signed = sign_v4(form(pairs))
    yield Case(
        "AUTH018",
        "fail-signed-percent20-sent-plus",
        "https://github.com/n8n-io/n8n/pull/2068: body signed with %20 for spaces, then "
        "sent with '+' (re-encoded after signing).",
        signed.with_body(form(pairs, lambda s: quote_plus(s, safe="-_.~"))),
        expect=["AUTH018"],
        issues=("https://github.com/n8n-io/n8n/pull/2068",),
    )

    # node-ses#63 / nestjs-ses#5 / mhart/aws4#6: encodeURIComponent leaves !'()* raw; the
    # client signs its wire query as the canonical query (botocore's _canonical_query_string_url
    # does exactly that with the query it is given); the server re-encodes them.
    parens = send_email_pairs(**{"Message.Subject.Data": "Hello (world) it's me!"})
    yield Case(
        "AUTH018",
        "fail-encodeuricomponent-parens",
        "https://github.com/aheckmann/node-ses/issues/63: GET query written with JS "
        "encodeURIComponent ('(', ')', \"'\", '!' raw) and signed as is; SES "
        "canonicalises them as %28 %29 %27 %21.",
        _get_signed(parens, enc=_encode_uri_component),
        expect=["AUTH018"],
        forbid=["ENC003"],
        issues=(
            "https://github.com/aheckmann/node-ses/issues/63",
            "https://github.com/NextNC/nestjs-ses/issues/5",
            "https://github.com/mhart/aws4/pull/6",
        ),
    )

    # requests-aws4auth#59: whole query unquoted before canonicalising.
    amp = send_email_pairs(**{"Message.Subject.Data": "Tom & Jerry"})
    yield Case(
        "AUTH018",
        "fail-double-decode",
        "https://github.com/tedder/requests-aws4auth/issues/59: canonical query built "
        "after unquoting the whole query, so '%26' in a value became a separator.",
        _get_signed(amp, signer_cls=DoubleDecodeSigV4),
        expect=["AUTH018"],
        issues=("https://github.com/tedder/requests-aws4auth/issues/59",),
    )

    # requests-aws4auth#45: 'member.10=' sorts before 'member.1=' as a k=v string.
    many = send_email_pairs() + [
        (f"Destination.ToAddresses.member.{i}", f"r{i}@example.com") for i in range(2, 11)
    ]
    yield Case(
        "AUTH018",
        "fail-kv-string-sort",
        "https://github.com/tedder/requests-aws4auth/issues/45: canonical query sorted "
        "as 'k=v' strings, so ...member.10= lands before ...member.1=.",
        _get_signed(many, signer_cls=KeyValueSortSigV4),
        expect=["AUTH018"],
        issues=("https://github.com/tedder/requests-aws4auth/issues/45",),
    )

    # aws-requests-auth#40 / requests-aws-sign#7 / aws-sdk-go#220 / async-aws#1372: quote_plus.
    yield Case(
        "AUTH018",
        "fail-quote-plus-canonical",
        "https://github.com/DavidMuller/aws-requests-auth/issues/40: GET query written "
        "with quote_plus ('+' for space) and signed as is; the canonical query needs %20.",
        _get_signed(send_email_pairs(), enc=lambda s: quote_plus(s, safe="-_.~")),
        expect=["AUTH018"],
        issues=(
            "https://github.com/DavidMuller/aws-requests-auth/issues/40",
            "https://github.com/jmenga/requests-aws-sign/issues/7",
            "https://github.com/aws/aws-sdk-go/pull/220",
            "https://github.com/async-aws/aws/pull/1372",
        ),
    )

    # Host without port: signed for the bare host, sent with a port.
    yield Case(
        "AUTH018",
        "fail-host-port-dropped",
        "Signed with host 'email.us-east-1.amazonaws.com', sent with "
        "'Host: email.us-east-1.amazonaws.com:8443'.",
        sign_v4(body, host=f"{HOST}:8443", signed_host=HOST),
        expect=["AUTH018"],
    )

    # Header values not trimmed: signed as sent, for any header.
    yield Case(
        "AUTH018",
        "fail-untrimmed-header-value",
        "Signed by botocore with its header-value trimming turned off: x-amz-meta-a:a  b "
        "signed with its run of spaces, which IAM-SIGV4 folds to one "
        "(docs/spec.md#sigv4-canonical-headers).",
        sign_v4(body, extra=(("X-Amz-Meta-A", "a  b"),), signer_cls=UntrimmedSigV4),
        expect=["AUTH018"],
    )

    yield Case(
        "AUTH018",
        "fail-wrong-region-signature",
        "https://github.com/nodemailer/nodemailer-ses-transport/issues/10: signed for "
        "us-west-2, sent to email.us-east-1: SES computes the us-east-1 signature.",
        sign_v4(body, region="us-west-2"),
        expect=["AUTH018", "AUTH008"],
        # Verified against the scope's own region it matches, but SES signs with its own.
        forbid=["AUTH019"],
        issues=("https://github.com/nodemailer/nodemailer-ses-transport/issues/10",),
    )
