"""``--strict``: answer a non-conformant request the way SES would (docs/spec.md#resp).

The checker (:func:`sesspec.check.check`, with the fixed fake credentials, the recorded
arrival time as ``now`` and the connection's TLS flag) reports findings; each error-severity
one is answered with the error its rule declares (``Rule.ses_error``, beside the rule's
detector in :mod:`sesspec.check.rules`; docs/spec.md#resp-error-codes): ``MissingAction``,
``InvalidAction``, ``MissingParameter`` (naming the parameter), ``InvalidParameterValue``,
``MalformedQueryString`` (n8n#1442: 400), ``MissingAuthenticationToken``,
``InvalidClientTokenId`` (AWS3-HTTPS), ``RequestExpired``, ``IncompleteSignature``, or
``SignatureDoesNotMatch`` with the checker's canonical request and string to sign (a wrong
region surfaces as this: nodemailer-ses-transport#10). ``sesspec rules`` lists each rule's.

HTTP002 (plain HTTP) is not answered with an error: ``--http`` is the endpoint's own choice.
Of several errors, the one SES would send first is sent (``SesAnswer.order``: a query it
cannot read, then authentication, then the action, then the params). Findings are read by
attribute (``rule``, ``severity``, ``message``, ``location``, ``detail``), so any
finding-like object works.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sesspec import fake
from sesspec.check import RULES, Credentials, Finding, Location
from sesspec.serve.capture import Capture, capture_findings
from sesspec.serve.responses import (
    SIGNATURE_MISMATCH_PREAMBLE,
    SesError,
    missing_parameter,
)

__all__ = [
    "STRICT_ACCESS_KEY_ID",
    "STRICT_SECRET_ACCESS_KEY",
    "STRICT_SESSION_TOKEN",
    "FindingLike",
    "StrictChecker",
    "checker",
    "default_findings",
    "errors_from_findings",
]


def __dir__() -> list[str]:
    return __all__


#: ``strict_checker(capture) -> errors``: the capture carries the raw bytes
#: (``capture.request()`` gives the parsed ``RawRequest``), the arrival time and the local
#: port the checker needs; an empty list lets the request through.
StrictChecker = Callable[[Capture], Sequence[SesError]]


class FindingLike(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def location(self) -> Location: ...
    @property
    def detail(self) -> str: ...


def _error_for(found: FindingLike) -> SesError | None:
    answer = RULES[found.rule].ses_error
    if answer is None:
        return None
    text = f"{found.message} ({found.location}) [{found.rule}]"
    if answer.wording == "missing-parameter":
        return missing_parameter(found.location.name)
    if answer.wording == "signature":
        detail = f"\n\n{found.detail}" if found.detail else ""
        message = f"{SIGNATURE_MISMATCH_PREAMBLE} {text}{detail}"
        return SesError(answer.code, message, answer.status)
    return SesError(answer.code, answer.preamble + text, answer.status)


def _rank(found: FindingLike) -> int:
    """Which error SES would answer first (the rule's ``SesAnswer.order``)."""
    answer = RULES[found.rule].ses_error
    return 4 if answer is None else answer.order


def errors_from_findings(findings: Sequence[FindingLike]) -> list[SesError]:
    """The SES errors for the error-severity findings, the one SES would send first first."""
    ranked = sorted((f for f in findings if f.severity == "error"), key=_rank)
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
