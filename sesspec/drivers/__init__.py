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

from typing import TYPE_CHECKING

from sesspec._extras import lazy_attributes

if TYPE_CHECKING:
    from sesspec.drivers.base import FAKE_CREDENTIALS, REAL_HOST, Driver, Outcome, Status, Target
    from sesspec.drivers.registry import (
        NodeDriver,
        PythonDriver,
        all_drivers,
        get_driver,
        install_clients,
    )
    from sesspec.drivers.runner import default_workers, run_clients, run_matrix, target_of
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
    "default_workers",
    "get_driver",
    "install_clients",
    "load_scenarios",
    "run_clients",
    "run_matrix",
    "target_of",
]

_HOME = {
    "FAKE_CREDENTIALS": "sesspec.drivers.base",
    "REAL_HOST": "sesspec.drivers.base",
    "Driver": "sesspec.drivers.base",
    "Outcome": "sesspec.drivers.base",
    "Status": "sesspec.drivers.base",
    "Target": "sesspec.drivers.base",
    "NodeDriver": "sesspec.drivers.registry",
    "PythonDriver": "sesspec.drivers.registry",
    "all_drivers": "sesspec.drivers.registry",
    "get_driver": "sesspec.drivers.registry",
    "install_clients": "sesspec.drivers.registry",
    "default_workers": "sesspec.drivers.runner",
    "run_clients": "sesspec.drivers.runner",
    "run_matrix": "sesspec.drivers.runner",
    "target_of": "sesspec.drivers.runner",
    "Scenario": "sesspec.drivers.scenarios",
    "load_scenarios": "sesspec.drivers.scenarios",
}


__getattr__ = lazy_attributes(globals(), _HOME)


def __dir__() -> list[str]:
    return __all__
