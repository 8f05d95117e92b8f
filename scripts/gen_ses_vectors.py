"""Generate vectors/ses/cases.json: SES requests as botocore and awscrt put them on the wire.

The expected values in that file come from two independent implementations, run here at
generation time, never from sesspec:

* botocore's ``QuerySerializer`` gives the form body (exact bytes) for each case's params, and
  ``SigV4Auth`` / ``SigV4QueryAuth`` give every SigV4 stage for a header-signed POST and a
  presigned GET of the same request;
* awscrt's ``aws_sign_request`` gives the ``Authorization`` header for the same POST and the
  signed URL for the same GET.

Where the two disagree the script stops: the file only records values both agree on. Their
versions are written into the file (and pinned in pyproject.toml's test extras); the output
depends on nothing else, so tests/test_vectors_own.py reruns the script and compares the bytes.
Run it after changing the case list:

    python scripts/gen_ses_vectors.py > vectors/ses/cases.json

Case inputs live in ``vectors/ses/inputs.json`` (written by hand: each case names the hazard of
docs/spec.md#enc-form-styles or the operation family of docs/spec.md#param-operations that it
covers). Blob params are given as ``{"$text": "..."}`` (the UTF-8 bytes of that text) and timestamps
as ``{"$time": "ISO 8601"}``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import awscrt
import awscrt.auth
import awscrt.http
import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

HERE = Path(__file__).resolve().parent.parent / "vectors" / "ses"


def decode_params(value: Any) -> Any:
    """vectors/ses/inputs.json notation: {"$text": ...} is a blob, {"$time": ...} a timestamp."""
    if isinstance(value, Mapping):
        if set(value) == {"$text"}:
            return str(value["$text"]).encode("utf-8")
        if set(value) == {"$time"}:
            return dt.datetime.fromisoformat(str(value["$time"]).replace("Z", "+00:00"))
        return {k: decode_params(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_params(v) for v in value]
    return value


@functools.cache
def _ses_serializer() -> tuple[Any, Any]:
    """botocore's SES model and query serializer, loaded once per run."""
    model = botocore.session.get_session().get_service_model("ses")
    return model, create_serializer("query", include_validation=True)


def _botocore_request(
    operation: str, params: Mapping[str, Any], host: str
) -> tuple[AWSRequest, bytes]:
    model, serializer = _ses_serializer()
    serialized = serializer.serialize_to_request(
        decode_params(params), model.operation_model(operation)
    )
    body = serialized["body"]
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    prepared = request.prepare()
    raw = prepared.body if isinstance(prepared.body, bytes) else str(prepared.body).encode()
    return request, raw


def _frozen(when: dt.datetime) -> Any:
    return mock.patch.object(botocore.auth, "get_current_datetime", return_value=when)


def _add_auth_recorded(signer: botocore.auth.SigV4Auth, request: AWSRequest) -> dict[str, str]:
    """Run ``add_auth`` and keep the stages botocore computed on the way (not recomputed after)."""
    seen: dict[str, str] = {}
    string_to_sign = signer.string_to_sign
    signature = signer.signature

    def record_sts(req: AWSRequest, creq: str) -> str:
        seen["canonical_request"] = creq
        seen["string_to_sign"] = string_to_sign(req, creq)
        return seen["string_to_sign"]

    def record_sig(sts: str, req: AWSRequest) -> str:
        seen["signature"] = signature(sts, req)
        return seen["signature"]

    with (
        mock.patch.object(signer, "string_to_sign", record_sts),
        mock.patch.object(signer, "signature", record_sig),
    ):
        signer.add_auth(request)
    return seen


def _botocore_sign(
    request: AWSRequest, ctx: Mapping[str, Any], when: dt.datetime
) -> dict[str, str]:
    creds = Credentials(ctx["access_key_id"], ctx["secret_access_key"], ctx.get("session_token"))
    signer = botocore.auth.SigV4Auth(creds, "ses", ctx["region"])
    with _frozen(when):
        seen = _add_auth_recorded(signer, request)
    return {
        **seen,
        "authorization": str(request.headers["Authorization"]),
        "x_amz_date": str(request.headers["X-Amz-Date"]),
    }


def _botocore_presign(
    operation_body: bytes, ctx: Mapping[str, Any], when: dt.datetime, expires: int
) -> dict[str, str]:
    creds = Credentials(ctx["access_key_id"], ctx["secret_access_key"], ctx.get("session_token"))
    body_dict = dict(parse_qsl(operation_body.decode("ascii"), keep_blank_values=True))
    request = AWSRequest(method="GET", url=f"https://{ctx['host']}/", data=body_dict)
    signer = botocore.auth.SigV4QueryAuth(creds, "ses", ctx["region"], expires=expires)
    with _frozen(when):
        seen = _add_auth_recorded(signer, request)
    return {"url": str(request.url), **seen}


