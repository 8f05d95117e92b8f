"""The endpoint's own routes refuse what they do not understand (sesspec.serve.admin).

Each route (``GET``/``HEAD``/``DELETE /_aws/ses``, ``GET /_sesspec/`` and ``/_sesspec``) is tried
with each query it cannot take: an unknown parameter (``ID``, a different case; ``id%3Dabc``, one
field named ``id=abc``), a repeated one, more fields than it reads (at the limit and one past
it), an empty field, malformed escapes, invalid UTF-8 after percent-decoding (RFC 3629: a lone
continuation byte, a truncated sequence, an encoded surrogate), a raw ``=`` in a value. Each is
a 400 whose JSON (read with the standard library) names the parameter, or says the query cannot
be read, and nothing is deleted: the messages stored before are all there after.

Expected values: the statuses of RFC 9110 (400, 204, 404), the parameters the README documents
for each route, and the JSON shape ``{"error": ..., "parameter": ...}``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sesspec.http import read_request
from sesspec.serve import Endpoint
from sesspec.serve.admin import MAX_QUERY_FIELDS, AdminApplication
from sesspec.serve.exchange import Answer, Exchange
from sesspec.serve.inbox import MAX_SHOWN
from sesspec.serve.state import SesState
from tests._wire import exchange, parse_response

NOW = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)

#: Every route and method, with the parameters it documents.
ROUTES = {
    "GET /_aws/ses": ("id", "email"),
    "HEAD /_aws/ses": ("id", "email"),
    "DELETE /_aws/ses": ("id",),
    "GET /_sesspec/": ("email", "id", "limit"),
    "HEAD /_sesspec/": ("email", "id", "limit"),
    "GET /_sesspec": ("email", "id", "limit"),
}

#: Queries no route can take, and the parameter each 400 names (None: the query as a whole).
REFUSED = {
    "upper-case-name": ("ID=abc", "ID"),
    "escaped-equals": ("id%3Dabc", "id=abc"),
    "unknown-name": ("id=abc&nope=1", "nope"),
    "repeated": ("id=abc&id=abc", "id"),
    "repeated-empty": ("email=&email=", "email"),
    "at-the-field-limit": ("&".join(["id=abc"] * MAX_QUERY_FIELDS), "id"),
    "past-the-field-limit": ("&".join(["id=abc"] * (MAX_QUERY_FIELDS + 1)), None),
    "many-fields-after-id": ("id=abc&" + "&".join(f"f{i}=1" for i in range(150)), None),
    "empty-field": ("id=abc&&email=x", None),
    "trailing-ampersand": ("id=abc&", None),
    "bad-escape-letters": ("id=%zz", None),
    "bad-escape-short": ("id=%4", None),
    "bad-escape-alone": ("id=%", None),
    "utf8-lone-continuation": ("id=%80", None),
    "utf8-truncated": ("id=%C3", None),
    "utf8-ff": ("email=%FF", None),
    "utf8-encoded-surrogate": ("email=%ED%A0%80", None),
    "utf8-in-a-name": ("%FF=1", None),
    "raw-equals-in-value": ("id=a=b", None),
    "raw-quote": ('id=a"b', None),
}


def _message(state: SesState, n: int) -> str:
    reply = state.handle(
        "SendEmail",
        {
            "Source": "a@example.com",
            "Destination": {"ToAddresses": [f"r{n}@example.com"]},
            "Message": {"Subject": {"Data": f"S{n}"}, "Body": {"Text": {"Data": "Hello"}}},
        },
        now=NOW,
    )
    assert reply.error is None
    assert reply.result is not None
    return str(reply.result["MessageId"])


def _answer(state: SesState, method: str, target: str) -> Answer:
    app = AdminApplication(state=state, endpoint_url=lambda: "http://127.0.0.1:1/", strict=False)
    raw = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1")
    return app.answer(Exchange(read_request(raw), 0))


def _body(answer: Answer) -> bytes:
    return answer.body if answer.stream is None else b"".join(answer.stream)


def _refusal(answer: Answer) -> dict[str, object]:
    assert answer.status == 400
    assert answer.content_type == "application/json"
    found: dict[str, object] = json.loads(_body(answer))
    return found


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("query", "parameter"), REFUSED.values(), ids=REFUSED)
def test_each_route_refuses_what_it_cannot_read(
    route: str, query: str, parameter: str | None
) -> None:
    state = SesState()
    ids = [_message(state, n) for n in range(3)]
    method, path = route.split(" ")
    refusal = _refusal(_answer(state, method, f"{path}?{query}"))
    assert refusal["parameter"] == parameter
    assert isinstance(refusal["error"], str)
    if parameter is not None:
        assert repr(parameter[:100]) in refusal["error"]
    else:
        assert "query" in refusal["error"]
    assert [m.id for m in state.mailbox.messages()] == ids  # nothing deleted


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_refuses_a_parameter_of_another_route(route: str) -> None:
    method, path = route.split(" ")
    other = next(name for name in ("limit", "email", "Action") if name not in ROUTES[route])
    state = SesState()
    _message(state, 1)
    refusal = _refusal(_answer(state, method, f"{path}?{other}=1"))
    assert refusal["parameter"] == other
    assert len(state.mailbox) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_takes_its_documented_parameters(route: str) -> None:
    state = SesState()
    ids = [_message(state, n) for n in range(3)]
    method, path = route.split(" ")
    values = {"id": ids[1], "email": "r1@example.com", "limit": "5"}
    query = "&".join(f"{name}={values[name].replace('@', '%40')}" for name in ROUTES[route])
    answer = _answer(state, method, f"{path}?{query}")
    assert answer.status == (204 if method == "DELETE" else 200)
    if method == "DELETE":
        assert [m.id for m in state.mailbox.messages()] == [ids[0], ids[2]]
    elif path == "/_aws/ses":
        assert [m["Id"] for m in json.loads(_body(answer))["messages"]] == [ids[1]]


class TestDelete:
    def test_an_empty_id_is_refused_never_everything(self) -> None:
        state = SesState()
        _message(state, 1)
        for query in ("id=", "id"):
            assert _refusal(_answer(state, "DELETE", f"/_aws/ses?{query}"))["parameter"] == "id"
        assert len(state.mailbox) == 1

    def test_no_query_removes_every_message(self) -> None:
        state = SesState()
        for n in range(3):
            _message(state, n)
        for target in ("/_aws/ses", "/_aws/ses?"):
            assert _answer(state, "DELETE", target).status == 204
        assert len(state.mailbox) == 0

    def test_an_unknown_id_is_404_and_removes_nothing(self) -> None:
        state = SesState()
        _message(state, 1)
        assert _answer(state, "DELETE", "/_aws/ses?id=nope").status == 404
        assert len(state.mailbox) == 1


class TestGet:
    @pytest.mark.parametrize("query", ["id=&email=", "email=", "id="])
    def test_an_empty_value_is_the_parameter_not_given(self, query: str) -> None:
        state = SesState()
        ids = [_message(state, n) for n in range(2)]
        answer = _answer(state, "GET", f"/_aws/ses?{query}")
        assert [m["Id"] for m in json.loads(_body(answer))["messages"]] == ids

    def test_the_page_s_empty_filter_form_is_taken(self) -> None:
        state = SesState()
        _message(state, 1)
        assert _answer(state, "GET", "/_sesspec/?email=&id=&limit=").status == 200

    @pytest.mark.parametrize(
        ("limit", "status"),
        [
            ("0", 400),
            ("1", 200),
            ("2", 200),
            (str(MAX_SHOWN - 1), 200),
            (str(MAX_SHOWN), 200),
            (str(MAX_SHOWN + 1), 400),
            ("9" * 30, 400),
            ("-1", 400),
            ("1.5", 400),
            ("abc", 400),
            ("%EF%BC%91", 400),  # FULLWIDTH DIGIT ONE: a digit to str.isdigit, not to us
        ],
    )
    def test_the_page_s_limit(self, limit: str, status: int) -> None:
        state = SesState()
        _message(state, 1)
        answer = _answer(state, "GET", f"/_sesspec/?limit={limit}")
        assert answer.status == status
        if status == 400:
            assert _refusal(answer)["parameter"] == "limit"


def test_over_the_wire_nothing_is_deleted(tmp_path: Path) -> None:
    """The queries of the issue, on a running endpoint: 400 each, every message kept."""
    with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
        assert ep.state is not None
        for n in range(2):
            _message(ep.state, n)
        many = "id=abc&" + "&".join(f"f{i}=1" for i in range(150))
        replies = [
            exchange(
                ep.port,
                f"DELETE /_aws/ses?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Connection: close\r\n\r\n".encode(),
            )
            for query in ("ID=abc", "id%3Dabc", many, "id=%ZZ", "id=%FF")
        ]
        kept = len(ep.state.mailbox)
    assert [r.split(b" ", 2)[1] for r in replies] == [b"400"] * 5
    assert kept == 2


def test_plain_http_is_not_counted_in_the_json_as_on_the_page(tmp_path: Path) -> None:
    """``--http``: each stored message's request has HTTP002 (plain HTTP, an error), which the
    page marks "not counted"; ``GET /_aws/ses`` says the same of it, and counts the others."""
    boto3 = pytest.importorskip("boto3")
    with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
        ses = boto3.client("ses", **ep.boto3_kwargs())
        ses.send_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}},
        )
        reply = exchange(ep.port, b"GET /_aws/ses HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        page = exchange(ep.port, b"GET /_sesspec/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    (message,) = json.loads(parse_response(reply)[2])["messages"]
    findings = message["Findings"]
    plain = [f for f in findings if f["rule"] == "HTTP002"]
    assert [(f["severity"], f["counted"]) for f in plain] == [("error", False)]
    assert plain[0]["note"] == "the endpoint serves plain HTTP: not counted"
    others = [f for f in findings if f["rule"] != "HTTP002"]
    assert others  # the checker's other findings on a boto3 request (AUTH019, ...)
    assert all(f["counted"] is True and "note" not in f for f in others)
    assert b"(the endpoint serves plain HTTP: not counted)" in parse_response(page)[2]
