"""Addresses as SES reads them: JavaMail's ``InternetAddress`` checks, in its order and words.

SES answers a bad address with ``InvalidParameterValue`` and JavaMail's message
(docs/spec.md#resp-error-codes): "Missing final '@domain'" (cloud-custodian#885, boto#351),
"Missing local name" (aws-lambda-ses-forwarder#103), "Missing domain" (brave/accounts#35),
"Domain contains illegal character" (lambda-ses-forwarder#2), "Local address contains control or
whitespace", "Domain ends with dot", "Illegal address". Identities compare as RFC 5321 2.4 says:
a domain without case, the local part of an address with it (inference for SES).
"""

from __future__ import annotations

import re

from sesspec.serve.responses import invalid_parameter_value
from sesspec.serve.state.calls import Rejected

__all__ = ["addr_spec", "checked_address", "identity_key"]


def __dir__() -> list[str]:
    return __all__


_SPECIALS = set('()<>,;:\\"[]@')
#: An address every check below passes (dot-atom local part and domain): the common case.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def addr_spec(address: str) -> tuple[str, str | None]:
    """The bare address of ``address`` (``Name <a@b>`` or ``a@b``) and a JavaMail-style error."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address, None
    text = address.strip()
    if "<" in text or ">" in text:
        if text.count("<") != 1 or text.count(">") != 1 or not text.endswith(">"):
            return text, "Illegal address"
        text = text[text.index("<") + 1 : -1].strip()
    if not text.isascii():
        return text, "Illegal address"
    at = text.rfind("@")
    if at < 0:
        return text, "Missing final '@domain'"
    if at == 0:
        return text, "Missing local name"
    if at == len(text) - 1:
        return text, "Missing domain"
    local, domain = text[:at], text[at + 1 :]
    quoted = local.startswith('"') and local.endswith('"') and len(local) > 1
    problem = None if quoted else _part_problem(local, "Local address")
    if problem is None and not (domain.startswith("[") and domain.endswith("]")):
        problem = _part_problem(domain, "Domain")
    return text, problem


def _part_problem(part: str, label: str) -> str | None:
    """JavaMail's checks of a local part or a domain, in its order and words."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in part):
        return f"{label} contains control or whitespace"
    if any(c in _SPECIALS for c in part):
        return f"{label} contains illegal character"
    if part.startswith("."):
        return f"{label} starts with dot"
    if part.endswith("."):
        return f"{label} ends with dot"
    if ".." in part:
        return f"{label} contains dot-dot"
    return None


def checked_address(address: str) -> str:
    """The bare address, or :class:`~sesspec.serve.state.calls.Rejected` with SES's error."""
    bare, problem = addr_spec(address)
    if problem is not None:
        raise Rejected(invalid_parameter_value(problem))
    return bare


def identity_key(identity: str) -> str:
    """Domains compare without case; an address keeps its local part's case (RFC 5321 2.4)."""
    local, at, domain = identity.rpartition("@")
    return f"{local}@{domain.lower()}" if at else identity.lower()
