"""The ``sesspec`` command: flatten, unflatten, sign, check, rules, serve, report.

Errors go to stderr as one line that says what and where, with what came from the input
escaped; exit status 2 means the input was unusable, 1 (for ``check``) that a request has an
error-severity finding, 70 (``EX_SOFTWARE``) a fault of sesspec's own, also in one line.

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
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any, NoReturn

from sesspec.errors import SesSpecError

__all__ = ["MAX_STDIN_BYTES", "main"]

EXIT_OK = 0
EXIT_USAGE = 2
#: sysexits.h EX_SOFTWARE: an exception sesspec did not expect (a bug), reported in one line.
EXIT_INTERNAL = 70
#: Most bytes read from stdin: a request at the limits of :func:`sesspec.http.parse_request`
#: (64 KiB of header section, 64 MiB of body).
MAX_STDIN_BYTES = 64 * 1024 + 64 * 1024 * 1024


class _UsageError(Exception):
    """Unusable input: printed as one line, exit 2."""


def _stdin_bytes() -> bytes:
    """All of stdin, up to :data:`MAX_STDIN_BYTES`; a closed or unreadable stdin is a usage
    error, not a traceback."""
    stream = sys.stdin
    if stream is None:
        msg = "stdin is closed"
        raise _UsageError(msg)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read(MAX_STDIN_BYTES + 1)
        else:  # a text stream without bytes underneath (an embedding application's)
            data = stream.read(MAX_STDIN_BYTES + 1).encode("utf-8", "surrogateescape")
    except (OSError, ValueError) as exc:  # ValueError: I/O operation on a closed file
        msg = f"stdin cannot be read ({exc.__class__.__name__}: {exc})"
        raise _UsageError(msg) from None
    if len(data) > MAX_STDIN_BYTES:
        msg = f"stdin: more than {MAX_STDIN_BYTES} bytes (sesspec.cli.MAX_STDIN_BYTES)"
        raise _UsageError(msg)
    return data


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks and other controls escaped."""
    from sesspec.check.finding import printable

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


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"$base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _describe_group(group: BaseExceptionGroup[Any]) -> str:
    parts = [str(e) for e in group.exceptions]
    return f"{group.message}: " + "; ".join(parts)


def _json_int(text: str) -> int:
    """``parse_int`` for stdin's JSON: the digits are counted before they become a number."""
    from sesspec.query import MAX_INTEGER_DIGITS

    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        msg = f"an integer of {len(text)} characters: more than {MAX_INTEGER_DIGITS} digits"
        raise _UsageError(f"stdin: not usable JSON: {msg}")
    return int(text)


def _cmd_flatten(args: argparse.Namespace) -> int:
    from sesspec.request import form_body

    raw = _stdin_bytes()
    try:
        params = json.loads(raw or b"{}", parse_int=_json_int)
    except json.JSONDecodeError as exc:
        msg = f"stdin: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise _UsageError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"stdin: not JSON: invalid {exc.encoding} at byte {exc.start} ({exc.reason})"
        raise _UsageError(msg) from None
    except RecursionError:
        msg = "stdin: not usable JSON: nested deeper than Python's parser allows"
        raise _UsageError(msg) from None
    if not isinstance(params, dict):
        msg = "stdin: the params must be a JSON object"
        raise _UsageError(msg)
    try:
        body = form_body(args.action, params, style=args.style)
    except ExceptionGroup as group:
        raise _UsageError(_describe_group(group)) from None
    out = Output(sys.stdout)
    out.raw(body + b"\n")
    out.flush()
    return EXIT_OK


