"""Where requests to check come from: ``.http`` files, folders, JSON Lines captures, HAR, URLs.

This is the outer ring (it reads files); :func:`sesspec.check.check` itself is pure. Each request
becomes a :class:`Source`: a name a person can find it by, the raw bytes, and what the bytes
cannot say (whether TLS was used). JSON Lines files are read line by line, so memory stays flat
however long the file is; a line that is a capture record written by ``sesspec serve`` carries its
:class:`~sesspec.serve.capture.Capture`, which is judged by the one verdict function on captures
(:func:`~sesspec.serve.capture.capture_findings`).

Every input that is not what it claims to be (a HAR without a list of entries, an entry of the
wrong shape, a JSON Lines file that is not UTF-8, a capture line of the wrong shape, a URL that
does not parse, a file past its size limit) is a :class:`SourceError` naming the file and the
line or entry; sizes are checked before a file is read whole.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sesspec.errors import InputError
from sesspec.http import DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_HEADER_SIZE
from sesspec.serve.capture import Capture, CaptureError, iter_records

__all__ = [
    "MAX_HAR_SIZE",
    "MAX_REQUEST_FILE_SIZE",
    "Source",
    "SourceError",
    "iter_sources",
    "read_limited",
    "request_from_url",
]


def __dir__() -> list[str]:
    return __all__


class SourceError(InputError):
    """An input that holds no request sesspec can read (missing file, bad JSON line...)."""


#: Largest ``.http`` file read: the largest request ``sesspec.http`` parses (head and body).
MAX_REQUEST_FILE_SIZE = DEFAULT_MAX_HEADER_SIZE + DEFAULT_MAX_BODY_SIZE
#: Largest HAR file read (it is one JSON document, so it is read whole).
MAX_HAR_SIZE = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    """One request to check. ``tls`` is None where the input does not tell; ``capture`` is the
    endpoint's record when the request comes from a capture file."""

    name: str
    raw: bytes
    tls: bool | None = None
    capture: Capture | None = None


def request_from_url(url: str) -> bytes:
    """The GET request a client sends for ``url`` (a bare URL to check, as in the guide).

    Raises :class:`SourceError` for a URL that does not parse (``http://[::1``) or whose host
    holds whitespace or control characters (they would end the ``Host`` line).
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        msg = f"not a URL: {exc}"
        raise SourceError(msg, where=repr(url)) from None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in parts.netloc):
        msg = "the host holds whitespace or a control character"
        raise SourceError(msg, where=repr(url))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode("utf-8", "surrogatepass")


def _text(value: object, what: str) -> str:
    """A HAR string field; numbers are allowed (some tools write header values as numbers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    msg = f"{what} is not a string"
    raise TypeError(msg)


def _har_request(entry: Any, where: str) -> Source:
    """The request of one HAR 1.2 entry (``request.method``, ``.url``, ``.headers[]``,
    ``.postData.text``): every field of the wrong type is a :class:`SourceError`."""
    try:
        if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
            msg = "'request' is not an object"
            raise TypeError(msg)
        req = entry["request"]
        url = _text(req.get("url"), "'request.url'")
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"{_text(req.get('method'), 'request.method')} {target} HTTP/1.1"]
        headers = req.get("headers", [])
        if not isinstance(headers, list):
            msg = "'request.headers' is not a list"
            raise TypeError(msg)
        names = set()
        for i, header in enumerate(headers):
            if not isinstance(header, dict):
                msg = f"'request.headers[{i}]' is not an object"
                raise TypeError(msg)
            name = _text(header.get("name"), f"'request.headers[{i}].name'")
            if name.startswith(":"):  # HTTP/2 pseudo-headers: :authority is the Host
                continue
            names.add(name.lower())
            lines.append(f"{name}: {_text(header.get('value'), f'request.headers[{i}].value')}")
        if "host" not in names:
            lines.insert(1, f"Host: {parts.netloc}")
        post = req.get("postData") or {}
        if not isinstance(post, dict):
            msg = "'request.postData' is not an object"
            raise TypeError(msg)
        text = _text(post.get("text", ""), "'request.postData.text'")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogatepass")
        body = text.encode("utf-8", "surrogatepass")
        return Source(where, head + body, tls=parts.scheme == "https")
    except (TypeError, ValueError) as exc:
        msg = f"HAR entry without a usable request ({exc})"
        raise SourceError(msg, where=where) from None


