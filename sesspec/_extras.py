"""The optional dependencies (pyproject's extras): what each brings, and whether it is here.

The core, the checker and the Markdown and JSON writers need the standard library only. The
``serve`` extra brings lxml (SES's XML answers) and trustme (the HTTPS endpoint's throwaway CA)
for ``sesspec serve``, ``sesspec drivers`` and the ``ses_endpoint`` fixture; the ``report``
extra brings the same two for ``sesspec report`` (its HTML and JUnit writers use lxml, its run
starts the endpoint). A feature that needs a missing module raises
:class:`~sesspec.errors.MissingExtraError`, which names the extra to install.

:func:`deferred_import` lets a module of the endpoint name an extra's module at its top and
import it when first used, so that the module (and ``sesspec serve --help``) imports on a plain
install; :func:`lazy_attributes` lets a package re-export names of its modules that need an
extra, or belong to the harness, without importing them with the package.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from sesspec.errors import MissingExtraError

__all__ = ["EXTRAS", "deferred_import", "install_command", "lazy_attributes", "missing_modules"]


def __dir__() -> list[str]:
    return __all__


#: The modules each extra of pyproject.toml brings (its ``[project.optional-dependencies]``,
#: by import name; a test holds the two together).
EXTRAS: Mapping[str, tuple[str, ...]] = {
    "serve": ("lxml", "trustme"),
    "report": ("lxml", "trustme"),
}


def install_command(extra: str) -> str:
    """The command that installs ``extra`` into the environment sesspec runs in:
    ``pip install lxml trustme``. It names the extra's distributions rather than
    ``'sesspec[serve]'``, which would look for sesspec on a package index (sesspec installs
    from its clone or its wheel, README "Install"); each import name here is its
    distribution's name."""
    return "pip install " + " ".join(EXTRAS[extra])


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here (found, not imported)."""
    absent: list[str] = []
    for name in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a parent package missing, or a broken entry
            found = False
        if not found:
            absent.append(name)
    return absent


class _Deferred:
    """Stands for a module until first used: then imports it, puts it in the namespace that
    named it (so later uses cost nothing) and hands over the attribute; a missing module is a
    :class:`~sesspec.errors.MissingExtraError` naming the extra."""

    __slots__ = ("_binding", "_extra", "_feature", "_name", "_namespace")

    def __init__(
        self,
        name: str,
        *,
        extra: str,
        feature: str,
        namespace: MutableMapping[str, Any],
        binding: str,
    ) -> None:
        self._name = name
        self._extra = extra
        self._feature = feature
        self._namespace = namespace
        self._binding = binding

    def __getattr__(self, attribute: str) -> Any:
        try:
            module = importlib.import_module(self._name)
        except ModuleNotFoundError as exc:
            raise MissingExtraError(
                extra=self._extra,
                module=exc.name or self._name,
                feature=self._feature,
                install=install_command(self._extra),
            ) from exc
        self._namespace[self._binding] = module
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported when first used>"


def deferred_import(
    name: str, *, extra: str, feature: str, namespace: MutableMapping[str, Any]
) -> Any:
    """A stand-in for module ``name`` (of ``extra``), bound in ``namespace`` (the caller's
    ``globals()``) under its last dotted part, that imports it on first use::

        if TYPE_CHECKING:
            from lxml import etree
        else:
            etree = deferred_import("lxml.etree", extra="serve", feature="...", namespace=globals())
    """
    binding = name.rpartition(".")[2]
    return _Deferred(name, extra=extra, feature=feature, namespace=namespace, binding=binding)


def lazy_attributes(
    namespace: MutableMapping[str, Any], homes: Mapping[str, str]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the package whose ``globals()`` is ``namespace``: each
    name of ``homes`` (name -> the module that defines it) is imported when first asked for,
    and kept in ``namespace``; any other name is an ``AttributeError``."""

    def attribute(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            msg = f"module {namespace['__name__']!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return attribute
