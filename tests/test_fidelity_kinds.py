"""docs/spec.md#fid-kinds held to the code: one table of kinds, one severity rule each, the same
kind and severity wherever the change is found, and every finding the table lists emitted.

The expected kind and severity of every case below are read from the document's table (the
spec, written by hand), never from ``sesspec.fidelity.kinds``; each case injects one change,
worked by hand, into what arrived. The three carriers of item 2 of the fidelity issue are a form
parameter (``Message.Body.Text.Data`` of a SendEmail), a SendEmail a mailer sent as the MIME
message it built (its text/plain part, base64 so that any byte is carried as it is), and a raw
message of a SendRawEmail (the same part). Kinds that only exist in some carriers (a header's
folding, a parameter's name, the Host) are injected into those.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import pytest

from sesspec.check.catalogue import RULES
from sesspec.check.rules import fid
from sesspec.fidelity import KINDS, Asked, Difference, compare_pairs, compare_request
from sesspec.http import RawRequest

SPEC = Path(__file__).resolve().parent.parent / "docs" / "spec.md"
_ROW = re.compile(
    r"^\| `([a-z0-9-]+)` \| (FID\d{3}) \| (\w+) \| ([^|]*) \| ([^|]*) \|$", re.MULTILINE
)


@cache
def spec_kinds() -> dict[str, tuple[str, str, str | None]]:
    """docs/spec.md#fid-kinds: kind -> (rule, severity, the other severity or None)."""
    text = SPEC.read_text(encoding="utf-8")
    section = text.split('<a id="fid-kinds"></a>', 1)[1].split('<a id="fid-members"></a>', 1)[0]
    out: dict[str, tuple[str, str, str | None]] = {}
    for kind, rule, severity, other, _what in _ROW.findall(section):
        other_severity = other.split(":", 1)[0].strip() if other.strip() else None
        out[kind] = (rule, severity, other_severity)
    return out


def expected_severity(kind: str, *, condition: bool) -> str:
    rule, severity, other = spec_kinds()[kind]
    del rule
    return other if condition and other is not None else severity


class TestTheTable:
    def test_the_document_lists_every_kind_once(self) -> None:
        assert len(spec_kinds()) == len(KINDS) > 50

    def test_the_document_and_the_code_agree(self) -> None:
        code = {k: (r.rule, r.severity, r.if_condition) for k, r in KINDS.items()}
        assert code == spec_kinds()

    @pytest.mark.parametrize(
        "rule_id", ["FID001", "FID002", "FID003", "FID004", "FID005", "FID006"]
    )
    def test_each_rule_allows_exactly_its_kinds_severities(self, rule_id: str) -> None:
        severities = {
            s
            for rule, severity, other in spec_kinds().values()
            if rule == rule_id
            for s in (severity, other)
            if s is not None
        }
        assert RULES[rule_id].allowed == severities


# --- the three carriers ----------------------------------------------------------------------

SOURCE, TO = "sender@example.com", "to@example.com"


def _send(text: str, charset: str | None = "UTF-8") -> dict[str, Any]:
    body: dict[str, Any] = {"Data": text}
    if charset is not None:
        body["Charset"] = charset
    return {
        "Source": SOURCE,
        "Destination": {"ToAddresses": [TO]},
        "Message": {"Subject": {"Data": "Hi"}, "Body": {"Text": body}},
    }


def _pairs(
    params: dict[str, Any], action: str = "SendEmail", **replace: str | None
) -> list[tuple[str, str]]:
    out = [("Action", action)]
    for name, value in Asked(action, params).pairs():
        key = name.replace(".", "_")
        if key in replace:
            if replace[key] is not None:
                out.append((name, replace[key]))  # type: ignore[arg-type]
            continue
        out.append((name, value))
    return out


