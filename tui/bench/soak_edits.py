"""The soak's edits (:mod:`tui.bench.soak`): customers and invoices edited here the way the app edits them, new
customers with sent invoices, invoices edited in Xero as a Xero user would; and an edit found lost at the end."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

PREFIX = "TC-"  # the soak's invoice numbers


@dataclass(frozen=True)
class Edit:
    side: str  # "here" or "Xero"
    what: str  # "customer phone", "invoice due date", ...
    target: str  # the customer's name or the invoice's number
    key: tuple  # ("customer" | "invoice", id, field)
    value: str
    when: str  # "sync down" (after a kill during ...), or "during '<what the sync last logged>'"
    at: float = 0.0  # time.monotonic() when it was made: the last edit of a field is the one that counts


@dataclass(frozen=True)
class Lost:
    edit: Edit
    here: str
    xero: str

    def __str__(self) -> str:
        e = self.edit
        return (f"lost: {e.what} of {e.target} edited in {e.side} ({e.when}) to {e.value!r}: "
                f"here {self.here!r}, Xero {self.xero!r}")


class Edits:
    """Mixed into :class:`tui.bench.soak.Soak` (``rng``, ``control``, ``services``, ``report``, ``customers``,
    ``invoices``, ``recent``)."""

    rng: Any
    control: Any
    services: Any
    report: Any
    customers: dict[int, str]
    invoices: dict[int, str]
    recent: list[int]

    def _new_customer(self) -> None:
        from tui.domain.customer import Customer
        from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
        from tui.store.invoices import save_invoice

        n = len(self.customers)
        c = self.services.save_customer(Customer(f"Soak Customer {n:04d} Pty Ltd", f"soak{n:04d}@example.com",
                                                 "0400 111 222"))
        self.customers[c.id] = c.name
        now, today, tz = self.services.now(), self.services.today(), self.services.business().time_zone
        with self.services.session() as s:
            for _ in range(self.rng.randint(1, 3)):
                number = f"{PREFIX}{len(self.invoices) + 1:05d}"
                inv = Invoice(customer_id=c.id, issue_date=today, due_date=today + timedelta(days=14),
                              lines=[LineItem("Call-out", Decimal("1"), Decimal("120.00"), RevenueCategory.LABOUR)],
                              number=number, reference="Soak", status=InvoiceStatus.SENT,
                              sent_to=c.email, sent_at=now)
                inv = save_invoice(s, inv, "office", now, tz)
                self.invoices[inv.id] = number
                self.recent.append(inv.id)

    @staticmethod
    def _local_field(invoice_id: int) -> str:
        """Each invoice's reference is edited on one side and its due date on the other."""
        return "reference" if invoice_id % 2 == 0 else "due_date"

    def _edit_here(self, when: str, unlinked_first: bool = False, customer_id: int | None = None,
                   name: str | None = None) -> None:
        """A customer's phone or email, or an invoice's field of this side; ``unlinked_first``: a customer
        not yet linked to a Xero contact, if there is one (its contact may be being created right now);
        ``customer_id`` (and ``name``, "phone" or "email"): that customer's."""
        from sqlmodel import col, select

        from tui.store.errors import ConflictError
        from tui.store.tables import CustomerRow

        pool = []
        if unlinked_first:
            with self.services.session() as s:
                pool = list(s.exec(select(CustomerRow.id).where(col(CustomerRow.xero_contact_id).is_(None))).all())
        for _ in range(5):  # as a user does when someone saved it meanwhile: open it again, edit again
            try:
                if customer_id is not None:
                    edit = self._edit_customer(customer_id, when, name)
                elif pool or self.rng.random() < 0.5:
                    edit = self._edit_customer(self.rng.choice(pool or list(self.customers)), when)
                else:
                    edit = self._edit_invoice(self.rng.choice(list(self.invoices)), when)
            except ConflictError:
                continue
            self.report.edits.append(edit)
            return

    def _edit_customer(self, customer_id: int, when: str, name: str | None = None) -> Edit:
        c = self.services.customer(customer_id)
        k = len(self.report.edits)
        if name == "phone" or (name is None and self.rng.random() < 0.5):
            c.phone = value = f"04{self.rng.randint(0, 99):02d} {k % 1000:03d} {self.rng.randint(0, 999):03d}"
            what, name = "customer phone", "phone"
        else:
            c.email = value = f"soak{customer_id}.{k}@example.com"
            what, name = "customer email", "email"
        self.services.save_customer(c)
        return Edit("here", what, c.name, ("customer", customer_id, name), value, when, time.monotonic())

    def _edit_invoice(self, invoice_id: int, when: str) -> Edit:
        inv = self.services.invoice(invoice_id)
        name = self._local_field(invoice_id)
        value = self._new_value(name, inv.issue_date, len(self.report.edits))
        if name == "reference":
            inv.reference = value
        else:
            inv.due_date = date.fromisoformat(value)
        self.services.save_invoice(inv)
        self.recent.append(invoice_id)
        return Edit("here", f"invoice {name.replace('_', ' ')}", inv.number, ("invoice", invoice_id, name), value,
                    when, time.monotonic())

    def _new_value(self, name: str, issue_date, k: int) -> str:
        if name == "reference":
            return f"Soak edit {k}"
        return (issue_date + timedelta(days=self.rng.randint(1, 365))).isoformat()

    def _edit_in_xero(self, when: str) -> None:
        """A Xero user edits an invoice already in Xero, often one just sent or changed here: the field not
        edited here."""
        from tui.sandbox.control import ControlError

        recent = self.recent[-8:] if self.rng.random() < 0.5 else []
        invoice_id = self.rng.choice(recent or list(self.invoices))
        number = self.invoices[invoice_id]
        name = "due_date" if self._local_field(invoice_id) == "reference" else "reference"
        value = self._new_value(name, self.services.today(), len(self.report.edits))
        try:
            self.control.edit_invoice(number, **({"Reference": value} if name == "reference" else {"DueDate": value}))
        except ControlError:
            return  # not in Xero yet
        self.report.edits.append(Edit("Xero", f"invoice {name.replace('_', ' ')}", number,
                                      ("invoice", invoice_id, name), value, when, time.monotonic()))
