"""What every ``sesspec`` subcommand shares: stdout that survives a closed pipe, one-line errors
and exit statuses, stdin read within a limit, times and credentials from the command line.

Errors go to stderr as one line that says what and where, with what came from the input
escaped; exit status 2 means the input was unusable (or an extra the command needs is not
installed), 1 (for ``check``) that a request has an error-severity finding, 70
(``EX_SOFTWARE``) a fault of sesspec's own, also in one line.

Limits: stdin is read up to :data:`MAX_STDIN_BYTES`; JSON on stdin may nest as deep as
Python's parser allows (about 1,000 levels) and hold integers of up to
:data:`sesspec.query.MAX_INTEGER_DIGITS` digits.

Credentials (``sign``, ``check``): each of ``--access-key-id``, ``--secret-access-key`` and
``--session-token`` wins over ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and
``AWS_SESSION_TOKEN`` (which keep secrets out of ``ps``); the session token is taken from the
environment only along with a key id and secret that also come from there.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import errno
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any, NoReturn

from sesspec.check.finding import printable
from sesspec.errors import SesSpecError
from sesspec.query import MAX_INTEGER_DIGITS

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_STDIN_BYTES",
    "Output",
    "Parser",
    "UsageError",
    "add_credential_flags",
    "credentials_from",
    "describe_group",
    "error_line",
    "json_int",
    "json_value",
    "one_line",
    "parse_time",
    "run_command",
    "run_seconds",
    "seconds_up_to",
    "stdin_bytes",
    "whole_number",
]


def __dir__() -> list[str]:
    return __all__


EXIT_OK = 0
EXIT_USAGE = 2
#: sysexits.h EX_SOFTWARE: an exception sesspec did not expect (a bug), reported in one line.
EXIT_INTERNAL = 70
#: Most bytes read from stdin: a request at the limits of :func:`sesspec.http.parse_request`
#: (64 KiB of header section, 64 MiB of body).
MAX_STDIN_BYTES = 64 * 1024 + 64 * 1024 * 1024
#: Longest time limit of one client run (``report`` and ``drivers`` ``--timeout``): a day.
MAX_RUN_SECONDS = 24 * 3600.0


class UsageError(Exception):
    """Unusable input: printed as one line, exit 2."""


def stdin_bytes() -> bytes:
    """All of stdin, up to :data:`MAX_STDIN_BYTES`; a closed or unreadable stdin is a usage
    error, not a traceback."""
    stream = sys.stdin
    if stream is None:
        msg = "stdin is closed"
        raise UsageError(msg)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read(MAX_STDIN_BYTES + 1)
        else:  # a text stream without bytes underneath (an embedding application's)
            data = stream.read(MAX_STDIN_BYTES + 1).encode("utf-8", "surrogateescape")
    except (OSError, ValueError) as exc:  # ValueError: I/O operation on a closed file
        msg = f"stdin cannot be read ({exc.__class__.__name__}: {exc})"
        raise UsageError(msg) from None
    if len(data) > MAX_STDIN_BYTES:
        msg = f"stdin: more than {MAX_STDIN_BYTES} bytes (sesspec.cli.MAX_STDIN_BYTES)"
        raise UsageError(msg)
    return data


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks and other controls escaped."""
    return printable(text)


