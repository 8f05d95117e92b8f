"""Messages compared: a raw message asked for against the one that arrived, header by header
and part by part, read with the one MIME reader (:mod:`sesspec.mime`).

What is compared, exactly as it arrived (docs/spec.md#fid-message):

* the message's own line ends (those of its header sections): CRLF made LF or the reverse;
* header fields by name, each value as written (unfolded, less the one space after the colon)
  and then RFC 2047-decoded: a decoded value that differs is named by its steps
  (:mod:`sesspec.fidelity.values`); the same value encoded otherwise is ``header-reencoded``,
  folded otherwise ``header-refolded``; address fields mailbox by mailbox; a header line over
  RFC 5322's 998 octets that was not asked is ``header-line-too-long``;
* leaf parts in order: type, charset (the charset kinds), file name, transfer encoding, the
  other header fields, and the content, decoded as a conforming reader decodes it (RFC 2045
  base64 and quoted-printable, whose decoder deletes white space at the end of a line), text
  read in its charset;
* anything else that differs in the bytes (a boundary, a preamble) is ``message-rewritten``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence

from sesspec.fidelity.kinds import Kind
from sesspec.fidelity.types import Difference, Location, shown
from sesspec.fidelity.values import changed, excerpt, same_text, search_budget
from sesspec.mime import Field, Mailbox, MimeError, Part, decode_words, mailboxes, read_message

__all__ = [
    "ADDRESS_HEADERS",
    "HARMLESS_ADDED",
    "MAX_LINE",
    "address_differences",
    "blob_bytes",
    "charset_differences",
    "compare_messages",
    "read",
    "unreadable",
]


def __dir__() -> list[str]:
    return __all__


#: RFC 5322 section 2.1.1: "Each line of characters MUST be no more than 998 characters".
MAX_LINE = 998
#: Header fields whose values are address lists (RFC 5322 section 3.6.2, 3.6.3).
ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender"})
#: Added to a message on its way, these change nothing the recipient reads (RFC 5322 section
#: 3.6 requires Date; SES adds Message-ID and Date itself, [MODEL] SendRawEmail; RFC 2045
#: section 4 wants MIME-Version).
HARMLESS_ADDED = frozenset({"date", "message-id", "mime-version"})
#: Header fields compared with their part (type, charset, file name, disposition, transfer
#: encoding), not as text.
_PART_FIELDS = frozenset({"content-type", "content-transfer-encoding", "content-disposition"})


def blob_bytes(text: str) -> bytes | None:
    """Base64 text read as SES would at best (line breaks allowed); None if not base64."""
    try:
        return base64.b64decode(re.sub(r"[\r\n]", "", text), validate=True)
    except (binascii.Error, ValueError):
        return None


def unreadable(where: Location, reason: str) -> Difference:
    return Difference("unreadable", where, f"{reason}: not compared")


def read(data: bytes, where: Location) -> Part | Difference:
    """The message in ``data``, or the ``unreadable`` difference that says why not."""
    try:
        return read_message(data)
    except MimeError as exc:
        return unreadable(where, f"the message cannot be read ({exc})")


# --- addresses -------------------------------------------------------------------------------


def _idna(domain: str, *, encode: bool) -> str | None:
    try:
        if encode:
            return domain.encode("idna").decode("ascii")
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return None


def _idna_kind(want: str, got: str) -> Kind | None:
    w_local, _, w_domain = want.rpartition("@")
    g_local, _, g_domain = got.rpartition("@")
    if w_local != g_local or w_domain == g_domain:
        return None
    if _idna(w_domain, encode=True) == g_domain:
        return "address-idna-encoded"
    if _idna(w_domain, encode=False) == g_domain:
        return "address-idna-decoded"
    return None


def address_differences(
    where: Location, expected: Sequence[Mailbox], actual: Sequence[Mailbox]
) -> list[Difference]:
    """The mailboxes of one field (or list): matched by address (any case), then each
    match's address and display name compared; the rest dropped, added, or the same
    address with its domain in the other IDNA form; the order of the matched ones."""
    label = where.name or "the addresses"
    out: list[Difference] = []
    left = list(actual)
    unmatched: list[Mailbox] = []
    order: list[Mailbox] = []
    for box in expected:
        same = next((b for b in left if b.address.lower() == box.address.lower()), None)
        if same is None:
            unmatched.append(box)
            continue
        left.remove(same)
        order.append(same)
        out += changed(where, f"{label}: the address {box.address!r}", box.address, same.address)
        out += changed(where, f"{label}: the name of {box.address!r}", box.name, same.name)
    for box in unmatched:
        twin = next((b for b in left if _idna_kind(box.address, b.address)), None)
        if twin is not None:
            left.remove(twin)
            out.append(
                Difference(
                    _idna_kind(box.address, twin.address) or "address-idna-encoded",
                    where,
                    f"{label}: {box.address!r} arrived as {twin.address!r}",
                    expected=shown(str(box)),
                    actual=shown(str(twin)),
                    change=excerpt(box.address, twin.address),
                )
            )
            continue
        out.append(
            Difference(
                "address-dropped",
                where,
                f"{label}: {str(box)!r} was asked for and did not arrive",
                expected=shown(str(box)),
            )
        )
    out += [
        Difference(
            "address-added",
            where,
            f"{label}: {str(box)!r} arrived but was not asked for",
            actual=shown(str(box)),
        )
        for box in left
    ]
    arrived = [b for b in actual if b in order]
    if arrived != order:
        out.append(
            Difference(
                "order-changed",
                where,
                f"{label}: the same addresses in another order",
                expected=shown(", ".join(b.address for b in order)),
                actual=shown(", ".join(b.address for b in arrived)),
            )
        )
    return out


def _boxes(fields: Sequence[Field]) -> list[Mailbox]:
    out: list[Mailbox] = []
    for f in fields:
        out += mailboxes(f.unfolded())
    return out


# --- header fields ---------------------------------------------------------------------------


def _as_written(where: Location, e: Sequence[Field], a: Sequence[Field]) -> list[Difference]:
    """The same values written otherwise: other encoded-words or syntax, or other folds."""
    if [f.written() for f in e] != [f.written() for f in a]:
        return [
            Difference(
                "header-reencoded",
                where,
                f"{where.name}: the same value, written otherwise",
                expected=shown(" | ".join(f.written() for f in e)),
                actual=shown(" | ".join(f.written() for f in a)),
            )
        ]
    if [f.raw for f in e] != [f.raw for f in a]:
        return [
            Difference("header-refolded", where, f"{where.name}: the same value, folded otherwise")
        ]
    return []


def long_lines(where: Location, asked: Field | None, arrived: Field) -> list[Difference]:
    """``header-line-too-long`` when ``arrived`` has a line over :data:`MAX_LINE` octets and
    what was asked (``asked``; None: nothing, or no such header) had none."""
    if arrived.longest_line <= MAX_LINE:
        return []
    if asked is not None and asked.longest_line > MAX_LINE:
        return []
    return [
        Difference(
            "header-line-too-long",
            where,
            f"{where.name}: a line of {arrived.longest_line} octets, over RFC 5322's "
            f"{MAX_LINE} (section 2.1.1)",
        )
    ]


def added_header(where: Location, fields: Sequence[Field]) -> Difference:
    name = where.name
    value = " | ".join(f.text() for f in fields)
    if name.lower() == "bcc":
        message = (
            f"a Bcc header ({value!r}) is in the message: unless the server removes it, every "
            "recipient sees the blind copies (RFC 5322 section 3.6.3)"
        )
        return Difference("header-added", where, message, actual=shown(value))
    harmless = name.lower() in HARMLESS_ADDED
    note = "harmless" if harmless else "not asked for"
    return Difference(
        "header-added",
        where,
        f"header {name} ({shown(value)!r}) added: {note}",
        actual=shown(value),
        condition=harmless,
    )


def _field_differences(where: Location, e: list[Field], a: list[Field]) -> list[Difference]:
    lname = where.name.lower()
    if lname in ADDRESS_HEADERS:
        try:
            out = address_differences(where, _boxes(e), _boxes(a))
        except MimeError as exc:
            return [unreadable(where, f"{where.name} cannot be read ({exc})")]
        return out or _as_written(where, e, a)
    out = []
    for want, got in zip(e, a, strict=False):
        text = changed(where, where.name, decode_words(want.written()), decode_words(got.written()))
        out += text or _as_written(where, [want], [got])
    if len(a) > len(e):
        out.append(added_header(where, a[len(e) :]))
    elif len(e) > len(a):
        out.append(_removed_header(where, e[len(a) :]))
    return out


def _removed_header(where: Location, fields: Sequence[Field]) -> Difference:
    value = " | ".join(f.text() for f in fields)
    empty = not value.strip()
    return Difference(
        "header-removed",
        where,
        f"header {where.name} ({shown(value)!r}) is not in the message"
        + (": the value asked is empty" if empty else ""),
        expected=shown(value),
        condition=empty,
    )


def _by_name(fields: Sequence[Field]) -> dict[str, list[Field]]:
    """Fields grouped by lower-case name, in the order each name first appears."""
    out: dict[str, list[Field]] = {}
    for field in fields:
        out.setdefault(field.name.lower(), []).append(field)
    return out


def section_differences(
    e: Sequence[Field], a: Sequence[Field], where_of: Callable[[str], Location]
) -> list[Difference]:
    """The header fields of two sections, by name (any case), in the order asked; those only
    the arrived one has, in its order; part fields (Content-Type, Content-Transfer-Encoding,
    Content-Disposition) left to the part's comparison."""
    out: list[Difference] = []
    asked, arrived = _by_name(e), _by_name(a)
    for lname, want in asked.items():
        if lname in _PART_FIELDS:
            continue
        got = arrived.get(lname, [])
        where = where_of(want[0].name)
        if not got:
            out.append(_removed_header(where, want))
            continue
        out += _field_differences(where, want, got)
        for i, field in enumerate(got):
            out += long_lines(where, want[i] if i < len(want) else None, field)
    for lname, got in arrived.items():
        if lname in asked or lname in _PART_FIELDS:
            continue
        where = where_of(got[0].name)
        out.append(added_header(where, got))
        for field in got:
            out += long_lines(where, None, field)
    return out


