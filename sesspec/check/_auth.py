"""Authentication rules (AUTH): which scheme, its parts, and the signature itself.

A signature that does not match is explained, not just reported: the checker recomputes the
canonical request the spec gives (IAM-SIGV4) and then the canonical requests that known client
bugs produce (spec-notes c1-c3, g): the query canonicalised as sent, ``()'!*`` left as
``encodeURIComponent`` writes them, ``+`` for a space, keys sorted as ``k=v`` strings, header
values not trimmed, another body encoding signed than sent, the host without its port. When one
of those reproduces the client's signature, the finding names that cause and diffs the two
canonical requests, which is the explanation SES never gives beyond ``SignatureDoesNotMatch``.
"""

from __future__ import annotations

import difflib
import hmac
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, unquote_to_bytes

from sesspec.check.catalogue import Severity
from sesspec.check.finding import Finding, finding
from sesspec.encoding import STYLES, Pairs, canonical_query_string, form_decode
from sesspec.errors import SigningError
from sesspec.http import RawRequest
from sesspec.signing import aws3, sigv2, sigv4

__all__ = ["Credentials", "auth_findings"]

_SKEW = timedelta(minutes=15)  # GUIDE-ERR RequestExpired; spec-notes a5
_MAX_EXPIRES = 604_800  # spec-notes a4: X-Amz-Expires 1-604800 s is documented (for S3)
_TOKEN_AFTER = "the session token was appended after signing"  # noqa: S105 (a message)
_TOKEN_HEADER = "x-amz-security-token"  # noqa: S105 (a header name)
#: What a secret is written as where it would be printed (as ``sesspec verify`` writes it).
MASK = "<secret>"


