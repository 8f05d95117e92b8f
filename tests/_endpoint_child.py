"""An endpoint in a process of its own, filled with the worst messages the admin routes serve,
for the tests and the benchmark that read its memory from /proc.

    python -m tests._endpoint_child KIND FOLDER [COUNT]

KIND is ``quotes`` (COUNT messages, 500 by default, each a 256 KiB HTML body of ``"``, which
HTML writes as ``&quot;``, and a subject with an astral character, U+1F600) or ``controls``
(COUNT messages, 25 by default, whose text and HTML bodies are 2.2 million C0 control
characters each, which JSON writes as ``\\u0001``: a 13 MB form body, inside the endpoint's
16 MiB). The messages are stored through the state's own front (``SesState.handle``, as a
request would store them: the request kept, findings attached), then the endpoint serves plain
HTTP on 127.0.0.1 and prints ``PORT STORED``; it stops when its stdin closes.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sesspec.serve import Endpoint
from sesspec.serve.state import Origin

__all__ = ["CONTROL_CHARS", "QUOTES_BYTES", "main", "worst_params"]

#: The HTML body of each ``quotes`` message: 256 KiB of '"'.
QUOTES_BYTES = 256 * 1024
#: Control characters in each body of a ``controls`` message.
CONTROL_CHARS = 2_200_000
_CONTROLS = "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13))
_DEFAULT_COUNT = {"quotes": 500, "controls": 25}


def worst_params(kind: str, n: int) -> dict[str, Any]:
    """SendEmail's parameters (unflattened) of the ``n``-th message of ``kind``."""
    if kind == "quotes":
        body: dict[str, Any] = {"Html": {"Data": '"' * QUOTES_BYTES}}
        subject = f"\U0001f600 quotes {n}"
    else:
        text = (_CONTROLS * (CONTROL_CHARS // len(_CONTROLS) + 1))[:CONTROL_CHARS]
        body = {"Text": {"Data": text}, "Html": {"Data": text}}
        subject = f"controls {n}\x01"
    return {
        "Source": "sender@example.com",
        "Destination": {"ToAddresses": [f"to{n}@example.com"]},
        "Message": {"Subject": {"Data": subject}, "Body": body},
    }


def main(argv: list[str]) -> int:
    kind, folder = argv[0], Path(argv[1])
    count = int(argv[2]) if len(argv) > 2 else _DEFAULT_COUNT[kind]
    endpoint = Endpoint(folder / "c.jsonl", tls=False, state=True)
    state = endpoint.state
    assert state is not None
    findings = tuple(
        {"rule": f"ENC00{i}", "severity": "warning", "message": "\x01\"<&'" * 20, "location": "x"}
        for i in range(1, 4)
    )
    now = datetime.now(UTC)
    for n in range(count):
        head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999\r\n\r\n"
        origin = Origin(seq=n + 1, head=head, body=b"%22" * 30_000, findings=findings)
        reply = state.handle("SendEmail", worst_params(kind, n), now=now, origin=origin)
        assert reply.error is None, reply.error
    with endpoint:
        print(endpoint.port, len(state.mailbox), flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
