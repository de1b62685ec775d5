"""Opening the credit note editor, and the command palette's "Credit note for INV-0101" on a screen showing a sent or
paid invoice (the screen's ``invoice``; the invoice editor lists this provider in its COMMANDS)."""

from __future__ import annotations

from functools import partial

from tui.domain.invoice import InvoiceStatus
from tui.widgets.commands import Command, ListProvider


def open_credit_note(app, credit_note_id: int | None = None, *, invoice_id: int | None = None) -> None:
    """The credit note editor: an existing credit note, or a new draft crediting the invoice ``invoice_id``."""
    from tui.screens.credit_notes.editor import CreditNoteEditorScreen

    app.push_screen(CreditNoteEditorScreen(credit_note_id, invoice_id=invoice_id))


def can_credit(invoice) -> bool:
    return invoice is not None and invoice.id is not None and invoice.status in (InvoiceStatus.SENT,
                                                                                 InvoiceStatus.PAID)


class CreditNoteCommands(ListProvider):
    def _commands(self) -> list[Command]:
        invoice = getattr(self.screen, "invoice", None)
        if not can_credit(invoice):
            return []
        return [(f"Credit note for {invoice.number}", "Credit all or some of this invoice's lines: an adjustment note",
                 partial(open_credit_note, self.app, invoice_id=invoice.id))]
