"""SigV4's stages, each public and pure: the canonical request's parts, the string to sign, the
signing key and the signature (IAM-SIGV4, quoted in the package's docstring), and
:func:`compute`, which assembles them in order.

Every signature sesspec makes or checks is assembled by :func:`compute` (the signer, the
verifier, the checker and the client mistakes it reproduces), except the fused path of
:mod:`sesspec.signing.sigv4._fast`, held equal to it by a property test.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote_to_bytes

from sesspec.encoding import percent_encode
from sesspec.errors import SigningError
from sesspec.signing import _guard

__all__ = [
    "ALGORITHM",
    "EMPTY_SHA256",
    "SCHEME",
    "TERMINATOR",
    "UNSIGNED_PAYLOAD",
    "Stages",
    "authorization_value",
    "canonical_headers",
    "canonical_query",
    "canonical_query_of",
    "canonical_request",
    "canonical_uri",
    "compute",
    "credential_scope",
    "payload_hash",
    "signature",
    "signed_headers_value",
    "signing_key",
    "string_to_sign",
]

#: "The algorithm that you used to calculate the signature ... AWS4-HMAC-SHA256" (IAM-SIGV4).
ALGORITHM = "AWS4-HMAC-SHA256"
#: Hex SHA-256 of the empty payload (the last line of every GET in the suites).
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#: Payload hash placeholder for an unsigned body (S3 and presigned S3 URLs).
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: The last part of a credential scope (IAM-SIGV4).
TERMINATOR = "aws4_request"
#: The scheme's name in a :class:`SigningError`.
SCHEME = "sigv4"
_ENC = "utf-8"
_ERR = "surrogateescape"


def canonical_uri(path: str, *, normalize: bool = True, double_uri_encode: bool = True) -> str:
    """The ``CanonicalURI`` of a raw (as sent) path.

    IAM-SIGV4: "The URI-encoded version of the absolute path component URI ... If the absolute
    path is empty, use a forward slash character (/)." and "Normalize URI paths according to
    RFC 3986. Remove redundant and relative path components." (not for S3: the 2015 suite's
    ``normalize-path.txt``). Normalizing also merges repeated slashes (aws-c-auth
    ``get-slashes-normalized``: ``//example//`` -> ``/example/``).

    ``double_uri_encode=True`` is the rule for every service but S3: the path is encoded as
    sent, so an escape ``%3A`` becomes ``%253A`` (docs/spec.md#enc-canonical-path;
    aws/aws-sdk-js#853; smithy-rs ``double-url-encode``). ``double_uri_encode=False`` decodes
    escapes first and encodes once (S3; the 2011 suite's original ``get-space``).
    """
    if path == "/":  # every SES request
        return path
    raw = path.encode(_ENC, _ERR)
    if not double_uri_encode and b"%" in raw:
        raw = unquote_to_bytes(raw)
    if normalize:
        raw = _remove_dot_segments(raw)
    if not raw:
        return "/"
    return percent_encode(raw, safe="/")


def _remove_dot_segments(path: bytes) -> bytes:
    """RFC 3986 section 5.2.4 on a slash-separated path, dropping empty segments as well."""
    if b"." not in path and b"//" not in path:
        return path or b"/"
    out: list[bytes] = []
    segments = path.split(b"/")
    for seg in segments:
        if seg in (b"", b"."):
            continue
        if seg == b"..":
            if out:
                out.pop()
            continue
        out.append(seg)
    trailing = segments[-1] in (b"", b".", b"..") and bool(out)
    return b"/" + b"/".join(out) + (b"/" if trailing else b"")


def query_items(
    query: str, *, plus_as_space: bool, exclude: Collection[str]
) -> list[tuple[str, str]]:
    """Encoded ``(name, value)`` items of a raw query string, byte-exact (no UTF-8 round trip)."""
    if not query:
        return []
    raw = query.encode(_ENC, _ERR)
    if plus_as_space and b"+" in raw:
        raw = raw.replace(b"+", b" ")
    items: list[tuple[str, str]] = []
    drop = {percent_encode(x) for x in exclude}
    for seg in raw.split(b"&"):
        if not seg:
            continue
        name, _, value = seg.partition(b"=")
        en = percent_encode(unquote_to_bytes(name) if b"%" in name else name)
        if en in drop:
            continue
        ev = percent_encode(unquote_to_bytes(value) if b"%" in value else value)
        items.append((en, ev))
    return items


def canonical_query_of(pairs: Iterable[tuple[bytes, bytes]]) -> str:
    """The ``CanonicalQueryString`` of decoded pairs given as bytes (a reader that has decoded
    the query already, byte for byte: :class:`sesspec.encoding.Segment`)."""
    return join_sorted([(percent_encode(n), percent_encode(v)) for n, v in pairs])


def join_sorted(items: list[tuple[str, str]]) -> str:
    # Sort the (name, value) tuples, not "name=value" strings: '=' sorts above '-', '.', '%' and
    # the digits, so string order would put "key-type=" before "key=" (docs/spec.md#enc-sort-order).
    items.sort()
    return "&".join([f"{n}={v}" for n, v in items])


def canonical_query(
    query: str, *, plus_as_space: bool = True, exclude: Collection[str] = ()
) -> str:
    """The ``CanonicalQueryString`` of a raw query string as it appears in the target.

    Each ``&``-separated item is split at its first ``=`` (none: empty value), unescaped to
    bytes, UriEncoded, and the encoded pairs are sorted by name then value (IAM-SIGV4; see
    :func:`sesspec.encoding.canonical_query_string` for decoded pairs). A ``+`` is a space
    (``plus_as_space``, docs/spec.md#enc-plus: "``+`` in a request means space"; the 2011 suite's
    ``post-vanilla-query-nonunreserved``). Names in ``exclude`` (decoded) are left out, e.g.
    ``X-Amz-Signature`` when verifying a presigned URL.
    """
    return join_sorted(query_items(query, plus_as_space=plus_as_space, exclude=exclude))


_WS_RUN = re.compile(r"[ \t\r\n]+")


def _trim(raw: str) -> str:
    # IAM-SIGV4: "Trim any leading or trailing spaces, convert sequential spaces to a single
    # space"; an obs-fold (line break + indentation) counts as such a run (aws-c-auth
    # get-header-value-multiline).
    if "  " in raw or "\t" in raw or "\n" in raw or "\r" in raw:
        return _WS_RUN.sub(" ", raw).strip(" ")
    return raw.strip(" ")


def canonical_headers(
    headers: Iterable[tuple[str, str]],
    *,
    signed: Collection[str],
    sort_repeated_values: bool = False,
) -> str:
    """The ``CanonicalHeaders`` block (each line ending in ``\\n``) for the ``signed`` names.

    IAM-SIGV4: "convert all header names to lowercase and remove leading spaces and trailing
    spaces. Convert sequential spaces in the header value to a single space" ... "sorted by
    header name"; repeated headers are joined with commas in the order sent (2015 suite
    ``get-header-key-duplicate``: ``my-header1:value2,value2,value1``).

    ``sort_repeated_values`` reproduces the original 2011 edition of the suite, which sorted
    the values of a repeated header (``p:a,a,p,z``); no current signer does.

    Raises :class:`SigningError` when a signed name has no header.
    """
    want = {n.lower() for n in signed}
    values: dict[str, list[str]] = {}
    for name, raw in headers:
        lname = name.lower()
        if lname in want:
            values.setdefault(lname, []).append(_trim(raw))
    if len(values) != len(want):
        missing = ", ".join(sorted(want - values.keys()))
        msg = f"signed header(s) not in the request: {missing}"
        raise SigningError(msg, scheme=SCHEME, stage="canonical-headers")
    if sort_repeated_values:
        return "".join(f"{n}:{','.join(sorted(values[n]))}\n" for n in sorted(values))
    return "".join(f"{n}:{','.join(values[n])}\n" for n in sorted(values))


def signed_headers_value(signed: Iterable[str]) -> str:
    """``SignedHeaders``: "the list of headers that you included in CanonicalHeaders, separated
    by semicolons", lowercase and sorted (IAM-SIGV4)."""
    return ";".join(sorted({n.lower() for n in signed}))


def payload_hash(body: bytes) -> str:
    """``HashedPayload = Lowercase(HexEncode(Hash(RequestPayload)))`` (IAM-SIGV4)."""
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    *,
    canonical_uri: str,
    canonical_query: str,
    canonical_headers: str,
    signed_headers: str,
    payload_hash: str,
) -> str:
    """Join the stages: ``METHOD\\nURI\\nQUERY\\nHEADERS\\n\\nSIGNED\\nHASH`` (IAM-SIGV4)."""
    return (
        f"{method}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n"
        f"{signed_headers}\n{payload_hash}"
    )


def credential_scope(date: str, *, region: str, service: str) -> str:
    """``YYYYMMDD/region/service/aws4_request`` (IAM-SIGV4); SES uses service ``ses``."""
    return f"{date}/{region}/{service}/{TERMINATOR}"


def string_to_sign(canonical_request: str, *, amz_date: str, scope: str) -> str:
    """``AWS4-HMAC-SHA256\\n<amz_date>\\n<scope>\\nHex(SHA256(canonical_request))``."""
    digest = hashlib.sha256(canonical_request.encode(_ENC, _ERR)).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


@lru_cache(maxsize=512)
def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k = hmac.digest(("AWS4" + secret).encode(_ENC, _ERR), date.encode(_ENC, _ERR), "sha256")
    k = hmac.digest(k, region.encode(_ENC, _ERR), "sha256")
    k = hmac.digest(k, service.encode(_ENC, _ERR), "sha256")
    return hmac.digest(k, TERMINATOR.encode(_ENC), "sha256")


_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def require_signable(  # the five things a SigV4 signature is made with
    access_key_id: str, secret: str, session_token: str | None, region: str, service: str
) -> None:
    _guard.require_signable(
        SCHEME,
        access_key_id=access_key_id,
        secret_access_key=secret,
        session_token=session_token,
        region=region,
        service=service,
    )


@lru_cache(maxsize=512)
def signing_pads(
    access_key_id: str, secret: str, date: str, region: str, service: str
) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states after the HMAC inner and outer pads of the signing key (RFC 2104).

    HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); with the two pad blocks hashed once per
    key, a signature costs two state copies instead of a fresh HMAC set-up (about half the time
    of ``hmac.digest`` for a small string to sign).

    Only signing uses it, so this is where the credentials and the scope are checked
    (:mod:`sesspec.signing._guard`): once per key, not once per signature. (The access key id
    is not part of the key; it is here to be checked with the rest.)
    """
    require_signable(access_key_id, secret, None, region, service)
    return _key_pads(_signing_key(secret, date, region, service))


def _hmac_hex(pads: tuple[hashlib._Hash, hashlib._Hash], msg: bytes) -> str:
    inner = pads[0].copy()
    inner.update(msg)
    outer = pads[1].copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def signing_key(secret_access_key: str, *, date: str, region: str, service: str) -> bytes:
    """The derived key (IAM-SIGV4 key chain above); pure, so cached per (secret, scope)."""
    return _signing_key(secret_access_key, date, region, service)


def signature(signing_key: bytes, *, string_to_sign: str) -> str:
    """``Hex(HMAC-SHA256(SigningKey, StringToSign))``, lowercase (IAM-SIGV4)."""
    return _hmac_hex(_key_pads(signing_key), string_to_sign.encode(_ENC, _ERR))


@lru_cache(maxsize=512)
def _key_pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    # RFC 2104: a key longer than the 64-byte block is hashed first, a shorter one zero-padded.
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    return hashlib.sha256(block.translate(_IPAD)), hashlib.sha256(block.translate(_OPAD))


def authorization_value(
    access_key_id: str, *, scope: str, signed_headers: str, signature: str
) -> str:
    """The ``Authorization`` header value. IAM-SIGV4: "There is a space between the algorithm
    and Credential, and a comma followed by a space between the other elements"."""
    return (
        f"{ALGORITHM} Credential={access_key_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


class Stages(NamedTuple):
    """The stages of one signature: canonical request, string to sign, signature, scope."""

    canonical_request: str
    string_to_sign: str
    signature: str
    scope: str


def compute(
    method: str,
    *,
    canonical_uri: str,
    canonical_query: str,
    canonical_headers: str,
    signed_headers: str,
    payload_hash: str,
    amz_date: str,
    date: str,
    region: str,
    service: str,
    secret_access_key: str,
) -> Stages:
    """Every stage after the canonical parts, from the public stage functions in order: the
    canonical request, the scope ``date/region/service/aws4_request``, the string to sign over
    ``amz_date`` (the request time) and the signature with the key derived for the scope.

    The :class:`~sesspec.signing.sigv4.Signer`'s one assembly (``sign``, ``presign``) and
    :func:`~sesspec.signing.sigv4.recompute` (``verify`` and the checker, which also computes
    what a client's mistakes give) assemble a signature here; only the fused path of
    :mod:`sesspec.signing.sigv4._fast` writes its own, held equal to this by a property test.
    """
    creq = canonical_request_text = canonical_request(
        method,
        canonical_uri=canonical_uri,
        canonical_query=canonical_query,
        canonical_headers=canonical_headers,
        signed_headers=signed_headers,
        payload_hash=payload_hash,
    )
    scope = credential_scope(date, region=region, service=service)
    sts = string_to_sign(canonical_request_text, amz_date=amz_date, scope=scope)
    key = signing_key(secret_access_key, date=date, region=region, service=service)
    return Stages(creq, sts, signature(key, string_to_sign=sts), scope)
