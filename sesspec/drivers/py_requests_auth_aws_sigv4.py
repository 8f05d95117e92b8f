"""requests-auth-aws-sigv4 (``AWSSigV4("ses", region=...)``) with ``requests``.

``data=dict`` form body, as in its README. No presigning.
"""

from __future__ import annotations

from typing import Any

from sesspec.drivers._pyjob import NotSupportedError, creds, form_pairs, http_result, token


def run(job: dict[str, Any]) -> dict[str, Any]:
    import requests  # noqa: PLC0415 (child only)
    from requests_auth_aws_sigv4 import AWSSigV4  # noqa: PLC0415

    if job["scenario"]["kind"] == "presign-get":
        msg = "requests-auth-aws-sigv4 signs headers only; it has no presigned-URL API"
        raise NotSupportedError(msg)
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    auth = AWSSigV4(
        "ses",
        region=region,
        aws_access_key_id=akid,
        aws_secret_access_key=secret,
        aws_session_token=token(job),
    )
    response = requests.post(
        endpoint["url"],
        data=dict(form_pairs(job)),
        auth=auth,
        verify=endpoint.get("ca_path") or True,
        timeout=30,
    )
    return http_result(response.status_code, response.content)
