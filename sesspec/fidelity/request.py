"""The request as a whole: its Host against the authority the client was told, its credential
scope and session token against the settings it was given, and its parameters against the
members asked (:func:`compare_request`; docs/spec.md#fid-request)."""

from __future__ import annotations

from sesspec.encoding import Pairs
from sesspec.errors import EncodingError, SigningError
from sesspec.fidelity.kinds import Kind
from sesspec.fidelity.members import compare_pairs
from sesspec.fidelity.types import Asked, Difference, Location, shown
from sesspec.fidelity.values import changed, excerpt, search_budget
from sesspec.http import RawRequest
from sesspec.params import read_params
from sesspec.signing.sigv4 import parse_authorization

__all__ = ["compare_request"]


def __dir__() -> list[str]:
    return __all__


def _split_authority(authority: str, *, tls: bool) -> tuple[str, int, bool]:
    """(host in lower case, port, whether the port was written) of ``host[:port]``."""
    host, port = authority, ""
    if authority.startswith("["):
        end = authority.find("]") + 1
        if end and authority[end : end + 1] == ":":
            host, port = authority[:end], authority[end + 1 :]
    else:
        before, sep, after = authority.rpartition(":")
        if sep:
            host, port = before, after
    if port.isascii() and port.isdigit() and len(port) <= 5:
        return host.lower(), int(port), True
    return authority.lower(), 443 if tls else 80, False


def _host_difference(asked: Asked, request: RawRequest) -> list[Difference]:
    if asked.authority is None:
        return []
    host = request.header("Host")
    where = Location("request", "Host")
    if host is None:
        return [
            Difference(
                "setting-dropped",
                where,
                f"no Host header (the client was told {asked.authority!r})",
                expected=asked.authority,
            )
        ]
    w_host, w_port, _ = _split_authority(asked.authority, tls=asked.tls)
    g_host, g_port, g_written = _split_authority(host, tls=asked.tls)
    kind: Kind
    if w_host != g_host:
        kind, what = "host-changed", "another host"
    elif w_port == g_port:
        return []  # the default port, written or not: the same authority (RFC 9110 4.2.3)
    elif not g_written:
        kind, what = "port-dropped", f"the port {w_port} the client was told is missing"
    else:
        kind, what = "port-changed", f"port {g_port} instead of {w_port}"
    return [
        Difference(
            kind,
            where,
            f"Host {host!r}, the client was told {asked.authority!r}: {what}",
            expected=asked.authority,
            actual=shown(host),
            change=excerpt(asked.authority, host),
        )
    ]


def _credential(request: RawRequest, query: Pairs) -> tuple[str, str] | None:
    """(access key id, region) of a SigV4 request's credential scope, None if it has none."""
    value = request.header("Authorization")
    if value is not None and value.startswith("AWS4-HMAC-SHA256 "):
        try:
            parsed = parse_authorization(value)
        except SigningError:
            return None
        return parsed.access_key_id, parsed.region
    credential = next((v for n, v in query if n == "X-Amz-Credential"), None)
    if credential is None:
        return None
    parts = credential.split("/")
    return (parts[0], parts[2]) if len(parts) == 5 else None


def _credential_differences(asked: Asked, request: RawRequest, query: Pairs) -> list[Difference]:
    found = _credential(request, query)
    if found is None:
        return []
    out: list[Difference] = []
    akid, region = found
    if asked.region is not None and region != asked.region:
        out.append(
            Difference(
                "region-changed",
                Location("request", "credential scope region"),
                f"signed for region {region!r}, the client was given {asked.region!r}",
                expected=asked.region,
                actual=shown(region),
                change=excerpt(asked.region, region),
            )
        )
    if asked.access_key_id is not None and akid != asked.access_key_id:
        out.append(
            Difference(
                "access-key-changed",
                Location("request", "credential access key id"),
                f"signed with access key id {akid!r}, the client was given {asked.access_key_id!r}",
                expected=asked.access_key_id,
                actual=shown(akid),
            )
        )
    return out


def _token_differences(asked: Asked, request: RawRequest, query: Pairs) -> list[Difference]:
    if asked.session_token is None:
        return []
    where = Location("request", "X-Amz-Security-Token")
    sent = request.header_all("X-Amz-Security-Token") + [
        v for n, v in query if n == "X-Amz-Security-Token"
    ]
    if not sent:
        return [
            Difference(
                "setting-dropped",
                where,
                "the session token the client was given was not sent (SES refuses temporary "
                "credentials without their token)",
            )
        ]
    bad = next((value for value in sent if value != asked.session_token), None)
    if bad is None:
        return []
    steps = changed(where, "the session token", asked.session_token, bad, secret=True)
    kinds = " then ".join(d.kind for d in steps)
    return [
        Difference(
            "token-changed",
            where,
            f"the session token arrived changed ({kinds}; value not shown)",
            change=steps[0].change if steps else None,
        )
    ]


def compare_request(asked: Asked, request: RawRequest) -> list[Difference]:
    """Everything that differs between ``asked`` and the request that arrived: its Host
    against the authority the client was told, its credential scope and session token against
    the settings it was given, and its parameters (query, and a form body) against the
    members asked for (:func:`~sesspec.fidelity.members.compare_pairs`), within one search
    budget (:func:`~sesspec.fidelity.values.search_budget`)."""
    with search_budget():
        return _compare_request(asked, request)


def _compare_request(asked: Asked, request: RawRequest) -> list[Difference]:
    try:
        params = read_params(request)  # where SES reads them, as the checker does
    except EncodingError as exc:
        return [
            Difference(
                "unreadable",
                Location("request"),
                f"the parameters cannot be read ({exc.message}): nothing compared",
            )
        ]
    out = _host_difference(asked, request)
    out += _credential_differences(asked, request, params.query)
    out += _token_differences(asked, request, params.query)
    return out + compare_pairs(asked, [*params.query, *params.body])
