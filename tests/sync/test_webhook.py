"""Webhooks: signature check (intent to receive) and a change in Xero waking the sync."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.fixtures.net import free_port
from tests.fixtures.sync import make_invoice, send
from tests.xero_schema import validate
from tui.domain.invoice import InvoiceStatus
from tui.sync.webhook import WEBHOOK_KEY, WebhookReceiver, signature, verify

ROOT = Path(__file__).resolve().parents[2]

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


def _sync_env(c) -> dict:
    env = dict(os.environ)  # the test's config and data dirs
    env.update({"TRADIECORE_XERO_BASE": c.sb.base_url, "TRADIECORE_XERO_CLIENT_ID": c.sb.pkce_client_id,
                "TRADIECORE_SECRETS_STORE": "file", "PYTHONPATH": str(ROOT)})
    return env


def _wait(predicate, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _invoice_event(tenant_id: str, invoice_id: str) -> bytes:
    event = {"events": [{"resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{invoice_id}",
                         "resourceId": invoice_id, "eventDateUtc": "2026-11-24T23:00:00.000", "eventType": "UPDATE",
                         "eventCategory": "INVOICE", "tenantId": tenant_id, "tenantType": "ORGANISATION"}],
             "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "QWERTYUIOPASDFGHJKLZ"}
    validate(event, "WebhookEvent", "webhooks")  # shaped as Xero sends it
    return json.dumps(event).encode()


def test_tradiecore_sync_webhook_port_starts_a_pass_at_once(connected, tmp_path):
    """`tradiecore sync --webhook-port`: Xero's intent-to-receive check passes, and a signed invoice event makes
    the loop pull a payment made in Xero straight away, not at the next poll a minute later."""
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0900"))
    assert c.sync().ok
    c.services.secrets.set(WEBHOOK_KEY, KEY)
    port, log = free_port(), tmp_path / "sync.log"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sync", "--webhook-port", str(port), "--log-file", str(log)],
                            cwd=ROOT, env=_sync_env(c), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        _wait(lambda: log.exists() and "Synced" in log.read_text(), "the first pass", timeout=30)
        xero_id = c.xero_invoices("TC-0900")[0]["InvoiceID"]
        c.sb.control.pay_invoice("TC-0900")  # a change in Xero the loop will not poll for another minute
        url = f"http://127.0.0.1:{port}/xero/webhook"
        intent = json.dumps({"events": [], "firstEventSequence": 0, "lastEventSequence": 0,
                             "entropy": "ZXCVBNMASDFGHJKLQWER"}).encode()
        with httpx.Client(timeout=5) as http:
            good = http.post(url, content=intent, headers={"x-xero-signature": signature(intent, KEY)})
            bad = http.post(url, content=intent, headers={"x-xero-signature": signature(intent, "not-the-key")})
            assert (good.status_code, good.content, bad.status_code, bad.content) == (200, b"", 401, b"")
            assert c.services.invoice(inv.id).status is InvoiceStatus.SENT
            event = _invoice_event(c.tenant_id, xero_id)
            forged = http.post(url, content=event, headers={"x-xero-signature": signature(event, "not-the-key")})
            assert forged.status_code == 401
            assert http.post(url, content=event, headers={"x-xero-signature": signature(event, KEY)}).status_code == 200
            _wait(lambda: c.services.invoice(inv.id).status is InvoiceStatus.PAID, "the payment pulled after the event")
            _wait(lambda: log.read_text().count("Synced") == 2, "the pass the event started, logged")
            for _ in range(50):  # the same signed payload captured and sent again: answered, and nothing started
                assert http.post(url, content=event, headers={"x-xero-signature": signature(event, KEY)}
                                 ).status_code == 200
        time.sleep(2)
        assert log.read_text().count("Xero webhook: 1 invoice change(s); syncing now") == 1
        assert log.read_text().count("Synced") == 2  # the first pass and the event's: the replays started none
        assert KEY not in log.read_text()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err.decode()
    assert f"Receiving Xero webhooks at http://127.0.0.1:{port}/xero/webhook" in err.decode()


def test_sync_webhook_port_without_a_stored_key_says_how_to_store_one(connected, tmp_path):
    c = connected
    out = subprocess.run([sys.executable, "-m", "tui", "sync", "--webhook-port", str(free_port())], cwd=ROOT,
                         env=_sync_env(c), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "No Xero webhook key is stored" in out.stderr and "--webhook-port N` once in a terminal" in out.stderr


def test_a_contact_event_makes_the_loop_read_contacts_at_once(connected, tmp_path):
    """A contact edited in Xero reaches its customer as soon as Xero's CONTACT event arrives."""
    c = connected
    inv = send(c.services, make_invoice(c.services, customer_name="Wes Hook", email="wes@example.com",
                                        number="TC-0950"))
    assert c.sync().ok
    c.services.secrets.set(WEBHOOK_KEY, KEY)
    port, log = free_port(), tmp_path / "sync.log"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sync", "--webhook-port", str(port), "--log-file", str(log)],
                            cwd=ROOT, env=_sync_env(c), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        _wait(lambda: log.exists() and "Synced" in log.read_text(), "the first pass", timeout=30)
        contact = c.sb.control.edit_contact("Wes Hook", c.tenant_id, EmailAddress="wes@xero.example")
        event = {"events": [{"resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{contact['ContactID']}",
                             "resourceId": contact["ContactID"], "eventDateUtc": "2026-11-24T23:00:00.000",
                             "eventType": "UPDATE", "eventCategory": "CONTACT", "tenantId": c.tenant_id,
                             "tenantType": "ORGANISATION"}],
                 "firstEventSequence": 2, "lastEventSequence": 2, "entropy": "QWERTYUIOPASDFGHJKLX"}
        validate(event, "WebhookEvent", "webhooks")
        body = json.dumps(event).encode()
        with httpx.Client(timeout=5) as http:
            assert http.post(f"http://127.0.0.1:{port}/xero/webhook", content=body,
                             headers={"x-xero-signature": signature(body, KEY)}).status_code == 200
        _wait(lambda: c.services.customer(inv.customer_id).email == "wes@xero.example", "the contact pulled")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err.decode()
