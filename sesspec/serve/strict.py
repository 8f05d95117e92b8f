"""``--strict``: answer a non-conformant request the way SES would (spec-notes (e)).

The checker (:func:`sesspec.check.check`, with the fixed fake credentials, the recorded
arrival time as ``now`` and the connection's TLS flag) reports findings; the error-severity
ones are mapped to the error a real SES endpoint sends for them (GUIDE-ERR; spec-notes (e)):

=====================================  ==============================================
rule                                   SES answer
=====================================  ==============================================
PARAM001 / PARAM002                    ``MissingAction`` / ``InvalidAction`` 400
PARAM010                               ``MissingParameter`` 400
other PARAM                            ``InvalidParameterValue`` 400
ENC                                    ``MalformedQueryString`` 400 (n8n#1442: 400)
AUTH001                                ``MissingAuthenticationToken`` 403
AUTH002 (AWS3-HTTPS)                   ``InvalidClientTokenId`` 403 (GUIDE-AUTH, a1)
AUTH009                                ``MissingParameter`` 400 (drewblas/aws-ses#69)
AUTH016                                ``RequestExpired`` 400
AUTH018, AUTH007, AUTH008              ``SignatureDoesNotMatch`` 403, with the checker's
                                       canonical request / string to sign (a wrong
                                       region surfaces as this: nodemailer-ses-transport#10)
other AUTH                             ``IncompleteSignature`` 400
HTTP (but HTTP002)                     ``InvalidParameterValue`` 400
=====================================  ==============================================

HTTP002 (plain HTTP) is not answered with an error: ``--http`` is the endpoint's own choice.
Findings are read by attribute (``rule``, ``severity``, ``message``, ``location``,
``detail``), so any finding-like object works.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from sesspec import fake
from sesspec.check import Credentials, Finding
from sesspec.serve.capture import Capture, capture_findings
from sesspec.serve.responses import (
    SIGNATURE_MISMATCH_PREAMBLE,
    SesError,
    invalid_parameter_value,
    malformed_query_string,
    missing_parameter,
)

if TYPE_CHECKING:
    from sesspec.serve.server import StrictChecker

__all__ = [
    "STRICT_ACCESS_KEY_ID",
    "STRICT_SECRET_ACCESS_KEY",
    "STRICT_SESSION_TOKEN",
    "FindingLike",
    "checker",
    "default_findings",
    "errors_from_findings",
]


def __dir__() -> list[str]:
    return __all__


class FindingLike(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def detail(self) -> str: ...


# Rules with an error of their own: code, what SES writes before our text, HTTP status.
_FIXED: dict[str, tuple[str, str, int]] = {
    "PARAM001": ("MissingAction", "", 400),
    "PARAM002": ("InvalidAction", "", 400),
    "AUTH001": ("MissingAuthenticationToken", "", 403),
    "AUTH002": (
        "InvalidClientTokenId",
        "The security token included in the request is invalid. ",
        403,
    ),
    "AUTH016": ("RequestExpired", "", 400),
    "AUTH009": (
        "MissingParameter",
        "Either Date or x-amz-date header must be specified in the request. ",
        400,
    ),
}


def _error_for(found: FindingLike) -> SesError | None:
    rule = found.rule
    text = f"{found.message} ({found.location}) [{rule}]"
    fixed = _FIXED.get(rule)
    if fixed is not None:
        code, before, status = fixed
        return SesError(code, before + text, status)
    if rule == "PARAM010":
        return missing_parameter(found.location.removeprefix("param "))
    if rule.startswith("PARAM"):
        return invalid_parameter_value(text)
    if rule.startswith("ENC"):
        return malformed_query_string(text)
    if rule in ("AUTH018", "AUTH007", "AUTH008"):
        detail = f"\n\n{found.detail}" if found.detail else ""
        return SesError(
            "SignatureDoesNotMatch", f"{SIGNATURE_MISMATCH_PREAMBLE} {text}{detail}", 403
        )
    if rule.startswith("AUTH"):
        return SesError("IncompleteSignature", text)
    if rule.startswith("HTTP") and rule != "HTTP002":
        return invalid_parameter_value(text)
    return None


def _rank(rule: str) -> int:
    """Which error SES would answer first: a query it cannot read, then authentication, then
    the action, then the params (inference from the order a front end must work in)."""
    if rule.startswith("ENC"):
        return 0
    if rule.startswith("AUTH"):
        return 1
    if rule in ("PARAM001", "PARAM002"):
        return 2
    if rule.startswith("PARAM"):
        return 3
    return 4


def errors_from_findings(findings: Sequence[FindingLike]) -> list[SesError]:
    """The SES errors for the error-severity findings, the one SES would send first first."""
    ranked = sorted((f for f in findings if f.severity == "error"), key=lambda f: _rank(f.rule))
    return [e for f in ranked if (e := _error_for(f)) is not None]


#: The fixed fake credentials strict mode verifies signatures with (public SigV4 suites).
STRICT_ACCESS_KEY_ID = fake.ACCESS_KEY_ID
STRICT_SECRET_ACCESS_KEY = fake.SECRET_ACCESS_KEY
#: The fake session token that goes with them when a client is given temporary credentials.
STRICT_SESSION_TOKEN = fake.SESSION_TOKEN


def default_findings(capture: Capture, *, credentials: Credentials | None = None) -> list[Finding]:
    """:func:`~sesspec.serve.capture.capture_findings` of ``capture`` with signatures verified
    by ``credentials``, the fixed fake ones by default (what strict mode, the report and the
    ``ses_endpoint`` fixture give their clients; with the fake session token, which puts it
    back where a capture masked it)."""
    if credentials is None:
        credentials = Credentials(
            STRICT_ACCESS_KEY_ID, STRICT_SECRET_ACCESS_KEY, STRICT_SESSION_TOKEN
        )
    return capture_findings(capture, credentials=credentials)


def checker(check: Callable[[Capture], Sequence[FindingLike]] | None = None) -> StrictChecker:
    """A ``strict_checker`` for :class:`~sesspec.serve.Endpoint`.

    ``check(capture) -> findings``; by default :func:`sesspec.check.check` with the fixed
    fake credentials (:data:`STRICT_ACCESS_KEY_ID`), ``now`` = the recorded arrival time.
    """
    run = default_findings if check is None else check

    def strict(capture: Capture) -> list[SesError]:
        return errors_from_findings(run(capture))

    return strict
