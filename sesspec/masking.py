"""Session tokens out of whatever is shown or kept: the one masker.

A session token is a secret (docs/spec.md#auth-session-token): it is never written in a capture,
a stored message, the state directory, the inbox page or a finding's detail. It travels as the
value of an ``X-Amz-Security-Token`` header line, or of an ``X-Amz-Security-Token`` or
``SecurityToken`` parameter (a query, a form body, a canonical request's query line). Names are
matched in any case (masking more never leaks). :func:`token_spans` finds each value;
:func:`mask_tokens` covers them, with ``*`` of the same length (offsets kept: a capture records
where and the SHA-256 of what was there, so the holder of the token can put it back) or with a
marker of its own.
"""

from __future__ import annotations

import re

from sesspec.params import TOKEN_PARAMS

__all__ = ["MASK", "mask_text", "mask_tokens", "token_spans"]


def __dir__() -> list[str]:
    return __all__


#: What a masked secret is written as in text meant for people (findings, reports).
MASK = "<secret>"

# A header line's value (RFC 9110 section 5: the optional whitespace around it left out).
_HEADER = re.compile(rb"(?im)^x-amz-security-token[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r?$")
# A parameter's value: at the start, or after '?', '&' or a line end (a canonical query).
_PARAM = re.compile(
    rb"(?i)(?:^|(?<=[?&\n]))(?:"
    + b"|".join(re.escape(n.encode("ascii")) for n in TOKEN_PARAMS)
    + rb")=([^&\s#]*)"
)


def token_spans(data: bytes, *, head_length: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of every session token in ``data``, in order.

    Parameters are looked for everywhere: the request line's query, the body, and a URL in a
    header value (a ``Referer`` that carries a presigned URL leaks its token as surely). Header
    lines are looked for in the first ``head_length`` bytes (a request's head: a line of the
    body that reads like a header is the body's content), or anywhere when it is None (a
    canonical request, text).
    """
    end = len(data) if head_length is None else head_length
    spans = [m.span(1) for m in _HEADER.finditer(data, 0, end)]
    spans += [m.span(1) for m in _PARAM.finditer(data)]
    return sorted(s for s in set(spans) if s[1] > s[0])


def mask_tokens(data: bytes, *, head_length: int | None = None, fill: bytes | None = None) -> bytes:
    """``data`` with every session token (:func:`token_spans`) covered: by ``*`` of the same
    length, or by ``fill``."""
    spans = token_spans(data, head_length=head_length)
    if not spans:
        return data
    if fill is None:
        out = bytearray(data)
        for start, end in spans:
            out[start:end] = b"*" * (end - start)
        return bytes(out)
    parts: list[bytes] = []
    at = 0
    for start, end in spans:
        parts += (data[at:start], fill)
        at = end
    parts.append(data[at:])
    return b"".join(parts)


def mask_text(text: str, *, fill: str = MASK) -> str:
    """``text`` (a canonical request, a request shown on a page) with every session token
    written ``fill``."""
    data = text.encode("utf-8", "surrogateescape")
    masked = mask_tokens(data, fill=fill.encode("utf-8"))
    return text if masked is data else masked.decode("utf-8", "surrogateescape")
