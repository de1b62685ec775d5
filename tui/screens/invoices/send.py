"""Ask before emailing an invoice (the first time, or again): who it goes to and how it will be delivered
(SMTP or the local outbox)."""

from __future__ import annotations

from rich.text import Text

from tui.domain.customer import Customer
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.widgets.confirm_modal import ConfirmModal


class SendInvoiceModal(ConfirmModal):
    """Dismisses with True to send."""

    def __init__(self, invoice: Invoice, customer: Customer | None, delivery: str):
        name = customer.name if customer else "the customer"
        email = customer.email if customer and customer.email else "no email address"
        question = Text.assemble(
            ("Send tax invoice ", ""), (invoice.number, "bold"), f" for {format_money(invoice.totals.total)}\n",
            "to ", (f"{name} <{email}>", "bold"), "?\n\n",
            ("Delivery: ", "dim"), (delivery, "dim"),
        )
        super().__init__(question, "Send", "Cancel")


class SendAgainModal(ConfirmModal):
    """Before emailing a sent (or paid) invoice once more: dismisses with True to send it again."""

    def __init__(self, invoice: Invoice, customer: Customer, delivery: str):
        question = Text.assemble(
            "Send ", (invoice.number, "bold"), " again to ", (f"{customer.name} <{customer.email}>", "bold"), "?\n\n",
            "The same invoice and PDF as before; the invoice and Xero stay as they are.\n\n",
            ("Delivery: ", "dim"), (delivery, "dim"),
        )
        super().__init__(question, "Send again", "Cancel")
