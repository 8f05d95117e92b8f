"""sesspec: the Amazon SES Classic (API 2010-12-01) Query API wire format, made executable.

The pure core, re-exported here; each function lives in the module named after its spec area
(``sesspec.encoding``, ``sesspec.query``, ``sesspec.signing.sigv4``, ``sesspec.request``,
``sesspec.check``), which is where its documentation is.
"""

from sesspec.check import Credentials, Finding, check
from sesspec.encoding import (
    canonical_query_string,
    form_decode,
    form_encode,
    form_encode_bytes,
    percent_decode,
    percent_encode,
)
from sesspec.http import RawRequest, parse_request
from sesspec.model import ses_model
from sesspec.query import flatten, unflatten
from sesspec.request import build_request

__version__ = "0.1.0"

__all__ = (
    "Credentials",
    "Finding",
    "RawRequest",
    "__version__",
    "build_request",
    "canonical_query_string",
    "check",
    "flatten",
    "form_decode",
    "form_encode",
    "form_encode_bytes",
    "parse_request",
    "percent_decode",
    "percent_encode",
    "ses_model",
    "unflatten",
)
