"""Invoice numbers: before creating invoices the numbers Xero already has are read once a pass (voided and
deleted count). A number taken by an invoice that is evidently ours (same contact and total) is linked;
any other is a clash reported on the invoice with a free number to renumber to.
"""

from __future__ import annotations

import re
from decimal import Decimal

from sqlmodel import Session, select

from tui.domain.invoice import Invoice
from tui.domain.money import cents
from tui.store.numbering import record_xero_numbers
from tui.store.tables import InvoiceRow
from tui.sync.batches import stops_on_xero_errors
from tui.sync.context import Context
from tui.xero import wire

ALL_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")


def read_invoice_numbers(ctx: Context) -> dict[str, dict]:
    """InvoiceNumber -> {InvoiceID, Status, Total, ContactID} of every ACCREC invoice in Xero, read once a pass."""
    if ctx.xero_numbers is not None:
        return ctx.xero_numbers
    numbers: dict[str, dict] = {}
    hwm = None
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.invoices_page(page, statuses=ALL_STATUSES, where='Type=="ACCREC"', summary_only=True,
                                           page_size=ctx.page_size)
        for inv in result.items:
            number = str(inv.get("InvoiceNumber") or "")
            if number:
                numbers[number] = {
                    "InvoiceID": str(inv.get("InvoiceID") or ""),
                    "Status": str(inv.get("Status") or ""),
                    "Total": inv.get("Total"),
                    "ContactID": str((inv.get("Contact") or {}).get("ContactID") or ""),
                    "ContactName": str((inv.get("Contact") or {}).get("Name") or ""),
                }
            if inv.get("UpdatedDateUTC"):
                updated = wire.parse_datetime(inv["UpdatedDateUTC"])
                hwm = updated if hwm is None or updated > hwm else hwm
        if result.is_last or not result.items:
            break
        page += 1
    ctx.xero_numbers = numbers
    ctx.xero_numbers_hwm = hwm
    with ctx.session() as s:  # numbers taken here from now on start above Xero's
        record_xero_numbers(s, numbers)
    return numbers


def free_number(taken: set[str], number: str) -> str:
    """The next number after ``number`` in its own pattern (INV-0042 -> INV-0043) not in ``taken``."""
    m = re.fullmatch(r"(.*?)(\d+)", number)
    prefix, digits = (m.group(1), m.group(2)) if m else (number + "-", "1")
    n = int(digits)
    while True:
        n += 1
        candidate = f"{prefix}{n:0{len(digits)}d}"
        if candidate not in taken:
            return candidate


def suggest_number(s: Session, xero_numbers: dict[str, dict], number: str) -> str:
    """A free number to renumber to: after the highest number of the same pattern here or in Xero."""
    taken = set(s.exec(select(InvoiceRow.number)).all()) | set(xero_numbers)
    pattern = re.compile(r"(.*?)(\d+)")
    m = pattern.fullmatch(number)
    prefix = m.group(1) if m else number + "-"
    same = [(int(mm.group(2)), n) for n in taken if (mm := pattern.fullmatch(n)) and mm.group(1) == prefix]
    highest = max(same)[1] if same else number
    return free_number(taken, highest)


def is_ours(inv: Invoice, contact_id: str | None, xero: dict) -> bool:
    """An existing Xero invoice with this number is the same invoice: same contact (when known) and total."""
    total = xero.get("Total")
    if total is None or cents(Decimal(str(total))) != cents(inv.totals.total):
        return False
    return not contact_id or not xero.get("ContactID") or xero.get("ContactID") == contact_id

