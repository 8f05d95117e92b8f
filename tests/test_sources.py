"""Where ``sesspec check`` reads requests from (``sesspec.check.sources``), on broken input.

A HAR whose ``entries`` is not a list, a HAR entry of the wrong shape, a JSON Lines file
that is not UTF-8 and a bad capture line each gave a traceback. Each must be a
:class:`SourceError` naming the file and the line or entry, and ``sesspec check`` must say it in
one line and exit 2.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from sesspec.check.sources import (
    MAX_REQUEST_FILE_SIZE,
    SourceError,
    iter_sources,
    request_from_url,
)
from sesspec.cli import main
from sesspec.serve.capture import Capture, CaptureError, iter_records, load_captures
from tests._wire import sample_capture

GET = sample_capture().raw


def _capture(seq: int = 1) -> Capture:
    return sample_capture(seq=seq)


def _record(**changes: Any) -> str:
    record = json.loads(_capture().to_json())
    record.update(changes)
    return json.dumps(record)


def _sources_error(*args: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(iter_sources(args))
    return info.value


def _cli_exit_2(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``sesspec check PATH``: exit 2 and one line on stderr, which it returns (the requests
    read before the bad one may have been judged on stdout)."""
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


def _har(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "session.har"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


class TestHar:
    """HAR 1.2 (W3C Web Performance draft): ``log.entries`` is an array of entry objects, each
    with a ``request`` object (``method``, ``url``, ``headers[]`` of ``{name, value}``,
    ``postData.text``)."""

    @pytest.mark.parametrize(
        "entries",
        [
            pytest.param({"0": {}}, id="object"),
            pytest.param(5, id="number"),
            pytest.param("entries", id="string"),
            pytest.param(None, id="null"),
        ],
    )
    def test_entries_not_a_list(
        self, tmp_path: Path, entries: Any, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = _har(tmp_path, {"log": {"entries": entries}})
        error = _sources_error(str(path))
        assert error.where == str(path)
        assert "'log.entries'" in error.message
        assert str(path) in _cli_exit_2(path, capsys)

    @pytest.mark.parametrize(
        ("entry", "what"),
        [
            pytest.param(5, "'request' is not an object", id="entry-number"),
            pytest.param({"request": []}, "'request' is not an object", id="request-list"),
            pytest.param({"request": {"method": "GET"}}, "'request.url'", id="no-url"),
            pytest.param({"request": {"method": "GET", "url": ["x"]}}, "'request.url'", id="url"),
            pytest.param({"request": {"url": "https://h/"}}, "request.method", id="no-method"),
            pytest.param(
                {"request": {"method": "GET", "url": "https://h/", "headers": "Host: h"}},
                "'request.headers' is not a list",
                id="headers-string",
            ),
            pytest.param(
                {"request": {"method": "GET", "url": "https://h/", "headers": [["Host", "h"]]}},
                "'request.headers[0]' is not an object",
                id="header-list",
            ),
            pytest.param(
                {"request": {"method": "GET", "url": "https://h/", "headers": [{"value": "h"}]}},
                "'request.headers[0].name'",
                id="header-no-name",
            ),
            pytest.param(
                {"request": {"method": "POST", "url": "https://h/", "postData": ["a"]}},
                "'request.postData' is not an object",
                id="postdata-list",
            ),
            pytest.param(
                {"request": {"method": "POST", "url": "https://h/", "postData": {"text": {}}}},
                "'request.postData.text'",
                id="postdata-text-object",
            ),
            pytest.param(
                {"request": {"method": "GET", "url": "http://[::1/"}},
                "Invalid IPv6 URL",
                id="bad-url",
            ),
        ],
    )
    def test_entry_of_the_wrong_shape(
        self, tmp_path: Path, entry: Any, what: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        good = {"request": {"method": "GET", "url": "https://email.us-east-1.amazonaws.com/"}}
        path = _har(tmp_path, {"log": {"entries": [good, entry]}})
        error = _sources_error(str(path))
        assert error.where == f"{path}#entries[1]"
        assert what in error.message
        assert f"{path}#entries[1]" in _cli_exit_2(path, capsys)

    def test_lone_surrogate_in_a_value_is_kept(self, tmp_path: Path) -> None:
        """JSON may hold a lone surrogate (``\\ud800``); it reaches the checker as bytes."""
        entry = {
            "request": {
                "method": "POST",
                "url": "https://email.us-east-1.amazonaws.com/",
                "postData": {"text": "Action=SendEmail&Source=\ud800"},
            }
        }
        path = _har(tmp_path, {"log": {"entries": [entry]}})
        (source,) = iter_sources([str(path)])
        assert source.raw.endswith(b"Source=\xed\xa0\x80")

    @pytest.mark.parametrize(
        "data",
        [
            pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-100000"),
            pytest.param(b'{"log": {"entries": [' + b"9" * 5000 + b"]}}", id="int-5000-digits"),
            pytest.param(b'{"log": {"entries": []}}\xb2', id="not-utf8"),
            pytest.param(b'{"log": ', id="truncated"),
        ],
    )
    def test_not_a_har_file(
        self, tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "x.har"
        path.write_bytes(data)
        error = _sources_error(str(path))
        assert error.where == str(path)
        assert error.message.startswith("not a HAR file")
        _cli_exit_2(path, capsys)


class TestJsonLines:
    """A ``.jsonl`` input holds capture records (``sesspec serve``) or ``{"raw", "tls"}``."""

    def test_invalid_utf8(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "c.jsonl"
        path.write_bytes(_capture().to_json().encode() + b"\n" + b'{"raw": "\xb2"}\n')
        error = _sources_error(str(path))
        assert error.where == f"{path}:2"
        assert "not UTF-8" in error.message
        assert f"{path}:2" in _cli_exit_2(path, capsys)

    @pytest.mark.parametrize(
        ("line", "what"),
        [
            pytest.param(_record(head_length="5"), "'head_length'", id="head-length-string"),
            pytest.param(_record(head_length=10**6), "past the end of raw", id="head-past-end"),
            pytest.param(_record(seq=-1), "'seq'", id="seq-negative"),
            pytest.param(_record(seq=True), "'seq'", id="seq-bool"),
            pytest.param(_record(seq=10**40), "'seq'", id="seq-40-digits"),
            pytest.param(_record(raw="***"), "'raw' is not valid base64", id="raw-not-base64"),
            pytest.param(_record(raw=None), "'raw'", id="raw-null"),
            pytest.param(_record(peer=["h"]), "'peer'", id="peer-short"),
            pytest.param(_record(notes="chunked"), "'notes'", id="notes-string"),
            pytest.param(_record(tls="yes"), "'tls'", id="tls-string"),
            pytest.param(_record(action=5), "'action'", id="action-number"),
            pytest.param(_record(received_at_ns=None), "'received_at_ns'", id="ns-null"),
            pytest.param(
                json.dumps({k: v for k, v in json.loads(_record()).items() if k != "status"}),
                "'status' is missing",
                id="status-missing",
            ),
            pytest.param('{"seq": ' + "1" * 5000 + "}", "not a readable JSON", id="5000-digits"),
            pytest.param("[" * 100_000, "not", id="nested-100000"),
            pytest.param('{"raw": "***"}', "not a capture record", id="raw-only-not-base64"),
            pytest.param("[1, 2]", "not an object", id="array"),
            pytest.param("{bad json}", "not JSON", id="not-json"),
        ],
    )
    def test_bad_capture_line(
        self, tmp_path: Path, line: str, what: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "c.jsonl"
        path.write_text(_capture().to_json() + "\n\n" + line + "\n", encoding="utf-8")
        error = _sources_error(str(path))
        assert error.where == f"{path}:3"
        assert what in error.message
        assert f"{path}:3" in _cli_exit_2(path, capsys)
        if "head_length" in line:  # a capture record: load_captures says the same, typed
            with pytest.raises(CaptureError) as info:
                list(load_captures(path))
            assert info.value.where == f"{path}:3"

    def test_a_capture_record_carries_its_capture(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        path.write_text(_capture().to_json() + "\n", encoding="utf-8")
        (source,) = iter_sources([str(path)])
        assert source.capture == _capture()
        assert source.raw == GET
        assert source.tls is True

    def test_gzip_capture_file(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(_capture(1).to_json() + "\n" + _capture(2).to_json() + "\n")
        assert [s.name for s in iter_sources([str(path)])] == [f"{path}:1", f"{path}:2"]
        folder = [s.name for s in iter_sources([str(tmp_path)])]
        assert folder == [f"{path}:1", f"{path}:2"]

    def test_corrupt_gzip(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "c.jsonl.gz"
        packed = gzip.compress((_capture().to_json() + "\n").encode() * 50)
        path.write_bytes(packed[:20] + b"\x00" * 30 + packed[50:])
        error = _sources_error(str(path))
        assert error.where.startswith(f"{path}:")
        _cli_exit_2(path, capsys)

    def test_torn_last_line_is_skipped_complete_last_line_kept(self, tmp_path: Path) -> None:
        """A record cut short by a kill was never answered (capture.py); one that only lacks
        its newline is whole and is read."""
        path = tmp_path / "c.jsonl"
        path.write_text(_capture(1).to_json() + "\n" + _capture(2).to_json()[:50])
        assert [c.seq for c in load_captures(path)] == [1]
        path.write_text(_capture(1).to_json() + "\n" + _capture(2).to_json())
        assert [c.seq for c in load_captures(path)] == [1, 2]

    def test_records_stream_by_line(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        raw = base64.b64encode(GET).decode()
        path.write_text(f'{{"raw": "{raw}"}}\n\n{{"raw": "{raw}", "tls": true}}\n')
        assert [w for w, _ in iter_records(path)] == [f"{path}:1", f"{path}:3"]
        assert [s.tls for s in iter_sources([str(path)])] == [None, True]


class TestFilesAndUrls:
    @pytest.mark.parametrize(
        "url", ["http://[::1/?Action=ListIdentities", "https://h\r\nX-Injected: 1/?Action=X"]
    )
    def test_malformed_url(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SourceError) as info:
            request_from_url(url)
        assert info.value.where == repr(url)
        code = main(["check", url])
        out, err = capsys.readouterr()
        assert (code, out, err.count("\n")) == (2, "", 1)

    def test_request_file_past_the_limit(self, tmp_path: Path) -> None:
        """A ``.http`` file larger than any request sesspec parses is refused unread."""
        path = tmp_path / "big.http"
        with path.open("wb") as fh:
            fh.truncate(MAX_REQUEST_FILE_SIZE + 1)
        error = _sources_error(str(path))
        assert "larger than the limit" in error.message
        path.write_bytes(b"")
        with path.open("wb") as fh:
            fh.truncate(MAX_REQUEST_FILE_SIZE)
        (source,) = iter_sources([str(path)])
        assert len(source.raw) == MAX_REQUEST_FILE_SIZE