# --- parts -------------------------------------------------------------------------------------


def charset_differences(
    where: Location, want: str | None, got: str | None, text: str, data: bytes
) -> list[Difference]:
    """The charset asked (``want``) against the one that arrived (``got``; None: none) for
    the text asked (``text``) that arrived as ``data``: dropped, added or changed, info when
    ``data`` read in ``got`` is ``text`` (docs/spec.md#fid-kinds)."""
    if want == got:
        return []
    same = same_text(text, data, got)
    if got is None:
        return [
            Difference(
                "charset-dropped",
                where,
                f"{where.name}: the charset {want!r} asked for did not arrive"
                + ("; the text reads the same without it" if same else "; the text misreads"),
                expected=want,
                condition=same,
            )
        ]
    kind: Kind = "charset-added" if want is None else "charset-changed"
    return [
        Difference(
            kind,
            where,
            f"{where.name}: the charset {got!r} arrived"
            + ("" if want is None else f" for {want!r}")
            + ("; the text reads the same in it" if same else "; the text misreads in it"),
            expected=want,
            actual=got,
            condition=same,
        )
    ]


def _is_text(part: Part) -> bool:
    return part.content_type.startswith("text/")


def part_differences(where: Location, e: Part, a: Part) -> list[Difference]:
    """One leaf part asked against the one that arrived in its place."""
    out: list[Difference] = []
    if e.content_type != a.content_type:
        out.append(
            Difference(
                "part-type-changed",
                where,
                f"part {where.name} arrived as {a.content_type}",
                expected=e.content_type,
                actual=a.content_type,
            )
        )
    out += changed(where, f"part {where.name}: the file name", e.filename or "", a.filename or "")
    out += changed(
        where, f"part {where.name}: the disposition", e.disposition or "", a.disposition or ""
    )
    if _is_text(e) and _is_text(a):
        text = e.text()
        out += charset_differences(where, e.charset, a.charset, text, a.content())
        out += changed(where, f"part {where.name}: the text", text, a.text())
    else:
        out += changed(where, f"part {where.name}: the content", e.content(), a.content())
    if e.transfer_encoding != a.transfer_encoding:
        out.append(
            Difference(
                "transfer-encoding-changed",
                where,
                f"part {where.name}: Content-Transfer-Encoding {e.transfer_encoding} -> "
                f"{a.transfer_encoding}",
                expected=e.transfer_encoding,
                actual=a.transfer_encoding,
            )
        )
    elif e.body != a.body and e.content() == a.content():
        kind: Kind = (
            "base64-rewrapped" if e.transfer_encoding == "base64" else "transfer-encoding-changed"
        )
        out.append(
            Difference(
                kind,
                where,
                f"part {where.name}: the same content, its {e.transfer_encoding} written otherwise",
                change=excerpt(e.body, a.body),
            )
        )
    return out