@dataclass(frozen=True, slots=True)
class Credentials:
    """The fake credentials a request was signed with (never real ones). The repr masks the
    secret key and the session token."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = field(default=None)

    def __repr__(self) -> str:
        token = "None" if self.session_token is None else MASK
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key={MASK}, "
            f"session_token={token})"
        )


@dataclass(slots=True)
class _Parts:
    """What the SigV4 request says about itself, from the header or the presigned query."""

    presigned: bool
    access_key_id: str
    date: str
    region: str
    service: str
    signed: tuple[str, ...]
    signature: str
    date_value: str
    expires: int | None


def auth_findings(
    req: RawRequest,
    *,
    query_pairs: Pairs,
    body_pairs: Pairs,
    host_region: str | None,
    credentials: Credentials | None,
    now: datetime | None,
) -> list[Finding]:
    has_v4_header = (req.header("authorization") or "").startswith("AWS4-HMAC-SHA256")
    other_header = req.header("authorization") is not None and not has_v4_header
    query_names = {n for n, _ in query_pairs}
    presigned = "X-Amz-Algorithm" in query_names or "X-Amz-Signature" in query_names
    aws3_value = req.header("x-amzn-authorization")
    all_pairs = query_pairs + body_pairs
    sigv2_used = any(n == "SignatureVersion" for n, _ in all_pairs) and any(
        n == "Signature" for n, _ in all_pairs
    )

    out: list[Finding] = []
    if has_v4_header and presigned:
        out.append(
            finding(
                "AUTH021",
                "an Authorization header and X-Amz-* query authentication in one request",
                "header Authorization",
            )
        )
    if aws3_value is not None:
        out += _aws3(req, credentials, now)
    if sigv2_used:
        out += _sigv2(req, all_pairs, credentials, now)
    if other_header:
        value = req.header("authorization") or ""
        out.append(
            finding(
                "AUTH004",
                f"Authorization {value[:40]!r} is not AWS4-HMAC-SHA256",
                "header Authorization",
            )
        )
    if has_v4_header or presigned:
        out += _sigv4(req, query_pairs, host_region, credentials, now, presigned=not has_v4_header)
    elif aws3_value is None and not sigv2_used and not other_header:
        out.append(
            finding(
                "AUTH001",
                "no Authorization header, no X-Amz-* query authentication",
                "header Authorization",
            )
        )
    return out


# --- legacy schemes ---------------------------------------------------------------------------


#: SES accepted AWS3-HTTPS (and, by the issue's account, SigV2) until this date (GUIDE-AUTH;
#: spec-notes a1).
AWS3_CUTOFF = datetime(2020, 10, 1, tzinfo=UTC)


def _legacy_severity(
    req: RawRequest, now: datetime | None, *, sigv2_pairs: Sequence[tuple[str, str]] = ()
) -> Severity:
    """An error today; a warning for a request dated before the cut-off (judged as of then):
    ``now`` when given, else the request's own date (its date header, or SigV2's Timestamp)."""
    when = now
    if when is None:
        header = req.header("x-amz-date") or req.header("date")
        if header is not None:
            when = aws3.request_time(header)
        else:
            stamp = next((v for n, v in sigv2_pairs if n == "Timestamp"), "")
            when = sigv2.request_time(stamp)
    if when is not None and when.replace(tzinfo=when.tzinfo or UTC) < AWS3_CUTOFF:
        return "warning"
    return "error"


def _aws3(req: RawRequest, credentials: Credentials | None, now: datetime | None) -> list[Finding]:
    where = "header X-Amzn-Authorization"
    severity = _legacy_severity(req, now)
    if credentials is None:
        note = "not verified (no credentials)"
    else:
        result = aws3.verify(req, secret_access_key=credentials.secret_access_key, now=now)
        note = "valid on its own terms" if result.ok else f"and invalid: {result.reason}"
        if result.kind == "mismatch":
            return [
                finding(
                    "AUTH002",
                    "AWS3-HTTPS signature (SigV3); SES refuses it since 2020-10-01",
                    where,
                    severity=severity,
                ),
                finding(
                    "AUTH018",
                    "AWS3-HTTPS signature does not match the Date header's HMAC",
                    where,
                    detail=f"string to sign (the Date value): {result.string_to_sign!r}\n"
                    f"expected: {result.expected_signature}\ngiven:    {result.given_signature}",
                ),
            ]
    return [
        finding(
            "AUTH002",
            f"AWS3-HTTPS signature (SigV3), {note}; SES has refused it since 2020-10-01",
            where,
            severity=severity,
        )
    ]


def _sigv2(
    req: RawRequest, pairs: Pairs, credentials: Credentials | None, now: datetime | None
) -> list[Finding]:
    where = "param Signature"
    note = "not verified (no credentials)"
    if credentials is not None:
        result = sigv2.verify_params(
            pairs,
            secret_access_key=credentials.secret_access_key,
            method=req.method,
            host=(req.header("host") or "").lower(),
            path=req.path,
            now=now,
        )
        note = "valid on its own terms" if result.ok else f"invalid: {result.reason}"
    return [
        finding(
            "AUTH003",
            f"SigV2 query signature, {note}; never documented for SES, refused since 2020-10-01",
            where,
            severity=_legacy_severity(req, now, sigv2_pairs=pairs),
        )
    ]


# --- SigV4 -------------------------------------------------------------------------------------


def _read(req: RawRequest, query_pairs: Pairs, *, presigned: bool) -> sigv4.AuthParts:
    """The request's own account of its signature, by the reader the verifier uses."""
    if presigned:
        return sigv4.read_presigned(query_pairs)
    return sigv4.read_authorization(req.header("authorization") or "")


