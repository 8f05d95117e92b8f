"""The SES v2 operations the local SES serves, over the account SES Classic's actions use.

SES keeps one account per region whichever API is called: an identity verified through v2 is
verified for Classic, a template made through v2 is sent through Classic, a send through either
counts towards the same quota (docs/spec.md#http-ses-v2-state). So each handler here takes the
same :class:`~sesspec.serve.state.account.Account` and :class:`~sesspec.serve.state.calls.Call`
as Classic's handlers, reads the v2 input (:func:`~sesspec.serve.v2.wire.read_input` checked it
against the model) and does its work through the stores and Classic's handlers, which hold SES's
rules once for both APIs (addresses, recipients, the sandbox, quotas, templates, messages). A
Classic error is answered in v2's terms (:func:`v2_error`).

Served (:data:`HANDLERS`): SendEmail (``Simple``, ``Raw`` and ``Template`` content naming a
stored template), SendBulkEmail; Create/Get/List/DeleteEmailIdentity;
Create/Get/Update/Delete/ListEmailTemplate, TestRenderEmailTemplate; GetAccount;
Create/Get/DeleteConfigurationSet. What a served operation does not serve is refused with
``BadRequestException`` naming it (:data:`UNSERVED_MEMBERS`: attachments and headers of
``Simple`` and ``Template`` content, inline ``TemplateContent``); members that change nothing a
local SES keeps (ARNs for sending authorization, ``EndpointId``, ``TenantName``,
``ListManagementOptions``, ``ConfigurationOverrides``, tags of identities and templates) are
accepted and not kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sesspec.model import ServiceModel
from sesspec.serve.responses import SesError
from sesspec.serve.state import configuration_sets, counts, identities, sending, templates
from sesspec.serve.state.calls import Call, Handler, Rejected, Reply, page
from sesspec.serve.v2.wire import V2Error

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = ["HANDLERS", "UNSERVED_MEMBERS", "Served", "v2_error"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Served:
    """One served operation: its handler, and whether it sends (stores messages; a refused
    send counts as rejected)."""

    handler: Handler
    sends: bool = False


#: Members of served operations that are not served, by where they are in the input.
UNSERVED_MEMBERS = (
    ("Content", "Simple", "Attachments"),
    ("Content", "Simple", "Headers"),
    ("Content", "Template", "Attachments"),
    ("Content", "Template", "Headers"),
    ("Content", "Template", "TemplateContent"),
    ("DefaultContent", "Template", "TemplateContent"),
    ("DefaultContent", "Template", "Headers"),
    ("DefaultContent", "Template", "Attachments"),
)

#: Classic error codes -> SES v2's (MODEL v2 exception shapes); any other Classic code is
#: ``BadRequestException`` (400), SES v2's error for input it refuses.
_CLASSIC_TO_V2 = {
    "MessageRejected": ("MessageRejected", 400),
    "MailFromDomainNotVerifiedException": ("MailFromDomainNotVerifiedException", 400),
    "TemplateDoesNotExist": ("NotFoundException", 404),
    "ConfigurationSetDoesNotExist": ("NotFoundException", 404),
    "AlreadyExists": ("AlreadyExistsException", 400),
    "ConfigurationSetAlreadyExists": ("AlreadyExistsException", 400),
    "LimitExceeded": ("LimitExceededException", 400),
    # The sandbox's daily quota (Classic: Throttling "Daily message quota exceeded."); SES v2
    # documents LimitExceededException for a quota and TooManyRequestsException for a rate.
    "Throttling": ("LimitExceededException", 400),
    "InternalFailure": ("InternalServiceErrorException", 500),
}


def v2_error(error: SesError, model: ServiceModel) -> V2Error:
    """The SES v2 error for ``error`` (by its code): one of v2's own codes as it is, with the
    status its model shape declares; a Classic code as :data:`_CLASSIC_TO_V2` maps it."""
    shape = model.shapes.get(error.code)
    if shape is not None and shape.exception:
        return V2Error(error.code, error.message, shape.http_status_code or error.status)
    code, status = _CLASSIC_TO_V2.get(error.code, ("BadRequestException", 400))
    return V2Error(code, error.message, status)


def _refuse(code: str, message: str, status: int) -> Rejected:
    return Rejected(SesError(code, message, status))


def _not_found(message: str) -> Rejected:
    return _refuse("NotFoundException", message, 404)


def _classic(handler: Handler, account: Account, call: Call, params: Mapping[str, Any]) -> Reply:
    """Classic's ``handler`` on ``params`` (Classic's names), in the same call."""
    return handler(account, Call(params, call.now, call.origin))


def _result(reply: Reply) -> dict[str, Any]:
    return dict(reply.result or {})


def _check_served(params: Mapping[str, Any]) -> None:
    for path in UNSERVED_MEMBERS:
        value: Any = params
        for name in path:
            value = value.get(name) if isinstance(value, Mapping) else None
        if value:
            where = ".".join(path)
            raise _refuse(
                "BadRequestException",
                f"{where} is not served by sesspec's local SES (docs/spec.md#http-ses-v2-served)",
                400,
            )


# --- identities ----------------------------------------------------------------------------------

_STATUS = {
    "Pending": "PENDING",
    "Success": "SUCCESS",
    "Failed": "FAILED",
    "TemporaryFailure": "TEMPORARY_FAILURE",
    "NotStarted": "NOT_STARTED",
}


def _identity_type(kind: str) -> str:
    return "EMAIL_ADDRESS" if kind == "EmailAddress" else "DOMAIN"


def _dkim(token: str | None, status: str) -> dict[str, Any]:
    """DKIM attributes of a domain: three tokens drawn from its verification token (SES gives
    three CNAME tokens, Easy DKIM)."""
    seed = (token or "").encode("ascii")
    tokens = [hashlib.sha256(seed + bytes((i,))).hexdigest()[:32] for i in range(3)]
    return {
        "SigningEnabled": True,
        "Status": _STATUS.get(status, "PENDING"),
        "Tokens": tokens,
        "SigningAttributesOrigin": "AWS_SES",
    }


def create_email_identity(account: Account, call: Call) -> Reply:
    name = str(call.params["EmailIdentity"])
    if account.identities.get(name) is not None:
        raise _refuse("AlreadyExistsException", f"Email identity {name} already exists.", 400)
    if "@" in name:
        _classic(identities.verify_email_identity, account, call, {"EmailAddress": name})
    else:
        _classic(identities.verify_domain_identity, account, call, {"Domain": name})
    record = account.identities.get(name)
    assert record is not None
    result: dict[str, Any] = {
        "IdentityType": _identity_type(record.kind),
        "VerifiedForSendingStatus": record.status == "Success",
    }
    if record.kind == "Domain":
        result["DkimAttributes"] = _dkim(record.token, record.status)
    return Reply(result=result)


def get_email_identity(account: Account, call: Call) -> Reply:
    name = str(call.params["EmailIdentity"])
    record = account.identities.get(name)
    if record is None:
        raise _not_found(f"Email identity {name} does not exist.")
    result: dict[str, Any] = {
        "IdentityType": _identity_type(record.kind),
        "FeedbackForwardingStatus": True,
        "VerifiedForSendingStatus": record.status == "Success",
        "VerificationStatus": _STATUS.get(record.status, "PENDING"),
        "Policies": {},
        "Tags": [],
    }
    if record.kind == "Domain":
        result["DkimAttributes"] = _dkim(record.token, record.status)
    return Reply(result=result)


def list_email_identities(account: Account, call: Call) -> Reply:
    params = call.params
    paging = {"MaxItems": params.get("PageSize"), "NextToken": params.get("NextToken")}
    with account.lock:
        records = {r.name: r for r in account.identities}
    names, token = page(list(records), paging, kind="identities/None", default=1000, most=1000)
    listed = [
        {
            "IdentityType": _identity_type(records[n].kind),
            "IdentityName": n,
            "SendingEnabled": records[n].status == "Success",
            "VerificationStatus": _STATUS.get(records[n].status, "PENDING"),
        }
        for n in names
    ]
    result: dict[str, Any] = {"EmailIdentities": listed}
    if token is not None:
        result["NextToken"] = token
    return Reply(result=result)


def delete_email_identity(account: Account, call: Call) -> Reply:
    name = str(call.params["EmailIdentity"])
    if account.identities.get(name) is None:
        raise _not_found(f"Email identity {name} does not exist.")
    account.identities.remove(name)
    return Reply(result={})


# --- templates -----------------------------------------------------------------------------------


def _classic_template(name: str, content: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Template": {
            "TemplateName": name,
            "SubjectPart": content.get("Subject"),
            "TextPart": content.get("Text"),
            "HtmlPart": content.get("Html"),
        }
    }


def _put_template(write: Handler, account: Account, call: Call) -> Reply:
    """CreateEmailTemplate and UpdateEmailTemplate: the v2 content as Classic's template, handed
    to Classic's ``write`` (create or update), which judges it."""
    params = call.params
    classic = _classic_template(str(params["TemplateName"]), params["TemplateContent"])
    _classic(write, account, call, classic)
    return Reply(result={})


