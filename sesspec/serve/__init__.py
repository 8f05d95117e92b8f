"""The loopback SES endpoint (outer ring: sockets, files, TLS): ``sesspec serve``.

Public API: :class:`Endpoint` (context manager; ``.url``, ``.ca_path``, ``.port``, ``.state``),
:class:`SesState` (the local SES account it answers from) and :class:`Message` (a stored
message), :class:`Capture`, :func:`load_captures` and :func:`capture_findings` for the capture log,
:class:`SesError` and its constructors for ``--strict`` answers, and :func:`main` for the CLI.

The capture log needs only the standard library and the checker; the endpoint itself needs the
``serve`` extra (lxml for the XML answers, trustme for the throwaway CA). Its names are
imported on first use, so ``sesspec check`` can read capture files without that extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sesspec._extras import lazy_attributes
from sesspec.serve.capture import (
    Capture,
    CaptureError,
    CaptureLog,
    capture_findings,
    load_captures,
)

if TYPE_CHECKING:
    from sesspec.cli.serve import main
    from sesspec.serve.mailbox import Message
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
    from sesspec.serve.server import SES_HOSTNAMES, Endpoint, EndpointStartError, StrictChecker
    from sesspec.serve.state import SesState

__all__ = [
    "SES_HOSTNAMES",
    "SES_NAMESPACE",
    "Capture",
    "CaptureError",
    "CaptureLog",
    "Endpoint",
    "EndpointStartError",
    "Message",
    "SesError",
    "SesState",
    "StrictChecker",
    "capture_findings",
    "error_body",
    "invalid_parameter_value",
    "load_captures",
    "main",
    "malformed_query_string",
    "missing_parameter",
    "signature_does_not_match",
    "success_body",
]

#: Where each name that needs the ``serve`` extra lives.
_LAZY = {
    "main": "sesspec.cli.serve",
    "SES_NAMESPACE": "sesspec.serve.responses",
    "SesError": "sesspec.serve.responses",
    "error_body": "sesspec.serve.responses",
    "invalid_parameter_value": "sesspec.serve.responses",
    "malformed_query_string": "sesspec.serve.responses",
    "missing_parameter": "sesspec.serve.responses",
    "signature_does_not_match": "sesspec.serve.responses",
    "success_body": "sesspec.serve.responses",
    "SES_HOSTNAMES": "sesspec.serve.server",
    "Endpoint": "sesspec.serve.server",
    "EndpointStartError": "sesspec.serve.server",
    "StrictChecker": "sesspec.serve.server",
    "Message": "sesspec.serve.mailbox",
    "SesState": "sesspec.serve.state",
}


__getattr__ = lazy_attributes(globals(), _LAZY)


def __dir__() -> list[str]:
    return __all__
