"""A finding: one way in which a request departs from the spec. Data, never an exception.

A finding's place is a :class:`Location` value (what kind of place, which header or parameter,
which byte), rendered to text only where it is shown: ``str(location)`` gives the words the
text and JSON outputs and the reports print (``param Destination.ToAddresses.member.0``,
``header Authorization``, ``body offset 41``). Code that needs the place reads the value.

Messages, names and details quote what the request holds, so :func:`finding` escapes what is
not printable in them (controls, lone surrogates from undecodable bytes, invisible format
characters) the way ``repr`` does: a finding printed on a terminal, written into XML or read
in a report shows what was sent without acting on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sesspec.check.rules import Rule, Severity

__all__ = ["Finding", "Location", "LocationKind", "finding", "printable"]


def __dir__() -> list[str]:
    return __all__


#: Where a finding is: the request line; a header or a parameter (``name``); the query string
#: or the form body, as a whole or at a byte ``offset``; a byte of the raw request
#: (``request``, at ``offset``); a header or part of the mail a request carries (``message``,
#: ``name`` says which: ``header Subject``, ``part 1 text/plain``); a setting the client was
#: given (``setting``: ``Host``, ``credential scope region``; the fidelity rules); or ``text``,
#: a place known only by its rendered words (a finding read back from a report document:
#: nothing decides on it).
LocationKind = Literal[
    "request-line", "header", "param", "query", "body", "request", "message", "setting", "text"
]


@dataclass(frozen=True, slots=True, eq=False)
class Location:
    """The place of a finding: a kind, the header or parameter name, and a byte offset.

    Two locations are the same place when they name it alike, so a finding read back from a
    report document (kind ``text``) equals the one that was written.
    """

    kind: LocationKind
    name: str = ""
    offset: int | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __str__(self) -> str:
        kind = self.kind
        if kind == "request-line":
            return "request line"
        if kind in {"header", "param", "message", "setting"}:
            return f"{kind} {self.name}"
        if kind == "request":
            return f"byte {self.offset}"
        if kind == "text":
            return self.name
        return kind if self.offset is None else f"{kind} offset {self.offset}"

    def whole(self) -> Location:
        """The same place without its offset (the body, not byte 41 of it)."""
        return Location(self.kind, self.name)


@dataclass(frozen=True, slots=True)
class Finding:
    """What rule, how bad, what is wrong, where, and the spec that says so.

    ``detail`` carries longer evidence, such as the canonical request diff of a signature
    mismatch; ``kind`` the kind of difference of a fidelity finding (one of
    ``sesspec.fidelity.KINDS``, docs/spec.md#fid-kinds; empty for every other rule).
    """

    rule: str
    severity: Severity
    message: str
    location: Location
    citation: str
    detail: str = field(default="", compare=False)
    kind: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": str(self.location),
            "citation": self.citation,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.kind:
            out["kind"] = self.kind
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
    rule: Rule,
    message: str,
    location: Location,
    *,
    severity: Severity | None = None,
    detail: str = "",
    kind: str = "",
) -> Finding:
    """A :class:`Finding` of ``rule``, of its default severity unless given (and of a
    fidelity ``kind``); a severity the rule does not declare is a bug of the detector
    (``ValueError``)."""
    if severity is not None and severity not in rule.allowed:
        msg = f"{rule.id} declares no {severity} finding"
        raise ValueError(msg)
    if location.name and not location.name.isprintable():
        location = Location(location.kind, printable(location.name), location.offset)
    return Finding(
        rule=rule.id,
        severity=severity or rule.severity,
        message=printable(message),
        location=location,
        citation=rule.citation,
        detail=printable(detail, keep_newlines=True) if detail else detail,
        kind=kind,
    )