def _parts(req: RawRequest, read: sigv4.AuthParts) -> tuple[_Parts | None, list[Finding]]:
    if not read.presigned:
        where = "header Authorization"
        credential = read.fields.get("Credential", "").strip()
        if credential and credential.count("/") != 4:
            msg = (
                f"Credential={credential!r}: must be <access key id>/<YYYYMMDD>/<region>/ses/"
                "aws4_request"
            )
            return None, [finding("AUTH005", msg, where)]
        problem = read.first()
        if problem is not None:
            rule_id = "AUTH005" if problem.error_kind == "scope" else "AUTH004"
            return None, [finding(rule_id, problem.message, where)]
        date_value = req.header("x-amz-date") or req.header("date") or ""
        return _complete(read, date_value), []
    where = "query"
    missing = [
        p.field
        for p in read.problems
        if p.kind == "missing" and p.field in sigv4.PRESIGNED_PARAMS[:5]
    ]
    problems: list[Finding] = []
    if missing:
        problems.append(finding("AUTH015", f"presigned URL lacks {', '.join(missing)}", where))
    if read.first("algorithm") is not None:
        problems.append(
            finding(
                "AUTH015",
                f"X-Amz-Algorithm={read.fields['X-Amz-Algorithm']!r}, not {sigv4.ALGORITHM}",
                "param X-Amz-Algorithm",
            )
        )
    text = read.fields.get("X-Amz-Expires")
    if text is None:
        # Only S3 requires it (spec-notes a4; mhart/aws4 sends it for S3 alone); elsewhere the
        # URL is good for the 15-minute window around X-Amz-Date.
        problems.append(
            finding(
                "AUTH015",
                "no X-Amz-Expires: the URL is good only within 15 minutes of X-Amz-Date",
                where,
                severity="warning",
            )
        )
    elif read.first("expires") is not None:
        problems.append(
            finding(
                "AUTH015",
                f"X-Amz-Expires={text[:40]!r}: a whole number of seconds, at least 1",
                "param X-Amz-Expires",
            )
        )
    elif read.expires is not None and read.expires > _MAX_EXPIRES:
        problems.append(
            finding(
                "AUTH015",
                f"X-Amz-Expires={text[:40]}: longer than {_MAX_EXPIRES} s (7 days), the most "
                "AWS documents for a SigV4 presigned URL (S3); SES documents no maximum",
                "param X-Amz-Expires",
                severity="warning",
            )
        )
    if missing:
        return None, problems
    if read.first("credential") is not None:
        credential = read.fields["X-Amz-Credential"]
        msg = f"X-Amz-Credential={credential!r}: must be <key>/<YYYYMMDD>/<region>/ses/aws4_request"
        return None, [*problems, finding("AUTH005", msg, "param X-Amz-Credential")]
    return _complete(read, read.fields["X-Amz-Date"]), problems


def _complete(read: sigv4.AuthParts, date_value: str) -> _Parts:
    """The parts of an authorization the reader could read whole (the callers made sure)."""
    return _Parts(
        presigned=read.presigned,
        access_key_id=read.access_key_id or "",
        date=read.date or "",
        region=read.region or "",
        service=read.service or "",
        signed=read.signed_headers or (),
        signature=read.signature or "",
        date_value=date_value,
        expires=read.expires,
    )


def _sigv4(
    req: RawRequest,
    query_pairs: Pairs,
    host_region: str | None,
    credentials: Credentials | None,
    now: datetime | None,
    *,
    presigned: bool,
) -> list[Finding]:
    read = _read(req, query_pairs, presigned=presigned)
    parts, out = _parts(req, read)
    if parts is None:
        return out + _partial_findings(req, read)
    where = "param X-Amz-Credential" if presigned else "header Authorization"
    scope = (parts.access_key_id, parts.date, parts.region, parts.service)
    if not all(p.isascii() and p.isprintable() for p in scope):
        shown = "/".join(scope)
        return [
            *out,
            finding("AUTH005", f"credential scope {shown!r} is not printable ASCII", where),
        ]

    # credential scope (IAM-SIGV4): YYYYMMDD/region/ses/aws4_request
    if not (len(parts.date) == 8 and parts.date.isascii() and parts.date.isdigit()):
        out.append(finding("AUTH005", f"scope date {parts.date!r} is not YYYYMMDD", where))
    if parts.service == "email":
        out.append(
            finding(
                "AUTH006",
                "scope service 'email' (the endpoint prefix); SES v1 tolerates it, 'ses' is right",
                where,
            )
        )
    elif parts.service != "ses":
        out.append(
            finding("AUTH005", f"scope service {parts.service!r}: SES signs as 'ses'", where)
        )
    if host_region is not None and parts.region != host_region:
        out.append(
            finding(
                "AUTH008",
                f"scope region {parts.region!r} but the host is in {host_region!r}: SES answers "
                "SignatureDoesNotMatch",
                where,
            )
        )

    # dates (sigv4-date-handling): X-Amz-Date first, else an ISO 8601 basic Date
    when = sigv4.request_time(parts.date_value)
    date_where = "param X-Amz-Date" if presigned else "header X-Amz-Date"
    if when is None:
        out.append(_bad_date(parts.date_value, presigned=presigned))
    else:
        if not presigned and req.header("x-amz-date") is None:
            out.append(
                finding(
                    "AUTH010",
                    "the SigV4 date comes from the Date header (ISO 8601 basic); send X-Amz-Date",
                    "header Date",
                )
            )
        if parts.date_value[:8] != parts.date:
            out.append(
                finding(
                    "AUTH007",
                    f"scope date {parts.date} but the request date is {parts.date_value[:8]}",
                    where,
                )
            )
        if now is not None:
            out += _time_findings(when, parts, now, date_where)

    out += _signed_header_findings(req, parts.signed, presigned=parts.presigned)
    out += _payload_findings(req)
    out += _verify(req, parts, credentials, host_region=host_region)
    return out


def _time_findings(when: datetime, parts: _Parts, now: datetime, where: str) -> list[Finding]:
    problem = sigv4.time_problem(when, now=now, expires=parts.expires, max_skew=_SKEW)
    if problem is None:
        return []
    kind, message = problem
    return [finding("AUTH016", message, "param X-Amz-Expires" if kind == "expired" else where)]


def _partial_findings(req: RawRequest, read: sigv4.AuthParts) -> list[Finding]:
    """What can still be judged when the Authorization (or presign) parameters did not parse:
    the signed header list and the request date, so that every problem is reported."""
    presigned = read.presigned
    if presigned:
        names = read.fields.get("X-Amz-SignedHeaders")
        date_value = read.fields.get("X-Amz-Date", "")
    else:
        names = read.fields.get("SignedHeaders")
        date_value = req.header("x-amz-date") or req.header("date") or ""
    out: list[Finding] = []
    if names:
        out += _signed_header_findings(req, tuple(names.split(";")), presigned=presigned)
    if sigv4.request_time(date_value) is None:
        out.append(_bad_date(date_value, presigned=presigned))
    return out


def _bad_date(date_value: str, *, presigned: bool) -> Finding:
    shown = repr(date_value) if date_value else "missing"
    return finding(
        "AUTH009",
        f"request date {shown}: SigV4 needs X-Amz-Date as YYYYMMDD'T'HHMMSS'Z'",
        "param X-Amz-Date" if presigned else "header X-Amz-Date",
    )


def _signed_header_findings(
    req: RawRequest, signed: tuple[str, ...], *, presigned: bool
) -> list[Finding]:
    out: list[Finding] = []
    where = "param X-Amz-SignedHeaders" if presigned else "header Authorization"
    names = list(signed)
    if names != sorted({n.lower() for n in names}):
        out.append(
            finding(
                "AUTH011",
                f"SignedHeaders {';'.join(names)!r}: names must be lowercase, sorted and unique",
                where,
            )
        )
    lowered = {n.lower() for n in names}
    if "host" not in lowered:
        out.append(finding("AUTH011", "SignedHeaders lacks host", where))
    present = {n.lower() for n, _ in req.headers}
    absent = sorted(lowered - present)
    if absent:
        out.append(finding("AUTH012", f"signed but not sent: {', '.join(absent)}", where))
    unsigned = sorted(
        n for n in present if n.startswith("x-amz-") and n not in lowered and n != _TOKEN_HEADER
    )
    if unsigned:
        out.append(
            finding(
                "AUTH013",
                f"x-amz-* header(s) sent but not signed: {', '.join(unsigned)}",
                f"header {unsigned[0]}",
            )
        )
    if _TOKEN_HEADER in present and _TOKEN_HEADER not in lowered:
        out.append(
            finding(
                "AUTH017",
                "X-Amz-Security-Token sent as a header but not signed",
                "header X-Amz-Security-Token",
            )
        )
    if presigned and _TOKEN_HEADER in present:
        out.append(
            finding(
                "AUTH017",
                "a presigned URL carries the session token in the query, not as a header",
                "header X-Amz-Security-Token",
            )
        )
    return out


