"""Benchmark: the endpoint's own routes and its fairness under abuse (real processes, /proc).

    python benchmarks/endpoint_abuse.py [--part admin|fair|all] [--rounds N] [--json FILE]

``admin``: an endpoint process (``tests/_endpoint_child.py``) is filled with the issue's worst
messages (500 HTML bodies of 256 KiB of ``"`` with an astral character in the subject; 25
messages whose bodies are 2.2 million control characters each), then one ``GET`` of the page
``/_sesspec/?limit=500`` and of ``GET /_aws/ses`` is read to its end. Reported: the RSS before
the GET, the peak RSS above it (``VmHWM`` after resetting it through ``/proc/PID/clear_refs``),
the bytes received and the seconds taken.

``fair``: ``sesspec serve --http`` under ``ulimit -n 256`` while one peer holds 300 connections
(150 idle, 150 sending a head a byte every half second, each reopened whenever the endpoint
closes it); a fresh client then sends ``GetSendQuota`` on a new connection, N times. Reported:
the seconds until each fresh client had its whole answer.

It is a benchmark, not a test: nothing here asserts a figure (the tests assert generous bounds).
``SESSPEC_SRC`` (a folder) runs the endpoint from another checkout's sources, for a before/after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_GETS = (
    ("quotes", "/_sesspec/?limit=500"),
    ("quotes", "/_aws/ses"),
    ("controls", "/_aws/ses"),
    ("controls", "/_sesspec/?limit=500"),
)


def _cwd() -> Path:
    """Where the endpoint runs from: the other sources' folder when given (``python -m`` puts
    its working folder first on the path)."""
    source = os.environ.get("SESSPEC_SRC")
    return Path(source) if source else ROOT


def _env() -> dict[str, str]:
    env = dict(os.environ)
    source = os.environ.get("SESSPEC_SRC")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, str(ROOT)) if p)
    return env


def _status(pid: int, key: str) -> int:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _one_get(kind: str, target: str, folder: Path) -> dict[str, Any]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests._endpoint_child", kind, str(folder)],
        cwd=_cwd(),
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        port, stored = map(int, child.stdout.readline().split())
        Path(f"/proc/{child.pid}/clear_refs").write_text("5", encoding="ascii")
        idle = _status(child.pid, "VmRSS")
        started = time.perf_counter()
        received = 0
        with socket.create_connection(("127.0.0.1", port), timeout=600) as sock:
            request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            sock.sendall(request.encode("ascii"))
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
        seconds = time.perf_counter() - started
        peak = _status(child.pid, "VmHWM") - idle
    finally:
        child.stdin.close()
        child.wait(120)
        child.stdout.close()
    return {
        "kind": kind,
        "target": target,
        "stored": stored,
        "idle_mb": round(idle / 2**20, 1),
        "peak_above_idle_mb": round(peak / 2**20, 1),
        "received_mb": round(received / 2**20, 1),
        "seconds": round(seconds, 2),
    }


def run_admin(folder: Path) -> list[dict[str, Any]]:
    return [_one_get(kind, target, folder) for kind, target in _GETS]


# --- fairness ---------------------------------------------------------------------------------

_SERVE_256 = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))\n"
    "from sesspec.cli import main\n"
    "sys.exit(main(['serve', *sys.argv[1:]]))\n"
)
_QUOTA_FORM = b"Action=GetSendQuota&Version=2010-12-01"
_QUOTA = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
) % (len(_QUOTA_FORM), _QUOTA_FORM)


class Hog:
    """One peer holding ``count`` connections to ``port``: half idle, half trickling a head a
    byte every half second; each reopened when the endpoint closes it."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.socks: list[socket.socket | None] = [None] * count
        self.reopened = 0
        for i in range(count):
            self._open(i)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _open(self, i: int) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError:
            self.socks[i] = None
            return
        sock.setblocking(False)
        if i % 2:
            with contextlib.suppress(OSError):
                sock.send(b"POST / HTTP/1.1\r\nHo")
        self.socks[i] = sock

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            for i, sock in enumerate(self.socks):
                if sock is None:
                    self._open(i)
                    continue
                try:
                    if sock.recv(65536) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    pass
                except OSError:
                    sock.close()
                    self.reopened += 1
                    self._open(i)
                    continue
                if i % 2:
                    with contextlib.suppress(OSError):
                        sock.send(b"o")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        for sock in self.socks:
            if sock is not None:
                sock.close()


def _fresh_client(port: int) -> float:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=900) as sock:
        sock.sendall(_QUOTA)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 "), data[:200]
    return time.perf_counter() - started


def run_fair(rounds: int, folder: Path) -> dict[str, Any]:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SERVE_256,
            "--http",
            "--timeout",
            "300",
            "--capture",
            str(folder / "fair.jsonl"),
        ],
        cwd=_cwd(),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    try:
        url = child.stdout.readline().split()[1]
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        hog = Hog(port, 300)
        try:
            time.sleep(3)  # the flood in place, the trickle under way
            waits = []
            for _ in range(rounds):
                waits.append(round(_fresh_client(port), 3))
                time.sleep(1)
        finally:
            hog.close()
    finally:
        child.terminate()
        child.wait(60)
        child.stdout.close()
    return {"connections_held": 300, "fresh_client_seconds": waits, "reopened": hog.reopened}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/endpoint_abuse.py")
    parser.add_argument("--part", choices=("admin", "fair", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=5, help="fresh clients timed (fair)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sesspec-abuse-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, folder: Path) -> int:
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "load": os.getloadavg()[0],
    }
    if args.part in ("admin", "all"):
        results["admin"] = run_admin(folder)
        for row in results["admin"]:
            print(
                f"GET {row['target']} over {row['stored']} {row['kind']}: "
                f"{row['peak_above_idle_mb']} MB above idle ({row['idle_mb']} MB), "
                f"{row['received_mb']} MB in {row['seconds']} s"
            )
    if args.part in ("fair", "all"):
        results["fair"] = run_fair(args.rounds, folder)
        print(f"fresh client under 300 held connections: {results['fair']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
