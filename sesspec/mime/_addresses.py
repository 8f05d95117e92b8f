"""Address lists (RFC 5322 section 3.4) read without recursion; see :mod:`sesspec.mime`."""

from __future__ import annotations

from dataclasses import dataclass

from sesspec.mime._limits import MAX_ADDRESSES, MimeError
from sesspec.mime._text import decode_words

__all__ = ["Mailbox", "mailboxes"]


@dataclass(frozen=True, slots=True)
class Mailbox:
    """One address of an address field: the display ``name`` (RFC 2047 decoded, unquoted;
    empty when none) and the ``address`` (``local@domain`` as written)."""

    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


def _mailbox(display: list[str], angle: list[str] | None, comment: str) -> Mailbox | None:
    if angle is not None:
        address = "".join(angle).strip()
        if ":" in address and address.startswith("@"):  # an obsolete route: @a,@b:addr
            address = address.rsplit(":", 1)[1]
        name = decode_words(" ".join("".join(display).split()))
    else:
        address = "".join(display).strip()
        name = decode_words(comment.strip())
        address = "".join(address.split())
    if not address and not name:
        return None
    return Mailbox(name, address)


def mailboxes(text: str) -> list[Mailbox]:
    """The mailboxes of an address field body (RFC 5322 section 3.4): groups opened,
    comments dropped (a comment names a bare address that has no display name), quoted
    strings unquoted. More than :data:`MAX_ADDRESSES` is a :class:`MimeError`
    (``too-many-addresses``, ``offset`` the character where reading stopped), and so is a
    comment, quoted string, ``<`` or ``[`` that never closes (``unterminated``)."""
    out: list[Mailbox] = []
    display: list[str] = []
    angle: list[str] | None = None
    comment: list[str] = []
    depth = 0
    quoted = escaped = literal = False
    target = display

    def finish(at: int) -> None:
        nonlocal angle, target
        box = _mailbox(display, angle, "".join(comment))
        if box is not None:
            if len(out) == MAX_ADDRESSES:
                msg = f"more than {MAX_ADDRESSES} addresses in one field"
                raise MimeError(msg, kind="too-many-addresses", offset=at)
            out.append(box)
        display.clear()
        comment.clear()
        angle = None
        target = display

    for i, ch in enumerate(text):
        if escaped:
            escaped = False
            (comment if depth else target).append(ch)
        elif depth:
            if ch == "\\":
                escaped = True
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if not depth:
                    comment.append(" ")
            else:
                comment.append(ch)
        elif quoted:
            if ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            else:
                target.append(ch)
        elif literal:
            target.append(ch)
            literal = ch != "]"
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth = 1
        elif ch == "[":
            literal = True
            target.append(ch)
        elif ch == "<" and angle is None:
            angle = []
            target = angle
        elif ch == ">" and angle is not None:
            target = display
        elif ch == "," and target is display:
            finish(i)
        elif ch == ":" and angle is None:
            display.clear()  # a group's name: its members follow
        elif ch == ";" and angle is None:
            finish(i)
        else:
            target.append(ch)
    if depth or quoted or literal or target is angle:
        what = "comment" if depth else "quoted string" if quoted else "address"
        msg = f"an address field whose {what} never ends"
        raise MimeError(msg, kind="unterminated", offset=len(text))
    finish(len(text))
    return out
