"""XeroApi against the sandbox over HTTP: reads, filters and paging, batch writes with per-item errors,
idempotent retries, hostile names, rate limits and faults."""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tui.xero import wire
from tests.xero.conftest import drive_consent
from tui.xero.api import XeroApi
from tui.xero.sign_in import Consent
from tui.xero.errors import Disconnected, RateLimited, Unavailable, ValidationFailed
from tui.xero.ratelimit import Limits, RateLimiter

HOSTILE = ['Bob "The Builder" Smith', "O'Brien & Sons <Plumbing>", 'Quote " & < \' mix', '""Doubled""']


def requests(sandbox, key: str) -> int:
    return sandbox.control.counters()["requests"].get(key, 0)


def invoice(contact_name: str, number: str, unit: str = "123.4567", qty: str = "3") -> dict:
    today = date(2026, 11, 25)
    return {
        "Type": "ACCREC",
        "Contact": {"Name": contact_name},
        "InvoiceNumber": number,
        "Status": "AUTHORISED",
        "SentToContact": True,
        "Date": wire.format_date(today),
        "DueDate": wire.format_date(today + timedelta(days=14)),
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {"Description": "Labour", "Quantity": Decimal(qty), "UnitAmount": Decimal(unit), "AccountCode": "210",
             "TaxType": "OUTPUT"}
        ],
    }


def test_organisation_accounts_and_tax_rates(api):
    assert api.organisation()["Name"] == "Demo Company (AU)"
    revenue = api.accounts(where='Class=="REVENUE"&&Status=="ACTIVE"')
    assert {a["Code"] for a in revenue} >= {"200", "210", "220"}
    assert "250" not in {a["Code"] for a in revenue}  # archived
    rates = {r["TaxType"]: r for r in api.tax_rates()}
    assert rates["OUTPUT"]["EffectiveRate"] == Decimal("10.0000") or rates["OUTPUT"]["DisplayTaxRate"] == Decimal("10")


def test_usage_counts_calls(api):
    api.organisation()
    api.tax_rates()
    usage = api.usage()
    assert usage.calls_today == 2 and usage.day_limit == 5000
    assert usage.day_remaining <= 4998


def test_contacts_paged_and_filtered(api, sandbox):
    everyone = api.contacts(include_archived=True, page_size=2)
    assert len(everyone) == 6
    assert requests(sandbox, "GET /api.xro/2.0/contacts") == 3  # Xero's pagination says 3 pages: no 4th call
    active = api.contacts()
    assert "Hamilton Smith Ltd" not in {c["Name"] for c in active}
    (bayside,) = api.contacts(where=wire.where_equals("Name", "Bayside Club"))
    assert api.contacts(ids=[bayside["ContactID"]])[0]["Name"] == "Bayside Club"
    assert [c["Name"] for c in api.contacts(search_term="bsclub")] == ["Bayside Club"]


def test_one_call_reads_a_small_organisation(api, sandbox):
    sandbox.control.reset_counters()
    api.contacts(include_archived=True)
    api.invoices(summary_only=True)
    counts = sandbox.control.counters()["requests"]
    assert counts == {"GET /api.xro/2.0/contacts": 1, "GET /api.xro/2.0/invoices": 1}


def test_hostile_names_round_trip_through_where(api):
    created = api.put_contacts([{"Name": n, "EmailAddress": f"c{i}@example.com"} for i, n in enumerate(HOSTILE)],
                               idempotency_key="contacts-hostile-1")
    assert [c["Name"] for c in created] == HOSTILE
    for name, contact in zip(HOSTILE, created):
        found = api.contacts(where=wire.where_equals("Name", name))
        assert [c["ContactID"] for c in found] == [contact["ContactID"]], name


def test_batch_write_reports_each_item(api):
    good = {"Name": "New Customer Pty Ltd"}
    duplicate = {"Name": "Bayside Club"}  # Xero contact names are unique
    results = api.put_contacts([good, duplicate], idempotency_key="contacts-batch-1")
    assert len(results) == 2
    assert wire.validation_messages(results[0]) == []
    assert results[0]["ContactID"]
    assert wire.validation_messages(results[1])  # Xero says why, for that contact only


