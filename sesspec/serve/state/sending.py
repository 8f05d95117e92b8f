"""Sending: SendEmail, SendRawEmail, SendTemplatedEmail and SendBulkTemplatedEmail.

What every mode checks, as SES does:

* at most :data:`MAX_RECIPIENTS` recipients across To, Cc and Bcc (MODEL: "The message may not
  include more than 50 recipients"), else ``InvalidParameterValue`` "Recipient count exceeds 50."
  (doubleunion/arooo#243); no recipient at all is "Missing required header 'To'."
  (aristidb/aws#73);
* addresses (:mod:`sesspec.serve.state.addresses`), message tags
  (:func:`~sesspec.serve.state.calls.tags`), the configuration set named, the template named;
* a raw message is at most 10 MB (QUOTAS).

In the sandbox (QUOTAS; MODEL ``SendEmail`` docs) the sender must be a verified identity and so
must each recipient, except the mailbox simulator's ``@simulator.amazonses.com`` addresses;
otherwise ``MessageRejected`` "Email address is not verified. The following identities failed
the check in region US-EAST-1: ..." (the text SES sends: django-ses#120, LambdAuth#64,
fluent-smtp#90, which lists a sender given with a display name both as written and bare); and
the quota holds (:mod:`sesspec.serve.state.counts`).

A template SES accepts but cannot render (a missing attribute) is stored with status
``RenderingFailure`` and the reason, and the call still returns a MessageId, as SES documents for
SendTemplatedEmail ("Amazon SES accepts it and returns a Message ID. However, if Amazon SES can't
render the email ... it doesn't send the email").

Each message stored carries the call's :class:`~sesspec.serve.state.calls.Origin` (the request,
its findings), passed in with the call.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sesspec.serve.mailbox import MAX_RAW_BYTES, Message, compose_mime, parse_mime
from sesspec.serve.responses import invalid_parameter_value, missing_parameter
from sesspec.serve.state.addresses import addr_spec, checked_address
from sesspec.serve.state.calls import (
    Call,
    Handler,
    Rejected,
    Reply,
    fail,
    items,
    not_written,
    optional_text,
    structure,
    tags,
    text,
)
from sesspec.serve.state.counts import check_quota
from sesspec.serve.state.persistence import StateWriteError
from sesspec.serve.state.templates import Template, render, template_data, template_data_text
from sesspec.serve.templates import (
    Budget,
    RenderedParts,
    TemplateError,
    merge_template_data,
)

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = ["HANDLERS", "MAX_RECIPIENTS", "STORING_ACTIONS"]


def __dir__() -> list[str]:
    return __all__


_log = logging.getLogger("sesspec.serve")

#: MODEL: "The message may not include more than 50 recipients"; 50 Destinations per bulk call.
MAX_RECIPIENTS = 50
#: The mailbox simulator's domain (SES developer guide): accepted as a sandbox recipient.
_SIMULATOR = "simulator.amazonses.com"

Tags = tuple[tuple[str, str], ...]


def _destination(destination: Mapping[str, Any]) -> tuple[list[str], ...]:
    return tuple(
        [str(a) for a in items(destination, key)]
        for key in ("ToAddresses", "CcAddresses", "BccAddresses")
    )


def _check_recipients(recipients: Sequence[str]) -> list[str]:
    """Bare recipient addresses, after the syntax and count checks every mode makes."""
    bare = [checked_address(r) for r in recipients]
    if not bare:
        raise Rejected(invalid_parameter_value("Missing required header 'To'."))
    if len(bare) > MAX_RECIPIENTS:
        raise Rejected(invalid_parameter_value(f"Recipient count exceeds {MAX_RECIPIENTS}."))
    return bare


def _sandbox_check(account: Account, source: str | None, recipients: Sequence[str]) -> None:
    """``MessageRejected`` naming every unverified identity (sandbox only; lock held)."""
    if not account.sandbox:
        return
    failed: list[str] = []
    if source is not None:
        bare = addr_spec(source)[0]
        if not account.identities.verified(bare):
            failed.append(source.strip())
            if bare != source.strip():
                failed.append(bare)
    for recipient in recipients:
        domain = recipient.rpartition("@")[2].lower()
        if (
            domain != _SIMULATOR
            and not account.identities.verified(recipient)
            and recipient not in failed
        ):
            failed.append(recipient)
    if failed:
        raise fail(
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in "
            f"region {account.region.upper()}: {', '.join(failed)}",
        )


def _admit(account: Account, source: str | None, recipients: Sequence[str], now: datetime) -> None:
    """The sandbox's checks and the quota, under the account's lock."""
    with account.lock:
        _sandbox_check(account, source, recipients)
        check_quota(account, now, len(recipients))


def _sender(params: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The checked Source and ReplyToAddresses of a send."""
    source = text(params, "Source")
    checked_address(source)
    reply_to = [str(a) for a in items(params, "ReplyToAddresses")]
    for address in reply_to:
        checked_address(address)
    return source, reply_to


