"""Real third-party SES clients driven against the loopback endpoint (outer ring).

Each client configuration is a :class:`~sesspec.drivers.base.Driver`; each run is a
subprocess with a time limit (see :mod:`sesspec.drivers.base`). The scenarios are in
``scenarios.json`` (:func:`load_scenarios`); ``sesspec drivers`` (:mod:`sesspec.cli.drivers`)
runs them from the command line.

The names below are imported when first used: a driver child (``python -m
sesspec.drivers._child``, one per client and scenario) imports this package too, and needs
none of the registry, the runner or the endpoint they bring in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sesspec.drivers.base import FAKE_CREDENTIALS, REAL_HOST, Driver, Outcome, Status, Target
    from sesspec.drivers.registry import (
        NodeDriver,
        PythonDriver,
        all_drivers,
        get_driver,
        install_clients,
    )
    from sesspec.drivers.runner import run_matrix, target_of
    from sesspec.drivers.scenarios import Scenario, load_scenarios

__all__ = [
    "FAKE_CREDENTIALS",
    "REAL_HOST",
    "Driver",
    "NodeDriver",
    "Outcome",
    "PythonDriver",
    "Scenario",
    "Status",
    "Target",
    "all_drivers",
    "get_driver",
    "install_clients",
    "load_scenarios",
    "run_matrix",
    "target_of",
]

_HOME = {
    "FAKE_CREDENTIALS": "base",
    "REAL_HOST": "base",
    "Driver": "base",
    "Outcome": "base",
    "Status": "base",
    "Target": "base",
    "NodeDriver": "registry",
    "PythonDriver": "registry",
    "all_drivers": "registry",
    "get_driver": "registry",
    "install_clients": "registry",
    "run_matrix": "runner",
    "target_of": "runner",
    "Scenario": "scenarios",
    "load_scenarios": "scenarios",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
