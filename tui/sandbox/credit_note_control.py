"""Acting on credit notes as a Xero user would (the control API's credit note part; see :mod:`tui.sandbox.control`).

    credit_note(ref, tenant_id=None) -> dict                  one credit note in Xero's JSON
    create_credit_note(tenant_id=None, **fields) -> dict      fields in Xero's names: Contact={"Name": ...},
                                                              LineItems=[...]; Type ACCRECCREDIT and Status
                                                              AUTHORISED unless given
    edit_credit_note(ref, tenant_id=None, **fields) -> dict   e.g. Status="VOIDED", Reference=...
    allocate_credit_note(ref, invoice, amount=None, tenant_id=None, date=None) -> dict
                                                              the allocation (all the credit the invoice can take
                                                              when no amount is given)
    remove_allocation(ref, allocation_id, tenant_id=None) -> dict
    refund_credit_note(ref, amount=None, tenant_id=None, account_code="090") -> dict   the refund payment
``ref`` is a CreditNoteID or CreditNoteNumber; ``invoice`` an InvoiceID or InvoiceNumber. Refused actions raise
`ControlError` with Xero's validation messages.
"""

from __future__ import annotations

from typing import Any, Callable

from tui.sandbox.allocations import allocate, remove_allocation
from tui.sandbox.control_error import ControlError
from tui.sandbox.credit_note_json import allocation_json, credit_note_json
from tui.sandbox.credit_notes import find_credit_note, save_credit_note
from tui.sandbox.invoices import find_invoice
from tui.sandbox.journal import Journal
from tui.sandbox.models import CreditNote, Organisation
from tui.sandbox.refunds import save_refund
from tui.sandbox.xero_json import payment_json


class CreditNoteControl:
    state: Any  # SandboxState

    @staticmethod
    def _credit_note(org: Organisation, ref: str) -> CreditNote:
        note = find_credit_note(org, ref)
        if note is None:
            raise ControlError(f"no credit note {ref!r} in {org.name}")
        return note

    def _act(self, tenant_id: str | None, action: Callable[[Organisation, Journal], tuple[Any, list[str]]],
             render: Callable[[Organisation, Any], dict]) -> dict[str, Any]:
        """Run ``action`` as one committed change (or none, raising its errors) and render what it made."""
        s = self.state
        with s.lock:
            org = s.organisation(tenant_id)
            journal = Journal(org)
            record, errors = action(org, journal)
            if errors:
                journal.rollback()
                raise ControlError("; ".join(errors))
            s.changed()
            return render(org, record)

    def credit_note(self, ref: str, tenant_id: str | None = None) -> dict[str, Any]:
        with self.state.lock:
            org = self.state.organisation(tenant_id)
            return credit_note_json(org, self._credit_note(org, ref), unitdp=4)

    def create_credit_note(self, tenant_id: str | None = None, **fields: Any) -> dict[str, Any]:
        raw = {"Type": "ACCRECCREDIT", "Status": "AUTHORISED", **fields}
        return self._act(tenant_id, lambda org, j: save_credit_note(
            j, raw, now=self.state.clock.now(), unitdp=4, create_only=True),
            lambda org, note: credit_note_json(org, note, unitdp=4))

    def edit_credit_note(self, ref: str, tenant_id: str | None = None, **fields: Any) -> dict[str, Any]:
        return self._act(tenant_id, lambda org, j: save_credit_note(
            j, fields, now=self.state.clock.now(), unitdp=4, create_only=False,
            existing=self._credit_note(org, ref)), lambda org, note: credit_note_json(org, note, unitdp=4))

    def allocate_credit_note(self, ref: str, invoice: str, amount: Any = None, tenant_id: str | None = None,
                             date: str | None = None) -> dict[str, Any]:
        def action(org: Organisation, journal: Journal) -> tuple[Any, list[str]]:
            note = self._credit_note(org, ref)
            found = find_invoice(org, invoice)
            if found is None:
                raise ControlError(f"no invoice {invoice!r} in {org.name}")
            whole = min(note.remaining_credit, found.amount_due)
            raw = {"Invoice": {"InvoiceID": found.invoice_id}, "Amount": str(whole if amount is None else amount),
                   "Date": date or self.state.clock.now().date().isoformat()}
            return allocate(journal, note, raw, now=self.state.clock.now())
        return self._act(tenant_id, action, allocation_json)

    def remove_allocation(self, ref: str, allocation_id: str, tenant_id: str | None = None) -> dict[str, Any]:
        def action(org: Organisation, journal: Journal) -> tuple[Any, list[str]]:
            removed = remove_allocation(journal, self._credit_note(org, ref), allocation_id,
                                        now=self.state.clock.now())
            return removed, [] if removed is not None else [f"no allocation {allocation_id!r} on {ref!r}"]
        return self._act(tenant_id, action, allocation_json)

    def refund_credit_note(self, ref: str, amount: Any = None, tenant_id: str | None = None, *,
                           account_code: str = "090") -> dict[str, Any]:
        def action(org: Organisation, journal: Journal) -> tuple[Any, list[str]]:
            note = self._credit_note(org, ref)
            raw = {"CreditNote": {"CreditNoteID": note.credit_note_id}, "Account": {"Code": account_code},
                   "Amount": str(note.remaining_credit if amount is None else amount)}
            return save_refund(journal, raw, now=self.state.clock.now())
        return self._act(tenant_id, action, payment_json)
