"""A SendEmail asked for, a SendRawEmail of a MIME message the client built arrived: the message
against the params (docs/spec.md#fid-mail).

The addresses asked (Source, the To, Cc and Reply-To lists) against the From, To, Cc and
Reply-To fields, mailbox by mailbox; the Subject against the field as written, RFC 2047-decoded;
each body asked (``Message.Body.Text`` and ``.Html``) against the first text part of its type,
its content decoded as a conforming reader decodes it and read in its charset, compared
exactly (a body's LF made CRLF is named, as everywhere), its charset against the ``Charset``
asked (none asked: US-ASCII, as SES reads it); every other header field the client added; the
SendRawEmail's Source and Destinations against the sender and recipients asked (SES takes the
recipients from Destinations when given, else from the To, Cc and Bcc fields); the Tags and
ConfigurationSetName as members or as SES's ``X-SES-*`` header fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sesspec.fidelity.message import (
    added_header,
    address_differences,
    blob_bytes,
    charset_differences,
    long_lines,
    read,
    unreadable,
)
from sesspec.fidelity.types import Asked, Difference, Location, shown
from sesspec.fidelity.values import changed
from sesspec.mime import Field, Mailbox, MimeError, Part, decode_words, mailboxes
from sesspec.query import flatten

__all__ = ["mail_differences"]


def __dir__() -> list[str]:
    return __all__


#: Header fields a client builds from the params asked, compared one by one below.
_FROM_PARAMS = frozenset({"from", "to", "cc", "reply-to", "subject", "bcc"})
#: Header fields every MIME body needs: its structure, not an addition.
_STRUCTURE = frozenset({"content-type", "content-transfer-encoding"})
#: SES's header fields for a SendRawEmail's configuration set and tags.
_SES_HEADERS = {"ConfigurationSetName": "X-SES-CONFIGURATION-SET"}
_TAGS_HEADER = "X-SES-MESSAGE-TAGS"


def _text_of(params: Mapping[str, Any], *path: str) -> str | None:
    node: Any = params
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, str) else None


def _list_of(params: Mapping[str, Any], *path: str) -> list[str]:
    node: Any = params
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return []
        node = node[key]
    return [str(x) for x in node] if isinstance(node, list) else []


def _asked_boxes(addresses: Sequence[str]) -> list[Mailbox]:
    out: list[Mailbox] = []
    for address in addresses:
        out += mailboxes(address)[:1] or [Mailbox("", address)]
    return out


def mail_differences(asked: Asked, members: Sequence[tuple[str, str]]) -> list[Difference]:
    """The message a SendEmail's client sent as SendRawEmail (``members``: the pairs that
    arrived, Action and Version aside) against the params asked."""
    params = asked.params
    got = dict(members)
    where = Location("member", "RawMessage.Data")
    blob = got.get("RawMessage.Data")
    data = blob_bytes(blob) if blob is not None else None
    if data is None:
        return [unreadable(where, "no readable RawMessage.Data (base64)")]
    message = read(data, where)
    if isinstance(message, Difference):
        return [message]
    source = _text_of(params, "Source") or ""
    to = _list_of(params, "Destination", "ToAddresses")
    cc = _list_of(params, "Destination", "CcAddresses")
    bcc = _list_of(params, "Destination", "BccAddresses")
    out: list[Difference] = []
    heads = (
        ("From", [source] if source else []),
        ("To", to),
        ("Cc", cc),
        ("Reply-To", _list_of(params, "ReplyToAddresses")),
    )
    try:
        for header, want in heads:
            place = Location("header", header)
            fields = message.headers(header)
            if want and not fields:
                out.append(
                    Difference(
                        "header-removed",
                        place,
                        f"no {header} field: {', '.join(want)} asked for",
                        expected=shown(", ".join(want)),
                    )
                )
            elif want or fields:
                arrived = [box for f in fields for box in mailboxes(f.unfolded())]
                out += address_differences(place, _asked_boxes(want), arrived)
    except MimeError as exc:
        out.append(unreadable(where, f"an address field cannot be read ({exc})"))
    out += _header_differences(message, params)
    out += _body_differences(message, params)
    out += _envelope_differences(got, source, [*to, *cc, *bcc], bcc, message)
    out += _tag_differences(params, got, message)
    return out


def _header_differences(message: Part, params: Mapping[str, Any]) -> list[Difference]:
    """The Subject, and every field the params do not make (added), and long lines."""
    out: list[Difference] = []
    place = Location("header", "Subject")
    subject = _text_of(params, "Message", "Subject", "Data")
    fields = message.headers("Subject")
    if subject is not None and not fields:
        empty = subject == ""
        out.append(
            Difference(
                "header-removed",
                place,
                "no Subject field" + (": the subject asked is empty" if empty else ""),
                expected=shown(subject),
                condition=empty,
            )
        )
    elif subject is not None:
        out += changed(place, "Subject", subject, decode_words(fields[0].written()))
    carried = {_TAGS_HEADER.lower()} if _tags(params) else set()
    if _text_of(params, "ConfigurationSetName") is not None:
        carried.add(_SES_HEADERS["ConfigurationSetName"].lower())
    grouped: dict[str, list[Field]] = {}
    for field in message.fields:
        out += long_lines(Location("header", field.name), None, field)
        grouped.setdefault(field.name.lower(), []).append(field)
    for lname, fields in grouped.items():
        if lname in _FROM_PARAMS - {"bcc"} or lname in _STRUCTURE or lname in carried:
            continue
        out.append(added_header(Location("header", fields[0].name), fields))
    return out


def _tags(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(n, v) for n, v in flatten("SendEmail", params)[2:] if n.startswith("Tags.")]


def _texts(message: Part) -> list[tuple[int, Part]]:
    """The leaf parts that are text and not attachments, with their numbers."""
    return [
        (i, leaf)
        for i, leaf in enumerate(message.leaves(), 1)
        if leaf.content_type.startswith("text/")
        and leaf.filename is None
        and leaf.disposition != "attachment"
    ]


def _body_differences(message: Part, params: Mapping[str, Any]) -> list[Difference]:
    texts = _texts(message)
    used: set[int] = set()
    out: list[Difference] = []
    for kind, ctype in (("Text", "text/plain"), ("Html", "text/html")):
        text = _text_of(params, "Message", "Body", kind, "Data")
        if text is None:
            continue
        charset = _text_of(params, "Message", "Body", kind, "Charset")
        member = f"Message.Body.{kind}.Data"
        same_type = next(
            ((i, p) for i, p in texts if p.content_type == ctype and i not in used), None
        )
        if same_type is not None:
            index, part = same_type
            used.add(index)
            place = Location("part", f"{index} {ctype}")
            data = part.content()
            out += charset_differences(place, charset, part.charset, text, data)
            out += changed(place, f"the {ctype} body ({member})", text, part.text())
            continue
        other = next(((i, p) for i, p in texts if i not in used and p.text() == text), None)
        if other is not None:
            index, part = other
            used.add(index)
            out.append(
                Difference(
                    "part-type-changed",
                    Location("part", f"{index} {part.content_type}"),
                    f"the {ctype} body ({member}) arrived as a {part.content_type} part",
                    expected=ctype,
                    actual=part.content_type,
                )
            )
            continue
        out.append(
            Difference(
                "part-removed",
                Location("part", ctype),
                f"no {ctype} part: {member} = {shown(text)!r} was asked for",
                expected=shown(text),
            )
        )
    for index, part in texts:
        if index not in used:
            content = part.text()
            out.append(
                Difference(
                    "part-added",
                    Location("part", f"{index} {part.content_type}"),
                    f"part {index} ({part.content_type}) added ({shown(content)!r})",
                    actual=shown(content),
                )
            )
    return out


def _envelope_differences(
    got: Mapping[str, str],
    source: str,
    recipients: Sequence[str],
    bcc: Sequence[str],
    message: Part,
) -> list[Difference]:
    """Source and Destinations of the SendRawEmail against the SendEmail's: SES takes the
    sender from From and the recipients from To, Cc and Bcc when they are absent ([MODEL]
    SendRawEmailRequest)."""
    out: list[Difference] = []
    sent_source = got.get("Source")
    if sent_source is None and source:
        named = bool(_named(message, "From") & _addresses([source]))
        note = "; SES takes the sender from the From field, which names it" if named else ""
        out.append(
            Difference(
                "parameter-dropped",
                Location("member", "Source"),
                f"Source = {source!r} was asked for and did not arrive{note}",
                expected=shown(source),
                condition=named,
            )
        )
    elif sent_source is not None:
        out += changed(Location("member", "Source"), "Source", source, sent_source)
    listed = [v for n, v in got.items() if re.fullmatch(r"Destinations\.member\.\d+", n)]
    place = Location("member", "Destinations")
    if listed:
        wanted = [a.lower() for a in recipients]
        out += [
            Difference(
                "address-dropped",
                place,
                f"recipient {address!r} is not in Destinations: SES does not send to it",
                expected=address,
            )
            for address in recipients
            if address.lower() not in {x.lower() for x in listed}
        ]
        out += [
            Difference(
                "address-added",
                place,
                f"recipient {address!r} in Destinations was not asked for",
                actual=address,
            )
            for address in listed
            if address.lower() not in wanted
        ]
        return out
    in_headers = _named(message, "To", "Cc", "Bcc")
    out += [
        Difference(
            "address-dropped",
            place,
            f"Bcc recipient {address!r} is in neither Destinations nor a header field: SES "
            "does not send to it",
            expected=address,
        )
        for address in bcc
        if address.lower() not in in_headers
    ]
    return out


def _addresses(values: Sequence[str]) -> set[str]:
    return {box.address.lower() for box in _asked_boxes(values)}


def _named(message: Part, *headers: str) -> set[str]:
    """The addresses (lower case) in these header fields of ``message``."""
    found: set[str] = set()
    for header in headers:
        for field in message.headers(header):
            try:
                found.update(box.address.lower() for box in mailboxes(field.unfolded()))
            except MimeError:
                continue
    return found


def _tag_differences(
    params: Mapping[str, Any], got: Mapping[str, str], message: Part
) -> list[Difference]:
    """Tags and ConfigurationSetName: as SendRawEmail members, or as SES's X-SES-* fields."""
    out: list[Difference] = []
    want = [
        (name, value)
        for name, value in flatten("SendEmail", params)[2:]
        if name.startswith("Tags.") or name == "ConfigurationSetName"
    ]
    tag_field = " ".join(f.text() for f in message.headers(_TAGS_HEADER))
    for name, value in want:
        if got.get(name) == value:
            continue
        header = _SES_HEADERS.get(name)
        if header is not None and value in [f.text() for f in message.headers(header)]:
            continue
        if name.startswith("Tags.") and tag_field:
            continue  # carried by the X-SES-MESSAGE-TAGS field
        out.append(
            Difference(
                "parameter-dropped",
                Location("member", name),
                f"{name} = {shown(value)!r} was asked for and is neither a member nor a header",
                expected=shown(value),
            )
        )
    return out