def _cmd_unflatten(args: argparse.Namespace) -> int:
    from sesspec.encoding import form_decode
    from sesspec.query import unflatten

    raw = _stdin_bytes().rstrip(b"\r\n")
    pairs = form_decode(raw, strict=args.strict)
    try:
        result = unflatten(pairs)
    except ExceptionGroup as group:
        raise _UsageError(_describe_group(group)) from None
    doc: dict[str, Any] = {"Action": result.action}
    if result.version is not None:
        doc["Version"] = result.version
    doc.update(_json_value(result.params))
    out = Output(sys.stdout)
    out.utf8(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from sesspec.check.explain import explain, listing

    out = Output(sys.stdout)
    if args.explain is None:
        out.text(listing())
    else:
        try:
            out.text(explain(args.explain.upper()))
        except KeyError:
            raise _UsageError(f"no rule {args.explain!r} (sesspec rules lists them)") from None
    out.flush()
    return EXIT_OK


def _parse_time(text: str) -> dt.datetime:
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
        raise _UsageError(msg) from None
    except OverflowError:
        msg = f"--time/--now: {text[:60]!r} is outside years 1 to 9999 in UTC"
        raise _UsageError(msg) from None


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


def _cmd_sign(args: argparse.Namespace) -> int:
    from sesspec.http import parse_request
    from sesspec.request import sign

    akid, secret, token = credentials_from(args, os.environ)
    if akid is None or secret is None:
        msg = (
            "credentials needed: --access-key-id and --secret-access-key, or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
        raise _UsageError(msg)
    data = _stdin_bytes()
    req = parse_request(data)
    when = _parse_time(args.time) if args.time else dt.datetime.now(dt.UTC)
    signed = sign(
        req,
        scheme=args.scheme,
        access_key_id=akid,
        secret_access_key=secret,
        session_token=token,
        region=args.region,
        service=args.service,
        time=when,
        expires=args.expires,
    )
    out = Output(sys.stdout)
    out.raw(signed.to_bytes())
    out.flush()
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from sesspec.check.cli import run_check

    now = _parse_time(args.now) if args.now else None
    code: int = run_check(args, now=now)
    return code


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (what argparse prints is the usage, then the
    error); subcommand parsers are made of this class too."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    from sesspec.encoding import STYLES

    p = _Parser(prog="sesspec", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    f = sub.add_parser("flatten", help="params as JSON on stdin -> form body")
    f.add_argument("action", help="operation name, e.g. SendEmail")
    f.add_argument("--style", default="rfc3986", choices=sorted(STYLES), help="form encoder")
    f.set_defaults(run=_cmd_flatten)

    u = sub.add_parser("unflatten", help="form body on stdin -> JSON")
    u.add_argument("--strict", action="store_true", help="reject malformed or unescaped bytes")
    u.set_defaults(run=_cmd_unflatten)

    s = sub.add_parser("sign", help="raw HTTP/1.1 request on stdin -> signed request")
    s.add_argument("--access-key-id", help="default: $AWS_ACCESS_KEY_ID")
    s.add_argument("--secret-access-key", help="default: $AWS_SECRET_ACCESS_KEY")
    s.add_argument("--session-token", help="default: $AWS_SESSION_TOKEN (with the other two)")
    s.add_argument("--region", default="us-east-1")
    s.add_argument("--service", default="ses")
    s.add_argument("--time", help="ISO 8601 basic or extended; default: now")
    s.add_argument("--scheme", default="sigv4", choices=["sigv4", "sigv4-query", "aws3", "sigv2"])
    s.add_argument("--expires", type=int, default=3600, help="seconds (sigv4-query)")
    s.set_defaults(run=_cmd_sign)

    c = sub.add_parser("check", help="judge raw requests against the spec")
    c.add_argument("inputs", nargs="+", help=".http files, folders, .jsonl captures, .har, URLs")
    c.add_argument("--format", default="text", choices=["text", "json", "junit"])
    c.add_argument("--access-key-id", help="default: $AWS_ACCESS_KEY_ID")
    c.add_argument("--secret-access-key", help="default: $AWS_SECRET_ACCESS_KEY")
    c.add_argument("--session-token", help="default: $AWS_SESSION_TOKEN (with the other two)")
    c.add_argument("--now", help="the time to judge skew and expiry against (ISO 8601)")
    c.add_argument("--http", action="store_true", help="the requests were sent without TLS")
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    c.set_defaults(run=_cmd_check)

    r = sub.add_parser("rules", help="list the checker's rules, or explain one")
    r.add_argument("--explain", metavar="ID", help="a rule, why, its sources and samples")
    r.set_defaults(run=_cmd_rules)

    for name, text in (
        ("serve", "loopback SES endpoint that records requests (see: sesspec serve --help)"),
        ("report", "run the clients and write the conformance report (sesspec report --help)"),
        ("drivers", "run third-party clients against an endpoint (sesspec drivers --help)"),
        ("verify", "does a signed request's signature hold? (sesspec verify --help)"),
    ):
        sub.add_parser(name, help=text)
    return p


#: Subcommands with parsers of their own (their options start with "--", which argparse's
#: REMAINDER would not pass through): the rest of the line goes to their main().
_DELEGATED = {
    "serve": "sesspec.serve.cli",
    "report": "sesspec.report.cli",
    "drivers": "sesspec.drivers.cli",
    "verify": "sesspec.signing.cli",
}


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in _DELEGATED:
        module = importlib.import_module(_DELEGATED[words[0]])
        code: int = module.main(words[1:])
        return code
    try:
        args = _parser().parse_args(words)
    except _UsageError as exc:
        _error_line(f"{exc} (see: sesspec --help)")
        return EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (_UsageError, SesSpecError) as exc:
        # The first line: an EncodingError goes on to show where, over two more lines.
        _error_line(f"sesspec {args.command}: {exc}".split("\n", 1)[0])
        return EXIT_USAGE
    except BrokenPipeError:  # a write outside Output; the reader is gone
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: one line, never a traceback
        _error_line(f"sesspec {args.command}: internal error ({type(exc).__name__}: {exc})")
        return EXIT_INTERNAL


def _error_line(text: str) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