def _payload_findings(req: RawRequest) -> list[Finding]:
    given = req.header("x-amz-content-sha256")
    if given is None or given in {sigv4.UNSIGNED_PAYLOAD, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}:
        return []
    actual = sigv4.payload_hash(req.body)
    if given.lower() != actual:
        return [
            finding(
                "AUTH014",
                f"x-amz-content-sha256 {given[:16]}... but the body hashes to {actual[:16]}...",
                "header X-Amz-Content-SHA256",
            )
        ]
    return []


# --- the signature value -----------------------------------------------------------------------


def _stages(
    req: RawRequest,
    parts: _Parts,
    secret: str,
    *,
    query: str | None = None,
    headers: str | None = None,
    payload: str | None = None,
) -> sigv4.Stages | None:
    """The stages the spec gives for this request (:func:`sesspec.signing.sigv4.compute`), or
    what a client computes when one stage is made as its mistake makes it (``query``,
    ``headers``, ``payload``: the canonical query, the canonical header lines, the payload
    hash)."""
    try:
        ch = (
            headers
            if headers is not None
            else sigv4.canonical_headers(req.headers, signed=parts.signed)
        )
    except SigningError:
        return None
    if query is None:
        exclude = ("X-Amz-Signature",) if parts.presigned else ()
        query = sigv4.canonical_query(req.query, exclude=exclude)
    hashed = payload
    if hashed is None:
        given = req.header("x-amz-content-sha256")
        hashed = given if given == sigv4.UNSIGNED_PAYLOAD else sigv4.payload_hash(req.body)
    return sigv4.compute(
        req.method,
        canonical_uri=sigv4.canonical_uri(req.path),
        canonical_query=query,
        canonical_headers=ch,
        signed_headers=sigv4.signed_headers_value(parts.signed),
        payload_hash=hashed,
        amz_date=parts.date_value,
        date=parts.date,
        region=parts.region,
        service=parts.service,
        secret_access_key=secret,
    )


def _verify(
    req: RawRequest, parts: _Parts, credentials: Credentials | None, *, host_region: str | None
) -> list[Finding]:
    where = "param X-Amz-Signature" if parts.presigned else "header Authorization"
    if credentials is None:
        return [finding("AUTH020", "signature value not verified: no credentials given", where)]
    if credentials.access_key_id != parts.access_key_id:
        return [
            finding(
                "AUTH020",
                f"signed with access key id {parts.access_key_id!r}, credentials given for "
                f"{credentials.access_key_id!r}: not verified",
                where,
            )
        ]
    if sigv4.request_time(parts.date_value) is None:
        return []  # AUTH009 already says why no signature can be computed
    expected = _stages(req, parts, credentials.secret_access_key)
    if expected is None:
        return []  # AUTH012: a signed header is missing; nothing to recompute
    if hmac.compare_digest(expected.signature.encode(), parts.signature.encode()):
        if host_region is not None and host_region != parts.region:
            # SES derives the key for its own region (nodemailer-ses-transport#10).
            ses_side = _alt_scope(req, parts, credentials.secret_access_key, region=host_region)
            return [
                finding(
                    "AUTH018",
                    f"the signature is right for region {parts.region!r}, but the endpoint is "
                    f"in {host_region!r} and SES answers SignatureDoesNotMatch",
                    where,
                    detail=_diff(expected, ses_side) if ses_side is not None else "",
                )
            ]
        if list(parts.signed) != sorted({n.lower() for n in parts.signed}):
            return []  # AUTH011: SES refuses the malformed list before any signature check
        if parts.service not in {"ses", "email"}:
            return []  # AUTH005: SES refuses a scope for another service
        return [finding("AUTH019", "signature verified", where)]
    for cause, stages in _hypotheses(req, parts, credentials.secret_access_key):
        if stages is not None and stages.signature == parts.signature:
            found = [
                finding(
                    "AUTH018",
                    f"signature does not match: {cause}",
                    where,
                    detail=_diff(stages, expected),
                )
            ]
            if cause.startswith(_TOKEN_AFTER):
                found.append(
                    finding(
                        "AUTH017",
                        "X-Amz-Security-Token was added to the presigned URL after signing",
                        "param X-Amz-Security-Token",
                    )
                )
            return found
    return [
        finding(
            "AUTH018",
            "signature does not match, and no known client mistake reproduces it: a wrong "
            "secret key, or the request changed after it was signed",
            where,
            detail=(
                "The spec's canonical request:\n"
                f"{_masked(expected.canonical_request)}\n\nThe spec's string to sign:\n"
                f"{expected.string_to_sign}\n\nexpected signature {expected.signature}\n"
                f"given signature    {parts.signature}"
            ),
        )
    ]


