"""The AWS CLI v1 (PyPI ``awscli``, installed into its own folder: it pins its own botocore),
run as ``aws ses <operation> --cli-input-json ... --endpoint-url URL`` by
:func:`sesspec.drivers._awscli.run` inside the child (which has installed the guard)."""

from __future__ import annotations

from sesspec.drivers._awscli import run

__all__ = ["run"]


def __dir__() -> list[str]:
    return __all__
