"""Rate limits and their headers, each injected fault, counters, and the control API over HTTP and in-process."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.xero_schema import validate_response
from tui.sandbox.app import create_app
from tui.sandbox.harness import fresh_state, run_sandbox

API = "/api.xro/2.0"
INVOICE = {"Type": "ACCREC", "Contact": {"Name": "Bayside Club"},
           "LineItems": [{"Description": "Call out", "Quantity": 1, "UnitAmount": 120, "AccountCode": "200"}]}


def test_every_api_response_carries_the_limit_headers(http, custom):
    first = http.get(f"{API}/Organisation", headers=custom)
    second = http.get(f"{API}/Accounts", headers=custom)
    assert int(first.headers["X-MinLimit-Remaining"]) == 59 and int(second.headers["X-MinLimit-Remaining"]) == 58
    assert int(second.headers["X-DayLimit-Remaining"]) == 4998
    assert int(second.headers["X-AppMinLimit-Remaining"]) == 9998
    failed = http.get(f"{API}/Accounts", headers=custom, params={"where": "Nope==1"})
    assert failed.status_code == 400 and failed.headers["X-MinLimit-Remaining"] == "57"


def test_minute_limit_gives_429_until_the_window_moves(sandbox, http, custom):
    sandbox.control.configure(minute_limit=3)
    for _ in range(3):
        assert http.get(f"{API}/Organisation", headers=custom).status_code == 200
    sandbox.control.advance_clock(20)
    refused = http.get(f"{API}/Organisation", headers=custom)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert 39 <= int(refused.headers["Retry-After"]) <= 41
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    sandbox.control.advance_clock(int(refused.headers["Retry-After"]))
    assert http.get(f"{API}/Organisation", headers=custom).status_code == 200


def test_day_limit(sandbox, http, custom):
    sandbox.control.configure(day_limit=2)
    for _ in range(2):
        http.get(f"{API}/Organisation", headers=custom)
    refused = http.get(f"{API}/Organisation", headers=custom)
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "day"
    assert int(refused.headers["Retry-After"]) > 80000
    sandbox.control.reset_rate_limits()
    assert http.get(f"{API}/Organisation", headers=custom).status_code == 200


def test_limits_are_per_tenant(sandbox, http, custom):
    sandbox.control.configure(minute_limit=1)
    assert http.get(f"{API}/Organisation", headers=custom).status_code == 200
    assert http.get(f"{API}/Organisation", headers=custom).status_code == 429
    sandbox.control.configure(minute_limit=60)
    assert http.get(f"{API}/Organisation", headers=custom).status_code == 200


def test_concurrent_limit(sandbox, custom):
    sandbox.control.configure(concurrent_limit=2, latency=0.4)
    statuses: list[int] = []
    problems: list[str] = []

    def call() -> None:
        with httpx.Client(base_url=sandbox.base_url, timeout=10) as client:
            response = client.get(f"{API}/Organisation", headers=custom)
            validate_response(response)
            statuses.append(response.status_code)
            problems.append(response.headers.get("X-Rate-Limit-Problem", ""))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 429] and "concurrent" in problems


def test_fault_429(sandbox, http, custom):
    sandbox.control.inject("429", seconds=7)
    response = http.get(f"{API}/Invoices", headers=custom)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.headers["X-Rate-Limit-Problem"] == "minute"
    assert http.get(f"{API}/Invoices", headers=custom).status_code == 200


def test_fault_500_and_503_do_no_work(sandbox, http, custom):
    sandbox.control.inject("500")
    sandbox.control.inject("503", 2)
    statuses = [http.put(f"{API}/Invoices", headers=custom, json=INVOICE).status_code for _ in range(3)]
    assert statuses == [500, 503, 503]
    offline = http.get(f"{API}/Organisation", headers=custom)
    assert offline.status_code == 200
    invoices = http.get(f"{API}/Invoices", headers=custom).json()["Invoices"]
    assert len(invoices) == 5


def test_fault_503_body(sandbox, http, custom):
    sandbox.control.inject("503")
    response = http.get(f"{API}/Organisation", headers=custom)
    assert response.status_code == 503 and response.text == "The Organisation is offline"


def test_fault_latency(sandbox, http, custom):
    sandbox.control.inject("latency", seconds=0.3)
    start = time.perf_counter()
    http.get(f"{API}/Organisation", headers=custom)
    assert time.perf_counter() - start >= 0.3
    start = time.perf_counter()
    http.get(f"{API}/Organisation", headers=custom)
    assert time.perf_counter() - start < 0.3


def test_latency_setting_applies_to_every_request(sandbox, http, custom):
    sandbox.control.configure(latency=0.05)
    start = time.perf_counter()
    for _ in range(4):
        http.get(f"{API}/Organisation", headers=custom)
    assert time.perf_counter() - start >= 0.2


def test_a_client_gone_while_its_call_waits_out_the_latency_has_nothing_done_and_no_error(sandbox, custom):
    """As when a syncer is killed mid-request: the sandbox drops the call quietly, it does not log a crash."""
    import json
    import logging
    import socket
    from urllib.parse import urlsplit

    errors: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: errors.append(record.getMessage())

    sandbox.control.configure(latency=0.3)
    url = urlsplit(sandbox.base_url)
    body = json.dumps({"Contacts": [{"Name": "Gone Before Answered"}]}).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in {**custom, "Host": url.netloc, "Content-Type": "application/json",
                                                  "Content-Length": str(len(body))}.items())
    logging.getLogger("uvicorn.error").addHandler(handler)
    try:
        with socket.create_connection((url.hostname, url.port)) as sock:
            sock.sendall(f"PUT {API}/Contacts HTTP/1.1\r\n{head}\r\n".encode() + body)
            time.sleep(0.05)  # the request has arrived and waits
        time.sleep(0.6)
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    assert sandbox.control.counters()["requests"]["PUT /api.xro/2.0/contacts"] == 1
    assert not [c for c in sandbox.control.snapshot()["organisations"][sandbox.demo_tenant_id]["Contacts"]
                if c["Name"] == "Gone Before Answered"]
    assert errors == []


def test_fault_close_after_commit(sandbox, http, custom):
    sandbox.control.inject("close")
    headers = {**custom, "Idempotency-Key": "retry-me"}
    with pytest.raises(httpx.RemoteProtocolError):
        http.put(f"{API}/Invoices", headers=headers, json=INVOICE)
    committed = [i for i in sandbox.control.snapshot()["organisations"][sandbox.demo_tenant_id]["Invoices"]
                 if i["Total"] == 132]
    assert len(committed) == 1  # the write happened although the client never saw the response
    retry = http.put(f"{API}/Invoices", headers=headers, json=INVOICE)
    assert retry.status_code == 200 and retry.json()["Invoices"][0]["InvoiceID"] == committed[0]["InvoiceID"]


def test_fault_hold_until_released(sandbox, http, custom):
    sandbox.control.inject("hold")
    result: dict = {}

    def push() -> None:
        with httpx.Client(base_url=sandbox.base_url, timeout=10) as client:
            result["response"] = client.put(f"{API}/Invoices", headers=custom, json=INVOICE)

    thread = threading.Thread(target=push)
    thread.start()
    assert sandbox.control.wait_for_held(1)
    assert "response" not in result
    numbers = [i["InvoiceNumber"] for i in sandbox.control.snapshot()["organisations"][sandbox.demo_tenant_id]["Invoices"]]
    assert "INV-0006" in numbers  # committed while the response waits
    assert sandbox.control.release_holds() == 1
    thread.join(5)
    validate_response(result["response"])
    assert result["response"].json()["Invoices"][0]["InvoiceNumber"] == "INV-0006"


def test_faults_match_a_path_and_methods(sandbox, http, custom):
    sandbox.control.inject("500", path="/Contacts", methods=["PUT"])
    assert http.get(f"{API}/Contacts", headers=custom).status_code == 200
    assert http.get(f"{API}/Invoices", headers=custom).status_code == 200
    assert http.put(f"{API}/Contacts", headers=custom, json={"Name": "X"}).status_code == 500
    assert sandbox.control.pending_faults() == []


def test_malformed_replies_are_200s_that_do_no_work(sandbox, custom):
    """Off the spec on purpose (so not through the checking client): what a proxy or a broken gateway sends."""
    sandbox.control.inject("html", path="/Invoices", methods=["GET"])
    sandbox.control.inject("json_list", path="/Contacts")
    sandbox.control.inject("no_collection", path="/Invoices", methods=["PUT"])
    with httpx.Client(base_url=sandbox.base_url, timeout=10) as raw:
        page = raw.get(f"{API}/Invoices", headers=custom)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.text.startswith("<!DOCTYPE html>")
        listed = raw.get(f"{API}/Contacts", headers=custom)
        assert listed.status_code == 200 and listed.json() == [{"Status": "OK"}]
        written = raw.put(f"{API}/Invoices", headers=custom, json=INVOICE)
        assert written.status_code == 200 and "Invoices" not in written.json() and written.json()["Status"] == "OK"
        assert len(raw.get(f"{API}/Invoices", headers=custom).json()["Invoices"]) == 5  # the PUT wrote nothing
        token = raw.post("/connect/token", data={"grant_type": "client_credentials"},
                         auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
        assert token.status_code == 200 and "access_token" in token.json()  # only the paths asked for
    assert sandbox.control.pending_faults() == []


def test_fault_on_the_token_endpoint(sandbox, http):
    sandbox.control.inject("503", path="/connect/token")
    response = http.post("/connect/token", data={"grant_type": "client_credentials"},
                         auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
    assert response.status_code == 503


def test_counters_per_endpoint_and_method(sandbox, http, custom):
    sandbox.control.reset_counters()
    http.get(f"{API}/Invoices", headers=custom)
    http.get(f"{API}/invoices", headers=custom)
    http.get(f"{API}/Invoices/INV-0001", headers=custom)
    http.put(f"{API}/Invoices", headers=custom, json=INVOICE)
    http.get("/connections", headers=custom)
    assert sandbox.control.counters() == {"requests": {
        "GET /api.xro/2.0/invoices": 2, "GET /api.xro/2.0/invoices/{id}": 1, "PUT /api.xro/2.0/invoices": 1,
        "GET /connections": 1}, "token_requests": {}}


def test_request_body_checked_after_reading_too(sandbox, http, custom):
    sandbox.control.configure(max_request_bytes=1000)

    def chunks():
        yield b'{"Invoices": [' + b" " * 2000 + b"]}"

    response = http.put(f"{API}/Invoices", headers=custom, content=chunks())
    assert response.status_code == 413


def test_control_endpoints_over_http():
    hooks = {"response": [lambda r: (r.read(), validate_response(r))]}
    with run_sandbox(control_endpoints=True) as sb, httpx.Client(base_url=sb.base_url, event_hooks=hooks) as client:
        token = client.post("/connect/token", data={"grant_type": "client_credentials"},
                            auth=(sb.custom_client_id, sb.custom_client_secret)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/_sandbox/faults", json={"kind": "503"}).json()[0]["kind"] == "503"
        assert client.get(f"{API}/Organisation", headers=headers).status_code == 503
        assert client.post("/_sandbox/clock/advance", json={"seconds": 1800}).status_code == 200
        assert client.get(f"{API}/Organisation", headers=headers).json()["Detail"].startswith("TokenExpired")
        paid = client.post("/_sandbox/invoices/INV-0001/pay", json={}).json()
        assert paid["Status"] == "PAID"
        assert client.post("/_sandbox/invoices/INV-0001/void", json={}).status_code == 400
        assert client.post("/_sandbox/accounts/200/archive").json()["Status"] == "ARCHIVED"
        assert client.post("/_sandbox/settings", json={"latency": 0.01}).json()["latency"] == 0.01
        assert client.post("/_sandbox/faults", json={"kind": "bogus"}).status_code == 400
        assert client.post("/_sandbox/faults", json={"kind": "html", "path": "/connections"}).json()[-1] == \
            {"kind": "html", "remaining": 1, "path": "/connections", "methods": None, "seconds": None}
        assert client.delete("/_sandbox/faults").status_code == 200
        counters = client.get("/_sandbox/counters").json()
        assert counters["requests"]["GET /api.xro/2.0/organisation"] == 2
        assert client.post("/_sandbox/connections/revoke", json={"client_id": sb.custom_client_id}).json() == \
            {"removed": 1}
        state = client.get("/_sandbox/state").json()
        assert state["connections"] == [] and sb.custom_client_secret not in str(state)


def test_control_endpoints_are_off_by_default(sandbox, http):
    assert http.get("/_sandbox/state").status_code == 404


async def test_in_process_through_the_asgi_transport():
    state = fresh_state()
    transport = httpx.ASGITransport(app=create_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
        token = await client.post("/connect/token", data={"grant_type": "client_credentials"},
                                  auth=(state.custom_client.client_id, state.custom_client.secret))
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        response = await client.put(f"{API}/Invoices", headers=headers, json=INVOICE)
        validate_response(response)
        assert response.json()["Invoices"][0]["Total"] == 132


def test_harness_token_and_reset(sandbox, http):
    headers = {"Authorization": f"Bearer {sandbox.custom_token()}"}
    assert http.put(f"{API}/Invoices", headers=headers, json=INVOICE).status_code == 200
    old_secret = sandbox.custom_client_secret
    sandbox.reset(minute_limit=7)
    assert sandbox.custom_client_secret != old_secret
    assert http.get(f"{API}/Invoices", headers=headers).status_code == 401  # tokens belonged to the old state
    fresh = {"Authorization": f"Bearer {sandbox.custom_token()}"}
    response = http.get(f"{API}/Invoices", headers=fresh)
    assert len(response.json()["Invoices"]) == 5 and response.headers["X-MinLimit-Remaining"] == "6"
    assert sandbox.state.pkce_client.redirect_uris == ["http://127.0.0.1:8765/callback"]
