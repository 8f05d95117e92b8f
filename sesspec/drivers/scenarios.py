"""The scenario file every driver runs (``scenarios.json``), loaded and expanded.

A scenario is an SES operation with its params, written as in the SES model (the member
names botocore, the JS SDKs and the wire use), plus a stable ``id``. The params are the
statement of what the client is asked to send (:mod:`sesspec.fidelity` compares what arrived
with them); ``client`` (:class:`ClientSetup`) is what else it is given: the region, temporary
credentials (the fake session token), an endpoint URL with an explicit port. Three
placeholders keep the file small and readable and are expanded here, deterministically:

- ``{"$mime": {"size": N, "subject": S}}``: a MIME message of exactly N bytes (text part
  plus a base64 attachment of a fixed byte pattern), CRLF line ends (RFC 5322 section 2.1).
- ``{"$recipients": {"count": N, "template": "rcpt{n:02d}@example.com"}}``: N addresses.
- ``{"$repeat": {"unit": U, "length": N, "end": E}}``: U repeated, cut so that with E after
  it the text is exactly N characters.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sesspec.query import flatten

__all__ = ["ClientSetup", "Scenario", "load_scenarios", "mime_message", "typed_params"]


def __dir__() -> list[str]:
    return __all__


#: Members that are blobs in the SES model (only ``RawMessage.Data``; docs/spec.md#param-blob).
BLOB_PATHS = (("RawMessage", "Data"),)


def typed_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of scenario ``params`` with blobs as ``bytes``, as an SDK user passes them."""
    out = json.loads(json.dumps(params))
    for path in BLOB_PATHS:
        node = out
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(path[-1]), str):
            node[path[-1]] = node[path[-1]].encode("utf-8")
    return dict(out)


@dataclass(frozen=True, slots=True)
class ClientSetup:
    """What a client is given besides the params: the ``region`` (its endpoint is that
    region's SES host), whether it gets temporary credentials (``session_token``: the fake
    token), and whether its endpoint URL names the port (``explicit_port``:
    ``https://email.<region>.amazonaws.com:<port>/``, as users point clients at emulators)."""

    region: str = "us-east-1"
    session_token: bool = False
    explicit_port: bool = False

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> ClientSetup:
        raw = raw or {}
        unknown = set(raw) - {"region", "session_token", "endpoint"}
        endpoint = raw.get("endpoint", "default")
        if unknown or endpoint not in ("default", "explicit-port"):
            msg = f"unknown client settings: {sorted(unknown) or endpoint!r}"
            raise ValueError(msg)
        return cls(
            region=str(raw.get("region", "us-east-1")),
            session_token=bool(raw.get("session_token", False)),
            explicit_port=endpoint == "explicit-port",
        )

    def as_job(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "session_token": self.session_token,
            "explicit_port": self.explicit_port,
        }


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scenario: ``params`` as JSON-able values (a blob as its text, ASCII MIME)."""

    id: str
    title: str
    kind: str  # "call" | "presign-get"
    action: str
    params: Mapping[str, Any]
    client: ClientSetup = ClientSetup()

    def typed_params(self) -> dict[str, Any]:
        """``params`` with blobs as ``bytes``, as an SDK user passes them."""
        return typed_params(self.params)

    def form_pairs(self) -> list[tuple[str, str]]:
        """The awsQuery pairs (``Action``, ``Version``, members), from the SES model."""
        return flatten(self.action, self.typed_params())

    def as_job(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "action": self.action,
            "params": self.params,
            "form_pairs": self.form_pairs(),
            "client": self.client.as_job(),
        }


def mime_message(size: int, subject: str) -> str:
    """A deterministic ``multipart/mixed`` message of exactly ``size`` bytes (ASCII)."""
    head = (
        "From: sender@example.com\r\n"
        "To: recipient@example.com\r\n"
        f"Subject: {subject}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="sesspec-boundary"\r\n'
        "\r\n"
        "--sesspec-boundary\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "A raw message built by sesspec for the loopback endpoint.\r\n"
        "--sesspec-boundary\r\n"
        "Content-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="pattern.bin"\r\n'
        "\r\n"
    )
    tail = "\r\n--sesspec-boundary--\r\n"
    room = size - len(head) - len(tail)
    if room < 0:
        msg = f"MIME size {size} is smaller than the message skeleton"
        raise ValueError(msg)
    # Full base64 lines (76 characters + CRLF, RFC 2045 section 6.8); the last line is cut
    # to make the size exact. Nothing decodes the attachment; only the byte count matters.
    line_count = room // 78 + 1
    pattern = bytes(range(256)) * (line_count * 57 // 256 + 1)
    encoded = base64.encodebytes(pattern).decode("ascii").replace("\n", "\r\n")
    body = encoded[:room]
    return head + body + tail


def _expand(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$mime"}:
            spec = value["$mime"]
            return mime_message(int(spec["size"]), str(spec.get("subject", "sesspec")))
        if set(value) == {"$repeat"}:
            spec = value["$repeat"]
            length, end = int(spec["length"]), str(spec.get("end", ""))
            unit = str(spec["unit"])
            return (unit * (length // len(unit) + 1))[: length - len(end)] + end
        if set(value) == {"$recipients"}:
            spec = value["$recipients"]
            template = str(spec["template"])
            return [template.format(n=n) for n in range(1, int(spec["count"]) + 1)]
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    return value


@cache
def _load() -> tuple[Scenario, ...]:
    text = resources.files("sesspec.drivers").joinpath("scenarios.json").read_text("utf-8")
    document = json.loads(text)
    return tuple(
        Scenario(
            id=str(raw["id"]),
            title=str(raw["title"]),
            kind=str(raw["kind"]),
            action=str(raw["action"]),
            params=_expand(raw["params"]),
            client=ClientSetup.from_json(raw.get("client")),
        )
        for raw in document["scenarios"]
    )


def load_scenarios(ids: Sequence[str] | None = None) -> list[Scenario]:
    """The scenarios of ``scenarios.json`` (all, or those with the given ids, in file order)."""
    scenarios = list(_load())
    if ids is None:
        return scenarios
    known = {s.id for s in scenarios}
    unknown = [i for i in ids if i not in known]
    if unknown:
        msg = f"unknown scenario id(s): {unknown}"
        raise KeyError(msg)
    return [s for s in scenarios if s.id in ids]
