"""SES-style XML responses, built with lxml from the model's output shapes.

Success (docs/spec.md#resp-success; SMITHY-Q; MODEL)::

    <{Op}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
      <{Op}Result>...</{Op}Result>
      <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
    </{Op}Response>

Operations without an output shape answer with ``ResponseMetadata`` only. Every member of
the result is filled with a plausible value of its type (strings, enums, numbers,
timestamps in ISO 8601, base64 blobs, lists with one ``<member>``, maps with one
``<entry><key/><value/></entry>``), so an SDK's parser has something of each kind to read.

:func:`result_body` writes a real result instead: a mapping shaped like the operation's output
shape (the member names botocore's parser gives back), serialized by the same awsQuery rules
(docs/spec.md#resp-success; SMITHY-Q): members in model order under their ``locationName``, lists as
``<member>`` items (or repeated elements when flattened), maps as ``<entry><key/><value/></entry>``,
booleans ``true``/``false``, timestamps ISO 8601 in UTC with milliseconds, blobs base64. A key the
shape does not have, or a value of the wrong type, raises :class:`~sesspec.errors.ParamError` naming
its path; characters XML 1.0 cannot carry (C0 controls other than TAB, LF, CR) are written as
U+FFFD, since a rendered template may hold them and the document must stay parseable.

Error (docs/spec.md#resp-error, GUIDE-RESP):
``<ErrorResponse><Error><Type/><Code/><Message/></Error> <RequestId/></ErrorResponse>``;
``RequestId`` is a sibling of ``Error``.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sesspec._extras import deferred_import
from sesspec.errors import ParamError
from sesspec.model import Member, ServiceModel, Shape, ses_model

if TYPE_CHECKING:
    from lxml import etree
else:  # the serve extra, imported for the first answer (so --help needs no extra)
    etree = deferred_import(
        "lxml.etree", extra="serve", feature="the endpoint's XML answers", namespace=globals()
    )

__all__ = [
    "SES_NAMESPACE",
    "SIGNATURE_MISMATCH_PREAMBLE",
    "SesError",
    "error_body",
    "invalid_parameter_value",
    "malformed_query_string",
    "missing_parameter",
    "operation_names",
    "result_body",
    "signature_does_not_match",
    "success_body",
    "xml_text",
]


def __dir__() -> list[str]:
    return __all__


#: MODEL ``metadata.xmlNamespace`` (docs/spec.md#resp-namespace: real SES uses it on errors too).
SES_NAMESPACE = "http://ses.amazonaws.com/doc/2010-12-01/"

_MAX_DEPTH = 8
_TIMESTAMP = "2026-11-26T00:00:00.000Z"
#: Default namespace, no prefix (lxml-stubs types nsmap keys as str; lxml takes None).
_NSMAP: dict[str, str] = {None: SES_NAMESPACE}  # type: ignore[dict-item]
#: Pagination tokens are left out: one page only, so a paginating client stops.
_SKIPPED = frozenset({"NextToken"})


@dataclass(frozen=True, slots=True)
class SesError:
    """One SES error answer: HTTP status, ``Type`` (Sender/Receiver), ``Code``, ``Message``."""

    code: str
    message: str
    status: int = 400
    type: str = "Sender"


#: How SES's SignatureDoesNotMatch message begins.
SIGNATURE_MISMATCH_PREAMBLE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation "
    "for details."
)


def signature_does_not_match(canonical_request: str, string_to_sign: str) -> SesError:
    """403 as SES words it (aws-sdk-js#1443, cachet#2422, docs/spec.md#resp-signature-mismatch)."""
    message = (
        f"{SIGNATURE_MISMATCH_PREAMBLE}\n\nThe Canonical String for this request should have "
        f"been\n'{canonical_request}'\n\nThe String-to-Sign should have been\n"
        f"'{string_to_sign}'\n"
    )
    return SesError("SignatureDoesNotMatch", message, 403)


def malformed_query_string(detail: str) -> SesError:
    """400 (seen on the wire; the guide says 404): n8n#1442, docs/spec.md#resp-front-end."""
    return SesError("MalformedQueryString", detail, 400)


def invalid_parameter_value(detail: str) -> SesError:
    return SesError("InvalidParameterValue", detail, 400)


def missing_parameter(name: str) -> SesError:
    return SesError(
        "MissingParameter",
        f"The request must contain the parameter {name}",
        400,
    )


def error_body(error: SesError, *, request_id: str) -> bytes:
    """``ErrorResponse`` document (RequestId beside Error, SES namespace)."""
    root = etree.Element(f"{{{SES_NAMESPACE}}}ErrorResponse", nsmap=_NSMAP)
    err = etree.SubElement(root, f"{{{SES_NAMESPACE}}}Error")
    etree.SubElement(err, f"{{{SES_NAMESPACE}}}Type").text = error.type
    etree.SubElement(err, f"{{{SES_NAMESPACE}}}Code").text = error.code
    etree.SubElement(err, f"{{{SES_NAMESPACE}}}Message").text = error.message
    etree.SubElement(root, f"{{{SES_NAMESPACE}}}RequestId").text = request_id
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def operation_names() -> list[str]:
    """The 71 SES actions (MODEL)."""
    return sorted(ses_model().operations)


# --- filling output shapes -------------------------------------------------------------------


def _scalar(shape: Shape, member_name: str, message_id: str) -> str:
    if shape.enum:
        return shape.enum[0]
    kind = shape.type
    if kind == "boolean":
        return "true"
    if kind in ("integer", "long"):
        return "1"
    if kind in ("double", "float"):
        return "1.0"
    if kind == "timestamp":
        return _TIMESTAMP
    if kind == "blob":
        return base64.b64encode(b"example").decode("ascii")
    lowered = member_name.lower()
    if member_name == "MessageId":
        return message_id
    if "arn" in lowered:
        return "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    if "identit" in lowered or "email" in lowered or "address" in lowered:
        return "sender@example.com"
    if "token" in lowered:
        return "EXAMPLEtoken0123456789"
    return f"example-{member_name}"


def _fill(
    parent: etree._Element,
    tag: str,
    ref: Member,
    *,
    model: ServiceModel,
    message_id: str,
    depth: int,
    hint: str = "",
) -> None:
    """Append element(s) for one member: awsQuery XML (SMITHY-Q; docs/spec.md#resp-success).

    ``hint`` is the name of the structure member a list item or map key/value belongs to,
    so that ``Identities`` items look like identities.
    """
    shape = model.shape(ref.shape)
    hint = hint or ref.name
    ns = f"{{{SES_NAMESPACE}}}"
    if shape.type == "structure":
        node = etree.SubElement(parent, ns + tag)
        if depth < _MAX_DEPTH:
            for name, member in shape.members.items():
                if name not in _SKIPPED:
                    tag_ = member.location_name or name
                    _fill(node, tag_, member, model=model, message_id=message_id, depth=depth + 1)
        return
    if shape.type == "list" and shape.member is not None:
        item = shape.member
        # A flattened list repeats its element in the parent; otherwise <tag><member/></tag>.
        flat = shape.flattened or ref.flattened
        _fill(
            parent if flat else etree.SubElement(parent, ns + tag),
            item.location_name or (tag if flat else "member"),
            item,
            model=model,
            message_id=message_id,
            depth=depth + 1,
            hint=hint,
        )
        return
    if shape.type == "map" and shape.key is not None and shape.value is not None:
        flat = shape.flattened or ref.flattened
        container = parent if flat else etree.SubElement(parent, ns + tag)
        entry = etree.SubElement(container, ns + (tag if flat else "entry"))
        key, value = shape.key, shape.value
        _fill(
            entry,
            key.location_name or "key",
            key,
            model=model,
            message_id=message_id,
            depth=depth + 1,
            hint=hint,
        )
        _fill(
            entry,
            value.location_name or "value",
            value,
            model=model,
            message_id=message_id,
            depth=depth + 1,
            hint=hint,
        )
        return
    etree.SubElement(parent, ns + tag).text = _scalar(shape, hint, message_id)


def _envelope(action: str) -> tuple[etree._Element, tuple[etree._Element, Shape] | None]:
    """``{Op}Response`` and, when the operation has an output shape, its result element (named
    by the model's ``resultWrapper``) and that shape; ``KeyError`` for an unknown action."""
    model = ses_model()
    operation = model.operation(action)
    ns = f"{{{SES_NAMESPACE}}}"
    root = etree.Element(ns + f"{action}Response", nsmap=_NSMAP)
    if operation.output is None:
        return root, None
    result = etree.SubElement(root, ns + (operation.result_wrapper or f"{action}Result"))
    return root, (result, model.shape(operation.output))


def _closed(root: etree._Element, request_id: str) -> bytes:
    """``root`` with its ``ResponseMetadata``, as the document's bytes."""
    meta = etree.SubElement(root, f"{{{SES_NAMESPACE}}}ResponseMetadata")
    etree.SubElement(meta, f"{{{SES_NAMESPACE}}}RequestId").text = request_id
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def success_body(action: str, *, request_id: str, message_id: str) -> bytes:
    """``{Op}Response`` for one of the 71 actions; ``KeyError`` for any other name."""
    root, output = _envelope(action)
    if output is not None:
        result, shape = output
        model = ses_model()
        for name, member in shape.members.items():
            if name in _SKIPPED:
                continue
            _fill(
                result,
                member.location_name or name,
                member,
                model=model,
                message_id=message_id,
                depth=1,
            )
    return _closed(root, request_id)


# --- writing a real result -------------------------------------------------------------------

#: XML 1.0 ``Char`` excludes C0 controls other than TAB, LF and CR, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with each character XML 1.0 (and so lxml) cannot carry made U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _timestamp_text(value: datetime, path: str) -> str:
    if value.tzinfo is None:
        msg = "timestamp without a time zone"
        raise ParamError(msg, param=path, kind="invalid-value")
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _scalar_text(shape: Shape, value: Any, path: str) -> str:
    kind = shape.type
    if kind == "string" and isinstance(value, str):
        return xml_text(value)
    if kind == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("integer", "long", "byte", "short") and type(value) is int:
        return str(value)
    if kind in ("double", "float") and type(value) in (int, float):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return repr(number)
    if kind == "timestamp" and isinstance(value, datetime):
        return _timestamp_text(value, path)
    if kind == "blob" and isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    msg = f"wrong type: expected {kind}, got {type(value).__name__}"
    raise ParamError(msg, param=path, kind="wrong-type")


def _write(
    parent: etree._Element,
    tag: str,
    ref: Member,
    value: Any,
    *,
    model: ServiceModel,
    path: str,
    depth: int,
) -> None:
    """Append the element(s) for ``value`` of member ``ref`` (awsQuery XML,
    docs/spec.md#resp-success)."""
    if depth > _MAX_DEPTH:
        msg = f"nested deeper than {_MAX_DEPTH} levels"
        raise ParamError(msg, param=path, kind="too-deep")
    shape = model.shape(ref.shape)
    ns = f"{{{SES_NAMESPACE}}}"
    if shape.type == "structure":
        if not isinstance(value, Mapping):
            msg = f"wrong type: expected structure, got {type(value).__name__}"
            raise ParamError(msg, param=path, kind="wrong-type")
        _write_members(
            etree.SubElement(parent, ns + tag), shape, value, model=model, path=path, depth=depth
        )
        return
    if shape.type == "list" and shape.member is not None:
        if not isinstance(value, list | tuple):
            msg = f"wrong type: expected list, got {type(value).__name__}"
            raise ParamError(msg, param=path, kind="wrong-type")
        item = shape.member
        flat = shape.flattened or ref.flattened
        holder = parent if flat else etree.SubElement(parent, ns + tag)
        item_tag = item.location_name or (tag if flat else "member")
        for i, element in enumerate(value, 1):
            _write(
                holder, item_tag, item, element, model=model, path=f"{path}.{i}", depth=depth + 1
            )
        return
    if shape.type == "map" and shape.key is not None and shape.value is not None:
        if not isinstance(value, Mapping):
            msg = f"wrong type: expected map, got {type(value).__name__}"
            raise ParamError(msg, param=path, kind="wrong-type")
        flat = shape.flattened or ref.flattened
        holder = parent if flat else etree.SubElement(parent, ns + tag)
        key, val = shape.key, shape.value
        for i, (k, v) in enumerate(value.items(), 1):
            entry = etree.SubElement(holder, ns + (tag if flat else "entry"))
            where = f"{path}.{i}"
            _write(entry, key.location_name or "key", key, k, model=model, path=where, depth=depth)
            _write(
                entry, val.location_name or "value", val, v, model=model, path=where, depth=depth
            )
        return
    etree.SubElement(parent, ns + tag).text = _scalar_text(shape, value, path)


def _write_members(
    node: etree._Element,
    shape: Shape,
    value: Mapping[str, Any],
    *,
    model: ServiceModel,
    path: str,
    depth: int,
) -> None:
    unknown = [k for k in value if k not in shape.members]
    if unknown:
        where = f"{path}.{unknown[0]}" if path else unknown[0]
        raise ParamError("unknown member", param=where, kind="unknown")
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        where = f"{path}.{name}" if path else name
        _write(
            node,
            member.location_name or name,
            member,
            item,
            model=model,
            path=where,
            depth=depth + 1,
        )


def result_body(action: str, result: Mapping[str, Any] | None, *, request_id: str) -> bytes:
    """``{Op}Response`` carrying ``result`` (a mapping shaped like the output shape).

    ``None`` values are left out, as botocore leaves out members that are absent. An operation
    without an output shape takes ``None`` or an empty mapping. ``KeyError`` for an unknown
    action; :class:`~sesspec.errors.ParamError` for a member or value that does not fit.
    """
    root, output = _envelope(action)
    if output is not None:
        result_node, shape = output
        _write_members(result_node, shape, result or {}, model=ses_model(), path="", depth=0)
    elif result:
        raise ParamError("unknown member", param=next(iter(result)), kind="unknown")
    return _closed(root, request_id)
