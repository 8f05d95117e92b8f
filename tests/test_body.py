"""The large-body writer (``sesspec._body.write_form``), ``query.flatten_for_body``, ``form_body``.

Expected bodies come from the established path, ``form_encode_bytes(flatten(...))`` (proven by
the public vector suites), with each blob base64-encoded by ``base64.b64encode`` (RFC 4648,
padded: docs/spec.md#param-blob); expected hashes from ``hashlib.sha256(body)`` (IAM-SIGV4
``Hex(SHA256(RequestPayload))``); and, for a real ``SendRawEmail``, from botocore's
``QuerySerializer`` and ``AWSRequest.prepare`` (an independent implementation).

The slice, group and threading sizes are patched small so that every edge (padding only in the
last slice, exact multiples of the slice, one byte under and over) stays a few bytes long.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import types
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, cast
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sesspec._body
import sesspec._shapes
from sesspec._body import write_form
from sesspec._shapes import BodyPairs
from sesspec.encoding import STYLES, FormStyle, form_decode, form_encode_bytes
from sesspec.http import RawRequest
from sesspec.model import load_model
from sesspec.query import flatten, flatten_for_body
from sesspec.request import FORM_CONTENT_TYPE, build_request, endpoint_host, form_body
from sesspec.signing import sigv4

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "SESSION/TOKEN+="
TIME = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)
REGION = "us-west-2"

#: Small sizes for the writer: 6 raw bytes per slice (8 base64 characters), hand-over groups of
#: 16 bytes, a thread for bodies of 32 base64 bytes or more.
SLICE = 6
GROUP = 16
THREADED = 32

STYLE_NAMES = sorted(STYLES)
#: Bytes whose base64 holds '+' and '/' in every slice: fb ff fe -> "+//+".
_PATTERN = b"\xfb\xff\xfe" + bytes(range(256))


def _data(n: int) -> bytes:
    return (_PATTERN * (n // len(_PATTERN) + 1))[:n]


def _body_pairs(pairs: list[tuple[str, str]], blobs: Mapping[int, bytes]) -> BodyPairs:
    out = BodyPairs(pairs)
    out.blobs = dict(blobs)
    for index in blobs:
        assert out[index][1] == ""
    return out


def _expected(pairs: list[tuple[str, str]], blobs: Mapping[int, bytes], style: str) -> bytes:
    """The oracle: the plain pairs with each blob base64-encoded, through form_encode_bytes."""
    plain = list(pairs)
    for index, data in blobs.items():
        plain[index] = (plain[index][0], base64.b64encode(data).decode("ascii"))
    return form_encode_bytes(plain, style=style)


def _live_hashers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sesspec-sha256" and t.is_alive()]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sesspec._body, "_SLICE", SLICE)
    monkeypatch.setattr(sesspec._body, "_GROUP", GROUP)
    monkeypatch.setattr(sesspec._body, "_THREADED", THREADED)


class _CountingHasher(sesspec._body._Hasher):
    """The real hashing thread, counted, to show that a test went down the threaded path."""

    made = 0

    def __init__(self) -> None:
        type(self).made += 1
        super().__init__()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[_CountingHasher]:
    monkeypatch.setattr(_CountingHasher, "made", 0)
    monkeypatch.setattr(sesspec._body, "_Hasher", _CountingHasher)
    return _CountingHasher


# --- blob lengths and styles -----------------------------------------------------------------


@pytest.mark.usefixtures("small")
class TestBlobLengths:
    """RFC 4648 section 4: "the final unit of encoded output will be ... followed by two '='
    padding characters" (one byte left) or "one '=' padding character" (two bytes left)."""

    # 0 .. four slices and one, which takes in every len % 3, every multiple of the slice and
    # one byte under and over each.
    @pytest.mark.parametrize("n", range(4 * SLICE + 2))
    @pytest.mark.parametrize("style", STYLE_NAMES)
    def test_equals_plain_path(self, n: int, style: str) -> None:
        pairs = [("Action", "SendRawEmail"), ("RawMessage.Data", "")]
        blobs = {1: _data(n)}
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES[style], sha256=False)
        assert body == _expected(pairs, blobs, style)
        assert digest is None

    @pytest.mark.parametrize("n", range(4 * SLICE + 2))
    def test_padding_only_at_the_end(self, n: int) -> None:
        """The padding of the last unit, escaped ``%3D`` (c1: '=' is not unreserved)."""
        pairs = [("RawMessage.Data", "")]
        body, _ = write_form(_body_pairs(pairs, {0: _data(n)}), STYLES["rfc3986"], sha256=False)
        value = body.removeprefix(b"RawMessage.Data=")
        pad = {0: b"", 1: b"%3D%3D", 2: b"%3D"}[n % 3]
        assert value.endswith(pad)
        assert value.count(b"%3D") == len(pad) // 3
        assert b"=" not in value
        assert b"+" not in value
        assert b"/" not in value
        # Every '+' and '/' of the base64 (one per 3 bytes of the pattern) came through escaped.
        assert form_decode(body) == [("RawMessage.Data", base64.b64encode(_data(n)).decode())]


