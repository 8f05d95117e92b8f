"""The report's files: a run's four renderings in a folder, its summary in ``history/``, the
run ids that name them.

``<out>/latest/`` holds the last run whole (``index.html``, ``report.md``, ``report.json``,
``junit.xml`` and the raw captures); ``<out>/history/<run-id>.json`` holds one summary per run
(:func:`sesspec.report.diff.summarize`), which is all the next run's diff reads, so that
earlier runs cost a few kilobytes each instead of their captures.

No sockets and no subprocesses here: :mod:`sesspec.report.run` (the harness) runs the clients
and calls these. :func:`write_report` renders HTML and JUnit XML, which need the ``report``
extra (lxml); everything else needs the standard library only.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sesspec.errors import SesSpecError
from sesspec.report.diff import SUMMARY_FORMAT, summarize
from sesspec.report.json_ import render_json
from sesspec.report.markdown import render_markdown
from sesspec.report.model import Report

__all__ = [
    "HISTORY_DIR",
    "REPORT_FILES",
    "RunIdError",
    "check_run_id",
    "new_run_id",
    "previous_run",
    "read_summary",
    "spec_link",
    "write_report",
    "write_summary",
]


def __dir__() -> list[str]:
    return __all__


#: Files of a run folder, in the order a reader wants them.
REPORT_FILES = ("index.html", "report.md", "report.json", "junit.xml")

#: The folder inside ``--out`` that keeps one summary per run.
HISTORY_DIR = "history"

#: A run id is a plain folder name: a letter or digit, then letters, digits, '.', '_', '-'.
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")

#: Largest summary read back: a summary of 10,000 cells is about 1.5 MB.
MAX_SUMMARY_BYTES = 16 * 1024 * 1024


class RunIdError(SesSpecError, ValueError):
    """A run id that is not a plain folder name (it would write outside ``--out``)."""

    def __init__(self, run_id: str) -> None:
        super().__init__(
            f"run id {run_id[:60]!r} is not a plain folder name "
            "(a letter or digit, then up to 99 letters, digits, '.', '_' or '-')"
        )
        self.run_id = run_id


def check_run_id(run_id: str) -> str:
    """``run_id`` if it names a file directly inside ``--out/history`` (no ``/``, ``..``,
    drive or absolute path, nothing hidden); :class:`RunIdError` if not."""
    if not _RUN_ID.match(run_id):
        raise RunIdError(run_id)
    return run_id


def new_run_id(when: datetime) -> str:
    """A sortable run id from the start time: ``20261126T071552Z``."""
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


#: ``docs/spec.md`` of the checkout this package runs from (an installed wheel has none).
SPEC_FILE = Path(__file__).resolve().parent.parent.parent / "docs" / "spec.md"


def spec_link(folder: Path, *, spec_file: Path = SPEC_FILE) -> str | None:
    """Where ``docs/spec.md`` is, as the pages of a report written in ``folder`` link to it
    (its citations, ``docs/spec.md#<anchor>``, become links to ``<link>#<anchor>``).

    A report inside the checkout that holds the spec (the committed ``reports/latest``) links
    to it by a relative path (``../../docs/spec.md``), which holds wherever the repository is
    cloned or browsed; a report elsewhere links to the checkout's file by its ``file://`` URL;
    when this package runs from no checkout (an installed wheel) the spec is not on the
    machine and the citations stay text (None).
    """
    if not spec_file.is_file():
        return None
    root = spec_file.parent.parent
    where = folder.resolve()
    if where.is_relative_to(root):
        return Path(os.path.relpath(spec_file, where)).as_posix()
    return spec_file.as_uri()


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write the four report files of ``report`` into ``folder``; returns their paths. The
    HTML page and the Markdown link their citations to the spec where :func:`spec_link` says.

    Needs the ``report`` extra (lxml) for the HTML page and the JUnit XML.
    """
    # The renderers that need lxml, imported when a report is written (this module's other
    # functions work without the extra).
    from sesspec.report.html import render_html  # noqa: PLC0415
    from sesspec.report.junit import render_junit  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    spec = spec_link(folder)
    written = {
        "index.html": render_html(report, spec=spec).encode("utf-8"),
        "report.md": render_markdown(report, spec=spec).encode("utf-8"),
        "report.json": render_json(report).encode("utf-8"),
        "junit.xml": render_junit(report),
    }
    paths: list[Path] = []
    for name in REPORT_FILES:
        path = folder / name
        path.write_bytes(written[name])
        paths.append(path)
    return paths


def write_summary(report: Report, out: Path) -> Path:
    """Write ``report``'s summary to ``out/history/<run-id>.json``; returns its path."""
    folder = out / HISTORY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{check_run_id(report.run_id)}.json"
    text = json.dumps(summarize(report), indent=1, ensure_ascii=False) + "\n"
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def read_summary(path: Path) -> dict[str, Any]:
    """A summary (``history/<run-id>.json``) read back; ``ValueError`` when it is not one."""
    if path.stat().st_size > MAX_SUMMARY_BYTES:
        msg = f"{path}: larger than {MAX_SUMMARY_BYTES} bytes, not a run summary"
        raise ValueError(msg)
    document = json.loads(path.read_text("utf-8"))
    if not isinstance(document, dict) or document.get("format") != SUMMARY_FORMAT:
        msg = f"{path} is not a sesspec run summary ({SUMMARY_FORMAT})"
        raise ValueError(msg)
    return document


def previous_run(out: Path, *, before: str | None = None) -> dict[str, Any] | None:
    """The run a new run in ``out`` is compared with: the latest summary in
    ``out/history`` (by start time, then run id; ``before``: a run id to leave out), else
    ``out/latest/report.json`` (a folder written before summaries were kept), else None.
    Files that cannot be read are passed over."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    folder = out / HISTORY_DIR
    if folder.is_dir():
        for path in folder.glob("*.json"):
            try:
                summary = read_summary(path)
            except (OSError, ValueError):
                continue
            run_id = str(summary.get("run_id", ""))
            if run_id != before:
                found.append((str(summary.get("started_at", "")), run_id, summary))
    if found:
        return max(found, key=lambda item: (item[0], item[1]))[2]
    latest = out / "latest" / "report.json"
    try:
        document = json.loads(latest.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or str(document.get("run_id")) == before:
        return None
    return document
