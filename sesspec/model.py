"""The service model: operations and shapes of an awsQuery service, SES 2010-12-01 built in (and
SES v2's, 2019-09-27, a REST-JSON service: :func:`sesv2_model`).

The model is read from botocore's JSON service model format (``service-2.json``; MODEL in
docs/spec.md#spec-sources): ``metadata``, ``operations`` (``http``, ``input``, ``output`` with its
``resultWrapper``, ``errors``) and ``shapes`` (``type``, ``members``, ``required``, ``member``,
``key``, ``value``, ``flattened``, ``locationName``, ``enum``, ``min``/``max``/``pattern``,
``timestampFormat``, ``error``). The compact file shipped in ``sesspec/data`` is the same format
with documentation and other non-wire keys dropped (written by ``scripts/gen_model.py``), so
:func:`load_model` reads both.

Wire-name rules kept here as data (SMITHY-Q; ``botocore/serialize.py`` ``QuerySerializer``):

* ``locationName`` (Smithy ``@xmlName``) on a structure member renames that member on the wire;
  on a list member it replaces ``member`` (``ListArg.item.1``); on a map key/value it replaces
  ``key``/``value``.
* ``flattened`` (Smithy ``@xmlFlattened``) may sit on the member or on the list/map shape; either
  one drops the ``member``/``entry`` level (``ListArg.1``, ``MapArg.1.key``).

A REST-JSON model (SES v2) adds where an input member travels (``location``: ``uri``,
``querystring``, ``header``; with ``locationName``, the URI label, query or header name it has
there; a member without one is in the JSON body) and ``union`` structures (exactly one member
set). The operation's ``http.requestUri`` is the path template
(``/v2/email/identities/{EmailIdentity}``).

Reading the package data files in :func:`ses_model` and :func:`sesv2_model` is the one piece of
I/O in the core.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from sesspec.errors import ModelError, VectorError

__all__ = [
    "SHAPE_TYPES",
    "Member",
    "Operation",
    "ServiceModel",
    "Shape",
    "load_model",
    "ses_model",
    "sesv2_model",
]


def __dir__() -> list[str]:
    return __all__


#: Shape types an awsQuery input or output can use (botocore model ``type``).
SHAPE_TYPES = frozenset(
    {
        "structure",
        "list",
        "map",
        "string",
        "integer",
        "long",
        "boolean",
        "timestamp",
        "blob",
        "double",
        "float",
        "byte",
        "short",
        "bigInteger",
        "bigDecimal",
    }
)


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Member:
    """A reference from a structure member, list member or map key/value to its target shape.

    ``location_name`` is the awsQuery name override (botocore ``locationName``, Smithy
    ``@xmlName``), or in a REST model the name the member has where ``location`` puts it (``uri``,
    ``querystring``, ``header``; None: the body); ``flattened`` is a member-level ``flattened``
    (Smithy ``@xmlFlattened``); ``timestamp_format`` a member-level ``timestampFormat``.
    """

    name: str
    shape: str
    location_name: str | None = None
    flattened: bool = False
    timestamp_format: str | None = None
    idempotency_token: bool = False
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Shape:
    """One named shape of the model.

    ``members`` (structures) keeps the model's member order, which is the order in which
    :func:`sesspec.query.flatten` emits pairs. ``error_code``/``http_status_code``/``sender_fault``
    come from botocore's ``error`` trait on exception shapes (``exception`` is true for them);
    ``union``: a structure of which exactly one member is set.
    """

    name: str
    type: str
    members: Mapping[str, Member] = field(default_factory=_empty)
    required: frozenset[str] = frozenset()
    member: Member | None = None
    key: Member | None = None
    value: Member | None = None
    flattened: bool = False
    enum: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    location_name: str | None = None
    timestamp_format: str | None = None
    exception: bool = False
    error_code: str | None = None
    http_status_code: int | None = None
    sender_fault: bool = False
    union: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation: its input/output shape names, the output ``resultWrapper`` and errors."""

    name: str
    input: str | None
    output: str | None
    result_wrapper: str | None
    errors: tuple[str, ...]
    http_method: str
    request_uri: str


@dataclass(frozen=True, slots=True)
class ServiceModel:
    """A whole service model. ``metadata`` keeps every metadata key of the source model."""

    api_version: str
    xml_namespace: str
    signing_name: str
    endpoint_prefix: str
    protocol: str
    operations: Mapping[str, Operation]
    shapes: Mapping[str, Shape]
    metadata: Mapping[str, Any] = field(default_factory=_empty)
    # Per-model cache of compiled serializer plans (sesspec.query); not part of the value.
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def shape(self, name: str) -> Shape:
        """The shape called ``name``; :class:`~sesspec.errors.ModelError` (kind
        ``unknown-shape``) naming it when the model has none."""
        try:
            return self.shapes[name]
        except KeyError:
            msg = f"no shape {name[:100]!r} in the {self.api_version} model"
            raise ModelError(msg, name=name, kind="unknown-shape") from None

    def operation(self, name: str) -> Operation:
        """The operation called ``name``; :class:`~sesspec.errors.ModelError` (kind
        ``unknown-operation``) naming it when the model has none."""
        try:
            return self.operations[name]
        except KeyError:
            msg = f"no operation {name[:100]!r} in the {self.api_version} model"
            raise ModelError(msg, name=name, kind="unknown-operation") from None


