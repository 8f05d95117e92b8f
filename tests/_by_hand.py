"""IAM-SIGV4 from the canonical request on, with hashlib and hmac alone (never sesspec): the
string to sign, the signing key and the signature, for tests that sign a canonical request
written by hand (a client's mistake, a vector's text)."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["sigv4_signature"]


def sigv4_signature(creq: str, amz_date: str, scope: str, secret: str) -> str:
    """The hex signature of canonical request ``creq`` dated ``amz_date`` (``YYYYMMDDTHHMMSSZ``)
    in credential scope ``scope`` (``date/region/service/aws4_request``) with ``secret``."""
    digest = hashlib.sha256(creq.encode("utf-8", "surrogateescape")).hexdigest()
    sts = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{digest}"
    key = b"AWS4" + secret.encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
