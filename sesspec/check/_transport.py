"""Transport rules (HTTP): scheme, method, Host, Content-Type, Content-Length, where params go."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sesspec.check.finding import Finding, finding
from sesspec.http import RawRequest

__all__ = ["Transport", "ses_region_of_host", "transport_findings"]

# botocore endpoint-rule-set-1.json: email.{region}.amazonaws.com, email-fips.{region}...,
# dual-stack and partition variants (spec-notes a6).
_SES_HOST = re.compile(
    r"email(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\."
    r"(?:amazonaws\.com(?:\.cn)?|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov|amazonaws\.eu)\Z"
)


def ses_region_of_host(host: str) -> str | None:
    """The region an SES Classic host name stands for (port ignored), or None."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    m = _SES_HOST.match(name.lower())
    return m.group("region") if m else None


@dataclass(frozen=True, slots=True)
class Transport:
    """What the transport rules learnt, for the rules that come after."""

    host: str | None
    region: str | None
    params_raw: bytes
    params_where: str
    query_raw: bytes
    out_of_scope: bool


def transport_findings(req: RawRequest, *, tls: bool | None) -> tuple[list[Finding], Transport]:
    out: list[Finding] = []
    if tls is False or req.target.lower().startswith("http://"):
        out.append(
            finding(
                "HTTP002",
                "the request was sent without TLS; SES answers only HTTPS",
                "request line",
            )
        )
    method = req.method
    if method not in {"GET", "POST"}:
        out.append(finding("HTTP003", f"method {method!r}: SES takes GET or POST", "request line"))

    hosts = req.header_all("host")
    host = hosts[0] if hosts else None
    authority = req.authority
    if not hosts:
        out.append(finding("HTTP004", "no Host header", "header Host"))
    elif len(hosts) > 1:
        out.append(finding("HTTP004", f"{len(hosts)} Host headers: {hosts!r}", "header Host"))
    elif authority is not None and authority.lower() != host.lower():  # type: ignore[union-attr]
        out.append(
            finding(
                "HTTP004",
                f"Host {host!r} is not the request target's authority {authority!r}",
                "header Host",
            )
        )
    region = ses_region_of_host(host) if host else None
    if host and region is None:
        out.append(
            finding(
                "HTTP005",
                f"Host {host!r} is not an SES endpoint (email.<region>.amazonaws.com); the "
                "region is taken from the credential scope alone",
                "header Host",
            )
        )

    path = req.path
    ctype = req.header("content-type") or ""
    media = ctype.split(";", 1)[0].strip().lower()
    if path.startswith("/v2/") or media in {"application/json", "application/x-amz-json-1.0"}:
        out.append(
            finding(
                "HTTP011",
                f"{method} {path} with Content-Type {ctype!r} is an SES v2 (JSON REST) request",
                "request line",
            )
        )
        query = req.query.encode("utf-8", "surrogateescape")
        return out, Transport(host, region, b"", "body", query, out_of_scope=True)
    if path != "/":
        out.append(finding("HTTP012", f"path {path!r}: SES Classic serves '/'", "request line"))

    query_raw = req.query.encode("utf-8", "surrogateescape")
    if method == "POST":
        out += _post_findings(req, ctype, media, query_raw)
        return out, Transport(host, region, req.body, "body", query_raw, out_of_scope=False)
    if req.body:
        out.append(
            finding(
                "HTTP010",
                f"a {method} request with a {len(req.body)}-byte body; parameters go in the URL",
                "body",
            )
        )
    return out, Transport(host, region, query_raw, "query", query_raw, out_of_scope=False)


_AUTH_QUERY = re.compile(rb"(?:^|&)X-Amz-[A-Za-z-]+=[^&]*")


def _post_findings(req: RawRequest, ctype: str, media: str, query_raw: bytes) -> list[Finding]:
    out: list[Finding] = []
    if media != "application/x-www-form-urlencoded":
        shown = ctype or "no Content-Type"
        out.append(
            finding(
                "HTTP006",
                f"{shown!r}: a POST body must be application/x-www-form-urlencoded",
                "header Content-Type",
            )
        )
    elif "charset" not in ctype.lower():
        out.append(
            finding(
                "HTTP007",
                f"Content-Type {ctype!r} names no charset; send 'charset=utf-8'",
                "header Content-Type",
            )
        )
    elif "utf-8" not in ctype.lower().replace("utf8", "utf-8"):
        out.append(
            finding(
                "HTTP007",
                f"Content-Type {ctype!r}: the parameters are UTF-8, say 'charset=utf-8'",
                "header Content-Type",
                severity="error",
            )
        )
    lengths = req.header_all("content-length")
    chunked = "chunked" in (req.header("transfer-encoding") or "").lower()
    if chunked:
        out.append(finding("HTTP008", "chunked request body", "header Transfer-Encoding"))
    elif not lengths:
        out.append(finding("HTTP008", "POST without Content-Length", "header Content-Length"))
    elif len(set(lengths)) > 1 or lengths[0] != str(len(req.body)):
        out.append(
            finding(
                "HTTP008",
                f"Content-Length {', '.join(lengths)} but the body has {len(req.body)} bytes",
                "header Content-Length",
            )
        )
    stripped = _AUTH_QUERY.sub(b"", query_raw) if query_raw else b""
    if stripped.strip(b"&"):
        out.append(
            finding(
                "HTTP009",
                # The X-Amz-* authentication parameters are left out: the session token
                # (a secret) may be one of them.
                f"query string {stripped.strip(b'&')[:60].decode('utf-8', 'replace')!r} on a "
                "POST: operation parameters belong in the form body",
                "query",
            )
        )
    return out
