"""The local SES's inbox page (``GET /_sesspec/``): the stored messages, newest first.

Each message shows its addresses, template, tags and status, the wire checker's findings on the
request that sent it, the HTML body, the text body, the raw MIME and the request itself. It is a
static page: no script, one stylesheet inline, a filter form (``?email=``, ``?id=``, ``?limit=``).

Everything a message holds is untrusted (an application under test may send anything, and a
message may be crafted to attack whoever reads it), so:

* the page is built with lxml, as the report's HTML is (:mod:`sesspec.report.html`): every value
  is a text node or an attribute value, escaped by the serialiser, never markup; text bodies,
  raw MIME and requests are shown inside ``<pre>``; characters HTML cannot carry (C0 controls
  other than TAB, LF and CR, lone surrogates) are shown as U+FFFD
  (:func:`~sesspec.serve.responses.xml_text`);
* an HTML body is shown in an ``<iframe sandbox srcdoc="...">``: the empty ``sandbox`` gives the
  frame an opaque origin and no scripts, forms, pop-ups or top navigation, and ``srcdoc`` holds
  the body as an attribute value, with a ``Content-Security-Policy`` meta element of its own
  (``default-src 'none'``; inline styles and ``data:`` images only) in front of it, so a remote
  image or style (a tracking pixel) is not fetched either;
* the page is served with a ``Content-Security-Policy`` that allows no script at all
  (:mod:`sesspec.serve.admin`), so even a mistake could not run one in the endpoint's origin,
  where ``DELETE /_aws/ses`` lives;
* a session token in a request (``X-Amz-Security-Token``) is shown as ``***``.

Bounds: at most :data:`MAX_SHOWN` messages a page (:data:`DEFAULT_SHOWN` unless ``?limit=``), and
at most :data:`MAX_TEXT_SHOWN` characters of each body, raw message and request (four times as
many of an HTML body; the whole of each is in ``GET /_aws/ses?id=...`` and the capture file).
The page is made in pieces (:func:`inbox_pieces`), one message at a time, so it is never held
whole, and no message is added past :data:`MAX_PAGE_CHARS` characters (the page then says how
many it left out): 500 HTML bodies full of ``"`` (each written ``&quot;``, six bytes) would be
some 800 MB of page; the page stops at about 34 MB, and holds one message's share at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sesspec._extras import deferred_import
from sesspec.masking import mask_tokens
from sesspec.serve.mailbox import Message
from sesspec.serve.responses import xml_text

if TYPE_CHECKING:
    from lxml import etree, html

    from sesspec.serve.state import SesState
else:  # the serve extra, imported for the first page (so --help needs no extra)
    etree = deferred_import(
        "lxml.etree", extra="serve", feature="the inbox page", namespace=globals()
    )
    html = deferred_import(
        "lxml.html", extra="serve", feature="the inbox page", namespace=globals()
    )

__all__ = [
    "DEFAULT_SHOWN",
    "MAX_PAGE_CHARS",
    "MAX_SHOWN",
    "MAX_TEXT_SHOWN",
    "NOT_COUNTED",
    "counted",
    "inbox_pieces",
    "render_inbox",
]


def __dir__() -> list[str]:
    return __all__


#: Messages on a page unless ``?limit=`` says otherwise, and the most it may say.
DEFAULT_SHOWN = 50
MAX_SHOWN = 500
#: Characters shown of a body, a raw message or a request.
MAX_TEXT_SHOWN = 64 * 1024
#: Characters of page after which no further message is added (the page says how many it left
#: out): with :data:`MAX_SHOWN` and the cuts above, the work and the bytes of one page.
MAX_PAGE_CHARS = 32 * 1024 * 1024
#: Where the messages go in the page around them (an HTML comment: no escaped value is one).
_SLOT = "sesspec-messages"

#: Why a finding is not counted (:func:`counted`), on the page and in ``GET /_aws/ses``.
NOT_COUNTED = "the endpoint serves plain HTTP: not counted"
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


def _add(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    """A ``tag`` element at the end of ``parent`` with ``text`` and ``attrs`` (``cls`` is
    ``class``), every value made safe for the serialiser."""
    element = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        element.set("class" if key == "cls" else key, xml_text(value))
    if text is not None:
        element.text = xml_text(str(text))
    return element


def _tail(element: etree._Element, text: str) -> None:
    """``text`` after ``element``, inside its parent."""
    element.tail = (element.tail or "") + xml_text(text)


def _shown(parent: etree._Element, tag: str, text: str) -> etree._Element:
    """``text`` in a ``tag`` element, cut at :data:`MAX_TEXT_SHOWN` characters, saying so."""
    if len(text) <= MAX_TEXT_SHOWN:
        return _add(parent, tag, text)
    element = _add(parent, tag, text[:MAX_TEXT_SHOWN] + "\n")
    more = len(text) - MAX_TEXT_SHOWN
    _add(element, "span", f"... {more:,} more characters", cls="cut")
    return element


def _masked_request(data: bytes) -> str:
    """A stored request, its session tokens masked (they are already, as the capture file's;
    the page masks again, with the one masker, whatever the store held)."""
    return mask_tokens(data, fill=b"***").decode("utf-8", errors="replace")


def _limit(text: str | None) -> int:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 6:
        return DEFAULT_SHOWN
    return max(1, min(MAX_SHOWN, int(text)))


def counted(finding: Mapping[str, Any]) -> bool:
    """Whether a stored finding counts in the message's verdict: HTTP002 (plain HTTP) does not,
    since ``--http`` is the endpoint's own choice (as in :mod:`sesspec.serve.strict`, which
    does not refuse it). The page and ``GET /_aws/ses`` both say so."""
    return finding.get("rule") != "HTTP002"


def _findings_badge(parent: etree._Element, findings: Sequence[Mapping[str, Any]]) -> None:
    """How the request fared: errors, else warnings, else conformant, of the findings
    :func:`counted`."""
    severities = [str(f.get("severity", "")) for f in findings if counted(f)]
    errors = severities.count("error")
    warnings = severities.count("warning")
    if errors:
        _add(parent, "span", f"{errors} error{'s' * (errors != 1)}", cls="badge error")
    elif warnings:
        _add(parent, "span", f"{warnings} warning{'s' * (warnings != 1)}", cls="badge warning")
    elif findings:
        _add(parent, "span", "conformant", cls="badge ok")
    else:
        _add(parent, "span", "not checked", cls="badge info")


def _findings_table(parent: etree._Element, findings: Sequence[Mapping[str, Any]]) -> None:
    if not findings:
        _add(parent, "p", "No findings recorded for this request.")
        return
    table = _add(parent, "table")
    head = _add(table, "tr")
    for name in ("rule", "severity", "where", "what"):
        _add(head, "th", name)
    for found in findings:
        severity = str(found.get("severity", ""))
        row = _add(table, "tr")
        _add(row, "td", found.get("rule", ""), cls="rule")
        _add(_add(row, "td"), "span", severity, cls=f"badge {severity}")
        _add(row, "td", found.get("location", ""))
        what = _add(row, "td", found.get("message", ""))
        detail = found.get("detail")
        if detail:
            _shown(what, "pre", str(detail))
        if not counted(found):
            if len(what):
                _tail(what[-1], " ")
            else:
                what.text = (what.text or "") + " "
            _add(what, "span", f"({NOT_COUNTED})", cls="cut")


def _frame(parent: etree._Element, body_html: str) -> None:
    document = _FRAME_POLICY + body_html[: MAX_TEXT_SHOWN * 4]
    frame = _add(parent, "iframe", sandbox="", referrerpolicy="no-referrer", title="HTML body")
    frame.set("srcdoc", xml_text(document))
    frame.text = ""  # written as <iframe ...></iframe>, never self-closed


def _facts(parent: etree._Element, message: Message) -> None:
    """The message's labelled facts, as a definition list."""
    facts = _add(parent, "dl")

    def fact(label: str, value: str) -> etree._Element:
        _add(facts, "dt", label)
        return _add(facts, "dd", value)

    fact("Message ID", message.id)
    fact("From", message.source)
    fact("To", ", ".join(message.to))
    for label, values in (("Cc", message.cc), ("Bcc", message.bcc), ("Reply-To", message.reply_to)):
        if values:
            fact(label, ", ".join(values))
    if message.template:
        fact("Template", message.template)
        _shown(fact("Template data", ""), "code", message.template_data or "")
    if message.configuration_set:
        fact("Configuration set", message.configuration_set)
    if message.tags:
        fact("Tags", ", ".join(f"{n}={v}" for n, v in message.tags))
    if message.attachments:
        described = (
            f"{a.filename or '(no name)'} ({a.content_type}, {a.size:,} bytes)"
            for a in message.attachments
        )
        fact("Attachments", ", ".join(described))
    if message.failure:
        fact("Failure", message.failure)
    fact("Region", message.region)


