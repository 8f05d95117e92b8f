"""SES Classic's Query API (2010-12-01) as an application: an exchange in, an answer out.

:class:`SesApplication` answers each request like SES would (docs/spec.md#resp), from the
request, the state and the mode alone; it opens no socket and reads no clock (the arrival time
comes with the :class:`~sesspec.serve.exchange.Exchange`, request ids from an injected source),
so a test can drive it with bytes (:func:`sesspec.http.read_request`) and a
:class:`~sesspec.serve.state.SesState`.

* A request another site's page sent (a ``Host`` that is neither loopback nor an SES host name,
  an ``Origin`` or ``Sec-Fetch-Site`` of another site: :mod:`sesspec.serve.sites`, the policy
  every API of the endpoint shares) is answered 403 ``AccessDenied``, saying which, and
  recorded with the note ``cross-site: <field>``; nothing else is done with it.
* A request the reader refused (or the transport gave up on: cause ``timeout``) is answered by
  its cause, never its text: 431 ``RequestHeaderSectionTooLarge``, 413 ``RequestEntityTooLarge``,
  408 ``RequestTimeout``, else 400 ``MalformedHTTPRequest``; the capture note names the cause.
* The action and its parameters come from the form body (POST) or the query (GET), decoded
  leniently with :func:`sesspec.params.read_params`; a missing ``Action`` is ``MissingAction``,
  an unknown one ``InvalidAction`` (GUIDE-ERR).
* :class:`Mode` ``strict`` answers a request with an error finding as SES would
  (:mod:`sesspec.serve.strict`); ``strict_checker`` is a checker of your own. The findings are
  computed once per request, for the verdict and for the messages it stores.
* With a state, the actions it answers are answered from it: the parameters unflattened
  (:func:`sesspec.query.unflatten`, the authentication parameters set aside), a parameter that
  does not fit the model answered with the error the checker's finding maps to
  (``MissingParameter``, ``InvalidParameterValue``); each message a send stores carries the
  request (tokens masked) and the checker's findings on it, passed as the call's
  :class:`~sesspec.serve.state.Origin`. Every other known action, and every action without a
  state, gets the canned answer (what the conformance report wants: each scenario answered
  whatever came before).
* Every request is recorded (:class:`Recorder`, the capture log) before it is answered; one that
  cannot be recorded is answered 500 ``InternalFailure`` and the connection closed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sesspec.check import Finding
from sesspec.encoding import Pairs
from sesspec.errors import EncodingError, HttpParseCause, HttpParseError
from sesspec.http import RawRequest
from sesspec.params import AUTH_PARAMS, read_params
from sesspec.query import unflatten
from sesspec.serve.capture import Capture, mask_tokens
from sesspec.serve.exchange import Answer, Exchange, Limits
from sesspec.serve.responses import (
    SesError,
    error_body,
    invalid_parameter_value,
    operation_names,
    result_body,
    success_body,
)
from sesspec.serve.sites import API_SITES, SitePolicy
from sesspec.serve.state import STORING_ACTIONS, Origin, SesState
from sesspec.serve.strict import StrictChecker, default_findings, errors_from_findings

__all__ = ["Mode", "Recorder", "SesApplication", "StrictChecker", "refusal_answer"]


def __dir__() -> list[str]:
    return __all__


_log = logging.getLogger("sesspec.serve")


class Recorder(Protocol):
    """Where each request is recorded (:class:`~sesspec.serve.capture.CaptureLog`)."""

    def next_seq(self) -> int: ...
    def append(self, capture: Capture) -> None: ...


@dataclass(frozen=True, slots=True)
class Mode:
    """How the application judges requests: ``strict`` (the checker's error findings answered
    as SES errors) or a ``strict_checker`` of your own, not both."""

    strict: bool = False
    strict_checker: StrictChecker | None = None

    def __post_init__(self) -> None:
        if self.strict and self.strict_checker is not None:
            msg = "give strict=True or a strict_checker of your own, not both"
            raise ValueError(msg)

    @property
    def judges(self) -> bool:
        """Whether requests are judged before they are answered."""
        return self.strict or self.strict_checker is not None


#: The capture note of each kind of unreadable request (by the problem's cause).
_REFUSAL_NOTES: dict[HttpParseCause, str] = {
    "request-line": "not-http",
    "header-line": "bad-header-line",
    "content-length": "bad-content-length",
    "transfer-encoding": "bad-transfer-encoding",
    "chunked": "bad-chunked-framing",
}


def refusal_answer(
    error: HttpParseError, *, head_read: bool, limits: Limits
) -> tuple[str, SesError]:
    """The capture note and the SES-shaped answer for a request the reader refused (or the
    transport gave up on), decided by the problem's ``cause``, never its text; ``head_read``:
    whether its head had been read."""
    cause = error.cause
    where = "body" if head_read else "head"
    if cause in ("head-size", "header-count"):
        message = f"Request header section exceeds {limits.max_head} bytes ({error.message})"
        return "head-too-large", SesError("RequestHeaderSectionTooLarge", message, 431)
    if cause == "body-size":
        return f"body-too-large: {error.message}", SesError(
            "RequestEntityTooLarge", error.message, 413
        )
    if cause == "timeout":
        message = f"Request not received within {limits.timeout} s"
        return f"timeout-in-{where}", SesError("RequestTimeout", message, 408)
    if cause == "evicted":
        message = (
            "Request not received before the connection was closed to let a newer one in "
            f"({limits.max_connections} connections served at once)"
        )
        return f"evicted-in-{where}", SesError("RequestTimeout", message, 408)
    if cause == "incomplete":
        return f"incomplete-{where}", SesError(
            "MalformedHTTPRequest", f"Connection closed mid-{where}", 400
        )
    note = _REFUSAL_NOTES.get(cause, "malformed") if cause is not None else "malformed"
    return f"{note}: {error.message}", SesError("MalformedHTTPRequest", error.message, 400)


def _request_pairs(request: RawRequest | None) -> tuple[str | None, Pairs]:
    """``Action`` and the operation's parameters (:func:`sesspec.params.read_params`: a POST's
    query and form body, a GET's query; GUIDE-REQ, docs/spec.md#param-action), decoded
    leniently; a request past the decoder's limit counts as having none."""
    if request is None:
        return None, []
    try:
        params = read_params(request)
    except EncodingError:
        return None, []
    return params.first("Action"), params.operation


