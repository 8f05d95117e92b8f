"""Where requests to check come from: ``.http`` files, folders, JSON Lines captures, HAR, URLs.

This is the outer ring (it reads files); :func:`sesspec.check.check` itself is pure. Each request
becomes a :class:`Source`: a name a person can find it by, the raw bytes, and what the bytes
cannot say (whether TLS was used). JSON Lines files are read line by line, so memory stays flat
however long the file is.
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

from sesspec.errors import SesSpecError

__all__ = ["Source", "SourceError", "iter_sources", "request_from_url"]


def __dir__() -> list[str]:
    return __all__


class SourceError(SesSpecError):
    """An input that holds no request sesspec can read (missing file, bad JSON line...)."""

    def __init__(self, message: str, *, where: str) -> None:
        super().__init__(message)
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Source:
    """One request to check. ``tls`` is None where the input does not tell."""

    name: str
    raw: bytes
    tls: bool | None = None


def request_from_url(url: str) -> bytes:
    """The GET request a client sends for ``url`` (a bare URL to check, as in the guide)."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise SourceError(f"not a URL ({exc})", where=url) from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode("utf-8", "surrogatepass")


def _har_request(entry: Any, where: str) -> Source:
    try:
        req = entry["request"]
        url = str(req["url"])
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"{req['method']} {target} HTTP/1.1"]
        names = set()
        for header in req.get("headers", []):
            name = str(header["name"])
            if name.startswith(":"):  # HTTP/2 pseudo-headers: :authority is the Host
                continue
            names.add(name.lower())
            lines.append(f"{name}: {header['value']}")
        if "host" not in names:
            lines.insert(1, f"Host: {parts.netloc}")
        text = (req.get("postData") or {}).get("text", "")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")
        return Source(where, head + str(text).encode("utf-8"), tls=parts.scheme == "https")
    except (KeyError, TypeError, AttributeError) as exc:
        msg = f"HAR entry without a usable request ({exc!r})"
        raise SourceError(msg, where=where) from None


def _jsonl(path: Path) -> Iterator[Source]:
    with path.open("r", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                raw = base64.b64decode(record["raw"], validate=True)
            except (ValueError, KeyError, TypeError, binascii.Error) as exc:
                msg = f"not a capture record ({exc.__class__.__name__}: {exc})"
                raise SourceError(msg, where=where) from None
            tls = record.get("tls")
            yield Source(where, raw, tls=tls if isinstance(tls, bool) else None)


def _har(path: Path) -> Iterator[Source]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    except (ValueError, KeyError, TypeError) as exc:
        msg = f"not a HAR file ({exc.__class__.__name__}: {exc})"
        raise SourceError(msg, where=str(path)) from None
    for i, entry in enumerate(entries):
        yield _har_request(entry, f"{path}#entries[{i}]")


_SUFFIXES = frozenset((".http", ".jsonl", ".har"))


def _suffix(name: str) -> str:
    """``Path(name).suffix``, lower-cased, without making a Path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _file(path: Path) -> Iterator[Source]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl(path)
    elif suffix == ".har":
        yield from _har(path)
    else:
        yield Source(str(path), path.read_bytes())


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
            with open(name, "rb") as fh:  # noqa: PTH123 - the fast path of _file
                yield Source(name, fh.read())
        else:
            yield from _file(Path(name))


def iter_sources(args: Iterable[str]) -> Iterator[Source]:
    """Every request named by ``args``: files, folders (``*.http``, ``*.jsonl``, ``*.har`` in
    them, sorted), and bare ``http(s)://`` URLs. Raises :class:`SourceError` for an input that
    cannot be read at all."""
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
