"""Verifying a SigV4 request (header or presigned): read what it says about its signature
(:mod:`sesspec.signing.sigv4._reader`), recompute the signature from the request as sent and
compare (docs/spec.md#sigv4-verification), then judge its time (docs/spec.md#sigv4-skew,
docs/spec.md#sigv4-expiry)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from sesspec.errors import EncodingError, SigningError
from sesspec.http import RawRequest
from sesspec.params import query_params
from sesspec.signing import VerifyKind, VerifyResult
from sesspec.signing.sigv4 import _stages
from sesspec.signing.sigv4._config import DEFAULT_CONFIG, SigningConfig
from sesspec.signing.sigv4._dates import amz_date, parse_http_date, request_time, time_problem
from sesspec.signing.sigv4._reader import (
    Authorization,
    AuthProblemKind,
    read_authorization,
    read_presigned,
)
from sesspec.signing.sigv4._stages import SCHEME, Stages

__all__ = ["SecretLookup", "recompute", "verify"]

_ENC = "utf-8"
_ERR = "surrogateescape"


SecretLookup = Callable[[str], str | None]

# The order in which verify reports what is wrong with a presigned query (the algorithm, the
# parameters it needs, the credential, the expiry), as SES would refuse it first.
_PRESIGN_ORDER: tuple[tuple[AuthProblemKind, str | None], ...] = (
    ("algorithm", None),
    ("missing", "X-Amz-Credential"),
    ("missing", "X-Amz-Date"),
    ("missing", "X-Amz-SignedHeaders"),
    ("missing", "X-Amz-Signature"),
    ("missing", "X-Amz-Expires"),
    ("credential", None),
    ("scope-date", None),
    ("expires", None),
)


def _presign_refusal(parts: Authorization) -> VerifyResult | None:
    for kind, field_name in _PRESIGN_ORDER:
        for problem in parts.problems:
            if problem.kind == kind and field_name in (None, problem.field):
                if problem.error_kind == "scope":
                    return VerifyResult(False, "scope", f"{SCHEME} presign: {problem.message}")
                return VerifyResult(False, "malformed", problem.message)
    return None


def recompute(
    req: RawRequest,
    authorization: Authorization,
    *,
    amz_date: str,
    secret_access_key: str,
    config: SigningConfig = DEFAULT_CONFIG,
    canonical_query: str | None = None,
    canonical_headers: str | None = None,
    payload_hash: str | None = None,
) -> Stages:
    """The stages the spec gives for ``req``, signed as ``authorization`` says: the one
    recomputation of a SigV4 signature, which :func:`verify` and the checker both call
    (docs/spec.md#sigv4-verification).

    From the request as sent: the canonical URI of its path (``config.normalize``,
    ``config.double_uri_encode``), the canonical query of its query string (``X-Amz-Signature``
    left out of a presigned one), the canonical headers of the headers ``authorization`` signs
    (``config.sort_repeated_values``), the SHA-256 of its body. From ``authorization``: the
    signed header names, the scope's date, region and service (a checker that asks what another
    region gives passes ``dataclasses.replace(authorization, region=...)``). ``amz_date`` is the
    request time in ISO 8601 basic form.

    ``canonical_query``, ``canonical_headers`` and ``payload_hash``, when given, are used instead
    of the request's: what a client computed by mistake, or a payload hash the request declares
    (``UNSIGNED-PAYLOAD``). Raises :class:`SigningError` (stage ``canonical-headers``) when a
    signed header is not in the request.
    """
    if canonical_query is None:
        exclude = ("X-Amz-Signature",) if authorization.presigned else ()
        canonical_query = _stages.canonical_query(req.query, exclude=exclude)
    if canonical_headers is None:
        canonical_headers = _stages.canonical_headers(
            req.headers,
            signed=authorization.signed_headers,
            sort_repeated_values=config.sort_repeated_values,
        )
    return _stages.compute(
        req.method,
        canonical_uri=_stages.canonical_uri(
            req.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
        ),
        canonical_query=canonical_query,
        canonical_headers=canonical_headers,
        signed_headers=_stages.signed_headers_value(authorization.signed_headers),
        payload_hash=_stages.payload_hash(req.body) if payload_hash is None else payload_hash,
        amz_date=amz_date,
        date=authorization.date,
        region=authorization.region,
        service=authorization.service,
        secret_access_key=secret_access_key,
    )


def verify(
    req: RawRequest,
    *,
    secret_access_key: str | SecretLookup,
    now: datetime | None,
    max_skew: timedelta = timedelta(minutes=15),
    region: str | None = None,
    service: str | None = None,
    config: SigningConfig = DEFAULT_CONFIG,
) -> VerifyResult:
    """Check a SigV4 request (header or presigned) against the secret.

    ``secret_access_key`` is the secret or a lookup from access key id to secret (None:
    unknown key). The signature is recomputed from the request as sent (the payload hash is
    always the SHA-256 of the body) and compared in constant time (``hmac.compare_digest``).

    The request time of a header-signed request is ``X-Amz-Date`` or, when there is none, the
    ``Date`` header, in ISO 8601 basic form or as an RFC 9110 HTTP-date (sigv4-date-handling;
    docs/spec.md#sigv4-dates: "When X-Amz-Date is used, it always overrides the value of the Date
    header"); the string to sign carries it in ISO 8601 basic form, as the 2011 suite signs
    ``Date: Mon, 09 Sep 2011 23:36:00 GMT`` as ``20110909T233600Z``. A presigned request's
    time is its ``X-Amz-Date`` parameter, and its ``X-Amz-Expires`` a whole number of seconds,
    at least 1.

    With ``now``, the time is checked as SES does (docs/spec.md#sigv4-skew,
    docs/spec.md#sigv4-expiry, ``RequestExpired``): the request date may differ from ``now`` by at
    most ``max_skew``; a presigned request is also refused after date + X-Amz-Expires.
    ``region``/``service``, when given, must match the scope. ``config`` gives ``normalize``,
    ``double_uri_encode`` and ``sort_repeated_values`` (S3 and the 2011 suite). Failures are
    reported with their :data:`VerifyKind`, never raised.
    """
    auth_header = req.header("Authorization")
    try:
        params = query_params(req)
    except EncodingError as exc:  # more than encoding.MAX_PAIRS parameters
        return VerifyResult(False, "limit", f"{exc.message} (query offset {exc.offset})")
    presigned = any(name == "X-Amz-Algorithm" for name, _ in params)
    if auth_header is not None and presigned:
        return VerifyResult(
            False,
            "mixed",
            "both an Authorization header and X-Amz-Algorithm query "
            "authentication (IAM-SIGV4: use one or the other)",
        )
    if auth_header is None and not presigned:
        return VerifyResult(
            False,
            "missing",
            "no SigV4 authentication: no Authorization header and no "
            "X-Amz-Algorithm query parameter",
        )
    if presigned:
        parts = read_presigned(params)
        refusal = _presign_refusal(parts)
        if refusal is not None:
            return refusal
        date_value = parts.request_date
    else:
        parts = read_authorization(auth_header or "")
        problem = parts.first()
        if problem is not None:
            kind: VerifyKind = "scope" if problem.error_kind == "scope" else "malformed"
            return VerifyResult(False, kind, f"{SCHEME} authorization: {problem.message}")
        date_value = req.header("X-Amz-Date")
    return _verify_parts(
        req,
        parts,
        date_value,
        secret_access_key=secret_access_key,
        now=now,
        max_skew=max_skew,
        region=region,
        service=service,
        config=config,
    )


def _verify_parts(
    req: RawRequest,
    parts: Authorization,
    date_value: str | None,
    *,
    secret_access_key: str | SecretLookup,
    now: datetime | None,
    max_skew: timedelta,
    region: str | None,
    service: str | None,
    config: SigningConfig,
) -> VerifyResult:
    akid, date, reg, svc = parts.access_key_id, parts.date, parts.region, parts.service
    # Every part is there: verify returned on each problem the readers can find.
    given, signed_names = parts.signature, parts.signed_headers
    if date_value is not None:
        when = request_time(date_value)
        if when is None:
            return VerifyResult(
                False,
                "date",
                f"X-Amz-Date is not ISO 8601 basic (YYYYMMDD'T'HHMMSS'Z'): {date_value!r}",
                given_signature=given,
            )
    else:  # sigv4-date-handling: no X-Amz-Date, so the Date header
        date_value = req.header("Date")
        if date_value is None:
            return VerifyResult(
                False,
                "date",
                "no request date: neither X-Amz-Date nor Date",
                given_signature=given,
            )
        when = request_time(date_value) or parse_http_date(date_value)
        if when is None:
            return VerifyResult(
                False,
                "date",
                f"Date is neither ISO 8601 basic nor an HTTP-date: {date_value!r}",
                given_signature=given,
            )
    request_date = amz_date(when)
    if request_date[:8] != date:
        return VerifyResult(
            False,
            "date",
            f"credential scope date {date} is not the request date {request_date[:8]}",
            given_signature=given,
        )
    if region is not None and reg != region:
        return VerifyResult(
            False, "region", f"scope region {reg!r} is not {region!r}", given_signature=given
        )
    if service is not None and svc != service:
        return VerifyResult(
            False, "service", f"scope service {svc!r} is not {service!r}", given_signature=given
        )
    if "host" not in signed_names:
        return VerifyResult(
            False,
            "signed-headers",
            "SignedHeaders must include host (IAM-SIGV4)",
            given_signature=given,
        )
    secret = secret_access_key(akid) if callable(secret_access_key) else secret_access_key
    if secret is None:
        return VerifyResult(
            False, "unknown-key", f"unknown access key id {akid!r}", given_signature=given
        )
    try:
        stages = recompute(
            req, parts, amz_date=request_date, secret_access_key=secret, config=config
        )
    except SigningError as exc:  # a signed header is not in the request
        return VerifyResult(False, "signed-headers", str(exc), given_signature=given)
    expected = stages.signature
    found = {
        "canonical_request": stages.canonical_request,
        "string_to_sign": stages.string_to_sign,
        "expected_signature": expected,
        "given_signature": given,
    }
    if not hmac.compare_digest(expected.encode("ascii"), given.encode(_ENC, _ERR)):
        return VerifyResult(
            False, "mismatch", "signature does not match (SignatureDoesNotMatch)", **found
        )
    if now is not None:
        problem = time_problem(when, now=now, expires=parts.expires, max_skew=max_skew)
        if problem is not None:
            return VerifyResult(False, problem[0], problem[1], **found)
    return VerifyResult(True, "verified", "signature matches", **found)