# The session token in a canonical request: a signed X-Amz-Security-Token header line, or the
# parameter in the canonical query (however the client encoded it).
_TOKEN_IN_CREQ = re.compile(r"(?im)^(x-amz-security-token:).*$|(X-Amz-Security-Token=)[^&\n]*")


def _masked(canonical_request: str) -> str:
    """``canonical_request`` with the session token's value written :data:`MASK`: a finding's
    detail is printed, and the token is a secret (the secret key never appears in it)."""
    return _TOKEN_IN_CREQ.sub(lambda m: (m.group(1) or m.group(2)) + MASK, canonical_request)


def _diff(client: sigv4.Stages, spec: sigv4.Stages) -> str:
    """The client's stages against the spec's: a unified diff of each, or the canonical
    request once when both sides share it (a wrong region or service shows in the scope).
    The session token is masked in both canonical requests."""
    client_creq = _masked(client.canonical_request)
    spec_creq = _masked(spec.canonical_request)
    if client_creq == spec_creq:
        creq = ["canonical request (the same on both sides):", spec_creq]
    else:
        creq = list(
            difflib.unified_diff(
                client_creq.splitlines(),
                spec_creq.splitlines(),
                "canonical request the client signed",
                "canonical request the spec gives",
                lineterm="",
            )
        )
    sts = difflib.unified_diff(
        client.string_to_sign.splitlines(),
        spec.string_to_sign.splitlines(),
        "string to sign the client used",
        "string to sign the spec gives",
        lineterm="",
    )
    return "\n".join([*creq, "", *sts])


def _raw_items(query: str, exclude: set[str]) -> list[tuple[str, str]]:
    items = []
    for seg in query.split("&"):
        if not seg:
            continue
        name, _, value = seg.partition("=")
        if unquote_to_bytes(name).decode("utf-8", "replace") in exclude:
            continue
        items.append((name, value))
    return items


def _join(items: list[tuple[str, str]]) -> str:
    return "&".join(f"{n}={v}" for n, v in items)


