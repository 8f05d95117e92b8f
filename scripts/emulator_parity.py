"""Emulator parity: the same application scenarios against sesspec serve and moto's server,
each judged against what the SES documentation says.

    python scripts/emulator_parity.py            # writes docs/emulator-parity.{json,md}
    python scripts/emulator_parity.py --no-moto  # sesspec only (moto's column from the JSON)

(from the checkout, with ``PYTHONPATH=.``; moto in a virtualenv of its own, e.g. ``python -m
venv /tmp/motovenv && /tmp/motovenv/bin/pip install 'moto[server]'``, its ``bin`` on PATH: the
version recorded is the one that ``moto_server``'s interpreter has.)

Every scenario is a short run of boto3 calls, as an application makes them, with names of its
own (so the scenarios share one server without meeting): of SES Classic (the ``ses`` client)
or of SES v2 (the ``sesv2`` client, with the ``ses`` client where a row uses both APIs on one
account); each API has its own table. What the scenario expects is written
from the SES API reference and developer guide (each linked in the table), never from either
emulator. sesspec runs in process (``Endpoint(state=True)``, and ``sandbox=True`` for the
sandbox scenarios); moto runs as ``moto_server`` on 127.0.0.1 (it has no sandbox switch, so the
sandbox scenarios meet the same server). The outcome of each scenario on each emulator is
written to ``docs/emulator-parity.json`` (described in words that do not change between runs:
no ids, ports or times) and the table ``docs/emulator-parity.md`` is made from that file alone;
tests/test_serve_parity.py reruns sesspec's side and holds both files to it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from sesspec import fake

REPO = Path(__file__).resolve().parent.parent
JSON_OUT = REPO / "docs" / "emulator-parity.json"
MD_OUT = REPO / "docs" / "emulator-parity.md"

API = "https://docs.aws.amazon.com/ses/latest/APIReference/"
SANDBOX_DOC = "https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html"
QUOTAS_DOC = "https://docs.aws.amazon.com/ses/latest/dg/quotas.html"
PERSONALIZE_DOC = "https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html"
API2 = "https://docs.aws.amazon.com/ses/latest/APIReference-V2/"
#: The developer guide's pages on identities and templates, which give the v1 and v2 calls that
#: manage one resource of the account side by side (docs/spec.md#http-ses-v2-state).
IDENTITIES_DOC = "https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html"
TEMPLATES_DOC = "https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-api.html"

#: Which API a scenario calls: SES Classic (``ses``, 2010-12-01) or SES v2 (``sesv2``).
Api = Literal["ses", "sesv2"]


@dataclass(frozen=True)
class Observed:
    """What an emulator did in a scenario: whether that is what SES documents, and in words."""

    ok: bool
    what: str


class _Failed(Exception):  # noqa: N818 (a scenario's verdict, not a bug)
    """A step before the one under test did not work as documented."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    expected: str
    sources: tuple[str, ...]
    mode: Literal["default", "sandbox"]
    run: Callable[[Any, str], Observed]
    api: Api = "ses"


@dataclass(frozen=True)
class Both:
    """What a v2 scenario is given: a ``sesv2`` client and a Classic ``ses`` client of one
    emulator (one account: what one makes, the other sees)."""

    v2: Any
    classic: Any


