"""boto3 / botocore: the client as documented (``boto3.client("ses", ...)``).

Per scenario: ``call`` -> the snake_case client method with the scenario params;
``presign-get`` -> ``generate_presigned_url(..., HttpMethod="GET")`` then a stdlib GET.
"""

from __future__ import annotations

import importlib
from typing import Any

from sesspec.drivers._pyjob import blob_params, botocore_client_args, fetch_get, http_result, ok


def run(job: dict[str, Any]) -> dict[str, Any]:
    boto3 = importlib.import_module("boto3")  # third-party client, imported in the child only
    from botocore import xform_name  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    client = boto3.client(
        "ses",
        **botocore_client_args(job),
        config=Config(retries={"max_attempts": 1}),
    )
    scenario = job["scenario"]
    method = xform_name(scenario["action"])
    params = blob_params(job)
    if scenario["kind"] == "presign-get":
        url = client.generate_presigned_url(method, Params=params, HttpMethod="GET")
        return http_result(*fetch_get(url, job))
    return ok(getattr(client, method)(**params))
