"""Configuration sets: the account's sets and the actions that manage them.

A send naming a set that does not exist is answered ``ConfigurationSetDoesNotExist``
"Configuration set <x> does not exist." (LocalStack's snapshot tests recorded against SES). At
most :data:`MAX_CONFIGURATION_SETS` (SES's quota per region), pages of at most 1,000.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sesspec.serve.state.calls import (
    Call,
    Handler,
    Reply,
    fail,
    items,
    page,
    paged,
    record_text,
    record_time,
    structure,
    text,
)

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = ["HANDLERS", "MAX_CONFIGURATION_SETS", "ConfigurationSets"]


def __dir__() -> list[str]:
    return __all__


#: SES's quota of configuration sets per region.
MAX_CONFIGURATION_SETS = 10_000
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ConfigurationSets:
    """The account's configuration sets (name -> when made); ``changed`` is called after a
    change (lock held) with what undoes it."""

    def __init__(
        self, lock: threading.RLock, *, changed: Callable[[Callable[[], object]], None]
    ) -> None:
        self._lock = lock
        self._changed = changed
        self._created: dict[str, datetime] = {}

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._created))

    def require(self, name: str | None) -> None:
        """``ConfigurationSetDoesNotExist`` unless ``name`` is a set of the account."""
        with self._lock:
            known = name in self._created
        if not known:
            raise fail(
                "ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist."
            )

    def create(self, name: str, now: datetime) -> None:
        with self._lock:
            if name in self._created:
                raise fail(
                    "ConfigurationSetAlreadyExists", f"Configuration set <{name}> already exists."
                )
            if len(self._created) >= MAX_CONFIGURATION_SETS:
                raise fail(
                    "LimitExceeded",
                    f"Maximum number of configuration sets ({MAX_CONFIGURATION_SETS}).",
                )
            self._created[name] = now
            self._changed(lambda: self._created.pop(name, None))

    def delete(self, name: str) -> None:
        with self._lock:
            self.require(name)
            created = self._created.pop(name)
            self._changed(lambda: self._created.__setitem__(name, created))

    def clear(self) -> None:
        self._created.clear()

    def snapshot(self) -> dict[str, Any]:
        """The records as they are (for :meth:`restore`)."""
        return dict(self._created)

    def restore(self, records: dict[str, Any]) -> None:
        self._created = records

    def to_json(self) -> list[dict[str, Any]]:
        return [{"name": n, "created": c.isoformat()} for n, c in self._created.items()]

    def load_record(self, record: Any) -> None:
        """Keep one record of :meth:`to_json`'s list; ``TypeError`` or ``ValueError`` naming
        the field when it is not one."""
        self._created[record_text(record, "name")] = record_time(record, "created")


# --- the actions ---------------------------------------------------------------------------------


def create_configuration_set(account: Account, call: Call) -> Reply:
    name = text(structure(call.params, "ConfigurationSet"), "Name")
    if not _NAME.fullmatch(name):
        raise fail(
            "InvalidConfigurationSet",
            f"Configuration set name <{name[:80]}> is invalid: use at most 64 letters, numbers, "
            "underscores or dashes.",
        )
    account.configuration_sets.create(name, call.now)
    return Reply(result={})


def delete_configuration_set(account: Account, call: Call) -> Reply:
    account.configuration_sets.delete(text(call.params, "ConfigurationSetName"))
    return Reply(result={})


def describe_configuration_set(account: Account, call: Call) -> Reply:
    name = text(call.params, "ConfigurationSetName")
    account.configuration_sets.require(name)
    result: dict[str, Any] = {"ConfigurationSet": {"Name": name}}
    attributes = items(call.params, "ConfigurationSetAttributeNames")
    if "eventDestinations" in attributes:
        result["EventDestinations"] = []
    if "deliveryOptions" in attributes:
        result["DeliveryOptions"] = {"TlsPolicy": "Optional"}
    if "reputationOptions" in attributes:
        result["ReputationOptions"] = {"SendingEnabled": True, "ReputationMetricsEnabled": False}
    return Reply(result=result)


def list_configuration_sets(account: Account, call: Call) -> Reply:
    names = list(account.configuration_sets)
    shown, token = page(names, call.params, kind="configuration-sets", default=1000, most=1000)
    return Reply(result=paged({"ConfigurationSets": [{"Name": n} for n in shown]}, token))


HANDLERS: Mapping[str, Handler] = {
    "CreateConfigurationSet": create_configuration_set,
    "DeleteConfigurationSet": delete_configuration_set,
    "DescribeConfigurationSet": describe_configuration_set,
    "ListConfigurationSets": list_configuration_sets,
}
