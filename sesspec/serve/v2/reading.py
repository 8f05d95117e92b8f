"""Reading an SES v2 request's input (docs/spec.md#http-ses-v2-wire): the members from where the
model puts them, validated against the input shape.

:func:`read_input` reads the URI labels (:class:`~sesspec.serve.v2.wire.Routes` decoded them),
the query members and the JSON body, and checks them against the operation's input shape,
collecting every problem: structures (required members; a union holds exactly one), lists and
maps, strings (enums, lengths), numbers (types, ranges), booleans, blobs (base64, decoded to
bytes), timestamps. Members the model does not know are ignored, as AWS's JSON protocols do.
Patterns (Java regular expressions in the model) are not checked.

Bounds, each checked before the body is parsed or a value converted: :data:`MAX_JSON_DEPTH`
levels of nesting, integers of at most :data:`MAX_INTEGER_DIGITS` digits (a longer one is
refused, not converted), at most :data:`MAX_PROBLEMS` validation problems named (the others
counted). The body itself is bounded by the transport (``max_body``).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from sesspec.errors import EncodingError
from sesspec.http import RawRequest
from sesspec.model import ServiceModel, Shape
from sesspec.params import query_params
from sesspec.serve.v2.wire import Refused, Route, V2Error, bad_request

__all__ = ["MAX_INTEGER_DIGITS", "MAX_JSON_DEPTH", "MAX_PROBLEMS", "read_input"]


def __dir__() -> list[str]:
    return __all__


#: Levels of JSON nesting read (the SES v2 model's deepest input is 7; ours).
MAX_JSON_DEPTH = 32
#: Digits of an integer literal read (the model's integers and longs have at most 19; ours).
MAX_INTEGER_DIGITS = 20
#: Validation problems named in one answer (the count of the others is given; ours).
MAX_PROBLEMS = 10


def _serialization(message: str) -> Refused:
    # The JSON protocols' code for a body that cannot be read (Smithy aws.protocols).
    return Refused(V2Error("SerializationException", message))


#: A JSON string (so that brackets inside it are skipped) or a bracket.
_JSON_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _depth_over(body: bytes, most: int) -> bool:
    """Whether ``body`` nests arrays and objects deeper than ``most`` (strings skipped)."""
    if body.count(b"[") + body.count(b"{") <= most:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(body):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            if depth > most:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


class _LongNumberError(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        msg = f"an integer of {len(text)} characters (at most {MAX_INTEGER_DIGITS} digits)"
        raise _LongNumberError(msg)
    return int(text)


def _no_constant(name: str) -> Any:
    msg = f"{name} is not JSON"
    raise _LongNumberError(msg)


def _body(body: bytes) -> dict[str, Any]:
    """The JSON object of ``body`` (``{}`` when empty), or :class:`Refused`."""
    if not body.strip():
        return {}
    if _depth_over(body, MAX_JSON_DEPTH):
        msg = f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels"
        raise _serialization(msg)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the body is not UTF-8: byte {exc.start} (0x{body[exc.start]:02x})"
        raise _serialization(msg) from None
    try:
        value = json.loads(text, parse_int=_int, parse_constant=_no_constant)
    except _LongNumberError as exc:
        raise _serialization(f"the body cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        msg = f"the body is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise _serialization(msg) from None
    if not isinstance(value, dict):
        raise _serialization(f"the body must be a JSON object, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


class _Problems:
    """Validation problems, the first :data:`MAX_PROBLEMS` in words and the rest counted."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.count = 0

    def add(self, path: str, constraint: str, value: Any = ...) -> None:
        self.count += 1
        if len(self.shown) < MAX_PROBLEMS:
            what = "Value" if value is ... else f"Value {_short(value)}"
            self.shown.append(f"{what} at '{path}' failed to satisfy constraint: {constraint}")

    def refusal(self) -> Refused:
        more = self.count - len(self.shown)
        tail = f"; and {more} more" if more else ""
        errors = "error" if self.count == 1 else "errors"
        text = "; ".join(self.shown)
        return bad_request(f"{self.count} validation {errors} detected: {text}{tail}")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, bytes) else "<blob>"
    return text if len(text) <= 60 else text[:57] + "..."


def read_input(model: ServiceModel, route: Route, request: RawRequest) -> dict[str, Any]:
    """The input of ``route``'s operation: URI labels, query members and the JSON body, each
    checked against the input shape (docs/spec.md#http-ses-v2-wire); :class:`Refused` with
    ``SerializationException`` (a body that is not a JSON object, or past a bound) or
    ``BadRequestException`` (every validation problem, the first :data:`MAX_PROBLEMS` named)."""
    op = route.operation
    if op.input is None:
        return {}
    shape = model.shape(op.input)
    body_members = {n: m for n, m in shape.members.items() if m.location is None}
    body = _body(request.body) if body_members else {}
    given: dict[str, Any] = {n: v for n, v in body.items() if n in body_members}
    query: list[tuple[str, str]] | None = None
    problems = _Problems()
    for name, member in shape.members.items():
        where = member.location_name or name
        if member.location == "uri":
            given[name] = route.labels.get(where)
        elif member.location == "querystring":
            if query is None:
                try:
                    query = query_params(request)
                except EncodingError as exc:
                    raise bad_request(f"the query cannot be read: {exc.message}") from None
            values = [v for n, v in query if n == where]
            if values:
                given[name] = _from_text(model, member.shape, values, name, problems)
        elif member.location == "header":
            value = request.header(where)
            if value is not None:
                given[name] = _from_text(model, member.shape, [value], name, problems)
    checked: dict[str, Any] = _check_structure(model, op.input, given, "", problems)
    if problems.count:
        raise problems.refusal()
    return checked


