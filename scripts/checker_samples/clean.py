"""The clean samples: every case of vectors/ses/inputs.json as botocore sends it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from scripts.checker_samples.common import (
    OUT,
    TOKEN,
    Case,
    botocore_body,
    presign_v4,
    sign_v4,
)
from scripts.gen_ses_vectors import decode_params


def cases() -> Iterator[Case]:
    """Every case of vectors/ses/inputs.json (hand-written params covering each operation family
    and encoding hazard), as botocore sends it: header-signed POST and presigned GET. None may
    have an error finding, and each signature must verify."""
    inputs = json.loads((OUT.parent / "ses" / "inputs.json").read_text(encoding="utf-8"))
    for item in inputs["cases"]:
        ctx = {**inputs["context"], **item.get("context", {})}
        when = dt.datetime.fromisoformat(ctx["time"].replace("Z", "+00:00")).replace(tzinfo=None)
        token = ctx.get("session_token")
        body = botocore_body(item["operation"], decode_params(item["params"]))
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
        common: dict[str, Any] = {
            "expect": ["AUTH019"],
            "forbid": ["AUTH018"],
            "clean": True,
            "credentials": "token" if token else "plain",
            "session_token": token or TOKEN,
            "now": when + dt.timedelta(minutes=1),
        }
        yield Case(
            "clean",
            f"pass-post-{item['id']}",
            f"{item['operation']} as botocore sends it (header-signed POST); "
            f"vectors/ses/inputs.json {item['id']}.",
            sign_v4(body, host=ctx["host"], region=ctx["region"], token=token, when=when),
            **common,
        )
        yield Case(
            "clean",
            f"pass-presign-{item['id']}",
            f"{item['operation']} as a botocore presigned GET (X-Amz-Expires=600); "
            f"vectors/ses/inputs.json {item['id']}.",
            presign_v4(pairs, host=ctx["host"], region=ctx["region"], token=token, when=when),
            **common,
        )
