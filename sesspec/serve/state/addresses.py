"""Addresses as SES reads them: JavaMail's ``InternetAddress`` checks, in its order and words.

SES answers a bad address with ``InvalidParameterValue`` and JavaMail's message
(docs/spec.md#resp-error-codes): "Missing final '@domain'" (cloud-custodian#885, boto#351),
"Missing local name" (aws-lambda-ses-forwarder#103), "Missing domain" (brave/accounts#35),
"Domain contains illegal character" (lambda-ses-forwarder#2), "Local address contains control or
whitespace", "Domain ends with dot", "Illegal address". Identities compare as RFC 5321 2.4 says:
a domain without case, the local part of an address with it (inference for SES). Sizes are RFC
5321's (docs/spec.md#limit-names): SES documents none, and JavaMail checks none, so the
messages past them are ours, in JavaMail's words.
"""

from __future__ import annotations

import re

from sesspec.serve.responses import invalid_parameter_value
from sesspec.serve.state.calls import Rejected

__all__ = [
    "MAX_ADDRESS",
    "MAX_ADDRESS_FIELD",
    "MAX_DOMAIN",
    "MAX_LOCAL_PART",
    "addr_spec",
    "checked_address",
    "identity_key",
]


def __dir__() -> list[str]:
    return __all__


#: RFC 5321 4.5.3.1.1: "The maximum total length of a user name or other local-part is 64
#: octets."
MAX_LOCAL_PART = 64
#: RFC 5321 4.5.3.1.2: "The maximum total length of a domain name or number is 255 octets."
MAX_DOMAIN = 255
#: RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets: 254 for the address.
MAX_ADDRESS = 254
#: RFC 5322 2.1.1: a line is at most 998 characters; an address with its display name is
#: refused past that (ours: SES's limit on a display name is not documented).
MAX_ADDRESS_FIELD = 998

_SPECIALS = set('()<>,;:\\"[]@')
#: An address every check below passes (dot-atom local part and domain): the common case.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def addr_spec(address: str) -> tuple[str, str | None]:
    """The bare address of ``address`` (``Name <a@b>`` or ``a@b``) and a JavaMail-style error;
    past RFC 5321's sizes (:data:`MAX_LOCAL_PART`, :data:`MAX_DOMAIN`, :data:`MAX_ADDRESS`) or
    RFC 5322's line (:data:`MAX_ADDRESS_FIELD`, with the display name), an error of ours."""
    if len(address) > MAX_ADDRESS_FIELD:
        return address[:MAX_ADDRESS_FIELD], f"Address longer than {MAX_ADDRESS_FIELD} characters"
    if len(address) <= MAX_ADDRESS and _PLAIN_ADDRESS.fullmatch(address):
        if address.index("@") > MAX_LOCAL_PART:
            return address, f"Local address longer than {MAX_LOCAL_PART} characters"
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
    if len(local) > MAX_LOCAL_PART:
        return text, f"Local address longer than {MAX_LOCAL_PART} characters"
    if len(domain) > MAX_DOMAIN:
        return text, f"Domain longer than {MAX_DOMAIN} characters"
    if len(text) > MAX_ADDRESS:
        return text, f"Address longer than {MAX_ADDRESS} characters"
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
