"""Compiled awsQuery plans: one small object per (shape, flattened, timestamp format).

Each plan knows how to ``write`` a Python value as form pairs and how to ``read`` it back from a
tree of dotted names, and reports every problem it finds into a list (never stops at the first).
Plans are built once per model and cached on it (``ServiceModel._cache``), so flattening does not
walk the model's dictionaries again: a structure plan is a tuple of ``(python name, wire name,
plan)``. The wire rules are those of SMITHY-Q and docs/spec.md#param-flattening (see
:mod:`sesspec.query`).
"""

from __future__ import annotations

import binascii
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from sesspec.errors import ModelError, ParamError
from sesspec.model import Member, ServiceModel, Shape

Pairs = list[tuple[str, str]]
Errors = list[ParamError]

# Messages of the fixed-text problems (each ParamError also carries its kind, which is what
# callers decide by).
UNKNOWN = "unknown member"
MISSING = "missing required member"
DUPLICATE = "duplicate parameter"
INDEX_ZERO = "list index must start at 1"
INDEX_GAP = "list index gap: this element is missing"
INDEX_BAD = "list index is not a positive decimal number without leading zeros"
NO_MEMBER = "list element without '.member' (awsQuery lists are Name.member.N)"
EMPTY_SEGMENT = "empty segment in parameter name"
NOT_SCALAR = "expected a single value, got nested parameters"
NOT_NESTED = "expected nested parameters, got a single value"
LIST_MIXED = "empty-list marker 'Name=' together with list elements"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Most dot-separated segments in a parameter name that :func:`build_tree` reads (PHP's
#: ``max_input_nesting_level`` is 64 too). The deepest SES name has 7
#: (``Destinations.member.1.Destination.ToAddresses.member.1``); a deeper one is reported (kind
#: ``too-deep``) without being split.
MAX_NAME_DEPTH = 64
#: Most distinct dotted prefixes (``A``, ``A.B``, ``A.B.C``...) of all the names of one form:
#: each costs some 270 bytes of tree, so 10,000 names of 64 segments would cost 170 MB. An SES
#: request has about one per pair (the names share their prefixes). Names past the budget are
#: reported (kind ``too-many-prefixes``) and left out.
MAX_NAME_PREFIXES = 4 * 10_000
#: Largest list (or map) index read: a request holds at most ``encoding.MAX_PAIRS`` pairs, so
#: an index above it means elements before it are missing. Checked on the digit count before
#: the digits become a number (kind ``index-too-large``), so a 5,000-digit index costs nothing.
MAX_LIST_INDEX = 10_000
#: Most digits in an integer read or written (kind ``too-many-digits``): far above any integer
#: type (a long has 19), far below Python's own 4,300-digit limit on ``int(str)``.
MAX_INTEGER_DIGITS = 100
#: Most characters of an epoch-seconds timestamp read (year 9999 is 12 digits, with up to 9
#: of fraction); a longer text is refused as not a time (kind ``invalid-value``).
MAX_EPOCH_TEXT = 32
# The same bounds as numbers.
_INDEX_DIGITS = len(str(MAX_LIST_INDEX))
_INT_BOUND = 10**MAX_INTEGER_DIGITS


def _shown(text: str, limit: int = 60) -> str:
    """``repr`` of a value for a message, cut at ``limit`` characters."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text)} characters)"


#: Blobs at least this long are kept as bytes when flattening for a body (:class:`BodyPairs`).
DEFER_BLOB = 1 << 18


class BodyPairs(list[tuple[str, str]]):
    """Pairs flattened for a body writer (:mod:`sesspec._body`): a blob of ``DEFER_BLOB`` bytes
    or more is not base64-encoded here; its pair holds an empty value and ``blobs`` (set by
    whoever makes the list) maps the pair's index to the data, which the writer encodes slice
    by slice, so that no full-size base64 text is ever made."""

    __slots__ = ("blobs",)
    blobs: dict[int, bytes]


class Node:
    """One dotted-name segment of a decoded form: its own value (if any) and its children.

    ``key`` is the dotted name up to this node. A node where a pair's name ends holds that
    name; an inner node keeps the name that made it and its depth, and joins its key only when
    asked (for a message), so that a deep name does not cost one copy of its prefix per
    segment. (No parent links: the tree has no cycles to wait for the collector.)
    """

    __slots__ = ("_key", "children", "depth", "source", "value")

    def __init__(self, key: str | None, source: str = "", depth: int = 0) -> None:
        self._key = key
        self.source = source
        self.depth = depth
        self.value: str | None = None
        self.children: dict[str, Node] = {}

    @property
    def key(self) -> str:
        key = self._key
        if key is None:
            key = self._key = ".".join(self.source.split(".")[: self.depth])
        return key


# The shortest name that can have more than MAX_NAME_DEPTH segments without an empty one: the
# segments of a shorter name are only counted when split (and are few).
_DEEP_NAME = 2 * MAX_NAME_DEPTH + 1


def build_tree(pairs: Pairs, errors: Errors) -> Node:
    """The pairs as a tree of name segments; reports duplicate names, empty segments, names
    deeper than :data:`MAX_NAME_DEPTH` and names past :data:`MAX_NAME_PREFIXES` (both left
    out of the tree, the latter reported once)."""
    root = Node("")
    budget = MAX_NAME_PREFIXES
    for name, value in pairs:
        if len(name) >= _DEEP_NAME and (dots := name.count(".")) >= MAX_NAME_DEPTH:
            msg = (
                f"parameter name of {dots + 1} segments: deeper than the {MAX_NAME_DEPTH} "
                "sesspec reads, and than any member"
            )
            errors.append(ParamError(msg, param=name, kind="too-deep"))
            continue
        # A name makes at most MAX_NAME_DEPTH new prefixes: only near the end are they counted.
        if budget < MAX_NAME_DEPTH and _new_prefixes(root, name) > budget:
            msg = (
                f"the parameter names have more than {MAX_NAME_PREFIXES} distinct dotted "
                "prefixes: this one and the rest are not read"
            )
            errors.append(ParamError(msg, param=name, kind="too-many-prefixes"))
            break
        node = root
        parts = name.split(".")
        if "" in parts:
            errors.append(ParamError(EMPTY_SEGMENT, param=name, kind="empty-segment"))
            continue
        for part in parts:
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = Node(None, name, node.depth + 1)
                budget -= 1
            node = child
        if node.value is not None:
            errors.append(ParamError(DUPLICATE, param=name, kind="duplicate"))
            continue
        node._key = name  # the name of the pair, already in memory
        node.value = value
    return root


def _new_prefixes(root: Node, name: str) -> int:
    """How many nodes adding ``name`` to the tree would make."""
    node = root
    parts = name.split(".")
    for i, part in enumerate(parts):
        child = node.children.get(part)
        if child is None:
            return len(parts) - i
        node = child
    return 0


def _type_error(expected: str, value: object, name: str) -> ParamError:
    return ParamError(
        f"wrong type: expected {expected}, got {type(value).__name__}",
        param=name,
        kind="wrong-type",
    )


class Plan:
    """Base of all plans."""

    __slots__ = ()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        raise NotImplementedError

    def read(self, node: Node, errors: Errors) -> Any:
        raise NotImplementedError


class _Scalar(Plan):
    __slots__ = ()

    def read(self, node: Node, errors: Errors) -> Any:
        if node.children:
            errors.append(ParamError(NOT_SCALAR, param=node.key, kind="not-scalar"))
            return None
        return self.parse(node.value or "", node.key, errors)

    def parse(self, text: str, name: str, errors: Errors) -> Any:
        raise NotImplementedError


class StringPlan(_Scalar):
    """Strings (and string enums: values outside the enum are the server's call, not ours)."""

    __slots__ = ()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if type(value) is str:
            out.append((name, value))
        elif isinstance(value, str):
            out.append((name, str.__str__(value)))
        else:
            errors.append(_type_error("str", value, name))

    def parse(self, text: str, name: str, errors: Errors) -> Any:  # noqa: ARG002 - one signature
        return text


class BooleanPlan(_Scalar):
    """``true`` / ``false`` (SMITHY-Q; docs/spec.md#param-boolean)."""

    __slots__ = ()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if value is True:
            out.append((name, "true"))
        elif value is False:
            out.append((name, "false"))
        else:
            errors.append(_type_error("bool", value, name))

    def parse(self, text: str, name: str, errors: Errors) -> Any:
        if text == "true":
            return True
        if text == "false":
            return False
        msg = f"not a boolean ('true' or 'false'): {_shown(text)}"
        errors.append(ParamError(msg, param=name, kind="invalid-value"))
        return None


_INT_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")


class IntegerPlan(_Scalar):
    """Integers and longs as decimal text."""

    __slots__ = ()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            if -_INT_BOUND < value < _INT_BOUND:
                out.append((name, str(int(value))))
            else:
                errors.append(_too_many_digits(name))
        else:
            errors.append(_type_error("int", value, name))

    def parse(self, text: str, name: str, errors: Errors) -> Any:
        if len(text) > MAX_INTEGER_DIGITS + 1 or (
            len(text) > MAX_INTEGER_DIGITS and text[0] != "-"
        ):
            errors.append(_too_many_digits(name))
            return None
        if _INT_TEXT.match(text) is None:
            errors.append(
                ParamError(f"not an integer: {_shown(text)}", param=name, kind="invalid-value")
            )
            return None
        return int(text)


def _too_many_digits(name: str) -> ParamError:
    msg = (
        f"an integer of more than {MAX_INTEGER_DIGITS} digits: over sesspec's limit, and "
        "outside the range of any integer type"
    )
    return ParamError(msg, param=name, kind="too-many-digits")


_FLOAT_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
# Smithy awsQuery tests AwsQuerySupportsNaNFloatInputs / ...InfinityFloatInputs: these spellings.
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class FloatPlan(_Scalar):
    """Floats and doubles; NaN and the infinities as ``NaN``, ``Infinity``, ``-Infinity``."""

    __slots__ = ()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if type(value) is float:
            if math.isfinite(value):
                out.append((name, repr(value)))
            elif math.isnan(value):
                out.append((name, "NaN"))
            else:
                out.append((name, "Infinity" if value > 0 else "-Infinity"))
        elif isinstance(value, int) and not isinstance(value, bool):
            if -_INT_BOUND < value < _INT_BOUND:
                out.append((name, str(int(value))))
            else:
                errors.append(_too_many_digits(name))
        elif isinstance(value, str) and value in _SPECIAL_FLOATS:
            out.append((name, str.__str__(value)))
        elif isinstance(value, float):
            self.write(float(value), name, out, errors)
        else:
            errors.append(_type_error("float", value, name))

    def parse(self, text: str, name: str, errors: Errors) -> Any:
        special = _SPECIAL_FLOATS.get(text)
        if special is not None:
            return special
        if _FLOAT_TEXT.match(text) is None:
            errors.append(
                ParamError(f"not a number: {_shown(text)}", param=name, kind="invalid-value")
            )
            return None
        return float(text)


_ISO_TEXT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z\Z"
)
_EPOCH_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")


def format_iso8601(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``, with ``.ffffff`` when there are microseconds.

    botocore ``serialize.py``: ``ISO8601 = '%Y-%m-%dT%H:%M:%SZ'`` and ``ISO8601_MICRO`` (the same
    with ``.%f``) when ``value.microsecond > 0``; the year is always four digits here.
    """
    v = value
    text = f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
    return f"{text}.{v.microsecond:06d}Z" if v.microsecond else f"{text}Z"


def to_utc(value: Any, name: str, errors: Errors) -> datetime | None:
    """A timestamp input as an aware UTC datetime.

    Accepts a ``datetime`` (naive is taken as UTC, as botocore does), epoch seconds (int or
    float), or an ISO 8601 string (``datetime.fromisoformat``, which takes ``Z`` on 3.11).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            msg = f"{value.isoformat()} is outside years 1 to 9999 in UTC"
            errors.append(ParamError(msg, param=name, kind="invalid-value"))
            return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return _EPOCH + timedelta(seconds=value)
        except (OverflowError, ValueError):  # NaN, infinities, and past year 9999
            msg = f"not a timestamp between years 1 and 9999: {value!r:.60}"
            errors.append(ParamError(msg, param=name, kind="invalid-value"))
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
            return to_utc(parsed, name, errors)
        except (OverflowError, ValueError):  # bad text, or a zone that leaves years 1-9999
            msg = f"not an ISO 8601 timestamp between years 1 and 9999: {_shown(value)}"
            errors.append(ParamError(msg, param=name, kind="invalid-value"))
            return None
    errors.append(_type_error("datetime", value, name))
    return None


class TimestampPlan(_Scalar):
    """Timestamps: ISO 8601 with ``Z`` by default; ``unixTimestamp``/``rfc822`` when the model says.

    SMITHY-Q: "timestamp values are serialized as an RFC 3339 date-time string by default";
    ``@timestampFormat`` (botocore ``timestampFormat``) changes that (test QueryTimestampsInput).
    """

    __slots__ = ("fmt",)

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt.lower()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        when = to_utc(value, name, errors)
        if when is None:
            return
        if self.fmt == "unixtimestamp":
            seconds = (when - _EPOCH) // timedelta(seconds=1)
            if when.microsecond:
                # botocore _timestamp_unixtimestamp: (timestamp * 10**6 + microsecond) / 10**6
                out.append((name, repr((seconds * 10**6 + when.microsecond) / 10**6)))
            else:
                out.append((name, str(seconds)))
        elif self.fmt == "rfc822":
            out.append((name, format_datetime(when.replace(microsecond=0), usegmt=True)))
        else:
            out.append((name, format_iso8601(when)))

    def parse(self, text: str, name: str, errors: Errors) -> Any:
        if self.fmt == "unixtimestamp":
            if len(text) > MAX_EPOCH_TEXT or _EPOCH_TEXT.match(text) is None:
                msg = f"not epoch seconds between years 1 and 9999: {_shown(text)}"
                errors.append(ParamError(msg, param=name, kind="invalid-value"))
                return None
            micros = (Decimal(text) * 10**6).to_integral_value()
            try:
                return _EPOCH + timedelta(microseconds=int(micros))
            except OverflowError:
                msg = f"not epoch seconds between years 1 and 9999: {_shown(text)}"
                errors.append(ParamError(msg, param=name, kind="invalid-value"))
                return None
        if self.fmt == "rfc822":
            try:
                return parsedate_to_datetime(text).astimezone(UTC)
            except (TypeError, ValueError, OverflowError, IndexError):
                msg = f"not an RFC 822 date: {_shown(text)}"
                errors.append(ParamError(msg, param=name, kind="invalid-value"))
                return None
        match = _ISO_TEXT.match(text)
        if match is None:
            errors.append(
                ParamError(
                    f"not an ISO 8601 timestamp (YYYY-MM-DDThh:mm:ssZ): {_shown(text)}",
                    param=name,
                    kind="invalid-value",
                )
            )
            return None
        y, mo, d, h, mi, s, frac = match.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        try:
            return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=UTC)
        except ValueError:
            msg = f"not a valid date and time: {text!r}"
            errors.append(ParamError(msg, param=name, kind="invalid-value"))
            return None


class BlobPlan(_Scalar):
    """Blobs: base64 on the wire (SMITHY-Q; docs/spec.md#param-blob); ``str`` input is UTF-8 encoded
    first.

    ``binascii.b2a_base64`` is the C encoder and takes any buffer without a copy; only the
    ASCII-to-``str`` step copies once (the pairs hold ``str``).
    """

    __slots__ = ()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8")
        if type(out) is BodyPairs and type(value) is bytes and len(value) >= DEFER_BLOB:
            out.blobs[len(out)] = value
            out.append((name, ""))
            return
        try:
            encoded = binascii.b2a_base64(value, newline=False)
        except TypeError:
            errors.append(_type_error("bytes", value, name))
            return
        out.append((name, encoded.decode("ascii")))

    def parse(self, text: str, name: str, errors: Errors) -> Any:
        try:
            return binascii.a2b_base64(text, strict_mode=True)
        except (binascii.Error, ValueError) as exc:
            msg = f"not valid base64 ({exc}): {text[:40]!r}"
            errors.append(ParamError(msg, param=name, kind="invalid-value"))
            return None


class StructurePlan(Plan):
    """Structures: ``Parent.Child`` (members in model order).

    ``write`` is made per structure by :func:`_structure_writer` once the members are known.
    """

    __slots__ = ("by_wire", "fields", "names", "required", "shape", "write")
    write: Callable[[Any, str, Pairs, Errors], None]  # type: ignore[assignment] # per instance

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.fields: tuple[tuple[str, str, Plan], ...] = ()
        self.by_wire: dict[str, tuple[str, Plan]] = {}
        self.names: frozenset[str] = frozenset()
        self.required: tuple[tuple[str, str], ...] = ()

    def set_fields(self, fields: list[tuple[str, str, Plan]]) -> None:
        self.fields = tuple(fields)
        self.by_wire = {wire: (py, plan) for py, wire, plan in fields}
        self.names = frozenset(py for py, _, _ in fields)
        self.required = tuple((py, wire) for py, wire, _ in fields if py in self.shape.required)
        self.write = _structure_writer(self)

    def read(self, node: Node, errors: Errors) -> Any:
        if node.value is not None and node.key:
            errors.append(ParamError(NOT_NESTED, param=node.key, kind="not-nested"))
        result: dict[str, Any] = {}
        by_wire = self.by_wire
        for segment, child in node.children.items():
            entry = by_wire.get(segment)
            if entry is None:
                errors.append(ParamError(UNKNOWN, param=child.key, kind="unknown"))
                continue
            result[entry[0]] = entry[1].read(child, errors)
        for py_name, wire in self.required:
            if py_name not in result:
                base = f"{node.key}." if node.key else ""
                errors.append(ParamError(MISSING, param=base + wire, kind="missing"))
        return result


def _structure_writer(plan: StructurePlan) -> Callable[[Any, str, Pairs, Errors], None]:
    """``write`` for ``plan``: each member given (not None) is written in model order under
    ``<name>.<wire name>``, a ``str`` for a string member directly, anything else by the
    member's plan (which checks its type); then the members the model does not have and the
    required members that are missing are reported.

    A closure over the plan's fields, made once per structure: every request walks several
    structures, and locals are the cheapest lookups Python has. (An earlier version generated
    straight-line Python source per structure and ran it with ``exec``: about 1 us faster on a
    small SendEmail, which the benchmark did not show to be needed; BENCHMARKS.md.)
    """
    fields = tuple(
        (py_name, wire, member, type(member) is StringPlan) for py_name, wire, member in plan.fields
    )
    names = plan.names
    required = plan.required

    def write(value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if type(value) is not dict and not isinstance(value, Mapping):
            errors.append(_type_error("mapping", value, name or "(params)"))
            return
        base = f"{name}." if name else ""
        get = value.get
        count = 0
        for py_name, wire, member, is_string in fields:
            item = get(py_name)
            if item is not None:
                count += 1
                if is_string and type(item) is str:
                    out.append((base + wire, item))
                else:
                    member.write(item, base + wire, out, errors)
        if count != len(value):
            errors.extend(
                ParamError(UNKNOWN, param=base + str(k), kind="unknown")
                for k in value
                if k not in names
            )
        for py_name, wire in required:
            if get(py_name) is None:
                errors.append(ParamError(MISSING, param=base + wire, kind="missing"))

    return write


def _indexed(node: Node, errors: Errors) -> list[Node]:
    """Children of ``node`` named 1..N, in order; reports index 0, bad numbers, indexes above
    :data:`MAX_LIST_INDEX` (left out), and each run of missing indexes once."""
    found: dict[int, Node] = {}
    for segment, child in node.children.items():
        if not segment.isdigit() or not segment.isascii():
            errors.append(ParamError(UNKNOWN, param=child.key, kind="unknown"))
        elif segment == "0":
            errors.append(ParamError(INDEX_ZERO, param=child.key, kind="index-zero"))
        elif segment[0] == "0":
            errors.append(ParamError(INDEX_BAD, param=child.key, kind="index-bad"))
        elif len(segment) > _INDEX_DIGITS or int(segment) > MAX_LIST_INDEX:
            msg = (
                f"list index above {MAX_LIST_INDEX}, more elements than a request can hold: "
                "the elements before it are missing"
            )
            errors.append(ParamError(msg, param=child.key, kind="index-too-large"))
        else:
            found[int(segment)] = child
    order = sorted(found)
    if order and order[-1] != len(order):
        expected = 1
        for i in order:
            if i > expected:
                errors.append(_gap(node.key, expected, i - 1))
            expected = i + 1
    return [found[i] for i in order]


def _gap(key: str, first: int, last: int) -> ParamError:
    """One error for the run of missing indexes ``first``..``last`` (named by the first)."""
    if first == last:
        return ParamError(INDEX_GAP, param=f"{key}.{first}", kind="index-gap")
    msg = f"list index gap: elements {first} to {last} are missing"
    return ParamError(msg, param=f"{key}.{first}", kind="index-gap")


class ListPlan(Plan):
    """Lists: ``Name.member.N`` 1-based, or ``Name.N`` when flattened; empty list as ``Name=``."""

    __slots__ = ("flattened", "infix", "item", "item_name")

    def __init__(self, *, flattened: bool, item_name: str) -> None:
        self.flattened = flattened
        self.item_name = item_name
        self.infix = "." if flattened else f".{item_name}."
        self.item: Plan = Plan()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if type(value) is not list and not isinstance(value, list | tuple):
            errors.append(_type_error("list", value, name))
            return
        if not value:
            # An empty list is written as its name (SMITHY-Q; docs/spec.md#param-empty-list)
            out.append((name, ""))
            return
        prefix = name + self.infix
        write = self.item.write
        for i, item in enumerate(value, 1):
            write(item, f"{prefix}{i}", out, errors)

    def read(self, node: Node, errors: Errors) -> Any:
        if not node.children:
            if node.value:
                errors.append(ParamError(NOT_NESTED, param=node.key, kind="not-nested"))
            return []
        if node.value is not None:
            errors.append(ParamError(LIST_MIXED, param=node.key, kind="list-mixed"))
        if self.flattened:
            holder = node
        else:
            holder = Node(node.key)
            for segment, child in node.children.items():
                if segment == self.item_name:
                    holder = child
                elif segment.isdigit():
                    errors.append(ParamError(NO_MEMBER, param=child.key, kind="no-member"))
                else:
                    errors.append(ParamError(UNKNOWN, param=child.key, kind="unknown"))
            if holder.value is not None:
                errors.append(ParamError(NOT_NESTED, param=holder.key, kind="not-nested"))
        read = self.item.read
        return [read(child, errors) for child in _indexed(holder, errors)]


class MapPlan(Plan):
    """Maps: ``Name.entry.N.key`` / ``.value`` (or ``Name.N.key`` flattened; names overridable)."""

    __slots__ = ("flattened", "key", "key_name", "value", "value_name")

    def __init__(self, *, flattened: bool, key_name: str, value_name: str) -> None:
        self.flattened = flattened
        self.key_name = key_name
        self.value_name = value_name
        self.key: Plan = Plan()
        self.value: Plan = Plan()

    def write(self, value: Any, name: str, out: Pairs, errors: Errors) -> None:
        if not isinstance(value, Mapping):
            errors.append(_type_error("mapping", value, name))
            return
        prefix = f"{name}." if self.flattened else f"{name}.entry."
        for i, (k, v) in enumerate(value.items(), 1):
            entry = f"{prefix}{i}."
            self.key.write(k, entry + self.key_name, out, errors)
            if v is None:
                msg = "map value is missing"
                errors.append(ParamError(msg, param=entry + self.value_name, kind="missing"))
            else:
                self.value.write(v, entry + self.value_name, out, errors)

    def read(self, node: Node, errors: Errors) -> Any:
        if node.value is not None:
            errors.append(ParamError(NOT_NESTED, param=node.key, kind="not-nested"))
        holder = node
        if not self.flattened:
            holder = Node(node.key)
            for segment, child in node.children.items():
                if segment == "entry":
                    holder = child
                else:
                    errors.append(ParamError(UNKNOWN, param=child.key, kind="unknown"))
        result: dict[Any, Any] = {}
        for entry in _indexed(holder, errors):
            key_node = entry.children.get(self.key_name)
            value_node = entry.children.get(self.value_name)
            for segment, child in entry.children.items():
                if segment not in (self.key_name, self.value_name):
                    errors.append(ParamError(UNKNOWN, param=child.key, kind="unknown"))
            if key_node is None or value_node is None:
                missing = self.key_name if key_node is None else self.value_name
                errors.append(ParamError(MISSING, param=f"{entry.key}.{missing}", kind="missing"))
                continue
            k = self.key.read(key_node, errors)
            if k in result:
                errors.append(ParamError("duplicate map key", param=key_node.key, kind="duplicate"))
            result[k] = self.value.read(value_node, errors)
        return result


_SCALARS: dict[str, Plan] = {
    "string": StringPlan(),
    "boolean": BooleanPlan(),
    "integer": IntegerPlan(),
    "long": IntegerPlan(),
    "byte": IntegerPlan(),
    "short": IntegerPlan(),
    "bigInteger": IntegerPlan(),
    "float": FloatPlan(),
    "double": FloatPlan(),
    "bigDecimal": FloatPlan(),
    "blob": BlobPlan(),
}


def _item_name(ref: Member, target: Shape, default: str) -> str:
    return ref.location_name or target.location_name or default


def plan_for(model: ServiceModel, ref: Member) -> Plan:
    """The plan for the value a member reference points at (compiled once per model);
    :class:`~sesspec.errors.ModelError` for a shape the model lacks or cannot be planned."""
    target = model.shape(ref.shape)
    kind = target.type
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "timestamp":
        fmt = ref.timestamp_format or target.timestamp_format or "iso8601"
        key: tuple[Any, ...] = ("ts", fmt)
        cached = model._cache.get(key)
        if cached is None:
            cached = model._cache[key] = TimestampPlan(fmt)
        return cached
    flattened = ref.flattened or target.flattened
    key = ("plan", target.name, flattened)
    cached = model._cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if kind == "structure":
        struct = StructurePlan(target)
        model._cache[key] = struct  # before the members: recursive shapes refer back to it
        fields = []
        for member in target.members.values():
            member_target = model.shape(member.shape)
            wire = _item_name(member, member_target, member.name)
            is_flat = member.flattened or member_target.flattened
            if member_target.type == "list" and is_flat and not member.location_name:
                # A flattened list is named after its member's locationName when the structure
                # member has none (botocore legacy "Flattened list with LocationName").
                assert member_target.member is not None
                wire = member_target.member.location_name or wire
            fields.append((member.name, wire, plan_for(model, member)))
        struct.set_fields(fields)
        return struct
    if kind == "list":
        if target.member is None:
            msg = f"list shape {target.name!r} has no member"
            raise ModelError(msg, name=target.name, kind="unsupported-shape")
        item_target = model.shape(target.member.shape)
        lst = ListPlan(
            flattened=flattened, item_name=_item_name(target.member, item_target, "member")
        )
        model._cache[key] = lst
        lst.item = plan_for(model, target.member)
        return lst
    if kind == "map":
        if target.key is None or target.value is None:
            msg = f"map shape {target.name!r} needs a key and a value"
            raise ModelError(msg, name=target.name, kind="unsupported-shape")
        mp = MapPlan(
            flattened=flattened,
            key_name=_item_name(target.key, model.shape(target.key.shape), "key"),
            value_name=_item_name(target.value, model.shape(target.value.shape), "value"),
        )
        model._cache[key] = mp
        mp.key = plan_for(model, target.key)
        mp.value = plan_for(model, target.value)
        return mp
    msg = f"shape {target.name!r} has unsupported type {kind!r}"
    raise ModelError(msg, name=target.name, kind="unsupported-shape")


def input_plan(model: ServiceModel, operation: str) -> StructurePlan | None:
    """The compiled input plan of an operation (None when it takes no input);
    :class:`~sesspec.errors.ModelError` for an operation the model does not have or a shape
    that cannot be planned."""
    # Operation plans are cached under the bare operation name (other keys are tuples).
    try:
        return model._cache[operation]  # type: ignore[no-any-return]
    except KeyError:
        pass
    op = model.operation(operation)
    plan: StructurePlan | None = None
    if op.input is not None:
        compiled = plan_for(model, Member(name="(input)", shape=op.input))
        if not isinstance(compiled, StructurePlan):
            msg = f"input of {operation!r} is not a structure"
            raise ModelError(msg, name=operation, kind="unsupported-shape")
        plan = compiled
    model._cache[operation] = plan
    return plan
