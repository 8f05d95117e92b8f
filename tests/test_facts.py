"""Each report row's facts (sesspec.drivers.facts) and how a row shows them
(sesspec.report.model.ClientInfo.origin)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sesspec.drivers import facts
from sesspec.drivers.kinds import PythonDriver
from sesspec.report.model import ClientInfo


class _Index(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 (one fixture at a time)

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = json.dumps(
            {"releases": {"1.2.3": [{"upload_time_iso_8601": "2024-05-06T07:08:09Z"}]}}
        ).encode()
        self.send_response(200 if self.path == "/pypi/fakepkg/json" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    hits: list[str] = []
    handler = type("Handler", (_Index,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SESSPEC_PYPI_JSON", f"http://127.0.0.1:{server.server_address[1]}/pypi")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        yield hits
    finally:
        server.shutdown()
        server.server_close()


class _Installed(PythonDriver):
    """A Python driver whose client is installed at 1.2.3 (no environment needed)."""

    def versions(self) -> dict[str, str]:
        return {"fakepkg": "1.2.3"}


def test_pypi_row_date_is_looked_up_once(index: list[str]) -> None:
    driver = _Installed(name="x", module="py_x", requirements=(), distributions=("fakepkg",))
    first = facts.row_facts(driver)
    assert first == facts.RowFacts("pypi", "fakepkg", "1.2.3", "2024-05-06")
    assert facts.row_facts(driver) == first
    assert index == ["/pypi/fakepkg/json"]  # the second answer came from the cache


def test_an_unknown_package_has_no_date(index: list[str]) -> None:
    class Other(_Installed):
        def versions(self) -> dict[str, str]:
            return {"nope": "1"}

    driver = Other(name="x", module="py_x", requirements=(), distributions=("nope",))
    assert facts.row_facts(driver) == facts.RowFacts("pypi", "nope", "1", None)


def test_not_installed_has_no_facts() -> None:
    driver = PythonDriver(
        name="x", module="py_x", requirements=(), distributions=("no-such-dist-sesspec",)
    )
    assert facts.row_facts(driver) is None


@pytest.mark.parametrize(
    ("debian", "upstream"),
    [("1.44.0-1", "1.44.0"), ("1:1.17.1-1+b2", "1.17.1"), ("2.3~rc1-2", "2.3~rc1")],
)
def test_debian_version_upstream_part(debian: str, upstream: str) -> None:
    assert facts._debian_version_text(debian) == upstream


class TestOrigin:
    def _info(self, **changes: str) -> ClientInfo:
        return ClientInfo("c", "python", "v", True, registry="pypi", **changes)  # type: ignore[arg-type]

    def test_released(self) -> None:
        info = self._info(package="boto3", package_version="1.44.8", release_date="2026-11-20")
        assert info.origin() == "pypi boto3 1.44.8, released 2026-11-20"

    def test_date_not_known(self) -> None:
        assert self._info(package="aws-sdk", package_version="2.1692.0").origin() == (
            "pypi aws-sdk 2.1692.0, date not known here"
        )

    def test_debian_older_than_upstream(self) -> None:
        info = ClientInfo(
            "go",
            "go",
            "v",
            True,
            registry="debian",
            package="golang-github-aws-aws-sdk-go-v2-dev",
            package_version="1.17.1-1",
            release_date="2022-12-01",
            date_kind="built",
            upstream="github.com/aws/aws-sdk-go-v2 v1.48.0",
        )
        assert info.origin() == (
            "debian golang-github-aws-aws-sdk-go-v2-dev 1.17.1-1, built 2022-12-01; "
            "upstream's newest: github.com/aws/aws-sdk-go-v2 v1.48.0"
        )

    def test_nothing_known(self) -> None:
        assert ClientInfo("c", "python", "v", True).origin() == ""
