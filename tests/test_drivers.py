"""Drivers and scenarios (issue 4): real clients against the loopback endpoint.

Scenario params are checked with botocore's own validator and serializer (an independent
implementation); live runs assert what arrived at the endpoint.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sesspec.check import Credentials
from sesspec.drivers import (
    REAL_HOST,
    NodeDriver,
    PythonDriver,
    Target,
    all_drivers,
    get_driver,
    install_clients,
    load_scenarios,
    run_matrix,
    target_of,
)
from sesspec.drivers.base import asked, credentials_job, run_child
from sesspec.drivers.kinds import CargoDriver, GoModuleDriver, MavenDriver
from sesspec.drivers.node import JS_DIR
from sesspec.drivers.registry import (
    DRIVERS_DIR,
    AnyDriver,
    CommandDriver,
    CompiledDriver,
    build_cache,
)
from sesspec.drivers.scenarios import ClientSetup, mime_message
from sesspec.encoding import form_decode
from sesspec.fidelity import compare_request
from sesspec.serve import Capture, Endpoint, load_captures
from sesspec.serve.capture import capture_findings
from sesspec.serve.strict import (
    STRICT_ACCESS_KEY_ID,
    STRICT_SECRET_ACCESS_KEY,
    STRICT_SESSION_TOKEN,
    default_findings,
)

botocore_session = pytest.importorskip("botocore.session")
botocore_validate = pytest.importorskip("botocore.validate")
botocore_serialize = pytest.importorskip("botocore.serialize")

_SES = botocore_session.get_session().get_service_model("ses")
_SCENARIOS = load_scenarios()
_BY_ID = {s.id: s for s in _SCENARIOS}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    folder = tmp_path_factory.mktemp("drivers")
    with Endpoint(folder / "captures.jsonl", ca_path=folder / "ca.pem") as ep:
        yield ep


class TestScenarioFile:
    """Issue 4: the scenarios every driver runs, each with a stable id."""

    REQUIRED = (
        "send-email-ascii",
        "send-email-special-chars",
        "send-email-unicode",
        "send-email-plus-address",
        "send-email-to-cc-bcc",
        "send-email-50-recipients",
        "send-email-tags",
        "send-raw-email-small",
        "send-raw-email-1mb",
        "send-templated-email",
        "send-bulk-templated-email",
        "list-identities",
        "presign-get-send-email",
    )

    def test_required_scenarios_present_with_unique_kebab_ids(self) -> None:
        ids = [s.id for s in _SCENARIOS]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
        assert set(self.REQUIRED) <= set(ids)

    @pytest.mark.parametrize("scenario_id", [pytest.param(s.id, id=s.id) for s in _SCENARIOS])
    def test_params_valid_for_botocore(self, scenario_id: str) -> None:
        scenario = _BY_ID[scenario_id]
        shape = _SES.operation_model(scenario.action).input_shape
        botocore_validate.validate_parameters(scenario.typed_params(), shape)

    @pytest.mark.parametrize("scenario_id", [pytest.param(s.id, id=s.id) for s in _SCENARIOS])
    def test_form_pairs_match_botocore_serializer(self, scenario_id: str) -> None:
        """What the signing-only drivers send is what botocore would put in the body."""
        scenario = _BY_ID[scenario_id]
        op = _SES.operation_model(scenario.action)
        body = botocore_serialize.QuerySerializer().serialize_to_request(
            scenario.typed_params(), op
        )["body"]
        assert dict(scenario.form_pairs()) == {k: str(v) for k, v in body.items()}

    def test_special_characters(self) -> None:
        subject = _BY_ID["send-email-special-chars"].params["Message"]["Subject"]["Data"]
        assert set(" +~*&=%()'!") <= set(subject)

    def test_fifty_recipients(self) -> None:
        params = _BY_ID["send-email-50-recipients"].params
        to = params["Destination"]["ToAddresses"]
        assert len(to) == 50
        assert len(set(to)) == 50

    def test_to_cc_bcc_counts(self) -> None:
        dest = _BY_ID["send-email-to-cc-bcc"].params["Destination"]
        counts = (len(dest["ToAddresses"]), len(dest["CcAddresses"]), len(dest["BccAddresses"]))
        assert counts == (3, 2, 1)

    def test_unicode_has_emoji(self) -> None:
        subject = _BY_ID["send-email-unicode"].params["Message"]["Subject"]["Data"]
        assert any(ord(ch) > 0xFFFF for ch in subject)

    @pytest.mark.parametrize("size", [2048, 4096, 1048576])
    def test_mime_size_is_exact(self, size: int) -> None:
        message = mime_message(size, "s")
        assert len(message.encode("ascii")) == size
        assert message.endswith("--sesspec-boundary--\r\n")

    def test_raw_sizes(self) -> None:
        small = _BY_ID["send-raw-email-small"].params["RawMessage"]["Data"]
        big = _BY_ID["send-raw-email-1mb"].params["RawMessage"]["Data"]
        assert (len(small), len(big)) == (4096, 1048576)


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []


class TestScenariosThatBite:
    """Issue 11, point 2: values that reveal the known content bugs, and client settings."""

    NEW = (
        "send-email-line-ends",
        "send-email-spaces",
        "send-email-unicode-forms",
        "send-email-reserved-chars",
        "send-email-empty-value",
        "send-email-long-subject",
        "send-email-idn",
        "send-raw-email-8bit",
        "send-email-session-token",
        "send-email-eu-west-1",
        "send-email-explicit-port",
    )

    def test_present_after_the_old_ones(self) -> None:
        ids = [s.id for s in _SCENARIOS]
        assert ids[: len(TestScenarioFile.REQUIRED)] == list(TestScenarioFile.REQUIRED)
        assert set(self.NEW) <= set(ids)

    def test_line_ends(self) -> None:
        text = "".join(_texts(_BY_ID["send-email-line-ends"].params))
        assert re.search(r"[^\r]\n", text)  # bare LF
        assert "\r\n" in text
        assert re.search(r"\r[^\n]", text)  # bare CR

    def test_spaces(self) -> None:
        subject = _BY_ID["send-email-spaces"].params["Message"]["Subject"]["Data"]
        assert subject != subject.strip()
        assert subject[0] == subject[-1] == " "

    def test_nfc_nfd_and_astral(self) -> None:
        texts = _texts(_BY_ID["send-email-unicode-forms"].params)
        assert any(unicodedata.normalize("NFC", t) != t for t in texts)  # decomposed text
        assert any(any(unicodedata.decomposition(c) for c in t) for t in texts)  # composed
        assert any(ord(c) > 0xFFFF for t in texts for c in t)

    def test_reserved_characters(self) -> None:
        text = "".join(_texts(_BY_ID["send-email-reserved-chars"].params))
        assert set("&=+%#;") <= set(text)
        assert set("*!'()~") <= set(text)

    def test_empty_value(self) -> None:
        subject = _BY_ID["send-email-empty-value"].params["Message"]["Subject"]
        assert subject == {"Data": ""}
        assert ("Message.Subject.Data", "") in _BY_ID["send-email-empty-value"].form_pairs()

    def test_long_subject(self) -> None:
        subject = _BY_ID["send-email-long-subject"].params["Message"]["Subject"]["Data"]
        assert len(subject) == 1000
        assert subject == subject.strip()

    def test_idn_addresses_are_punycode(self) -> None:
        """docs/spec.md param-addresses: a Unicode domain is sent in Punycode."""
        pairs = _BY_ID["send-email-idn"].form_pairs()
        addresses = [v for n, v in pairs if n == "Source" or "Addresses.member" in n]
        assert len(addresses) == 4
        for address in addresses:
            assert address.isascii()
            domain = address.rsplit("@", 1)[1]
            assert domain.startswith("xn--")
            assert not domain.encode().decode("idna").isascii()

    def test_raw_message_with_8bit_bytes(self) -> None:
        data = _BY_ID["send-raw-email-8bit"].typed_params()["RawMessage"]["Data"]
        assert isinstance(data, bytes)
        assert any(b >= 0x80 for b in data)
        assert data.count(b"\n") == data.count(b"\r\n")  # CRLF only: ENC009 bites on a change

    def test_client_settings(self) -> None:
        assert [(s.id, s.client) for s in _SCENARIOS if s.client != ClientSetup()] == [
            ("send-email-session-token", ClientSetup(session_token=True)),
            ("send-email-eu-west-1", ClientSetup(region="eu-west-1")),
            ("send-email-explicit-port", ClientSetup(explicit_port=True)),
        ]

    def test_what_each_client_is_told(self) -> None:
        target = Target(port=4566, tls=True, ca_path=None)
        told = {i: target.as_job(_BY_ID[i]) for i in self.NEW[-3:]}
        assert [(j["url"], j["host"], j["told_port"]) for j in told.values()] == [
            ("https://email.us-east-1.amazonaws.com/", "email.us-east-1.amazonaws.com", None),
            ("https://email.eu-west-1.amazonaws.com/", "email.eu-west-1.amazonaws.com", None),
            (
                "https://email.us-east-1.amazonaws.com:4566/",
                "email.us-east-1.amazonaws.com",
                4566,
            ),
        ]
        token = credentials_job(_BY_ID["send-email-session-token"])["session_token"]
        assert token == STRICT_SESSION_TOKEN
        assert credentials_job(_BY_ID["send-email-ascii"])["session_token"] is None
        assert credentials_job(_BY_ID["send-email-eu-west-1"])["region"] == "eu-west-1"

    @pytest.mark.parametrize("scenario_id", NEW)
    @pytest.mark.parametrize("name", [d.name for d in all_drivers()])
    def test_every_driver_declares_each_new_scenario(self, name: str, scenario_id: str) -> None:
        """Each driver runs each new scenario, or says it cannot, with a reason naming what
        its client cannot express; a reason is never given for a setting every client can be
        given (the region) or for the plain content scenarios of an action it sends."""
        driver = get_driver(name)
        scenario = _BY_ID[scenario_id]
        ok, reason = driver.supports(scenario)
        if ok:
            assert reason == ""
            return
        assert len(reason) > 20
        unsupported_action = not driver.supports(
            next(s for s in _SCENARIOS if s.action == scenario.action and s.client == ClientSetup())
        )[0]
        if scenario.client.session_token:
            assert "token" in reason or unsupported_action
        elif scenario.client.explicit_port:
            assert "port" in reason or unsupported_action
        else:
            assert unsupported_action, reason

    @pytest.mark.parametrize("name", [d.name for d in all_drivers()])
    def test_every_driver_says_how_it_is_given_the_params(self, name: str) -> None:
        driver = get_driver(name)
        given = {driver.given_as(s) for s in _SCENARIOS}
        assert given <= {"params", "pairs", "mail"}
        signers = {"awscrt-signer", "requests-aws4auth", "aws-requests-auth", "aws4", "aws4fetch"}
        if name in signers or name.startswith(("perl-", "requests-auth", "httpx")):
            assert given == {"pairs"}
        if name in ("nodemailer-ses", "php-symfony-ses-http", "haskell-mime-mail-ses"):
            assert driver.given_as(_BY_ID["send-email-ascii"]) == "mail"
            assert driver.given_as(_BY_ID["send-raw-email-small"]) == "params"


class TestRegistry:
    def test_clients_and_languages(self) -> None:
        """At least 33 configurations in at least 9 languages (and the AWS CLI), each row
        saying the registry it comes from."""
        drivers = all_drivers()
        assert len({d.name for d in drivers}) == len(drivers)
        assert len(drivers) >= 33
        languages = {"python", "javascript", "ruby", "perl", "go", "haskell", "php", "java", "rust"}
        assert {d.language for d in drivers} == {*languages, "shell"}
        registries = {d.registry for d in drivers}
        assert registries == {"pypi", "npm", "maven", "crates", "goproxy", "debian"}

    def test_compiled_driver_package_missing(self) -> None:
        driver = CompiledDriver(
            name="ghost-hs",
            language="haskell",
            toolchain="sh",
            source="hs",
            main="x.hs",
            debian=("libghc-no-such-sesspec-dev",),
        )
        assert driver.available() == (
            False,
            "libghc-no-such-sesspec-dev not installed (apt-get install libghc-no-such-sesspec-dev)",
        )

    def test_build_cache_is_per_user_and_keyed_by_source(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        assert build_cache() == tmp_path / "cache" / "sesspec" / "drivers"
        source = tmp_path / "src"
        source.mkdir()
        (source / "main.go").write_text("package main\n", encoding="utf-8")
        driver = CompiledDriver(name="ghost", language="go", toolchain="go", source=str(source))
        first = driver.program()
        assert first.parent.parent == build_cache()
        assert first.name == "ghost"
        assert driver.program() == first  # same inputs, same place
        (source / "main.go").write_text("package main // changed\n", encoding="utf-8")
        assert driver.program() != first
        monkeypatch.delenv("XDG_CACHE_HOME")
        assert build_cache() == Path.home() / ".cache" / "sesspec" / "drivers"

    @pytest.mark.client
    def test_build_failure_is_a_reason(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        if shutil.which("go") is None:
            pytest.skip("go is not on PATH (apt-get install golang-go)")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        source = tmp_path / "broken"
        source.mkdir()
        (source / "main.go").write_text("package main\nfunc main() { x }\n", encoding="utf-8")
        driver = CompiledDriver(
            name="broken-go",
            language="go",
            toolchain="go",
            source=str(source),
        )
        ok, reason = driver.available()
        assert not ok
        assert reason.startswith("the go build failed: ")
        assert "undefined: x" in reason
        assert not driver.program().exists()
        assert not list(driver.program().parent.glob("build-*"))  # no half-built leftovers

    @pytest.mark.parametrize(
        ("driver", "reason"),
        [
            (
                CommandDriver(
                    name="ghost-rb",
                    language="ruby",
                    program="no-such-ruby-sesspec",
                    script="rb/x.rb",
                    debian=("ruby-ghost",),
                ),
                "no-such-ruby-sesspec is not on PATH (apt-get install ruby-ghost)",
            ),
            (
                CompiledDriver(
                    name="ghost-go",
                    language="go",
                    toolchain="no-such-go-sesspec",
                    source="go/x",
                    debian=("golang-x",),
                ),
                "no-such-go-sesspec is not on PATH (apt-get install golang-x)",
            ),
        ],
        ids=["script", "compiled"],
    )
    def test_driver_without_its_program(self, driver: AnyDriver, reason: str) -> None:
        assert driver.available() == (False, reason)
        outcome = driver.run(_SCENARIOS[0], Target(port=1, tls=False, ca_path=None))
        assert (outcome.status, outcome.detail) == ("not-available", reason)

    def test_command_driver_library_missing(self) -> None:
        driver = CommandDriver(
            name="ghost-pl",
            language="perl",
            program="sh",
            script="pl/ghost.pl",
            debian=("libghost-perl",),
            probe=("-c", "exit 1"),
        )
        assert driver.available() == (
            False,
            "the library does not load (apt-get install libghost-perl)",
        )

    def test_missing_client_is_not_available_with_reason(self) -> None:
        driver = PythonDriver(
            name="ghost",
            module="py_ghost",
            requirements=("ghost-pkg",),
            distributions=("ghost-pkg",),
        )
        ok, reason = driver.available()
        assert not ok
        assert "ghost-pkg is not installed" in reason
        outcome = driver.run(_SCENARIOS[0], Target(port=1, tls=False, ca_path=None))
        assert outcome.status == "not-available"
        assert outcome.detail == reason

    def test_unsupported_scenario_is_reported(self) -> None:
        driver = get_driver("boto2")
        ok, reason = driver.supports(_BY_ID["presign-get-send-email"])
        assert not ok
        assert "presign" in reason

    def test_node_driver_without_modules(self) -> None:
        driver = NodeDriver(
            name="ghost-js", script="ghost.mjs", packages=("no-such-package-sesspec",)
        )
        ok, reason = driver.available()
        assert not ok
        assert reason

    def test_install_failures_are_reported_not_raised(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A Maven, cargo or Go-module build that is not in the cache fails here, as one that
        # cannot run would: the test is about the report, not minutes of building.
        for kind in (MavenDriver, CargoDriver, GoModuleDriver):
            real = kind.build

            def build(self: Any, real: Any = real) -> tuple[bool, str]:
                return real(self) if self.built() else (False, "not built in this test")

            monkeypatch.setattr(kind, "build", build)
        status = install_clients(
            python=str(tmp_path / "no-python"),
            npm=str(tmp_path / "no-npm"),
            apt=str(tmp_path / "no-apt-get"),
        )
        assert set(status) == {d.name for d in all_drivers()}
        for driver in all_drivers():
            there = not isinstance(driver, PythonDriver)  # pip is the one installer given
            if there and driver.available()[0]:
                assert status[driver.name] == "installed"  # already there: nothing to install
            else:
                assert status[driver.name].startswith("not available: "), driver.name


class TestRunChild:
    def test_timeout(self) -> None:
        outcome = run_child(
            [sys.executable, "-c", "import time; time.sleep(30)"],
            {},
            driver="sleepy",
            scenario="s",
            env={},
            timeout=0.5,
        )
        assert outcome.status == "timeout"

    def test_crash_without_result_line(self) -> None:
        outcome = run_child(
            [sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"],
            {},
            driver="crashy",
            scenario="s",
            env={},
            timeout=30,
        )
        assert outcome.status == "client-error"
        assert outcome.detail == "exit status 3: boom"


def _guarded_python(code: str, port: int) -> subprocess.CompletedProcess[str]:
    prelude = f"from sesspec.drivers import _guard; _guard.install({port})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _against_endpoint(tmp_path: Path, argv: list[str]) -> tuple[list[str], str, list[Capture]]:
    """Run ``argv`` (``{port}`` replaced) with SESSPEC_LOOPBACK_PORT set to a fresh plain-HTTP
    endpoint's port; its stdout lines, its stderr and what the endpoint captured."""
    with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
        done = subprocess.run(
            [a.replace("{port}", str(ep.port)) for a in argv],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                "SESSPEC_LOOPBACK_PORT": str(ep.port),
                "PATH": "/usr/bin:/bin",
                "HOME": str(tmp_path),
            },
            check=False,
        )
    return done.stdout.splitlines(), done.stderr, list(load_captures(tmp_path / "c.jsonl"))


