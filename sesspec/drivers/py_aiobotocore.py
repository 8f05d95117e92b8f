"""aiobotocore: botocore's async port (``AioSession().create_client("ses", ...)``).

Installed in its own folder (it pins an older botocore than the dev environment), which
the driver puts first on ``PYTHONPATH``. Per scenario as for boto3, awaited.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sesspec.drivers._pyjob import blob_params, botocore_client_args, fetch_get, http_result, ok


async def _run(job: dict[str, Any]) -> dict[str, Any]:
    from aiobotocore.config import AioConfig  # noqa: PLC0415 (child only)
    from aiobotocore.session import get_session  # noqa: PLC0415
    from botocore import xform_name  # noqa: PLC0415

    session = get_session()
    async with session.create_client(
        "ses",
        **botocore_client_args(job),
        config=AioConfig(retries={"max_attempts": 1}),
    ) as client:
        scenario = job["scenario"]
        method = xform_name(scenario["action"])
        params = blob_params(job)
        if scenario["kind"] == "presign-get":
            url = await client.generate_presigned_url(method, Params=params, HttpMethod="GET")
            return http_result(*fetch_get(url, job))
        return ok(await getattr(client, method)(**params))


def run(job: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_run(job))
