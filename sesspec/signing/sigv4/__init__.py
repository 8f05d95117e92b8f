"""AWS Signature Version 4 (header and presigned query), stage by stage.

IAM-SIGV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):

    CanonicalRequest =
      HTTPMethod + '\\n' + CanonicalURI + '\\n' + CanonicalQueryString + '\\n' +
      CanonicalHeaders + '\\n' + SignedHeaders + '\\n' + HashedPayload

    StringToSign = Algorithm \\n RequestDateTime \\n CredentialScope \\n HashedCanonicalRequest

    DateKey = HMAC-SHA256("AWS4"+"<SecretAccessKey>", "<YYYYMMDD>")
    DateRegionKey = HMAC-SHA256(<DateKey>, "<aws-region>")
    DateRegionServiceKey = HMAC-SHA256(<DateRegionKey>, "<aws-service>")
    SigningKey = HMAC-SHA256(<DateRegionServiceKey>, "aws4_request")

SES facts (docs/spec.md#sigv4-ses-wire, docs/spec.md#sigv4-presigned): service ``ses``, path ``/``,
a POST form body is covered only by the payload hash (the canonical query is empty); a presigned SES
request carries the form parameters in the query string (botocore moves them: ``form_to_query=True``
here).

Every function is pure: time and credentials are arguments, nothing reads the clock.

The scheme is a package of small private modules, each one concern, re-exported here (import
from ``sesspec.signing.sigv4``, never from the private modules):

* ``_stages``: the stage functions and :func:`compute`, which assembles them;
* ``_dates``: the request time (``X-Amz-Date``, HTTP-dates) and its window;
* ``_config``: :class:`SigningConfig`, how to sign or verify;
* ``_reader``: the reader of signed requests (what an Authorization header or a presigned query
  says about its signature);
* ``_fast``: the fused path of the common SES request;
* ``_signer``: :func:`sign`, :func:`presign` and :class:`Signer`;
* ``_verify``: :func:`verify`, and :func:`recompute`, the one recomputation of a signature
  (the verifier's and the checker's).

Each imports only the ones listed before it (``_signer`` the fast path, ``_verify`` the
reader), so no two import each other (tests/test_layers.py).
"""

from __future__ import annotations

from sesspec.encoding import canonical_query_string
from sesspec.params import PRESIGNED_PARAMS
from sesspec.signing import Signed, VerifyResult
from sesspec.signing.sigv4._config import DEFAULT_CONFIG, UNSIGNED_HEADERS, SigningConfig
from sesspec.signing.sigv4._dates import (
    MAX_EXPIRES_DIGITS,
    amz_date,
    expires_seconds,
    parse_http_date,
    request_time,
    time_problem,
)
from sesspec.signing.sigv4._reader import (
    Authorization,
    AuthParts,
    AuthProblem,
    AuthProblemKind,
    parse_authorization,
    read_authorization,
    read_presigned,
)
from sesspec.signing.sigv4._signer import Signer, presign, sign
from sesspec.signing.sigv4._stages import (
    ALGORITHM,
    EMPTY_SHA256,
    UNSIGNED_PAYLOAD,
    Stages,
    authorization_value,
    canonical_headers,
    canonical_query,
    canonical_query_of,
    canonical_request,
    canonical_uri,
    compute,
    credential_scope,
    payload_hash,
    signature,
    signed_headers_value,
    signing_key,
    string_to_sign,
)
from sesspec.signing.sigv4._verify import recompute, verify

__all__ = [
    "ALGORITHM",
    "DEFAULT_CONFIG",
    "EMPTY_SHA256",
    "MAX_EXPIRES_DIGITS",
    "PRESIGNED_PARAMS",
    "UNSIGNED_HEADERS",
    "UNSIGNED_PAYLOAD",
    "AuthParts",
    "AuthProblem",
    "AuthProblemKind",
    "Authorization",
    "Signed",
    "Signer",
    "SigningConfig",
    "Stages",
    "VerifyResult",
    "amz_date",
    "authorization_value",
    "canonical_headers",
    "canonical_query",
    "canonical_query_of",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "compute",
    "credential_scope",
    "expires_seconds",
    "parse_authorization",
    "parse_http_date",
    "payload_hash",
    "presign",
    "read_authorization",
    "read_presigned",
    "recompute",
    "request_time",
    "sign",
    "signature",
    "signed_headers_value",
    "signing_key",
    "string_to_sign",
    "time_problem",
    "verify",
]


def __dir__() -> list[str]:
    return __all__
