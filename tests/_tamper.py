"""One-byte changes to a signed request, for the verifier tests.

Each function changes one byte (or, where the part is empty, adds one) of one part a signature
covers: the body, a header value, the query, the signature itself. A letter becomes another
letter of the same case and a digit another digit, so a hex signature stays well formed and a
value stays a value: the verifier must refuse the copy because the signature no longer holds,
not because the copy stopped parsing. Written here, not taken from sesspec: the tests judge
sesspec's verifier with these.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from sesspec.http import RawRequest

__all__ = ["KINDS", "body", "header", "query", "signature", "signed_header_names", "sigv4"]

#: The four tamperings of a SigV4 request, by name (test ids and suite counts).
KINDS = ("body", "header", "query", "signature")

_ALNUM = re.compile(r"[A-Za-z0-9]")
_SIGNED_HEADERS = re.compile(r"SignedHeaders=([^,\s]+)")


def _other(ch: str) -> str:
    if ch.isdigit():
        return "1" if ch == "0" else "0"
    if ch.islower():
        return "b" if ch == "a" else "a"
    return "B" if ch == "A" else "A"


def _change_first_alnum(text: str) -> str:
    found = _ALNUM.search(text)
    if found is None:
        msg = f"nothing to change in {text!r}"
        raise ValueError(msg)
    i = found.start()
    return text[:i] + _other(text[i]) + text[i + 1 :]


def body(req: RawRequest) -> RawRequest:
    """The first body byte changed (bit 0 flipped), or one byte added to an empty body."""
    data = req.body
    changed = bytes((data[0] ^ 1,)) + data[1:] if data else b"x"
    return req.replace(body=changed)


def header(req: RawRequest, name: str) -> RawRequest:
    """One letter or digit of the first ``name`` header's value changed (raw bytes otherwise
    kept: spacing, folds, the header's place)."""
    lname = name.lower()
    headers = list(req.headers)
    for i, (n, v) in enumerate(headers):
        if n.lower() == lname:
            headers[i] = (n, _change_first_alnum(v))
            return req.replace(headers=tuple(headers))
    msg = f"no {name} header"
    raise ValueError(msg)


def signed_header_names(req: RawRequest) -> list[str]:
    """The SignedHeaders of a SigV4 request (Authorization header or X-Amz-SignedHeaders)."""
    value = req.header("Authorization") or ""
    found = _SIGNED_HEADERS.search(value)
    if found is not None:
        return found.group(1).split(";")
    for item in req.query.split("&"):
        name, _, val = item.partition("=")
        if name == "X-Amz-SignedHeaders":
            return unquote(val).split(";")
    return []


def query(
    req: RawRequest, *, keep: tuple[str, ...] = ("X-Amz-Signature", "Signature")
) -> RawRequest:
    """One byte of the query changed: of the first parameter that is not authentication
    (``X-Amz-*``, or a name in ``keep``), else of ``X-Amz-Expires``'s value. A letter or digit
    is changed where there is one (the value's first, else the name's), else the first byte
    becomes ``x``. A request without a query gets the one-byte query ``x``."""
    path, sep, q = req.target.partition("?")
    if not sep or not q:
        return req.replace(target=f"{path}?x")
    items = q.split("&")
    order = [i for i, item in enumerate(items) if item and _is_operation(item, keep)]
    order += [i for i, item in enumerate(items) if item.startswith("X-Amz-Expires=")]
    if not order:
        msg = f"no parameter to change in {q!r}"
        raise ValueError(msg)
    name, eq, value = items[order[0]].partition("=")
    if _ALNUM.search(value):
        items[order[0]] = f"{name}{eq}{_change_first_alnum(value)}"
    elif _ALNUM.search(name):
        items[order[0]] = f"{_change_first_alnum(name)}{eq}{value}"
    else:
        item = items[order[0]]
        items[order[0]] = ("y" if item[0] == "x" else "x") + item[1:]
    return req.replace(target=f"{path}?{'&'.join(items)}")


def _is_operation(item: str, keep: tuple[str, ...]) -> bool:
    name = item.partition("=")[0]
    return not name.startswith("X-Amz-") and name not in keep


def signature(req: RawRequest) -> RawRequest:
    """The last character of the signature changed: in ``Authorization``
    (``Signature=<hex>``), ``X-Amzn-Authorization`` (base64, its last letter or digit), or the
    ``X-Amz-Signature`` / ``Signature`` parameter (query, or SigV2's form body)."""
    for name in ("Authorization", "X-Amzn-Authorization"):
        value = req.header(name)
        if value is not None:
            head, _, sig = value.rpartition("Signature=")
            flipped = _change_last_alnum(sig)
            return req.with_header(name, f"{head}Signature={flipped}")
    path, _, q = req.target.partition("?")
    items = q.split("&")
    for i, item in enumerate(items):
        name, eq, value = item.partition("=")
        if eq and name in ("X-Amz-Signature", "Signature"):
            items[i] = f"{name}={_change_last_alnum(value)}"
            return req.replace(target=f"{path}?{'&'.join(items)}")
    fields = req.body.split(b"&")
    for i, field in enumerate(fields):
        if field.startswith(b"Signature="):
            value = _change_last_alnum(field.decode("ascii")[len("Signature=") :])
            fields[i] = f"Signature={value}".encode("ascii")
            return req.replace(body=b"&".join(fields))
    msg = "no signature in the request"
    raise ValueError(msg)


def _change_last_alnum(text: str) -> str:
    for i in range(len(text) - 1, -1, -1):
        if text[i].isascii() and text[i].isalnum():
            return text[:i] + _other(text[i]) + text[i + 1 :]
    msg = f"nothing to change in {text!r}"
    raise ValueError(msg)


def sigv4(req: RawRequest, kind: str) -> RawRequest:
    """A SigV4 request with one of ``KINDS`` changed; ``header`` changes the first signed header
    that is not the date (a changed date is refused before the signature is compared)."""
    if kind == "body":
        return body(req)
    if kind == "query":
        return query(req)
    if kind == "signature":
        return signature(req)
    names = [n for n in signed_header_names(req) if n not in {"date", "x-amz-date"}]
    return header(req, names[0] if names else "Host")
