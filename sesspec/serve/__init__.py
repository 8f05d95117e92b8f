"""The loopback SES endpoint (outer ring: sockets, files, TLS): ``sesspec serve``.

Public API: :class:`Endpoint` (context manager; ``.url``, ``.ca_path``, ``.port``),
:class:`Capture` and :func:`load_captures` for the capture log, :class:`SesError` and its
constructors for ``--strict`` answers, and :func:`main` for the CLI.
"""

from __future__ import annotations

from sesspec.serve.capture import Capture, CaptureLog, load_captures
from sesspec.serve.cli import main
from sesspec.serve.responses import (
    SES_NAMESPACE,
    SesError,
    error_body,
    invalid_parameter_value,
    malformed_query_string,
    missing_parameter,
    signature_does_not_match,
    success_body,
)
from sesspec.serve.server import SES_HOSTNAMES, Endpoint, StrictChecker

__all__ = [
    "SES_HOSTNAMES",
    "SES_NAMESPACE",
    "Capture",
    "CaptureLog",
    "Endpoint",
    "SesError",
    "StrictChecker",
    "error_body",
    "invalid_parameter_value",
    "load_captures",
    "main",
    "malformed_query_string",
    "missing_parameter",
    "signature_does_not_match",
    "success_body",
]


def __dir__() -> list[str]:
    return __all__
