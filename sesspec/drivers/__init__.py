"""Real third-party SES clients driven against the loopback endpoint (outer ring).

Each client configuration is a :class:`~sesspec.drivers.base.Driver`; each run is a
subprocess with a time limit (see :mod:`sesspec.drivers.base`). The scenarios are in
``scenarios.json`` (:func:`load_scenarios`).
"""

from __future__ import annotations

from sesspec.drivers.base import FAKE_CREDENTIALS, REAL_HOST, Driver, Outcome, Status, Target
from sesspec.drivers.cli import main
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
    "main",
    "run_matrix",
    "target_of",
]


def __dir__() -> list[str]:
    return __all__
