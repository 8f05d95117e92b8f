"""``sesspec sweep``: registries read through local stand-ins (an HTTP server on 127.0.0.1, a
fake npm), installs through a fake installer, and a whole sweep of fake local releases of
"botocore" (tiny wheels installed by uv from a folder, driven by the real py_botocore driver
against the loopback endpoint). Expected values are worked by hand from the fake releases:
each release's behaviour is written into it below."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.server
import json
import shutil
import sys
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from sesspec.drivers.registry import PythonDriver, get_driver
from sesspec.drivers.scenarios import load_scenarios
from sesspec.drivers.sweep import releases as releases_module
from sesspec.drivers.sweep.harness import SweepClient, sweep_clients
from sesspec.drivers.sweep.install import CUTOFF_MARGIN, Installer
from sesspec.drivers.sweep.releases import RegistryError, Release, npm_releases, pypi_releases
from sesspec.drivers.sweep.run import history_name, sweep_client, write_index
from sesspec.drivers.sweep.served import run_served
from sesspec.serve import Endpoint, load_captures

_DAY = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "sesspec" / "sweep"


class _Index(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_GET(self) -> None:
        status, body = self.routes.get(self.path, (404, b"{}"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def index() -> Iterator[tuple[str, dict[str, tuple[int, bytes]]]]:
    routes: dict[str, tuple[int, bytes]] = {}
    handler = type("Handler", (_Index,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pypi", routes
    finally:
        server.shutdown()
        server.server_close()


def _file(time: str, *, yanked: bool = False) -> dict[str, object]:
    return {"upload_time_iso_8601": time, "yanked": yanked}


class TestPypiIndex:
    def test_releases_dates_yanked_and_pre(
        self, index: tuple[str, dict[str, tuple[int, bytes]]]
    ) -> None:
        url, routes = index
        document = {
            "releases": {
                "1.10": [_file("2021-05-01T00:00:00.000Z")],
                "1.2": [_file("2021-02-01T10:00:00Z"), _file("2021-01-31T09:00:00Z")],
                "1.3": [_file("2021-03-01T00:00:00Z", yanked=True)],
                "1.4rc1": [_file("2021-04-01T00:00:00Z")],
                "1.5": [],
            }
        }
        routes["/pypi/fake/json"] = (200, json.dumps(document).encode())
        found = pypi_releases("fake", index=url)
        assert found == [
            Release("1.2", datetime(2021, 1, 31, 9, tzinfo=UTC)),  # the first upload
            Release("1.10", datetime(2021, 5, 1, tzinfo=UTC)),
        ]
        assert [r.version for r in pypi_releases("fake", index=url, pre=True)] == [
            "1.2",
            "1.4rc1",
            "1.10",
        ]

    def test_unknown(self, index: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
        url, _ = index
        with pytest.raises(RegistryError) as caught:
            pypi_releases("nope", index=url)
        assert caught.value.kind == "unknown"
        assert str(caught.value) == f"pypi nope: no such package ({url}/nope/json)"

    def test_not_json(self, index: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
        url, routes = index
        routes["/pypi/bad/json"] = (200, b"<html>")
        with pytest.raises(RegistryError) as caught:
            pypi_releases("bad", index=url)
        assert caught.value.kind == "malformed"
        routes["/pypi/bad/json"] = (200, b'{"releases": []}')
        with pytest.raises(RegistryError, match="no 'releases' object"):
            pypi_releases("bad", index=url)

    def test_too_large(
        self, index: tuple[str, dict[str, tuple[int, bytes]]], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        url, routes = index
        routes["/pypi/big/json"] = (200, b'{"releases": {}}' + b" " * 100)
        monkeypatch.setattr(releases_module, "MAX_INDEX_BYTES", 116)
        assert pypi_releases("big", index=url) == []  # 116 bytes: at the limit
        monkeypatch.setattr(releases_module, "MAX_INDEX_BYTES", 115)
        with pytest.raises(RegistryError) as caught:
            pypi_releases("big", index=url)
        assert caught.value.kind == "too-large"

    def test_unreachable(self) -> None:
        with pytest.raises(RegistryError) as caught:
            pypi_releases("fake", index="http://127.0.0.1:9/pypi")
        assert caught.value.kind == "unreachable"
        assert str(caught.value).startswith("pypi fake: cannot reach http://127.0.0.1:9/pypi")


def _fake_program(tmp_path: Path, name: str, body: str) -> str:
    """A stand-in for npm or uv: a Python script that logs its arguments and does ``body``."""
    path = tmp_path / name
    path.write_text(
        f"#!{sys.executable}\nimport json, os, sys, time\nfrom pathlib import Path\n"
        f"log = Path({str(tmp_path / (name + '.log'))!r})\n"
        "log.open('a').write(json.dumps(sys.argv[1:]) + '\\n')\n" + body,
        encoding="utf-8",
    )
    path.chmod(0o755)
    return str(path)


def _calls(tmp_path: Path, name: str) -> list[list[str]]:
    log = tmp_path / f"{name}.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()]


class TestNpmIndex:
    def test_versions_and_times(self, tmp_path: Path) -> None:
        answer = {
            "versions": ["1.0.0", "1.0.1", "2.0.0-beta.1", "10.0.0"],
            "time": {"1.0.0": "2020-01-01T00:00:00.000Z", "1.0.1": "2020-02-02T00:00:00Z"},
        }
        npm = _fake_program(tmp_path, "npm", f"print(json.dumps({answer!r}))\n")
        found = npm_releases("fake", npm=npm)
        assert [(r.version, r.day) for r in found] == [
            ("1.0.0", "2020-01-01"),
            ("1.0.1", "2020-02-02"),
            ("10.0.0", "?"),
        ]
        assert _calls(tmp_path, "npm") == [["view", "fake", "versions", "time", "--json"]]

    def test_unknown_package(self, tmp_path: Path) -> None:
        body = (
            'print(json.dumps({"error": {"code": "E404"}}))\n'
            'sys.stderr.write("npm error 404 Not Found\\n")\n'
            "sys.exit(1)\n"
        )
        npm = _fake_program(tmp_path, "npm", body)
        with pytest.raises(RegistryError) as caught:
            npm_releases("nope", npm=npm)
        assert (caught.value.kind, str(caught.value)) == (
            "unknown",
            "npm nope: npm error 404 Not Found",
        )

    def test_hangs(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        npm = _fake_program(tmp_path, "npm", "time.sleep(30)\n")
        monkeypatch.setattr(releases_module, "INDEX_TIMEOUT", 0.5)
        with pytest.raises(RegistryError) as caught:
            npm_releases("slow", npm=npm)
        assert (caught.value.kind, str(caught.value)) == (
            "unreachable",
            "npm slow: npm view gave no answer within 0.5 s",
        )

    def test_no_npm(self, tmp_path: Path) -> None:
        with pytest.raises(RegistryError) as caught:
            npm_releases("x", npm=str(tmp_path / "absent"))
        assert caught.value.kind == "no-client"


_MAKE_SITE = (
    "target = Path(sys.argv[sys.argv.index('--target') + 1])\n"
    "(target / 'marker.txt').write_text('x')\n"
)


class TestInstaller:
    def test_pypi_command_and_cache(self, tmp_path: Path, cache: Path) -> None:
        uv = _fake_program(tmp_path, "uv", _MAKE_SITE)
        installer = Installer("pypi", program=uv)
        release = Release("1.2.3", _DAY)
        first = installer.install("fake-pkg", release, also=("extra==1",))
        assert first.ok
        also = hashlib.sha256(b"extra==1").hexdigest()[:8]  # what else is in it: its own folder
        assert first.folder == cache / "pypi" / "fake-pkg" / f"1.2.3+{also}"
        assert (first.folder / "site" / "marker.txt").is_file()
        (call,) = _calls(tmp_path, "uv")
        cutoff = (_DAY + CUTOFF_MARGIN).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert cutoff == "2021-03-04T06:06:07Z"  # one hour after the release
        assert call[call.index("--exclude-newer") + 1] == cutoff
        assert "fake-pkg=2100-01-01T00:00:00Z" in call  # the release itself is pinned
        assert "setuptools=2100-01-01T00:00:00Z" in call  # the build tools are today's
        assert call[-2:] == ["fake-pkg==1.2.3", "extra==1"]
        again = installer.install("fake-pkg", release, also=("extra==1",))
        assert (again.ok, again.seconds) == (True, 0.0)
        assert len(_calls(tmp_path, "uv")) == 1  # kept: not installed twice

    def test_no_date_no_cutoff(self, tmp_path: Path) -> None:
        uv = _fake_program(tmp_path, "uv", _MAKE_SITE)
        assert Installer("pypi", program=uv).install("p", Release("1", None)).ok
        (call,) = _calls(tmp_path, "uv")
        assert "--exclude-newer" not in call

    def test_failure_is_remembered_unless_retried(self, tmp_path: Path) -> None:
        uv = _fake_program(
            tmp_path,
            "uv",
            "sys.stderr.write('error: No solution\\n  hint: too old\\n'); sys.exit(1)\n",
        )
        installer = Installer("pypi", program=uv)
        failed = installer.install("p", Release("0.1", _DAY))
        assert (failed.state, failed.reason) == ("failed", "error: No solution ... hint: too old")
        assert not (failed.folder / "site").exists()
        assert installer.install("p", Release("0.1", _DAY)).reason == failed.reason
        assert len(_calls(tmp_path, "uv")) == 1
        installer.install("p", Release("0.1", _DAY), retry_failed=True)
        assert len(_calls(tmp_path, "uv")) == 2

    def test_a_hanging_install_is_cut_and_not_remembered(self, tmp_path: Path) -> None:
        uv = _fake_program(tmp_path, "uv", "time.sleep(30)\n")
        installer = Installer("pypi", program=uv, timeout=0.5)
        result = installer.install("p", Release("1", _DAY))
        assert (result.state, result.reason) == ("timeout", "no answer from uv within 0.5 s")
        assert not (result.folder / "install.json").exists()
        assert not list(result.folder.glob(".site-*"))  # no scratch left behind

    def test_npm_command(self, tmp_path: Path, cache: Path) -> None:
        npm = _fake_program(tmp_path, "npm", "Path('node_modules').mkdir()\n")
        result = Installer("npm", program=npm).install(
            "@aws-sdk/client-ses", Release("3.1.0", _DAY), also=("other",)
        )
        assert result.ok
        also = hashlib.sha256(b"other").hexdigest()[:8]
        assert result.folder == cache / "npm" / "_aws-sdk_client-ses" / f"3.1.0+{also}"
        assert (result.folder / "node" / "node_modules").is_dir()
        (call,) = _calls(tmp_path, "npm")
        assert "--before=2021-03-04T06:06:07Z" in call
        assert call[-2:] == ["@aws-sdk/client-ses@3.1.0", "other"]

    def test_no_installer(self, tmp_path: Path) -> None:
        result = Installer("pypi", program=str(tmp_path / "absent")).install(
            "p", Release("1", _DAY)
        )
        assert (result.state, result.reason) == ("failed", "uv (pip install uv) is not installed")


def test_history_names() -> None:
    assert history_name("@aws-sdk/client-ses") == "aws-sdk-client-ses"
    assert history_name("django-ses") == "django-ses"


def test_catalogue_sweeps() -> None:
    """The clients README promises histories for."""
    clients = sweep_clients()
    assert {
        "botocore",
        "boto",
        "django-ses",
        "@aws-sdk/client-ses",
        "aws-sdk",
        "nodemailer",
    } <= set(clients)
    assert clients["botocore"].driver.name == "boto3"
    assert clients["nodemailer"].also == ("@aws-sdk/client-ses", "aws-sdk")


# A fake "botocore": enough of its API for the py_botocore driver (get_session().create_client,
# xform_name), sending what sesspec.request builds over a socket to the host it was told (the
# driver child's guard sends it to the endpoint). Each release's behaviour is written into it.
_INIT = """
BEHAVIOUR = {behaviour!r}
CALLS = 0  # requests this process sent ("count" says it in a header)
if BEHAVIOUR == "broken":
    import sesspec_no_such_module  # noqa: F401 (this release does not import)


