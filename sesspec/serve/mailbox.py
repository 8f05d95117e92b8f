"""The mail the local SES was asked to send: stored messages and the ways to get them back.

Every accepted send becomes a :class:`Message`: id, time, action, region, source, destinations
(To, Cc, Bcc), reply-to, subject, text and HTML bodies, the raw MIME, the MIME's headers and
attachments (read with :mod:`sesspec.mime`), the template name and data, tags, the
configuration set, a status (``Sent``, or ``RenderingFailure`` with the reason, for a templated
send SES accepts but cannot render), ``findings``: the wire checker's findings on the request
that sent it, and that request itself (``request``: its head and at most :data:`MAX_REQUEST_KEPT`
bytes of its body, ``request_seq``: its sequence number in the endpoint's capture file).

* :func:`compose_mime` writes the MIME message SES composes for ``SendEmail`` and the templated
  sends (and ``TestRenderTemplate`` returns): ``Date``, ``From``, ``Reply-To``, ``To``, ``Cc``,
  ``Message-ID``, ``Subject``, ``MIME-Version``, then one ``text/plain`` and/or ``text/html`` part,
  ``multipart/alternative`` when both (SendEmail's Body: "You can specify text, HTML, or both";
  SendRawEmail: SES "applies its own Message-ID and Date headers"; MODEL). Bcc never appears
  in the headers. Bodies are 7bit when they are ASCII with lines of at most 998 octets (RFC 5322
  2.1.1), quoted-printable otherwise; a non-ASCII subject is an RFC 2047 encoded-word; CR and LF
  never reach a header line.
* :func:`parse_mime` reads any raw message without raising, through sesspec's one MIME reader
  (:mod:`sesspec.mime`): headers decoded, the first ``text/plain`` and ``text/html`` parts that
  are not attachments, and every attachment (file name, content type, decoded size). A message
  past one of the reader's limits (more than :data:`MAX_MIME_PARTS` parts, multiparts nested
  deeper than :data:`sesspec.mime.MAX_DEPTH`) is read for its headers only, with a note saying
  which limit.
* :class:`Mailbox` keeps messages in arrival order, thread-safe, at most ``max_messages``
  (default :data:`DEFAULT_MAX_MESSAGES`) and ``max_bytes`` of memory, each message counted at
  what it costs (:func:`message_cost`: raw bytes, decoded bodies and headers, attachments,
  findings; default :data:`DEFAULT_MAX_BYTES`); past either the oldest is dropped and counted in
  ``dropped`` (the newest is always kept). It filters (:meth:`Mailbox.messages`), clears (all or
  one id), says which stored messages come nearest to a filter that matched none
  (:meth:`Mailbox.explain`, for assertion messages), and writes the JSON of LocalStack's
  ``GET /_aws/ses`` (:meth:`Mailbox.localstack`).
* With ``--state-dir`` each message is also one JSON file (:meth:`Message.to_json`), written
  by :mod:`sesspec.serve.state.persistence`, the one writer of the state folder.

LocalStack's JSON (``localstack/services/ses/provider.py``, ``models.py``): ``{"messages": [...]}``
with ``Id``, ``Region``, ``Source``, ``Destination`` (``ToAddresses``, ``CcAddresses``,
``BccAddresses``), ``Subject``, ``Body`` (``text_part``, ``html_part``), ``RawData``,
``Template``, ``TemplateData`` and ``Timestamp`` (``%Y-%m-%dT%H:%M:%S``, UTC); its ``?email=``
filter matches the source only, ours also any destination. Our extra keys:
``Action``, ``Status``, ``Failure``, ``ReplyToAddresses``, ``Tags``, ``ConfigurationSetName``,
``Attachments``, ``Findings``.
"""

from __future__ import annotations

import base64
import contextlib
import quopri
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime
from typing import Any, Protocol, TypedDict

from sesspec.mime import (
    MAX_PARTS,
    Field,
    MimeError,
    MimeErrorKind,
    Part,
    mailboxes,
    read_header_section,
    read_message,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MESSAGES",
    "LARGE_FIELDS",
    "MAX_MIME_PARTS",
    "MAX_RAW_BYTES",
    "MAX_REQUEST_KEPT",
    "Attachment",
    "Criteria",
    "Mailbox",
    "Message",
    "MessageStore",
    "ParsedMime",
    "compose_mime",
    "message_cost",
    "parse_mime",
    "without_surrogates",
]


