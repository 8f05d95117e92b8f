"""SES v2 (API 2019-09-27, REST-JSON under ``/v2/email/``) on the local SES, over the same state.

The endpoint routes every request whose path starts with :data:`PATH_PREFIX` here
(:func:`claims`; docs/spec.md#http-ses-v2), never to the Classic Query application:

* :mod:`~sesspec.serve.v2.wire`: the operation a method and path name, read from the model's
  ``requestUri`` templates (:func:`~sesspec.serve.v2.wire.route`); its input read from the URI
  labels, the query and the JSON body and validated against the SES v2 model
  (:func:`sesspec.model.sesv2_model`: shapes, required members, types, enums, lengths and
  ranges); the JSON answers and SES v2's JSON errors (status, ``x-amzn-ErrorType``,
  ``{"message": ...}``);
* :mod:`~sesspec.serve.v2.judge`: the signature, checked by the one SigV4 verifier
  (:func:`sesspec.signing.sigv4.verify`) with the fake credentials, and the verdict on a captured
  v2 request;
* :mod:`~sesspec.serve.v2.operations`: each served operation as a handler over the account's
  stores, the same ones SES Classic's actions use (an identity verified through one API is
  verified in the other; a template made through one is sent through the other);
* :mod:`~sesspec.serve.v2.app`: :class:`~sesspec.serve.v2.app.V2Application`, the exchange in,
  the answer out, each request recorded in the capture log like Classic's.
"""

from __future__ import annotations

from sesspec.http import RawRequest

__all__ = ["ACTION_PREFIX", "PATH_PREFIX", "claims"]


def __dir__() -> list[str]:
    return __all__


#: How a v2 operation is named in the capture log and on stored messages (``sesv2:SendEmail``).
ACTION_PREFIX = "sesv2:"

#: Every SES v2 operation's path starts with this (MODEL v2: ``requestUri`` ``/v2/email/...``).
PATH_PREFIX = "/v2/"


def claims(request: RawRequest) -> bool:
    """Whether ``request`` is for SES v2: its path starts with :data:`PATH_PREFIX` (an
    absolute-form target is read for its path)."""
    return request.path.startswith(PATH_PREFIX)
