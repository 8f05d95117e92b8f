"""Fidelity rules (FID): what arrived against what its sender was asked (``docs/spec.md#fid``).

A lone request cannot break these rules: they need what its sender was asked (a scenario's
params and settings, :class:`sesspec.fidelity.Asked`), which the report knows and
``sesspec check`` does not. :func:`findings` turns the differences
:func:`sesspec.fidelity.compare_request` lists into findings of this family, one a difference,
each with its kind (``Finding.kind``) and its byte-level evidence in ``detail``. SES accepts
such a request and acts on what arrived, so no rule here has an SES answer (``ses_error`` is
None): strict mode never sees them.

Each kind of difference belongs to one rule and has one severity rule, both in
:data:`sesspec.fidelity.kinds.KINDS` (``docs/spec.md#fid-kinds``): a finding's severity is its
kind's, and each rule's other severities, with their conditions, are gathered from its kinds
here, never written twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sesspec.check.finding import Finding, Location, finding
from sesspec.check.rules import Rule, Severity, declare
from sesspec.fidelity.kinds import KINDS

if TYPE_CHECKING:
    from sesspec.fidelity import Difference

__all__ = ["RULES", "findings"]


def __dir__() -> list[str]:
    return __all__


_FIDELITY = "sesspec.fidelity (compare_request), on what each report scenario asks"
_ANCHORS = ("fid-compare", "fid-kinds", "fid-severity")


def _severities(rule_id: str, default: Severity) -> tuple[tuple[Severity, str], ...]:
    """The severities other than ``default`` that ``rule_id``'s kinds give, each with the
    condition that gives it (which kinds, and when), from the kinds' table."""
    plain: dict[Severity, list[str]] = {}
    conditional: dict[Severity, list[str]] = {}
    for kind in KINDS.values():
        if kind.rule != rule_id:
            continue
        if kind.severity != default and kind.if_condition is None:
            plain.setdefault(kind.severity, []).append(kind.kind)
        elif kind.severity != default:
            conditional.setdefault(kind.severity, []).append(
                f"it is {kind.kind} and not: {kind.condition}"
            )
        if kind.if_condition is not None and kind.if_condition != default:
            conditional.setdefault(kind.if_condition, []).append(
                f"it is {kind.kind} and {kind.condition}"
            )
    out: list[tuple[Severity, str]] = []
    for severity in ("error", "warning", "info"):
        texts = []
        if severity in plain:
            texts.append(f"the kind is {_either(plain[severity])}")
        texts += conditional.get(severity, [])
        if texts:
            out.append((severity, "; or ".join(texts)))
    return tuple(out)


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _declare(  # noqa: PLR0917 - the parts of a declaration, in the order they are read
    rule_id: str,
    severity: Severity,
    title: str,
    reason: str,
    sources: tuple[str, ...],
    remedy: str,
) -> Rule:
    anchors = (*_ANCHORS, "param-raw-message") if rule_id == "FID005" else _ANCHORS
    return declare(
        rule_id,
        severity,
        title,
        anchors,
        reason,
        sources,
        None,
        remedy=remedy,
        severities=_severities(rule_id, severity),
    )


FID001 = _declare(
    "FID001",
    "error",
    "another action arrived than the one asked for",
    "SES runs the action that arrives: another one does something else, and an IAM policy, "
    "quota or log that names the asked action no longer applies to it.",
    (_FIDELITY, "https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html"),
    "Send the action the caller asked for; a mailer that sends SendEmail as SendRawEmail of "
    "the same message needs no change.",
)
FID002 = _declare(
    "FID002",
    "error",
    "a member, header, part, address, charset or setting asked for did not arrive",
    "What is not sent is not delivered: SES cannot put back a recipient, a body or a token "
    "that the client left out.",
    (_FIDELITY,),
    "Send every member, header, part, address and setting the caller gave; look for a value "
    "the client drops on the way (an empty list, a Cc or Bcc, a charset, the session token).",
)
FID003 = _declare(
    "FID003",
    "error",
    "a value asked for arrived under another name, type or place",
    "SES reads a value by its name: a text body sent as Message.Body.Html.Data is mailed as "
    "HTML, a list item named member[0] is ignored.",
    (_FIDELITY, "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"),
    "Send each value under the name, type and place the SES model gives it (a text body as "
    "Message.Body.Text.Data, list items from member.1, in the caller's order).",
)
FID004 = _declare(
    "FID004",
    "warning",
    "something arrived that was not asked for",
    "An added member or header changes what SES does or what the recipients see (a Bcc header "
    "shows the blind copies) without the caller knowing.",
    (_FIDELITY, "https://www.rfc-editor.org/rfc/rfc5322#section-3.6.3"),
    "Send only what the caller asked for: add no member or header (a Bcc header, a charset "
    "that changes how the text reads) on the caller's behalf.",
)
FID005 = _declare(
    "FID005",
    "error",
    "a value arrived changed",
    "SES mails the bytes it gets: line ends rewritten, spaces trimmed, text normalised or "
    "re-encoded, a port dropped from the Host all reach the recipient or the signature.",
    (_FIDELITY, "https://www.rfc-editor.org/rfc/rfc2045#section-6.7"),
    "Send each value as the caller gave it: do not trim, normalise or re-encode text, rewrite"
    " line ends, or drop the port from Host when the endpoint URL has one.",
)
FID006 = _declare(
    "FID006",
    "warning",
    "what arrived cannot be read far enough to compare",
    "Nothing can be said of the substance of a request whose parameters or message cannot be "
    "read; the checker's findings say what is wrong with its form.",
    (_FIDELITY,),
    "Send a request whose parameters and message can be read; the checker's findings on the "
    "same request say what is wrong with its form.",
)

#: The family, in catalogue order.
RULES: tuple[Rule, ...] = (FID001, FID002, FID003, FID004, FID005, FID006)
_BY_ID = {rule.id: rule for rule in RULES}


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
    """The evidence: what was asked, what arrived (or where it went), and where it changed."""
    lines: list[str] = []
    if difference.expected is not None:
        lines.append(f"- asked:   {difference.expected!r}")
    if difference.actual is not None:
        lines.append(f"+ arrived: {difference.actual!r}")
    if difference.moved_to is not None:
        lines.append(f"+ arrived as: {difference.moved_to}")
    if difference.change is not None:
        lines.append(f"{difference.kind}: {difference.change}")
    return "\n".join(lines)


def findings(differences: Iterable[Difference]) -> list[Finding]:
    """One finding a difference, of its kind's rule and severity, with its evidence."""
    return [
        finding(
            _BY_ID[d.rule],
            d.message,
            _location(d),
            severity=d.severity,
            detail=_detail(d),
            kind=d.kind,
        )
        for d in differences
    ]
