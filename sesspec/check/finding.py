"""A finding: one way in which a request departs from the spec. Data, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field

from sesspec.check.catalogue import RULES, Severity

__all__ = ["Finding", "finding"]


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
        message=message,
        location=location,
        citation=r.citation,
        detail=detail,
    )
