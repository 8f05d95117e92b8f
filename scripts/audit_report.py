"""A second opinion on a report: what each capture's client was asked against what arrived,
compared with the standard library alone, and every difference the report does not name.

    python scripts/audit_report.py [REPORT_DIR]      (default: reports/latest)

For every capture of the report that belongs to a cell, this script reads the request itself
(the HTTP head and body by hand, the form with ``urllib.parse``, the message with the
standard library's ``email`` package and ``quopri``/``base64``/``difflib``/``unicodedata``), works
out where and how it differs from what the scenario asked, and looks each difference up among
the FID findings the report gives that request (their ``kind`` and location). It does not use
``sesspec.fidelity`` or ``sesspec.mime``: what it borrows from sesspec is what was asked (the
scenarios and how each driver gives them to its client, ``sesspec.drivers``; the awsQuery names
of the params, ``sesspec.query.flatten``; the drivers' fake session token).

How a change is named here (docs/spec.md#fid-kinds says what each kind is): the two values are
aligned character by character (``difflib``) and each edit is named by what it does (a CR
inserted before an LF is ``line-end-lf-to-crlf``, white space removed at the end of a line
``whitespace-line-trailing-trimmed``, ...); a value equal to the asked one normalised, re-cased or
cut short is named so; any other edit is ``value-changed``. A message is read as RFC 2045
says a reader reads it: quoted-printable with the white space at the end of each line deleted
(section 6.7 rule 3), the CRLF before a boundary the boundary's (the ``email`` parser does that).

The session token is never read: the capture masks it and records the SHA-256 of what was
there, which is compared with the drivers' fake token. Exit status: 0 when the report names
every difference found, 1 when it does not (each one listed), 2 when the report cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import difflib
import email
import email.policy
import gzip
import hashlib
import json
import quopri
import re
import sys
import unicodedata
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sesspec.drivers import load_scenarios, registry  # noqa: E402 - after the path is set
from sesspec.drivers.base import FAKE_SESSION_TOKEN  # noqa: E402
from sesspec.query import flatten  # noqa: E402

#: A difference: where (the report's words for the place) and its kind.
Seen = tuple[str, str]

_AUTH = re.compile(
    r"(?i)x-amz-|AWSAccessKeyId$|Signature$|SignatureMethod$|SignatureVersion$|Timestamp$|Expires$|SecurityToken$"
)
_LINE_ENDS = ("\r\n", "\n", "\r")
_WS = " \t"
_HARMLESS = {"date", "message-id", "mime-version"}
_ADDRESS = {"from", "to", "cc", "bcc", "reply-to", "sender"}
_ITEM = re.compile(r"\.member\.\d+$")
_LIMIT = 20_000  # characters past which a change is only said to be there (difflib is slow)


# --- naming a value's change, by alignment --------------------------------------------------


Span = tuple[int, int, int, int]


def _edit_kinds(e: str, a: str, span: Span) -> set[str]:
    """The kinds of one edit of an alignment: e[i1:i2] became a[j1:j2]. White space at the
    end of a line replaced by the CR of a CRLF is two edits in one."""
    i1, i2, j1, j2 = span
    old, new = e[i1:i2], a[j1:j2]
    if new == "\r" and e[i2 : i2 + 1] == "\n" and old and not old.strip(_WS):
        return {"whitespace-line-trailing-trimmed", "line-end-lf-to-crlf"}
    return {_edit_kind(e, a, span)}


def _edit_kind(e: str, a: str, span: Span) -> str:
    """The kind of one edit of an alignment: e[i1:i2] became a[j1:j2]."""
    i1, i2, j1, j2 = span
    old, new = e[i1:i2], a[j1:j2]
    after = e[i2 : i2 + 1]
    before = e[i1 - 1 : i1] if i1 else ""
    if old == "" and new == "\r" and after == "\n" and before != "\r":
        return "line-end-lf-to-crlf"
    if old == "\r" and new == "" and after == "\n":
        return "line-end-crlf-to-lf"
    if old == "" and new == "\n" and before == "\r" and after != "\n":
        return "line-end-cr-to-crlf"
    if old == "\n" and new == "" and before == "\r":
        return "line-end-crlf-to-cr"
    if old == "\r" and new == "\n" and after != "\n":
        return "line-end-cr-to-lf"
    if old == "\n" and new == "\r" and before != "\r":
        return "line-end-lf-to-cr"
    if old == "\r" and new == "" and after != "\n":
        return "line-end-cr-dropped"
    if old == "" and i1 == len(e) and new in _LINE_ENDS:
        return "line-end-appended"
    if new == "" and i2 == len(e) and old in _LINE_ENDS:
        return "line-end-removed"
    if new == "" and old.strip(_WS) == "" and (e[i2 : i2 + 1] in ("\r", "\n")):
        return "whitespace-line-trailing-trimmed"
    if old and set(old) <= set(_WS + "\t") and set(new) <= {" "}:
        return (
            "whitespace-tabs-to-spaces"
            if "\t" in old and len(new) >= 1 and len(old) == old.count("\t")
            else "whitespace-collapsed"
        )
    return "value-changed"


def name_change(e: str, a: str) -> set[str]:
    """The kinds that turn ``e`` into ``a`` (empty when equal)."""
    if e == a:
        return set()
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        if unicodedata.normalize(form, e) == a and unicodedata.normalize(form, e) != e:
            return {f"unicode-{form.lower()}"}
    if e.lower() == a.lower() or e.upper() == a.upper():
        return {"text-case-changed"}
    stripped = {
        "whitespace-trimmed": e.strip(),
        "whitespace-leading-trimmed": e.lstrip(),
        "whitespace-trailing-trimmed": e.rstrip(),
    }
    for kind, value in stripped.items():
        if value == a and value != e:
            return {kind}
    if len(a) < len(e) and e.startswith(a) and e[len(a) :] not in _LINE_ENDS:
        return {"text-truncated"}
    try:
        if e.encode("utf-8").decode("latin-1") == a:
            return {"text-utf8-read-as-latin1"}
    except UnicodeError:
        pass
    if a.replace(" ", "+") == e and "+" in e:
        return {"text-plus-as-space"}
    if len(e) > _LIMIT or len(a) > _LIMIT:
        return {"value-changed"}
    matcher = difflib.SequenceMatcher(None, e, a, autojunk=False)
    return {
        kind
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
        for kind in _edit_kinds(e, a, (i1, i2, j1, j2))
    }


# --- reading what arrived ---------------------------------------------------------------------


def captures(folder: Path, name: str) -> Iterator[dict[str, Any]]:
    path = folder / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def http_parts(raw: bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """Method, target, headers and body of a request (Content-Length framing)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = [*lines[0].split(" "), "", ""][:3]
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return method, target, headers, body


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for n, v in headers if n.lower() == name.lower()), None)


