"""The inbox page ``/_sesspec/``, in the code and in headless Chromium.

The messages hold hostile HTML (a ``<script>`` that would retitle the page and call the endpoint,
an image from the endpoint, markup in the subject): the page must show them as text or inside a
sandboxed frame, and no script from a message may run in the endpoint's origin. A control page
served from another loopback port runs the same script in the same browser, so the test shows it
would see a script that ran (the title changes and the endpoint records the call).
"""

from __future__ import annotations

import html.parser
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sesspec.serve import Endpoint, load_captures
from sesspec.serve.inbox import MAX_TEXT_SHOWN, render_inbox
from sesspec.serve.mailbox import Message
from sesspec.serve.state import SesState
from tests._wire import ses_client

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


#: The policy the page puts in front of an HTML body (the module's documented text).
FRAME_POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:\">"
)


class _FrameParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.frames.append(dict(attrs))


def _frames(page: str) -> list[dict[str, str | None]]:
    """The attributes of each iframe of ``page`` (the standard library's parser)."""
    parser = _FrameParser()
    parser.feed(page)
    parser.close()
    return parser.frames


def _hostile(marker: str) -> str:
    """An HTML body whose script, if it ran in the page, retitles it and calls the endpoint."""
    return (
        "<p>Hello <b>there</b></p>"
        f"<script>document.title='pwned';new Image().src='/?Action={marker}Script'</script>"
        f"<img src='/?Action={marker}Image'>"
    )


def _message(**changes: Any) -> Message:
    fields: dict[str, Any] = {
        "id": "0100019a-0000-0000-0000-000000000001-000000",
        "timestamp": datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC),
        "action": "SendEmail",
        "region": "us-east-1",
        "source": "a@example.com",
        "to": ("b@example.com",),
        "cc": (),
        "bcc": (),
        "raw": b"Subject: x\r\n\r\nbody\r\n",
        "subject": "Hi",
        "text": "Hello",
    }
    fields.update(changes)
    return Message(**fields)


def _page(*messages: Message, **query: Any) -> str:
    state = SesState()
    for message in messages:
        state.mailbox.add(message)
    return render_inbox(state, endpoint_url="http://127.0.0.1:1/", **query).decode("utf-8")


class TestPageText:
    def test_everything_from_a_message_is_escaped(self) -> None:
        page = _page(
            _message(
                subject="<script>alert(1)</script>",
                source='"Mallory" <m@example.com>',
                html=_hostile("X"),
                text="</pre><script>alert(2)</script>",
                tags=(("k", "<i>v</i>"),),
                findings=[{"rule": "ENC010", "severity": "info", "message": "<b>x</b>"}],
            )
        )
        assert "<script" not in page.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;/pre&gt;&lt;script&gt;alert(2)" in page
        assert "&lt;i&gt;v&lt;/i&gt;" in page
        assert "&lt;b&gt;x&lt;/b&gt;" in page
        # The HTML body is in a sandboxed frame's srcdoc, escaped as an attribute value, behind
        # a policy of its own.
        frame = page[page.index("<iframe") :]
        assert frame.startswith('<iframe sandbox="" ')
        assert 'srcdoc="&lt;meta http-equiv=&quot;Content-Security-Policy&quot;' in frame
        # Read back by the standard library's HTML parser: one frame, whose srcdoc is the policy
        # and the body, character for character.
        frames = _frames(page)
        assert len(frames) == 1
        assert frames[0]["srcdoc"] == FRAME_POLICY + _hostile("X")
        assert frames[0]["sandbox"] == ""

    def test_characters_html_cannot_carry_are_shown_as_replacement(self) -> None:
        """C0 controls (but TAB, LF, CR) and lone surrogates: U+FFFD, the page still made."""
        page = _page(
            _message(
                subject="a\x00b\x1bc",
                text="d\ud800e\tf",
                tags=(("k\x0b", "v\udfff"),),
                findings=[{"rule": "ENC010", "severity": "info", "message": "\x01"}],
            )
        )
        assert ">a\ufffdb\ufffdc<" in page
        assert "d\ufffde\tf" in page
        assert "k\ufffd=v\ufffd" in page
        assert not any(c in page for c in "\x00\x01\x0b\x1b")

    def test_session_token_masked_in_the_request(self) -> None:
        request = (
            b"POST /?X-Amz-Security-Token=SECRETQUERY HTTP/1.1\r\nHost: x\r\n"
            b"X-Amz-Security-Token: SECRETHEADER\r\n\r\nAction=SendEmail&SecurityToken=SECRETBODY"
        )
        page = _page(_message(request=request, request_seq=7))
        assert "SECRET" not in page
        assert "X-Amz-Security-Token: ***" in page
        assert "Request 7 as received" in page

    def test_long_bodies_are_cut_and_say_so(self) -> None:
        page = _page(_message(text="x" * (MAX_TEXT_SHOWN + 5)))
        assert "... 5 more characters" in page
        assert "x" * (MAX_TEXT_SHOWN + 1) not in page

    def test_filters_and_limit(self) -> None:
        messages = [
            _message(id=f"m-{i:04d}", to=(f"r{i}@example.com",), subject=f"S{i}")
            for i in range(1, 6)
        ]
        everything = _page(*messages)
        assert everything.index(">S5<") < everything.index(">S1<")  # newest first
        one = _page(*messages, email="r2@example.com")
        assert ">S2<" in one
        assert ">S3<" not in one
        assert "5 messages stored, 1 matching" in one
        limited = _page(*messages, limit="2")
        assert "the newest 2 shown" in limited
        assert ">S3<" not in limited
        assert "No messages yet." in _page()

    @pytest.mark.parametrize(
        ("findings", "badge"),
        [
            pytest.param([], "not checked", id="none"),
            pytest.param([{"rule": "AUTH019", "severity": "info"}], "conformant", id="info"),
            pytest.param(
                [{"rule": "HTTP002", "severity": "error"}, {"rule": "X", "severity": "info"}],
                "conformant",
                id="plain-http-not-counted",
            ),
            pytest.param([{"rule": "ENC002", "severity": "warning"}], "1 warning", id="warning"),
            pytest.param(
                [{"rule": "AUTH018", "severity": "error"}, {"rule": "ENC001", "severity": "error"}],
                "2 errors",
                id="errors",
            ),
        ],
    )
    def test_findings_badge(self, findings: list[dict[str, str]], badge: str) -> None:
        page = _page(_message(findings=findings))
        assert f">{badge}</span>" in page
        plain_http = any(f["rule"] == "HTTP002" for f in findings)
        assert ("plain HTTP: not counted" in page) == plain_http