def _common(account: Account, params: Mapping[str, Any]) -> tuple[Tags, str | None]:
    found = tags(items(params, "Tags"))
    config_set = optional_text(params, "ConfigurationSetName")
    if config_set is not None:
        account.configuration_sets.require(config_set)
    return found, config_set


def _store(account: Account, message: Message, call: Call, recipients: int) -> None:
    """Keep one accepted message and count it: its file, then (under the account's lock, the
    quota checked again so that concurrent sends cannot pass it together) its journal line and
    count; its file removed when either fails (nothing counted,
    :class:`~sesspec.serve.state.persistence.StateWriteError` or the quota's ``Throttling``)."""
    origin = call.origin
    if origin is not None:
        message.findings = [dict(f) for f in origin.findings]
        message.request = origin.kept()
        message.request_seq = origin.seq
    account.persistence.save_message(message)
    try:
        with account.lock:
            sent = message.status == "Sent"
            if sent:
                check_quota(account, call.now, recipients)
            account.keep_message(message, call.now, recipients if sent else None)
    except BaseException:
        account.persistence.discard_message(message.id)
        raise


def send_email(account: Account, call: Call) -> Reply:
    params, now = call.params, call.now
    found_tags, config_set = _common(account, params)
    source, reply_to = _sender(params)
    to, cc, bcc = _destination(structure(params, "Destination"))
    return_path = optional_text(params, "ReturnPath")
    if return_path is not None:
        checked_address(return_path)
    recipients = _check_recipients(to + cc + bcc)
    message_in = structure(params, "Message")
    subject = structure(message_in, "Subject")
    body = structure(message_in, "Body")
    text_part = structure(body, "Text", required=False)
    html_part = structure(body, "Html", required=False)
    _admit(account, source, recipients, now)
    message_id = account.message_id(now)
    subject_text = optional_text(subject, "Data") or ""
    body_text = (optional_text(text_part, "Data") or "") if text_part else None
    html = (optional_text(html_part, "Data") or "") if html_part else None
    raw, headers = compose_mime(
        subject=subject_text,
        text=body_text,
        html=html,
        date=now,
        message_id=message_id,
        boundary=account.boundary(body_text, html),
        source=source,
        to=to,
        cc=cc,
        reply_to=reply_to,
        subject_charset=optional_text(subject, "Charset"),
        text_charset=optional_text(text_part, "Charset"),
        html_charset=optional_text(html_part, "Charset"),
    )
    message = Message(
        id=message_id,
        timestamp=now,
        action="SendEmail",
        region=account.region,
        source=source,
        to=tuple(to),
        cc=tuple(cc),
        bcc=tuple(bcc),
        raw=raw,
        subject=subject_text,
        text=body_text,
        html=html,
        reply_to=tuple(reply_to),
        headers=headers,
        tags=found_tags,
        configuration_set=config_set,
    )
    _store(account, message, call, len(recipients))
    return Reply(result={"MessageId": message_id}, message_ids=(message_id,))


