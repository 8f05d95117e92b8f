"""Benchmark: serialize, sign, and both, against botocore and awscrt in the same run.

    python benchmarks/bench.py [--quick] [--json FILE]     (make bench)

Cases: a small SendEmail; 50 recipients with a 10 KB unicode HTML body; SendRawEmail
of 1 MB and of 10 MB. For each it times

* serialize: params -> form body bytes (sesspec ``request.form_body``; botocore
  ``QuerySerializer`` + ``AWSRequest.prepare``, which urlencodes the body);
* sign: a ready POST -> signed (sesspec ``sigv4.Signer.sign``; botocore ``SigV4Auth.add_auth``;
  awscrt ``aws_sign_request`` on an ``HttpRequest``, called from Python); each signer object
  (``Signer``, ``SigV4Auth``, ``AwsSigningConfig``) is made once, outside the timing;
* both: params -> signed request (sesspec ``request.build_request``; botocore serialize, then
  sign; awscrt only signs, so it has no figure here),
* user sign: signing from a user's side, as each library is called when a program holds a
  method, a URL, a mapping of headers and a body (sesspec ``RawRequest.from_url`` +
  ``Signer.sign``;
  botocore ``AWSRequest`` + ``SigV4Auth.add_auth``; awscrt ``HttpRequest`` with
  ``HttpHeaders`` + ``aws_sign_request``): each builds its own request from those four,
  inside the timing,

and prints the best time of several rounds, the ratios, and the peak memory (tracemalloc) of
sesspec serialize+sign. It is a benchmark, not a test: nothing here asserts a time.

The checker sections time :func:`sesspec.check.check` on one core (one request, a folder of
files, a JSON Lines capture streamed), then ``sesspec check --jobs N`` end to end as a user runs
it (a process per run: start-up, reading, checking, JSON written to a file) over a folder of
10,000 ``.http`` files and a capture of 30,000 lines, for N = 1, 2 and one per CPU: the speed-up
over ``--jobs 1``, the parent's peak memory (it reads ahead a bounded number of requests) and
whether the outputs are identical.

The serve section runs ``sesspec serve --http`` (plain, and with ``--strict``) and
moto's server (``moto_server``, when installed) as subprocesses on 127.0.0.1 and drives each with
the same client: one connection kept alive (opened again whenever the server closes it, as
werkzeug, under moto, does after every answer) sending SigV4-signed SendEmail requests, the
sender and recipient verified first. It reports requests per second and the ratio to moto.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sesspec.check import Credentials, check
from sesspec.check.sources import iter_sources
from sesspec.http import RawRequest
from sesspec.request import FORM_CONTENT_TYPE, build_request, form_body
from sesspec.signing import sigv4

__all__ = ["ServerProcess", "free_port", "main", "run_serve"]

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"  # noqa: S105 (the suites' fake key)
REGION = "us-east-1"
HOST = "email.us-east-1.amazonaws.com"
WHEN = dt.datetime(2026, 11, 26, 6, 49, 50, tzinfo=dt.UTC)


def _raw_message(size: int) -> bytes:
    head = (
        b"From: sender@example.com\r\nTo: to@example.com\r\nSubject: big\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    # Bytes of every value, so that base64 has '+', '/' and '=' in natural proportion.
    body = bytes(range(256)) * (size // 256 + 1)
    return head + body[: size - len(head)]


def _small_send_email() -> dict[str, Any]:
    return {
        "Source": "sender@example.com",
        "Destination": {"ToAddresses": ["to@example.com"]},
        "Message": {
            "Subject": {"Data": "Hello there"},
            "Body": {"Text": {"Data": "Hello. I hope you are having a good day."}},
        },
    }


def cases() -> dict[str, tuple[str, dict[str, Any]]]:
    html = ("<p>\u00c0 la carte \u2014 \u65e5\u672c\u8a9e \U0001f4e8 & 'quotes' (x)</p>\n" * 200)[
        :10_000
    ]
    return {
        "small SendEmail": ("SendEmail", _small_send_email()),
        "50 recipients + 10 KB unicode HTML": (
            "SendEmail",
            {
                "Source": "sender@example.com",
                "Destination": {"ToAddresses": [f"r{i}+tag@example.com" for i in range(50)]},
                "Message": {
                    "Subject": {"Data": "Gro\u00dfe Nachricht \U0001f389", "Charset": "UTF-8"},
                    "Body": {"Html": {"Data": html, "Charset": "UTF-8"}},
                },
            },
        ),
        "SendRawEmail 1 MB": ("SendRawEmail", {"RawMessage": {"Data": _raw_message(1 << 20)}}),
        "SendRawEmail 10 MB": (
            "SendRawEmail",
            {"RawMessage": {"Data": _raw_message(10 * (1 << 20))}},
        ),
    }


# --- sesspec ----------------------------------------------------------------------------------


_SIGNER = sigv4.Signer(access_key_id=AKID, secret_access_key=SECRET, region=REGION)


def _ours_serialize(op: str, params: dict[str, Any]) -> bytes:
    return form_body(op, params)


def _ours_unsigned(body: bytes) -> RawRequest:
    return RawRequest(
        "POST",
        "/",
        headers=(
            ("Host", HOST),
            ("Content-Type", FORM_CONTENT_TYPE),
            ("Content-Length", str(len(body))),
        ),
        body=body,
    )


def _ours_sign(req: RawRequest) -> RawRequest:
    return _SIGNER.sign(req, WHEN).request


def _ours_user_sign(method: str, url: str, headers: Mapping[str, str], body: bytes) -> RawRequest:
    request = RawRequest.from_url(method, url, headers=headers, body=body)
    return _SIGNER.sign(request, WHEN).request


def _ours_both(op: str, params: dict[str, Any]) -> RawRequest:
    return build_request(
        op, params, access_key_id=AKID, secret_access_key=SECRET, region=REGION, time=WHEN
    )


def _user_headers(body: bytes) -> dict[str, str]:
    """The headers a program hands a signer beside the URL (Host comes from the URL)."""
    return {"Content-Type": FORM_CONTENT_TYPE, "Content-Length": str(len(body))}


# --- botocore ---------------------------------------------------------------------------------


class _Botocore:
    def __init__(self) -> None:
        import botocore.auth
        import botocore.session
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        from botocore.serialize import create_serializer

        self.model = botocore.session.get_session().get_service_model("ses")
        self.serializer = create_serializer("query", include_validation=False)
        self.signer = botocore.auth.SigV4Auth(Credentials(AKID, SECRET), "ses", REGION)
        self.request_class = AWSRequest
        self.version = metadata.version("botocore")

    def serialize(self, op: str, params: dict[str, Any]) -> bytes:
        serialized = self.serializer.serialize_to_request(params, self.model.operation_model(op))
        request = self.request_class(
            method="POST",
            url=f"https://{HOST}/",
            data=serialized["body"],
            headers={"Content-Type": FORM_CONTENT_TYPE},
        )
        body = request.prepare().body
        return body if isinstance(body, bytes) else str(body).encode("utf-8")

    def sign(self, body: bytes) -> Any:
        request = self.request_class(
            method="POST",
            url=f"https://{HOST}/",
            data=body,
            headers={"Content-Type": FORM_CONTENT_TYPE},
        )
        self.signer.add_auth(request)
        return request

    def both(self, op: str, params: dict[str, Any]) -> Any:
        return self.sign(self.serialize(op, params))

    def user_sign(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Any:
        request = self.request_class(method=method, url=url, data=body, headers=dict(headers))
        self.signer.add_auth(request)
        return request


class _Awscrt:
    def __init__(self) -> None:
        import awscrt.auth
        import awscrt.http

        self.auth = awscrt.auth
        self.http = awscrt.http
        self.config = awscrt.auth.AwsSigningConfig(
            algorithm=awscrt.auth.AwsSigningAlgorithm.V4,
            signature_type=awscrt.auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=awscrt.auth.AwsCredentialsProvider.new_static(AKID, SECRET),
            region=REGION,
            service="ses",
            date=WHEN,
        )
        self.version = metadata.version("awscrt")

    def sign(self, body: bytes) -> Any:
        headers = self.http.HttpHeaders(
            [
                ("Host", HOST),
                ("Content-Type", FORM_CONTENT_TYPE),
                ("Content-Length", str(len(body))),
            ]
        )
        request = self.http.HttpRequest("POST", "/", headers, io.BytesIO(body))
        self.auth.aws_sign_request(request, self.config).result()
        return request

    def user_sign(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Any:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        fields = self.http.HttpHeaders([("Host", parts.netloc), *headers.items()])
        request = self.http.HttpRequest(method, target, fields, io.BytesIO(body))
        self.auth.aws_sign_request(request, self.config).result()
        return request


# --- timing -----------------------------------------------------------------------------------


def _best(
    fns: Mapping[str, Callable[[], object]], *, budget: float, rounds: int = 7
) -> dict[str, float]:
    """Best seconds per call of each function over ``rounds`` rounds.

    The functions take turns within each round (A, B, C, A, B, C, ...), so that a slow spell
    of the machine falls on all of them alike and the ratios stay fair; each function's share
    of a round is about ``budget / rounds / len(fns)`` seconds.
    """
    number: dict[str, int] = {}
    for name, fn in fns.items():
        fn()  # warm up (caches, imports)
        start = time.perf_counter()
        fn()
        one = max(time.perf_counter() - start, 1e-7)
        number[name] = max(1, int(budget / rounds / len(fns) / one))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            n = number[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


def run(*, budget: float) -> dict[str, Any]:
    try:
        boto: _Botocore | None = _Botocore()
    except ImportError:
        boto = None
    try:
        crt: _Awscrt | None = _Awscrt()
    except ImportError:
        crt = None
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "processor": platform.processor() or platform.machine(),
            "system": platform.platform(),
        },
        "versions": {
            "sesspec": metadata.version("sesspec"),
            "botocore": boto.version if boto else None,
            "awscrt": crt.version if crt else None,
        },
        "cases": {},
    }
    for name, (op, params) in cases().items():
        body = _ours_serialize(op, params)
        unsigned = _ours_unsigned(body)
        user = ("POST", f"https://{HOST}/", _user_headers(body), body)
        row: dict[str, Any] = {"body_bytes": len(body)}
        b = budget * (1.8 if len(body) > 1 << 20 else 3.0)
        stages: dict[str, dict[str, Callable[[], object]]] = {
            "serialize": {"sesspec": partial(_ours_serialize, op, params)},
            "sign": {"sesspec": partial(_ours_sign, unsigned)},
            "both": {"sesspec": partial(_ours_both, op, params)},
            "user sign": {"sesspec": partial(_ours_user_sign, *user)},
        }
        if boto is not None:
            stages["serialize"]["botocore"] = partial(boto.serialize, op, params)
            stages["sign"]["botocore"] = partial(boto.sign, body)
            stages["both"]["botocore"] = partial(boto.both, op, params)
            stages["user sign"]["botocore"] = partial(boto.user_sign, *user)
        if crt is not None:
            stages["sign"]["awscrt"] = partial(crt.sign, body)
            stages["user sign"]["awscrt"] = partial(crt.user_sign, *user)
        for stage, fns in stages.items():
            for who, seconds in _best(fns, budget=b).items():
                row.setdefault(who, {})[stage] = seconds
        row["sesspec_peak_bytes"] = _peak(partial(_ours_both, op, params))
        results["cases"][name] = row
    return results


# --- the checker ------------------------------------------------------------------------------


def _without(params: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != key}


def _signed_requests(count: int) -> list[bytes]:
    """``count`` signed SES requests of typical operations and sizes (sesspec's builder; the
    checker's own tests show these verify the same as botocore-signed ones)."""
    small = _small_send_email()
    ops: list[tuple[str, dict[str, Any]]] = [
        ("SendEmail", small),
        ("SendRawEmail", {"RawMessage": {"Data": b"From: a@example.com\r\n\r\nHello\r\n"}}),
        (
            "SendTemplatedEmail",
            {**_without(small, "Message"), "Template": "T", "TemplateData": "{}"},
        ),
        ("ListIdentities", {"IdentityType": "EmailAddress", "MaxItems": 10}),
        ("GetSendQuota", {}),
    ]
    built = [_ours_both(op, params).to_bytes() for op, params in ops]  # time is fixed: WHEN
    return [built[i % len(built)] for i in range(count)]


def run_checker(*, budget: float, files: int) -> dict[str, Any]:
    """Checks per second: one signed SendEmail (credentials known), then a folder of ``files``
    ``.http`` files read and checked from disk, then a JSON Lines capture streamed (peak
    memory against the file size)."""
    creds = Credentials(AKID, SECRET)
    raw = _signed_requests(1)[0]
    one = _best(
        {"check": partial(check, raw, credentials=creds, now=WHEN, tls=True)}, budget=budget
    )["check"]
    found = check(raw, credentials=creds, now=WHEN, tls=True)
    assert [f.rule for f in found] == ["AUTH019"], found  # a clean, verified request
    requests = _signed_requests(files)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "requests"
        folder.mkdir()
        for i, data in enumerate(requests):
            (folder / f"{i:05d}.http").write_bytes(data)
        start = time.perf_counter()
        checked = sum(
            1
            for source in iter_sources([str(folder)])
            if check(source.raw, credentials=creds, now=WHEN, tls=True) is not None
        )
        folder_seconds = time.perf_counter() - start
        jsonl = Path(tmp) / "captures.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for data in requests * 3:
                record = {"raw": base64.b64encode(data).decode("ascii"), "tls": True}
                fh.write(json.dumps(record) + "\n")
        tracemalloc.start()
        streamed = sum(
            len(check(s.raw, credentials=creds, now=WHEN, tls=True))
            for s in iter_sources([str(jsonl)])
        )
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = jsonl.stat().st_size
    return {
        "one_request_checks_per_second": 1 / one,
        "folder_files": checked,
        "folder_checks_per_second": checked / folder_seconds,
        "jsonl_records": len(requests) * 3,
        "jsonl_bytes": size,
        "jsonl_peak_bytes": peak,
        "jsonl_findings": streamed,
    }


def _checker_report(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            "checker (one core)",
            f"  signed SendEmail, credentials known: "
            f"{result['one_request_checks_per_second']:,.0f} checks/s",
            f"  folder of {result['folder_files']:,} .http files read and checked: "
            f"{result['folder_checks_per_second']:,.0f} checks/s",
            f"  JSON Lines of {result['jsonl_records']:,} captures "
            f"({result['jsonl_bytes'] / 1e6:.1f} MB) streamed: peak memory "
            f"{result['jsonl_peak_bytes'] / 1e6:.2f} MB",
            "",
        ]
    )


