"""Remove an allocation or a refund of a credit note made by mistake (F7 in the credit note editor): pick it,
confirm, and the credit is the customer's again (the invoice owes again what the allocation took off); the removal
reaches Xero with the next sync. Those made in Xero are removed there. Dismisses with the credit note as it is
after, or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.credit import Allocation, Refund
from tui.domain.credit_note import CreditNote
from tui.domain.dates import format_date
from tui.domain.money import format_money
from tui.domain.payment import PaymentOrigin
from tui.widgets.confirm_modal import ConfirmModal
from tui.widgets.workers import WorkerMixin


def describe(use: Allocation | Refund, numbers: dict[int, str]) -> str:
    if isinstance(use, Allocation):
        return f"allocation of {format_money(use.amount)} to {numbers.get(use.invoice_id, 'an invoice')}"
    return f"refund of {format_money(use.amount)}"


class RemoveCreditUseScreen(WorkerMixin, ModalScreen[CreditNote | None]):
    DEFAULT_CSS = """
    RemoveCreditUseScreen { align: center middle; }
    RemoveCreditUseScreen > #dialog {
        width: 64; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $error; background: $surface;
    }
    RemoveCreditUseScreen OptionList { height: auto; max-height: 12; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="remove_credit_use_cancel")]

    def __init__(self, number: str, allocations: list[Allocation], refunds: list[Refund], numbers: dict[int, str]):
        super().__init__()
        self.number = number
        self.numbers = numbers
        self.uses: dict[str, Allocation | Refund] = {
            f"{'a' if isinstance(u, Allocation) else 'r'}{u.id}": u for u in [*allocations, *refunds]
            if u.origin is PaymentOrigin.LOCAL and not u.removed}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            if self.uses:
                yield Static(f"Remove which use of {self.number}'s credit? Enter to remove, Esc to keep them all.",
                             markup=False)
            else:
                yield Static(f"Nothing of {self.number} was allocated or refunded here: what was done in Xero is "
                             "removed there. Esc to go back.", markup=False)
            yield OptionList(*(Option(Text.assemble(format_date(u.date), "  ", describe(u, self.numbers)[:1].upper() + describe(u, self.numbers)[1:]),
                                      id=key) for key, u in self.uses.items()), id="uses")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        options.highlighted = 0 if self.uses else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        use = self.uses[event.option.id]
        remove = self.services.remove_allocation if isinstance(use, Allocation) else self.services.remove_refund

        def answered(yes: bool | None) -> None:
            if yes:
                self.blocking(remove, use.id, on_done=self.dismiss, group="remove")

        after = "the invoice owes it again" if isinstance(use, Allocation) else "the customer has the credit again"
        self.app.push_screen(ConfirmModal(f"Remove the {describe(use, self.numbers)} from {self.number}? "
                                          f"The credit goes back on {self.number} and {after}; it is removed in "
                                          "Xero too.", "Remove", "Keep", danger=True), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