def pairs_of(target: str, body: bytes, method: str) -> list[tuple[str, str]]:
    query = target.partition("?")[2]
    out = parse_qsl(query, keep_blank_values=True)
    if method == "POST":
        out += parse_qsl(body.decode("utf-8", "surrogateescape"), keep_blank_values=True)
    return out


# --- messages ----------------------------------------------------------------------------------


def header_lines(raw: bytes) -> list[tuple[str, str, str, int]]:
    """(name, value as written: unfolded, less the one space after the colon; the field's
    lines as they are; its longest line in octets) of the top header section."""
    end = min(i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n"), len(raw)) if i >= 0)
    fields: list[list[str]] = []
    for line in re.split(r"\r?\n", raw[:end].decode("utf-8", "surrogateescape")):
        if line[:1] in (" ", "\t") and fields:
            fields[-1].append(line)
        elif ":" in line:
            fields.append([line])
    out = []
    for lines in fields:
        name, _, value = "".join(lines).partition(":")
        longest = max(len(line.encode("utf-8", "surrogateescape")) for line in lines)
        written = value[1:] if value.startswith(" ") else value
        out.append((name.strip(), written, "\n".join(lines), longest))
    return out


def header_fields(raw: bytes) -> list[tuple[str, str]]:
    return [(name, written) for name, written, _, _ in header_lines(raw)]


def long_lines(asked: bytes | None, arrived: bytes) -> set[Seen]:
    """RFC 5322 2.1.1: a header line over 998 octets that the message asked did not have."""
    before = (
        {n.lower() for n, _, _, longest in header_lines(asked) if longest > 998} if asked else set()
    )
    return {
        (f"message header {n}", "header-line-too-long")
        for n, _, _, longest in header_lines(arrived)
        if longest > 998 and n.lower() not in before
    }


def line_form(raw: bytes) -> str:
    """CRLF, LF or both, of the top header section's lines."""
    end = min(i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n"), len(raw)) if i >= 0)
    head = raw[: end + 2]
    crlf, lf = head.count(b"\r\n"), head.count(b"\n") - head.count(b"\r\n")
    return "mixed" if crlf and lf else "crlf" if crlf else "lf" if lf else ""


def decoded(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeError):
        return value


def boxes(values: list[str]) -> list[tuple[str, str]]:
    return [(decoded(n), a) for n, a in getaddresses([decoded(v) for v in values]) if a]


def leaves(message: Message) -> list[Message]:
    return [p for p in message.walk() if not p.is_multipart()]


def content(part: Message) -> bytes:
    cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    payload = part.get_payload(decode=False)
    if not isinstance(payload, str):
        return b""
    raw = payload.encode("utf-8", "surrogateescape")
    if cte == "quoted-printable":  # RFC 2045 6.7 rule 3 first, then the decoder
        raw = b"".join(
            re.sub(rb"[ \t]+$", b"", line[: len(line.rstrip(b"\r\n"))])
            + line[len(line.rstrip(b"\r\n")) :]
            for line in raw.splitlines(keepends=True)
        )
        return quopri.decodestring(raw)
    if cte == "base64":
        try:
            return base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", raw))
        except binascii.Error:
            return b""
    return raw


def text(part: Message) -> str:
    charset = part.get_param("charset")
    try:
        return content(part).decode(str(charset) if charset else "us-ascii", "surrogateescape")
    except LookupError:
        return content(part).decode("utf-8", "surrogateescape")


def compare_raw(want: bytes, got: bytes) -> set[Seen]:
    """A raw message asked against the one that arrived."""
    out: set[Seen] = set()
    if want == got:
        return out
    e = email.message_from_bytes(want, policy=email.policy.compat32)
    a = email.message_from_bytes(got, policy=email.policy.compat32)
    e_fields, a_fields = header_fields(want), header_fields(got)
    e_lines, a_lines = header_lines(want), header_lines(got)
    forms = (line_form(want), line_form(got))
    if forms[0] != forms[1] and "" not in forms:
        lf_now = forms[1] == "lf" or forms[0] == "crlf"
        kind = "line-end-crlf-to-lf" if lf_now else "line-end-lf-to-crlf"
        out.add(("param RawMessage.Data", kind))
    out |= long_lines(want, got)
    e_names = {n.lower() for n, _ in e_fields}
    a_names = {n.lower() for n, _ in a_fields}
    skip = {"content-type", "content-transfer-encoding", "content-disposition"}
    for lname in e_names - skip:
        place = f"message header {next(n for n, _ in e_fields if n.lower() == lname)}"
        if lname not in a_names:
            out.add((place, "header-removed"))
            continue
        wants = [v for n, v in e_fields if n.lower() == lname]
        gots = [v for n, v in a_fields if n.lower() == lname]
        if lname in _ADDRESS:
            if {b[1].lower() for b in boxes(wants)} - {b[1].lower() for b in boxes(gots)}:
                out.add((place, "address-dropped"))
            if {b[1].lower() for b in boxes(gots)} - {b[1].lower() for b in boxes(wants)}:
                out.add((place, "address-added"))
            continue
        raws = [r for n, _, r, _ in e_lines if n.lower() == lname]
        got_raws = [r for n, _, r, _ in a_lines if n.lower() == lname]
        for w, g, wr, gr in zip(wants, gots, raws, got_raws, strict=False):
            kinds = name_change(decoded(w), decoded(g))
            if not kinds and w != g:
                kinds = {"header-reencoded"}
            elif not kinds and wr.partition(":")[2] != gr.partition(":")[2]:
                kinds = {"header-refolded"}
            out.update((place, k) for k in kinds)
    for lname in a_names - e_names - skip:
        out.add(
            (f"message header {next(n for n, _ in a_fields if n.lower() == lname)}", "header-added")
        )
    for i, (wp, gp) in enumerate(zip(leaves(e), leaves(a), strict=False), 1):
        place = f"message part {i} {wp.get_content_type()}"
        if wp.get_content_type() != gp.get_content_type():
            out.add((place, "part-type-changed"))
        if wp.get_content_maintype() == "text":
            out.update((place, k) for k in name_change(text(wp), text(gp)))
            cw, cg = wp.get_param("charset"), gp.get_param("charset")
            if cw != cg:
                kind = (
                    "charset-dropped"
                    if cg is None
                    else "charset-added"
                    if cw is None
                    else "charset-changed"
                )
                out.add((place, kind))
        elif content(wp) != content(gp):
            out.add((place, "value-changed"))
        te = str(wp.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        tg = str(gp.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        if te != tg:
            out.add((place, "transfer-encoding-changed"))
        elif wp.get_payload() != gp.get_payload() and content(wp) == content(gp):
            out.add((place, "base64-rewrapped" if te == "base64" else "transfer-encoding-changed"))
    for i, part in enumerate(leaves(e)[len(leaves(a)) :], len(leaves(a)) + 1):
        out.add((f"message part {i} {part.get_content_type()}", "part-removed"))
    for i, part in enumerate(leaves(a)[len(leaves(e)) :], len(leaves(e)) + 1):
        out.add((f"message part {i} {part.get_content_type()}", "part-added"))
    boundaries = ([m.get_boundary() for m in e.walk()], [m.get_boundary() for m in a.walk()])
    if not out or boundaries[0] != boundaries[1]:
        out.add(("param RawMessage.Data", "message-rewritten"))
    return out


def compare_mail(params: dict[str, Any], got: dict[str, str]) -> set[Seen]:
    """A SendEmail sent as the MIME message its client built."""
    out: set[Seen] = set()
    data = base64.b64decode(got.get("RawMessage.Data", ""))
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    fields = header_fields(data)
    dest = params.get("Destination", {})
    for head, want in (
        ("From", [params.get("Source", "")]),
        ("To", dest.get("ToAddresses", [])),
        ("Cc", dest.get("CcAddresses", [])),
        ("Reply-To", params.get("ReplyToAddresses", [])),
    ):
        values = [v for n, v in fields if n.lower() == head.lower()]
        if want and not values:
            out.add((f"message header {head}", "header-removed"))
        elif {a.lower() for _, a in boxes(list(want))} - {a.lower() for _, a in boxes(values)}:
            out.add((f"message header {head}", "address-dropped"))
    subject = params.get("Message", {}).get("Subject", {}).get("Data")
    values = [v for n, v in fields if n.lower() == "subject"]
    if subject is not None and not values:
        out.add(("message header Subject", "header-removed"))
    elif subject is not None:
        out.update(("message header Subject", k) for k in name_change(subject, decoded(values[0])))
    known = {"from", "to", "cc", "reply-to", "subject", "content-type", "content-transfer-encoding"}
    if params.get("Tags"):
        known.add("x-ses-message-tags")
    if params.get("ConfigurationSetName"):
        known.add("x-ses-configuration-set")
    for n, _ in fields:
        if n.lower() not in known:
            out.add((f"message header {n}", "header-added"))
    out |= long_lines(None, data)
    texts = [
        (i, p)
        for i, p in enumerate(leaves(message), 1)
        if p.get_content_maintype() == "text" and p.get_filename() is None
    ]
    used: set[int] = set()
    for kind, ctype in (("Text", "text/plain"), ("Html", "text/html")):
        body = params.get("Message", {}).get("Body", {}).get(kind)
        if body is None:
            continue
        match = next(
            ((i, p) for i, p in texts if p.get_content_type() == ctype and i not in used), None
        )
        if match is None:
            out.add((f"message part {ctype}", "part-removed"))
            continue
        i, part = match
        used.add(i)
        place = f"message part {i} {ctype}"
        out.update((place, k) for k in name_change(body["Data"], text(part)))
        asked, arrived = body.get("Charset"), part.get_param("charset")
        if asked is None and arrived is not None:
            out.add((place, "charset-added"))
        elif asked is not None and arrived is None:
            out.add((place, "charset-dropped"))
        elif asked is not None and arrived is not None and asked != arrived:
            out.add((place, "charset-changed"))
    if "Source" not in got and params.get("Source"):
        out.add(("param Source", "parameter-dropped"))
    return out


# --- a request ---------------------------------------------------------------------------------


def audit(capture: dict[str, Any], scenario: Any) -> set[Seen]:
    """Every difference this script finds in one capture."""
    raw = base64.b64decode(capture["raw"])
    method, target, headers, body = http_parts(raw)
    out: set[Seen] = set()
    told = capture.get("told_authority")
    host = header(headers, "Host")
    if told is not None and host is not None:
        default = "443" if capture.get("tls", True) else "80"
        t_host, _, t_port = told.rpartition(":") if ":" in told else (told, "", default)
        h_host, _, h_port = host.rpartition(":") if ":" in host else (host, "", default)
        if t_host.lower() != h_host.lower():
            out.add(("setting Host", "host-changed"))
        elif (t_port or default) != (h_port or default):
            out.add(("setting Host", "port-dropped" if ":" not in host else "port-changed"))
    auth = header(headers, "Authorization") or ""
    region = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", auth)
    if region and region.group(1) != scenario.client.region:
        out.add(("setting credential scope region", "region-changed"))
    if scenario.client.session_token:
        forms = {
            FAKE_SESSION_TOKEN,
            quote(FAKE_SESSION_TOKEN, safe=""),
            quote_plus(FAKE_SESSION_TOKEN),
        }
        digests = {hashlib.sha256(f.encode()).hexdigest() for f in forms}
        masked = capture.get("masked") or []  # [field, offset, length, sha256] each
        if not masked:
            out.add(("setting X-Amz-Security-Token", "setting-dropped"))
        elif not all(m[3] in digests for m in masked):
            out.add(("setting X-Amz-Security-Token", "token-changed"))
    pairs = [(n, v) for n, v in pairs_of(target, body, method) if not _AUTH.match(n)]
    got = dict(pairs)
    action = got.pop("Action", None)
    got.pop("Version", None)
    params = scenario.typed_params()
    if action != scenario.action:
        out.add(("param Action", "action-changed"))
        if scenario.action == "SendEmail" and action == "SendRawEmail":
            out |= compare_mail(params, got)
        return out
    asked = dict(flatten(scenario.action, params)[2:])
    for name, want in asked.items():
        place = f"param {name}"
        if name not in got:
            kind = "charset-dropped" if name.endswith(".Charset") else "parameter-dropped"
            if not (name.endswith(".Charset") or want in got.values()):
                out.add((place, kind))
            elif name.endswith(".Charset"):
                moved = name.replace(".Text.", ".Html.") if ".Text." in name else None
                if got.get(moved or "") != want:
                    out.add((place, kind))
            else:
                out.add((place, "parameter-renamed"))
            continue
        if name == "RawMessage.Data":
            w = base64.b64decode(want)
            try:  # a blob that is not base64 (RFC 4648 alphabet, whitespace aside) is unreadable
                g = base64.b64decode(re.sub(r"\s", "", got[name]).encode("ascii"), validate=True)
            except (UnicodeEncodeError, ValueError):
                out.add((place, "unreadable"))
                continue
            if w == g and want != got[name]:
                out.add((place, "base64-rewrapped"))
            out |= compare_raw(w, g)
        elif name.endswith(".Charset"):
            if want != got[name]:
                out.add((place, "charset-changed"))
        else:
            out.update((place, k) for k in name_change(want, got[name]))
    for name in got.keys() - asked.keys():
        if name.endswith(".Charset"):
            data = name.replace("Charset", "Data")
            origin = data.replace(".Html.", ".Text.")
            if asked.get(origin.replace("Data", "Charset")) != got[name] or data in asked:
                out.add((f"param {name}", "charset-added"))
        elif got[name] not in asked.values():
            out.add((f"param {name}", "parameter-added"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", nargs="?", default=str(REPO / "reports" / "latest"))
    folder = Path(parser.parse_args().report)
    try:
        document = json.loads((folder / "report.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"audit_report: {folder}: {exc}\n")
        return 2
    named: dict[int, set[Seen]] = {}
    cell: dict[int, tuple[str, str]] = {}
    for case in document["cases"]:
        for request in case["requests"]:
            cell[request["seq"]] = (case["client"], case["scenario"])
            named[request["seq"]] = {
                (f["location"].lower(), f.get("kind", ""))
                for f in request["findings"]
                if f["rule"].startswith("FID")
            }
    drivers = {d.name: d for d in registry.all_drivers()}
    scenarios = {s.id: s for s in load_scenarios()}
    missing: list[str] = []
    audited = 0
    for capture in captures(folder, document["captures_file"]):
        owner = cell.get(capture["seq"])
        if owner is None or owner[0] not in drivers or owner[1] not in scenarios:
            continue
        scenario = scenarios[owner[1]]
        audited += 1
        for place, kind in sorted(audit(capture, scenario)):
            # The items of a list renamed alike are one finding at LIST.member.N
            # (docs/spec.md#fid-members).
            as_list = _ITEM.sub(".member.n", place.lower())
            if not {(place.lower(), kind), (as_list, kind)} & named[capture["seq"]]:
                missing.append(f"{owner[0]} / {owner[1]} (#{capture['seq']}): {place}: {kind}")
    for line in missing:
        sys.stdout.write(f"not named: {line}\n")
    sys.stdout.write(
        f"audit_report: {audited} captures of {folder} compared; "
        f"{len(missing)} difference(s) the report does not name\n"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
