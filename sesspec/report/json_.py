"""``report.json``: the report as data (format ``sesspec-report/1``), also the next run's baseline.

Named ``json_`` so that it does not shadow the standard library's :mod:`json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sesspec.report.model import Report

__all__ = ["read_report_json", "render_json"]


def __dir__() -> list[str]:
    return __all__


def render_json(report: Report) -> str:
    """The report as indented UTF-8 JSON (non-ASCII kept as is), ending with a newline."""
    return json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n"


def read_report_json(path: Path) -> dict[str, Any]:
    """A ``report.json`` read back (raises ``ValueError`` when it is not a report object)."""
    document = json.loads(path.read_text("utf-8"))
    if not isinstance(document, dict) or "cases" not in document:
        msg = f"{path} is not a sesspec report.json"
        raise ValueError(msg)
    return document
