"""Entry point of a Python driver child: ``python -m sesspec.drivers._child MODULE``.

Reads one job (JSON) on stdin, installs the loopback guard, runs
``sesspec.drivers.MODULE.run(job)`` and prints ``SESSPEC-RESULT {json}``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from typing import Any

from sesspec.drivers import _guard
from sesspec.drivers._pyjob import NotSupportedError

RESULT_MARKER = "SESSPEC-RESULT "


def _main(argv: list[str]) -> int:
    module = argv[0]
    job = json.load(sys.stdin)
    _guard.install(int(os.environ["SESSPEC_LOOPBACK_PORT"]))
    result: dict[str, Any]
    try:
        driver = importlib.import_module(f"sesspec.drivers.{module}")
        result = driver.run(job)
    except NotSupportedError as exc:
        result = {"status": "not-supported", "detail": str(exc)}
    except ImportError as exc:
        result = {"status": "not-available", "detail": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # the client's failure is the result we report
        traceback.print_exc()
        result = {"status": "client-error", "detail": f"{type(exc).__name__}: {exc}"[:4000]}
    sys.stdout.write(RESULT_MARKER + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
