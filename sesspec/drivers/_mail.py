"""A SendEmail scenario as a mailer's user writes it (inside a driver child): the sender,
recipients, reply-to, subject and bodies of its params (docs/spec.md#fid: given as ``mail``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sesspec.drivers._pyjob import NotSupportedError

__all__ = ["Mail", "mail_of"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Mail:
    source: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    reply_to: list[str]
    subject: str
    text: str | None
    html: str | None


def mail_of(job: dict[str, Any], *, client: str) -> Mail:
    """The mail of a SendEmail scenario; :class:`NotSupportedError` for anything else (a mailer
    sends what it renders: ``client`` names it in the reason)."""
    scenario = job["scenario"]
    if scenario["kind"] != "call" or scenario["action"] != "SendEmail":
        msg = f"{client} sends mail it renders (SendRawEmail): no {scenario['action']} to give"
        raise NotSupportedError(msg)
    params = scenario["params"]
    if {"Tags", "ConfigurationSetName"} & set(params):
        msg = f"{client}'s mail API takes no SES Tags or configuration set per message"
        raise NotSupportedError(msg)
    destination = params.get("Destination", {})
    message = params["Message"]
    body = message.get("Body", {})
    return Mail(
        source=str(params["Source"]),
        to=list(destination.get("ToAddresses", [])),
        cc=list(destination.get("CcAddresses", [])),
        bcc=list(destination.get("BccAddresses", [])),
        reply_to=list(params.get("ReplyToAddresses", [])),
        subject=str(message["Subject"]["Data"]),
        text=body.get("Text", {}).get("Data"),
        html=body.get("Html", {}).get("Data"),
    )
