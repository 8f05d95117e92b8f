"""The checker: judge a raw SES request against the spec, rule by rule.

:func:`check` takes the bytes a client put on the wire and returns :class:`Finding` values, never
exceptions: each with a stable rule id (:data:`RULES`), a severity, a message, a location and the
spec citation. Credentials are optional (without them everything but the signature value is
checked), and so is ``now`` (the skew and expiry checks need it).

The request's bytes are read by :func:`sesspec.http.read_request`, the reader the endpoint
reads its socket with (so the two cannot frame a request differently), then once into a view
(:func:`sesspec.check._view.read`: headers, the query and the form body decoded, the SigV4
authorization read by the verifier's own reader), and every family of rules
(:mod:`sesspec.check.rules`) judges that reading.

>>> from sesspec.check import check
>>> raw = b"GET /?Action=SendEmail HTTP/1.1\\r\\nHost: email.us-east-1.amazonaws.com\\r\\n\\r\\n"
>>> [f.rule for f in check(raw)]
['PARAM003', 'PARAM010', 'PARAM010', 'PARAM010', 'AUTH001']
"""

from __future__ import annotations

from datetime import datetime

from sesspec.check import _view
from sesspec.check.catalogue import RULES, Rule, Severity
from sesspec.check.finding import Finding, Location
from sesspec.check.rules import auth, enc, http, param
from sesspec.check.rules.auth import Credentials
from sesspec.http import RawRequest, read_request
from sesspec.model import ServiceModel, ses_model

__all__ = [
    "RULES",
    "Credentials",
    "Finding",
    "Location",
    "Rule",
    "Severity",
    "check",
    "errors_in",
]


def __dir__() -> list[str]:
    return __all__


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
    out: list[Finding] = []
    if isinstance(request, RawRequest):
        req = request
    else:
        # Read as the endpoint reads a stream (sesspec.http.read_request): a chunked body
        # de-chunked; where the framing fails, the head and the rest as the body, which
        # HTTP008 judges; what cannot be read at all is HTTP001, said once.
        read = read_request(request)
        if read.request is None:
            problem = read.refusal
            assert problem is not None
            return [http.unparseable(problem.message, Location("request", offset=problem.offset))]
        req = read.request
        # A bare LF (written by hand): said once, and the request judged as written (its
        # final line end not taken for body bytes), not through what the stray bytes cause.
        out += [http.bare_lf(p.offset) for p in read.problems if p.cause == "line-ending"]

    view = _view.read(req, tls=tls)
    out += http.findings(view)
    if view.ses_v2 or view.too_many:
        return out  # another API, or past MAX_PAIRS: nothing more can be judged
    raw = view.params_raw
    out += enc.byte_findings(raw, view.params_where, view.params_segments)
    if view.params_where == "body" and view.query_raw:
        out += enc.byte_findings(view.query_raw, "query", view.query or [])
    out += enc.style_findings(view)
    # Another method: HTTP003 says it all, SES reads no parameters from it.
    if view.method in {"GET", "POST"}:
        out += param.findings(view, ses_model() if model is None else model)
    out += auth.findings(view, credentials=credentials, now=now)
    return out


def errors_in(findings: list[Finding]) -> list[Finding]:
    """The error-severity findings."""
    return [f for f in findings if f.severity == "error"]
