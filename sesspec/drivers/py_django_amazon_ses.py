"""django-amazon-ses (``EMAIL_BACKEND = "django_amazon_ses.EmailBackend"``): Django's
``send()`` of a mail, which the backend sends as SendRawEmail through ``boto3.client("ses")``.

It takes a key, a secret and a region from settings and no endpoint, so the endpoint is given
as boto3 reads it from the environment (``AWS_ENDPOINT_URL_SES``), the CA as
``AWS_CA_BUNDLE``. It passes the key and secret to boto3 itself, so no session token reaches
the client (the catalogue says so).
"""

from __future__ import annotations

import os
from typing import Any

from sesspec.drivers import _django
from sesspec.drivers._mail import mail_of
from sesspec.drivers._pyjob import creds, ok


def run(job: dict[str, Any]) -> dict[str, Any]:
    mail = mail_of(job, client="django-amazon-ses")
    akid, secret, region = creds(job)
    os.environ["AWS_ENDPOINT_URL_SES"] = job["endpoint"]["url"]
    os.environ["AWS_MAX_ATTEMPTS"] = "1"
    settings = {
        "AWS_ACCESS_KEY_ID": akid,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": region,
    }
    sent = _django.send(mail, backend="django_amazon_ses.EmailBackend", settings=settings)
    return ok({"sent": sent}, "sent as SendRawEmail through Django's mail API")
