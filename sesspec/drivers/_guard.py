"""Inside a driver child: send every connection to the loopback endpoint, refuse the rest.

Clients are handed the real SES host name. ``socket.getaddrinfo`` answers any name with
127.0.0.1 and the endpoint's port, and ``socket.socket.connect`` refuses any address that
is not loopback, so a client that ignores its endpoint setting fails instead of reaching
AWS (preamble: "Network: only 127.0.0.1. Never contact real AWS").
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

__all__ = ["install"]


def __dir__() -> list[str]:
    return __all__


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def install(port: int) -> None:
    """Patch the socket module of this (child) process; see the module docstring."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, service: Any, *rest: Any, **options: Any) -> Any:
        if host is None or _is_loopback(host):
            if host in ("localhost", b"localhost"):
                host = "127.0.0.1"
            return real_getaddrinfo(host, service, *rest, **options)
        # family, type, proto, flags: keep the caller's type/proto, force IPv4 loopback.
        kind = rest[1] if len(rest) > 1 else options.get("type", 0)
        return real_getaddrinfo("127.0.0.1", port, socket.AF_INET, kind)

    def _check(address: Any) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            msg = f"sesspec driver guard: refused connection to {address!r} (loopback only)"
            raise ConnectionRefusedError(msg)

    def connect(self: socket.socket, address: Any) -> None:
        _check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(address)
        return real_connect_ex(self, address)

    # Monkey-patching is the point here; typeshed's exact signatures do not matter.
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
