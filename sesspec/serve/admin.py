"""The endpoint's own routes: ``/_aws/ses`` and ``/_sesspec/``, never SES requests.

They are neither recorded nor checked, and answer only a ``Host`` of 127.0.0.1, localhost or
[::1] (so a DNS-rebinding page, which names its own host, cannot read them), and a ``DELETE``
only from the endpoint's own origin (:data:`SITES`, :mod:`sesspec.serve.sites`; 403 otherwise):

* ``/_aws/ses`` (LocalStack's): ``GET`` the stored messages as JSON, filtered by ``?id=`` and
  ``?email=``; ``DELETE`` them all, or ``?id=`` one (204; 404 for an id not stored);
* ``/_sesspec/``: ``GET`` a page listing the messages with their findings, request and bodies
  (:mod:`sesspec.serve.inbox`), served with a policy that allows no script.

Both are streamed (:attr:`~sesspec.serve.exchange.Answer.stream`): the JSON one message at a
time, each string in slices of :data:`JSON_SLICE` characters (:func:`json_pieces`), the page one
message at a time, so what a ``GET`` holds at once is one message's share, whatever is stored
(the JSON of 25 messages of control characters is some 1 GB, the page of 500 HTML bodies full of
``"`` as many; neither is ever held whole).

``HEAD`` is answered as ``GET`` without the body (RFC 9110 section 9.3.2); another method is 405,
another path under them 404, and an endpoint without state answers 404. The routes are written
as a table (``AdminApplication.routes``: path -> method -> :class:`Handling`, the handler and
the parameters it takes).

The routes refuse what they do not understand, before doing anything (so a query meant to
name one message never widens to all of them): a query past :data:`MAX_QUERY_FIELDS`
``&``-separated fields, an empty field, one :func:`sesspec.encoding.form_decode` cannot read
strictly (a malformed escape, invalid UTF-8, a raw byte outside RFC 3986's query characters, a
raw ``=`` in a value), a parameter the route does not take (names are case-sensitive: ``ID`` is not
``id``; ``id%3Dabc`` is one field named ``id=abc``), a parameter given twice, an empty ``id``
to ``DELETE`` and a ``limit`` that is not 1 to :data:`~sesspec.serve.inbox.MAX_SHOWN` are each
a 400 whose JSON names the problem (``{"error": ..., "parameter": ...}``). An empty value of a
``GET`` is the parameter not given (the page's filter form sends its empty fields).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sesspec.encoding import form_decode
from sesspec.errors import EncodingError, SesSpecError
from sesspec.http import RawRequest
from sesspec.serve.exchange import Answer, Exchange
from sesspec.serve.inbox import MAX_SHOWN, NOT_COUNTED, counted, inbox_pieces
from sesspec.serve.mailbox import Message
from sesspec.serve.sites import SitePolicy
from sesspec.serve.state import SesState

__all__ = [
    "INBOX_PATH",
    "JSON_SLICE",
    "LOCALSTACK_PATH",
    "MAX_QUERY_FIELDS",
    "SITES",
    "AdminApplication",
    "Handling",
    "QueryError",
    "claims",
    "encoded",
    "json_pieces",
    "read_query",
]


def __dir__() -> list[str]:
    return __all__


LOCALSTACK_PATH = "/_aws/ses"
INBOX_PATH = "/_sesspec/"
#: The most ``&``-separated query fields a route reads (counted before any is decoded).
MAX_QUERY_FIELDS = 100
#: Longest part of a parameter's name or value quoted back in a refusal.
_QUOTED = 100
#: Characters of one string JSON-encoded at once when ``GET /_aws/ses`` streams its messages.
JSON_SLICE = 64 * 1024
#: Characters gathered before a streamed answer hands a piece to the transport.
_PIECE = 64 * 1024
#: Who may call the routes: a Host of this machine only (a DNS-rebinding page names its own
#: host); another site's page may not change anything (a GET's answer it cannot read).
SITES = SitePolicy(hosts=frozenset(), safe_methods_open=True)
#: Headers of the inbox page: no script at all, styles inline, images only as data: URLs, no
#: plug-ins, frames only from srcdoc (sandboxed, see sesspec.serve.inbox), never framed itself.
_INBOX_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)


def claims(request: RawRequest) -> bool:
    """Whether ``request`` is for one of the routes (any path under them)."""
    path = request.target.partition("?")[0]
    return path == LOCALSTACK_PATH or path.startswith(("/_aws/ses/", "/_sesspec"))


class QueryError(SesSpecError, ValueError):
    """A route's query it does not understand: ``message`` says what, ``parameter`` names the
    parameter at fault (None when the query as a whole cannot be read)."""

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


def _quoted(text: str) -> str:
    return repr(text[:_QUOTED] + ("..." if len(text) > _QUOTED else ""))


def read_query(query_text: str, *, takes: tuple[str, ...], route: str) -> dict[str, str]:
    """The parameters of ``query_text`` for a route that ``takes`` those names (``route``, as
    ``GET /_aws/ses``, for the messages); :class:`QueryError` for a query the route does not
    understand (the module docstring lists each case)."""
    if not query_text:
        return {}
    fields = query_text.count("&") + 1
    if fields > MAX_QUERY_FIELDS:
        msg = f"the query has {fields:,} fields: {route} reads at most {MAX_QUERY_FIELDS}"
        raise QueryError(msg)
    if "" in query_text.split("&"):
        msg = "the query cannot be read: it has an empty field ('&&', or '&' at an end)"
        raise QueryError(msg)
    try:
        pairs = form_decode(query_text, strict=True)
    except EncodingError as exc:
        msg = f"the query cannot be read: {exc.message} (at offset {exc.offset})"
        raise QueryError(msg) from None
    found: dict[str, str] = {}
    for name, value in pairs:
        if name not in takes:
            msg = f"unknown parameter {_quoted(name)}: {route} takes {', '.join(takes)}"
            raise QueryError(msg, parameter=name)
        if name in found:
            msg = f"parameter {name!r} given more than once"
            raise QueryError(msg, parameter=name)
        found[name] = value
    return found


@dataclass(frozen=True, slots=True)
class Route:
    """One request to a route: the state, the method (``GET`` for a ``HEAD``), the query."""

    state: SesState
    method: str
    query: Mapping[str, str]


class Handling(NamedTuple):
    """What a route does with a method: its ``handler`` and the query parameters it ``takes``."""

    handler: Callable[[Route], Answer]
    takes: tuple[str, ...]


def _json(status: int, value: Any) -> Answer:
    return Answer(status, json.dumps(value).encode("utf-8"), content_type="application/json")


def json_pieces(value: Any) -> Iterator[str]:
    """``json.dumps(value)`` (its defaults: ASCII, ``", "`` and ``": "``) in pieces, so that
    no piece holds more than :data:`JSON_SLICE` characters of one string (each written as at
    most 12 characters: a control character is ``\\u0001``, an astral one two escapes): the
    standard library encodes every scalar and every slice of a string (a slice of a ``str``
    never splits a character). Mappings need string keys."""
    if isinstance(value, str):
        if len(value) <= JSON_SLICE:
            yield json.dumps(value)
            return
        yield '"'
        for start in range(0, len(value), JSON_SLICE):
            yield json.dumps(value[start : start + JSON_SLICE])[1:-1]
        yield '"'
    elif isinstance(value, Mapping):
        opening = "{"
        for key, item in value.items():
            if not isinstance(key, str):
                msg = f"a key that is not a string: {key!r}"
                raise TypeError(msg)
            yield f"{opening}{json.dumps(key)}: "
            opening = ", "
            yield from json_pieces(item)
        yield "{}" if opening == "{" else "}"
    elif isinstance(value, list | tuple):
        opening = "["
        for item in value:
            yield opening
            opening = ", "
            yield from json_pieces(item)
        yield "[]" if opening == "[" else "]"
    else:
        yield json.dumps(value)


def encoded(pieces: Iterable[str], *, size: int = _PIECE) -> Iterator[bytes]:
    """``pieces`` as UTF-8, gathered into pieces of about ``size`` characters or more."""
    pending: list[str] = []
    length = 0
    for piece in pieces:
        pending.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(pending).encode("utf-8")
            pending, length = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


def _localstack_pieces(messages: Sequence[Message]) -> Iterator[str]:
    """LocalStack's ``{"messages": [...]}`` (:meth:`~sesspec.serve.mailbox.Message.localstack`
    for each), made one message at a time."""
    yield '{"messages": ['
    for n, message in enumerate(messages):
        if n:
            yield ", "
        listed = message.localstack()
        listed["Findings"] = [_judged(finding) for finding in listed["Findings"]]
        yield from json_pieces(listed)
    yield "]}"


def _judged(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A stored finding as the JSON lists it: with ``counted`` (whether it counts in the
    message's verdict, as the page says: :func:`sesspec.serve.inbox.counted`) and, when not,
    ``note`` saying why."""
    out = {**finding, "counted": counted(finding)}
    if not out["counted"]:
        out["note"] = NOT_COUNTED
    return out


