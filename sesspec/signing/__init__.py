"""The signing schemes SES has accepted: SigV4 (today), AWS3-HTTPS and SigV2 (history).

One module per scheme (docs/spec.md#auth-schemes): :mod:`sesspec.signing.sigv4`,
:mod:`sesspec.signing.aws3`, :mod:`sesspec.signing.sigv2`. Every stage of each is public, so a
checker can recompute a client's canonical request or string to sign and show where it differs.

The three share their names and their results: each has ``sign`` (a request in, a
:class:`Signed` out), ``verify`` (a request in, a :class:`VerifyResult` out, never an
exception), ``parse_authorization`` where the scheme has an authorization header, and
``request_time`` (the time a date value of that scheme stands for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from sesspec.http import RawRequest

__all__ = ["Signed", "VerifyKind", "VerifyResult"]


def __dir__() -> list[str]:
    return __all__


class Signed(NamedTuple):
    """A signed request together with every intermediate stage (for vectors and checkers).

    ``canonical_request``, ``signed_headers`` and ``scope`` are SigV4's; the legacy schemes have
    none of them and leave them empty (AWS3-HTTPS signs a date, SigV2 a string built from the
    method, host, path and canonical query, which is its ``string_to_sign``). A named tuple
    rather than a dataclass: it is made once per signature on the hot path.
    """

    request: RawRequest
    canonical_request: str
    string_to_sign: str
    signature: str
    signed_headers: str
    scope: str


#: Why a verification came out as it did: ``verified``; no authentication of the scheme
#: (``missing``) or two kinds at once (``mixed``); an authorization that cannot be read
#: (``malformed``), or whose credential scope cannot (``scope``); a request date missing,
#: unreadable or not the scope's (``date``); a scope for another ``region`` or ``service``
#: than asked; a signed header absent or host unsigned (``signed-headers``); an access key id
#: without a secret (``unknown-key``); a signature that does not match (``mismatch``); a
#: request too far from ``now`` (``skew``) or past its expiry (``expired``); more query
#: parameters than sesspec reads (``limit``).
VerifyKind = Literal[
    "verified",
    "missing",
    "mixed",
    "malformed",
    "scope",
    "date",
    "region",
    "service",
    "signed-headers",
    "unknown-key",
    "mismatch",
    "skew",
    "expired",
    "limit",
]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of a scheme's ``verify``: ``ok``, its ``kind`` (:data:`VerifyKind`), the
    ``reason`` in words, and the stages the spec computes for this request (when verification
    got that far), to diff against what the client computed. ``canonical_request`` is SigV4's
    (None for the legacy schemes)."""

    ok: bool
    kind: VerifyKind
    reason: str
    canonical_request: str | None = None
    string_to_sign: str | None = None
    expected_signature: str | None = None
    given_signature: str | None = None
