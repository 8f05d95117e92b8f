"""``sesspec verify``: does a signed request's signature hold? The inverse of ``sesspec sign``.

Reads one raw HTTP/1.1 request (a file, or stdin), as ``sesspec sign`` writes it and as the
public suites store theirs (``.sreq``, ``*-signed-request.txt``: a lowercase ``http/1.1``, no
Content-Length), finds its scheme (SigV4 header or presigned, AWS3-HTTPS, SigV2) and checks it
for any service and region, or the ones named. The secret comes from ``--secret-access-key`` or
``AWS_SECRET_ACCESS_KEY``; ``--access-key-id`` / ``AWS_ACCESS_KEY_ID``, when given, is the only
key id accepted.

Exit status: 0 the signature holds (and, with ``--now``, the time is within its window); 1 it
does not, with the reason, the canonical request and string to sign the spec gives and a diff
against the one the signer used (``--canonical-request FILE``, such as a suite's ``.creq`` or a
client's debug log; else, for SigV4, the one a known client mistake produces when one
reproduces the signature); 2 the input is unusable (one line on stderr). The secret key and a
session token are never printed: a token is masked by the one masker
(:func:`sesspec.masking.mask_text`, by its name, in any case and any scheme) in every text
shown, and the secret and the token values are masked in each line printed (a diff line too).

Parameters are read as ``sesspec sign`` reads them, with its limit
(:data:`sesspec.encoding.MAX_PAIRS` ``&``-separated segments): a SigV2 request's by
:func:`sesspec.signing.sigv2.verify` (a POST's form body, else the query); a SigV4 or AWS3
request's body is never read for its signature, so its segments are not counted, as ``sign``
does not count them. A request past the limit where it is read exits 2 with ``sign``'s message.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import sys
from collections.abc import Iterator, Sequence

from sesspec.check.sources import MAX_REQUEST_FILE_SIZE, read_limited
from sesspec.cli._common import (
    EXIT_OK,
    Output,
    Parser,
    UsageError,
    parse_time,
    run_command,
    stdin_bytes,
)
from sesspec.encoding import percent_encode
from sesspec.errors import EncodingError, SesSpecError
from sesspec.http import RawRequest, parse_request
from sesspec.masking import MASK, mask_text
from sesspec.params import (
    TOKEN_PARAMS,
    RequestParams,
    params_where,
    query_params,
    read_params,
)
from sesspec.signing import aws3, sigv2, sigv4

__all__ = ["main"]


def __dir__() -> list[str]:
    return __all__


EXIT_MISMATCH = 1


class _UnusableError(UsageError):
    """Input that cannot be verified at all: one line on stderr, exit 2."""


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="sesspec verify", description=(__doc__ or "").splitlines()[0])
    p.add_argument("request", nargs="?", default="-", help="raw HTTP request file (default stdin)")
    p.add_argument("--access-key-id", help="the only key id accepted (or AWS_ACCESS_KEY_ID)")
    p.add_argument("--secret-access-key", help="the secret (or AWS_SECRET_ACCESS_KEY)")
    p.add_argument("--region", help="the scope's region must be this")
    p.add_argument("--service", help="the scope's service must be this")
    p.add_argument("--now", help="check the time too (ISO 8601 basic or extended, UTC)")
    p.add_argument(
        "--canonical-request", metavar="FILE", help="the canonical request the signer used, to diff"
    )
    p.add_argument(
        "--no-normalize-path", action="store_true", help="SigV4: path as sent (S3, *-unnormalized)"
    )
    p.add_argument(
        "--single-encode-path",
        action="store_true",
        help="SigV4: decode the path's escapes before encoding it (S3; the 2011 suite)",
    )
    p.add_argument(
        "--sort-repeated-values",
        action="store_true",
        help="SigV4: sort a repeated header's values (the 2011 suite's edition)",
    )
    return p


def _read(source: str) -> bytes:
    """stdin (``-``) up to :data:`~sesspec.cli.MAX_STDIN_BYTES`, or a file up to
    :data:`~sesspec.check.sources.MAX_REQUEST_FILE_SIZE`, refused before more is read."""
    if source == "-":
        return stdin_bytes()
    try:
        return read_limited(source, MAX_REQUEST_FILE_SIZE, "file")
    except OSError as exc:
        msg = f"{source}: cannot read: {exc.strerror or exc}"
        raise _UnusableError(msg) from None
    except ValueError as exc:  # a NUL in the name
        msg = f"{source!r}: cannot read: {exc}"
        raise _UnusableError(msg) from None


def _unusable(exc: EncodingError) -> _UnusableError:
    """The line ``sesspec sign`` writes for the same parameters (past the segments' limit)."""
    return _UnusableError(f"{exc.message} at offset {exc.offset}")


def _params(req: RawRequest) -> tuple[RequestParams, EncodingError | None]:
    """The request's parameters as ``sign`` reads them (a POST's form body and query, a GET's
    query), and the error of a form body that could not be read (past the segments' limit):
    SigV4 and AWS3 never read it; :func:`_scheme` refuses it when it is the one place the
    signature could be. A body that is not a form (JSON, a request signed with another scheme)
    has no parameters."""
    try:
        params = read_params(req)
    except EncodingError as exc:
        try:
            query = query_params(req)
        except EncodingError:
            raise _unusable(exc) from None
        return RequestParams(query, [], params_where(req.method)), exc
    ctype = (req.header("Content-Type") or "application/x-www-form-urlencoded").lower()
    if params.body and not ctype.startswith("application/x-www-form-urlencoded"):
        return RequestParams(params.query, [], params.where), None
    return params, None


def _scheme(req: RawRequest, params: RequestParams, unread: EncodingError | None) -> str:
    authorization = req.header("Authorization")
    query_names = {n for n, _ in params.query}
    if (authorization or "").startswith(sigv4.ALGORITHM) or "X-Amz-Algorithm" in query_names:
        return "sigv4"
    if req.header("X-Amzn-Authorization") is not None:
        return "aws3"
    if unread is not None:  # a SigV2 signature would be in the body that cannot be read
        raise _unusable(unread)
    if "SignatureVersion" in params.names():
        return "sigv2"
    if authorization is not None:
        return "sigv4"  # not SigV4's algorithm: the verifier says what is wrong with it
    msg = "no signature to verify: no Authorization, X-Amzn-Authorization or signed query"
    raise _UnusableError(msg)


def _verify(
    req: RawRequest, args: argparse.Namespace, secret: str
) -> tuple[str, sigv4.VerifyResult]:
    """The scheme and its verdict (the legacy schemes have no canonical request)."""
    params, unread = _params(req)
    scheme = _scheme(req, params, unread)
    key_id: str | None = args.access_key_id or os.environ.get("AWS_ACCESS_KEY_ID")

    def lookup(akid: str) -> str | None:
        return secret if key_id is None or akid == key_id else None

    now = parse_time(args.now) if args.now else None
    if scheme == "sigv4":
        config = sigv4.SigningConfig(
            normalize=not args.no_normalize_path,
            double_uri_encode=not args.single_encode_path,
            sort_repeated_values=args.sort_repeated_values,
        )
        return scheme, sigv4.verify(
            req,
            secret_access_key=lookup,
            now=now,
            region=args.region,
            service=args.service,
            config=config,
        )
    if scheme == "aws3":
        return scheme, aws3.verify(req, secret_access_key=lookup, now=now)
    # The signer's own reading of where SigV2's parameters are (a POST's query is not signed).
    return scheme, sigv2.verify(req, secret_access_key=lookup, now=now)


def _secrets(req: RawRequest, secret: str) -> list[str]:
    """Values that must not be printed even where no name says what they are (a diff line):
    the secret, and any session token in the request or the environment, as they are and
    percent-encoded (the canonical query carries them so)."""
    values = {secret, os.environ.get("AWS_SESSION_TOKEN") or ""}
    values.update(req.header_all("X-Amz-Security-Token"))
    params, _ = _params(req)
    tokens = {name.lower() for name in TOKEN_PARAMS}
    values.update(v for n, v in [*params.query, *params.body] if n.lower() in tokens)
    out = {v for v in values if v}
    out.update(percent_encode(v) for v in list(out))
    return sorted(out, key=len, reverse=True)


def _mask(text: str, secrets: Sequence[str]) -> str:
    for value in secrets:
        text = text.replace(value, MASK)
    return text


def _masked_stages(outcome: sigv4.VerifyResult) -> sigv4.VerifyResult:
    """``outcome`` with its canonical request and string to sign through the one masker."""
    canonical, sts = outcome.canonical_request, outcome.string_to_sign
    return dataclasses.replace(
        outcome,
        canonical_request=None if canonical is None else mask_text(canonical),
        string_to_sign=None if sts is None else mask_text(sts),
    )


def _explained(raw: bytes, req: RawRequest, secret: str) -> Iterator[str]:
    """The checker's account of a SigV4 mismatch: the client mistake that reproduces the given
    signature, with the diff of the two canonical requests, when one does (AUTH018)."""
    from sesspec.check import Credentials, check

    auth = req.header("Authorization")
    parts = (
        sigv4.read_authorization(auth)
        if auth is not None
        else sigv4.read_presigned(_params(req)[0].query)
    )
    akid = parts.access_key_id
    for f in check(raw, credentials=Credentials(akid, secret), now=None, tls=None):
        if f.rule == "AUTH018":
            yield f.message
            if f.detail:
                yield f.detail


def _report(
    scheme: str,
    outcome: sigv4.VerifyResult,
    theirs: tuple[str, str] | None,
    explanation: list[str],
) -> Iterator[str]:
    """The lines to print: the verdict; on a mismatch, the signer's canonical request
    (``theirs``: name, text) diffed against the spec's, else the checker's explanation, else the
    spec's stages; then the two signatures."""
    yield f"{'OK' if outcome.ok else 'FAIL'} {scheme}: {outcome.reason}"
    if outcome.ok:
        return
    if theirs is not None and outcome.canonical_request is not None:
        yield from difflib.unified_diff(
            theirs[1].splitlines(),
            outcome.canonical_request.splitlines(),
            f"canonical request the signer used ({theirs[0]})",
            "canonical request of this request (the spec's)",
            lineterm="",
        )
    if explanation:
        yield from explanation
    else:
        if theirs is None and outcome.canonical_request is not None:
            yield "canonical request of this request (the spec's):"
            yield outcome.canonical_request
        if outcome.string_to_sign is not None:
            yield "string to sign (the spec's):"
            yield outcome.string_to_sign
    if outcome.expected_signature is not None:
        yield f"expected signature {outcome.expected_signature}"
        yield f"given signature    {outcome.given_signature}"


def _run(args: argparse.Namespace) -> int:
    secret: str | None = args.secret_access_key or os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not secret:
        msg = "no secret: give --secret-access-key or set AWS_SECRET_ACCESS_KEY"
        raise _UnusableError(msg)
    raw = _read(args.request)
    try:
        req = parse_request(raw, body_mode="rest", strict=False)
    except SesSpecError as exc:
        msg = f"{args.request}: not an HTTP request: {exc}"
        raise _UnusableError(msg) from None
    theirs: tuple[str, str] | None = None
    if args.canonical_request:
        text = _read(args.canonical_request).decode("utf-8", "replace")
        theirs = (args.canonical_request, mask_text(text.replace("\r\n", "\n")))
    scheme, outcome = _verify(req, args, secret)
    explanation: list[str] = []
    spec_options = not (
        args.no_normalize_path or args.single_encode_path or args.sort_repeated_values
    )
    if (
        scheme == "sigv4"
        and theirs is None
        and spec_options
        and outcome.expected_signature is not None
        and outcome.expected_signature != outcome.given_signature
    ):
        explanation = list(_explained(raw, req, secret))
    secrets = _secrets(req, secret)
    out = Output(sys.stdout)  # a closed pipe keeps the verdict; undecodable bytes escaped
    for line in _report(scheme, _masked_stages(outcome), theirs, explanation):
        out.text(_mask(line, secrets) + "\n")
    out.flush()
    return EXIT_OK if outcome.ok else EXIT_MISMATCH


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec verify`` with ``argv`` (the arguments after ``verify``)."""
    return run_command(_parser(), _run, argv)
