"""Getting the public suites: the manifest, the fetcher (offline, on local mirrors), the locator.

Nothing here leaves the machine. The registry is a fake simple index (PEP 691 JSON over
``http://127.0.0.1``, PEP 503 HTML over ``file://``) serving a tarball laid out like botocore's
sdist; the upstream repositories are tarballs laid out like GitHub's archives
(``<repo>-<commit>/...``) served the same two ways. The synthetic cases always run; the cases
with the real manifest build their archives from the suites the locator finds, so the real
hashes are what is checked (they skip, or fail in CI, without the suites).
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from scripts import fetch_suites
from scripts.fetch_suites import (
    Located,
    Manifest,
    ManifestError,
    Outcome,
    PathMap,
    Places,
    dump_manifest,
    fetch,
    load_manifest,
    locate,
    main,
)
from tests import _support
from tests._support import MANIFEST, REPO, require_suite

BOTOCORE_COMMIT = "0e6e2404b85dc336dd2889814e089bde7d1a4c55"

#: Each suite's upstream repository and commit(s), as its PROVENANCE.md and the shared README
#: record them (the 2011 suite: original files, the 2014 variants, botocore's licence files).
PROVENANCE = {
    "awsquery-protocol-tests-aws-sdk-go": [
        ("aws/aws-sdk-go", "8d203ccff393340d080be0417d091cc60354449b")
    ],
    "awsquery-protocol-tests-botocore": [("boto/botocore", BOTOCORE_COMMIT)],
    "awsquery-protocol-tests-smithy": [
        ("smithy-lang/smithy", "0f7323128b0606a1b94b1ac482c94d3800a22708")
    ],
    "ses-2010-12-01-model-botocore": [("boto/botocore", BOTOCORE_COMMIT)],
    "sigv2-sigv3-vectors": [],
    "sigv4-signing-test-suite-aws-c-auth": [
        ("awslabs/aws-c-auth", "495329c2433034bd8fd53fc6ba9e0202d3fac876")
    ],
    "sigv4-signing-test-suite-smithy-rs-extras": [
        ("smithy-lang/smithy-rs", "56ee88c5c6edd967967656f1e29f46b229105e79")
    ],
    "sigv4-testsuite-2011-botocore": [
        ("boto/botocore", "2db2e74fa2b9188f61722528a4f18b5f71c3ff6a"),
        ("boto/botocore", "1bb9c050aacde10e92d62e8d644448cff40d48ee"),
        ("boto/botocore", BOTOCORE_COMMIT),
    ],
    "sigv4-testsuite-2015-botocore": [("boto/botocore", BOTOCORE_COMMIT)],
}
#: The three suites botocore's sdist carries (PROVENANCE.md: checked in botocore-1.44.8.tar.gz).
BOTOCORE_SDIST = {
    "awsquery-protocol-tests-botocore",
    "ses-2010-12-01-model-botocore",
    "sigv4-testsuite-2015-botocore",
}
#: botocore-1.44.8.tar.gz as PyPI's simple index lists it (size, sha256), read there on 2026-11-29.
SDIST_SHA256 = "945b783c1a1259e2a8b078f3f3dd40fae32ea84ab01d3a9953af6b378da7108a"
SDIST_SIZE = 17184795


# ---------------------------------------------------------------------------- local mirrors


@dataclasses.dataclass
class Mirror:
    """A loopback HTTP server over a folder; ``seen`` lists the paths asked for."""

    url: str
    seen: list[str]


@contextmanager
def serve(
    root: Path, *, redirects: Mapping[str, str] | None = None, unsized: frozenset[str] = frozenset()
) -> Iterator[Mirror]:
    """Serve ``root`` on 127.0.0.1: a folder with ``index.json`` answers as a PEP 691 page;
    ``redirects`` maps a path to a Location; paths in ``unsized`` go out with no Content-Length."""
    seen: list[str] = []
    moved = dict(redirects or {})

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.path)
            target = root / self.path.lstrip("/")
            if self.path in moved:
                self.send_response(302)
                self.send_header("Location", moved[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif target.is_dir() and (target / "index.json").is_file():
                body = (target / "index.json").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path in unsized:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                self.wfile.write(target.read_bytes())
            else:
                super().do_GET()

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hangs up on a refused download is expected here

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Mirror(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def make_tar(
    path: Path, top: str, files: Mapping[str, bytes], links: Mapping[str, str] = {}
) -> Path:
    """A gzip tarball with everything under ``top/``, as GitHub and sdists are laid out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        folder = tarfile.TarInfo(top)
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in links.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


def simple_index(root: Path, project: str, archive: Path, *, listed_sha: str | None = None) -> None:
    """A simple-index folder for ``project`` listing ``archive``, in both PEP 691 and 503 form."""
    page = root / project
    page.mkdir(parents=True, exist_ok=True)
    shutil.copy(archive, root / archive.name)
    digest = listed_sha or sha256(archive.read_bytes())
    entry = {"filename": archive.name, "url": f"../{archive.name}", "hashes": {"sha256": digest}}
    (page / "index.json").write_text(json.dumps({"meta": {"api-version": "1.1"}, "files": [entry]}))
    html = f'<a href="../{archive.name}#sha256={digest}">{archive.name}</a>'
    (page / "index.html").write_text(f"<html><body>{html}</body></html>")


def places(tmp_path: Path, **kw: Any) -> Places:
    """Nothing beside, nothing in SESSPEC_VECTORS: a user's fresh clone."""
    kw.setdefault("index_url", f"http://127.0.0.1:{closed_port()}/simple/")
    kw.setdefault("archive_url", f"http://127.0.0.1:{closed_port()}/{{repo}}/{{commit}}")
    return Places(env=None, beside=tmp_path / "nothing", cache=tmp_path / "cache", **kw)


