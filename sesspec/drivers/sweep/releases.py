"""A client's releases and their dates, as its registry lists them.

- PyPI: the JSON API (``{index}/<name>/json``; ``$SESSPEC_PYPI_JSON`` or
  ``https://pypi.org/pypi``), each release's date the first upload of its files; a release
  whose files are all yanked is left out.
- npm: ``npm view <name> versions time --json`` (the npm client, so its registry and proxy
  settings apply), each version's date its publication time.
- Go module proxy: ``go list -m -versions -json <module>`` (the go command, so ``GOPROXY``
  applies), then ``go list -m -json <module>@<version>...`` for each version's ``Time`` (the
  proxy's ``.info``: when the proxy first saw the version's tag). A proxy may list only some
  of a module's versions; the sweep sweeps those it lists.
- Maven Central: the artifact's ``maven-metadata.xml`` (``$SESSPEC_MAVEN_REPO`` or
  ``https://repo.maven.apache.org/maven2``; a ``file://`` folder works too). It has no dates,
  and the repository reached here sends no ``Last-Modified``: a release's date is read from
  its jar once built (:func:`jar_date`: the newest entry's time, when the release was
  packaged).
- crates.io: the crate's file in the sparse index (``$SESSPEC_CRATES_INDEX`` or
  ``https://index.crates.io``), one JSON line per version; its date the ``pubtime`` there; a
  yanked version is left out.

Each read is bounded in time (:data:`INDEX_TIMEOUT`) and size (:data:`MAX_INDEX_BYTES`);
what goes wrong is a :class:`RegistryError` whose ``kind`` says what. Versions are ordered by
:func:`version_key` (numeric parts, a pre-release before its release); pre-releases are
left out unless asked for, and :func:`select` cuts a range.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "INDEX_TIMEOUT",
    "MAX_INDEX_BYTES",
    "RegistryError",
    "Release",
    "crates_releases",
    "dates_in_order",
    "goproxy_releases",
    "in_span",
    "jar_date",
    "maven_releases",
    "npm_releases",
    "pypi_releases",
    "select",
    "version_key",
]


def __dir__() -> list[str]:
    return __all__


#: Seconds a registry's index may take to answer (then :class:`RegistryError`, ``unreachable``).
INDEX_TIMEOUT = 60.0

#: Seconds ``go list`` may take for the dates of every listed version of a module.
DATES_TIMEOUT = 600.0

#: Bytes of one index read at most (botocore's PyPI JSON is about 4 MB; aws-sdk's npm times
#: about 100 KB): past it, :class:`RegistryError` ``too-large``, before parsing.
MAX_INDEX_BYTES = 64 * 1024 * 1024

ProblemKind = Literal["unreachable", "unknown", "malformed", "too-large", "no-client", "range"]


class RegistryError(Exception):
    """A registry could not say which releases a package has: ``kind`` says why (it cannot be
    reached, the package is unknown there, its answer is not what was expected, too large, the
    registry's client is missing, or the asked range selects nothing)."""

    def __init__(self, registry: str, package: str, kind: ProblemKind, message: str) -> None:
        super().__init__(f"{registry} {package}: {message}")
        self.registry = registry
        self.package = package
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Release:
    """One release: its version as the registry writes it, and when it was published."""

    version: str
    date: datetime | None

    @property
    def day(self) -> str:
        return self.date.date().isoformat() if self.date is not None else "?"


_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)(.*)\Z")
_PRE = re.compile(r"[-.]?(a|b|c|rc|alpha|beta|pre|preview|dev|canary|next|nightly)", re.IGNORECASE)