class TestGuard:
    """A driver child can reach the loopback endpoint and nothing else."""

    def test_python_names_go_to_the_endpoint(self, tmp_path: Path) -> None:
        with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
            code = (
                "import urllib.request\n"
                "r = urllib.request.urlopen("
                "'http://email.us-east-1.amazonaws.com/?Action=GetSendQuota', timeout=10)\n"
                "print(r.status)\n"
            )
            done = _guarded_python(code, ep.port)
        assert done.stdout.strip() == "200", done.stderr
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.request().header("Host") == "email.us-east-1.amazonaws.com"

    def test_python_refuses_non_loopback_address(self) -> None:
        code = (
            "import socket\n"
            "s = socket.socket()\n"
            "try:\n"
            "    s.connect(('192.0.2.1', 443))\n"
            "except ConnectionRefusedError as e:\n"
            "    print('refused', e)\n"
        )
        done = _guarded_python(code, 9)
        assert done.stdout.startswith("refused sesspec driver guard"), done.stderr

    @pytest.mark.client
    def test_node_connections_go_to_the_endpoint(self, tmp_path: Path) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not on PATH")
        with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
            script = (
                "import http from 'node:http';"
                "http.get('http://192.0.2.1/?Action=GetSendQuota', r => {"
                " console.log(r.statusCode); r.resume(); });"
            )
            done = subprocess.run(
                [node, "--import", "./_guard.mjs", "--input-type=module", "-e", script],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=JS_DIR,
                env={"SESSPEC_LOOPBACK_PORT": str(ep.port), "PATH": "/usr/bin:/bin"},
                check=False,
            )
        # It reached the endpoint, which refuses a Host that is neither this machine nor an SES
        # name (sesspec.serve.sites: a DNS-rebinding page's); the capture shows it arrived.
        assert done.stdout.strip() == "403", done.stderr
        (capture,) = load_captures(tmp_path / "c.jsonl")
        assert capture.action == "GetSendQuota"

    @pytest.mark.client
    def test_ruby_names_go_to_the_endpoint_and_addresses_are_refused(self, tmp_path: Path) -> None:
        ruby = shutil.which("ruby")
        if ruby is None:
            pytest.skip("ruby is not on PATH (apt-get install ruby)")
        script = (
            "require 'net/http'\n"
            "puts Net::HTTP.get_response(URI('http://email.us-east-1.amazonaws.com/"
            "?Action=GetSendQuota')).code\n"
            "begin\n  Socket.tcp('192.0.2.1', 443)\nrescue SystemCallError => e\n"
            "  puts e.message\nend\n"
            "begin\n  TCPSocket.new('10.0.0.1', 80)\nrescue SystemCallError => e\n"
            "  puts e.message\nend\n"
            "begin\n  Socket.new(:INET, :STREAM).connect(Socket.sockaddr_in(443, '192.0.2.7'))\n"
            "rescue SystemCallError => e\n  puts e.message\nend\n"
            "Resolv.each_address('email.us-east-1.amazonaws.com') { |ip| puts ip }\n"
            "s = Socket.new(:INET, :STREAM)\n"
            "s.connect(Socket.sockaddr_in(80, '127.0.0.1'))\n"
            's.write("GET /?Action=ListIdentities HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")\n'
            "puts s.readpartial(12)\n"
        )
        with Endpoint(tmp_path / "c.jsonl", tls=False) as ep:
            done = subprocess.run(
                [ruby, "-r", str(DRIVERS_DIR / "rb" / "_common.rb"), "-e", script],
                capture_output=True,
                text=True,
                timeout=60,
                env={"SESSPEC_LOOPBACK_PORT": str(ep.port), "PATH": "/usr/bin:/bin"},
                check=False,
            )
        lines = done.stdout.splitlines()
        assert lines[0] == "200", done.stderr
        assert lines[1:] == [
            "Connection refused - sesspec driver guard: refused 192.0.2.1 (loopback only)",
            "Connection refused - sesspec driver guard: refused 10.0.0.1 (loopback only)",
            "Connection refused - sesspec driver guard: refused 192.0.2.7 (loopback only)",
            "127.0.0.1",  # a name resolves to loopback (Excon's path)
            "HTTP/1.1 200",  # and port 80 there is the endpoint
        ]
        first, second = load_captures(tmp_path / "c.jsonl")
        assert first.request().header("Host") == "email.us-east-1.amazonaws.com"
        assert second.action == "ListIdentities"

    @pytest.mark.client
    @pytest.mark.parametrize(
        "name", ["go-aws-sdk-go-v1", "go-aws-sdk-go-v2", "haskell-mime-mail-ses", "haskell-aws"]
    )
    def test_compiled_names_go_to_the_endpoint_and_addresses_are_refused(
        self, tmp_path: Path, name: str
    ) -> None:
        """The Go and Haskell programs' guard (their transport, their connection manager),
        through the program's ``--probe URL...``."""
        driver = _require(name)
        assert isinstance(driver, CompiledDriver)
        urls = [
            "http://email.us-east-1.amazonaws.com/?Action=GetSendQuota",
            "http://192.0.2.1/",
            "http://10.0.0.1:8080/",
            "http://[2001:db8::1]/",
        ]
        lines, errors, captures = _against_endpoint(
            tmp_path, [str(driver.program()), "--probe", *urls]
        )
        assert lines[0] == "200", [*lines, errors]
        refused = [
            re.findall(r"sesspec driver guard: refused \S+ \(loopback only\)", line)
            for line in lines[1:]
        ]
        assert [
            found[0] if found else line for found, line in zip(refused, lines[1:], strict=True)
        ] == [
            "sesspec driver guard: refused 192.0.2.1:80 (loopback only)",
            "sesspec driver guard: refused 10.0.0.1:8080 (loopback only)",
            "sesspec driver guard: refused [2001:db8::1]:80 (loopback only)",
        ]
        (capture,) = captures
        assert capture.request().header("Host") == "email.us-east-1.amazonaws.com"

    @pytest.mark.client
    @pytest.mark.parametrize("name", ["rust-aws-sdk-ses", "rust-rusoto-ses"])
    def test_rust_names_go_to_the_endpoint_and_addresses_are_refused(
        self, tmp_path: Path, name: str
    ) -> None:
        """The Rust drivers' guard (their HTTP client or connector, src/guard.rs), through
        ``--probe``."""
        driver = _require(name)
        urls = [
            "http://email.us-east-1.amazonaws.com/?Action=GetSendQuota",
            "http://192.0.2.1/",
            "http://10.0.0.1:8080/",
            "http://[2001:db8::1]/",
        ]
        lines, errors, captures = _against_endpoint(tmp_path, [*driver.command(), "--probe", *urls])
        assert lines == [
            "200",
            "sesspec driver guard: refused 192.0.2.1:80 (loopback only)",
            "sesspec driver guard: refused 10.0.0.1:8080 (loopback only)",
            "sesspec driver guard: refused [2001:db8::1]:80 (loopback only)",
        ], errors
        (capture,) = captures
        assert capture.request().header("Host") == "email.us-east-1.amazonaws.com"

    @pytest.mark.client
    def test_java_names_go_to_the_endpoint_and_addresses_are_refused(self, tmp_path: Path) -> None:
        """The Java drivers' guard (Guard.java): a name reaches the endpoint through the
        in-JVM loopback proxy, an address that is not loopback is refused there, and a socket
        connected past the proxy is refused by the JVM-wide security manager."""
        driver = _require("java-aws-sdk-v2")
        urls = [
            "http://email.us-east-1.amazonaws.com/?Action=GetSendQuota",
            "http://192.0.2.1/",
            "http://10.0.0.1:8080/",
            "http://[2001:db8::1]/",
            "tcp://192.0.2.7:443",
            "tcp://[2001:db8::2]:443",
        ]
        lines, errors, captures = _against_endpoint(tmp_path, [*driver.command(), "--probe", *urls])
        assert lines[0] == "200", [*lines, errors]
        refused = [
            re.findall(r"sesspec driver guard: refused \S+ \(loopback only\)", x) for x in lines
        ]
        assert [found[0] if found else line for found, line in zip(refused, lines, strict=True)][
            1:
        ] == [
            "sesspec driver guard: refused 192.0.2.1:80 (loopback only)",
            "sesspec driver guard: refused 10.0.0.1:8080 (loopback only)",
            "sesspec driver guard: refused [2001:db8::1]:80 (loopback only)",
            "sesspec driver guard: refused 192.0.2.7:443 (loopback only)",
            # the socket is checked with the address as the JDK writes it out
            "sesspec driver guard: refused [2001:db8:0:0:0:0:0:2]:443 (loopback only)",
        ]
        (capture,) = captures
        assert capture.request().header("Host") == "email.us-east-1.amazonaws.com"

    @pytest.mark.client
    def test_aws_cli_script_loads_the_guard(self, tmp_path: Path) -> None:
        """Debian's AWS CLI runs under /usr/bin/python3, where sesspec is not installed: the
        driver script loads _guard.py by path; names then reach the endpoint and other
        addresses are refused."""
        driver = _require("aws-cli-v2")
        assert isinstance(driver, CommandDriver)
        code = (
            "import runpy, socket, sys, urllib.request\n"
            f"script = runpy.run_path({str(DRIVERS_DIR / driver.script)!r})\n"
            "script['load_guard']().install(int(sys.argv[1]))\n"
            "import awscli.clidriver\n"
            "r = urllib.request.urlopen("
            "'http://email.us-east-1.amazonaws.com/?Action=GetSendQuota', timeout=10)\n"
            "print(r.status)\n"
            "try:\n"
            "    socket.socket().connect(('192.0.2.1', 443))\n"
            "except ConnectionRefusedError as e:\n"
            "    print(e)\n"
        )
        lines, errors, captures = _against_endpoint(
            tmp_path, [driver.program, "-c", code, "{port}"]
        )
        assert lines == [
            "200",
            "sesspec driver guard: refused connection to ('192.0.2.1', 443) (loopback only)",
        ], errors
        (capture,) = captures
        assert capture.request().header("Host") == "email.us-east-1.amazonaws.com"

    @pytest.mark.client
    def test_php_connections_go_to_the_endpoint(self, tmp_path: Path) -> None:
        """The PHP drivers' curl client sends every connection, to any host or address and
        port, to the endpoint (CURLOPT_CONNECT_TO), keeping the URL's Host."""
        _require("php-symfony-ses-http")
        code = (
            f"require {str(DRIVERS_DIR / 'php' / '_common.php')!r};"
            "$client = sesspec_client(null);"
            "foreach (['http://192.0.2.1/?Action=GetSendQuota',"
            " 'http://email.us-east-1.amazonaws.com:8443/?Action=ListIdentities'] as $url) {"
            " echo $client->request('GET', $url)->getStatusCode(), \"\\n\"; }"
        )
        lines, errors, captures = _against_endpoint(tmp_path, ["php", "-r", code])
        # The first reached the endpoint, which refuses its Host (an address that is not this
        # machine's, sesspec.serve.sites); the capture shows it arrived.
        assert lines == ["403", "200"], errors
        first, second = captures
        assert first.request().header("Host") == "192.0.2.1"
        assert second.request().header("Host") == "email.us-east-1.amazonaws.com:8443"


