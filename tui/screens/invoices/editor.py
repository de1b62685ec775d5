"""Invoice editor: customer, dates, reference, line items with live totals; save, send or send again, delete, void;
a sent invoice's payments (record one, remove one taken by mistake).

The screen asks the services to act and shows what comes back: per-field messages from ValidationError,
"changed by X at HH:MM" from ConflictError, a paid or voided invoice's reason for being read-only from
TransitionError. Its form (``tui.screens.invoices.form.InvoiceForm``) reads what was typed and marks each field with
its message. All database and mail work runs in workers. Showing an invoice and following it as it changes
elsewhere is :mod:`.showing`; saving, deleting, voiding and payments :mod:`.saving`; sending :mod:`.sending`.

It follows the records: when a sync pass (or a conflict settled, or another person's save) moves the invoice on,
an editor with nothing unsaved shows the new copy, and one with unsaved edits asks which to keep.
"""

from __future__ import annotations

import asyncio
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from tui.domain.customer import Customer
from tui.domain.dates import DEFAULT_TIME_ZONE, business_today
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.screens.base import EditorScreen
from tui.screens.credit_notes.commands import CreditNoteCommands, can_credit
from tui.screens.customers.editor import CustomerEditorScreen
from tui.screens.invoices.form import HEAD_FIELDS, InvoiceForm
from tui.screens.invoices.saving import InvoiceSaving
from tui.screens.invoices.sending import InvoiceSending
from tui.screens.invoices.showing import InvoiceShowing, Newer
from tui.screens.payments.remove import removable
from tui.shell.sync_pass import PassResult
from tui.widgets.choice_banner import ChoiceBanner
from tui.widgets.credits_view import CreditsView
from tui.widgets.customer_picker import CustomerPicker
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import Banner, FieldError
from tui.widgets.header import AppHeader
from tui.widgets.line_items import LineHeader, LineRow
from tui.widgets.payments_view import PaymentsView
from tui.widgets.records import RecordsChanged


class InvoiceEditorScreen(InvoiceShowing, InvoiceSaving, InvoiceSending, EditorScreen):
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
    COMMANDS = {CreditNoteCommands}  # "Credit note for INV-0101" in the palette, on a sent or paid invoice
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
        # in the footer on an invoice that can no longer be edited (room there at 80 columns); Help and the palette
        # list it on one that still can (Save and Add line fill the footer)
        Binding("f4", "credit_note", "Credit note", id="credit_note", tooltip="A credit note from this invoice"),
        Binding("f4", "credit_note('editable')", "Credit note", id="credit_note_editable", show=False,
                tooltip="A credit note from this invoice"),
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
            yield CreditsView(id="credits")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sync_passed_signal.subscribe(self, self._sync_passed, immediate=True)
        self.load()

    def on_unmount(self) -> None:
        self.app.sync_passed_signal.unsubscribe(self)

    def _sync_passed(self, _: PassResult) -> None:
        self.load_sync_state()

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
        if action == "credit_note":  # one of its two bindings, as the footer has room (see BINDINGS)
            return can_credit(inv) and bool(self.read_only_reason) != bool(parameters)
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
