"""Members compared: the decoded parameters that arrived against the members asked, by wire
name (docs/spec.md#fid-members).

A member asked and arrived with another value is named by its steps
(:mod:`sesspec.fidelity.values`); a ``Charset`` by the charset kinds, judged on the text it
labels (it follows its ``Data`` when that arrived under another name); ``RawMessage.Data`` as
the message it carries (:mod:`sesspec.fidelity.message`). A member that did not arrive is
dropped, unless its value arrived under another name (renamed: the same value, most similar
name first, then a name of the same shape, list indexes aside; the items of a list renamed
alike are one difference); one that arrived unasked is added. A scalar list whose items all
arrived in another order is ``order-changed``. Authentication parameters and ``Version`` are the
checker's; a SendEmail that arrived as SendRawEmail is compared through its message
(:mod:`sesspec.fidelity.mail`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sesspec.check.rules.param import SIGV2_PARAMS
from sesspec.fidelity.mail import mail_differences
from sesspec.fidelity.message import blob_bytes, charset_differences, compare_messages
from sesspec.fidelity.types import Asked, Difference, Location, shown
from sesspec.fidelity.values import changed, excerpt, search_budget
from sesspec.mime import MimeError, mailboxes, read_message
from sesspec.query import validate_pairs

__all__ = ["compare_pairs"]


def __dir__() -> list[str]:
    return __all__


def _is_auth(name: str) -> bool:
    """A parameter that carries authentication (presigned SigV4, SigV2): the checker's."""
    return name.lower().startswith("x-amz-") or name in SIGV2_PARAMS


_INDEX = re.compile(r"\.member\.\d+|\[\d+\]|\.\d+(?=\.|\Z)")
_LIST_ITEM = re.compile(r"(.+)\.member\.\d+\Z")
_LAST_INDEX = re.compile(r"\d+(?=\D*\Z)")
_CHARSET = ".Charset"


def _shape_of(name: str) -> str:
    """A name without list indexes in any spelling (``.member.N``, ``[N]``, ``.N``)."""
    return _INDEX.sub("", name)


def _sesreads(action: str, name: str) -> bool:
    """Whether ``name`` is a member SES reads for ``action`` (by the model)."""
    errors = validate_pairs([("Action", action), (name, "x")])
    return not any(e.param == name and e.kind in ("unknown", "empty-segment") for e in errors)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _list_of_name(name: str) -> str | None:
    match = _LIST_ITEM.match(name)
    return match.group(1) if match else None


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
        """The addresses (lower case) in these fields of the raw message asked."""
        if self._headed is None:
            self._headed = dict.fromkeys(("From", "To", "Cc", "Bcc"), frozenset())
            raw = blob_bytes(self.expected.get("RawMessage.Data", ""))
            try:
                message = read_message(raw) if raw else None
                for header in self._headed if message else ():
                    assert message is not None
                    self._headed[header] = frozenset(
                        box.address.lower()
                        for field in message.headers(header)
                        for box in mailboxes(field.unfolded())
                    )
            except MimeError:
                pass
        return frozenset().union(*(self._headed[h] for h in headers))


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


def _blob_differences(expected: str, actual: str) -> list[Difference]:
    where = Location("member", "RawMessage.Data")
    want = blob_bytes(expected)
    got = blob_bytes(actual)
    if got is None:
        return [
            Difference(
                "unreadable",
                where,
                "RawMessage.Data is not base64: the message cannot be compared",
                actual=shown(actual),
            )
        ]
    if want is None:  # a scenario's blob is always base64 (flatten wrote it)
        want = expected.encode("utf-8", "surrogateescape")
    if want == got:
        return [
            Difference(
                "base64-rewrapped",
                where,
                "RawMessage.Data: the same message, its base64 written with other line breaks",
                change=excerpt(expected, actual),
            )
        ]
    return compare_messages(want, got)


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
                "parameter-renamed",
                Location("member", f"{prefix}.member.N"),
                f"{len(names)} items of {prefix} ({prefix}.member.N) arrived as {spelled}: "
                f"{consequence}",
                expected=shown(", ".join(values)),
                moved_to=Location("member", spelled),
            )
        )
        covered.update(names)
    return out, covered


