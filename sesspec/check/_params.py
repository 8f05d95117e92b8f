"""Parameter rules (PARAM, and the value-level ENC rules): the decoded pairs against the model."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from sesspec.check.catalogue import Severity
from sesspec.check.finding import Finding, finding
from sesspec.encoding import Pairs
from sesspec.errors import ParamErrorKind
from sesspec.model import ServiceModel, Shape
from sesspec.query import validate_pairs

__all__ = ["AUTH_PARAMS", "SIGV2_PARAMS", "param_findings"]

#: SigV4 presigned-URL parameters (IAM-SIGV4; spec-notes a4): never operation parameters.
AUTH_PARAMS = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
    }
)
#: SigV2 parameters (spec-notes a1, b): not part of SES authentication.
SIGV2_PARAMS = frozenset(
    {"AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp", "Expires"}
)

# ParamError kinds of sesspec.query -> rule ids. sesspec's limits fall under the rule the
# input breaks anyway: a name deeper than any member is unknown (PARAM004), as are names past
# the MAX_NAME_PREFIXES budget (no model has that many members), an index above
# MAX_LIST_INDEX leaves a gap (PARAM007), an integer of over a hundred digits is out of range
# (PARAM016), and more pairs than MAX_PAIRS cannot be read (check() stops at form_decode first).
_BY_KIND: dict[ParamErrorKind, str] = {
    "action-missing": "PARAM001",
    "action-unknown": "PARAM002",
    "version": "PARAM003",
    "unknown": "PARAM004",
    "empty-segment": "PARAM004",
    "too-deep": "PARAM004",
    "too-many-prefixes": "PARAM004",
    "no-member": "PARAM005",
    "index-zero": "PARAM006",
    "index-gap": "PARAM007",
    "index-bad": "PARAM007",
    "index-too-large": "PARAM007",
    "duplicate": "PARAM008",
    "not-scalar": "PARAM009",
    "not-nested": "PARAM009",
    "list-mixed": "PARAM009",
    "wrong-type": "PARAM009",
    "invalid-value": "PARAM009",
    "too-many-pairs": "PARAM009",
    "missing": "PARAM010",
    "too-many-digits": "PARAM016",
}

_RECIPIENT_LIST = re.compile(
    r"(?:Destinations\.member\.\d+\.)?Destination\.(?:To|Cc|Bcc)Addresses\.member\.\d+\Z"
)
_ADDRESS_PARAM = re.compile(
    r"(?:Source|ReturnPath|EmailAddress|FromEmailAddress|BounceSender|"
    r".*Addresses\.member\.\d+|Destinations\.member\.\d+|.*\.Recipient|Identity)\Z"
)
_TAG_PARAM = re.compile(
    r"(?:.*\.)?(?:Tags|DefaultTags|ReplacementTags)\.member\.\d+\.(Name|Value)\Z"
)
_TAG_TEXT = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")
_ESCAPED_TEXT = re.compile(r"%[0-9A-Fa-f]{2}")
#: SES v1 API message size limit: 10 MB after base64 (QUOTAS; spec-notes f).
MAX_RAW_MESSAGE = 10 * 1024 * 1024


def param_findings(pairs: Pairs, model: ServiceModel, *, raw_plus_names: set[str]) -> list[Finding]:
    """Findings for the operation's pairs (auth parameters already taken out)."""
    out: list[Finding] = []
    action = next((v for n, v in pairs if n == "Action"), None)
    version = next((v for n, v in pairs if n == "Version"), None)
    if version is None and action is not None:
        out.append(
            finding(
                "PARAM003",
                f"no Version; send Version={model.api_version} (SES defaults it today)",
                "param Version",
            )
        )
    stray = sorted({n for n, _ in pairs if n in SIGV2_PARAMS})
    op_pairs = [(n, v) for n, v in pairs if n not in SIGV2_PARAMS]
    if stray:
        out.append(
            finding(
                "PARAM014",
                f"SigV2 parameters {', '.join(stray)}: SES authenticates with SigV4 only",
                f"param {stray[0]}",
            )
        )
    errors = validate_pairs(op_pairs, model=model)
    for error in errors:
        if error.param == "RawMessage.Data" and error.kind == "invalid-value":
            continue  # not base64: PARAM012 below says it, with the SES error it leads to
        rule_id = _BY_KIND[error.kind]
        severity: Severity | None = "warning" if rule_id == "PARAM003" else None
        message = error.message
        if rule_id == "PARAM004":
            message = "unknown parameter: SES ignores it without a word, so its value is lost"
        out.append(finding(rule_id, message, f"param {error.param}", severity=severity))
    out += _value_findings(op_pairs, model, action, raw_plus_names)
    return out


