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

SES facts (docs/spec.md#sigv4-ses-wire, docs/spec.md#sigv4-presigned): service ``ses``, path ``/``,
a POST form body is covered only by the payload hash (the canonical query is empty); a presigned SES
request carries the form parameters in the query string (botocore moves them: ``form_to_query=True``
here).

Every function is pure: time and credentials are arguments, nothing reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal, NamedTuple
from urllib.parse import unquote_to_bytes

from sesspec.encoding import canonical_query_string, form_decode, form_encode, percent_encode
from sesspec.errors import EncodingError, SigningError, SigningErrorKind
from sesspec.http import RawRequest
from sesspec.params import PRESIGNED_PARAMS
from sesspec.signing import Signed, VerifyKind, VerifyResult, _guard

__all__ = [
    "ALGORITHM",
    "DEFAULT_CONFIG",
    "EMPTY_SHA256",
    "MAX_EXPIRES_DIGITS",
    "PRESIGNED_PARAMS",
    "UNSIGNED_HEADERS",
    "UNSIGNED_PAYLOAD",
    "AuthParts",
    "AuthProblem",
    "AuthProblemKind",
    "Authorization",
    "Signed",
    "Signer",
    "SigningConfig",
    "Stages",
    "VerifyResult",
    "amz_date",
    "authorization_value",
    "canonical_headers",
    "canonical_query",
    "canonical_query_of",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "compute",
    "credential_scope",
    "expires_seconds",
    "parse_authorization",
    "parse_http_date",
    "payload_hash",
    "presign",
    "read_authorization",
    "read_presigned",
    "request_time",
    "sign",
    "signature",
    "signed_headers_value",
    "signing_key",
    "string_to_sign",
    "time_problem",
    "verify",
]


def __dir__() -> list[str]:
    return __all__


#: "The algorithm that you used to calculate the signature ... AWS4-HMAC-SHA256" (IAM-SIGV4).
ALGORITHM = "AWS4-HMAC-SHA256"
#: Hex SHA-256 of the empty payload (the last line of every GET in the suites).
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#: Payload hash placeholder for an unsigned body (S3 and presigned S3 URLs).
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: The headers left out when every header present is signed (``SigningConfig.sign_all_headers``,
#: ``sesspec sign``'s default; docs/spec.md#sigv4-sign-input): hop-by-hop headers a proxy may
#: change or drop, and ones a client's own layers add after signing. The union of botocore's
#: ``SIGNED_HEADERS_BLACKLIST`` (botocore/auth.py, 1.43.11: connection, expect, keep-alive,
#: proxy-authenticate, proxy-authorization, te, trailer, transfer-encoding, upgrade, user-agent,
#: x-amzn-trace-id) and aws-c-auth's ``s_skipped_headers`` (source/aws_signing.c: x-amzn-trace-id,
#: user-agent, connection, expect, sec-websocket-key, sec-websocket-protocol,
#: sec-websocket-version, upgrade), and ``authorization``, which the signer replaces.
UNSIGNED_HEADERS = frozenset(
    (
        "authorization",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "sec-websocket-key",
        "sec-websocket-protocol",
        "sec-websocket-version",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    )
)
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
    """``YYYYMMDD'T'HHMMSS'Z'`` in UTC, no fractions (docs/spec.md#sigv4-dates). Naive times are
    UTC."""
    t = time if time.tzinfo is None else time.astimezone(UTC)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


def request_time(value: str) -> datetime | None:
    """The UTC time of an ``X-Amz-Date`` value, ISO 8601 basic ``20150830T123600Z``, else
    None (a ``Date`` header may also be an HTTP-date: :func:`parse_http_date`)."""
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


def canonical_query_of(pairs: Iterable[tuple[bytes, bytes]]) -> str:
    """The ``CanonicalQueryString`` of decoded pairs given as bytes (a reader that has decoded
    the query already, byte for byte: :class:`sesspec.encoding.Segment`)."""
    return _join_sorted([(percent_encode(n), percent_encode(v)) for n, v in pairs])


def _join_sorted(items: list[tuple[str, str]]) -> str:
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
    k = hmac.digest(("AWS4" + secret).encode(_ENC, _ERR), date.encode(_ENC, _ERR), "sha256")
    k = hmac.digest(k, region.encode(_ENC, _ERR), "sha256")
    k = hmac.digest(k, service.encode(_ENC, _ERR), "sha256")
    return hmac.digest(k, _TERMINATOR.encode(_ENC), "sha256")


_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def _require_signable(  # the five things a SigV4 signature is made with
    access_key_id: str, secret: str, session_token: str | None, region: str, service: str
) -> None:
    _guard.require_signable(
        _SCHEME,
        access_key_id=access_key_id,
        secret_access_key=secret,
        session_token=session_token,
        region=region,
        service=service,
    )


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
    _require_signable(access_key_id, secret, None, region, service)
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


# --- how to sign ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SigningConfig:
    """How to sign or verify, beside the credentials, region, service and time: the options of
    aws-c-auth's ``context.json``, under its names.

    * ``normalize``: remove dot segments and repeated slashes from the path
      (:func:`canonical_uri`; every service but S3);
    * ``double_uri_encode``: encode the path as sent, so ``%3A`` becomes ``%253A`` (every
      service but S3; smithy-rs ``double-url-encode``);
    * ``sign_body``: add ``X-Amz-Content-SHA256`` and sign it (S3);
    * ``unsigned_payload``: ``UNSIGNED-PAYLOAD`` as the hashed payload (S3);
    * ``omit_session_token``: add the session token after signing, outside the signature
      (the 2015 suite's ``post-sts-header-after``);
    * ``signed_headers``: the header names to sign besides the ones the signer adds; None: host,
      content-type and every x-amz-* header (botocore's choice for SES), or for a presigned URL
      host and every x-amz-* header;
    * ``sign_all_headers``: when ``signed_headers`` is None, sign every header the request
      carries (after ``form_to_query``) but :data:`UNSIGNED_HEADERS`, as botocore's
      ``SigV4Auth`` and aws-c-auth do;
    * ``expiration_in_seconds``: a presigned URL's ``X-Amz-Expires`` (botocore's default, 3600);
    * ``form_to_query``: a presigned URL carries the form body's parameters in its query, as
      botocore presigns SES (docs/spec.md#sigv4-presigned);
    * ``sort_repeated_values``: sort the values of a repeated header (the original 2011 edition
      of the suite; no current signer does).
    """

    normalize: bool = True
    double_uri_encode: bool = True
    sign_body: bool = False
    unsigned_payload: bool = False
    omit_session_token: bool = False
    signed_headers: Collection[str] | None = None
    sign_all_headers: bool = False
    expiration_in_seconds: int = 3600
    form_to_query: bool = False
    sort_repeated_values: bool = False

    def __post_init__(self) -> None:
        names = self.signed_headers
        if names is not None:  # any collection of names, kept as a lower-cased frozenset
            object.__setattr__(self, "signed_headers", frozenset(n.lower() for n in names))


#: SES's defaults: every option off but path normalising and double encoding.
DEFAULT_CONFIG = SigningConfig()


# --- the one assembly ----------------------------------------------------------------------------


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

    :func:`sign`, :func:`presign`, :func:`verify` and the checker (which also computes what a
    client's mistakes give) all assemble a signature here; only the fused path of
    :mod:`sesspec.signing._sigv4_fast` writes its own, held equal to this by a property test.
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


# --- reading what a request says about its signature ----------------------------------------------

#: What is wrong in an Authorization header or a presigned query: not this algorithm
#: (``algorithm``), an element without '=' (``element``), an unknown or repeated element, one
#: ``missing``, a credential that is not five '/'-separated parts ending ``aws4_request``
#: (``credential``) or whose date is not YYYYMMDD (``scope-date``), an empty name in
#: ``signed-headers``, a ``signature`` that is not 64 lower-case hex digits, an ``expires`` that
#: is not a whole number of seconds of at least 1.
AuthProblemKind = Literal[
    "algorithm",
    "element",
    "unknown",
    "repeated",
    "missing",
    "credential",
    "scope-date",
    "signed-headers",
    "signature",
    "expires",
]

_HEADER_FIELDS = ("Credential", "SignedHeaders", "Signature")


@dataclass(frozen=True, slots=True)
class AuthProblem:
    """One thing wrong in what a request says about its signature: its ``kind``, the element
    or parameter it is about (``field``) and a message for people."""

    kind: AuthProblemKind
    field: str
    message: str

    @property
    def error_kind(self) -> SigningErrorKind:
        """The :class:`SigningError` kind the strict parser raises for it."""
        return "scope" if self.kind in {"credential", "scope-date"} else "malformed"


@dataclass(frozen=True, slots=True)
class AuthParts:
    """What a SigV4 request says about its own signature, read leniently: every element of the
    Authorization header (or parameter of a presigned query) that could be read, and every
    problem found on the way, in the order a strict reader meets them.

    ``fields`` maps each element or parameter to its value as written (the first of repeats).
    The credential's parts are None when it is not five parts; ``request_date`` is a presigned
    query's ``X-Amz-Date`` (a header-signed request's date is a header); ``expires`` is its
    ``X-Amz-Expires`` in seconds when that is readable.
    """

    presigned: bool
    fields: Mapping[str, str]
    access_key_id: str | None = None
    date: str | None = None
    region: str | None = None
    service: str | None = None
    signed_headers: tuple[str, ...] | None = None
    signature: str | None = None
    request_date: str | None = None
    expires: int | None = None
    problems: tuple[AuthProblem, ...] = field(default=())

    def first(self, *kinds: AuthProblemKind) -> AuthProblem | None:
        """The first problem of one of ``kinds`` (of any kind when none is named)."""
        return next((p for p in self.problems if not kinds or p.kind in kinds), None)

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{_TERMINATOR}"


def _credential(
    value: str, field_name: str, problems: list[AuthProblem]
) -> tuple[str, str, str, str] | None:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != _TERMINATOR or not all(parts[:4]):
        message = f"Credential must be AKID/YYYYMMDD/region/service/aws4_request: {value!r}"
        problems.append(AuthProblem("credential", field_name, message))
        return None
    if len(parts[1]) != 8 or not (parts[1].isascii() and parts[1].isdigit()):
        message = f"credential scope date must be YYYYMMDD: {parts[1]!r}"
        problems.append(AuthProblem("scope-date", field_name, message))
    return parts[0], parts[1], parts[2], parts[3]


_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


def read_authorization(value: str) -> AuthParts:
    """Read ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`` leniently.

    Commas may or may not be followed by spaces (IAM-SIGV4 writes ``,``, botocore ``, ``).
    Each element is read as far as it can be; what is wrong is an :class:`AuthProblem`: another
    algorithm, an element without '=', an unknown or repeated element, a missing one, a scope
    that is not five parts, a signature that is not 64 lower-case hex digits.
    """
    problems: list[AuthProblem] = []
    prefix = ALGORITHM + " "
    if not value.startswith(prefix):
        message = f"Authorization must start with {prefix!r}: {value[:40]!r}"
        problems.append(AuthProblem("algorithm", "Authorization", message))
    rest = value[len(prefix) :] if value.startswith(prefix) else value.removeprefix(ALGORITHM)
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, eq, val = part.strip(" ").partition("=")
        if not eq:
            message = f"Authorization element without '=': {part.strip()!r}"
            problems.append(AuthProblem("element", "Authorization", message))
        elif key not in _HEADER_FIELDS:
            message = f"unknown Authorization element {key!r}"
            problems.append(AuthProblem("unknown", key, message))
        elif key in fields:
            message = f"repeated Authorization element {key!r}"
            problems.append(AuthProblem("repeated", key, message))
        else:
            fields[key] = val
    for key in _HEADER_FIELDS:
        if key not in fields:
            problems.append(AuthProblem("missing", key, f"Authorization lacks {key}="))
    scope = None
    if "Credential" in fields:
        scope = _credential(fields["Credential"], "Credential", problems)
    names = None
    if "SignedHeaders" in fields:
        names = tuple(fields["SignedHeaders"].split(";"))
        if not all(names):
            message = f"empty name in SignedHeaders: {fields['SignedHeaders']!r}"
            problems.append(AuthProblem("signed-headers", "SignedHeaders", message))
    sig = fields.get("Signature")
    if sig is not None and not _HEX64.match(sig):
        message = f"Signature must be 64 lowercase hex digits: {sig!r}"
        problems.append(AuthProblem("signature", "Signature", message))
    akid, date, region, service = scope if scope is not None else (None, None, None, None)
    return AuthParts(
        False, fields, akid, date, region, service, names, sig, problems=tuple(problems)
    )


def read_presigned(pairs: Iterable[tuple[str, str]]) -> AuthParts:
    """Read a presigned query's ``X-Amz-*`` parameters (decoded ``pairs``, the first of
    repeats) leniently: every parameter found, and as :class:`AuthProblem` another algorithm,
    a missing parameter (``X-Amz-Expires`` included: only S3 requires it,
    docs/spec.md#policy-expiry, so a reader decides how much that matters), a credential that is not
    five parts, an ``X-Amz-Expires`` that is not a whole number of seconds of at least 1."""
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in PRESIGNED_PARAMS and name not in fields:
            fields[name] = value
    problems: list[AuthProblem] = []
    algorithm = fields.get("X-Amz-Algorithm")
    if algorithm is not None and algorithm != ALGORITHM:
        message = f"X-Amz-Algorithm must be {ALGORITHM}"
        problems.append(AuthProblem("algorithm", "X-Amz-Algorithm", message))
    for key in PRESIGNED_PARAMS[:6]:
        if key not in fields:
            problems.append(AuthProblem("missing", key, f"presigned request lacks {key}"))
    scope = None
    if "X-Amz-Credential" in fields:
        scope = _credential(fields["X-Amz-Credential"], "X-Amz-Credential", problems)
    expires = None
    text = fields.get("X-Amz-Expires")
    if text is not None:
        expires = expires_seconds(text)
        if expires is None:
            message = f"X-Amz-Expires is not a number: {text[:40]!r}"
            problems.append(AuthProblem("expires", "X-Amz-Expires", message))
        elif expires < 1:
            message = f"X-Amz-Expires must be at least 1: {text!r}"
            problems.append(AuthProblem("expires", "X-Amz-Expires", message))
            expires = None
    names = fields.get("X-Amz-SignedHeaders")
    akid, date, region, service = scope if scope is not None else (None, None, None, None)
    return AuthParts(
        True,
        fields,
        akid,
        date,
        region,
        service,
        None if names is None else tuple(names.split(";")),
        fields.get("X-Amz-Signature"),
        fields.get("X-Amz-Date"),
        expires,
        tuple(problems),
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


def parse_authorization(value: str) -> Authorization:
    """Parse ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`` strictly:
    :func:`read_authorization`, and its first problem raised as a :class:`SigningError` (kind
    ``scope`` for the credential, else ``malformed``)."""
    parts = read_authorization(value)
    problem = parts.first()
    akid, date, region, service = parts.access_key_id, parts.date, parts.region, parts.service
    names, sig = parts.signed_headers, parts.signature
    if problem is None and akid and date and region and service and names and sig:
        return Authorization(akid, date, region, service, names, sig)
    message = problem.message if problem is not None else f"unreadable Authorization {value!r}"
    kind: SigningErrorKind = problem.error_kind if problem is not None else "malformed"
    raise SigningError(message, scheme=_SCHEME, stage="authorization", kind=kind)


# --- signing a request -------------------------------------------------------------------------

_DEFAULT_SIGNED = frozenset(("host", "content-type"))


def _presign_signed(names: Iterable[str]) -> set[str]:
    # A presigned URL signs host and any x-amz-* header present (docs/spec.md#sigv4-presigned),
    # a header-signed request content-type too (_DEFAULT_SIGNED; docs/spec.md#sigv4-ses-wire)
    return {n for n in names if n == "host" or n.startswith("x-amz-")}


def _require_host(lnames: Collection[str]) -> None:
    if "host" not in lnames:
        msg = "the request has no Host header, which SigV4 must sign"
        raise SigningError(msg, scheme=_SCHEME, stage="canonical-headers")


def _canonical_path_and_query(req: RawRequest, config: SigningConfig) -> tuple[str, str]:
    if req.target == "/":  # every SES POST
        return "/", ""
    uri = canonical_uri(
        req.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
    )
    return uri, canonical_query(req.query)


def _sign_general(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str,
    session_token: str | None,
    payload_hash: str | None,
    config: SigningConfig,
) -> Signed:
    req = _guard.unsigned(_SCHEME, req, query_refused=(_guard.PRESIGN_MARKER,))
    _guard.require_headers(_SCHEME, req.headers)
    _require_signable(access_key_id, secret_access_key, session_token, region, service)
    date = amz_date(time)
    if config.unsigned_payload:
        hashed = UNSIGNED_PAYLOAD
    elif payload_hash is None:
        hashed = hashlib.sha256(req.body).hexdigest()
    else:
        hashed = payload_hash
    adds: dict[str, tuple[str, str]] = {}
    if session_token is not None and not config.omit_session_token:
        adds["x-amz-security-token"] = ("X-Amz-Security-Token", session_token)
    adds["x-amz-date"] = ("X-Amz-Date", date)
    if config.sign_body:
        adds["x-amz-content-sha256"] = ("X-Amz-Content-SHA256", hashed)
    headers: list[tuple[str, str]] = []
    done: set[str] = set()
    for header in req.headers:
        lname = header[0].lower()
        add = adds.get(lname)
        if add is not None:
            # Replace in place (keeping the name as spelled); drop later repeats.
            if lname in done:
                continue
            done.add(lname)
            header = (header[0], add[1])  # noqa: PLW2901 - the replaced header
        headers.append(header)
    headers.extend(add for lname, add in adds.items() if lname not in done)
    lnames = [n.lower() for n, _ in headers]
    _require_host(lnames)
    if config.signed_headers is None and config.sign_all_headers:
        signed = {n for n in lnames if n not in UNSIGNED_HEADERS}
    elif config.signed_headers is None:
        # botocore's choice for SES (docs/spec.md#sigv4-ses-wire): host, content-type and every
        # x-amz-*.
        signed = {n for n in lnames if n in _DEFAULT_SIGNED or n.startswith("x-amz-")}
    else:
        signed = {*config.signed_headers, *adds, "host"}
    sh = signed_headers_value(signed)
    uri, query = _canonical_path_and_query(req, config)
    stages = compute(
        req.method,
        canonical_uri=uri,
        canonical_query=query,
        canonical_headers=canonical_headers(headers, signed=signed),
        signed_headers=sh,
        payload_hash=hashed,
        amz_date=date,
        date=date[:8],
        region=region,
        service=service,
        secret_access_key=secret_access_key,
    )
    unsigned = RawRequest(req.method, req.target, req.version, headers, req.body)
    if session_token is not None and config.omit_session_token:
        # Added after signing (2015 suite post-sts-header-after), before Authorization.
        unsigned = unsigned.with_header("X-Amz-Security-Token", session_token)
    value = authorization_value(
        access_key_id, scope=stages.scope, signed_headers=sh, signature=stages.signature
    )
    signed_req = RawRequest(
        req.method,
        req.target,
        req.version,
        (*unsigned.headers, ("Authorization", value)),
        req.body,
        req.line_ending,
    )
    return Signed(
        signed_req,
        stages.canonical_request,
        stages.string_to_sign,
        stages.signature,
        sh,
        stages.scope,
    )


def sign(
    req: RawRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    time: datetime,
    service: str = "ses",
    session_token: str | None = None,
    payload_hash: str | None = None,
    config: SigningConfig = DEFAULT_CONFIG,
) -> Signed:
    """Sign ``req`` with an ``Authorization`` header; return the request and every stage.

    Adds ``X-Amz-Security-Token`` (when ``session_token``; signed unless
    ``config.omit_session_token``, the 2015 suite's post-sts-header-after), ``X-Amz-Date``
    (replacing one already present, in place), ``X-Amz-Content-SHA256`` (when
    ``config.sign_body``) and ``Authorization``. A signature the request already carries is
    dropped, a presigned query refused (:func:`sesspec.signing._guard.unsigned`,
    docs/spec.md#auth-sign-replaces). ``config`` says how
    (:class:`SigningConfig`); by default host, content-type and every x-amz-* header are signed,
    as botocore does for SES.

    ``payload_hash`` is the body's hex SHA-256 when the caller already has it (as
    :func:`sesspec.request.build_request` does for a large body, hashed while it was written);
    it is used as given, not checked against the body.
    """
    if (
        session_token is None
        and req.target == "/"
        and config.signed_headers is None
        and not (config.sign_all_headers or config.sign_body or config.unsigned_payload)
    ):
        fused = _sigv4_fast.sign(
            req, access_key_id, secret_access_key, region, time, service, payload_hash
        )
        if fused is not None:
            return fused
    return _sign_general(
        req,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        region=region,
        time=time,
        service=service,
        session_token=session_token,
        payload_hash=payload_hash,
        config=config,
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
    canonical encoding, after any query already there (docs/spec.md#sigv4-presigned)."""
    ctype = (req.header("Content-Type") or "").lower()
    if not req.body or not ctype.startswith(_FORM_CONTENT_TYPE):
        return req
    extra = form_encode(form_decode(req.body))
    r = req.replace(target=_append_query(req.target, extra), body=b"")
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
    service: str = "ses",
    session_token: str | None = None,
    config: SigningConfig = DEFAULT_CONFIG,
) -> Signed:
    """Sign ``req`` in the query string (a presigned URL); return the request and every stage.

    Appends ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-SignedHeaders``,
    ``X-Amz-Expires`` (``config.expiration_in_seconds``), ``X-Amz-Security-Token`` (if any; in
    the canonical query unless ``config.omit_session_token``) and, last, ``X-Amz-Signature`` --
    the order aws-c-auth writes (IAM-SIGV4: "The Canonical Query String must include all the
    query parameters ... except for X-Amz-Signature"). A header signature the request carries
    (``Authorization``, ``X-Amzn-Authorization``) is dropped first, and a query already holding
    one of :data:`PRESIGNED_PARAMS` refused (docs/spec.md#auth-sign-replaces). Values are UriEncoded
    (``/`` -> ``%2F``, ``;`` -> ``%3B``). ``config.form_to_query`` first moves a form body into
    the query, as botocore does for SES. ``config.signed_headers`` defaults to host and any
    x-amz-* header present.
    """
    expires = config.expiration_in_seconds
    if expires < 1:
        msg = f"X-Amz-Expires must be a positive number of seconds: {expires}"
        raise SigningError(msg, scheme=_SCHEME, stage="presign")
    if expires >= 10**MAX_EXPIRES_DIGITS:
        msg = f"X-Amz-Expires of more than {MAX_EXPIRES_DIGITS} digits"
        raise SigningError(msg, scheme=_SCHEME, stage="presign", kind="limit")
    _require_signable(access_key_id, secret_access_key, session_token, region, service)
    req = _guard.unsigned(_SCHEME, req, query_refused=PRESIGNED_PARAMS)
    _guard.require_headers(_SCHEME, req.headers)
    date = amz_date(time)
    r = _move_form_to_query(req) if config.form_to_query else req
    names = [n.lower() for n, _ in r.headers]
    _require_host(names)
    if config.signed_headers is None and config.sign_all_headers:
        # A form moved into the URL leaves a Content-Length of 0 that whoever opens the URL
        # does not send: it is not signed (botocore's presign signs only host).
        skip = UNSIGNED_HEADERS | ({"content-length"} if r is not req else set())
        signed = {n for n in names if n not in skip}
    elif config.signed_headers is None:
        signed = _presign_signed(names)
    else:
        signed = {*config.signed_headers, "host"}
    sh = signed_headers_value(signed)
    scope = credential_scope(date[:8], region=region, service=service)
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
        auth_params[:-1] if session_token is not None and config.omit_session_token else auth_params
    )
    items = _query_items(r.query, plus_as_space=True, exclude=())
    items.extend((percent_encode(k), percent_encode(v)) for k, v in in_canonical)
    stages = compute(
        r.method,
        canonical_uri=canonical_uri(
            r.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
        ),
        canonical_query=_join_sorted(items),
        canonical_headers=canonical_headers(r.headers, signed=signed),
        signed_headers=sh,
        payload_hash=UNSIGNED_PAYLOAD if config.unsigned_payload else payload_hash(r.body),
        amz_date=date,
        date=date[:8],
        region=region,
        service=service,
        secret_access_key=secret_access_key,
    )
    wire = "&".join(f"{k}={percent_encode(v)}" for k, v in auth_params)
    target = _append_query(r.target, f"{wire}&X-Amz-Signature={stages.signature}")
    return Signed(
        r.replace(target=target),
        stages.canonical_request,
        stages.string_to_sign,
        stages.signature,
        sh,
        scope,
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
        _require_signable(access_key_id, secret_access_key, session_token, region, service)
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
            fused = _sigv4_fast.sign(
                req,
                self.access_key_id,
                self.secret_access_key,
                self.region,
                time,
                self.service,
                payload_hash,
            )
            if fused is not None:
                return fused
        return _sign_general(
            req,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            time=time,
            service=self.service,
            session_token=self.session_token,
            payload_hash=payload_hash,
            config=DEFAULT_CONFIG,
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
            config=SigningConfig(expiration_in_seconds=expires, form_to_query=True),
        )


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
    more than ``max_skew`` old (docs/spec.md#sigv4-skew, docs/spec.md#sigv4-expiry). None when the
    time is fine."""
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


SecretLookup = Callable[[str], str | None]

# The order in which verify reports what is wrong with a presigned query (the algorithm, the
# parameters it needs, the credential, the expiry), as SES would refuse it first.
_PRESIGN_ORDER: tuple[tuple[AuthProblemKind, str | None], ...] = (
    ("algorithm", None),
    ("missing", "X-Amz-Credential"),
    ("missing", "X-Amz-Date"),
    ("missing", "X-Amz-SignedHeaders"),
    ("missing", "X-Amz-Signature"),
    ("missing", "X-Amz-Expires"),
    ("credential", None),
    ("scope-date", None),
    ("expires", None),
)


def _presign_refusal(parts: AuthParts) -> VerifyResult | None:
    for kind, field_name in _PRESIGN_ORDER:
        for problem in parts.problems:
            if problem.kind == kind and field_name in (None, problem.field):
                if problem.error_kind == "scope":
                    return VerifyResult(False, "scope", f"{_SCHEME} presign: {problem.message}")
                return VerifyResult(False, "malformed", problem.message)
    return None


def verify(
    req: RawRequest,
    *,
    secret_access_key: str | SecretLookup,
    now: datetime | None,
    max_skew: timedelta = timedelta(minutes=15),
    region: str | None = None,
    service: str | None = None,
    config: SigningConfig = DEFAULT_CONFIG,
) -> VerifyResult:
    """Check a SigV4 request (header or presigned) against the secret.

    ``secret_access_key`` is the secret or a lookup from access key id to secret (None:
    unknown key). The signature is recomputed from the request as sent (the payload hash is
    always the SHA-256 of the body) and compared in constant time (``hmac.compare_digest``).

    The request time of a header-signed request is ``X-Amz-Date`` or, when there is none, the
    ``Date`` header, in ISO 8601 basic form or as an RFC 9110 HTTP-date (sigv4-date-handling;
    docs/spec.md#sigv4-dates: "When X-Amz-Date is used, it always overrides the value of the Date
    header"); the string to sign carries it in ISO 8601 basic form, as the 2011 suite signs
    ``Date: Mon, 09 Sep 2011 23:36:00 GMT`` as ``20110909T233600Z``. A presigned request's
    time is its ``X-Amz-Date`` parameter, and its ``X-Amz-Expires`` a whole number of seconds,
    at least 1.

    With ``now``, the time is checked as SES does (docs/spec.md#sigv4-skew,
    docs/spec.md#sigv4-expiry, ``RequestExpired``): the request date may differ from ``now`` by at
    most ``max_skew``; a presigned request is also refused after date + X-Amz-Expires.
    ``region``/``service``, when given, must match the scope. ``config`` gives ``normalize``,
    ``double_uri_encode`` and ``sort_repeated_values`` (S3 and the 2011 suite). Failures are
    reported with their :data:`VerifyKind`, never raised.
    """
    auth_header = req.header("Authorization")
    try:
        params = form_decode(req.query) if req.query else []
    except EncodingError as exc:  # more than encoding.MAX_PAIRS parameters
        return VerifyResult(False, "limit", f"{exc.message} (query offset {exc.offset})")
    presigned = any(name == "X-Amz-Algorithm" for name, _ in params)
    if auth_header is not None and presigned:
        return VerifyResult(
            False,
            "mixed",
            "both an Authorization header and X-Amz-Algorithm query "
            "authentication (IAM-SIGV4: use one or the other)",
        )
    if auth_header is None and not presigned:
        return VerifyResult(
            False,
            "missing",
            "no SigV4 authentication: no Authorization header and no "
            "X-Amz-Algorithm query parameter",
        )
    if presigned:
        parts = read_presigned(params)
        refusal = _presign_refusal(parts)
        if refusal is not None:
            return refusal
        date_value = parts.request_date
        cq = canonical_query(req.query, exclude=("X-Amz-Signature",))
    else:
        parts = read_authorization(auth_header or "")
        problem = parts.first()
        if problem is not None:
            kind: VerifyKind = "scope" if problem.error_kind == "scope" else "malformed"
            return VerifyResult(False, kind, f"{_SCHEME} authorization: {problem.message}")
        date_value = req.header("X-Amz-Date")
        cq = canonical_query(req.query)
    return _verify_parts(
        req,
        parts,
        date_value,
        cq,
        secret_access_key=secret_access_key,
        now=now,
        max_skew=max_skew,
        region=region,
        service=service,
        config=config,
    )


def _verify_parts(
    req: RawRequest,
    parts: AuthParts,
    date_value: str | None,
    cq: str,
    *,
    secret_access_key: str | SecretLookup,
    now: datetime | None,
    max_skew: timedelta,
    region: str | None,
    service: str | None,
    config: SigningConfig,
) -> VerifyResult:
    akid, date, reg, svc = parts.access_key_id, parts.date, parts.region, parts.service
    given, signed_names = parts.signature, parts.signed_headers
    if (
        akid is None
        or date is None
        or reg is None
        or svc is None
        or given is None
        or signed_names is None
    ):  # only when a problem was let through: the readers say why
        return VerifyResult(False, "malformed", "the authorization could not be read")
    if date_value is not None:
        when = request_time(date_value)
        if when is None:
            return VerifyResult(
                False,
                "date",
                f"X-Amz-Date is not ISO 8601 basic (YYYYMMDD'T'HHMMSS'Z'): {date_value!r}",
                given_signature=given,
            )
    else:  # sigv4-date-handling: no X-Amz-Date, so the Date header
        date_value = req.header("Date")
        if date_value is None:
            return VerifyResult(
                False,
                "date",
                "no request date: neither X-Amz-Date nor Date",
                given_signature=given,
            )
        when = request_time(date_value) or parse_http_date(date_value)
        if when is None:
            return VerifyResult(
                False,
                "date",
                f"Date is neither ISO 8601 basic nor an HTTP-date: {date_value!r}",
                given_signature=given,
            )
    request_date = amz_date(when)
    if request_date[:8] != date:
        return VerifyResult(
            False,
            "date",
            f"credential scope date {date} is not the request date {request_date[:8]}",
            given_signature=given,
        )
    if region is not None and reg != region:
        return VerifyResult(
            False, "region", f"scope region {reg!r} is not {region!r}", given_signature=given
        )
    if service is not None and svc != service:
        return VerifyResult(
            False, "service", f"scope service {svc!r} is not {service!r}", given_signature=given
        )
    if "host" not in signed_names:
        return VerifyResult(
            False,
            "signed-headers",
            "SignedHeaders must include host (IAM-SIGV4)",
            given_signature=given,
        )
    secret = secret_access_key(akid) if callable(secret_access_key) else secret_access_key
    if secret is None:
        return VerifyResult(
            False, "unknown-key", f"unknown access key id {akid!r}", given_signature=given
        )
    try:
        ch = canonical_headers(
            req.headers, signed=signed_names, sort_repeated_values=config.sort_repeated_values
        )
    except SigningError as exc:
        return VerifyResult(False, "signed-headers", str(exc), given_signature=given)
    stages = compute(
        req.method,
        canonical_uri=canonical_uri(
            req.path, normalize=config.normalize, double_uri_encode=config.double_uri_encode
        ),
        canonical_query=cq,
        canonical_headers=ch,
        signed_headers=signed_headers_value(signed_names),
        payload_hash=payload_hash(req.body),
        amz_date=request_date,
        date=date,
        region=reg,
        service=svc,
        secret_access_key=secret,
    )
    expected = stages.signature
    found = {
        "canonical_request": stages.canonical_request,
        "string_to_sign": stages.string_to_sign,
        "expected_signature": expected,
        "given_signature": given,
    }
    if not hmac.compare_digest(expected.encode("ascii"), given.encode(_ENC, _ERR)):
        return VerifyResult(
            False, "mismatch", "signature does not match (SignatureDoesNotMatch)", **found
        )
    if now is not None:
        problem = time_problem(when, now=now, expires=parts.expires, max_skew=max_skew)
        if problem is not None:
            return VerifyResult(False, problem[0], problem[1], **found)
    return VerifyResult(True, "verified", "signature matches", **found)


# The fused fast path builds on the stages above (and sign() dispatches to it).
from sesspec.signing import _sigv4_fast  # noqa: E402