def leftovers(cache: Path) -> list[str]:
    return (
        sorted(p.name for p in cache.iterdir() if p.name.startswith(".")) if cache.exists() else []
    )


# ---------------------------------------------------------------------------- a synthetic suite

DEMO_FILES = {"a.txt": b"alpha\n", "sub/b.txt": b"beta beta\n", "LICENSE": b"Apache-2.0\n"}
DEMO_COMMIT = "ab" * 20


def demo_manifest(
    tmp_path: Path,
    *,
    sdist: Path | None = None,
    max_bytes: int = 1 << 20,
    sdist_sha: str | None = None,
) -> Manifest:
    """One suite, ``demo``: an sdist ``demo-1.0.tar.gz`` (files under ``tests/data/``, the
    licence as ``LICENSE.txt``) and an upstream ``example/demo`` (files under ``data/``)."""
    files = {rel: {"sha256": sha256(data), "size": len(data)} for rel, data in DEMO_FILES.items()}
    registry = None
    if sdist is not None:
        registry = {
            "project": "demo",
            "version": "1.0",
            "filename": sdist.name,
            "sha256": sdist_sha or sha256(sdist.read_bytes()),
            "size": sdist.stat().st_size,
            "url": "https://files.example/demo-1.0.tar.gz",
            "paths": {"": "tests/data/", "LICENSE": "LICENSE.txt"},
        }
    upstream = {
        "repo": "example/demo",
        "commit": DEMO_COMMIT,
        "max_bytes": max_bytes,
        "paths": {"": "data/", "LICENSE": "LICENSE"},
    }
    raw = {
        "suites": {
            "demo": {
                "title": "demo",
                "license": "Apache-2.0",
                "registry": registry,
                "upstream": [upstream],
                "files": files,
            }
        }
    }
    path = tmp_path / "manifest.json"
    path.write_text(dump_manifest(raw))
    return load_manifest(path)


def demo_sdist(tmp_path: Path, files: Mapping[str, bytes] = DEMO_FILES) -> Path:
    """``demo-1.0.tar.gz`` laid out as an sdist: package files, then the suite under tests/."""
    members = {"setup.py": b"# setup\n", "PKG-INFO": b"Name: demo\n", "demo/__init__.py": b""}
    for rel, data in files.items():
        members["LICENSE.txt" if rel == "LICENSE" else f"tests/data/{rel}"] = data
    return make_tar(tmp_path / "build" / "demo-1.0.tar.gz", "demo-1.0", members)


def demo_upstream(root: Path, files: Mapping[str, bytes] = DEMO_FILES) -> Path:
    """GitHub's archive of example/demo at DEMO_COMMIT, at ``root/example/demo/<commit>``."""
    members = {"README.md": b"demo\n"}
    for rel, data in files.items():
        members["LICENSE" if rel == "LICENSE" else f"data/{rel}"] = data
    return make_tar(root / "example" / "demo" / DEMO_COMMIT, f"demo-{DEMO_COMMIT}", members)


def only(outcomes: list[Outcome]) -> Outcome:
    assert len(outcomes) == 1
    return outcomes[0]


def assert_suite(folder: Path | None, files: Mapping[str, bytes] = DEMO_FILES) -> None:
    assert folder is not None
    assert {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    } == files


# ---------------------------------------------------------------------------- the manifest


class TestManifest:
    def test_the_nine_suites_with_their_provenance(self) -> None:
        got = {
            name: [(a.repo, a.commit) for a in suite.upstream]
            for name, suite in MANIFEST.suites.items()
        }
        assert got == PROVENANCE

    def test_botocore_sdist_carries_three(self) -> None:
        carried = {name for name, suite in MANIFEST.suites.items() if suite.sdist is not None}
        assert carried == BOTOCORE_SDIST
        for name in carried:
            sdist = MANIFEST.suites[name].sdist
            assert sdist is not None
            assert (sdist.project, sdist.version, sdist.filename) == (
                "botocore",
                "1.44.8",
                "botocore-1.44.8.tar.gz",
            )
            assert (sdist.sha256, sdist.size) == (SDIST_SHA256, SDIST_SIZE)

    @pytest.mark.parametrize("name", sorted(PROVENANCE))
    def test_each_file_comes_from_one_archive(self, name: str) -> None:
        suite = MANIFEST.suites[name]
        assert suite.files
        for rel in suite.files:
            holders = [a.label for a in suite.upstream if a.paths.source(rel) is not None]
            assert len(holders) == (1 if suite.upstream else 0), (rel, holders)
            if suite.sdist is not None:
                assert suite.sdist.paths.source(rel) is not None, rel

    def test_no_suite_without_a_source_but_the_transcribed_one(self) -> None:
        bare = [n for n, s in MANIFEST.suites.items() if not s.upstream and s.sdist is None]
        assert bare == ["sigv2-sigv3-vectors"]
        assert MANIFEST.suites["sigv2-sigv3-vectors"].note

    def test_text_is_as_the_writer_writes_it(self) -> None:
        path = REPO / "vectors" / "public-suites.json"
        assert dump_manifest(json.loads(path.read_text("utf-8"))) == path.read_text("utf-8")

    @pytest.mark.parametrize(
        ("change", "complaint"),
        [
            (lambda s: s["files"].update({"../x": s["files"]["a.txt"]}), "not a plain relative"),
            (lambda s: s["files"].update({"/etc/x": s["files"]["a.txt"]}), "not a plain relative"),
            (lambda s: s["files"]["a.txt"].update(sha256="AB" * 32), "64 lower-case hex"),
            (lambda s: s["files"]["a.txt"].update(size="6"), "'size' must be an integer"),
            (lambda s: s["upstream"][0].update(commit="abc"), "40 lower-case hex"),
            (lambda s: s["upstream"][0].update(repo="no-owner"), "owner/name"),
            (lambda s: s["upstream"][0].update(max_bytes=0), "max_bytes > 0"),
            (lambda s: s["files"].update({"c.txt": ["sha", 1]}), "file 'c.txt': must be an object"),
            (lambda s: s["upstream"].append("x"), r"upstream\[1\]: must be an object"),
            (lambda s: s["upstream"][0]["paths"].update({"sub/": "file"}), "folder to a folder"),
            (lambda s: s["upstream"][0]["paths"].update({"x": "../y"}), "not a plain relative"),
            (lambda s: s.pop("license"), "'license' must be a string"),
        ],
    )
    def test_bad_manifest_refused(self, tmp_path: Path, change: Any, complaint: str) -> None:
        demo_manifest(tmp_path)
        path = tmp_path / "manifest.json"
        raw = json.loads(path.read_text())
        change(raw["suites"]["demo"])
        path.write_text(json.dumps(raw))
        with pytest.raises(ManifestError, match=complaint):
            load_manifest(path)

    def test_unreadable_manifest(self, tmp_path: Path) -> None:
        (tmp_path / "m.json").write_text("{")
        with pytest.raises(ManifestError, match="cannot read the manifest"):
            load_manifest(tmp_path / "m.json")


