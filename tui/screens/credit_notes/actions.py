"""The credit note editor's actions: save, send (after a question), delete a draft, void; and the dialogs that use
the credit (allocate, refund, remove one). Each runs in a worker through the services, one at a time; what is
refused shows at its field or in the banner."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from rich.text import Text

from tui.domain.credit import allocation_on_send
from tui.domain.credit_note import USED, CreditNote, CreditNoteStatus
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.money import format_money
from tui.store.errors import ConflictError, DuplicateError, NotSent, SendClaimed
from tui.widgets.confirm_modal import ConfirmModal

_ACTS = ("save", "send", "delete", "void", "allocate", "refund", "remove_use")


class CreditNoteActions:
    """Mixed into ``CreditNoteEditorScreen`` (which provides data, note, read, show_errors, banner, load, dirty)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        note = self.note
        if action not in _ACTS:
            return True
        if note is None:
            return False
        if self.busy:
            return None  # shown, but does nothing until the one under way finishes
        if action in ("save", "send"):
            return not self.read_only
        if action == "delete":
            return note.id is not None and note.status is CreditNoteStatus.DRAFT
        if action == "void":
            return note.status in USED
        if action in ("allocate", "refund"):
            return note.status in USED and note.remaining_credit > 0
        return bool(self.data.allocations or self.data.refunds)  # remove_use

    def act(self, fn: Callable, *args, on_done: Callable, on_error: Callable | None = None) -> None:
        """Run one action in a worker, refusing another until it is done."""

        def finish(callback: Callable, value) -> None:
            self.busy = False
            self.refresh_bindings()
            callback(value)

        self.busy = True
        self.refresh_bindings()
        self.blocking(fn, *args, on_done=lambda result: finish(on_done, result),
                      on_error=lambda exc: finish(on_error or self._failed, exc), group="act")

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            self.notify("Fix the fields marked in red", severity="warning")
        elif isinstance(exc, DuplicateError):
            self.show_errors({exc.field: str(exc)})
        else:
            self.banner(str(exc))
            if not isinstance(exc, (ConflictError, TransitionError)):
                self.show_error(exc)

    # -- save, send ---------------------------------------------------------------------------------------
    def action_save(self) -> None:
        self.save()

    def save(self, then: Callable[[], None] | None = None) -> None:
        note, errors = self.read()
        self.show_errors(errors)
        if errors:
            self.notify("Fix the fields marked in red; nothing was saved", severity="warning")
            return
        self.act(self.services.save_credit_note, note, on_done=lambda saved: self._saved(saved, then))

    def _saved(self, saved: CreditNote, then: Callable[[], None] | None) -> None:
        self.data = replace(self.data, note=saved)
        self.credit_note_id = saved.id
        self.show_heading()
        self._clean = self.snapshot()
        self.refresh_bindings()
        self.app.records_changed()
        if then is None:
            self.notify(f"Saved {saved.number}", title="Credit note saved")
        else:
            then()

    def action_send(self) -> None:
        if self.dirty or self.note.id is None:
            self.save(then=self._check_send)
        else:
            self._check_send()

    def _check_send(self) -> None:
        self.act(self.services.check_credit_note_send, self.note, on_done=self._ask_to_send)

    def _ask_to_send(self, checked) -> None:
        _, customer = checked
        note, invoice = self.note, self.data.invoice
        question = Text.assemble(
            "Send adjustment note ", (note.number, "bold"), f" for {format_money(note.totals.total)}\n",
            "to ", (f"{customer.name} <{customer.email}>", "bold"), "?\n\n")
        if invoice is not None:
            taken = allocation_on_send(note, invoice)
            question.append(f"{format_money(taken)} of it is taken off what {invoice.number} owes"
                            + ("; the rest stays as the customer's credit." if taken < note.totals.total else "."))
            question.append("\n\n")
        question.append(f"Delivery: {self.services.describe_mail()}", style="dim")

        def answered(send: bool | None) -> None:
            if send:
                self.banner("Sending…", error=False)
                self.act(self.services.send_credit_note, self.note, on_done=self._sent, on_error=self._send_failed)

        self.app.push_screen(ConfirmModal(question, "Send", "Cancel"), answered)

    def _sent(self, where: str) -> None:
        self.notify(where, title=f"Sent {self.note.number}", timeout=8)
        self.app.records_changed()
        self.load()

    def _send_failed(self, exc: Exception) -> None:
        if isinstance(exc, SendClaimed):
            self.notify(str(exc), title="Already sent" if exc.done else "Being sent", timeout=10)
            self.load()
            return
        if isinstance(exc, NotSent):
            self.data.note.version = exc.version
            self.banner(f"Not sent: {exc}")
            self.notify(str(exc), title="Not sent: the credit note is still a draft", severity="error", timeout=10)
            return
        self._failed(exc)

    # -- delete, void ---------------------------------------------------------------------------------------
    def action_delete(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.act(self.services.delete_credit_note, self.note, on_done=self._deleted)

        self.app.push_screen(ConfirmModal(f"Delete draft {self.note.number}? This cannot be undone.",
                                          "Delete", "Keep", danger=True), answered)

    def _deleted(self, _: None) -> None:
        self.notify(f"Deleted draft {self.note.number}")
        self._clean = None
        self.app.records_changed()
        self.dismiss(None)

    def action_void(self) -> None:
        try:
            self.note.voided()
        except TransitionError as exc:
            self.banner(str(exc))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(self.services.void_credit_note, self.note, on_done=self._changed)

        self.app.push_screen(ConfirmModal(f"Void {self.note.number}? It stays on record (and in Xero) marked "
                                          "Voided, and its credit is gone.", "Void", "Keep", danger=True), answered)

    def _changed(self, note: CreditNote | None) -> None:
        if note is not None:
            self.notify(f"{note.number}: {note.status.label}, {format_money(note.remaining_credit)} credit left",
                        title="Credit note updated")
            self.app.records_changed()
            self.load()

    # -- using the credit ---------------------------------------------------------------------------------
    def action_allocate(self) -> None:
        from tui.screens.credit_notes.allocate import AllocateCreditScreen

        self.app.push_screen(AllocateCreditScreen(self.note.id), self._changed)

    def action_refund(self) -> None:
        from tui.screens.credit_notes.refund import RefundCreditScreen

        self.app.push_screen(RefundCreditScreen(self.note.id), self._changed)

    def action_remove_use(self) -> None:
        from tui.screens.credit_notes.remove_use import RemoveCreditUseScreen

        data = self.data
        self.app.push_screen(RemoveCreditUseScreen(data.note.number, data.allocations, data.refunds, data.numbers),
                             self._changed)
