"""Xero's credit notes, for :class:`~tui.xero.api.XeroApi` (mixed in): read with ``If-Modified-Since`` and paging,
created 50 to a ``PUT /CreditNotes``, allocated with ``PUT /CreditNotes/{id}/Allocations``, an allocation removed
with ``DELETE /CreditNotes/{id}/Allocations/{AllocationID}``, voided with ``POST /CreditNotes/{id}``; refunds are
payments against a credit note (``PUT /Payments``, removed as any payment is). Every write carries its
Idempotency-Key, as the invoice writes do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tui.xero import replies


class CreditNotesApi:
    """Provides the credit note calls; the class it is mixed into provides ``_page``, ``_write``, ``_send`` and
    ``base``."""

    def credit_notes_page(self, page: int = 1, *, modified_since: datetime | None = None, where: str | None = None,
                          page_size: int = 100) -> Any:
        """One page of credit notes (with their lines, allocations and payments), changed since
        ``modified_since`` when given; a :class:`~tui.xero.api.Page`."""
        params = {"page": page, "pageSize": page_size, "where": where, "unitdp": 4}
        return self._page("CreditNotes", params, modified_since, page, page_size)

    def put_credit_notes(self, notes: list[dict], idempotency_key: str) -> list[dict]:
        """Create credit notes (``unitdp=4``); one element back per credit note (check each for errors)."""
        return self._write("PUT", "CreditNotes", {"CreditNotes": notes}, idempotency_key, unitdp=True)["CreditNotes"]

    def void_credit_note(self, credit_note_id: str, idempotency_key: str) -> dict:
        """``POST /CreditNotes/{id}`` with ``Status: VOIDED``; the credit note back."""
        return self._write("POST", f"CreditNotes/{credit_note_id}", {"CreditNotes": [{"Status": "VOIDED"}]},
                           idempotency_key, key="CreditNotes")["CreditNotes"][0]

    def put_allocations(self, credit_note_id: str, allocations: list[dict], idempotency_key: str) -> list[dict]:
        """Allocate a credit note to invoices (``{"Invoice": {"InvoiceID"}, "Amount", "Date"}`` each); one element
        back per allocation, with its AllocationID."""
        return self._write("PUT", f"CreditNotes/{credit_note_id}/Allocations", {"Allocations": allocations},
                           idempotency_key, key="Allocations")["Allocations"]

    def delete_allocation(self, credit_note_id: str, allocation_id: str, idempotency_key: str) -> dict:
        """Remove one allocation; the allocation back (``IsDeleted``)."""
        path = f"CreditNotes/{credit_note_id}/Allocations/{allocation_id}"
        response = self._send("DELETE", self.base + path, headers={"Idempotency-Key": idempotency_key})
        body = replies.parse(response, f"DELETE {path}")
        if not isinstance(body, dict):
            raise replies.unexpected(response, f"DELETE {path}", "not an object")
        return body
