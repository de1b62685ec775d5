"""Invoice editor: customer, dates, reference, line items with live totals; save, send or send again, delete, void;
a sent invoice's payments (record one, remove one taken by mistake).

The screen asks the services to act and shows what comes back: per-field messages from ValidationError,
"changed by X at HH:MM" from ConflictError, a paid or voided invoice's reason for being read-only from
TransitionError. Its form (``invoice_form.InvoiceForm``) reads what was typed and marks each field with its
message. All database and mail work runs in workers.

It follows the records: when a sync pass (or a conflict settled, or another person's save) moves the invoice on,
an editor with nothing unsaved shows the new copy, and one with unsaved edits asks which to keep.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from tui.domain.customer import Customer
from tui.domain.dates import DEFAULT_TIME_ZONE, business_today, format_date
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.domain.money import format_money
from tui.domain.tax import LineAmountTypes
from tui.screens.base import EditorScreen
from tui.screens.customers.editor import CustomerEditorScreen
from tui.screens.invoices.form import HEAD_FIELDS, InvoiceForm
from tui.screens.invoices.sending import InvoiceSending
from tui.screens.payments.record import RecordPaymentScreen
from tui.screens.payments.remove import RemovePaymentScreen, removable
from tui.store.errors import ConflictError, DuplicateError
from tui.store.versioned import local_hhmm
from tui.widgets.choice_banner import ChoiceBanner
from tui.widgets.confirm_modal import ConfirmModal
from tui.widgets.customer_picker import CustomerPicker
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import Banner, FieldError
from tui.widgets.header import AppHeader
from tui.widgets.line_items import FIELD_LABELS, LineHeader, LineRow
from tui.widgets.payments_view import PaymentsView
from tui.widgets.records import RecordsChanged
from tui.shell.sync_scheduler import PassResult

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


class InvoiceEditorScreen(InvoiceSending, EditorScreen):
    DISCARD_QUESTION = "Discard your unsaved changes to this invoice?"
    DEFAULT_CSS = """
    InvoiceEditorScreen #form { padding: 0 1; scrollbar-size-vertical: 1; }
    InvoiceEditorScreen #heading { height: 1; }
    InvoiceEditorScreen #heading-text { width: auto; text-style: bold; }
    InvoiceEditorScreen #status { width: auto; padding: 0 1; margin: 0 1; }
    InvoiceEditorScreen #status.-draft { background: $warning-muted; }
    InvoiceEditorScreen #status.-sent { background: $primary-muted; }
    InvoiceEditorScreen #status.-paid { background: $success-muted; }
    InvoiceEditorScreen #status.-voided { background: $error-muted; }
    InvoiceEditorScreen #amounts { color: $text-muted; height: auto; margin-bottom: 1; }
    InvoiceEditorScreen.-narrow #amounts { margin-bottom: 0; }  /* 80x24 shows six whole lines */
    InvoiceEditorScreen #sync-line { color: $text-muted; height: auto; display: none; }
    InvoiceEditorScreen #sync-line.-problem { color: $error; }
    InvoiceEditorScreen .head-field { height: auto; }
    InvoiceEditorScreen .head-field > Label { width: 12; color: $text-muted; }
    InvoiceEditorScreen .head-field > Input { width: 14; }
    InvoiceEditorScreen .head-field > #f-reference { width: 32; }
    InvoiceEditorScreen .head-field > #customer { width: 32; text-align: left; content-align: left middle; }
    InvoiceEditorScreen .head-field > FieldError { width: 1fr; padding-left: 2; }
    InvoiceEditorScreen #e-lines { padding-left: 4; }
    InvoiceEditorScreen LineHeader { margin-top: 1; }
    InvoiceEditorScreen #lines { height: auto; }
    InvoiceEditorScreen #totals { width: 100%; height: auto; margin-top: 1; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+e", "send", "Send", id="send", priority=True),
        Binding("ctrl+e", "send_again", "Resend", id="send_again", priority=True, tooltip="Send again"),
        Binding("f6", "record_payment", "Pay", id="record_payment", tooltip="Record a payment"),
        Binding("ctrl+n", "add_line", "Add line", id="add_line"),
        # not in the footer (80 columns hold Save, Send or Resend, Pay, Add line, Delete/Void and Help); Help lists them
        Binding("f7", "remove_payment", "Remove payment", id="remove_payment", show=False),
        Binding("ctrl+r", "remove_line", "Remove line", id="remove_line", show=False),
        Binding("f2", "pick_customer", "Customer", id="choose_customer", show=False),
        Binding("f8", "delete", "Delete draft", id="delete"),
        Binding("f8", "void", "Void", id="void"),
        Binding("ctrl+y", "app.goto('sync')", "Sync", id="invoice_sync", show=False),
        Binding("f9", "download_pdf", "PDF", id="download_pdf", show=False, tooltip="Download the PDF"),
        # a browser keeps Ctrl+N for itself (a new window): in a browser tab (tradiecore serve) Alt+N adds a line
        Binding("alt+n", "add_line", "Add line", id="add_line_alt", show=False),
    ]

    def __init__(self, invoice_id: int | None = None, customer_id: int | None = None):
        super().__init__()
        self.invoice_id = invoice_id
        self.customer_id = customer_id
        self.invoice: Invoice | None = None
        self.customer: Customer | None = None
        self.read_only_reason = ""
        self.time_zone = ""
        self.payments: list = []
        self.form = InvoiceForm(self)
        self.checks = FieldChecks(self.form.key_of, self.problems, self.form.show_field, self.form.shown)
        self.busy = False  # a save, send, delete or void is under way: no second one meanwhile
        self._clean: tuple | None = None
        self.newer: Newer | None = None  # written elsewhere while this editor has unsaved edits: asked about
        self._showing = asyncio.Lock()
        self.title = "Invoice"

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader("Invoice")
        with VerticalScroll(id="form"):
            with Horizontal(id="heading"):
                yield Static("Loading invoice…", id="heading-text")
                yield Static("", id="status")
            yield Static("", id="sync-line", markup=False)
            yield Static("", id="amounts", markup=False)
            yield Banner(id="banner")
            yield ChoiceBanner(id="newer")
            with Horizontal(classes="head-field"):
                yield Label("Customer")
                yield Button("Choose… (F2)", id="customer", compact=True, disabled=True)
                yield FieldError(id="e-customer")
            for field, label, placeholder in HEAD_FIELDS:
                with Horizontal(classes="head-field"):
                    yield Label(label)
                    yield Input(placeholder=placeholder, id=f"f-{field}", compact=True, disabled=True)
                    yield FieldError(id=f"e-{field}")
            yield LineHeader()
            yield Vertical(id="lines")
            yield FieldError(id="e-lines")
            yield Static("", id="totals")
            yield PaymentsView(id="payments", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.app.sync_passed_signal.subscribe(self, self._sync_passed, immediate=True)
        self.load()

    def on_unmount(self) -> None:
        self.app.sync_passed_signal.unsubscribe(self)

    def _sync_passed(self, _: PassResult) -> None:
        self.load_sync_state()

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
    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        """Records changed (another session's save, a sync pass, a conflict settled): look whether this invoice
        moved on."""
        inv = self.invoice
        if inv is not None and inv.id is not None and not self.busy \
                and message.touches(("invoice", "payment"), inv.id):
            self.follow_up(self._fetch_newer, inv.id, inv.version, on_done=self._follow,
                           on_error=self._load_failed, group="follow")

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

    # -- the form -----------------------------------------------------------------------------------
    def today(self) -> date:
        """Today where the business is: typed dates are taken within a window of it."""
        return business_today(self.services.now(), self.time_zone or DEFAULT_TIME_ZONE)

    @property
    def dirty(self) -> bool:
        return self._clean is not None and not self.read_only_reason and self.snapshot() != self._clean

    def snapshot(self) -> tuple:
        return self.form.snapshot(self.customer)

    def recompute(self) -> None:
        self.form.recompute(self.invoice)

    def show_errors(self, errors: dict[str, str]) -> None:
        note = {"customer": self.customer_note()} if self.customer_note() else {}
        self.form.show_errors({**note, **errors}, read_only=bool(self.read_only_reason))
        self.checks.refused(errors, self.form.value_of)

    def problems(self) -> dict[str, str]:
        """Every message for what is typed now (``FieldChecks`` takes the one for the field in question)."""
        if self.invoice is None or self.read_only_reason:
            return {}
        return self.form.read(self.invoice, self.customer, self.today())[1]

    @property
    def _typing(self) -> bool:
        """A change is someone typing: not the lines being replaced by a load (which recomputes once done), nor
        the editor on its way out (its rows half removed)."""
        return self.invoice is not None and self.is_current and not self._showing.locked()

    def on_input_changed(self, event: Input.Changed) -> None:
        if not self._typing:
            return
        box = event.input
        if not (box.id and box.id.startswith("f-")):
            self.recompute()
        self.checks.changed(box)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if self.invoice is not None:
            self.checks.left(event.input)

    def on_select_changed(self, event: Select.Changed) -> None:
        if self._typing:
            self.recompute()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    # -- actions --------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        inv = self.invoice
        if self.busy and action in ("save", "send", "send_again", "delete", "void"):
            return None  # shown, but does nothing until the one under way finishes
        if action in ("save", "add_line", "remove_line", "pick_customer"):
            return inv is not None and not self.read_only_reason
        if action == "send":
            return inv is not None and not self.read_only_reason and inv.status is InvoiceStatus.DRAFT
        if action == "send_again":
            return inv is not None and inv.status is not InvoiceStatus.DRAFT
        if action == "delete":
            return inv is not None and inv.id is not None and inv.status is InvoiceStatus.DRAFT
        if action == "void":
            return inv is not None and inv.status is InvoiceStatus.SENT
        if action == "record_payment":
            return inv is not None and inv.status is InvoiceStatus.SENT
        if action == "download_pdf":
            return inv is not None and inv.id is not None
        if action == "remove_payment":
            return inv is not None and bool(removable(self.payments))
        return True

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "customer":
            event.stop()
            self.action_pick_customer()
        elif event.button.id == "keep-mine":
            event.stop()
            await self._keep_mine()
        elif event.button.id == "load-newer" and self.newer is not None:
            event.stop()
            await self._reload(self.newer.loaded)

    def action_pick_customer(self) -> None:
        def picked(customer: Customer | None) -> None:
            if customer is not None:
                self.customer = customer
                self.show_customer()
                self.query_one("#f-issue_date").focus()

        self.app.push_screen(CustomerPicker(CustomerEditorScreen), picked)

    async def action_add_line(self) -> None:
        row = LineRow()
        current = self.current_row()
        if current is None:
            await self.query_one("#lines").mount(row)
        else:
            await self.query_one("#lines").mount(row, after=current)
        self.form.renumber()
        self.recompute()
        row.focus_field()
        self.query_one("#e-lines", FieldError).show("")

    async def action_remove_line(self) -> None:
        row = self.current_row()
        if row is None:
            self.notify("Move to the line to remove first", severity="warning")
            return
        rows = self.form.rows
        index = rows.index(row)
        await row.remove()
        rows = self.form.rows
        self.form.renumber()
        self.recompute()
        if rows:
            rows[min(index, len(rows) - 1)].focus_field()

    def current_row(self) -> LineRow | None:
        node = self.focused
        while node is not None and not isinstance(node, LineRow):
            node = node.parent
        return node

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
