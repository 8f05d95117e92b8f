"""What every signer refuses before it signs: credentials it cannot use, and header lines that
would break the request (the values sesspec writes into a header section, or that a signature
covers as one).

A control character in a value that becomes part of a header line (CR and LF above all) would
end that line early and write lines of its own: the Host of another request, a second
Authorization, an empty line that starts the body. RFC 9110 section 5.5: "Field values
containing CR, LF, or NUL characters are invalid and dangerous". A header of a
:class:`~sesspec.http.RawRequest` is its field value, so no line break is allowed in it at all:
a request parsed from the wire (and the SigV4 suites' multi-line values) has each obs-fold
replaced by one SP in its values (RFC 9112 section 5.2), what arrived being kept apart.

Errors name the value and the position, never the value itself: a secret key or session token
must not reach a log through an error message.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from sesspec.errors import SigningError
from sesspec.params import query_params

if TYPE_CHECKING:
    from sesspec.http import RawRequest

# C0 controls and DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# In a field value: a control other than HTAB (RFC 9110 section 5.5).
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _control_at(text: str) -> int | None:
    found = _CONTROL.search(text)
    return None if found is None else found.start()


def require_credentials(
    scheme: str, *, access_key_id: str, secret_access_key: str, session_token: str | None
) -> None:
    """Refuse an empty key id or secret, an empty session token, and a control character in
    any of them (kind ``credentials``)."""
    for what, value in (
        ("access key id", access_key_id),
        ("secret access key", secret_access_key),
        ("session token", session_token),
    ):
        if value is None:
            continue
        if not value:
            msg = f"the {what} is empty"
            raise SigningError(msg, scheme=scheme, stage="credentials", kind="credentials")
        at = _control_at(value)
        if at is not None:
            code = ord(value[at])
            msg = f"the {what} holds a control character (U+{code:04X}) at position {at}"
            raise SigningError(msg, scheme=scheme, stage="credentials", kind="credentials")


def require_scope(scheme: str, *, region: str, service: str) -> None:
    """Refuse an empty region or service, or one holding a control character (kind ``header``:
    both are written into the Authorization header) or a '/' (kind ``scope``: it would shift
    the fields of the credential scope)."""
    for what, value in (("region", region), ("service", service)):
        if not value or "/" in value:
            msg = f"the {what} {value!r} cannot stand in a credential scope (empty, or a '/')"
            raise SigningError(msg, scheme=scheme, stage="scope", kind="scope")
        at = _control_at(value)
        if at is not None:
            msg = f"the {what} {value!r} holds a control character at position {at}"
            raise SigningError(msg, scheme=scheme, stage="scope", kind="header")


def require_signable(
    scheme: str,
    *,
    access_key_id: str,
    secret_access_key: str,
    session_token: str | None,
    region: str,
    service: str,
) -> None:
    """:func:`require_credentials` and :func:`require_scope` (SigV4 signs both)."""
    require_credentials(
        scheme,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
    )
    require_scope(scheme, region=region, service=service)


def header_problem(name: str, value: str) -> str | None:
    """Why the header line ``name: value`` cannot be written safely, or None."""
    if name and ":" not in name and name.isprintable() and value.isprintable():
        return None  # the common case, in two C calls
    if not name or ":" in name or _control_at(name) is not None:
        return f"header name {name!r} is empty or holds a ':' or a control character"
    bad = _BAD_VALUE.search(value)
    if bad is not None:
        return (
            f"the value of header {name!r} holds a control character "
            f"(U+{ord(bad.group()):04X}) that would break the header line"
        )
    return None


def require_headers(scheme: str, headers: Iterable[tuple[str, str]]) -> None:
    """Refuse a header whose name or value would break its line (kind ``header``)."""
    for name, value in headers:
        problem = header_problem(name, value)
        if problem is not None:
            raise SigningError(problem, scheme=scheme, stage="headers", kind="header")


#: The header fields that carry a request's signature: SigV4's ``Authorization`` (IAM-SIGV4) and
#: AWS3-HTTPS's ``X-Amzn-Authorization`` (docs/spec.md#aws3-header).
SIGNATURE_HEADERS = ("Authorization", "X-Amzn-Authorization")

#: The query parameter that makes a request presigned with SigV4: a verifier reads the query's
#: signature when it is there (docs/spec.md#auth-one-method).
PRESIGN_MARKER = "X-Amz-Algorithm"


def unsigned(scheme: str, req: RawRequest, *, query_refused: Collection[str]) -> RawRequest:
    """``req`` as every signer starts from it: without a signature of its own
    (docs/spec.md#auth-sign-replaces).

    A signature already in a header (:data:`SIGNATURE_HEADERS`, of any scheme) is dropped: it is
    the stale signature of an earlier signing, and a request carrying two would be refused
    (docs/spec.md#auth-one-method). A query that holds one of ``query_refused`` (authentication
    parameters: the presign marker for every scheme; for a presigned request, every parameter
    it writes) is refused, kind ``malformed``, stage ``request``: taking parameters out of a URL
    would change what the caller wrote in it.
    """
    if req.query:
        names = {name for name, _ in query_params(req)}
        found = sorted(names.intersection(query_refused))
        if found:
            msg = (
                f"the query already holds {found[0]}: a request signed in its query is not "
                "signed again (take its authentication parameters out first)"
            )
            raise SigningError(msg, scheme=scheme, stage="request")
    lowered = {name.lower() for name in SIGNATURE_HEADERS}
    if any(name.lower() in lowered for name, _ in req.headers):
        return req.without_headers(*SIGNATURE_HEADERS)
    return req
