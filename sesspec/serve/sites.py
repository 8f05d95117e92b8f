"""Which sites may call the endpoint: the ``Host`` a request names and what a browser says of
the page that sent it (``Origin``, ``Sec-Fetch-Site``). One policy for every API the endpoint
serves (SES Classic's Query API, the endpoint's own routes, and any other application); each
answers a refusal in its own shape, with 403.

Why. The endpoint listens on 127.0.0.1, but a browser on the same machine reaches 127.0.0.1 for
any page it shows, and SES's Query API takes its action from a form or a query: a page on any
site could create or delete templates with a cross-site form (``text/plain`` or urlencoded: no
preflight, RFC 6454 and the Fetch standard's "simple" requests), or an ``<img>`` naming
``/?Action=DeleteTemplate``; and a page whose own host name is made to resolve to 127.0.0.1
(DNS rebinding) could read the answers, as the same origin. So:

* ``Host`` (RFC 9110 section 7.2): every value given must name a loopback host (127.0.0.1,
  localhost, [::1]; any port) or a host name clients are told for SES (:data:`SES_HOSTNAMES`:
  ``email.<region>.amazonaws.com``, ``email-fips.<region>.amazonaws.com``, LocalStack's
  ``localhost.localstack.cloud``), which an attacker cannot make resolve to this machine; a
  rebinding page names its own host. A request without ``Host`` is no browser's and passes.
* ``Origin`` (RFC 6454 section 7; sent by browsers on every cross-origin request and every
  ``POST``): when present it must be the endpoint's own (its scheme, a loopback host, its port);
  ``null`` (a sandboxed frame, a file) is not.
* ``Sec-Fetch-Site`` (W3C Fetch Metadata; sent by browsers to loopback, even where ``Origin``
  is not, as on an ``<img>``'s ``GET``): when present it must be ``same-origin`` or ``none`` (the
  user typed the address). A page on another port of 127.0.0.1 is ``same-site``, not
  ``same-origin``, and is refused.

No SES client sends ``Origin`` or ``Sec-Fetch-Site``, and every client sesspec drives is told
an SES host name (``sesspec.drivers.base``) or 127.0.0.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from sesspec.http import RawRequest

__all__ = [
    "API_SITES",
    "LOOPBACK_NAMES",
    "SES_HOSTNAMES",
    "CrossSite",
    "SitePolicy",
    "host_name",
]


def __dir__() -> list[str]:
    return __all__


#: Regions with an SES v1 endpoint (botocore ``endpoints.json``, docs/spec.md#http-endpoints).
_REGIONS = (
    "af-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-5",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "us-gov-east-1",
    "us-gov-west-1",
)

#: Names a client may put in Host/SNI when it keeps the real SES host (clients-howto).
SES_HOSTNAMES = (
    "email.amazonaws.com",
    *(f"email.{r}.amazonaws.com" for r in _REGIONS),
    *(f"email-fips.{r}.amazonaws.com" for r in _REGIONS),
)
#: The names of this machine a request may name (any port).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: LocalStack's documented endpoint name (it resolves to 127.0.0.1): clients moved from
#: LocalStack keep it.
_LOCALSTACK_NAME = "localhost.localstack.cloud"
#: ``host [ ":" port ]`` (RFC 9110 section 7.2, RFC 3986 section 3.2.2: an IPv6 literal in
#: brackets); the name is compared without case.
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\[\]:@/\s]+)(?::([0-9]{0,5}))?\Z")
#: ``Sec-Fetch-Site`` values of a request the endpoint's own page or the user made.
_OWN_FETCH = frozenset(("same-origin", "none"))


def host_name(value: str) -> str | None:
    """The host name of a ``Host`` value (lower case), None when it is not ``host[:port]``."""
    match = _HOST.match(value)
    return None if match is None else match.group(1).lower()


@dataclass(frozen=True, slots=True)
class CrossSite:
    """Why a request was refused as another site's: ``field`` (``host``, ``origin`` or
    ``sec-fetch-site``), the value it had (at most 200 characters) and a sentence saying so."""

    field: Literal["host", "origin", "sec-fetch-site"]
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class SitePolicy:
    """The ``Host`` names a request may give besides the loopback ones (``hosts``, lower case),
    and whether the browser's headers are judged on every method or only on those that change
    something (``safe_methods_open``: ``GET`` and ``HEAD`` pass whatever their origin, for
    routes whose ``GET`` only reads, which no other site can read back)."""

    hosts: frozenset[str] = frozenset((*SES_HOSTNAMES, _LOCALSTACK_NAME))
    safe_methods_open: bool = False

    def refusal(self, request: RawRequest, *, tls: bool, port: int) -> CrossSite | None:
        """Why ``request``, received on ``port`` (over TLS when ``tls``), comes from another
        site, or None when it does not."""
        for value in request.header_all("host"):
            name = host_name(value)
            if name is None or (name not in LOOPBACK_NAMES and name not in self.hosts):
                return CrossSite(
                    "host",
                    value[:200],
                    f"Host {value[:200]!r} is neither this machine (127.0.0.1, localhost) nor "
                    "an SES host name: a page whose name resolves here (DNS rebinding) is not "
                    "answered",
                )
        if self.safe_methods_open and request.method in ("GET", "HEAD"):
            return None
        own = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        for value in request.header_all("origin"):
            if not _own_origin(value, tls=tls, port=port):
                return CrossSite(
                    "origin",
                    value[:200],
                    f"Origin {value[:200]!r} is not this endpoint's ({own}): a page on another "
                    "site may not call it",
                )
        for value in request.header_all("sec-fetch-site"):
            if value.strip().lower() not in _OWN_FETCH:
                return CrossSite(
                    "sec-fetch-site",
                    value[:200],
                    f"Sec-Fetch-Site {value[:200]!r}: a page on another site (another port of "
                    f"this machine too) may not call this endpoint ({own})",
                )
        return None


def _own_origin(value: str, *, tls: bool, port: int) -> bool:
    """Whether ``value`` (an ``Origin``: ``scheme "://" host [ ":" port ]``, RFC 6454 section
    6.2) is the endpoint's: its scheme, a loopback host, its port."""
    try:
        parts = urlsplit(value.strip())
        given = parts.port
    except ValueError:
        return False
    scheme = "https" if tls else "http"
    if parts.scheme != scheme or parts.path or parts.query or parts.fragment:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    host = parts.hostname
    names = {name.strip("[]") for name in LOOPBACK_NAMES}
    default = 443 if tls else 80
    return host in names and (given if given is not None else default) == port


#: The policy of the endpoint's APIs (SES Classic's, and any other served from the same state):
#: a Host of this machine or an SES host name, and no other site's page, whatever the method.
API_SITES = SitePolicy()
