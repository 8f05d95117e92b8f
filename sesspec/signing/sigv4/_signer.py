"""Signing a request with SigV4: one :class:`Signer`, which assembles a signed request once
for both placements, the ``Authorization`` header (:meth:`Signer.sign`, :func:`sign`) and the
query string (:meth:`Signer.presign`, :func:`presign`), and holds the fused fast path.

The assembly is botocore's (``botocore/auth.py``, 1.44.8): ``SigV4Auth.add_auth`` makes the
request ready (``_modify_request_before_signing``), computes the canonical request, the string
to sign and the signature, and writes the signature into the request
(``_inject_signature_to_request``); ``SigV4QueryAuth`` overrides those two methods and nothing
else. Here :meth:`Signer._before_signing` and :meth:`Signer._inject` are the two hooks, and
``_QuerySigner`` overrides them (with the options a query signature checks first). Every
signature starts from the request without one (:func:`sesspec.signing._guard.unsigned`,
docs/spec.md#auth-sign-replaces) and its stages are assembled by
:func:`~sesspec.signing.sigv4.compute`; the common SES request goes down the fused path of
:mod:`sesspec.signing.sigv4._fast` first, held equal to the assembly by a property test
(tests/test_signer.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime
from typing import ClassVar, NamedTuple, Self

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
    Stages,
    authorization_value,
    canonical_headers,
    canonical_uri,
    compute,
    credential_scope,
    join_sorted,
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


class _Draft(NamedTuple):
    """A request made ready to sign, by a placement's :meth:`Signer._before_signing`: the
    request whose method, path and headers are signed, the names of the signed headers and their
    ``SignedHeaders`` value, the canonical query's encoded items, the payload hash, and what the
    placement writes beside the signature (header placement: the headers added after signing;
    query placement: the authentication parameters, in the order written)."""

    request: RawRequest
    signed: Collection[str]
    signed_headers: str
    query: list[tuple[str, str]]
    payload_hash: str
    writes: tuple[tuple[str, str], ...]


class Signer:
    """SigV4 with the credentials, region, service and options fixed once: the one assembly of
    a signed request, placed in the ``Authorization`` header (:meth:`sign`) or in the query
    string (:meth:`presign`).

    What botocore's ``SigV4Auth`` and awscrt's ``AwsSigningConfig`` hold: make one per
    credentials and sign many requests, each with its own time. ``Signer(...).sign(req, t)``
    equals ``sign(req, ..., time=t)`` with the same arguments; the module's :func:`sign` and
    :func:`presign` are this class's. The credentials and the scope are checked when the signer
    is made (:class:`SigningError`), and ``repr`` leaves the secret and the token out.

    >>> from datetime import datetime, UTC
    >>> signer = Signer(access_key_id="AKIDEXAMPLE", secret_access_key="secret",
    ...                 region="us-east-1")
    >>> req = RawRequest("POST", "/", headers=[("Host", "email.us-east-1.amazonaws.com")])
    >>> signer.sign(req, datetime(2026, 11, 26, tzinfo=UTC)).signed_headers
    'host;x-amz-date'
    """

    __slots__ = (
        "_fused",
        "access_key_id",
        "config",
        "region",
        "secret_access_key",
        "service",
        "session_token",
    )

    #: Query parameters a request to be signed may not hold: a request signed in its query is
    #: not signed again (docs/spec.md#auth-sign-replaces).
    _query_refused: ClassVar[Collection[str]] = (_guard.PRESIGN_MARKER,)
    #: Whether the fused path may sign for this placement (the header's).
    _fusable: ClassVar[bool] = True

    def __init__(
        self,
        *,
        access_key_id: str,
        secret_access_key: str,
        region: str,
        service: str = "ses",
        session_token: str | None = None,
        config: SigningConfig = DEFAULT_CONFIG,
    ) -> None:
        require_signable(access_key_id, secret_access_key, session_token, region, service)
        self._hold(access_key_id, secret_access_key, region, service, session_token, config)

    @classmethod
    def _unchecked(  # noqa: PLR0917 - the fields, in order
        cls,
        access_key_id: str,
        secret_access_key: str,
        region: str,
        service: str,
        session_token: str | None,
        config: SigningConfig,
    ) -> Self:
        """A signer for one signature (:func:`sign`, :func:`presign`), made without the check
        :meth:`__init__` makes: the assembly checks the credentials and the scope before it
        signs, the fused path once per key."""
        signer = object.__new__(cls)
        signer._hold(access_key_id, secret_access_key, region, service, session_token, config)
        return signer

    def _hold(  # noqa: PLR0917 - the fields, in order
        self,
        access_key_id: str,
        secret_access_key: str,
        region: str,
        service: str,
        session_token: str | None,
        config: SigningConfig,
    ) -> None:
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.region = region
        self.service = service
        self.session_token = session_token
        self.config = config
        # The fused path signs host, content-type and X-Amz-Date, nothing else.
        self._fused = (
            self._fusable
            and session_token is None
            and (
                config is DEFAULT_CONFIG  # the common case, without looking at the options
                or (
                    config.signed_headers is None
                    and not (config.sign_all_headers or config.sign_body or config.unsigned_payload)
                )
            )
        )

    def __repr__(self) -> str:  # the secret stays out of logs
        return (
            f"{type(self).__name__.lstrip('_')}(access_key_id={self.access_key_id!r}, "
            f"region={self.region!r}, service={self.service!r})"
        )

    def sign(self, req: RawRequest, time: datetime, *, payload_hash: str | None = None) -> Signed:
        """:func:`sign` with this signer's credentials, scope and options: the fused path for
        the common SES request, else the assembly."""
        if self._fused and req.target == "/":
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
        return self._assemble(req, time, payload_hash)

    def presign(self, req: RawRequest, time: datetime, *, expires: int = 3600) -> Signed:
        """:func:`presign` with this signer's credentials and options, the form moved into the
        query (as botocore presigns SES) and a lifetime of ``expires`` seconds."""
        config = replace(self.config, expiration_in_seconds=expires, form_to_query=True)
        return _QuerySigner._unchecked(
            self.access_key_id,
            self.secret_access_key,
            self.region,
            self.service,
            self.session_token,
            config,
        ).sign(req, time)

    # --- the one assembly, and the hooks of its placement --------------------------------------

    def _assemble(self, req: RawRequest, time: datetime, payload_hash: str | None) -> Signed:
        """Sign ``req``: the options checked, the request without a signature, its header lines
        and the credentials checked, then made ready (:meth:`_before_signing`), the stages
        assembled (:func:`~sesspec.signing.sigv4.compute`), the signature placed
        (:meth:`_inject`)."""
        self._check_options()
        req = _guard.unsigned(SCHEME, req, query_refused=self._query_refused)
        _guard.require_headers(SCHEME, req.headers)
        require_signable(
            self.access_key_id,
            self.secret_access_key,
            self.session_token,
            self.region,
            self.service,
        )
        date = amz_date(time)
        draft = self._before_signing(req, date, payload_hash)
        r, config = draft.request, self.config
        stages = compute(
            r.method,
            canonical_uri=canonical_uri(
                r.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
            ),
            canonical_query=join_sorted(draft.query),
            canonical_headers=canonical_headers(r.headers, signed=draft.signed),
            signed_headers=draft.signed_headers,
            payload_hash=draft.payload_hash,
            amz_date=date,
            date=date[:8],
            region=self.region,
            service=self.service,
            secret_access_key=self.secret_access_key,
        )
        return Signed(
            self._inject(draft, stages),
            stages.canonical_request,
            stages.string_to_sign,
            stages.signature,
            draft.signed_headers,
            stages.scope,
        )

    def _payload_hash(self, body: bytes, given: str | None) -> str:
        if self.config.unsigned_payload:
            return UNSIGNED_PAYLOAD
        return hashlib.sha256(body).hexdigest() if given is None else given

    def _check_options(self) -> None:
        """What this placement refuses in the options before it looks at the request."""

    def _before_signing(self, req: RawRequest, date: str, payload_hash: str | None) -> _Draft:
        """The header placement: ``X-Amz-Security-Token`` (signed unless
        ``omit_session_token``), ``X-Amz-Date`` and, with ``sign_body``,
        ``X-Amz-Content-SHA256`` added (one already present replaced in place, later repeats
        dropped); host, content-type and every x-amz-* header signed (botocore's choice for
        SES, docs/spec.md#sigv4-ses-wire), or every header but :data:`UNSIGNED_HEADERS`
        (``sign_all_headers``), or the names given and the ones added; the query as written."""
        config, token = self.config, self.session_token
        hashed = self._payload_hash(req.body, payload_hash)
        adds: dict[str, tuple[str, str]] = {}
        if token is not None and not config.omit_session_token:
            adds["x-amz-security-token"] = ("X-Amz-Security-Token", token)
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
            signed = {n for n in lnames if n in _DEFAULT_SIGNED or n.startswith("x-amz-")}
        else:
            signed = {*config.signed_headers, *adds, "host"}
        after = (
            (("X-Amz-Security-Token", token),)
            if token is not None and config.omit_session_token
            else ()
        )
        return _Draft(
            RawRequest(req.method, req.target, req.version, headers, req.body, req.line_ending),
            signed,
            signed_headers_value(signed),
            query_items(req.query, plus_as_space=True, exclude=()),
            hashed,
            after,
        )

    def _inject(self, draft: _Draft, stages: Stages) -> RawRequest:
        """The header placement: the headers added after signing (the session token with
        ``omit_session_token``, the 2015 suite's post-sts-header-after), then
        ``Authorization``."""
        r = draft.request
        for name, value in draft.writes:
            r = r.with_header(name, value)
        value = authorization_value(
            self.access_key_id,
            scope=stages.scope,
            signed_headers=draft.signed_headers,
            signature=stages.signature,
        )
        return RawRequest(
            r.method,
            r.target,
            r.version,
            (*r.headers, ("Authorization", value)),
            r.body,
            r.line_ending,
        )


class _QuerySigner(Signer):
    """The query placement (botocore's ``SigV4QueryAuth``): the same assembly, the two hooks
    overridden, and a lifetime checked first."""

    __slots__ = ()

    _query_refused: ClassVar[Collection[str]] = PRESIGNED_PARAMS
    _fusable: ClassVar[bool] = False

    def _check_options(self) -> None:
        expires = self.config.expiration_in_seconds
        if expires < 1:
            msg = f"X-Amz-Expires must be a positive number of seconds: {expires}"
            raise SigningError(msg, scheme=SCHEME, stage="presign")
        if expires >= 10**MAX_EXPIRES_DIGITS:
            msg = f"X-Amz-Expires of more than {MAX_EXPIRES_DIGITS} digits"
            raise SigningError(msg, scheme=SCHEME, stage="presign", kind="limit")

    def _before_signing(self, req: RawRequest, date: str, payload_hash: str | None) -> _Draft:
        """The query placement: the form moved into the query (``form_to_query``); host and
        every x-amz-* header signed (docs/spec.md#sigv4-presigned), or every header but
        :data:`UNSIGNED_HEADERS` (``sign_all_headers``; a Content-Length the move left is not
        sent by whoever opens the URL, so it is not signed either), or the names given and
        host; the authentication parameters in the canonical query (the session token left
        out with ``omit_session_token``)."""
        config, token = self.config, self.session_token
        r = _move_form_to_query(req) if config.form_to_query else req
        names = [n.lower() for n, _ in r.headers]
        _require_host(names)
        if config.signed_headers is None and config.sign_all_headers:
            skip = UNSIGNED_HEADERS | ({"content-length"} if r is not req else set())
            signed = {n for n in names if n not in skip}
        elif config.signed_headers is None:
            signed = _presign_signed(names)
        else:
            signed = {*config.signed_headers, "host"}
        sh = signed_headers_value(signed)
        scope = credential_scope(date[:8], region=self.region, service=self.service)
        auth_params = [
            ("X-Amz-Algorithm", ALGORITHM),
            ("X-Amz-Credential", f"{self.access_key_id}/{scope}"),
            ("X-Amz-Date", date),
            ("X-Amz-SignedHeaders", sh),
            ("X-Amz-Expires", str(config.expiration_in_seconds)),
        ]
        if token is not None:
            auth_params.append(("X-Amz-Security-Token", token))
        in_canonical = (
            auth_params[:-1] if token is not None and config.omit_session_token else auth_params
        )
        items = query_items(r.query, plus_as_space=True, exclude=())
        items.extend((percent_encode(k), percent_encode(v)) for k, v in in_canonical)
        return _Draft(
            r, signed, sh, items, self._payload_hash(r.body, payload_hash), tuple(auth_params)
        )

    def _inject(self, draft: _Draft, stages: Stages) -> RawRequest:
        """The query placement: the authentication parameters appended to the target, UriEncoded,
        and ``X-Amz-Signature`` last."""
        wire = "&".join(f"{k}={percent_encode(v)}" for k, v in draft.writes)
        target = _append_query(draft.request.target, f"{wire}&X-Amz-Signature={stages.signature}")
        return draft.request.replace(target=target)


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
    return Signer._unchecked(
        access_key_id, secret_access_key, region, service, session_token, config
    ).sign(req, time, payload_hash=payload_hash)


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
    return _QuerySigner._unchecked(
        access_key_id, secret_access_key, region, service, session_token, config
    ).sign(req, time)