def send_raw_email(account: Account, call: Call) -> Reply:
    params, now = call.params, call.now
    data = structure(params, "RawMessage").get("Data")
    if not isinstance(data, bytes | bytearray) or not data:
        raise Rejected(missing_parameter("RawMessage.Data"))
    raw = bytes(data)
    if len(raw) > MAX_RAW_BYTES:
        raise Rejected(
            invalid_parameter_value(
                f"Message length is more than {MAX_RAW_BYTES} bytes long: '{len(raw)}'."
            )
        )
    found_tags, config_set = _common(account, params)
    parsed = parse_mime(raw)
    if parsed.unread == "too-many-header-lines":
        # SES's words for a header section it will not read (aws/aws-sdk-php#981).
        raise Rejected(invalid_parameter_value("Header section too long."))
    if config_set is None:
        header_set = parsed.header("X-SES-CONFIGURATION-SET")
        if header_set:
            config_set = header_set.strip()
            account.configuration_sets.require(config_set)
    source = optional_text(params, "Source")
    if source is None:
        source = parsed.header("From")
    if not source:
        raise Rejected(invalid_parameter_value("Missing final '@domain'"))
    checked_address(source)
    destinations = [str(a) for a in items(params, "Destinations")]
    if destinations:
        bare = {addr_spec(d)[0].lower(): d for d in destinations}
        to = [bare.pop(a.lower()) for a in parsed.to if a.lower() in bare]
        cc = [bare.pop(a.lower()) for a in parsed.cc if a.lower() in bare]
        bcc = list(bare.values())
    else:
        to, cc, bcc = list(parsed.to), list(parsed.cc), list(parsed.bcc)
    recipients = _check_recipients(to + cc + bcc)
    _admit(account, source, recipients, now)
    message_id = account.message_id(now)
    message = Message(
        id=message_id,
        timestamp=now,
        action="SendRawEmail",
        region=account.region,
        source=source,
        to=tuple(to),
        cc=tuple(cc),
        bcc=tuple(bcc),
        raw=raw,
        subject=parsed.subject,
        text=parsed.text,
        html=parsed.html,
        reply_to=parsed.reply_to,
        headers=parsed.headers,
        attachments=parsed.attachments,
        tags=found_tags,
        configuration_set=config_set,
        notes=parsed.notes,
    )
    _store(account, message, call, len(recipients))
    return Reply(result={"MessageId": message_id}, message_ids=(message_id,))


#: BulkEmailStatus (MODEL): the statuses a destination may have; a refusal whose code is not
#: one of them is answered as the nearest (a parameter's problem) or ``Failed``.
_BULK_STATUSES = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerified",
        "ConfigurationSetDoesNotExist",
        "TemplateDoesNotExist",
        "AccountSuspended",
        "AccountThrottled",
        "AccountDailyQuotaExceeded",
        "InvalidSendingPoolName",
        "AccountSendingPaused",
        "ConfigurationSetSendingPaused",
        "InvalidParameterValue",
        "TransientFailure",
        "Failed",
    }
)
_AS_PARAMETER = frozenset({"MissingParameter", "ValidationError", "InvalidRenderingParameter"})


def _bulk_status(code: str) -> str:
    if code == "Throttling":
        return "AccountDailyQuotaExceeded"
    if code in _BULK_STATUSES:
        return code
    return "InvalidParameterValue" if code in _AS_PARAMETER else "Failed"


def _deliver_templated(
    account: Account,
    call: Call,
    *,
    template: Template,
    data: tuple[str, Mapping[str, Any]],
    sender: tuple[str, Sequence[str]],
    destination: tuple[list[str], ...],
    recipients: Sequence[str],
    message_tags: Tags,
    config_set: str | None,
    action: str,
    budget: Budget,
    check_source: bool = True,
) -> Message:
    """Check the sandbox and quota, render (from the template's compiled form, on the request's
    ``budget``) and compose one templated message, keep it (status RenderingFailure when it
    cannot be rendered, or the budget is spent)."""
    now = call.now
    source, reply_to = sender
    data_text, values = data
    _admit(account, source if check_source else None, recipients, now)
    to, cc, bcc = destination
    message_id = account.message_id(now)
    status, failure = "Sent", None
    try:
        parts = render(account, template, values, budget)
    except TemplateError as exc:
        status, failure = "RenderingFailure", exc.message
        parts = RenderedParts("", None, None)
    raw, headers = compose_mime(
        subject=parts.subject,
        text=parts.text,
        html=parts.html,
        date=now,
        message_id=message_id,
        boundary=account.boundary(parts.text, parts.html),
        source=source,
        to=to,
        cc=cc,
        reply_to=reply_to,
    )
    message = Message(
        id=message_id,
        timestamp=now,
        action=action,
        region=account.region,
        source=source,
        to=tuple(to),
        cc=tuple(cc),
        bcc=tuple(bcc),
        raw=raw,
        subject=parts.subject if status == "Sent" else None,
        text=parts.text,
        html=parts.html,
        reply_to=tuple(reply_to),
        headers=headers,
        template=template.name,
        template_data=data_text,
        tags=message_tags,
        configuration_set=config_set,
        status=status,
        failure=failure,
    )
    _store(account, message, call, len(recipients))
    return message