def _new_request_id() -> str:
    return str(uuid.uuid4())


class _Judged:
    """One request's record and findings, each made once and only when asked for."""

    def __init__(self, exchange: Exchange, *, seq: int, action: str | None) -> None:
        self.exchange = exchange
        self.seq = seq
        self.action = action
        arrived = datetime.fromtimestamp(exchange.received_at_ns / 1e9, UTC)
        self.arrived = arrived
        self.received_at = arrived.isoformat(timespec="microseconds").replace("+00:00", "Z")
        self.notes = list(exchange.incoming.notes)
        self._findings: list[Finding] | None = None

    def record(self, status: int) -> Capture:
        exchange = self.exchange
        incoming = exchange.incoming
        return Capture(
            seq=self.seq,
            connection_id=exchange.connection_id,
            request_in_connection=exchange.number,
            received_at=self.received_at,
            received_at_ns=exchange.received_at_ns,
            peer=exchange.peer,
            local_port=exchange.local_port,
            tls=exchange.tls,
            raw=incoming.raw,
            head_length=incoming.head_length,
            body=incoming.body,
            status=status,
            action=self.action,
            notes=tuple(self.notes),
            tls_version=exchange.tls_version,
            server_name=exchange.server_name,
        )

    def findings(self) -> list[Finding]:
        """The checker's findings on this request, computed once (the one verdict)."""
        if self._findings is None:
            self._findings = default_findings(self.record(0))
        return self._findings


