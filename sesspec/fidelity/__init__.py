"""Fidelity: what arrived at SES, compared with what the client was asked to send.

The checker judges a request's form (encoding, flattening, signature). This package judges its
substance: given what a client was asked to send (:class:`Asked`: an SES action and its params
as in the model, and the settings it was given: region, session token, the endpoint's
authority) and what arrived (a :class:`~sesspec.http.RawRequest`, or its decoded pairs), it
lists each difference as a :class:`Difference` of one :data:`Kind`, from one closed set
(:data:`KINDS`, docs/spec.md#fid-kinds), whose rule gives its severity. Everything is compared
as it arrived, never after normalising: a body's LF made CRLF, a final line end added, a
quoted-printable line whose trailing spaces a decoder deletes are each named.

The modules, one concern each:

* :mod:`~sesspec.fidelity.kinds`: the kinds, the FID rule each belongs to, its severity rule;
* :mod:`~sesspec.fidelity.types`: :class:`Asked`, :class:`Location`, :class:`ValueDiff`,
  :class:`Difference`;
* :mod:`~sesspec.fidelity.values`: how a value changed, as named steps located to the byte;
* :mod:`~sesspec.fidelity.members`: the form's members against the members asked;
* :mod:`~sesspec.fidelity.message`: a raw message against the one asked, header by header and
  part by part, read with the one MIME reader, :mod:`sesspec.mime`;
* :mod:`~sesspec.fidelity.mail`: a SendEmail a client sent as the MIME message it built;
* :mod:`~sesspec.fidelity.request`: the Host, credential scope and session token, and
  :func:`compare_request`, which runs them all.

Pure and bounded: no I/O, no clock; a shown value is cut to :data:`MAX_SHOWN` characters, a byte
excerpt to :data:`MAX_EXCERPT` bytes, two-step changes are searched only in values up to
:data:`MAX_SEARCH` characters and in :data:`MAX_SEARCH_TOTAL` characters of values per
comparison, and a message is read within :mod:`sesspec.mime`'s limits (past
one it is a single ``unreadable`` difference that says which). A secret never appears in a
difference: a token that arrived changed is described by the kinds of its change only.
"""

from __future__ import annotations

from sesspec.fidelity.kinds import KINDS, Kind, KindRule, severity_of
from sesspec.fidelity.members import compare_pairs
from sesspec.fidelity.message import compare_messages
from sesspec.fidelity.request import compare_request
from sesspec.fidelity.types import (
    MAX_SHOWN,
    Area,
    Asked,
    Difference,
    GivenAs,
    Location,
    ValueDiff,
)
from sesspec.fidelity.values import (
    MAX_EXCERPT,
    MAX_SEARCH,
    MAX_SEARCH_TOTAL,
    Step,
    describe_change,
)

__all__ = [
    "KINDS",
    "MAX_EXCERPT",
    "MAX_SEARCH",
    "MAX_SEARCH_TOTAL",
    "MAX_SHOWN",
    "Area",
    "Asked",
    "Difference",
    "GivenAs",
    "Kind",
    "KindRule",
    "Location",
    "Step",
    "ValueDiff",
    "compare_messages",
    "compare_pairs",
    "compare_request",
    "describe_change",
    "severity_of",
]


def __dir__() -> list[str]:
    return __all__
