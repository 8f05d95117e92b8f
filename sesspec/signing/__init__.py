"""The signing schemes SES has accepted: SigV4 (today), AWS3-HTTPS and SigV2 (history).

One module per scheme (spec-notes a1): :mod:`sesspec.signing.sigv4`,
:mod:`sesspec.signing.aws3`, :mod:`sesspec.signing.sigv2`. Every stage of each is public, so a
checker can recompute a client's canonical request or string to sign and show where it differs.
"""

from __future__ import annotations

__all__: list[str] = []


def __dir__() -> list[str]:
    return __all__
