"""A client's releases and their dates, as its registry lists them.

- PyPI: the JSON API (``{index}/<name>/json``; ``$SESSPEC_PYPI_JSON`` or
  ``https://pypi.org/pypi``), each release's date the first upload of its files; a release
  whose files are all yanked is left out.
- npm: ``npm view <name> versions time --json`` (the npm client, so its registry and proxy
  settings apply), each version's date its publication time.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = [
    "INDEX_TIMEOUT",
    "MAX_INDEX_BYTES",
    "RegistryError",
    "Release",
    "dates_in_order",
    "in_span",
    "npm_releases",
    "pypi_releases",
    "select",
    "version_key",
]


def __dir__() -> list[str]:
    return __all__


#: Seconds a registry's index may take to answer (then :class:`RegistryError`, ``unreachable``).
INDEX_TIMEOUT = 60.0

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