def __dir__() -> list[str]:
    return __all__


#: QUOTAS: "10 MB per message" for the SES v1 API.
MAX_RAW_BYTES = 10 * 1024 * 1024
#: Parts of a message beyond which only its headers are read: the one MIME reader's limit
#: (:data:`sesspec.mime.MAX_PARTS`; its other limits, depth and header lines, likewise).
MAX_MIME_PARTS = MAX_PARTS
#: Messages a :class:`Mailbox` keeps unless told otherwise (ours).
DEFAULT_MAX_MESSAGES = 10_000
#: Bytes of memory the messages a :class:`Mailbox` keeps may cost (:func:`message_cost`; ours):
#: 10,000 small messages fit many times over; 10 MB raw messages (the SES v1 largest) about 25.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
#: Bytes of a request's body kept with its message (the whole message is in ``raw`` anyway; the
#: capture file has every byte).
MAX_REQUEST_KEPT = 64 * 1024
#: The fields of :meth:`Message.to_json` that may be large: the raw message and the request
#: (bytes, written as base64) and the two bodies (text).
LARGE_FIELDS = ("raw", "request", "text", "html")
#: RFC 5322 2.1.1: a line is at most 998 characters without its CRLF.
_MAX_LINE = 998
_HEADER_BREAKS = re.compile(r"[\r\n]+[ \t]*")
#: A line longer than RFC 5322 allows (a body with one is sent quoted-printable).
_LONG_LINE = re.compile(f"[^\\n]{{{_MAX_LINE + 1}}}")


