"""``sesspec sweep`` for the compiled SDKs: the Go module proxy, Maven Central and crates.io,
read and built through local stand-ins, never the network.

- a fake Go module proxy (a folder served over ``file://``, laid out as the GOPROXY protocol
  says: ``<module>/@v/list``, ``<version>.info``, ``.mod``, ``.zip``), read by the real go
  command, and a fake module built by the real go command against it;
- a fake Maven repository folder (``maven-metadata.xml``) and a fake ``mvn``;
- a fake crates.io sparse index folder and a fake ``cargo``.

Expected values are worked by hand from the fakes and from the registries' documented layouts
(cargo's "Registry index" chapter for the index paths).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sesspec.drivers.kinds import (
    JAVA_PROJECT,
    RUST_PROJECT,
    CargoDriver,
    GoModuleDriver,
    MavenDriver,
    build_cache,
)
from sesspec.drivers.registry import CatalogueError
from sesspec.drivers.sweep.build import Builder, cargo_manifest, maven_pom
from sesspec.drivers.sweep.harness import sweep_clients
from sesspec.drivers.sweep.releases import (
    RegistryError,
    Release,
    crates_releases,
    goproxy_releases,
    jar_date,
    maven_releases,
)

_DAY = datetime(2023, 11, 27, 20, 0, 0, tzinfo=UTC)
#: The drivers' Go build cache (content-addressed, the standard library built with -trimpath
#: as the builds need it): shared, so that a test does not build the standard library again.
_GOCACHE = str(build_cache() / "go-build")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "sesspec"


def _url(path: Path) -> str:
    return path.as_uri()


# -- crates.io -----------------------------------------------------------------------------


def _index_line(version: str, pubtime: str | None, *, yanked: bool = False) -> str:
    entry: dict[str, object] = {"name": "fake-ses", "vers": version, "deps": [], "yanked": yanked}
    if pubtime is not None:
        entry["pubtime"] = pubtime
    return json.dumps(entry)


class TestCratesIndex:
    def test_versions_dates_and_yanked(self, tmp_path: Path) -> None:
        folder = tmp_path / "index" / "fa" / "ke"
        folder.mkdir(parents=True)
        (folder / "fake-ses").write_text(
            "\n".join(
                [
                    _index_line("0.0.0", "2021-05-08T02:05:07Z", yanked=True),
                    _index_line("1.10.0", "2024-02-01T00:00:00Z"),
                    _index_line("1.2.0", "2023-12-01T10:00:00Z"),
                    _index_line("1.0.0-rc.1", "2023-11-01T00:00:00Z"),
                    _index_line("1.0.0", None),
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        found = crates_releases("fake-ses", index=_url(tmp_path / "index"))
        assert [(r.version, r.day) for r in found] == [
            ("1.0.0", "?"),
            ("1.2.0", "2023-12-01"),
            ("1.10.0", "2024-02-01"),
        ]
        with_pre = crates_releases("fake-ses", index=_url(tmp_path / "index"), pre=True)
        assert [r.version for r in with_pre] == ["1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0"]

    @pytest.mark.parametrize(
        ("crate", "path"),
        [
            # cargo's reference, "Index files": 1/{name}, 2/{name}, 3/{first char}/{name},
            # then {first two}/{second two}/{name}, lowercased.
            ("a", "1/a"),
            ("ab", "2/ab"),
            ("abc", "3/a/abc"),
            ("abcd", "ab/cd/abcd"),
            ("Cargo", "ca/rg/cargo"),
        ],
    )
    def test_index_paths(self, tmp_path: Path, crate: str, path: str) -> None:
        where = tmp_path / "index" / path
        where.parent.mkdir(parents=True)
        where.write_text(_index_line("1.0.0", "2020-01-01T00:00:00Z") + "\n", encoding="utf-8")
        found = crates_releases(crate, index=_url(tmp_path / "index"))
        assert [r.version for r in found] == ["1.0.0"]

    def test_unknown_crate_and_bad_name_and_bad_line(self, tmp_path: Path) -> None:
        (tmp_path / "index").mkdir()
        with pytest.raises(RegistryError) as unknown:
            crates_releases("absent", index=_url(tmp_path / "index"))
        assert unknown.value.kind == "unknown"
        with pytest.raises(RegistryError) as bad:
            crates_releases("../etc", index=_url(tmp_path / "index"))
        assert bad.value.kind == "unknown"
        folder = tmp_path / "index" / "br" / "ok"
        folder.mkdir(parents=True)
        (folder / "broken").write_text('{"vers": "1.0.0"}\n{"vers": \n', encoding="utf-8")
        with pytest.raises(RegistryError) as malformed:
            crates_releases("broken", index=_url(tmp_path / "index"))
        assert malformed.value.kind == "malformed"
        assert "at character 18" in str(malformed.value)


# -- Maven ---------------------------------------------------------------------------------

_METADATA = """<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>example.fake</groupId>
  <artifactId>ses</artifactId>
  <versioning>
    <latest>2.10.0</latest>
    <versions>
      <version>2.0.0-preview-8</version>
      <version>2.10.0</version>
      <version>2.1.0</version>
      <version>2.9.3</version>
    </versions>
  </versioning>
