"""What each row of the report tested: the client's packages and versions, the registry they
came from, that release's date, and, for a Debian build, the newest upstream release when
Debian's is older.

Dates come from where they can be had here: PyPI's JSON (the first upload of the release),
the Go module proxy (``go list -m -json``), a Debian package's changelog (the date of the
build installed). The npm registry reached here gives times that are not the releases' own
(a mirror's: :func:`sesspec.drivers.sweep.releases.dates_in_order`), and Maven Central and
crates.io give none to their clients, so those rows say the date is not known. Every lookup is
bounded in time (:data:`LOOKUP_TIMEOUT`), done at most once per release (kept in
``${XDG_CACHE_HOME:-~/.cache}/sesspec/facts.json``) and never fails the report: what cannot be
had is None.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sesspec.drivers.kinds import (
    CargoDriver,
    CommandDriver,
    CompiledDriver,
    DriverBase,
    GoModuleDriver,
    MavenDriver,
    NodeDriver,
    PythonDriver,
    build_cache,
)

__all__ = ["LOOKUP_TIMEOUT", "RowFacts", "row_facts"]


def __dir__() -> list[str]:
    return __all__


#: Seconds one registry lookup may take.
LOOKUP_TIMEOUT = 20.0

#: Bytes of a Debian changelog read at most (its first entry is at the top).
_CHANGELOG_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class RowFacts:
    """One row's facts: ``registry``; ``package`` and ``version`` (the client itself, as its
    registry names it); the ``date`` of that release (ISO day, None when not known here) and
    what it is (``released``, ``built``: a Debian package's build); ``upstream``: the newest
    upstream release when this is an older Debian build (else None), ``upstream_note`` when
    the upstream registry cannot be read from here."""

    registry: str
    package: str
    version: str
    date: str | None = None
    date_kind: str = "released"
    upstream: str | None = None
    upstream_note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "package": self.package,
            "version": self.version,
            "date": self.date,
            "date_kind": self.date_kind,
            "upstream": self.upstream,
            "upstream_note": self.upstream_note,
        }


def _cache_path() -> Path:
    return build_cache().parent / "facts.json"


class _Cache:
    def __init__(self) -> None:
        self.path = _cache_path()
        try:
            loaded = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            loaded = {}
        self.data: dict[str, Any] = loaded if isinstance(loaded, dict) else {}

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def _pypi_date(package: str, version: str) -> str | None:
    from sesspec.drivers.sweep.releases import RegistryError, pypi_releases  # noqa: PLC0415

    try:
        found = pypi_releases(package, pre=True)
    except RegistryError:
        return None
    return next((r.day for r in found if r.version == version and r.date), None)


def _go(*args: str) -> dict[str, Any] | None:
    go = shutil.which("go")
    if go is None:
        return None
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    env["GOMODCACHE"] = str(build_cache() / "gomod")
    try:
        done = subprocess.run(
            [go, "list", "-m", "-json", *args],
            capture_output=True,
            text=True,
            timeout=LOOKUP_TIMEOUT,
            check=False,
            env=env,
            cwd=build_cache().parent if build_cache().parent.is_dir() else None,
        )
        document = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _go_date(module: str, version: str) -> str | None:
    found = _go(f"{module}@{version}")
    time = found.get("Time") if found else None
    return str(time)[:10] if isinstance(time, str) else None


def _go_newest(module: str) -> str | None:
    found = _go("-versions", module)
    versions = found.get("Versions") if found else None
    return str(versions[-1]) if isinstance(versions, list) and versions else None


def _debian_built(package: str) -> str | None:
    """The date of the installed build of a Debian package: its changelog's first entry."""
    for name in (package, *_source_names(package)):
        path = Path("/usr/share/doc") / name / "changelog.Debian.gz"
        try:
            with gzip.open(path, "rb") as stream:
                head = stream.read(_CHANGELOG_BYTES).decode("utf-8", "replace")
        except (OSError, EOFError):
            continue
        found = re.search(r"^ -- .*?>  (.+)$", head, re.MULTILINE)
        if found:
            try:
                return parsedate_to_datetime(found.group(1).strip()).date().isoformat()
            except (TypeError, ValueError):
                return None
    return None


def _source_names(package: str) -> tuple[str, ...]:
    # A -dev package's documentation may sit under its library's name.
    return (package.removesuffix("-dev"),) if package.endswith("-dev") else ()


#: A Debian build's upstream, for the rows that have one (registry, package).
_UPSTREAM: Mapping[str, tuple[str, str]] = {
    "golang-github-aws-aws-sdk-go-dev": ("goproxy", "github.com/aws/aws-sdk-go"),
    "golang-github-aws-aws-sdk-go-v2-dev": ("goproxy", "github.com/aws/aws-sdk-go-v2"),
    "ruby-fog-aws": ("rubygems", "fog-aws"),
    "ruby-aws-sdk": ("rubygems", "aws-sdk-v1"),
    "ruby-aws-sdk-core": ("rubygems", "aws-sdk-core"),
    "libaws-signature4-perl": ("cpan", "AWS-Signature4"),
    "libnet-amazon-signature-v4-perl": ("cpan", "Net-Amazon-Signature-V4"),
    "libghc-mime-mail-ses-dev": ("hackage", "mime-mail-ses"),
    "libghc-aws-dev": ("hackage", "aws"),
    "php-symfony-amazon-mailer": ("packagist", "symfony/amazon-mailer"),
}


def _debian_version_text(version: str) -> str:
    """The upstream part of a Debian version (``1:1.17.1-1+b2`` -> ``1.17.1``)."""
    return version.split(":", 1)[-1].rsplit("-", 1)[0].split("+", 1)[0]


def row_facts(driver: DriverBase, *, cache: _Cache | None = None) -> RowFacts | None:
    """The facts of one available driver's row (module docstring); None for a driver of no
    kind known here."""
    store = cache or _Cache()
    versions = driver.versions()
    if not versions:
        return None
    package, version = next(iter(versions.items()))
    key = f"{driver.registry} {package} {version}"
    cached = store.get(key)
    if isinstance(cached, dict):
        return RowFacts(**cached)
    facts = _lookup(driver, package, version)
    store.put(key, facts.as_dict())
    return facts


def _lookup(driver: DriverBase, package: str, version: str) -> RowFacts:
    if isinstance(driver, PythonDriver):
        return RowFacts("pypi", package, version, _pypi_date(package, version))
    if isinstance(driver, NodeDriver):
        return RowFacts("npm", package, version, None, "released")
    if isinstance(driver, GoModuleDriver):
        return RowFacts("goproxy", package, version, _go_date(package, version))
    if isinstance(driver, MavenDriver | CargoDriver):
        return RowFacts(driver.registry, package, version)
    if isinstance(driver, CommandDriver | CompiledDriver):
        upstream, note = None, ""
        where = _UPSTREAM.get(package)
        if where is not None and where[0] == "goproxy":
            newest = _go_newest(where[1])
            if newest is not None and newest.lstrip("v") != _debian_version_text(version):
                upstream = f"{where[1]} {newest}"
        elif where is not None:
            note = f"{where[0]} ({where[1]}) cannot be reached from here"
        return RowFacts("debian", package, version, _debian_built(package), "built", upstream, note)
    return RowFacts(driver.registry, package, version)
