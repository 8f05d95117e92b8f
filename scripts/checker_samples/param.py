"""The checker samples of the parameter rules (PARAM001-PARAM016) that botocore signs.

Every case names its rule; what it must show is its rule's as the catalogue declares it,
and it cites its rule's clauses (``Case.spec``)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

from scripts.checker_samples.common import (
    AKID,
    MIME_CRLF,
    SEND_EMAIL,
    Case,
    Wire,
    botocore_body,
    clean_post,
    form,
    presign_v4,
    raw_message,
    send_email_pairs,
    sign_v4,
)


def cases() -> Iterator[Case]:
    # --- from _cases ---
    ok = ["AUTH018"]  # with credentials, a botocore-signed sample must verify

    # ---- PARAM ----------------------------------------------------------------------------
    def p(pairs: list[tuple[str, str]]) -> Wire:
        return sign_v4(form(pairs))

    yield Case(
        "PARAM001",
        "pass-action",
        "Action present.",
        clean_post(),
        forbid=["PARAM001", *ok],
        clean=True,
    )
    yield Case(
        "PARAM001",
        "fail-no-action",
        "No Action parameter (MissingAction).",
        p(send_email_pairs(Action=None)),
        expect=["PARAM001"],
        forbid=ok,
    )
    yield Case(
        "PARAM002",
        "pass-known-action",
        "Action=SendEmail.",
        clean_post(),
        forbid=["PARAM002", *ok],
        clean=True,
    )
    yield Case(
        "PARAM002",
        "fail-unknown-action",
        "Action=SendMail (InvalidAction).",
        p(send_email_pairs(Action="SendMail")),
        expect=["PARAM002"],
        forbid=ok,
    )
    yield Case(
        "PARAM003",
        "pass-version",
        "Version=2010-12-01.",
        clean_post(),
        forbid=["PARAM003", *ok],
        clean=True,
    )
    yield Case(
        "PARAM003",
        "fail-no-version",
        "No Version (the guide's own examples, boto2, Symfony): tolerated, warned.",
        p(send_email_pairs(Version=None)),
        expect=["PARAM003"],
        forbid=ok,
        clean=True,
    )
    yield Case(
        "PARAM003",
        "fail-old-version",
        "Version=2010-03-31 (the namespace of the starting document's example).",
        p(send_email_pairs(Version="2010-03-31")),
        expect=["PARAM003"],
        forbid=ok,
    )
    raw_pairs = [
        ("Action", "SendRawEmail"),
        ("Version", "2010-12-01"),
        ("RawMessage.Data", raw_message(MIME_CRLF)),
    ]
    yield Case(
        "PARAM004",
        "pass-raw-destinations",
        "SendRawEmail with Destinations.member.1 (the model's name).",
        p([*raw_pairs, ("Destinations.member.1", "recipient@example.com")]),
        forbid=["PARAM004", *ok],
        clean=True,
    )
    yield Case(
        "PARAM004",
        "fail-raw-destination-struct",
        "https://github.com/aristidb/aws/pull/73: SendRawEmail sent with SendEmail's "
        "Destination.ToAddresses.member.1: SES ignores it silently.",
        p([*raw_pairs, ("Destination.ToAddresses.member.1", "recipient@example.com")]),
        expect=["PARAM004"],
        forbid=ok,
        issues=("https://github.com/aristidb/aws/pull/73",),
    )
    yield Case(
        "PARAM004",
        "fail-typo",
        "Mistyped list name Destination.ToAdresses.member.1: a message sent to no one.",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": None,
                    "Destination.ToAdresses.member.1": "r@example.com",
                }
            )
        ),
        expect=["PARAM004"],
        forbid=ok,
    )
    yield Case(
        "PARAM005",
        "pass-member",
        "Destination.ToAddresses.member.1.",
        clean_post(),
        forbid=["PARAM005", *ok],
        clean=True,
    )
    yield Case(
        "PARAM005",
        "fail-dot-n",
        "Destination.ToAddresses.1 (the starting document's prose notation).",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": None,
                    "Destination.ToAddresses.1": "r@example.com",
                }
            )
        ),
        expect=["PARAM005"],
        forbid=ok,
    )
    two = {"Destination.ToAddresses.member.2": "second@example.com"}
    yield Case(
        "PARAM006",
        "pass-one-based",
        "List indexes 1, 2.",
        p(send_email_pairs(**two)),
        forbid=["PARAM006", *ok],
        clean=True,
    )
    yield Case(
        "PARAM006",
        "fail-index-zero",
        "List indexes 0, 1 (zero-based client).",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": "b@example.com",
                    "Destination.ToAddresses.member.0": "a@example.com",
                }
            )
        ),
        expect=["PARAM006"],
        forbid=ok,
    )
    yield Case(
        "PARAM007",
        "pass-no-gap",
        "List indexes 1, 2.",
        p(send_email_pairs(**two)),
        forbid=["PARAM007", *ok],
        clean=True,
    )
    yield Case(
        "PARAM007",
        "fail-gap",
        "List indexes 1, 3 (moto stops at the gap).",
        p(send_email_pairs(**{"Destination.ToAddresses.member.3": "c@example.com"})),
        expect=["PARAM007"],
        forbid=ok,
    )
    yield Case(
        "PARAM008",
        "pass-once",
        "Each parameter once.",
        clean_post(),
        forbid=["PARAM008", *ok],
        clean=True,
    )
    yield Case(
        "PARAM008",
        "fail-repeated",
        "Source sent twice.",
        p([*send_email_pairs(), ("Source", "other@example.com")]),
        expect=["PARAM008"],
        forbid=ok,
    )
    li = [("Action", "ListIdentities"), ("Version", "2010-12-01")]
    yield Case(
        "PARAM009",
        "pass-integer",
        "ListIdentities MaxItems=10.",
        p([*li, ("MaxItems", "10")]),
        forbid=["PARAM009", *ok],
        clean=True,
    )
    yield Case(
        "PARAM009",
        "pass-empty-list",
        "https://github.com/smithy-lang/smithy/pull/2269: an empty list as 'Name=' "
        "(botocore sends Destination.CcAddresses=): awsQuery-conformant.",
        sign_v4(
            botocore_body(
                "SendEmail",
                {
                    **SEND_EMAIL,
                    "Destination": {"ToAddresses": ["recipient@example.com"], "CcAddresses": []},
                },
            )
        ),
        forbid=["PARAM009", "PARAM004", *ok],
        clean=True,
        issues=("https://github.com/smithy-lang/smithy/pull/2269",),
    )
    yield Case(
        "PARAM009",
        "fail-not-integer",
        "ListIdentities MaxItems=ten.",
        p([*li, ("MaxItems", "ten")]),
        expect=["PARAM009"],
        forbid=ok,
    )
    yield Case(
        "PARAM009",
        "fail-not-boolean",
        "SetIdentityDkimEnabled DkimEnabled=yes.",
        p(
            [
                ("Action", "SetIdentityDkimEnabled"),
                ("Version", "2010-12-01"),
                ("Identity", "example.com"),
                ("DkimEnabled", "yes"),
            ]
        ),
        expect=["PARAM009"],
        forbid=ok,
    )
    yield Case(
        "PARAM010",
        "pass-required",
        "Every required member present.",
        clean_post(),
        forbid=["PARAM010", *ok],
        clean=True,
    )
    yield Case(
        "PARAM010",
        "fail-no-source",
        "SendEmail without Source.",
        p(send_email_pairs(Source=None)),
        expect=["PARAM010"],
        forbid=ok,
    )

    def recipients(n: int) -> list[tuple[str, str]]:
        extra = [
            (f"Destination.ToAddresses.member.{i}", f"r{i}@example.com") for i in range(2, n + 1)
        ]
        return send_email_pairs() + extra

    yield Case(
        "PARAM011",
        "pass-50",
        "Exactly 50 recipients.",
        p(recipients(50)),
        forbid=["PARAM011", *ok],
        clean=True,
    )
    yield Case(
        "PARAM011",
        "fail-51",
        "51 recipients.",
        p(recipients(51)),
        expect=["PARAM011"],
        forbid=ok,
    )
    yield Case(
        "PARAM012",
        "pass-base64",
        "RawMessage.Data valid base64 (botocore).",
        sign_v4(botocore_body("SendRawEmail", {"RawMessage": {"Data": MIME_CRLF.encode()}})),
        forbid=["PARAM012", *ok],
        clean=True,
    )
    yield Case(
        "PARAM012",
        "fail-not-base64",
        "https://github.com/soto-project/soto-core/pull/216: the MIME text put in "
        "RawMessage.Data without base64.",
        p([("Action", "SendRawEmail"), ("Version", "2010-12-01"), ("RawMessage.Data", MIME_CRLF)]),
        expect=["PARAM012"],
        forbid=ok,
        issues=("https://github.com/soto-project/soto-core/pull/216",),
    )
    yield Case(
        "PARAM012",
        "fail-bad-base64",
        "https://github.com/quambene/pigeon-rs/issues/2: RawMessage.Data with broken "
        "base64 (a character outside the alphabet, bad padding): MalformedInput.",
        p(
            [
                ("Action", "SendRawEmail"),
                ("Version", "2010-12-01"),
                ("RawMessage.Data", raw_message(MIME_CRLF)[:-4] + "#A="),
            ]
        ),
        expect=["PARAM012"],
        forbid=ok,
        issues=("https://github.com/quambene/pigeon-rs/issues/2",),
    )

    def tag(value: str) -> list[tuple[str, str]]:
        return send_email_pairs(**{"Tags.member.1.Name": "campaign", "Tags.member.1.Value": value})

    yield Case(
        "PARAM013",
        "pass-tag",
        "Tag value 2026-11 (letters, digits, '_', '-').",
        p(tag("2026-11")),
        forbid=["PARAM013", *ok],
        clean=True,
    )
    yield Case(
        "PARAM013",
        "fail-tag-colon",
        "https://github.com/localstack/localstack/issues/8588: tag value '2026:11' "
        "(':' is outside [A-Za-z0-9_-]).",
        p(tag("2026:11")),
        expect=["PARAM013"],
        forbid=ok,
        issues=("https://github.com/localstack/localstack/issues/8588",),
    )
    yield Case(
        "PARAM014",
        "pass-no-sigv2",
        "No SigV2 parameters.",
        clean_post(),
        forbid=["PARAM014", *ok],
        clean=True,
    )
    yield Case(
        "PARAM014",
        "fail-sigv2-params-with-sigv4",
        "SigV4-signed request that still carries SigV2 parameters (AWSAccessKeyId, "
        "SignatureVersion, SignatureMethod, Timestamp) in the body.",
        p(
            [
                *send_email_pairs(),
                ("AWSAccessKeyId", AKID),
                ("SignatureVersion", "2"),
                ("SignatureMethod", "HmacSHA256"),
                ("Timestamp", "2026-11-26T05:48:17Z"),
            ]
        ),
        expect=["PARAM014"],
        forbid=["PARAM004", *ok],
        clean=True,
    )
    nt = [
        ("Action", "SetIdentityNotificationTopic"),
        ("Version", "2010-12-01"),
        ("Identity", "example.com"),
    ]
    yield Case(
        "PARAM015",
        "pass-enum",
        "NotificationType=Bounce.",
        p([*nt, ("NotificationType", "Bounce")]),
        forbid=["PARAM015", *ok],
        clean=True,
    )
    yield Case(
        "PARAM015",
        "fail-enum",
        "NotificationType=Bounces (not an enum value).",
        p([*nt, ("NotificationType", "Bounces")]),
        expect=["PARAM015"],
        forbid=ok,
    )
    lc = [("Action", "ListCustomVerificationEmailTemplates"), ("Version", "2010-12-01")]
    yield Case(
        "PARAM016",
        "pass-range",
        "MaxResults=50 (the maximum).",
        p([*lc, ("MaxResults", "50")]),
        forbid=["PARAM016", *ok],
        clean=True,
    )
    yield Case(
        "PARAM016",
        "fail-range",
        "MaxResults=100 (range 1-50).",
        p([*lc, ("MaxResults", "100")]),
        expect=["PARAM016"],
        forbid=ok,
    )

    # --- from _more_cases ---
    ok = ["AUTH018"]

    yield Case(
        "PARAM011",
        "fail-51-across-lists",
        "20 To + 20 Cc + 11 Bcc = 51 recipients (the limit counts To, CC and BCC together).",
        p(
            send_email_pairs(**{"Destination.ToAddresses.member.1": None})
            + [(f"Destination.ToAddresses.member.{i}", f"t{i}@example.com") for i in range(1, 21)]
            + [(f"Destination.CcAddresses.member.{i}", f"c{i}@example.com") for i in range(1, 21)]
            + [(f"Destination.BccAddresses.member.{i}", f"b{i}@example.com") for i in range(1, 12)]
        ),
        expect=["PARAM011"],
        forbid=ok,
    )
    tags = send_email_pairs()
    yield Case(
        "PARAM013",
        "fail-tag-name-space",
        "Tag name 'my campaign' (space outside [A-Za-z0-9_-]).",
        p([*tags, ("Tags.member.1.Name", "my campaign"), ("Tags.member.1.Value", "x")]),
        expect=["PARAM013"],
        forbid=ok,
    )
    yield Case(
        "PARAM013",
        "fail-tag-value-257",
        "Tag value of 257 characters (at most 256).",
        p([*tags, ("Tags.member.1.Name", "campaign"), ("Tags.member.1.Value", "a" * 257)]),
        expect=["PARAM013"],
        forbid=ok,
    )
    yield Case(
        "PARAM013",
        "pass-tag-256",
        "Tag value of exactly 256 characters, name with '_' and '-'.",
        p([*tags, ("Tags.member.1.Name", "my_campaign-1"), ("Tags.member.1.Value", "a" * 256)]),
        forbid=["PARAM013", *ok],
        clean=True,
    )
    yield Case(
        "PARAM003",
        "pass-presign-version",
        "Presigned GET carrying Version=2010-12-01 in the query.",
        presign_v4(send_email_pairs()),
        forbid=["PARAM003", *ok],
        clean=True,
    )

    # --- from _boundary_cases ---
    ok = ["AUTH018"]

    # List indexes start at 1 (SMITHY-Q; c4).
    yield Case(
        "PARAM006",
        "pass-index-1",
        "One recipient, Destination.ToAddresses.member.1.",
        p(send_email_pairs()),
        forbid=["PARAM006", *ok],
        clean=True,
    )
    yield Case(
        "PARAM006",
        "fail-index-0",
        "One recipient, Destination.ToAddresses.member.0 (zero-based client).",
        p(
            send_email_pairs(
                **{
                    "Destination.ToAddresses.member.1": None,
                    "Destination.ToAddresses.member.0": "a@example.com",
                }
            )
        ),
        expect=["PARAM006"],
        forbid=ok,
    )
    # The largest accepted sizes (the checker's limits; 50 recipients and 256-character tag
    # values have their samples above; 10 MB of base64 is pinned in tests/test_checker_rules.py).
    tags = send_email_pairs(**{"Tags.member.1.Value": "x"})
    for length, passes in ((256, True), (257, False)):
        yield Case(
            "PARAM013",
            f"{'pass' if passes else 'fail'}-tag-name-{length}",
            f"Tag name of {length} characters (at most 256).",
            p([*tags, ("Tags.member.1.Name", "n" * length)]),
            expect=[] if passes else ["PARAM013"],
            forbid=["PARAM013", *ok] if passes else ok,
            clean=passes,
        )
    lc = [("Action", "ListCustomVerificationEmailTemplates"), ("Version", "2010-12-01")]
    for max_results, passes in (("0", False), ("1", True), ("51", False)):
        yield Case(
            "PARAM016",
            f"{'pass' if passes else 'fail'}-max-results-{max_results}",
            f"MaxResults={max_results} (range 1-50).",
            p([*lc, ("MaxResults", max_results)]),
            expect=[] if passes else ["PARAM016"],
            forbid=["PARAM016", *ok] if passes else ok,
            clean=passes,
        )
    mime_lines = base64.encodebytes(MIME_CRLF.encode("utf-8")).decode("ascii")
    yield Case(
        "PARAM012",
        "fail-mime-lines",
        "RawMessage.Data as MIME-style base64 in 76-character lines (Ruby's encode64, Python's "
        "encodebytes; fog-aws sends it): the SDKs send one line, whether SES takes the breaks "
        "is not documented, so a warning.",
        p([("Action", "SendRawEmail"), ("Version", "2010-12-01"), ("RawMessage.Data", mime_lines)]),
        expect=["PARAM012"],
        forbid=ok,
        clean=True,
        severity={"PARAM012": "warning"},
    )