def create_email_template(account: Account, call: Call) -> Reply:
    return _put_template(templates.create_template, account, call)


def get_email_template(account: Account, call: Call) -> Reply:
    name = str(call.params["TemplateName"])
    found = _result(_classic(templates.get_template, account, call, {"TemplateName": name}))
    template = found["Template"]
    content = {
        key: template[part]
        for key, part in (("Subject", "SubjectPart"), ("Text", "TextPart"), ("Html", "HtmlPart"))
        if part in template
    }
    return Reply(result={"TemplateName": name, "TemplateContent": content, "Tags": []})


def update_email_template(account: Account, call: Call) -> Reply:
    return _put_template(templates.update_template, account, call)


def delete_email_template(account: Account, call: Call) -> Reply:
    name = str(call.params["TemplateName"])
    account.templates.get(name)  # SES v2: NotFoundException for a template never made
    _classic(templates.delete_template, account, call, {"TemplateName": name})
    return Reply(result={})


def list_email_templates(account: Account, call: Call) -> Reply:
    params = call.params
    paging = {"MaxItems": params.get("PageSize"), "NextToken": params.get("NextToken")}
    found = _result(_classic(templates.list_templates, account, call, paging))
    listed = [
        {"TemplateName": m["Name"], "CreatedTimestamp": m["CreatedTimestamp"]}
        for m in found["TemplatesMetadata"]
    ]
    result: dict[str, Any] = {"TemplatesMetadata": listed}
    if "NextToken" in found:
        result["NextToken"] = found["NextToken"]
    return Reply(result=result)