def _require(name: str) -> AnyDriver:
    driver = get_driver(name)
    if not driver.built():  # a Maven, cargo or Go-module build is minutes: never in a test
        pytest.skip(f"{name} not built (sesspec report --install, or make report, builds it)")
    ok, reason = driver.available()
    if not ok:
        pytest.skip(f"{name} not available: {reason}")
    return driver


@pytest.mark.client
class TestLiveSmoke:
    """CI's live slice: botocore, one Node client, and each client in another language where
    installed (else skipped with the install command); each sends one request, captured."""

    @pytest.mark.parametrize(
        ("name", "host", "scenario"),
        [
            ("boto3", REAL_HOST, "send-email-ascii"),
            ("aws-sdk-js-v3", REAL_HOST, "send-email-ascii"),
            ("ruby-aws-sdk-v1", REAL_HOST, "send-email-ascii"),
            ("ruby-fog-aws", f"{REAL_HOST}:443", "send-email-ascii"),  # Excon names the port
            ("perl-aws-signature4", REAL_HOST, "send-email-ascii"),
            ("perl-net-amazon-signature-v4", REAL_HOST, "send-email-ascii"),
            ("aws-cli-v2", REAL_HOST, "send-email-ascii"),
            ("aws-cli-v1", REAL_HOST, "send-raw-email-small"),
            ("go-aws-sdk-go-v1", REAL_HOST, "send-email-ascii"),
            ("go-aws-sdk-go-v2", REAL_HOST, "send-email-ascii"),
            ("ruby-aws-sdk-core", REAL_HOST, "send-email-ascii"),
            ("haskell-mime-mail-ses", REAL_HOST, "send-raw-email-small"),
            ("haskell-aws", REAL_HOST, "list-identities"),
            ("php-symfony-ses-api", REAL_HOST, "send-email-ascii"),
            ("php-symfony-ses-http", REAL_HOST, "send-raw-email-small"),
        ],
    )
    def test_one_request(self, endpoint: Endpoint, name: str, host: str, scenario: str) -> None:
        driver = _require(name)
        (outcome,) = run_matrix(endpoint, [driver], [_BY_ID[scenario]])
        assert outcome.status == "ok", outcome.detail
        (seq,) = outcome.captures
        capture = next(c for c in load_captures(endpoint.capture_path) if c.seq == seq)
        assert capture.action == _BY_ID[scenario].action
        assert capture.request().header("Host") == host
        assert capture.server_name == REAL_HOST

    def test_ruby_aws_sdk_core_sends_its_own_serialization(self, endpoint: Endpoint) -> None:
        """aws-sdk-core with the SES model loaded at run time: the request passed through its
        query serializer and signer (the handlers that ran), and the pairs it wrote are those
        botocore's serializer writes for the scenario (form_pairs, checked against botocore
        above), nested lists and structures included."""
        driver = _require("ruby-aws-sdk-core")
        scenario = _BY_ID["send-bulk-templated-email"]
        (outcome,) = run_matrix(endpoint, [driver], [scenario])
        assert outcome.status == "ok", outcome.detail
        assert outcome.detail == "handlers: Aws::Plugins::Sign::Handler, Aws::Query::Handler"
        (seq,) = outcome.captures
        capture = next(c for c in load_captures(endpoint.capture_path) if c.seq == seq)
        sent = sorted(form_decode(capture.request().body))
        assert sent == sorted(scenario.form_pairs())
        assert (capture.request().header("Authorization") or "").startswith("AWS4-HMAC-SHA256 ")

    def test_boto3_presigned_get(self, endpoint: Endpoint) -> None:
        driver = _require("boto3")
        outcome = driver.run(_BY_ID["presign-get-send-email"], target_of(endpoint))
        assert outcome.status == "ok", outcome.detail
        capture = list(load_captures(endpoint.capture_path))[-1]
        request = capture.request()
        assert request.method == "GET"
        assert "X-Amz-Signature=" in request.target
        assert capture.action == "SendEmail"


