"""Xero webhooks: a change in Xero wakes the sync at once instead of at the next poll.

``tradiecore sync --webhook-port N`` runs a :class:`WebhookReceiver` beside the sync loop (put it behind the
shop's HTTPS reverse proxy and give Xero that address). Xero POSTs ``{"events": [...], "firstEventSequence": n,
"lastEventSequence": m, "entropy": "..."}`` with an ``x-xero-signature`` header: base64(HMAC-SHA256(webhook key,
raw body)). A correct signature is answered 200 and an incorrect one 401, with an empty body, within 5 seconds:
that is also how Xero's "intent to receive" check works (it sends signed and wrongly signed empty event lists).
The events themselves are only a hint: the pass they start reads what changed with ``If-Modified-Since`` as
always. The webhook key (Xero's developer portal, the app's Webhooks page) is kept in the secrets store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

log = logging.getLogger("tui.sync")
MAX_BODY = 1_000_000
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
    return hmac.compare_digest(signature(body, key), header.strip())


def invoice_events(body: bytes) -> list[dict]:
    """The INVOICE and CONTACT events of a verified payload (for the log; the pull does the real work)."""
    try:
        events = json.loads(body or b"{}").get("events") or []
    except (ValueError, AttributeError):
        return []
    return [e for e in events if isinstance(e, dict) and e.get("eventCategory") in ("INVOICE", "CONTACT")]


class WebhookReceiver:
    """A small HTTP listener (put it behind the shop's HTTPS reverse proxy); ``on_change()`` runs per verified
    payload that has invoice events: ``tradiecore sync`` passes the ``set`` of its loop's ``wake`` event."""

    def __init__(self, key: str, on_change: Callable[[], None], host: str = "127.0.0.1", port: int = 0,
                 path: str = "/xero/webhook"):
        self.key = key
        self.on_change = on_change
        self.path = path
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                if self.path != receiver.path or length > MAX_BODY:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = self.rfile.read(length)
                if not verify(body, self.headers.get("x-xero-signature"), receiver.key):
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                events = invoice_events(body)
                if events:
                    log.info("Xero webhook: %d invoice change(s); syncing now", len(events))
                    receiver.on_change()

            def log_message(self, fmt, *args):  # never log request lines with headers
                log.debug("webhook %s", fmt % args)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="xero-webhook", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
