"""Internet messages read exactly and within bounds: header fields, MIME parts, their content.

The one reader of mail in sesspec: the fidelity comparison (:mod:`sesspec.fidelity`) and the
local SES's mailbox (:mod:`sesspec.serve.mailbox`) read every message through
:func:`read_message`. It keeps what arrived as it arrived (each field's bytes after the colon,
folds and all; each part's body as bytes) and decodes only when asked, as a conforming reader
decodes:

* RFC 5322 section 2.2: a header field is ``name ":" body``; a line that starts with a space or
  a tab continues the field before it (a fold), and unfolding removes each line end that is
  followed by white space (section 2.2.3), nothing else. Section 2.1.1: a line is at most 998
  octets (:attr:`Field.longest_line` says how long a field's longest line is).
* RFC 2045 section 5.1: ``Content-Type: type/subtype; name=value`` (a value a token or a quoted
  string), text/plain (us-ascii) when absent; RFC 2231 section 3-4: ``name*=charset'lang'%XX``
  and ``name*0``, ``name*1*``... continuations.
* RFC 2045 section 6: ``Content-Transfer-Encoding``; 7bit, 8bit and binary are the bytes as they
  are; section 6.7 quoted-printable, whose decoder deletes the white space at the end of each
  encoded line ("any trailing white space on a line must be deleted, as it will necessarily
  have been added by intermediate transport agents") and reads ``=`` at the end of a line as a
  soft line break; section 6.8 base64, characters outside the alphabet ignored.
* RFC 2046 section 5.1.1: a multipart body is split at lines ``--boundary`` (``--boundary--``
  closes it); "the CRLF preceding the boundary delimiter line is conceptually attached to the
  boundary", so it is not part of the body before it.
* RFC 2047: ``=?charset?B|Q?text?=`` encoded-words, white space between two adjacent ones
  ignored (section 6.2); a word whose charset is unknown stays as written.
* RFC 5322 section 3.4: address lists (``name <addr>``, ``addr``, quoted strings, comments,
  groups), read by :func:`mailboxes` without recursion.

Lenient where readers are: a line ends in CRLF or a bare LF (a bare CR is data; the checker's
ENC009 reports both as the non-canonical forms they are), a header line without a colon starts
the body, a multipart without a boundary is read as one part, bad base64 or quoted-printable is
decoded as far as it goes. What cannot be read is a :class:`MimeError` naming the limit and the
byte where reading stopped, never another exception.

The package's modules: ``_reader`` (fields, parts, :func:`read_message`), ``_text`` (encoded-words,
parameters, transfer encodings), ``_addresses`` (:func:`mailboxes`), ``_limits`` (the limits and
:class:`MimeError`); everything public is imported from ``sesspec.mime``.

Every size a message decides is bounded, and checked before anything is built for it:
:data:`MAX_MESSAGE_BYTES`, :data:`MAX_HEADER_LINES` physical lines in one header section,
:data:`MAX_PARTS` parts in a message, :data:`MAX_DEPTH` multipart levels, and
:data:`MAX_ADDRESSES` addresses in one field. Nothing here recurses, so neither nesting nor a
header of 5,000 nested comments reaches Python's recursion limit.
"""

from __future__ import annotations

from sesspec.mime._addresses import Mailbox, mailboxes
from sesspec.mime._limits import (
    MAX_ADDRESSES,
    MAX_DEPTH,
    MAX_HEADER_LINES,
    MAX_MESSAGE_BYTES,
    MAX_PARTS,
    MimeError,
    MimeErrorKind,
)
from sesspec.mime._reader import Field, Part, read_header_section, read_message
from sesspec.mime._text import decode_quoted_printable, decode_words, parse_content_type

__all__ = [
    "MAX_ADDRESSES",
    "MAX_DEPTH",
    "MAX_HEADER_LINES",
    "MAX_MESSAGE_BYTES",
    "MAX_PARTS",
    "Field",
    "Mailbox",
    "MimeError",
    "MimeErrorKind",
    "Part",
    "decode_quoted_printable",
    "decode_words",
    "mailboxes",
    "parse_content_type",
    "read_header_section",
    "read_message",
]


def __dir__() -> list[str]:
    return __all__