# ---------------------------------------------------------------------------- the registry


class TestRegistry:
    def test_pep691_index_over_http(self, tmp_path: Path) -> None:
        sdist = demo_sdist(tmp_path)
        manifest = demo_manifest(tmp_path, sdist=sdist)
        simple_index(tmp_path / "pypi" / "simple", "demo", sdist)
        with serve(tmp_path / "pypi") as mirror:
            outcome = only(fetch(manifest, places(tmp_path, index_url=f"{mirror.url}/simple/")))
        assert (outcome.fetched, outcome.place) == (True, "PyPI demo 1.0 sdist")
        assert outcome.path == tmp_path / "cache" / "demo"
        assert_suite(outcome.path)
        assert mirror.seen == ["/simple/demo/", "/simple/demo-1.0.tar.gz"]
        assert leftovers(tmp_path / "cache") == []

    def test_pep503_index_over_file_url(self, tmp_path: Path) -> None:
        sdist = demo_sdist(tmp_path)
        manifest = demo_manifest(tmp_path, sdist=sdist)
        simple_index(tmp_path / "pypi" / "simple", "demo", sdist)
        (tmp_path / "pypi" / "simple" / "demo" / "index.json").unlink()  # HTML only
        outcome = only(
            fetch(manifest, places(tmp_path, index_url=file_url(tmp_path / "pypi" / "simple")))
        )
        assert outcome.fetched
        assert_suite(outcome.path)

    def test_tampered_file_refused(self, tmp_path: Path) -> None:
        """One byte changed, same size; the sdist's own hash recorded as the tampered one's, so
        only the per-file check stands between it and the cache."""
        sdist = demo_sdist(tmp_path, {**DEMO_FILES, "sub/b.txt": b"beta bet4\n"})
        manifest = demo_manifest(tmp_path, sdist=sdist)
        simple_index(tmp_path / "pypi" / "simple", "demo", sdist)
        with serve(tmp_path / "pypi") as mirror:
            outcome = only(fetch(manifest, places(tmp_path, index_url=f"{mirror.url}/simple/")))
        assert outcome.path is None
        assert (
            "PyPI demo 1.0 sdist: sub/b.txt differs from the manifest (SHA-256); refused"
            in outcome.problems
        )
        assert not (tmp_path / "cache" / "demo").exists()
        assert leftovers(tmp_path / "cache") == []

    def test_another_sdist_refused_before_it_is_opened(self, tmp_path: Path) -> None:
        sdist = demo_sdist(tmp_path)
        manifest = demo_manifest(tmp_path, sdist=sdist, sdist_sha="0" * 64)
        simple_index(tmp_path / "pypi" / "simple", "demo", sdist, listed_sha="0" * 64)
        with serve(tmp_path / "pypi") as mirror:
            outcome = only(fetch(manifest, places(tmp_path, index_url=f"{mirror.url}/simple/")))
        assert outcome.path is None
        assert any("not the file the manifest records" in p for p in outcome.problems)

    def test_index_listing_another_hash_is_not_downloaded(self, tmp_path: Path) -> None:
        sdist = demo_sdist(tmp_path)
        manifest = demo_manifest(tmp_path, sdist=sdist)
        simple_index(tmp_path / "pypi" / "simple", "demo", sdist, listed_sha="1" * 64)
        with serve(tmp_path / "pypi") as mirror:
            outcome = only(fetch(manifest, places(tmp_path, index_url=f"{mirror.url}/simple/")))
        assert any("listed with another SHA-256; refused" in p for p in outcome.problems)
        assert mirror.seen == ["/simple/demo/"]

    def test_unlisted_sdist_falls_back_to_upstream(self, tmp_path: Path) -> None:
        sdist = demo_sdist(tmp_path)
        manifest = demo_manifest(tmp_path, sdist=sdist)
        (tmp_path / "pypi" / "simple" / "demo").mkdir(parents=True)
        (tmp_path / "pypi" / "simple" / "demo" / "index.html").write_text("<html></html>")
        demo_upstream(tmp_path / "gh")
        where = places(
            tmp_path,
            index_url=file_url(tmp_path / "pypi" / "simple"),
            archive_url=file_url(tmp_path / "gh") + "/{repo}/{commit}",
        )
        outcome = only(fetch(manifest, where))
        assert (outcome.fetched, outcome.place) == (
            True,
            f"github.com/example/demo @ {DEMO_COMMIT[:8]}",
        )
        assert_suite(outcome.path)


# ---------------------------------------------------------------------------- upstream archives


