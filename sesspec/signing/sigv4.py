"""AWS Signature Version 4 (header and presigned query), stage by stage.

IAM-SIGV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):

    CanonicalRequest =
      HTTPMethod + '\\n' + CanonicalURI + '\\n' + CanonicalQueryString + '\\n' +
      CanonicalHeaders + '\\n' + SignedHeaders + '\\n' + HashedPayload

    StringToSign = Algorithm \\n RequestDateTime \\n CredentialScope \\n HashedCanonicalRequest

    DateKey = HMAC-SHA256("AWS4"+"<SecretAccessKey>", "<YYYYMMDD>")
    DateRegionKey = HMAC-SHA256(<DateKey>, "<aws-region>")
    DateRegionServiceKey = HMAC-SHA256(<DateRegionKey>, "<aws-service>")
    SigningKey = HMAC-SHA256(<DateRegionServiceKey>, "aws4_request")

SES facts (spec-notes a3, a4): service ``ses``, path ``/``, a POST form body is covered only by
the payload hash (the canonical query is empty); a presigned SES request carries the form
parameters in the query string (botocore moves them: ``form_to_query=True`` here).

Every function is pure: time and credentials are arguments, nothing reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal, NamedTuple
from urllib.parse import unquote_to_bytes

from sesspec.encoding import canonical_query_string, form_decode, form_encode, percent_encode
from sesspec.errors import EncodingError, SigningError
from sesspec.http import RawRequest
from sesspec.signing import _guard

__all__ = [
    "ALGORITHM",
    "EMPTY_SHA256",
    "MAX_EXPIRES_DIGITS",
    "UNSIGNED_PAYLOAD",
    "Authorization",
    "Signed",
    "Signer",
    "VerifyResult",
    "amz_date",
    "authorization_value",
    "canonical_headers",
    "canonical_query",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "credential_scope",
    "expires_seconds",
    "parse_amz_date",
    "parse_authorization",
    "parse_http_date",
    "payload_hash",
    "presign",
    "sign",
    "signature",
    "signed_headers_value",
    "signing_key",
    "string_to_sign",
    "time_problem",
    "verify_request",
]


def __dir__() -> list[str]:
    return __all__


#: "The algorithm that you used to calculate the signature ... AWS4-HMAC-SHA256" (IAM-SIGV4).
ALGORITHM = "AWS4-HMAC-SHA256"
#: Hex SHA-256 of the empty payload (the last line of every GET in the suites).
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#: Payload hash placeholder for an unsigned body (S3 and presigned S3 URLs).
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: Most digits of an ``X-Amz-Expires`` read as a number (a longer value is taken as 10**18
#: seconds: past year 9999 whatever the date, like any value of 13 digits or more);
#: :func:`presign` refuses to write more (:class:`SigningError` of kind ``limit``).
MAX_EXPIRES_DIGITS = 18
_TERMINATOR = "aws4_request"
_SCHEME = "sigv4"
# An expiry this long ends after year 9999 whatever the date (which timedelta cannot hold).
_NEVER = 10**13
_ENC = "utf-8"
_ERR = "surrogateescape"


# --- dates -------------------------------------------------------------------------------------


def amz_date(time: datetime) -> str:
    """``YYYYMMDD'T'HHMMSS'Z'`` in UTC, no fractions (spec-notes a5). Naive times are UTC."""
    t = time if time.tzinfo is None else time.astimezone(UTC)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


@lru_cache(maxsize=64)
def _amz_date_cached(time: datetime) -> str:
    return amz_date(time)


def parse_amz_date(value: str) -> datetime | None:
    """The UTC time of an ISO 8601 basic ``20150830T123600Z`` value, else None."""
    if len(value) != 16 or value[8] != "T" or value[15] != "Z":
        return None
    digits = value[:8] + value[9:15]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        return None


_DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MON = f"({'|'.join(_MONTHS)})"
_TOD = "([0-9]{2}):([0-9]{2}):([0-9]{2})"
# RFC 9110 section 5.6.7, the three forms a recipient must accept (groups: day, month, year, time)
_IMF_FIXDATE = re.compile(rf"{_DAY}, ([0-9]{{2}}) {_MON} ([0-9]{{4}}) {_TOD} GMT\Z")
_RFC850_DATE = re.compile(
    rf"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
    rf"([0-9]{{2}})-{_MON}-([0-9]{{2}}) {_TOD} GMT\Z"
)
_ASCTIME_DATE = re.compile(rf"{_DAY} {_MON} ([0-9]{{2}}| [0-9]) {_TOD} ([0-9]{{4}})\Z")


def parse_http_date(value: str) -> datetime | None:
    """The UTC time of an RFC 9110 (section 5.6.7) HTTP-date, else None.

    The three forms a recipient must accept: IMF-fixdate ``Sun, 06 Nov 1994 08:49:37 GMT``,
    the obsolete rfc850-date ``Sunday, 06-Nov-94 08:49:37 GMT`` (two-digit year: ``70``-``99``
    are 19xx, ``00``-``69`` 20xx) and asctime-date ``Sun Nov  6 08:49:37 1994``. Names are
    case-sensitive and the zone is ``GMT``, as the grammar says; the day name is not checked
    against the date (it is redundant).
    """
    m = _IMF_FIXDATE.match(value)
    if m is not None:
        day, mon, year, hh, mm, ss = m.groups()
    else:
        m = _RFC850_DATE.match(value)
        if m is not None:
            day, mon, yy, hh, mm, ss = m.groups()
            year = str((1900 if int(yy) >= 70 else 2000) + int(yy))
        else:
            m = _ASCTIME_DATE.match(value)
            if m is None:
                return None
            mon, day, hh, mm, ss, year = m.groups()
    try:
        return datetime(
            int(year), _MONTHS.index(mon) + 1, int(day), int(hh), int(mm), int(ss), tzinfo=UTC
        )
    except ValueError:  # 31 Feb, 25:00:00, ...
        return None


# --- canonical request stages ------------------------------------------------------------------


def canonical_uri(path: str, *, normalize: bool = True, double_encode: bool = True) -> str:
    """The ``CanonicalURI`` of a raw (as sent) path.

    IAM-SIGV4: "The URI-encoded version of the absolute path component URI ... If the absolute
    path is empty, use a forward slash character (/)." and "Normalize URI paths according to
    RFC 3986. Remove redundant and relative path components." (not for S3: the 2015 suite's
    ``normalize-path.txt``). Normalizing also merges repeated slashes (aws-c-auth
    ``get-slashes-normalized``: ``//example//`` -> ``/example/``).

    ``double_encode=True`` is the rule for every service but S3: the path is encoded as sent, so
    an escape ``%3A`` becomes ``%253A`` (spec-notes c2; aws/aws-sdk-js#853; smithy-rs
    ``double-url-encode``). ``double_encode=False`` decodes escapes first and encodes once (S3;
    the 2011 suite's original ``get-space``).
    """
    if path == "/":  # every SES request
        return path
    raw = path.encode(_ENC, _ERR)
    if not double_encode and b"%" in raw:
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


def _query_items(
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


def _join_sorted(items: list[tuple[str, str]]) -> str:
    # Sort the (name, value) tuples, not "name=value" strings: '=' sorts above '-', '.', '%' and
    # the digits, so string order would put "key-type=" before "key=" (spec-notes c3).
    items.sort()
    return "&".join([f"{n}={v}" for n, v in items])


def canonical_query(
    query: str, *, plus_as_space: bool = True, exclude: Collection[str] = ()
) -> str:
    """The ``CanonicalQueryString`` of a raw query string as it appears in the target.

    Each ``&``-separated item is split at its first ``=`` (none: empty value), unescaped to
    bytes, UriEncoded, and the encoded pairs are sorted by name then value (IAM-SIGV4; see
    :func:`sesspec.encoding.canonical_query_string` for decoded pairs). A ``+`` is a space
    (``plus_as_space``, spec-notes c2: "``+`` in a request means space"; the 2011 suite's
    ``post-vanilla-query-nonunreserved``). Names in ``exclude`` (decoded) are left out, e.g.
    ``X-Amz-Signature`` when verifying a presigned URL.
    """
    return _join_sorted(_query_items(query, plus_as_space=plus_as_space, exclude=exclude))


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
        raise SigningError(msg, scheme=_SCHEME, stage="canonical-headers")
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
    return f"{date}/{region}/{service}/{_TERMINATOR}"


def string_to_sign(canonical_request: str, *, amz_date: str, scope: str) -> str:
    """``AWS4-HMAC-SHA256\\n<amz_date>\\n<scope>\\nHex(SHA256(canonical_request))``."""
    digest = hashlib.sha256(canonical_request.encode(_ENC, _ERR)).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


@lru_cache(maxsize=512)
def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k = hmac.digest(("AWS4" + secret).encode(_ENC), date.encode(_ENC), "sha256")
    k = hmac.digest(k, region.encode(_ENC), "sha256")
    k = hmac.digest(k, service.encode(_ENC), "sha256")
    return hmac.digest(k, _TERMINATOR.encode(_ENC), "sha256")


_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


@lru_cache(maxsize=512)
def _signing_pads(
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
    _guard.require_signable(
        _SCHEME,
        access_key_id=access_key_id,
        secret_access_key=secret,
        session_token=None,
        region=region,
        service=service,
    )
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


@dataclass(frozen=True, slots=True)
class Authorization:
    """A parsed SigV4 ``Authorization`` header value."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return credential_scope(self.date, region=self.region, service=self.service)


def _parse_credential(value: str, *, stage: str) -> tuple[str, str, str, str]:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != _TERMINATOR or not all(parts[:4]):
        msg = f"Credential must be AKID/YYYYMMDD/region/service/aws4_request: {value!r}"
        raise SigningError(msg, scheme=_SCHEME, stage=stage, kind="scope")
    if len(parts[1]) != 8 or not (parts[1].isascii() and parts[1].isdigit()):
        msg = f"credential scope date must be YYYYMMDD: {parts[1]!r}"
        raise SigningError(msg, scheme=_SCHEME, stage=stage, kind="scope")
    return parts[0], parts[1], parts[2], parts[3]


_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


def parse_authorization(value: str) -> Authorization:
    """Parse ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``.

    Commas may or may not be followed by spaces; anything else malformed (other algorithm,
    missing, repeated or unknown field, a scope that is not five parts, a signature that is not
    64 lowercase hex digits) raises :class:`SigningError` naming the problem.
    """
    stage = "authorization"
    prefix = ALGORITHM + " "
    if not value.startswith(prefix):
        msg = f"Authorization must start with {prefix!r}: {value[:40]!r}"
        raise SigningError(msg, scheme=_SCHEME, stage=stage)
    fields: dict[str, str] = {}
    for part in value[len(prefix) :].split(","):
        key, eq, val = part.strip(" ").partition("=")
        if not eq:
            msg = f"Authorization element without '=': {part.strip()!r}"
            raise SigningError(msg, scheme=_SCHEME, stage=stage)
        if key not in ("Credential", "SignedHeaders", "Signature"):
            msg = f"unknown Authorization element {key!r}"
            raise SigningError(msg, scheme=_SCHEME, stage=stage)
        if key in fields:
            msg = f"repeated Authorization element {key!r}"
            raise SigningError(msg, scheme=_SCHEME, stage=stage)
        fields[key] = val
    for key in ("Credential", "SignedHeaders", "Signature"):
        if key not in fields:
            msg = f"Authorization lacks {key}="
            raise SigningError(msg, scheme=_SCHEME, stage=stage)
    akid, date, region, service = _parse_credential(fields["Credential"], stage=stage)
    names = tuple(fields["SignedHeaders"].split(";"))
    if not all(names):
        msg = f"empty name in SignedHeaders: {fields['SignedHeaders']!r}"
        raise SigningError(msg, scheme=_SCHEME, stage=stage)
    sig = fields["Signature"]
    if not _HEX64.match(sig):
        msg = f"Signature must be 64 lowercase hex digits: {sig!r}"
        raise SigningError(msg, scheme=_SCHEME, stage=stage)
    return Authorization(akid, date, region, service, names, sig)


# --- signing a request -------------------------------------------------------------------------


class Signed(NamedTuple):
    """A signed request together with every intermediate stage (for vectors and checkers).

    A named tuple rather than a dataclass: it is made once per signature on the hot path.
    """

    request: RawRequest
    canonical_request: str
    string_to_sign: str
    signature: str
    signed_headers: str
    scope: str


_DEFAULT_SIGNED = frozenset(("host", "content-type"))
# Headers that send a request down the general path of sign() (with any x-amz-* header).
_NOT_DEFAULT = frozenset(("host", "content-type", "authorization"))
# Header names that need no look at their characters on the fast path (any other name must be
# printable and without ':' there, or the general path checks the line).
_PLAIN_NAMES = frozenset(
    ("content-length", "user-agent", "accept", "accept-encoding", "date", "connection")
)
# Signed(*stages) without the namedtuple's Python-level __new__ (hot path).
_TUPLE_NEW = tuple.__new__


def _presign_signed(names: Iterable[str]) -> set[str]:
    # A presigned URL signs host (and any x-amz-* header present) only (spec-notes a4);
    # a header-signed request also content-type (_DEFAULT_SIGNED, spec-notes a3).
    return {n for n in names if n == "host" or n.startswith("x-amz-")}


def _require_host(lnames: Collection[str]) -> None:
    if "host" not in lnames:
        msg = "the request has no Host header, which SigV4 must sign"
        raise SigningError(msg, scheme=_SCHEME, stage="canonical-headers")


@lru_cache(maxsize=256)
def _default_lines(host: str, ctype: str | None) -> tuple[str, str] | None:
    """CanonicalHeaders up to X-Amz-Date and SignedHeaders for these raw Host and
    Content-Type values, or None when a value needs more than trimming (a tab, a line break,
    a run of spaces: the general path folds them). Cached: a client or a verifying server sees
    the same few hosts and content types again and again."""
    # IAM-SIGV4: values trimmed, inner runs of spaces folded (here only trimming is needed).
    host = host.strip(" ")
    if ctype is None:
        values = host
        lines = f"host:{host}\n", "host;x-amz-date"
    else:
        ctype = ctype.strip(" ")
        values = ctype + host  # no run of spaces can form at the seam: both are trimmed
        lines = f"content-type:{ctype}\nhost:{host}\n", "content-type;host;x-amz-date"
    return lines if values.isprintable() and "  " not in values else None


def _sign_default(  # noqa: PLR0917 - positional on purpose (hot path)
    method: str,
    headers: tuple[tuple[str, str], ...],
    body: bytes,
    version: str,
    line_ending: str,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str,
    hashed: str | None,
) -> tuple[RawRequest, str, str, str, str, str]:
    """:func:`_sign` of a request to '/' without a session token, given as its parts (so that
    :func:`sesspec.request.build_request` need not make the unsigned request), in the common
    case: headers that make the signed set exactly host, content-type (when present) and the
    X-Amz-Date added here, each once, with values that only need their edges trimmed.
    Anything else (an x-amz-* header, an old Authorization, a repeat, a tab or a run of
    spaces) takes the general path, which gives the same result (a property test checks it)."""
    host = ctype = None
    common = True
    for name, value in headers:
        lname = name.lower()
        if lname == "host" and host is None:
            host = value
        elif lname == "content-type" and ctype is None:
            ctype = value
        elif (
            lname in _NOT_DEFAULT
            or lname[:6] == "x-amz-"
            # Anything that may not be a plain header line: the general path checks it.
            or not value.isprintable()
            or (lname not in _PLAIN_NAMES and not (name and name.isprintable() and ":" not in name))
        ):
            common = False
            break
    lines = _default_lines(host, ctype) if common and host is not None else None
    if lines is None:
        return _general(
            method,
            headers,
            body,
            version,
            line_ending,
            access_key_id,
            secret_access_key,
            region,
            time,
            service,
            hashed,
        )
    ch, sh = lines
    date = _amz_date_cached(time)
    if hashed is None:
        hashed = _sha256(body).hexdigest()
    creq = f"{method}\n/\n\n{ch}x-amz-date:{date}\n\n{sh}\n{hashed}"
    datestamp = date[:8]
    scope = f"{datestamp}/{region}/{service}/{_TERMINATOR}"
    sts = f"{ALGORITHM}\n{date}\n{scope}\n{_sha256(_encode(creq, _ENC, _ERR)).hexdigest()}"
    inner, outer = _signing_pads(access_key_id, secret_access_key, datestamp, region, service)
    inner = inner.copy()
    inner.update(_encode(sts, _ENC, _ERR))
    outer = outer.copy()
    outer.update(inner.digest())
    sig = outer.hexdigest()
    signed = (
        *headers,
        ("X-Amz-Date", date),
        (
            "Authorization",
            f"{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={sh}, Signature={sig}",
        ),
    )
    r = RawRequest(method, "/", version, signed, body, line_ending)
    return r, creq, sts, sig, sh, scope


def _general(  # noqa: PLR0917 - positional, as _sign_default
    method: str,
    headers: tuple[tuple[str, str], ...],
    body: bytes,
    version: str,
    line_ending: str,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str,
    hashed: str | None,
) -> tuple[RawRequest, str, str, str, str, str]:
    req = RawRequest(method, "/", version, headers, body, line_ending)
    return _sign(
        req,
        access_key_id,
        secret_access_key,
        region,
        time,
        service,
        None,
        None,
        True,
        True,
        False,
        False,
        False,
        hashed,
    )


_sha256 = hashlib.sha256
_encode = str.encode


def _sign(  # noqa: PLR0917 - positional on purpose: the hot path avoids keyword passing
    req: RawRequest,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str,
    session_token: str | None,
    signed_headers: Collection[str] | None,
    normalize_path: bool,
    double_encode: bool,
    sign_body: bool,
    unsigned_payload: bool,
    omit_session_token: bool,
    hashed: str | None,
) -> tuple[RawRequest, str, str, str, str, str]:
    # One pass over the headers, no intermediate copies: this is the hot path that the
    # benchmark compares with awscrt and botocore.
    _guard.require_headers(_SCHEME, req.headers)
    if session_token is not None:
        _guard.require_credentials(
            _SCHEME,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
        )
    date = _amz_date_cached(time)
    datestamp = date[:8]
    body = req.body
    if unsigned_payload:
        hashed = UNSIGNED_PAYLOAD
    elif hashed is None:
        hashed = hashlib.sha256(body).hexdigest()
    adds: dict[str, tuple[str, str]] = {}
    if session_token is not None and not omit_session_token:
        adds["x-amz-security-token"] = ("X-Amz-Security-Token", session_token)
    adds["x-amz-date"] = ("X-Amz-Date", date)
    if sign_body:
        adds["x-amz-content-sha256"] = ("X-Amz-Content-SHA256", hashed)
    headers: list[tuple[str, str]] = []
    lnames: list[str] = []
    done: set[str] = set()
    for header in req.headers:
        lname = header[0].lower()
        if lname == "authorization":
            continue
        add = adds.get(lname)
        if add is not None:
            # Replace in place (keeping the name as spelled); drop later repeats.
            if lname in done:
                continue
            done.add(lname)
            header = (header[0], add[1])  # noqa: PLW2901 - the replaced header
        headers.append(header)
        lnames.append(lname)
    for lname, add in adds.items():
        if lname not in done:
            headers.append(add)
            lnames.append(lname)
    _require_host(lnames)

    if signed_headers is None:
        # botocore's choice for SES (spec-notes a3): host, content-type and every x-amz-*.
        signed = {n for n in lnames if n in _DEFAULT_SIGNED or n.startswith("x-amz-")}
    else:
        signed = {n.lower() for n in signed_headers}
        signed.update(adds)
        signed.add("host")
    ordered = sorted(signed)
    sh = ";".join(ordered)
    values: dict[str, str] = {}
    for i, lname in enumerate(lnames):
        if lname in signed:
            value = _trim(headers[i][1])
            # Repeated headers: "combine ... values into a comma-separated list" in order.
            values[lname] = f"{values[lname]},{value}" if lname in values else value
    if len(values) != len(signed):
        missing = ", ".join(sorted(signed - values.keys()))
        msg = f"signed header(s) not in the request: {missing}"
        raise SigningError(msg, scheme=_SCHEME, stage="canonical-headers")
    ch = "".join([f"{n}:{values[n]}\n" for n in ordered])
    target = req.target
    if target == "/":
        cu, cq = "/", ""
    else:
        cu = canonical_uri(req.path, normalize=normalize_path, double_encode=double_encode)
        cq = canonical_query(req.query)
    creq = f"{req.method}\n{cu}\n{cq}\n{ch}\n{sh}\n{hashed}"
    scope = f"{datestamp}/{region}/{service}/{_TERMINATOR}"
    sts = f"{ALGORITHM}\n{date}\n{scope}\n{hashlib.sha256(creq.encode(_ENC, _ERR)).hexdigest()}"
    sig = _hmac_hex(
        _signing_pads(access_key_id, secret_access_key, datestamp, region, service),
        sts.encode(_ENC, _ERR),
    )
    if session_token is not None and omit_session_token:
        # Added after signing (2015 suite post-sts-header-after), before Authorization.
        unsigned = RawRequest(req.method, target, req.version, headers, body)
        headers = list(unsigned.with_header("X-Amz-Security-Token", session_token).headers)
    headers.append(
        (
            "Authorization",
            f"{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={sh}, Signature={sig}",
        )
    )
    r = RawRequest(req.method, target, req.version, headers, body, req.line_ending)
    return r, creq, sts, sig, sh, scope


def sign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str = "ses",
    session_token: str | None = None,
    signed_headers: Collection[str] | None = None,
    normalize_path: bool = True,
    double_encode: bool = True,
    sign_body: bool = False,
    unsigned_payload: bool = False,
    omit_session_token: bool = False,
    payload_hash: str | None = None,
) -> Signed:
    """Sign ``req`` with an ``Authorization`` header; return the request and every stage.

    Adds ``X-Amz-Security-Token`` (when ``session_token``; signed unless
    ``omit_session_token``, the 2015 suite's post-sts-header-after), ``X-Amz-Date`` (replacing
    one already present, in place), ``X-Amz-Content-SHA256`` (when ``sign_body``) and
    ``Authorization`` (any old one is dropped). ``signed_headers`` names the headers to sign
    besides the ones this function adds; by default host, content-type and every x-amz-* header,
    as botocore does for SES.

    ``payload_hash`` is the body's hex SHA-256 when the caller already has it (as
    :func:`sesspec.request.build_request` does for a large body, hashed while it was written);
    it is used as given, not checked against the body.
    """
    if (
        session_token is None
        and req.target == "/"
        and signed_headers is None
        and not (sign_body or unsigned_payload)
    ):
        return _TUPLE_NEW(
            Signed,
            _sign_default(
                req.method,
                req.headers,
                req.body,
                req.version,
                req.line_ending,
                access_key_id,
                secret_access_key,
                region,
                time,
                service,
                payload_hash,
            ),
        )
    return _TUPLE_NEW(
        Signed,
        _sign(
            req,
            access_key_id,
            secret_access_key,
            region,
            time,
            service,
            session_token,
            signed_headers,
            normalize_path,
            double_encode,
            sign_body,
            unsigned_payload,
            omit_session_token,
            payload_hash,
        ),
    )


class Signer:
    """SigV4 header signing with the credentials, region and service fixed once.

    What botocore's ``SigV4Auth`` and awscrt's ``AwsSigningConfig`` hold: make one per
    credentials and sign many requests, each with its own time. ``Signer(...).sign(req, t)``
    equals ``sign(req, ..., time=t)`` with the same arguments.

    >>> from datetime import datetime, UTC
    >>> signer = Signer(access_key_id="AKIDEXAMPLE", secret_access_key="secret",
    ...                 region="us-east-1")
    >>> req = RawRequest("POST", "/", headers=[("Host", "email.us-east-1.amazonaws.com")])
    >>> signer.sign(req, datetime(2026, 11, 26, tzinfo=UTC)).signed_headers
    'host;x-amz-date'
    """

    __slots__ = ("access_key_id", "region", "secret_access_key", "service", "session_token")

    def __init__(
        self,
        *,
        access_key_id: str,
        secret_access_key: str,
        region: str,
        service: str = "ses",
        session_token: str | None = None,
    ) -> None:
        _guard.require_signable(
            _SCHEME,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            region=region,
            service=service,
        )
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.region = region
        self.service = service
        self.session_token = session_token

    def __repr__(self) -> str:  # the secret stays out of logs
        return (
            f"Signer(access_key_id={self.access_key_id!r}, region={self.region!r}, "
            f"service={self.service!r})"
        )

    def sign(self, req: RawRequest, time: datetime, *, payload_hash: str | None = None) -> Signed:
        """:func:`sign` with this signer's credentials and scope."""
        if self.session_token is None and req.target == "/":
            return _TUPLE_NEW(
                Signed,
                _sign_default(
                    req.method,
                    req.headers,
                    req.body,
                    req.version,
                    req.line_ending,
                    self.access_key_id,
                    self.secret_access_key,
                    self.region,
                    time,
                    self.service,
                    payload_hash,
                ),
            )
        return sign(
            req,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            time=time,
            service=self.service,
            session_token=self.session_token,
            payload_hash=payload_hash,
        )

    def presign(self, req: RawRequest, time: datetime, *, expires: int = 3600) -> Signed:
        """:func:`presign` (form moved into the query) with this signer's credentials."""
        return presign(
            req,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            time=time,
            service=self.service,
            session_token=self.session_token,
            expires=expires,
            form_to_query=True,
        )


def _append_query(target: str, extra: str) -> str:
    if not extra:
        return target
    if "?" not in target:
        return f"{target}?{extra}"
    if target.endswith(("?", "&")):
        return target + extra
    return f"{target}&{extra}"


_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _move_form_to_query(req: RawRequest) -> RawRequest:
    """botocore's presign for query protocols: the form body becomes query parameters, in
    canonical encoding, after any query already there (spec-notes a4)."""
    ctype = (req.header("Content-Type") or "").lower()
    if not req.body or not ctype.startswith(_FORM_CONTENT_TYPE):
        return req
    extra = form_encode(form_decode(req.body))
    r = replace(req, target=_append_query(req.target, extra), body=b"")
    r = r.without_headers("Content-Type")
    if r.header("Content-Length") is not None:
        r = r.with_header("Content-Length", "0")
    return r


def presign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    expires: int,
    service: str = "ses",
    session_token: str | None = None,
    signed_headers: Collection[str] | None = None,
    normalize_path: bool = True,
    double_encode: bool = True,
    unsigned_payload: bool = False,
    omit_session_token: bool = False,
    form_to_query: bool = False,
) -> Signed:
    """Sign ``req`` in the query string (a presigned URL); return the request and every stage.

    Appends ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-SignedHeaders``,
    ``X-Amz-Expires``, ``X-Amz-Security-Token`` (if any; in the canonical query unless
    ``omit_session_token``) and, last, ``X-Amz-Signature`` -- the order aws-c-auth writes
    (IAM-SIGV4: "The Canonical Query String must include all the query parameters ... except
    for X-Amz-Signature"). Values are UriEncoded (``/`` -> ``%2F``, ``;`` -> ``%3B``).
    ``form_to_query`` first moves a form body into the query, as botocore does for SES.
    ``signed_headers`` defaults to host and any x-amz-* header present.
    """
    if expires < 1:
        msg = f"X-Amz-Expires must be a positive number of seconds: {expires}"
        raise SigningError(msg, scheme=_SCHEME, stage="presign")
    if expires >= 10**MAX_EXPIRES_DIGITS:
        msg = f"X-Amz-Expires of more than {MAX_EXPIRES_DIGITS} digits"
        raise SigningError(msg, scheme=_SCHEME, stage="presign", kind="limit")
    _guard.require_signable(
        _SCHEME,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
        region=region,
        service=service,
    )
    _guard.require_headers(_SCHEME, req.headers)
    date = amz_date(time)
    datestamp = date[:8]
    r = _move_form_to_query(req) if form_to_query else req
    names = [n.lower() for n, _ in r.headers]
    _require_host(names)
    if signed_headers is None:
        signed = _presign_signed(names)
    else:
        signed = {n.lower() for n in signed_headers} | {"host"}
    sh = signed_headers_value(signed)
    scope = credential_scope(datestamp, region=region, service=service)
    auth_params = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{access_key_id}/{scope}"),
        ("X-Amz-Date", date),
        ("X-Amz-SignedHeaders", sh),
        ("X-Amz-Expires", str(expires)),
    ]
    if session_token is not None:
        auth_params.append(("X-Amz-Security-Token", session_token))
    in_canonical = (
        auth_params[:-1] if session_token is not None and omit_session_token else auth_params
    )
    items = _query_items(r.query, plus_as_space=True, exclude=())
    items.extend((percent_encode(k), percent_encode(v)) for k, v in in_canonical)
    cq = _join_sorted(items)
    hashed = UNSIGNED_PAYLOAD if unsigned_payload else payload_hash(r.body)
    creq = canonical_request(
        r.method,
        canonical_uri=canonical_uri(r.path, normalize=normalize_path, double_encode=double_encode),
        canonical_query=cq,
        canonical_headers=canonical_headers(r.headers, signed=signed),
        signed_headers=sh,
        payload_hash=hashed,
    )
    sts = string_to_sign(creq, amz_date=date, scope=scope)
    sig = signature(_signing_key(secret_access_key, datestamp, region, service), string_to_sign=sts)
    wire = "&".join(f"{k}={percent_encode(v)}" for k, v in auth_params)
    target = _append_query(r.target, f"{wire}&X-Amz-Signature={sig}")
    return Signed(replace(r, target=target), creq, sts, sig, sh, scope)


