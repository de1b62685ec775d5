"""The invoice editor's actions on the invoice as typed: save, delete a draft, void, record or remove a payment.
One at a time (``busy``), each in a worker; what the services refuse is shown on the field or in the banner.
"""

from __future__ import annotations

from typing import Callable

from textual.widgets import Input

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.screens.payments.record import RecordPaymentScreen
from tui.screens.payments.remove import RemovePaymentScreen
from tui.store.errors import ConflictError, DuplicateError
from tui.widgets.confirm_modal import ConfirmModal


class InvoiceSaving:
    """Mixed into :class:`~tui.screens.invoices.editor.InvoiceEditorScreen` (its fields, form and services)."""

    def act(self, fn: Callable, *args, on_done: Callable, on_error: Callable | None = None) -> None:
        """Run one save/send/delete/void in a worker, refusing another until it is done."""

        def finish(callback: Callable, value) -> None:
            self.busy = False
            self.refresh_bindings()
            callback(value)

        self.busy = True
        self.refresh_bindings()
        self.blocking(fn, *args, on_done=lambda result: finish(on_done, result),
                      on_error=lambda exc: finish(on_error or self._failed, exc), group="act")

    def action_save(self) -> None:
        self.save()

    def save(self, then: Callable[[], None] | None = None) -> None:
        inv, errors = self.form.read(self.invoice, self.customer, self.today())
        self.show_errors(errors)
        if errors:
            self.notify("Fix the fields marked in red; nothing was saved", severity="warning")
            return
        self.act(self.services.save_invoice, inv, on_done=lambda saved: self._saved(saved, then))

    def _saved(self, saved: Invoice, then: Callable[[], None] | None) -> None:
        self.invoice = saved
        self.invoice_id = saved.id
        self.query_one("#f-number", Input).value = saved.number
        self.show_heading()
        self._clean = self.snapshot()
        self.refresh_bindings()
        self.app.records_changed()
        if then is None:
            self.notify(f"Saved {saved.number}", title="Invoice saved")
        else:
            then()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            self.notify("Fix the fields marked in red; nothing was saved", severity="warning")
        elif isinstance(exc, DuplicateError):
            self.show_errors({exc.field: str(exc)})
        elif isinstance(exc, (ConflictError, TransitionError)):
            self.banner(str(exc))
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
        else:
            self.banner(str(exc))
            self.show_error(exc)

    def action_delete(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.act(self.services.delete_invoice, self.invoice, on_done=self._deleted)

        self.app.push_screen(ConfirmModal(f"Delete draft {self.invoice.number}? This cannot be undone.",
                                          "Delete", "Keep", danger=True), answered)

    def _deleted(self, _: None) -> None:
        self.notify(f"Deleted draft {self.invoice.number}")
        self._clean = None
        self.app.records_changed()
        self.dismiss(None)

    def action_void(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.act(self.services.void_invoice, self.invoice, on_done=self._voided)

        question = f"Void {self.invoice.number}? It stays on record (and in Xero) marked Voided."
        if self.dirty:
            question += " Your unsaved changes will be lost."
        self.app.push_screen(ConfirmModal(question, "Void", "Keep", danger=True), answered)

    def _voided(self, inv: Invoice) -> None:
        self.notify(f"Voided {inv.number}")
        self.app.records_changed()
        self.load()

    def action_record_payment(self) -> None:
        if self.dirty:
            self.notify("Save your changes first (Ctrl+S): a payment is taken on the invoice as saved",
                        severity="warning")
            return
        self.app.push_screen(RecordPaymentScreen(self.invoice.id), self._payments_changed)

    def action_remove_payment(self) -> None:
        self.app.push_screen(RemovePaymentScreen(self.invoice.number, self.payments), self._payments_changed)

    def _payments_changed(self, inv: Invoice | None) -> None:
        if inv is not None:
            self.notify(f"{inv.number}: {inv.status.label}, {format_money(inv.amount_due)} due",
                        title="Payments updated")
            self.app.records_changed()
            self.load()
