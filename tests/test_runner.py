"""Running the clients: ``run_clients`` with several workers gives the
outcomes and the capture file of a serial run.

The drivers here are small scripts run by ``run_child`` like every real driver (a child with a
job on stdin, a time limit, a result line): each POSTs a form naming its client, scenario and
request number to the endpoint, with the ``Host`` it was told, so every record says which run
made it. The serial reference is the way the report ran before: :func:`run_matrix`, every
client one after the other on one shared endpoint.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sesspec.cli.report import MAX_PARALLEL
from sesspec.cli.report import main as report_main
from sesspec.drivers import Outcome, Scenario, Target, load_scenarios, run_clients, run_matrix
from sesspec.drivers.base import child_env, run_child
from sesspec.drivers.runner import MAX_WORKERS, _merge
from sesspec.serve import Capture, Endpoint, load_captures
from tests._wire import sample_capture

if TYPE_CHECKING:
    from sesspec.fidelity import GivenAs

#: The child: sends ``requests`` forms (on one kept-alive connection, or one connection each),
#: then prints its result; ``hang`` sleeps past any time limit; ``crash`` exits without one.
_SCRIPT = r"""
import http.client, json, sys, time
job = json.load(sys.stdin)
plan, endpoint = job["plan"], job["endpoint"]
if plan["hang"]:
    time.sleep(60)
if plan["crash"]:
    sys.stderr.write("the fake client fell over\n")
    sys.exit(3)