def test_invoices_keep_four_decimal_unit_prices_and_exact_totals(api):
    (created,) = api.post_invoices([invoice("Bayside Club", "TC-0001")], idempotency_key="inv-1")
    assert wire.validation_messages(created) == []
    line = created["LineItems"][0]
    assert line["UnitAmount"] == Decimal("123.4567")
    assert created["SubTotal"] == Decimal("370.37")
    assert isinstance(created["Total"], Decimal)
    (again,) = api.invoices(invoice_numbers=["TC-0001"])
    assert again["InvoiceID"] == created["InvoiceID"]
    assert again["LineItems"][0]["UnitAmount"] == Decimal("123.4567")
    assert wire.parse_datetime(again["UpdatedDateUTC"]).tzinfo is not None


def test_invoice_filters_and_modified_since(api, sandbox):
    numbers = {i["InvoiceNumber"] for i in api.invoices(summary_only=True)}
    assert len(numbers) == 5
    voided = api.invoices(statuses=["VOIDED"])
    assert len(voided) == 1
    since = wire.parse_datetime(max(i["UpdatedDateUTC"] for i in api.invoices()))
    sandbox.control.advance_clock(5)
    (created,) = api.post_invoices([invoice("Marine Systems", "TC-0002")], idempotency_key="inv-2")
    changed = api.invoices(modified_since=since + timedelta(milliseconds=1))
    assert [i["InvoiceNumber"] for i in changed] == ["TC-0002"]
    contact_id = created["Contact"]["ContactID"]
    assert {i["InvoiceNumber"] for i in api.invoices(contact_ids=[contact_id])} >= {"TC-0002"}
    assert api.invoices(ids=[created["InvoiceID"]])[0]["InvoiceNumber"] == "TC-0002"
    assert api.invoices(where='Status=="DRAFT"')[0]["Status"] == "DRAFT"


def test_update_invoice_and_read_a_payment_made_in_xero(api, sandbox):
    (created,) = api.post_invoices([invoice("Boom FM", "TC-0003", unit="100", qty="1")], idempotency_key="inv-3")
    (updated,) = api.post_invoices(
        [{"InvoiceID": created["InvoiceID"], "Reference": "Job 42"}], idempotency_key="inv-3-ref"
    )
    assert updated["Reference"] == "Job 42"
    sandbox.control.pay_invoice(created["InvoiceID"], Decimal("110.00"))
    (paid,) = api.invoices(ids=[created["InvoiceID"]])
    assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == ("PAID", Decimal("0.00"), Decimal("110.00"))


def test_a_whole_request_refused_is_validation_failed(api):
    with pytest.raises(ValidationFailed) as info:
        api.accounts(where='Name=="unterminated')
    assert info.value.messages


def test_idempotency_key_is_checked():
    with pytest.raises(ValueError):
        XeroApi.__new__(XeroApi)._write("PUT", "Contacts", {}, "x" * 129)


def test_dropped_response_after_commit_is_retried_without_a_duplicate(api, sandbox):
    sandbox.control.inject("close", 1, path="/api.xro/2.0/invoices")
    (created,) = api.post_invoices([invoice("City Agency", "TC-0004")], idempotency_key="inv-4")
    assert requests(sandbox, "POST /api.xro/2.0/invoices") == 2
    assert [i["InvoiceID"] for i in api.invoices(invoice_numbers=["TC-0004"])] == [created["InvoiceID"]]


def test_5xx_and_503_are_retried(api, sandbox):
    sandbox.control.inject("500", 2)
    assert api.organisation()["Name"] == "Demo Company (AU)"
    sandbox.control.inject("503", 2)
    assert api.tax_rates()
    assert requests(sandbox, "GET /api.xro/2.0/organisation") == 3
    assert len(api.limiter.clock.slept) == 4  # backoff waits, on the fake clock


def test_xero_offline_for_good_is_unavailable(api, sandbox):
    sandbox.control.inject("503", 10)
    with pytest.raises(Unavailable, match="offline"):
        api.organisation()
    assert requests(sandbox, "GET /api.xro/2.0/organisation") == 5


