"""AWS Signature Version 2 (query parameters, HmacSHA256/HmacSHA1), for the historical record.

SES never documented SigV2 (docs/spec.md#sigv2-status); the scheme is kept so the checker can name
it. Rules (https://docs.aws.amazon.com/general/latest/gr/signature-version-2.html, and the
``sigv2_rules`` of the sigv2-sigv3-vectors set):

    StringToSign = HTTPVerb + "\\n" + ValueOfHostHeaderInLowercase + "\\n" +
                   HTTPRequestURI + "\\n" + CanonicalizedQueryString

"Sort the UTF-8 query string components by parameter name with natural byte ordering" ...
"URL encode the parameter name and values according to the following rules: Do not URL encode
any of the unreserved characters that RFC 3986 defines ... Percent encode all other characters
with %XY ... hexadecimal characters must be uppercase ... Percent encode extended UTF-8
characters ... Percent encode the space character as %20 (and not +)". The ``Signature``
parameter itself is left out. The signature is the base64 of the HMAC of the string to sign.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sesspec.encoding import Pairs, form_encode, percent_encode
from sesspec.errors import EncodingError, SigningError
from sesspec.http import RawRequest
from sesspec.params import read_params
from sesspec.signing import Signed, VerifyKind, VerifyResult, _guard
from sesspec.signing._legacy import hmac_base64

__all__ = [
    "SIGNATURE_METHODS",
    "Signed",
    "VerifyResult",
    "canonical_query_string",
    "request_time",
    "sign",
    "sign_params",
    "signature",
    "string_to_sign",
    "timestamp",
    "verify",
    "verify_params",
]


def __dir__() -> list[str]:
    return __all__


#: SignatureMethod values and their hash.
SIGNATURE_METHODS = {"HmacSHA256": "sha256", "HmacSHA1": "sha1"}
_NAME = "sigv2"


def timestamp(time: datetime) -> str:
    """``Timestamp`` as botocore and aws-sdk-go write it: ``2014-06-20T08:40:23Z`` (UTC)."""
    t = time.replace(tzinfo=UTC) if time.tzinfo is None else time.astimezone(UTC)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def canonical_query_string(
    params: Iterable[tuple[str, str]], *, exclude: Iterable[str] = ("Signature",)
) -> str:
    """Sort by name in UTF-8 byte order (then value), UriEncode both, join with ``&``.

    The sort is on the *raw* name (the docs sort "components by parameter name with natural
    byte ordering" before encoding); ``exclude`` names are dropped (the Signature).
    """
    drop = set(exclude)
    items = sorted(
        (
            (n.encode("utf-8", "surrogateescape"), v.encode("utf-8", "surrogateescape"))
            for n, v in params
            if n not in drop
        ),
    )
    return "&".join(f"{percent_encode(n)}={percent_encode(v)}" for n, v in items)


def string_to_sign(method: str, *, host: str, path: str, canonical_query: str) -> str:
    """``METHOD\\nhost\\npath\\nquery``: host lowercased (with a port only if non-default, as
    given), path ``/`` when empty."""
    return f"{method.upper()}\n{host.lower()}\n{path or '/'}\n{canonical_query}"


def signature(
    secret_access_key: str, *, string_to_sign: str, signature_method: str = "HmacSHA256"
) -> str:
    """``base64(HMAC(secret, string_to_sign))``."""
    digest = SIGNATURE_METHODS.get(signature_method)
    if digest is None:
        msg = f"SignatureMethod must be HmacSHA256 or HmacSHA1: {signature_method!r}"
        raise SigningError(msg, scheme=_NAME, stage="signature")
    return hmac_base64(secret_access_key, string_to_sign, digest)


def sign_params(
    params: Iterable[tuple[str, str]],
    *,
    access_key_id: str,
    secret_access_key: str,
    method: str,
    host: str,
    path: str = "/",
    time: datetime | None = None,
    signature_method: str = "HmacSHA256",
    session_token: str | None = None,
) -> Pairs:
    """The params with the SigV2 parameters added (those already present are kept as they are),
    in the order the SDKs use: AWSAccessKeyId, SignatureVersion, SignatureMethod, Timestamp,
    SecurityToken (aws-sdk-go), then Signature last.

    ``time`` is required unless a ``Timestamp`` (or ``Expires``) param is already present.
    Empty credentials, or a control character in them, raise :class:`SigningError`.
    """
    _guard.require_credentials(
        _NAME,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
    )
    out: Pairs = [(n, v) for n, v in params if n != "Signature"]
    present = {n for n, _ in out}
    if "AWSAccessKeyId" not in present:
        out.append(("AWSAccessKeyId", access_key_id))
    if "SignatureVersion" not in present:
        out.append(("SignatureVersion", "2"))
    if "SignatureMethod" not in present:
        out.append(("SignatureMethod", signature_method))
    if "Timestamp" not in present and "Expires" not in present:
        if time is None:
            msg = "no Timestamp or Expires param and no time given"
            raise SigningError(msg, scheme=_NAME, stage="params")
        out.append(("Timestamp", timestamp(time)))
    if session_token is not None and "SecurityToken" not in present:
        out.append(("SecurityToken", session_token))
    method_used = dict(out).get("SignatureMethod", signature_method)
    sts = string_to_sign(method, host=host, path=path, canonical_query=canonical_query_string(out))
    out.append(
        (
            "Signature",
            signature(secret_access_key, string_to_sign=sts, signature_method=method_used),
        )
    )
    return out


def request_time(value: str) -> datetime | None:
    """The time of a SigV2 ``Timestamp`` or ``Expires`` value (ISO 8601 extended), or None."""
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _params_of(req: RawRequest) -> Pairs:
    # SigV2's parameters: the form body of a POST, else the query (sigv2-sigv3-vectors), as
    # the one reader of parameters reads them (a POST's query is not signed).
    params = read_params(req)
    return params.body if params.where == "body" else params.query


def sign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    time: datetime,
    session_token: str | None = None,
    signature_method: str = "HmacSHA256",
) -> Signed:
    """Sign ``req``: its parameters (the form body of a POST, else the query) with
    :func:`sign_params`, written back in canonical encoding (a POST's Content-Length with
    them); the result's ``string_to_sign`` is the one signed. A ``Signature`` parameter already
    there is replaced (:func:`sign_params`), a header signature dropped and a presigned query
    refused (docs/spec.md#auth-sign-replaces)."""
    req = _guard.unsigned(_NAME, req, query_refused=(_guard.PRESIGN_MARKER,))
    _guard.require_headers(_NAME, req.headers)
    host = req.header("Host") or ""  # string_to_sign lower-cases it
    signed = sign_params(
        _params_of(req),
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
        method=req.method,
        host=host,
        path=req.path,
        time=time,
        signature_method=signature_method,
    )
    encoded = form_encode(signed)
    sig = signed[-1][1]
    sts = string_to_sign(
        req.method, host=host, path=req.path, canonical_query=canonical_query_string(signed)
    )
    if req.method == "POST":
        body = encoded.encode("ascii")
        out = req.replace(body=body).with_header("Content-Length", str(len(body)))
    else:
        out = req.replace(target=f"{req.path}?{encoded}")
    return Signed(out, "", sts, sig, "", "")


def verify(
    req: RawRequest,
    *,
    secret_access_key: str | Callable[[str], str | None],
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=15),
) -> VerifyResult:
    """:func:`verify_params` of ``req``'s parameters (the form body of a POST, else the query)
    with its method, lower-cased Host and path."""
    try:
        params = _params_of(req)
    except EncodingError as exc:  # more than encoding.MAX_PAIRS parameters
        return VerifyResult(False, "limit", f"{exc.message} (offset {exc.offset})")
    return verify_params(
        params,
        secret_access_key=secret_access_key,
        method=req.method,
        host=(req.header("Host") or "").lower(),
        path=req.path,
        now=now,
        max_skew=max_skew,
    )


def verify_params(
    params: Iterable[tuple[str, str]],
    *,
    secret_access_key: str | Callable[[str], str | None],
    method: str,
    host: str,
    path: str = "/",
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=15),
) -> VerifyResult:
    """Recompute the signature of decoded ``params`` and compare in constant time; with ``now``,
    check ``Timestamp`` within ``max_skew`` of it on either side (or ``Expires`` not passed;
    docs/spec.md#sigv2-time). A missing or unreadable time is kind ``date``."""
    pairs = list(params)
    q = dict(pairs)
    for key in ("AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature"):
        if key not in q:
            return VerifyResult(False, "missing", f"SigV2 request lacks {key}")
    if q["SignatureVersion"] != "2":
        message = f"SignatureVersion is {q['SignatureVersion']!r}, not '2'"
        return VerifyResult(False, "malformed", message)
    secret = (
        secret_access_key(q["AWSAccessKeyId"]) if callable(secret_access_key) else secret_access_key
    )
    if secret is None:
        return VerifyResult(False, "unknown-key", f"unknown access key id {q['AWSAccessKeyId']!r}")
    sts = string_to_sign(
        method, host=host, path=path, canonical_query=canonical_query_string(pairs)
    )
    try:
        expected = signature(secret, string_to_sign=sts, signature_method=q["SignatureMethod"])
    except SigningError as exc:
        return VerifyResult(False, "malformed", str(exc), string_to_sign=sts)
    given = q["Signature"]
    stages = {"string_to_sign": sts, "expected_signature": expected, "given_signature": given}
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "surrogateescape")):
        return VerifyResult(False, "mismatch", "signature does not match", **stages)
    if now is not None:
        problem = _time_problem(q, now=now, max_skew=max_skew)
        if problem is not None:
            return VerifyResult(False, problem[0], problem[1], **stages)
    return VerifyResult(True, "verified", "signature matches", **stages)


def _time_problem(
    q: dict[str, str], *, now: datetime, max_skew: timedelta
) -> tuple[VerifyKind, str] | None:
    """What is wrong with the request's time as of ``now`` (docs/spec.md#sigv2-time): with
    ``Expires``, a time that cannot be read or that ``now`` is past; else a ``Timestamp``
    missing, unreadable, or more than ``max_skew`` away from ``now`` on either side."""
    current = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    if "Expires" in q:
        text = q["Expires"]
        until = request_time(text)
        if until is None:
            return "date", f"Expires is not an ISO 8601 time: {text[:40]!r}"
        if current > until:
            return "expired", f"request expired at {text} (RequestExpired)"
        return None
    stamp = q.get("Timestamp")
    if stamp is None:
        return "date", "no Timestamp (or Expires) parameter"
    when = request_time(stamp)
    if when is None:
        return "date", f"Timestamp is not an ISO 8601 time: {stamp[:40]!r}"
    if abs(current - when) > max_skew:
        return "skew", f"Timestamp {stamp} is more than {max_skew} from now (RequestExpired)"
    return None