def _from_text(
    model: ServiceModel, shape_name: str, values: list[str], path: str, problems: _Problems
) -> Any:
    """A query or header member's value as its shape's type (a list takes every value)."""
    shape = model.shape(shape_name)
    if shape.type == "list" and shape.member is not None:
        return [_from_text(model, shape.member.shape, [v], path, problems) for v in values]
    text = values[-1]
    if shape.type in ("integer", "long"):
        digits = text.lstrip("-")
        if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_INTEGER_DIGITS:
            problems.add(path, "Member must be an integer", text)
            return None
        return int(text)
    if shape.type == "boolean":
        if text not in ("true", "false"):
            problems.add(path, "Member must be true or false", text)
            return None
        return text == "true"
    return text


def _check(model: ServiceModel, shape_name: str, value: Any, path: str, problems: _Problems) -> Any:
    shape = model.shape(shape_name)
    kind = shape.type
    if kind == "structure":
        return _check_structure(model, shape_name, value, path, problems)
    if kind == "list":
        if not isinstance(value, list):
            problems.add(path, f"Member must be an array, not {_kind(value)}")
            return None
        _length((shape.min, shape.max), len(value), path, problems, "number of items")
        assert shape.member is not None
        member = shape.member.shape
        return [_check(model, member, v, f"{path}.{i}", problems) for i, v in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            problems.add(path, f"Member must be an object, not {_kind(value)}")
            return None
        assert shape.key is not None
        assert shape.value is not None
        out = {}
        for key, item in value.items():
            _check(model, shape.key.shape, key, f"{path}.key", problems)
            out[key] = _check(model, shape.value.shape, item, f"{path}.{key}", problems)
        return out
    return _check_scalar(shape, value, path, problems)


def _check_structure(
    model: ServiceModel, shape_name: str, value: Any, path: str, problems: _Problems
) -> Any:
    shape = model.shape(shape_name)
    if not isinstance(value, dict):
        problems.add(path or shape_name, f"Member must be an object, not {_kind(value)}")
        return None
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(name)
        where = f"{path}.{name}" if path else name
        if item is None:
            if name in shape.required:
                problems.add(where, "Member must not be null")
            continue
        out[name] = _check(model, member.shape, item, where, problems)
    if shape.union and len(out) != 1:
        members = ", ".join(shape.members)
        problems.add(path or shape_name, f"Member must set exactly one of {members}")
    return out


def _check_scalar(shape: Shape, value: Any, path: str, problems: _Problems) -> Any:
    kind = shape.type
    if kind == "string":
        if not isinstance(value, str):
            problems.add(path, f"Member must be a string, not {_kind(value)}")
            return None
        if shape.enum and value not in shape.enum:
            allowed = ", ".join(shape.enum)
            problems.add(path, f"Member must satisfy enum value set: [{allowed}]", value)
        _length((shape.min, shape.max), len(value), path, problems, "length")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            problems.add(path, f"Member must be a boolean, not {_kind(value)}")
            return None
        return value
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(path, f"Member must be an integer, not {_kind(value)}")
            return None
        _range(shape.min, shape.max, value, path, problems)
        return value
    if kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.add(path, f"Member must be a number, not {_kind(value)}")
            return None
        if not math.isfinite(value):
            problems.add(path, "Member must be a finite number")
        return value
    if kind == "blob":
        return _blob(value, path, problems, (shape.min, shape.max))
    if kind == "timestamp":
        return _timestamp(value, path, problems)
    problems.add(path, f"Member of type {kind} is not read by the local SES")
    return None


def _length(
    bounds: tuple[int | None, int | None], size: int, path: str, problems: _Problems, what: str
) -> None:
    low, high = bounds
    if low is not None and size < low:
        problems.add(path, f"Member must have {what} greater than or equal to {low}")
    if high is not None and size > high:
        problems.add(path, f"Member must have {what} less than or equal to {high}")


def _range(low: int | None, high: int | None, value: int, path: str, problems: _Problems) -> None:
    if low is not None and value < low:
        problems.add(path, f"Member must have value greater than or equal to {low}", value)
    if high is not None and value > high:
        problems.add(path, f"Member must have value less than or equal to {high}", value)


def _blob(
    value: Any, path: str, problems: _Problems, bounds: tuple[int | None, int | None]
) -> bytes | None:
    if not isinstance(value, str):
        problems.add(path, f"Member must be a base64 string, not {_kind(value)}")
        return None
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        problems.add(path, "Member must be base64 (RFC 4648)")
        return None
    _length(bounds, len(data), path, problems, "length")
    return data


def _timestamp(value: Any, path: str, problems: _Problems) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.add(path, f"Member must be a timestamp, not {_kind(value)}")
        return None
    try:
        if isinstance(value, str):
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        return datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        problems.add(path, "Member must be a timestamp (epoch seconds or ISO 8601)", value)
        return None
