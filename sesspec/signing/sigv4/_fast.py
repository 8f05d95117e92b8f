"""SigV4's one fused path: the common SES request signed in one pass.

``Signer.sign`` (and so :func:`sesspec.signing.sigv4.sign`) tries this first for a request to
``/`` without a session token or options: headers that make the signed set exactly host,
content-type (when present) and the ``X-Amz-Date`` added here, each once, with values that
need at most their edges trimmed. It writes the canonical request and string to sign in one
go, from canonical header lines cached per Host and Content-Type value, and signs with the
HMAC pad states cached per key (:func:`~sesspec.signing.sigv4._stages.signing_pads`, which
checks the credentials and the scope once per key). Anything else (an x-amz-* header, an old
Authorization or X-Amzn-Authorization, a repeat, a tab or a run of spaces, a name or value that
may not be a plain header line) gets None, and the signer takes its one assembly, which
assembles the stages with :func:`~sesspec.signing.sigv4.compute`.

The two are held equal by ``tests/test_signer.py`` (a property test over header names, cases,
values, edges and repeats, on both sides of the boundary). This module is the only place
besides :func:`~sesspec.signing.sigv4.compute` where a canonical request is written: it is
what the benchmark compares with awscrt and botocore.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache

from sesspec.http import RawRequest
from sesspec.signing import Signed
from sesspec.signing.sigv4._dates import amz_date
from sesspec.signing.sigv4._stages import (
    ALGORITHM,
    authorization_value,
    credential_scope,
    signing_pads,
)

__all__ = ["sign"]

# Headers that send a request down the general path (with any x-amz-* header): a signature
# already there is dropped there (docs/spec.md#auth-sign-replaces).
_NOT_DEFAULT = frozenset(("host", "content-type", "authorization", "x-amzn-authorization"))
# Header names that need no look at their characters here (any other name must be printable
# and without ':', or the general path checks the line).
_PLAIN_NAMES = frozenset(
    ("content-length", "user-agent", "accept", "accept-encoding", "date", "connection")
)
_sha256 = hashlib.sha256
_ENC = "utf-8"
_ERR = "surrogateescape"
# The signed request and Signed(*stages) made as named tuples are, in C (as their _make does),
# without a Python-level __new__: both are made for every signature, from fields known good.
_new_tuple = tuple.__new__


@lru_cache(maxsize=512)
def _moment(
    time: datetime, access_key_id: str, secret_access_key: str, region: str, service: str
) -> tuple[str, str, hashlib._Hash, hashlib._Hash]:
    """The request time, the scope and the HMAC pad states of its signing key (one look-up for
    what a signer's every request at that time shares)."""
    date = amz_date(time)
    datestamp = date[:8]
    inner, outer = signing_pads(access_key_id, secret_access_key, datestamp, region, service)
    return date, credential_scope(datestamp, region=region, service=service), inner, outer


@lru_cache(maxsize=256)
def _default_lines(host: str, ctype: str | None) -> tuple[str, str] | None:
    """CanonicalHeaders up to X-Amz-Date and SignedHeaders for these Host and Content-Type
    values, or None when a value needs more than trimming (a tab, a control, a run of spaces:
    the general path folds them). Cached: a client or a verifying server sees the same few
    hosts and content types again and again."""
    # IAM-SIGV4: values trimmed, inner runs of spaces folded (here only trimming is needed).
    host = host.strip(" ")
    if ctype is None:
        values = host
        lines = f"host:{host}\n", "host;x-amz-date"
    else:
        ctype = ctype.strip(" ")
        values = ctype + host  # no run of spaces can form at the seam: both are trimmed
        lines = f"content-type:{ctype}\nhost:{host}\n", "content-type;host;x-amz-date"
    return lines if values.isprintable() and "  " not in values else None


def sign(  # noqa: PLR0917 - positional: called for every signature
    req: RawRequest,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str,
    hashed: str | None,
) -> Signed | None:
    """``sigv4.sign(req, ...)`` of a request to '/' without a session token or options, or
    None when its headers are not the common case (module docstring)."""
    host = ctype = None
    headers = req.headers
    for name, value in headers:
        lname = name.lower()
        if lname == "host":
            if host is not None:
                return None
            host = value
        elif lname == "content-type":
            if ctype is not None:
                return None
            ctype = value
        elif lname in _PLAIN_NAMES:
            if not value.isprintable():
                return None
        elif (
            lname in _NOT_DEFAULT
            or lname[:6] == "x-amz-"
            or not value.isprintable()
            or not (name and name.isprintable() and ":" not in name)
        ):
            return None
    lines = _default_lines(host, ctype) if host is not None else None
    if lines is None:
        return None
    ch, sh = lines
    date, scope, inner, outer = _moment(time, access_key_id, secret_access_key, region, service)
    body = req.body
    if hashed is None:
        hashed = _sha256(body).hexdigest()
    creq = f"{req.method}\n/\n\n{ch}x-amz-date:{date}\n\n{sh}\n{hashed}"
    sts = f"{ALGORITHM}\n{date}\n{scope}\n{_sha256(creq.encode(_ENC, _ERR)).hexdigest()}"
    inner = inner.copy()
    inner.update(sts.encode(_ENC, _ERR))
    outer = outer.copy()
    outer.update(inner.digest())
    sig = outer.hexdigest()
    value = authorization_value(access_key_id, scope=scope, signed_headers=sh, signature=sig)
    signed = _new_tuple(
        RawRequest,
        (
            req.method,
            "/",
            req.version,
            headers + (("X-Amz-Date", date), ("Authorization", value)),  # noqa: RUF005 - C concatenation
            body,
            req.line_ending,
            None,
        ),
    )
    return _new_tuple(Signed, (signed, creq, sts, sig, sh, scope))
