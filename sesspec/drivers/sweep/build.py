"""Build one release of a compiled client (Go, Java, Rust) into the per-user sweep cache.

The sweep's installer for the registries whose clients are built rather than installed: a
folder per release (``<sweep cache>/<registry>/<package>/<version>+<digest>/build``, the
digest of the driver's sources and the toolchain, so that a change to either builds anew),
made by :func:`~sesspec.drivers.sweep.install.install_into` (a scratch folder renamed into
place when every step exits 0, the outcome kept beside it, the whole bounded by ``timeout``).
The driver is the report's own source, built against the release:

- Go module proxy: a ``go.mod`` of the release's own (``module sesspec``, written into the
  folder) used with ``-modfile`` in the drivers' module; ``go get <module>@<version>`` adds the
  release and, by minimal version selection, the versions of its dependencies that the
  release itself requires (what its users got); then ``go build``. One module cache
  (``GOMODCACHE``) and one build cache for every release, so a release costs the packages
  that changed.
- Maven Central: a ``pom.xml`` of the release's own, made from the drivers' project
  (``sesspec/drivers/java/pom.xml``): the release's artifact and ``also`` (its sibling
  artifacts, at the same version), the driver's main class and the classes it shares
  (``Job``, ``Guard``, ``Probe``), then ``mvn package``. One local repository for every
  release. Maven resolves exact versions, so no date is needed; the release's date is read
  from its jar (:func:`~sesspec.drivers.sweep.releases.jar_date`).
- crates.io: a ``Cargo.toml`` of the release's own, made from the drivers' project
  (``sesspec/drivers/rust/Cargo.toml``) with the crate pinned (``=<version>``), a lockfile
  with the newest versions of its dependencies that the release's requirements allow (what
  ``cargo update`` gives its users today), then ``cargo build --locked``. Not as of the
  release's date: cargo can resolve so (``generate-lockfile --publish-time``, unstable), but
  it respects only today's yanks, and crates the SDK required then are yanked since
  (futures-util 0.3.2 to 0.3.30, all of them), so such a resolution fails for every release
  before October 2024 (measured on aws-sdk-ses 1.1.0 to 1.53.0). One target folder for
  every release (and the report's), so crates already built are not built again; the binary
  is named for the sweep, so the report's own build never overwrites it.

Builds of one registry run one at a time (each uses every core); the runs of built releases
still overlap.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sesspec.drivers.kinds import (
    GO_MODULE,
    JAVA_PROJECT,
    CargoDriver,
    DriverBase,
    GoModuleDriver,
    MavenDriver,
    build_cache,
    first_line,
    source_digest,
)
from sesspec.drivers.sweep.install import (
    Installed,
    Step,
    install_into,
    kept_install,
    release_folder,
)
from sesspec.drivers.sweep.releases import Release, jar_date

__all__ = [
    "DEFAULT_BUILD_TIMEOUT",
    "BuildRegistry",
    "Builder",
    "cargo_manifest",
    "maven_pom",
]


def __dir__() -> list[str]:
    return __all__


#: Seconds one release's build may take (a Rust build of a new crate set takes minutes).
DEFAULT_BUILD_TIMEOUT = 3600.0

BuildRegistry = Literal["goproxy", "maven", "crates"]

#: What a build leaves in the release's folder.
INSIDE = "build"

_LOCKS: dict[str, threading.Lock] = {r: threading.Lock() for r in ("goproxy", "maven", "crates")}

_POM_NS = "http://maven.apache.org/POM/4.0.0"
#: The Java classes every driver shares (``sesspec/drivers/java/src/main/java/sesspec``).
JAVA_SHARED = ("Job", "Guard", "Probe")


def _q(tag: str) -> str:
    return f"{{{_POM_NS}}}{tag}"


def _element(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, _q(tag))
    if text is not None:
        child.text = text
    return child


def maven_pom(
    template: str,
    *,
    artifacts: Sequence[str],
    version: str,
    main_class: str,
    sources: Path,
) -> str:
    """The drivers' ``pom.xml`` (``template``) for one release: its dependencies replaced by
    ``artifacts`` (``group:artifact``) at ``version`` and the drivers' own (those outside the
    SDK's groups: JSON), its BOM dropped, the sources read from ``sources`` and compiled only
    for ``main_class`` and the shared classes. :class:`ValueError` when the template is not
    the project's shape."""
    ET.register_namespace("", _POM_NS)
    try:
        root = ET.fromstring(template)  # noqa: S314 (the project's own file)
    except ET.ParseError as exc:
        msg = f"the drivers' pom.xml is not XML: {exc}"
        raise ValueError(msg) from exc
    groups = {a.split(":", 1)[0] for a in artifacts}
    for managed in root.findall(_q("dependencyManagement")):
        root.remove(managed)
    dependencies = root.find(_q("dependencies"))
    build = root.find(_q("build"))
    if dependencies is None or build is None:
        msg = "the drivers' pom.xml has no <dependencies> or <build>"
        raise ValueError(msg)
    for dependency in list(dependencies):
        group = dependency.findtext(_q("groupId")) or ""
        if group in groups or group.startswith(("software.amazon", "com.amazonaws")):
            dependencies.remove(dependency)
    for coordinate in artifacts:
        group, _, artifact = coordinate.partition(":")
        added = _element(dependencies, "dependency")
        _element(added, "groupId", group)
        _element(added, "artifactId", artifact)
        _element(added, "version", version)
    for old in build.findall(_q("sourceDirectory")):
        build.remove(old)
    _element(build, "sourceDirectory", str(sources))
    directory = build.find(_q("directory"))
    if directory is not None:
        directory.text = "${project.basedir}/target"
    main = main_class.rsplit(".", 1)
    package = main[0].replace(".", "/") if len(main) == 2 else ""
    names = [main[-1], *JAVA_SHARED]
    for plugin in build.iterfind(f"{_q('plugins')}/{_q('plugin')}"):
        if plugin.findtext(_q("artifactId")) != "maven-compiler-plugin":
            continue
        configuration = plugin.find(_q("configuration"))
        if configuration is None:
            configuration = _element(plugin, "configuration")
        includes = _element(configuration, "includes")
        for name in names:
            _element(includes, "include", f"{package}/{name}.java".lstrip("/"))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def cargo_manifest(template: str, *, crate: str, version: str, main: Path, binary: str) -> str:
    """The drivers' ``Cargo.toml`` (``template``) for one release: ``crate`` pinned to
    ``=version``, the binary named ``binary`` from ``main`` (an absolute path: the manifest
    lives in the cache), a workspace of its own. :class:`ValueError` when the template does
    not name the crate as ``crate = { version = "..." ... }`` or has no ``[[bin]]`` path."""
    pattern = re.compile(rf'(?m)^({re.escape(crate)}\s*=\s*\{{\s*version\s*=\s*")[^"]*(")')
    pinned, found = pattern.subn(rf"\g<1>={version}\g<2>", template, count=1)
    if not found:
        msg = f"the drivers' Cargo.toml has no '{crate} = {{ version = ... }}' line"
        raise ValueError(msg)
    paths = re.compile(r'(?ms)^\[\[bin\]\]\s*\nname\s*=\s*"[^"]*"\s*\npath\s*=\s*"[^"]*"')
    text = json_string(str(main))
    bin_table = f'[[bin]]\nname = "{binary}"\npath = {text}'
    pinned, found = paths.subn(lambda _m: bin_table, pinned, count=1)
    if not found:
        msg = "the drivers' Cargo.toml has no [[bin]] table with name and path"
        raise ValueError(msg)
    return pinned.rstrip("\n") + "\n\n[workspace]\n"


