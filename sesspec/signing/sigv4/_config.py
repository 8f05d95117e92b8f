"""How SigV4 signs or verifies beside the credentials, region, service and time: the options
of aws-c-auth's ``context.json`` (:class:`SigningConfig`), and the headers left unsigned when
every header is signed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["DEFAULT_CONFIG", "UNSIGNED_HEADERS", "SigningConfig"]

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


@dataclass(frozen=True, slots=True)
class SigningConfig:
    """How to sign or verify, beside the credentials, region, service and time: the options of
    aws-c-auth's ``context.json``, under its names.

    * ``normalize``: remove dot segments and repeated slashes from the path
      (:func:`~sesspec.signing.sigv4.canonical_uri`; every service but S3);
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
