"""Exceptions raised when sesspec is handed input it cannot process.

A request that breaks the SES rules is *data* (a checker finding), never an exception.
An exception means the caller gave sesspec something it cannot work on at all: a body
with a malformed escape in strict mode, params that do not fit the model, a request
that cannot be parsed. Each error carries where it happened, so the message can point
at it (the house style of pypa/packaging and h11: say what, then where).
"""

from __future__ import annotations

__all__ = [
    "EncodingError",
    "HttpParseError",
    "ParamError",
    "SesSpecError",
    "SigningError",
    "VectorError",
]


def __dir__() -> list[str]:
    return __all__


class SesSpecError(Exception):
    """Base of every sesspec error; never raised itself."""

    def __init__(self, message: str) -> None:
        if type(self) is SesSpecError:
            msg = "SesSpecError is abstract: raise one of its subclasses"
            raise TypeError(msg)
        super().__init__(message)
        self.message = message


class EncodingError(SesSpecError, ValueError):
    """A form body or query string that cannot be decoded under the chosen rules.

    ``offset`` is the index, in the input as given (characters of a ``str``, bytes of a
    ``bytes``), of the first character that is wrong; ``source`` is that input.
    """

    def __init__(self, message: str, *, source: str | bytes, offset: int) -> None:
        super().__init__(message)
        self.source = source
        self.offset = offset

    def __str__(self) -> str:
        text = self.source if isinstance(self.source, str) else self.source.decode("latin-1")
        start = max(0, self.offset - 30)
        window = text[start : self.offset + 30]
        shown = repr(window)[1:-1]
        caret = len(repr(text[start : self.offset])[1:-1])
        return f"{self.message} at offset {self.offset}\n    {shown}\n    {' ' * caret}^"


class ParamError(SesSpecError, ValueError):
    """A parameter that does not fit the operation's input shape.

    ``param`` is the wire name (``Destination.ToAddresses.member.0``) or the dotted path
    of the member in the params mapping.
    """

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param

    def __str__(self) -> str:
        return f"{self.message}: {self.param!r}"


class SigningError(SesSpecError, ValueError):
    """A request that cannot be signed or verified as asked (bad scope, missing date...)."""

    def __init__(self, message: str, *, scheme: str, stage: str) -> None:
        super().__init__(message)
        self.scheme = scheme
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.scheme} {self.stage}: {self.message}"


class HttpParseError(SesSpecError, ValueError):
    """Raw bytes that are not an HTTP/1.1 request; ``offset`` is where parsing stopped."""

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(message)
        self.offset = offset

    def __str__(self) -> str:
        return f"{self.message} at byte {self.offset}"


class VectorError(SesSpecError):
    """A vector file that does not have the expected shape."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
