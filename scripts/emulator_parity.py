"""Emulator parity: the same application scenarios against sesspec serve and moto's server,
each judged against what the SES documentation says.

    python scripts/emulator_parity.py            # writes docs/emulator-parity.{json,md}
    python scripts/emulator_parity.py --no-moto  # sesspec only (moto's column from the JSON)

Every scenario is a short run of boto3 calls, as an application makes them, with names of its
own (so the scenarios share one server without meeting). What the scenario expects is written
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
    client_for: Callable[[str], Any], *, scenarios: tuple[Scenario, ...] = SCENARIOS
) -> dict[str, dict[str, Any]]:
    """Each scenario's outcome, by id: ``{"ok": bool, "what": str}``; ``client_for(mode)``
    gives the boto3 client of the emulator running in that mode."""
    results: dict[str, dict[str, Any]] = {}
    for number, scenario in enumerate(scenarios, 1):
        unique = f"p{number:02d}"
        try:
            observed = scenario.run(client_for(scenario.mode), unique)
        except _Failed as failed:
            observed = Observed(False, failed.what)
        results[scenario.id] = {"ok": observed.ok, "what": observed.what}
    return results


def boto3_client(url: str) -> Any:
    boto3: Any = importlib.import_module("boto3")  # untyped: imported as Any
    return boto3.client(
        "ses",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=fake.ACCESS_KEY_ID,
        aws_secret_access_key=fake.SECRET_ACCESS_KEY,
    )


@contextmanager
def sesspec_clients() -> Iterator[Callable[[str], Any]]:
    """Clients of two in-process endpoints: the default mode and ``sandbox=True``."""
    from sesspec.serve import Endpoint

    with tempfile.TemporaryDirectory(prefix="sesspec-parity-") as tmp:
        folder = Path(tmp)
        with (
            Endpoint(folder / "default.jsonl", tls=False, state=True) as default,
            Endpoint(folder / "sandbox.jsonl", tls=False, sandbox=True) as sandbox,
        ):
            clients = {"default": boto3_client(default.url), "sandbox": boto3_client(sandbox.url)}
            yield clients.__getitem__


@contextmanager
def moto_clients(moto: str) -> Iterator[Callable[[str], Any]]:
    """A client of one ``moto_server`` on 127.0.0.1 for both modes (moto has no sandbox)."""
    from benchmarks.bench import ServerProcess, free_port

    port = free_port()
    server = ServerProcess("moto_server", [moto, "-H", "127.0.0.1", "-p", str(port)], port)
    try:
        client = boto3_client(f"http://127.0.0.1:{port}/")
        yield lambda _mode: client
    finally:
        server.stop()


def find_moto() -> str | None:
    return shutil.which("moto_server") or shutil.which(
        "moto_server", path=str(Path(sys.executable).parent)
    )


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


def render_markdown(document: Mapping[str, Any]) -> str:
    """The table, from the JSON document alone."""
    versions = document["versions"]
    results = document["results"]
    total = len(document["scenarios"])
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
    for name in ("sesspec", "moto"):
        column = results.get(name) or {}
        matched = sum(1 for r in column.values() if r["ok"])
        label = "sesspec serve" if name == "sesspec" else "moto_server"
        lines.append(f"- {label}: {matched} of {total} as documented")
    lines += [
        "",
        "| # | scenario | documented SES behaviour | sesspec serve | moto_server |",
        "|---:|---|---|---|---|",
    ]
    for number, scenario in enumerate(document["scenarios"], 1):
        sources = " ".join(f"[{i}]({url})" for i, url in enumerate(scenario["sources"], 1))
        cells = [
            _cell(
                results.get(name, {}).get(scenario["id"]),
                document["by_design"].get(f"{name}:{scenario['id']}"),
            )
            for name in ("sesspec", "moto")
        ]
        lines.append(
            f"| {number} | {scenario['title']} (`{scenario['id']}`) | {scenario['expected']} "
            f"{sources} | {cells[0]} | {cells[1]} |"
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
        matched = sum(1 for r in column.values() if r["ok"])
        sys.stdout.write(f"{name}: {matched} of {len(SCENARIOS)} as documented\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
