"""The driver catalogue as data (``sesspec/drivers/catalogue.toml``), read by
:func:`sesspec.drivers.registry.load_catalogue`."""

from __future__ import annotations

from pathlib import Path

import pytest

from sesspec.drivers.kinds import CommandDriver, CompiledDriver, NodeDriver, PythonDriver
from sesspec.drivers.registry import (
    KINDS,
    CatalogueError,
    all_drivers,
    get_driver,
    load_catalogue,
)

_PYTHON = """
[[client]]
name = "x"
kind = "python"
language = "python"
registry = "pypi"
module = "py_x"
requirements = ["x"]
distributions = ["x"]
"""


def _load(tmp_path: Path, text: str) -> tuple[object, ...]:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


class TestShippedCatalogue:
    def test_every_kind_is_used(self) -> None:
        assert {type(d) for d in all_drivers()} == set(KINDS.values())

    def test_kinds_and_order(self) -> None:
        """Python first, then Node, then the Debian ones, as the report lists them."""
        kinds = [type(d) for d in all_drivers()]
        first_node = kinds.index(NodeDriver)
        assert set(kinds[:first_node]) == {PythonDriver}
        assert CommandDriver in kinds[first_node:]
        assert CompiledDriver in kinds[first_node:]

    def test_sets_are_merged_and_the_entry_wins(self) -> None:
        node_ses = get_driver("node-ses")
        assert node_ses.unsupported["ListIdentities"] == "no ListIdentities in this client"
        assert "token" in node_ses.unsupported["temporary-credentials"]
        api = get_driver("php-symfony-ses-api")
        assert "SendRawEmail" in api.unsupported
        assert "SendRawEmail" not in get_driver("php-symfony-ses-http").unsupported

    def test_given_shorthand(self) -> None:
        assert dict(get_driver("aws4").given) == {"*": "pairs"}
        assert dict(get_driver("nodemailer-ses").given) == {"SendEmail": "mail"}

    def test_support_sets(self) -> None:
        driver = get_driver("haskell-aws")
        assert isinstance(driver, CompiledDriver)
        assert driver.support[0] == "libghc-aeson-dev"
        assert driver.support[-1] == "libghc-resourcet-dev"

    def test_read_once(self) -> None:
        assert all_drivers()[0] is all_drivers()[0]
        assert all_drivers() is not all_drivers()  # a new list: the caller may change it


class TestCatalogueErrors:
    def test_minimal_entry(self, tmp_path: Path) -> None:
        (driver,) = _load(tmp_path, _PYTHON)
        assert driver == PythonDriver(
            name="x", module="py_x", requirements=("x",), distributions=("x",)
        )

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                ('kind = "python"', 'kind = "cobol"'),
                f"client 1 ('x'): kind must be one of {', '.join(KINDS)}, not 'cobol'",
            ),
            (
                ('registry = "pypi"', 'registry = "cpan"'),
                "client 1 ('x'): registry must be one of pypi, npm, maven, crates, goproxy, debian",
            ),
            (
                ('module = "py_x"', 'module = "py_x"\nunsupported-sets = ["nope"]'),
                "client 1 ('x'): no [sets.nope] in the catalogue",
            ),
            (
                ('module = "py_x"', 'module = "py_x"\nprogram = "ruby"'),
                "client 1 ('x'): PythonDriver.__init__() got an unexpected keyword argument "
                "'program'",
            ),
            (
                ('module = "py_x"\n', ""),
                "client 1 ('x'): PythonDriver.__init__() missing 1 required keyword-only "
                "argument: 'module'",
            ),
        ],
        ids=["kind", "registry", "set", "field", "missing"],
    )
    def test_bad_entry(self, tmp_path: Path, change: tuple[str, str], message: str) -> None:
        with pytest.raises(CatalogueError) as caught:
            _load(tmp_path, _PYTHON.replace(*change))
        assert str(caught.value) == f"catalogue.toml: {message}"

    def test_repeated_name(self, tmp_path: Path) -> None:
        with pytest.raises(CatalogueError) as caught:
            _load(tmp_path, _PYTHON + _PYTHON)
        assert str(caught.value) == "catalogue.toml: client names repeated: x"

    def test_not_toml(self, tmp_path: Path) -> None:
        with pytest.raises(
            CatalogueError,
            match=r"catalogue.toml: Expected ']]' at the end of an array declaration \(at line 1",
        ):
            _load(tmp_path, "[[client]\nname")