def _messages(route: Route) -> Answer:
    found = route.state.mailbox.messages(
        id=route.query.get("id") or None, email=route.query.get("email") or None
    )
    return Answer(200, content_type="application/json", stream=encoded(_localstack_pieces(found)))


def _delete_messages(route: Route) -> Answer:
    message_id = route.query.get("id")
    if message_id == "":
        msg = "parameter 'id' is empty: name a message, or give no query to remove them all"
        raise QueryError(msg, parameter="id")
    removed = route.state.mailbox.clear(message_id)
    if message_id is not None and not removed:
        return _json(404, {"error": f"no message with id {message_id!r}"})
    return Answer(204, content_type="application/json")


class AdminApplication:
    """The routes over ``state`` (None: no messages, 404); ``endpoint_url`` gives the URL the
    inbox page names, ``strict`` whether the page says requests are judged."""

    def __init__(
        self,
        *,
        state: SesState | None,
        endpoint_url: Callable[[], str],
        strict: bool,
        sites: SitePolicy = SITES,
    ) -> None:
        self.state = state
        self.endpoint_url = endpoint_url
        self.strict = strict
        self.sites = sites
        page = Handling(self._inbox, ("email", "id", "limit"))
        #: path -> method -> what is done (``HEAD`` is ``GET`` without the body).
        self.routes: Mapping[str, Mapping[str, Handling]] = {
            LOCALSTACK_PATH: {
                "GET": Handling(_messages, ("id", "email")),
                "DELETE": Handling(_delete_messages, ("id",)),
            },
            "/_sesspec": {"GET": page},
            INBOX_PATH: {"GET": page},
        }

    claims = staticmethod(claims)

    def answer(self, exchange: Exchange) -> Answer:
        request = exchange.request
        assert request is not None  # the router sends only requests that were read
        refused = self.sites.refusal(request, tls=exchange.tls, port=exchange.local_port)
        if refused is None:
            answer = self._answer(request)
        else:
            answer = _json(403, {"error": refused.message, "field": refused.field})
        head = request.method == "HEAD"
        return Answer(
            answer.status,
            answer.body,
            content_type=answer.content_type,
            headers=answer.headers,
            keep_alive=exchange.keep_alive,
            send_body=not head,
            stream=answer.stream,
        )

    def _answer(self, request: RawRequest) -> Answer:
        path, _, query_text = request.target.partition("?")
        if len(request.header_all("host")) != 1:
            return _json(403, {"error": "the endpoint's own paths answer one Host: 127.0.0.1"})
        if self.state is None:
            return _json(
                404, {"error": "this endpoint keeps no state (canned answers): no messages"}
            )
        methods = self.routes.get(path)
        if methods is None:
            return _json(404, {"error": f"no such path: {path[:100]}"})
        method = "GET" if request.method == "HEAD" else request.method
        handling = methods.get(method)
        if handling is None:
            allowed = " or ".join(methods)
            return _json(405, {"error": f"{method} is not {allowed}"})
        try:
            query = read_query(query_text, takes=handling.takes, route=f"{method} {path}")
            return handling.handler(Route(self.state, method, query))
        except QueryError as refused:
            return _json(400, {"error": refused.message, "parameter": refused.parameter})

    def _inbox(self, route: Route) -> Answer:
        limit = route.query.get("limit") or None
        if limit is not None and not (
            limit.isascii() and limit.isdigit() and len(limit) <= 3 and 1 <= int(limit) <= MAX_SHOWN
        ):
            msg = f"parameter 'limit' must be 1 to {MAX_SHOWN}, not {_quoted(limit)}"
            raise QueryError(msg, parameter="limit")
        page = inbox_pieces(
            route.state,
            email=route.query.get("email") or None,
            message_id=route.query.get("id") or None,
            limit=limit,
            endpoint_url=self.endpoint_url(),
            strict=self.strict,
        )
        return Answer(
            200,
            content_type="text/html; charset=utf-8",
            headers=_INBOX_HEADERS,
            stream=encoded(page),
        )
