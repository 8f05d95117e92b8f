"""The benchmark's serve section, its machinery only (figures are never asserted)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench
from sesspec.serve import Endpoint


class _ClosingServer(http.server.BaseHTTPRequestHandler):
    """Answers 200 and closes, as werkzeug (moto's server) does after every answer."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"<ok/>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def closing_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ClosingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def _requests(port: int, count: int) -> list[bytes]:
    return [bench._signed("SendEmail", bench._small_send_email(), port) for _ in range(count)]


def test_client_keeps_the_connection_when_the_server_does(tmp_path: Path) -> None:
    with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
        client = bench._KeepAliveClient(ep.port)
        for address in ("sender@example.com", "to@example.com"):
            client.ask(bench._signed("VerifyEmailIdentity", {"EmailAddress": address}, ep.port))
        rate = bench._serve_round(client, _requests(ep.port, 20))
        client.close()
        assert ep.state is not None
        stored = len(ep.state.mailbox.messages())
    assert rate > 0
    assert client.connections == 1
    assert stored == 20


def test_client_reconnects_when_the_server_closes(closing_port: int) -> None:
    client = bench._KeepAliveClient(closing_port)
    bench._serve_round(client, _requests(closing_port, 5))
    assert client.connections == 5


def test_a_refused_request_stops_the_round(tmp_path: Path) -> None:
    with Endpoint(tmp_path / "c.jsonl", tls=False, sandbox=True) as ep:
        client = bench._KeepAliveClient(ep.port)
        with pytest.raises(RuntimeError, match="not answered 200"):
            bench._serve_round(client, _requests(ep.port, 1))  # sender not verified
        client.close()


def test_servers_compared() -> None:
    servers = bench.serve_servers("/opt/moto_server")
    assert list(servers) == [
        "sesspec serve --http",
        "sesspec serve --http --strict",
        "moto_server",
    ]
    assert "--strict" in servers["sesspec serve --http --strict"]
    assert servers["moto_server"][:3] == ["/opt/moto_server", "-H", "127.0.0.1"]
    assert set(bench.serve_servers(None)) == set(servers) - {"moto_server"}


def test_report_prints_rates_and_ratio() -> None:
    result = {
        "rounds": 5,
        "requests_per_round": 1500,
        "moto_version": "5.2.5",
        "servers": {
            "sesspec serve --http --strict": {
                "requests_per_second": 2000.0,
                "connections": 1,
                "vs_moto": 4.0,
            },
            "moto_server": {"requests_per_second": 500.0, "connections": 9001, "vs_moto": 1.0},
        },
    }
    text = bench._serve_report(result)
    assert "sesspec serve --http --strict       2,000 requests/s    4.00x moto" in text
    assert "moto_server                           500 requests/s   (9,001 connections)" in text
    assert text.endswith("moto 5.2.5\n")
    without = bench._serve_report({**result, "note": "moto_server not installed"})
    assert "moto_server not installed" in without
