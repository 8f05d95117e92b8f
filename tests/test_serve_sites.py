"""No cross-site writes (sesspec.serve.sites): the SES API answers only a Host of this machine or
an SES host name, and no page of another origin.

Expected values: RFC 9110 section 7.2 (``Host = uri-host [ ":" port ]``), RFC 6454 (an origin is
scheme, host and port; ``null`` is none of them), W3C Fetch Metadata (``Sec-Fetch-Site``:
``same-origin``, ``same-site``, ``cross-site``, ``none``), the SES error read by botocore's
``QueryParser`` (an independent reader). In headless Chromium (the browser itself sends the
requests): a page served from another port of 127.0.0.1 submits a ``text/plain`` and an
urlencoded form, and loads an ``<img>`` naming an action; a page whose name resolves to
127.0.0.1 (``--host-resolver-rules``, as DNS rebinding makes it) reads the API. The capture
file shows each request arrived (so the test sees a write that went through); none changes
the state.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sesspec.drivers.base import Target
from sesspec.drivers.scenarios import load_scenarios
from sesspec.http import RawRequest
from sesspec.serve import Endpoint, load_captures
from sesspec.serve.admin import SITES
from sesspec.serve.sites import API_SITES, SES_HOSTNAMES, SitePolicy, host_name
from tests._wire import exchange, parse_response
from tests.test_serve_inbox import CHROMIUM_FLAGS

botocore_session = pytest.importorskip("botocore.session")
botocore_parsers = pytest.importorskip("botocore.parsers")

PORT = 4566


def _request(*headers: tuple[str, str], method: str = "POST") -> RawRequest:
    return RawRequest(method, "/", headers=headers)


def _refused(policy: SitePolicy, *headers: tuple[str, str], **kwargs: Any) -> str | None:
    method = kwargs.pop("method", "POST")
    found = policy.refusal(_request(*headers, method=method), tls=False, port=PORT, **kwargs)
    return None if found is None else found.field


class TestHost:
    """RFC 9110 7.2: the Host names the target's host; a rebinding page names its own."""

    @pytest.mark.parametrize(
        "host",
        [
            "127.0.0.1",
            "127.0.0.1:4566",
            "localhost",
            "LocalHost:1",
            "[::1]",
            "[::1]:443",
            "email.us-east-1.amazonaws.com",
            "email.us-east-1.amazonaws.com:4566",
            "EMAIL.EU-WEST-1.AMAZONAWS.COM",
            "email-fips.us-gov-west-1.amazonaws.com:443",
            "email.amazonaws.com",
            "localhost.localstack.cloud:4566",
        ],
    )
    def test_this_machine_or_an_ses_name(self, host: str) -> None:
        assert _refused(API_SITES, ("Host", host)) is None

    @pytest.mark.parametrize(
        "host",
        [
            "rebind.example",
            "rebind.example:4566",
            "127.0.0.1.nip.io:4566",
            "email.us-east-1.amazonaws.com.rebind.example",
            "xemail.us-east-1.amazonaws.com",
            "127.0.0.2",
            "",
            "127.0.0.1:abc",
            "127.0.0.1:123456",
            "user@127.0.0.1",
            "[::2]",
        ],
    )
    def test_any_other_name_is_refused(self, host: str) -> None:
        assert _refused(API_SITES, ("Host", host)) == "host"

    def test_every_host_given_must_pass(self) -> None:
        assert _refused(API_SITES, ("Host", "127.0.0.1"), ("Host", "rebind.example")) == "host"

    def test_no_host_is_no_browser_s(self) -> None:
        assert _refused(API_SITES) is None

    def test_the_admin_routes_answer_this_machine_only(self) -> None:
        assert _refused(SITES, ("Host", "email.us-east-1.amazonaws.com"), method="GET") == "host"
        assert _refused(SITES, ("Host", "localhost:9"), method="GET") is None

    def test_every_ses_name_is_in_the_throwaway_certificate_s_list(self) -> None:
        assert all(host_name(name) == name for name in SES_HOSTNAMES)

    @pytest.mark.parametrize("tls", [False, True])
    def test_every_client_of_the_report_gets_through(self, tls: bool) -> None:
        """Every authority the drivers tell a client (each scenario's region, with and without
        the endpoint's port) and the loopback URL."""
        target = Target(port=PORT, tls=tls, ca_path=None)
        told = {target.authority(s) for s in load_scenarios()} | {target.authority()}
        told.add(target.loopback_url.split("/")[2])
        assert len(told) >= 3
        for authority in sorted(told):
            request = _request(("Host", authority))
            assert API_SITES.refusal(request, tls=tls, port=PORT) is None, authority