connection = None
for n in range(plan["requests"]):
    if connection is None or plan["fresh"]:
        connection = http.client.HTTPConnection("127.0.0.1", endpoint["port"], timeout=20)
    body = "Action=%s&Version=2010-12-01&Client=%s&Scenario=%s&N=%d" % (
        plan["action"], plan["client"], plan["scenario"], n)
    connection.request("POST", "/", body=body, headers={
        "Host": endpoint["authority"],
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    connection.getresponse().read()
    time.sleep(plan["pause"])
print("SESSPEC-RESULT " + json.dumps({"status": "ok", "detail": "sent"}))
"""


@dataclass(frozen=True)
class _FakeDriver:
    """A Driver (the protocol) whose client is :data:`_SCRIPT`: ``requests`` per scenario
    (the scenario's position in ``per_scenario``, else ``requests``), ``hang_on`` a scenario id
    it hangs on, ``crash`` on every scenario."""

    name: str
    requests: int = 1
    per_scenario: Mapping[str, int] | None = None
    fresh: bool = False
    pause: float = 0.0
    hang_on: str = ""
    crash: bool = False
    unsupported: str = ""
    language: str = "python"

    def available(self) -> tuple[bool, str]:
        return True, ""

    def version(self) -> str:
        return "fake 1"

    def supports(self, scenario: Scenario) -> tuple[bool, str]:
        if scenario.id == self.unsupported:
            return False, "this fake cannot"
        return True, ""

    def given_as(self, scenario: Scenario) -> GivenAs:
        del scenario  # the Driver protocol's signature
        return "params"

    def run(self, scenario: Scenario, target: Target, *, timeout: float = 60.0) -> Outcome:
        ok, reason = self.supports(scenario)
        if not ok:
            return Outcome(self.name, scenario.id, "not-supported", reason)
        count = (self.per_scenario or {}).get(scenario.id, self.requests)
        plan = {
            "client": self.name,
            "scenario": scenario.id,
            "action": scenario.action,
            "requests": count,
            "fresh": self.fresh,
            "pause": self.pause,
            "hang": scenario.id == self.hang_on,
            "crash": self.crash,
        }
        return run_child(
            [sys.executable, "-I", "-S", "-c", _SCRIPT],
            {"plan": plan, "endpoint": target.as_job(scenario)},
            driver=self.name,
            scenario=scenario.id,
            env=child_env(target),
            timeout=timeout,
        )


_IDS = ["send-email-ascii", "list-identities", "send-email-explicit-port"]
_CHOSEN = [s for s in load_scenarios() if s.id in _IDS]

#: The hanging client first: while it holds its worker, the others must run on other ones.
_DRIVERS = [
    _FakeDriver("hangs", hang_on="list-identities"),
    _FakeDriver("keep-alive", requests=2, pause=0.02),
    _FakeDriver("fresh-each", requests=3, fresh=True),
    _FakeDriver("crashes", crash=True),
    _FakeDriver("quiet", per_scenario={"send-email-ascii": 0}, unsupported="list-identities"),
    _FakeDriver("steady", requests=1, pause=0.01),
]
#: Long enough for a child Python to start and answer on a loaded machine; the hanging run
#: costs this much each time.
_TIMEOUT = 4.0


def _same_apart_from_time(outcomes: list[Outcome]) -> list[Outcome]:
    return [dataclasses.replace(o, duration_s=0.0) for o in outcomes]


def _same_apart_from_time_and_port(capture: Capture) -> Capture:
    """A record without what differs from run to run: times, the peer, the endpoint's port
    (which a client told an explicit port names in its Host)."""
    port = f":{capture.local_port}"
    told = capture.told_authority
    return dataclasses.replace(
        capture,
        received_at="",
        received_at_ns=0,
        peer=("", 0),
        local_port=0,
        raw=capture.raw.replace(port.encode(), b":PORT"),
        body=capture.body.replace(port.encode(), b":PORT"),
        told_authority=told.replace(port, ":PORT") if told is not None else None,
    )


def _records(path: Path) -> list[Capture]:
    return [_same_apart_from_time_and_port(c) for c in load_captures(path)]


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Outcome], Path]:
    """The matrix run as the report ran it before: one endpoint, one run at a time."""
    path = tmp_path_factory.mktemp("serial") / "captures.jsonl"
    with Endpoint(path, tls=False) as endpoint:
        outcomes = run_matrix(endpoint, _DRIVERS, _CHOSEN, timeout=_TIMEOUT)
    return outcomes, path


@pytest.mark.parametrize("workers", [1, 3, MAX_WORKERS])
def test_parallel_runs_match_the_serial_run(
    serial: tuple[list[Outcome], Path], tmp_path: Path, workers: int
) -> None:
    outcomes, path = serial
    calls: list[tuple[str, str, str | None]] = []
    ran = run_clients(
        tmp_path / "captures.jsonl",
        _DRIVERS,
        _CHOSEN,
        workers=workers,
        tls=False,
        timeout=_TIMEOUT,
        progress=lambda d, s, o: calls.append((d.name, s.id, o.status if o else None)),
    )
    assert _same_apart_from_time(ran) == _same_apart_from_time(outcomes)
    assert _records(tmp_path / "captures.jsonl") == _records(path)
    # Nothing left behind beside the capture file (the workers' files are gone).
    assert [p.name for p in tmp_path.iterdir()] == ["captures.jsonl"]
    # progress: every run announced, then its status, whatever the order of the runs.
    for outcome in ran:
        before = calls.index((outcome.driver, outcome.scenario, None))
        after = calls.index((outcome.driver, outcome.scenario, outcome.status))
        assert before < after
    assert len(calls) == 2 * len(ran)
    if workers > 1:
        # While the hanging client (first) held its worker, the others ran on other endpoints.
        ports = {c.local_port for c in load_captures(tmp_path / "captures.jsonl")}
        assert len(ports) >= 2


def test_what_the_serial_run_holds(serial: tuple[list[Outcome], Path]) -> None:
    """The reference itself, worked by hand: each run's records are its own requests, in
    order; the hanging and crashing clients are a timeout and a client error, and hold up
    no one; the told authority names the port only in the explicit-port scenario."""
    outcomes, path = serial
    records = {c.seq: c for c in load_captures(path)}
    assert sorted(records) == list(range(1, len(records) + 1))
    statuses = {(o.driver, o.scenario): o.status for o in outcomes}
    assert statuses["hangs", "list-identities"] == "timeout"
    assert statuses["hangs", "send-email-ascii"] == "ok"
    assert {statuses["crashes", s] for s in _IDS} == {"client-error"}
    assert statuses["quiet", "list-identities"] == "not-supported"
    expected = {"hangs": 1, "keep-alive": 2, "fresh-each": 3, "crashes": 0, "steady": 1}
    for outcome in outcomes:
        count = expected.get(outcome.driver, 0 if outcome.scenario != _IDS[2] else 1)
        if outcome.status != "ok":
            count = 0
        assert len(outcome.captures) == count, outcome
        for n, seq in enumerate(outcome.captures):
            body = records[seq].body.decode()
            assert f"&Client={outcome.driver}&Scenario={outcome.scenario}&N={n}" in body
            told = records[seq].told_authority
            port = f":{records[seq].local_port}" if outcome.scenario == _IDS[2] else ""
            assert told == f"email.us-east-1.amazonaws.com{port}"
    assert sum(len(o.captures) for o in outcomes) == len(records)
    connections = {(c.connection_id, c.request_in_connection) for c in records.values()}
    assert len(connections) == len(records)


@pytest.mark.parametrize("workers", [0, -1, MAX_WORKERS + 1])
def test_workers_out_of_range(tmp_path: Path, workers: int) -> None:
    with pytest.raises(ValueError, match="workers must be 1 to 64"):
        run_clients(tmp_path / "c.jsonl", _DRIVERS, _CHOSEN, workers=workers)
    assert not (tmp_path / "c.jsonl").exists()


def test_no_drivers_leaves_an_empty_capture_file(tmp_path: Path) -> None:
    assert run_clients(tmp_path / "c.jsonl", [], _CHOSEN, workers=4, tls=False) == []
    assert (tmp_path / "c.jsonl").read_bytes() == b""


def _part(path: Path, *records: tuple[int, int, str]) -> Path:
    """A worker's capture file: (seq, connection id, a name put in the request target)."""
    with path.open("w", encoding="utf-8") as out:
        for seq, connection, name in records:
            raw = f"GET /{name} HTTP/1.1\r\nHost: h\r\n\r\n".encode()
            capture = sample_capture(
                seq=seq, connection_id=connection, raw=raw, head_length=len(raw)
            )
            out.write(capture.to_json() + "\n")
    return path


def test_merge_numbers_as_one_endpoint_would(tmp_path: Path) -> None:
    """Worked by hand. Worker 0 served run A (seq 1), then a stray request (2: after A ended,
    before C began), then run C (3, 4), then a last stray (5); worker 1 served run B (1) and an
    empty run D. Serial order A, B, C, D after 7 records already in the file: A = 8, B = 9, the
    stray 10, C = 11 and 12, D none, the last stray 13. Connections are numbered in order of
    their first request across the workers."""
    zero = _part(
        tmp_path / "w0.jsonl", (1, 1, "a"), (2, 2, "stray"), (4, 3, "c2"), (3, 3, "c1"), (5, 4, "s")
    )
    one = _part(tmp_path / "w1.jsonl", (1, 1, "b"))
    into = tmp_path / "captures.jsonl"
    _part(into, *((n, 1, "old") for n in range(1, 8)))
    runs = [
        (0, Outcome("x", "A", "ok", captures=(1,))),
        (1, Outcome("y", "B", "ok", captures=(1,))),
        (0, Outcome("x", "C", "ok", captures=(3, 4))),
        (1, Outcome("y", "D", "client-error")),
    ]
    merged = _merge([zero, one], runs, into)
    assert [(o.scenario, o.captures) for o in merged] == [
        ("A", (8,)),
        ("B", (9,)),
        ("C", (11, 12)),
        ("D", ()),
    ]
    written = [(c.seq, c.connection_id, c.raw.split(b" ")[1]) for c in load_captures(into)][7:]
    assert written == [
        (8, 1, b"/a"),
        (9, 2, b"/b"),
        (10, 3, b"/stray"),
        (11, 4, b"/c1"),
        (12, 4, b"/c2"),
        (13, 5, b"/s"),
    ]


def test_merge_skips_a_number_handed_out_but_never_recorded(tmp_path: Path) -> None:
    """seq 2 was handed out but its record never written (the endpoint logs why): the number
    stays used, as on one endpoint, and nothing is invented for it."""
    part = _part(tmp_path / "w0.jsonl", (1, 1, "a"), (3, 1, "c"))
    into = tmp_path / "captures.jsonl"
    merged = _merge([part], [(0, Outcome("x", "A", "ok", captures=(1, 2, 3)))], into)
    assert merged[0].captures == (1, 2, 3)
    assert [c.seq for c in load_captures(into)] == [1, 3]


def test_cli_parallel_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert MAX_PARALLEL == MAX_WORKERS
    for value in ("0", "-2", "x", str(MAX_PARALLEL + 1)):
        assert report_main(["--parallel", value]) == 2
        err = capsys.readouterr().err
        assert err.startswith("sesspec report: argument --parallel: ")
        assert err.count("\n") == 1