# --- building ----------------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (from a JSON escape such as ``"\\ud800"`` left
    unpaired, or a caller's string) as U+FFFD, the replacement character: a message is UTF-8,
    which cannot carry one (ours; SES's own answer is not documented). ``text`` itself when it
    has none."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def _header_value(value: str) -> str:
    """A header value on one line: CR/LF (and the folding after them) become one space."""
    if "\r" not in value and "\n" not in value:
        return value
    return _HEADER_BREAKS.sub(" ", value)


_date_cache: tuple[int, str] = (-1, "")


def _date_header(date: datetime) -> str:
    """RFC 5322 date of ``date`` in UTC (the last one made is kept: sends come in bursts)."""
    global _date_cache  # noqa: PLW0603 - a one-entry cache; tuples are replaced whole
    second = int(date.timestamp())
    cached = _date_cache
    if cached[0] == second:
        return cached[1]
    text = format_datetime(date.astimezone(UTC).replace(microsecond=0))
    _date_cache = (second, text)
    return text


def _charset(name: str | None) -> str:
    if not name:
        return "UTF-8"
    try:
        "".encode(name)
    except LookupError:
        return "UTF-8"
    return name


def _encode_subject(subject: str, charset: str) -> str:
    flat = _header_value(subject)
    if flat.isascii():
        return flat
    try:
        flat.encode(charset)
    except UnicodeEncodeError:
        charset = "UTF-8"
    return Header(flat, charset).encode(linesep="\r\n")


def _body_part(text: str, subtype: str, charset: str) -> tuple[list[str], bytes]:
    """Head lines and body of one text part, the body with CRLF line ends, made in bytes with
    as few copies of a large body as there are steps (its encoding, its transfer encoding)."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    try:
        data = normal.encode(charset)
    except UnicodeEncodeError:
        charset = "UTF-8"
        data = normal.encode(charset)
    head = [f"Content-Type: text/{subtype}; charset={charset}"]
    if normal.isascii() and _LONG_LINE.search(normal) is None:
        head.append("Content-Transfer-Encoding: 7bit")
        body = data.replace(b"\n", b"\r\n")
    else:
        head.append("Content-Transfer-Encoding: quoted-printable")
        del normal
        body = quopri.encodestring(data).replace(b"\n", b"\r\n")
    return head, body


def _crlf(lines: Sequence[str]) -> bytes:
    """Header lines (and the empty line after them), each ended with CRLF, in UTF-8."""
    return "".join(f"{line}\r\n" for line in lines).encode("utf-8")


def compose_mime(
    *,
    subject: str,
    text: str | None,
    html: str | None,
    date: datetime,
    message_id: str | None = None,
    boundary: str = "",
    source: str | None = None,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    subject_charset: str | None = None,
    text_charset: str | None = None,
    html_charset: str | None = None,
) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """The MIME message SES composes from a SendEmail-style message (see the module docstring),
    and its top-level headers as :func:`parse_mime` would read them (decoded) without parsing
    the message again.

    ``boundary`` must be given when both ``text`` and ``html`` are; ``message_id`` is written as
    ``<{message_id}@email.amazonses.com>`` (the form SES uses). A lone surrogate in any of the
    texts is written U+FFFD (:func:`without_surrogates`).
    """
    subject = without_surrogates(subject)
    text = None if text is None else without_surrogates(text)
    html = None if html is None else without_surrogates(html)
    source = None if source is None else without_surrogates(source)
    to, cc, reply_to = ([without_surrogates(a) for a in group] for group in (to, cc, reply_to))
    headers: list[tuple[str, str]] = [("Date", _date_header(date))]
    if source is not None:
        headers.append(("From", _header_value(source)))
    for name, addresses in (("Reply-To", reply_to), ("To", to), ("Cc", cc)):
        if addresses:
            headers.append((name, ", ".join(_header_value(a) for a in addresses)))
    if message_id is not None:
        headers.append(("Message-ID", f"<{_header_value(message_id)}@email.amazonses.com>"))
    lines = [f"{name}: {value}" for name, value in headers]
    lines.append(f"Subject: {_encode_subject(subject, _charset(subject_charset))}")
    headers.append(("Subject", _header_value(subject)))
    lines.append("MIME-Version: 1.0")
    headers.append(("MIME-Version", "1.0"))
    parts: list[tuple[list[str], bytes]] = []
    if text is not None:
        parts.append(_body_part(text, "plain", _charset(text_charset)))
    if html is not None:
        parts.append(_body_part(html, "html", _charset(html_charset)))
    if not parts:
        parts.append(_body_part("", "plain", "UTF-8"))
    chunks: list[bytes] = []
    if len(parts) == 1:
        head, body = parts[0]
        for line in head:
            name, _, value = line.partition(": ")
            headers.append((name, value))
        chunks += [_crlf([*lines, *head, ""]), body, b"\r\n"]
    else:
        if not boundary:
            msg = "a multipart message needs a boundary"
            raise ValueError(msg)
        content_type = f'multipart/alternative; boundary="{boundary}"'
        headers.append(("Content-Type", content_type))
        chunks.append(_crlf([*lines, f"Content-Type: {content_type}", ""]))
        for head, body in parts:
            chunks += [_crlf([f"--{boundary}", *head, ""]), body, b"\r\n"]
        chunks.append(_crlf([f"--{boundary}--"]))
    return b"".join(chunks), tuple(headers)


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attachment (or inline part with a name or Content-ID) of a stored message."""

    filename: str | None
    content_type: str
    size: int
    disposition: str | None = None
    content_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "disposition": self.disposition,
            "content_id": self.content_id,
        }


@dataclass(frozen=True, slots=True)
class ParsedMime:
    """What :func:`parse_mime` read from a raw message."""

    headers: tuple[tuple[str, str], ...]
    subject: str | None
    text: str | None
    html: str | None
    attachments: tuple[Attachment, ...]
    from_: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    reply_to: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: Why not even the top header section could be read (a :class:`sesspec.mime.MimeError`'s
    #: kind), or None.
    unread: MimeErrorKind | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for n, v in self.headers if n.lower() == lowered), None)


def _addresses(fields: Iterable[Field]) -> tuple[str, ...]:
    found: list[str] = []
    for header in fields:
        with contextlib.suppress(MimeError):  # a field the reader refuses names no one
            found += [box.address for box in mailboxes(header.unfolded()) if box.address]
    return tuple(found)


def _headers_only(
    raw: bytes, reason: MimeError, notes: list[str], unread: list[MimeErrorKind]
) -> tuple[Field, ...]:
    """The top header section of a message the reader refuses whole, with a note saying why
    (and, when even that cannot be read, the kind of the problem in ``unread``)."""
    try:
        fields, _, _ = read_header_section(raw)
    except MimeError as exc:
        notes.append(f"{exc.message}: not read")
        unread.append(exc.kind)
        return ()
    notes.append(f"{reason.message}: headers only")
    return fields