# --- where the blob is among the pairs -------------------------------------------------------

_OTHERS = [
    ("Action", "SendRawEmail"),
    ("Version", "2010-12-01"),
    ("Source", "a b+c~d*e!f'g(h)i@j/k=l&\u00e9"),
    ("Tags.member.1.Name", "n"),
]
_D1 = _data(2 * SLICE + 1)
_D2 = _data(3 * SLICE)

_LAYOUTS: dict[str, tuple[list[tuple[str, str]], dict[int, bytes]]] = {
    "only": ([("RawMessage.Data", "")], {0: _D1}),
    "first": ([("RawMessage.Data", ""), *_OTHERS], {0: _D1}),
    "middle": ([*_OTHERS[:2], ("RawMessage.Data", ""), *_OTHERS[2:]], {2: _D1}),
    "last": ([*_OTHERS, ("RawMessage.Data", "")], {len(_OTHERS): _D1}),
    "two-apart": (
        [("A", ""), *_OTHERS, ("B", "")],
        {0: _D1, len(_OTHERS) + 1: _D2},
    ),
    "two-adjacent": ([*_OTHERS[:2], ("A", ""), ("B", ""), *_OTHERS[2:]], {2: _D2, 3: _D1}),
    "empty-blob": ([*_OTHERS[:1], ("A", ""), *_OTHERS[1:]], {1: b""}),
    "escaped-name": ([("N\u00e4me&=x y", ""), *_OTHERS], {0: _D1}),
}


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("style", STYLE_NAMES)
@pytest.mark.parametrize("sha256", [False, True])
def test_blob_positions(layout: str, style: str, sha256: bool) -> None:
    pairs, blobs = _LAYOUTS[layout]
    body, digest = write_form(_body_pairs(pairs, blobs), STYLES[style], sha256=sha256)
    expected = _expected(pairs, blobs, style)
    assert body == expected
    assert digest == (hashlib.sha256(expected).hexdigest() if sha256 else None)


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_no_blobs(style: str) -> None:
    """Without deferred blobs the writer is ``encode_pairs`` (and its hash)."""
    body, digest = write_form(_body_pairs(_OTHERS, {}), STYLES[style], sha256=True)
    assert body == form_encode_bytes(_OTHERS, style=style)
    assert digest == hashlib.sha256(body).hexdigest()


# --- hashing: threaded, in the caller, and when a thread cannot start --------------------------


def _big() -> tuple[list[tuple[str, str]], dict[int, bytes]]:
    # 4 slices and a bit in each of two blobs: well above THREADED, several groups.
    return [("A", ""), *_OTHERS, ("B", "")], {0: _data(4 * SLICE + 2), len(_OTHERS) + 1: _D2}


@pytest.mark.usefixtures("small")
class TestHashing:
    """IAM-SIGV4: ``HashedPayload = Lowercase(HexEncode(Hash(RequestPayload)))``."""

    def test_threaded(self, counted: type[_CountingHasher]) -> None:
        pairs, blobs = _big()
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES["rfc3986"], sha256=True)
        assert counted.made == 1
        assert body == _expected(pairs, blobs, "rfc3986")
        assert digest == hashlib.sha256(body).hexdigest()
        assert not _live_hashers()

    def test_not_threaded_below_threshold(self, counted: type[_CountingHasher]) -> None:
        pairs, blobs = [("A", ""), *_OTHERS], {0: _data(SLICE)}  # 8 base64 bytes < THREADED
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES["rfc3986"], sha256=True)
        assert counted.made == 0
        assert body == _expected(pairs, blobs, "rfc3986")
        assert digest == hashlib.sha256(body).hexdigest()

    def test_no_thread_without_sha256(self, counted: type[_CountingHasher]) -> None:
        pairs, blobs = _big()
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES["rfc3986"], sha256=False)
        assert counted.made == 0
        assert digest is None
        assert body == _expected(pairs, blobs, "rfc3986")

    def test_thread_cannot_start(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(self: threading.Thread) -> None:
            msg = "can't start new thread"
            raise RuntimeError(msg)

        monkeypatch.setattr(threading.Thread, "start", refuse)
        pairs, blobs = _big()
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES["rfc3986"], sha256=True)
        assert body == _expected(pairs, blobs, "rfc3986")
        assert digest == hashlib.sha256(body).hexdigest()

    def test_hasher_cannot_be_made(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse() -> None:
            msg = "can't start new thread"
            raise RuntimeError(msg)

        monkeypatch.setattr(sesspec._body, "_Hasher", refuse)
        pairs, blobs = _big()
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES["html2"], sha256=True)
        assert body == _expected(pairs, blobs, "html2")
        assert digest == hashlib.sha256(body).hexdigest()


