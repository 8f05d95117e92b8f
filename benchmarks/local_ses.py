"""Benchmark: the local SES under the worst input it accepts (figures, never asserted).

    python benchmarks/local_ses.py [--only templates|memory] [--json FILE]

``templates``: the worst templates found at SES's own sizes (a template of 500 KB, TemplateData
of 262,144 characters, 50 destinations in a bulk send), each created (compiled) once and sent
with SendBulkTemplatedEmail to 50 destinations on one request's budget
(:class:`sesspec.serve.templates.Budget`). For each: the CPU time and wall time of the create
and of the send (the best of three), and what the destinations got (``Success``, or the stored
message's ``RenderingFailure``).

``memory``: what a stored message costs in memory against what the mailbox counts for it
(:func:`sesspec.serve.mailbox.message_cost`), for the message kinds that cost the most for
their size, and the peak of Python allocations (tracemalloc) while one request of the largest
kinds is answered.
"""

from __future__ import annotations

import argparse
import gc
import json
import socket
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sesspec.fake import ACCESS_KEY_ID, SECRET_ACCESS_KEY
from sesspec.request import build_request
from sesspec.serve import Endpoint
from sesspec.serve.mailbox import Mailbox, Message, parse_mime
from sesspec.serve.state import SesState
from sesspec.serve.templates import MAX_TEMPLATE_BYTES, MAX_TEMPLATE_DATA

NOW = datetime(2026, 11, 26, 6, 49, 50, tzinfo=UTC)
#: A list of this many zeros fits TemplateData: "[0,0,...]" is two characters an item.
_ITEMS = (MAX_TEMPLATE_DATA - 40) // 2


