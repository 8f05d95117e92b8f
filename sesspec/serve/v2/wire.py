"""SES v2's wire format (REST-JSON, docs/spec.md#http-ses-v2-wire): the operation a request names,
and the JSON answers (its input is read by :mod:`sesspec.serve.v2.reading`).

* :class:`Routes` finds the operation from the method and the path, by the model's
  ``requestUri`` templates (``/v2/email/identities/{EmailIdentity}``): a label matches one path
  segment, percent-decoded strictly (``a%2Bb%40example.com`` is ``a+b@example.com``).
* :func:`json_body` writes an output shape's value as JSON (timestamps as epoch seconds, blobs
  as base64), refusing a member the shape does not have (a bug of ours: ``ParamError``);
  :func:`error_answer` writes SES v2's error: the status, the code in ``x-amzn-ErrorType`` and
  ``{"message": ...}`` (pm-pmaas/etailors_amazon_ses#28 shows SES v2's answer to a bad
  signature in that form).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sesspec.encoding import percent_decode
from sesspec.errors import EncodingError, ParamError
from sesspec.model import Operation, ServiceModel
from sesspec.serve.exchange import Answer

__all__ = [
    "Refused",
    "Route",
    "Routes",
    "V2Error",
    "bad_request",
    "error_answer",
    "json_answer",
    "json_body",
]


def __dir__() -> list[str]:
    return __all__


_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class V2Error:
    """One SES v2 error answer: the code (an exception shape of the model, or a front end's),
    its message and the HTTP status."""

    code: str
    message: str
    status: int = 400


class Refused(Exception):  # noqa: N818 - an answer, not a failure of ours
    """Stop and answer ``error``."""

    def __init__(self, error: V2Error) -> None:
        super().__init__(error.code)
        self.error = error


def bad_request(message: str) -> Refused:
    """:class:`Refused` with SES v2's error for input it refuses, ``BadRequestException``."""
    return Refused(V2Error("BadRequestException", message))


# --- routes --------------------------------------------------------------------------------------

_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")


@dataclass(frozen=True, slots=True)
class Route:
    """The operation a request names and its URI labels, percent-decoded."""

    operation: Operation
    labels: Mapping[str, str]


class Routes:
    """The operations of ``model`` by method and path template."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        table: list[tuple[int, re.Pattern[str], Operation]] = []
        for op in model.operations.values():
            pattern, literal = _template(op.request_uri)
            table.append((literal, pattern, op))
        # The template with the most literal text first: /templates/{T}/render before /{T}.
        table.sort(key=lambda row: -row[0])
        self._table = tuple((pattern, op) for _, pattern, op in table)

    def find(self, method: str, path: str) -> Route:
        """The route of ``method`` and the (still percent-encoded) ``path``; :class:`Refused`
        with ``UnknownOperationException`` (404) when no operation is there."""
        methods: list[str] = []
        for pattern, op in self._table:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            if op.http_method != method:
                methods.append(op.http_method)
                continue
            labels = {}
            for name, raw in found.groupdict().items():
                try:
                    labels[name] = percent_decode(raw, strict=True)
                except EncodingError as exc:
                    msg = f"URI label {name} is not percent-encoded UTF-8: {exc.message}"
                    raise bad_request(msg) from None
            return Route(op, labels)
        shown = path if len(path) <= 200 else path[:200] + "..."
        if methods:
            message = (
                f"No SES v2 operation at {method} {shown}; this path takes {'/'.join(methods)}"
            )
        else:
            message = f"No SES v2 operation at {method} {shown}"
        raise Refused(V2Error("UnknownOperationException", message, 404))


def _template(request_uri: str) -> tuple[re.Pattern[str], int]:
    parts: list[str] = []
    literal = 0
    last = 0
    for found in _LABEL.finditer(request_uri):
        text = request_uri[last : found.start()]
        parts.append(re.escape(text))
        literal += len(text)
        name, greedy = found.group(1), found.group(2)
        parts.append(f"(?P<{name}>.+)" if greedy else f"(?P<{name}>[^/]+)")
        last = found.end()
    tail = request_uri[last:]
    parts.append(re.escape(tail))
    return re.compile("".join(parts)), literal + len(tail)


# --- answers -------------------------------------------------------------------------------------


def json_body(
    model: ServiceModel, shape_name: str | None, value: Mapping[str, Any] | None
) -> bytes:
    """``value`` written as the output shape ``shape_name`` says (timestamps as epoch seconds,
    blobs base64); :class:`~sesspec.errors.ParamError` naming a member the shape lacks."""
    if shape_name is None or value is None:
        return b"{}"
    out = _out(model, shape_name, value, shape_name)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _out(model: ServiceModel, shape_name: str, value: Any, path: str) -> Any:
    shape = model.shape(shape_name)
    if shape.type == "structure":
        if not isinstance(value, Mapping):
            raise ParamError(f"expected a structure at {path}", param=path, kind="wrong-type")
        result = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                raise ParamError(
                    f"{shape_name} has no member {name!r}", param=f"{path}.{name}", kind="unknown"
                )
            if item is not None:
                result[name] = _out(model, member.shape, item, f"{path}.{name}")
        return result
    if shape.type == "list":
        assert shape.member is not None
        member_shape = shape.member.shape
        return [_out(model, member_shape, v, f"{path}.{i}") for i, v in enumerate(value)]
    if shape.type == "map":
        assert shape.value is not None
        value_shape = shape.value.shape
        return {k: _out(model, value_shape, v, f"{path}.{k}") for k, v in value.items()}
    if shape.type == "timestamp" and isinstance(value, datetime):
        return value.timestamp()
    if shape.type == "blob" and isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return value


def json_answer(body: bytes, *, request_id: str, keep_alive: bool, status: int = 200) -> Answer:
    """A JSON answer with SES's request id header."""
    return Answer(
        status,
        body,
        content_type=_JSON,
        headers=(("x-amzn-RequestId", request_id),),
        keep_alive=keep_alive,
    )


def error_answer(error: V2Error, *, request_id: str, keep_alive: bool) -> Answer:
    """SES v2's error: its status, ``x-amzn-ErrorType`` (the code, never a CR or LF: it is one
    of ours) and ``{"message": ...}``."""
    body = json.dumps({"message": error.message}, ensure_ascii=False).encode("utf-8")
    return Answer(
        error.status,
        body,
        content_type=_JSON,
        headers=(("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error.code)),
        keep_alive=keep_alive,
    )
