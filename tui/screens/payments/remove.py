"""Remove a payment taken here by mistake: pick it from the invoice's payments, confirm, and the invoice is Sent
(or part paid) again; the removal reaches Xero with the next sync. Payments made in Xero are removed there.
Dismisses with the invoice as it is after the removal, or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.dates import format_date
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.domain.payment import Payment, PaymentOrigin
from tui.widgets.confirm_modal import ConfirmModal
from tui.widgets.workers import WorkerMixin


def removable(payments: list[Payment]) -> list[Payment]:
    return [p for p in payments if p.origin is PaymentOrigin.LOCAL and not p.removed]


class RemovePaymentScreen(WorkerMixin, ModalScreen[Invoice | None]):
    DEFAULT_CSS = """
    RemovePaymentScreen { align: center middle; }
    RemovePaymentScreen > #dialog {
        width: 64; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $error; background: $surface;
    }
    RemovePaymentScreen OptionList { height: auto; max-height: 12; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="remove_payment_cancel")]

    def __init__(self, number: str, payments: list[Payment]):
        super().__init__()
        self.number = number
        self.payments = removable(payments)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Remove which payment on {self.number}? Enter to remove, Esc to keep them all.",
                         markup=False)
            yield OptionList(*(Option(Text.assemble(format_date(p.date), "  ", p.label, "  ",
                                                    (format_money(p.amount), "bold"), "  ", (p.reference, "dim")),
                                      id=str(p.id)) for p in self.payments), id="payments")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        payment = next(p for p in self.payments if str(p.id) == event.option.id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.blocking(self.services.remove_payment, payment.id, on_done=self.dismiss, group="remove")

        self.app.push_screen(ConfirmModal(
            f"Remove the {payment.label} payment of {format_money(payment.amount)} from {self.number}? "
            "It is removed in Xero too.", "Remove", "Keep", danger=True), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