def _only_capture(endpoint: Endpoint, seqs: tuple[int, ...]) -> Capture:
    (seq,) = seqs
    return next(c for c in load_captures(endpoint.capture_path) if c.seq == seq)


@pytest.mark.client
class TestSettingsEndToEnd:
    """Issue 11, point 2, on a real client (botocore): temporary credentials, another region
    and an explicit port reach the endpoint as they were given, and the checks see them."""

    def _run(self, endpoint: Endpoint, scenario_id: str) -> Capture:
        driver = _require("boto3")
        (outcome,) = run_matrix(endpoint, [driver], [_BY_ID[scenario_id]])
        assert outcome.status == "ok", outcome.detail
        return _only_capture(endpoint, outcome.captures)

    def test_session_token(self, endpoint: Endpoint) -> None:
        capture = self._run(endpoint, "send-email-session-token")
        line = capture.to_json()
        raw = base64.b64decode(json.loads(line)["raw"])
        assert STRICT_SESSION_TOKEN.encode() not in raw  # masked in the capture file
        assert len(capture.masked) == 1
        request = capture.with_token(STRICT_SESSION_TOKEN).request()
        assert request.header("X-Amz-Security-Token") == STRICT_SESSION_TOKEN
        signed = (request.header("Authorization") or "").split("SignedHeaders=")[1]
        assert "x-amz-security-token" in signed.split(",")[0].split(";")
        rules = {(f.rule, f.severity) for f in default_findings(capture)}
        assert ("AUTH019", "info") in rules  # verified over the token header
        assert not {r for r, sev in rules if sev in ("error", "warning")}
        assert capture.with_token("another-token") == capture  # stays masked
        not_given = Credentials(STRICT_ACCESS_KEY_ID, STRICT_SECRET_ACCESS_KEY)
        assert "AUTH018" in {f.rule for f in capture_findings(capture, credentials=not_given)}
        what = asked(get_driver("boto3"), _BY_ID["send-email-session-token"])
        assert compare_request(what, request) == []

    def test_region(self, endpoint: Endpoint) -> None:
        capture = self._run(endpoint, "send-email-eu-west-1")
        request = capture.request()
        assert request.header("Host") == "email.eu-west-1.amazonaws.com"
        assert capture.server_name == "email.eu-west-1.amazonaws.com"
        assert "/eu-west-1/ses/aws4_request" in (request.header("Authorization") or "")
        assert capture.status == 200
        assert "AUTH019" in {f.rule for f in default_findings(capture)}
        what = asked(get_driver("boto3"), _BY_ID["send-email-eu-west-1"])
        assert compare_request(what, request) == []

    def test_explicit_port(self, endpoint: Endpoint) -> None:
        capture = self._run(endpoint, "send-email-explicit-port")
        told = f"email.us-east-1.amazonaws.com:{endpoint.port}"
        assert capture.told_authority == told
        assert capture.local_port == endpoint.port
        assert capture.request().header("Host") == told
        what = asked(get_driver("boto3"), _BY_ID["send-email-explicit-port"], authority=told)
        assert compare_request(what, capture.request()) == []

    def test_other_captures_record_the_default_authority(self, endpoint: Endpoint) -> None:
        capture = self._run(endpoint, "send-email-ascii")
        assert capture.told_authority == REAL_HOST
        assert capture.masked == ()


