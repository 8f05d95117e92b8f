"""The reader of signed requests: what a SigV4 request says about its own signature, read from
its ``Authorization`` header or its presigned query, leniently (every problem listed) or
strictly (:func:`parse_authorization`: the first problem raised).

IAM-SIGV4: ``Authorization: AWS4-HMAC-SHA256 Credential=<akid>/<scope>, SignedHeaders=<names>,
Signature=<hex>``; a presigned query carries the same as ``X-Amz-*`` parameters
(docs/spec.md#sigv4-authorization-header, docs/spec.md#sigv4-presigned).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sesspec.errors import SigningError, SigningErrorKind
from sesspec.params import PRESIGNED_PARAMS
from sesspec.signing.sigv4._dates import expires_seconds
from sesspec.signing.sigv4._stages import ALGORITHM, SCHEME, TERMINATOR, credential_scope

__all__ = [
    "AuthParts",
    "AuthProblem",
    "AuthProblemKind",
    "Authorization",
    "parse_authorization",
    "read_authorization",
    "read_presigned",
]


#: What is wrong in an Authorization header or a presigned query: not this algorithm
#: (``algorithm``), an element without '=' (``element``), an unknown or repeated element, one
#: ``missing``, a credential that is not five '/'-separated parts ending ``aws4_request``
#: (``credential``) or whose date is not YYYYMMDD (``scope-date``), an empty name in
#: ``signed-headers``, a ``signature`` that is not 64 lower-case hex digits, an ``expires`` that
#: is not a whole number of seconds of at least 1.
AuthProblemKind = Literal[
    "algorithm",
    "element",
    "unknown",
    "repeated",
    "missing",
    "credential",
    "scope-date",
    "signed-headers",
    "signature",
    "expires",
]

_HEADER_FIELDS = ("Credential", "SignedHeaders", "Signature")


@dataclass(frozen=True, slots=True)
class AuthProblem:
    """One thing wrong in what a request says about its signature: its ``kind``, the element
    or parameter it is about (``field``) and a message for people."""

    kind: AuthProblemKind
    field: str
    message: str

    @property
    def error_kind(self) -> SigningErrorKind:
        """The :class:`SigningError` kind the strict parser raises for it."""
        return "scope" if self.kind in {"credential", "scope-date"} else "malformed"


@dataclass(frozen=True, slots=True)
class Authorization:
    """What a SigV4 request says about its own signature: the parts of its ``Authorization``
    header, or of its presigned query's ``X-Amz-*`` parameters (``presigned``). The one type for
    them: the verifier, the checker and ``sesspec verify`` read a request into it, and
    :func:`parse_authorization` returns it.

    The readers read leniently: every part they can, a part they cannot read left empty (``""``,
    or ``()`` for the signed headers), and every problem found on the way in ``problems``, in
    the order a strict reader meets them; with no problem every part is there. ``fields`` maps
    each element or parameter to its value as written (the first of repeats; not compared, and
    left out of the ``repr``: a presigned query's ``X-Amz-Security-Token`` is a secret).
    ``request_date`` is a presigned query's ``X-Amz-Date`` (a header-signed request's date is a
    header), ``expires`` its ``X-Amz-Expires`` in seconds when that is readable.
    """

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    presigned: bool = False
    request_date: str | None = None
    expires: int | None = None
    problems: tuple[AuthProblem, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def first(self, *kinds: AuthProblemKind) -> AuthProblem | None:
        """The first problem of one of ``kinds`` (of any kind when none is named)."""
        return next((p for p in self.problems if not kinds or p.kind in kinds), None)

    @property
    def scope(self) -> str:
        """``date/region/service/aws4_request`` (IAM-SIGV4's credential scope)."""
        return credential_scope(self.date, region=self.region, service=self.service)


#: The name :class:`Authorization` had as the lenient readers' result; the same type.
AuthParts = Authorization


def _credential(
    value: str, field_name: str, problems: list[AuthProblem]
) -> tuple[str, str, str, str] | None:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != TERMINATOR or not all(parts[:4]):
        message = f"Credential must be AKID/YYYYMMDD/region/service/aws4_request: {value!r}"
        problems.append(AuthProblem("credential", field_name, message))
        return None
    if len(parts[1]) != 8 or not (parts[1].isascii() and parts[1].isdigit()):
        message = f"credential scope date must be YYYYMMDD: {parts[1]!r}"
        problems.append(AuthProblem("scope-date", field_name, message))
    return parts[0], parts[1], parts[2], parts[3]


_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


def read_authorization(value: str) -> Authorization:
    """Read ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`` leniently.

    Commas may or may not be followed by spaces (IAM-SIGV4 writes ``,``, botocore ``, ``).
    Each element is read as far as it can be; what is wrong is an :class:`AuthProblem`: another
    algorithm, an element without '=', an unknown or repeated element, a missing one, a scope
    that is not five parts, a signature that is not 64 lower-case hex digits.
    """
    problems: list[AuthProblem] = []
    prefix = ALGORITHM + " "
    if not value.startswith(prefix):
        message = f"Authorization must start with {prefix!r}: {value[:40]!r}"
        problems.append(AuthProblem("algorithm", "Authorization", message))
    rest = value[len(prefix) :] if value.startswith(prefix) else value.removeprefix(ALGORITHM)
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, eq, val = part.strip(" ").partition("=")
        if not eq:
            message = f"Authorization element without '=': {part.strip()!r}"
            problems.append(AuthProblem("element", "Authorization", message))
        elif key not in _HEADER_FIELDS:
            message = f"unknown Authorization element {key!r}"
            problems.append(AuthProblem("unknown", key, message))
        elif key in fields:
            message = f"repeated Authorization element {key!r}"
            problems.append(AuthProblem("repeated", key, message))
        else:
            fields[key] = val
    for key in _HEADER_FIELDS:
        if key not in fields:
            problems.append(AuthProblem("missing", key, f"Authorization lacks {key}="))
    scope = None
    if "Credential" in fields:
        scope = _credential(fields["Credential"], "Credential", problems)
    names: tuple[str, ...] | None = None
    if "SignedHeaders" in fields:
        names = tuple(fields["SignedHeaders"].split(";"))
        if not all(names):
            message = f"empty name in SignedHeaders: {fields['SignedHeaders']!r}"
            problems.append(AuthProblem("signed-headers", "SignedHeaders", message))
    sig = fields.get("Signature")
    if sig is not None and not _HEX64.match(sig):
        message = f"Signature must be 64 lowercase hex digits: {sig!r}"
        problems.append(AuthProblem("signature", "Signature", message))
    akid, date, region, service = scope or ("", "", "", "")
    return Authorization(
        akid,
        date,
        region,
        service,
        names or (),
        sig or "",
        problems=tuple(problems),
        fields=fields,
    )


def read_presigned(pairs: Iterable[tuple[str, str]]) -> Authorization:
    """Read a presigned query's ``X-Amz-*`` parameters (decoded ``pairs``, the first of
    repeats) leniently: every parameter found, and as :class:`AuthProblem` another algorithm,
    a missing parameter (``X-Amz-Expires`` included: only S3 requires it,
    docs/spec.md#policy-expiry, so a reader decides how much that matters), a credential that is not
    five parts, an ``X-Amz-Expires`` that is not a whole number of seconds of at least 1."""
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in PRESIGNED_PARAMS and name not in fields:
            fields[name] = value
    problems: list[AuthProblem] = []
    algorithm = fields.get("X-Amz-Algorithm")
    if algorithm is not None and algorithm != ALGORITHM:
        message = f"X-Amz-Algorithm must be {ALGORITHM}"
        problems.append(AuthProblem("algorithm", "X-Amz-Algorithm", message))
    for key in PRESIGNED_PARAMS[:6]:
        if key not in fields:
            problems.append(AuthProblem("missing", key, f"presigned request lacks {key}"))
    scope = None
    if "X-Amz-Credential" in fields:
        scope = _credential(fields["X-Amz-Credential"], "X-Amz-Credential", problems)
    expires = None
    text = fields.get("X-Amz-Expires")
    if text is not None:
        expires = expires_seconds(text)
        if expires is None:
            message = f"X-Amz-Expires is not a number: {text[:40]!r}"
            problems.append(AuthProblem("expires", "X-Amz-Expires", message))
        elif expires < 1:
            message = f"X-Amz-Expires must be at least 1: {text!r}"
            problems.append(AuthProblem("expires", "X-Amz-Expires", message))
            expires = None
    names = fields.get("X-Amz-SignedHeaders")
    akid, date, region, service = scope or ("", "", "", "")
    return Authorization(
        akid,
        date,
        region,
        service,
        () if names is None else tuple(names.split(";")),
        fields.get("X-Amz-Signature", ""),
        presigned=True,
        request_date=fields.get("X-Amz-Date"),
        expires=expires,
        problems=tuple(problems),
        fields=fields,
    )


def parse_authorization(value: str) -> Authorization:
    """Parse ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`` strictly:
    :func:`read_authorization`, and its first problem raised as a :class:`SigningError` (kind
    ``scope`` for the credential, else ``malformed``)."""
    authorization = read_authorization(value)
    problem = authorization.first()
    if problem is None:  # every part read (Authorization's docstring)
        return authorization
    raise SigningError(
        problem.message, scheme=SCHEME, stage="authorization", kind=problem.error_kind
    )