def json_string(text: str) -> str:
    """A TOML basic string (TOML's escapes are JSON's for the characters a path holds)."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _go_version_line(go_mod: str) -> str:
    found = re.search(r"(?m)^go\s+(\S+)\s*$", go_mod)
    return found.group(1) if found else "1.21"


@dataclass(frozen=True, slots=True)
class Builder:
    """Builds releases of one compiled client (module docstring): ``driver`` is the
    catalogue's driver whose source is built; ``env``: more variables for the toolchain (a
    test's ``GOPROXY``, ``GOFLAGS``); ``go_module``: the Go module holding the driver sources
    (the drivers' own, or a test's)."""

    registry: BuildRegistry
    driver: DriverBase
    timeout: float = DEFAULT_BUILD_TIMEOUT
    env: Mapping[str, str] = field(default_factory=dict)
    go_module: Path = GO_MODULE

    def key(self) -> str:
        """A digest of what every build of this client depends on besides the release: the
        driver's sources and build files, and the toolchain's version."""
        driver = self.driver
        if isinstance(driver, GoModuleDriver):
            go = first_line(("go", "env", "GOVERSION")) or "?"
            return source_digest(
                [driver.source_dir, self.go_module / "driver"],
                go,
                _go_version_line((self.go_module / "go.mod").read_text("utf-8")),
            )
        if isinstance(driver, MavenDriver):
            java = first_line(("java", "-version")) or "?"
            pom = (JAVA_PROJECT / "pom.xml").read_text("utf-8")
            return source_digest([JAVA_PROJECT / "src"], java, driver.main_class, pom)
        if isinstance(driver, CargoDriver):
            rustc = first_line(("rustc", "--version")) or "?"
            project = driver.project_dir
            manifest = (project / "Cargo.toml").read_text("utf-8")
            # "newest": how the lockfile is made (module docstring).
            return source_digest([project / "src"], rustc, driver.binary, manifest, "newest")
        msg = f"{driver.name}: not a Go module, Maven or Cargo driver"
        raise TypeError(msg)

    def install(
        self,
        package: str,
        release: Release,
        *,
        also: Sequence[str] = (),
        retry_failed: bool = False,
    ) -> Installed:
        """Build ``package`` at ``release`` (module docstring), unless kept."""
        folder = release_folder(
            self.registry, package, release.version, (*also, f"driver {self.key()}")
        )
        kept = kept_install(folder, INSIDE)
        if kept is not None and (kept.ok or not retry_failed):
            return self._dated(package, release, kept)
        tool = {"goproxy": "go", "maven": "mvn", "crates": "cargo"}[self.registry]
        program = shutil.which(tool)
        if program is None:
            return Installed("failed", f"{tool} is not on PATH", folder)
        with _LOCKS[self.registry]:
            result = install_into(
                folder,
                INSIDE,
                lambda scratch: self._steps(program, package, release, also, scratch),
                timeout=self.timeout,
                retry_failed=retry_failed,
                env=self.env,
                after=self._after,
            )
        return self._dated(package, release, result)

    def program(self, installed: Installed) -> Path:
        """What the driver runs from a built release: the Go or Rust program, or Maven's
        ``target`` folder (the jar and ``lib``)."""
        where = installed.folder / INSIDE
        if isinstance(self.driver, MavenDriver):
            return where / "target"
        if isinstance(self.driver, CargoDriver):
            return where / self.driver.binary
        return where / self.driver.name

    def for_release(self, installed: Installed) -> DriverBase:
        """The driver, running the release's build."""
        driver = self.driver
        program = self.program(installed)
        if isinstance(driver, GoModuleDriver | MavenDriver | CargoDriver):
            return dataclasses.replace(driver, prebuilt=program)
        msg = f"{driver.name}: not a Go module, Maven or Cargo driver"
        raise TypeError(msg)

    def _dated(self, package: str, release: Release, installed: Installed) -> Installed:
        if self.registry != "maven" or release.date is not None or not installed.ok:
            return installed
        group, _, artifact = package.partition(":")
        jar = (
            build_cache()
            / "m2"
            / group.replace(".", "/")
            / artifact
            / release.version
            / f"{artifact}-{release.version}.jar"
        )
        return dataclasses.replace(installed, date=jar_date(jar))

    def _after(self, scratch: Path) -> str:
        driver = self.driver
        if isinstance(driver, MavenDriver):
            target = scratch / "target"
            jars = list(target.glob("*.jar"))
            return "" if jars and (target / "lib").is_dir() else "mvn package made no jar"
        if isinstance(driver, CargoDriver):
            built = build_cache() / "cargo-target" / "release" / _sweep_binary(driver)
            if not built.is_file():
                return f"cargo build made no {built.name}"
            shutil.copyfile(built, scratch / driver.binary)
            (scratch / driver.binary).chmod(0o755)
            return ""
        return "" if (scratch / driver.name).is_file() else "go build made no program"

    def _steps(
        self,
        program: str,
        package: str,
        release: Release,
        also: Sequence[str],
        scratch: Path,
    ) -> list[Step]:
        driver = self.driver
        if isinstance(driver, GoModuleDriver):
            return self._go_steps(program, driver, package, release, scratch)
        if isinstance(driver, MavenDriver):
            pom = maven_pom(
                (JAVA_PROJECT / "pom.xml").read_text("utf-8"),
                artifacts=[package, *also],
                version=release.version,
                main_class=driver.main_class,
                sources=JAVA_PROJECT / "src" / "main" / "java",
            )
            (scratch / "pom.xml").write_text(pom, encoding="utf-8")
            repository = build_cache() / "m2"
            command = [program, "-q", "-B", "-Dstyle.color=never"]
            command += [f"-Dmaven.repo.local={repository}", "package"]
            return [Step(command, scratch)]
        if isinstance(driver, CargoDriver):
            return self._cargo_steps(program, driver, package, release, scratch)
        msg = f"{driver.name}: not a Go module, Maven or Cargo driver"
        raise TypeError(msg)

    def _go_steps(
        self,
        program: str,
        driver: GoModuleDriver,
        package: str,
        release: Release,
        scratch: Path,
    ) -> list[Step]:
        version = _go_version_line((self.go_module / "go.mod").read_text("utf-8"))
        modfile = scratch / "go.mod"
        modfile.write_text(f"module sesspec\n\ngo {version}\n", encoding="utf-8")
        env = {
            "GO111MODULE": "on",
            "GOFLAGS": "-mod=mod",
            "GOWORK": "off",
            "GOMODCACHE": str(build_cache() / "gomod"),
            "GOCACHE": str(build_cache() / "go-build"),
            "GOTOOLCHAIN": "local",
            "CGO_ENABLED": "0",
        }
        where = f"./{driver.source_dir.relative_to(self.go_module)}"
        return [
            Step(
                [program, "get", f"-modfile={modfile}", f"{package}@{release.version}"],
                self.go_module,
                env,
            ),
            Step(
                [
                    program,
                    "build",
                    f"-modfile={modfile}",
                    "-trimpath",
                    "-o",
                    str(scratch / driver.name),
                    where,
                ],
                self.go_module,
                env,
            ),
        ]

    def _cargo_steps(
        self,
        program: str,
        driver: CargoDriver,
        package: str,
        release: Release,
        scratch: Path,
    ) -> list[Step]:
        manifest = cargo_manifest(
            (driver.project_dir / "Cargo.toml").read_text("utf-8"),
            crate=package,
            version=release.version,
            main=driver.project_dir / "src" / "main.rs",
            binary=_sweep_binary(driver),
        )
        (scratch / "Cargo.toml").write_text(manifest, encoding="utf-8")
        env = {
            "CARGO_TARGET_DIR": str(build_cache() / "cargo-target"),
            "CARGO_TERM_COLOR": "never",
        }
        lock = [program, "generate-lockfile", "--quiet"]
        build = [program, "build", "--release", "--locked", "--quiet"]
        build += ["--bin", _sweep_binary(driver)]
        return [Step(lock, scratch, env), Step(build, scratch, env)]


def _sweep_binary(driver: CargoDriver) -> str:
    """The binary's name in a sweep's build (not the report's, in the shared target folder)."""
    return f"sesspec-sweep-{driver.binary}"