class TestUpstream:
    def test_archive_over_http(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        demo_upstream(tmp_path / "gh")
        with serve(tmp_path / "gh") as mirror:
            where = places(tmp_path, archive_url=mirror.url + "/{repo}/{commit}")
            outcome = only(fetch(manifest, where))
        assert outcome.fetched
        assert_suite(outcome.path)
        assert mirror.seen == [f"/example/demo/{DEMO_COMMIT}"]

    def test_announced_size_over_the_bound_refused(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path, max_bytes=100)
        archive = demo_upstream(tmp_path / "gh")
        with serve(tmp_path / "gh") as mirror:
            outcome = only(
                fetch(manifest, places(tmp_path, archive_url=mirror.url + "/{repo}/{commit}"))
            )
        size = archive.stat().st_size
        assert outcome.path is None
        assert any(
            f"{size} bytes announced, more than the 100 allowed; refused" in p
            for p in outcome.problems
        )

    def test_unannounced_size_over_the_bound_refused(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path, max_bytes=100)
        demo_upstream(tmp_path / "gh")
        path = f"/example/demo/{DEMO_COMMIT}"
        with serve(tmp_path / "gh", unsized=frozenset({path})) as mirror:
            outcome = only(
                fetch(manifest, places(tmp_path, archive_url=mirror.url + "/{repo}/{commit}"))
            )
        assert any("more than the 100 bytes allowed; refused" in p for p in outcome.problems)
        assert leftovers(tmp_path / "cache") == []

    def test_bound_is_inclusive(self, tmp_path: Path) -> None:
        archive = demo_upstream(tmp_path / "gh")
        size = archive.stat().st_size
        for bound, ok in ((size - 1, False), (size, True)):
            shutil.rmtree(tmp_path / "cache", ignore_errors=True)
            manifest = demo_manifest(tmp_path, max_bytes=bound)
            where = places(tmp_path, archive_url=file_url(tmp_path / "gh") + "/{repo}/{commit}")
            assert (only(fetch(manifest, where)).path is not None) is ok

    def test_link_in_place_of_a_file_refused(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        files = {
            "README.md": b"",
            "data/a.txt": DEMO_FILES["a.txt"],
            "LICENSE": DEMO_FILES["LICENSE"],
        }
        make_tar(
            tmp_path / "gh" / "example" / "demo" / DEMO_COMMIT,
            f"demo-{DEMO_COMMIT}",
            files,
            links={"data/sub/b.txt": "/etc/passwd"},
        )
        where = places(tmp_path, archive_url=file_url(tmp_path / "gh") + "/{repo}/{commit}")
        outcome = only(fetch(manifest, where))
        assert outcome.path is None
        assert any("sub/b.txt is not a regular file; refused" in p for p in outcome.problems)

    def test_wrong_size_refused_before_reading(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        demo_upstream(tmp_path / "gh", {**DEMO_FILES, "a.txt": b"alpha and more\n"})
        where = places(tmp_path, archive_url=file_url(tmp_path / "gh") + "/{repo}/{commit}")
        outcome = only(fetch(manifest, where))
        assert any("a.txt has 15 bytes, the manifest 6; refused" in p for p in outcome.problems)

    def test_missing_member_and_broken_archive(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        demo_upstream(tmp_path / "gh", {"a.txt": DEMO_FILES["a.txt"]})
        where = places(tmp_path, archive_url=file_url(tmp_path / "gh") + "/{repo}/{commit}")
        outcome = only(fetch(manifest, where))
        assert any("2 of its files are not in the archive" in p for p in outcome.problems)
        (tmp_path / "gh" / "example" / "demo" / DEMO_COMMIT).write_bytes(b"\x1f\x8b\x08garbage")
        outcome = only(fetch(manifest, where))
        assert any("unreadable archive" in p for p in outcome.problems)

    def test_redirect_to_plain_http_elsewhere_refused(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        path = f"/example/demo/{DEMO_COMMIT}"
        with serve(tmp_path, redirects={path: "http://example.invalid/x.tar.gz"}) as mirror:
            outcome = only(
                fetch(manifest, places(tmp_path, archive_url=mirror.url + "/{repo}/{commit}"))
            )
        assert any(
            "redirected to http://example.invalid/x.tar.gz, refused" in p for p in outcome.problems
        )

    def test_redirect_on_loopback_followed(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        demo_upstream(tmp_path / "gh")
        with serve(tmp_path / "gh", redirects={"/moved": f"/example/demo/{DEMO_COMMIT}"}) as mirror:
            outcome = only(fetch(manifest, places(tmp_path, archive_url=mirror.url + "/moved")))
        assert_suite(outcome.path)

    def test_scheme_refused_without_a_connection(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        where = places(tmp_path, archive_url="http://example.invalid/{repo}/{commit}")
        outcome = only(fetch(manifest, where))
        assert any(
            "only https, file, or http to 127.0.0.1 is opened" in p for p in outcome.problems
        )

    def test_silent_host_asked_once(self, tmp_path: Path) -> None:
        raw = json.loads(dump_manifest(demo_manifest(tmp_path).raw))
        second = dict(
            raw["suites"]["demo"],
            upstream=[dict(raw["suites"]["demo"]["upstream"][0], commit="cd" * 20)],
        )
        raw["suites"]["demo2"] = second
        (tmp_path / "manifest.json").write_text(dump_manifest(raw))
        manifest = load_manifest(tmp_path / "manifest.json")
        port = closed_port()
        outcomes = fetch(
            manifest, places(tmp_path, archive_url=f"http://127.0.0.1:{port}/{{repo}}/{{commit}}")
        )
        assert [o.path for o in outcomes] == [None, None]
        assert "Connection refused" in outcomes[0].problems[-1]
        assert f"not tried, 127.0.0.1:{port} did not answer earlier" in outcomes[1].problems[-1]


# ---------------------------------------------------------------------------- by hand, the cache


class TestByHandAndCache:
    def test_archives_downloaded_by_hand(self, tmp_path: Path) -> None:
        """A zip as GitHub's "Download ZIP" gives, then the sdist as a tarball: the hashes pick."""
        manifest = demo_manifest(tmp_path, sdist=demo_sdist(tmp_path))
        partial = tmp_path / "demo-main.zip"
        with zipfile.ZipFile(partial, "w") as zf:
            zf.writestr("demo-main/data/a.txt", DEMO_FILES["a.txt"])
            zf.writestr("demo-main/data/sub/b.txt", b"not the file")
        outcome = only(fetch(manifest, places(tmp_path), archives=[partial]))
        assert outcome.path is None
        assert outcome.problems == (
            "demo-main.zip: sub/b.txt has 12 bytes, the manifest 10; refused",
            "demo-main.zip: 1 of its files are not in the archive (first: LICENSE)",
        )
        elsewhere = make_tar(tmp_path / "other.tar.gz", "other", {"x": b""})
        outcome = only(fetch(manifest, places(tmp_path), archives=[elsewhere]))
        assert outcome.problems == ("not in other.tar.gz",)
        full = tmp_path / "build" / "demo-1.0.tar.gz"
        outcome = only(fetch(manifest, places(tmp_path), archives=[partial, full]))
        assert (outcome.fetched, outcome.place) == (True, "demo-main.zip + demo-1.0.tar.gz")
        assert_suite(outcome.path)

    def test_zip_link_refused(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        archive = tmp_path / "demo.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for rel, data in DEMO_FILES.items():
                info = zipfile.ZipInfo("demo/" + ("LICENSE" if rel == "LICENSE" else f"data/{rel}"))
                if rel == "a.txt":
                    info.external_attr = 0o120777 << 16  # a symbolic link
                zf.writestr(info, data)
        outcome = only(fetch(manifest, places(tmp_path), archives=[archive]))
        assert any("a.txt is not a regular file; refused" in p for p in outcome.problems)

    def test_stale_cached_copy_replaced(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        stale = tmp_path / "cache" / "demo"
        stale.mkdir(parents=True)
        (stale / "a.txt").write_bytes(b"old\n")
        demo_upstream(tmp_path / "gh")
        where = places(tmp_path, archive_url=file_url(tmp_path / "gh") + "/{repo}/{commit}")
        assert locate(manifest.suites["demo"], where).passed_over == (
            "cache copy passed over: a.txt has 4 bytes, the manifest 6",
        )
        outcome = only(fetch(manifest, where))
        assert outcome.path == stale
        assert_suite(stale)
        assert leftovers(tmp_path / "cache") == []
        again = only(fetch(manifest, where, network=False))
        assert (again.fetched, again.place) == (False, "cache")

    def test_order_env_beside_cache(self, tmp_path: Path) -> None:
        suite = demo_manifest(tmp_path).suites["demo"]
        for root in ("env", "beside", "cache"):
            for rel, data in DEMO_FILES.items():
                (tmp_path / root / "demo" / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / root / "demo" / rel).write_bytes(data)
        where = Places(env=tmp_path / "env", beside=tmp_path / "beside", cache=tmp_path / "cache")
        assert locate(suite, where) == Located(tmp_path / "env" / "demo", "$SESSPEC_VECTORS")
        (tmp_path / "env" / "demo" / "LICENSE").write_bytes(b"Apache-2.1\n")
        assert locate(suite, where) == Located(
            tmp_path / "beside" / "demo",
            "beside the checkout",
            ("$SESSPEC_VECTORS copy passed over: LICENSE differs from the manifest (SHA-256)",),
        )
        shutil.rmtree(tmp_path / "beside")
        assert locate(suite, where).place == "cache"
        (tmp_path / "cache" / "demo" / "sub" / "b.txt").unlink()
        assert locate(suite, where).path is None

    def test_unwritable_cache_is_one_line(self, tmp_path: Path) -> None:
        manifest = demo_manifest(tmp_path)
        (tmp_path / "file").write_text("")
        where = dataclasses.replace(places(tmp_path), cache=tmp_path / "file" / "cache")
        outcome = only(fetch(manifest, where))
        assert outcome.path is None
        assert outcome.problems[0].startswith(f"cannot write to {tmp_path / 'file' / 'cache'}")

    def test_environment(self, tmp_path: Path) -> None:
        got = Places.from_environ(
            {"XDG_CACHE_HOME": str(tmp_path), "SESSPEC_VECTORS": "/v"}, repo=tmp_path / "r"
        )
        assert (got.env, got.beside, got.cache) == (
            Path("/v"),
            tmp_path / "shared" / "vectors",
            tmp_path / "sesspec" / "suites",
        )
        relative = Places.from_environ({"XDG_CACHE_HOME": "rel"})
        assert relative.cache == Path.home() / ".cache" / "sesspec" / "suites"
        assert relative.index_url == "https://pypi.org/simple/"
        assert relative.archive_url == "https://codeload.github.com/{repo}/tar.gz/{commit}"


# ---------------------------------------------------------------------------- the lines users see


class TestLines:
    @pytest.mark.parametrize("name", sorted(PROVENANCE))
    def test_directions_are_one_line_without_the_shared_folder(self, name: str) -> None:
        suite = MANIFEST.suites[name]
        line = suite.directions()
        assert "\n" not in line
        assert "shared" not in line
        if suite.sdist is not None:
            assert "PyPI botocore 1.44.8 sdist" in line
            assert suite.sdist.url in line
        for arch in suite.upstream:
            assert f"github.com/{arch.repo} @ {arch.commit[:8]}" in line
            if suite.sdist is None:
                assert f"https://codeload.github.com/{arch.repo}/tar.gz/{arch.commit}" in line
        if suite.sdist or suite.upstream:
            assert "`make vectors`" in line
            assert "`python3 scripts/fetch_suites.py --archive FILE...`" in line
        else:
            assert "set SESSPEC_VECTORS" in line

    def test_skip_and_fail(self, monkeypatch: pytest.MonkeyPatch) -> None:
        name = "sigv4-testsuite-2015-botocore"
        monkeypatch.setattr(_support, "located", lambda _suite: Located(None, None))
        monkeypatch.delenv("SESSPEC_REQUIRE_SUITES", raising=False)
        with pytest.raises(pytest.skip.Exception) as skipped:
            require_suite(name)
        assert (
            str(skipped.value)
            == f"public suite {name} absent; " + MANIFEST.suites[name].directions()
        )
        monkeypatch.setenv("SESSPEC_REQUIRE_SUITES", "1")
        with pytest.raises(pytest.fail.Exception, match="SESSPEC_REQUIRE_SUITES is set"):
            require_suite(name)
        monkeypatch.setenv("SESSPEC_REQUIRE_SUITES", "0")
        with pytest.raises(pytest.skip.Exception):
            require_suite(name)

    def test_table_names_the_absent(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        here = {"sigv4-testsuite-2015-botocore": Located(tmp_path, "cache")}
        monkeypatch.setattr(_support, "located", lambda s: here.get(s, Located(None, None)))
        lines = _support.suite_table(
            {
                "sigv4-testsuite-2015-botocore": {"passed": 34},
                "sesspec-ses-vectors": {"passed": 2, "skipped": 1},
            }
        )
        absent = [s for s in sorted(PROVENANCE) if s not in here]
        assert lines[:3] == [
            "sesspec-ses-vectors: 2 passed, 1 skipped",
            "sigv4-testsuite-2015-botocore: 34 passed [cache]",
            f"absent (8 of 9 public suites): {', '.join(absent)}",
        ]
        assert lines[3:] == [f"  {_support.absent_line(s)}" for s in absent]

    def test_table_gives_directions_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A suite whose tests skipped said how to get it in their skip line: not again."""
        monkeypatch.setattr(_support, "located", lambda _suite: Located(None, None))
        skipped = "sigv4-testsuite-2011-botocore"
        lines = _support.suite_table({skipped: {"skipped": 7}})
        assert lines[0] == f"{skipped}: 7 skipped"
        assert lines[1].startswith("absent (9 of 9 public suites): ")
        assert len(lines) == 2 + 8
        assert not any(_support.absent_line(skipped) in line for line in lines)


# ---------------------------------------------------------------------------- the real manifest


def _real_copy(name: str) -> dict[str, bytes]:
    folder = require_suite(name)
    return {rel: (folder / rel).read_bytes() for rel in MANIFEST.suites[name].files}


def _inverse(paths: PathMap, copy: Mapping[str, bytes]) -> dict[str, bytes]:
    """The archive members that hold a suite's files, by their path in the archive."""
    members = {}
    for rel, data in copy.items():
        source = paths.source(rel)
        if source is not None:
            members[source] = data
    return members


class TestRealManifest:
    """Archives built from the located suites, fetched back through the real manifest."""

    def _fake_botocore_sdist(self, tmp_path: Path, tamper: str | None = None) -> Path:
        members = {"setup.py": b"# botocore\n", "PKG-INFO": b"Name: botocore\nVersion: 1.44.8\n"}
        for name in sorted(BOTOCORE_SDIST):
            suite = MANIFEST.suites[name]
            assert suite.sdist is not None
            members.update(_inverse(suite.sdist.paths, _real_copy(name)))
        if tamper is not None:
            data = bytearray(members[tamper])
            data[0] ^= 0x01
            members[tamper] = bytes(data)
        return make_tar(tmp_path / "build" / "botocore-1.44.8.tar.gz", "botocore-1.44.8", members)

    def _with_sdist(self, archive: Path) -> Manifest:
        """The real manifest with the sdist's own size and hash set to the fake's: every
        per-file hash stays the real one."""
        suites = {}
        for name, suite in MANIFEST.suites.items():
            suites[name] = suite
            if suite.sdist is not None:
                sdist = dataclasses.replace(
                    suite.sdist, sha256=sha256(archive.read_bytes()), size=archive.stat().st_size
                )
                suites[name] = dataclasses.replace(suite, sdist=sdist)
        return Manifest(suites, MANIFEST.raw)

    def test_botocore_sdist_from_a_fake_registry(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        passes: list[str] = []
        members = fetch_suites._members

        def counted(path: Path) -> Any:
            passes.append(path.name)
            return members(path)

        monkeypatch.setattr(fetch_suites, "_members", counted)
        archive = self._fake_botocore_sdist(tmp_path)
        simple_index(tmp_path / "pypi" / "simple", "botocore", archive)
        with serve(tmp_path / "pypi") as mirror:
            where = places(tmp_path, index_url=f"{mirror.url}/simple/")
            outcomes = fetch(self._with_sdist(archive), where, names=sorted(BOTOCORE_SDIST))
            real = fetch(
                MANIFEST,
                places(tmp_path / "real", index_url=f"{mirror.url}/simple/"),
                names=sorted(BOTOCORE_SDIST),
            )
        # One download serves the three suites; the real manifest's run stops at the index page,
        # which lists the fake with a hash that is not the real sdist's.
        page, tarball = "/simple/botocore/", "/simple/botocore-1.44.8.tar.gz"
        assert mirror.seen == [page, tarball, page]
        assert passes == ["botocore-1.44.8.tar.gz"]  # and read in one pass
        for outcome in outcomes:
            assert (outcome.fetched, outcome.place) == (True, "PyPI botocore 1.44.8 sdist")
            assert_suite(outcome.path, _real_copy(outcome.suite.name))
        for outcome in real:
            assert outcome.path is None
            assert any("listed with another SHA-256; refused" in p for p in outcome.problems)

    def test_tampered_botocore_file_refused(self, tmp_path: Path) -> None:
        archive = self._fake_botocore_sdist(
            tmp_path, tamper="tests/unit/auth/aws4_testsuite/get-vanilla/get-vanilla.req"
        )
        where = places(tmp_path, index_url=file_url(tmp_path / "pypi" / "simple"))
        simple_index(tmp_path / "pypi" / "simple", "botocore", archive)
        by_name = {
            o.suite.name: o
            for o in fetch(self._with_sdist(archive), where, names=sorted(BOTOCORE_SDIST))
        }
        tampered = by_name.pop("sigv4-testsuite-2015-botocore")
        assert tampered.path is None
        assert tampered.problems[0] == (
            "PyPI botocore 1.44.8 sdist: get-vanilla/get-vanilla.req differs from the manifest "
            "(SHA-256); refused"
        )
        assert not (tmp_path / "cache" / "sigv4-testsuite-2015-botocore").exists()
        assert [o.fetched for o in by_name.values()] == [True, True]

    def test_every_upstream_archive_from_a_local_mirror(self, tmp_path: Path) -> None:
        names = [n for n, s in MANIFEST.suites.items() if s.upstream]
        built: dict[tuple[str, str], dict[str, bytes]] = {}
        for name in names:
            copy = _real_copy(name)
            for arch in MANIFEST.suites[name].upstream:
                built.setdefault((arch.repo, arch.commit), {}).update(_inverse(arch.paths, copy))
        for (repo, commit), members in built.items():
            make_tar(
                tmp_path / "gh" / repo / "tar.gz" / commit,
                f"{repo.split('/')[1]}-{commit}",
                members,
            )
        with serve(tmp_path / "gh") as mirror:
            where = places(tmp_path, archive_url=mirror.url + "/{repo}/tar.gz/{commit}")
            outcomes = fetch(MANIFEST, where, names=names)
        assert len(mirror.seen) == len(built) == 7  # botocore @ 0e6e2404 once for four suites
        for outcome in outcomes:
            assert outcome.fetched, outcome.line()
            assert_suite(outcome.path, _real_copy(outcome.suite.name))


# ---------------------------------------------------------------------------- as a user runs it


def _fresh_checkout(tmp_path: Path, manifest: Path) -> Path:
    """The fetcher and a manifest in a folder with nothing beside it."""
    repo = tmp_path / "clone"
    (repo / "scripts").mkdir(parents=True)
    (repo / "vectors").mkdir()
    shutil.copy(REPO / "scripts" / "fetch_suites.py", repo / "scripts")
    shutil.copy(manifest, repo / "vectors" / "public-suites.json")
    return repo


def _run(repo: Path, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SESSPEC_")}
    return subprocess.run(
        [sys.executable, "scripts/fetch_suites.py", *args],
        cwd=repo,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


class TestCommandLine:
    def test_fetch_then_find(self, tmp_path: Path) -> None:
        sdist = demo_sdist(tmp_path)
        demo_manifest(tmp_path, sdist=sdist)
        repo = _fresh_checkout(tmp_path, tmp_path / "manifest.json")
        simple_index(tmp_path / "pypi" / "simple", "demo", sdist)
        env = {
            "XDG_CACHE_HOME": str(tmp_path / "xdg"),
            "SESSPEC_INDEX_URL": file_url(tmp_path / "pypi" / "simple"),
        }
        first = _run(repo, env=env)
        cache = tmp_path / "xdg" / "sesspec" / "suites" / "demo"
        assert (first.returncode, first.stderr) == (0, "")
        assert (
            first.stdout
            == f"demo: fetched from PyPI demo 1.0 sdist into {cache}, 3 files verified\n"
        )
        quiet = _run(repo, "--quiet", "--offline", env=env)
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
        loud = _run(repo, "--offline", env=env)
        assert loud.stdout == f"demo: 3 files verified, cache ({cache})\n"

    def test_unavailable_is_one_line_exit_1(self, tmp_path: Path) -> None:
        demo_manifest(tmp_path)
        repo = _fresh_checkout(tmp_path, tmp_path / "manifest.json")
        env = {
            "XDG_CACHE_HOME": str(tmp_path / "xdg"),
            "SESSPEC_ARCHIVE_URL": f"http://127.0.0.1:{closed_port()}/{{repo}}/{{commit}}",
        }
        result = _run(repo, env=env)
        assert (result.returncode, result.stderr) == (1, "")
        assert result.stdout.count("\n") == 1
        assert result.stdout.startswith(
            "demo: unavailable (github.com/example/demo @ abababab: http://127.0.0.1:"
        )
        assert (
            "Connection refused); it comes from github.com/example/demo @ abababab;"
            in result.stdout
        )

    def test_quiet_names_the_unavailable_in_one_line(self, tmp_path: Path) -> None:
        """`make test` runs --quiet: the directions are the tests' to give, once."""
        demo_manifest(tmp_path)
        repo = _fresh_checkout(tmp_path, tmp_path / "manifest.json")
        env = {
            "XDG_CACHE_HOME": str(tmp_path / "xdg"),
            "SESSPEC_ARCHIVE_URL": f"http://127.0.0.1:{closed_port()}/{{repo}}/{{commit}}",
        }
        result = _run(repo, "--quiet", env=env)
        assert (result.returncode, result.stderr) == (1, "")
        assert result.stdout == (
            "fetch_suites: 1 suites unavailable here (demo); their tests skip with one line "
            "each saying how to get them\n"
        )

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["nope"], "fetch_suites: unknown suite 'nope' (known: demo)\n"),
            (["--archive", "missing.tar.gz"], "fetch_suites: missing.tar.gz: no such file\n"),
        ],
    )
    def test_usage_errors_exit_2(self, tmp_path: Path, args: list[str], message: str) -> None:
        demo_manifest(tmp_path)
        repo = _fresh_checkout(tmp_path, tmp_path / "manifest.json")
        result = _run(repo, *args, env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message)

    def test_broken_manifest_exit_2(self, tmp_path: Path) -> None:
        (tmp_path / "manifest.json").write_text("[]")
        repo = _fresh_checkout(tmp_path, tmp_path / "manifest.json")
        result = _run(repo, env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert "the manifest is an object with a 'suites' object" in result.stderr

    def test_write_manifest(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        manifest = demo_manifest(tmp_path)
        copy = tmp_path / "copy" / "demo"
        for rel, data in {**DEMO_FILES, "PROVENANCE.md": b"ours", "c.txt": b"new"}.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_bytes(data)
        out = tmp_path / "manifest.json"
        assert main(["--manifest", str(out), "--write-manifest", str(tmp_path / "copy")]) == 0
        files = load_manifest(out).suites["demo"].files
        assert sorted(files) == ["LICENSE", "a.txt", "c.txt", "sub/b.txt"]  # PROVENANCE.md is ours
        assert files["c.txt"].sha256 == sha256(b"new")
        assert capsys.readouterr().err == ""
        assert manifest.suites["demo"].files.keys() < files.keys()


# ---------------------------------------------------------------------------- the CI switch


def _pytest_clone(
    tmp_path: Path, test: str, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """pytest in a checkout with nothing beside it (only what the suite machinery needs)."""
    repo = tmp_path / "clone"
    for rel in (
        "pyproject.toml",
        "scripts/__init__.py",
        "scripts/fetch_suites.py",
        "vectors/public-suites.json",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/_support.py",
        "tests/_hypothesis.py",
    ):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / rel, repo / rel)
    (repo / "tests" / "test_one.py").write_text(test)
    base = {k: v for k, v in os.environ.items() if not k.startswith("SESSPEC_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_one.py"],
        cwd=repo,
        env={**base, "XDG_CACHE_HOME": str(tmp_path / "xdg"), **env},
        capture_output=True,
        text=True,
        check=False,
    )


SUITE_TEST = """
import pytest
from tests._support import require_suite

@pytest.mark.suite("sigv4-testsuite-2015-botocore")
def test_case():
    require_suite("sigv4-testsuite-2015-botocore")
"""


#: Three tests of one absent suite, only one of them marked as its case.
UNMARKED_TESTS = (
    SUITE_TEST
    + """

def test_unmarked():
    require_suite("sigv4-testsuite-2015-botocore")


def test_also_unmarked():
    require_suite("sigv4-testsuite-2015-botocore")
"""
)


class TestSwitch:
    def test_users_get_a_skip_with_directions(self, tmp_path: Path) -> None:
        result = _pytest_clone(tmp_path, SUITE_TEST, {})
        assert result.returncode == 0, result.stdout
        assert "sigv4-testsuite-2015-botocore: 1 skipped" in result.stdout
        assert "absent (9 of 9 public suites):" in result.stdout
        suite = MANIFEST.suites["sigv4-testsuite-2015-botocore"]
        line = f"public suite {suite.name} absent; {suite.directions()}"
        assert result.stdout.count(line) == 1
        assert "../shared" not in result.stdout

    def test_the_table_counts_what_pytest_counts(self, tmp_path: Path) -> None:
        """Every test skipped for the suite counts under it, marked or not; one skip line."""
        result = _pytest_clone(tmp_path, UNMARKED_TESTS, {})
        assert result.returncode == 0, result.stdout
        assert "3 skipped in " in result.stdout
        assert "sigv4-testsuite-2015-botocore: 3 skipped" in result.stdout
        suite = MANIFEST.suites["sigv4-testsuite-2015-botocore"]
        line = f"public suite {suite.name} absent; {suite.directions()}"
        assert result.stdout.count(line) == 1
        assert result.stdout.count("SKIPPED [3] ") == 1

    def test_ci_fails_every_test_of_the_suite(self, tmp_path: Path) -> None:
        result = _pytest_clone(tmp_path, UNMARKED_TESTS, {"SESSPEC_REQUIRE_SUITES": "1"})
        assert result.returncode == 1, result.stdout
        assert "sigv4-testsuite-2015-botocore: 3 failed" in result.stdout

    def test_ci_fails(self, tmp_path: Path) -> None:
        result = _pytest_clone(tmp_path, SUITE_TEST, {"SESSPEC_REQUIRE_SUITES": "1"})
        assert result.returncode == 1, result.stdout
        assert "sigv4-testsuite-2015-botocore: 1 failed" in result.stdout
        assert (
            "SESSPEC_REQUIRE_SUITES is set: 9 absent public suites fail this run" in result.stdout
        )

    def test_ci_fails_even_with_no_suite_test(self, tmp_path: Path) -> None:
        result = _pytest_clone(
            tmp_path, "def test_nothing():\n    pass\n", {"SESSPEC_REQUIRE_SUITES": "1"}
        )
        assert result.returncode == 1, result.stdout
        assert "1 passed" in result.stdout
        assert (
            "SESSPEC_REQUIRE_SUITES is set: 9 absent public suites fail this run" in result.stdout
        )


def test_readme_table_matches_the_manifest() -> None:
    """The README's "Getting the public suites" table says what the manifest says."""
    text = (REPO / "README.md").read_text("utf-8")
    found = re.findall(r"^\| `([a-z0-9-]+)` \|(.*)\|(.*)\|$", text, re.MULTILINE)
    rows = [(name, registry.strip(), upstream.strip()) for name, registry, upstream in found]
    assert sorted(name for name, _, _ in rows) == sorted(MANIFEST.suites)
    for name, registry, upstream in rows:
        suite = MANIFEST.suites[name]
        assert (registry == f"PyPI `{suite.sdist.filename}`") if suite.sdist else registry == ""
        repos = {a.repo for a in suite.upstream}
        commits = ", ".join(a.commit[:8] for a in suite.upstream)
        expected = f"{repos.pop()} ({commits})" if suite.upstream else upstream
        assert not repos
        assert upstream == expected
        if not suite.upstream:
            assert upstream.startswith("none:")