class TestOrigin:
    """RFC 6454: a browser names the page's origin; only the endpoint's own is answered."""

    @pytest.mark.parametrize(
        "origin",
        [
            "http://127.0.0.1:4566",
            "http://localhost:4566",
            "http://[::1]:4566",
            "HTTP://127.0.0.1:4566",
        ],
    )
    def test_the_endpoint_s_own(self, origin: str) -> None:
        assert _refused(API_SITES, ("Host", "127.0.0.1:4566"), ("Origin", origin)) is None

    @pytest.mark.parametrize(
        "origin",
        [
            "null",
            "http://127.0.0.1:4567",
            "http://127.0.0.1",
            "https://127.0.0.1:4566",
            "http://rebind.example:4566",
            "http://127.0.0.1:4566/path",
            "http://u@127.0.0.1:4566",
            "http://127.0.0.1:99999",
            "127.0.0.1:4566",
            "",
        ],
    )
    def test_any_other_is_refused(self, origin: str) -> None:
        assert _refused(API_SITES, ("Host", "127.0.0.1:4566"), ("Origin", origin)) == "origin"

    def test_the_default_port_of_the_scheme(self) -> None:
        request = _request(("Origin", "https://127.0.0.1"))
        assert API_SITES.refusal(request, tls=True, port=443) is None
        assert API_SITES.refusal(request, tls=True, port=444) is not None

    @pytest.mark.parametrize(
        ("value", "field"),
        [
            ("same-origin", None),
            ("none", None),
            ("same-site", "sec-fetch-site"),
            ("cross-site", "sec-fetch-site"),
        ],
    )
    def test_sec_fetch_site(self, value: str, field: str | None) -> None:
        assert _refused(API_SITES, ("Sec-Fetch-Site", value)) == field

    @pytest.mark.parametrize("method", ["GET", "HEAD"])
    def test_the_admin_routes_are_read_from_anywhere_but_changed_from_their_page(
        self, method: str
    ) -> None:
        headers = (("Host", "127.0.0.1"), ("Origin", "null"), ("Sec-Fetch-Site", "cross-site"))
        assert _refused(SITES, *headers, method=method) is None
        assert _refused(SITES, *headers, method="DELETE") == "origin"
        # The SES API changes state from a GET: no method is open.
        assert _refused(API_SITES, *headers, method=method) == "origin"


_CREATE = (
    "Action=CreateTemplate&Version=2010-12-01&Template.TemplateName={name}&Template.SubjectPart=x"
)


def _post(form: str, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers)
    return (
        f"POST / HTTP/1.1\r\n{head}Connection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(form)}\r\n\r\n{form}"
    ).encode()


def _error(reply: bytes) -> tuple[int, str, str]:
    status, _, body = parse_response(reply)
    model = botocore_session.get_session().get_service_model("ses")
    parsed = botocore_parsers.QueryParser().parse(
        {"body": body, "headers": {}, "status_code": status},
        model.operation_model("CreateTemplate").output_shape,
    )
    return status, str(parsed["Error"]["Code"]), str(parsed["Error"]["Message"])


class TestOverTheWire:
    def test_a_cross_site_post_is_403_recorded_and_changes_nothing(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
            assert ep.state is not None
            origin = f"Origin: http://127.0.0.1:{ep.port + 1}"
            refused = exchange(ep.port, _post(_CREATE.format(name="a"), "Host: 127.0.0.1", origin))
            rebound = exchange(ep.port, _post(_CREATE.format(name="b"), "Host: rebind.example"))
            own = f"Origin: http://127.0.0.1:{ep.port}"
            allowed = exchange(ep.port, _post(_CREATE.format(name="c"), "Host: 127.0.0.1", own))
            listed = ep.state.handle("ListTemplates", {}, now=datetime.now(UTC)).result
        status, code, message = _error(refused)
        assert (status, code) == (403, "AccessDenied")
        assert f"Origin 'http://127.0.0.1:{ep.port + 1}' is not this endpoint's" in message
        assert _error(rebound)[:2] == (403, "AccessDenied")
        assert parse_response(allowed)[0] == 200
        assert listed is not None
        assert [t["Name"] for t in listed["TemplatesMetadata"]] == ["c"]
        captures = list(load_captures(ep.capture_path))
        assert [(c.action, c.status) for c in captures] == [
            ("CreateTemplate", 403),
            ("CreateTemplate", 403),
            ("CreateTemplate", 200),
        ]
        assert "cross-site: origin" in captures[0].notes
        assert "cross-site: host" in captures[1].notes


# --- in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            "Chromium is not installed: apt-get install -y --no-install-recommends chromium"
        )
    return found