def _timed_check(argv: list[str], out: Path) -> tuple[float, int, int]:
    """``sesspec check`` in a process of its own: (seconds, exit status, its peak RSS in KiB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    start = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sesspec", "check", *argv],
            stdout=sink,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, proc.returncode, usage.ru_maxrss


def run_checker_jobs(*, files: int, records: int, rounds: int) -> dict[str, Any]:
    """``sesspec check --jobs N`` over a folder of ``files`` .http files and a capture of
    ``records`` lines, N = 1, 2 and one per CPU; the best of ``rounds`` runs of each, taking
    turns."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    counts = sorted({1, 2, cpus or 1})
    requests = _signed_requests(files)
    flags = ["--access-key-id", AKID, "--secret-access-key", SECRET, "--format", "json"]
    flags += ["--now", WHEN.strftime("%Y%m%dT%H%M%SZ")]
    result: dict[str, Any] = {"cpus": cpus, "inputs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "requests"
        folder.mkdir()
        for i, data in enumerate(requests):
            (folder / f"{i:05d}.http").write_bytes(data)
        jsonl = Path(tmp) / "captures.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for i in range(records):
                raw = base64.b64encode(requests[i % len(requests)]).decode("ascii")
                fh.write(json.dumps({"raw": raw, "tls": True}) + "\n")
        for name, target, count in (
            (f"{files:,} .http files", folder, files),
            (f"{records:,} capture lines ({jsonl.stat().st_size / 1e6:.0f} MB)", jsonl, records),
        ):
            best: dict[int, tuple[float, int]] = {}
            outputs: dict[int, bytes] = {}
            for _ in range(rounds):
                for jobs in counts:
                    out = Path(tmp) / f"out-{jobs}.json"
                    seconds, code, rss = _timed_check(
                        [*flags, "--jobs", str(jobs), str(target)], out
                    )
                    if code not in (0, 1):
                        msg = f"sesspec check --jobs {jobs} exited {code}"
                        raise RuntimeError(msg)
                    outputs[jobs] = out.read_bytes()
                    if jobs not in best or seconds < best[jobs][0]:
                        best[jobs] = (seconds, rss)
            base = best[1][0]
            result["inputs"][name] = {
                "requests": count,
                "identical": len(set(outputs.values())) == 1,
                "jobs": {
                    str(j): {
                        "seconds": t,
                        "checks_per_second": count / t,
                        "speedup": base / t,
                        "parent_peak_rss_kib": rss,
                    }
                    for j, (t, rss) in sorted(best.items())
                },
            }
    return result


def _checker_jobs_report(result: dict[str, Any]) -> str:
    lines = [f"sesspec check --jobs N, end to end ({result['cpus']} CPUs)"]
    for name, row in result["inputs"].items():
        same = "identical" if row["identical"] else "DIFFERENT"
        lines.append(f"  {name}: outputs {same} for every N")
        for jobs, fig in row["jobs"].items():
            peak = fig["parent_peak_rss_kib"] / 1024
            lines.append(
                f"    --jobs {jobs:<3} {fig['seconds']:6.2f} s  {fig['checks_per_second']:7,.0f} "
                f"checks/s  {fig['speedup']:4.2f}x  parent peak {peak:.0f} MB"
            )
    return "\n".join(lines) + "\n"


def _report(results: dict[str, Any]) -> str:
    lines = [
        f"sesspec benchmark  (Python {results['machine']['python']}, "
        f"{results['machine']['system']}; botocore {results['versions']['botocore']}, "
        f"awscrt {results['versions']['awscrt']})",
        "",
    ]
    for name, row in results["cases"].items():
        ours = row["sesspec"]
        lines.append(f"{name}  (form body {row['body_bytes']:,} bytes)")
        for stage in ("serialize", "sign", "both", "user sign"):
            if stage not in ours:
                continue
            parts = [f"  {stage:<9} sesspec {_fmt(ours[stage])}"]
            for other in ("botocore", "awscrt"):
                theirs = row.get(other, {}).get(stage)
                if theirs is not None:
                    parts.append(f"{other} {_fmt(theirs)} ({theirs / ours[stage]:6.1f}x)")
            lines.append("   ".join(parts))
        peak = row["sesspec_peak_bytes"]
        lines.append(
            f"  peak memory of sesspec serialize+sign: {peak / 1e6:.1f} MB "
            f"= {peak / row['body_bytes']:.2f}x the encoded body"
        )
        lines.append("")
    return "\n".join(lines)


# --- the endpoint against moto's server ---------------------------------------------------------

_SERVE_REQUESTS_PER_ROUND = 1500
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*([0-9]{1,18})", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)


class ServerProcess:
    """A server in a subprocess on 127.0.0.1: ``argv`` with ``{port}`` filled in."""

    def __init__(self, name: str, argv: list[str], port: int) -> None:
        self.name = name
        self.port = port
        self.proc = subprocess.Popen(
            [a.replace("{port}", str(port)) for a in argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    msg = f"{name} did not start listening on 127.0.0.1:{port}"
                    raise RuntimeError(msg) from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(20)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _KeepAliveClient:
    """One HTTP/1.1 connection, kept while the server keeps it; reads each answer whole."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.connections = 0

    def ask(self, request: bytes) -> bytes:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connections += 1
        sock = self.sock
        sock.sendall(request)
        data = b""
        while (end := data.find(b"\r\n\r\n")) < 0:
            chunk = sock.recv(65536)
            if not chunk:
                msg = "the server closed the connection before answering"
                raise ConnectionError(msg)
            data += chunk
        head = data[: end + 2]
        match = _CONTENT_LENGTH.search(head)
        close = _CLOSE.search(head) is not None
        body = data[end + 4 :]
        if match is not None:
            while len(body) < int(match.group(1)):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
        else:  # no length: the body ends when the server closes
            close = True
            while chunk := sock.recv(65536):
                body += chunk
        if close:
            self.close()
        return head + b"\r\n" + body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _signed(action: str, params: dict[str, Any], port: int) -> bytes:
    when = dt.datetime.now(dt.UTC)
    return build_request(
        action,
        params,
        access_key_id=AKID,
        secret_access_key=SECRET,
        region=REGION,
        time=when,
        host=f"127.0.0.1:{port}",
    ).to_bytes()


def _serve_round(client: _KeepAliveClient, requests: list[bytes]) -> float:
    """Requests per second for one pass over ``requests`` (each answer must be 200)."""
    start = time.perf_counter()
    for request in requests:
        answer = client.ask(request)
        if not answer.startswith(b"HTTP/1.1 200") and not answer.startswith(b"HTTP/1.0 200"):
            msg = f"not answered 200: {answer[:300]!r}"
            raise RuntimeError(msg)
    return len(requests) / (time.perf_counter() - start)


def serve_servers(moto: str | None) -> dict[str, list[str]]:
    """The servers compared: name -> argv (``{port}`` is replaced by a free port)."""
    ours = [sys.executable, "-m", "sesspec", "serve", "--http", "--port", "{port}"]
    servers = {
        "sesspec serve --http": [*ours, "--capture", "{capture}"],
        "sesspec serve --http --strict": [*ours, "--strict", "--capture", "{capture}"],
    }
    if moto is not None:
        servers["moto_server"] = [moto, "-H", "127.0.0.1", "-p", "{port}"]
    return servers


def run_serve(*, rounds: int = 5, per_round: int = _SERVE_REQUESTS_PER_ROUND) -> dict[str, Any]:
    """Requests per second of each server (best of ``rounds``; servers take turns)."""
    moto = shutil.which("moto_server") or shutil.which(
        "moto_server", path=str(Path(sys.executable).parent)
    )
    servers: dict[str, ServerProcess] = {}
    result: dict[str, Any] = {"requests_per_round": per_round, "rounds": rounds, "servers": {}}
    if moto is None:
        result["note"] = "moto_server not installed (pip install 'moto[server]'): not compared"
    else:
        try:
            result["moto_version"] = metadata.version("moto")
        except metadata.PackageNotFoundError:
            result["moto_version"] = None
    params = _small_send_email()
    with tempfile.TemporaryDirectory(prefix="sesspec-bench-") as tmp:
        try:
            for i, (name, template) in enumerate(serve_servers(moto).items()):
                capture = str(Path(tmp) / f"captures-{i}.jsonl")
                argv = [a.replace("{capture}", capture) for a in template]
                servers[name] = ServerProcess(name, argv, free_port())
            clients = {name: _KeepAliveClient(s.port) for name, s in servers.items()}
            for name, client in clients.items():
                for address in ("sender@example.com", "to@example.com"):
                    verify = {"EmailAddress": address}
                    client.ask(_signed("VerifyEmailIdentity", verify, servers[name].port))
            best = dict.fromkeys(servers, 0.0)
            for _ in range(rounds):
                for name, client in clients.items():
                    port = servers[name].port
                    requests = [_signed("SendEmail", params, port) for _ in range(per_round)]
                    _serve_round(client, requests[: per_round // 10])  # warm up
                    best[name] = max(best[name], _serve_round(client, requests))
            for name, client in clients.items():
                result["servers"][name] = {
                    "requests_per_second": best[name],
                    "connections": client.connections,
                }
                client.close()
        finally:
            for server in servers.values():
                server.stop()
    moto_rate = result["servers"].get("moto_server", {}).get("requests_per_second")
    for row in result["servers"].values():
        row["vs_moto"] = row["requests_per_second"] / moto_rate if moto_rate else None
    return result


def _serve_report(result: dict[str, Any]) -> str:
    lines = [
        "serve: one keep-alive client, signed SendEmail over plain HTTP, identities verified "
        f"(best of {result['rounds']} rounds of {result['requests_per_round']:,})"
    ]
    for name, row in result["servers"].items():
        ratio = row.get("vs_moto")
        lines.append(
            f"  {name:<32} {row['requests_per_second']:8,.0f} requests/s"
            + (f"   {ratio:5.2f}x moto" if ratio is not None and name != "moto_server" else "")
            + (f"   ({row['connections']:,} connections)" if row["connections"] > 1 else "")
        )
    if "note" in result:
        lines.append(f"  {result['note']}")
    elif result.get("moto_version"):
        lines.append(f"  moto {result['moto_version']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short timing budget")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument(
        "--only", choices=["build", "check", "jobs", "serve"], help="run one section only"
    )
    args = parser.parse_args(argv)
    budget = 0.3 if args.quick else 2.0
    results: dict[str, Any] = {}
    if args.only in (None, "build"):
        results = run(budget=budget)
        sys.stdout.write(_report(results) + "\n")
    if args.only in (None, "check"):
        results["checker"] = run_checker(budget=budget, files=10_000)
        sys.stdout.write(_checker_report(results["checker"]))
    if args.only in (None, "check", "jobs"):
        jobs = run_checker_jobs(
            files=2_000 if args.quick else 10_000,
            records=6_000 if args.quick else 30_000,
            rounds=1 if args.quick else 2,
        )
        results["checker_jobs"] = jobs
        sys.stdout.write("\n" + _checker_jobs_report(jobs))
    if args.only in (None, "serve"):
        serve = run_serve(rounds=2 if args.quick else 5, per_round=500 if args.quick else 1500)
        results["serve"] = serve
        sys.stdout.write("\n" + _serve_report(serve))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
