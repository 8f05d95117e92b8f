"""httpx-auth (``httpx_auth.AWS4Auth``) with ``httpx``; ``data=`` must be a mapping.

No presigning.
"""

from __future__ import annotations

from typing import Any

from sesspec.drivers._pyjob import (
    NotSupportedError,
    creds,
    form_pairs,
    http_result,
    ssl_context,
    token,
)


def run(job: dict[str, Any]) -> dict[str, Any]:
    import httpx  # noqa: PLC0415 (child only)
    import httpx_auth  # noqa: PLC0415

    if job["scenario"]["kind"] == "presign-get":
        msg = "httpx-auth signs headers only; it has no presigned-URL API"
        raise NotSupportedError(msg)
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    auth = httpx_auth.AWS4Auth(
        access_id=akid,
        secret_key=secret,
        region=region,
        service="ses",
        security_token=token(job),
    )
    context = ssl_context(job)
    with httpx.Client(verify=context if context is not None else True, timeout=30) as client:
        response = client.post(endpoint["url"], data=dict(form_pairs(job)), auth=auth)
    return http_result(response.status_code, response.content)