def test_429_storm_completes(api, sandbox):
    sandbox.control.inject("429", 12, seconds=3)
    assert api.organisation()["Name"] == "Demo Company (AU)"
    assert requests(sandbox, "GET /api.xro/2.0/organisation") == 13
    assert sum(api.limiter.clock.slept) >= 36  # each Retry-After honoured (on the fake clock)


def test_endless_429_gives_up_with_retry_after(api, sandbox):
    sandbox.control.inject("429", 100, seconds=7)
    with pytest.raises(RateLimited) as info:
        api.organisation()
    assert info.value.retry_after == 7


def test_client_limit_keeps_the_sandbox_from_saying_429(sb_cfg, sandbox, connected, api):
    calls = 75
    for _ in range(calls):
        api.organisation()
    assert requests(sandbox, "GET /api.xro/2.0/organisation") == calls  # no 429 retries were needed
    assert api.limiter.clock.monotonic() - 1000 >= 60  # the 61st call waited for the minute window


def test_scaled_limits_for_the_benchmark(sb_cfg, sandbox, connected):
    sandbox.control.configure(minute_limit=600)
    limiter = RateLimiter(Limits(per_minute=600))
    with XeroApi(sb_cfg.xero, connected, sandbox.demo_tenant_id, limiter=limiter) as api:
        for _ in range(100):
            api.organisation()
    assert limiter.usage(sandbox.demo_tenant_id).minute_remaining == 500


def test_organisation_disconnected_in_xero_is_detected_and_recorded(sb_cfg, sandbox, oauth, connected, api):
    other = Consent(oauth)  # the same user also connected a second organisation: their grants stay alive
    drive_consent(sandbox, other.url, tenant_id=sandbox.second_tenant_id)
    other.finish(other.wait(10))
    sandbox.control.revoke_connection(sandbox.demo_tenant_id)  # "Disconnect" pressed inside Xero
    with pytest.raises(Disconnected, match="disconnected from tradiecore in Xero"):
        api.organisation()
    with pytest.raises(Disconnected, match="disconnected from tradiecore in Xero"):
        connected.access_token()  # recorded for every process of the business
    assert connected.store.load().disconnected_at > 0


def test_organisation_never_connected_is_refused_without_touching_the_token_set(sb_cfg, sandbox, connected):
    with XeroApi(sb_cfg.xero, connected, sandbox.second_tenant_id) as api:
        with pytest.raises(Disconnected):
            api.organisation()
    assert connected.access_token()


def test_twenty_threads_never_exceed_five_in_flight(sb_cfg, sandbox, connected):
    sandbox.control.configure(latency=0.05, minute_limit=600)
    sandbox.control.reset_counters()
    with XeroApi(sb_cfg.xero, connected, sandbox.demo_tenant_id, limiter=RateLimiter(Limits(per_minute=600))) as api:
        with ThreadPoolExecutor(max_workers=20) as pool:
            names = list(pool.map(lambda _: api.organisation()["Name"], range(40)))
    assert names == ["Demo Company (AU)"] * 40
    assert requests(sandbox, "GET /api.xro/2.0/organisation") == 40  # not one 429 for concurrency


def test_daily_limit_from_xero_stops_calls_without_waiting(sb_cfg, sandbox, api):
    sandbox.control.configure(day_limit=5)
    for _ in range(5):
        api.organisation()
    assert api.usage().day_remaining == 0  # learnt from X-DayLimit-Remaining
    before = requests(sandbox, "GET /api.xro/2.0/organisation")
    with pytest.raises(RateLimited, match="Today's Xero call limit") as info:
        api.organisation()
    assert info.value.problem == "day"
    assert requests(sandbox, "GET /api.xro/2.0/organisation") == before  # not even sent


def test_tokens_never_logged_and_failures_are(api, sandbox, connected, caplog):
    caplog.set_level(logging.DEBUG)
    before = connected.current()
    sandbox.control.advance_clock(1800)  # a refresh along the way
    api.organisation()
    with pytest.raises(ValidationFailed):
        api.accounts(where='Name=="unterminated')
    after = connected.current()
    for secret in (before.access_token, before.refresh_token, after.access_token, after.refresh_token):
        assert secret not in caplog.text
    assert "Xero GET /api.xro/2.0/Accounts failed: Xero did not accept this" in caplog.text
    assert "Xero tokens refreshed" in caplog.text
