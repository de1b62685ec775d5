"""What every accounting API call goes through before and after its handler.

In order: bearer token (401), `xero-tenant-id` (403), the token's scopes (401 `AuthorizationUnsuccessful`), rate limits (429 and the `X-*Limit-Remaining` headers),
the configured latency (inside the concurrency slot; a client gone by then has nothing done), request size (413), then for PUT/POST the `Idempotency-Key` (a repeat with the same body replays the first
response without doing the work again; a different body is refused), JSON parsing, and the handler itself, run
under the state lock, with the state file written after a change.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from tui.sandbox import responses
from tui.sandbox.journal import Journal
from tui.sandbox.middleware import DELAY_KEY
from tui.sandbox.models import Organisation
from tui.sandbox.oauth import ApiAuthError, Caller, authenticate, tenant_of
from tui.sandbox.query import QueryError
from tui.sandbox.state import IdempotentResponse, SandboxState

MAX_IDEMPOTENCY_KEY = 128


@dataclass
class Call:
    """One API call, as a handler sees it."""

    state: SandboxState
    org: Organisation
    journal: Journal
    caller: Caller
    method: str
    path_params: dict[str, str]
    query: dict[str, str]  # parameter names lower-cased, as Xero's are case-insensitive
    headers: Any
    body: Any
    now: datetime

    @property
    def unitdp(self) -> int:
        return 4 if self.query.get("unitdp") == "4" else 2

    @property
    def summarize_errors(self) -> bool:
        return self.query.get("summarizeerrors", "true").lower() != "false"


Handler = Callable[[Call], Response]


def _fingerprint(request: Request, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(f"{request.method} {request.url.path.lower()}?{request.url.query}\n".encode())
    h.update(body)
    return h.hexdigest()


def endpoint(handler: Handler, scopes: tuple[str, ...]) -> Callable[[Request], Any]:
    """The Starlette endpoint for `handler`; the token must carry one of `scopes`."""

    async def run(request: Request) -> Response:
        state: SandboxState = request.app.state.sandbox
        with state.lock:
            caller = None
            try:
                caller = authenticate(state, request.headers.get("authorization"))
                tenant_id = tenant_of(state, caller, request.headers.get("xero-tenant-id"))
            except ApiAuthError as exc:
                refused = responses.problem(exc.status, exc.detail)
                refused.headers.update(limit_headers(request, caller.grant.client_id if caller else None))
                return refused
            if not set(scopes) & set(caller.scopes):
                refused = responses.problem(401, "AuthorizationUnsuccessful")
                refused.headers.update(state.limiter.remaining(tenant_id, caller.grant.client_id))
                return refused
        decision = state.limiter.acquire(tenant_id, caller.grant.client_id)
        if not decision.allowed:
            return responses.text(429, responses.TEXT_RATE_LIMITED, decision.headers)
        try:
            delay = request.scope.get(DELAY_KEY, 0.0)
            if delay > 0:
                await asyncio.sleep(delay)
            response = await _handle(request, state, caller, tenant_id, handler)
        finally:
            state.limiter.release(tenant_id)
        response.headers.update(decision.headers)
        return response

    return run


def limit_headers(request: Request, client_id: str | None = None) -> dict[str, str]:
    """The rate-limit headers for a reply refused before the limits were applied: for the organisation the
    request names (if it is one), as they stand."""
    state: SandboxState = request.app.state.sandbox
    tenant_id = (request.headers.get("xero-tenant-id") or "").strip().lower()
    return state.limiter.remaining(tenant_id if tenant_id in state.organisations else None, client_id)


async def _handle(request: Request, state: SandboxState, caller: Caller, tenant_id: str, handler: Handler) -> Response:
    try:
        body = await request.body()
    except ClientDisconnect:  # the client is gone (e.g. killed while its call waited out the latency):
        return Response(status_code=499)  # nothing is done and no one is left to read this
    if len(body) > state.settings.max_request_bytes:
        return responses.text(413, responses.TEXT_TOO_LARGE)
    write = request.method in ("PUT", "POST")
    key = request.headers.get("idempotency-key") if write else None
    if key is not None and (not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY):
        return responses.error("ValidationException",
                               f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters.")
    parsed: Any = None
    if write:
        try:
            parsed = json.loads(body or b"null", parse_float=str, parse_int=str)
        except ValueError:
            return responses.error("PostDataInvalidException", "The request body is not valid JSON.", number=17)
    with state.lock:
        if key is not None:
            stored_key = f"{caller.grant.client_id}|{tenant_id}|{key}"
            fingerprint = _fingerprint(request, body)
            previous = state.idempotency.get(stored_key)
            if previous is not None:
                if previous.fingerprint != fingerprint:
                    return responses.error("ValidationException", "This Idempotency-Key has already been used "
                                           "with a different request.")
                return Response(previous.body, status_code=previous.status, headers=previous.headers)
        org = state.organisations[tenant_id]
        call = Call(state=state, org=org, journal=Journal(org), caller=caller, method=request.method,
                    path_params=dict(request.path_params),
                    query={k.lower(): v for k, v in request.query_params.items()},
                    headers=request.headers, body=parsed, now=state.clock.now())
        try:
            response = handler(call)
        except QueryError as exc:
            call.journal.rollback()
            response = responses.query_error(str(exc))
        if key is not None and response.status_code < 500:
            state.idempotency[stored_key] = IdempotentResponse(
                fingerprint=fingerprint, status=response.status_code, body=response.body.decode(),
                headers={"content-type": response.headers["content-type"]},
            )
        if call.journal.changed or key is not None:
            state.changed()
        return response
