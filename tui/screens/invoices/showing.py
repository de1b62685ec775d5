"""The invoice editor's showing of an invoice: loading it with its customer, payments and line about Xero, and
following it when it changes elsewhere (a sync pass, a conflict settled, another person's save): an editor with
nothing unsaved shows the new copy, one with unsaved edits asks which to keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from tui.domain.customer import Customer
from tui.domain.dates import business_today, format_date
from tui.domain.errors import TransitionError
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.domain.tax import LineAmountTypes
from tui.screens.invoices.form import HEAD_FIELDS
from tui.store.versioned import local_hhmm
from tui.widgets.choice_banner import ChoiceBanner
from tui.widgets.field_error import Banner, FieldError
from tui.widgets.line_items import FIELD_LABELS, LineRow
from tui.widgets.payments_view import PaymentsView

ARCHIVED = "This customer is archived in Xero: check with the bookkeeper before invoicing them"

AMOUNTS_TEXT = {
    LineAmountTypes.EXCLUSIVE: "Prices entered excluding GST",
    LineAmountTypes.INCLUSIVE: "Prices entered including GST",
    LineAmountTypes.NO_TAX: "No GST on this invoice",
}


@dataclass(frozen=True)
class Loaded:
    invoice: Invoice
    customer: Customer | None
    send_error: str
    time_zone: str
    payments: list


@dataclass(frozen=True)
class Newer:
    """The invoice written since the editor loaded it, and by whom ("Xero" for a pull) at what time."""

    loaded: Loaded
    by: str
    at: datetime


def sent_text(inv: Invoice, time_zone: str) -> str:
    if inv.sent_at is None or inv.status is InvoiceStatus.DRAFT:
        return ""
    # "Sent", not "Emailed": with the local outbox (the default) the email is saved here, nothing leaves the computer
    return f"Sent {format_date(business_today(inv.sent_at, time_zone))} to {inv.sent_to} · "


def sync_text(state, time_zone: str) -> str:
    """The editor's line about Xero: pending, synced at HH:MM, Xero's message, or a conflict to settle."""
    if state.state == "synced" and state.synced_at is not None:
        return f"Xero: synced at {state.synced_at.astimezone(ZoneInfo(time_zone)):%H:%M}"
    if state.state == "conflict":
        return "Xero: changed here and in Xero since the last sync. Ctrl+Y opens the Sync screen to choose."
    if state.state == "not synced":
        return ""
    return f"Xero: {state.label}"


class InvoiceShowing:
    """Mixed into :class:`~tui.screens.invoices.editor.InvoiceEditorScreen` (its fields, form and services)."""

    # -- loading ------------------------------------------------------------------------------------
    def load(self) -> None:
        self.blocking(self._fetch, on_done=self._loaded, on_error=self._load_failed, group="load")

    def _fetch(self) -> Loaded:
        if self.invoice_id is None:
            return self._with_customer(self.services.new_invoice(self.customer_id))
        return self._with_customer(self.services.invoice(self.invoice_id))

    def _with_customer(self, inv: Invoice) -> Loaded:
        services = self.services
        send_error = services.send_error(inv.id) if inv.id is not None and inv.status is InvoiceStatus.DRAFT else ""
        customer = services.customer(inv.customer_id) if inv.customer_id is not None else None
        payments = services.payments(inv.id) if inv.id is not None else []
        return Loaded(inv, customer, send_error, services.business().time_zone, payments)

    # -- following the records ------------------------------------------------------------------------
    def _fetch_newer(self, invoice_id: int, version: int) -> Newer | None:
        newer = self.services.newer_invoice(invoice_id, version)
        return None if newer is None else Newer(self._with_customer(newer.invoice), newer.by, newer.at)

    async def _follow(self, newer: Newer | None) -> None:
        if newer is None or self.invoice is None or self.busy or newer.loaded.invoice.version <= self.invoice.version:
            return  # nothing new, this editor saved or loaded it meanwhile, or it is sending (it reloads after)
        if not self.dirty:
            banner = self.query_one(Banner)
            said, error = banner.message, banner.has_class("-error")  # e.g. why a send from here did not go
            await self._reload(newer.loaded)
            if said and not banner.message:  # still true of what happened: it stays until the next action
                banner.show(said, error=error)
            return
        self.newer = newer
        inv = newer.loaded.invoice
        who = "Xero" if newer.by in ("Xero", "sync") else newer.by or "someone else"
        question = f"{who} changed {inv.number} at {local_hhmm(newer.at, newer.loaded.time_zone)} " \
                   f"(now {inv.status.label}) while you were editing it."
        answers = [("load-newer", f"Load {who}'s")]
        if inv.editable:
            answers.insert(0, ("keep-mine", "Keep mine"))
        else:
            question += " It can no longer be edited, so your changes cannot be saved."
        await self.query_one(ChoiceBanner).ask(question, answers)

    async def _reload(self, data: Loaded) -> None:
        """Show ``data`` in place of what is on screen, the focus staying on the same field where it still is."""
        where = self._focus_place()
        self.newer = None
        await self.query_one(ChoiceBanner).clear()
        await self._loaded(data, refocus=False)
        self._focus_again(where)

    def _focus_place(self) -> tuple[int, str] | None:
        row = self.current_row()
        if row is None:
            return None
        field = next((c for c in FIELD_LABELS if self.focused is not None and self.focused.has_class(c)), "")
        return self.form.rows.index(row), field or "description"

    def _focus_again(self, where: tuple[int, str] | None) -> None:
        rows = self.form.rows
        if where is not None and rows and not self.read_only_reason:
            rows[min(where[0], len(rows) - 1)].focus_field(where[1])

    async def _keep_mine(self) -> None:
        """Keep what is typed, on top of the newer copy: a save now writes it over that copy (and Xero's)."""
        newer, self.newer = self.newer, None
        await self.query_one(ChoiceBanner).clear()
        if newer is not None:
            self.invoice = newer.loaded.invoice
            self.show_heading()
            self.refresh_bindings()

    def _load_failed(self, exc: Exception) -> None:
        self.query_one("#heading-text", Static).update("Invoice")
        self.banner(str(exc))

    async def _loaded(self, data: Loaded, refocus: bool = True) -> None:
        """Show ``data`` (one at a time: a load and a follow can finish together). ``refocus=False``: a newer copy
        followed, shown only if it is still newer than what is on screen."""
        async with self._showing:
            if refocus or self.invoice is None or data.invoice.version > self.invoice.version:
                await self._show(data, refocus)

    async def _show(self, data: Loaded, refocus: bool) -> None:
        self._clean = None  # nothing unsaved while the fields are being filled (Esc now leaves without asking)
        inv = self.invoice = data.invoice
        self.customer = data.customer
        self.time_zone = data.time_zone
        self.payments = data.payments
        self.query_one(PaymentsView).show(data.payments)
        try:
            inv.ensure_editable()
            self.read_only_reason = ""
        except TransitionError as exc:
            self.read_only_reason = str(exc)
        editable = not self.read_only_reason
        self.show_heading()
        values = {"number": inv.number, "issue_date": format_date(inv.issue_date),
                  "due_date": format_date(inv.due_date), "reference": inv.reference}
        for field, _, _ in HEAD_FIELDS:
            box = self.query_one(f"#f-{field}", Input)
            box.value = values[field]
            box.disabled = not editable
        self.show_customer()
        lines = self.query_one("#lines", Vertical)
        await lines.remove_children()
        rows = [LineRow(line, disabled=not editable) for line in inv.lines]
        if not rows and editable:
            rows.append(LineRow())
        await lines.mount_all(rows)
        self.form.renumber()
        self.recompute()
        self.show_errors({})
        if self.read_only_reason:
            self.banner(self.read_only_reason, error=False)
        elif data.send_error:
            self.banner(f"Not sent yet: the last attempt failed: {data.send_error}")
        self._clean = self.snapshot()
        self.refresh_bindings()
        self.load_sync_state()
        if refocus:
            self.focus_start(inv, rows)

    def focus_start(self, inv: Invoice, rows: list[LineRow]) -> None:
        """Where typing starts, with no text selected that a first key would replace: a new invoice's customer
        (or, chosen already, its first line); an existing invoice's customer button, Tab leading on."""
        if self.read_only_reason:
            return
        if inv.id is None and inv.customer_id is not None and rows:
            rows[0].focus_field()
        else:
            self.query_one("#customer").focus()

    def show_heading(self) -> None:
        inv = self.invoice
        self.title = f"Invoice {inv.number}" if inv.number else "New invoice"
        self.query_one("#heading-text", Static).update(self.title)
        status = self.query_one("#status", Static)
        status.update(inv.status.label)
        for s in InvoiceStatus:
            status.set_class(inv.status is s, f"-{s.value.lower()}")
        self.query_one("#amounts", Static).update(sent_text(inv, self.time_zone) + AMOUNTS_TEXT[inv.amounts])

    def load_sync_state(self) -> None:
        """The invoice's line about Xero (after loading, and after every sync pass)."""
        if self.invoice is not None and self.invoice.id is not None:
            self.blocking(self._sync_state, self.invoice.id, on_done=self.show_sync_state,
                          on_error=lambda exc: None, group="sync-state")

    def _sync_state(self, invoice_id: int):
        sync = self.services.sync
        return sync.invoice_state(invoice_id) if sync.connected() else None

    def show_sync_state(self, state) -> None:
        line = self.query_one("#sync-line", Static)
        text = sync_text(state, self.time_zone) if state is not None else ""
        line.update(text)
        line.display = bool(text)
        line.set_class(state is not None and state.state in ("error", "conflict"), "-problem")

    def show_customer(self) -> None:
        button = self.query_one("#customer", Button)
        button.label = self.customer.name if self.customer else "Choose… (F2)"
        button.disabled = bool(self.read_only_reason)
        self.query_one("#e-customer", FieldError).show(self.customer_note())

    def customer_note(self) -> str:
        """A new invoice for a customer archived in Xero: said under the customer (it may still be saved)."""
        archived = self.customer is not None and self.customer.archived and self.invoice is not None \
            and self.invoice.id is None
        return ARCHIVED if archived else ""

    def banner(self, text: str, *, error: bool = True) -> None:
        self.query_one(Banner).show(text, error=error)