def _int_or_none(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise VectorError(f"expected an integer, got {value!r}", path=where)
    return int(value)


def _member(name: str, raw: Any, where: str) -> Member:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("shape"), str):
        raise VectorError("a member needs a 'shape' name", path=where)
    return Member(
        name=name,
        shape=raw["shape"],
        location_name=raw.get("locationName"),
        flattened=bool(raw.get("flattened", False)),
        timestamp_format=raw.get("timestampFormat"),
        idempotency_token=bool(raw.get("idempotencyToken", False)),
        location=raw.get("location"),
    )


def _shape(name: str, raw: Any) -> Shape:
    where = f"shapes.{name}"
    if not isinstance(raw, Mapping) or raw.get("type") not in SHAPE_TYPES:
        got = raw.get("type") if isinstance(raw, Mapping) else raw
        raise VectorError(f"unknown shape type {got!r}", path=where)
    members = {
        m: _member(m, spec, f"{where}.members.{m}") for m, spec in raw.get("members", {}).items()
    }
    error = raw.get("error") or {}
    return Shape(
        name=name,
        type=raw["type"],
        members=MappingProxyType(members),
        required=frozenset(raw.get("required", ())),
        member=_member("member", raw["member"], f"{where}.member") if "member" in raw else None,
        key=_member("key", raw["key"], f"{where}.key") if "key" in raw else None,
        value=_member("value", raw["value"], f"{where}.value") if "value" in raw else None,
        flattened=bool(raw.get("flattened", False)),
        enum=tuple(raw.get("enum", ())),
        min=_int_or_none(raw.get("min"), f"{where}.min"),
        max=_int_or_none(raw.get("max"), f"{where}.max"),
        pattern=raw.get("pattern"),
        location_name=raw.get("locationName"),
        timestamp_format=raw.get("timestampFormat"),
        exception=bool(raw.get("exception", False)),
        error_code=error.get("code"),
        http_status_code=error.get("httpStatusCode"),
        sender_fault=bool(error.get("senderFault", False)),
        union=bool(raw.get("union", False)),
    )


def _operation(name: str, raw: Any) -> Operation:
    where = f"operations.{name}"
    if not isinstance(raw, Mapping):
        raise VectorError("an operation must be an object", path=where)
    http = raw.get("http") or {}
    output = raw.get("output") or {}
    return Operation(
        name=raw.get("name", name),
        input=(raw.get("input") or {}).get("shape"),
        output=output.get("shape"),
        result_wrapper=output.get("resultWrapper"),
        errors=tuple(e["shape"] for e in raw.get("errors", ())),
        http_method=http.get("method", "POST"),
        request_uri=http.get("requestUri", "/"),
    )


def load_model(data: Mapping[str, Any]) -> ServiceModel:
    """Build a :class:`ServiceModel` from a botocore-style JSON model (compact or full).

    Raises :class:`~sesspec.errors.VectorError` (``path`` = the dotted place in the model) when a
    shape or operation is malformed or a member names a shape the model does not define.
    """
    metadata = data.get("metadata") or {}
    shapes = {name: _shape(name, raw) for name, raw in (data.get("shapes") or {}).items()}
    operations = {
        name: _operation(name, raw) for name, raw in (data.get("operations") or {}).items()
    }
    for shape in shapes.values():
        refs = [*shape.members.values(), shape.member, shape.key, shape.value]
        for ref in refs:
            if ref is not None and ref.shape not in shapes:
                path = f"shapes.{shape.name}.{ref.name}"
                raise VectorError(f"unknown shape {ref.shape!r}", path=path)
    for op in operations.values():
        for ref_name in (op.input, op.output, *op.errors):
            if ref_name is not None and ref_name not in shapes:
                raise VectorError(f"unknown shape {ref_name!r}", path=f"operations.{op.name}")
    endpoint_prefix = metadata.get("endpointPrefix", "")
    return ServiceModel(
        api_version=metadata.get("apiVersion", ""),
        xml_namespace=metadata.get("xmlNamespace", ""),
        signing_name=metadata.get("signingName", endpoint_prefix),
        endpoint_prefix=endpoint_prefix,
        protocol=metadata.get("protocol", "query"),
        operations=MappingProxyType(operations),
        shapes=MappingProxyType(shapes),
        metadata=MappingProxyType(dict(metadata)),
    )


#: The package data files (written by scripts/gen_model.py from botocore's service-2.json).
_SES_MODEL_FILE = "ses-2010-12-01.json"
_SESV2_MODEL_FILE = "sesv2-2019-09-27.json"


def _packaged(name: str) -> ServiceModel:
    text = resources.files("sesspec").joinpath("data", name).read_text("utf-8")
    return load_model(json.loads(text))


@lru_cache(maxsize=1)
def ses_model() -> ServiceModel:
    """The SES Classic 2010-12-01 model shipped with sesspec (loaded once, then cached)."""
    return _packaged(_SES_MODEL_FILE)


@lru_cache(maxsize=1)
def sesv2_model() -> ServiceModel:
    """The SES v2 2019-09-27 model (REST-JSON) shipped with sesspec (loaded once, then cached)."""
    return _packaged(_SESV2_MODEL_FILE)
