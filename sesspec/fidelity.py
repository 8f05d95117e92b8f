"""Fidelity: what arrived at SES, compared with what the client was asked to send.

The checker judges a request's form (encoding, flattening, signature). This module judges its
substance: given what a client was asked to send (:class:`Asked`: an SES action and its params as
in the model, and the settings it was given: region, session token, the endpoint's authority) and
what arrived (a :class:`~sesspec.http.RawRequest`, or its decoded pairs), it lists each difference
as a :class:`Difference` of one :data:`Kind`:

* ``action-changed``: another operation arrived (nodemailer sends every SendEmail as a
  SendRawEmail of a MIME message it builds; the message is then compared, below);
* ``dropped``: a member (or header, part, address) that was asked for did not arrive;
* ``renamed``: its value arrived under another name (``Message.Body.Text.Data`` as
  ``Message.Body.Html.Data``; ``...member.1`` as PHP's ``...member[0]``, which SES ignores);
* ``added``: something arrived that was not asked for (a ``Charset`` the caller never gave, a
  ``Bcc:`` header that shows the blind copies to every recipient), with whether it is harmless;
* ``changed``: the value arrived different; a :class:`ValueDiff` names the change
  (:data:`Change`: line ends LF to CRLF, CR dropped, trimming, Unicode normalisation, UTF-8 read
  as Latin-1, base64 re-wrapped, truncation, ...) and shows the bytes where it starts;
* ``unreadable``: what arrived cannot be read far enough to compare.

For ``SendRawEmail``, and for a ``SendEmail`` that arrived as ``SendRawEmail``, the message is
parsed (stdlib :mod:`email`; at most :data:`MAX_BOUNDARIES` multipart boundaries) and compared
header by header (``Subject`` after RFC 2047
decoding; addresses one by one), part by part and body by body (decoded, with the same change
names). Parameters that carry authentication (``X-Amz-*``, the SigV2 ones) are the checker's
business and are not compared as members; the session token, the credential scope's region and
access key id, and the ``Host`` (against the authority the client was told,
docs/spec.md#policy-host-port) are compared as ``request`` items. A secret never appears in a
difference: a token that arrived changed is described by the names of its change only.

Pure and bounded: no I/O, no clock; a shown value is cut to :data:`MAX_SHOWN` characters, a byte
excerpt to :data:`MAX_EXCERPT` bytes, two-step change names are searched only in values up to
:data:`MAX_SEARCH` characters, and at most :data:`MAX_PARTS` MIME parts are compared; the list
of differences is at most proportional to the pairs, headers and parts that arrived and were
asked for.

Where things are: docs/spec.md ``param-raw-message`` (line ends), ``param-addresses``
(Punycode), ``http-host`` and ``policy-host-port`` (the port).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any, Literal

from sesspec.check.rules.param import SIGV2_PARAMS
from sesspec.encoding import Pairs, form_decode
from sesspec.errors import EncodingError, SigningError
from sesspec.http import RawRequest
from sesspec.query import flatten, validate_pairs
from sesspec.signing.sigv4 import parse_authorization

__all__ = [
    "MAX_BOUNDARIES",
    "MAX_EXCERPT",
    "MAX_PARTS",
    "MAX_SEARCH",
    "MAX_SHOWN",
    "Area",
    "Asked",
    "Change",
    "Difference",
    "GivenAs",
    "Kind",
    "Location",
    "ValueDiff",
    "compare_messages",
    "compare_pairs",
    "compare_request",
    "describe_change",
]


def __dir__() -> list[str]:
    return __all__


#: Longest value shown in a :class:`Difference` (characters); longer ones are cut, with a count.
MAX_SHOWN = 200
#: Bytes of context shown either side of where a value starts to differ.
CONTEXT = 16
#: Longest byte excerpt of a :class:`ValueDiff`, per side.
MAX_EXCERPT = 96
#: Longest value (characters) in which two-step changes are searched for (one step: any size).
MAX_SEARCH = 64 * 1024
#: Most MIME leaf parts compared per message; the rest are one ``unreadable`` difference.
MAX_PARTS = 100
#: Most multipart boundaries a message may declare to be parsed (the nesting depth it can have).
MAX_BOUNDARIES = 100

#: How the client was given what it was asked to send: an SDK's operation ``params``; the
#: flattened ``pairs`` (a signing-only library, whose user builds the form); or a ``mail`` (a
#: mailer given From/To/Subject/bodies, which builds a MIME message and sends SendRawEmail).
GivenAs = Literal["params", "pairs", "mail"]

Kind = Literal["action-changed", "dropped", "renamed", "added", "changed", "unreadable"]

#: Where a difference is: the ``action``; a ``member`` (its dotted wire name); a message
#: ``header``; a message ``part``; a ``request`` item (Host, credential scope, session token).
Area = Literal["action", "member", "header", "part", "request"]

#: A named change of a value. Line ends: ``lf-to-crlf`` (bare LF became CRLF), ``crlf-to-lf``,
#: ``cr-to-crlf``, ``cr-to-lf``, ``cr-dropped``, ``line-ends-to-crlf`` / ``line-ends-to-lf``
#: (every kind of line end made one kind). Space: ``trimmed`` (both ends), ``leading-trimmed``,
#: ``trailing-trimmed``, ``line-ends-trimmed`` (trailing spaces of each line). Unicode:
#: ``nfc``, ``nfd``, ``nfkc``, ``nfkd`` (normalised to that form). Re-encoding:
#: ``utf8-read-as-latin1`` / ``utf8-read-as-cp1252`` (mojibake), ``non-ascii-replaced`` (by ``?``
#: or U+FFFD), ``plus-as-space``, ``case-changed``, ``idna-encoded`` / ``idna-decoded`` (an
#: address's domain), ``base64-rewrapped`` (same bytes, other line breaks),
#: ``transfer-encoding-changed`` (a MIME part's Content-Transfer-Encoding, same content).
#: Length: ``truncated``, ``folded`` (header folding left in the value). Authority:
#: ``port-dropped``, ``port-added``, ``port-changed``. ``other``: none of these explains it.
Change = Literal[
    "lf-to-crlf",
    "crlf-to-lf",
    "cr-to-crlf",
    "cr-to-lf",
    "cr-dropped",
    "line-ends-to-crlf",
    "line-ends-to-lf",
    "trimmed",
    "leading-trimmed",
    "trailing-trimmed",
    "line-ends-trimmed",
    "nfc",
    "nfd",
    "nfkc",
    "nfkd",
    "utf8-read-as-latin1",
    "utf8-read-as-cp1252",
    "non-ascii-replaced",
    "plus-as-space",
    "case-changed",
    "idna-encoded",
    "idna-decoded",
    "base64-rewrapped",
    "transfer-encoding-changed",
    "truncated",
    "folded",
    "port-dropped",
    "port-added",
    "port-changed",
    "other",
]

_ENC = "utf-8"
_ERR = "surrogateescape"


# --- what was asked ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Asked:
    """What a client was asked to send.

    ``params`` are the operation's input as in the SES model (member names as botocore and the
    wire spell them; a blob as ``bytes`` or text). ``given_as`` says how the client was given
    them (:data:`GivenAs`). ``authority`` is the endpoint's ``host[:port]`` the client was told
    (None: not judged), ``tls`` its scheme; ``region``, ``access_key_id`` and ``session_token``
    the settings it was given (None: not judged). The token is a secret: it is never shown,
    and the repr masks it.
    """

    action: str
    params: Mapping[str, Any]
    given_as: GivenAs = "params"
    authority: str | None = None
    tls: bool = True
    region: str | None = None
    access_key_id: str | None = None
    session_token: str | None = field(default=None, repr=False)

    def pairs(self) -> Pairs:
        """The operation's members as awsQuery pairs (no ``Action``/``Version``), from the
        SES model; blobs base64-encoded."""
        return flatten(self.action, self.params)[2:]


# --- what differs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Location:
    """Where a difference is: an :data:`Area` and a name within it (a member's wire name, a
    header's name, a part's description, a request item)."""

    area: Area
    name: str = ""

    def __str__(self) -> str:
        return self.area if not self.name else f"{self.area} {self.name}"


@dataclass(frozen=True, slots=True)
class ValueDiff:
    """A value's change, named and located to the byte.

    ``changes`` are the :data:`Change` names that, applied in order to the expected value, give
    the actual one (``("other",)`` when none does). ``offset`` is the first byte (of the UTF-8
    text) where the two differ; ``expected_excerpt`` and ``actual_excerpt`` are the bytes from
    a little before it to a little after the differing stretch, at most :data:`MAX_EXCERPT`
    each (None for a secret). The lengths are the whole values' lengths in bytes.
    """

    changes: tuple[Change, ...]
    offset: int
    expected_length: int
    actual_length: int
    expected_excerpt: bytes | None = None
    actual_excerpt: bytes | None = None

    @property
    def named(self) -> bool:
        """Whether the change is explained by named changes (not ``other``)."""
        return "other" not in self.changes

    def __str__(self) -> str:
        names = " then ".join(self.changes)
        text = f"{names} (from byte {self.offset}; {self.expected_length} -> "
        text += f"{self.actual_length} bytes)"
        if self.expected_excerpt is not None and self.actual_excerpt is not None:
            text += f": {self.expected_excerpt!r} became {self.actual_excerpt!r}"
        return text


@dataclass(frozen=True, slots=True)
class Difference:
    """One way in which what arrived differs from what was asked.

    ``expected`` and ``actual`` are the values as shown (cut to :data:`MAX_SHOWN` characters;
    None when there is none, or for a secret). ``moved_to`` is where a ``renamed`` value
    arrived. ``change`` names a ``changed`` value's change. ``harmless`` says the recipient gets
    the same mail and SES does the same thing (an added ``Charset=UTF-8`` on UTF-8 text; a MIME
    body's line ends made CRLF). ``message`` says it in one line.
    """

    kind: Kind
    where: Location
    message: str
    expected: str | None = None
    actual: str | None = None
    moved_to: Location | None = None
    change: ValueDiff | None = None
    harmless: bool = False

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (bytes excerpts as text with ``\\x`` escapes)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "where": str(self.where),
            "message": self.message,
            "harmless": self.harmless,
        }
        if self.expected is not None:
            out["expected"] = self.expected
        if self.actual is not None:
            out["actual"] = self.actual
        if self.moved_to is not None:
            out["moved_to"] = str(self.moved_to)
        if self.change is not None:
            change: dict[str, Any] = {
                "changes": list(self.change.changes),
                "offset": self.change.offset,
                "expected_length": self.change.expected_length,
                "actual_length": self.change.actual_length,
            }
            for key, value in (
                ("expected_excerpt", self.change.expected_excerpt),
                ("actual_excerpt", self.change.actual_excerpt),
            ):
                if value is not None:
                    change[key] = repr(value)[2:-1]
            out["change"] = change
        return out


def _shown(value: str) -> str:
    """``value`` cut to :data:`MAX_SHOWN` characters, saying how much was left out."""
    if len(value) <= MAX_SHOWN:
        return value
    return f"{value[:MAX_SHOWN]}... ({len(value) - MAX_SHOWN} more characters)"


def _q(value: str) -> str:
    """A value for a message: quoted and escaped as ``repr`` does, and cut."""
    return repr(_shown(value))


# --- naming a change -----------------------------------------------------------------------------


def _latin1_mojibake(text: str) -> str:
    return text.encode(_ENC, _ERR).decode("latin-1")


def _cp1252_mojibake(text: str) -> str:
    return text.encode(_ENC, _ERR).decode("cp1252", "replace")


_BARE_LF = re.compile(r"(?<!\r)\n")
_BARE_CR = re.compile(r"\r(?!\n)")
_ANY_EOL = re.compile(r"\r\n|\r|\n")
_LINE_TRAILING = re.compile(r"[ \t]+(?=\r?\n|\r|\Z)")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ESCAPED = re.compile("[\udc80-\udcff]")

#: One-step changes, in the order they are preferred when several explain a value.
_STEPS: tuple[tuple[Change, Callable[[str], str]], ...] = (
    ("lf-to-crlf", lambda s: _BARE_LF.sub("\r\n", s)),
    ("crlf-to-lf", lambda s: s.replace("\r\n", "\n")),
    ("cr-to-crlf", lambda s: _BARE_CR.sub("\r\n", s)),
    ("cr-to-lf", lambda s: _BARE_CR.sub("\n", s)),
    ("cr-dropped", lambda s: s.replace("\r", "")),
    ("line-ends-to-crlf", lambda s: _ANY_EOL.sub("\r\n", s)),
    ("line-ends-to-lf", lambda s: _ANY_EOL.sub("\n", s)),
    ("trimmed", str.strip),
    ("leading-trimmed", str.lstrip),
    ("trailing-trimmed", str.rstrip),
    ("line-ends-trimmed", lambda s: _LINE_TRAILING.sub("", s)),
    ("nfc", lambda s: unicodedata.normalize("NFC", s)),
    ("nfd", lambda s: unicodedata.normalize("NFD", s)),
    ("nfkc", lambda s: unicodedata.normalize("NFKC", s)),
    ("nfkd", lambda s: unicodedata.normalize("NFKD", s)),
    ("utf8-read-as-latin1", _latin1_mojibake),
    ("utf8-read-as-cp1252", _cp1252_mojibake),
    ("non-ascii-replaced", lambda s: s.encode("ascii", "replace").decode("ascii")),
    ("non-ascii-replaced", lambda s: "".join(c if c.isascii() else "\ufffd" for c in s)),
    ("plus-as-space", lambda s: s.replace("+", " ")),
    ("case-changed", str.lower),
    ("case-changed", str.upper),
)


def _explain(expected: str, actual: str) -> tuple[Change, ...]:
    """The change names that turn ``expected`` into ``actual``: one step, else (for values up
    to :data:`MAX_SEARCH` characters) two, else ``("other",)``. Truncation and header folding
    are recognised after any one step."""
    firsts: list[tuple[Change, str]] = []
    for name, step in _STEPS:
        try:
            out = step(expected)
        except UnicodeError:
            continue
        if out == expected:
            continue  # does nothing to this value
        if out == actual:
            return (name,)
        firsts.append((name, out))
    candidates: list[tuple[tuple[Change, ...], str]] = [((), expected)]
    candidates += [((name,), out) for name, out in firsts]
    unfolded = _FOLD.sub("", actual)
    for names, value in candidates:
        if unfolded != actual and unfolded == value:
            return (*names, "folded")
        if len(actual) < len(value) and value.startswith(actual):
            return (*names, "truncated")
    if len(expected) > MAX_SEARCH or len(actual) > MAX_SEARCH:
        return ("other",)
    for first, middle in firsts:
        for name, step in _STEPS:
            if name == first:
                continue
            try:
                out = step(middle)
            except UnicodeError:
                continue
            if out != middle and out == actual:
                return (first, name)
    return ("other",)


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix (binary search over C-level compares: fast on megabytes)."""
    va, vb = memoryview(a), memoryview(b)
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if va[lo:mid] == vb[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _excerpts(expected: bytes, actual: bytes) -> tuple[int, bytes, bytes]:
    """Where two byte strings start to differ, and each one's bytes around the difference."""
    start = _common_prefix(expected, actual)
    limit = min(len(expected), len(actual)) - start
    tail = _common_prefix(expected[::-1][:limit], actual[::-1][:limit])
    lo = max(0, start - CONTEXT)

    def window(data: bytes) -> bytes:
        hi = min(len(data), max(start, len(data) - tail) + CONTEXT)
        return data[lo : min(hi, lo + MAX_EXCERPT)]

    return start, window(expected), window(actual)


def describe_change(
    expected: str | bytes, actual: str | bytes, *, secret: bool = False
) -> ValueDiff:
    """Name the change from ``expected`` to ``actual`` and locate it to the byte.

    Text is compared as UTF-8; bytes are read as UTF-8 with undecodable bytes kept
    (``surrogateescape``), so an 8-bit message and its mangled copy are compared byte for
    byte. With ``secret`` the excerpts are left out (the change names and offset stay).

    >>> str(describe_change("a\\nb", "a\\r\\nb"))
    "lf-to-crlf (from byte 1; 3 -> 4 bytes): b'a\\\\nb' became b'a\\\\r\\\\nb'"
    """
    e_bytes = expected if isinstance(expected, bytes) else expected.encode(_ENC, _ERR)
    a_bytes = actual if isinstance(actual, bytes) else actual.encode(_ENC, _ERR)
    e_text = expected if isinstance(expected, str) else expected.decode(_ENC, _ERR)
    a_text = actual if isinstance(actual, str) else actual.decode(_ENC, _ERR)
    names = _explain(e_text, a_text) if e_bytes != a_bytes else ()
    offset, e_cut, a_cut = _excerpts(e_bytes, a_bytes)
    return ValueDiff(
        changes=names,
        offset=offset,
        expected_length=len(e_bytes),
        actual_length=len(a_bytes),
        expected_excerpt=None if secret else e_cut,
        actual_excerpt=None if secret else a_cut,
    )


# --- members ---------------------------------------------------------------------------------


def _is_auth(name: str) -> bool:
    """A parameter that carries authentication (presigned SigV4, SigV2): the checker's."""
    return name.lower().startswith("x-amz-") or name in SIGV2_PARAMS


_INDEX = re.compile(r"\.member\.\d+|\[\d+\]|\.\d+(?=\.|\Z)")


def _shape_of(name: str) -> str:
    """A name without list indexes in any spelling (``.member.N``, ``[N]``, ``.N``)."""
    return _INDEX.sub("", name)


def _sesreads(action: str, name: str) -> bool:
    """Whether ``name`` is a member SES reads for ``action`` (by the model)."""
    errors = validate_pairs([("Action", action), (name, "x")])
    return not any(e.param == name and e.kind in ("unknown", "empty-segment") for e in errors)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(slots=True)
class _Sides:
    """Pairs on each side by name (first value of a repeated name; PARAM008 is the checker's)."""

    expected: dict[str, str]
    actual: dict[str, str]
    _headed: dict[str, frozenset[str]] | None = None

    @classmethod
    def of(cls, expected: Iterable[tuple[str, str]], actual: Iterable[tuple[str, str]]) -> _Sides:
        e: dict[str, str] = {}
        a: dict[str, str] = {}
        for name, value in expected:
            e.setdefault(name, value)
        for name, value in actual:
            a.setdefault(name, value)
        return cls(e, a)

    def headed(self, *headers: str) -> frozenset[str]:
        """The addresses (lower case) in these headers of the asked raw message."""
        if self._headed is None:
            raw = _blob_bytes(self.expected.get("RawMessage.Data", ""))
            message = _parse(raw) if raw else None
            self._headed = {
                header: frozenset(
                    box.address.lower()
                    for box in _mailboxes(_header_values(message, header) if message else [])
                )
                for header in ("From", "To", "Cc", "Bcc")
            }
        return frozenset().union(*(self._headed[h] for h in headers))


def _blob_bytes(text: str) -> bytes | None:
    """Base64 text read as SES would at best (line breaks allowed); None if not base64."""
    try:
        return base64.b64decode(re.sub(r"[\r\n]", "", text), validate=True)
    except (binascii.Error, ValueError):
        return None


_LIST_ITEM = re.compile(r"(.+)\.member\.\d+\Z")


def _list_of_name(name: str) -> str | None:
    match = _LIST_ITEM.match(name)
    return match.group(1) if match else None


def _reordered(sides: _Sides) -> dict[str, tuple[list[str], list[str]]]:
    """Scalar lists whose items all arrived, in another order: prefix -> (asked, arrived)."""
    lists: dict[str, tuple[list[str], list[str]]] = {}
    for name, value in sides.expected.items():
        prefix = _list_of_name(name)
        got = sides.actual.get(name)
        if prefix is not None and got is not None:
            lists.setdefault(prefix, ([], []))
            lists[prefix][0].append(value)
            lists[prefix][1].append(got)
    return {
        prefix: (want, got)
        for prefix, (want, got) in lists.items()
        if want != got and sorted(want) == sorted(got)
    }


def _value_difference(action: str, name: str, expected: str, actual: str) -> list[Difference]:
    """The differences of one member present on both sides."""
    if name == "RawMessage.Data" and action == "SendRawEmail":
        return _blob_differences(expected, actual)
    change = describe_change(expected, actual)
    harmless = change.changes == ("case-changed",) and name.endswith(".Charset")
    message = (
        f"{name} changed case ({expected!r} -> {actual!r}): charset names are caseless"
        if harmless
        else f"{name} changed: {change}"
    )
    return [
        Difference(
            "changed",
            Location("member", name),
            message,
            expected=_shown(expected),
            actual=_shown(actual),
            change=change,
            harmless=harmless,
        )
    ]


def _blob_differences(expected: str, actual: str) -> list[Difference]:
    where = Location("member", "RawMessage.Data")
    want = _blob_bytes(expected)
    got = _blob_bytes(actual)
    if got is None:
        return [
            Difference(
                "unreadable",
                where,
                "RawMessage.Data is not base64: the message cannot be compared",
                actual=_shown(actual),
            )
        ]
    if want is None:  # a scenario's blob is always base64 (flatten wrote it)
        want = expected.encode(_ENC, _ERR)
    if want == got:
        diff = describe_change(expected, actual)
        return [
            Difference(
                "changed",
                where,
                "RawMessage.Data: the same message, its base64 written with other line breaks",
                change=_renamed_change(diff, "base64-rewrapped"),
                harmless=True,
            )
        ]
    return compare_messages(want, got)


_LAST_INDEX = re.compile(r"\d+(?=\D*\Z)")


def _renamed_lists(
    action: str, moved: Mapping[str, str], sides: _Sides
) -> tuple[list[Difference], set[str]]:
    """The items of a list renamed alike (same list, same new spelling and index offset, values
    unchanged), two or more: one difference for them all, not one per item; and the names
    it covers."""
    groups: dict[tuple[str, str, int], list[str]] = {}
    for old, new in moved.items():
        prefix = _list_of_name(old)
        match = _LAST_INDEX.search(new)
        if prefix is None or match is None or sides.expected[old] != sides.actual[new]:
            continue
        index = int(old.rsplit(".", 1)[1])
        template = f"{new[: match.start()]}{{}}{new[match.end() :]}"
        groups.setdefault((prefix, template, int(match.group()) - index), []).append(old)
    out: list[Difference] = []
    covered: set[str] = set()
    for (prefix, template, offset), names in groups.items():
        if len(names) < 2:
            continue
        spelled = template.format("N" if offset == 0 else f"N{offset:+d}")
        first = moved[names[0]]
        consequence = (
            "SES reads them there" if _sesreads(action, first) else "SES does not read them"
        )
        values = [sides.expected[n] for n in names]
        out.append(
            Difference(
                "renamed",
                Location("member", f"{prefix}.member.N"),
                f"{len(names)} items of {prefix} ({prefix}.member.N) arrived as {spelled}: "
                f"{consequence}",
                expected=_shown(", ".join(values)),
                moved_to=Location("member", spelled),
            )
        )
        covered.update(names)
    return out, covered


def _rename_message(action: str, old: str, new: str, value: str) -> str:
    if old.rsplit(".", 1)[0] == new.rsplit(".", 1)[0] and _shape_of(old) == _shape_of(new):
        return f"{old} arrived as {new}: the list's order changed"
    consequence = (
        f"SES reads it as {new}"
        if _sesreads(action, new)
        else f"SES does not read {new}, so the value is lost"
    )
    return f"{old} = {_q(value)} arrived as {new}: {consequence}"


def _renamed_change(diff: ValueDiff, name: Change) -> ValueDiff:
    """``diff`` with its change named ``name`` (a change only its context can name)."""
    return dataclasses.replace(diff, changes=(name,))


def _dropped_member(name: str, value: str, sides: _Sides) -> Difference:
    message = f"{name} = {_q(value)} was asked for and did not arrive"
    harmless = False
    if name.endswith(".Charset"):
        data = sides.expected.get(name[: -len("Charset")] + "Data", "")
        harmless = data.isascii()
        message += (
            ": harmless, the text is ASCII"
            if harmless
            else ": SES reads text without a charset as 7-bit ASCII (MODEL Content)"
        )
    elif re.fullmatch(r"Destinations\.member\.\d+", name):
        harmless = value.lower() in sides.headed("To", "Cc", "Bcc")
        if harmless:
            message += (
                ": harmless, SES sends to the message's To, Cc and Bcc headers when "
                "Destinations is absent (drewblas/aws-ses#53), and they name it"
            )
    elif name == "Source" and "RawMessage.Data" in sides.expected:
        boxes = _mailboxes([value])
        harmless = bool(boxes) and boxes[0].address.lower() in sides.headed("From")
        if harmless:
            message += (
                ": harmless, SES takes the sender from the message's From header "
                "(MODEL SendRawEmailRequest Source)"
            )
    return Difference(
        "dropped", Location("member", name), message, expected=_shown(value), harmless=harmless
    )


def _added_message(action: str, name: str, value: str, sides: _Sides) -> tuple[str, bool]:
    if name.endswith(".Charset"):
        data = name[: -len("Charset")] + "Data"
        if data in sides.actual or data in sides.expected:
            if value.strip().lower() in ("utf-8", "utf8"):
                return (
                    f"{name} = {value!r} added: harmless, the value is sent as UTF-8 anyway",
                    True,
                )
            return (
                f"{name} = {value!r} added: SES labels the UTF-8 text as {value!r}, which "
                "misreads any non-ASCII character",
                False,
            )
    if not _sesreads(action, name):
        return f"{name} = {_q(value)} added: not a member of {action}; SES ignores it", True
    return f"{name} = {_q(value)} added: SES reads it", False


def compare_pairs(asked: Asked, pairs: Iterable[tuple[str, str]]) -> list[Difference]:
    """What differs between the members asked for and the decoded ``pairs`` that arrived.

    ``pairs`` are a request's decoded parameters (query and body), ``Action`` included;
    authentication parameters are skipped, ``Version`` is the checker's (PARAM003). A
    SendEmail that arrived as SendRawEmail is compared through its message.
    """
    arrived = [(n, v) for n, v in pairs if not _is_auth(n)]
    action = next((v for n, v in arrived if n == "Action"), None)
    members = [(n, v) for n, v in arrived if n not in ("Action", "Version")]
    out: list[Difference] = []
    if action is None:
        return [
            Difference(
                "dropped",
                Location("action"),
                f"no Action arrived ({asked.action} was asked for)",
                expected=asked.action,
            )
        ]
    if action != asked.action:
        if asked.action == "SendEmail" and action == "SendRawEmail":
            how = (
                "the client builds the MIME message itself, as it is made to"
                if asked.given_as == "mail"
                else "the client built a MIME message itself"
            )
            out.append(
                Difference(
                    "action-changed",
                    Location("action"),
                    f"SendEmail was sent as SendRawEmail ({how}); the message is compared "
                    "with what was asked",
                    expected=asked.action,
                    actual=action,
                    harmless=True,
                )
            )
            return out + _mail_differences(asked, members)
        return [
            Difference(
                "action-changed",
                Location("action"),
                f"{asked.action} was asked for, {_q(action)} arrived",
                expected=asked.action,
                actual=_shown(action),
            )
        ]
    return out + _member_differences(action, asked.pairs(), members)


def _member_differences(
    action: str, expected: Sequence[tuple[str, str]], actual: Sequence[tuple[str, str]]
) -> list[Difference]:
    sides = _Sides.of(expected, actual)
    out: list[Difference] = []
    bcc = frozenset(v for n, v in sides.expected.items() if ".BccAddresses." in n)
    reordered = _reordered(sides)
    for prefix, (before, after) in reordered.items():
        out.append(
            Difference(
                "changed",
                Location("member", prefix),
                f"the order of {prefix} changed: {before!r} -> {after!r}",
                expected=_shown(", ".join(before)),
                actual=_shown(", ".join(after)),
            )
        )
    for name, want in sides.expected.items():
        got = sides.actual.get(name)
        if got is not None and got != want and _list_of_name(name) not in reordered:
            out += _value_difference(action, name, want, got)
    dropped = [n for n in sides.expected if n not in sides.actual]
    added = [n for n in sides.actual if n not in sides.expected]
    # Renamed: a dropped member's value arrived under an added name. Equal values first (the
    # most similar name wins), then names of the same shape (indexes aside), in order.
    by_value: dict[str, list[str]] = {}
    for name in added:
        by_value.setdefault(sides.actual[name], []).append(name)
    moved: dict[str, str] = {}
    for name in dropped:
        options = by_value.get(sides.expected[name], [])
        if options:
            best = max(options, key=lambda o: _similarity(_shape_of(name), _shape_of(o)))
            options.remove(best)
            moved[name] = best
    taken = set(moved.values())
    left_added = [n for n in added if n not in taken]
    by_shape: dict[str, list[str]] = {}
    for name in left_added:
        by_shape.setdefault(_shape_of(name), []).append(name)
    for name in dropped:
        if name in moved:
            continue
        options = by_shape.get(_shape_of(name), [])
        if options:
            moved[name] = options.pop(0)
            taken.add(moved[name])
    grouped, covered = _renamed_lists(action, moved, sides)
    out += grouped
    for name in dropped:
        new = moved.get(name)
        want = sides.expected[name]
        if new is None:
            out.append(_dropped_member(name, want, sides))
            continue
        if name in covered:
            continue
        got = sides.actual[new]
        message = _rename_message(action, name, new, want)
        change = None
        if got != want:
            change = describe_change(want, got)
            message += f"; and its value changed: {change}"
        out.append(
            Difference(
                "renamed",
                Location("member", name),
                message,
                expected=_shown(want),
                actual=_shown(got),
                moved_to=Location("member", new),
                change=change,
            )
        )
    for name in added:
        if name in taken:
            continue
        value = sides.actual[name]
        message, harmless = _added_message(action, name, value, sides)
        if value in bcc and ".BccAddresses." not in name:
            message = (
                f"{name} = {_q(value)} added: a Bcc recipient written where every recipient "
                "can see it"
            )
            harmless = False
        out.append(
            Difference(
                "added",
                Location("member", name),
                message,
                actual=_shown(value),
                harmless=harmless,
            )
        )
    return out


# --- messages --------------------------------------------------------------------------------


_PARSER = BytesParser(policy=policy.default)
_ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender")
#: Added to a raw message on its way, these change nothing the recipient reads.
_HARMLESS_ADDED = frozenset({"date", "message-id", "mime-version"})


def _header_values(message: Message, name: str) -> list[str]:
    """The decoded values (RFC 2047, unfolded) of every ``name`` header; the raw text of
    each when a header is too broken for the parser to decode."""
    try:
        values = [str(value) for value in message.get_all(name, [])]
    except (ValueError, TypeError, IndexError, LookupError, AttributeError):
        values = [str(v) for n, v in message.raw_items() if n.lower() == name.lower()]
    # 8-bit header bytes (UTF-8 unencoded, as SMTPUTF8 writes them) come through the parser
    # as surrogate escapes; read them as the UTF-8 they are.
    return [
        v.encode(_ENC, _ERR).decode(_ENC, "replace") if _ESCAPED.search(v) else v for v in values
    ]


@dataclass(frozen=True, slots=True)
class _Mailbox:
    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


def _mailboxes(values: Iterable[str]) -> list[_Mailbox]:
    return [_Mailbox(n, a) for n, a in getaddresses(list(values)) if a or n]


def _idna(domain: str, *, encode: bool) -> str | None:
    try:
        if encode:
            return domain.encode("idna").decode("ascii")
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return None


def _address_change(want: str, got: str) -> Change | None:
    """``idna-encoded``/``idna-decoded`` when two addresses differ by their domain's IDNA form."""
    w_local, _, w_domain = want.rpartition("@")
    g_local, _, g_domain = got.rpartition("@")
    if w_local != g_local or w_domain == g_domain:
        return None
    if _idna(w_domain, encode=True) == g_domain:
        return "idna-encoded"
    if _idna(w_domain, encode=False) == g_domain:
        return "idna-decoded"
    return None


def _address_differences(
    header: str, expected: Sequence[_Mailbox], actual: Sequence[_Mailbox]
) -> list[Difference]:
    """Addresses of one header: dropped, added, or changed (display name, IDNA form)."""
    where = Location("header", header)
    out: list[Difference] = []
    left = list(actual)
    unmatched: list[_Mailbox] = []
    for box in expected:
        same = next((b for b in left if b.address.lower() == box.address.lower()), None)
        if same is None:
            unmatched.append(box)
            continue
        left.remove(same)
        if same.address != box.address or same.name != box.name:
            change = describe_change(str(box), str(same))
            out.append(
                Difference(
                    "changed",
                    where,
                    f"{header}: {str(box)!r} arrived as {str(same)!r}: {change}",
                    expected=_shown(str(box)),
                    actual=_shown(str(same)),
                    change=change,
                )
            )
    for box in unmatched:
        twin = next((b for b in left if _address_change(box.address, b.address)), None)
        if twin is not None:
            left.remove(twin)
            name = _address_change(box.address, twin.address)
            assert name is not None
            diff = describe_change(box.address, twin.address)
            out.append(
                Difference(
                    "changed",
                    where,
                    f"{header}: {box.address!r} arrived as {twin.address!r} ({name})",
                    expected=_shown(str(box)),
                    actual=_shown(str(twin)),
                    change=_renamed_change(diff, name),
                    harmless=name == "idna-encoded",
                )
            )
            continue
        out.append(
            Difference(
                "dropped",
                where,
                f"{header}: {str(box)!r} was asked for and is not in the message",
                expected=_shown(str(box)),
            )
        )
    out += [
        Difference(
            "added",
            where,
            f"{header}: {str(box)!r} is in the message but was not asked for",
            actual=_shown(str(box)),
        )
        for box in left
    ]
    return out


@dataclass(frozen=True, slots=True)
class _Leaf:
    """A MIME leaf part: its type, file name, content (text decoded by its charset, else
    bytes), transfer encoding and undecoded payload."""

    index: int
    content_type: str
    filename: str | None
    content: str | bytes
    transfer_encoding: str
    payload: str

    def describe(self) -> str:
        name = f", {self.filename}" if self.filename else ""
        return f"{self.index} ({self.content_type}{name})"


def _leaves(message: Message) -> tuple[list[_Leaf], bool]:
    """The leaf parts in order, at most :data:`MAX_PARTS`; and whether there were more."""
    out: list[_Leaf] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if len(out) == MAX_PARTS:
            return out, True
        ctype = part.get_content_type()
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        content: str | bytes = data
        if part.get_content_maintype() == "text":
            charset = part.get_content_charset() or "us-ascii"
            try:
                content = data.decode(charset, _ERR)
            except LookupError:
                content = data.decode(_ENC, _ERR)
        raw = part.get_payload()
        out.append(
            _Leaf(
                index=len(out) + 1,
                content_type=ctype,
                filename=part.get_filename(),
                content=content,
                transfer_encoding=str(part.get("Content-Transfer-Encoding", "7bit")).lower(),
                payload=raw if isinstance(raw, str) else "",
            )
        )
    return out, False


_BOUNDARY_PARAM = re.compile(rb"boundary\s*=", re.IGNORECASE)


def _parse(data: bytes) -> EmailMessage | None:
    """The parsed message; None when it declares more than :data:`MAX_BOUNDARIES` multipart
    boundaries (nesting that deep makes the parser recurse past Python's limit), or when a
    header nests past that limit (``To: <((((...``: the parser reads headers when asked, so
    each is read once here, where the failure is caught)."""
    for count, _ in enumerate(_BOUNDARY_PARAM.finditer(data), 1):
        if count > MAX_BOUNDARIES:
            return None
    try:
        message = _PARSER.parsebytes(data)
        for part in message.walk():
            part.values()
    except RecursionError:
        return None
    assert isinstance(message, EmailMessage)  # policy.default makes EmailMessage
    return message


def _unparsable(where: Location) -> Difference:
    return Difference(
        "unreadable",
        where,
        f"the message declares more than {MAX_BOUNDARIES} multipart boundaries, or a header "
        "nests deeper than the parser can read: not compared part by part",
    )


def _content_difference(where: Location, want: str | bytes, got: str | bytes) -> Difference:
    change = describe_change(want, got)
    shown_w = want if isinstance(want, str) else want.decode(_ENC, _ERR)
    shown_g = got if isinstance(got, str) else got.decode(_ENC, _ERR)
    return Difference(
        "changed",
        where,
        f"{where.name}: the body changed: {change}",
        expected=_shown(shown_w),
        actual=_shown(shown_g),
        change=change,
    )


def _raw_headers(data: bytes) -> list[tuple[str, str]]:
    """A message's header fields as written: the name, and the value after the colon less
    the one space that conventionally follows it, unfolded, its RFC 2047 encoded-words
    decoded. (The :mod:`email` parser strips all leading whitespace, which a client that
    trims would hide.)"""
    ends = [at for at in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if at >= 0]
    fields: list[list[bytes]] = []
    for line in re.split(rb"\r?\n", data[: min(ends, default=len(data))]):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)  # a fold: the line break goes, the whitespace stays
        elif b":" in line:
            fields.append([line])
    out: list[tuple[str, str]] = []
    for parts in fields:
        name, _, value = b"".join(parts).partition(b":")
        text = value.removeprefix(b" ").decode(_ENC, "replace")
        # A malformed encoded-word leaves the text as written.
        with contextlib.suppress(HeaderParseError, LookupError, UnicodeError, ValueError):
            text = str(make_header(decode_header(text)))
        out.append((name.decode(_ENC, "replace").strip(), text))
    return out


def _unstructured(headers: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [value for n, value in headers if n.lower() == name.lower()]


def _header_differences(
    expected: Message, actual: Message, e_raw: bytes, a_raw: bytes
) -> list[Difference]:
    """Every header of ``expected`` against ``actual``; headers only ``actual`` has.
    Addresses are compared one by one, other fields as written (:func:`_raw_headers`)."""
    out: list[Difference] = []
    e_names = list(dict.fromkeys(n.lower() for n in expected))
    a_names = list(dict.fromkeys(n.lower() for n in actual))
    e_fields, a_fields = _raw_headers(e_raw), _raw_headers(a_raw)
    for lname in e_names:
        name = next(n for n in expected if n.lower() == lname)
        if lname in (h.lower() for h in _ADDRESS_HEADERS):
            want = _header_values(expected, name)
            got = _header_values(actual, name)
            if got:
                out += _address_differences(name, _mailboxes(want), _mailboxes(got))
                continue
        else:
            want = _unstructured(e_fields, name)
            got = _unstructured(a_fields, name)
        if not got:
            out.append(
                Difference(
                    "dropped",
                    Location("header", name),
                    f"header {name} ({_q(' | '.join(want))}) is not in the message",
                    expected=_shown(" | ".join(want)),
                )
            )
            continue
        if lname == "content-type":
            want = [_without_boundary(v) for v in want]
            got = [_without_boundary(v) for v in got]
        if want != got:
            w, g = " | ".join(want), " | ".join(got)
            change = describe_change(w, g)
            out.append(
                Difference(
                    "changed",
                    Location("header", name),
                    f"header {name} changed: {change}",
                    expected=_shown(w),
                    actual=_shown(g),
                    change=change,
                )
            )
    for lname in a_names:
        if lname in e_names:
            continue
        name = next(n for n in actual if n.lower() == lname)
        value = " | ".join(_header_values(actual, name))
        out.append(_added_header(name, value, harmless=lname in _HARMLESS_ADDED))
    return out


def _added_header(name: str, value: str, *, harmless: bool) -> Difference:
    if name.lower() == "bcc":
        return Difference(
            "added",
            Location("header", name),
            f"a Bcc header ({_q(value)}) is in the message: unless the server removes it, "
            "every recipient sees the blind copies (RFC 5322 section 3.6.3)",
            actual=_shown(value),
        )
    note = "harmless" if harmless else "not asked for"
    return Difference(
        "added",
        Location("header", name),
        f"header {name} ({_q(value)}) added: {note}",
        actual=_shown(value),
        harmless=harmless,
    )


_BOUNDARY = re.compile(r';\s*boundary="?[^";]*"?', re.IGNORECASE)


def _without_boundary(value: str) -> str:
    return _BOUNDARY.sub("", value)


def _part_differences(expected: Sequence[_Leaf], actual: Sequence[_Leaf]) -> list[Difference]:
    """Leaf parts compared in order: type, file name, content, transfer encoding."""
    out: list[Difference] = []
    for want, got in zip(expected, actual, strict=False):
        where = Location("part", want.describe())
        if (want.content_type, want.filename) != (got.content_type, got.filename):
            out.append(
                Difference(
                    "changed",
                    where,
                    f"part {want.describe()} arrived as {got.describe()}",
                    expected=want.describe(),
                    actual=got.describe(),
                )
            )
        if want.content != got.content:
            out.append(_content_difference(where, want.content, got.content))
        elif want.payload != got.payload:
            rewrap = want.transfer_encoding == got.transfer_encoding == "base64"
            name: Change = "base64-rewrapped" if rewrap else "transfer-encoding-changed"
            diff = describe_change(want.payload, got.payload)
            what = (
                "its base64 written with other line breaks"
                if rewrap
                else f"Content-Transfer-Encoding {want.transfer_encoding} -> "
                f"{got.transfer_encoding}"
            )
            out.append(
                Difference(
                    "changed",
                    where,
                    f"part {want.describe()}: the same content, {what}",
                    change=_renamed_change(diff, name),
                    harmless=True,
                )
            )
    out += [
        Difference(
            "dropped",
            Location("part", w.describe()),
            f"part {w.describe()} is not in the message",
        )
        for w in expected[len(actual) :]
    ]
    out += [
        Difference(
            "added",
            Location("part", g.describe()),
            f"part {g.describe()} added",
        )
        for g in actual[len(expected) :]
    ]
    return out


def compare_messages(expected: bytes, actual: bytes) -> list[Difference]:
    """What differs between two Internet messages (a ``SendRawEmail``'s decoded data).

    Equal bytes: nothing. A change of the whole message that has a name (line ends made CRLF,
    8-bit text read as Latin-1, ...) is one ``changed`` difference. Otherwise both are parsed
    and compared: headers (decoded; addresses one by one; ``Content-Type`` without its
    boundary), then leaf parts in order (type, content decoded, transfer encoding); a
    message whose bytes differ but whose parse does not is one harmless difference.
    """
    where = Location("member", "RawMessage.Data")
    if expected == actual:
        return []
    whole = describe_change(expected, actual)
    if whole.named:
        harmless = whole.changes in (("lf-to-crlf",), ("line-ends-to-crlf",))
        note = " (MIME's own line ends; harmless)" if harmless else ""
        return [
            Difference(
                "changed",
                where,
                f"the raw message changed: {whole}{note}",
                change=whole,
                harmless=harmless,
            )
        ]
    e_msg, a_msg = _parse(expected), _parse(actual)
    if e_msg is None or a_msg is None:
        return [
            Difference("changed", where, f"the raw message changed: {whole}", change=whole),
            _unparsable(where),
        ]
    e_leaves, e_more = _leaves(e_msg)
    a_leaves, a_more = _leaves(a_msg)
    out = _header_differences(e_msg, a_msg, expected, actual)
    out += _part_differences(e_leaves, a_leaves)
    if e_more or a_more:
        out.append(
            Difference(
                "unreadable",
                where,
                f"more than {MAX_PARTS} MIME parts: only the first {MAX_PARTS} were compared",
            )
        )
    if not out:
        out.append(
            Difference(
                "changed",
                where,
                "the raw message's bytes changed but not what it says (same headers, parts and "
                f"bodies once decoded): {whole}",
                change=whole,
                harmless=True,
            )
        )
    return out


# --- a SendEmail sent as a message -------------------------------------------------------------


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


def _eol(text: str) -> str:
    """Text with every line end LF and no final line end: MIME makes text CRLF (RFC 2045
    section 2.10), and some decoders make it LF again; neither is the client's change."""
    text = _ANY_EOL.sub("\n", text)
    return text[:-1] if text.endswith("\n") else text


def _mail_differences(asked: Asked, members: Sequence[tuple[str, str]]) -> list[Difference]:
    """A SendEmail asked for, a SendRawEmail arrived: the message against the params."""
    params = asked.params
    got = dict(members)
    out: list[Difference] = []
    blob = got.get("RawMessage.Data")
    data = _blob_bytes(blob) if blob is not None else None
    if data is None:
        return [
            Difference(
                "unreadable",
                Location("member", "RawMessage.Data"),
                "no readable RawMessage.Data (base64): the message cannot be compared",
            )
        ]
    message = _parse(data)
    if message is None:
        return [_unparsable(Location("member", "RawMessage.Data"))]
    to = _list_of(params, "Destination", "ToAddresses")
    cc = _list_of(params, "Destination", "CcAddresses")
    bcc = _list_of(params, "Destination", "BccAddresses")
    source = _text_of(params, "Source") or ""
    heads: list[tuple[str, list[str]]] = [
        ("From", [source]),
        ("To", to),
        ("Cc", cc),
        ("Reply-To", _list_of(params, "ReplyToAddresses")),
    ]
    for header, want in heads:
        values = _header_values(message, header)
        if want and not values:
            out.append(
                Difference(
                    "dropped",
                    Location("header", header),
                    f"no {header} header: {', '.join(want)} asked for",
                    expected=_shown(", ".join(want)),
                )
            )
        elif want or values:
            out += _address_differences(header, _mailboxes(want), _mailboxes(values))
    bcc_header = _header_values(message, "Bcc")
    if bcc_header:
        out.append(_added_header("Bcc", " | ".join(bcc_header), harmless=False))
    subject = _text_of(params, "Message", "Subject", "Data")
    out += _subject_differences(_unstructured(_raw_headers(data), "Subject"), subject)
    out += _body_differences(message, params)
    out += _envelope_differences(got, source, [*to, *cc, *bcc], bcc, message)
    out += _tag_differences(params, got, message)
    return out


def _subject_differences(values: Sequence[str], subject: str | None) -> list[Difference]:
    where = Location("header", "Subject")
    if subject is None:
        return []
    if not values:
        empty = subject == ""
        return [
            Difference(
                "dropped",
                where,
                "no Subject header: harmless, the subject asked for is empty"
                if empty
                else f"no Subject header ({_q(subject)} asked for)",
                expected=_shown(subject),
                harmless=empty,
            )
        ]
    got = values[0]
    if got == subject:
        return []
    change = describe_change(subject, got)
    return [
        Difference(
            "changed",
            where,
            f"Subject changed: {change}",
            expected=_shown(subject),
            actual=_shown(got),
            change=change,
        )
    ]


def _body_differences(message: Message, params: Mapping[str, Any]) -> list[Difference]:
    leaves, _more = _leaves(message)
    texts = [leaf for leaf in leaves if isinstance(leaf.content, str) and leaf.filename is None]
    out: list[Difference] = []
    used: set[int] = set()
    wanted = [
        (kind, ctype, _text_of(params, "Message", "Body", kind, "Data"))
        for kind, ctype in (("Text", "text/plain"), ("Html", "text/html"))
    ]
    for kind, ctype, text in wanted:
        if text is None:
            continue
        member = f"Message.Body.{kind}.Data"
        same_type = next(
            (leaf for leaf in texts if leaf.content_type == ctype and leaf.index not in used),
            None,
        )
        if same_type is not None:
            used.add(same_type.index)
            assert isinstance(same_type.content, str)
            if _eol(same_type.content) != _eol(text):
                where = Location("part", f"{ctype} body ({member})")
                out.append(_content_difference(where, text, same_type.content))
            continue
        other = next(
            (
                leaf
                for leaf in texts
                if leaf.index not in used
                and isinstance(leaf.content, str)
                and _eol(leaf.content) == _eol(text)
            ),
            None,
        )
        if other is not None:
            used.add(other.index)
            out.append(
                Difference(
                    "renamed",
                    Location("part", f"{ctype} body ({member})"),
                    f"the {ctype} body arrived as a {other.content_type} part",
                    expected=ctype,
                    actual=other.content_type,
                    moved_to=Location("part", other.describe()),
                )
            )
            continue
        out.append(
            Difference(
                "dropped",
                Location("part", f"{ctype} body ({member})"),
                f"no {ctype} part: {member} = {_q(text)} was asked for",
                expected=_shown(text),
            )
        )
    for leaf in texts:
        if leaf.index not in used:
            assert isinstance(leaf.content, str)
            out.append(
                Difference(
                    "added",
                    Location("part", leaf.describe()),
                    f"part {leaf.describe()} added ({_q(leaf.content)})",
                    actual=_shown(leaf.content),
                )
            )
    return out


def _envelope_differences(
    got: Mapping[str, str],
    source: str,
    recipients: Sequence[str],
    bcc: Sequence[str],
    message: Message,
) -> list[Difference]:
    """Source and Destinations of the SendRawEmail against the SendEmail's (spec: SES takes
    the recipients from Destinations when given, else from the To, Cc and Bcc headers)."""
    out: list[Difference] = []
    sent_source = got.get("Source")
    if sent_source is not None and sent_source != source:
        change = describe_change(source, sent_source)
        out.append(
            Difference(
                "changed",
                Location("member", "Source"),
                f"Source changed: {change}",
                expected=_shown(source),
                actual=_shown(sent_source),
                change=change,
            )
        )
    listed = [v for n, v in got.items() if re.fullmatch(r"Destinations\.member\.\d+", n)]
    where = Location("member", "Destinations")
    if listed:
        for address in recipients:
            if address not in listed:
                out.append(
                    Difference(
                        "dropped",
                        where,
                        f"recipient {address!r} is not in Destinations: SES does not send to it",
                        expected=address,
                    )
                )
        out += [
            Difference(
                "added",
                where,
                f"recipient {address!r} in Destinations was not asked for",
                actual=address,
            )
            for address in listed
            if address not in recipients
        ]
        return out
    in_headers = {
        box.address.lower()
        for header in ("To", "Cc", "Bcc")
        for box in _mailboxes(_header_values(message, header))
    }
    out += [
        Difference(
            "dropped",
            where,
            f"Bcc recipient {address!r} is in neither Destinations nor a header: SES does not "
            "send to it",
            expected=address,
        )
        for address in bcc
        if address.lower() not in in_headers
    ]
    return out


def _tag_differences(
    params: Mapping[str, Any], got: Mapping[str, str], message: Message
) -> list[Difference]:
    """Tags and ConfigurationSetName: as SendRawEmail members, or as SES's X-SES-* headers."""
    out: list[Difference] = []
    want = [
        (name, value)
        for name, value in flatten("SendEmail", params)[2:]
        if name.startswith("Tags.") or name == "ConfigurationSetName"
    ]
    headers = {"ConfigurationSetName": "X-SES-CONFIGURATION-SET"}
    tag_header = " ".join(_header_values(message, "X-SES-MESSAGE-TAGS"))
    for name, value in want:
        if got.get(name) == value:
            continue
        header = headers.get(name)
        if header is not None and value in _header_values(message, header):
            continue
        if name.startswith("Tags.") and tag_header:
            continue  # carried by the X-SES-MESSAGE-TAGS header
        out.append(
            Difference(
                "dropped",
                Location("member", name),
                f"{name} = {_q(value)} was asked for and is neither a member nor a header",
                expected=_shown(value),
            )
        )
    return out


# --- the request as a whole -----------------------------------------------------------------------


def _split_authority(authority: str, *, tls: bool) -> tuple[str, int, bool]:
    """(host in lower case, port, whether the port was written) of ``host[:port]``."""
    host, port = authority, ""
    if authority.startswith("["):
        end = authority.find("]") + 1
        if end and authority[end : end + 1] == ":":
            host, port = authority[:end], authority[end + 1 :]
    else:
        before, sep, after = authority.rpartition(":")
        if sep:
            host, port = before, after
    if port.isascii() and port.isdigit() and len(port) <= 5:
        return host.lower(), int(port), True
    return authority.lower(), 443 if tls else 80, False


def _host_difference(asked: Asked, request: RawRequest) -> list[Difference]:
    if asked.authority is None:
        return []
    host = request.header("Host")
    where = Location("request", "Host")
    if host is None:
        return [
            Difference(
                "dropped",
                where,
                f"no Host header (the client was told {asked.authority!r})",
                expected=asked.authority,
            )
        ]
    w_host, w_port, w_written = _split_authority(asked.authority, tls=asked.tls)
    g_host, g_port, g_written = _split_authority(host, tls=asked.tls)
    default = 443 if asked.tls else 80
    names: tuple[Change, ...] = ()
    if w_host != g_host:
        names = ("other",)
    elif w_port != g_port:
        names = ("port-dropped",) if not g_written else ("port-changed",)
    elif w_written != g_written and w_port == default:
        return []  # the default port, written or not: the same authority (RFC 9110 4.2.3)
    if not names:
        return []
    diff = describe_change(asked.authority, host)
    what = {
        "port-dropped": f"the port {w_port} the client was told is missing",
        "port-changed": f"port {g_port} instead of {w_port}",
        "other": "another host",
    }[names[0]]
    return [
        Difference(
            "changed",
            where,
            f"Host {host!r}, the client was told {asked.authority!r}: {what}",
            expected=asked.authority,
            actual=_shown(host),
            change=_renamed_change(diff, names[0]),
        )
    ]


def _credential(request: RawRequest, query: Pairs) -> tuple[str, str] | None:
    """(access key id, region) of a SigV4 request's credential scope, None if it has none."""
    value = request.header("Authorization")
    if value is not None and value.startswith("AWS4-HMAC-SHA256 "):
        try:
            parsed = parse_authorization(value)
        except SigningError:
            return None
        return parsed.access_key_id, parsed.region
    credential = next((v for n, v in query if n == "X-Amz-Credential"), None)
    if credential is None:
        return None
    parts = credential.split("/")
    return (parts[0], parts[2]) if len(parts) == 5 else None


def _credential_differences(asked: Asked, request: RawRequest, query: Pairs) -> list[Difference]:
    found = _credential(request, query)
    if found is None:
        return []
    out: list[Difference] = []
    akid, region = found
    if asked.region is not None and region != asked.region:
        out.append(
            Difference(
                "changed",
                Location("request", "credential scope region"),
                f"signed for region {region!r}, the client was given {asked.region!r}",
                expected=asked.region,
                actual=_shown(region),
                change=describe_change(asked.region, region),
            )
        )
    if asked.access_key_id is not None and akid != asked.access_key_id:
        out.append(
            Difference(
                "changed",
                Location("request", "credential access key id"),
                f"signed with access key id {akid!r}, the client was given {asked.access_key_id!r}",
                expected=asked.access_key_id,
                actual=_shown(akid),
            )
        )
    return out


def _token_differences(asked: Asked, request: RawRequest, query: Pairs) -> list[Difference]:
    if asked.session_token is None:
        return []
    where = Location("request", "X-Amz-Security-Token")
    sent = request.header_all("X-Amz-Security-Token") + [
        v for n, v in query if n == "X-Amz-Security-Token"
    ]
    if not sent:
        return [
            Difference(
                "dropped",
                where,
                "the session token the client was given was not sent (SES refuses temporary "
                "credentials without their token)",
            )
        ]
    if all(value == asked.session_token for value in sent):
        return []
    bad = next(value for value in sent if value != asked.session_token)
    change = describe_change(asked.session_token, bad, secret=True)
    return [
        Difference(
            "changed",
            where,
            f"the session token arrived changed ({' then '.join(change.changes)}, from byte "
            f"{change.offset}; value not shown)",
            change=change,
        )
    ]


_FORM = "application/x-www-form-urlencoded"


def compare_request(asked: Asked, request: RawRequest) -> list[Difference]:
    """Everything that differs between ``asked`` and the request that arrived: its Host
    against the authority the client was told, its credential scope and session token against
    the settings it was given, and its parameters (query, and a form body) against the
    members asked for (:func:`compare_pairs`)."""
    try:
        query = form_decode(request.query) if request.query else []
        body: Pairs = []
        ctype = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if request.method == "POST" and ctype in ("", _FORM):
            body = form_decode(request.body)
    except EncodingError as exc:
        return [
            Difference(
                "unreadable",
                Location("request"),
                f"the parameters cannot be read ({exc.message}): nothing compared",
            )
        ]
    out = _host_difference(asked, request)
    out += _credential_differences(asked, request, query)
    out += _token_differences(asked, request, query)
    return out + compare_pairs(asked, query + body)
