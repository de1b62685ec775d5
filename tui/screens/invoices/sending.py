"""The invoice editor's Ctrl+E: a draft is saved and sent the first time; a sent or paid invoice is sent again.
F9: the PDF alone, as a download in a browser tab (``tradiecore serve``), else into the downloads folder.

Both ask first (``send_invoice``'s dialogs) and run the mail in a worker through the services; what goes wrong is
shown in the editor's banner. Sending again changes nothing on the invoice: unsaved edits are not sent.
"""

from __future__ import annotations

import io

from tui.domain.errors import TransitionError, ValidationError
from tui.screens.invoices.send import SendAgainModal, SendInvoiceModal
from tui.store.errors import NotSent, SendClaimed


class InvoiceSending:
    """Mixed into ``InvoiceEditorScreen`` (which provides save, act, banner, show_errors, load)."""

    def action_send(self) -> None:
        if self.dirty or self.invoice.id is None:
            self.save(then=self.confirm_send)
        else:
            self.confirm_send()

    def confirm_send(self) -> None:
        """What the send needs is checked first (business details, the customer's email); then the question."""
        self.act(self.services.check_send, self.invoice, on_done=self._ask_to_send, on_error=self._send_failed)

    def _ask_to_send(self, _checked) -> None:
        def answered(send: bool | None) -> None:
            if send:
                self.banner("Sending…", error=False)
                self.act(self.services.send_invoice, self.invoice, on_done=self._sent, on_error=self._send_failed)

        self.app.push_screen(SendInvoiceModal(self.invoice, self.customer, self.services.describe_mail()), answered)

    def _sent(self, where: str) -> None:
        to = self.customer.email if self.customer else ""
        self.notify(where, title=f"Sent to {to}", timeout=8)
        self.app.records_changed()
        self.load()

    def _send_failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            return
        if isinstance(exc, SendClaimed):  # someone else's send: nothing went from here; show the invoice as it is
            self.notify(str(exc), title="Already sent" if exc.done else "Being sent", timeout=10)

            async def shown(loaded) -> None:
                try:
                    await self._loaded(loaded)
                    self.banner(f"Not sent from here: {exc}", error=False)
                finally:
                    self.busy = False

            def not_shown(error: Exception) -> None:
                self.busy = False
                self._load_failed(error)

            self.busy = True  # until the invoice as it is now is shown: no reload for a change meanwhile clears it
            self.blocking(self._fetch, on_done=shown, on_error=not_shown, group="load")
            return
        if isinstance(exc, NotSent):  # the claim was released: the draft moved on to this version
            self.invoice.version = exc.version
        self.banner(f"Not sent: {exc}")
        self.notify(str(exc), title="Not sent: the invoice is still a draft", severity="error", timeout=10)

    # -- again ----------------------------------------------------------------------------------------------
    def action_send_again(self) -> None:
        try:
            self.invoice.ensure_can_send_again()
        except TransitionError as exc:
            self.banner(str(exc))
            return
        if self.dirty:
            self.banner("Save your changes first (Ctrl+S): what is sent again is the invoice as saved")
            return
        customer = self.customer
        if customer is None or not customer.email:
            name = customer.name if customer else "The customer"
            self.banner(f"Not sent again: {name} has no email address: add one to send")
            return

        def answered(send: bool | None) -> None:
            if send:
                self.banner("Sending again…", error=False)
                self.act(self.services.send_again, self.invoice.id, on_done=self._sent_again,
                         on_error=self._send_again_failed)

        self.app.push_screen(SendAgainModal(self.invoice, customer, self.services.describe_mail()), answered)

    def _sent_again(self, where: str) -> None:
        self.notify(where, title=f"Sent again to {self.customer.email}", timeout=8)
        self.app.records_changed()
        self.load()

    def _send_again_failed(self, exc: Exception) -> None:
        message = "; ".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
        self.banner(f"Not sent again: {message}")
        self.notify(message, title="Not sent again", severity="error", timeout=10)

    # -- the PDF alone --------------------------------------------------------------------------------------
    def action_download_pdf(self) -> None:
        if self.dirty or self.invoice.id is None:
            self.banner("Save first (Ctrl+S): the PDF is the invoice as saved")
            return
        self.blocking(self.services.invoice_pdf, self.invoice.id, on_done=self._deliver_pdf,
                      on_error=self._pdf_failed, group="pdf")

    def _deliver_pdf(self, named: tuple[str, bytes]) -> None:
        name, data = named
        self.app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type="application/pdf")
        self.notify("Your browser downloads it." if self.app.is_web else "Saved in your downloads folder.",
                    title=name, timeout=6)

    def _pdf_failed(self, exc: Exception) -> None:
        message = "; ".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
        self.banner(f"No PDF: {message}")