def _summary(parent: etree._Element, message: Message) -> None:
    when = message.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    summary = _add(parent, "summary")
    subject = message.subject if message.subject is not None else "(no subject)"
    _add(summary, "span", subject, cls="subject")
    _add(summary, "span", f"{message.source} \u2192 {', '.join(message.destinations)}", cls="who")
    _add(summary, "span", message.action, cls="action")
    _add(summary, "span", when, cls="when")
    _findings_badge(summary, message.findings)
    if message.status != "Sent":
        _tail(summary[-1], " ")
        _add(summary, "span", message.status, cls="badge error")


def _message(parent: etree._Element, message: Message, *, open_: bool) -> None:
    article = _add(parent, "article", id=f"m-{message.id}")
    details = _add(article, "details")
    if open_:
        details.set("open", "open")
    _summary(details, message)
    body = _add(details, "div", cls="body")
    _facts(body, message)
    _add(body, "h3", "Findings on the request")
    _findings_table(body, message.findings)
    if message.html is not None:
        _add(body, "h3", "HTML body")
        _frame(body, message.html)
    if message.text is not None:
        _add(body, "h3", "Text body")
        _shown(body, "pre", message.text)
    raw = _add(body, "details", cls="raw")
    _add(raw, "summary", f"Raw MIME ({len(message.raw):,} bytes)")
    _shown(raw, "pre", message.raw.decode("utf-8", errors="replace"))
    if message.request:
        request = _add(body, "details", cls="raw")
        label = f"Request {message.request_seq}" if message.request_seq else "Request"
        _add(request, "summary", f"{label} as received")
        _shown(request, "pre", _masked_request(message.request))


