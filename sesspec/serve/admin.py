"""The endpoint's own routes: ``/_aws/ses`` and ``/_sesspec/``, never SES requests.

They are neither recorded nor checked, and answer only a ``Host`` of 127.0.0.1, localhost or
[::1] (so a DNS-rebinding page, which names its own host, cannot read them; 403 otherwise):

* ``/_aws/ses`` (LocalStack's): ``GET`` the stored messages as JSON, filtered by ``?id=`` and
  ``?email=``; ``DELETE`` them all, or ``?id=`` one (204; 404 for an id not stored);
* ``/_sesspec/``: ``GET`` a page listing the messages with their findings, request and bodies
  (:mod:`sesspec.serve.inbox`), served with a policy that allows no script.

``HEAD`` is answered as ``GET`` without the body (RFC 9110 section 9.3.2); another method is 405,
another path under them 404, and an endpoint without state answers 404. The routes read their
own query (:func:`_query`: at most :data:`MAX_QUERY_FIELDS` fields, a malformed one read as
none) and are written as a table (``AdminApplication.routes``: path -> method -> handler).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from sesspec.http import RawRequest
from sesspec.serve.exchange import Answer, Exchange
from sesspec.serve.inbox import render_inbox
from sesspec.serve.state import SesState

__all__ = ["INBOX_PATH", "LOCALSTACK_PATH", "MAX_QUERY_FIELDS", "AdminApplication", "claims"]


def __dir__() -> list[str]:
    return __all__


LOCALSTACK_PATH = "/_aws/ses"
INBOX_PATH = "/_sesspec/"
#: The most query fields a route reads.
MAX_QUERY_FIELDS = 100
#: Hosts the routes answer (a DNS-rebinding page names its own host).
_LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?\Z", re.IGNORECASE)
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


def _query(query_text: str) -> dict[str, str]:
    """The query's fields (the last of a repeated name), none when it has more than
    :data:`MAX_QUERY_FIELDS` or cannot be read."""
    try:
        return dict(parse_qsl(query_text, max_num_fields=MAX_QUERY_FIELDS))
    except ValueError:
        return {}


@dataclass(frozen=True, slots=True)
class Route:
    """One request to a route: the state, the method (``GET`` for a ``HEAD``), the query."""

    state: SesState
    method: str
    query: Mapping[str, str]


def _json(status: int, value: Any) -> Answer:
    return Answer(status, json.dumps(value).encode("utf-8"), content_type="application/json")


def _messages(route: Route) -> Answer:
    found = route.state.mailbox.localstack(id=route.query.get("id"), email=route.query.get("email"))
    return _json(200, found)


def _delete_messages(route: Route) -> Answer:
    message_id = route.query.get("id")
    removed = route.state.mailbox.clear(message_id or None)
    if message_id and not removed:
        return _json(404, {"error": f"no message with id {message_id!r}"})
    return Answer(204, content_type="application/json")


class AdminApplication:
    """The routes over ``state`` (None: no messages, 404); ``endpoint_url`` gives the URL the
    inbox page names, ``strict`` whether the page says requests are judged."""

    def __init__(
        self, *, state: SesState | None, endpoint_url: Callable[[], str], strict: bool
    ) -> None:
        self.state = state
        self.endpoint_url = endpoint_url
        self.strict = strict
        #: path -> method -> handler.
        self.routes: Mapping[str, Mapping[str, Callable[[Route], Answer]]] = {
            LOCALSTACK_PATH: {"GET": _messages, "DELETE": _delete_messages},
            "/_sesspec": {"GET": self._inbox},
            INBOX_PATH: {"GET": self._inbox},
        }

    claims = staticmethod(claims)

    def answer(self, exchange: Exchange) -> Answer:
        request = exchange.request
        assert request is not None  # the router sends only requests that were read
        answer = self._answer(request)
        head = request.method == "HEAD"
        return Answer(
            answer.status,
            answer.body,
            content_type=answer.content_type,
            headers=answer.headers,
            keep_alive=exchange.keep_alive,
            send_body=not head,
        )

    def _answer(self, request: RawRequest) -> Answer:
        path, _, query_text = request.target.partition("?")
        hosts = request.header_all("host")
        if len(hosts) != 1 or not _LOCAL_HOST.match(hosts[0]):
            return _json(403, {"error": "the endpoint's own paths answer Host 127.0.0.1"})
        if self.state is None:
            return _json(
                404, {"error": "this endpoint keeps no state (canned answers): no messages"}
            )
        methods = self.routes.get(path)
        if methods is None:
            return _json(404, {"error": f"no such path: {path[:100]}"})
        method = "GET" if request.method == "HEAD" else request.method
        handler = methods.get(method)
        if handler is None:
            allowed = " or ".join(methods)
            return _json(405, {"error": f"{method} is not {allowed}"})
        return handler(Route(self.state, method, _query(query_text)))

    def _inbox(self, route: Route) -> Answer:
        page = render_inbox(
            route.state,
            email=route.query.get("email") or None,
            message_id=route.query.get("id") or None,
            limit=route.query.get("limit"),
            endpoint_url=self.endpoint_url(),
            strict=self.strict,
        )
        return Answer(200, page, content_type="text/html; charset=utf-8", headers=_INBOX_HEADERS)
