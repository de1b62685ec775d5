"""Xero webhooks: a change in Xero wakes the sync at once instead of at the next poll.

``tradiecore sync --webhook-port N`` runs a :class:`WebhookReceiver` beside the sync loop (put it behind the
shop's HTTPS reverse proxy and give Xero that address). Xero POSTs ``{"events": [...], "firstEventSequence": n,
"lastEventSequence": m, "entropy": "..."}`` with an ``x-xero-signature`` header: base64(HMAC-SHA256(webhook key,
raw body)). A correct signature is answered 200 and an incorrect one 401, with an empty body, within 5 seconds:
that is also how Xero's "intent to receive" check works (it sends signed and wrongly signed empty event lists).
The events themselves are only a hint: the pass they start reads what changed with ``If-Modified-Since`` as
always. The webhook key (Xero's developer portal, the app's Webhooks page) is kept in the secrets store.

The listener is Starlette on uvicorn (h11), with limits for whoever else reaches the port: a body over 1 MB is
413 whatever its ``Content-Length`` says (or if it is chunked: counted as it comes), a malformed request 400, a
body not sent within 5 s 408, headers over 16 KB 431, a wrong signature 401, all without a traceback; a
connection that sends no request within 5 s, or none after its last for 5 s, is closed; at most 32 are served
at once (beyond, 503). A payload seen before starts nothing (:class:`~tui.sync.webhook_events.EventLedger`)
and new events start at most one pass per 5 s (:class:`~tui.sync.webhook_events.Coalescer`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from typing import Callable

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from tui.sync.webhook_events import PASS_EVERY_S, Coalescer, EventLedger

log = logging.getLogger("tui.sync")
MAX_BODY = 1_000_000  # bytes
IDLE_S = 5.0  # a connection with no request under way is closed after this long; a body must come within it too
MAX_CONNECTIONS = 32  # requests beyond this many connections at once are answered 503
MAX_HEAD = 16_384  # bytes of request line and headers
WEBHOOK_KEY = "xero.webhook-key"  # the app's webhook signing key, in the secrets store


class NoWebhookKey(RuntimeError):
    """No webhook key is stored and there is no terminal to ask for one."""


def webhook_key(secrets, ask: Callable[[], str] | None = None) -> str:
    """The stored webhook key; without one, ``ask()`` for it (a terminal) and store it, else :class:`NoWebhookKey`."""
    key = secrets.get(WEBHOOK_KEY)
    if key:
        return key
    key = (ask() if ask is not None else "").strip()
    if not key:
        raise NoWebhookKey("No Xero webhook key is stored. Run `tradiecore sync --webhook-port N` once in a "
                           "terminal and paste the key from the Webhooks page of your app at Xero.")
    secrets.set(WEBHOOK_KEY, key)
    return key


def signature(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def verify(body: bytes, header: str | None, key: str) -> bool:
    """The ``x-xero-signature`` header matches the body (constant-time compare)."""
    if not header or not key:
        return False
    return hmac.compare_digest(signature(body, key).encode("ascii"), header.strip().encode("utf-8"))


def invoice_events(events: list[dict]) -> list[dict]:
    """The INVOICE, CONTACT and CREDITNOTE events among ``events`` (the pull does the real work: they only say a
    pass is worth it)."""
    return [e for e in events if isinstance(e, dict)
            and e.get("eventCategory") in ("INVOICE", "CONTACT", "CREDITNOTE")]


def _payload(body: bytes) -> dict | None:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("events", []), list) else None


class _Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection that sends no complete request head within ``IDLE_S`` (uvicorn
    itself times out only the wait between requests)."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._no_request = self.loop.call_later(self.timeout_keep_alive, self._close_if_no_request)

    def _close_if_no_request(self) -> None:
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self._no_request.cancel()
        super().connection_lost(exc)


class WebhookReceiver:
    """The listener (put it behind the shop's HTTPS reverse proxy): ``on_change()`` runs when verified payloads
    bring invoice events not seen before, at most once per ``pass_every`` seconds (``tradiecore sync`` passes the
    ``set`` of its loop's ``wake`` event)."""

    def __init__(self, key: str, on_change: Callable[[], None], host: str = "127.0.0.1", port: int = 0,
                 path: str = "/xero/webhook", *, pass_every: float = PASS_EVERY_S, idle: float = IDLE_S,
                 max_connections: int = MAX_CONNECTIONS):
        self.key = key
        self.path = path
        self.idle = idle
        self.ledger = EventLedger()
        self.passes = Coalescer(on_change, pass_every)
        app = Starlette(routes=[Route(path, self._receive, methods=["POST"])])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((host, port))
            self.sock.listen(128)
        except OSError:
            self.sock.close()
            raise
        config = uvicorn.Config(app, http=_Protocol, log_config=None, access_log=False, lifespan="off",
                                timeout_keep_alive=max(1, round(idle)), limit_concurrency=max_connections,
                                h11_max_incomplete_event_size=MAX_HEAD, timeout_graceful_shutdown=2)
        logging.getLogger("uvicorn").setLevel(logging.WARNING)  # no start-up chatter; bad requests are warnings
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, name="xero-webhook",
                                       daemon=True)

    async def _receive(self, request: Request) -> Response:
        if sum(len(name) + len(value) for name, value in request.headers.raw) > MAX_HEAD:
            return Response(status_code=431)  # h11 refuses a head that large only while it is still coming
        declared = request.headers.get("content-length")
        if declared is not None and not declared.strip().isdigit():  # h11 refuses these first; never trusted
            return Response(status_code=400)
        if declared is not None and int(declared) > MAX_BODY:  # refused before a byte of it is read
            return Response(status_code=413)
        body = bytearray()
        try:
            async with asyncio.timeout(self.idle):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > MAX_BODY:
                        return Response(status_code=413)
        except TimeoutError:
            return Response(status_code=408)
        except ClientDisconnect:
            return Response(status_code=400)
        if not verify(bytes(body), request.headers.get("x-xero-signature"), self.key):
            return Response(status_code=401)
        payload = _payload(bytes(body))
        if payload is None:
            return Response(status_code=400)
        events = invoice_events(self.ledger.fresh(payload))
        if events:
            log.info("Xero webhook: %d invoice change(s); syncing now", len(events))
            self.passes.poke()
        return Response(status_code=200)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.path}"

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self.passes.close()
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()
