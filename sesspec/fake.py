"""The fake credentials of the public SigV4 test suites: never real ones.

``AKIDEXAMPLE`` and its secret are what the AWS SigV4 suites sign with. sesspec gives them to
every client it drives (:mod:`sesspec.drivers`), and the loopback endpoint's strict mode, the
report and the ``ses_endpoint`` fixture verify signatures with them
(:mod:`sesspec.serve.strict`), so both sides read them from here.
"""

from __future__ import annotations

__all__ = ["ACCESS_KEY_ID", "REGION", "SECRET_ACCESS_KEY", "SESSION_TOKEN"]


def __dir__() -> list[str]:
    return __all__


#: The suites' access key id.
ACCESS_KEY_ID = "AKIDEXAMPLE"
#: The suites' secret access key (public, fake).
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"  # noqa: S105 (public fake)
#: The fake session token that goes with them when a client is given temporary credentials
#: (what every client on AWS compute signs with): STS's shape, with '+', '/' and '=' to escape.
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE//////////wEaDFAKE+sesspec/session+TOKEN/0123456789=="  # noqa: S105
#: The region the drivers' clients are configured with.
REGION = "us-east-1"