def _header(
    parent: etree._Element,
    *,
    summary: str,
    base: str,
    email: str | None,
    message_id: str | None,
    limit: str | None,
) -> None:
    header = _add(parent, "header")
    _add(header, "h1", "sesspec \u00b7 local SES")
    _add(header, "p", summary)
    json_line = _add(header, "p", "As JSON: ")
    _tail(_add(json_line, "code", f"GET {base}/_aws/ses"), " \u00b7 clear: ")
    _add(json_line, "code", f"curl -X DELETE {base}/_aws/ses")
    form = _add(header, "form", cls="filter", method="get", action="/_sesspec/")
    _add(form, "input", name="email", placeholder="address (from or to)", value=email or "")
    _add(form, "input", name="id", placeholder="message id", value=message_id or "")
    _add(form, "input", name="limit", size="5", placeholder=str(DEFAULT_SHOWN), value=limit or "")
    _add(form, "button", "Filter")


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
    recipient) and ``message_id``, newest first, at most ``limit`` of them: the pieces of
    :func:`inbox_pieces` joined."""
    pieces = inbox_pieces(
        state,
        email=email,
        message_id=message_id,
        limit=limit,
        endpoint_url=endpoint_url,
        strict=strict,
    )
    return "".join(pieces).encode("utf-8")


def inbox_pieces(
    state: SesState,
    *,
    email: str | None = None,
    message_id: str | None = None,
    limit: str | None = None,
    endpoint_url: str = "",
    strict: bool = False,
) -> Iterator[str]:
    """The page of :func:`render_inbox` in pieces, made as they are taken: the page around the
    messages, then each message, built and serialised on its own (so the page is never held
    whole, only one message's share at a time)."""
    mailbox = state.mailbox
    matching = mailbox.messages(id=message_id, email=email)
    shown = list(reversed(matching))[: _limit(limit)]
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
    root = etree.Element("html", lang="en")
    head = _add(root, "head")
    _add(head, "meta", charset="utf-8")
    _add(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _add(head, "title", f"sesspec inbox ({len(matching):,})")
    _add(head, "style", _STYLE)
    body = _add(root, "body")
    _header(
        body,
        summary=f"{summary} \u00b7 {', '.join(mode)}",
        base=endpoint_url.rstrip("/"),
        email=email,
        message_id=message_id,
        limit=limit,
    )
    main = _add(body, "main")
    if not shown:
        _add(main, "p", "No messages yet.", cls="empty")
    else:  # where the messages go: every value on the page is escaped, so no text can be this
        main.append(etree.Comment(_SLOT))
    page = str(html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>"))
    before, _, after = page.partition(f"<!--{_SLOT}-->")
    yield before
    written = len(before)
    for i, message in enumerate(shown):
        holder = etree.Element("main")
        if written > MAX_PAGE_CHARS:
            left = len(shown) - i
            note = (
                f"The page stops here, past {MAX_PAGE_CHARS // 2**20} MiB: {left:,} more "
                f"message{'s' * (left != 1)} not shown (a smaller ?limit=, ?id= or ?email= "
                "shows them; GET /_aws/ses has them all)."
            )
            _add(holder, "p", note, cls="empty")
        else:
            _message(holder, message, open_=i == 0 or len(shown) <= 3)
        piece = str(html.tostring(holder[0], encoding="unicode", method="html"))
        written += len(piece)
        yield piece
        if holder[0].tag == "p":
            break
    yield after
