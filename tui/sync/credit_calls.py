"""The Xero call that sends each kind of credit note request written ahead (:func:`tui.sync.batches.transmit`):
creations 50 to a ``PUT /CreditNotes``, a void, a credit note's allocations in one ``PUT``, an allocation's removal,
refunds (payments against credit notes) and their removal. Each takes the elements sent and the Idempotency-Key and
returns one element per record."""

from __future__ import annotations

from typing import Any, Callable

from tui.store.sync_outbox import ALLOCATION, CREDIT_NOTE, REFUND
from tui.xero.errors import NotFound

CREATE, UPDATE, DELETE = "PUT", "POST", "DELETE"


def credit_calls(api: Any) -> dict[tuple[str, str], Callable[[list[dict], str], list[dict]]]:
    return {
        (CREDIT_NOTE, CREATE): lambda elements, key: api.put_credit_notes(elements, key),
        (CREDIT_NOTE, UPDATE): lambda elements, key: [api.void_credit_note(elements[0]["CreditNoteID"], key)],
        (ALLOCATION, CREATE): lambda elements, key: api.put_allocations(
            elements[0]["CreditNote"]["CreditNoteID"], elements, key),
        (ALLOCATION, DELETE): lambda elements, key: [_delete_allocation(api, elements[0], key)],
        (REFUND, CREATE): lambda elements, key: api.put_payments(elements, key),
        (REFUND, UPDATE): lambda elements, key: [api.delete_payment(elements[0]["PaymentID"], key)],
    }


def _delete_allocation(api: Any, element: dict, key: str) -> dict:
    """Remove an allocation; one Xero no longer has (an earlier request of ours removed it) is removed."""
    try:
        return api.delete_allocation(element["CreditNote"]["CreditNoteID"], element["AllocationID"], key)
    except NotFound:
        return {"AllocationID": element["AllocationID"], "IsDeleted": True}
