"""Fidelity rules (FID): what arrived against what its sender was asked (``docs/spec.md#fid``).

A lone request cannot break these rules: they need what its sender was asked (a scenario's
params and settings, :class:`sesspec.fidelity.Asked`), which the report knows and
``sesspec check`` does not. :func:`findings` turns the differences
:func:`sesspec.fidelity.compare_request` lists into findings of this family, one a difference,
each with its byte-level evidence in ``detail``. SES accepts such a request and acts on what
arrived, so no rule here has an SES answer (``ses_error`` is None): strict mode never sees them.

Severities (``docs/spec.md#fid-severity``): a difference the comparison marks harmless (the
recipient gets the same mail and SES does the same thing) is info; what the user asked for and
lost or altered (an action, a member, a header, a part, a setting) is an error; something added
that was not asked for is a warning; a request or message too broken to compare is a warning
(its form is the checker's business, which reports it there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sesspec.check.finding import Finding, Location, finding
from sesspec.check.rules import Rule, Severity, declare

if TYPE_CHECKING:
    from sesspec.fidelity import Difference, Kind

__all__ = ["RULES", "RULE_OF_KIND", "findings"]


def __dir__() -> list[str]:
    return __all__


_HARMLESS = "harmless: the recipient gets the same mail and SES does the same"
_FIDELITY = "sesspec.fidelity (compare_request), on what each report scenario asks"

FID001 = declare(
    "FID001",
    "error",
    "another action arrived than the one asked for",
    ("fid-compare", "fid-severity"),
    "SES runs the action that arrives: another one does something else, and an IAM policy, "
    "quota or log that names the asked action no longer applies to it.",
    (_FIDELITY, "https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html"),
    None,
    severities=(
        (
            "info",
            "SendEmail sent as SendRawEmail carrying the MIME message the client built "
            "(its content is then compared, header by header and part by part); " + _HARMLESS,
        ),
    ),
)
FID002 = declare(
    "FID002",
    "error",
    "a member, header, part or setting asked for did not arrive",
    ("fid-compare", "fid-severity"),
    "What is not sent is not delivered: SES cannot put back a recipient, a body or a token "
    "that the client left out.",
    (_FIDELITY,),
    None,
    severities=(
        ("info", f"{_HARMLESS} (ASCII text without its Charset; an address the message holds)"),
    ),
)
FID003 = declare(
    "FID003",
    "error",
    "a value asked for arrived under another name",
    ("fid-compare", "fid-severity"),
    "SES reads a value by its name: a text body sent as Message.Body.Html.Data is mailed as "
    "HTML, a list item named member[0] is ignored.",
    (_FIDELITY, "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"),
    None,
)
FID004 = declare(
    "FID004",
    "warning",
    "something arrived that was not asked for",
    ("fid-compare", "fid-severity"),
    "An added member or header changes what SES does or what the recipients see (a Bcc header "
    "shows the blind copies) without the caller knowing.",
    (_FIDELITY, "https://www.rfc-editor.org/rfc/rfc5322#section-3.6.3"),
    None,
    severities=(("info", f"{_HARMLESS} (Charset=UTF-8 on UTF-8 text; Date, Message-ID)"),),
)
FID005 = declare(
    "FID005",
    "error",
    "a value arrived changed",
    ("fid-compare", "fid-severity", "param-raw-message"),
    "SES mails the bytes it gets: line ends rewritten, spaces trimmed, text normalised or "
    "re-encoded, a port dropped from the Host all reach the recipient or the signature.",
    (_FIDELITY,),
    None,
    severities=(("info", f"{_HARMLESS} (a MIME body's line ends made CRLF; base64 re-wrapped)"),),
)
FID006 = declare(
    "FID006",
    "warning",
    "what arrived cannot be read far enough to compare",
    ("fid-compare", "fid-severity"),
    "Nothing can be said of the substance of a request whose parameters or message cannot be "
    "read; the checker's findings say what is wrong with its form.",
    (_FIDELITY,),
    None,
)

#: The family, in catalogue order.
RULES: tuple[Rule, ...] = (FID001, FID002, FID003, FID004, FID005, FID006)

#: The rule of each kind of :class:`sesspec.fidelity.Difference`.
RULE_OF_KIND: dict[Kind, Rule] = {
    "action-changed": FID001,
    "dropped": FID002,
    "renamed": FID003,
    "added": FID004,
    "changed": FID005,
    "unreadable": FID006,
}


def _location(difference: Difference) -> Location:
    where = difference.where
    if where.area == "action":
        return Location("param", "Action")
    if where.area == "member":
        return Location("param", where.name)
    if where.area in {"header", "part"}:
        return Location("message", f"{where.area} {where.name}".rstrip())
    if not where.name:  # the request as a whole (its parameters cannot be read)
        return Location("text", "the request")
    return Location("setting", where.name)


def _detail(difference: Difference) -> str:
    """The evidence: what was asked, what arrived (or where it went), and the named change."""
    lines: list[str] = []
    if difference.expected is not None:
        lines.append(f"- asked:   {difference.expected!r}")
    if difference.actual is not None:
        lines.append(f"+ arrived: {difference.actual!r}")
    if difference.moved_to is not None:
        lines.append(f"+ arrived as: {difference.moved_to}")
    if difference.change is not None:
        lines.append(f"change: {difference.change}")
    return "\n".join(lines)


def _severity(difference: Difference) -> Severity | None:
    """The severity, when it is not the rule's default (docs/spec.md#fid-severity)."""
    rule = RULE_OF_KIND[difference.kind]
    if difference.harmless and "info" in rule.allowed:
        return "info"
    return None


def findings(differences: Iterable[Difference]) -> list[Finding]:
    """One finding a difference, of the rule its kind has, with its evidence as ``detail``."""
    return [
        finding(
            RULE_OF_KIND[d.kind],
            d.message,
            _location(d),
            severity=_severity(d),
            detail=_detail(d),
        )
        for d in differences
    ]