def _rename_message(action: str, old: str, new: str, value: str) -> str:
    consequence = (
        f"SES reads it as {new}"
        if _sesreads(action, new)
        else f"SES does not read {new}, so the value is lost"
    )
    return f"{old} = {shown(value)!r} arrived as {new}: {consequence}"


def _dropped_member(name: str, value: str, sides: _Sides) -> Difference:
    message = f"{name} = {shown(value)!r} was asked for and did not arrive"
    condition = False
    if re.fullmatch(r"Destinations\.member\.\d+", name):
        condition = value.lower() in sides.headed("To", "Cc", "Bcc")
        if condition:
            message += (
                ": SES sends to the message's To, Cc and Bcc fields when Destinations is "
                "absent (drewblas/aws-ses#53), and they name it"
            )
    elif name == "Source" and "RawMessage.Data" in sides.expected:
        try:
            boxes = mailboxes(value)
        except MimeError:
            boxes = []
        condition = bool(boxes) and boxes[0].address.lower() in sides.headed("From")
        if condition:
            message += (
                ": SES takes the sender from the message's From field "
                "(MODEL SendRawEmailRequest Source), which names it"
            )
    return Difference(
        "parameter-dropped",
        Location("member", name),
        message,
        expected=shown(value),
        condition=condition,
    )


def _added_member(action: str, name: str, value: str, bcc: frozenset[str]) -> Difference:
    where = Location("member", name)
    if value in bcc and ".BccAddresses." not in name:
        message = (
            f"{name} = {shown(value)!r} added: a Bcc recipient written where every recipient "
            "can see it"
        )
        return Difference("parameter-added", where, message, actual=shown(value))
    reads = _sesreads(action, name)
    message = f"{name} = {shown(value)!r} added: " + (
        "SES reads it" if reads else f"not a member of {action}; SES ignores it"
    )
    return Difference("parameter-added", where, message, actual=shown(value), condition=not reads)


def _charsets(sides: _Sides, moved: Mapping[str, str]) -> list[Difference]:
    """The Charset members: each asked against the one that labels its text where the text
    arrived (its Data's new name when that was renamed), judged on that text; then those
    that arrived unasked."""
    data_moves = {
        old[: -len("Data")]: new[: -len("Data")]
        for old, new in moved.items()
        if old.endswith(".Data") and new.endswith(".Data")
    }
    back = {new: old for old, new in data_moves.items()}
    out: list[Difference] = []
    handled: set[str] = set()
    for name, want in sides.expected.items():
        if not name.endswith(_CHARSET):
            continue
        prefix = name[: -len("Charset")]
        there = data_moves.get(prefix, prefix)
        handled.add(f"{there}Charset")
        text = sides.expected.get(f"{prefix}Data", "")
        data = sides.actual.get(f"{there}Data", text).encode("utf-8", "surrogateescape")
        got = sides.actual.get(f"{there}Charset")
        out += charset_differences(Location("member", name), want, got, text, data)
    for name, got in sides.actual.items():
        if not name.endswith(_CHARSET) or name in handled or name in sides.expected:
            continue
        prefix = name[: -len("Charset")]
        text = sides.expected.get(
            f"{back.get(prefix, prefix)}Data", sides.actual.get(f"{prefix}Data", "")
        )
        data = sides.actual.get(f"{prefix}Data", text).encode("utf-8", "surrogateescape")
        out += charset_differences(Location("member", name), None, got, text, data)
    return out


