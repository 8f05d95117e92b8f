"""What the legacy schemes (AWS3-HTTPS, SigV2) share: the signature's HMAC."""

from __future__ import annotations

import base64
import hmac


def hmac_base64(secret_access_key: str, string_to_sign: str, digest: str) -> str:
    """Base64 of HMAC(secret, string to sign), both UTF-8: the signature of both schemes. A
    lone surrogate (a byte that was not UTF-8, read from the wire or the command line with
    ``surrogateescape``) is that byte again, as SigV4 encodes."""
    mac = hmac.digest(
        secret_access_key.encode("utf-8", "surrogateescape"),
        string_to_sign.encode("utf-8", "surrogateescape"),
        digest,
    )
    return base64.b64encode(mac).decode("ascii")