def _message(
    content: bytes,
    *,
    charset: str | None = "utf-8",
    headers: tuple[str, ...] = (),
    top: tuple[str, ...] = ("From: sender@example.com", "To: to@example.com", "Subject: Hi"),
    encoding: str = "base64",
    ctype: str = "text/plain",
) -> bytes:
    """A one-part message: ``top`` fields, then ``headers``, the part's type and encoding,
    and ``content`` encoded (base64 lines of 76, RFC 2045 6.8)."""
    param = f"; charset={charset}" if charset is not None else ""
    body = base64.encodebytes(content).replace(b"\n", b"\r\n") if encoding == "base64" else content
    head = [
        *top,
        *headers,
        f"Content-Type: {ctype}{param}",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


def form(asked: str, arrived: str) -> list[Difference]:
    """The change in a form parameter."""
    params = _send(asked)
    pairs = _pairs(params, Message_Body_Text_Data=arrived)
    diffs = compare_pairs(Asked("SendEmail", params), pairs)
    return [d for d in diffs if str(d.where) == "member Message.Body.Text.Data"]


def _raw_email(message: bytes, *, source: bool = True) -> list[tuple[str, str]]:
    pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", base64.b64encode(message).decode())]
    if source:
        pairs.append(("Source", SOURCE))
    return [*pairs, ("Destinations.member.1", TO)]


def mime(asked: str, arrived: str) -> list[Difference]:
    """The change in the text part of a SendEmail a mailer sent as a MIME message."""
    diffs = compare_pairs(
        Asked("SendEmail", _send(asked, "utf-8"), "mail"), _raw_email(_message(arrived.encode()))
    )
    return [d for d in diffs if str(d.where) == "part 1 text/plain"]


def raw(asked: str, arrived: str) -> list[Difference]:
    """The change in the text part of a raw message."""
    want = _message(asked.encode())
    params = {"Source": SOURCE, "Destinations": [TO], "RawMessage": {"Data": want}}
    pairs = _pairs(
        params,
        "SendRawEmail",
        RawMessage_Data=base64.b64encode(_message(arrived.encode())).decode(),
    )
    diffs = compare_pairs(Asked("SendRawEmail", params), pairs)
    return [d for d in diffs if str(d.where) == "part 1 text/plain"]


CARRIERS: dict[str, Callable[[str, str], list[Difference]]] = {
    "form": form,
    "mime": mime,
    "raw": raw,
}

#: Each change of a value, worked by hand: what was asked and what arrived.
VALUE_CHANGES = [
    ("value-changed", "hello", "help!"),
    ("line-end-lf-to-crlf", "a\nb", "a\r\nb"),
    ("line-end-crlf-to-lf", "a\r\nb", "a\nb"),
    ("line-end-cr-to-crlf", "a\rb", "a\r\nb"),
    ("line-end-crlf-to-cr", "a\r\nb", "a\rb"),
    ("line-end-cr-to-lf", "a\rb", "a\nb"),
    ("line-end-lf-to-cr", "a\nb", "a\rb"),
    ("line-end-cr-dropped", "a\rb", "ab"),
    ("line-end-appended", "a\nb", "a\nb\r\n"),
    ("line-end-removed", "a\nb\n", "a\nb"),
    ("whitespace-trimmed", " padded\t", "padded"),
    ("whitespace-leading-trimmed", " padded ", "padded "),
    ("whitespace-trailing-trimmed", " padded ", " padded"),
    ("whitespace-line-trailing-trimmed", "a  \r\nb", "a\r\nb"),
    ("whitespace-collapsed", "a  \t b", "a b"),
    ("whitespace-tabs-to-spaces", "\ta", "    a"),
    ("unicode-nfc", "Cafe\u0301", "Caf\u00e9"),
    ("unicode-nfd", "Caf\u00e9", "Cafe\u0301"),
    ("unicode-nfkc", "\ufb01", "fi"),
    ("unicode-nfkd", "\ufb01\u00e9", "fie\u0301"),
    ("text-utf8-read-as-latin1", "Grüße", "GrÃ¼ÃŸe".replace("Ÿ", "\x9f")),
    ("text-utf8-read-as-cp1252", "Grüße", "GrÃ¼ÃŸe"),
    ("text-non-ascii-replaced", "Grüße", "Gr??e"),
    ("text-plus-as-space", "a+b", "a b"),
    ("text-case-changed", "Hello", "HELLO"),
    ("text-truncated", "a long subject", "a long"),
]


@dataclass(frozen=True)
class Case:
    """One hand-made case: it emits ``kind`` with its condition holding or not."""

    id: str
    kind: str
    condition: bool
    run: Callable[[], list[Difference]]


CASES: list[Case] = [
    Case(f"{kind}-in-{carrier}", kind, False, partial(run, asked, arrived))
    for kind, asked, arrived in VALUE_CHANGES
    for carrier, run in CARRIERS.items()
]


def _case(
    kind: str, condition: bool, name: str
) -> Callable[[Callable[[], list[Difference]]], Callable[[], list[Difference]]]:
    def add(run: Callable[[], list[Difference]]) -> Callable[[], list[Difference]]:
        CASES.append(Case(f"{kind}-{name}", kind, condition, run))
        return run

    return add


# --- charsets, in the three carriers ----------------------------------------------------------


def _charset_form(asked: str | None, arrived: str | None, text: str) -> list[Difference]:
    params = _send(text, asked)
    pairs = [(n, v) for n, v in _pairs(params) if n != "Message.Body.Text.Charset"]
    if arrived is not None:
        pairs.append(("Message.Body.Text.Charset", arrived))
    return compare_pairs(Asked("SendEmail", params), pairs)


def _charset_mime(asked: str | None, arrived: str | None, text: str) -> list[Difference]:
    message = _message(text.encode(), charset=arrived)
    return compare_pairs(Asked("SendEmail", _send(text, asked), "mail"), _raw_email(message))


def _charset_raw(asked: str | None, arrived: str | None, text: str) -> list[Difference]:
    want = _message(text.encode(), charset=asked)
    params = {"Source": SOURCE, "Destinations": [TO], "RawMessage": {"Data": want}}
    got = base64.b64encode(_message(text.encode(), charset=arrived)).decode()
    return compare_pairs(
        Asked("SendRawEmail", params), _pairs(params, "SendRawEmail", RawMessage_Data=got)
    )


# (kind, asked charset, arrived charset, text, condition): "é" sent as UTF-8 misreads in
# ISO-8859-1 and in US-ASCII; ASCII text reads the same in both.
CHARSETS = [
    ("charset-dropped", "UTF-8", None, "plain", True),
    ("charset-dropped", "UTF-8", None, "café", False),
    ("charset-added", None, "UTF-8", "plain", True),
    ("charset-added", None, "ISO-8859-1", "café", False),
    ("charset-changed", "UTF-8", "utf-8", "café", True),
    ("charset-changed", "UTF-8", "ISO-8859-1", "café", False),
]
for _kind, _asked, _arrived, _text, _cond in CHARSETS:
    for _carrier, _run in (("form", _charset_form), ("mime", _charset_mime), ("raw", _charset_raw)):
        CASES.append(
            Case(
                f"{_kind}-{_arrived}-{_text}-in-{_carrier}",
                _kind,
                _cond,
                partial(_run, _asked, _arrived, _text),
            )
        )


# --- structure: members, headers, parts, the request -----------------------------------------

_ASKED_RAW = _message(b"body")
_RAW_PARAMS = {"Source": SOURCE, "Destinations": [TO], "RawMessage": {"Data": _ASKED_RAW}}


def _raw_arrived(message: bytes, asked: bytes = _ASKED_RAW) -> list[Difference]:
    params = {**_RAW_PARAMS, "RawMessage": {"Data": asked}}
    got = base64.b64encode(message).decode()
    return compare_pairs(
        Asked("SendRawEmail", params), _pairs(params, "SendRawEmail", RawMessage_Data=got)
    )


def _mime_arrived(
    message: bytes, params: dict[str, Any] | None = None, *, source: bool = True
) -> list[Difference]:
    asked = params if params is not None else _send("body", "utf-8")
    return compare_pairs(Asked("SendEmail", asked, "mail"), _raw_email(message, source=source))


_TOP = ("From: sender@example.com", "To: to@example.com", "Subject: Hi")

_case("action-changed", False, "another-action")(
    lambda: compare_pairs(Asked("SendEmail", _send("x")), [("Action", "SendTemplatedEmail")])
)
_case("action-changed", True, "send-email-as-raw")(lambda: _mime_arrived(_message(b"body")))
_case("parameter-dropped", False, "in-form")(
    lambda: compare_pairs(Asked("SendEmail", _send("x")), _pairs(_send("x"), Source=None))
)
_case("parameter-dropped", True, "source-named-by-from")(
    lambda: compare_pairs(
        Asked("SendRawEmail", _RAW_PARAMS), _pairs(_RAW_PARAMS, "SendRawEmail", Source=None)
    )
)
_case("parameter-dropped", True, "source-of-a-mailer")(
    lambda: _mime_arrived(_message(b"body"), source=False)
)
_case("parameter-renamed", False, "text-as-html")(
    lambda: compare_pairs(
        Asked("SendEmail", _send("x")),
        [(n.replace(".Text.", ".Html."), v) for n, v in _pairs(_send("x"))],
    )
)
_case("parameter-added", False, "a-member-ses-reads")(
    lambda: compare_pairs(Asked("SendEmail", _send("x")), [*_pairs(_send("x")), ("ReturnPath", TO)])
)
_case("parameter-added", True, "a-name-ses-ignores")(
    lambda: compare_pairs(Asked("SendEmail", _send("x")), [*_pairs(_send("x")), ("Foo", "bar")])
)


def _two_to() -> dict[str, Any]:
    return {**_send("x"), "Destination": {"ToAddresses": ["a@example.com", "b@example.com"]}}


_case("order-changed", False, "in-form")(
    lambda: compare_pairs(
        Asked("SendEmail", _two_to()),
        _pairs(
            _two_to(),
            Destination_ToAddresses_member_1="b@example.com",
            Destination_ToAddresses_member_2="a@example.com",
        ),
    )
)
_TWO = _message(
    b"body", top=("From: sender@example.com", "To: a@example.com, b@example.com", "Subject: Hi")
)
_case("order-changed", False, "in-mime")(
    lambda: _mime_arrived(
        _TWO.replace(b"a@example.com, b@example.com", b"b@example.com, a@example.com"),
        {**_two_to(), "Message": _send("body", "utf-8")["Message"]},
    )
)
_case("order-changed", False, "in-raw")(
    lambda: _raw_arrived(
        _TWO.replace(b"a@example.com, b@example.com", b"b@example.com, a@example.com"), _TWO
    )
)
#: One-part messages that differ from the one asked in one way: (kind, condition, name, message).
_ONE_WAY: list[tuple[str, bool, str, bytes]] = [
    (
        "header-added",
        True,
        "date",
        _message(b"body", headers=("Date: Thu, 26 Nov 2026 10:00:00 +0000",)),
    ),
    ("header-added", False, "x-mailer", _message(b"body", headers=("X-Mailer: m",))),
    (
        "header-removed",
        False,
        "to",
        _message(b"body", top=("From: sender@example.com", "Subject: Hi")),
    ),
    (
        "header-line-too-long",
        False,
        "x-long",
        _message(b"body", headers=("X-Long: " + "x" * 1000,)),
    ),
    (
        "address-dropped",
        False,
        "to",
        _message(b"body", top=("From: sender@example.com", "To: ", "Subject: Hi")),
    ),
    (
        "address-added",
        False,
        "to",
        _message(
            b"body",
            top=("From: sender@example.com", "To: to@example.com, x@example.com", "Subject: Hi"),
        ),
    ),
    ("part-type-changed", False, "html", _message(b"body", ctype="text/html")),
]
_RUNNERS: dict[str, Callable[[bytes], list[Difference]]] = {
    "mime": _mime_arrived,
    "raw": _raw_arrived,
}
for _kind, _cond, _what, _arrived_message in _ONE_WAY:
    for _name, _runner in _RUNNERS.items():
        CASES.append(
            Case(f"{_kind}-{_what}-in-{_name}", _kind, _cond, partial(_runner, _arrived_message))
        )
_case("header-removed", True, "empty-subject-in-mime")(
    lambda: _mime_arrived(
        _message(b"body", top=_TOP[:2]),
        {
            **_send("body", "utf-8"),
            "Message": {**_send("body", "utf-8")["Message"], "Subject": {"Data": ""}},
        },
    )
)
_case("header-removed", True, "empty-field-in-raw")(
    lambda: _raw_arrived(_message(b"body"), _message(b"body", headers=("X-Empty:",)))
)
_IDN = _message(
    b"body", top=("From: sender@example.com", "To: to@xn--bcher-kva.example", "Subject: Hi")
)
_IDN_DECODED = _IDN.replace(b"xn--bcher-kva", "bücher".encode())
_case("address-idna-decoded", False, "in-raw")(lambda: _raw_arrived(_IDN_DECODED, _IDN))
_case("address-idna-encoded", False, "in-raw")(lambda: _raw_arrived(_IDN, _IDN_DECODED))
_case("address-idna-encoded", False, "in-mime")(
    lambda: _mime_arrived(
        _IDN, {**_send("body", "utf-8"), "Destination": {"ToAddresses": ["to@bücher.example"]}}
    )
)
_case("header-refolded", False, "in-raw")(
    lambda: _raw_arrived(_ASKED_RAW.replace(b"Subject: Hi", b"Subject:\r\n Hi"))
)
_case("header-reencoded", False, "in-raw")(
    lambda: _raw_arrived(_ASKED_RAW.replace(b"Subject: Hi", b"Subject: =?utf-8?q?Hi?="))
)
_TWO_PARTS = (
    b"From: sender@example.com\r\nTo: to@example.com\r\nSubject: Hi\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
    b"--b\r\nContent-Type: text/html\r\n\r\n<p>body</p>\r\n--b--\r\n"
)
_ONE_PART = _TWO_PARTS.replace(b"--b\r\nContent-Type: text/html\r\n\r\n<p>body</p>\r\n", b"")
_case("part-removed", False, "in-raw")(lambda: _raw_arrived(_ONE_PART, _TWO_PARTS))
_case("part-added", False, "in-raw")(lambda: _raw_arrived(_TWO_PARTS, _ONE_PART))
_case("part-added", False, "in-mime")(
    lambda: _mime_arrived(
        _TWO_PARTS,
        {
            **_send("body"),
            "Message": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "body"}}},
        },
    )
)
_case("part-removed", False, "in-mime")(
    lambda: _mime_arrived(
        _ONE_PART,
        {
            **_send("body"),
            "Message": {
                "Subject": {"Data": "Hi"},
                "Body": {"Text": {"Data": "body"}, "Html": {"Data": "<p>body</p>"}},
            },
        },
    )
)
_case("transfer-encoding-changed", False, "in-raw")(
    lambda: _raw_arrived(_message(b"body", encoding="7bit"))
)
_case("base64-rewrapped", False, "part-in-raw")(
    lambda: _raw_arrived(_ASKED_RAW.replace(b"Ym9keQ==", b"Ym9k\r\neQ=="))
)
_case("base64-rewrapped", False, "blob-in-form")(
    lambda: compare_pairs(
        Asked("SendRawEmail", _RAW_PARAMS),
        _pairs(
            _RAW_PARAMS, "SendRawEmail", RawMessage_Data=base64.encodebytes(_ASKED_RAW).decode()
        ),
    )
)
_case("message-rewritten", False, "boundary-in-raw")(
    lambda: _raw_arrived(_TWO_PARTS.replace(b'"b"', b'"c"').replace(b"--b", b"--c"), _TWO_PARTS)
)
_case("unreadable", False, "blob-not-base64")(
    lambda: compare_pairs(
        Asked("SendRawEmail", _RAW_PARAMS), _pairs(_RAW_PARAMS, "SendRawEmail", RawMessage_Data="!")
    )
)
_case("address-dropped", False, "bcc-without-destinations")(
    lambda: compare_pairs(
        Asked(
            "SendEmail",
            {
                **_send("body", "utf-8"),
                "Destination": {"ToAddresses": [TO], "BccAddresses": ["b@example.com"]},
            },
            "mail",
        ),
        [p for p in _raw_email(_message(b"body")) if not p[0].startswith("Destinations")],
    )
)

_TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN"
_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-west-1/ses/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)
_ASKED_REQUEST = Asked(
    "ListIdentities",
    {},
    authority="h.example:4566",
    region="eu-west-1",
    access_key_id="AKIDEXAMPLE",
    session_token=_TOKEN,
)


def _request(
    host: str | None = "h.example:4566", auth: str = _AUTH, token: str | None = _TOKEN
) -> list[Difference]:
    headers = [("Authorization", auth)]
    if host is not None:
        headers.append(("Host", host))
    if token is not None:
        headers.append(("X-Amz-Security-Token", token))
    return compare_request(
        _ASKED_REQUEST, RawRequest("POST", "/", headers=headers, body=b"Action=ListIdentities")
    )


_case("setting-dropped", False, "token")(lambda: _request(token=None))
_case("setting-dropped", False, "host")(lambda: _request(host=None))
_case("host-changed", False, "in-request")(lambda: _request(host="other.example:4566"))
_case("port-dropped", False, "in-request")(lambda: _request(host="h.example"))
_case("port-changed", False, "in-request")(lambda: _request(host="h.example:4567"))
_case("region-changed", False, "in-request")(
    lambda: _request(auth=_AUTH.replace("eu-west-1", "us-east-1"))
)
_case("access-key-changed", False, "in-request")(
    lambda: _request(auth=_AUTH.replace("AKIDEXAMPLE", "AKIDOTHER"))
)
_case("token-changed", False, "in-request")(lambda: _request(token=_TOKEN.lower()))
_case("unreadable", False, "request-parameters")(
    lambda: compare_request(
        _ASKED_REQUEST,
        RawRequest(
            "POST", "/", headers=(("Host", "h.example:4566"),), body=b"&".join([b"a=1"] * 10_001)
        ),
    )
)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_case_emits_its_kind_with_the_documented_severity(case: Case) -> None:
    diffs = case.run()
    found = [(d.kind, d.severity) for d in diffs if d.kind == case.kind]
    assert found, [d.kind for d in diffs]
    assert set(found) == {(case.kind, expected_severity(case.kind, condition=case.condition))}


