"""The capture fields ``told_authority`` (what the client was told to send to,
docs/spec.md#policy-host-port) and masked session tokens (the preamble: secrets never in captures).

The request signed here with a session token is built by botocore (an independent
implementation, ``SigV4Auth`` with temporary credentials), so the signature that must verify
once the token is put back is not sesspec's own.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sesspec.check import Credentials
from sesspec.encoding import form_encode
from sesspec.serve.capture import (
    MAX_AUTHORITY,
    Capture,
    CaptureError,
    CaptureLog,
    Masked,
    capture_findings,
    load_captures,
)
from tests._wire import sample_capture

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN/with+slash="  # a fake token in the shape of an STS one
WHEN = datetime(2026, 11, 26, 5, 48, 17, tzinfo=UTC)


def _record(capture: Capture) -> dict[str, object]:
    value = json.loads(capture.to_json())
    assert isinstance(value, dict)
    return value


class TestToldAuthority:
    def test_round_trip(self) -> None:
        capture = sample_capture(told_authority="email.us-east-1.amazonaws.com:4566")
        record = _record(capture)
        assert record["told_authority"] == "email.us-east-1.amazonaws.com:4566"
        assert Capture.from_json(capture.to_json()) == capture

    def test_absent_from_older_records(self) -> None:
        """A record written before the field loads as before (None), and one without a told
        authority writes no field, so older readers see the record they know."""
        capture = sample_capture()
        record = _record(capture)
        assert "told_authority" not in record
        assert "masked" not in record
        loaded = Capture.from_record(record)
        assert (loaded.told_authority, loaded.masked) == (None, ())

    @pytest.mark.parametrize(
        ("value", "ok"), [("h" * MAX_AUTHORITY, True), ("h" * (MAX_AUTHORITY + 1), False)]
    )
    def test_bounded(self, value: str, ok: bool) -> None:
        record = _record(sample_capture())
        record["told_authority"] = value
        if ok:
            assert Capture.from_record(record).told_authority == value
        else:
            with pytest.raises(CaptureError, match="told_authority"):
                Capture.from_record(record)

    def test_not_a_string(self) -> None:
        record = _record(sample_capture())
        record["told_authority"] = 4566
        with pytest.raises(CaptureError, match="'told_authority' is not a string"):
            Capture.from_record(record)

    def test_the_log_records_what_clients_are_told(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        log = CaptureLog(path)
        try:
            assert CaptureLog.for_path(path) is log
            log.append(sample_capture(seq=1))
            with log.telling("email.eu-west-1.amazonaws.com:4566"):
                log.append(sample_capture(seq=2))
                log.append(sample_capture(seq=3, told_authority="kept"))
            log.append(sample_capture(seq=4))
        finally:
            log.close()
        assert CaptureLog.for_path(path) is None
        told = [c.told_authority for c in load_captures(path)]
        assert told == [None, "email.eu-west-1.amazonaws.com:4566", "kept", None]


def _signed_by_botocore(*, presigned: bool = False) -> bytes:
    """A SendEmail signed by botocore with temporary credentials (token in a signed header,
    or in the query of a presigned GET)."""
    auth = pytest.importorskip("botocore.auth")
    awsrequest = pytest.importorskip("botocore.awsrequest")
    credentials = pytest.importorskip("botocore.credentials")
    pairs = [("Action", "ListIdentities"), ("Version", "2010-12-01")]
    creds = credentials.Credentials(AKID, SECRET, TOKEN)
    if presigned:
        request = awsrequest.AWSRequest(
            "GET", "https://email.us-east-1.amazonaws.com/?" + form_encode(pairs)
        )
        signer = auth.SigV4QueryAuth(creds, "ses", "us-east-1", expires=600)
    else:
        request = awsrequest.AWSRequest(
            "POST",
            "https://email.us-east-1.amazonaws.com/",
            data=form_encode(pairs).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        signer = auth.SigV4Auth(creds, "ses", "us-east-1")
    request.context["timestamp"] = WHEN.strftime("%Y%m%dT%H%M%SZ")
    signer.add_auth(request)
    prepared = request.prepare()
    target = prepared.url.split("amazonaws.com", 1)[1]
    lines = [f"{prepared.method} {target} HTTP/1.1", "Host: email.us-east-1.amazonaws.com"]
    lines += [f"{k}: {v}" for k, v in prepared.headers.items()]
    body = prepared.body or b""
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class TestMaskedToken:
    @pytest.mark.parametrize("presigned", [False, True], ids=["header", "presigned-query"])
    def test_masked_written_and_put_back(self, presigned: bool) -> None:
        raw = _signed_by_botocore(presigned=presigned)
        assert TOKEN.encode() in raw or b"FQoGZXIvYXdzEXAMPLETOKEN%2Fwith%2Bslash%3D" in raw
        capture = sample_capture(raw=raw, head_length=raw.index(b"\r\n\r\n") + 4)
        capture = dataclasses.replace(capture, body=raw[capture.head_length :])
        written = capture.to_json()
        data = base64.b64decode(json.loads(written)["raw"])
        assert b"EXAMPLETOKEN" not in data
        assert len(data) == len(raw)  # masked with '*' of the same length
        loaded = Capture.from_json(written)
        (mask,) = loaded.masked
        assert data[mask.offset : mask.offset + mask.length] == b"*" * mask.length
        assert loaded.with_token(TOKEN).raw == raw
        assert loaded.with_token(TOKEN).masked == ()
        assert loaded.with_token("another") == loaded
        # The signature (botocore's) verifies once the holder of the token puts it back.
        given = Credentials(AKID, SECRET, TOKEN)
        rules = {f.rule for f in capture_findings(loaded, credentials=given, now=WHEN)}
        assert "AUTH019" in rules
        without = Credentials(AKID, SECRET)
        rules = {f.rule for f in capture_findings(loaded, credentials=without, now=WHEN)}
        assert "AUTH018" in rules

    def test_form_body_token_masked(self) -> None:
        body = b"Action=X&SecurityToken=tok%2Ben&Other=1"
        raw = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 40\r\n\r\n" + body
        capture = sample_capture(raw=raw, head_length=raw.index(b"\r\n\r\n") + 4)
        loaded = Capture.from_json(capture.to_json())
        assert loaded.body == b"Action=X&SecurityToken=********&Other=1"
        restored = loaded.with_token("tok+en")
        assert restored.body == b"Action=X&SecurityToken=tok%2Ben&Other=1"
        assert restored.raw == raw

    def test_chunked_body_token_masked(self) -> None:
        body = b"Action=X&X-Amz-Security-Token=abc"
        raw = (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n21\r\n" + body + b"\r\n0\r\n\r\n"
        )
        capture = sample_capture(
            raw=raw, head_length=raw.index(b"\r\n\r\n") + 4, body=body, notes=("chunked",)
        )
        record = _record(capture)
        assert b"abc" not in base64.b64decode(str(record["raw"]))
        assert b"abc" not in base64.b64decode(str(record["body"]))
        loaded = Capture.from_record(record)
        assert {m.field for m in loaded.masked} == {"raw", "body"}
        restored = loaded.with_token("abc")
        assert (restored.raw, restored.body) == (raw, body)

    def test_repr_never_shows_the_request(self) -> None:
        raw = _signed_by_botocore()
        capture = sample_capture(raw=raw, head_length=raw.index(b"\r\n\r\n") + 4)
        assert "EXAMPLETOKEN" not in repr(capture)

    @pytest.mark.parametrize(
        "entry",
        [
            ["raw", 0, 5, "0" * 63],
            ["raw", 0, 5, "0" * 64 + "0"],
            ["head", 0, 5, "0" * 64],
            ["raw", -1, 5, "0" * 64],
            ["raw", 0, 10**6, "0" * 64],
            ["raw", True, 5, "0" * 64],
            "raw",
        ],
    )
    def test_bad_mask_entries(self, entry: object) -> None:
        record = _record(sample_capture())
        record["masked"] = [entry]
        with pytest.raises(CaptureError, match="'masked'"):
            Capture.from_record(record)

    def test_mask_entry_type(self) -> None:
        assert Masked("raw", 1, 2, "a" * 64)._asdict() == {
            "field": "raw",
            "offset": 1,
            "length": 2,
            "sha256": "a" * 64,
        }