def _value_findings(
    pairs: Pairs, model: ServiceModel, action: str | None, raw_plus_names: set[str]
) -> list[Finding]:
    out: list[Finding] = []
    recipients: dict[str, int] = {}
    for name, value in pairs:
        if _RECIPIENT_LIST.match(name):
            group = name.split("Destination.", 1)[0]
            recipients[group] = recipients.get(group, 0) + 1
        if name in raw_plus_names and _ADDRESS_PARAM.match(name):
            local = value.rsplit("@", 1)[0].rsplit("<", 1)[-1]
            if " " in local:
                out.append(
                    finding(
                        "ENC005",
                        f"{value!r}: the address was sent with a raw '+', which means a space; "
                        "a literal plus must be %2B",
                        f"param {name}",
                    )
                )
        if _ESCAPED_TEXT.search(value) and _ADDRESS_PARAM.match(name):
            out.append(
                finding(
                    "ENC008",
                    f"{value[:60]!r} still holds percent-escapes after decoding",
                    f"param {name}",
                )
            )
        tag = _TAG_PARAM.match(name)
        if tag and not _TAG_TEXT.match(value):
            out.append(
                finding(
                    "PARAM013",
                    f"tag {tag.group(1).lower()} {value[:60]!r}: only ASCII letters, digits, '_' "
                    "and '-', 1 to 256 of them",
                    f"param {name}",
                )
            )
        if name == "RawMessage.Data":
            out += _raw_message_findings(value, name)
    for group, count in recipients.items():
        if count > 50:
            where = f"param {group}Destination" if group else "param Destination"
            out.append(finding("PARAM011", f"{count} recipients; at most 50", where))
    if action is not None:
        out += list(_model_constraint_findings(pairs, model, action))
    return out


def _raw_message_findings(value: str, name: str) -> list[Finding]:
    out: list[Finding] = []
    if len(value) > MAX_RAW_MESSAGE:
        out.append(
            finding(
                "PARAM012",
                f"{len(value)} characters of base64: over the 10 MB SES v1 limit",
                f"param {name}",
            )
        )
    try:
        message = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        one_line = value.replace("\r", "").replace("\n", "")
        try:
            message = base64.b64decode(one_line, validate=True)
        except (binascii.Error, ValueError):
            out.append(finding("PARAM012", f"not valid base64 ({exc})", f"param {name}"))
            return out
        # MIME-style base64 (RFC 2045 lines, as Ruby's Base64.encode64 or Python's
        # encodebytes write it): the SDKs send one line; whether SES's decoder takes line
        # breaks is not documented, hence a warning rather than the rule's error.
        out.append(
            finding(
                "PARAM012",
                "base64 broken into lines (MIME style); the SDKs send it as one line, and a "
                "strict base64 decoder refuses the line breaks",
                f"param {name}",
                severity="warning",
            )
        )
    bare_lf = message.count(b"\n") - message.count(b"\r\n")
    if bare_lf > 0:
        out.append(
            finding(
                "ENC009",
                f"the decoded message has {bare_lf} line(s) ending in a bare LF; MIME wants CRLF",
                f"param {name}",
            )
        )
    return out


def _walk(model: ServiceModel, shape: Shape, prefix: str) -> Iterator[tuple[str, Shape]]:
    """(wire-name regex, scalar shape) for every scalar reachable from ``shape``."""
    for member in shape.members.values():
        target = model.shape(member.shape)
        wire = prefix + re.escape(member.location_name or member.name)
        yield from _walk_shape(model, target, wire)


def _walk_shape(model: ServiceModel, target: Shape, wire: str) -> Iterator[tuple[str, Shape]]:
    if target.type == "structure":
        yield from _walk(model, target, wire + r"\.")
    elif target.type == "list" and target.member is not None:
        inner = model.shape(target.member.shape)
        item = wire + (r"\.\d+" if target.flattened else r"\.member\.\d+")
        if inner.type in {"structure", "list"}:
            yield from _walk_shape(model, inner, item)
        else:
            yield item, inner
    elif target.type not in {"map"}:
        yield wire, target


def _plan(model: ServiceModel, action: str) -> list[tuple[re.Pattern[str], Shape]]:
    key = (id(model), action)
    cached = _PLANS.get(key)
    if cached is None:
        op = model.operations.get(action)
        cached = []
        if op is not None and op.input is not None:
            cached = [
                (re.compile(rx + r"\Z"), s)
                for rx, s in _walk(model, model.shape(op.input), "")
                if s.enum or s.min is not None or s.max is not None
            ]
        _PLANS[key] = cached
    return cached


_PLANS: dict[tuple[int, str], list[tuple[re.Pattern[str], Shape]]] = {}


def _model_constraint_findings(pairs: Pairs, model: ServiceModel, action: str) -> Iterator[Finding]:
    plan = _plan(model, action)
    if not plan:
        return
    for name, value in pairs:
        for rx, shape in plan:
            if not rx.match(name):
                continue
            yield from _constraint(shape, name, value)
            break


def _constraint(shape: Shape, name: str, value: str) -> Iterator[Finding]:
    if shape.enum and value not in shape.enum:
        yield finding(
            "PARAM015",
            f"{value!r} is not one of {', '.join(shape.enum)}",
            f"param {name}",
        )
    size: Any
    if shape.type in {"integer", "long"}:
        try:
            size = int(value)
        except ValueError:
            return
        what = "value"
    elif shape.type == "string":
        size = len(value)
        what = "length"
    else:
        return
    if shape.min is not None and size < shape.min:
        yield finding(
            "PARAM016", f"{what} {size} is below the minimum {shape.min}", f"param {name}"
        )
    if shape.max is not None and size > shape.max:
        yield finding(
            "PARAM016", f"{what} {size} is above the maximum {shape.max}", f"param {name}"
        )
