"""Waits and limits on what comes back from Xero: a 429's Retry-After honoured as given (not stretched to the end
of a minute window), and a reply larger than the cap refused as it streams in, without reading it whole."""

from __future__ import annotations

import socket
import threading
import time
from random import Random

import pytest

from tests.xero.conftest import LinkedClock
from tui.xero.api import MAX_REPLY_BYTES, XeroApi
from tui.xero.errors import UnexpectedReply
from tui.xero.ratelimit import Backoff, RateLimiter


def test_retry_after_one_second_costs_about_one_second(api, sandbox):
    sandbox.control.inject("429", 1, seconds=1)  # the 429 also says X-MinLimit-Remaining: 0, as Xero's do
    assert api.organisation()["Name"] == "Demo Company (AU)"
    assert 1 <= sum(api.limiter.clock.slept) < 2  # the wait the client computed: 1 s, not a minute


def test_two_short_429s_cost_two_seconds(api, sandbox):
    sandbox.control.inject("429", 2, seconds=1)
    api.organisation()
    assert 2 <= sum(api.limiter.clock.slept) < 3


def test_an_oversized_reply_is_refused(sb_cfg, sandbox, connected):
    clock = LinkedClock(sandbox.control)
    with XeroApi(sb_cfg.xero, connected, sandbox.demo_tenant_id, limiter=RateLimiter(clock=clock),
                 backoff=Backoff(rng=Random(1)), max_reply_bytes=2_000) as small:
        assert small.organisation()["Name"] == "Demo Company (AU)"  # under the cap
        with pytest.raises(UnexpectedReply, match=r"GET /api.xro/2.0/Invoices \(HTTP 200, .*over the 2,000-byte"):
            small.invoices()
    assert MAX_REPLY_BYTES == 20_000_000  # the cap the README names


class _Endless:
    """A server that answers 200 with a body that never ends (chunked, no length), counting what it sent."""

    def __init__(self, declared: int | None = None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sent = 0
        self.declared = declared
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            length = f"Content-Length: {self.declared}\r\n" if self.declared else "Transfer-Encoding: chunked\r\n"
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n".encode())
            chunk = b'{"Invoices": [' + b" " * 65_000
            piece = chunk if self.declared else f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            try:
                while self.sent < 500_000_000:
                    conn.sendall(piece)
                    self.sent += len(chunk)
            except OSError:  # the client hung up: what it refused was never sent
                pass


@pytest.mark.parametrize("declared", [None, 80_000_000], ids=["chunked", "declared-80MB"])
def test_an_endless_reply_is_refused_without_reading_it(sb_cfg, connected, declared):
    server = _Endless(declared)
    api = XeroApi(sb_cfg.xero, connected, "tenant", max_reply_bytes=1_000_000)
    api.base = f"{server.url}/api.xro/2.0/"
    started = time.monotonic()
    try:
        with pytest.raises(UnexpectedReply, match="over the 1,000,000-byte limit"):
            api.invoices_page()
    finally:
        api.close()
        server.thread.join(10)
        server.sock.close()
    assert time.monotonic() - started < 10
    assert server.sent < 20_000_000  # the client stopped reading at the cap; the rest never left the server
