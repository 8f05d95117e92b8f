"""Signing a request with SigV4: in an ``Authorization`` header (:func:`sign`) or in its query
(:func:`presign`), and :class:`Signer`, which holds the credentials and scope for many
signatures.

Every signer starts from the request without a signature (:func:`sesspec.signing._guard.unsigned`,
docs/spec.md#auth-sign-replaces), assembles the stages with
:func:`~sesspec.signing.sigv4.compute`, and writes the result where the scheme puts it. The
common SES request goes down the fused path of :mod:`sesspec.signing.sigv4._fast` first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import datetime

from sesspec.encoding import form_decode, form_encode, percent_encode
from sesspec.errors import SigningError
from sesspec.http import RawRequest
from sesspec.params import PRESIGNED_PARAMS
from sesspec.signing import Signed, _guard
from sesspec.signing.sigv4 import _fast
from sesspec.signing.sigv4._config import DEFAULT_CONFIG, UNSIGNED_HEADERS, SigningConfig
from sesspec.signing.sigv4._dates import MAX_EXPIRES_DIGITS, amz_date
from sesspec.signing.sigv4._stages import (
    ALGORITHM,
    SCHEME,
    UNSIGNED_PAYLOAD,
    authorization_value,
    canonical_headers,
    canonical_query,
    canonical_uri,
    compute,
    credential_scope,
    join_sorted,
    payload_hash,
    query_items,
    require_signable,
    signed_headers_value,
)

__all__ = ["Signer", "presign", "sign"]

_DEFAULT_SIGNED = frozenset(("host", "content-type"))


def _presign_signed(names: Iterable[str]) -> set[str]:
    # A presigned URL signs host and any x-amz-* header present (docs/spec.md#sigv4-presigned),
    # a header-signed request content-type too (_DEFAULT_SIGNED; docs/spec.md#sigv4-ses-wire)
    return {n for n in names if n == "host" or n.startswith("x-amz-")}


def _require_host(lnames: Collection[str]) -> None:
    if "host" not in lnames:
        msg = "the request has no Host header, which SigV4 must sign"
        raise SigningError(msg, scheme=SCHEME, stage="canonical-headers")


def _canonical_path_and_query(req: RawRequest, config: SigningConfig) -> tuple[str, str]:
    if req.target == "/":  # every SES POST
        return "/", ""
    uri = canonical_uri(
        req.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
    )
    return uri, canonical_query(req.query)


def _sign_general(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str,
    session_token: str | None,
    payload_hash: str | None,
    config: SigningConfig,
) -> Signed:
    req = _guard.unsigned(SCHEME, req, query_refused=(_guard.PRESIGN_MARKER,))
    _guard.require_headers(SCHEME, req.headers)
    require_signable(access_key_id, secret_access_key, session_token, region, service)
    date = amz_date(time)
    if config.unsigned_payload:
        hashed = UNSIGNED_PAYLOAD
    elif payload_hash is None:
        hashed = hashlib.sha256(req.body).hexdigest()
    else:
        hashed = payload_hash
    adds: dict[str, tuple[str, str]] = {}
    if session_token is not None and not config.omit_session_token:
        adds["x-amz-security-token"] = ("X-Amz-Security-Token", session_token)
    adds["x-amz-date"] = ("X-Amz-Date", date)
    if config.sign_body:
        adds["x-amz-content-sha256"] = ("X-Amz-Content-SHA256", hashed)
    headers: list[tuple[str, str]] = []
    done: set[str] = set()
    for header in req.headers:
        lname = header[0].lower()
        add = adds.get(lname)
        if add is not None:
            # Replace in place (keeping the name as spelled); drop later repeats.
            if lname in done:
                continue
            done.add(lname)
            header = (header[0], add[1])  # noqa: PLW2901 - the replaced header
        headers.append(header)
    headers.extend(add for lname, add in adds.items() if lname not in done)
    lnames = [n.lower() for n, _ in headers]
    _require_host(lnames)
    if config.signed_headers is None and config.sign_all_headers:
        signed = {n for n in lnames if n not in UNSIGNED_HEADERS}
    elif config.signed_headers is None:
        # botocore's choice for SES (docs/spec.md#sigv4-ses-wire): host, content-type and every
        # x-amz-*.
        signed = {n for n in lnames if n in _DEFAULT_SIGNED or n.startswith("x-amz-")}
    else:
        signed = {*config.signed_headers, *adds, "host"}
    sh = signed_headers_value(signed)
    uri, query = _canonical_path_and_query(req, config)
    stages = compute(
        req.method,
        canonical_uri=uri,
        canonical_query=query,
        canonical_headers=canonical_headers(headers, signed=signed),
        signed_headers=sh,
        payload_hash=hashed,
        amz_date=date,
        date=date[:8],
        region=region,
        service=service,
        secret_access_key=secret_access_key,
    )
    unsigned = RawRequest(req.method, req.target, req.version, headers, req.body)
    if session_token is not None and config.omit_session_token:
        # Added after signing (2015 suite post-sts-header-after), before Authorization.
        unsigned = unsigned.with_header("X-Amz-Security-Token", session_token)
    value = authorization_value(
        access_key_id, scope=stages.scope, signed_headers=sh, signature=stages.signature
    )
    signed_req = RawRequest(
        req.method,
        req.target,
        req.version,
        (*unsigned.headers, ("Authorization", value)),
        req.body,
        req.line_ending,
    )
    return Signed(
        signed_req,
        stages.canonical_request,
        stages.string_to_sign,
        stages.signature,
        sh,
        stages.scope,
    )


def sign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str = "ses",
    session_token: str | None = None,
    payload_hash: str | None = None,
    config: SigningConfig = DEFAULT_CONFIG,
) -> Signed:
    """Sign ``req`` with an ``Authorization`` header; return the request and every stage.

    Adds ``X-Amz-Security-Token`` (when ``session_token``; signed unless
    ``config.omit_session_token``, the 2015 suite's post-sts-header-after), ``X-Amz-Date``
    (replacing one already present, in place), ``X-Amz-Content-SHA256`` (when
    ``config.sign_body``) and ``Authorization``. A signature the request already carries is
    dropped, a presigned query refused (:func:`sesspec.signing._guard.unsigned`,
    docs/spec.md#auth-sign-replaces). ``config`` says how
    (:class:`SigningConfig`); by default host, content-type and every x-amz-* header are signed,
    as botocore does for SES.

    ``payload_hash`` is the body's hex SHA-256 when the caller already has it (as
    :func:`sesspec.request.build_request` does for a large body, hashed while it was written);
    it is used as given, not checked against the body.
    """
    if (
        session_token is None
        and req.target == "/"
        and config.signed_headers is None
        and not (config.sign_all_headers or config.sign_body or config.unsigned_payload)
    ):
        fused = _fast.sign(
            req, access_key_id, secret_access_key, region, time, service, payload_hash
        )
        if fused is not None:
            return fused
    return _sign_general(
        req,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        region=region,
        time=time,
        service=service,
        session_token=session_token,
        payload_hash=payload_hash,
        config=config,
    )


def _append_query(target: str, extra: str) -> str:
    if not extra:
        return target
    if "?" not in target:
        return f"{target}?{extra}"
    if target.endswith(("?", "&")):
        return target + extra
    return f"{target}&{extra}"


_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _move_form_to_query(req: RawRequest) -> RawRequest:
    """botocore's presign for query protocols: the form body becomes query parameters, in
    canonical encoding, after any query already there (docs/spec.md#sigv4-presigned)."""
    ctype = (req.header("Content-Type") or "").lower()
    if not req.body or not ctype.startswith(_FORM_CONTENT_TYPE):
        return req
    extra = form_encode(form_decode(req.body))
    r = req.replace(target=_append_query(req.target, extra), body=b"")
    r = r.without_headers("Content-Type")
    if r.header("Content-Length") is not None:
        r = r.with_header("Content-Length", "0")
    return r


def presign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str = "ses",
    session_token: str | None = None,
    config: SigningConfig = DEFAULT_CONFIG,
) -> Signed:
    """Sign ``req`` in the query string (a presigned URL); return the request and every stage.

    Appends ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-SignedHeaders``,
    ``X-Amz-Expires`` (``config.expiration_in_seconds``), ``X-Amz-Security-Token`` (if any; in
    the canonical query unless ``config.omit_session_token``) and, last, ``X-Amz-Signature`` --
    the order aws-c-auth writes (IAM-SIGV4: "The Canonical Query String must include all the
    query parameters ... except for X-Amz-Signature"). A header signature the request carries
    (``Authorization``, ``X-Amzn-Authorization``) is dropped first, and a query already holding
    one of :data:`PRESIGNED_PARAMS` refused (docs/spec.md#auth-sign-replaces). Values are UriEncoded
    (``/`` -> ``%2F``, ``;`` -> ``%3B``). ``config.form_to_query`` first moves a form body into
    the query, as botocore does for SES. ``config.signed_headers`` defaults to host and any
    x-amz-* header present.
    """
    expires = config.expiration_in_seconds
    if expires < 1:
        msg = f"X-Amz-Expires must be a positive number of seconds: {expires}"
        raise SigningError(msg, scheme=SCHEME, stage="presign")
    if expires >= 10**MAX_EXPIRES_DIGITS:
        msg = f"X-Amz-Expires of more than {MAX_EXPIRES_DIGITS} digits"
        raise SigningError(msg, scheme=SCHEME, stage="presign", kind="limit")
    require_signable(access_key_id, secret_access_key, session_token, region, service)
    req = _guard.unsigned(SCHEME, req, query_refused=PRESIGNED_PARAMS)
    _guard.require_headers(SCHEME, req.headers)
    date = amz_date(time)
    r = _move_form_to_query(req) if config.form_to_query else req
    names = [n.lower() for n, _ in r.headers]
    _require_host(names)
    if config.signed_headers is None and config.sign_all_headers:
        # A form moved into the URL leaves a Content-Length of 0 that whoever opens the URL
        # does not send: it is not signed (botocore's presign signs only host).
        skip = UNSIGNED_HEADERS | ({"content-length"} if r is not req else set())
        signed = {n for n in names if n not in skip}
    elif config.signed_headers is None:
        signed = _presign_signed(names)
    else:
        signed = {*config.signed_headers, "host"}
    sh = signed_headers_value(signed)
    scope = credential_scope(date[:8], region=region, service=service)
    auth_params = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{access_key_id}/{scope}"),
        ("X-Amz-Date", date),
        ("X-Amz-SignedHeaders", sh),
        ("X-Amz-Expires", str(expires)),
    ]
    if session_token is not None:
        auth_params.append(("X-Amz-Security-Token", session_token))
    in_canonical = (
        auth_params[:-1] if session_token is not None and config.omit_session_token else auth_params
    )
    items = query_items(r.query, plus_as_space=True, exclude=())
    items.extend((percent_encode(k), percent_encode(v)) for k, v in in_canonical)
    stages = compute(
        r.method,
        canonical_uri=canonical_uri(
            r.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
        ),
        canonical_query=join_sorted(items),
        canonical_headers=canonical_headers(r.headers, signed=signed),
        signed_headers=sh,
        payload_hash=UNSIGNED_PAYLOAD if config.unsigned_payload else payload_hash(r.body),
        amz_date=date,
        date=date[:8],
        region=region,
        service=service,
        secret_access_key=secret_access_key,
    )
    wire = "&".join(f"{k}={percent_encode(v)}" for k, v in auth_params)
    target = _append_query(r.target, f"{wire}&X-Amz-Signature={stages.signature}")
    return Signed(
        r.replace(target=target),
        stages.canonical_request,
        stages.string_to_sign,
        stages.signature,
        sh,
        scope,
    )


