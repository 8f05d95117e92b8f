"""From an action and its params to the exact bytes to send, signed with any scheme.

``build_request("SendEmail", params, credentials..., region=..., time=...)`` flattens the params
over the SES model (:mod:`sesspec.query`), form-encodes them in the canonical RFC 3986 style
(:mod:`sesspec.encoding`), puts them in a POST body or a GET query (GUIDE-REQ), and signs:

* ``sigv4``: ``Authorization`` header (IAM-SIGV4), what SES accepts today;
* ``sigv4-query``: a presigned URL, the form params moved into the query
(docs/spec.md#sigv4-presigned);
* ``aws3``: the legacy ``X-Amzn-Authorization`` of the starting document (docs/spec.md#aws3);
* ``sigv2``: ``SignatureVersion=2`` params, for the historical record (docs/spec.md#sigv2-status).

The request carries ``Host`` (``email.<region>.amazonaws.com`` unless given), for a POST
``Content-Type: application/x-www-form-urlencoded; charset=utf-8``
(docs/spec.md#bug-missing-charset, botocore#1285) and ``Content-Length``. Nothing here reads the
clock: ``time`` is an argument.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from sesspec import encoding
from sesspec._body import write_form
from sesspec.encoding import STYLES, form_encode
from sesspec.errors import SigningError
from sesspec.http import DEFAULT_MAX_HEADER_SIZE, RawRequest
from sesspec.model import ServiceModel
from sesspec.query import flatten, flatten_for_body
from sesspec.signing import aws3, sigv2, sigv4

__all__ = ["FORM_CONTENT_TYPE", "Scheme", "build_request", "endpoint_host", "form_body", "sign"]


def __dir__() -> list[str]:
    return __all__


Scheme = Literal["sigv4", "sigv4-query", "aws3", "sigv2"]
#: What botocore sends, charset included (docs/spec.md#sigv4-ses-wire,
#: docs/spec.md#bug-missing-charset).
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
_CONTENT_TYPE = ("Content-Type", FORM_CONTENT_TYPE)
_CANONICAL = STYLES["rfc3986"]


def endpoint_host(region: str) -> str:
    """``email.<region>.amazonaws.com`` (botocore endpoint-rule-set-1.json;
    docs/spec.md#http-endpoints)."""
    return f"email.{region}.amazonaws.com"


def form_body(
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    style: str = "rfc3986",
    model: ServiceModel | None = None,
) -> bytes:
    """The form body of ``action`` with ``params``, as :func:`build_request` sends it.

    Equal to ``form_encode_bytes(flatten(action, params), style=style)``; a large blob
    (``SendRawEmail``'s message) is base64-encoded and escaped slice by slice into the body,
    without a full-size base64 text in between (:mod:`sesspec._body`).

    :raises ExceptionGroup: of :class:`~sesspec.errors.ParamError` when the params do not fit.
    :raises ValueError: for an unknown style name.
    """
    encoder = encoding.style(style)
    return write_form(flatten_for_body(action, params, model=model), encoder, sha256=False)[0]


def build_request(
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    session_token: str | None = None,
    method: Literal["GET", "POST"] = "POST",
    scheme: Scheme = "sigv4",
    host: str | None = None,
    expires: int = 3600,
    model: ServiceModel | None = None,
) -> RawRequest:
    """The signed request for ``action`` with ``params``; ``.to_bytes()`` gives the wire bytes.

    :raises ExceptionGroup: of :class:`~sesspec.errors.ParamError` when the params do not fit.
    :raises SigningError: as :func:`sign` does (empty credentials, a control character in a
        credential, the region, the host...).
    """
    the_host = host or endpoint_host(region)
    if scheme == "sigv4-query":
        method = "GET"
    digest = None
    if method != "POST":
        query = form_encode(flatten(action, params, model=model))
        req = RawRequest("GET", "/?" + query, headers=(("Host", the_host),))
    else:
        pairs = flatten_for_body(action, params, model=model)
        # SigV4 signs the body's SHA-256, computed here while a large body is written.
        body, digest = write_form(pairs, _CANONICAL, sha256=scheme == "sigv4")
        headers = (("Host", the_host), _CONTENT_TYPE, ("Content-Length", str(len(body))))
        req = RawRequest("POST", "/", "HTTP/1.1", headers, body)
        if scheme == "sigv4":
            # What sign() does for this scheme, without its dispatch: a form POST to '/'
            # has a one-character target, so the header-size check there never applies.
            return sigv4.sign(
                req,
                access_key_id=access_key_id,
                secret_access_key=secret_access_key,
                region=region,
                time=time,
                session_token=session_token,
                payload_hash=digest,
            ).request
    return sign(
        req,
        scheme=scheme,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
        region=region,
        time=time,
        expires=expires,
        payload_hash=digest,
    )


def sign(
    req: RawRequest,
    *,
    scheme: Scheme | str,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    session_token: str | None = None,
    service: str = "ses",
    expires: int = 3600,
    payload_hash: str | None = None,
    config: sigv4.SigningConfig | None = None,
) -> RawRequest:
    """Sign a request that is complete but for its authentication, with ``scheme``.

    ``payload_hash`` (``sigv4`` only) is the body's hex SHA-256 when already known; see
    :func:`sesspec.signing.sigv4.sign`. ``config`` (``sigv4`` and ``sigv4-query`` only) says
    how to sign (:class:`~sesspec.signing.sigv4.SigningConfig`; ``expires`` still gives a
    presigned URL's lifetime); None: as botocore signs SES, a presigned URL carrying the form's
    parameters in its query.

    :raises SigningError: for empty credentials, a control character in a credential, the
        region, the service or a header (CR/LF would write header lines of their own), a signed
        request whose header section passes :data:`sesspec.http.DEFAULT_MAX_HEADER_SIZE` (kind
        ``limit``: a SigV2 query re-encoded, a presigned URL holding a large form), and
        whatever the scheme cannot sign.
    """
    signed = _signed(
        req,
        scheme=scheme,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        region=region,
        time=time,
        session_token=session_token,
        service=service,
        expires=expires,
        payload_hash=payload_hash,
        config=config,
    )
    # What is written must read back: a query re-encoded by SigV2, or a form moved into a
    # presigned URL, can make a header section longer than sesspec.http reads. (The target
    # is most of the head; only a long one is measured.)
    if len(signed.target) > DEFAULT_MAX_HEADER_SIZE // 2:
        size = len(signed.head_text().encode("utf-8", "surrogateescape")) - 2
        if size > DEFAULT_MAX_HEADER_SIZE:
            msg = (
                f"the signed request's header section is {size} bytes, more than the "
                f"{DEFAULT_MAX_HEADER_SIZE} a reader takes (sesspec.http.DEFAULT_MAX_HEADER_SIZE)"
            )
            raise SigningError(msg, scheme=str(scheme), stage="request", kind="limit")
    return signed


def _signed(
    req: RawRequest,
    *,
    scheme: Scheme | str,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    session_token: str | None,
    service: str,
    expires: int,
    payload_hash: str | None,
    config: sigv4.SigningConfig | None,
) -> RawRequest:
    who: dict[str, Any] = {
        "access_key_id": access_key_id,
        "secret_access_key": secret_access_key,
        "session_token": session_token,
        "time": time,
    }
    if scheme == "sigv4":
        how = sigv4.DEFAULT_CONFIG if config is None else config
        return sigv4.sign(
            req, region=region, service=service, payload_hash=payload_hash, config=how, **who
        ).request
    if scheme == "sigv4-query":
        if config is None:
            how = sigv4.SigningConfig(expiration_in_seconds=expires, form_to_query=True)
        else:
            how = dataclasses.replace(config, expiration_in_seconds=expires)
        return sigv4.presign(req, region=region, service=service, config=how, **who).request
    if config is not None and scheme in {"aws3", "sigv2"}:
        msg = f"a SigV4 signing config given for scheme {scheme!r}"
        raise SigningError(msg, scheme=str(scheme), stage="scheme")
    if scheme == "aws3":
        return aws3.sign(req, **who).request
    if scheme == "sigv2":
        return sigv2.sign(req, **who).request
    msg = f"unknown scheme {scheme!r} (sigv4, sigv4-query, aws3, sigv2)"
    raise SigningError(msg, scheme=str(scheme), stage="scheme")
