"""awsQuery flattening: params <-> ordered form pairs, driven by a service model (SES by default).

The rules (SMITHY-Q, ``aws-query-serialization``; docs/spec.md#param-flattening; botocore
``QuerySerializer``):

* "Action" and "Version" come first: ``Action=<operation>&Version=<apiVersion>``.
* structure members are joined with ``.``: ``Message.Subject.Data``;
* list elements are ``Name.member.N`` with N starting at 1 (``Destination.ToAddresses.member.1``),
  ``Name.<xmlName>.N`` when the list member has an xmlName/locationName, and ``Name.N`` when the
  list is flattened; lists of structures nest (``Tags.member.1.Name``); an empty list is sent as
  ``Name=`` ("Serializes empty query lists", test EmptyQueryLists);
* maps are ``Name.entry.N.key`` / ``Name.entry.N.value`` (``Name.N.key`` when flattened, key and
  value names overridable); an empty map sends nothing (QueryEmptyQueryMaps);
* booleans are ``true``/``false``; integers decimal; floats use the shortest round-trip text and
  ``NaN``/``Infinity``/``-Infinity``; timestamps ISO 8601 in UTC with ``Z`` (``.ffffff`` only when
  there are microseconds, as botocore); blobs are base64 (a ``str`` blob is UTF-8 encoded first,
  as the SDKs do: QuerySimpleInputParamsBlob ``Qux=dmFsdWU%3D``); enums are their string.
* A ``None`` member is treated as absent (botocore drops it too).
* An empty structure or map puts nothing on the wire, so :func:`unflatten` cannot give it back;
  a *required* member holding one is reported missing by :func:`unflatten` (the server sees the
  same body).

Validation reports every problem at once, each with the parameter name: :func:`flatten` and
:func:`unflatten` raise an ``ExceptionGroup`` of :class:`~sesspec.errors.ParamError`;
:func:`validate_params` / :func:`validate_pairs` return the list instead. Problems found: unknown
member, missing required member, wrong type, list index 0, gaps and leading zeros, duplicate names,
``.N`` without ``.member``, and text that is not a boolean/integer/number/timestamp/base64.

Limits (each checked before anything is allocated for it; past one, the problem is reported
like any other, with its kind): :data:`MAX_PAIRS` pairs, :data:`MAX_NAME_DEPTH` segments in a
name, :data:`MAX_NAME_PREFIXES` distinct dotted prefixes of all names, list and map indexes
up to :data:`MAX_LIST_INDEX`, integers of up to :data:`MAX_INTEGER_DIGITS` digits,
epoch-seconds timestamps of up to :data:`MAX_EPOCH_TEXT` characters. A run of missing list
indexes is one problem, however long, so what is reported stays proportional to what was sent.

Constraints that SDK serializers do not check (enum values, ``min``/``max``, ``pattern``) are
left to the server and not reported here.

>>> flatten("SendEmail", {"Source": "a@example.com",
...     "Destination": {"ToAddresses": ["b@example.com"]},
...     "Message": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}})[:4]
[('Action', 'SendEmail'), ('Version', '2010-12-01'), ('Source', 'a@example.com'), \
('Destination.ToAddresses.member.1', 'b@example.com')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from sesspec import _shapes
from sesspec._shapes import (
    MAX_EPOCH_TEXT,
    MAX_INTEGER_DIGITS,
    MAX_LIST_INDEX,
    MAX_NAME_DEPTH,
    MAX_NAME_PREFIXES,
)
from sesspec.encoding import MAX_PAIRS, Pairs
from sesspec.errors import ModelError, ParamError
from sesspec.model import ServiceModel, ses_model

__all__ = [
    "MAX_EPOCH_TEXT",
    "MAX_INTEGER_DIGITS",
    "MAX_LIST_INDEX",
    "MAX_NAME_DEPTH",
    "MAX_NAME_PREFIXES",
    "MAX_PAIRS",
    "Unflattened",
    "flatten",
    "unflatten",
    "validate_pairs",
    "validate_params",
]


def __dir__() -> list[str]:
    return __all__


class Unflattened(NamedTuple):
    """What a form body asks for: the action, the version (None when absent) and typed params."""

    action: str
    version: str | None
    params: dict[str, Any]


def _flatten(
    operation: str,
    params: Mapping[str, Any] | None,
    model: ServiceModel,
    errors: list[ParamError],
    out: Pairs | None = None,
) -> Pairs:
    try:
        plan = _shapes.input_plan(model, operation)
    except ModelError as exc:
        if exc.kind != "unknown-operation":
            raise  # the model's own defect, not the caller's operation
        errors.append(ParamError(exc.message, param="Action", kind="action-unknown"))
        return []
    if out is None:
        out = []
    out += (("Action", operation), ("Version", model.api_version))
    if plan is not None:
        plan.write({} if params is None else params, "", out, errors)
    elif params:
        errors.extend(ParamError(_shapes.UNKNOWN, param=str(k), kind="unknown") for k in params)
    return out


def flatten(
    operation: str,
    params: Mapping[str, Any] | None = None,
    *,
    model: ServiceModel | None = None,
) -> Pairs:
    """The form pairs of ``operation`` with ``params``: ``Action``, ``Version``, then members.

    :param operation: the operation name (``"SendEmail"``), sent as ``Action``.
    :param params: the input as Python values (``dict``/``list``/``str``/``bool``/``int``/
        ``float``/``datetime``/``bytes``), keyed by member name.
    :param model: the service model; the SES 2010-12-01 model when omitted.
    :raises ExceptionGroup: of :class:`~sesspec.errors.ParamError`, one per problem found.
    """
    return _flatten_or_raise(operation, params, model, [])


def flatten_for_body(
    operation: str, params: Mapping[str, Any] | None, *, model: ServiceModel | None = None
) -> _shapes.BodyPairs:
    """:func:`flatten`, with large blobs left as bytes for :mod:`sesspec._body` to encode."""
    out = _shapes.BodyPairs()
    out.blobs = {}
    _flatten_or_raise(operation, params, model, out)
    return out


def _flatten_or_raise(
    operation: str, params: Mapping[str, Any] | None, model: ServiceModel | None, out: Pairs
) -> Pairs:
    errors: list[ParamError] = []
    out = _flatten(operation, params, ses_model() if model is None else model, errors, out)
    if errors:
        msg = f"{len(errors)} problem(s) with the params of {operation}"
        raise ExceptionGroup(msg, errors)
    return out


def validate_params(
    operation: str,
    params: Mapping[str, Any] | None = None,
    *,
    model: ServiceModel | None = None,
) -> list[ParamError]:
    """Every problem :func:`flatten` would raise for these params (an empty list when none)."""
    errors: list[ParamError] = []
    _flatten(operation, params, ses_model() if model is None else model, errors)
    return errors


def _unflatten(pairs: Pairs, model: ServiceModel, errors: list[ParamError]) -> Unflattened:
    if len(pairs) > MAX_PAIRS:
        msg = f"{len(pairs)} parameters: more than the {MAX_PAIRS} sesspec reads"
        errors.append(ParamError(msg, param="(form)", kind="too-many-pairs"))
        return Unflattened(next((v for n, v in pairs if n == "Action"), ""), None, {})
    action: str | None = None
    version: str | None = None
    rest: Pairs = []
    for name, value in pairs:
        if name == "Action":
            if action is not None:
                errors.append(ParamError(_shapes.DUPLICATE, param=name, kind="duplicate"))
            action = value
        elif name == "Version":
            if version is not None:
                errors.append(ParamError(_shapes.DUPLICATE, param=name, kind="duplicate"))
            version = value
        else:
            rest.append((name, value))
    if action is None:
        errors.append(ParamError("missing Action", param="Action", kind="action-missing"))
        return Unflattened("", version, {})
    if version is not None and version != model.api_version:
        msg = f"Version is not {model.api_version!r}: {version[:40]!r}"
        errors.append(ParamError(msg, param="Version", kind="version"))
    try:
        plan = _shapes.input_plan(model, action)
    except ModelError as exc:
        if exc.kind != "unknown-operation":
            raise  # the model's own defect, not the request's action
        msg = f"unknown action: {action[:60]!r}"
        errors.append(ParamError(msg, param="Action", kind="action-unknown"))
        return Unflattened(action, version, {})
    root = _shapes.build_tree(rest, errors)
    if plan is None:
        errors.extend(ParamError(_shapes.UNKNOWN, param=name, kind="unknown") for name, _ in rest)
        return Unflattened(action, version, {})
    params = plan.read(root, errors)
    return Unflattened(action, version, params)


def unflatten(pairs: Pairs, *, model: ServiceModel | None = None) -> Unflattened:
    """The action, version and typed params that decoded form pairs describe.

    The inverse of :func:`flatten`: lists come back as ``list``, blobs as ``bytes``, timestamps
    as aware UTC ``datetime``, booleans/integers/floats as such. ``Version`` may be absent
    (docs/spec.md#param-version: servers default it); when present it must equal the model's
    ``apiVersion``.

    :param pairs: decoded pairs (see :func:`sesspec.encoding.form_decode`).
    :raises ExceptionGroup: of :class:`~sesspec.errors.ParamError`, one per problem found.
    """
    errors: list[ParamError] = []
    result = _unflatten(pairs, ses_model() if model is None else model, errors)
    if errors:
        msg = f"{len(errors)} problem(s) with the parameters of {result.action or 'the request'}"
        raise ExceptionGroup(msg, errors)
    return result


def validate_pairs(pairs: Pairs, *, model: ServiceModel | None = None) -> list[ParamError]:
    """Every problem :func:`unflatten` would raise for these pairs (an empty list when none)."""
    errors: list[ParamError] = []
    _unflatten(pairs, ses_model() if model is None else model, errors)
    return errors
