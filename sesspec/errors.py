"""Exceptions raised when sesspec is handed input it cannot process.

A request that breaks the SES rules is *data* (a checker finding), never an exception.
An exception means the caller gave sesspec something it cannot work on at all: a body
with a malformed escape in strict mode, params that do not fit the model, a request
that cannot be parsed. Each error carries where it happened, so the message can point
at it (the house style of pypa/packaging and h11: say what, then where).
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "EncodingError",
    "EncodingErrorKind",
    "HttpParseCause",
    "HttpParseError",
    "HttpParseErrorKind",
    "InputError",
    "MissingExtraError",
    "ModelError",
    "ModelErrorKind",
    "ParamError",
    "ParamErrorKind",
    "SesSpecError",
    "SigningError",
    "SigningErrorKind",
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


class InputError(SesSpecError):
    """An input sesspec cannot use, said with where it is (``where``: a file, ``file:line``,
    an entry), shown as ``where: message``; the kinds of input each have their subclass."""

    def __init__(self, message: str, *, where: str) -> None:
        if type(self) is InputError:
            msg = "InputError is abstract: raise one of its subclasses"
            raise TypeError(msg)
        super().__init__(message)
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


#: What an :class:`EncodingError` is about: a raw byte that must be escaped, a malformed
#: escape, invalid UTF-8 after unescaping, a raw '=' inside a value, or more '&'-separated
#: segments than :data:`sesspec.encoding.MAX_PAIRS`.
EncodingErrorKind = Literal["raw-byte", "escape", "utf-8", "equals", "too-many-pairs"]


class EncodingError(SesSpecError, ValueError):
    """A form body or query string that cannot be decoded under the chosen rules.

    ``offset`` is the index, in the input as given (characters of a ``str``, bytes of a
    ``bytes``), of the first character that is wrong; ``source`` is that input; ``kind`` says
    what is wrong (:data:`EncodingErrorKind`).
    """

    def __init__(
        self, message: str, *, source: str | bytes, offset: int, kind: EncodingErrorKind
    ) -> None:
        super().__init__(message)
        self.source = source
        self.offset = offset
        self.kind: EncodingErrorKind = kind

    def __str__(self) -> str:
        text = self.source if isinstance(self.source, str) else self.source.decode("latin-1")
        start = max(0, self.offset - 30)
        window = text[start : self.offset + 30]
        shown = repr(window)[1:-1]
        caret = len(repr(text[start : self.offset])[1:-1])
        return f"{self.message} at offset {self.offset}\n    {shown}\n    {' ' * caret}^"


#: What a :class:`ParamError` is about. The last five are sesspec's limits
#: (:mod:`sesspec.query`): more pairs than ``MAX_PAIRS``, a name of more segments than
#: ``MAX_NAME_DEPTH``, names with more distinct prefixes than ``MAX_NAME_PREFIXES``, a list
#: index above ``MAX_LIST_INDEX``, an integer of more digits than ``MAX_INTEGER_DIGITS``.
ParamErrorKind = Literal[
    "action-missing",
    "action-unknown",
    "version",
    "unknown",
    "empty-segment",
    "missing",
    "duplicate",
    "index-zero",
    "index-bad",
    "index-gap",
    "no-member",
    "not-scalar",
    "not-nested",
    "list-mixed",
    "wrong-type",
    "invalid-value",
    "too-many-pairs",
    "too-deep",
    "too-many-prefixes",
    "index-too-large",
    "too-many-digits",
]


class ParamError(SesSpecError, ValueError):
    """A parameter that does not fit the operation's input shape.

    ``param`` is the wire name (``Destination.ToAddresses.member.0``) or the dotted path
    of the member in the params mapping; ``kind`` says what is wrong (:data:`ParamErrorKind`).
    """

    def __init__(self, message: str, *, param: str, kind: ParamErrorKind) -> None:
        super().__init__(message)
        self.param = param
        self.kind: ParamErrorKind = kind

    def __str__(self) -> str:
        return f"{self.message}: {self.param!r}"


#: What a :class:`SigningError` is about: something malformed or missing in the request
#: (the default), a credential scope that is not ``AKID/YYYYMMDD/region/service/aws4_request``,
#: credentials refused for signing (empty, or holding a control character), a header name or
#: value that would break the header section (CR, LF or another control character), or a
#: number over a limit (``sigv4.MAX_EXPIRES``).
SigningErrorKind = Literal["malformed", "scope", "credentials", "header", "limit"]


class SigningError(SesSpecError, ValueError):
    """A request that cannot be signed or verified as asked (bad scope, missing date...)."""

    def __init__(
        self, message: str, *, scheme: str, stage: str, kind: SigningErrorKind = "malformed"
    ) -> None:
        super().__init__(message)
        self.scheme = scheme
        self.stage = stage
        self.kind: SigningErrorKind = kind

    def __str__(self) -> str:
        return f"{self.scheme} {self.stage}: {self.message}"


#: What an :class:`HttpParseError` is about: the request line or header section (``syntax``),
#: the body's framing (``framing``: Content-Length invalid, conflicting, not what arrived, or a
#: Transfer-Encoding; the head itself parsed), or one of :mod:`sesspec.http`'s size limits
#: (``limit``: header section bytes, header lines, body bytes).
HttpParseErrorKind = Literal["syntax", "framing", "limit"]

#: Which part of the message an :class:`HttpParseError` is about, finer than its kind (what a
#: reader of requests decides on, e.g. the endpoint's status code): the ``request-line``, a
#: ``header-line``, the ``line-ending`` (a bare LF: noticed, read anyway), ``content-length``,
#: ``transfer-encoding``, the ``chunked`` framing, the ``head-size`` or ``header-count`` limit,
#: the ``body-size`` limit (declared or arrived), ``incomplete`` (the data ended first),
#: ``trailing-bytes`` after the body, ``timeout`` (the transport gave up waiting) and
#: ``evicted`` (the transport closed the connection to let another in, at its cap).
HttpParseCause = Literal[
    "request-line",
    "header-line",
    "line-ending",
    "content-length",
    "transfer-encoding",
    "chunked",
    "head-size",
    "header-count",
    "body-size",
    "incomplete",
    "trailing-bytes",
    "timeout",
    "evicted",
]


class HttpParseError(SesSpecError, ValueError):
    """Raw bytes that are not an HTTP/1.1 request; ``offset`` is where parsing stopped,
    ``kind`` what sort of problem it is and ``cause`` which part of the message it is about
    (:data:`HttpParseCause`; None when not said)."""

    def __init__(
        self,
        message: str,
        *,
        offset: int,
        kind: HttpParseErrorKind = "syntax",
        cause: HttpParseCause | None = None,
    ) -> None:
        super().__init__(message)
        self.offset = offset
        self.kind: HttpParseErrorKind = kind
        self.cause: HttpParseCause | None = cause

    def __str__(self) -> str:
        return f"{self.message} at byte {self.offset}"


#: What a :class:`ModelError` is about: an operation the model does not have, a shape it does
#: not have, or a shape the awsQuery serializer cannot plan (a list without a member, a map
#: without a key or a value, a type it does not know, an input that is not a structure).
ModelErrorKind = Literal["unknown-operation", "unknown-shape", "unsupported-shape"]


class ModelError(SesSpecError, KeyError):
    """A name the service model does not have, or a shape sesspec cannot serialize.

    ``name`` is the operation or shape; ``kind`` says which problem (:data:`ModelErrorKind`).
    It is also a ``KeyError`` (a lookup that found nothing), which is what
    :meth:`sesspec.model.ServiceModel.operation` raised before it had a type of its own.
    """

    def __init__(self, message: str, *, name: str, kind: ModelErrorKind) -> None:
        super().__init__(message)
        self.name = name
        self.kind: ModelErrorKind = kind

    def __str__(self) -> str:
        # KeyError would show the repr of the message; this is a sentence.
        return self.message


class MissingExtraError(SesSpecError, ImportError):
    """A feature that needs an optional dependency (an extra) that is not installed.

    ``extra`` names the extra that brings it and ``install`` the command that installs it
    (:func:`sesspec._extras.install_command`), ``module``
    the module that is missing, ``feature`` what needed it. It is an ``ImportError``: it is
    raised where the module would have been imported.
    """

    def __init__(self, *, extra: str, module: str, feature: str, install: str) -> None:
        super().__init__(
            f"{feature} needs the {extra!r} extra ({module} is not installed): {install}"
        )
        self.extra = extra
        self.module = module
        self.feature = feature

    def __str__(self) -> str:
        return self.message


class VectorError(SesSpecError):
    """A vector file that does not have the expected shape."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
