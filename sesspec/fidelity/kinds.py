"""The kinds of difference fidelity names, and the one severity rule of each.

A difference between what a client was asked to send and what arrived is one :data:`Kind` of
this closed set, wherever it is found: in a form parameter, in a SendEmail a client sent as a
MIME message, or in a raw message. Each kind belongs to one FID rule
(:mod:`sesspec.check.rules.fid`)
and has one severity rule (:class:`KindRule`): a severity, and where the kind has one, the other
severity its condition gives. The comparison decides whether the condition holds (a
:class:`~sesspec.fidelity.types.Difference`'s ``condition``); this table alone decides what that
means. docs/spec.md#fid-kinds states the same table in words; a test reads it there and holds
the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["KINDS", "Kind", "KindRule", "Severity", "kind_rule", "severity_of"]


def __dir__() -> list[str]:
    return __all__


Severity = Literal["error", "warning", "info"]

Kind = Literal[
    "action-changed",
    "parameter-dropped",
    "header-removed",
    "part-removed",
    "address-dropped",
    "charset-dropped",
    "setting-dropped",
    "parameter-renamed",
    "part-type-changed",
    "order-changed",
    "parameter-added",
    "header-added",
    "part-added",
    "address-added",
    "charset-added",
    "value-changed",
    "line-end-lf-to-crlf",
    "line-end-crlf-to-lf",
    "line-end-cr-to-crlf",
    "line-end-crlf-to-cr",
    "line-end-cr-to-lf",
    "line-end-lf-to-cr",
    "line-end-cr-dropped",
    "line-end-appended",
    "line-end-removed",
    "whitespace-trimmed",
    "whitespace-leading-trimmed",
    "whitespace-trailing-trimmed",
    "whitespace-line-trailing-trimmed",
    "whitespace-collapsed",
    "whitespace-tabs-to-spaces",
    "unicode-nfc",
    "unicode-nfd",
    "unicode-nfkc",
    "unicode-nfkd",
    "text-utf8-read-as-latin1",
    "text-utf8-read-as-cp1252",
    "text-non-ascii-replaced",
    "text-plus-as-space",
    "text-case-changed",
    "text-truncated",
    "address-idna-encoded",
    "address-idna-decoded",
    "charset-changed",
    "transfer-encoding-changed",
    "base64-rewrapped",
    "header-refolded",
    "header-reencoded",
    "header-line-too-long",
    "message-rewritten",
    "host-changed",
    "port-dropped",
    "port-changed",
    "region-changed",
    "access-key-changed",
    "token-changed",
    "unreadable",
]


@dataclass(frozen=True, slots=True)
class KindRule:
    """A kind's rule: the FID ``rule`` it belongs to, its ``severity``, and when it has a
    condition, the severity that condition gives (``if_condition``) and the condition in words
    (``condition``); ``summary`` says what the kind is."""

    kind: Kind
    rule: str
    severity: Severity
    summary: str
    if_condition: Severity | None = None
    condition: str = ""


_SAME_TEXT = (
    "the text, read in the charset that arrived (US-ASCII when none), has the non-ASCII "
    "characters of the text asked"
)

_RULES: tuple[KindRule, ...] = (
    KindRule(
        "action-changed",
        "FID001",
        "error",
        "another action arrived",
        "info",
        "SendEmail arrived as SendRawEmail, carrying a message that is then compared",
    ),
    KindRule(
        "parameter-dropped",
        "FID002",
        "error",
        "a parameter asked for did not arrive",
        "info",
        "SES takes it from the message (Source from From; a Destinations address from To, Cc "
        "or Bcc)",
    ),
    KindRule(
        "header-removed",
        "FID002",
        "error",
        "a header asked for is not in the message",
        "info",
        "the value asked is empty",
    ),
    KindRule("part-removed", "FID002", "error", "a MIME part asked for is not in the message"),
    KindRule("address-dropped", "FID002", "error", "an address asked for did not arrive"),
    KindRule(
        "charset-dropped",
        "FID002",
        "error",
        "a charset asked for did not arrive",
        "info",
        _SAME_TEXT,
    ),
    KindRule(
        "setting-dropped", "FID002", "error", "a setting (Host, session token) did not arrive"
    ),
    KindRule("parameter-renamed", "FID003", "error", "a value arrived under another name"),
    KindRule("part-type-changed", "FID003", "error", "a body arrived as a part of another type"),
    KindRule(
        "order-changed",
        "FID003",
        "warning",
        "the items of a list or an address field arrived in another order",
    ),
    KindRule(
        "parameter-added",
        "FID004",
        "warning",
        "a parameter arrived that was not asked for",
        "info",
        "SES does not read it (not a member of the action)",
    ),
    KindRule(
        "header-added",
        "FID004",
        "warning",
        "a header is in the message that was not asked for",
        "info",
        "it is Date, Message-ID or MIME-Version",
    ),
    KindRule("part-added", "FID004", "warning", "a MIME part arrived that was not asked for"),
    KindRule("address-added", "FID004", "warning", "an address arrived that was not asked for"),
    KindRule(
        "charset-added",
        "FID004",
        "error",
        "a charset arrived that was not asked for",
        "info",
        _SAME_TEXT,
    ),
    KindRule("value-changed", "FID005", "error", "a value arrived changed in no named way"),
    KindRule("line-end-lf-to-crlf", "FID005", "info", "a bare LF became CRLF"),
    KindRule("line-end-crlf-to-lf", "FID005", "info", "a CRLF became a bare LF"),
    KindRule("line-end-cr-to-crlf", "FID005", "error", "a bare CR became CRLF"),
    KindRule("line-end-crlf-to-cr", "FID005", "error", "a CRLF became a bare CR"),
    KindRule("line-end-cr-to-lf", "FID005", "error", "a bare CR became a bare LF"),
    KindRule("line-end-lf-to-cr", "FID005", "error", "a bare LF became a bare CR"),
    KindRule("line-end-cr-dropped", "FID005", "error", "a bare CR was removed"),
    KindRule("line-end-appended", "FID005", "info", "a line end was added at the end"),
    KindRule("line-end-removed", "FID005", "info", "the line end at the end was removed"),
    KindRule("whitespace-trimmed", "FID005", "error", "white space removed from both ends"),
    KindRule("whitespace-leading-trimmed", "FID005", "error", "white space removed from the start"),
    KindRule("whitespace-trailing-trimmed", "FID005", "error", "white space removed from the end"),
    KindRule(
        "whitespace-line-trailing-trimmed",
        "FID005",
        "error",
        "white space removed from the end of lines",
    ),
    KindRule("whitespace-collapsed", "FID005", "error", "runs of spaces and tabs became one space"),
    KindRule("whitespace-tabs-to-spaces", "FID005", "error", "tabs became spaces"),
    KindRule("unicode-nfc", "FID005", "error", "the text was normalised to NFC"),
    KindRule("unicode-nfd", "FID005", "error", "the text was normalised to NFD"),
    KindRule("unicode-nfkc", "FID005", "error", "the text was normalised to NFKC"),
    KindRule("unicode-nfkd", "FID005", "error", "the text was normalised to NFKD"),
    KindRule("text-utf8-read-as-latin1", "FID005", "error", "UTF-8 bytes were read as Latin-1"),
    KindRule(
        "text-utf8-read-as-cp1252", "FID005", "error", "UTF-8 bytes were read as Windows-1252"
    ),
    KindRule(
        "text-non-ascii-replaced",
        "FID005",
        "error",
        "non-ASCII characters were replaced (by ? or U+FFFD)",
    ),
    KindRule("text-plus-as-space", "FID005", "error", "a + became a space"),
    KindRule("text-case-changed", "FID005", "error", "the letters' case changed"),
    KindRule("text-truncated", "FID005", "error", "the value was cut short"),
    KindRule(
        "address-idna-encoded",
        "FID005",
        "info",
        "an address's domain was written in Punycode (as SES requires)",
    ),
    KindRule("address-idna-decoded", "FID005", "error", "an address's Punycode domain was decoded"),
    KindRule(
        "charset-changed",
        "FID005",
        "error",
        "another charset arrived than the one asked",
        "info",
        _SAME_TEXT,
    ),
    KindRule(
        "transfer-encoding-changed",
        "FID005",
        "info",
        "a part's transfer encoding, or how its content is written in it, changed",
    ),
    KindRule(
        "base64-rewrapped", "FID005", "info", "the same bytes in base64 with other line breaks"
    ),
    KindRule(
        "header-refolded", "FID005", "info", "a header folded otherwise (the same unfolded value)"
    ),
    KindRule(
        "header-reencoded",
        "FID005",
        "info",
        "a header written otherwise (encoded-words, address syntax) with the same value",
    ),
    KindRule(
        "header-line-too-long",
        "FID005",
        "warning",
        "a header line longer than RFC 5322's 998 octets",
    ),
    KindRule(
        "message-rewritten",
        "FID005",
        "info",
        "a message's bytes changed outside its headers and contents (boundaries, preamble)",
    ),
    KindRule("host-changed", "FID005", "error", "the Host names another host than the one told"),
    KindRule("port-dropped", "FID005", "error", "the Host lacks the port the client was told"),
    KindRule("port-changed", "FID005", "error", "the Host names another port than the one told"),
    KindRule("region-changed", "FID005", "error", "the request was signed for another region"),
    KindRule("access-key-changed", "FID005", "error", "the request was signed with another key id"),
    KindRule("token-changed", "FID005", "error", "the session token arrived changed"),
    KindRule(
        "unreadable",
        "FID006",
        "warning",
        "what arrived cannot be read far enough to compare",
    ),
)

#: Every kind's rule, in the order of docs/spec.md#fid-kinds.
KINDS: dict[Kind, KindRule] = {r.kind: r for r in _RULES}

if set(KINDS) != set(get_args(Kind)) or len(KINDS) != len(_RULES):  # pragma: no cover
    msg = "sesspec.fidelity.kinds: every kind needs exactly one rule"
    raise AssertionError(msg)


def kind_rule(kind: Kind) -> KindRule:
    """The rule of ``kind``."""
    return KINDS[kind]


def severity_of(kind: Kind, *, condition: bool = False) -> Severity:
    """The severity of a difference of ``kind``, whose condition holds or not."""
    rule = KINDS[kind]
    if condition and rule.if_condition is not None:
        return rule.if_condition
    return rule.severity
