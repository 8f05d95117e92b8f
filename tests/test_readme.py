"""The README's example runs and prints what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import re

from tests._support import REPO


def test_readme_example() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102 - our own README
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(
        "Action=SendEmail&Version=2010-12-01&Source=user%40example.com"
        "&Destination.ToAddresses.member.1="
    )
    assert lines[1] == "['AUTH019']"
