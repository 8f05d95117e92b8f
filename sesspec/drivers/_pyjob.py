"""Helpers shared by the Python driver modules (run inside the child process)."""

from __future__ import annotations

import json
import ssl
import urllib.request
from typing import Any

from sesspec.drivers.scenarios import typed_params

__all__ = [
    "NotSupportedError",
    "blob_params",
    "botocore_client_args",
    "creds",
    "fetch_get",
    "form_pairs",
    "ok",
    "ssl_context",
    "token",
]


def __dir__() -> list[str]:
    return __all__


class NotSupportedError(Exception):
    """The client cannot express this scenario; the message says why."""


def creds(job: dict[str, Any]) -> tuple[str, str, str]:
    c = job["credentials"]
    return str(c["access_key_id"]), str(c["secret_access_key"]), str(c["region"])


def token(job: dict[str, Any]) -> str | None:
    """The session token of temporary credentials (None: long-term credentials)."""
    value = job["credentials"].get("session_token")
    return str(value) if value else None


def botocore_client_args(job: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments every botocore-based client (botocore, boto3, aiobotocore) takes
    to reach the endpoint with the job's credentials: ``create_client("ses", **these)``."""
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    return {
        "endpoint_url": endpoint["url"],
        "region_name": region,
        "aws_access_key_id": akid,
        "aws_secret_access_key": secret,
        "aws_session_token": token(job),
        "verify": endpoint.get("ca_path") or True,
    }


def ssl_context(job: dict[str, Any]) -> ssl.SSLContext | None:
    ca = job["endpoint"].get("ca_path")
    return ssl.create_default_context(cafile=ca) if ca else None


def form_pairs(job: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in job["scenario"]["form_pairs"]]


def blob_params(job: dict[str, Any]) -> dict[str, Any]:
    """The params with blobs (``RawMessage.Data``) as bytes (what an SDK user passes)."""
    return typed_params(job["scenario"]["params"])


def ok(response: Any = None, detail: str = "") -> dict[str, Any]:
    summary: dict[str, Any] = {}
    if isinstance(response, dict):
        summary = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        text = json.dumps(summary, default=str)
        if len(text) > 2000:
            summary = {"truncated": text[:2000]}
    return {"status": "ok", "detail": detail, "response": summary}


def fetch_get(url: str, job: dict[str, Any]) -> tuple[int, bytes]:
    """GET ``url`` as a user would with the stdlib (``urllib.request.urlopen``)."""
    try:
        with urllib.request.urlopen(url, context=ssl_context(job), timeout=30) as response:  # noqa: S310 (https/http URL built by the client)
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def http_result(status: int, body: bytes) -> dict[str, Any]:
    """An outcome from a raw HTTP answer of the endpoint."""
    text = body.decode("utf-8", "replace")
    if 200 <= status < 300:
        return {"status": "ok", "detail": f"HTTP {status}", "response": {"body": text[:500]}}
    return {"status": "client-error", "detail": f"HTTP {status}: {text[:1000]}"}