#: The kind of a change of a message's own line ends (CRLF, LF, or both): from, to.
_LINE_FORM_KINDS: dict[tuple[str, str], Kind] = {
    ("crlf", "lf"): "line-end-crlf-to-lf",
    ("crlf", "mixed"): "line-end-crlf-to-lf",
    ("mixed", "lf"): "line-end-crlf-to-lf",
    ("lf", "crlf"): "line-end-lf-to-crlf",
    ("lf", "mixed"): "line-end-lf-to-crlf",
    ("mixed", "crlf"): "line-end-lf-to-crlf",
}


def _line_form(message: Part) -> str:
    crlf = bare = 0
    pending = [message]
    while pending:
        part = pending.pop()
        crlf += part.eol[0]
        bare += part.eol[1]
        pending.extend(part.children)
    if crlf and bare:
        return "mixed"
    return "crlf" if crlf else "lf" if bare else ""


def _boundaries(message: Part) -> list[str]:
    out: list[str] = []
    pending = [message]
    while pending:
        part = pending.pop()
        if part.is_multipart:
            out.append(part.params["boundary"])
        pending.extend(reversed(part.children))
    return out


def _at(place: Location) -> Callable[[str], Location]:
    """Every field of a part is at the part."""

    def where(_name: str) -> Location:
        return place

    return where