# --- verifying a request -----------------------------------------------------------------------


def expires_seconds(text: str) -> int | None:
    """The seconds of an ``X-Amz-Expires`` value: None unless it is ASCII digits; a value of
    more than :data:`MAX_EXPIRES_DIGITS` digits is read as ``10**18`` (it never expires within
    the years a datetime holds), so no digit string is turned into a number of its own length.
    """
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= MAX_EXPIRES_DIGITS else 10**MAX_EXPIRES_DIGITS


def time_problem(
    when: datetime,
    *,
    now: datetime,
    expires: int | None,
    max_skew: timedelta = timedelta(minutes=15),
) -> tuple[Literal["skew", "expired"], str] | None:
    """Why SES answers ``RequestExpired`` for a request dated ``when``, judged at ``now``: more
    than ``max_skew`` ahead, past a presigned URL's ``expires`` seconds, or (no ``expires``)
    more than ``max_skew`` old (spec-notes a4/a5). None when the time is fine."""
    current = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    if when - current > max_skew:
        return (
            "skew",
            f"request date {amz_date(when)} is more than {max_skew} in the future (RequestExpired)",
        )
    if expires is not None:
        # Compared as durations: when + expires may lie past year 9999 (a datetime cannot).
        if expires < _NEVER and current - when > timedelta(seconds=expires):
            until = when + timedelta(seconds=expires)  # before now, so a datetime can hold it
            return "expired", f"presigned request expired at {amz_date(until)} (RequestExpired)"
    elif current - when > max_skew:
        return (
            "skew",
            f"request date {amz_date(when)} is more than {max_skew} in the past (RequestExpired)",
        )
    return None


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of :func:`verify_request`: ``ok`` or the first ``reason`` it failed, with the
    stages as the spec computes them for this request (when it got that far), to diff against
    what the client computed."""

    ok: bool
    reason: str
    canonical_request: str | None = None
    string_to_sign: str | None = None
    expected_signature: str | None = None
    given_signature: str | None = None


SecretLookup = Callable[[str], str | None]


def _decoded_query(query: str) -> list[tuple[str, str]]:
    return form_decode(query) if query else []


def verify_request(
    req: RawRequest,
    *,
    secret_access_key: str | SecretLookup,
    now: datetime | None,
    max_skew: timedelta = timedelta(minutes=15),
    region: str | None = None,
    service: str | None = None,
    normalize_path: bool = True,
    double_encode: bool = True,
    sort_repeated_values: bool = False,
) -> VerifyResult:
    """Check a SigV4 request (header or presigned) against the secret.

    ``secret_access_key`` is the secret or a lookup from access key id to secret (None:
    unknown key). The signature is recomputed from the request as sent (the payload hash is
    always the SHA-256 of the body) and compared in constant time (``hmac.compare_digest``).

    The request time of a header-signed request is ``X-Amz-Date`` or, when there is none, the
    ``Date`` header, in ISO 8601 basic form or as an RFC 9110 HTTP-date (sigv4-date-handling;
    spec-notes a5: "When X-Amz-Date is used, it always overrides the value of the Date header");
    the string to sign carries it in ISO 8601 basic form, as the 2011 suite signs
    ``Date: Mon, 09 Sep 2011 23:36:00 GMT`` as ``20110909T233600Z``. A presigned request's
    time is its ``X-Amz-Date`` parameter, and its ``X-Amz-Expires`` a whole number of seconds,
    at least 1.

    With ``now``, the time is checked as SES does (spec-notes a4/a5, ``RequestExpired``): the
    request date may differ from ``now`` by at most ``max_skew``; a presigned request is also
    refused after date + X-Amz-Expires. ``region``/``service``, when given, must match the
    scope. ``normalize_path``, ``double_encode`` and ``sort_repeated_values`` are as for
    :func:`canonical_uri` and :func:`canonical_headers` (S3 and the 2011 suite). Failures are
    reported, never raised.
    """
    auth_header = req.header("Authorization")
    try:
        params = _decoded_query(req.query)
    except EncodingError as exc:  # more than encoding.MAX_PAIRS parameters
        return VerifyResult(False, f"{exc.message} (query offset {exc.offset})")
    presigned = any(name == "X-Amz-Algorithm" for name, _ in params)
    if auth_header is not None and presigned:
        return VerifyResult(
            False,
            "both an Authorization header and X-Amz-Algorithm query "
            "authentication (IAM-SIGV4: use one or the other)",
        )
    if auth_header is None and not presigned:
        return VerifyResult(
            False,
            "no SigV4 authentication: no Authorization header and no "
            "X-Amz-Algorithm query parameter",
        )
    expires: int | None = None
    date_value: str | None
    try:
        if presigned:
            q = dict(params)
            if q.get("X-Amz-Algorithm") != ALGORITHM:
                return VerifyResult(False, f"X-Amz-Algorithm must be {ALGORITHM}")
            for key in (
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-SignedHeaders",
                "X-Amz-Signature",
                "X-Amz-Expires",
            ):
                if key not in q:
                    return VerifyResult(False, f"presigned request lacks {key}")
            akid, date, reg, svc = _parse_credential(q["X-Amz-Credential"], stage="presign")
            date_value = q["X-Amz-Date"]
            signed_names: tuple[str, ...] = tuple(q["X-Amz-SignedHeaders"].split(";"))
            given = q["X-Amz-Signature"]
            expires = expires_seconds(q["X-Amz-Expires"])
            if expires is None:
                return VerifyResult(
                    False, f"X-Amz-Expires is not a number: {q['X-Amz-Expires'][:40]!r}"
                )
            if expires < 1:
                return VerifyResult(
                    False, f"X-Amz-Expires must be at least 1: {q['X-Amz-Expires']!r}"
                )
            cq = canonical_query(req.query, exclude=("X-Amz-Signature",))
        else:
            auth = parse_authorization(auth_header or "")
            akid, date, reg, svc = auth.access_key_id, auth.date, auth.region, auth.service
            signed_names = auth.signed_headers
            given = auth.signature
            date_value = req.header("X-Amz-Date")
            cq = canonical_query(req.query)
    except SigningError as exc:
        return VerifyResult(False, str(exc))

    if date_value is not None:
        when = parse_amz_date(date_value)
        if when is None:
            return VerifyResult(
                False,
                f"X-Amz-Date is not ISO 8601 basic (YYYYMMDD'T'HHMMSS'Z'): {date_value!r}",
                given_signature=given,
            )
    else:  # sigv4-date-handling: no X-Amz-Date, so the Date header
        date_value = req.header("Date")
        if date_value is None:
            return VerifyResult(
                False, "no request date: neither X-Amz-Date nor Date", given_signature=given
            )
        when = parse_amz_date(date_value) or parse_http_date(date_value)
        if when is None:
            return VerifyResult(
                False,
                f"Date is neither ISO 8601 basic nor an HTTP-date: {date_value!r}",
                given_signature=given,
            )
    request_date = amz_date(when)
    if request_date[:8] != date:
        return VerifyResult(
            False,
            f"credential scope date {date} is not the request date {request_date[:8]}",
            given_signature=given,
        )
    if region is not None and reg != region:
        return VerifyResult(False, f"scope region {reg!r} is not {region!r}", given_signature=given)
    if service is not None and svc != service:
        return VerifyResult(
            False, f"scope service {svc!r} is not {service!r}", given_signature=given
        )
    if "host" not in signed_names:
        return VerifyResult(
            False, "SignedHeaders must include host (IAM-SIGV4)", given_signature=given
        )
    secret = secret_access_key(akid) if callable(secret_access_key) else secret_access_key
    if secret is None:
        return VerifyResult(False, f"unknown access key id {akid!r}", given_signature=given)
    try:
        ch = canonical_headers(
            req.headers, signed=signed_names, sort_repeated_values=sort_repeated_values
        )
    except SigningError as exc:
        return VerifyResult(False, str(exc), given_signature=given)
    creq = canonical_request(
        req.method,
        canonical_uri=canonical_uri(
            req.path, normalize=normalize_path, double_encode=double_encode
        ),
        canonical_query=cq,
        canonical_headers=ch,
        signed_headers=signed_headers_value(signed_names),
        payload_hash=payload_hash(req.body),
    )
    scope = credential_scope(date, region=reg, service=svc)
    sts = string_to_sign(creq, amz_date=request_date, scope=scope)
    expected = signature(_signing_key(secret, date, reg, svc), string_to_sign=sts)
    stages = {
        "canonical_request": creq,
        "string_to_sign": sts,
        "expected_signature": expected,
        "given_signature": given,
    }
    if not hmac.compare_digest(expected.encode("ascii"), given.encode(_ENC, _ERR)):
        return VerifyResult(False, "signature does not match (SignatureDoesNotMatch)", **stages)
    if now is not None:
        problem = time_problem(when, now=now, expires=expires, max_skew=max_skew)
        if problem is not None:
            return VerifyResult(False, problem[1], **stages)
    return VerifyResult(True, "signature matches", **stages)
