"""``sesspec sign``: a raw HTTP/1.1 request on stdin -> the same request, signed.

The request is read as people write it (:func:`sesspec.http.parse_request_lenient`): LF or
CRLF line ends, no empty line needed after the headers, raw spaces and UTF-8 in the target; a
body without a Content-Length gets one, and a Content-Length that is not the body's length is
an error (docs/spec.md#sigv4-sign-input). SigV4 signs every header present but
:data:`sesspec.signing.sigv4.UNSIGNED_HEADERS`, as botocore and aws-c-auth do, unless
``--signed-headers`` names them. The signed request is written as it goes on the wire (lines
ending in CRLF); the secret key is never written anywhere. Parameters are read with the limit
``sesspec verify`` reads them with (:data:`sesspec.encoding.MAX_PAIRS` ``&``-separated
segments, in the SigV2 body or the presigned URL it writes): past it, exit 2 with one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence

from sesspec.cli._common import (
    EXIT_OK,
    Output,
    Parser,
    UsageError,
    add_credential_flags,
    credentials_from,
    parse_time,
    run_command,
    stdin_bytes,
)
from sesspec.http import RawRequest, parse_request_lenient
from sesspec.params import query_params, read_params
from sesspec.request import sign
from sesspec.signing.sigv4 import SigningConfig

__all__ = ["build_parser", "main"]


def __dir__() -> list[str]:
    return __all__


_SIGV4 = ("sigv4", "sigv4-query")
#: The flags that choose how SigV4 signs (SigningConfig's fields): refused with another scheme.
_SIGV4_FLAGS = (
    ("signed_headers", "--signed-headers"),
    ("no_normalize_path", "--no-normalize-path"),
    ("single_encode_path", "--single-encode-path"),
    ("sign_body", "--sign-body"),
    ("omit_session_token", "--omit-session-token"),
    ("keep_body", "--keep-body"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sesspec sign", description=__doc__.splitlines()[0])
    add_credential_flags(parser)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--service", default="ses")
    parser.add_argument("--time", help="ISO 8601 basic or extended; default: now")
    parser.add_argument(
        "--scheme", default="sigv4", choices=["sigv4", "sigv4-query", "aws3", "sigv2"]
    )
    parser.add_argument("--expires", type=int, default=3600, help="seconds (sigv4-query)")
    sigv4 = parser.add_argument_group("SigV4 (sigv4, sigv4-query)")
    sigv4.add_argument(
        "--signed-headers",
        metavar="A;B;C",
        help="the headers to sign (host and the ones the signer adds always are); default: "
        "every header present but user-agent, expect, connection, x-amzn-trace-id and the "
        "other hop-by-hop headers (sesspec.signing.sigv4.UNSIGNED_HEADERS)",
    )
    sigv4.add_argument(
        "--no-normalize-path", action="store_true", help="keep '.', '..' and '//' in the path (S3)"
    )
    sigv4.add_argument(
        "--single-encode-path", action="store_true", help="encode the path once, as sent (S3)"
    )
    sigv4.add_argument(
        "--sign-body", action="store_true", help="add and sign X-Amz-Content-SHA256 (S3)"
    )
    sigv4.add_argument(
        "--omit-session-token",
        action="store_true",
        help="add the session token after signing, unsigned",
    )
    sigv4.add_argument(
        "--keep-body",
        action="store_true",
        help="sigv4-query: leave a form body where it is (aws-c-auth) instead of moving its "
        "parameters into the URL (botocore's SES presign)",
    )
    return parser


def _signed_names(text: str) -> frozenset[str]:
    names = text.split(";")
    if not all(names):
        msg = f"--signed-headers: an empty header name in {text[:80]!r}"
        raise UsageError(msg)
    return frozenset(n.strip().lower() for n in names)


def _config(args: argparse.Namespace) -> SigningConfig | None:
    if args.scheme not in _SIGV4:
        given = [flag for attr, flag in _SIGV4_FLAGS if getattr(args, attr)]
        if given:
            msg = f"{given[0]} is a SigV4 option: not for --scheme {args.scheme}"
            raise UsageError(msg)
        return None
    return SigningConfig(
        normalize=not args.no_normalize_path,
        double_uri_encode=not args.single_encode_path,
        sign_body=args.sign_body,
        omit_session_token=args.omit_session_token,
        signed_headers=None if args.signed_headers is None else _signed_names(args.signed_headers),
        sign_all_headers=True,
        form_to_query=args.scheme == "sigv4-query" and not args.keep_body,
    )


def _with_length(req: RawRequest) -> RawRequest:
    """``req`` with the Content-Length of its body when it has a body and none."""
    if not req.body or req.header("Content-Length") is not None:
        return req
    return req.with_header("Content-Length", str(len(req.body)), replace_existing=False)


def run(args: argparse.Namespace) -> int:
    akid, secret, token = credentials_from(args, os.environ)
    if akid is None or secret is None:
        msg = (
            "credentials needed: --access-key-id and --secret-access-key, or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
        raise UsageError(msg)
    config = _config(args)
    req = _with_length(parse_request_lenient(stdin_bytes()))
    when = parse_time(args.time) if args.time else dt.datetime.now(dt.UTC)
    signed = sign(
        req,
        scheme=args.scheme,
        access_key_id=akid,
        secret_access_key=secret,
        session_token=token,
        region=args.region,
        service=args.service,
        time=when,
        expires=args.expires,
        config=config,
    )
    # Written as it goes on the wire, whatever line ends it was typed with: CRLF, each header
    # as "Name: value" (an obs-fold became one SP in the value, which is what was signed).
    wire = RawRequest(signed.method, signed.target, signed.version, signed.headers, signed.body)
    # What verify reads of it, read with the one limit they share (encoding.MAX_PAIRS): a
    # presigned URL, or a SigV2 body, of more segments than that is refused, not written for
    # verify to refuse.
    if args.scheme == "sigv2":
        read_params(wire)
    else:
        query_params(wire)
    out = Output(sys.stdout)
    out.raw(wire.to_bytes())
    out.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec sign`` with ``argv`` (the arguments after ``sign``)."""
    return run_command(build_parser(), run, argv)
