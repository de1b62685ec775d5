"""Credit notes where other screens list them: To Do's "Credit notes" group (drafts to send, and sent ones with
credit left for the customer), and a customer's credit notes with their unused credit (the customer editor's
:class:`CustomerCredit`). Enter on one opens it in the credit note editor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.credit_note import CreditNote, CreditNoteStatus
from tui.domain.dates import format_date
from tui.domain.money import format_money
from tui.screens.credit_notes.commands import open_credit_note
from tui.widgets.column_list import Entry
from tui.widgets.workers import WorkerMixin

ID_PREFIX = "credit_note:"
SCAN = 500  # the newest credit notes looked through for To Do


@dataclass(frozen=True)
class NoteRow:
    note: CreditNote
    customer: str


def needs_action(note: CreditNote) -> bool:
    """A draft to send, or a sent credit note whose credit is still the customer's to use."""
    return note.status is CreditNoteStatus.DRAFT or note.remaining_credit > 0


def todo_rows(services) -> list[NoteRow]:
    """To Do's credit notes (blocking: from a worker), newest first."""
    names: dict[int, str] = {}
    rows = []
    for note in services.credit_notes(limit=SCAN):
        if needs_action(note) and note.customer_id is not None:
            if note.customer_id not in names:
                names[note.customer_id] = services.customer(note.customer_id).name
            rows.append(NoteRow(note, names[note.customer_id]))
    return rows


def todo_entries(rows: list[NoteRow]) -> list[Entry]:
    """To Do's "Credit notes" group in its columns (number, customer, date, amount, status): a draft's total, a sent
    one's credit left."""
    if not rows:
        return []
    count = f"{len(rows):,} credit note{'' if len(rows) == 1 else 's'}"
    entries = [Entry(line=Text("")), Entry(line=Text.assemble(("Credit notes", "bold green"), "  ", (count, "dim")))]
    for row in rows:
        note = row.note
        draft = note.status is CreditNoteStatus.DRAFT
        entries.append(Entry(id=f"{ID_PREFIX}{note.id}", values=(
            note.number, row.customer, format_date(note.issue_date),
            format_money(note.totals.total if draft else note.remaining_credit),
            Text("Draft", style="yellow") if draft else Text("Credit", style="green"))))
    return entries


def credit_note_id(option_id: str | None) -> int | None:
    """The credit note a list row opens (None: the row is not a credit note)."""
    return int(option_id[len(ID_PREFIX):]) if option_id and option_id.startswith(ID_PREFIX) else None


def note_line(note: CreditNote) -> Text:
    left = f"  {format_money(note.remaining_credit)} left" if note.remaining_credit > 0 else ""
    return Text.assemble((note.number, "bold"), "  ", (format_date(note.issue_date), "dim"), "  ",
                         format_money(note.totals.total), "  ", note.status.label, (left, "green"))


class CustomerCredit(WorkerMixin, Vertical):
    """A customer's unused credit and credit notes, newest first; Enter opens one. Hidden while there are none."""

    DEFAULT_CSS = """
    CustomerCredit { height: auto; margin-top: 1; display: none; }
    CustomerCredit > #credit-heading { text-style: bold; }
    CustomerCredit > OptionList { height: auto; max-height: 8; border: none; padding: 0; }
    """

    def __init__(self, customer_id: int, **kwargs):
        super().__init__(**kwargs)
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Static("", id="credit-heading", markup=False)
        yield OptionList(id="credit-notes")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.blocking(self._fetch, on_done=self._show, on_error=lambda exc: None, group="customer-credit")

    def _fetch(self) -> tuple[Decimal, list[CreditNote]]:
        services = self.services
        return services.unused_credit(self.customer_id), services.credit_notes(self.customer_id, limit=50)

    def _show(self, loaded: tuple[Decimal, list[CreditNote]]) -> None:
        unused, notes = loaded
        self.display = bool(notes)
        self.query_one("#credit-heading", Static).update(
            f"Credit notes · unused credit {format_money(unused)}")
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(note_line(n), id=f"{ID_PREFIX}{n.id}") for n in notes])
        options.highlighted = 0 if notes else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        open_credit_note(self.app, credit_note_id(event.option.id))