@pytest.mark.parametrize("kind", [k for k, _, _ in VALUE_CHANGES])
def test_a_value_change_is_the_same_in_every_carrier(kind: str) -> None:
    """Item 2 of the fidelity issue: one change, one kind and one severity in a form parameter,
    in a SendEmail sent as MIME and in a raw message; nothing else is found there."""
    asked, arrived = next((a, b) for k, a, b in VALUE_CHANGES if k == kind)
    seen = {
        name: [(d.kind, d.severity) for d in run(asked, arrived)] for name, run in CARRIERS.items()
    }
    expected = [(kind, expected_severity(kind, condition=False))]
    assert seen == dict.fromkeys(CARRIERS, expected)


def test_every_finding_the_document_lists_is_emitted() -> None:
    """Item 3: each (kind, severity) of docs/spec.md#fid-kinds, the default and the one its
    condition gives, is emitted by at least one hand-made case, as a finding of its rule."""
    listed = {
        (kind, severity)
        for kind, (_, default, other) in spec_kinds().items()
        for severity in (default, other)
        if severity is not None
    }
    emitted: set[tuple[str, str]] = set()
    for case in CASES:
        for finding in fid.findings(case.run()):
            emitted.add((finding.kind, finding.severity))
            assert finding.rule == spec_kinds()[finding.kind][0]
    assert sorted(listed - emitted) == []
