"""botocore alone (``botocore.session.get_session().create_client("ses", ...)``), the layer
boto3 and the AWS CLI sit on: the client the sweep installs release by release.

Per scenario as for boto3 (:mod:`sesspec.drivers.py_boto3`): ``call`` -> the snake_case client
method with the scenario params; ``presign-get`` -> ``generate_presigned_url`` then a stdlib GET.
A release without ``create_client`` (before 0.95, 2015) does not run, and says so.
"""

from __future__ import annotations

import importlib
from typing import Any

from sesspec.drivers._pyjob import blob_params, botocore_client_args, fetch_get, http_result, ok


def run(job: dict[str, Any]) -> dict[str, Any]:
    session_module = importlib.import_module("botocore.session")  # child only
    botocore = importlib.import_module("botocore")
    options: dict[str, Any] = {}
    try:
        config = importlib.import_module("botocore.config")
        options["config"] = config.Config(retries={"max_attempts": 1})
    except ImportError:  # releases before botocore.config (2015)
        pass
    client = session_module.get_session().create_client(
        "ses",
        **botocore_client_args(job),
        **options,
    )
    scenario = job["scenario"]
    method = botocore.xform_name(scenario["action"])
    params = blob_params(job)
    if scenario["kind"] == "presign-get":
        url = client.generate_presigned_url(method, Params=params, HttpMethod="GET")
        return http_result(*fetch_get(url, job))
    return ok(getattr(client, method)(**params))
