"""awscrt's SigV4 signer (``awscrt.auth.aws_sign_request``) with ``http.client``.

A user of a signing-only library builds the form body: here with
``urllib.parse.urlencode(pairs)`` (quote_plus: space as '+'), signs an ``HttpRequest``
(header signing; the ``Host`` and ``Content-Type`` headers set by the user) and sends it
with ``http.client``. ``presign-get``: query signing (``HTTP_REQUEST_QUERY_PARAMS``) of a
GET whose query is ``urlencode(pairs, quote_via=quote)``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import urllib.parse
from typing import Any

from sesspec.drivers._pyjob import creds, form_pairs, http_result, ssl_context, token


def _send(job: dict[str, Any], method: str, path: str, headers: Any, body: bytes) -> dict[str, Any]:
    endpoint = job["endpoint"]
    host, port = endpoint["host"], endpoint.get("told_port")
    conn: http.client.HTTPConnection
    if endpoint["tls"]:
        conn = http.client.HTTPSConnection(host, port, context=ssl_context(job), timeout=30)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=dict(headers))
        response = conn.getresponse()
        return http_result(response.status, response.read())
    finally:
        conn.close()


def run(job: dict[str, Any]) -> dict[str, Any]:
    from awscrt import auth, http  # noqa: PLC0415 (child only)
    from awscrt.io import InputStream  # noqa: PLC0415

    akid, secret, region = creds(job)
    host = job["endpoint"]["authority"]  # the Host header: host[:port] as the URL has it
    pairs = form_pairs(job)
    presign = job["scenario"]["kind"] == "presign-get"
    provider = auth.AwsCredentialsProvider.new_static(akid, secret, token(job))
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4,
        signature_type=(
            auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS
            if presign
            else auth.AwsSignatureType.HTTP_REQUEST_HEADERS
        ),
        credentials_provider=provider,
        region=region,
        service="ses",
        date=dt.datetime.now(dt.UTC),
        expiration_in_seconds=900 if presign else None,
    )
    if presign:
        query = urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)
        request = http.HttpRequest("GET", "/?" + query, http.HttpHeaders([("Host", host)]))
        auth.aws_sign_request(request, config).result(30)
        return _send(job, "GET", request.path, request.headers, b"")
    body = urllib.parse.urlencode(pairs).encode("utf-8")
    headers = http.HttpHeaders(
        [
            ("Host", host),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
    )
    request = http.HttpRequest("POST", "/", headers, InputStream.wrap(io.BytesIO(body)))
    auth.aws_sign_request(request, config).result(30)
    return _send(job, "POST", "/", request.headers, body)
