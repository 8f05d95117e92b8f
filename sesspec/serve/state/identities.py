"""Identities: the addresses and domains of the account, and the actions that manage them.

New identities are verified at once (as on LocalStack) unless the account's ``auto_verify`` is
off, when they stay ``Pending`` until :meth:`~sesspec.serve.state.SesState.set_verification_status`
says otherwise. A verified domain covers its addresses and subdomains. At most
:data:`MAX_IDENTITIES` (SES's quota per region), 100 a GetIdentityVerificationAttributes (MODEL),
pages of at most 1,000.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sesspec.serve.responses import invalid_parameter_value
from sesspec.serve.state.addresses import addr_spec, identity_key
from sesspec.serve.state.calls import (
    Call,
    Handler,
    Rejected,
    Reply,
    fail,
    items,
    page,
    paged,
    record_text,
    text,
)

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = ["HANDLERS", "MAX_IDENTITIES", "VERIFICATION_STATUSES", "Identities", "Identity"]


def __dir__() -> list[str]:
    return __all__


#: SES's quota of verified identities per region.
MAX_IDENTITIES = 10_000
VERIFICATION_STATUSES = ("Pending", "Success", "Failed", "TemporaryFailure", "NotStarted")
_DOMAIN = re.compile(
    r"(?=.{1,253}\Z)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]+"
)


@dataclass(slots=True)
class Identity:
    name: str
    kind: str  # EmailAddress | Domain
    status: str
    token: str | None = None


class Identities:
    """The account's identities, by :func:`~sesspec.serve.state.addresses.identity_key`; every
    method is called with ``lock`` held or takes it, and calls ``changed`` after a change with
    what undoes it (called when the change cannot be written)."""

    def __init__(
        self,
        lock: threading.RLock,
        *,
        changed: Callable[[Callable[[], object]], None],
        new_token: Callable[[], str],
    ) -> None:
        self._lock = lock
        self._changed = changed
        self._new_token = new_token
        self._records: dict[str, Identity] = {}

    def __iter__(self) -> Iterator[Identity]:
        return iter(list(self._records.values()))

    def get(self, name: str) -> Identity | None:
        return self._records.get(identity_key(name))

    def add(self, name: str, kind: str, status: str) -> Identity:
        """The identity ``name``, added with ``status`` when new (``LimitExceeded`` past
        :data:`MAX_IDENTITIES`)."""
        key = identity_key(name)
        with self._lock:
            record = self._records.get(key)
            if record is None:
                if len(self._records) >= MAX_IDENTITIES:
                    raise fail(
                        "LimitExceeded", f"Maximum number of identities ({MAX_IDENTITIES}) reached."
                    )
                token = self._new_token() if kind == "Domain" else None
                record = self._records[key] = Identity(name, kind, status, token)
                self._changed(lambda: self._records.pop(key, None))
            return record

    def set_status(self, name: str, status: str) -> None:
        """Set the status of ``name``, adding it when new (an address keeps its case, a domain is
        kept in lower case)."""
        key = identity_key(name)
        with self._lock:
            record = self._records.get(key)
            if record is None:
                kind = "EmailAddress" if "@" in name else "Domain"
                token = self._new_token() if kind == "Domain" else None
                kept = name if kind == "EmailAddress" else name.lower()
                self._records[key] = Identity(kept, kind, status, token)
                self._changed(lambda: self._records.pop(key, None))
                return
            previous = record.status
            record.status = status

            def undo() -> None:
                record.status = previous

            self._changed(undo)

    def remove(self, name: str) -> None:
        key = identity_key(name)
        with self._lock:
            record = self._records.pop(key, None)
            if record is not None:
                self._changed(lambda: self._records.__setitem__(key, record))

    def clear(self) -> None:
        self._records.clear()

    def snapshot(self) -> dict[str, Any]:
        """The records as they are (for :meth:`restore`)."""
        return dict(self._records)

    def restore(self, records: dict[str, Any]) -> None:
        self._records = records

    def verified(self, address: str) -> bool:
        """Whether ``address`` (bare) may send or receive: its own identity or a domain above it
        (lock held)."""
        record = self._records.get(identity_key(address))
        if record is not None and record.status == "Success":
            return True
        labels = address.rpartition("@")[2].lower().split(".")
        for i in range(len(labels) - 1):
            record = self._records.get(".".join(labels[i:]))
            if record is not None and record.kind == "Domain" and record.status == "Success":
                return True
        return False

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"name": i.name, "kind": i.kind, "status": i.status, "token": i.token}
            for i in self._records.values()
        ]

    def load_record(self, record: Any) -> None:
        """Keep one record of :meth:`to_json`'s list; ``TypeError`` or ``ValueError`` naming
        the field when it is not one."""
        name = record_text(record, "name")
        kind = record_text(record, "kind")
        status = record_text(record, "status")
        token = record_text(record, "token", optional=True)
        if kind not in ("EmailAddress", "Domain"):
            msg = f"kind: not EmailAddress or Domain: {kind!r}"
            raise ValueError(msg)
        if status not in VERIFICATION_STATUSES:
            msg = f"status: not a verification status: {status!r}"
            raise ValueError(msg)
        self._records[identity_key(name)] = Identity(name, kind, status, token)


# --- the actions ---------------------------------------------------------------------------------


def _new_status(account: Account) -> str:
    return "Success" if account.auto_verify else "Pending"


def _email_identity(params: Mapping[str, Any]) -> str:
    address = text(params, "EmailAddress")
    bare, problem = addr_spec(address)
    if problem is not None or bare != address.strip():
        raise Rejected(invalid_parameter_value(f"Invalid email address <{address}>."))
    return bare


def verify_email_identity(account: Account, call: Call) -> Reply:
    account.identities.add(_email_identity(call.params), "EmailAddress", _new_status(account))
    return Reply(result={})


def verify_email_address(account: Account, call: Call) -> Reply:
    account.identities.add(_email_identity(call.params), "EmailAddress", _new_status(account))
    return Reply(result=None)


def verify_domain_identity(account: Account, call: Call) -> Reply:
    domain = text(call.params, "Domain")
    if not _DOMAIN.fullmatch(domain) or "." not in domain.strip("."):
        raise Rejected(invalid_parameter_value(f"Invalid domain name <{domain}>."))
    record = account.identities.add(domain.lower(), "Domain", _new_status(account))
    return Reply(result={"VerificationToken": record.token})


def list_identities(account: Account, call: Call) -> Reply:
    kind = call.params.get("IdentityType")
    if kind is not None and kind not in ("EmailAddress", "Domain"):
        raise fail(
            "ValidationError",
            f"1 validation error detected: Value '{kind}' at 'identityType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Domain, EmailAddress]",
        )
    with account.lock:
        names = [i.name for i in account.identities if kind in (None, i.kind)]
    shown, token = page(names, call.params, kind=f"identities/{kind}", default=1000, most=1000)
    return Reply(result=paged({"Identities": shown}, token))


def get_verification_attributes(account: Account, call: Call) -> Reply:
    identities = items(call.params, "Identities")
    if len(identities) > 100:
        raise Rejected(
            invalid_parameter_value("At most 100 identities can be asked for at a time.")
        )
    found: dict[str, Any] = {}
    with account.lock:
        for identity in identities:
            record = account.identities.get(str(identity))
            if record is not None:
                attributes: dict[str, Any] = {"VerificationStatus": record.status}
                if record.token is not None:
                    attributes["VerificationToken"] = record.token
                found[str(identity)] = attributes
    return Reply(result={"VerificationAttributes": found})


def delete_identity(account: Account, call: Call) -> Reply:
    account.identities.remove(text(call.params, "Identity"))
    return Reply(result={})


def list_verified_email_addresses(account: Account, call: Call) -> Reply:  # noqa: ARG001
    with account.lock:
        addresses = [
            i.name for i in account.identities if i.kind == "EmailAddress" and i.status == "Success"
        ]
    return Reply(result={"VerifiedEmailAddresses": addresses})


def delete_verified_email_address(account: Account, call: Call) -> Reply:
    account.identities.remove(text(call.params, "EmailAddress"))
    return Reply(result=None)


HANDLERS: Mapping[str, Handler] = {
    "VerifyEmailIdentity": verify_email_identity,
    "VerifyEmailAddress": verify_email_address,
    "VerifyDomainIdentity": verify_domain_identity,
    "ListIdentities": list_identities,
    "GetIdentityVerificationAttributes": get_verification_attributes,
    "DeleteIdentity": delete_identity,
    "ListVerifiedEmailAddresses": list_verified_email_addresses,
    "DeleteVerifiedEmailAddress": delete_verified_email_address,
}