def send_templated_email(account: Account, call: Call) -> Reply:
    params = call.params
    found_tags, config_set = _common(account, params)
    source, reply_to = _sender(params)
    destination = _destination(structure(params, "Destination"))
    recipients = _check_recipients([a for group in destination for a in group])
    template = account.templates.get(text(params, "Template"))
    data = template_data(params, "TemplateData")
    message = _deliver_templated(
        account,
        call,
        template=template,
        data=data,
        sender=(source, reply_to),
        destination=destination,
        recipients=recipients,
        message_tags=found_tags,
        config_set=config_set,
        action="SendTemplatedEmail",
        budget=Budget(),
    )
    return Reply(result={"MessageId": message.id}, message_ids=(message.id,))


def send_bulk_templated_email(account: Account, call: Call) -> Reply:
    params, now = call.params, call.now
    default_tags = tags(items(params, "DefaultTags"))
    config_set = optional_text(params, "ConfigurationSetName")
    if config_set is not None:
        account.configuration_sets.require(config_set)
    source, reply_to = _sender(params)
    destinations = items(params, "Destinations")
    if not destinations:
        raise Rejected(missing_parameter("Destinations"))
    if len(destinations) > MAX_RECIPIENTS:
        raise Rejected(
            invalid_parameter_value(
                f"Too many destinations: {len(destinations)}; at most {MAX_RECIPIENTS}."
            )
        )
    template = account.templates.get(text(params, "Template"))
    default_text, default_data = template_data(params, "DefaultTemplateData")
    for index, entry in enumerate(destinations, start=1):  # the model's constraint: the call
        if isinstance(entry, Mapping) and optional_text(entry, "ReplacementTemplateData"):
            member = f"Destinations.{index}.member.ReplacementTemplateData"
            template_data_text(entry, member)
    with account.lock:
        _sandbox_check(account, source, [])
    statuses: list[dict[str, Any]] = []
    stored: list[str] = []
    budget = Budget()  # one for the whole call: every destination renders on it
    for entry in destinations:
        try:
            entry_map = entry if isinstance(entry, Mapping) else {}
            destination = _destination(structure(entry_map, "Destination"))
            recipients = _check_recipients([a for group in destination for a in group])
            replacement = optional_text(entry_map, "ReplacementTemplateData")
            data_text, data = default_text, default_data
            if replacement is not None:
                _, extra = template_data(entry_map, "ReplacementTemplateData")
                data = merge_template_data(default_data, extra)
                data_text = json.dumps(data)
            own_tags = tags(items(entry_map, "ReplacementTags"))
            names = {n for n, _ in own_tags}
            message = _deliver_templated(
                account,
                call,
                template=template,
                data=(data_text, data),
                sender=(source, reply_to),
                destination=destination,
                recipients=recipients,
                message_tags=tuple(t for t in default_tags if t[0] not in names) + own_tags,
                config_set=config_set,
                action="SendBulkTemplatedEmail",
                budget=budget,
                check_source=False,
            )
        except Rejected as rejected:
            status = _bulk_status(rejected.error.code)
            statuses.append({"Status": status, "Error": rejected.error.message})
            try:
                with account.lock:
                    account.count_rejected(now)
            except StateWriteError as exc:  # the rejection stands; it is not counted
                _log.error("state: %s (a rejected destination not counted)", exc)
            continue
        except StateWriteError as exc:  # this destination only: nothing kept, nothing counted
            _log.error("state: %s (a destination answered TransientFailure)", exc)
            statuses.append({"Status": "TransientFailure", "Error": not_written(exc).message})
            continue
        statuses.append({"Status": "Success", "MessageId": message.id})
        stored.append(message.id)
    return Reply(result={"Status": statuses}, message_ids=tuple(stored))


HANDLERS: Mapping[str, Handler] = {
    "SendEmail": send_email,
    "SendRawEmail": send_raw_email,
    "SendTemplatedEmail": send_templated_email,
    "SendBulkTemplatedEmail": send_bulk_templated_email,
}
#: The actions that may store messages (whose :class:`~sesspec.serve.state.calls.Origin` the
#: messages carry).
STORING_ACTIONS = frozenset(HANDLERS)
