"""The state folder as durable as the messages (sesspec.serve.state.persistence).

What is held, each against the way it broke before: counts on disk before the answer and in the
journal's order, so that a kill (``kill -9``) at any point leaves counts equal to the recipients
of the messages kept and the sandbox's quota binding (a real ``sesspec serve`` killed at points
hypothesis draws, restarted and compared); a write that fails (a full disk, simulated by an
``OSError`` injected where the persistence writes, and a folder really removed) answered with an
SES error in one log line and counted nowhere; a record that cannot be read back named, kept
aside and never overwritten; one process per folder; the caps never deleting a file; messages
read back in the order they were kept.

Expected counts are worked by hand from the sends each test makes (recipients per message).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.serve import Endpoint
from sesspec.serve.state import (
    SesState,
    StateLockedError,
    UnreadableStateError,
)
from sesspec.serve.state import persistence as persistence_module
from tests._hypothesis import examples
from tests._wire import ses_client

NOW = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)


class Countdown:
    """Entropy whose ids fall as they are made: a file name's order is the reverse of the
    order the messages were kept in (so that an order read back from names shows)."""

    def __init__(self) -> None:
        self.n = 2**31

    def __call__(self, size: int) -> bytes:
        self.n -= 1
        return (self.n.to_bytes(4, "big") * size)[:size]


def make(folder: Path, **options: Any) -> SesState:
    return SesState(state_dir=folder, entropy=Countdown(), **options)


def send(state: SesState, *recipients: str, now: datetime = NOW) -> Any:
    params = {
        "Source": "a@example.com",
        "Destination": {"ToAddresses": list(recipients or ["b@example.com"])},
        "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    }
    return state.handle("SendEmail", params, now=now)


def sent_24h(state: SesState) -> float:
    reply = state.handle("GetSendQuota", {}, now=NOW)
    assert reply.result is not None
    return float(reply.result["SentLast24Hours"])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "state"


# --- one process per folder ----------------------------------------------------------------------


class TestLock:
    def test_a_second_state_is_refused_until_the_first_closes(self, folder: Path) -> None:
        first = make(folder)
        with pytest.raises(StateLockedError) as caught:
            make(folder)
        assert caught.value.pid == os.getpid()
        assert str(caught.value) == f"the state folder {folder} is in use by process {os.getpid()}"
        first.close()
        make(folder).close()

    def test_a_second_server_exits_2_with_one_line(
        self, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from sesspec.cli.serve import main

        with Endpoint(tmp_path / "c1.jsonl", tls=False, state_dir=folder):
            code = main(["--http", "--state-dir", str(folder), "--capture", str(tmp_path / "c2")])
        out, err = capsys.readouterr()
        assert code == 2
        assert (
            err == f"sesspec serve: the state folder {folder} is in use by process {os.getpid()}\n"
        )
        assert out == ""
        with Endpoint(tmp_path / "c3.jsonl", tls=False, state_dir=folder) as again:
            assert again.state is not None  # the first endpoint gave its lock up when it stopped


# --- writes that fail ----------------------------------------------------------------------------


def _enospc(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class TestFailedWrites:
    """A failed write answers SES's InternalFailure (500), logs one line and counts nothing
    (it was a 500 with a traceback per request, and the unstored send was counted)."""

    def _one_line(self, caplog: pytest.LogCaptureFixture) -> str:
        records = [r for r in caplog.records if r.name == "sesspec.serve"]
        assert len(records) == 1, [r.getMessage() for r in records]
        assert records[0].exc_info is None
        message = records[0].getMessage()
        assert "\n" not in message
        return message

    def test_message_file_on_a_full_disk(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        state = make(folder)
        assert send(state).error is None
        monkeypatch.setattr(persistence_module, "write_atomic", _enospc)
        reply = send(state, "c@example.com", "d@example.com")
        assert reply.error is not None
        assert (reply.error.code, reply.error.status, reply.error.type) == (
            "InternalFailure",
            500,
            "Receiver",
        )
        assert reply.error.message == "The request could not be stored: No space left on device."
        line = self._one_line(caplog)
        assert line.startswith(f"state: cannot write {folder / 'messages'}/")
        assert line.endswith(
            ": No space left on device (SendEmail answered InternalFailure, nothing kept)"
        )
        assert sent_24h(state) == 1.0
        assert len(state.mailbox) == 1
        monkeypatch.undo()
        state.close()
        with make(folder) as again:
            assert sent_24h(again) == 1.0
            assert len(again.mailbox) == 1
        assert len(list((folder / "messages").iterdir())) == 1

    def test_journal_on_a_full_disk(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        state = make(folder)
        assert send(state).error is None
        journal = folder / "journal.jsonl"
        before = journal.read_bytes()
        real_write = os.write

        def half(fd: int, data: bytes) -> int:  # a short write: the disk filled mid-line
            return real_write(fd, data[: len(data) // 2])

        monkeypatch.setattr(os, "write", half)
        reply = send(state)
        assert reply.error is not None
        assert reply.error.code == "InternalFailure"
        assert "journal.jsonl: No space left on device" in self._one_line(caplog)
        monkeypatch.undo()
        assert journal.read_bytes() == before  # the half line cut back
        assert len(list((folder / "messages").iterdir())) == 1  # its file removed
        assert sent_24h(state) == 1.0
        assert send(state).error is None  # the journal goes on from there
        state.close()
        with make(folder) as again:
            assert again.load_notes == []
            assert sent_24h(again) == 2.0

    def test_a_removed_folder(self, folder: Path, caplog: pytest.LogCaptureFixture) -> None:
        """No injection: the messages' folder really removed under the running state."""
        state = make(folder)
        shutil.rmtree(folder / "messages")
        reply = send(state)
        assert reply.error is not None
        assert reply.error.message == "The request could not be stored: No such file or directory."
        assert "No such file or directory" in self._one_line(caplog)
        assert sent_24h(state) == 0.0
        assert len(state.mailbox) == 0
        state.close()

    def test_account_change_undone(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        state = make(folder)
        template = {"TemplateName": "t", "SubjectPart": "s"}
        monkeypatch.setattr(persistence_module, "write_atomic", _enospc)
        reply = state.handle("CreateTemplate", {"Template": template}, now=NOW)
        assert reply.error is not None
        assert reply.error.code == "InternalFailure"
        self._one_line(caplog)
        monkeypatch.undo()
        missing = state.handle("GetTemplate", {"TemplateName": "t"}, now=NOW).error
        assert missing is not None
        assert missing.code == "TemplateDoesNotExist"
        assert state.handle("CreateTemplate", {"Template": template}, now=NOW).error is None
        state.close()

    def test_bulk_destinations_fail_alone(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        state = make(folder)
        template = {"TemplateName": "t", "SubjectPart": "Hi {{n}}"}
        assert state.handle("CreateTemplate", {"Template": template}, now=NOW).error is None
        real = persistence_module.write_atomic
        calls = [0]

        def second_fails(path: Path, data: bytes) -> None:
            calls[0] += 1
            if calls[0] == 2:
                _enospc()
            real(path, data)

        monkeypatch.setattr(persistence_module, "write_atomic", second_fails)
        destinations = [
            {"Destination": {"ToAddresses": [f"r{n}@example.com", f"s{n}@example.com"]}}
            for n in range(3)
        ]
        reply = state.handle(
            "SendBulkTemplatedEmail",
            {
                "Source": "a@example.com",
                "Template": "t",
                "DefaultTemplateData": '{"n": 1}',
                "Destinations": destinations,
            },
            now=NOW,
        )
        assert reply.result is not None
        statuses = [s["Status"] for s in reply.result["Status"]]
        assert statuses == ["Success", "TransientFailure", "Success"]
        assert "TransientFailure" in self._one_line(caplog)
        assert sent_24h(state) == 4.0
        assert len(state.mailbox) == 2
        state.close()


# --- records that cannot be read back ------------------------------------------------------------


def _account(templates: list[Any], sets: list[Any]) -> str:
    return json.dumps(
        {"version": 1, "identities": [], "templates": templates, "configuration_sets": sets}
    )


GOOD = {"name": "good", "subject": "s", "text": None, "html": None, "created": NOW.isoformat()}
BAD = {**GOOD, "name": "bad", "created": "yesterday"}
SET = {"name": "cs", "created": NOW.isoformat()}


class TestUnreadable:
    """One bad field dropped a template, a valid one after it and every configuration set, and
    the next write made the loss permanent: now the start stops, naming the record, and with
    ``skip_unreadable`` the record is kept aside and the rest read."""

    def test_a_template_with_a_bad_date(self, folder: Path) -> None:
        folder.mkdir()
        text = _account([BAD, GOOD], [SET])
        (folder / "account.json").write_text(text)
        with pytest.raises(UnreadableStateError) as caught:
            make(folder)
        assert str(caught.value) == (
            f"cannot read back the state folder {folder}: "
            "account.json templates[0] 'bad': created: not a date: 'yesterday'"
        )
        assert (folder / "account.json").read_text() == text  # nothing written
        with make(folder, skip_unreadable=True) as state:
            assert state.load_notes[0] == (
                "skipped account.json templates[0] 'bad': created: not a date: 'yesterday'"
            )
            names = state.handle("ListTemplates", {}, now=NOW).result
            assert names is not None
            assert [t["Name"] for t in names["TemplatesMetadata"]] == ["good"]
            sets = state.handle("ListConfigurationSets", {}, now=NOW).result
            assert sets == {"ConfigurationSets": [{"Name": "cs"}]}
            state.handle("VerifyEmailIdentity", {"EmailAddress": "x@example.com"}, now=NOW)
        aside = list((folder / "unreadable").iterdir())
        assert [p.read_text() for p in aside] == [text]
        assert aside[0].name.endswith("-account.json")

    def test_a_message_file(self, folder: Path) -> None:
        with make(folder) as state:
            ids = [send(state, f"r{n}@example.com").result["MessageId"] for n in range(3)]
        broken = folder / "messages" / f"{ids[1]}.json"
        broken.write_text('{"id": 3}')
        with pytest.raises(UnreadableStateError) as caught:
            make(folder)
        assert caught.value.records[0].file == f"messages/{ids[1]}.json"
        assert str(caught.value.records[0]).endswith("TypeError: id: not a str: '3'")
        assert broken.exists()
        with make(folder, skip_unreadable=True) as state:
            assert [m.id for m in state.mailbox.messages()] == [ids[0], ids[2]]
            assert sent_24h(state) == 3.0  # the counts are the journal's
        assert not broken.exists()
        assert [p.read_text() for p in (folder / "unreadable").iterdir()] == ['{"id": 3}']
        with make(folder) as state:  # the journal no longer names it
            assert state.load_notes == []
            assert [m.id for m in state.mailbox.messages()] == [ids[0], ids[2]]

    def test_a_journal_line(self, folder: Path) -> None:
        with make(folder) as state:
            send(state)
            send(state)
        journal = folder / "journal.jsonl"
        lines = journal.read_bytes().splitlines(keepends=True)
        journal.write_bytes(lines[0] + b'["sent", "x"]\n' + b"".join(lines[1:]))
        with pytest.raises(UnreadableStateError) as caught:
            make(folder)
        assert [str(r) for r in caught.value.records] == [
            "journal.jsonl line 2: malformed 'sent' record"
        ]
        with make(folder, skip_unreadable=True) as state:
            assert sent_24h(state) == 2.0
        with make(folder) as state:
            assert state.load_notes == []

    def test_a_line_torn_by_a_kill_is_cut(self, folder: Path) -> None:
        """A last line without its end was never answered: cut off, not refused."""
        with make(folder) as state:
            send(state)
        journal = folder / "journal.jsonl"
        whole = journal.read_bytes()
        journal.write_bytes(whole + b'["sent","0100')
        with make(folder) as state:
            assert state.load_notes == []
            assert sent_24h(state) == 1.0
        assert journal.read_bytes() == whole

    def test_the_command_line_names_it(self, folder: Path, tmp_path: Path) -> None:
        folder.mkdir()
        (folder / "account.json").write_text(_account([BAD, GOOD], [SET]))
        code = "import sys; from sesspec.cli.serve import main; sys.exit(main(sys.argv[1:]))"
        args = ["--http", "--state-dir", str(folder), "--capture", str(tmp_path / "c")]
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2
        assert done.stderr == (
            f"sesspec serve: cannot read back the state folder {folder}: account.json "
            "templates[0] 'bad': created: not a date: 'yesterday' (start with --skip-unreadable "
            "to keep it aside and go on without it)\n"
        )


# --- what is kept on disk, and in which order -----------------------------------------------------


class TestKept:
    def test_the_caps_never_delete_a_file(self, folder: Path) -> None:
        with make(folder, max_messages=2) as state:
            ids = [send(state, f"r{n}@example.com").result["MessageId"] for n in range(5)]
            assert [m.id for m in state.mailbox.messages()] == ids[3:]
            assert state.mailbox.dropped == 3
        assert sorted(p.stem for p in (folder / "messages").iterdir()) == sorted(ids)
        with make(folder, max_messages=2) as state:  # a smaller cap on restart deletes nothing
            assert [m.id for m in state.mailbox.messages()] == ids[3:]
            assert state.mailbox.dropped == 3
        with make(folder, max_messages=10) as state:
            assert [m.id for m in state.mailbox.messages()] == ids

    def test_bulk_order_survives_a_restart(self, folder: Path) -> None:
        """Messages of one bulk call share their second; they came back in another order (by
        time, then by file name): the journal's order is the order they were kept in."""
        with make(folder) as state:
            template = {"TemplateName": "t", "SubjectPart": "Hi"}
            state.handle("CreateTemplate", {"Template": template}, now=NOW)
            reply = state.handle(
                "SendBulkTemplatedEmail",
                {
                    "Source": "a@example.com",
                    "Template": "t",
                    "DefaultTemplateData": "{}",
                    "Destinations": [
                        {"Destination": {"ToAddresses": [f"r{n}@example.com"]}} for n in range(6)
                    ],
                },
                now=NOW,
            )
            assert reply.result is not None
            ids = [s["MessageId"] for s in reply.result["Status"]]
            assert ids != sorted(ids)  # names sort against the order kept
            assert [m.id for m in state.mailbox.messages()] == ids
        with make(folder) as state:
            assert [m.id for m in state.mailbox.messages()] == ids

    def test_a_file_no_line_names_is_removed(self, folder: Path) -> None:
        """The kill came between a message's file and its journal line: never answered."""
        with make(folder) as state:
            kept = send(state).result["MessageId"]
            message = state.mailbox.messages()[0]
        orphan = folder / "messages" / "0100ffffffffffff-orphan.json"
        orphan.write_text(json.dumps({**message.to_json(), "id": orphan.stem}))
        with make(folder) as state:
            assert state.load_notes == ["removed 1 message files no journal line names"]
            assert [m.id for m in state.mailbox.messages()] == [kept]
            assert sent_24h(state) == 1.0
        assert not orphan.exists()

    def test_a_folder_of_the_previous_release(self, folder: Path) -> None:
        """counts.json and message files, no journal: read once into a journal."""
        with make(folder) as state:
            send(state)
            message = state.mailbox.messages()[0]
        (folder / "journal.jsonl").unlink()
        second = int(NOW.timestamp())
        point = second - second % 900
        counts = {"version": 1, "points": [[point, 3, 0, 0, 0]], "recent": [[second, 3]]}
        (folder / "counts.json").write_text(json.dumps(counts))
        with make(folder) as state:
            assert sent_24h(state) == 3.0
            assert [m.id for m in state.mailbox.messages()] == [message.id]
        assert not (folder / "counts.json").exists()
        assert (folder / "journal.jsonl").exists()


# --- kill -9 at points hypothesis draws -----------------------------------------------------------

_SERVE = "import sys; from sesspec.cli.serve import main; sys.exit(main(sys.argv[1:]))"
#: Recipients per send: the sandbox's 200 a day are 28 sends and 4 over.
_PER_SEND = 7
_DEEP = os.environ.get("SESSPEC_KILL_EXAMPLES")


def _serve(folder: Path, capture: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SERVE,
            "--http",
            "--sandbox",
            "--state-dir",
            str(folder),
            "--capture",
            str(capture),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = ""
    while line := proc.stdout.readline():
        name, _, value = line.strip().partition(" ")
        if name == "url":
            url = value
        if name == "messages":
            return proc, url
    _, err = proc.communicate(timeout=30)
    pytest.fail(f"sesspec serve did not start: {err}")


def _stored(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{url}_aws/ses", timeout=30) as answer:  # noqa: S310 - loopback
        messages: list[dict[str, Any]] = json.load(answer)["messages"]
    return messages


def _recipients(message: dict[str, Any]) -> int:
    destination = message["Destination"]
    return sum(len(destination[k]) for k in ("ToAddresses", "CcAddresses", "BccAddresses"))


@pytest.fixture(scope="module")
def kill_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (each makes its own state folder in it)."""
    return tmp_path_factory.mktemp("kill")


@examples(int(_DEEP) if _DEEP else 2)
@given(delay=st.floats(min_value=0.0, max_value=0.6), sends=st.integers(min_value=0, max_value=35))
def test_kill_at_any_point_keeps_counts_and_quota(
    kill_folder: Path, delay: float, sends: int
) -> None:
    """Send from threads with boto3, ``kill -9`` the server after ``sends`` answers and
    ``delay`` seconds more (mid-send), restart: every answered message is kept, the counts equal
    the recipients of the messages kept, and the sandbox still stops at 200 in 24 hours. Set
    ``SESSPEC_KILL_EXAMPLES`` for a deeper run."""
    boto3 = pytest.importorskip("boto3")
    del boto3
    folder = kill_folder / f"s{time.monotonic_ns()}"
    capture = folder.with_suffix(".jsonl")
    proc, url = _serve(folder, capture)
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        ses = ses_client(url)
        ses.verify_domain_identity(Domain="example.com")

        def work(worker: int) -> None:
            client = ses_client(url)
            n = 0
            while not stop.is_set():
                n += 1
                to = [f"w{worker}-{n}-{k}@example.com" for k in range(_PER_SEND)]
                try:
                    answer = client.send_email(
                        Source="a@example.com",
                        Destination={"ToAddresses": to},
                        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
                    )
                except Exception:  # throttled, or the server is gone
                    if proc.poll() is not None:
                        return
                    continue
                with lock:
                    answered.append(answer["MessageId"])

        workers = [threading.Thread(target=work, args=(w,), daemon=True) for w in range(3)]
        for thread in workers:
            thread.start()
        deadline = time.monotonic() + 20
        while len(answered) < sends and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stop.set()
        for thread in workers:
            thread.join(timeout=30)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)

    proc, url = _serve(folder, capture)
    try:
        ses = ses_client(url)
        stored = _stored(url)
        kept = {m["Id"] for m in stored}
        with lock:
            assert set(answered) <= kept
        quota = ses.get_send_quota()
        sent = sum(_recipients(m) for m in stored if m["Status"] == "Sent")
        assert quota["SentLast24Hours"] == float(sent)
        assert sent <= 200
        more = 0
        refusal = ""
        while not refusal:  # the quota binds after the restart as before it
            try:
                ses.send_email(
                    Source="a@example.com",
                    Destination={"ToAddresses": [f"x{more}-{k}@example.com" for k in range(7)]},
                    Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
                )
            except Exception as exc:  # the throttling answer ends the loop
                refusal = str(exc)
            else:
                more += 1
        assert "Daily message quota exceeded" in refusal
        assert sent + more * _PER_SEND <= 200 < sent + (more + 1) * _PER_SEND
        assert ses.get_send_quota()["SentLast24Hours"] == float(sent + more * _PER_SEND)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)
