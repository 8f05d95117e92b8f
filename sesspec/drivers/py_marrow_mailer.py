"""marrow.mailer with its Amazon SES transport (``Mailer({"transport.use": "amazon", ...})``),
which sends SendRawEmail through boto 2's ``boto.ses.connect_to_region``.

The transport takes boto's connection options (``port``, ``is_secure``, ``security_token``)
beside the key, secret and region; the host is boto's for the region (the real SES host, which
the loopback guard sends to the endpoint) and the CA is boto's config. The wheel on PyPI ships
no transports (4.0.3), so the catalogue installs it from its sdist. Its dependency
marrow.util 1.2.3 imports ``cgi.parse_qsl``, which Python 3.8 removed (it had moved to
``urllib.parse`` long before): the driver puts that one name back, the change a user on a
current Python makes to import it, and nothing else.
"""

from __future__ import annotations

import importlib
from typing import Any

from sesspec.drivers._mail import mail_of
from sesspec.drivers._pyjob import creds, ok, token


def run(job: dict[str, Any]) -> dict[str, Any]:
    import cgi  # noqa: PLC0415 (deprecated module; marrow.util imports from it)
    import urllib.parse  # noqa: PLC0415

    if not hasattr(cgi, "parse_qsl"):
        cgi.parse_qsl = urllib.parse.parse_qsl  # type: ignore[attr-defined]
    import boto  # noqa: PLC0415 (child only)

    marrow = importlib.import_module("marrow.mailer")

    mail = mail_of(job, client="marrow.mailer")
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    if not boto.config.has_section("Boto"):
        boto.config.add_section("Boto")
    boto.config.set("Boto", "num_retries", "0")
    if endpoint.get("ca_path"):
        boto.config.set("Boto", "ca_certificates_file", endpoint["ca_path"])
    transport: dict[str, Any] = {
        "use": "marrow.mailer.transport.ses:AmazonTransport",
        "id": akid,
        "key": secret,
        "region": region,
        "is_secure": bool(endpoint["tls"]),
    }
    if endpoint.get("told_port"):
        transport["port"] = endpoint["told_port"]
    session_token = token(job)
    if session_token:
        transport["security_token"] = session_token
    mailer = marrow.Mailer(
        {
            "manager.use": "marrow.mailer.manager.immediate:ImmediateManager",
            "transport": transport,
        }
    )
    mailer.start()
    try:
        message = marrow.Message(
            author=mail.source,
            to=mail.to,
            cc=mail.cc or None,
            bcc=mail.bcc or None,
            reply=mail.reply_to[0] if mail.reply_to else None,
            subject=mail.subject,
        )
        if mail.text is not None:
            message.plain = mail.text
        if mail.html is not None:
            message.rich = mail.html
        result = mailer.send(message)
    finally:
        mailer.stop()
    return ok({"result": str(result)}, "sent as SendRawEmail through marrow.mailer")
