"""SES v2 as an application of the endpoint: an exchange in, a JSON answer out
(docs/spec.md#http-ses-v2).

:class:`V2Application` answers every request the router gives it (a path under ``/v2/``), in
this order, as SES v2's front end does:

0. the site that sent it, by the policy every API of the endpoint shares
   (:mod:`sesspec.serve.sites`): another site's page is answered 403 ``AccessDeniedException``
   (noted ``cross-site: <header>``), nothing done;
1. the operation, by method and path (:class:`~sesspec.serve.v2.wire.Routes`): 404
   ``UnknownOperationException`` for none;
2. the signature, by the one SigV4 verifier (:func:`~sesspec.serve.v2.judge.signature`): in
   strict mode a failure is answered (:func:`~sesspec.serve.v2.judge.auth_error`); otherwise it
   is recorded (a capture note ``v2-signature: <kind>``, a problem on every message the request
   stores) and the request answered;
3. an operation the local SES does not serve: 501 ``NotImplemented`` naming it and listing the
   served ones, never Query XML;
4. the input, read and validated against the model (:func:`~sesspec.serve.v2.wire.read_input`):
   400 ``SerializationException`` or ``BadRequestException`` naming every problem;
5. the operation (:data:`~sesspec.serve.v2.operations.HANDLERS`) over the state Classic's
   application answers from (:meth:`~sesspec.serve.state.SesState.run`), its errors in v2's
   terms; without a state, a canned answer (a MessageId for the sends).

Like Classic's, it opens no socket and reads no clock (the arrival time comes with the exchange,
request ids from an injected source), and records every request in the capture log before it
answers (its ``action`` is ``sesv2:<Operation>``); one that cannot be recorded is answered 500
and the connection closed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sesspec.model import Operation, ServiceModel, sesv2_model
from sesspec.serve.app import Judged, Mode, Recorder
from sesspec.serve.capture import mask_tokens
from sesspec.serve.exchange import Answer, Exchange
from sesspec.serve.sites import API_SITES, SitePolicy
from sesspec.serve.state import Origin, SesState
from sesspec.serve.v2 import ACTION_PREFIX
from sesspec.serve.v2.judge import VERIFIED, Problem, auth_error, signature
from sesspec.serve.v2.operations import HANDLERS, Served, v2_error
from sesspec.serve.v2.reading import read_input
from sesspec.serve.v2.wire import (
    Refused,
    Route,
    Routes,
    V2Error,
    error_answer,
    json_answer,
    json_body,
)

__all__ = ["ACTION_PREFIX", "V2Application"]


def __dir__() -> list[str]:
    return __all__


_log = logging.getLogger("sesspec.serve")
_NOT_JUDGED = Mode()


def _new_request_id() -> str:
    return str(uuid.uuid4())


class V2Application:
    """SES v2 over ``state`` (None: canned answers), judged as ``mode`` says (strict: a failed
    signature is refused; a ``strict_checker`` of your own judges Classic requests only), each
    request recorded by ``recorder``; ``request_ids`` makes each answer's request id; ``sites``
    says which hosts and pages may call it (Classic's policy,
    :data:`~sesspec.serve.sites.API_SITES`)."""

    def __init__(
        self,
        *,
        state: SesState | None,
        recorder: Recorder,
        mode: Mode = _NOT_JUDGED,
        request_ids: Callable[[], str] = _new_request_id,
        model: ServiceModel | None = None,
        sites: SitePolicy = API_SITES,
    ) -> None:
        self.state = state
        self.sites = sites
        self.recorder = recorder
        self.mode = mode
        self.model = model if model is not None else sesv2_model()
        self.routes = Routes(self.model)
        self._request_ids = request_ids

    def answer(self, exchange: Exchange) -> Answer:
        request = exchange.request
        assert request is not None  # the router sends only requests that were read
        request_id = self._request_ids()
        judged = Judged(exchange, seq=self.recorder.next_seq(), action=None)
        problems: list[Problem] = []
        body = b""
        error: V2Error | None = None
        try:
            refused = self.sites.refusal(request, tls=exchange.tls, port=exchange.local_port)
            if refused is not None:
                judged.notes.append(f"cross-site: {refused.field}")
                raise Refused(V2Error("AccessDeniedException", refused.message, 403))
            route = self.routes.find(request.method, request.path)
            judged.action = ACTION_PREFIX + route.operation.name
            failed = auth_error(signature(request, now=judged.arrived))
            if failed is None:
                problems.append(VERIFIED)
            else:
                problems.append(Problem("signature", failed.code, failed.message))
                judged.notes.append(f"v2-signature: {failed.code}")
                if self.mode.judges:
                    judged.notes.append(f"strict: {failed.code}")
                    raise Refused(failed)
            served = HANDLERS.get(route.operation.name)
            if served is None:
                raise Refused(self._not_served(route.operation))
            params = read_input(self.model, route, request)
            body = self._run(judged, route, served, params, problems)
        except Refused as refused:
            error = refused.error
        status = 200 if error is None else error.status
        keep_alive = exchange.keep_alive
        try:
            self.recorder.append(judged.record(status))
        except OSError as exc:  # never answer what is not recorded as such
            _log.error("could not record request %d: %s", judged.seq, exc)
            keep_alive = False
            error = V2Error(
                "InternalServiceErrorException", "The request could not be recorded", 500
            )
        if error is not None:
            return error_answer(error, request_id=request_id, keep_alive=keep_alive)
        return json_answer(body, request_id=request_id, keep_alive=keep_alive)

    def _not_served(self, operation: Operation) -> V2Error:
        served = ", ".join(sorted(HANDLERS))
        message = (
            f"sesspec's local SES does not serve the SES v2 operation {operation.name} "
            f"({operation.http_method} {operation.request_uri}); it serves {served} "
            "(docs/spec.md#http-ses-v2-served)"
        )
        return V2Error("NotImplemented", message, 501)

    def _run(
        self,
        judged: Judged,
        route: Route,
        served: Served,
        params: Mapping[str, Any],
        problems: list[Problem],
    ) -> bytes:
        """The operation's JSON answer, or :class:`Refused` with its error."""
        op = route.operation
        state = self.state
        if state is None:
            return json_body(self.model, op.output, _canned(op, params, judged.seq))
        origin = None
        if served.sends:
            incoming = judged.exchange.incoming
            head, body = mask_tokens(incoming.raw[: incoming.head_length], incoming.body)
            origin = Origin(
                seq=judged.seq,
                head=head,
                body=body,
                findings=tuple(p.as_dict() for p in problems),
                operation=ACTION_PREFIX + op.name,
            )
        try:
            reply = state.run(
                served.handler,
                params,
                now=judged.arrived,
                origin=origin,
                name=ACTION_PREFIX + op.name,
                storing=served.sends,
            )
            if reply.error is not None:
                raise Refused(v2_error(reply.error, self.model))
            return json_body(self.model, op.output, reply.result)
        except Refused:
            raise
        except Exception as exc:  # a bug of ours: logged, answered as SES answers its own
            _log.exception("the state failed on request %d (%s)", judged.seq, op.name)
            judged.notes.append(f"state-crashed: {exc!r}")
            message = f"state failed: {exc!r}"
            raise Refused(V2Error("InternalServiceErrorException", message, 500)) from None


def _canned(op: Operation, params: Mapping[str, Any], seq: int) -> dict[str, Any]:
    """The answer without a state: a MessageId for a send, one success per bulk entry."""
    message_id = f"0100019{seq:09d}-00000000-0000-0000-0000-000000000000-000000"
    if op.name == "SendEmail":
        return {"MessageId": message_id}
    if op.name == "SendBulkEmail":
        entries = params.get("BulkEmailEntries") or ()
        return {
            "BulkEmailEntryResults": [
                {"Status": "SUCCESS", "MessageId": message_id} for _ in entries
            ]
        }
    return {}
