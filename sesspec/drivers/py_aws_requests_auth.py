"""aws-requests-auth (``AWSRequestsAuth``) with ``requests``; ``data=dict`` form body.

``aws_host`` must be the Host the request goes out with, ``host:port`` when the URL names a
port (clients-howto). Temporary credentials: ``aws_token``. No presigning.
"""

from __future__ import annotations

from typing import Any

from sesspec.drivers._pyjob import NotSupportedError, creds, form_pairs, http_result, token


def run(job: dict[str, Any]) -> dict[str, Any]:
    import requests  # noqa: PLC0415 (child only)
    from aws_requests_auth.aws_auth import AWSRequestsAuth  # noqa: PLC0415

    if job["scenario"]["kind"] == "presign-get":
        msg = "aws-requests-auth signs headers only; it has no presigned-URL API"
        raise NotSupportedError(msg)
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    auth = AWSRequestsAuth(
        aws_access_key=akid,
        aws_secret_access_key=secret,
        aws_host=endpoint["authority"],
        aws_region=region,
        aws_service="ses",
        aws_token=token(job),
    )
    response = requests.post(
        endpoint["url"],
        data=dict(form_pairs(job)),
        auth=auth,
        verify=endpoint.get("ca_path") or True,
        timeout=30,
    )
    return http_result(response.status_code, response.content)