def parse_mime(raw: bytes) -> ParsedMime:
    """Headers, bodies and attachments of ``raw`` (never raises; see the module docstring)."""
    notes: list[str] = []
    unread: list[MimeErrorKind] = []
    leaves: list[Part] = []
    try:
        message = read_message(raw)
    except MimeError as exc:
        fields = _headers_only(raw, exc, notes, unread)
    else:
        fields = message.fields
        leaves = list(message.leaves())
    headers = tuple((header.name, header.text()) for header in fields)
    text = html = None
    attachments = []
    for part in leaves:
        content_type = part.content_type
        disposition = part.disposition
        filename = part.filename
        content_id = part.header("Content-ID")
        if disposition == "attachment" or filename is not None or content_id is not None:
            attachments.append(
                Attachment(
                    filename,
                    content_type,
                    len(part.content()),
                    disposition,
                    None if content_id is None else content_id.text(),
                )
            )
        elif content_type == "text/plain" and text is None:
            text = part.text(errors="replace", default="utf-8")
        elif content_type == "text/html" and html is None:
            html = part.text(errors="replace", default="utf-8")

    def named(name: str) -> list[Field]:
        lowered = name.lower()
        return [f for f in fields if f.name.lower() == lowered]

    subject = next(iter(named("Subject")), None)
    return ParsedMime(
        headers=headers,
        subject=None if subject is None else subject.text(),
        text=text,
        html=html,
        attachments=tuple(attachments),
        from_=_addresses(named("From")),
        to=_addresses(named("To")),
        cc=_addresses(named("Cc")),
        bcc=_addresses(named("Bcc")),
        reply_to=_addresses(named("Reply-To")),
        notes=tuple(notes),
        unread=unread[0] if unread else None,
    )


# --- messages ----------------------------------------------------------------------------------

#: LocalStack writes its timestamps as ``%Y-%m-%dT%H:%M:%S`` (UTC, no zone).
_LOCALSTACK_TIME = "%Y-%m-%dT%H:%M:%S"


