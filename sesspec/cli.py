"""The ``sesspec`` command: flatten, unflatten, sign, check, rules, serve, report.

Errors go to stderr as one line that says what and where; exit status 2 means the input was
unusable, 1 (for ``check``) that a request has an error-severity finding.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sesspec.errors import SesSpecError

__all__ = ["main"]

EXIT_OK = 0
EXIT_USAGE = 2


class _UsageError(Exception):
    """Unusable input: printed as one line, exit 2."""


def _stdin_bytes() -> bytes:
    return sys.stdin.buffer.read()


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


def _cmd_flatten(args: argparse.Namespace) -> int:
    from sesspec.request import form_body

    raw = _stdin_bytes()
    try:
        params = json.loads(raw or b"{}")
    except json.JSONDecodeError as exc:
        msg = f"stdin: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise _UsageError(msg) from None
    if not isinstance(params, dict):
        msg = "stdin: the params must be a JSON object"
        raise _UsageError(msg)
    try:
        body = form_body(args.action, params, style=args.style)
    except ExceptionGroup as group:
        raise _UsageError(_describe_group(group)) from None
    sys.stdout.write(body.decode("ascii") + "\n")
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
    out: dict[str, Any] = {"Action": result.action}
    if result.version is not None:
        out["Version"] = result.version
    out.update(_json_value(result.params))
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from sesspec.check.catalogue import RULES

    del args
    for r in RULES.values():
        flag = " (deprecated)" if r.deprecated else ""
        sys.stdout.write(f"{r.id:<9} {r.severity:<7} {r.title}{flag}  [{r.citation}]\n")
    return EXIT_OK


def _parse_time(text: str) -> dt.datetime:
    """ISO 8601 basic (20150830T123600Z) or extended (2015-08-30T12:36:00Z), UTC if no zone."""
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        msg = f"--time/--now: not an ISO 8601 time: {text!r}"
        raise _UsageError(msg) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _cmd_sign(args: argparse.Namespace) -> int:
    from sesspec.http import parse_request
    from sesspec.request import sign

    data = _stdin_bytes()
    req = parse_request(data)
    when = _parse_time(args.time) if args.time else dt.datetime.now(dt.UTC)
    signed = sign(
        req,
        scheme=args.scheme,
        access_key_id=args.access_key_id,
        secret_access_key=args.secret_access_key,
        session_token=args.session_token,
        region=args.region,
        service=args.service,
        time=when,
        expires=args.expires,
    )
    sys.stdout.buffer.write(signed.to_bytes())
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from sesspec.check.cli import run_check

    now = _parse_time(args.now) if args.now else None
    code: int = run_check(args, now=now)
    return code


def _parser() -> argparse.ArgumentParser:
    from sesspec.encoding import STYLES

    p = argparse.ArgumentParser(prog="sesspec", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    f = sub.add_parser("flatten", help="params as JSON on stdin -> form body")
    f.add_argument("action", help="operation name, e.g. SendEmail")
    f.add_argument("--style", default="rfc3986", choices=sorted(STYLES), help="form encoder")
    f.set_defaults(run=_cmd_flatten)

    u = sub.add_parser("unflatten", help="form body on stdin -> JSON")
    u.add_argument("--strict", action="store_true", help="reject malformed or unescaped bytes")
    u.set_defaults(run=_cmd_unflatten)

    s = sub.add_parser("sign", help="raw HTTP/1.1 request on stdin -> signed request")
    s.add_argument("--access-key-id", required=True)
    s.add_argument("--secret-access-key", required=True)
    s.add_argument("--session-token")
    s.add_argument("--region", default="us-east-1")
    s.add_argument("--service", default="ses")
    s.add_argument("--time", help="ISO 8601 basic or extended; default: now")
    s.add_argument("--scheme", default="sigv4", choices=["sigv4", "sigv4-query", "aws3", "sigv2"])
    s.add_argument("--expires", type=int, default=3600, help="seconds (sigv4-query)")
    s.set_defaults(run=_cmd_sign)

    c = sub.add_parser("check", help="judge raw requests against the spec")
    c.add_argument("inputs", nargs="+", help=".http files, folders, .jsonl captures, .har, URLs")
    c.add_argument("--format", default="text", choices=["text", "json", "junit"])
    c.add_argument("--access-key-id")
    c.add_argument("--secret-access-key")
    c.add_argument("--session-token")
    c.add_argument("--now", help="the time to judge skew and expiry against (ISO 8601)")
    c.add_argument("--http", action="store_true", help="the requests were sent without TLS")
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    c.set_defaults(run=_cmd_check)

    sub.add_parser("rules", help="list the checker's rules").set_defaults(run=_cmd_rules)

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
    args = _parser().parse_args(words)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (_UsageError, SesSpecError) as exc:
        sys.stderr.write(f"sesspec {args.command}: {exc}".splitlines()[0] + "\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
