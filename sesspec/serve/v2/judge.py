"""Judging an SES v2 request: its signature, by the one SigV4 verifier, and its input, by the
model (docs/spec.md#http-ses-v2-auth).

The signature is checked by :func:`sesspec.signing.sigv4.verify` (the verifier ``sesspec
verify``, the checker and Classic's strict mode share: :func:`~sesspec.signing.sigv4.recompute`)
with the fake credentials every sesspec client is given (:mod:`sesspec.fake`), the request's
arrival as ``now`` and the service ``ses``. SigV4 encodes the path of every service but S3
twice (docs/spec.md#enc-canonical-path): an identity ``a+b@example.com`` travels as
``/v2/email/identities/a%2Bb%40example.com`` and is signed as ``a%252Bb%2540example.com``.

A failure is answered as SES v2's front end answers it (:func:`auth_error`): 403
``InvalidSignatureException`` for a signature that does not match (with the canonical request
and string to sign, as SES Classic words ``SignatureDoesNotMatch``), a request outside the time
window or signed for another service ("Credential should be scoped to correct service: 'ses'.",
n8n-io/n8n#34233); 403 ``UnrecognizedClientException`` for an unknown access key; 403
``MissingAuthenticationTokenException`` for none; 400 ``IncompleteSignatureException`` for one
that cannot be read. The endpoint refuses with it in strict mode and records it otherwise.

:func:`judge_capture` gives the verdict on a captured v2 request, :func:`v2_findings` the same
as checker findings (what the ``ses_endpoint`` fixture's ``findings`` and ``assert_conformant``
give for a v2 request, where the Classic checker would only say HTTP011: another API).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sesspec import fake
from sesspec.check import Finding, Location
from sesspec.http import RawRequest, read_request
from sesspec.model import ServiceModel, sesv2_model
from sesspec.serve.capture import Capture
from sesspec.serve.responses import SIGNATURE_MISMATCH_PREAMBLE
from sesspec.serve.v2 import ACTION_PREFIX
from sesspec.serve.v2.reading import read_input
from sesspec.serve.v2.wire import Refused, Routes, V2Error
from sesspec.signing import VerifyResult
from sesspec.signing.sigv4 import verify

__all__ = [
    "CITATION",
    "VERIFIED",
    "Problem",
    "auth_error",
    "fake_secret",
    "is_v2",
    "judge_capture",
    "signature",
    "v2_findings",
]


def __dir__() -> list[str]:
    return __all__


#: Where the rules judged here are written.
CITATION = "docs/spec.md#http-ses-v2-auth"
#: SES v2's signing name (MODEL v2 ``metadata.signingName``).
_SERVICE = "ses"


@dataclass(frozen=True, slots=True)
class Problem:
    """What was found on an SES v2 request: ``kind`` (``signature`` or ``input``), the error
    SES v2 answers it with (empty for a signature that verified: ``severity`` ``info``), and
    its words."""

    kind: str
    code: str
    message: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        """The shape of a checker finding's dict (what a stored message and the page show)."""
        return {
            "rule": "SESv2",
            "severity": self.severity,
            "message": f"{self.code}: {self.message}" if self.code else self.message,
            "location": "signature" if self.kind == "signature" else "body",
            "citation": CITATION,
        }


#: What a stored message records of a signature that verified.
VERIFIED = Problem("signature", "", "signature verified (SigV4, service ses)", "info")


def fake_secret(access_key_id: str) -> str | None:
    """The secret of the fake access key id (:mod:`sesspec.fake`); None for any other key."""
    return fake.SECRET_ACCESS_KEY if access_key_id == fake.ACCESS_KEY_ID else None


def signature(request: RawRequest, *, now: datetime) -> VerifyResult:
    """The verifier's verdict on ``request``'s SigV4 signature, scoped to ``ses``."""
    return verify(request, secret_access_key=fake_secret, now=now, service=_SERVICE)


def auth_error(result: VerifyResult) -> V2Error | None:
    """The error SES v2 answers a failed verification with (None when it verified)."""
    kind = result.kind
    if result.ok:
        return None
    if kind == "missing":
        return V2Error("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
    if kind == "unknown-key":
        message = "The security token included in the request is invalid."
        return V2Error("UnrecognizedClientException", message, 403)
    if kind in ("malformed", "mixed", "scope", "limit", "signed-headers"):
        return V2Error("IncompleteSignatureException", result.reason, 400)
    if kind == "service":
        message = f"Credential should be scoped to correct service: '{_SERVICE}'. ({result.reason})"
        return V2Error("InvalidSignatureException", message, 403)
    if kind == "mismatch":
        message = (
            f"{SIGNATURE_MISMATCH_PREAMBLE}\n\nThe Canonical String for this request should have "
            f"been\n'{result.canonical_request}'\n\nThe String-to-Sign should have been\n"
            f"'{result.string_to_sign}'\n"
        )
        return V2Error("InvalidSignatureException", message, 403)
    return V2Error("InvalidSignatureException", result.reason, 403)


def judge_capture(
    capture: Capture, *, routes: Routes | None = None, model: ServiceModel | None = None
) -> list[Problem]:
    """The verdict on a captured SES v2 request: its signature (fake credentials, the fake
    session token put back where the capture masked it) and its input against the model."""
    capture = capture.with_token(fake.SESSION_TOKEN)
    read = read_request(capture.raw)
    request = read.request
    if request is None:
        return [Problem("input", "MalformedHTTPRequest", "the request cannot be read")]
    arrived = datetime.fromtimestamp(capture.received_at_ns / 1e9, UTC)
    problems: list[Problem] = []
    error = auth_error(signature(request, now=arrived))
    if error is not None:
        problems.append(Problem("signature", error.code, error.message))
    model = model or sesv2_model()
    routes = routes or Routes(model)
    try:
        read_input(model, routes.find(request.method, request.path), request)
    except Refused as refused:
        problems.append(Problem("input", refused.error.code, refused.error.message))
    return problems


def is_v2(capture: Capture) -> bool:
    """Whether ``capture`` is of a request the v2 application answered as an operation of the
    model (its action is ``sesv2:<Operation>``)."""
    return capture.action is not None and capture.action.startswith(ACTION_PREFIX)


def v2_findings(capture: Capture) -> list[Finding]:
    """:func:`judge_capture` as checker findings (rule ``SESv2``, as stored messages record
    them): one error per problem, none for a request that is right."""
    return [
        Finding(
            "SESv2",
            "error",
            f"{problem.code}: {problem.message}",
            Location("header", "Authorization")
            if problem.kind == "signature"
            else Location("body"),
            CITATION,
        )
        for problem in judge_capture(capture)
    ]