def test_render_email_template(account: Account, call: Call) -> Reply:
    params = call.params
    classic = {"TemplateName": params["TemplateName"], "TemplateData": params["TemplateData"]}
    found = _result(_classic(templates.test_render_template, account, call, classic))
    return Reply(result={"RenderedTemplate": found["RenderedTemplate"]})


# --- the account and configuration sets ----------------------------------------------------------


def get_account(account: Account, call: Call) -> Reply:
    quota = _result(_classic(counts.get_send_quota, account, call, {}))
    return Reply(
        result={
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": not account.sandbox,
            "SendQuota": quota,
            "SendingEnabled": True,
        }
    )


def create_configuration_set(account: Account, call: Call) -> Reply:
    name = call.params["ConfigurationSetName"]
    classic = {"ConfigurationSet": {"Name": name}}
    _classic(configuration_sets.create_configuration_set, account, call, classic)
    return Reply(result={})


def get_configuration_set(account: Account, call: Call) -> Reply:
    name = str(call.params["ConfigurationSetName"])
    account.configuration_sets.require(name)
    return Reply(
        result={
            "ConfigurationSetName": name,
            "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
            "ReputationOptions": {"ReputationMetricsEnabled": False},
            "SendingOptions": {"SendingEnabled": True},
            "Tags": [],
        }
    )


def delete_configuration_set(account: Account, call: Call) -> Reply:
    classic = {"ConfigurationSetName": call.params["ConfigurationSetName"]}
    _classic(configuration_sets.delete_configuration_set, account, call, classic)
    return Reply(result={})


# --- sending -------------------------------------------------------------------------------------


def _tags(entries: Any) -> list[dict[str, Any]]:
    return [{"Name": t.get("Name"), "Value": t.get("Value")} for t in entries or ()]


def _sender(params: Mapping[str, Any]) -> dict[str, Any]:
    """The Classic members every send shares, from v2's."""
    classic: dict[str, Any] = {}
    if params.get("FromEmailAddress") is not None:
        classic["Source"] = params["FromEmailAddress"]
    if params.get("ReplyToAddresses"):
        classic["ReplyToAddresses"] = list(params["ReplyToAddresses"])
    if params.get("ConfigurationSetName") is not None:
        classic["ConfigurationSetName"] = params["ConfigurationSetName"]
    return classic


def _need_sender(params: Mapping[str, Any]) -> None:
    if params.get("FromEmailAddress") is None:
        raise _refuse(
            "BadRequestException", "FromEmailAddress is required unless the content is Raw.", 400
        )