def _call(fn: Callable[..., Any], **kwargs: Any) -> tuple[str, Any]:
    """``("ok", result)`` or ``("error", "Code: message")`` as botocore parsed the answer."""
    from botocore.exceptions import ClientError

    try:
        return "ok", fn(**kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        return "error", f"{error.get('Code', '?')}: {error.get('Message', '')}"
    except Exception as exc:  # an answer botocore cannot read (an HTML 500 page, ...)
        return "error", f"no SES answer ({type(exc).__name__}): {_short(str(exc), 60)}"


def _must(fn: Callable[..., Any], **kwargs: Any) -> Any:
    kind, value = _call(fn, **kwargs)
    if kind != "ok":
        name = getattr(fn, "__name__", "call")
        raise _Failed(f"setup step {name} failed: {_short(value)}")
    return value


def _short(text: str, size: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 3] + "..."


def _error_is(outcome: tuple[str, Any], code: str) -> Observed:
    kind, value = outcome
    if kind == "ok":
        return Observed(False, "accepted (no error)")
    return Observed(str(value).startswith(f"{code}:"), _short(value))


def _accepted(outcome: tuple[str, Any], what: str) -> Observed:
    kind, value = outcome
    if kind != "ok":
        return Observed(False, _short(value))
    return Observed(True, what)


def _message(subject: str = "Hello") -> dict[str, Any]:
    return {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello from the app"}}}


def _send(ses: Any, source: str, to: list[str], **extra: Any) -> tuple[str, Any]:
    """SendEmail of :func:`_message` from ``source`` to the ``to`` addresses."""
    return _call(
        ses.send_email,
        Source=source,
        Destination={"ToAddresses": to},
        Message=_message(),
        **extra,
    )


def _verified_sender(ses: Any, u: str) -> str:
    sender = f"{u}-shop@example.com"
    _must(ses.verify_email_identity, EmailAddress=sender)
    return sender


# --- the scenarios ------------------------------------------------------------------------------


def _verify_email_listed(ses: Any, u: str) -> Observed:
    address = f"{u}@example.com"
    _must(ses.verify_email_identity, EmailAddress=address)
    listed = _must(ses.list_identities)["Identities"]
    if address in listed:
        return Observed(True, "listed")
    return Observed(False, "not listed")


def _verify_domain_token(ses: Any, u: str) -> Observed:
    domain = f"{u}.example.com"
    token = _must(ses.verify_domain_identity, Domain=domain).get("VerificationToken")
    attributes = _must(ses.get_identity_verification_attributes, Identities=[domain])
    again = attributes["VerificationAttributes"].get(domain, {}).get("VerificationToken")
    if not token:
        return Observed(False, "no VerificationToken")
    if again != token:
        return Observed(False, "GetIdentityVerificationAttributes gives another token")
    return Observed(True, "a token, the same in GetIdentityVerificationAttributes")


def _delete_identity(ses: Any, u: str) -> Observed:
    address = f"{u}@example.com"
    _must(ses.verify_email_identity, EmailAddress=address)
    _must(ses.delete_identity, Identity=address)
    listed = _must(ses.list_identities)["Identities"]
    return Observed(address not in listed, "gone" if address not in listed else "still listed")


def _template(u: str, **parts: str) -> dict[str, str]:
    return {
        "TemplateName": f"{u}-welcome",
        "SubjectPart": "Welcome, {{name}}",
        "TextPart": "Hello {{name}}",
        "HtmlPart": "<p>Hello {{name}}</p>",
        **parts,
    }


def _template_round_trip(ses: Any, u: str) -> Observed:
    template = _template(u)
    _must(ses.create_template, Template=template)
    got = _must(ses.get_template, TemplateName=template["TemplateName"])["Template"]
    if got == template:
        return Observed(True, "the same name and parts")
    differs = sorted(k for k in set(got) | set(template) if got.get(k) != template.get(k))
    return Observed(False, f"differs in {', '.join(differs)}")


def _template_duplicate(ses: Any, u: str) -> Observed:
    template = _template(u)
    _must(ses.create_template, Template=template)
    return _error_is(_call(ses.create_template, Template=template), "AlreadyExists")


def _template_update_missing(ses: Any, u: str) -> Observed:
    return _error_is(_call(ses.update_template, Template=_template(u)), "TemplateDoesNotExist")


def _template_get_missing(ses: Any, u: str) -> Observed:
    return _error_is(_call(ses.get_template, TemplateName=f"{u}-none"), "TemplateDoesNotExist")


def _template_delete(ses: Any, u: str) -> Observed:
    template = _template(u)
    _must(ses.create_template, Template=template)
    _must(ses.delete_template, TemplateName=template["TemplateName"])
    outcome = _call(ses.get_template, TemplateName=template["TemplateName"])
    return _error_is(outcome, "TemplateDoesNotExist")


def _template_list(ses: Any, u: str) -> Observed:
    template = _template(u)
    _must(ses.create_template, Template=template)
    names = [t["Name"] for t in _must(ses.list_templates, MaxItems=100)["TemplatesMetadata"]]
    listed = template["TemplateName"] in names
    return Observed(listed, "listed" if listed else "not listed")


def _render(ses: Any, u: str) -> Observed:
    template = _template(
        u,
        SubjectPart="Order for {{name}}",
        TextPart="{{#if vip}}VIP {{/if}}{{name}}: {{#each items}}[{{this}}]{{/each}}",
        HtmlPart="<p>{{#if vip}}VIP{{else}}regular{{/if}}</p>",
    )
    _must(ses.create_template, Template=template)
    data = '{"name": "Ana", "vip": true, "items": ["tea", "cake"]}'
    kind, value = _call(
        ses.test_render_template, TemplateName=template["TemplateName"], TemplateData=data
    )
    if kind != "ok":
        return Observed(False, _short(value))
    rendered = value["RenderedTemplate"]
    wanted = ["Subject: Order for Ana", "VIP Ana: [tea][cake]", "<p>VIP</p>"]
    missing = [w for w in wanted if w not in rendered]
    if missing:
        return Observed(False, f"rendered without {missing[0]!r}")
    return Observed(True, "variables, #if/else and #each rendered in subject, text and HTML")


def _render_missing(ses: Any, u: str) -> Observed:
    template = _template(u)
    _must(ses.create_template, Template=template)
    outcome = _call(
        ses.test_render_template, TemplateName=template["TemplateName"], TemplateData="{}"
    )
    return _error_is(outcome, "MissingRenderingAttribute")


def _send_email(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, [f"{u}-ana@example.com"])
    return _accepted(outcome, "a MessageId")


def _send_templated(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    template = _template(u)
    _must(ses.create_template, Template=template)
    outcome = _call(
        ses.send_templated_email,
        Source=sender,
        Destination={"ToAddresses": [f"{u}-ana@example.com"]},
        Template=template["TemplateName"],
        TemplateData='{"name": "Ana"}',
    )
    return _accepted(outcome, "a MessageId")


def _send_templated_missing(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _call(
        ses.send_templated_email,
        Source=sender,
        Destination={"ToAddresses": [f"{u}-ana@example.com"]},
        Template=f"{u}-none",
        TemplateData='{"name": "Ana"}',
    )
    return _error_is(outcome, "TemplateDoesNotExist")


def _send_bulk(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    template = _template(u)
    _must(ses.create_template, Template=template)
    kind, value = _call(
        ses.send_bulk_templated_email,
        Source=sender,
        Template=template["TemplateName"],
        DefaultTemplateData='{"name": "friend"}',
        Destinations=[
            {"Destination": {"ToAddresses": [f"{u}-a@example.com"]}},
            {
                "Destination": {"ToAddresses": [f"{u}-b@example.com"]},
                "ReplacementTemplateData": '{"name": "Bo"}',
            },
        ],
    )
    if kind != "ok":
        return Observed(False, _short(value))
    statuses = [(s.get("Status"), bool(s.get("MessageId"))) for s in value["Status"]]
    if statuses == [("Success", True), ("Success", True)]:
        return Observed(True, "two statuses, Success with a MessageId each")
    return Observed(False, f"statuses {statuses}")


def _send_raw(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = f"{u}-ana@example.com"
    mime["Subject"] = "Your invoice"
    mime.set_content("Attached.")
    mime.add_attachment(b"%PDF-1.4\n" * 64, maintype="application", subtype="pdf", filename="a.pdf")
    outcome = _call(ses.send_raw_email, RawMessage={"Data": mime.as_bytes()})
    return _accepted(outcome, "a MessageId")


def _send_51(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, [f"{u}-{i}@example.com" for i in range(51)])
    kind, value = outcome
    if kind == "ok":
        return Observed(False, "accepted (no error)")
    return Observed(True, _short(value))


def _send_invalid_recipient(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, [f"{u}-ok@example.com", "not-an-address"])
    kind, value = outcome
    if kind == "ok":
        return Observed(False, "accepted (no error)")
    return Observed(True, _short(value))


def _send_unknown_configuration_set(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, [f"{u}-ana@example.com"], ConfigurationSetName=f"{u}-none")
    return _error_is(outcome, "ConfigurationSetDoesNotExist")


def _quota_counts(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    before = _must(ses.get_send_quota)["SentLast24Hours"]
    _must(
        ses.send_email,
        Source=sender,
        Destination={
            "ToAddresses": [f"{u}-a@example.com", f"{u}-b@example.com"],
            "CcAddresses": [f"{u}-c@example.com"],
        },
        Message=_message(),
    )
    after = _must(ses.get_send_quota)["SentLast24Hours"]
    grew = after - before
    return Observed(grew == 3, f"SentLast24Hours grew by {grew:g} for 3 recipients")


def _statistics_count(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)

    def attempts() -> int:
        points = _must(ses.get_send_statistics)["SendDataPoints"]
        return sum(int(p.get("DeliveryAttempts", 0)) for p in points)

    before = attempts()
    _must(
        ses.send_email,
        Source=sender,
        Destination={"ToAddresses": [f"{u}-a@example.com", f"{u}-b@example.com"]},
        Message=_message(),
    )
    grew = attempts() - before
    return Observed(grew == 2, f"DeliveryAttempts grew by {grew} for 2 recipients")


def _unverified_sender(ses: Any, u: str) -> Observed:
    outcome = _send(ses, f"{u}-stranger@example.com", [f"{u}-ana@example.com"])
    return _error_is(outcome, "MessageRejected")


def _unverified_recipient_production(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, [f"{u}-stranger@example.org"])
    return _accepted(outcome, "a MessageId")


def _unverified_recipient_sandbox(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, [f"{u}-stranger@example.org"])
    return _error_is(outcome, "MessageRejected")


def _simulator_recipient_sandbox(ses: Any, u: str) -> Observed:
    sender = _verified_sender(ses, u)
    outcome = _send(ses, sender, ["success@simulator.amazonses.com"])
    return _accepted(outcome, "a MessageId")


def _sandbox_quota(ses: Any, u: str) -> Observed:  # noqa: ARG001 (no names needed)
    quota = _must(ses.get_send_quota)
    most, rate = quota["Max24HourSend"], quota["MaxSendRate"]
    return Observed((most, rate) == (200.0, 1.0), f"Max24HourSend {most:g}, MaxSendRate {rate:g}")


# --- the SES v2 scenarios -----------------------------------------------------------------------


def _v2_simple(subject: str = "Hello") -> dict[str, Any]:
    return {"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello"}}}}


def _v2_send(both: Both, u: str, **content: Any) -> tuple[str, Any]:
    return _call(
        both.v2.send_email,
        FromEmailAddress=f"{u}-shop@example.com",
        Destination={"ToAddresses": [f"{u}-ana@example.com"]},
        **content,
    )


def _v2_sender(both: Both, u: str) -> None:
    _must(both.v2.create_email_identity, EmailIdentity=f"{u}-shop@example.com")


def _v2_template(both: Both, u: str) -> str:
    name = f"{u}-welcome"
    _must(
        both.v2.create_email_template,
        TemplateName=name,
        TemplateContent={"Subject": "Welcome, {{name}}", "Text": "Hello {{name}}"},
    )
    return name


def _v2_address_found(both: Both, address: str, said: str | None = None) -> Observed:
    """GetEmailIdentity of ``address``: an email-address identity (``said``, else its type)."""
    kind, value = _call(both.v2.get_email_identity, EmailIdentity=address)
    if kind != "ok":
        return Observed(False, _short(value))
    found = value.get("IdentityType")
    return Observed(found == "EMAIL_ADDRESS", said or f"IdentityType {found}")


def _v2_identity_get(both: Both, u: str) -> Observed:
    address = f"{u}@example.com"
    _must(both.v2.create_email_identity, EmailIdentity=address)
    return _v2_address_found(both, address)


def _v2_identity_plus(both: Both, u: str) -> Observed:
    address = f"{u}+tag@example.com"
    _must(both.v2.create_email_identity, EmailIdentity=address)
    return _v2_address_found(both, address, "found by its name")


def _v2_identity_twice(both: Both, u: str) -> Observed:
    address = f"{u}@example.com"
    _must(both.v2.create_email_identity, EmailIdentity=address)
    outcome = _call(both.v2.create_email_identity, EmailIdentity=address)
    return _error_is(outcome, "AlreadyExistsException")


def _v2_identity_missing(both: Both, u: str) -> Observed:
    outcome = _call(both.v2.get_email_identity, EmailIdentity=f"{u}-none@example.com")
    return _error_is(outcome, "NotFoundException")


def _v2_identity_delete(both: Both, u: str) -> Observed:
    address = f"{u}@example.com"
    _must(both.v2.create_email_identity, EmailIdentity=address)
    _must(both.v2.delete_email_identity, EmailIdentity=address)
    listed = _must(both.v2.list_email_identities)["EmailIdentities"]
    gone = address not in [i.get("IdentityName") for i in listed]
    return Observed(gone, "gone" if gone else "still listed")


def _v2_template_round_trip(both: Both, u: str) -> Observed:
    content = {"Subject": "Welcome, {{name}}", "Text": "Hello {{name}}", "Html": "<p>{{name}}</p>"}
    name = f"{u}-welcome"
    _must(both.v2.create_email_template, TemplateName=name, TemplateContent=content)
    got = _must(both.v2.get_email_template, TemplateName=name)
    if (got.get("TemplateName"), got.get("TemplateContent")) == (name, content):
        return Observed(True, "the same name and content")
    return Observed(False, f"got {_short(str(got.get('TemplateContent')), 60)}")


def _v2_template_twice(both: Both, u: str) -> Observed:
    name = _v2_template(both, u)
    outcome = _call(
        both.v2.create_email_template, TemplateName=name, TemplateContent={"Subject": "x"}
    )
    return _error_is(outcome, "AlreadyExistsException")


def _v2_template_missing(both: Both, u: str) -> Observed:
    return _error_is(
        _call(both.v2.get_email_template, TemplateName=f"{u}-none"), "NotFoundException"
    )


def _v2_template_update(both: Both, u: str) -> Observed:
    name = _v2_template(both, u)
    content = {"Subject": "Hi again, {{name}}", "Text": "Hello"}
    _must(both.v2.update_email_template, TemplateName=name, TemplateContent=content)
    got = _must(both.v2.get_email_template, TemplateName=name).get("TemplateContent")
    return Observed(got == content, "the new content" if got == content else f"got {got}")


def _v2_template_delete(both: Both, u: str) -> Observed:
    name = _v2_template(both, u)
    _must(both.v2.delete_email_template, TemplateName=name)
    return _error_is(_call(both.v2.get_email_template, TemplateName=name), "NotFoundException")


def _v2_template_list(both: Both, u: str) -> Observed:
    name = _v2_template(both, u)
    listed = _must(both.v2.list_email_templates, PageSize=100)["TemplatesMetadata"]
    found = name in [t.get("TemplateName") for t in listed]
    return Observed(found, "listed" if found else "not listed")


def _v2_render(both: Both, u: str) -> Observed:
    name = _v2_template(both, u)
    kind, value = _call(
        both.v2.test_render_email_template, TemplateName=name, TemplateData='{"name": "Ana"}'
    )
    if kind != "ok":
        return Observed(False, _short(value))
    rendered = value["RenderedTemplate"]
    wanted = ["Subject: Welcome, Ana", "Hello Ana"]
    missing = [w for w in wanted if w not in rendered]
    if missing:
        return Observed(False, f"rendered without {missing[0]!r}")
    return Observed(True, "the MIME message, subject and text rendered")


def _v2_send_simple(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    return _accepted(_v2_send(both, u, Content=_v2_simple()), "a MessageId")


def _v2_send_raw(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    mime = EmailMessage()
    mime["From"] = f"{u}-shop@example.com"
    mime["To"] = f"{u}-ana@example.com"
    mime["Subject"] = "Your invoice"
    mime.set_content("Attached.")
    mime.add_attachment(b"%PDF-1.4\n" * 64, maintype="application", subtype="pdf", filename="a.pdf")
    outcome = _call(both.v2.send_email, Content={"Raw": {"Data": mime.as_bytes()}})
    return _accepted(outcome, "a MessageId")


def _v2_send_template(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    name = _v2_template(both, u)
    content = {"Template": {"TemplateName": name, "TemplateData": '{"name": "Ana"}'}}
    return _accepted(_v2_send(both, u, Content=content), "a MessageId")


def _v2_send_template_missing(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    content = {"Template": {"TemplateName": f"{u}-none", "TemplateData": "{}"}}
    return _error_is(_v2_send(both, u, Content=content), "NotFoundException")


def _v2_send_bulk(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    name = _v2_template(both, u)
    kind, value = _call(
        both.v2.send_bulk_email,
        FromEmailAddress=f"{u}-shop@example.com",
        DefaultContent={"Template": {"TemplateName": name, "TemplateData": '{"name": "all"}'}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": [f"{u}-a@example.com"]}},
            {"Destination": {"ToAddresses": [f"{u}-b@example.com"]}},
        ],
    )
    if kind != "ok":
        return Observed(False, _short(value))
    results = value.get("BulkEmailEntryResults", [])
    statuses = [(r.get("Status"), bool(r.get("MessageId"))) for r in results]
    if statuses == [("SUCCESS", True), ("SUCCESS", True)]:
        return Observed(True, "two results, SUCCESS with a MessageId each")
    return Observed(False, f"results {statuses}")


def _v2_send_unknown_set(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    outcome = _v2_send(both, u, Content=_v2_simple(), ConfigurationSetName=f"{u}-none")
    return _error_is(outcome, "NotFoundException")


def _v2_quota(both: Both, u: str) -> Observed:
    _v2_sender(both, u)
    before = _must(both.v2.get_account).get("SendQuota", {}).get("SentLast24Hours")
    _must(
        both.v2.send_email,
        FromEmailAddress=f"{u}-shop@example.com",
        Destination={
            "ToAddresses": [f"{u}-a@example.com", f"{u}-b@example.com"],
            "CcAddresses": [f"{u}-c@example.com"],
        },
        Content=_v2_simple(),
    )
    after = _must(both.v2.get_account).get("SendQuota", {}).get("SentLast24Hours")
    if before is None or after is None:
        return Observed(False, "no SendQuota.SentLast24Hours")
    grew = after - before
    return Observed(grew == 3, f"SentLast24Hours grew by {grew:g} for 3 recipients")


def _v2_configuration_set(both: Both, u: str) -> Observed:
    name = f"{u}-set"
    _must(both.v2.create_configuration_set, ConfigurationSetName=name)
    got = _must(both.v2.get_configuration_set, ConfigurationSetName=name)
    if got.get("ConfigurationSetName") != name:
        return Observed(False, "GetConfigurationSet gives another name")
    _must(both.v2.delete_configuration_set, ConfigurationSetName=name)
    outcome = _call(both.v2.get_configuration_set, ConfigurationSetName=name)
    return _error_is(outcome, "NotFoundException")


def _v2_identity_from_classic(both: Both, u: str) -> Observed:
    address = f"{u}@example.com"
    _must(both.classic.verify_email_identity, EmailAddress=address)
    return _v2_address_found(both, address, "the same identity")


def _v2_template_to_classic(both: Both, u: str) -> Observed:
    name = _v2_template(both, u)
    kind, value = _call(both.classic.get_template, TemplateName=name)
    if kind != "ok":
        return Observed(False, _short(value))
    subject = value["Template"].get("SubjectPart")
    return Observed(subject == "Welcome, {{name}}", "the same template, its subject part")


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "verify-email-listed",
        "VerifyEmailIdentity, then ListIdentities",
        "the address is listed, whatever its verification status",
        (f"{API}API_ListIdentities.html",),
        "default",
        _verify_email_listed,
    ),
    Scenario(
        "verify-domain-token",
        "VerifyDomainIdentity, then GetIdentityVerificationAttributes",
        "a VerificationToken (the TXT record to publish), given again with the attributes",
        (
            f"{API}API_VerifyDomainIdentity.html",
            f"{API}API_GetIdentityVerificationAttributes.html",
        ),
        "default",
        _verify_domain_token,
    ),
    Scenario(
        "delete-identity",
        "DeleteIdentity, then ListIdentities",
        "the identity is no longer listed",
        (f"{API}API_DeleteIdentity.html",),
        "default",
        _delete_identity,
    ),
    Scenario(
        "template-round-trip",
        "CreateTemplate, then GetTemplate",
        "the template's name, subject, text and HTML parts as created",
        (f"{API}API_GetTemplate.html",),
        "default",
        _template_round_trip,
    ),
    Scenario(
        "template-duplicate",
        "CreateTemplate twice with one name",
        "AlreadyExists",
        (f"{API}API_CreateTemplate.html",),
        "default",
        _template_duplicate,
    ),
    Scenario(
        "template-update-missing",
        "UpdateTemplate of a template never created",
        "TemplateDoesNotExist",
        (f"{API}API_UpdateTemplate.html",),
        "default",
        _template_update_missing,
    ),
    Scenario(
        "template-get-missing",
        "GetTemplate of a template never created",
        "TemplateDoesNotExist",
        (f"{API}API_GetTemplate.html",),
        "default",
        _template_get_missing,
    ),
    Scenario(
        "template-delete",
        "DeleteTemplate, then GetTemplate",
        "TemplateDoesNotExist",
        (f"{API}API_DeleteTemplate.html", f"{API}API_GetTemplate.html"),
        "default",
        _template_delete,
    ),
    Scenario(
        "template-list",
        "CreateTemplate, then ListTemplates",
        "the template is listed",
        (f"{API}API_ListTemplates.html",),
        "default",
        _template_list,
    ),
    Scenario(
        "render-template",
        "TestRenderTemplate with {{name}}, {{#if}}/{{else}} and {{#each}}",
        "the MIME message with every part rendered as Handlebars renders it",
        (f"{API}API_TestRenderTemplate.html", PERSONALIZE_DOC),
        "default",
        _render,
    ),
    Scenario(
        "render-missing-attribute",
        "TestRenderTemplate without a variable the template uses",
        "MissingRenderingAttribute",
        (f"{API}API_TestRenderTemplate.html",),
        "default",
        _render_missing,
    ),
    Scenario(
        "send-email",
        "SendEmail from a verified sender",
        "a MessageId",
        (f"{API}API_SendEmail.html",),
        "default",
        _send_email,
    ),
    Scenario(
        "send-templated",
        "SendTemplatedEmail from a verified sender",
        "a MessageId",
        (f"{API}API_SendTemplatedEmail.html",),
        "default",
        _send_templated,
    ),
    Scenario(
        "send-templated-missing-template",
        "SendTemplatedEmail naming a template never created",
        "TemplateDoesNotExist",
        (f"{API}API_SendTemplatedEmail.html",),
        "default",
        _send_templated_missing,
    ),
    Scenario(
        "send-bulk",
        "SendBulkTemplatedEmail to two destinations",
        "one status per destination: Success with a MessageId",
        (f"{API}API_SendBulkTemplatedEmail.html", f"{API}API_BulkEmailDestinationStatus.html"),
        "default",
        _send_bulk,
    ),
    Scenario(
        "send-raw-attachment",
        "SendRawEmail of a MIME message with a PDF attached",
        "a MessageId",
        (f"{API}API_SendRawEmail.html",),
        "default",
        _send_raw,
    ),
    Scenario(
        "send-51-recipients",
        "SendEmail to 51 recipients",
        "an error: a message may not include more than 50 recipients",
        (f"{API}API_SendEmail.html", QUOTAS_DOC),
        "default",
        _send_51,
    ),
    Scenario(
        "send-invalid-recipient",
        "SendEmail to a valid and an invalid address",
        "an error: an invalid recipient rejects the entire message",
        (f"{API}API_SendEmail.html",),
        "default",
        _send_invalid_recipient,
    ),
    Scenario(
        "send-unknown-configuration-set",
        "SendEmail naming a configuration set never created",
        "ConfigurationSetDoesNotExist",
        (f"{API}API_SendEmail.html",),
        "default",
        _send_unknown_configuration_set,
    ),
    Scenario(
        "quota-counts-recipients",
        "GetSendQuota before and after a send to 3 recipients",
        "SentLast24Hours grows by 3 (quotas count recipients, not messages)",
        (f"{API}API_GetSendQuota.html", QUOTAS_DOC),
        "default",
        _quota_counts,
    ),
    Scenario(
        "statistics-count",
        "GetSendStatistics before and after a send to 2 recipients",
        "the DeliveryAttempts of the data points grow by 2",
        (f"{API}API_GetSendStatistics.html", f"{API}API_SendDataPoint.html"),
        "default",
        _statistics_count,
    ),
    Scenario(
        "unverified-sender",
        "SendEmail from an unverified sender (account out of the sandbox)",
        "MessageRejected: senders must be verified in production too",
        (f"{API}API_SendEmail.html", SANDBOX_DOC),
        "default",
        _unverified_sender,
    ),
    Scenario(
        "unverified-recipient-production",
        "SendEmail to an unverified recipient (account out of the sandbox)",
        "a MessageId: production accounts send to any recipient",
        (SANDBOX_DOC,),
        "default",
        _unverified_recipient_production,
    ),
    Scenario(
        "sandbox-unverified-sender",
        "Sandbox: SendEmail from an unverified sender",
        "MessageRejected",
        (f"{API}API_SendEmail.html", SANDBOX_DOC),
        "sandbox",
        _unverified_sender,
    ),
    Scenario(
        "sandbox-unverified-recipient",
        "Sandbox: SendEmail to an unverified recipient",
        "MessageRejected: the sandbox sends only to verified addresses and domains",
        (SANDBOX_DOC, f"{API}API_SendEmail.html"),
        "sandbox",
        _unverified_recipient_sandbox,
    ),
    Scenario(
        "sandbox-simulator-recipient",
        "Sandbox: SendEmail to the mailbox simulator",
        "a MessageId: the simulator's addresses are allowed in the sandbox",
        (SANDBOX_DOC,),
        "sandbox",
        _simulator_recipient_sandbox,
    ),
    Scenario(
        "sandbox-quota",
        "Sandbox: GetSendQuota",
        "Max24HourSend 200, MaxSendRate 1",
        (SANDBOX_DOC, QUOTAS_DOC),
        "sandbox",
        _sandbox_quota,
    ),
    Scenario(
        "v2-identity-get",
        "CreateEmailIdentity, then GetEmailIdentity",
        "the identity, of type EMAIL_ADDRESS",
        (f"{API2}API_CreateEmailIdentity.html", f"{API2}API_GetEmailIdentity.html"),
        "default",
        _v2_identity_get,
        "sesv2",
    ),
    Scenario(
        "v2-identity-plus",
        "CreateEmailIdentity of name+tag@example.com, then GetEmailIdentity",
        "the identity, found by its name",
        (f"{API2}API_GetEmailIdentity.html",),
        "default",
        _v2_identity_plus,
        "sesv2",
    ),
    Scenario(
        "v2-identity-twice",
        "CreateEmailIdentity twice with one address",
        "AlreadyExistsException",
        (f"{API2}API_CreateEmailIdentity.html",),
        "default",
        _v2_identity_twice,
        "sesv2",
    ),
    Scenario(
        "v2-identity-missing",
        "GetEmailIdentity of an identity never created",
        "NotFoundException",
        (f"{API2}API_GetEmailIdentity.html",),
        "default",
        _v2_identity_missing,
        "sesv2",
    ),
    Scenario(
        "v2-identity-delete",
        "DeleteEmailIdentity, then ListEmailIdentities",
        "the identity is no longer listed",
        (f"{API2}API_DeleteEmailIdentity.html", f"{API2}API_ListEmailIdentities.html"),
        "default",
        _v2_identity_delete,
        "sesv2",
    ),
    Scenario(
        "v2-template-round-trip",
        "CreateEmailTemplate, then GetEmailTemplate",
        "the template's name and content as created",
        (f"{API2}API_GetEmailTemplate.html",),
        "default",
        _v2_template_round_trip,
        "sesv2",
    ),
    Scenario(
        "v2-template-twice",
        "CreateEmailTemplate twice with one name",
        "AlreadyExistsException",
        (f"{API2}API_CreateEmailTemplate.html",),
        "default",
        _v2_template_twice,
        "sesv2",
    ),
    Scenario(
        "v2-template-missing",
        "GetEmailTemplate of a template never created",
        "NotFoundException",
        (f"{API2}API_GetEmailTemplate.html",),
        "default",
        _v2_template_missing,
        "sesv2",
    ),
    Scenario(
        "v2-template-update",
        "UpdateEmailTemplate, then GetEmailTemplate",
        "the new content",
        (f"{API2}API_UpdateEmailTemplate.html",),
        "default",
        _v2_template_update,
        "sesv2",
    ),
    Scenario(
        "v2-template-delete",
        "DeleteEmailTemplate, then GetEmailTemplate",
        "NotFoundException",
        (f"{API2}API_DeleteEmailTemplate.html", f"{API2}API_GetEmailTemplate.html"),
        "default",
        _v2_template_delete,
        "sesv2",
    ),
    Scenario(
        "v2-template-list",
        "CreateEmailTemplate, then ListEmailTemplates",
        "the template is listed",
        (f"{API2}API_ListEmailTemplates.html",),
        "default",
        _v2_template_list,
        "sesv2",
    ),
    Scenario(
        "v2-render",
        "TestRenderEmailTemplate with {{name}}",
        "the MIME message with subject and text rendered",
        (f"{API2}API_TestRenderEmailTemplate.html",),
        "default",
        _v2_render,
        "sesv2",
    ),
    Scenario(
        "v2-send-simple",
        "SendEmail with Simple content",
        "a MessageId",
        (f"{API2}API_SendEmail.html", f"{API2}API_EmailContent.html"),
        "default",
        _v2_send_simple,
        "sesv2",
    ),
    Scenario(
        "v2-send-raw",
        "SendEmail with Raw content (a MIME message with a PDF attached)",
        "a MessageId",
        (f"{API2}API_SendEmail.html", f"{API2}API_RawMessage.html"),
        "default",
        _v2_send_raw,
        "sesv2",
    ),
    Scenario(
        "v2-send-template",
        "SendEmail with Template content",
        "a MessageId",
        (f"{API2}API_SendEmail.html", f"{API2}API_Template.html"),
        "default",
        _v2_send_template,
        "sesv2",
    ),
    Scenario(
        "v2-send-template-missing",
        "SendEmail with Template content naming a template never created",
        "NotFoundException (the resource does not exist)",
        (f"{API2}API_SendEmail.html",),
        "default",
        _v2_send_template_missing,
        "sesv2",
    ),
    Scenario(
        "v2-send-bulk",
        "SendBulkEmail to two destinations",
        "one result per entry: SUCCESS with a MessageId",
        (f"{API2}API_SendBulkEmail.html", f"{API2}API_BulkEmailEntryResult.html"),
        "default",
        _v2_send_bulk,
        "sesv2",
    ),
    Scenario(
        "v2-send-unknown-configuration-set",
        "SendEmail naming a configuration set never created",
        "NotFoundException",
        (f"{API2}API_SendEmail.html",),
        "default",
        _v2_send_unknown_set,
        "sesv2",
    ),
    Scenario(
        "v2-quota-counts-recipients",
        "GetAccount before and after a send to 3 recipients",
        "SendQuota.SentLast24Hours grows by 3",
        (f"{API2}API_GetAccount.html", f"{API2}API_SendQuota.html"),
        "default",
        _v2_quota,
        "sesv2",
    ),
    Scenario(
        "v2-configuration-set",
        "Create, Get, Delete, then GetConfigurationSet",
        "the set by its name, then NotFoundException",
        (
            f"{API2}API_CreateConfigurationSet.html",
            f"{API2}API_GetConfigurationSet.html",
            f"{API2}API_DeleteConfigurationSet.html",
        ),
        "default",
        _v2_configuration_set,
        "sesv2",
    ),
    Scenario(
        "v2-identity-from-classic",
        "VerifyEmailIdentity through Classic, then GetEmailIdentity through v2",
        "the same identity: one account, both APIs manage its identities",
        (IDENTITIES_DOC, f"{API2}API_GetEmailIdentity.html"),
        "default",
        _v2_identity_from_classic,
        "sesv2",
    ),
    Scenario(
        "v2-template-to-classic",
        "CreateEmailTemplate through v2, then GetTemplate through Classic",
        "the same template: one account, both APIs manage its templates",
        (TEMPLATES_DOC, f"{API}API_GetTemplate.html"),
        "default",
        _v2_template_to_classic,
        "sesv2",
    ),
)

#: Why an emulator departs on purpose, by (emulator, scenario id).
BY_DESIGN: Mapping[tuple[str, str], str] = {
    ("sesspec", "unverified-sender"): (
        "by design: without --sandbox sesspec accepts every address, as LocalStack does; "
        "--sandbox applies the verification rules"
    ),
}


# --- running ------------------------------------------------------------------------------------


def run_scenarios(
    client_for: Callable[[str, Api], Any], *, scenarios: tuple[Scenario, ...] = SCENARIOS
) -> dict[str, dict[str, Any]]:
    """Each scenario's outcome, by id: ``{"ok": bool, "what": str}``; ``client_for(mode, api)``
    gives what a scenario of that API is run with, of the emulator running in that mode (a
    Classic ``ses`` client, or :class:`Both` for SES v2)."""
    results: dict[str, dict[str, Any]] = {}
    for number, scenario in enumerate(scenarios, 1):
        unique = f"p{number:02d}"
        try:
            observed = scenario.run(client_for(scenario.mode, scenario.api), unique)
        except _Failed as failed:
            observed = Observed(False, failed.what)
        results[scenario.id] = {"ok": observed.ok, "what": observed.what}
    return results


def boto3_client(url: str, service: str = "ses") -> Any:
    boto3: Any = importlib.import_module("boto3")  # untyped: imported as Any
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=fake.ACCESS_KEY_ID,
        aws_secret_access_key=fake.SECRET_ACCESS_KEY,
    )


def _clients(url: str) -> dict[Api, Any]:
    """What each API's scenarios are given, for the emulator at ``url``."""
    classic = boto3_client(url)
    return {"ses": classic, "sesv2": Both(boto3_client(url, "sesv2"), classic)}


@contextmanager
def sesspec_clients() -> Iterator[Callable[[str, Api], Any]]:
    """Clients of two in-process endpoints: the default mode and ``sandbox=True``."""
    from sesspec.serve import Endpoint

    with tempfile.TemporaryDirectory(prefix="sesspec-parity-") as tmp:
        folder = Path(tmp)
        with (
            Endpoint(folder / "default.jsonl", tls=False, state=True) as default,
            Endpoint(folder / "sandbox.jsonl", tls=False, sandbox=True) as sandbox,
        ):
            clients = {"default": _clients(default.url), "sandbox": _clients(sandbox.url)}
            yield lambda mode, api: clients[mode][api]


@contextmanager
def moto_clients(moto: str) -> Iterator[Callable[[str, Api], Any]]:
    """A client of one ``moto_server`` on 127.0.0.1 for both modes (moto has no sandbox)."""
    from benchmarks.bench import ServerProcess, free_port

    port = free_port()
    server = ServerProcess("moto_server", [moto, "-H", "127.0.0.1", "-p", str(port)], port)
    try:
        clients = _clients(f"http://127.0.0.1:{port}/")
        yield lambda _mode, api: clients[api]
    finally:
        server.stop()


def find_moto() -> str | None:
    return shutil.which("moto_server") or shutil.which(
        "moto_server", path=str(Path(sys.executable).parent)
    )


def moto_version(moto: str) -> str | None:
    """The version of the moto that ``moto``, a ``moto_server`` script, runs: asked of the
    interpreter its first line names (moto lives in an environment of its own, never
    sesspec's), else of this one."""
    try:
        with Path(moto).open("rb") as script:
            first = script.readline(4096)
    except OSError:
        return _version("moto")
    if not first.startswith(b"#!"):
        return _version("moto")
    interpreter = first[2:].decode("utf-8", "replace").strip().split()
    done = subprocess.run(
        [*interpreter, "-c", "from importlib.metadata import version; print(version('moto'))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return (done.stdout.strip() or None) if done.returncode == 0 else _version("moto")


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# --- writing ------------------------------------------------------------------------------------


def _cell(result: Mapping[str, Any] | None, note: str | None) -> str:
    if result is None:
        return "not run"
    what = str(result["what"]).replace("|", "\\|")
    if result["ok"]:
        return f"✓ {what}"
    return f"✗ {what}" + (f" ({note})" if note else "")


#: The table of each API, in order: its heading and the words before it.
_SECTIONS: tuple[tuple[Api, str, str], ...] = (
    (
        "ses",
        "SES Classic (the Query API, 2010-12-01)",
        "The `ses` client of boto3.",
    ),
    (
        "sesv2",
        "SES v2 (the JSON API, 2019-09-27)",
        "The `sesv2` client of boto3 (with the `ses` client for the rows that use both APIs on "
        "one\naccount). sesspec serves SES v2 from the same state as Classic "
        "(docs/spec.md#http-ses-v2).",
    ),
)


def render_markdown(document: Mapping[str, Any]) -> str:
    """The tables, from the JSON document alone."""
    versions = document["versions"]
    results = document["results"]
    lines = [
        "# Emulator parity: sesspec serve and moto_server against documented SES",
        "",
        "Generated by `scripts/emulator_parity.py` from `docs/emulator-parity.json`; do not edit",
        f"by hand. Versions: sesspec {versions['sesspec']}, moto {versions['moto']}, boto3 "
        f"{versions['boto3']} (botocore {versions['botocore']}).",
        "",
        "Each row is a short run of boto3 calls as an application makes them. The expected "
        "behaviour",
        "is what the SES documentation linked in the row says, not what either emulator does. "
        "✓: the",
        "emulator behaves as documented; ✗: it departs, and what it did instead. sesspec runs as",
        "`sesspec serve` (the default mode, and `--sandbox` for the sandbox rows); moto runs as",
        "`moto_server`, which has no sandbox switch (its sandbox rows meet the same server).",
        "",
    ]
    for api, heading, words in _SECTIONS:
        scenarios = [s for s in document["scenarios"] if s.get("api", "ses") == api]
        ids = {s["id"] for s in scenarios}
        lines += [f"## {heading}", "", words, ""]
        for name in ("sesspec", "moto"):
            column = results.get(name) or {}
            matched = sum(1 for sid, r in column.items() if sid in ids and r["ok"])
            label = "sesspec serve" if name == "sesspec" else "moto_server"
            lines.append(f"- {label}: {matched} of {len(scenarios)} as documented")
        lines += [
            "",
            "| # | scenario | documented SES behaviour | sesspec serve | moto_server |",
            "|---:|---|---|---|---|",
        ]
        for number, scenario in enumerate(scenarios, 1):
            sources = " ".join(f"[{i}]({url})" for i, url in enumerate(scenario["sources"], 1))
            cells = [
                _cell(
                    results.get(name, {}).get(scenario["id"]),
                    document["by_design"].get(f"{name}:{scenario['id']}"),
                )
                for name in ("sesspec", "moto")
            ]
            lines.append(
                f"| {number} | {scenario['title']} (`{scenario['id']}`) | "
                f"{scenario['expected']} {sources} | {cells[0]} | {cells[1]} |"
            )
        lines.append("")
    return "\n".join(lines)


def document_for(results: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "versions": {
            "sesspec": _version("sesspec"),
            "moto": _version("moto"),
            "boto3": _version("boto3"),
            "botocore": _version("botocore"),
        },
        "scenarios": [
            {
                "id": s.id,
                "title": s.title,
                "expected": s.expected,
                "sources": list(s.sources),
                "mode": s.mode,
                "api": s.api,
            }
            for s in SCENARIOS
        ],
        "by_design": {f"{who}:{sid}": why for (who, sid), why in BY_DESIGN.items()},
        "results": dict(results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-moto", action="store_true", help="keep moto's recorded column")
    parser.add_argument("--json", type=Path, default=JSON_OUT)
    parser.add_argument("--markdown", type=Path, default=MD_OUT)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with sesspec_clients() as client_for:
        results["sesspec"] = run_scenarios(client_for)
    moto = None if args.no_moto else find_moto()
    if moto is not None:
        with moto_clients(moto) as client_for:
            results["moto"] = run_scenarios(client_for)
    document = document_for(results)
    if moto is not None:
        document["versions"]["moto"] = moto_version(moto)
    if moto is None:
        if not args.json.exists():
            sys.stderr.write("moto_server not found and no recorded column to keep\n")
            return 1
        recorded = json.loads(args.json.read_text(encoding="utf-8"))
        document["results"]["moto"] = recorded["results"].get("moto", {})
        document["versions"]["moto"] = recorded["versions"].get("moto")
    args.json.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    args.markdown.write_text(render_markdown(document), encoding="utf-8")
    for name, column in document["results"].items():
        for api, _heading, _words in _SECTIONS:
            ids = {s.id for s in SCENARIOS if s.api == api}
            matched = sum(1 for sid, r in column.items() if sid in ids and r["ok"])
            sys.stdout.write(f"{name} ({api}): {matched} of {len(ids)} as documented\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
