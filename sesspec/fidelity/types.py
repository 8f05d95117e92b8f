"""The values fidelity works with: what a client was asked (:class:`Asked`), where a difference
is (:class:`Location`), a value's change located to the byte (:class:`ValueDiff`), and one
difference (:class:`Difference`, of one :data:`~sesspec.fidelity.kinds.Kind`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sesspec.encoding import Pairs
from sesspec.fidelity.kinds import KINDS, Kind, Severity, severity_of
from sesspec.query import flatten

__all__ = ["MAX_SHOWN", "Area", "Asked", "Difference", "GivenAs", "Location", "ValueDiff", "shown"]


def __dir__() -> list[str]:
    return __all__


#: Longest value shown in a :class:`Difference` (characters); longer ones are cut, with a count.
MAX_SHOWN = 200

#: How the client was given what it was asked to send: an SDK's operation ``params``; the
#: flattened ``pairs`` (a signing-only library, whose user builds the form); or a ``mail`` (a
#: mailer given From/To/Subject/bodies, which builds a MIME message and sends SendRawEmail).
GivenAs = Literal["params", "pairs", "mail"]

#: Where a difference is: the ``action``; a ``member`` (its dotted wire name); a message
#: ``header``; a message ``part``; a ``request`` item (Host, credential scope, session token).
Area = Literal["action", "member", "header", "part", "request"]


@dataclass(frozen=True, slots=True)
class Asked:
    """What a client was asked to send.

    ``params`` are the operation's input as in the SES model (member names as botocore and the
    wire spell them; a blob as ``bytes`` or text). ``given_as`` says how the client was given
    them (:data:`GivenAs`). ``authority`` is the endpoint's ``host[:port]`` the client was told
    (None: not judged), ``tls`` its scheme; ``region``, ``access_key_id`` and ``session_token``
    the settings it was given (None: not judged). The token is a secret: it is never shown,
    and the repr masks it.
    """

    action: str
    params: Mapping[str, Any]
    given_as: GivenAs = "params"
    authority: str | None = None
    tls: bool = True
    region: str | None = None
    access_key_id: str | None = None
    session_token: str | None = field(default=None, repr=False)

    def pairs(self) -> Pairs:
        """The operation's members as awsQuery pairs (no ``Action``/``Version``), from the
        SES model; blobs base64-encoded."""
        return flatten(self.action, self.params)[2:]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a difference is: an :data:`Area` and a name within it (a member's wire name, a
    header's name, a part's number and type, a request item)."""

    area: Area
    name: str = ""

    def __str__(self) -> str:
        return self.area if not self.name else f"{self.area} {self.name}"


@dataclass(frozen=True, slots=True)
class ValueDiff:
    """Where one change of a value starts, to the byte.

    ``offset`` is the first byte (of the UTF-8 text) this change alters, counted in the value
    as it stood before the change (the value asked, for the first change of a value);
    ``expected_excerpt`` and ``actual_excerpt`` are the bytes from a little before it to a
    little after the stretch it alters, at most :data:`~sesspec.fidelity.values.MAX_EXCERPT`
    each (None for a secret). The lengths are the whole values' lengths in bytes.
    """

    offset: int
    expected_length: int
    actual_length: int
    expected_excerpt: bytes | None = None
    actual_excerpt: bytes | None = None

    def __str__(self) -> str:
        text = f"from byte {self.offset}; {self.expected_length} -> {self.actual_length} bytes"
        if self.expected_excerpt is not None and self.actual_excerpt is not None:
            text += f": {self.expected_excerpt!r} became {self.actual_excerpt!r}"
        return text


@dataclass(frozen=True, slots=True)
class Difference:
    """One way in which what arrived differs from what was asked: one :data:`Kind`.

    ``expected`` and ``actual`` are the values as shown (cut to :data:`MAX_SHOWN` characters;
    None when there is none, or for a secret). ``moved_to`` is where a renamed value arrived.
    ``change`` locates a changed value's change. ``condition`` says whether the kind's
    condition holds (docs/spec.md#fid-kinds), which gives it its other severity.
    ``message`` says it in one line.
    """

    kind: Kind
    where: Location
    message: str
    expected: str | None = None
    actual: str | None = None
    moved_to: Location | None = None
    change: ValueDiff | None = None
    condition: bool = False

    @property
    def severity(self) -> Severity:
        """The severity its kind's rule gives it (:func:`~sesspec.fidelity.kinds.severity_of`)."""
        return severity_of(self.kind, condition=self.condition)

    @property
    def rule(self) -> str:
        """The FID rule its kind belongs to."""
        return KINDS[self.kind].rule

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (bytes excerpts as text with ``\\x`` escapes)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "where": str(self.where),
            "message": self.message,
        }
        if self.expected is not None:
            out["expected"] = self.expected
        if self.actual is not None:
            out["actual"] = self.actual
        if self.moved_to is not None:
            out["moved_to"] = str(self.moved_to)
        if self.change is not None:
            change: dict[str, Any] = {
                "offset": self.change.offset,
                "expected_length": self.change.expected_length,
                "actual_length": self.change.actual_length,
            }
            for key, value in (
                ("expected_excerpt", self.change.expected_excerpt),
                ("actual_excerpt", self.change.actual_excerpt),
            ):
                if value is not None:
                    change[key] = repr(value)[2:-1]
            out["change"] = change
        return out


def shown(value: str) -> str:
    """``value`` cut to :data:`MAX_SHOWN` characters, saying how much was left out."""
    if len(value) <= MAX_SHOWN:
        return value
    return f"{value[:MAX_SHOWN]}... ({len(value) - MAX_SHOWN} more characters)"