</metadata>
"""


class TestMavenRepository:
    def _repository(self, tmp_path: Path, text: str) -> str:
        folder = tmp_path / "m2" / "example" / "fake" / "ses"
        folder.mkdir(parents=True)
        (folder / "maven-metadata.xml").write_text(text, encoding="utf-8")
        return _url(tmp_path / "m2")

    def test_versions_in_order_without_dates(self, tmp_path: Path) -> None:
        repository = self._repository(tmp_path, _METADATA)
        found = maven_releases("example.fake:ses", repository=repository)
        assert [(r.version, r.date) for r in found] == [
            ("2.1.0", None),
            ("2.9.3", None),
            ("2.10.0", None),
        ]

    def test_entities_refused_and_bad_xml(self, tmp_path: Path) -> None:
        bomb = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><metadata>&a;</metadata>'
        repository = self._repository(tmp_path, bomb)
        with pytest.raises(RegistryError) as refused:
            maven_releases("example.fake:ses", repository=repository)
        assert (refused.value.kind, str(refused.value)) == (
            "malformed",
            "maven example.fake:ses: metadata declares entities",
        )
        (tmp_path / "m2" / "example" / "fake" / "ses" / "maven-metadata.xml").write_text("<a>")
        with pytest.raises(RegistryError) as bad:
            maven_releases("example.fake:ses", repository=repository)
        assert bad.value.kind == "malformed"

    def test_unknown_artifact_and_bad_coordinate(self, tmp_path: Path) -> None:
        repository = self._repository(tmp_path, _METADATA)
        with pytest.raises(RegistryError) as unknown:
            maven_releases("example.fake:absent", repository=repository)
        assert unknown.value.kind == "unknown"
        with pytest.raises(RegistryError) as bad:
            maven_releases("no-colon", repository=repository)
        assert str(bad.value) == "maven no-colon: not a Maven group:artifact: 'no-colon'"

    def test_jar_date_is_its_newest_entry(self, tmp_path: Path) -> None:
        jar = tmp_path / "x.jar"
        with zipfile.ZipFile(jar, "w") as archive:
            archive.writestr(zipfile.ZipInfo("a.class", (2019, 5, 6, 7, 8, 10)), b"a")
            archive.writestr(zipfile.ZipInfo("b.class", (2020, 1, 2, 3, 4, 6)), b"b")
        assert jar_date(jar) == datetime(2020, 1, 2, 3, 4, 6, tzinfo=UTC)
        (tmp_path / "bad.jar").write_bytes(b"not a zip")
        assert jar_date(tmp_path / "bad.jar") is None
        assert jar_date(tmp_path / "absent.jar") is None

    def test_pom_for_one_release(self) -> None:
        text = maven_pom(
            (JAVA_PROJECT / "pom.xml").read_text("utf-8"),
            artifacts=["software.amazon.awssdk:ses", "software.amazon.awssdk:apache-client"],
            version="2.20.0",
            main_class="sesspec.SdkV2",
            sources=Path("/src/java"),
        )
        ns = {"m": "http://maven.apache.org/POM/4.0.0"}
        root = ET.fromstring(text)  # noqa: S314 (made above)
        assert root.find("m:dependencyManagement", ns) is None  # the BOM pins no version
        coordinates = [
            (d.findtext("m:groupId", namespaces=ns), d.findtext("m:artifactId", namespaces=ns))
            for d in root.iterfind("m:dependencies/m:dependency", ns)
        ]
        versions = {
            a: d.findtext("m:version", namespaces=ns)
            for d in root.iterfind("m:dependencies/m:dependency", ns)
            if (a := d.findtext("m:artifactId", namespaces=ns))
        }
        # The SDK 1.x and the BOM are gone; the JSON library stays as the project pins it.
        assert coordinates == [
            ("com.fasterxml.jackson.core", "jackson-databind"),
            ("software.amazon.awssdk", "ses"),
            ("software.amazon.awssdk", "apache-client"),
        ]
        assert versions["ses"] == versions["apache-client"] == "2.20.0"
        assert root.findtext("m:build/m:sourceDirectory", namespaces=ns) == "/src/java"
        assert root.findtext("m:build/m:directory", namespaces=ns) == "${project.basedir}/target"
        includes = [
            i.text
            for i in root.iterfind(
                "m:build/m:plugins/m:plugin/m:configuration/m:includes/m:include", ns
            )
        ]
        assert includes == [
            "sesspec/SdkV2.java",
            "sesspec/Job.java",
            "sesspec/Guard.java",
            "sesspec/Probe.java",
        ]

    def test_pom_of_another_shape(self) -> None:
        with pytest.raises(ValueError, match="no <dependencies> or <build>"):
            maven_pom(
                '<project xmlns="http://maven.apache.org/POM/4.0.0"/>',
                artifacts=["a:b"],
                version="1",
                main_class="x.Y",
                sources=Path("/s"),
            )


# -- the fake toolchains -------------------------------------------------------------------


def _fake_tool(folder: Path, name: str, body: str) -> Path:
    """A stand-in for mvn or cargo on PATH: logs its arguments, its folder and the variables
    the build set, then does ``body``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        f"#!{sys.executable}\nimport json, os, sys\nfrom pathlib import Path\n"
        f"log = Path({str(folder / (name + '.log'))!r})\n"
        "keys = ('RUSTC_BOOTSTRAP', 'CARGO_TARGET_DIR')\n"
        "env = {k: os.environ[k] for k in keys if k in os.environ}\n"
        "line = json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd(), 'env': env})\n"
        "log.open('a').write(line + '\\n')\n" + body,
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def _log(folder: Path, name: str) -> list[dict[str, object]]:
    log = folder / f"{name}.log"
    return (
        [json.loads(line) for line in log.read_text("utf-8").splitlines()] if log.exists() else []
    )


