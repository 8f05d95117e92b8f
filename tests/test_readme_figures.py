"""Every figure the README's "Endpoint limits" table states is the code's.

Each row names the constants its figures come from; the test reads every number written in the
row (sizes in KiB, MiB, GiB, seconds, milliseconds, counts, ranges) and requires it to be one
of them, so that a figure changed in the code and not in the README (or the other way) fails,
and a row added without its constants fails too. Figures measured rather than configured (a
request's working memory) name the benchmark that measured them instead, and are checked to be
the ones BENCHMARKS.md records. (The "Limits" table's rows name their constant in the row and
are held by tests/test_limits_core.py.)
"""

from __future__ import annotations

import re

import pytest

from sesspec import http
from sesspec.cli import serve as serve_cli
from sesspec.serve import admin, capture, inbox, mailbox, seats, server, transport
from tests import test_serve_admin_bounds
from tests._support import REPO

KIB, MIB, GIB = 1024, 1024 * 1024, 1024 * 1024 * 1024

#: Row (its first cell) -> the figures its other cells may state.
ROWS: dict[str, set[float]] = {
    "connections served at once": {
        transport.DEFAULT_MAX_CONNECTIONS,
        transport.FD_RESERVE,
        1,
        server.MAX_CONNECTIONS_LIMIT,
        transport.BACKLOG,
        408,
        300,  # the connections one peer holds in the fairness test (tests/test_endpoint_hostile)
        seats.MAX_EVICTING,
    },
    "a request, first byte to last": {server.DEFAULT_TIMEOUT, 0, server.MAX_TIMEOUT, 408},
    "an idle connection; a TLS handshake": {server.DEFAULT_TIMEOUT},
    "head: request line and header lines": {
        server.DEFAULT_MAX_HEAD,
        server.MAX_HEAD_LIMIT,
        431,
    },
    "header lines": {http.DEFAULT_MAX_HEADERS, 431},
    "body (after de-chunking)": {server.DEFAULT_MAX_BODY, server.MAX_BODY_LIMIT, 413},
    "chunk framing: size lines, extensions, trailers": {413},
    "a chunk-size or trailer line": {http.MAX_CHUNK_LINE, 400},
    "`Content-Length`": {1, http.MAX_CONTENT_LENGTH_DIGITS, 400},
    "chunk size": {1, 16, 400, 0, 28, 2, 8},  # 1-16 hex digits; the examples 0x28, 2_8, +28
    "`Transfer-Encoding`": {1.1, 400},
    "accept errors (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`)": {
        transport.BACKOFF_FIRST,
        transport.BACKOFF_MAX,
    },
    "a capture line read back (`sesspec check`, the report)": {capture.MAX_RECORD_SIZE},
    "a capture's `told_authority` (the `host[:port]` its client was told)": {capture.MAX_AUTHORITY},
    "a capture record on disk": {capture.SYNC_INTERVAL},
    "messages kept in memory": {
        mailbox.DEFAULT_MAX_MESSAGES,
        1,
        serve_cli.MAX_MESSAGES_LIMIT,
        mailbox.DEFAULT_MAX_BYTES,
        2,
        30,  # the cost's accuracy, measured: BENCHMARKS.md
    },
    "a request's working memory": set(),  # measured: checked against BENCHMARKS.md below
    "a message's request kept": {mailbox.MAX_REQUEST_KEPT},
    "messages on the page `/_sesspec/`": {
        inbox.DEFAULT_SHOWN,
        inbox.MAX_SHOWN,
        inbox.MAX_TEXT_SHOWN,
        inbox.MAX_TEXT_SHOWN * 4,  # an HTML body shown in its frame
    },
    "the page `/_sesspec/`": {inbox.MAX_PAGE_CHARS},
    "`GET /_aws/ses` and the page: what one answer holds at once": {
        1.0,  # HTTP/1.0
        admin.JSON_SLICE // KIB,  # "64 Ki characters"
        test_serve_admin_bounds.PEAK_ABOVE_IDLE // MIB,  # "256 MB", the bound the test asserts
    },
    "writing an answer": {server.DEFAULT_TIMEOUT},
    "the query of `/_aws/ses` and `/_sesspec/`": {admin.MAX_QUERY_FIELDS, 400},
}

_NUMBER = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(KiB|MiB|GiB|ms|s\b|bytes|characters|digits)?"
)
_UNITS = {"KiB": KIB, "MiB": MIB, "GiB": GIB, "ms": 0.001}


def _table() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### Endpoint limits", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def _figures(cell: str) -> list[float]:
    cell = re.sub(r"`[^`]*\\x[0-9a-f]{2}[^`]*`|RLIMIT_NOFILE|HTTP/1\.1", "", cell)
    cell = cell.replace("HTTP/", "")
    found = []
    for number, unit in _NUMBER.findall(cell):
        value = float(number.replace(",", ""))
        found.append(value * _UNITS.get(unit or "", 1))
    return found


def test_every_row_is_known() -> None:
    assert [row[0] for row in _table()] == list(ROWS)


@pytest.mark.parametrize("row", _table(), ids=lambda row: row[0][:40])
def test_each_figure_is_the_codes(row: list[str]) -> None:
    name, *cells = row
    allowed = ROWS[name]
    if name == "a request's working memory":
        return  # measured: test_measured_figures_are_the_benchmarks
    for cell in cells:
        for figure in _figures(cell):
            assert figure in allowed, f"{name}: {figure:g} is not one of the code's {allowed}"


def test_measured_figures_are_the_benchmarks() -> None:
    """The working-memory row states what BENCHMARKS.md's memory section measured."""
    row = next(r for r in _table() if r[0] == "a request's working memory")
    benchmarks = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    section = benchmarks.split("## Memory of the local SES", 1)[1]
    for figure in re.findall(r"(\d+(?:\.\d+)?) MiB", row[1]):
        assert f"{figure} MiB" in section or f"{figure}.1 MiB" in section, figure
