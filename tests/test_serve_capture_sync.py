"""When capture records reach the disk. A record is written before the answer in both modes;
``each`` fsyncs it before the answer too, ``batched`` leaves that to a syncing thread and to
close()."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from sesspec.serve.capture import SYNC_INTERVAL, CaptureLog, load_captures
from tests._wire import sample_capture


class _FsyncCounter:
    def __init__(self) -> None:
        self.calls = 0
        self.done = threading.Event()
        self._real = os.fsync

    def __call__(self, fd: int) -> None:
        self.calls += 1
        self._real(fd)
        self.done.set()


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> _FsyncCounter:
    counter = _FsyncCounter()
    monkeypatch.setattr(os, "fsync", counter)
    return counter


def test_each_fsyncs_every_record_before_returning(tmp_path: Path, fsyncs: _FsyncCounter) -> None:
    log = CaptureLog(tmp_path / "c.jsonl", sync="each")
    for seq in (1, 2, 3):
        log.append(sample_capture(seq=seq))
        assert fsyncs.calls == seq
    log.close()
    assert [c.seq for c in load_captures(tmp_path / "c.jsonl")] == [1, 2, 3]


def test_batched_record_is_in_the_file_at_once_and_synced_soon(
    tmp_path: Path, fsyncs: _FsyncCounter
) -> None:
    path = tmp_path / "c.jsonl"
    log = CaptureLog(path)
    assert log.sync == "batched"
    log.append(sample_capture(seq=1))
    # Written before append returns: another reader (a kill of the endpoint) sees it whole.
    assert [c.seq for c in load_captures(path)] == [1]
    assert fsyncs.done.wait(SYNC_INTERVAL + 10)
    log.close()
    assert fsyncs.calls >= 2  # the syncing thread's, and close()'s


def test_batched_many_records_fewer_fsyncs(tmp_path: Path, fsyncs: _FsyncCounter) -> None:
    log = CaptureLog(tmp_path / "c.jsonl")
    for seq in range(1, 201):
        log.append(sample_capture(seq=seq))
    log.close()
    assert 1 <= fsyncs.calls < 200
    assert len(list(load_captures(tmp_path / "c.jsonl"))) == 200


def test_append_after_close_is_an_os_error(tmp_path: Path) -> None:
    log = CaptureLog(tmp_path / "c.jsonl")
    log.append(sample_capture(seq=1))
    log.close()
    with pytest.raises(OSError, match="closed"):
        log.append(sample_capture(seq=2))
    log.close()  # twice is harmless


def test_unknown_sync_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sync must be"):
        CaptureLog(tmp_path / "c.jsonl", sync="never")  # type: ignore[arg-type]