def _running(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


_CARGO = """
if sys.argv[1] == "build":
    name = sys.argv[sys.argv.index("--bin") + 1]
    out = Path(os.environ["CARGO_TARGET_DIR"]) / "release"
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text("program")
elif sys.argv[1] == "generate-lockfile":
    Path("Cargo.lock").write_text("# lock")
"""

_MVN = """
target = Path("target")
(target / "lib").mkdir(parents=True)
(target / "sesspec-java-drivers-0.jar").write_text("jar")
"""


def _cargo_driver() -> CargoDriver:
    return CargoDriver(name="rust-fake", language="rust", binary="aws-sdk-ses")


class TestCargoBuild:
    def test_manifest_pins_the_crate(self) -> None:
        text = cargo_manifest(
            (RUST_PROJECT / "Cargo.toml").read_text("utf-8"),
            crate="aws-sdk-ses",
            version="1.2.0",
            main=Path("/src/main.rs"),
            binary="sesspec-sweep-aws-sdk-ses",
        )
        assert 'aws-sdk-ses = { version = "=1.2.0", default-features = false' in text
        assert '[[bin]]\nname = "sesspec-sweep-aws-sdk-ses"\npath = "/src/main.rs"\n' in text
        assert text.endswith("\n[workspace]\n")
        with pytest.raises(ValueError, match="no 'absent-crate = "):
            cargo_manifest(text, crate="absent-crate", version="1", main=Path("/m"), binary="b")

    def test_build_with_the_newest_dependencies_then_kept(
        self, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tools = tmp_path / "bin"
        _fake_tool(tools, "cargo", _CARGO)
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        builder = Builder("crates", _cargo_driver())
        release = Release("1.2.0", _DAY)
        built = builder.install("aws-sdk-ses", release)
        assert (built.state, built.reason) == ("installed", "")
        lock, build = _log(tools, "cargo")
        # The newest versions the release's requirements allow (as cargo update gives them).
        assert lock["argv"] == ["generate-lockfile", "--quiet"]
        assert lock["env"] == {"CARGO_TARGET_DIR": str(cache / "drivers" / "cargo-target")}
        assert build["argv"] == [
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--bin",
            "sesspec-sweep-aws-sdk-ses",
        ]
        assert build["cwd"] == lock["cwd"]
        program = builder.for_release(built)
        assert isinstance(program, CargoDriver)
        assert program.prebuilt == built.folder / "build" / "aws-sdk-ses"
        assert program.command() == [str(built.folder / "build" / "aws-sdk-ses")]
        assert program.available() == (True, "")
        manifest = (built.folder / "build" / "Cargo.toml").read_text("utf-8")
        assert 'aws-sdk-ses = { version = "=1.2.0"' in manifest
        again = builder.install("aws-sdk-ses", release)
        assert (again.state, again.seconds) == ("installed", 0.0)
        assert len(_log(tools, "cargo")) == 2  # kept: not built twice

    def test_a_failed_build_says_why_and_is_kept(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tools = tmp_path / "bin"
        _fake_tool(
            tools,
            "cargo",
            "sys.stderr.write('error: failed to select a version for `http-1x`\\n')\n"
            "sys.exit(101)\n",
        )
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        builder = Builder("crates", _cargo_driver())
        failed = builder.install("aws-sdk-ses", Release("1.0.0", None))
        assert (failed.state, failed.reason) == (
            "failed",
            "error: failed to select a version for `http-1x`",
        )
        assert len(_log(tools, "cargo")) == 1  # the lockfile failed: nothing built
        assert builder.install("aws-sdk-ses", Release("1.0.0", None)).reason == failed.reason
        assert len(_log(tools, "cargo")) == 1

    def test_a_build_ended_from_outside_is_not_kept(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A build killed by a signal (the sweep's user ending it) said nothing of the
        release: it is built again next time, not remembered as failing."""
        tools = tmp_path / "bin"
        _fake_tool(tools, "cargo", "import signal\nos.kill(os.getpid(), signal.SIGTERM)\n")
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        builder = Builder("crates", _cargo_driver())
        ended = builder.install("aws-sdk-ses", Release("1.0.0", None))
        assert (ended.state, ended.reason) == ("timeout", "cargo was ended by signal 15")
        assert not (ended.folder / "install.json").exists()
        builder.install("aws-sdk-ses", Release("1.0.0", None))
        assert len(_log(tools, "cargo")) == 2

    def test_a_build_that_hangs_is_cut_with_its_compilers(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tools = tmp_path / "bin"
        pid_file = tmp_path / "compiler.pid"
        _fake_tool(
            tools,
            "cargo",
            "import subprocess, time\n"
            "compiler = subprocess.Popen(['sleep', '30'])\n"
            f"Path({str(pid_file)!r}).write_text(str(compiler.pid))\n"
            "time.sleep(30)\n",
        )
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        builder = Builder("crates", _cargo_driver(), timeout=1.0)
        cut = builder.install("aws-sdk-ses", Release("1.0.0", None))
        assert (cut.state, cut.reason) == ("timeout", "no answer from cargo within 1 s")
        assert not (cut.folder / "install.json").exists()  # tried again next time
        # cargo's own children (rustc) end with it: the step's process group is ended whole.
        compiler = int(pid_file.read_text())
        deadline = time.monotonic() + 10
        while _running(compiler) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(compiler)


class TestMavenBuild:
    def test_build_dated_by_its_jar(
        self, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tools = tmp_path / "bin"
        _fake_tool(tools, "mvn", _MVN)
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        jar = cache / "drivers" / "m2" / "example" / "fake" / "ses" / "2.1.0" / "ses-2.1.0.jar"
        jar.parent.mkdir(parents=True)
        with zipfile.ZipFile(jar, "w") as archive:
            archive.writestr(zipfile.ZipInfo("a.class", (2018, 11, 20, 1, 2, 4)), b"a")
        driver = MavenDriver(name="java-fake", language="java", main_class="sesspec.SdkV2")
        builder = Builder("maven", driver)
        built = builder.install(
            "example.fake:ses", Release("2.1.0", None), also=("example.fake:http",)
        )
        assert (built.state, built.date) == (
            "installed",
            datetime(2018, 11, 20, 1, 2, 4, tzinfo=UTC),
        )
        (call,) = _log(tools, "mvn")
        assert call["argv"] == [
            "-q",
            "-B",
            "-Dstyle.color=never",
            f"-Dmaven.repo.local={cache / 'drivers' / 'm2'}",
            "package",
        ]
        pom = (built.folder / "build" / "pom.xml").read_text("utf-8")
        assert "<artifactId>http</artifactId><version>2.1.0</version>" in pom
        program = builder.for_release(built)
        assert isinstance(program, MavenDriver)
        assert program.available() == (True, "")
        command = program.command()
        classpath = command[command.index("-cp") + 1]
        assert classpath.startswith(str(built.folder / "build" / "target" / "sesspec-java"))

    def test_a_compile_error_says_what_and_where(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Maven prints its errors on stdout, in colour even with -B, then pointers to help."""
        said = (
            "\x1b[0m\x1b[0m[ERROR] COMPILATION ERROR : \n"
            "[ERROR] /src/SdkV2.java:[68,25] cannot find symbol\n"
            "  symbol:   method useEnvironmentVariableValues(boolean)\n"
            "  location: interface ProxyConfiguration.Builder\n"
            "[ERROR] -> [Help 1]\n[ERROR] \n"
        )
        body = f"sys.stdout.write({said!r})\nsys.stderr.write('\\x1b[0m')\nsys.exit(1)\n"
        tools = tmp_path / "bin"
        _fake_tool(tools, "mvn", body)
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        driver = MavenDriver(name="java-fake", language="java", main_class="sesspec.SdkV2")
        failed = Builder("maven", driver).install("example.fake:ses", Release("2.1.0", None))
        assert (failed.state, failed.reason) == (
            "failed",
            "[ERROR] COMPILATION ERROR : ... [ERROR] /src/SdkV2.java:[68,25] cannot find symbol"
            " ... symbol:   method useEnvironmentVariableValues(boolean)",
        )

    def test_no_jar_is_a_failure(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        tools = tmp_path / "bin"
        _fake_tool(tools, "mvn", "")
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        driver = MavenDriver(name="java-fake", language="java", main_class="sesspec.SdkV2")
        failed = Builder("maven", driver).install("example.fake:ses", Release("2.1.0", None))
        assert (failed.state, failed.reason, failed.date) == (
            "failed",
            "mvn package made no jar",
            None,
        )


# -- the Go module proxy -------------------------------------------------------------------

_MODULE = "example.com/fakeses"


def _module_zip(version: str, source: str) -> bytes:
    """A module zip as the proxy protocol serves it: every path under ``<module>@<version>/``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"{_MODULE}@{version}/go.mod", f"module {_MODULE}\n\ngo 1.21\n")
        archive.writestr(f"{_MODULE}@{version}/fakeses.go", source)
    return out.getvalue()


def _proxy(tmp_path: Path, versions: dict[str, tuple[str, str]]) -> Path:
    """A GOPROXY folder: each version's time and the word its package says."""
    root = tmp_path / "proxy" / _MODULE / "@v"
    root.mkdir(parents=True)
    (root / "list").write_text("".join(f"{v}\n" for v in versions), encoding="utf-8")
    for version, (published, word) in versions.items():
        (root / f"{version}.info").write_text(json.dumps({"Version": version, "Time": published}))
        (root / f"{version}.mod").write_text(f"module {_MODULE}\n\ngo 1.21\n")
        source = f'package fakeses\n\n// Word is what this release says.\nconst Word = "{word}"\n'
        (root / f"{version}.zip").write_bytes(_module_zip(version, source))
    return tmp_path / "proxy"


def _go_env(tmp_path: Path, proxy: Path) -> dict[str, str]:
    return {
        "GOPROXY": proxy.as_uri(),
        "GOSUMDB": "off",
        "GONOSUMDB": _MODULE,
        "GOMODCACHE": str(tmp_path / "gomod"),
        "GOCACHE": _GOCACHE,
        "GOFLAGS": "-mod=mod -modcacherw",
    }


def _go() -> None:
    if shutil.which("go") is None:
        pytest.skip("go is not on PATH (https://go.dev/doc/install)")


_VERSIONS = {
    "v1.0.0": ("2021-01-19T19:34:18Z", "one"),
    "v1.10.0": ("2022-03-04T05:06:07Z", "ten"),
    "v1.2.0": ("2021-06-01T00:00:00Z", "two"),
}


class TestGoProxy:
    def test_versions_and_times(self, tmp_path: Path) -> None:
        _go()
        proxy = _proxy(tmp_path, _VERSIONS)
        found = goproxy_releases(_MODULE, env=_go_env(tmp_path, proxy))
        assert [(r.version, r.day) for r in found] == [
            ("v1.0.0", "2021-01-19"),
            ("v1.2.0", "2021-06-01"),
            ("v1.10.0", "2022-03-04"),
        ]

    def test_unknown_module(self, tmp_path: Path) -> None:
        _go()
        proxy = _proxy(tmp_path, _VERSIONS)
        with pytest.raises(RegistryError) as unknown:
            goproxy_releases("example.com/absent", env=_go_env(tmp_path, proxy))
        assert unknown.value.kind in ("unknown", "unreachable")
        assert unknown.value.registry == "goproxy"

    def test_each_release_built_against_its_version(self, tmp_path: Path) -> None:
        """A program of the drivers' shape (a package beside ``driver/`` in module
        ``sesspec``) built for v1.0.0 and v1.2.0 prints each release's word."""
        _go()
        proxy = _proxy(tmp_path, _VERSIONS)
        module = tmp_path / "module"
        (module / "driver").mkdir(parents=True)
        (module / "go.mod").write_text("module sesspec\n\ngo 1.21\n")
        (module / "driver" / "driver.go").write_text('package driver\n\nconst Name = "fake"\n')
        (module / "prog").mkdir()
        (module / "prog" / "main.go").write_text(
            'package main\n\nimport (\n\t"example.com/fakeses"\n\t"sesspec/driver"\n)\n\n'
            "func main() { println(driver.Name, fakeses.Word) }\n"
        )
        driver = GoModuleDriver(name="go-fake", language="go", source=str(module / "prog"))
        builder = Builder("goproxy", driver, env=_go_env(tmp_path, proxy), go_module=module)
        words = {}
        for version in ("v1.0.0", "v1.2.0"):
            built = builder.install(_MODULE, Release(version, None))
            assert (built.state, built.reason) == ("installed", "")
            program = builder.for_release(built)
            assert isinstance(program, GoModuleDriver)
            said = subprocess.run(program.command(), capture_output=True, text=True, check=True)
            words[version] = said.stderr.strip()
            modfile = (built.folder / "build" / "go.mod").read_text("utf-8")
            assert f"{_MODULE} {version}" in modfile
        assert words == {"v1.0.0": "fake one", "v1.2.0": "fake two"}
        assert not (module / "go.sum").exists()  # the drivers' module is left as it was
        absent = builder.install(_MODULE, Release("v9.9.9", None))
        assert absent.state == "failed"
        assert "v9.9.9" in absent.reason


# -- the catalogue -------------------------------------------------------------------------


def test_catalogue_compiled_sweeps() -> None:
    clients = sweep_clients()
    go = clients["aws-sdk-go-v2/service/ses"]
    assert (go.registry, go.package, go.driver.name) == (
        "goproxy",
        "github.com/aws/aws-sdk-go-v2/service/ses",
        "go-aws-sdk-go-v2",
    )
    java = clients["software.amazon.awssdk:ses"]
    assert (java.registry, java.driver.name, java.also) == (
        "maven",
        "java-aws-sdk-v2",
        ("software.amazon.awssdk:apache-client",),
    )
    rust = clients["aws-sdk-ses"]
    assert (rust.registry, rust.driver.name, rust.default_range) == (
        "crates",
        "rust-aws-sdk-ses",
        "1.0.0..",
    )
    assert rust.range_reason


def test_catalogue_registry_needs_its_kind(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        '[[client]]\nname = "py"\nkind = "python"\nlanguage = "python"\nregistry = "pypi"\n'
        'module = "py_botocore"\nrequirements = ["botocore"]\ndistributions = ["botocore"]\n\n'
        '[[sweep]]\nname = "x"\nregistry = "crates"\npackage = "x"\ndriver = "py"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as wrong:
        sweep_clients(catalogue)
    assert str(wrong.value) == (
        "catalogue.toml: sweep 1 ('x'): a crates client needs a CargoDriver, not 'py'"
    )


def test_registries_that_cannot_be_reached() -> None:
    """Nothing listens on 127.0.0.1:9: each registry says so in one typed error."""
    with pytest.raises(RegistryError) as maven:
        maven_releases("example.fake:ses", repository="http://127.0.0.1:9/maven2")
    assert (maven.value.kind, maven.value.registry) == ("unreachable", "maven")
    assert str(maven.value).startswith(
        "maven example.fake:ses: cannot reach http://127.0.0.1:9/maven2/example/fake/ses/"
    )
    with pytest.raises(RegistryError) as crates:
        crates_releases("fake-ses", index="http://127.0.0.1:9")
    assert (crates.value.kind, crates.value.registry) == ("unreachable", "crates")


def test_go_proxy_that_cannot_be_reached(tmp_path: Path) -> None:
    _go()
    env = {**_go_env(tmp_path, tmp_path), "GOPROXY": "http://127.0.0.1:9"}
    with pytest.raises(RegistryError) as go:
        goproxy_releases(_MODULE, env=env)
    assert (go.value.kind, go.value.registry) == ("unreachable", "goproxy")
    assert "127.0.0.1:9" in str(go.value)
