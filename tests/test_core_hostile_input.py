"""The core under hypothesis-drawn hostile input: ``check`` never raises and its output stays
proportional to its input; ``form_decode``, ``unflatten`` and ``parse_request`` raise only their
typed errors. The strategies (tests/_hostile.py) aim at sizes, depths and digit counts, not only
characters.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from sesspec.check import Credentials, Finding, check
from sesspec.encoding import MAX_PAIRS, form_decode
from sesspec.errors import (
    EncodingError,
    HttpParseError,
    ParamError,
)
from sesspec.http import DEFAULT_MAX_HEADERS, parse_request
from sesspec.query import (
    unflatten,
    validate_pairs,
)
from tests._hostile import (
    AKID,
    FORMS,
    PAIRS,
    REQUESTS,
    SECRET,
    TOKEN,
    WHEN,
    outcome,
)
from tests._hypothesis import examples


def _output_size(findings: list[Finding]) -> int:
    return sum(len(f.message) + len(str(f.location)) + len(f.detail) for f in findings)


@examples(60)
@given(raw=REQUESTS, now=st.sampled_from([None, WHEN, datetime(9999, 12, 31, tzinfo=UTC)]))
def test_check_never_raises_and_stays_proportional(raw: bytes, now: datetime | None) -> None:
    for creds in (None, Credentials(AKID, SECRET, TOKEN)):
        findings = check(raw, credentials=creds, now=now)
        assert all(isinstance(f, Finding) for f in findings)
        assert len(findings) <= len(raw) + 40
        # What is printed grows with what was sent, never with the numbers written in it.
        assert _output_size(findings) <= 40 * len(raw) + 20_000


@examples(60)
@given(data=FORMS, strict=st.booleans())
def test_form_decode_raises_only_typed_errors(data: bytes, strict: bool) -> None:
    got = outcome(lambda: form_decode(data, strict=strict), EncodingError)
    if isinstance(got, EncodingError):
        assert strict or got.kind == "too-many-pairs"
        assert 0 <= got.offset <= len(data)
    else:
        assert len(got) <= MAX_PAIRS


@examples(60)
@given(pairs=PAIRS)
def test_unflatten_raises_only_param_errors(pairs: list[tuple[str, str]]) -> None:
    errors = validate_pairs(pairs)
    assert all(isinstance(e, ParamError) for e in errors)
    # One problem per pair at most, plus the required members of the action.
    assert len(errors) <= len(pairs) + 10
    got = outcome(lambda: unflatten(pairs), ExceptionGroup)
    if isinstance(got, ExceptionGroup):
        assert all(isinstance(e, ParamError) for e in got.exceptions)


@examples(40)
@given(raw=REQUESTS)
def test_parse_request_raises_only_http_parse_errors(raw: bytes) -> None:
    got = outcome(lambda: parse_request(raw), HttpParseError)
    if isinstance(got, HttpParseError):
        assert got.kind in {"syntax", "framing", "limit"}
    else:
        assert len(got.headers) <= DEFAULT_MAX_HEADERS