def send_email(account: Account, call: Call) -> Reply:
    params = call.params
    _check_served(params)
    content = params["Content"]
    kinds = [k for k in ("Simple", "Raw", "Template") if content.get(k) is not None]
    if len(kinds) != 1:
        message = "Content must have exactly one of Simple, Raw and Template"
        raise _refuse("BadRequestException", f"{message}, not {len(kinds)}.", 400)
    classic = _sender(params)
    destination = dict(params.get("Destination") or {})
    if params.get("EmailTags"):
        classic["Tags"] = _tags(params["EmailTags"])
    if params.get("FeedbackForwardingEmailAddress") is not None:
        classic["ReturnPath"] = params["FeedbackForwardingEmailAddress"]
    kind = kinds[0]
    if kind == "Raw":
        classic["RawMessage"] = {"Data": content["Raw"]["Data"]}
        recipients = [
            a
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            for a in destination.get(key) or ()
        ]
        if recipients:
            classic["Destinations"] = recipients
        classic.pop("ReplyToAddresses", None)
        classic.pop("ReturnPath", None)
        reply = _classic(sending.send_raw_email, account, call, classic)
    elif kind == "Simple":
        _need_sender(params)
        simple = content["Simple"]
        classic["Destination"] = destination
        classic["Message"] = {"Subject": simple["Subject"], "Body": simple["Body"]}
        reply = _classic(sending.send_email, account, call, classic)
    else:
        _need_sender(params)
        template = content["Template"]
        if template.get("TemplateName") is None:
            raise _refuse("BadRequestException", "Content.Template needs a TemplateName.", 400)
        classic.pop("ReturnPath", None)
        classic["Destination"] = destination
        classic["Template"] = template["TemplateName"]
        classic["TemplateData"] = template.get("TemplateData") or "{}"
        reply = _classic(sending.send_templated_email, account, call, classic)
    return Reply(result={"MessageId": _result(reply)["MessageId"]}, message_ids=reply.message_ids)


#: Classic's status of one bulk destination -> SES v2's ``BulkEmailStatus``.
_BULK_STATUS = {
    "Success": "SUCCESS",
    "MessageRejected": "MESSAGE_REJECTED",
    "MailFromDomainNotVerifiedException": "MAIL_FROM_DOMAIN_NOT_VERIFIED",
    "ConfigurationSetDoesNotExist": "CONFIGURATION_SET_NOT_FOUND",
    "TemplateDoesNotExist": "TEMPLATE_NOT_FOUND",
    "AccountDailyQuotaExceeded": "ACCOUNT_DAILY_QUOTA_EXCEEDED",
    "InvalidParameterValue": "INVALID_PARAMETER",
    "MissingParameter": "INVALID_PARAMETER",
    "ValidationError": "INVALID_PARAMETER",
}


def send_bulk_email(account: Account, call: Call) -> Reply:
    params = call.params
    _check_served(params)
    _need_sender(params)
    template = params["DefaultContent"].get("Template") or {}
    if template.get("TemplateName") is None:
        raise _refuse("BadRequestException", "DefaultContent.Template needs a TemplateName.", 400)
    classic = _sender(params)
    classic["Template"] = template["TemplateName"]
    classic["DefaultTemplateData"] = template.get("TemplateData") or "{}"
    if params.get("DefaultEmailTags"):
        classic["DefaultTags"] = _tags(params["DefaultEmailTags"])
    destinations = []
    for entry in params["BulkEmailEntries"]:
        one: dict[str, Any] = {"Destination": dict(entry["Destination"])}
        if entry.get("ReplacementTags"):
            one["ReplacementTags"] = _tags(entry["ReplacementTags"])
        replacement = (entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate")
        if replacement and replacement.get("ReplacementTemplateData") is not None:
            one["ReplacementTemplateData"] = replacement["ReplacementTemplateData"]
        destinations.append(one)
    classic["Destinations"] = destinations
    reply = _classic(sending.send_bulk_templated_email, account, call, classic)
    results = []
    for status in _result(reply)["Status"]:
        result = {"Status": _BULK_STATUS.get(status["Status"], "FAILED")}
        if "MessageId" in status:
            result["MessageId"] = status["MessageId"]
        if "Error" in status:
            result["Error"] = status["Error"]
        results.append(result)
    return Reply(result={"BulkEmailEntryResults": results}, message_ids=reply.message_ids)


#: Operation -> how it is served.
HANDLERS: Mapping[str, Served] = {
    "SendEmail": Served(send_email, sends=True),
    "SendBulkEmail": Served(send_bulk_email, sends=True),
    "CreateEmailIdentity": Served(create_email_identity),
    "GetEmailIdentity": Served(get_email_identity),
    "ListEmailIdentities": Served(list_email_identities),
    "DeleteEmailIdentity": Served(delete_email_identity),
    "CreateEmailTemplate": Served(create_email_template),
    "GetEmailTemplate": Served(get_email_template),
    "UpdateEmailTemplate": Served(update_email_template),
    "DeleteEmailTemplate": Served(delete_email_template),
    "ListEmailTemplates": Served(list_email_templates),
    "TestRenderEmailTemplate": Served(test_render_email_template),
    "GetAccount": Served(get_account),
    "CreateConfigurationSet": Served(create_configuration_set),
    "GetConfigurationSet": Served(get_configuration_set),
    "DeleteConfigurationSet": Served(delete_configuration_set),
}
