"""The limits of the MIME reader and the error past them (see :mod:`sesspec.mime`)."""

from __future__ import annotations

from typing import Literal

from sesspec.errors import SesSpecError

__all__ = [
    "MAX_ADDRESSES",
    "MAX_DEPTH",
    "MAX_HEADER_LINES",
    "MAX_MESSAGE_BYTES",
    "MAX_PARTS",
    "MimeError",
    "MimeErrorKind",
]


#: Largest message read (bytes): a decoded ``RawMessage.Data`` of the largest body sesspec reads
#: (``sesspec.http.DEFAULT_MAX_BODY_SIZE``, 64 MiB of base64) is at most 48 MiB.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
#: Physical lines (folds included) in one header section. RFC 5322 sets no number; SES's own
#: messages have about ten, a 50-recipient To folded at 78 octets about fifty.
MAX_HEADER_LINES = 2_000
#: Parts of one message, counting multiparts and the message itself.
MAX_PARTS = 1_000
#: Multipart levels (the message is level 0).
MAX_DEPTH = 100
#: Addresses in one header field (SES takes at most 50 recipients per message, QUOTAS).
MAX_ADDRESSES = 1_000

#: What a :class:`MimeError` is about: which limit a message passed, or (``unterminated``) an
#: address field whose comment, quoted string, angle address or domain literal never ends.
MimeErrorKind = Literal[
    "too-large",
    "too-many-header-lines",
    "too-many-parts",
    "too-deep",
    "too-many-addresses",
    "unterminated",
]


class MimeError(SesSpecError, ValueError):
    """A message that cannot be read within sesspec's limits; ``kind`` names the limit
    (:data:`MimeErrorKind`), ``offset`` the byte of the message (or character of the field)
    where reading stopped."""

    def __init__(self, message: str, *, kind: MimeErrorKind, offset: int) -> None:
        super().__init__(message)
        self.kind: MimeErrorKind = kind
        self.offset = offset

    def __str__(self) -> str:
        return f"{self.message} at byte {self.offset}"
