"""The local SES's inbox page (``GET /_sesspec/``): the stored messages, newest first.

Each message shows its addresses, template, tags and status, the wire checker's findings on the
request that sent it, the HTML body, the text body, the raw MIME and the request itself. It is a
static page: no script, one stylesheet inline, a filter form (``?email=``, ``?id=``, ``?limit=``).

Everything a message holds is untrusted (an application under test may send anything, and a
message may be crafted to attack whoever reads it), so:

* every value is written escaped (:func:`html.escape`), text bodies, raw MIME and requests
  inside ``<pre>``, never as markup;
* an HTML body is shown in an ``<iframe sandbox srcdoc="...">``: the empty ``sandbox`` gives the
  frame an opaque origin and no scripts, forms, pop-ups or top navigation, and ``srcdoc`` holds
  the body escaped as an attribute value, with a ``Content-Security-Policy`` meta element of its
  own (``default-src 'none'``; inline styles and ``data:`` images only) in front of it, so a
  remote image or style (a tracking pixel) is not fetched either;
* the page is served with a ``Content-Security-Policy`` that allows no script at all
  (:mod:`sesspec.serve.server`), so even a mistake in escaping could not run one in the
  endpoint's origin, where ``DELETE /_aws/ses`` lives;
* a session token in a request (``X-Amz-Security-Token``) is shown as ``***``.

Bounds: at most :data:`MAX_SHOWN` messages a page (:data:`DEFAULT_SHOWN` unless ``?limit=``), and
at most :data:`MAX_TEXT_SHOWN` characters of each body, raw message and request (the whole of each
is in ``GET /_aws/ses?id=...`` and the capture file).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC
from typing import Any

from sesspec.masking import mask_tokens
from sesspec.serve.mailbox import Message
from sesspec.serve.state import SesState

__all__ = ["DEFAULT_SHOWN", "MAX_SHOWN", "MAX_TEXT_SHOWN", "render_inbox"]


def __dir__() -> list[str]:
    return __all__


#: Messages on a page unless ``?limit=`` says otherwise, and the most it may say.
DEFAULT_SHOWN = 50
MAX_SHOWN = 500
#: Characters shown of a body, a raw message or a request.
MAX_TEXT_SHOWN = 64 * 1024

#: The policy written in front of every HTML body shown (the frame also inherits the page's).
_FRAME_POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:\">"
)

_STYLE = """
:root { color-scheme: light; --line: #d8dde3; --muted: #5b6570; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d232a; background: var(--bg); }
header { padding: 16px 24px; background: #1f2d3d; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
header p { margin: 2px 0; color: #c9d3dd; }
header code { color: #fff; }
form.filter { margin-top: 10px; display: flex; gap: 8px; flex-wrap: wrap; }
form.filter input { padding: 4px 8px; border: 1px solid #8795a5; border-radius: 4px; }
form.filter button { padding: 4px 12px; border: 0; border-radius: 4px; background: #4f8cc9;
  color: #fff; }
main { padding: 16px 24px; max-width: 1200px; }
.empty { color: var(--muted); font-size: 16px; padding: 24px 0; }
article { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 12px; }
article > details > summary { padding: 10px 14px; cursor: pointer; display: flex; gap: 12px;
  align-items: baseline; flex-wrap: wrap; list-style: none; }
article > details[open] > summary { border-bottom: 1px solid var(--line); }
.subject { font-weight: 600; font-size: 15px; }
.when, .action, .who { color: var(--muted); }
.action { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.badge { border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; }
.ok { background: #dff3e4; color: #1e6b34; }
.warning { background: #fff1cc; color: #7a5200; }
.error { background: #fde2e1; color: #a1261f; }
.info { background: #e4ecf7; color: #2b4f7a; }
.body { padding: 10px 14px 14px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 10px; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-word; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
td, th { text-align: left; border-top: 1px solid var(--line); padding: 4px 8px;
  vertical-align: top; }
th { color: var(--muted); font-weight: 500; }
td.rule { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
iframe { width: 100%; height: 280px; border: 1px solid var(--line); border-radius: 4px;
  background: #fff; resize: vertical; overflow: auto; }
pre { margin: 0; padding: 8px 10px; background: #f3f5f7; border: 1px solid var(--line);
  border-radius: 4px; white-space: pre-wrap; word-break: break-all; max-height: 360px;
  overflow: auto; font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; }
details.raw > summary { cursor: pointer; color: #2b5f95; margin: 10px 0 6px; }
.cut { color: var(--muted); font-style: italic; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _shown(text: str) -> str:
    """``text`` escaped and cut at :data:`MAX_TEXT_SHOWN` characters, saying so."""
    if len(text) <= MAX_TEXT_SHOWN:
        return _e(text)
    more = len(text) - MAX_TEXT_SHOWN
    return _e(text[:MAX_TEXT_SHOWN]) + f'\n<span class="cut">... {more:,} more characters</span>'


def _masked_request(data: bytes) -> str:
    """A stored request, its session tokens masked (they are already, as the capture file's;
    the page masks again, with the one masker, whatever the store held)."""
    return mask_tokens(data, fill=b"***").decode("utf-8", errors="replace")


def _limit(text: str | None) -> int:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 6:
        return DEFAULT_SHOWN
    return max(1, min(MAX_SHOWN, int(text)))


def _addresses(values: Iterable[str]) -> str:
    return ", ".join(_e(v) for v in values)


def _findings_badge(findings: Sequence[Mapping[str, Any]]) -> str:
    """How the request fared: errors, else warnings, else conformant. HTTP002 (plain HTTP) is
    not counted: ``--http`` is the endpoint's own choice (as in :mod:`sesspec.serve.strict`)."""
    severities = [str(f.get("severity", "")) for f in findings if f.get("rule") != "HTTP002"]
    errors = severities.count("error")
    warnings = severities.count("warning")
    if errors:
        return f'<span class="badge error">{errors} error{"s" * (errors != 1)}</span>'
    if warnings:
        return f'<span class="badge warning">{warnings} warning{"s" * (warnings != 1)}</span>'
    if findings:
        return '<span class="badge ok">conformant</span>'
    return '<span class="badge info">not checked</span>'


def _findings_table(findings: Sequence[Mapping[str, Any]]) -> str:
    if not findings:
        return "<p>No findings recorded for this request.</p>"
    rows = []
    for found in findings:
        severity = str(found.get("severity", ""))
        detail = found.get("detail")
        detail_html = f"<pre>{_shown(str(detail))}</pre>" if detail else ""
        if found.get("rule") == "HTTP002":
            detail_html += ' <span class="cut">(the endpoint serves plain HTTP: not counted)</span>'

        rows.append(
            f'<tr><td class="rule">{_e(found.get("rule", ""))}</td>'
            f'<td><span class="badge {_e(severity)}">{_e(severity)}</span></td>'
            f"<td>{_e(found.get('location', ''))}</td>"
            f"<td>{_e(found.get('message', ''))}{detail_html}</td></tr>"
        )
    head = "<tr><th>rule</th><th>severity</th><th>where</th><th>what</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _frame(body_html: str) -> str:
    document = _FRAME_POLICY + body_html[: MAX_TEXT_SHOWN * 4]
    return (
        f'<iframe sandbox="" referrerpolicy="no-referrer" title="HTML body" '
        f'srcdoc="{_e(document)}"></iframe>'
    )


def _message(message: Message, *, open_: bool) -> str:
    when = message.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    subject = message.subject if message.subject is not None else "(no subject)"
    status = (
        f' <span class="badge error">{_e(message.status)}</span>'
        if message.status != "Sent"
        else ""
    )
    summary = (
        f'<summary><span class="subject">{_e(subject)}</span>'
        f'<span class="who">{_e(message.source)} &rarr; {_addresses(message.destinations)}</span>'
        f'<span class="action">{_e(message.action)}</span>'
        f'<span class="when">{_e(when)}</span>{_findings_badge(message.findings)}{status}'
        "</summary>"
    )
    facts: list[tuple[str, str]] = [
        ("Message ID", _e(message.id)),
        ("From", _e(message.source)),
        ("To", _addresses(message.to)),
    ]
    for label, values in (("Cc", message.cc), ("Bcc", message.bcc), ("Reply-To", message.reply_to)):
        if values:
            facts.append((label, _addresses(values)))
    if message.template:
        facts.append(("Template", _e(message.template)))
        facts.append(("Template data", f"<code>{_shown(message.template_data or '')}</code>"))
    if message.configuration_set:
        facts.append(("Configuration set", _e(message.configuration_set)))
    if message.tags:
        facts.append(("Tags", ", ".join(f"{_e(n)}={_e(v)}" for n, v in message.tags)))
    if message.attachments:
        facts.append(
            (
                "Attachments",
                ", ".join(
                    f"{_e(a.filename or '(no name)')} ({_e(a.content_type)}, {a.size:,} bytes)"
                    for a in message.attachments
                ),
            )
        )
    if message.failure:
        facts.append(("Failure", _e(message.failure)))
    facts.append(("Region", _e(message.region)))
    parts = [
        "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
        "<h3>Findings on the request</h3>",
        _findings_table(message.findings),
    ]
    if message.html is not None:
        parts += ["<h3>HTML body</h3>", _frame(message.html)]
    if message.text is not None:
        parts += ["<h3>Text body</h3>", f"<pre>{_shown(message.text)}</pre>"]
    raw = message.raw.decode("utf-8", errors="replace")
    parts.append(
        f'<details class="raw"><summary>Raw MIME ({len(message.raw):,} bytes)</summary>'
        f"<pre>{_shown(raw)}</pre></details>"
    )
    if message.request:
        label = f"Request {message.request_seq}" if message.request_seq else "Request"
        parts.append(
            f'<details class="raw"><summary>{label} as received</summary>'
            f"<pre>{_shown(_masked_request(message.request))}</pre></details>"
        )
    return (
        f'<article id="m-{_e(message.id)}"><details{" open" if open_ else ""}>{summary}'
        f'<div class="body">{"".join(parts)}</div></details></article>'
    )


def render_inbox(
    state: SesState,
    *,
    email: str | None = None,
    message_id: str | None = None,
    limit: str | None = None,
    endpoint_url: str = "",
    strict: bool = False,
) -> bytes:
    """The page (UTF-8 HTML) for the messages of ``state`` that match ``email`` (sender or any
    recipient) and ``message_id``, newest first, at most ``limit`` of them."""
    mailbox = state.mailbox
    matching = mailbox.messages(id=message_id, email=email)
    count = _limit(limit)
    shown = list(reversed(matching))[:count]
    mode = [
        "sandbox (SES's verification rules)" if state.sandbox else "every address accepted",
        "strict (non-conformant requests refused)" if strict else "lenient",
    ]
    summary = f"{len(mailbox):,} messages stored"
    if email or message_id:
        summary += f", {len(matching):,} matching"
    if len(shown) < len(matching):
        summary += f", the newest {len(shown):,} shown"
    if mailbox.dropped:
        summary += (
            f" ({mailbox.dropped:,} older ones dropped at the caps: {mailbox.max_messages:,} "
            f"messages, {mailbox.max_bytes // 2**20:,} MiB)"
        )
    base = endpoint_url.rstrip("/")
    header = (
        "<header><h1>sesspec &middot; local SES</h1>"
        f"<p>{_e(summary)} &middot; {_e(', '.join(mode))}</p>"
        f"<p>As JSON: <code>GET {_e(base)}/_aws/ses</code> &middot; clear: "
        f"<code>curl -X DELETE {_e(base)}/_aws/ses</code></p>"
        '<form class="filter" method="get" action="/_sesspec/">'
        f'<input name="email" placeholder="address (from or to)" value="{_e(email or "")}">'
        f'<input name="id" placeholder="message id" value="{_e(message_id or "")}">'
        f'<input name="limit" size="5" placeholder="{DEFAULT_SHOWN}" value="{_e(limit or "")}">'
        "<button>Filter</button></form></header>"
    )
    if shown:
        items = "".join(_message(m, open_=i == 0 or len(shown) <= 3) for i, m in enumerate(shown))
    else:
        items = '<p class="empty">No messages yet.</p>'
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>sesspec inbox ({len(matching):,})</title><style>{_STYLE}</style></head>"
        f"<body>{header}<main>{items}</main></body></html>"
    )
    return page.encode("utf-8")
