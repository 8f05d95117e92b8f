"""The ``sesspec`` command: one module per subcommand, imported only when it runs.

``sesspec <command> [options]``: :data:`COMMANDS` lists them. ``sesspec --help`` and
``sesspec <command> --help`` work on a plain install (no extras). A command that needs an extra
(``serve``, ``report``, ``drivers``) is refused when the extra is missing, before anything
else happens, with one line naming it (``pip install lxml trustme``) and exit status 2.
The other exit statuses are each command's (see :mod:`sesspec.cli._common`): 0 done, 1 a
request with an error finding (``check``) or a signature that does not hold (``verify``), 2
unusable input, 70 a fault of sesspec's own, each error in one line on stderr.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from sesspec._extras import install_command, missing_modules
from sesspec.cli._common import EXIT_OK, EXIT_USAGE, MAX_STDIN_BYTES, Output, error_line

__all__ = ["COMMANDS", "MAX_STDIN_BYTES", "Command", "main"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Command:
    """A subcommand: its name, the module whose ``main(argv)`` runs it, what it does, and the
    extra it needs (None: the standard library is enough)."""

    name: str
    module: str
    summary: str
    extra: str | None = None


COMMANDS: tuple[Command, ...] = (
    Command("flatten", "sesspec.cli.flatten", "params as JSON on stdin -> form body"),
    Command("unflatten", "sesspec.cli.unflatten", "form body on stdin -> params as JSON"),
    Command("sign", "sesspec.cli.sign", "raw HTTP/1.1 request on stdin -> signed request"),
    Command("verify", "sesspec.cli.verify", "does a signed request's signature hold?"),
    Command("check", "sesspec.cli.check", "judge raw requests against the spec"),
    Command("rules", "sesspec.cli.rules", "list the checker's rules, or explain one"),
    Command("serve", "sesspec.cli.serve", "loopback SES endpoint that records requests", "serve"),
    Command(
        "report", "sesspec.cli.report", "run the clients, write the conformance report", "report"
    ),
    Command(
        "drivers", "sesspec.cli.drivers", "run third-party clients against an endpoint", "serve"
    ),
    Command(
        "sweep", "sesspec.cli.sweep", "since which release a client signs as SES requires", "report"
    ),
)

_BY_NAME = {command.name: command for command in COMMANDS}


def _usage() -> str:
    width = max(len(c.name) for c in COMMANDS)
    lines = [
        "usage: sesspec <command> [options]   (sesspec <command> --help for its options)",
        "",
        "The Amazon SES Classic (API 2010-12-01) Query API wire format made executable.",
        "",
        "commands:",
    ]
    for command in COMMANDS:
        needs = f"  [needs: {install_command(command.extra)}]" if command.extra else ""
        lines.append(f"  {command.name:<{width}}  {command.summary}{needs}")
    return "\n".join(lines) + "\n"


def _asks_for_help(words: Sequence[str]) -> bool:
    return any(word in ("-h", "--help") for word in words)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sesspec`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:
        error_line("sesspec: a command is needed (see: sesspec --help)")
        return EXIT_USAGE
    if words[0] in ("-h", "--help"):
        out = Output(sys.stdout)
        out.text(_usage())
        out.flush()
        return EXIT_OK
    command = _BY_NAME.get(words[0])
    if command is None:
        names = ", ".join(c.name for c in COMMANDS)
        error_line(f"sesspec: no command {words[0]!r} (commands: {names}; see: sesspec --help)")
        return EXIT_USAGE
    rest = words[1:]
    if command.extra is not None and not _asks_for_help(rest):
        absent = missing_modules(command.extra)
        if absent:
            error_line(
                f"sesspec {command.name}: needs the {command.extra!r} extra "
                f"({', '.join(absent)} not installed): {install_command(command.extra)}"
            )
            return EXIT_USAGE
    module = importlib.import_module(command.module)
    code: int = module.main(rest)
    return code


if __name__ == "__main__":
    sys.exit(main())