def _crt_config(
    ctx: Mapping[str, Any], when: dt.datetime, *, query: bool, expires: int | None
) -> awscrt.auth.AwsSigningConfig:
    provider = awscrt.auth.AwsCredentialsProvider.new_static(
        ctx["access_key_id"], ctx["secret_access_key"], ctx.get("session_token")
    )
    return awscrt.auth.AwsSigningConfig(
        algorithm=awscrt.auth.AwsSigningAlgorithm.V4,
        signature_type=(
            awscrt.auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS
            if query
            else awscrt.auth.AwsSignatureType.HTTP_REQUEST_HEADERS
        ),
        credentials_provider=provider,
        region=ctx["region"],
        service="ses",
        date=when,
        expiration_in_seconds=expires,
    )


def _crt_sign(body: bytes, ctx: Mapping[str, Any], when: dt.datetime) -> str:
    headers = awscrt.http.HttpHeaders(
        [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Host", ctx["host"]),
        ]
    )
    request = awscrt.http.HttpRequest("POST", "/", headers, io.BytesIO(body))
    awscrt.auth.aws_sign_request(request, _crt_config(ctx, when, query=False, expires=None)).result(
        timeout=10
    )
    return str(request.headers.get("Authorization"))


def _crt_presign(query: str, ctx: Mapping[str, Any], when: dt.datetime, expires: int) -> str:
    headers = awscrt.http.HttpHeaders([("Host", ctx["host"])])
    request = awscrt.http.HttpRequest("GET", f"/?{query}", headers)
    awscrt.auth.aws_sign_request(
        request, _crt_config(ctx, when, query=True, expires=expires)
    ).result(timeout=10)
    return f"https://{ctx['host']}{request.path}"


def _signature_of(authorization: str) -> str:
    return authorization.rsplit("Signature=", 1)[1]


def generate(inputs: Mapping[str, Any]) -> dict[str, Any]:
    cases = []
    for case in inputs["cases"]:
        ctx = {**inputs["context"], **case.get("context", {})}
        when = dt.datetime.fromisoformat(ctx["time"].replace("Z", "+00:00"))
        request, body = _botocore_request(case["operation"], case["params"], ctx["host"])
        header = _botocore_sign(request, ctx, when)
        crt_authz = _crt_sign(body, ctx, when)
        if _signature_of(crt_authz) != header["signature"]:
            msg = f"{case['id']}: awscrt and botocore disagree on the signature"
            raise SystemExit(msg)
        presign = _botocore_presign(body, ctx, when, inputs["presign_expires"])
        query = urlsplit(presign["url"]).query
        operation_query = query.split("&X-Amz-Algorithm=", 1)[0]
        crt_url = _crt_presign(operation_query, ctx, when, inputs["presign_expires"])
        crt_sig = crt_url.rsplit("X-Amz-Signature=", 1)[1]
        boto_sig = presign["url"].rsplit("X-Amz-Signature=", 1)[1]
        if crt_sig != boto_sig:
            msg = f"{case['id']}: awscrt and botocore disagree on the presigned signature"
            raise SystemExit(msg)
        cases.append(
            {
                "id": case["id"],
                "covers": case["covers"],
                "operation": case["operation"],
                "params": case["params"],
                "context": case.get("context", {}),
                "botocore_body": body.decode("ascii"),
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "pairs": parse_qsl(body.decode("ascii"), keep_blank_values=True),
                "sigv4_header": header,
                "awscrt_authorization": crt_authz,
                "sigv4_presigned_get": {**presign, "awscrt_url": crt_url},
            }
        )
    return {
        "description": (
            "SES 2010-12-01 requests as independent implementations put them on the wire: the "
            "form body from botocore's QuerySerializer, SigV4 stages from botocore's SigV4Auth "
            "and SigV4QueryAuth, and signatures cross-checked with awscrt. Generated by "
            "scripts/gen_ses_vectors.py from vectors/ses/inputs.json; never by sesspec."
        ),
        "generator": {
            "botocore": botocore.__version__,
            "awscrt": awscrt.__version__ if hasattr(awscrt, "__version__") else _crt_version(),
        },
        "context": inputs["context"],
        "presign_expires": inputs["presign_expires"],
        "cases": cases,
    }


def _crt_version() -> str:
    from importlib.metadata import version

    return version("awscrt")


def main() -> int:
    inputs = json.loads((HERE / "inputs.json").read_text(encoding="utf-8"))
    data = generate(inputs)
    json.dump(data, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