@dataclass(slots=True)
class Message:
    """One message the local SES accepted (see the module docstring)."""

    id: str
    timestamp: datetime
    action: str
    region: str
    source: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    raw: bytes
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    reply_to: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()
    template: str | None = None
    template_data: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    configuration_set: str | None = None
    status: str = "Sent"
    failure: str | None = None
    notes: tuple[str, ...] = ()
    findings: list[dict[str, Any]] = field(default_factory=list)
    request: bytes = b""
    request_seq: int = 0

    @property
    def destinations(self) -> tuple[str, ...]:
        """Every recipient: To, then Cc, then Bcc."""
        return self.to + self.cc + self.bcc

    def mime(self) -> Part:
        """The raw message read again with :func:`sesspec.mime.read_message` (for tests that
        want its parts; a :class:`sesspec.mime.MimeError` past the reader's limits)."""
        return read_message(self.raw)

    def localstack(self) -> dict[str, Any]:
        """This message as LocalStack's ``GET /_aws/ses`` lists it, plus our extra keys."""
        return {
            "Id": self.id,
            "Region": self.region,
            "Timestamp": self.timestamp.astimezone(UTC).strftime(_LOCALSTACK_TIME),
            "Source": self.source,
            "Destination": {
                "ToAddresses": list(self.to),
                "CcAddresses": list(self.cc),
                "BccAddresses": list(self.bcc),
            },
            "Subject": self.subject,
            "Body": {"text_part": self.text, "html_part": self.html},
            "RawData": self.raw.decode("utf-8", errors="replace"),
            "Template": self.template,
            "TemplateData": self.template_data,
            "Action": self.action,
            "Status": self.status,
            "Failure": self.failure,
            "ReplyToAddresses": list(self.reply_to),
            "Tags": [{"Name": n, "Value": v} for n, v in self.tags],
            "ConfigurationSetName": self.configuration_set,
            "Attachments": [a.to_json() for a in self.attachments],
            "Findings": list(self.findings),
        }

    def to_json(self, *, large: bool = True) -> dict[str, Any]:
        """Everything, JSON-safe (the raw message and the request as base64), for the state
        folder; without the four that may be large (:data:`LARGE_FIELDS`: ``raw``, ``request``,
        ``text``, ``html``) when ``large`` is false, for a writer that streams them."""
        out: dict[str, Any] = {
            "id": self.id,
            "timestamp": self.timestamp.astimezone(UTC).isoformat(),
            "action": self.action,
            "region": self.region,
            "source": self.source,
            "to": list(self.to),
            "cc": list(self.cc),
            "bcc": list(self.bcc),
            "subject": self.subject,
            "reply_to": list(self.reply_to),
            "headers": [list(h) for h in self.headers],
            "attachments": [a.to_json() for a in self.attachments],
            "template": self.template,
            "template_data": self.template_data,
            "tags": [list(t) for t in self.tags],
            "configuration_set": self.configuration_set,
            "status": self.status,
            "failure": self.failure,
            "notes": list(self.notes),
            "findings": self.findings,
            "request_seq": self.request_seq,
        }
        if large:
            out["raw"] = base64.b64encode(self.raw).decode("ascii")
            out["text"] = self.text
            out["html"] = self.html
            out["request"] = base64.b64encode(self.request).decode("ascii")
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        """The inverse of :meth:`to_json`: every field of its type, else ``KeyError``,
        ``TypeError`` or ``ValueError`` naming the field."""
        if not isinstance(data, Mapping):
            msg = f"a message is a JSON object, not {type(data).__name__}"
            raise TypeError(msg)
        message_id = _field(data, "id", str)
        timestamp = datetime.fromisoformat(_field(data, "timestamp", str))
        if timestamp.tzinfo is None:
            msg = f"timestamp: no time zone: {data['timestamp']!r}"
            raise ValueError(msg)
        seq = data.get("request_seq", 0)
        if not isinstance(seq, int) or isinstance(seq, bool):
            msg = f"request_seq: not an integer: {seq!r}"
            raise TypeError(msg)
        return cls(
            id=message_id,
            timestamp=timestamp,
            action=_field(data, "action", str),
            region=_field(data, "region", str),
            source=_field(data, "source", str),
            to=_strings(data, "to"),
            cc=_strings(data, "cc"),
            bcc=_strings(data, "bcc"),
            raw=base64.b64decode(_field(data, "raw", str), validate=True),
            subject=_field(data, "subject", str, optional=True),
            text=_field(data, "text", str, optional=True),
            html=_field(data, "html", str, optional=True),
            reply_to=_strings(data, "reply_to"),
            headers=_pairs(data, "headers"),
            attachments=tuple(_attachment(a) for a in _field(data, "attachments", list)),
            template=_field(data, "template", str, optional=True),
            template_data=_field(data, "template_data", str, optional=True),
            tags=_pairs(data, "tags"),
            configuration_set=_field(data, "configuration_set", str, optional=True),
            status=_field(data, "status", str),
            failure=_field(data, "failure", str, optional=True),
            notes=_strings(data, "notes"),
            findings=[_object(f, "findings") for f in _field(data, "findings", list)],
            request=base64.b64decode(
                _field(data, "request", str) if "request" in data else "", validate=True
            ),
            request_seq=seq,
        )


