"""What ``make report`` installs, said before it starts, and where it writes.

A newcomer's ``make report`` said nothing of the Debian packages it was about to install and
left the clone dirty (it rewrote the committed ``reports/latest``). Now ``sesspec report
--install`` says first, by registry, what it installs and about how much, and how to install
less (``--client``, ``--language``; ``CLIENTS=``, ``LANGUAGES=`` in ``make``); its default
folder is ``reports/local``, which the clone ignores; ``make report-commit`` writes the
committed one.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sesspec.cli.report import DEFAULT_OUT
from sesspec.cli.report import main as report_main
from sesspec.drivers import node, registry
from sesspec.drivers.kinds import CommandDriver, CompiledDriver, PythonDriver
from sesspec.drivers.registry import all_drivers, install_clients
from sesspec.report.run import INSTALL_COSTS, _sweep_links, install_summary
from tests._support import REPO

#: The catalogue's languages, in its order.
LANGUAGES = ", ".join(dict.fromkeys(d.language for d in all_drivers()))


def test_every_registry_a_client_comes_from_has_a_measured_cost() -> None:
    """The registries are the catalogue's (read from it, not restated here)."""
    used = {d.registry for d in all_drivers()}
    assert used <= set(INSTALL_COSTS)
    summary = install_summary(all_drivers())
    for name in used:
        assert f"\n  {name}: " in summary
        assert "about " in INSTALL_COSTS[name].size


def test_every_debian_language_has_its_share() -> None:
    """Haskell alone is most of the Debian packages' size: the summary says each language's
    share, so that LANGUAGES= can leave it out knowingly."""
    debian = [d for d in all_drivers() if isinstance(d, CommandDriver | CompiledDriver)]
    languages = {d.language for d in debian if d.registry == "debian"}
    assert languages == set(INSTALL_COSTS["debian"].by_language)
    summary = install_summary(debian)
    for language in languages:
        assert f"{language} {INSTALL_COSTS['debian'].by_language[language]}" in summary


def test_the_summary_names_the_clients_to_install_and_how_to_install_less(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drivers = [registry.get_driver("boto3"), registry.get_driver("aws4")]
    monkeypatch.setattr(PythonDriver, "available", lambda _self: (False, "not here"))
    monkeypatch.setattr(node, "installed", lambda: True)
    summary = install_summary(drivers)
    lines = summary.splitlines()
    assert lines[0] == (
        "sesspec report --install: what it installs for the 2 clients chosen, by registry "
        "(sizes measured on a fresh Debian 12 machine):"
    )
    assert lines[1] == "  pypi: 1 client(s); 1 to install: boto3"
    assert lines[3] == "    packages: boto3, and their dependencies"
    every = sum(d.registry == "pypi" for d in all_drivers())
    assert lines[4] == f"    size, for all {every} of its clients: {INSTALL_COSTS['pypi'].size}"
    assert lines[5] == "  npm: 1 client(s); all here already"
    lock = json.loads((REPO / "sesspec/drivers/js/package-lock.json").read_text("utf-8"))
    assert lines[7] == (
        f"    packages: aws4, and the lockfile's {len(lock['packages']) - 1} packages in all"
    )
    assert lines[-1].startswith(
        "To install less: make report CLIENTS=boto3,aws4 or LANGUAGES=python,javascript "
    )
    assert lines[-1].endswith(
        ": python, shell, javascript, ruby, perl, php, go, java, rust, haskell."
    )


def test_plan_says_and_stops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    assert report_main(["--plan", "--language", "python,javascript", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    chosen = [d for d in all_drivers() if d.language in ("python", "javascript")]
    pypi = sum(d.registry == "pypi" for d in chosen)
    assert f"for the {len(chosen)} clients chosen" in err
    assert f"\n  pypi: {pypi} client(s)" in err
    assert f"\n  npm: {len(chosen) - pypi} client(s)" in err
    assert "debian" not in err.split("To install less")[0]
    assert not out.exists()


def test_client_and_language_each_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(["--plan", "--client", "boto3,aws4", "--language", "python"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("sesspec report --install: what it installs for the 1 clients chosen")
    assert "\n  pypi: 1 client(s)" in err
    assert "\n  npm:" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--language", "node"],
            f"unknown language(s): node (known: {LANGUAGES})",
        ),
        (["--client", "boto3", "--language", "ruby"], "no client is both one of boto3 and in ruby"),
        (
            ["--rejudge", "--language", "python"],
            "--rejudge runs no client: --client, --language, --scenario, --install, --run-id "
            "do not apply",
        ),
    ],
)
def test_choices_that_leave_nothing_are_refused(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report_main(["--plan", *args]) == 2
    assert capsys.readouterr().err == f"sesspec report: {message}\n"


def test_install_installs_only_what_the_chosen_clients_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One Python client: pip for it alone, no npm ci, no apt-get."""

    def refuse(*_args: object, **_kwargs: object) -> tuple[bool, str]:
        raise AssertionError("npm ci for a Python client")

    monkeypatch.setattr(node, "install", refuse)
    status = install_clients(
        python=str(tmp_path / "no-python"),
        npm=str(tmp_path / "no-npm"),
        apt=str(tmp_path / "no-apt-get"),
        only=["requests-aws4auth"],
    )
    assert list(status) == ["requests-aws4auth"]
    assert status["requests-aws4auth"].startswith("not available: ")


def test_the_default_folder_is_one_a_clone_ignores() -> None:
    assert Path("reports") / "local" == DEFAULT_OUT

    def ignored(path: str) -> bool:
        done = subprocess.run(
            ["git", "check-ignore", "--quiet", path], cwd=REPO, check=False, timeout=30
        )
        return done.returncode == 0

    assert ignored("reports/local/latest/index.html")
    assert ignored("reports/local/history/20261208T101010Z.json")
    assert not ignored("reports/latest/index.html")
    assert not ignored("reports/history/20261208T101010Z.json")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ([], "sesspec report --install"),
        (["UPDATE=1"], "sesspec report --install --out reports"),
        (["CLIENTS=boto3,aws4"], "sesspec report --install --client boto3 --client aws4"),
        (
            ["LANGUAGES=python,javascript"],
            "sesspec report --install --language python --language javascript",
        ),
    ],
)
def test_make_report_passes_the_limits_and_the_folder(variables: list[str], expected: str) -> None:
    done = subprocess.run(
        ["make", "--always-make", "--dry-run", "report", *variables],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    (line,) = [x for x in done.stdout.splitlines() if " report --install" in x]
    assert " ".join(line.split()).endswith(expected)


def test_a_local_report_links_the_committed_sweeps(tmp_path: Path) -> None:
    """``reports/local/latest`` reaches ``reports/sweeps`` as ``../../sweeps``."""
    (tmp_path / "sweeps").mkdir()
    (tmp_path / "sweeps" / "botocore.md").write_text("# botocore\n", "utf-8")
    assert _sweep_links(tmp_path / "local") == {"boto3": ("../../sweeps/botocore.md",)}
    assert _sweep_links(tmp_path) == {"boto3": ("../sweeps/botocore.md",)}
    assert _sweep_links(tmp_path / "local" / "deeper") == {}