class _BoomError(Exception):
    pass


@pytest.mark.usefixtures("small")
class TestErrorMidWrite:
    """An error while writing propagates, and the hashing thread is not left waiting."""

    def test_b2a_raises_on_third_slice(
        self, monkeypatch: pytest.MonkeyPatch, counted: type[_CountingHasher]
    ) -> None:
        real = binascii.b2a_base64
        calls = 0

        def b2a(data: Any, *, newline: bool = True) -> bytes:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise _BoomError
            return real(data, newline=newline)

        monkeypatch.setattr(sesspec._body, "binascii", types.SimpleNamespace(b2a_base64=b2a))
        pairs, blobs = _big()
        with pytest.raises(_BoomError):
            write_form(_body_pairs(pairs, blobs), STYLES["rfc3986"], sha256=True)
        assert calls == 3
        assert counted.made == 1
        assert not _live_hashers()

    def test_style_raises_late(self, counted: type[_CountingHasher]) -> None:
        """A style whose ``quote_bytes`` fails on the last slice of the first blob (after groups
        were handed to the thread)."""
        real = STYLES["rfc3986"]

        class Failing:
            calls = 0

            def quote_bytes(self, value: str | bytes) -> bytes:
                self.calls += 1
                if self.calls == 4:  # name, '+', '/', then the general escaper: the last slice
                    raise _BoomError
                return real.quote_bytes(value)

            def encode_pairs(self, pairs: list[tuple[str, str]]) -> bytes:
                return real.encode_pairs(pairs)

        failing = Failing()
        pairs, blobs = _big()
        with pytest.raises(_BoomError):
            write_form(_body_pairs(pairs, blobs), cast(FormStyle, failing), sha256=True)
        assert failing.calls == 4
        assert counted.made == 1
        assert not _live_hashers()

    def test_usable_afterwards(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def b2a(data: Any, *, newline: bool = True) -> bytes:
            raise _BoomError

        with monkeypatch.context() as m:
            m.setattr(sesspec._body, "binascii", types.SimpleNamespace(b2a_base64=b2a))
            with pytest.raises(_BoomError):
                write_form(_body_pairs(*_big()), STYLES["rfc3986"], sha256=True)
        pairs, blobs = _big()
        body, digest = write_form(_body_pairs(pairs, blobs), STYLES["rfc3986"], sha256=True)
        assert body == _expected(pairs, blobs, "rfc3986")
        assert digest == hashlib.sha256(body).hexdigest()
        assert not _live_hashers()


# --- property --------------------------------------------------------------------------------

_names = st.text(alphabet="AZaz09.-_~ &=+%\u00e9", min_size=1, max_size=8)
_values = st.text(max_size=12)


@st.composite
def _layouts(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[int, bytes]]:
    pairs = draw(st.lists(st.tuples(_names, _values), max_size=5))
    blobs: dict[int, bytes] = {}
    for data in draw(st.lists(st.binary(max_size=40), min_size=1, max_size=3)):
        index = draw(st.integers(0, len(pairs)))
        pairs.insert(index, (draw(_names), ""))
        blobs = {(i + 1 if i >= index else i): d for i, d in blobs.items()}
        blobs[index] = data
    return pairs, blobs


@pytest.mark.property
@given(
    layout=_layouts(),
    units=st.integers(1, 5),
    group=st.integers(1, 64),
    threaded=st.integers(0, 80),
)
def test_property_equals_plain_path(
    layout: tuple[list[tuple[str, str]], dict[int, bytes]], units: int, group: int, threaded: int
) -> None:
    """For random blobs among random pairs, in every style, the writer's body is the plain
    path's and its hash is the body's."""
    pairs, blobs = layout
    with (
        mock.patch.object(sesspec._body, "_SLICE", 3 * units),
        mock.patch.object(sesspec._body, "_GROUP", group),
        mock.patch.object(sesspec._body, "_THREADED", threaded),
    ):
        for name in STYLE_NAMES:
            body, digest = write_form(_body_pairs(pairs, blobs), STYLES[name], sha256=True)
            assert body == _expected(pairs, blobs, name)
            assert digest == hashlib.sha256(body).hexdigest()


# --- flatten_for_body and form_body ----------------------------------------------------------


def _raw_params(data: bytes | str) -> dict[str, Any]:
    return {
        "Source": "a@example.com",
        "Destinations": ["b+c@example.com", "d@example.com"],
        "RawMessage": {"Data": data},
        "Tags": [{"Name": "k", "Value": "v w"}],
        "ConfigurationSetName": "set",
    }


class TestFlattenForBody:
    """docs/spec.md#param-flattening: the same pairs as ``flatten``, the large blob deferred as
    bytes."""

    def test_defers_at_threshold(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(sesspec._shapes, "DEFER_BLOB", 10)
        data = _data(10)
        pairs = flatten_for_body("SendRawEmail", _raw_params(data))
        plain = flatten("SendRawEmail", _raw_params(data))
        [(index, deferred)] = pairs.blobs.items()
        assert deferred == data
        assert pairs[index] == ("RawMessage.Data", "")
        assert plain[index] == ("RawMessage.Data", base64.b64encode(data).decode())
        assert [p for i, p in enumerate(pairs) if i != index] == [
            p for i, p in enumerate(plain) if i != index
        ]

    def test_not_deferred_below_threshold(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(sesspec._shapes, "DEFER_BLOB", 10)
        params = _raw_params(_data(9))
        pairs = flatten_for_body("SendRawEmail", params)
        assert pairs.blobs == {}
        assert list(pairs) == flatten("SendRawEmail", params)

    def test_str_data_deferred(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """c4: a ``str`` blob is its UTF-8 bytes."""
        monkeypatch.setattr(sesspec._shapes, "DEFER_BLOB", 10)
        text = "Subject: h\u00e9\r\n\r\nbody " * 3
        pairs = flatten_for_body("SendRawEmail", _raw_params(text))
        assert list(pairs.blobs.values()) == [text.encode("utf-8")]

    @pytest.mark.parametrize("style", STYLE_NAMES)
    @pytest.mark.parametrize("n", [10, 11, 12, 3 * SLICE, 3 * SLICE + 1])
    def test_form_body(self, monkeypatch: pytest.MonkeyPatch, style: str, n: int) -> None:
        monkeypatch.setattr(sesspec._shapes, "DEFER_BLOB", 10)
        monkeypatch.setattr(sesspec._body, "_SLICE", SLICE)
        params = _raw_params(_data(n))
        expected = form_encode_bytes(flatten("SendRawEmail", params), style=style)
        assert form_body("SendRawEmail", params, style=style) == expected

    def test_unknown_style(self) -> None:
        with pytest.raises(ValueError, match="no-such-style"):
            form_body("SendRawEmail", _raw_params(b"x"), style="no-such-style")


_TWO_BLOBS = load_model(
    {
        "metadata": {"apiVersion": "1"},
        "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
        "shapes": {
            "In": {
                "type": "structure",
                "members": {
                    "A": {"shape": "B"},
                    "S": {"shape": "S"},
                    "L": {"shape": "BL"},
                    "M": {"shape": "BM"},
                    "T": {"shape": "S"},
                },
            },
            "B": {"type": "blob"},
            "S": {"type": "string"},
            "BL": {"type": "list", "member": {"shape": "B"}},
            "BM": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "B"}},
        },
    }
)


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_synthetic_model_many_blobs(monkeypatch: pytest.MonkeyPatch, style: str) -> None:
    """Blobs at the top, in a list and in a map of a small awsQuery model, some deferred."""
    monkeypatch.setattr(sesspec._shapes, "DEFER_BLOB", 8)
    monkeypatch.setattr(sesspec._body, "_SLICE", SLICE)
    params = {
        "A": _data(8),
        "S": "x y",
        "L": [_data(20), b"short", _data(9)],
        "M": {"k1": _data(13), "k2": b""},
        "T": "\u00e9",
    }
    pairs = flatten_for_body("Op", params, model=_TWO_BLOBS)
    assert len(pairs.blobs) == 4
    expected = form_encode_bytes(flatten("Op", params, model=_TWO_BLOBS), style=style)
    assert form_body("Op", params, style=style, model=_TWO_BLOBS) == expected


# --- botocore, real constants ----------------------------------------------------------------


@pytest.fixture(scope="module")
def big_message() -> bytes:
    head = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\n\r\n"
    return head + _data(300_000 - len(head))


def _botocore_serialized(params: Mapping[str, Any]) -> tuple[dict[str, str], bytes]:
    session = pytest.importorskip("botocore.session")
    serialize = pytest.importorskip("botocore.serialize")
    awsrequest = pytest.importorskip("botocore.awsrequest")
    model = session.get_session().get_service_model("ses")
    serializer = serialize.create_serializer("query", include_validation=True)
    serialized = serializer.serialize_to_request(params, model.operation_model("SendRawEmail"))
    prepared = awsrequest.AWSRequest(
        method="POST",
        url=f"https://{endpoint_host(REGION)}/",
        data=serialized["body"],
        headers={"Content-Type": FORM_CONTENT_TYPE},
    ).prepare()
    raw = prepared.body if isinstance(prepared.body, bytes) else str(prepared.body).encode()
    return dict(serialized["body"]), raw


@pytest.mark.client
class TestAgainstBotocore:
    """botocore's QuerySerializer (docs/spec.md#param-flattening) and its urlencoded body
    (python-urlencode, docs/spec.md#enc-form-styles) for a SendRawEmail above the deferral
    threshold."""

    def test_pairs(self, big_message: bytes) -> None:
        assert len(big_message) >= sesspec._shapes.DEFER_BLOB
        params = _raw_params(big_message)
        theirs, _ = _botocore_serialized(params)
        ours = form_decode(form_body("SendRawEmail", params))
        assert ours == list(theirs.items())

    def test_python_urlencode_bytes(self, big_message: bytes) -> None:
        # Model order (Source before RawMessage): botocore writes the members in the order of
        # the params dict, sesspec in model order.
        params = {"Source": "a b@example.com", "RawMessage": {"Data": big_message}}
        _, raw = _botocore_serialized(params)
        assert form_body("SendRawEmail", params, style="python-urlencode") == raw


# --- build_request: the by-parts signing of a large body --------------------------------------


def _by_hand(body: bytes) -> RawRequest:
    return RawRequest(
        "POST",
        "/",
        headers=(
            ("Host", endpoint_host(REGION)),
            ("Content-Type", FORM_CONTENT_TYPE),
            ("Content-Length", str(len(body))),
        ),
        body=body,
    )


@pytest.mark.parametrize("token", [None, TOKEN], ids=["no-token", "token"])
@pytest.mark.parametrize("size", [300_000, 1_700_000], ids=["300KB", "1.7MB-threaded"])
def test_build_request_large(token: str | None, size: int) -> None:
    """A body above DEFER_BLOB (and, at 1.7 MB, above the threaded hashing size) signs byte for
    byte as ``sigv4.sign`` of the unsigned request made from the plain path."""
    data = _data(size)
    params = {"RawMessage": {"Data": data}, "Destinations": ["b@example.com"]}
    ours = build_request(
        "SendRawEmail",
        params,
        access_key_id=AKID,
        secret_access_key=SECRET,
        session_token=token,
        region=REGION,
        time=TIME,
    )
    body = form_encode_bytes(flatten("SendRawEmail", params))
    expected = sigv4.sign(
        _by_hand(body),
        access_key_id=AKID,
        secret_access_key=SECRET,
        session_token=token,
        region=REGION,
        time=TIME,
    ).request
    assert ours.to_bytes() == expected.to_bytes()
    assert sigv4.verify(ours, secret_access_key=SECRET, now=TIME).ok


def test_build_request_other_schemes_large() -> None:
    """aws3 does not sign the body; the body is still the plain path's."""
    params = {"RawMessage": {"Data": _data(300_000)}}
    ours = build_request(
        "SendRawEmail",
        params,
        scheme="aws3",
        access_key_id=AKID,
        secret_access_key=SECRET,
        region=REGION,
        time=TIME,
    )
    assert ours.body == form_encode_bytes(flatten("SendRawEmail", params))


@pytest.fixture(autouse=True)
def _no_thread_left() -> Iterator[None]:
    yield
    assert not _live_hashers()
