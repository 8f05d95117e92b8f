"""A finding: one way in which a request departs from the spec. Data, never an exception.

Messages, locations and details quote what the request holds, so :func:`finding` escapes what
is not printable in them (controls, lone surrogates from undecodable bytes, invisible format
characters) the way ``repr`` does: a finding printed on a terminal, written into XML or read
in a report shows what was sent without acting on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sesspec.check.catalogue import RULES, Severity

__all__ = ["Finding", "finding", "printable"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Finding:
    """What rule, how bad, what is wrong, where, and the spec that says so.

    ``location`` names the place: a parameter (``param Destination.ToAddresses.member.0``), a
    header (``header Authorization``), or a byte offset (``body offset 41``). ``detail`` carries
    longer evidence, such as the canonical request diff of a signature mismatch.
    """

    rule: str
    severity: Severity
    message: str
    location: str
    citation: str
    detail: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, str]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
            "citation": self.citation,
        }
        if self.detail:
            out["detail"] = self.detail
        return out


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every character that is not printable escaped as ``repr`` writes it
    (``\\x1b``, ``\\r``, ``\\udcb2``...); line feeds kept when ``keep_newlines``."""
    if text.isprintable() or (keep_newlines and text.replace("\n", "").isprintable()):
        return text
    return "".join(
        ch if ch.isprintable() or (keep_newlines and ch == "\n") else repr(ch)[1:-1] for ch in text
    )


def finding(
    rule_id: str,
    message: str,
    location: str,
    *,
    severity: Severity | None = None,
    detail: str = "",
) -> Finding:
    """A :class:`Finding` of catalogue rule ``rule_id`` (its default severity unless given)."""
    r = RULES[rule_id]
    return Finding(
        rule=r.id,
        severity=severity or r.severity,
        message=printable(message),
        location=printable(location),
        citation=r.citation,
        detail=printable(detail, keep_newlines=True) if detail else detail,
    )