def _field(data: Mapping[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    """``data[name]`` when it is a ``kind`` (or None, if ``optional``), else ``TypeError``."""
    if name not in data:
        msg = f"{name}: missing"
        raise TypeError(msg)
    value = data[name]
    if (value is None and optional) or (isinstance(value, kind) and not isinstance(value, bool)):
        return value
    msg = f"{name}: not a {kind.__name__}: {str(value)[:80]!r}"
    raise TypeError(msg)


def _strings(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    values = _field(data, name, list)
    if not all(isinstance(v, str) for v in values):
        msg = f"{name}: not a list of strings"
        raise TypeError(msg)
    return tuple(values)


def _pairs(data: Mapping[str, Any], name: str) -> tuple[tuple[str, str], ...]:
    values = _field(data, name, list)
    if not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in values
    ):
        msg = f"{name}: not a list of string pairs"
        raise TypeError(msg)
    return tuple((n, v) for n, v in values)


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        msg = f"{name}: not an object: {str(value)[:80]!r}"
        raise TypeError(msg)
    return dict(value)


def _attachment(value: Any) -> Attachment:
    data = _object(value, "attachments")
    size = data.get("size")
    if not isinstance(size, int) or isinstance(size, bool):
        msg = f"attachments: size not an integer: {size!r}"
        raise TypeError(msg)
    return Attachment(
        _field(data, "filename", str, optional=True),
        _field(data, "content_type", str),
        size,
        _field(data, "disposition", str, optional=True),
        _field(data, "content_id", str, optional=True),
    )


# --- filtering ---------------------------------------------------------------------------------


def _bare(address: str) -> str:
    try:
        boxes = mailboxes(address)
    except MimeError:
        boxes = []
    return boxes[0].address.lower() if boxes and boxes[0].address else address.strip().lower()


def _text_matches(pattern: str | re.Pattern[str], value: str | None) -> bool:
    if value is None:
        return False
    if isinstance(pattern, re.Pattern):
        return pattern.search(value) is not None
    return value == pattern


class Criteria(TypedDict, total=False):
    """What :meth:`Mailbox.messages` can filter on (see there), as keyword arguments."""

    id: str
    email: str
    to: str
    source: str
    subject: str | re.Pattern[str]
    body: str | re.Pattern[str]
    template: str
    action: str
    configuration_set: str
    tag: str | tuple[str, str]
    status: str


#: The criteria :meth:`Mailbox.messages` takes, in the order mismatches are reported.
_CRITERIA = (
    "id",
    "email",
    "to",
    "source",
    "subject",
    "body",
    "template",
    "action",
    "configuration_set",
    "tag",
    "status",
)


def _mismatches(message: Message, criteria: Mapping[str, Any]) -> list[str]:
    """The names of the criteria ``message`` does not meet."""
    missed = []
    for name in _CRITERIA:
        wanted = criteria.get(name)
        if wanted is None:
            continue
        if name == "email":
            addresses = {_bare(a) for a in (message.source, *message.destinations)}
            ok = _bare(wanted) in addresses
        elif name == "to":
            ok = _bare(wanted) in {_bare(a) for a in message.destinations}
        elif name == "source":
            ok = _bare(wanted) == _bare(message.source)
        elif name == "subject":
            ok = _text_matches(wanted, message.subject)
        elif name == "body":
            texts = [t for t in (message.text, message.html) if t is not None]
            if isinstance(wanted, re.Pattern):
                ok = any(wanted.search(t) for t in texts)
            else:
                ok = any(wanted in t for t in texts)
        elif name == "tag":
            tag = (wanted, None) if isinstance(wanted, str) else tuple(wanted)
            ok = any(n == tag[0] and (tag[1] is None or v == tag[1]) for n, v in message.tags)
        else:
            ok = getattr(message, name) == wanted
        if not ok:
            missed.append(name)
    return missed


def _short(value: object, size: int = 80) -> str:
    shown = repr(value)
    return shown if len(shown) <= size else shown[: size - 3] + "..."


def _describe(message: Message) -> str:
    """One line about a message for an assertion's explanation (long values shortened)."""
    destinations = _short(list(message.destinations), 160)
    return (
        f"{message.id} {message.action} from {_short(message.source)} to {destinations}"
        f" subject {_short(message.subject)}"
        + (f" template {message.template!r}" if message.template else "")
        + (f" [{message.status}]" if message.status != "Sent" else "")
    )


# --- the mailbox -------------------------------------------------------------------------------


class MessageStore(Protocol):
    """Where a :class:`Mailbox`'s removals and rewrites go (the state folder:
    :class:`~sesspec.serve.state.persistence.Persistence`), each raising before the mailbox
    changes when it cannot be written."""

    def save_message(self, message: Message) -> None: ...
    def remove_messages(self, message_ids: Sequence[str] | None) -> None: ...


#: What a stored message costs in memory besides its fields' values: the object (slots), its
#: entries in the mailbox's ordered dictionary and in the cost table (measured with
#: tracemalloc on CPython 3.11: about 500 bytes; ours, rounded up).
_MESSAGE_OVERHEAD = 640
#: A slot of a tuple or list, and a two-item tuple (a header, a tag) with its slot.
_SLOT = 8
_PAIR = 64


def _strings_cost(values: Iterable[str]) -> int:
    return sum(sys.getsizeof(v) + _SLOT for v in values)


def _value_cost(value: Any) -> int:
    """Memory held by a JSON-like value (a finding): its objects at ``sys.getsizeof``, but the
    dictionaries' keys (names every finding shares) and small integers (CPython shares
    them)."""
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, int) and -5 <= item <= 256:
            continue
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            pending += item.values()
        elif isinstance(item, list | tuple):
            pending += item
    return total


def message_cost(message: Message) -> int:
    """What ``message`` costs in memory, parsed parts included: every string and bytes object it
    holds at ``sys.getsizeof`` (its size in memory: a non-ASCII text takes two or four bytes a
    character), the containers holding them and the object itself. This is what ``max_bytes``
    bounds (a 10 MB message of 2,000 headers costs its raw bytes and its decoded headers)."""
    cost = _MESSAGE_OVERHEAD
    cost += sys.getsizeof(message.raw) + sys.getsizeof(message.request)
    for text in (message.text, message.html, message.subject, message.template_data):
        if text is not None:
            cost += sys.getsizeof(text)
    cost += _strings_cost((message.id, message.action, message.region, message.source))
    for group in (message.to, message.cc, message.bcc, message.reply_to, message.notes):
        cost += sys.getsizeof(group) + _strings_cost(group)
    for pairs in (message.headers, message.tags):
        cost += sys.getsizeof(pairs) + sum(_PAIR + _strings_cost(pair) for pair in pairs)
    for attachment in message.attachments:
        cost += sys.getsizeof(attachment) + _SLOT + sys.getsizeof(attachment.size)
        cost += _strings_cost(
            s
            for s in (
                attachment.filename,
                attachment.content_type,
                attachment.disposition,
                attachment.content_id,
            )
            if s is not None
        )
    if message.findings:
        cost += _value_cost(message.findings)
    return cost


class Mailbox:
    """Stored messages, oldest first, thread-safe, capped (see the module docstring).

    With a ``store`` (the state folder) every message is on disk too: the caps bound what is
    kept in memory, never what is on disk; removing a message (:meth:`clear`) and rewriting
    one (:meth:`set_findings`) go to the store first, and nothing changes when it fails."""

    def __init__(
        self,
        *,
        max_messages: int = DEFAULT_MAX_MESSAGES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        store: MessageStore | None = None,
    ) -> None:
        if max_messages < 1:
            msg = f"max_messages must be at least 1, not {max_messages}"
            raise ValueError(msg)
        if max_bytes < 1:
            msg = f"max_bytes must be at least 1, not {max_bytes}"
            raise ValueError(msg)
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self.store = store
        self.dropped = 0
        self._lock = threading.Lock()
        self._messages: OrderedDict[str, Message] = OrderedDict()
        #: Each message's cost (:func:`message_cost`) as it was counted.
        self._costs: dict[str, int] = {}
        self._bytes = 0

    @property
    def size(self) -> int:
        """Bytes of memory the messages kept cost (:func:`message_cost`; what ``max_bytes``
        bounds)."""
        return self._bytes

    def restore(self, newest_first: Iterable[Message], total: int) -> None:
        """Keep the newest of ``total`` messages read back (given newest first, taken only while
        they fit the caps); the rest count as dropped (they stay in the store)."""
        kept: list[tuple[Message, int]] = []
        size = 0
        for message in newest_first:
            cost = message_cost(message)
            if kept and (len(kept) >= self.max_messages or size + cost > self.max_bytes):
                break
            kept.append((message, cost))
            size += cost
        with self._lock:
            for message, cost in reversed(kept):
                self._put(message, cost)
            self.dropped = max(0, total - len(kept))

    def _put(self, message: Message, cost: int | None = None) -> None:
        """Keep ``message`` as the newest (lock held), replacing one with its id."""
        if self._messages.pop(message.id, None) is not None:
            self._bytes -= self._costs.pop(message.id)
        self._messages[message.id] = message
        self._costs[message.id] = cost = message_cost(message) if cost is None else cost
        self._bytes += cost

    def _trim(self) -> None:
        while len(self._messages) > 1 and (
            len(self._messages) > self.max_messages or self._bytes > self.max_bytes
        ):
            old_id, _ = self._messages.popitem(last=False)
            self._bytes -= self._costs.pop(old_id)
            self.dropped += 1

    def add(self, message: Message, *, commit: Callable[[], None] | None = None) -> None:
        """Keep ``message`` (dropping the oldest from memory past the caps); a known id is
        replaced. ``commit`` (the state's journal line and counts) runs first under the
        mailbox's lock, so that messages are kept in the order they were committed; when it
        raises, nothing is kept."""
        with self._lock:
            if commit is not None:
                commit()
            self._put(message)
            self._trim()

    def __len__(self) -> int:
        return len(self._messages)

    def get(self, message_id: str) -> Message | None:
        with self._lock:
            return self._messages.get(message_id)

    def set_findings(self, message_id: str, findings: Sequence[Mapping[str, Any]]) -> bool:
        """Attach the request's findings to a stored message; False if it is not stored."""
        with self._lock:
            message = self._messages.get(message_id)
            if message is None:
                return False
            kept = message.findings
            message.findings = [dict(f) for f in findings]
            if self.store is not None:
                try:
                    self.store.save_message(message)
                except BaseException:
                    message.findings = kept
                    raise
            cost = message_cost(message)
            self._bytes += cost - self._costs[message_id]
            self._costs[message_id] = cost
            self._trim()
        return True

    def messages(
        self,
        *,
        id: str | None = None,
        email: str | None = None,
        to: str | None = None,
        source: str | None = None,
        subject: str | re.Pattern[str] | None = None,
        body: str | re.Pattern[str] | None = None,
        template: str | None = None,
        action: str | None = None,
        configuration_set: str | None = None,
        tag: str | tuple[str, str] | None = None,
        status: str | None = None,
    ) -> list[Message]:
        """Stored messages meeting every criterion given, oldest first.

        ``email`` matches the source or any recipient, ``to`` any recipient (To, Cc or Bcc),
        addresses compared without display names and case; ``subject`` is an exact string or a
        compiled pattern searched for; ``body`` a substring (or pattern) of the text or HTML
        body; ``tag`` a tag name or a (name, value) pair.
        """
        criteria = {
            "id": id,
            "email": email,
            "to": to,
            "source": source,
            "subject": subject,
            "body": body,
            "template": template,
            "action": action,
            "configuration_set": configuration_set,
            "tag": tag,
            "status": status,
        }
        with self._lock:
            stored = list(self._messages.values())
        return [m for m in stored if not _mismatches(m, criteria)]

    def nearest(self, limit: int = 3, **criteria: Any) -> list[tuple[Message, list[str]]]:
        """The stored messages that miss the fewest criteria (newest first among equals), each
        with the names of the criteria it misses."""
        unknown = set(criteria) - set(_CRITERIA)
        if unknown:
            msg = f"unknown criteria: {sorted(unknown)}"
            raise TypeError(msg)
        with self._lock:
            stored = list(self._messages.values())
        scored = [(m, _mismatches(m, criteria)) for m in reversed(stored)]
        scored.sort(key=lambda pair: len(pair[1]))
        return scored[:limit]

    def explain(self, limit: int = 3, **criteria: Any) -> str:
        """An assertion message: what was looked for, how many are stored, the nearest ones."""
        wanted = ", ".join(f"{k}={v!r}" for k, v in criteria.items() if v is not None)
        nearest = self.nearest(limit, **criteria)
        lines = [f"no message sent with {wanted or 'any criteria'}; {len(self)} stored"]
        if nearest:
            lines.append("nearest:")
            lines += [
                f"  {_describe(m)} (differs in: {', '.join(missed) or 'nothing'})"
                for m, missed in nearest
            ]
        if self.dropped:
            lines.append(f"({self.dropped} older messages were dropped at the caps)")
        return "\n".join(lines)

    def clear(self, message_id: str | None = None) -> int:
        """Remove every message, or the one with ``message_id``; the number removed (from
        memory: with a store, every message on disk goes too)."""
        with self._lock:
            if message_id is not None and message_id not in self._messages:
                return 0
            if self.store is not None:
                self.store.remove_messages(None if message_id is None else [message_id])
            if message_id is None:
                removed = len(self._messages)
                self._messages.clear()
                self._costs.clear()
                self._bytes = 0
                self.dropped = 0
                return removed
            del self._messages[message_id]
            self._bytes -= self._costs.pop(message_id)
            return 1

    def forget(self) -> None:
        """Remove every message from memory (the store has been reset already)."""
        with self._lock:
            self._messages.clear()
            self._costs.clear()
            self._bytes = 0
            self.dropped = 0

    def localstack(self, *, id: str | None = None, email: str | None = None) -> dict[str, Any]:
        """``GET /_aws/ses``'s body: ``{"messages": [...]}``, filtered by ``?id=`` / ``?email=``."""
        return {
            "messages": [m.localstack() for m in self.messages(id=id or None, email=email or None)]
        }
