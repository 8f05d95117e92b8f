"""SES-style XML responses, built with lxml from the model's output shapes.

Success (spec-notes (e); SMITHY-Q; MODEL)::

    <{Op}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
      <{Op}Result>...</{Op}Result>
      <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
    </{Op}Response>

Operations without an output shape answer with ``ResponseMetadata`` only. Every member of
the result is filled with a plausible value of its type (strings, enums, numbers,
timestamps in ISO 8601, base64 blobs, lists with one ``<member>``, maps with one
``<entry><key/><value/></entry>``), so an SDK's parser has something of each kind to read.

Error (spec-notes (e), GUIDE-RESP): ``<ErrorResponse><Error><Type/><Code/><Message/></Error>
<RequestId/></ErrorResponse>``; ``RequestId`` is a sibling of ``Error``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from lxml import etree

from sesspec.model import Member, ServiceModel, Shape, ses_model

__all__ = [
    "SES_NAMESPACE",
    "SIGNATURE_MISMATCH_PREAMBLE",
    "SesError",
    "error_body",
    "invalid_parameter_value",
    "malformed_query_string",
    "missing_parameter",
    "operation_names",
    "signature_does_not_match",
    "success_body",
]


def __dir__() -> list[str]:
    return __all__


#: MODEL ``metadata.xmlNamespace`` (spec-notes (e): real SES uses it on errors too).
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
    """403 as SES words it (aws-sdk-js#1443, cachet#2422, spec-notes (e))."""
    message = (
        f"{SIGNATURE_MISMATCH_PREAMBLE}\n\nThe Canonical String for this request should have "
        f"been\n'{canonical_request}'\n\nThe String-to-Sign should have been\n"
        f"'{string_to_sign}'\n"
    )
    return SesError("SignatureDoesNotMatch", message, 403)


def malformed_query_string(detail: str) -> SesError:
    """400 (seen on the wire; the guide says 404): n8n#1442, spec-notes (e)."""
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
    """Append element(s) for one member: awsQuery XML (SMITHY-Q; spec-notes (e)).

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


def success_body(action: str, *, request_id: str, message_id: str) -> bytes:
    """``{Op}Response`` for one of the 71 actions; ``KeyError`` for any other name."""
    model = ses_model()
    operation = model.operation(action)
    ns = f"{{{SES_NAMESPACE}}}"
    root = etree.Element(ns + f"{action}Response", nsmap=_NSMAP)
    if operation.output is not None:
        result = etree.SubElement(root, ns + (operation.result_wrapper or f"{action}Result"))
        for name, member in model.shape(operation.output).members.items():
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
    meta = etree.SubElement(root, ns + "ResponseMetadata")
    etree.SubElement(meta, ns + "RequestId").text = request_id
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
