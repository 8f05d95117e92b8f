"""A request's parameters: where SES reads them, and which of them authenticate it.

The one reader of a request's parameters and the one list of the names that sign a request
rather than belong to its action; the endpoint, ``sesspec verify``, the SigV2 signer and the
checker's view all ask here.

Where (GUIDE-REQ; docs/spec.md#http-params-location): a GET carries its parameters in the
query; a POST in its form body, and SES's front end also reads a POST's query, first (HTTP009
warns about it). Decoding is lenient (:func:`sesspec.encoding.form_decode`: ``+`` a space, a
malformed escape kept as it is); a query or body of more than
:data:`sesspec.encoding.MAX_PAIRS` items raises :class:`~sesspec.errors.EncodingError`.

Which (docs/spec.md#param-auth-names): the SigV4 presigned-URL parameters (IAM-SIGV4,
:data:`PRESIGNED_PARAMS`), the SigV2 ones and SigV2's session token
(``SecurityToken``, as aws-sdk-go sends it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sesspec.encoding import Pairs, form_decode
from sesspec.http import RawRequest

__all__ = [
    "AUTH_PARAMS",
    "PRESIGNED_PARAMS",
    "SIGV2_PARAMS",
    "SIGV4_QUERY_PARAMS",
    "TOKEN_PARAMS",
    "RequestParams",
    "params_where",
    "query_params",
    "read_params",
]


def __dir__() -> list[str]:
    return __all__


#: The presigned query's parameters (IAM-SIGV4), in the order presigning writes them (the
#: signature last): never operation parameters. ``sesspec.signing.sigv4`` exports it too.
PRESIGNED_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
)
#: SigV4 presigned-URL parameters (IAM-SIGV4): never operation parameters.
SIGV4_QUERY_PARAMS = frozenset(PRESIGNED_PARAMS)
#: SigV2 parameters (docs/spec.md#param-auth-names): not part of SES authentication.
SIGV2_PARAMS = frozenset(
    {"AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp", "Expires"}
)
#: The parameters that carry a session token: SigV4's and SigV2's (aws-sdk-go).
TOKEN_PARAMS = ("X-Amz-Security-Token", "SecurityToken")
#: Every parameter that authenticates a request rather than belongs to its action.
AUTH_PARAMS = SIGV4_QUERY_PARAMS | SIGV2_PARAMS | frozenset(TOKEN_PARAMS)

Where = Literal["query", "body"]


@dataclass(frozen=True, slots=True)
class RequestParams:
    """A request's parameters, decoded: ``query`` (its query string's), ``body`` (a POST's
    form body's) and ``where`` the operation's parameters are (``body`` for a POST)."""

    query: Pairs
    body: Pairs
    where: Where

    @property
    def operation(self) -> Pairs:
        """The parameters SES reads for the operation, the authentication ones included: a
        POST's query items and then its body's, or a GET's query."""
        return [*self.query, *self.body] if self.where == "body" else self.query

    def first(self, name: str) -> str | None:
        """The value of the first operation parameter called ``name``."""
        return next((v for n, v in self.operation if n == name), None)

    def names(self) -> set[str]:
        """The names of every parameter, in the query or the body."""
        return {n for n, _ in self.query} | {n for n, _ in self.body}

    def without_auth(self) -> Pairs:
        """The operation parameters without those of :data:`AUTH_PARAMS`."""
        return [(n, v) for n, v in self.operation if n not in AUTH_PARAMS]


def params_where(method: str) -> Where:
    """Where a request made with ``method`` carries its operation's parameters."""
    return "body" if method == "POST" else "query"


def query_params(request: RawRequest) -> Pairs:
    """The pairs of ``request``'s query string alone (what a signer looks at, whatever the
    method; the body is not read); errors as :func:`read_params`."""
    query = request.query
    return form_decode(query) if query else []


def read_params(request: RawRequest) -> RequestParams:
    """The parameters of ``request`` (module docstring); :class:`~sesspec.errors.EncodingError`
    (``too-many-pairs``) for a query or body past :data:`sesspec.encoding.MAX_PAIRS`."""
    where = params_where(request.method)
    return RequestParams(
        query_params(request),
        form_decode(request.body) if where == "body" and request.body else [],
        where,
    )