def _browse(chromium: str, profile: Path, *args: str) -> str:
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class _AttackerPage(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path, b"")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AttackerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_port)
    finally:
        server.shutdown()
        server.server_close()


def _form(endpoint: str, enctype: str, name: str) -> bytes:
    if enctype == "text/plain":  # the body is "name=value\r\n": the name carries the form
        fields = f"<input name='{_CREATE.format(name=name)}&z' value=''>"
    else:
        fields = "".join(
            f"<input name='{n}' value='{v}'>"
            for n, v in (pair.split("=") for pair in _CREATE.format(name=name).split("&"))
        )
    return (
        f"<form id=f method=POST action='{endpoint}' enctype='{enctype}'>{fields}</form>"
        "<script>document.getElementById('f').submit()</script>"
    ).encode()


def test_chromium_cannot_write_from_another_port(
    chromium: str, attacker: int, tmp_path: Path
) -> None:
    with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
        assert ep.state is not None
        ep.state.handle(
            "CreateTemplate",
            {"Template": {"TemplateName": "keep", "SubjectPart": "x"}},
            now=datetime.now(UTC),
        )
        _AttackerPage.pages = {
            "/plain": _form(ep.url, "text/plain", "plain"),
            "/urlencoded": _form(ep.url, "application/x-www-form-urlencoded", "urlencoded"),
            "/img": (
                f"<img src='{ep.url}?Action=DeleteTemplate&Version=2010-12-01&TemplateName=keep'>"
            ).encode(),
        }
        for n, page in enumerate(_AttackerPage.pages):
            _browse(
                chromium,
                tmp_path / f"profile-{n}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                f"http://127.0.0.1:{attacker}{page}",
            )
        listed = ep.state.handle("ListTemplates", {}, now=datetime.now(UTC)).result
        captures = list(load_captures(ep.capture_path))
    assert listed is not None
    assert [t["Name"] for t in listed["TemplatesMetadata"]] == ["keep"]
    # The browser did send each (the test would see a write that went through), refused.
    # (The browser also asks for /favicon.ico, which names no action.)
    seen = sorted((c.action, c.status) for c in captures if c.action is not None)
    assert seen == [("CreateTemplate", 403), ("CreateTemplate", 403), ("DeleteTemplate", 403)]
    notes = sorted(n for c in captures for n in c.notes if n.startswith("cross-site"))
    assert notes == ["cross-site: origin", "cross-site: origin", "cross-site: sec-fetch-site"]


def test_chromium_cannot_read_through_dns_rebinding(chromium: str, tmp_path: Path) -> None:
    """``rebind.test`` resolves to 127.0.0.1 (as an attacker's name does after rebinding): the
    browser's request names it as its Host, and the answer holds nothing of the account."""
    with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
        assert ep.state is not None
        ep.state.handle(
            "CreateTemplate",
            {"Template": {"TemplateName": "secret-template", "SubjectPart": "x"}},
            now=datetime.now(UTC),
        )
        query = "?Action=ListTemplates&Version=2010-12-01"
        rebound = _browse(
            chromium,
            tmp_path / "profile-rebind",
            "--host-resolver-rules=MAP rebind.test 127.0.0.1",
            "--dump-dom",
            f"http://rebind.test:{ep.port}/{query}",
        )
        control = _browse(
            chromium, tmp_path / "profile-own", "--dump-dom", f"http://127.0.0.1:{ep.port}/{query}"
        )
        captures = list(load_captures(ep.capture_path))
    assert "secret-template" in control  # the same read from the endpoint's own name works
    assert "secret-template" not in rebound
    assert "AccessDenied" in rebound
    listed = [c for c in captures if c.action == "ListTemplates"]  # not /favicon.ico
    assert [c.status for c in listed] == [403, 200]
    assert "cross-site: host" in listed[0].notes
