"""The outer layer of every request except control calls: counting, the size limit, latency and injected faults.

Order: count the request (token requests are counted apart, by the token endpoint), refuse a declared body over
3.5 MB (413), wait the configured latency plus any latency fault (accounting API calls wait later, inside their
concurrency slot, see `tui.sandbox.api`), then apply a fault: 429/500/503 and the malformed replies
(`html`, `json_list`, `no_collection`) answer at once without touching the handlers; `close` lets the handler commit its write and then drops the connection after
sending only the status line and headers; `hold` keeps the finished response until the control API releases it.
"""

from __future__ import annotations

import asyncio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tui.sandbox import responses
from tui.sandbox.faults import MALFORMED
from tui.sandbox.state import SandboxState

CONTROL_PREFIX = "/_sandbox"
API_PREFIX = "/api.xro/"
DELAY_KEY = "sandbox.delay"
TOKEN_PATH = "/connect/token"


class SandboxMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.lower().startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        state: SandboxState = scope["app"].state.sandbox  # looked up per request: the harness can swap it
        method = scope["method"]
        if path.lower().rstrip("/") != TOKEN_PATH:
            state.counters.count_request(method, path)
        declared = _content_length(scope)
        if declared is not None and declared > state.settings.max_request_bytes:
            await responses.text(413, responses.TEXT_TOO_LARGE)(scope, receive, send)
            return
        state.hooks.fire(method, path)
        fault = state.faults.take(method, path)
        delay = state.settings.latency
        if fault is not None and fault.kind == "latency":
            delay += fault.seconds if fault.seconds is not None else 1.0
        if path.lower().startswith(API_PREFIX):
            scope[DELAY_KEY] = delay  # API calls wait inside their rate-limit slot, so slow calls pile up
        elif delay > 0:
            await asyncio.sleep(delay)
        kind = fault.kind if fault is not None else None
        if kind == "429":
            retry = str(int(fault.seconds) if fault.seconds is not None else 1)
            headers = {"Retry-After": retry, "X-Rate-Limit-Problem": "minute", "X-MinLimit-Remaining": "0"}
            await responses.text(429, responses.TEXT_RATE_LIMITED, headers)(scope, receive, send)
        elif kind == "500":
            await responses.text(500, responses.TEXT_INTERNAL)(scope, receive, send)
        elif kind == "503":
            await responses.text(503, responses.TEXT_OFFLINE)(scope, receive, send)
        elif kind in MALFORMED:
            await responses.malformed(kind, scope["path"])(scope, receive, send)
        elif kind in ("close", "hold"):
            sent: list[Message] = []

            async def capture(message: Message) -> None:
                sent.append(message)

            await self.app(scope, receive, capture)
            if kind == "close":
                await send(sent[0])  # status line and headers only; returning now makes the server drop the socket
                return
            released = state.faults.hold()
            while not released.is_set():
                await asyncio.sleep(0.01)
            for message in sent:
                await send(message)
        else:
            await self.app(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None

