"""The legacy ``AWS3-HTTPS`` scheme (``X-Amzn-Authorization``), which SES accepted until 2020/21.

docs/spec.md#aws3 (GUIDE-AUTH-OLD; boto ``HmacAuthV3Handler``; botocore ``SigV3Auth``):

* Header: ``X-Amzn-Authorization: AWS3-HTTPS AWSAccessKeyId=<AKID>, Algorithm=HmacSHA256,
  Signature=<base64>``; boto and botocore join the fields with ``,`` and no space.
* ``Algorithm`` is ``HmacSHA256`` or ``HmacSHA1``.
* String to sign = **the exact value of the Date header** (RFC 1123), or of ``X-Amz-Date`` when
  present (botocore); key = the raw secret; signature = base64 of the raw HMAC digest. Body, path
  and params are not signed.
* A session token travels as an unsigned ``X-Amz-Security-Token`` header.

SES stopped accepting this scheme (docs/spec.md#auth-cutoff); it is here for the historical record
and so that the checker can recognise it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from sesspec.errors import SigningError
from sesspec.http import RawRequest
from sesspec.signing import Signed, VerifyResult, _guard
from sesspec.signing._legacy import hmac_base64

__all__ = [
    "ALGORITHMS",
    "SCHEME",
    "Aws3Authorization",
    "Signed",
    "VerifyResult",
    "authorization_value",
    "parse_authorization",
    "request_time",
    "sign",
    "signature",
    "string_to_sign",
    "verify",
]


def __dir__() -> list[str]:
    return __all__


#: The scheme token that starts the header value.
SCHEME = "AWS3-HTTPS"
#: ``Algorithm`` values and their hash (GUIDE-AUTH-OLD: "either SHA256 or SHA1").
ALGORITHMS = {"HmacSHA256": "sha256", "HmacSHA1": "sha1"}
_NAME = "aws3"


def _digest_name(algorithm: str, *, stage: str) -> str:
    # AWS's 2020 page spells it HMACSHA256 (docs/spec.md#aws3-header): accept any case.
    for known, digest in ALGORITHMS.items():
        if algorithm.lower() == known.lower():
            return digest
    msg = f"Algorithm must be HmacSHA256 or HmacSHA1: {algorithm!r}"
    raise SigningError(msg, scheme=_NAME, stage=stage)


def string_to_sign(req: RawRequest) -> str:
    """The exact ``X-Amz-Date`` value if present, else the exact ``Date`` value
    (docs/spec.md#aws3-string-to-sign).

    SES answered a request with neither "Either Date or x-amz-date header must be specified in
    the request" (drewblas/aws-ses#69): :class:`SigningError` here.
    """
    for name in ("X-Amz-Date", "Date"):
        value = req.header(name)
        if value is not None:
            return value
    msg = "Either Date or x-amz-date header must be specified in the request"
    raise SigningError(msg, scheme=_NAME, stage="string-to-sign")


def signature(secret_access_key: str, *, string_to_sign: str, algorithm: str = "HmacSHA256") -> str:
    """``base64(HMAC(secret, string_to_sign))`` with the named algorithm."""
    digest = _digest_name(algorithm, stage="signature")
    return hmac_base64(secret_access_key, string_to_sign, digest)


def authorization_value(
    access_key_id: str, *, signature: str, algorithm: str = "HmacSHA256", separator: str = ","
) -> str:
    """``AWS3-HTTPS AWSAccessKeyId=..,Algorithm=..,Signature=..``; ``separator=", "`` gives
    the form of the SES developer guide."""
    return (
        f"{SCHEME} AWSAccessKeyId={access_key_id}{separator}Algorithm={algorithm}"
        f"{separator}Signature={signature}"
    )


@dataclass(frozen=True, slots=True)
class Aws3Authorization:
    """A parsed ``X-Amzn-Authorization`` value."""

    access_key_id: str
    algorithm: str
    signature: str


def parse_authorization(value: str) -> Aws3Authorization:
    """Parse ``AWS3-HTTPS AWSAccessKeyId=..., Algorithm=..., Signature=...`` (``,`` or ``, ``).

    Raises :class:`SigningError` for another scheme, unknown/missing/repeated fields.
    """
    stage = "authorization"
    prefix = SCHEME + " "
    if not value.startswith(prefix):
        msg = f"X-Amzn-Authorization must start with {prefix!r}: {value[:40]!r}"
        raise SigningError(msg, scheme=_NAME, stage=stage)
    fields: dict[str, str] = {}
    for part in value[len(prefix) :].split(","):
        key, eq, val = part.strip(" ").partition("=")
        if not eq or key not in ("AWSAccessKeyId", "Algorithm", "Signature") or key in fields:
            msg = f"unexpected X-Amzn-Authorization element {part.strip()!r}"
            raise SigningError(msg, scheme=_NAME, stage=stage)
        fields[key] = val
    for key in ("AWSAccessKeyId", "Algorithm", "Signature"):
        if key not in fields:
            msg = f"X-Amzn-Authorization lacks {key}="
            raise SigningError(msg, scheme=_NAME, stage=stage)
    _digest_name(fields["Algorithm"], stage=stage)
    return Aws3Authorization(fields["AWSAccessKeyId"], fields["Algorithm"], fields["Signature"])


def sign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    time: datetime,
    algorithm: str = "HmacSHA256",
    session_token: str | None = None,
) -> Signed:
    """Add ``Date`` (RFC 1123, from ``time``) if neither Date nor X-Amz-Date is present, the
    unsigned ``X-Amz-Security-Token`` if any, and ``X-Amzn-Authorization``; the result's
    ``string_to_sign`` is the date value signed. A signature the request already carries is
    dropped, a presigned query refused (docs/spec.md#auth-sign-replaces).

    Raises :class:`SigningError` for empty credentials, or a control character in them or in
    a header (:mod:`sesspec.signing._guard`).
    """
    _guard.require_credentials(
        _NAME,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
    )
    r = _guard.unsigned(_NAME, req, query_refused=(_guard.PRESIGN_MARKER,))
    _guard.require_headers(_NAME, r.headers)
    if r.header("Date") is None and r.header("X-Amz-Date") is None:
        t = time.replace(tzinfo=UTC) if time.tzinfo is None else time.astimezone(UTC)
        r = r.with_header("Date", format_datetime(t, usegmt=True))
    if session_token is not None:
        r = r.with_header("X-Amz-Security-Token", session_token)
    sts = string_to_sign(r)
    sig = signature(secret_access_key, string_to_sign=sts, algorithm=algorithm)
    value = authorization_value(access_key_id, signature=sig, algorithm=algorithm)
    signed = r.with_header("X-Amzn-Authorization", value)
    return Signed(signed, "", sts, sig, "", "")


def request_time(value: str) -> datetime | None:
    """The time of a ``Date`` (RFC 1123) or ``X-Amz-Date`` (ISO 8601 basic) value, or None."""
    if len(value) == 16 and value.endswith("Z") and value[8] == "T":
        try:
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def verify(
    req: RawRequest,
    *,
    secret_access_key: str | Callable[[str], str | None],
    now: datetime | None,
    max_skew: timedelta = timedelta(minutes=15),
) -> VerifyResult:
    """Check ``X-Amzn-Authorization`` in constant time; with ``now``, check the date skew."""
    value = req.header("X-Amzn-Authorization")
    if value is None:
        return VerifyResult(False, "missing", "no X-Amzn-Authorization header")
    try:
        auth = parse_authorization(value)
    except SigningError as exc:
        return VerifyResult(False, "malformed", str(exc))
    try:
        sts = string_to_sign(req)
    except SigningError as exc:
        return VerifyResult(False, "date", str(exc))
    secret = (
        secret_access_key(auth.access_key_id) if callable(secret_access_key) else secret_access_key
    )
    if secret is None:
        return VerifyResult(False, "unknown-key", f"unknown access key id {auth.access_key_id!r}")
    expected = signature(secret, string_to_sign=sts, algorithm=auth.algorithm)
    stages = {"string_to_sign": sts, "expected_signature": expected}
    given = auth.signature
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "surrogateescape")):
        return VerifyResult(
            False, "mismatch", "signature does not match", **stages, given_signature=given
        )
    if now is not None:
        when = request_time(sts)
        if when is None:
            msg = f"unparseable date {sts!r}"
            return VerifyResult(False, "date", msg, **stages, given_signature=given)
        current = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        if abs(current - when) > max_skew:
            msg = f"request date {sts!r} is more than {max_skew} from now (RequestExpired)"
            return VerifyResult(False, "skew", msg, **stages, given_signature=given)
    return VerifyResult(True, "verified", "signature matches", **stages, given_signature=given)
