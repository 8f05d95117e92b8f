"""Hypothesis strategies built from a service model (an optional extra: needs ``hypothesis``).

``params_for("SendEmail")`` draws input params for any operation of a model (SES by default):
required members always, optional ones sometimes; strings from all of Unicode (no surrogates),
enums from their values, integers within ``min``/``max``, blobs as ``bytes``, timestamps as aware
UTC datetimes, floats without NaN (NaN never equals itself, so round trips could not be
compared). Nested structures and maps are never empty: an empty one puts nothing on the wire,
so it cannot come back (that is the protocol, not a bug; :mod:`sesspec.query` says so too).
The values are exactly what :func:`sesspec.query.unflatten` gives back, so
``unflatten(flatten(op, p)).params == p`` is a property users can check on their own models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from sesspec.model import Member, ServiceModel, ses_model

__all__ = ["params_for", "value_for"]


def __dir__() -> list[str]:
    return __all__


_INT_RANGES = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "bigInteger": (-(2**100), 2**100),
}
# Four-digit years only: ISO 8601 / RFC 3339 "date-fullyear = 4DIGIT".
_TIMESTAMPS = st.datetimes(
    min_value=datetime(1000, 1, 1),  # hypothesis bounds are naive by contract
    max_value=datetime(9999, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)
_MAX_LIST = 3
_SES_TAG_TEXT = frozenset({"MessageTagName", "MessageTagValue"})
_TAG_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _cap(low: int | None, high: int | None, usual: int) -> int:
    size = max(low or 0, usual)
    return size if high is None else min(size, high)


def _build(
    model: ServiceModel, ref: Member, cache: dict[str, st.SearchStrategy[Any]], top: str = ""
) -> Any:
    shape = model.shape(ref.shape)
    kind = shape.type
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum)
        if shape.name in _SES_TAG_TEXT:
            # SES rule the model states only in prose: "only alphanumeric ASCII characters,
            # '_', and '-'", at most 256 (MessageTag docs; docs/spec.md#param-tags).
            return st.text(_TAG_ALPHABET, min_size=1, max_size=20)
        return st.text(min_size=shape.min or 0, max_size=_cap(shape.min, shape.max, 20))
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        return st.integers(
            min_value=low if shape.min is None else shape.min,
            max_value=high if shape.max is None else shape.max,
        )
    if kind == "boolean":
        return st.booleans()
    if kind in ("float", "double", "bigDecimal"):
        return st.floats(allow_nan=False, width=32 if kind == "float" else 64)
    if kind == "timestamp":
        fmt = (ref.timestamp_format or shape.timestamp_format or "iso8601").lower()
        if fmt == "iso8601":
            return _TIMESTAMPS
        # epoch seconds and RFC 822 carry whole seconds here.
        return _TIMESTAMPS.map(lambda d: d.replace(microsecond=0))
    if kind == "blob":
        return st.binary(max_size=64)
    if shape.name in cache:
        return cache[shape.name]
    # Recursive shapes: refer to the strategy being built through st.deferred.
    cache[shape.name] = st.deferred(lambda: built[0])
    built: list[st.SearchStrategy[Any]] = []
    if kind == "structure":
        members = {n: _build(model, m, cache, top) for n, m in shape.members.items()}
        required = {n: s for n, s in members.items() if n in shape.required}
        optional = {n: s for n, s in members.items() if n not in shape.required}
        strategy: st.SearchStrategy[Any] = st.fixed_dictionaries(required, optional=optional)
        if not required and shape.name != top:
            # An empty structure puts nothing on the wire (botocore, SMITHY-Q), so it cannot come
            # back from unflatten: nested structures always carry at least one member.
            strategy = strategy.filter(bool)
    elif kind == "list":
        assert shape.member is not None
        strategy = st.lists(
            _build(model, shape.member, cache, top),
            min_size=shape.min or 0,
            max_size=_cap(shape.min, shape.max, _MAX_LIST),
        )
    elif kind == "map":
        assert shape.key is not None
        assert shape.value is not None
        # An empty map sends nothing (Smithy QueryEmptyQueryMaps): drawn maps are never empty.
        strategy = st.dictionaries(
            _build(model, shape.key, cache, top),
            _build(model, shape.value, cache, top),
            min_size=1,
            max_size=_MAX_LIST,
        )
    else:
        msg = f"no strategy for shape type {kind!r}"
        raise ValueError(msg)
    built.append(strategy)
    cache[shape.name] = strategy
    return strategy


def value_for(shape_name: str, *, model: ServiceModel | None = None) -> st.SearchStrategy[Any]:
    """Values of one shape of ``model`` (SES by default)."""
    the_model = ses_model() if model is None else model
    strategy: st.SearchStrategy[Any] = _build(the_model, Member("(value)", shape_name), {})
    return strategy


def params_for(
    operation: str, *, model: ServiceModel | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Input params of ``operation`` (a dict keyed by member name; ``{}`` when it takes none)."""
    the_model = ses_model() if model is None else model
    op = the_model.operation(operation)
    if op.input is None:
        return st.just({})
    strategy: st.SearchStrategy[dict[str, Any]] = _build(
        the_model, Member("(input)", op.input), {}, op.input
    )
    return strategy
