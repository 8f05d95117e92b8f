"""The client configurations sesspec drives (``catalogue.toml``), and how to install them.

The catalogue is data: one ``[[client]]`` table of keyword fields per configuration, in report
order, each naming its ``kind`` (:mod:`sesspec.drivers.kinds`), read once per process by
:func:`all_drivers`. Python clients run as ``python -m sesspec.drivers._child py_<name>``;
Node clients as ``node --import ./_guard.mjs <name>.mjs`` beside their packages, which
``npm ci`` installs from ``sesspec/drivers/js/package-lock.json`` into the per-user cache
(:mod:`sesspec.drivers.node`). aiobotocore and the AWS CLI v1 pin their own botocore, so each
is installed into its own folder (``<sys.prefix>/sesspec-clients/<name>``) that only its child
puts first on ``PYTHONPATH``. Clients in other languages come from Debian's packages: scripts
(Ruby, Perl, PHP, the AWS CLI v2) run as ``<program> <script>``; Go and Haskell programs are
kept here as source and built into the per-user cache (:func:`build_cache`), never into the
repository or site-packages.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tomllib
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

from sesspec.drivers import node
from sesspec.drivers.kinds import (
    DRIVERS_DIR,
    PORT,
    TEMPORARY,
    CargoDriver,
    CommandDriver,
    CompiledDriver,
    DriverBase,
    GoModuleDriver,
    MavenDriver,
    NodeDriver,
    PythonDriver,
    Registry,
    build_cache,
    first_line,
    run_tool,
)

__all__ = [
    "CATALOGUE",
    "DRIVERS_DIR",
    "PORT",
    "TEMPORARY",
    "AnyDriver",
    "CatalogueError",
    "CommandDriver",
    "CompiledDriver",
    "DriverBase",
    "NodeDriver",
    "PythonDriver",
    "all_drivers",
    "build_cache",
    "catalogue_document",
    "get_driver",
    "install_clients",
    "load_catalogue",
]


def __dir__() -> list[str]:
    return __all__


AnyDriver = DriverBase

#: The catalogue shipped with the package.
CATALOGUE = DRIVERS_DIR / "catalogue.toml"

#: ``kind`` -> the class whose keyword fields an entry holds.
KINDS: Mapping[str, type[DriverBase]] = {
    "python": PythonDriver,
    "node": NodeDriver,
    "command": CommandDriver,
    "compiled": CompiledDriver,
    "gomod": GoModuleDriver,
    "maven": MavenDriver,
    "cargo": CargoDriver,
}

#: Entry keys that are not fields of the kind: they are merged into ``unsupported`` and
#: ``support`` from the catalogue's ``[sets.*]``, or name the kind.
_META = frozenset({"kind", "unsupported-sets", "support-sets"})


class CatalogueError(ValueError):
    """The catalogue does not describe drivers: which entry, and what is wrong with it."""


def _field_name(key: str) -> str:
    return key.replace("-", "_")


def _entry(raw: Mapping[str, Any], sets: Mapping[str, Any], where: str) -> DriverBase:
    kind = KINDS.get(str(raw.get("kind")))
    if kind is None:
        msg = f"{where}: kind must be one of {', '.join(KINDS)}, not {raw.get('kind')!r}"
        raise CatalogueError(msg)
    fields: dict[str, Any] = {}
    unsupported: dict[str, str] = {}
    support: list[str] = []
    for name in raw.get("unsupported-sets", ()):
        if name not in sets:
            msg = f"{where}: no [sets.{name}] in the catalogue"
            raise CatalogueError(msg)
        unsupported.update(sets[name])
    for name in raw.get("support-sets", ()):
        if name not in sets:
            msg = f"{where}: no [sets.{name}] in the catalogue"
            raise CatalogueError(msg)
        support.extend(sets[name]["support"])
    for key, value in raw.items():
        if key in _META:
            continue
        fields[_field_name(key)] = tuple(value) if isinstance(value, list) else value
    fields["unsupported"] = {**unsupported, **fields.get("unsupported", {})}
    if support:
        fields["support"] = (*support, *fields.get("support", ()))
    given = fields.get("given")
    if isinstance(given, str):
        fields["given"] = {"*": given}
    if fields.get("registry") not in get_args(Registry):
        msg = f"{where}: registry must be one of {', '.join(get_args(Registry))}"
        raise CatalogueError(msg)
    try:
        return kind(**fields)
    except TypeError as exc:  # an unknown or missing field of the kind
        msg = f"{where}: {exc}"
        raise CatalogueError(msg) from exc


def catalogue_document(path: Path = CATALOGUE) -> dict[str, Any]:
    """A catalogue file as TOML (:class:`CatalogueError` when it cannot be read as such)."""
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{path}: {exc}"
        raise CatalogueError(msg) from exc


def load_catalogue(path: Path = CATALOGUE) -> tuple[DriverBase, ...]:
    """The drivers of a catalogue file, in its order (:class:`CatalogueError` when an entry
    has an unknown kind, set, registry or field, or a name is repeated)."""
    document = catalogue_document(path)
    sets = document.get("sets", {})
    drivers: list[DriverBase] = []
    for index, raw in enumerate(document.get("client", []), 1):
        drivers.append(_entry(raw, sets, f"{path.name}: client {index} ({raw.get('name')!r})"))
    names = [d.name for d in drivers]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        msg = f"{path.name}: client names repeated: {', '.join(repeated)}"
        raise CatalogueError(msg)
    return tuple(drivers)


@functools.cache
def _catalogue() -> tuple[DriverBase, ...]:
    return load_catalogue()


def all_drivers() -> list[AnyDriver]:
    """Every client configuration, in report order (the catalogue's: Python first, then
    Node, then the others)."""
    return list(_catalogue())


def get_driver(name: str) -> AnyDriver:
    for driver in _catalogue():
        if driver.name == name:
            return driver
    msg = f"no driver named {name!r}"
    raise KeyError(msg)


def _pip(python: str, args: Sequence[str]) -> tuple[bool, str]:
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
    return run_tool(pip, fallback="pip failed")


def install_clients(
    python: str = sys.executable,
    *,
    npm: str | None = None,
    apt: str | None = None,
    only: Collection[str] | None = None,
) -> dict[str, str]:
    """Install every client (``only``: the clients of these names, and what they alone need:
    no ``npm ci`` without a Node client, no ``apt-get`` without a Debian one);
    ``{driver name: "installed" | "not available: <reason>"}``.

    Python clients go into ``python``'s environment (aiobotocore into its own folder, see the
    module docstring); Node clients come from ``js/package-lock.json`` with ``npm ci`` into the
    per-user cache when ``npm`` exists (``npm``: its path; found on ``PATH`` when None;
    :func:`sesspec.drivers.node.install`); the clients in other
    languages are Debian packages, installed with ``apt-get`` (``apt``: its path) when missing,
    and the Go and Haskell programs are then built into :func:`build_cache`. Nothing raises: a
    failure is reported against each client it affects.
    """
    status: dict[str, str] = {}
    drivers = [d for d in all_drivers() if only is None or d.name in only]
    for driver in drivers:
        if not isinstance(driver, PythonDriver):
            continue
        args = list(driver.requirements)
        if driver.path is not None:
            args = ["--target", str(driver.path), "--upgrade", *args]
        ok, reason = _pip(python, args)
        status[driver.name] = "installed" if ok else f"not available: {reason}"
    node_ok, node_reason = (
        node.install(npm) if any(isinstance(d, NodeDriver) for d in drivers) else (True, "")
    )
    for driver in drivers:
        if isinstance(driver, NodeDriver):
            if not node_ok:
                status[driver.name] = f"not available: {node_reason}"
                continue
            ok, reason = driver.available()
            status[driver.name] = "installed" if ok else f"not available: {reason}"
    debian = [d for d in drivers if isinstance(d, CommandDriver | CompiledDriver)]
    status.update(_install_debian(debian, apt))
    for driver in drivers:
        status.setdefault(driver.name, _install_other(driver))
    return status


def _install_other(driver: DriverBase) -> str:
    """A driver of a kind that installs itself when first available (a build)."""
    ok, reason = driver.available()
    return "installed" if ok else f"not available: {reason}"


def _install_debian(
    drivers: Sequence[CommandDriver | CompiledDriver], apt: str | None
) -> dict[str, str]:
    """``apt-get install`` the packages of the clients that are not there yet (Debian, root),
    then build the compiled ones (:meth:`CompiledDriver.available` builds); any other machine
    gets each client reported as not available, with the reason. Installed and built clients
    are left as they are, so a second run changes nothing."""
    missing = [d for d in drivers if not d.available()[0]]
    apt = apt or shutil.which("apt-get")
    problem = ""
    if missing and (apt is None or not Path(apt).is_file()):
        problem = "apt-get is not on PATH (the other-language clients come from Debian)"
    elif missing and hasattr(os, "geteuid") and os.geteuid() != 0:
        problem = "installing Debian packages needs root"
    elif missing and apt is not None:
        packages = sorted({p for d in missing for p in d.packages})
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for args in (["update"], ["install", "-y", "--no-install-recommends", *packages]):
            ok, problem = run_tool([apt, "-q", *args], fallback="apt-get failed", env=env)
            if not ok:
                break
        first_line.cache_clear()
    status: dict[str, str] = {}
    for driver in drivers:
        ok, reason = driver.available()
        status[driver.name] = "installed" if ok else f"not available: {problem or reason}"
    return status
