"""django-ses (``EMAIL_BACKEND = "django_ses.SESBackend"``): Django's ``send()`` of a mail,
which the backend sends as SendRawEmail through boto3 (1.0 and later) or boto 2 (0.x).

Settings as its README gives them: ``AWS_SES_REGION_NAME``, ``AWS_SES_REGION_ENDPOINT`` (the
host, for the 0.x releases), ``AWS_SES_REGION_ENDPOINT_URL`` (the URL, for the boto3 ones),
the keys and, with temporary credentials, ``AWS_SES_SESSION_TOKEN``; the CA through
``AWS_CA_BUNDLE`` (boto3) or boto's config (boto 2).
"""

from __future__ import annotations

from typing import Any

from sesspec.drivers import _django
from sesspec.drivers._mail import mail_of
from sesspec.drivers._pyjob import creds, ok, token


def run(job: dict[str, Any]) -> dict[str, Any]:
    mail = mail_of(job, client="django-ses")
    akid, secret, region = creds(job)
    endpoint = job["endpoint"]
    if endpoint.get("ca_path"):  # the 0.x releases send through boto 2
        try:
            import boto  # noqa: PLC0415 (child only)
        except ImportError:
            pass
        else:
            if not boto.config.has_section("Boto"):
                boto.config.add_section("Boto")
            boto.config.set("Boto", "num_retries", "0")
            boto.config.set("Boto", "ca_certificates_file", endpoint["ca_path"])
    settings: dict[str, Any] = {
        "AWS_ACCESS_KEY_ID": akid,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_SES_REGION_NAME": region,
        "AWS_SES_REGION_ENDPOINT": endpoint["authority"],
        "AWS_SES_REGION_ENDPOINT_URL": endpoint["url"].rstrip("/"),
        # 0 turns the throttle off in every release (None is refused by 2.2-2.4's float()); on,
        # each send first asks GetSendQuota.
        "AWS_SES_AUTO_THROTTLE": 0,
    }
    session_token = token(job)
    if session_token:
        settings["AWS_SES_SESSION_TOKEN"] = session_token
    sent = _django.send(mail, backend="django_ses.SESBackend", settings=settings)
    return ok({"sent": sent}, "sent as SendRawEmail through Django's mail API")
