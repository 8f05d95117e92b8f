"""boto 2.49 (``boto.ses.SESConnection``): the legacy AWS3-HTTPS signer (docs/spec.md#aws3).

Per scenario: SendEmail without Tags/ConfigurationSet -> ``send_email`` (text and/or HTML
body); SendRawEmail -> ``send_raw_email``; everything else (Tags, templated and bulk sends,
ListIdentities with params) -> its private ``_make_request(action, params)`` with the
flattened params, the only way boto 2 can send them (clients-howto). No presigning. Temporary
credentials: ``security_token``; an explicit port: ``port``.
"""

from __future__ import annotations

from typing import Any

from sesspec.drivers._pyjob import NotSupportedError, blob_params, creds, form_pairs, ok, token


def _element_dict(element: Any) -> dict[str, Any]:
    try:
        return {str(k): v for k, v in dict(element).items()}
    except (TypeError, ValueError):
        return {"result": str(element)}


def run(job: dict[str, Any]) -> dict[str, Any]:
    import boto  # noqa: PLC0415 (child only)
    import boto.ses  # noqa: PLC0415
    from boto.regioninfo import RegionInfo  # noqa: PLC0415

    scenario = job["scenario"]
    if scenario["kind"] == "presign-get":
        msg = "boto 2 SESConnection cannot presign a request"
        raise NotSupportedError(msg)
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    if not boto.config.has_section("Boto"):
        boto.config.add_section("Boto")
    boto.config.set("Boto", "num_retries", "0")
    if endpoint.get("ca_path"):
        boto.config.set("Boto", "ca_certificates_file", endpoint["ca_path"])
        boto.config.set("Boto", "https_validate_certificates", "True")
    conn = boto.ses.SESConnection(
        aws_access_key_id=akid,
        aws_secret_access_key=secret,
        security_token=token(job),
        region=RegionInfo(name=region, endpoint=endpoint["host"]),
        is_secure=bool(endpoint["tls"]),
        port=endpoint.get("told_port"),
    )
    action = scenario["action"]
    params = blob_params(job)
    if action == "SendEmail" and not {"Tags", "ConfigurationSetName"} & set(params):
        message = params["Message"]
        body = message["Body"]
        text = body.get("Text", {}).get("Data")
        html = body.get("Html", {}).get("Data")
        dest = params["Destination"]
        result = conn.send_email(
            params["Source"],
            message["Subject"]["Data"],
            None,
            dest.get("ToAddresses", []),
            cc_addresses=dest.get("CcAddresses"),
            bcc_addresses=dest.get("BccAddresses"),
            reply_addresses=params.get("ReplyToAddresses"),
            text_body=text,
            html_body=html,
        )
        return ok(_element_dict(result))
    if action == "SendRawEmail" and not {"Tags", "ConfigurationSetName"} & set(params):
        result = conn.send_raw_email(
            params["RawMessage"]["Data"].decode("utf-8"),
            source=params.get("Source"),
            destinations=params.get("Destinations"),
        )
        return ok(_element_dict(result))
    pairs = [(k, v) for k, v in form_pairs(job) if k not in ("Action", "Version")]
    result = conn._make_request(action, dict(pairs))  # boto 2's only way
    return ok(_element_dict(result), "sent through SESConnection._make_request")