def compare_messages(expected: bytes, actual: bytes) -> list[Difference]:
    """What differs between two Internet messages (a ``SendRawEmail``'s decoded data), in the
    order: the message's line ends, its header fields, its parts (see the module docstring)."""
    with search_budget():
        return _compare_messages(expected, actual)


def _compare_messages(expected: bytes, actual: bytes) -> list[Difference]:
    where = Location("member", "RawMessage.Data")
    if expected == actual:
        return []
    e = read(expected, where)
    a = read(actual, where)
    if isinstance(e, Difference):
        return [e]
    if isinstance(a, Difference):
        return [a]
    out: list[Difference] = []
    forms = (_line_form(e), _line_form(a))
    kind = _LINE_FORM_KINDS.get(forms)
    if kind is not None:
        out.append(
            Difference(
                kind,
                where,
                f"the message's own line ends (its header lines) were {forms[0].upper()}, "
                f"arrived {forms[1].upper()}",
                expected=forms[0].upper(),
                actual=forms[1].upper(),
            )
        )
    out += section_differences(e.fields, a.fields, lambda name: Location("header", name))
    if (e.is_multipart or a.is_multipart) and e.content_type != a.content_type:
        out.append(
            Difference(
                "part-type-changed",
                Location("header", "Content-Type"),
                f"the message arrived as {a.content_type}, asked as {e.content_type}",
                expected=e.content_type,
                actual=a.content_type,
            )
        )
    e_leaves, a_leaves = list(e.leaves()), list(a.leaves())
    for i, (want, got) in enumerate(zip(e_leaves, a_leaves, strict=False), 1):
        place = Location("part", f"{i} {want.content_type}")
        if want is not e and got is not a:
            out += section_differences(want.fields, got.fields, _at(place))
        out += part_differences(place, want, got)
    for i, part in enumerate(e_leaves[len(a_leaves) :], len(a_leaves) + 1):
        place = Location("part", f"{i} {part.content_type}")
        out.append(Difference("part-removed", place, f"part {place.name} is not in the message"))
    for i, part in enumerate(a_leaves[len(e_leaves) :], len(e_leaves) + 1):
        place = Location("part", f"{i} {part.content_type}")
        out.append(Difference("part-added", place, f"part {place.name} arrived, not asked"))
    if not out or _boundaries(e) != _boundaries(a):
        out.append(
            Difference(
                "message-rewritten",
                where,
                "the message's bytes changed outside its headers and contents (boundaries, "
                "preamble, epilogue)",
                change=excerpt(expected, actual),
            )
        )
    return out
