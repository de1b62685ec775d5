"""Webhooks: signature check (intent to receive) and a change in Xero waking the sync."""

from __future__ import annotations

import json
import threading

import httpx

from tui.sync.webhook import WebhookReceiver, signature, verify

KEY = "webhook-key-from-xero"


def test_signature_and_intent_to_receive():
    body = json.dumps({"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": "X"}).encode()
    assert verify(body, signature(body, KEY), KEY)
    assert not verify(body, signature(body, "other"), KEY)
    assert not verify(body + b" ", signature(body, KEY), KEY)
    assert not verify(body, None, KEY)

    woke = threading.Event()
    receiver = WebhookReceiver(KEY, woke.set).start()
    try:
        with httpx.Client() as http:
            ok = http.post(receiver.url, content=body, headers={"x-xero-signature": signature(body, KEY)})
            bad = http.post(receiver.url, content=body, headers={"x-xero-signature": signature(body, "nope")})
            assert (ok.status_code, ok.content, bad.status_code, bad.content) == (200, b"", 401, b"")
            assert not woke.is_set()  # no invoice events: nothing to pull
            event = json.dumps({"events": [{"resourceId": "x", "eventCategory": "INVOICE", "eventType": "UPDATE",
                                            "tenantId": "t"}], "firstEventSequence": 1, "lastEventSequence": 1,
                                "entropy": "Y"}).encode()
            r = http.post(receiver.url, content=event, headers={"x-xero-signature": signature(event, KEY)})
            assert r.status_code == 200 and woke.wait(2)
    finally:
        receiver.stop()
