"""What a handler of the local SES is given and gives back, and how it reads its parameters.

A handler answers one action: it takes the :class:`~sesspec.serve.state.account.Account` (the
stores) and a :class:`Call` (the parameters as :func:`sesspec.query.unflatten` gives them, the
time, and the :class:`Origin` of the request, passed in rather than kept aside) and returns a
:class:`Reply`. It refuses by raising :class:`Rejected`, which the front
(:class:`~sesspec.serve.state.SesState`) turns into the reply's SES error. Each store module
declares its handlers in a table (``HANDLERS``, action -> function); the front joins them.

The readers here (:func:`text`, :func:`items`, :func:`structure`, :func:`tags`, :func:`page`)
read the unflattened values with SES's own errors (``MissingParameter``,
``InvalidParameterValue``): the one place a handler's parameter is checked for its type.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sesspec.serve.mailbox import MAX_REQUEST_KEPT
from sesspec.serve.responses import SesError, invalid_parameter_value, missing_parameter
from sesspec.serve.state.persistence import StateWriteError

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = [
    "Call",
    "Handler",
    "Origin",
    "Rejected",
    "Reply",
    "fail",
    "items",
    "not_written",
    "page",
    "paged",
    "record_text",
    "record_time",
    "structure",
    "tags",
    "text",
]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Reply:
    """What one call gives back: ``result`` (None for operations without output) or ``error``,
    and the ids of the messages stored (so the endpoint can attach the request's findings)."""

    result: dict[str, Any] | None = None
    error: SesError | None = None
    message_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Origin:
    """The request a call came in: its sequence number in the capture file, its bytes (head and
    body; a message keeps the head and at most :data:`~sesspec.serve.mailbox.MAX_REQUEST_KEPT`
    bytes of the body) and the wire checker's findings on it (``Finding.as_dict()`` each)."""

    seq: int = 0
    head: bytes = b""
    body: bytes = b""
    findings: tuple[Mapping[str, Any], ...] = ()

    def kept(self) -> bytes:
        return self.head + self.body[:MAX_REQUEST_KEPT]


@dataclass(frozen=True, slots=True)
class Call:
    """One action's input: its ``params``, ``now`` (UTC) and the request it came in (None when
    called from Python), which every message it stores carries."""

    params: Mapping[str, Any]
    now: datetime
    origin: Origin | None = None


#: A handler: the account's stores and the call in, the reply out (or :class:`Rejected`).
Handler = Callable[["Account", Call], Reply]


class Rejected(Exception):  # noqa: N818 - a reply, not a failure of ours
    """Stop handling and answer ``error``."""

    def __init__(self, error: SesError) -> None:
        super().__init__(error.code)
        self.error = error


def fail(code: str, message: str, status: int = 400) -> Rejected:
    """:class:`Rejected` with the SES error ``code`` and ``message``."""
    return Rejected(SesError(code, message, status))


def not_written(error: StateWriteError) -> SesError:
    """The answer to a call whose state could not be written (a full disk, a folder removed):
    SES's answer to a fault of its own, 500 ``InternalFailure`` (GUIDE-ERR), naming the cause."""
    reason = error.cause.strerror or str(error.cause)
    return SesError(
        "InternalFailure", f"The request could not be stored: {reason}.", 500, "Receiver"
    )


# --- reading parameters --------------------------------------------------------------------------


def text(params: Mapping[str, Any], name: str) -> str:
    """The string ``name``; ``MissingParameter`` when absent or empty."""
    value = optional_text(params, name)
    if value is None:
        raise Rejected(missing_parameter(name))
    return value


def optional_text(params: Mapping[str, Any], name: str) -> str | None:
    """The string ``name``, or None when absent or empty."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Rejected(invalid_parameter_value(f"{name} must be a string"))
    return value


def items(params: Mapping[str, Any], name: str) -> list[Any]:
    """The list ``name`` (empty when absent)."""
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected(invalid_parameter_value(f"{name} must be a list"))
    return value


def structure(params: Mapping[str, Any], name: str, *, required: bool = True) -> Mapping[str, Any]:
    """The structure ``name``; when absent ``MissingParameter``, or empty if not ``required``."""
    value = params.get(name)
    if value is None:
        if required:
            raise Rejected(missing_parameter(name))
        return {}
    if not isinstance(value, Mapping):
        raise Rejected(invalid_parameter_value(f"{name} must be a structure"))
    return value


_TAG_NAME = re.compile(r"[A-Za-z0-9_-]*")
_TAG_VALUE = re.compile(r"[A-Za-z0-9_.@-]*")
_TAG_MOST = 255


def tags(entries: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    """Message tags, checked as SES checks them (LocalStack's SES-recorded snapshots)."""
    found = []
    for entry in entries:
        name = entry.get("Name") if isinstance(entry, Mapping) else None
        value = entry.get("Value") if isinstance(entry, Mapping) else None
        if not name:
            raise Rejected(invalid_parameter_value("The tag name must be specified."))
        if value is None or value == "":
            raise Rejected(invalid_parameter_value("The tag value must be specified."))
        name, value = str(name), str(value)
        if len(name) > _TAG_MOST:
            raise Rejected(invalid_parameter_value("Tag name cannot exceed 255 characters."))
        if not _TAG_NAME.fullmatch(name.removeprefix("ses:")):
            raise Rejected(
                invalid_parameter_value(
                    f"Invalid tag name <{name}>: only alphanumeric ASCII characters, '_',  '-' "
                    "are allowed."
                )
            )
        if len(value) > _TAG_MOST:
            raise Rejected(invalid_parameter_value("Tag value cannot exceed 255 characters."))
        if not _TAG_VALUE.fullmatch(value):
            raise Rejected(
                invalid_parameter_value(
                    f"Invalid tag value <{value}>: only alphanumeric ASCII characters, '_',  '-' "
                    ", '.', '@' are allowed."
                )
            )
        found.append((name, value))
    return tuple(found)


def page(
    names: Sequence[str], params: Mapping[str, Any], *, kind: str, default: int, most: int
) -> tuple[list[str], str | None]:
    """One page of ``names`` by ``MaxItems``/``NextToken`` (an opaque offset for ``kind``)."""
    size = params.get("MaxItems")
    if size is None:
        size = default
    if not isinstance(size, int) or size < 1:
        raise Rejected(invalid_parameter_value(f"MaxItems must be at least 1: {size!r}"))
    size = min(size, most)
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            tag, _, offset = base64.b64decode(str(token), validate=True).decode().partition(":")
            start = int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            tag, start = "", -1
        if tag != kind or start < 0:
            raise Rejected(invalid_parameter_value("Invalid NextToken."))
    shown = list(names[start : start + size])
    more = start + size < len(names)
    next_token = base64.b64encode(f"{kind}:{start + size}".encode()).decode() if more else None
    return shown, next_token


def paged(result: dict[str, Any], token: str | None) -> dict[str, Any]:
    """``result`` with ``NextToken`` when there is a next page."""
    if token is not None:
        result["NextToken"] = token
    return result


# --- reading records back (the state folder) ------------------------------------------------------


def record_text(record: Any, name: str, *, optional: bool = False) -> Any:
    """The string ``name`` of a stored record (None allowed when ``optional``); ``TypeError``
    naming the field otherwise."""
    if not isinstance(record, Mapping):
        msg = f"not a JSON object: {type(record).__name__}"
        raise TypeError(msg)
    if name not in record:
        msg = f"{name}: missing"
        raise TypeError(msg)
    value = record[name]
    if isinstance(value, str) or (value is None and optional):
        return value
    msg = f"{name}: not a string: {str(value)[:80]!r}"
    raise TypeError(msg)


def record_time(record: Any, name: str) -> datetime:
    """The ISO 8601 time ``name`` of a stored record, with its zone; ``TypeError`` or
    ``ValueError`` naming the field otherwise."""
    value = record_text(record, name)
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        msg = f"{name}: not a date: {value[:80]!r}"
        raise ValueError(msg) from None
    if when.tzinfo is None:
        msg = f"{name}: no time zone: {value[:80]!r}"
        raise ValueError(msg)
    return when