def xform_name(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
"""

_SESSION = """
import http.client, os, socket, ssl, time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import botocore
from sesspec.request import build_request

ACTIONS = {"send_email": "SendEmail", "send_raw_email": "SendRawEmail"}


class _Client:
    def __init__(self, url, region, key, secret, token, verify):
        self.url, self.region, self.key, self.secret = urlsplit(url), region, key, secret
        self.token, self.verify = token, verify

    def __getattr__(self, method):
        def call(**params):
            scheme = "aws3" if botocore.BEHAVIOUR == "aws3" else "sigv4"
            request = build_request(
                ACTIONS[method], params, access_key_id=self.key, secret_access_key=self.secret,
                region=self.region, time=datetime.now(timezone.utc), session_token=self.token,
                scheme=scheme, host=self.url.hostname,
            )
            if botocore.BEHAVIOUR == "header":
                request = request.with_header("X-Fake-Client", "1")
            botocore.CALLS += 1
            if botocore.BEHAVIOUR == "count":
                request = request.with_header("X-Fake-Calls", str(botocore.CALLS))
            if botocore.BEHAVIOUR == "die":
                os._exit(3)
            if botocore.BEHAVIOUR == "hang":
                time.sleep(30)
            raw = socket.create_connection((self.url.hostname, self.url.port or 443), timeout=10)
            context = ssl.create_default_context(cafile=self.verify)
            with context.wrap_socket(raw, server_hostname=self.url.hostname) as sock:
                sock.sendall(request.to_bytes())
                response = http.client.HTTPResponse(sock)
                response.begin()
                response.read()
            return {"status": response.status}
        return call


class _Session:
    def create_client(self, service, endpoint_url, region_name, aws_access_key_id,
                      aws_secret_access_key, aws_session_token=None, verify=True, **_):
        return _Client(endpoint_url, region_name, aws_access_key_id, aws_secret_access_key,
                       aws_session_token, verify)


def get_session():
    return _Session()
"""


def _wheel(folder: Path, version: str, behaviour: str) -> None:
    files = {
        "botocore/__init__.py": _INIT.format(behaviour=behaviour).encode(),
        "botocore/session.py": _SESSION.encode(),
        f"botocore-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: botocore\nVersion: {version}\n"
        ).encode(),
        f"botocore-{version}.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: sesspec-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
    }
    record = f"botocore-{version}.dist-info/RECORD"
    lines = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    files[record] = ("\n".join([*lines, f"{record},,"]) + "\n").encode()
    with zipfile.ZipFile(folder / f"botocore-{version}-py3-none-any.whl", "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)


#: The fake releases: AWS3 (1.0-1.2), a release that does not import (1.3), SigV4 (1.4-1.8),
#: SigV4 with one more header (1.9-1.11).
_FAKE = [
    *(("1." + str(n), "aws3") for n in range(3)),
    ("1.3", "broken"),
    *(("1." + str(n), "good") for n in range(4, 9)),
    *(("1." + str(n), "header") for n in range(9, 12)),
]


@pytest.fixture
def fake_releases(tmp_path: Path) -> tuple[list[Release], Path]:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version, behaviour in _FAKE:
        _wheel(wheels, version, behaviour)
    return [Release(v, None) for v, _ in _FAKE], wheels


def _uv() -> str:
    found = Installer("pypi").find_program()
    if found is None:
        pytest.skip("uv is not installed (pip install uv; the test extra has it)")
    return found


@pytest.mark.client
def test_sweep_of_fake_releases(tmp_path: Path, fake_releases: tuple[list[Release], Path]) -> None:
    """Twelve fake releases, three samples (1.0, 1.5, 1.11): the bisection runs 1.2, 1.3,
    1.4, 1.8 and 1.9 and no other, infers 1.1, 1.6, 1.7 and 1.10, and finds each change at
    its first release; a second sweep runs nothing."""
    releases, wheels = fake_releases
    installer = Installer("pypi", program=_uv(), extra=("--no-index", "--find-links", str(wheels)))
    client = SweepClient("fake-botocore", "pypi", "botocore", _botocore_driver(), samples=3)
    lines: list[str] = []
    done = sweep_client(
        client,
        out=tmp_path / "out",
        scenarios=["send-email-ascii", "send-raw-email-small"],
        releases=releases,
        installer=installer,
        log=lines.append,
    )
    history = done.history
    spans = [(s.first, s.last, s.state, s.probed) for s in history.spans]
    assert spans == [
        ("1.0", "1.2", "ran", ("1.0", "1.2")),
        ("1.3", "1.3", "does-not-run", ("1.3",)),
        ("1.4", "1.8", "ran", ("1.4", "1.5", "1.8")),
        ("1.9", "1.11", "ran", ("1.9", "1.11")),
    ]
    aws3, broken, good, header = history.spans
    assert {c.verdict for c in aws3.cells} == {"fail"}
    assert all("AUTH002" in c.rules for c in aws3.cells)
    assert all(c.ses_error for c in aws3.cells)  # strict mode refuses AWS3
    assert "ModuleNotFoundError" in broken.reasons[0][1]
    assert all(not c.ses_error for c in good.cells)
    assert [c.verdict for c in good.cells] == [c.verdict for c in header.cells]
    assert [c.shape == d.shape for c, d in zip(good.cells, header.cells, strict=True)] == [
        False,
        False,
    ]
    assert [(c.previous, c.first) for c in history.changes] == [
        ("1.2", "1.3"),
        ("1.3", "1.4"),
        ("1.8", "1.9"),
    ]
    shape_change = history.changes[2]
    assert shape_change.summary == (
        "send-email-ascii: request shape; send-raw-email-small: request shape"
    )
    diff = shape_change.scenarios[0].diff.splitlines()
    assert diff[:2] == ["--- 1.8", "+++ 1.9"]
    # Dates and signatures differ on every run: shown as "...", so only the change is a change.
    changed = [line for line in diff[2:] if line[:1] in "+-"]
    assert changed == ["+X-Fake-Client: 1"]
    since = history.accepted_since()
    assert since is not None
    assert since.first == "1.4"
    assert history.notes[:2] == (
        "release dates: the first upload of each release's files (PyPI's JSON API)",
        "dependencies: as the index stood one hour after the release "
        "(uv pip install --exclude-newer; the tools that build an sdist are today's)",
    )
    assert (done.ran, done.cached) == (8, 0)
    written = {p.name for p in done.written}
    assert written == {"fake-botocore.json", "fake-botocore.md", "fake-botocore.html"}
    document = json.loads((tmp_path / "out" / "fake-botocore.json").read_text("utf-8"))
    assert document["accepted_since"] == "1.4"
    assert document["probed"] == 8
    assert "| 1.4 (?) .. 1.8 (?) | 3 |" in (tmp_path / "out" / "fake-botocore.md").read_text(
        "utf-8"
    )

    index = write_index(tmp_path / "out").read_text("utf-8").splitlines()
    assert index[-1] == (
        "| [fake-botocore](fake-botocore.md) | pypi | 12 | 8 | 1.0 | **1.4** | 4 | 3 |"
    )

    again = sweep_client(
        client,
        out=tmp_path / "out",
        scenarios=["send-email-ascii", "send-raw-email-small"],
        releases=releases,
        installer=installer,
    )
    assert (again.ran, again.cached) == (0, 8)
    assert again.history.spans == history.spans


@pytest.mark.client
def test_sweep_stopped_half_way_resumes(
    tmp_path: Path, fake_releases: tuple[list[Release], Path]
) -> None:
    releases, wheels = fake_releases
    installer = Installer("pypi", program=_uv(), extra=("--no-index", "--find-links", str(wheels)))
    client = SweepClient("fake-botocore", "pypi", "botocore", _botocore_driver(), samples=3)
    seen: list[str] = []

    def stop_after_two(line: str) -> None:
        seen.append(line)
        if len(seen) == 3:  # the first line says what was selected; two releases done
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep_client(
            client,
            out=tmp_path / "out",
            scenarios=["send-email-ascii"],
            releases=releases,
            installer=installer,
            workers=1,
            log=stop_after_two,
        )
    done = sweep_client(
        client,
        out=tmp_path / "out",
        scenarios=["send-email-ascii"],
        releases=releases,
        installer=installer,
        workers=1,
    )
    # The two releases done before the stop (and one the worker may have begun) are kept.
    assert 2 <= done.cached <= 3
    assert done.ran + done.cached == 8


@pytest.mark.client
def test_served_scenarios_each_in_a_process_of_its_own(tmp_path: Path) -> None:
    """The sweep runs a Python release's scenarios through one serving child that forks a
    process per scenario: no state is carried from one to the next (each request is its
    process's first), a process that dies or hangs is that scenario's outcome, and the next
    scenario still runs."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version, behaviour in (("2.0", "count"), ("2.1", "die"), ("2.2", "hang")):
        _wheel(wheels, version, behaviour)
    installer = Installer("pypi", program=_uv(), extra=("--no-index", "--find-links", str(wheels)))
    chosen = load_scenarios(["send-email-ascii", "send-email-unicode", "send-raw-email-small"])
    runs = {}
    for version, timeout in (("2.0", 60.0), ("2.1", 60.0), ("2.2", 1.0)):
        release = Release(version, None)
        installed = installer.install("botocore", release)
        assert installed.ok
        client = SweepClient("fake", "pypi", "botocore", _botocore_driver())
        driver = client.for_release(installed, release)
        assert isinstance(driver, PythonDriver)
        path = tmp_path / f"{version}.jsonl"
        with Endpoint(path, tls=True) as endpoint:
            outcomes = run_served(endpoint, driver, chosen, timeout=timeout)
        runs[version] = (outcomes, list(load_captures(path)))
    counted, captures = runs["2.0"]
    assert [(o.status, o.captures) for o in counted] == [("ok", (1,)), ("ok", (2,)), ("ok", (3,))]
    assert [c.request().header("X-Fake-Calls") for c in captures] == ["1", "1", "1"]
    died, captures = runs["2.1"]
    assert [(o.status, o.detail) for o in died] == [
        ("client-error", "the job's process ended (exit status 3)")
    ] * 3
    assert captures == []
    hung, captures = runs["2.2"]
    assert [(o.status, o.detail) for o in hung] == [("timeout", "no result within 1 s")] * 3
    assert captures == []


def _botocore_driver() -> PythonDriver:
    boto3 = get_driver("boto3")
    assert isinstance(boto3, PythonDriver)
    return dataclasses.replace(boto3, module="py_botocore")


@pytest.mark.client
def test_a_hanging_install_is_a_span_and_the_sweep_goes_on(tmp_path: Path) -> None:
    uv = _fake_program(tmp_path, "uv", "time.sleep(30)\n")
    client = SweepClient("hangs", "pypi", "botocore", _botocore_driver(), samples=2)
    done = sweep_client(
        client,
        out=tmp_path / "out",
        scenarios=["send-email-ascii"],
        releases=[Release("1.0", _DAY), Release("2.0", _DAY + timedelta(days=1))],
        installer=Installer("pypi", program=uv, timeout=0.5),
    )
    assert [(s.first, s.last, s.state) for s in done.history.spans] == [
        ("1.0", "2.0", "does-not-install")
    ]
    assert done.history.spans[0].reasons == (
        ("1.0", "no answer from uv within 0.5 s"),
        ("2.0", "no answer from uv within 0.5 s"),
    )


def test_cli_unknown_client_and_unreachable_registry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sesspec.cli.sweep import main

    monkeypatch.setenv("SESSPEC_PYPI_JSON", "http://127.0.0.1:9/pypi")
    code = main(["nope", "botocore", "--out", str(tmp_path)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[0].startswith("sesspec sweep: unknown client 'nope' (known: botocore, boto, ")
    assert err[1].startswith("sesspec sweep: pypi botocore: cannot reach http://127.0.0.1:9/pypi")
    assert len(err) == 2
    assert not list(tmp_path.iterdir())


def test_cli_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from sesspec.cli.sweep import main

    assert main(["botocore", "--samples", "1"]) == 2
    assert "must be from 2 to 10000 releases, not 1" in capsys.readouterr().err
    assert shutil.which("true") is None or main(["--help"]) == 0
