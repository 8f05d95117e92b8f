"""Django's mail API (inside a driver child): settings for an email backend, then one
``EmailMultiAlternatives(...).send()``, as an application sends mail through django-ses or
django-amazon-ses."""

from __future__ import annotations

import importlib
from typing import Any

from sesspec.drivers._mail import Mail

__all__ = ["send"]


def __dir__() -> list[str]:
    return __all__


def send(mail: Mail, *, backend: str, settings: dict[str, Any]) -> int:
    """Configure Django with ``backend`` and ``settings``, send ``mail``; the count Django's
    ``send()`` returns (1: sent)."""
    conf = importlib.import_module("django.conf")  # child only
    if not conf.settings.configured:
        conf.settings.configure(EMAIL_BACKEND=backend, **settings)
        importlib.import_module("django").setup()
    message_module = importlib.import_module("django.core.mail")
    message = message_module.EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text if mail.text is not None else (mail.html or ""),
        from_email=mail.source,
        to=mail.to,
        cc=mail.cc,
        bcc=mail.bcc,
        reply_to=mail.reply_to,
    )
    if mail.text is None and mail.html is not None:
        message.content_subtype = "html"
    elif mail.html is not None:
        message.attach_alternative(mail.html, "text/html")
    return int(message.send())
