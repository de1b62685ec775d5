"""The webhook listener against whoever else reaches its port, over real HTTP: bodies over the limit whatever
their Content-Length says, malformed requests, idle connections, replays of a signed payload, and floods of
valid events. Each bad request gets a status and no traceback; replays start nothing; floods start few passes."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tui.sync.webhook import MAX_BODY, WebhookReceiver, signature

KEY = "webhook-key-from-xero"


def _payload(n: int) -> bytes:
    event = {"resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/id-{n}", "resourceId": f"id-{n}",
             "eventDateUtc": "2026-11-24T23:00:00.000", "eventType": "UPDATE", "eventCategory": "INVOICE",
             "tenantId": "tenant", "tenantType": "ORGANISATION"}
    return json.dumps({"events": [event], "firstEventSequence": n, "lastEventSequence": n,
                       "entropy": "QWERTYUIOPASDFGHJKLZ"}).encode()


class Counter:
    def __init__(self):
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.calls += 1


@pytest.fixture
def receiver():
    woke = Counter()
    r = WebhookReceiver(KEY, woke, idle=2.0).start()
    r.woke = woke
    yield r
    r.stop()


def _raw(receiver, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` as is on a new connection; everything the server answers until it closes."""
    parts = urlsplit(receiver.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:  # the server answered and closed before taking all of it
            pass
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except OSError:
            pass
    return reply


def _head(path: str, headers: str) -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", " ", "99999999999999999999999"])
def test_bad_content_lengths_are_refused(receiver, caplog, length):
    caplog.set_level(logging.DEBUG)
    body = _payload(1)
    reply = _raw(receiver, _head("/xero/webhook", f"Content-Length: {length}\r\nx-xero-signature: "
                                 f"{signature(body, KEY)}\r\n") + body)
    assert _status(reply) in (400, 413)
    assert receiver.woke.calls == 0
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


def test_a_body_over_the_limit_is_refused_before_it_is_read(receiver):
    reply = _raw(receiver, _head("/xero/webhook", f"Content-Length: {50 * MAX_BODY}\r\n"))
    assert _status(reply) == 413


def test_a_chunked_body_over_the_limit_is_refused(receiver):
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(2 * MAX_BODY // len(chunk)))
    reply = _raw(receiver, _head("/xero/webhook", "Transfer-Encoding: chunked\r\n") + body + b"0\r\n\r\n")
    assert _status(reply) == 413


def test_a_chunked_body_under_the_limit_is_read(receiver):
    body = _payload(1)
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    reply = _raw(receiver, _head("/xero/webhook", f"Transfer-Encoding: chunked\r\nConnection: close\r\n"
                                 f"x-xero-signature: {signature(body, KEY)}\r\n") + chunked)
    assert _status(reply) == 200 and receiver.woke.calls == 1


def test_no_content_length_is_an_empty_body(receiver):
    reply = _raw(receiver, _head("/xero/webhook", f"Connection: close\r\nx-xero-signature: "
                                 f"{signature(b'', KEY)}\r\n"))
    assert _status(reply) == 400  # signed, but not a payload
    reply = _raw(receiver, _head("/xero/webhook", "Connection: close\r\n"))
    assert _status(reply) == 401


def test_garbage_and_unsigned_requests(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    assert _status(_raw(receiver, b"\x00\x01garbage\r\n\r\n")) == 400
    assert _status(_raw(receiver, b"GET /xero/webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 405
    assert _status(_raw(receiver, b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 404
    assert _status(_raw(receiver, _head("/xero/webhook", "X: " + "y" * 40_000 + "\r\n"))) in (400, 431)
    with httpx.Client(timeout=5) as http:
        body = b"not json"
        assert http.post(receiver.url, content=body, headers={"x-xero-signature": signature(body, KEY)}
                         ).status_code == 400
        assert http.post(receiver.url, content=_payload(1), headers={"x-xero-signature": "nope"}).status_code == 401
        assert http.post(receiver.url, content=_payload(1), headers={"x-xero-signature": "caf\xe9".encode("latin-1")}
                         ).status_code == 401
    assert receiver.woke.calls == 0
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


def test_a_body_that_never_comes_is_given_up(receiver):
    started = time.monotonic()
    reply = _raw(receiver, _head("/xero/webhook", "Content-Length: 100\r\n") + b"{")
    assert _status(reply) == 408 and time.monotonic() - started < 6


def test_300_idle_connections_are_closed_and_cost_no_threads(receiver):
    parts = urlsplit(receiver.url)
    threads = threading.active_count()
    socks = [socket.create_connection((parts.hostname, parts.port), timeout=10) for _ in range(300)]
    socks[0].sendall(b"POST /xero/webhook HTTP/1.1\r\n")  # a head that never ends counts as idle too
    try:
        time.sleep(0.5)
        assert threading.active_count() <= threads + 1  # one event loop serves them all
        reply = _raw(receiver, _head("/xero/webhook", "Content-Length: 0\r\nConnection: close\r\n"))
        assert _status(reply) == 503  # past the cap on connections at once: refused, not queued behind them
        started = time.monotonic()
        for sock in socks:  # the server hangs up on each after the idle time (2 s here)
            assert sock.recv(1) == b""
        assert time.monotonic() - started < 8
    finally:
        for sock in socks:
            sock.close()
    body = _payload(1)
    with httpx.Client(timeout=5) as http:  # and it still serves Xero
        assert http.post(receiver.url, content=body, headers={"x-xero-signature": signature(body, KEY)}
                         ).status_code == 200


def test_a_keep_alive_connection_is_closed_when_idle(receiver):
    parts = urlsplit(receiver.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(_head("/xero/webhook", "Content-Length: 0\r\n"))
        first = sock.recv(65536)
        assert _status(first) == 401
        started = time.monotonic()
        assert sock.recv(1) == b""
        assert time.monotonic() - started < 6


def test_a_replayed_payload_starts_one_pass(receiver):
    body = _payload(7)
    with httpx.Client(timeout=5) as http:
        for _ in range(50):
            r = http.post(receiver.url, content=body, headers={"x-xero-signature": signature(body, KEY)})
            assert r.status_code == 200  # Xero must not see failures for what it sent twice
    time.sleep(0.5)
    assert receiver.woke.calls == 1


def test_the_same_events_in_a_new_envelope_start_nothing(receiver):
    body = _payload(8)
    again = json.dumps({**json.loads(body), "firstEventSequence": 9, "lastEventSequence": 9}).encode()
    with httpx.Client(timeout=5) as http:
        for payload in (body, again):
            http.post(receiver.url, content=payload, headers={"x-xero-signature": signature(payload, KEY)})
    assert receiver.woke.calls == 1


def test_a_flood_of_new_events_starts_a_handful_of_passes():
    woke = Counter()
    receiver = WebhookReceiver(KEY, woke, pass_every=5.0).start()
    try:
        started = time.monotonic()
        with httpx.Client(timeout=5) as http:
            for n in range(1, 1001):
                body = _payload(n)
                assert http.post(receiver.url, content=body,
                                 headers={"x-xero-signature": signature(body, KEY)}).status_code == 200
                time.sleep(max(0.0, started + n * 0.01 - time.monotonic()))  # 1,000 over about 10 s
        elapsed = time.monotonic() - started
        time.sleep(5.5)  # the last window's pass
    finally:
        receiver.stop()
    assert 2 <= woke.calls <= elapsed / 5 + 2
