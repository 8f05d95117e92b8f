"""The README's example runs and prints what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import re

from tests._support import REPO


def test_readme_examples() -> None:
    """Every Python block, in order and in one namespace (later blocks use earlier names)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    # the third and fourth, pytest tests (Classic, v2), are run by tests/test_serve_readme.py
    assert len(blocks) == 4
    out = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(out):
        for code in blocks:
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(
        "Action=SendEmail&Version=2010-12-01&Source=user%40example.com"
        "&Destination.ToAddresses.member.1="
    )
    assert lines[1] == "['AUTH019']"
    assert lines[2] == "content-type;host;x-amz-date"