def _hypotheses(
    req: RawRequest, parts: _Parts, secret: str
) -> Iterator[tuple[str, sigv4.Stages | None]]:
    """(cause, stages) for the canonical requests that known client bugs compute."""
    exclude = {"X-Amz-Signature"} if parts.presigned else set()
    query = req.query
    if parts.presigned and "X-Amz-Security-Token=" in query:
        yield (
            f"{_TOKEN_AFTER}: the canonical query left it out (spec-notes a4: it is signed)",
            _stages(
                req,
                parts,
                secret,
                query=sigv4.canonical_query(query, exclude=(*exclude, "X-Amz-Security-Token")),
            ),
        )
    if query:
        raw = _raw_items(query, exclude)
        decoded = [(n, v) for n, v in form_decode(query) if n not in exclude]
        for style, cause in (
            ("python-urlencode", "quote_plus, which writes a space as '+' (aws-requests-auth#40)"),
            ("js-encodeuricomponent", "encodeURIComponent, which leaves !'()* unescaped"),
            ("python2-urlencode", "an RFC 1738 encoder, which escapes '~' as %7E"),
        ):
            enc = STYLES[style].quote
            yield (
                f"the client encoded the canonical query with {cause}",
                _stages(
                    req, parts, secret, query=_join(sorted((enc(n), enc(v)) for n, v in decoded))
                ),
            )
        yield (
            "the client put the query into the canonical request as sent, without decoding and "
            "UriEncoding each name and value (e.g. '()' or \"'\" left unescaped, or '+' for a "
            "space; spec-notes c1, node-ses#63)",
            _stages(req, parts, secret, query=_join(sorted(raw))),
        )
        yield (
            "the client sorted the query as joined 'name=value' strings, not by name then value "
            "(requests-aws4auth#45)",
            _stages(req, parts, secret, query="&".join(sorted(f"{n}={v}" for n, v in raw))),
        )
        # requests-aws4auth#59: the whole query unquoted, then split and each part re-quoted,
        # so an escaped '&' or '=' inside a value becomes a separator.
        double = [seg.partition("=") for seg in unquote(query).split("&")]
        requoted = canonical_query_string([(n, v) for n, _, v in double if n not in exclude])
        yield (
            "the client unquoted the whole query before splitting it, so %26 / %3D inside a "
            "value became separators (requests-aws4auth#59)",
            _stages(req, parts, secret, query=requoted),
        )
    # Header values signed without trimming and folding (IAM-SIGV4 asks for both): each value
    # as its field value with its inner runs of spaces kept, or the text after the colon as
    # received, leading space and all.
    signed = {s.lower() for s in parts.signed}
    cause = "the client did not trim and fold whitespace in the signed header values"
    for lines in (req.headers, req.field_lines()):
        untrimmed = "".join(
            f"{n.lower()}:{v}\n"
            for n, v in sorted(lines, key=lambda h: h[0].lower())
            if n.lower() in signed
        )
        yield cause, _stages(req, parts, secret, headers=untrimmed)
    host = req.header("host") or ""
    if ":" in host:
        bare = host.rsplit(":", 1)[0]
        yield (
            f"the client signed host {bare!r} without the port it sent ({host!r})",
            _stages(req, parts, secret, headers=_with_host(req, parts, bare)),
        )
    if req.body and not parts.presigned:
        body_pairs = form_decode(req.body)
        for style in ("rfc3986", "python-urlencode", "js-encodeuricomponent", "whatwg"):
            body = STYLES[style].encode_pairs(body_pairs)
            if body != req.body:
                yield (
                    f"the client signed the body encoded as {style} but sent other bytes: "
                    "encode once and sign the bytes sent (n8n-io/n8n#2068)",
                    _stages(req, parts, secret, payload=sigv4.payload_hash(body)),
                )
    for other in ("ses", "email"):
        if parts.service != other:
            yield (
                f"the client signed with service {other!r} but wrote {parts.service!r} in the "
                "scope",
                _alt_scope(req, parts, secret, service=other),
            )


def _with_host(req: RawRequest, parts: _Parts, host: str) -> str:
    headers = [(n, host if n.lower() == "host" else v) for n, v in req.headers]
    try:
        return sigv4.canonical_headers(headers, signed=parts.signed)
    except SigningError:
        return ""


def _alt_scope(
    req: RawRequest,
    parts: _Parts,
    secret: str,
    *,
    service: str | None = None,
    region: str | None = None,
) -> sigv4.Stages | None:
    alt = replace(parts, region=region or parts.region, service=service or parts.service)
    return _stages(req, alt, secret)