def _fill(unit: str, size: int = MAX_TEMPLATE_BYTES - 64) -> str:
    return unit * (size // len(unit))


def _data(**values: Any) -> str:
    text = json.dumps(values, separators=(",", ":"))
    if len(text) > MAX_TEMPLATE_DATA:
        msg = f"template data of {len(text)} characters"
        raise ValueError(msg)
    return text


def template_cases() -> dict[str, tuple[dict[str, str], str]]:
    """name -> (the template's parts, the default template data)."""
    zeros = _data(l=[0] * _ITEMS)
    path = "a." * ((MAX_TEMPLATE_BYTES - 100) // 2) + "a"
    big = "x" * (MAX_TEMPLATE_DATA - 20)
    wide = {f"k{n}": n for n in range(18_000)}
    return {
        "500 KB of {{!-- --}} comments": ({"SubjectPart": _fill("{{!-- c --}}")}, "{}"),
        "500 KB of {{! }} comments": ({"SubjectPart": _fill("{{! c }}")}, "{}"),
        "500 KB of {{~x~}} tags": ({"SubjectPart": _fill(" {{~x~}} \n")}, _data(x="y")),
        "nine {{#each}} over 131,000 items": (
            {"HtmlPart": "{{#each l}}{{this}}{{/each}}" * 9},
            zeros,
        ),
        "{{#each}} in {{#each}}": (
            {"HtmlPart": "{{#each l}}{{#each ../l}}{{this}}{{/each}}{{/each}}"},
            zeros,
        ),
        "a 250,000-segment path in a loop": (
            {"TextPart": "{{#each l}}{{#if " + path + "}}x{{/if}}{{/each}}"},
            zeros,
        ),
        "an array printed in a loop": ({"TextPart": "{{#each l}}{{../l}}{{/each}}"}, zeros),
        "a 262 KB value printed in a loop": (
            {"HtmlPart": "{{#each l}}{{b}}{{/each}}"},
            _data(l=[0] * 100, b=big[:-300]),
        ),
        "83,000 variables": ({"TextPart": _fill("{{a}} ")}, _data(a="b")),
        "a partial calling itself in a loop": (
            {"TextPart": '{{#*inline "p"}}{{#each @root.l}}{{> p}}{{/each}}{{/inline}}{{> p}}'},
            _data(l=[0] * 1000),
        ),
        "{{#each}} over 18,000 keys": (
            {"TextPart": "{{#each o}}{{@key}}={{this}} {{/each}}"},
            _data(o=wide),
        ),
    }


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def run_templates(rounds: int = 3) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (parts, data) in template_cases().items():
        best: dict[str, Any] = {}
        for _ in range(rounds):
            state = SesState()
            template = {"TemplateName": "t", **parts}
            create = _timed(
                partial(state.handle, "CreateTemplate", {"Template": template}, now=NOW)
            )
            assert create[2].error is None, create[2].error
            params = {
                "Source": "a@example.com",
                "Template": "t",
                "DefaultTemplateData": data,
                "Destinations": [
                    {"Destination": {"ToAddresses": [f"r{n}@example.com"]}} for n in range(50)
                ],
            }
            send = _timed(partial(state.handle, "SendBulkTemplatedEmail", params, now=NOW))
            assert send[2].result is not None, send[2].error
            outcome: dict[str, int] = {}
            for message in state.mailbox.messages():
                outcome[message.status] = outcome.get(message.status, 0) + 1
            failure = next((m.failure for m in state.mailbox.messages() if m.failure), None)
            figures: dict[str, Any] = {
                "create_cpu": create[0],
                "create_wall": create[1],
                "send_cpu": send[0],
                "send_wall": send[1],
                "outcome": outcome,
                "failure": failure,
            }
            if not best or figures["send_cpu"] + figures["create_cpu"] < (
                best["send_cpu"] + best["create_cpu"]
            ):
                best = figures
        results[name] = best
    return results


def _templates_report(results: dict[str, Any]) -> str:
    lines = [
        "| template (50 destinations) | create CPU / wall | bulk send CPU / wall | destinations |",
        "|---|---|---|---|",
    ]
    for name, r in results.items():
        outcome = ", ".join(f"{n} {s}" for s, n in sorted(r["outcome"].items()))
        lines.append(
            f"| {name} | {r['create_cpu']:.3f} / {r['create_wall']:.3f} s "
            f"| {r['send_cpu']:.3f} / {r['send_wall']:.3f} s | {outcome} |"
        )
    return "\n".join(lines) + "\n"


def _message_kinds() -> dict[str, Callable[[], Message]]:
    """The message kinds that cost the most for their size, each about 1 MB of input."""

    def message(raw: bytes, **fields: Any) -> Message:
        parsed = parse_mime(raw)
        values: dict[str, Any] = {
            "text": parsed.text,
            "html": parsed.html,
            "headers": parsed.headers,
            "attachments": parsed.attachments,
        }
        values.update(fields)
        return Message(
            "m", NOW, "SendRawEmail", "us-east-1", "a@example.com", ("b@x",), (), (), raw, **values
        )

    headers = b"".join(b"X-H%d: %s\r\n" % (n, b"v" * 480) for n in range(2000))
    attachments = "".join(
        f'--b\r\nContent-Disposition: attachment; filename="f{n}.txt"\r\n\r\nx\r\n'
        for n in range(999)
    )
    return {
        "1 MB ASCII text body": lambda: message(b"s", text="t" * 1_000_000),
        "1 MB CJK text body (UCS-2)": lambda: message(b"s", text="\u4e00" * 500_000),
        "1 MB emoji text body (UCS-4)": lambda: message(b"s", text="\U0001f600" * 250_000),
        "2,000 header lines of 490 bytes": lambda: message(headers + b"\r\nbody"),
        "999 attachments": lambda: message(
            (f'Content-Type: multipart/mixed; boundary="b"\r\n\r\n{attachments}--b--\r\n').encode()
        ),
    }


def run_memory() -> dict[str, Any]:
    """What each kind costs (counted) against what it holds (tracemalloc), a mailbox filled
    past its cap, and the peak of one large request answered by a running endpoint."""
    kinds: dict[str, Any] = {}
    for name, make in _message_kinds().items():
        make()  # warm the reader
        box = Mailbox()
        gc.collect()
        tracemalloc.start()
        box.add(make())
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        kinds[name] = {"held": held, "counted": box.size, "raw": len(box.messages()[0].raw)}
    cap = 64 * 1024 * 1024
    make = _message_kinds()["2,000 header lines of 490 bytes"]
    box = Mailbox(max_bytes=cap)
    gc.collect()
    tracemalloc.start()
    for n in range(80):
        message = make()
        message.id = f"m{n}"
        box.add(message)
    gc.collect()
    full = {"cap": cap, "held": tracemalloc.get_traced_memory()[0], "kept": len(box)}
    tracemalloc.stop()
    del box
    return {"kinds": kinds, "full": full, "requests": _request_peaks()}


def _request_peaks() -> dict[str, Any]:
    """One request answered by an endpoint in this process (plain HTTP, a state in memory and
    one in a folder): the peak of Python allocations above what was held before it, and what
    stays held after it (the message kept)."""
    body = ("x" * 76 + "\n") * (14_500_000 // 77)
    raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\n\r\n"
    raw += (b"y" * 76 + b"\r\n") * ((10 * 1024 * 1024 - 200) // 78)
    requests: dict[str, tuple[str, dict[str, Any]]] = {
        "SendEmail, 15 MB on the wire": (
            "SendEmail",
            {
                "Source": "a@example.com",
                "Destination": {"ToAddresses": ["b@example.com"]},
                "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": body}}},
            },
        ),
        "SendRawEmail of 10 MB": ("SendRawEmail", {"RawMessage": {"Data": raw}}),
    }
    results: dict[str, Any] = {}
    for name, (action, params) in requests.items():
        data = build_request(
            action,
            params,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
            region="us-east-1",
            time=datetime.now(UTC),
        ).to_bytes()
        for where in ("memory", "folder"):
            with tempfile.TemporaryDirectory() as folder:
                state_dir = Path(folder) / "state" if where == "folder" else None
                capture = Path(folder) / "c.jsonl"
                with Endpoint(capture, tls=False, state=True, state_dir=state_dir) as ep:
                    gc.collect()
                    tracemalloc.start()
                    before = tracemalloc.get_traced_memory()[0]
                    with socket.create_connection(("127.0.0.1", ep.port)) as conn:
                        conn.sendall(data)
                        conn.shutdown(socket.SHUT_WR)
                        answer = b""
                        while chunk := conn.recv(65536):
                            answer += chunk
                    gc.collect()
                    held, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
                results[f"{name} ({where})"] = {
                    "wire": len(data),
                    "peak": peak - before,
                    "kept": held - before,
                }
    return results


def _memory_report(result: dict[str, Any]) -> str:
    mib = 1024 * 1024
    lines = [
        "| message | raw | held (tracemalloc) | counted | counted / held |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in result["kinds"].items():
        lines.append(
            f"| {name} | {r['raw'] / mib:.2f} MiB | {r['held'] / mib:.2f} MiB "
            f"| {r['counted'] / mib:.2f} MiB | {r['counted'] / r['held']:.2f} |"
        )
    full = result["full"]
    lines.append(
        f"\nA mailbox capped at {full['cap'] / mib:.0f} MiB, sent 80 messages of 2,000 header "
        f"lines: {full['kept']} kept, {full['held'] / mib:.1f} MiB held.\n"
    )
    lines += ["| request | on the wire | peak above idle | kept after |", "|---|---:|---:|---:|"]
    for name, r in result["requests"].items():
        lines.append(
            f"| {name} | {r['wire'] / mib:.1f} MiB | {r['peak'] / mib:.1f} MiB "
            f"| {r['kept'] / mib:.1f} MiB |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/local_ses.py", description=__doc__)
    parser.add_argument("--only", choices=["templates", "memory"], help="run one section only")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    if args.only in (None, "templates"):
        results["templates"] = run_templates()
        sys.stdout.write(_templates_report(results["templates"]))
    if args.only in (None, "memory"):
        results["memory"] = run_memory()
        sys.stdout.write(_memory_report(results["memory"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