def _jsonl(path: Path) -> Iterator[Source]:
    """Capture records (``sesspec serve``), or records holding just ``raw`` (base64) and,
    optionally, ``tls``."""
    try:
        for where, record in iter_records(path):
            if isinstance(record, dict) and "head_length" in record:
                capture = Capture.from_record(record, where=where)
                yield Source(where, capture.raw, tls=capture.tls, capture=capture)
                continue
            if not isinstance(record, dict):
                msg = f"not a capture record (a JSON {type(record).__name__}, not an object)"
                raise SourceError(msg, where=where)
            try:
                raw = base64.b64decode(record["raw"], validate=True)
            except (ValueError, KeyError, TypeError, binascii.Error) as exc:
                msg = f"not a capture record ({exc.__class__.__name__}: {exc})"
                raise SourceError(msg, where=where) from None
            tls = record.get("tls")
            yield Source(where, raw, tls=tls if isinstance(tls, bool) else None)
    except CaptureError as exc:
        raise SourceError(f"not a capture record: {exc.message}", where=exc.where) from None


def read_limited(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of ``path``, refused once more than ``limit`` have been read (so a FIFO or
    ``/dev/zero`` is refused too). Unbuffered reads, the first of 64 KiB: a small file costs
    two ``read`` calls and no large allocation (``read(limit + 1)`` would make one)."""
    parts: list[bytes] = []
    total = 0
    with open(path, "rb", buffering=0) as fh:  # noqa: PTH123 - the folder walk passes str
        block = 64 * 1024
        while total <= limit:
            chunk = fh.read(min(block, limit + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            block = 1024 * 1024
    if total > limit:
        msg = f"{what} larger than the limit of {limit} bytes"
        raise SourceError(msg, where=str(path))
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _har(path: Path) -> Iterator[Source]:
    data = read_limited(path, MAX_HAR_SIZE, "HAR file")
    try:
        document = json.loads(data.decode("utf-8"))
        entries = document["log"]["entries"]
    except UnicodeDecodeError as exc:
        msg = f"not a HAR file (not UTF-8 at byte {exc.start})"
        raise SourceError(msg, where=str(path)) from None
    except (ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
        msg = f"not a HAR file ({exc.__class__.__name__}: {exc})"
        raise SourceError(msg, where=str(path)) from None
    if not isinstance(entries, list):
        msg = f"not a HAR file ('log.entries' is a {type(entries).__name__}, not a list)"
        raise SourceError(msg, where=str(path))
    for i, entry in enumerate(entries):
        yield _har_request(entry, f"{path}#entries[{i}]")


_SUFFIXES = frozenset((".http", ".jsonl", ".har", ".jsonl.gz"))


def _suffix(name: str) -> str:
    """``Path(name).suffix``, lower-cased, without making a Path (``.jsonl.gz`` kept whole)."""
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
    if suffix == ".gz" and name[:dot].lower().endswith(".jsonl") and dot > len(".jsonl"):
        return ".jsonl.gz"
    return suffix


def _file(path: Path) -> Iterator[Source]:
    suffix = _suffix(path.name)
    if suffix in (".jsonl", ".jsonl.gz"):
        yield from _jsonl(path)
    elif suffix == ".har":
        yield from _har(path)
    else:
        yield Source(str(path), read_limited(path, MAX_REQUEST_FILE_SIZE, "request file"))


def _folder(top: str) -> Iterator[Source]:
    """The request files below ``top``, in the order of their sorted path components (as
    ``sorted(Path(top).rglob("*"))`` gives them). ``os.scandir`` knows from the directory entry
    whether a name is a file, so most files cost one open and one read."""
    found: list[tuple[tuple[str, ...], str]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(top, ())]
    while pending:
        folder, parts = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append((entry.path, (*parts, entry.name)))
                elif _suffix(entry.name) in _SUFFIXES and entry.is_file():
                    found.append(((*parts, entry.name), entry.path))
    found.sort()
    for _, name in found:
        if _suffix(name) == ".http":
            yield Source(name, read_limited(name, MAX_REQUEST_FILE_SIZE, "request file"))
        else:
            yield from _file(Path(name))


def iter_sources(args: Iterable[str]) -> Iterator[Source]:
    """Every request named by ``args``: files, folders (``*.http``, ``*.jsonl``,
    ``*.jsonl.gz``, ``*.har`` in them, sorted), and bare ``http(s)://`` URLs. Raises
    :class:`SourceError` for an input that cannot be read at all."""
    for arg in args:
        if arg.startswith(("https://", "http://")):
            yield Source(arg, request_from_url(arg), tls=arg.startswith("https://"))
            continue
        path = Path(arg)
        try:
            if path.is_dir():
                yield from _folder(str(path))
            else:
                yield from _file(path)
        except OSError as exc:
            msg = os.strerror(exc.errno) if exc.errno else str(exc)
            raise SourceError(msg, where=arg) from None