class Signer:
    """SigV4 header signing with the credentials, region and service fixed once.

    What botocore's ``SigV4Auth`` and awscrt's ``AwsSigningConfig`` hold: make one per
    credentials and sign many requests, each with its own time. ``Signer(...).sign(req, t)``
    equals ``sign(req, ..., time=t)`` with the same arguments.

    >>> from datetime import datetime, UTC
    >>> signer = Signer(access_key_id="AKIDEXAMPLE", secret_access_key="secret",
    ...                 region="us-east-1")
    >>> req = RawRequest("POST", "/", headers=[("Host", "email.us-east-1.amazonaws.com")])
    >>> signer.sign(req, datetime(2026, 11, 26, tzinfo=UTC)).signed_headers
    'host;x-amz-date'
    """

    __slots__ = ("access_key_id", "region", "secret_access_key", "service", "session_token")

    def __init__(
        self,
        *,
        access_key_id: str,
        secret_access_key: str,
        region: str,
        service: str = "ses",
        session_token: str | None = None,
    ) -> None:
        require_signable(access_key_id, secret_access_key, session_token, region, service)
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.region = region
        self.service = service
        self.session_token = session_token

    def __repr__(self) -> str:  # the secret stays out of logs
        return (
            f"Signer(access_key_id={self.access_key_id!r}, region={self.region!r}, "
            f"service={self.service!r})"
        )

    def sign(self, req: RawRequest, time: datetime, *, payload_hash: str | None = None) -> Signed:
        """:func:`sign` with this signer's credentials and scope."""
        if self.session_token is None and req.target == "/":
            fused = _fast.sign(
                req,
                self.access_key_id,
                self.secret_access_key,
                self.region,
                time,
                self.service,
                payload_hash,
            )
            if fused is not None:
                return fused
        return _sign_general(
            req,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            time=time,
            service=self.service,
            session_token=self.session_token,
            payload_hash=payload_hash,
            config=DEFAULT_CONFIG,
        )

    def presign(self, req: RawRequest, time: datetime, *, expires: int = 3600) -> Signed:
        """:func:`presign` (form moved into the query) with this signer's credentials."""
        return presign(
            req,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            time=time,
            service=self.service,
            session_token=self.session_token,
            config=SigningConfig(expiration_in_seconds=expires, form_to_query=True),
        )