def compare_pairs(asked: Asked, pairs: Iterable[tuple[str, str]]) -> list[Difference]:
    """What differs between the members asked for and the decoded ``pairs`` that arrived.

    ``pairs`` are a request's decoded parameters (query and body), ``Action`` included;
    authentication parameters are skipped, ``Version`` is the checker's (PARAM003). A
    SendEmail that arrived as SendRawEmail is compared through its message.
    """
    with search_budget():
        return _compare_pairs(asked, pairs)


def _compare_pairs(asked: Asked, pairs: Iterable[tuple[str, str]]) -> list[Difference]:
    arrived = [(n, v) for n, v in pairs if not _is_auth(n)]
    action = next((v for n, v in arrived if n == "Action"), None)
    members = [(n, v) for n, v in arrived if n not in ("Action", "Version")]
    if action is None:
        return [
            Difference(
                "action-changed",
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
            head = Difference(
                "action-changed",
                Location("action"),
                f"SendEmail was sent as SendRawEmail ({how}); the message is compared "
                "with what was asked",
                expected=asked.action,
                actual=action,
                condition=True,
            )
            return [head, *mail_differences(asked, members)]
        return [
            Difference(
                "action-changed",
                Location("action"),
                f"{asked.action} was asked for, {shown(action)!r} arrived",
                expected=asked.action,
                actual=shown(action),
            )
        ]
    return _member_differences(action, asked.pairs(), members)


def _moves(sides: _Sides, dropped: Sequence[str], added: Sequence[str]) -> dict[str, str]:
    """Renamed members: a dropped member's value arrived under an added name. Equal values
    first (the most similar name wins), then names of the same shape (indexes aside)."""
    by_value: dict[str, list[str]] = {}
    for name in added:
        if not name.endswith(_CHARSET):
            by_value.setdefault(sides.actual[name], []).append(name)
    moved: dict[str, str] = {}
    for name in dropped:
        options = by_value.get(sides.expected[name], []) if not name.endswith(_CHARSET) else []
        if options:
            best = max(options, key=lambda o: _similarity(_shape_of(name), _shape_of(o)))
            options.remove(best)
            moved[name] = best
    taken = set(moved.values())
    by_shape: dict[str, list[str]] = {}
    for name in added:
        if name not in taken and not name.endswith(_CHARSET):
            by_shape.setdefault(_shape_of(name), []).append(name)
    for name in dropped:
        if name in moved or name.endswith(_CHARSET):
            continue
        options = by_shape.get(_shape_of(name), [])
        if options:
            moved[name] = options.pop(0)
    return moved


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
                "order-changed",
                Location("member", prefix),
                f"the items of {prefix} arrived in another order: {before!r} -> {after!r}",
                expected=shown(", ".join(before)),
                actual=shown(", ".join(after)),
            )
        )
    for name, want in sides.expected.items():
        got = sides.actual.get(name)
        if got is None or got == want or _list_of_name(name) in reordered:
            continue
        if name.endswith(_CHARSET):
            continue  # judged with the charsets, below
        if name == "RawMessage.Data" and action == "SendRawEmail":
            out += _blob_differences(want, got)
        else:
            out += changed(Location("member", name), name, want, got)
    dropped = [n for n in sides.expected if n not in sides.actual]
    added = [n for n in sides.actual if n not in sides.expected]
    moved = _moves(sides, dropped, added)
    out += _charsets(sides, moved)
    dropped = [n for n in dropped if not n.endswith(_CHARSET)]
    added = [n for n in added if not n.endswith(_CHARSET)]
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
        out.append(
            Difference(
                "parameter-renamed",
                Location("member", name),
                _rename_message(action, name, new, want),
                expected=shown(want),
                actual=shown(got),
                moved_to=Location("member", new),
            )
        )
        out += changed(Location("member", new), f"{name} (arrived as {new})", want, got)
    taken = set(moved.values())
    out += [_added_member(action, n, sides.actual[n], bcc) for n in added if n not in taken]
    return out