class SesApplication:
    """SES Classic's Query API over ``state`` (None: canned answers only), judged as ``mode``
    says, each request recorded by ``recorder``; ``limits`` are the transport's (named in the
    answers to requests past them); ``request_ids`` makes each answer's request id; ``sites``
    says which hosts and pages may call it (another site's request: 403 ``AccessDenied``)."""

    def __init__(
        self,
        *,
        state: SesState | None,
        recorder: Recorder,
        limits: Limits,
        mode: Mode = Mode(),
        request_ids: Callable[[], str] = _new_request_id,
        sites: SitePolicy = API_SITES,
    ) -> None:
        self.state = state
        self.sites = sites
        self.recorder = recorder
        self.limits = limits
        self.mode = mode
        self._request_ids = request_ids
        self._known_actions = frozenset(operation_names())

    def answer(self, exchange: Exchange) -> Answer:
        incoming = exchange.incoming
        request_id = self._request_ids()
        action, pairs = _request_pairs(incoming.request)
        judged = _Judged(exchange, seq=self.recorder.next_seq(), action=action)
        error: SesError | None = None
        if incoming.refusal is not None:
            note, error = refusal_answer(
                incoming.refusal, head_read=incoming.request is not None, limits=self.limits
            )
            judged.notes.append(note)
        if error is None and incoming.request is not None:
            error = self._cross_site(judged, incoming.request)
        if error is None and self.mode.judges:
            error = self._judge(judged)
        if error is None:
            error = self._action_error(action)
        body = b""
        if error is None and action is not None:
            body, error = self._answer_action(judged, action, pairs, request_id=request_id)
        if error is None:
            status = 200
        else:
            status = error.status
            body = error_body(error, request_id=request_id)
        keep_alive = exchange.keep_alive
        try:
            self.recorder.append(judged.record(status))
        except OSError as exc:  # disk full, ...: never answer what is not recorded as such
            _log.error("could not record request %d: %s", judged.seq, exc)
            status, keep_alive = 500, False
            failed = SesError("InternalFailure", "The request could not be recorded", 500)
            body = error_body(failed, request_id=request_id)
        return Answer(
            status,
            body,
            headers=(("x-amzn-RequestId", request_id),),
            keep_alive=keep_alive,
        )

    def _cross_site(self, judged: _Judged, request: RawRequest) -> SesError | None:
        """403 for a request another site's page sent (:mod:`sesspec.serve.sites`)."""
        exchange = judged.exchange
        refused = self.sites.refusal(request, tls=exchange.tls, port=exchange.local_port)
        if refused is None:
            return None
        judged.notes.append(f"cross-site: {refused.field}")
        return SesError("AccessDenied", refused.message, 403)

    def _judge(self, judged: _Judged) -> SesError | None:
        """The first SES error strict mode answers with, or None (the notes say which)."""
        try:
            if self.mode.strict_checker is not None:
                errors = list(self.mode.strict_checker(judged.record(0)))
            else:
                errors = errors_from_findings(judged.findings())
        except Exception as exc:  # a checker bug must not kill the endpoint
            judged.notes.append(f"strict-checker-crashed: {exc!r}")
            errors = [SesError("InternalFailure", f"checker failed: {exc!r}", 500, "Receiver")]
        judged.notes.extend(f"strict: {e.code}" for e in errors)
        return errors[0] if errors else None

    def _action_error(self, action: str | None) -> SesError | None:
        if action is None:
            return SesError("MissingAction", "Missing Action", 400)
        if action not in self._known_actions:
            return SesError(
                "InvalidAction", f"Could not find operation {action} for version 2010-12-01", 400
            )
        return None

    def _answer_action(
        self, judged: _Judged, action: str, pairs: Pairs, *, request_id: str
    ) -> tuple[bytes, SesError | None]:
        """The response body for a known ``action``, or the SES error."""
        state = self.state
        if state is None or not state.handles(action):
            message_id = f"0100019{judged.seq:09d}-{request_id}-000000"
            return success_body(action, request_id=request_id, message_id=message_id), None
        try:
            params = unflatten([(n, v) for n, v in pairs if n not in AUTH_PARAMS]).params
        except ExceptionGroup as group:
            return b"", _param_error(judged.findings(), group)
        origin = None
        if action in STORING_ACTIONS:
            # The stored message keeps the request as the capture file does: tokens masked.
            incoming = judged.exchange.incoming
            head, body = mask_tokens(incoming.raw[: incoming.head_length], incoming.body)
            findings = tuple(f.as_dict() for f in judged.findings())
            origin = Origin(seq=judged.seq, head=head, body=body, findings=findings)
        try:
            reply = state.handle(action, params, now=judged.arrived, origin=origin)
            if reply.error is not None:
                return b"", reply.error
            return result_body(action, reply.result, request_id=request_id), None
        except Exception as exc:  # a bug of ours: logged, answered as SES answers its own
            _log.exception("the state failed on request %d (%s)", judged.seq, action)
            judged.notes.append(f"state-crashed: {exc!r}")
            return b"", SesError("InternalFailure", f"state failed: {exc!r}", 500, "Receiver")


def _param_error(findings: Sequence[Finding], group: ExceptionGroup[Any]) -> SesError:
    """The SES error for parameters that do not fit the model: the one the checker's first
    parameter finding maps to (:func:`~sesspec.serve.strict.errors_from_findings`)."""
    errors = errors_from_findings([f for f in findings if f.rule.startswith("PARAM")])
    if errors:
        return errors[0]
    first = group.exceptions[0]
    return invalid_parameter_value(str(first))