@pytest.mark.client
@pytest.mark.parametrize("name", [d.name for d in all_drivers()])
def test_every_client_passes_the_session_token(endpoint: Endpoint, name: str) -> None:
    """Each client given temporary credentials sends the token it was given (or says it
    cannot take one); the capture masks it and its signature verifies with it put back."""
    driver = _require(name)
    scenario = _BY_ID["send-email-session-token"]
    (outcome,) = run_matrix(endpoint, [driver], [scenario])
    if outcome.status == "not-supported":
        assert "token" in outcome.detail or not driver.supports(_BY_ID["send-email-ascii"])[0]
        return
    assert outcome.status == "ok", outcome.detail
    for seq in outcome.captures:
        capture = _only_capture(endpoint, (seq,))
        assert capture.masked, "no session token arrived"
        request = capture.with_token(STRICT_SESSION_TOKEN).request()
        what = asked(driver, scenario, authority=capture.told_authority)
        token_differences = [
            d for d in compare_request(what, request) if d.where.name == "X-Amz-Security-Token"
        ]
        assert token_differences == []
        assert not any(f.rule == "AUTH018" for f in default_findings(capture))


@pytest.mark.client
def test_cli_runs_one_client(tmp_path: Path) -> None:
    from sesspec.cli.drivers import main

    _require("boto3")
    out = tmp_path / "outcomes.json"
    capture = tmp_path / "c.jsonl"
    code = main(
        [
            "--client",
            "boto3",
            "--scenario",
            "list-identities",
            "--capture",
            str(capture),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    document = json.loads(out.read_text("utf-8"))
    (outcome,) = document["outcomes"]
    assert (outcome["driver"], outcome["scenario"], outcome["status"]) == (
        "boto3",
        "list-identities",
        "ok",
    )
    (record,) = load_captures(capture)
    assert record.action == "ListIdentities"
    assert record.seq == outcome["captures"][0]
