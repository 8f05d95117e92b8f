"""requests-aws4auth (``AWS4Auth(key, secret, region, "ses")``) with ``requests``.

The user builds the form as a dict and lets ``requests`` encode it (``data=dict`` ->
``urlencode``, space as '+'), the usage in the library's README. No presigning.
"""

from __future__ import annotations

from typing import Any

from sesspec.drivers._pyjob import NotSupportedError, creds, form_pairs, http_result, token


def run(job: dict[str, Any]) -> dict[str, Any]:
    import requests  # noqa: PLC0415 (child only)
    from requests_aws4auth import AWS4Auth  # noqa: PLC0415

    if job["scenario"]["kind"] == "presign-get":
        msg = "requests-aws4auth signs headers only; it has no presigned-URL API"
        raise NotSupportedError(msg)
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    response = requests.post(
        endpoint["url"],
        data=dict(form_pairs(job)),
        auth=AWS4Auth(akid, secret, region, "ses", session_token=token(job)),
        verify=endpoint.get("ca_path") or True,
        timeout=30,
    )
    return http_result(response.status_code, response.content)
