"""The checker: judge a raw SES request against the spec, rule by rule.

:func:`check` takes the bytes a client put on the wire and returns :class:`Finding` values, never
exceptions: each with a stable rule id (:data:`RULES`), a severity, a message, a location and the
spec citation. Credentials are optional (without them everything but the signature value is
checked), and so is ``now`` (the skew and expiry checks need it).

>>> from sesspec.check import check
>>> raw = b"GET /?Action=SendEmail HTTP/1.1\\r\\nHost: email.us-east-1.amazonaws.com\\r\\n\\r\\n"
>>> [f.rule for f in check(raw)]
['PARAM003', 'PARAM010', 'PARAM010', 'PARAM010', 'AUTH001']
"""

from __future__ import annotations

from datetime import datetime

from sesspec.check._auth import Credentials, auth_findings
from sesspec.check._form import encoding_findings, guess_styles
from sesspec.check._params import AUTH_PARAMS, param_findings
from sesspec.check._transport import transport_findings
from sesspec.check.catalogue import RULES, Rule, Severity
from sesspec.check.finding import Finding, finding
from sesspec.encoding import Pairs, form_decode, percent_decode
from sesspec.errors import EncodingError, HttpParseError
from sesspec.http import RawRequest, parse_request
from sesspec.model import ServiceModel, ses_model

__all__ = ["RULES", "Credentials", "Finding", "Rule", "Severity", "check", "errors_in"]


def __dir__() -> list[str]:
    return __all__


def _plus_names(raw: bytes) -> set[str]:
    """Names of the pairs whose raw value holds a '+' (decoded as a space)."""
    names: set[str] = set()
    if b"+" not in raw:
        return names
    for segment in raw.split(b"&"):
        name, _, value = segment.partition(b"=")
        if b"+" in value:
            names.add(percent_decode(name, plus_as_space=True))
    return names


def _decoded(raw: bytes, where: str, out: list[Finding]) -> Pairs | None:
    """The form pairs of ``raw``; None, with an HTTP001 finding in ``out``, when it holds more
    than :data:`sesspec.encoding.MAX_PAIRS` (the one error lenient decoding raises)."""
    if not raw:
        return []
    try:
        return form_decode(raw)
    except EncodingError as exc:
        message = f"{exc.message}: the parameters and the signature are not judged"
        out.append(finding("HTTP001", message, f"{where} offset {exc.offset}"))
        return None


def check(
    request: bytes | RawRequest,
    *,
    credentials: Credentials | None = None,
    now: datetime | None = None,
    tls: bool | None = None,
    model: ServiceModel | None = None,
) -> list[Finding]:
    """Every deviation of ``request`` from the SES Classic Query API spec.

    :param request: the raw HTTP/1.1 request bytes as received, or a parsed :class:`RawRequest`.
    :param credentials: the (fake) credentials it was signed with, to verify the signature.
    :param now: the time to judge the request date and a presigned URL's expiry against.
    :param tls: whether it came over TLS (the bytes cannot tell; None: unknown).
    :param model: the service model; SES 2010-12-01 by default.

    Never raises: a request past one of sesspec's limits (:data:`sesspec.http.DEFAULT_MAX_*`,
    :data:`sesspec.encoding.MAX_PAIRS`, the limits of :mod:`sesspec.query`) gets a finding that
    says which, and is judged as far as the limit allows.
    """
    if isinstance(request, RawRequest):
        req = request
    else:
        try:
            req = parse_request(request)
        except HttpParseError as exc:
            # A head that parses but a body whose length disagrees with Content-Length (or a
            # chunked body) is judged by HTTP008 on the request read to its end.
            if exc.kind != "framing":
                return [finding("HTTP001", exc.message, f"byte {exc.offset}")]
            try:
                req = parse_request(request, body_mode="rest")
            except HttpParseError as again:
                return [finding("HTTP001", again.message, f"byte {again.offset}")]
    the_model = ses_model() if model is None else model

    out, transport = transport_findings(req, tls=tls)
    if transport.out_of_scope:
        return out
    raw = transport.params_raw
    query_pairs = _decoded(transport.query_raw, "query", out)
    body_pairs = _decoded(req.body if req.method == "POST" else b"", "body", out)
    if query_pairs is None or body_pairs is None:
        return out  # past MAX_PAIRS: nothing after the transport rules can be judged
    out += encoding_findings(raw, transport.params_where)
    if transport.params_where == "body" and transport.query_raw:
        out += encoding_findings(transport.query_raw, "query")
    styles = guess_styles(raw) if raw else []
    if raw and styles and styles[0] != "rfc3986":
        out.append(
            finding(
                "ENC010",
                f"encoded as {' or '.join(styles)} would write it: valid, but not the canonical "
                "RFC 3986 form",
                transport.params_where,
            )
        )

    # Another method: HTTP003 says it all, SES reads no parameters from it.
    if req.method in {"GET", "POST"}:
        # A POST's query parameters count too (HTTP009 warns about them): the Query API front
        # end reads both; a name in both is a duplicate (PARAM008).
        params = query_pairs + body_pairs if transport.params_where == "body" else query_pairs
        op_pairs = [(n, v) for n, v in params if n not in AUTH_PARAMS]
        out += param_findings(op_pairs, the_model, raw_plus_names=_plus_names(raw))
    out += auth_findings(
        req,
        query_pairs=query_pairs,
        body_pairs=body_pairs,
        host_region=transport.region,
        credentials=credentials,
        now=now,
    )
    return out


def errors_in(findings: list[Finding]) -> list[Finding]:
    """The error-severity findings."""
    return [f for f in findings if f.severity == "error"]