def version_key(version: str) -> tuple[tuple[int, ...], int, str]:
    """A sort key: the numeric parts (trailing zeros dropped, so 1.0 == 1.0.0), then a
    pre-release (``1.0rc1``, ``1.0.0-beta.2``, ``1.0.dev3``) before the release and a
    post-release (``1.0.post1``) after it, then the rest as text. A version that does not
    start with a number sorts first."""
    found = _VERSION.match(version)
    if found is None:
        return ((), 0, version)
    numbers = [int(p) for p in found.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    rest = found.group(2)
    rank = 1 if not rest else (0 if _PRE.match(rest) else 2)
    return (tuple(numbers), rank, rest)


def is_prerelease(version: str) -> bool:
    return version_key(version)[1] == 0


def _read_url(url: str, *, registry: str, package: str) -> bytes:
    if url.startswith("file://"):
        return _read_file(url, registry=registry, package=package)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (https index URL)
    try:
        with urllib.request.urlopen(request, timeout=INDEX_TIMEOUT) as response:  # noqa: S310
            data: bytes = response.read(MAX_INDEX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 404:
            raise RegistryError(registry, package, "unknown", f"no such package ({url})") from exc
        kind: ProblemKind = "unreachable"
        raise RegistryError(registry, package, kind, f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        message = f"cannot reach {url}: {reason}"
        raise RegistryError(registry, package, "unreachable", message) from exc
    if len(data) > MAX_INDEX_BYTES:
        message = f"index larger than {MAX_INDEX_BYTES} bytes ({url})"
        raise RegistryError(registry, package, "too-large", message)
    return data


def _read_file(url: str, *, registry: str, package: str) -> bytes:
    """A ``file://`` index (a local mirror, or a test's folder), bounded like a URL's."""
    path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_INDEX_BYTES + 1)
    except FileNotFoundError as exc:
        raise RegistryError(registry, package, "unknown", f"no such package ({url})") from exc
    except OSError as exc:
        message = f"cannot read {url}: {exc.strerror}"
        raise RegistryError(registry, package, "unreachable", message) from exc
    if len(data) > MAX_INDEX_BYTES:
        message = f"index larger than {MAX_INDEX_BYTES} bytes ({url})"
        raise RegistryError(registry, package, "too-large", message)
    return data


def _json(data: bytes | str, *, registry: str, package: str) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise RegistryError(registry, package, "malformed", f"index is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise RegistryError(registry, package, "malformed", "index is not a JSON object")
    return document


def _date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _ordered(releases: list[Release], *, pre: bool) -> list[Release]:
    kept = [r for r in releases if pre or not is_prerelease(r.version)]
    return sorted(kept, key=lambda r: version_key(r.version))


def pypi_releases(package: str, *, pre: bool = False, index: str | None = None) -> list[Release]:
    """The releases of a PyPI package, oldest version first (module docstring)."""
    base = (index or os.environ.get("SESSPEC_PYPI_JSON") or "https://pypi.org/pypi").rstrip("/")
    url = f"{base}/{urllib.parse.quote(package, safe='')}/json"
    document = _json(
        _read_url(url, registry="pypi", package=package), registry="pypi", package=package
    )
    found = document.get("releases")
    if not isinstance(found, dict):
        raise RegistryError("pypi", package, "malformed", "index has no 'releases' object")
    out: list[Release] = []
    for version, files in found.items():
        if not isinstance(files, list) or not files:
            continue
        live = [f for f in files if isinstance(f, dict) and not f.get("yanked")]
        dates = [d for f in live if (d := _date(f.get("upload_time_iso_8601")))]
        if live:
            out.append(Release(str(version), min(dates) if dates else None))
    return _ordered(out, pre=pre)


def npm_releases(package: str, *, pre: bool = False, npm: str | None = None) -> list[Release]:
    """The versions of an npm package, oldest first, by ``npm view`` (module docstring)."""
    program = npm or shutil.which("npm")
    if program is None:
        raise RegistryError("npm", package, "no-client", "npm is not on PATH")
    try:
        done = subprocess.run(
            [program, "view", package, "versions", "time", "--json"],
            capture_output=True,
            timeout=INDEX_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        message = f"npm view gave no answer within {INDEX_TIMEOUT:g} s"
        raise RegistryError("npm", package, "unreachable", message) from exc
    except OSError as exc:
        raise RegistryError("npm", package, "no-client", f"cannot run npm: {exc}") from exc
    if len(done.stdout) > MAX_INDEX_BYTES:
        message = f"npm view printed more than {MAX_INDEX_BYTES} bytes"
        raise RegistryError("npm", package, "too-large", message)
    if done.returncode != 0:
        error = _json(done.stdout or b"{}", registry="npm", package=package).get("error")
        code = error.get("code") if isinstance(error, dict) else None
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"npm view exited {done.returncode}"
        kind: ProblemKind = "unknown" if code == "E404" else "unreachable"
        raise RegistryError("npm", package, kind, detail)
    document = _json(done.stdout, registry="npm", package=package)
    versions, times = document.get("versions"), document.get("time")
    if isinstance(versions, str):  # a package with one version
        versions = [versions]
    if not isinstance(versions, list) or not isinstance(times, dict):
        raise RegistryError("npm", package, "malformed", "no 'versions' list and 'time' object")
    return _ordered([Release(str(v), _date(times.get(v))) for v in versions], pre=pre)


def _run_go(
    go: str,
    arguments: Sequence[str],
    *,
    package: str,
    env: dict[str, str] | None,
    timeout: float = INDEX_TIMEOUT,
) -> bytes:
    try:
        done = subprocess.run(
            [go, *arguments],
            capture_output=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", **(env or {})},
            cwd=Path(os.devnull).parent,
        )
    except subprocess.TimeoutExpired as exc:
        message = f"go list gave no answer within {timeout:g} s"
        raise RegistryError("goproxy", package, "unreachable", message) from exc
    except OSError as exc:
        raise RegistryError("goproxy", package, "no-client", f"cannot run go: {exc}") from exc
    if len(done.stdout) > MAX_INDEX_BYTES:
        message = f"go list printed more than {MAX_INDEX_BYTES} bytes"
        raise RegistryError("goproxy", package, "too-large", message)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"go list exited {done.returncode}"
        unknown = "404" in detail or "410" in detail or "no matching versions" in detail
        raise RegistryError("goproxy", package, "unknown" if unknown else "unreachable", detail)
    return done.stdout


def _json_stream(data: bytes, *, registry: str, package: str) -> list[dict[str, Any]]:
    """Concatenated JSON objects (``go list -json``), or one per line (a sparse index)."""
    text = data.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    out: list[dict[str, Any]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return out
        try:
            document, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as exc:
            message = f"answer is not JSON at character {position}: {exc}"
            raise RegistryError(registry, package, "malformed", message) from exc
        if not isinstance(document, dict):
            raise RegistryError(registry, package, "malformed", "an entry is not a JSON object")
        out.append(document)


def goproxy_releases(
    module: str, *, pre: bool = False, go: str | None = None, env: dict[str, str] | None = None
) -> list[Release]:
    """The versions of a Go module that the module proxy lists, oldest first, each with the
    proxy's time for it (module docstring); ``env``: more variables for go (a test's
    ``GOPROXY``)."""
    program = go or shutil.which("go")
    if program is None:
        raise RegistryError("goproxy", module, "no-client", "go is not on PATH")
    listed = _json_stream(
        _run_go(program, ["list", "-m", "-versions", "-json", module], package=module, env=env),
        registry="goproxy",
        package=module,
    )
    versions = listed[0].get("Versions") if listed else None
    if versions is None:
        versions = []
    if not isinstance(versions, list):
        raise RegistryError("goproxy", module, "malformed", "'Versions' is not a list")
    kept = [str(v) for v in versions if pre or not is_prerelease(str(v).lstrip("v"))]
    times: dict[str, datetime | None] = {}
    if kept:
        queries = [f"{module}@{v}" for v in kept]
        # One .info a version (seconds each from a cold module cache): a longer bound.
        answer = _run_go(
            program,
            ["list", "-m", "-json", *queries],
            package=module,
            env=env,
            timeout=DATES_TIMEOUT,
        )
        for entry in _json_stream(answer, registry="goproxy", package=module):
            times[str(entry.get("Version"))] = _date(entry.get("Time"))
    return _ordered([Release(v, times.get(v)) for v in kept], pre=pre)


def maven_releases(
    coordinate: str, *, pre: bool = False, repository: str | None = None
) -> list[Release]:
    """The versions ``maven-metadata.xml`` lists for ``group:artifact``, oldest first, without
    dates (module docstring)."""
    group, _, artifact = coordinate.partition(":")
    if not group or not artifact or ":" in artifact:
        message = f"not a Maven group:artifact: {coordinate!r}"
        raise RegistryError("maven", coordinate, "unknown", message)
    base = (
        repository or os.environ.get("SESSPEC_MAVEN_REPO") or "https://repo.maven.apache.org/maven2"
    ).rstrip("/")
    url = f"{base}/{group.replace('.', '/')}/{artifact}/maven-metadata.xml"
    data = _read_url(url, registry="maven", package=coordinate)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RegistryError("maven", coordinate, "malformed", "metadata declares entities")
    try:
        root = ET.fromstring(data)  # noqa: S314 (no DTD or entity: refused above)
    except ET.ParseError as exc:
        message = f"metadata is not XML: {exc}"
        raise RegistryError("maven", coordinate, "malformed", message) from exc
    versions = [v.text.strip() for v in root.iterfind("./versioning/versions/version") if v.text]
    return _ordered([Release(v, None) for v in versions], pre=pre)


def _index_path(crate: str) -> str:
    """Where the sparse index keeps a crate (lowercased: ``1/a``, ``2/ab``, ``3/a/abc``,
    ``ab/cd/abcd...``), as cargo's registry documentation says."""
    name = crate.lower()
    if len(name) <= 2:
        return f"{len(name)}/{name}"
    if len(name) == 3:
        return f"3/{name[0]}/{name}"
    return f"{name[:2]}/{name[2:4]}/{name}"


_CRATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")


def crates_releases(crate: str, *, pre: bool = False, index: str | None = None) -> list[Release]:
    """The versions of a crate in the sparse index, oldest first, each with its ``pubtime``;
    yanked versions left out (module docstring)."""
    if not _CRATE_NAME.match(crate):
        raise RegistryError("crates", crate, "unknown", f"not a crate name: {crate!r}")
    base = (index or os.environ.get("SESSPEC_CRATES_INDEX") or "https://index.crates.io").rstrip(
        "/"
    )
    url = f"{base}/{_index_path(crate)}"
    entries = _json_stream(
        _read_url(url, registry="crates", package=crate), registry="crates", package=crate
    )
    out = [
        Release(str(e["vers"]), _date(e.get("pubtime")))
        for e in entries
        if "vers" in e and not e.get("yanked")
    ]
    return _ordered(out, pre=pre)


def jar_date(jar: Path) -> datetime | None:
    """When a jar was packaged: the newest time among its entries (zip entries carry local
    time without a zone; read as UTC), None when it cannot be read."""
    try:
        with zipfile.ZipFile(jar) as archive:
            times = [info.date_time for info in archive.infolist()]
    except (OSError, zipfile.BadZipFile):
        return None
    if not times:
        return None
    try:
        return datetime(*max(times), tzinfo=UTC)
    except ValueError:
        return None


#: Share of neighbouring releases (in version order) whose dates may go backwards before the
#: dates are judged not to be the releases' own (backports make a few; a mirror's ingest
#: times, in no order, make about half).
MAX_BACKWARDS = 0.25


def dates_in_order(releases: Sequence[Release]) -> bool:
    """Whether the releases' dates can be their publication dates: across neighbouring
    releases in version order, at most :data:`MAX_BACKWARDS` of the steps go back in time."""
    dated = [r.date for r in releases if r.date is not None]
    steps = list(itertools.pairwise(dated))
    if not steps:
        return True
    backwards = sum(1 for a, b in steps if b < a)
    return backwards <= MAX_BACKWARDS * len(steps)


def in_span(version: str, spec: str) -> bool:
    """Whether ``version`` lies in ``spec``: ``A..B`` (both included; either may be left out),
    one version, or "" (every version), in :func:`version_key`'s order. A Debian version is
    compared by its upstream part (``1:3.15.0-1`` as ``3.15.0``)."""
    if not spec:
        return True
    key = version_key(version.split(":", 1)[-1].rsplit("-", 1)[0])
    low, dots, high = spec.partition("..")
    if not dots:
        high = low
    return (not low or key >= version_key(low)) and (not high or key <= version_key(high))


def select(
    releases: Sequence[Release], spec: str | None, *, package: str, registry: str
) -> list[Release]:
    """The releases in ``spec``: ``A..B`` (from A to B, both included; either may be left
    out), a single version, or None (all). A bound need not be a release (``1.20..1.30``
    selects by order); a range that selects nothing is a :class:`RegistryError` (``range``)."""
    if spec is None or spec in ("", "all"):
        chosen = list(releases)
    else:
        chosen = [r for r in releases if in_span(r.version, spec)]
    if not chosen:
        message = f"no release in {spec!r} (of {len(releases)})"
        raise RegistryError(registry, package, "range", message)
    return chosen