class Output:
    """stdout for the commands: text in the stream's encoding (what cannot be encoded is
    backslash-escaped), JSON and XML as UTF-8 bytes, and a broken pipe (the reader went away:
    ``sesspec check | head``) noted in :attr:`broken` instead of raised, so that a command can
    finish its work and still exit with its verdict. Later writes are dropped."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream
        self.broken = stream is None

    def text(self, text: str) -> None:
        """Human-readable text."""
        encoding = getattr(self.stream, "encoding", None) or "utf-8"
        self._write(text.encode(encoding, "backslashreplace"))

    def utf8(self, text: str) -> None:
        """JSON or XML (UTF-8 by their specs, whatever the locale)."""
        self._write(text.encode("utf-8", "backslashreplace"))

    def raw(self, data: bytes) -> None:
        self._write(data)

    def flush(self) -> None:
        if self.broken or self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self._break(exc)

    def _write(self, data: bytes) -> None:
        if self.broken or self.stream is None:
            return
        try:
            buffer = getattr(self.stream, "buffer", None)
            if buffer is None:
                self.stream.write(data.decode("utf-8", "replace"))
            else:
                buffer.write(data)
        except (OSError, ValueError) as exc:
            self._break(exc)

    def _break(self, exc: OSError | ValueError) -> None:
        """The reader is gone (EPIPE), or stdout is closed (EBADF; ValueError from a closed
        file object): stop writing. Any other error is raised."""
        if (
            isinstance(exc, OSError)
            and not isinstance(exc, BrokenPipeError)
            and exc.errno not in (errno.EPIPE, errno.EBADF)
        ):
            raise exc
        self.broken = True
        if isinstance(exc, ValueError):
            return
        # Python flushes stdout once more at exit: point the descriptor at /dev/null so that
        # the flush does not print "Exception ignored ... BrokenPipeError".
        try:
            fd = self.stream.fileno() if self.stream is not None else -1
        except (OSError, ValueError):
            return
        if fd >= 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)


def json_value(value: Any) -> Any:
    """``value`` (unflatten's output) as JSON can hold it: bytes as UTF-8 text, else
    ``{"$base64": ...}``; times in ISO 8601, UTC."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"$base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    return value


def describe_group(group: BaseExceptionGroup[Any]) -> str:
    """An exception group as one sentence: its message, then each error's."""
    parts = [str(e) for e in group.exceptions]
    return f"{group.message}: " + "; ".join(parts)


def json_int(text: str) -> int:
    """``parse_int`` for stdin's JSON: the digits are counted before they become a number."""
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        msg = f"an integer of {len(text)} characters: more than {MAX_INTEGER_DIGITS} digits"
        raise UsageError(f"stdin: not usable JSON: {msg}")
    return int(text)


def parse_time(text: str) -> dt.datetime:
    """ISO 8601 basic (20150830T123600Z) or extended (2015-08-30T12:36:00Z), UTC if no zone;
    in UTC, between years 1 and 9999 (a time zone may not carry it past either end)."""
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
    except ValueError:
        msg = f"--time/--now: not an ISO 8601 time: {text[:60]!r}"
        raise UsageError(msg) from None
    except OverflowError:
        msg = f"--time/--now: {text[:60]!r} is outside years 1 to 9999 in UTC"
        raise UsageError(msg) from None


def seconds_up_to(limit: float) -> Callable[[str], float]:
    """An argparse type: a positive, finite number of seconds up to ``limit``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            msg = f"not a number of seconds: {text[:40]!r}"
            raise argparse.ArgumentTypeError(msg) from None
        if not (math.isfinite(value) and 0 < value <= limit):
            msg = f"must be more than 0 and at most {limit:g} seconds, not {text[:40]!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def whole_number(low: int, high: int, unit: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (``unit`` for the message)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            msg = f"not a whole number: {text[:40]!r}"
            raise argparse.ArgumentTypeError(msg) from None
        if not low <= value <= high:
            msg = f"must be from {low} to {high}{unit}, not {value}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


#: ``report`` and ``drivers`` ``--timeout``: a positive number of seconds, at most a day.
run_seconds = seconds_up_to(MAX_RUN_SECONDS)


def add_credential_flags(parser: argparse.ArgumentParser) -> None:
    """``--access-key-id``, ``--secret-access-key``, ``--session-token`` (see
    :func:`credentials_from`)."""
    parser.add_argument("--access-key-id", help="default: $AWS_ACCESS_KEY_ID")
    parser.add_argument("--secret-access-key", help="default: $AWS_SECRET_ACCESS_KEY")
    parser.add_argument("--session-token", help="default: $AWS_SESSION_TOKEN (with the other two)")


def credentials_from(
    args: argparse.Namespace, environ: dict[str, str] | os._Environ[str]
) -> tuple[str | None, str | None, str | None]:
    """(access key id, secret, session token): each flag wins over its environment variable;
    the token comes from ``AWS_SESSION_TOKEN`` only with a key id and secret that also come
    from the environment (a token belongs to the key it was issued with)."""
    akid = args.access_key_id
    secret = args.secret_access_key
    token = args.session_token
    from_env = akid is None and secret is None
    akid = environ.get("AWS_ACCESS_KEY_ID") if akid is None else akid
    secret = environ.get("AWS_SECRET_ACCESS_KEY") if secret is None else secret
    if token is None and from_env:
        token = environ.get("AWS_SESSION_TOKEN")
    return akid, secret, token


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (what argparse prints is the usage, then the
    error): raised as :class:`UsageError` for :func:`run_command` to print."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def run_command(
    parser: argparse.ArgumentParser,
    run: Callable[[argparse.Namespace], int],
    argv: Sequence[str] | None,
) -> int:
    """Parse ``argv`` with ``parser`` and ``run`` it; returns the exit status, never raises.

    ``--help`` prints the help (exit 0). A usage error, an unusable input
    (:class:`UsageError`, any :class:`~sesspec.errors.SesSpecError`) and an extra that is
    not installed (:class:`~sesspec.errors.MissingExtraError`) are one line on stderr and exit
    2; a reader that went away ends the command quietly; anything else is a fault of sesspec's
    own, one line and exit 70.
    """
    prog = parser.prog
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    except UsageError as exc:
        error_line(f"{exc} (see: {prog} --help)")
        return EXIT_USAGE
    except SystemExit as exc:  # --help (0), or argparse's own exit
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        return run(args)
    except (UsageError, SesSpecError) as exc:
        # The first line: an EncodingError goes on to show where, over two more lines.
        error_line(f"{prog}: {exc}".split("\n", 1)[0])
        return EXIT_USAGE
    except BrokenPipeError:  # a write outside Output; the reader is gone
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: one line, never a traceback
        error_line(f"{prog}: internal error ({type(exc).__name__}: {exc})")
        return EXIT_INTERNAL


def error_line(text: str) -> None:
    """One line on stderr, input escaped, cut to a length a terminal shows."""
    line = one_line(text)
    if len(line) > 2000:
        line = line[:2000] + "..."
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass
