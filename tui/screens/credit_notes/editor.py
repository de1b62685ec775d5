"""Credit note editor: a credit (adjustment) note made from a sent invoice's lines, all or some (Space ticks a line),
with the quantities and prices to credit; its totals and GST as the domain works them out. A draft is saved
(Ctrl+S) and sent (Ctrl+E, after a question): emailed as an adjustment note and allocated to its invoice. A sent
one's credit left is refunded (F6) or allocated to another of the customer's invoices (F4); an allocation or
refund is removed (F7); a sent note with nothing used is voided, a draft deleted (F8).

The screen shows what the services say: per-field messages from ValidationError, a sentence from
TransitionError and ConflictError. All database and mail work runs in workers (``actions.CreditNoteActions``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Footer, Input, Label, Static

from tui.domain.credit import Allocation, Refund, creditable, draft_from_invoice
from tui.domain.credit_note import CreditNote, CreditNoteStatus
from tui.domain.customer import Customer
from tui.domain.dates import format_date, parse_date
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, LineItem, totals
from tui.domain.money import ZERO, format_money
from tui.domain.tax import LineAmountTypes
from tui.screens.base import EditorScreen
from tui.screens.credit_notes.actions import CreditNoteActions
from tui.screens.credit_notes.lines import CreditLineHeader, CreditLineRow, credited_lines, read_picks, read_row
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import Banner, FieldError
from tui.widgets.header import AppHeader
from tui.widgets.records import RecordsChanged

HEAD = (("issue_date", "Date", "DD/MM/YYYY"), ("reference", "Reference", "what the credit is for"))


@dataclass(frozen=True)
class Loaded:
    note: CreditNote
    invoice: Invoice | None  # the invoice it credits
    customer: Customer | None
    limit: Decimal | None  # a draft from an invoice: the most it can credit
    allocations: list[Allocation]
    refunds: list[Refund]
    numbers: dict[int, str]  # invoice id -> number, for the allocations
    send_error: str


def uses_table(data: Loaded) -> Table | None:
    """Where the credit went: each allocation and refund, oldest first (None when there is none)."""
    rows = [(a.date, f"Allocated to {data.numbers.get(a.invoice_id, 'an invoice')}", a.amount, "")
            for a in data.allocations]
    rows += [(r.date, f"Refunded · {r.method.value if r.method else 'in Xero'}", r.amount, r.reference)
             for r in data.refunds]
    if not rows:
        return None
    table = Table.grid(padding=(0, 2))
    for style in ("dim", "", ""):
        table.add_column(style=style)
    table.add_column(style="dim", overflow="ellipsis", no_wrap=True)
    for when, what, amount, reference in sorted(rows, key=lambda r: r[0]):
        table.add_row(format_date(when), what, format_money(amount), reference)
    return table


class CreditNoteEditorScreen(CreditNoteActions, EditorScreen):
    DISCARD_QUESTION = "Discard your unsaved changes to this credit note?"
    DEFAULT_CSS = """
    CreditNoteEditorScreen #form { padding: 0 1; scrollbar-size-vertical: 1; }
    CreditNoteEditorScreen #heading { height: 1; }
    CreditNoteEditorScreen #heading-text { width: auto; text-style: bold; }
    CreditNoteEditorScreen #status { width: auto; padding: 0 1; margin: 0 1; }
    CreditNoteEditorScreen #status.-draft { background: $warning-muted; }
    CreditNoteEditorScreen #status.-sent, CreditNoteEditorScreen #status.-part_allocated { background: $primary-muted; }
    CreditNoteEditorScreen #status.-allocated, CreditNoteEditorScreen #status.-refunded { background: $success-muted; }
    CreditNoteEditorScreen #status.-voided { background: $error-muted; }
    CreditNoteEditorScreen #about { color: $text-muted; height: auto; margin-bottom: 1; }
    CreditNoteEditorScreen .head-field { height: auto; }
    CreditNoteEditorScreen .head-field > Label { width: 12; color: $text-muted; }
    CreditNoteEditorScreen .head-field > Input { width: 14; }
    CreditNoteEditorScreen .head-field > #f-reference { width: 32; }
    CreditNoteEditorScreen .head-field > FieldError { width: 1fr; padding-left: 2; }
    CreditNoteEditorScreen CreditLineHeader { margin-top: 1; }
    CreditNoteEditorScreen #lines { height: auto; }
    CreditNoteEditorScreen #e-lines { padding-left: 7; }
    CreditNoteEditorScreen #totals { width: 100%; height: auto; margin-top: 1; }
    CreditNoteEditorScreen #uses { height: auto; margin-top: 1; display: none; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="credit_save"),
        Binding("ctrl+e", "send", "Send", id="credit_send", priority=True),
        Binding("f4", "allocate", "Allocate", id="credit_allocate", tooltip="Allocate credit to an invoice"),
        Binding("f6", "refund", "Refund", id="credit_refund", tooltip="Refund credit to the customer"),
        Binding("f7", "remove_use", "Remove", id="credit_remove", tooltip="Remove an allocation or refund"),
        Binding("f8", "delete", "Delete draft", id="credit_delete"),
        Binding("f8", "void", "Void", id="credit_void"),
    ]

    def __init__(self, credit_note_id: int | None = None, *, invoice_id: int | None = None):
        """An existing credit note, or (``invoice_id``) a new draft crediting that invoice's lines."""
        super().__init__()
        self.credit_note_id = credit_note_id
        self.invoice_id = invoice_id
        self.data: Loaded | None = None
        self.read_only = True
        self.busy = False
        self._clean: tuple | None = None
        self.checks = FieldChecks(self.key_of, self.problems, self.show_field, self.shown)
        self.title = "Credit note"

    def compose(self) -> ComposeResult:
        yield AppHeader("Credit note")
        with VerticalScroll(id="form"):
            with Horizontal(id="heading"):
                yield Static("Loading credit note…", id="heading-text")
                yield Static("", id="status")
            yield Static("", id="about", markup=False)
            yield Banner(id="banner")
            for field, label, placeholder in HEAD:
                with Horizontal(classes="head-field"):
                    yield Label(label)
                    yield Input(placeholder=placeholder, id=f"f-{field}", compact=True, disabled=True)
                    yield FieldError(id=f"e-{field}")
            yield CreditLineHeader()
            yield Vertical(id="lines")
            yield FieldError(id="e-lines")
            yield Static("", id="totals")
            yield Static("", id="uses")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading ------------------------------------------------------------------------------------------
    def load(self) -> None:
        self.blocking(self._fetch, on_done=self._show, on_error=self._load_failed, group="load")

    def _fetch(self) -> Loaded:
        services = self.services
        if self.credit_note_id is None:
            invoice = services.invoice(self.invoice_id)
            # every line, whatever the invoice can still be credited: that is checked as the lines are read
            note = draft_from_invoice(invoice, services.today(), credited_before=-invoice.totals.total)
        else:
            note = services.credit_note(self.credit_note_id)
            invoice = services.invoice(note.invoice_id) if note.invoice_id is not None else None
        customer = services.customer(note.customer_id) if note.customer_id is not None else None
        draft = note.status is CreditNoteStatus.DRAFT
        limit = services.credit_note_limit(invoice.id) if draft and invoice is not None else None
        allocations = services.credit_note_allocations(note.id) if note.id is not None else []
        refunds = services.credit_note_refunds(note.id) if note.id is not None else []
        numbers = {a.invoice_id: services.invoice(a.invoice_id).number for a in allocations}
        send_error = services.credit_note_send_error(note.id) if draft and note.id is not None else ""
        return Loaded(note, invoice, customer, limit, allocations, refunds, numbers, send_error)

    def _load_failed(self, exc: Exception) -> None:
        self.query_one("#heading-text", Static).update("Credit note")
        self.banner(str(exc))

    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        """Another session, a sync pass or a dialog changed this credit note: shown anew when it moved on from the
        version on screen (not for this editor's own save), unless there are unsaved edits."""
        note = self.note
        if note is not None and note.id is not None and message.touches("credit_note", note.id):
            self.follow_up(self.services.newer_credit_note, note.id, note.version, on_done=self._follow,
                           on_error=lambda exc: None)

    def _follow(self, newer: CreditNote | None) -> None:
        if newer is not None and not self.busy and not self.dirty and newer.version > self.note.version:
            self.load()

    async def _show(self, data: Loaded) -> None:
        """Show ``data``; shown again (a reload), the focus stays on the same field where it still is."""
        where = self._focus_place() if self.data is not None else (0, "picked")
        self._clean = None
        self.data = data
        note = data.note
        self.credit_note_id = note.id
        self.read_only = not note.editable or data.invoice is None
        self.show_heading()
        for field, value in (("issue_date", format_date(note.issue_date)), ("reference", note.reference)):
            box = self.query_one(f"#f-{field}", Input)
            box.value = value
            box.disabled = self.read_only
        await self._show_lines(data)
        self.recompute()
        self.show_errors({})
        uses = uses_table(data)
        self.query_one("#uses", Static).update(uses or "")
        self.query_one("#uses").display = uses is not None
        if data.send_error:
            self.banner(f"Not sent yet: the last attempt failed: {data.send_error}")
        self._clean = self.snapshot()
        self.refresh_bindings()
        if where is not None and not self.read_only and self.rows:
            self.rows[min(where[0], len(self.rows) - 1)].focus_field(where[1])

    def _focus_place(self) -> tuple[int, str] | None:
        """The line and field the focus is in (None: not in a line)."""
        node = self.focused
        while node is not None and not isinstance(node, CreditLineRow):
            node = node.parent
        if node is None:
            return None
        field = next((f for f in ("quantity", "unit_price") if self.focused.has_class(f)), "picked")
        return self.rows.index(node), field

    async def _show_lines(self, data: Loaded) -> None:
        note, invoice = data.note, data.invoice
        if self.read_only:
            rows = [CreditLineRow(n, line, disabled=True) for n, line in enumerate(note.lines, start=1)]
        else:
            credited = credited_lines(invoice.lines, note.lines)
            rows = [CreditLineRow(n, replace(line, quantity=c.quantity, unit_price=c.unit_price) if c else line,
                                  picked=c is not None)
                    for n, (line, c) in enumerate(zip(invoice.lines, credited), start=1)]
        lines = self.query_one("#lines", Vertical)
        await lines.remove_children()
        await lines.mount_all(rows)

    def show_heading(self) -> None:
        data = self.data
        note = data.note
        self.title = f"Credit note {note.number}" if note.number else "New credit note"
        self.query_one("#heading-text", Static).update(self.title)
        status = self.query_one("#status", Static)
        status.update(note.status.label)
        for s in CreditNoteStatus:
            status.set_class(note.status is s, f"-{s.value.lower()}")
        about = [f"Credits {data.invoice.number}" if data.invoice else "Not made from an invoice"]
        if data.customer is not None:
            about.append(data.customer.name)
        if data.limit is not None:
            about.append(f"up to {format_money(data.limit)} can be credited")
        if note.sent_at is not None and note.status is not CreditNoteStatus.DRAFT:
            about.append(f"sent to {note.sent_to}")
        if note.amounts is LineAmountTypes.INCLUSIVE:
            about.append("prices include GST")
        self.query_one("#about", Static).update(" · ".join(about))

    def banner(self, text: str, *, error: bool = True) -> None:
        self.query_one(Banner).show(text, error=error)

    # -- the form ----------------------------------------------------------------------------------------
    @property
    def note(self) -> CreditNote | None:
        return self.data.note if self.data is not None else None

    @property
    def rows(self) -> list[CreditLineRow]:
        return list(self.query_one("#lines").query_children(CreditLineRow))

    def snapshot(self) -> tuple:
        return (self.query_one("#f-issue_date", Input).value, self.query_one("#f-reference", Input).value,
                *(row.values() for row in self.rows))

    @property
    def dirty(self) -> bool:
        return self._clean is not None and not self.read_only and self.snapshot() != self._clean

    def read(self) -> tuple[CreditNote | None, dict[str, str]]:
        """The draft as typed, and every message for it: what does not read, then the domain's rules."""
        data = self.data
        picks, _, errors = read_picks(self.rows)
        typed = self.query_one("#f-issue_date", Input).value
        try:  # the date as it was shown stays; any other within the window of today the domain allows
            on = data.note.issue_date if typed.strip() == format_date(data.note.issue_date) \
                else parse_date(typed, today=self.services.today())
        except ValueError as exc:
            errors["issue_date"], on = str(exc), data.note.issue_date
        before = creditable(data.invoice) - data.limit if data.limit is not None else ZERO
        try:
            made = draft_from_invoice(data.invoice, on, picks, credited_before=before)
        except (ValidationError, TransitionError) as exc:
            rules = exc.errors if isinstance(exc, ValidationError) else {"lines": str(exc)}
            if not picks and "lines" in rules:  # no line to add here: the lines to credit are ticked
                rules["lines"] = "Tick a line to credit (Space)"
            return None, rules | errors
        note = replace(data.note, lines=made.lines, issue_date=on,
                       reference=self.query_one("#f-reference", Input).value.strip())
        return (None if errors else note), note.problems() | errors

    def problems(self) -> dict[str, str]:
        return {} if self.data is None or self.read_only else self.read()[1]

    def recompute(self) -> None:
        note = self.note
        lines: list[LineItem] = []
        for row in self.rows:
            quantity, price, _ = read_row(row)
            line = replace(row.line, quantity=quantity, unit_price=price) if None not in (quantity, price) else None
            row.set_amount(format_money(line.line_amount) if line and row.picked else "")
            if line is not None and row.picked:
                lines.append(line)
        t = totals(lines, note.amounts)
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(justify="right", ratio=1)
        table.add_column(justify="right", min_width=12)
        gst = "Includes GST" if note.amounts is LineAmountTypes.INCLUSIVE else "GST"
        table.add_row("Subtotal", format_money(t.subtotal))
        table.add_row(gst, format_money(t.tax))
        table.add_row(Text("Total credit", style="bold"), Text(format_money(t.total), style="bold"))
        if note.status is not CreditNoteStatus.DRAFT:
            table.add_row("Allocated", format_money(note.amount_allocated))
            table.add_row("Refunded", format_money(note.amount_refunded))
            table.add_row(Text("Credit left", style="bold"), Text(format_money(note.remaining_credit), style="bold"))
        self.query_one("#totals", Static).update(table)

    def key_of(self, box: Input) -> str | None:
        if box.id in ("f-issue_date", "f-reference"):
            return box.id[2:]
        row = box.parent.parent if box.parent is not None else None
        if isinstance(row, CreditLineRow) and row.picked and (field := row.field_of(box)) is not None:
            picked = [r for r in self.rows if r.picked]
            return f"lines.{picked.index(row)}.{field}"
        return None

    def _row(self, key: str) -> tuple[CreditLineRow, str] | None:
        _, place, *field = key.split(".", 2)
        picked = [r for r in self.rows if r.picked]
        return (picked[int(place)], field[0] if field else "") if int(place) < len(picked) else None

    def show_field(self, key: str, message: str) -> None:
        if key.startswith("lines."):
            if (found := self._row(key)) is not None:
                found[0].show_error(found[1], message)
            return
        self.query_one(f"#e-{key}", FieldError).show(message)
        self.query_one(f"#f-{key}", Input).set_class(bool(message), "-invalid")

    def shown(self, key: str) -> str:
        if key.startswith("lines."):
            found = self._row(key)
            return found[0].errors.get(found[1], "") if found is not None else ""
        return self.query_one(f"#e-{key}", FieldError).message

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message at its field, the focus on the first; what has no field goes to the banner."""
        for field in ("issue_date", "reference"):
            self.show_field(field, errors.get(field, ""))
        self.query_one("#e-lines", FieldError).show(errors.get("lines", ""))
        picked = [r for r in self.rows if r.picked]
        for place, row in enumerate(picked):
            prefix = f"lines.{place}."
            row.show_errors({k[len(prefix):]: v for k, v in errors.items() if k.startswith(prefix)})
        for row in self.rows:
            if not row.picked:
                row.show_errors({})
        rest = [m for k, m in errors.items() if k not in ("issue_date", "reference") and not k.startswith("lines")]
        self.banner("\n".join(rest)) if rest else self.query_one(Banner).show("")
        self._focus_first(errors, picked)

    def _focus_first(self, errors: dict[str, str], picked: list[CreditLineRow]) -> None:
        for field in ("issue_date", "reference"):
            if field in errors:
                self.query_one(f"#f-{field}").focus()
                return
        for key in errors:
            if key.startswith("lines.") and (found := self._row(key)) is not None:
                found[0].focus_field(found[1])
                return
        if "lines" in errors and picked:
            picked[0].focus_field()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.data is None or self.read_only:
            return
        if not (event.input.id or "").startswith("f-"):
            self.recompute()
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if self.data is not None and not self.read_only:
            self.checks.left(event.input)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if self.data is not None and not self.read_only:
            self.recompute()
            self.query_one("#e-lines", FieldError).show("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()
