"""Parameter rules (PARAM): the decoded pairs against the SES model (``docs/spec.md#param``).

The pairs are judged by :func:`sesspec.query.validate_pairs`, whose problems are typed: each
``ParamError`` kind belongs to one rule (:data:`RULE_OF_KIND`). Then the values the model
constrains (enums, lengths and ranges), and SES's own limits (recipients, message size, tags).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sesspec.check._view import View
from sesspec.check.finding import Finding, Location, finding
from sesspec.check.rules import Rule, SesAnswer, declare, enc
from sesspec.encoding import Pairs
from sesspec.errors import ParamErrorKind
from sesspec.model import ServiceModel, Shape
from sesspec.params import SIGV2_PARAMS, SIGV4_QUERY_PARAMS
from sesspec.query import validate_pairs

__all__ = ["AUTH_PARAMS", "MAX_RAW_MESSAGE", "RULES", "RULE_OF_KIND", "SIGV2_PARAMS", "findings"]

_IPV = SesAnswer("InvalidParameterValue", order=3)
_COMMON = "https://docs.aws.amazon.com/ses/latest/APIReference/CommonParameters.html"
_GUIDE_ERR = "https://docs.aws.amazon.com/ses/latest/dg/using-ses-api-error-codes.html"
_SMITHY_Q = "https://smithy.io/2.0/aws/protocols/aws-query-protocol.html"
_QUOTAS = "https://docs.aws.amazon.com/ses/latest/dg/quotas.html"
_MODEL = "botocore/data/ses/2010-12-01/service-2.json"

PARAM001 = declare(
    "PARAM001",
    "error",
    "Action missing (MissingAction)",
    ("param-action",),
    "Every request names its operation in Action; without it SES answers MissingAction.",
    (_COMMON, _GUIDE_ERR),
    SesAnswer("MissingAction", order=2),
    remedy="Send Action=<operation> (for example Action=SendEmail) in every request.",
)
PARAM002 = declare(
    "PARAM002",
    "error",
    "unknown Action (InvalidAction)",
    ("param-action",),
    "Action is one of the model's 71 operation names; another is answered InvalidAction.",
    (_GUIDE_ERR, _MODEL),
    SesAnswer("InvalidAction", order=2),
    remedy=(
        "Send as Action an operation of SES 2010-12-01, spelled as the model spells it (SendEmail, "
        "SendRawEmail, ListIdentities, ...)."
    ),
)
PARAM003 = declare(
    "PARAM003",
    "warning",
    "Version missing or not 2010-12-01",
    ("param-version", "policy-version"),
    "Version is documented as required and every SDK sends 2010-12-01, but SES answers "
    "without it today.",
    (_COMMON, _SMITHY_Q, "boto/boto boto/ses/connection.py"),
    None,
    remedy="Send Version=2010-12-01 with every request, as every SDK does.",
)
PARAM004 = declare(
    "PARAM004",
    "error",
    "unknown parameter: SES ignores it silently",
    ("param-unknown", "bug-ignored-params"),
    "A name that is not a path through the operation's input is dropped without a word, so "
    "its value is lost.",
    (_MODEL, "https://github.com/aristidb/aws/pull/73"),
    _IPV,
    remedy=(
        "Send only the parameter names of the operation's input, spelled as the SES model spells "
        "them (Destination.ToAddresses.member.1, not Destination.To.1)."
    ),
)
PARAM005 = declare(
    "PARAM005",
    "error",
    "list written Name.N instead of Name.member.N",
    ("param-list", "policy-member-n", "seed-list-notation"),
    "List items are Name.member.N; no source shows SES reading Name.N, which it would drop.",
    (_SMITHY_Q, _MODEL),
    _IPV,
    remedy="Write list items as Name.member.N (Destination.ToAddresses.member.1), not Name.N.",
)
PARAM006 = declare(
    "PARAM006",
    "error",
    "list index 0 (lists are 1-based)",
    ("param-list",),
    "awsQuery counts list items from 1.",
    (_SMITHY_Q,),
    _IPV,
    remedy="Number list items from 1: Name.member.1 is the first item.",
)
PARAM007 = declare(
    "PARAM007",
    "error",
    "gap in list indexes",
    ("param-list",),
    "List items are numbered 1, 2, 3 without gaps or leading zeros; readers stop at the "
    "first gap, so the rest is lost.",
    (_SMITHY_Q, "getmoto/moto moto/ses/responses.py"),
    _IPV,
    remedy=(
        "Number list items 1, 2, 3, ... without gaps or leading zeros; renumber after leaving an "
        "item out."
    ),
)
PARAM008 = declare(
    "PARAM008",
    "error",
    "parameter repeated",
    ("param-repeated", "policy-repeated"),
    "awsQuery never writes a name twice and no SES input repeats one: a repeat is a client "
    "bug whose effect on SES is unknown.",
    (_SMITHY_Q,),
    _IPV,
    remedy="Send each parameter name once.",
)
PARAM009 = declare(
    "PARAM009",
    "error",
    "value of the wrong type for its member",
    ("param-types",),
    "A value fits its member: a scalar, structure or list where the model has one; a "
    "boolean, integer or timestamp in the forms awsQuery writes.",
    (_MODEL, _SMITHY_Q),
    _IPV,
    remedy=(
        "Send each value in its member's shape: lists as Name.member.N, structures as dotted names,"
        " booleans as true or false, integers in decimal, timestamps in ISO 8601 "
        "(2015-01-25T08:00:00Z)."
    ),
)
PARAM010 = declare(
    "PARAM010",
    "error",
    "required member missing",
    ("param-required",),
    "Every member the model marks required is present, at every level that is present.",
    (_MODEL,),
    SesAnswer("MissingParameter", order=3, wording="missing-parameter"),
    remedy=(
        "Send every member the operation requires, at every level you send (for SendEmail: Source, "
        "Destination, Message.Subject.Data and a body)."
    ),
)
PARAM011 = declare(
    "PARAM011",
    "error",
    "more than 50 recipients",
    ("limit-recipients",),
    "At most 50 recipients per message, To, CC and BCC together; not adjustable.",
    (_QUOTAS,),
    _IPV,
    remedy=(
        "Send at most 50 recipients per message, To, CC and BCC together; split a longer list into "
        "several messages."
    ),
)
PARAM012 = declare(
    "PARAM012",
    "error",
    "RawMessage.Data not valid base64 or over 10 MB",
    ("param-blob", "limit-message-size", "policy-message-size", "bug-blob-base64"),
    "RawMessage.Data is base64 of at most 10 MB (read as 10 MiB); SES answers bad base64 "
    "with MalformedInput.",
    (_QUOTAS, "https://github.com/quambene/pigeon-rs/issues/2"),
    _IPV,
    severities=(
        (
            "warning",
            "base64 broken into MIME lines: the SDKs send one line, and SES's "
            "tolerance of line breaks is not documented",
        ),
    ),
    remedy=(
        "Send RawMessage.Data as one line of standard base64 (A-Z, a-z, 0-9, '+', '/', '=' padding)"
        " of a message of at most 10 MB, then form-encode it ('+' as %2B, '/' as %2F, '=' as %3D)."
    ),
)
PARAM013 = declare(
    "PARAM013",
    "error",
    "tag name or value outside [A-Za-z0-9_-] or over 256 characters",
    ("param-tags", "bug-tag-values"),
    "A message tag's name and value are ASCII letters, digits, '_' and '-', 256 at most.",
    (f"{_MODEL} MessageTag", "https://github.com/localstack/localstack/issues/8588"),
    _IPV,
    remedy=(
        "Use only ASCII letters, digits, '_' and '-' in tag names and values, 256 characters at "
        "most."
    ),
)
PARAM014 = declare(
    "PARAM014",
    "warning",
    "SigV2 parameters (AWSAccessKeyId, Signature, ...) in an SES request",
    ("param-auth-names", "sigv2-status"),
    "SigV2's parameters belong to a scheme SES never documented; SES authenticates with "
    "SigV4 and at best ignores them.",
    ("https://docs.aws.amazon.com/general/latest/gr/signature-version-2.html",),
    None,
    remedy=(
        "Drop AWSAccessKeyId, Signature, SignatureMethod, SignatureVersion and Timestamp: sign with"
        " SigV4 alone (the Authorization header or a presigned URL's X-Amz-* parameters)."
    ),
)
PARAM015 = declare(
    "PARAM015",
    "error",
    "value not one of the member's enum values",
    ("param-string",),
    "Where the model gives an enum, the value is one of its members.",
    (_MODEL,),
    _IPV,
    remedy="Send one of the values the model lists for the member, spelled exactly, case included.",
)
PARAM016 = declare(
    "PARAM016",
    "error",
    "value outside the member's length or range limits",
    ("param-string", "param-integer"),
    "Where the model gives min and max, a string's length or an integer's value lies within.",
    (_MODEL,),
    _IPV,
    remedy=(
        "Keep each value within the minimum and maximum the model gives its member (a string's "
        "length, an integer's value)."
    ),
)

#: The parameter rules, in catalogue order.
RULES = (
    PARAM001,
    PARAM002,
    PARAM003,
    PARAM004,
    PARAM005,
    PARAM006,
    PARAM007,
    PARAM008,
    PARAM009,
    PARAM010,
    PARAM011,
    PARAM012,
    PARAM013,
    PARAM014,
    PARAM015,
    PARAM016,
)

#: SigV4 presigned-URL parameters (IAM-SIGV4; docs/spec.md#param-auth-names): never operation
#: parameters. SIGV2_PARAMS: not part of SES authentication. Both are sesspec.params's.
AUTH_PARAMS = SIGV4_QUERY_PARAMS

#: Each kind of :class:`~sesspec.errors.ParamError` and the rule it breaks. sesspec's limits fall
#: under the rule the input breaks anyway: a name deeper than any member is unknown (PARAM004),
#: as are names past the MAX_NAME_PREFIXES budget (no model has that many members), an index
#: above MAX_LIST_INDEX leaves a gap (PARAM007), an integer of over a hundred digits is out of
#: range (PARAM016), and more pairs than MAX_PAIRS cannot be read (the view stops first).
RULE_OF_KIND: dict[ParamErrorKind, Rule] = {
    "action-missing": PARAM001,
    "action-unknown": PARAM002,
    "version": PARAM003,
    "unknown": PARAM004,
    "empty-segment": PARAM004,
    "too-deep": PARAM004,
    "too-many-prefixes": PARAM004,
    "no-member": PARAM005,
    "index-zero": PARAM006,
    "index-gap": PARAM007,
    "index-bad": PARAM007,
    "index-too-large": PARAM007,
    "duplicate": PARAM008,
    "not-scalar": PARAM009,
    "not-nested": PARAM009,
    "list-mixed": PARAM009,
    "wrong-type": PARAM009,
    "invalid-value": PARAM009,
    "too-many-pairs": PARAM009,
    "missing": PARAM010,
    "too-many-digits": PARAM016,
}

_RECIPIENT_LIST = re.compile(
    r"(?:Destinations\.member\.\d+\.)?Destination\.(?:To|Cc|Bcc)Addresses\.member\.\d+\Z"
)
_TAG_PARAM = re.compile(
    r"(?:.*\.)?(?:Tags|DefaultTags|ReplacementTags)\.member\.\d+\.(Name|Value)\Z"
)
_TAG_TEXT = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")
#: SES v1 API message size limit: 10 MB after base64 (QUOTAS; docs/spec.md#policy-message-size).
MAX_RAW_MESSAGE = 10 * 1024 * 1024
_RAW_MESSAGE = "RawMessage.Data"


def findings(view: View, model: ServiceModel) -> list[Finding]:
    """Findings for the operation's pairs (a GET's or POST's; the SigV4 query parameters left
    out), with the value rules of the encoding family in their place among them."""
    pairs = [(s.name, s.value) for s in view.params if s.name not in AUTH_PARAMS]
    raw_plus = {s.name for s in view.params_segments if b"+" in s.raw_value}
    out: list[Finding] = []
    action = next((v for n, v in pairs if n == "Action"), None)
    version = next((v for n, v in pairs if n == "Version"), None)
    if version is None and action is not None:
        message = f"no Version; send Version={model.api_version} (SES defaults it today)"
        out.append(finding(PARAM003, message, Location("param", "Version")))
    stray = sorted({n for n, _ in pairs if n in SIGV2_PARAMS})
    op_pairs = [(n, v) for n, v in pairs if n not in SIGV2_PARAMS]
    if stray:
        message = f"SigV2 parameters {', '.join(stray)}: SES authenticates with SigV4 only"
        out.append(finding(PARAM014, message, Location("param", stray[0])))
    for error in validate_pairs(op_pairs, model=model):
        if error.param == _RAW_MESSAGE and error.kind == "invalid-value":
            continue  # not base64: PARAM012 below says it, with the SES error it leads to
        rule = RULE_OF_KIND[error.kind]
        message = error.message
        if rule is PARAM004:
            message = "unknown parameter: SES ignores it without a word, so its value is lost"
        out.append(finding(rule, message, Location("param", error.param)))
    out += _value_findings(view, op_pairs, model, action, raw_plus)
    return out


def _value_findings(
    view: View, pairs: Pairs, model: ServiceModel, action: str | None, raw_plus: set[str]
) -> list[Finding]:
    # One pass over the pairs, each judged by the value rules in a fixed order.
    out: list[Finding] = []
    recipients: dict[str, int] = {}
    for name, value in pairs:
        if _RECIPIENT_LIST.match(name):
            group = name.split("Destination.", 1)[0]
            recipients[group] = recipients.get(group, 0) + 1
        out += enc.value_findings(name, value, raw_plus)
        tag = _TAG_PARAM.match(name)
        if tag and not _TAG_TEXT.match(value):
            message = (
                f"tag {tag.group(1).lower()} {value[:60]!r}: only ASCII letters, digits, '_' "
                "and '-', 1 to 256 of them"
            )
            out.append(finding(PARAM013, message, Location("param", name)))
        if name == _RAW_MESSAGE:
            out += _raw_message_findings(view, name, value)
            out += enc.raw_message_findings(view, name, value)
    for group, count in recipients.items():
        if count > 50:
            where = Location("param", f"{group}Destination" if group else "Destination")
            out.append(finding(PARAM011, f"{count} recipients; at most 50", where))
    if action is not None:
        out += list(_model_constraint_findings(pairs, model, action))
    return out


def _raw_message_findings(view: View, name: str, value: str) -> list[Finding]:
    out: list[Finding] = []
    where = Location("param", name)
    if len(value) > MAX_RAW_MESSAGE:
        message = f"{len(value)} characters of base64: over the 10 MB SES v1 limit"
        out.append(finding(PARAM012, message, where))
    blob = view.raw_message(value)
    if blob.message is None:
        out.append(finding(PARAM012, f"not valid base64 ({blob.error})", where))
    elif blob.in_lines:
        # MIME-style base64 (RFC 2045 lines, as Ruby's Base64.encode64 or Python's
        # encodebytes write it): the SDKs send one line; whether SES's decoder takes line
        # breaks is not documented, hence a warning rather than the rule's error.
        message = (
            "base64 broken into lines (MIME style); the SDKs send it as one line, and a strict "
            "base64 decoder refuses the line breaks"
        )
        out.append(finding(PARAM012, message, where, severity="warning"))
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
    where = Location("param", name)
    if shape.enum and value not in shape.enum:
        yield finding(PARAM015, f"{value!r} is not one of {', '.join(shape.enum)}", where)
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
        yield finding(PARAM016, f"{what} {size} is below the minimum {shape.min}", where)
    if shape.max is not None and size > shape.max:
        yield finding(PARAM016, f"{what} {size} is above the maximum {shape.max}", where)