# --- in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            "Chromium is not installed: apt-get install -y --no-install-recommends chromium"
        )
    return found


def _browse(chromium: str, tmp_path: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class _ControlPage(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint_with_mail(tmp_path: Path) -> Iterator[Endpoint]:
    with Endpoint(tmp_path / "c.jsonl", tls=False, state=True) as ep:
        ses = ses_client(ep.url)
        ses.create_template(
            Template={
                "TemplateName": "welcome",
                "SubjectPart": "Welcome, {{name}}",
                "HtmlPart": "<h1 style='color:#2a6'>Welcome, {{name}}!</h1>"
                "<p>Your plan: <b>{{plan}}</b></p>",
                "TextPart": "Welcome, {{name}}! Your plan: {{plan}}.",
            }
        )
        ses.send_templated_email(
            Source="Shop <shop@example.com>",
            Destination={"ToAddresses": ["ana@example.com"]},
            Template="welcome",
            TemplateData='{"name": "Ana", "plan": "Pro"}',
            Tags=[{"Name": "campaign", "Value": "onboarding"}],
        )
        ses.send_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Message={
                "Subject": {"Data": "<script>document.title='pwned'</script> Hostile"},
                "Body": {"Html": {"Data": _hostile("Page")}, "Text": {"Data": "text <script>"}},
            },
        )
        yield ep


def test_page_in_chromium_shows_messages_and_runs_no_script(
    chromium: str, endpoint_with_mail: Endpoint, tmp_path: Path
) -> None:
    ep = endpoint_with_mail
    before = [c.action for c in load_captures(ep.capture_path)]
    dom = _browse(chromium, tmp_path, "--dump-dom", f"{ep.url}_sesspec/")
    shot = tmp_path / "inbox.png"
    _browse(
        chromium,
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1280,1400",
        "--hide-scrollbars",
        f"{ep.url}_sesspec/",
    )
    # Control: the same script, served from another loopback origin, does run and is seen.
    _ControlPage.body = (
        "<title>control</title><script>document.title='ran';"
        f"new Image().src='{ep.url}?Action=ControlScript'</script>"
    ).encode()
    control_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ControlPage)
    thread = threading.Thread(target=control_server.serve_forever, daemon=True)
    thread.start()
    try:
        control_dom = _browse(
            chromium, tmp_path, "--dump-dom", f"http://127.0.0.1:{control_server.server_port}/"
        )
    finally:
        control_server.shutdown()
        control_server.server_close()
    after = [c.action for c in load_captures(ep.capture_path)]

    assert "<title>ran</title>" in control_dom
    assert after[len(before) :] == [
        "ControlScript"
    ]  # a script that runs is seen: the test can fail
    assert "<title>sesspec inbox (2)</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]
    assert "Welcome, Ana" in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt; Hostile" in dom
    assert "AUTH019" in dom  # the findings are on the page
    assert "<iframe sandbox=" in dom
    assert shot.stat().st_size > 10_000
