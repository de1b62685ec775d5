"""The credit notes part of ``python -m tui.bench sync``: a credit note made from each of 200 invoices the first sync
sent, sent (and so allocated to its invoice) as the app records it, the pass that takes them to Xero (as the sandbox
counts its calls), and a naive baseline on a sample: one client call per credit note to create it (allocation
included in the body, as ``PUT /CreditNotes`` would take it one at a time) and one to allocate it."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from decimal import Decimal

NOTES = 200
PRICE = Decimal("1.00")  # a credit of $1.00 a line, plus GST: well under what each invoice owes


@dataclass(frozen=True)
class CreditNotesBench:
    notes: int
    calls: int
    baseline_per_note: float
    ok: bool

    @property
    def target(self) -> int:
        """Creations 50 to a request, one allocation request per credit note, and two reads."""
        return math.ceil(self.notes / 50) + self.notes + 2

    def print_summary(self, sample: float) -> None:
        print(f"credit notes: {self.calls} calls for {self.notes} credit notes (target {self.target})")
        print(f"credit notes baseline: {self.baseline_per_note:.2f} calls per credit note "
              f"({self.baseline_per_note * self.notes:.0f} calls for {self.notes}, projected from a "
              f"one-call-per-credit-note client measured on a {sample:.0%} sample)")


def send_credit_notes(services, invoice_ids: list[int]) -> list[int]:
    """A credit note from each invoice's first line (one, at $1.00), sent as the app records a send: claimed, then
    done (allocated to its invoice, both queued for Xero). No email: the benchmark counts Xero's calls."""
    from tui.domain.credit import LinePick, draft_from_invoice
    from tui.store.credit_notes import save_credit_note
    from tui.store.credit_sends import claim_credit_note_send, finish_credit_note_send
    from tui.store.invoices import get_invoice

    now, today, tz = services.now(), services.today(), "Australia/Sydney"
    out = []
    for invoice_id in invoice_ids:
        with services.session() as s:
            note = draft_from_invoice(get_invoice(s, invoice_id), today, [LinePick(0, Decimal(1), PRICE)])
            note = save_credit_note(s, note, "bench", now, tz)
            claim = claim_credit_note_send(s, note.id, note.version, "x@example.com", "bench", now, tz)
            finish_credit_note_send(s, claim, now, tz)
            out.append(note.id)
    return out


def bench_credit_notes(sb, runner, services, tenant_id: str, invoice_ids: list[int], api_factory, sample: float,
                       total) -> CreditNotesBench:
    """``total(counters)`` counts the sandbox's calls; ``sb`` resets and reads its counters."""
    from tui.store.credit_tables import CreditNoteRow
    from tui.store.tables import CustomerRow, InvoiceRow
    from tui.xero import wire

    chosen = invoice_ids[:NOTES]
    note_ids = send_credit_notes(services, chosen)
    sb.reset()
    t0 = time.perf_counter()
    report = runner.run_once()
    wall = time.perf_counter() - t0
    counters = sb.counters()
    # the pass's calls but the contacts read, which their own cadence makes due (the contacts bench counts it)
    calls = total(counters) - counters.get("requests", {}).get("GET /api.xro/2.0/contacts", 0)
    print(f"\ncredit notes: sent {report.pushed} records in {wall:.1f} s; errors {report.errors}; "
          f"pending {report.pending}")
    for key, n in sorted(counters.get("requests", {}).items()):
        print(f"  {key:<44} {n:>6}")
    with services.session() as s:
        linked = sum(1 for i in note_ids if s.get(CreditNoteRow, i).xero_credit_note_id)

    # The baseline: a client that sends each credit note on its own, then allocates it (two calls each).
    sampled = chosen[:max(1, int(len(chosen) * sample))]
    with services.session() as s:
        rows = [s.get(InvoiceRow, i) for i in sampled]
        targets = [(r.xero_invoice_id, s.get(CustomerRow, r.customer_id).xero_contact_id) for r in rows]
    on = wire.format_date(services.today())
    sb.reset()
    with api_factory(tenant_id, "custom") as api:
        for n, (xero_id, contact_id) in enumerate(targets):
            created = api.put_credit_notes([_naive_body(contact_id, n)], f"naive-cn-{n}")[0]
            api.put_allocations(created["CreditNoteID"], [{"Invoice": {"InvoiceID": xero_id}, "Amount": "1.10",
                                                          "Date": on}], f"naive-al-{n}")
    per_note = total(sb.counters()) / len(targets)
    ok = report.ok and report.errors == 0 and linked == len(note_ids) \
        and calls <= math.ceil(len(note_ids) / 50) + len(note_ids) + 2
    return CreditNotesBench(len(note_ids), calls, per_note, ok)


def _naive_body(contact_id: str, n: int) -> dict:
    return {"Type": "ACCRECCREDIT", "Status": "AUTHORISED", "Contact": {"ContactID": contact_id},
            "CreditNoteNumber": f"NAIVE-{n + 1:04d}", "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": "Naive credit", "Quantity": 1, "UnitAmount": PRICE, "AccountCode": "200",
                           "TaxType": "OUTPUT"}]}
