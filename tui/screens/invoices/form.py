"""The invoice editor's form: what was typed, read as a domain Invoice with a message per field, and shown back
(all at once after a save, or one field at a time as people type: ``FieldChecks``).

Reading only turns text into values (dates, quantities, prices: ``tui.domain`` says how each is written); what
makes an invoice valid is the domain's ``Invoice.problems()``. Every problem shows at once: the fields that did
not read, and the domain's messages for the rest, each beside its field.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Callable

from rich.table import Table
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.domain.customer import Customer
from datetime import date

from tui.domain.dates import DUE_YEARS_AHEAD, YEARS_AHEAD, format_date, parse_date
from tui.domain.invoice import Invoice, LineItem, parse_quantity, parse_unit_price
from tui.domain.money import format_money
from tui.domain.tax import LineAmountTypes
from tui.widgets.field_error import Banner, FieldError
from tui.widgets.line_items import FIELD_LABELS, LineRow

# (field, label, placeholder) of the one-line fields above the lines
HEAD_FIELDS = (
    ("number", "Number", "automatic"),
    ("issue_date", "Issue date", "DD/MM/YYYY"),
    ("due_date", "Due date", "DD/MM/YYYY"),
    ("reference", "Reference", "order or job number"),
)
HEAD_NAMES = tuple(field for field, _, _ in HEAD_FIELDS)


def _parse(errors: dict[str, str], key: str, parse: Callable[[str], object], text: str):
    try:
        return parse(text)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def read_date(stored: date, today: date, years_ahead: int = YEARS_AHEAD) -> Callable[[str], date]:
    """A date field's reading: the stored date as it was shown stays (an old invoice from Xero), any other within
    the window of ``today`` the domain allows."""
    def read(text: str) -> date:
        if text.strip() == format_date(stored):
            return stored
        return parse_date(text, today=today, years_ahead=years_ahead)
    return read


def read_lines(rows: list[LineRow]) -> tuple[list[LineItem | None], dict[str, str]]:
    """Each row as a LineItem (None where its numbers don't read), with the messages keyed ``lines.N.field``."""
    errors: dict[str, str] = {}
    lines: list[LineItem | None] = []
    for i, row in enumerate(rows):
        quantity = _parse(errors, f"lines.{i}.quantity", parse_quantity, row.text("quantity"))
        price = _parse(errors, f"lines.{i}.unit_price", parse_unit_price, row.text("unit_price"))
        ok = quantity is not None and price is not None
        lines.append(LineItem(row.text("description"), quantity, price, row.choice("category"),
                              row.choice("tax_type")) if ok else None)
    return lines, errors


def read_invoice(base: Invoice, customer: Customer | None, text: Callable[[str], str],
                 rows: list[LineRow], today: date) -> tuple[Invoice, dict[str, str]]:
    """``base`` with what is typed (``text(field)`` for the head fields, then the rows), and every message for it:
    what could not be read and, for the rest, what the domain's validation says."""
    errors: dict[str, str] = {}
    issue = _parse(errors, "issue_date", read_date(base.issue_date, today), text("issue_date"))
    due = _parse(errors, "due_date", read_date(base.due_date, today, DUE_YEARS_AHEAD), text("due_date"))
    lines, line_errors = read_lines(rows)
    errors.update(line_errors)
    inv = replace(
        base,
        customer_id=customer.id if customer else None,
        number=text("number").strip(),
        issue_date=issue or base.issue_date,
        due_date=due or base.due_date,
        reference=text("reference"),
        lines=[line for line in lines if line is not None],
    )
    # Stand-ins for the numbers that did not read, so the other fields' messages line up with their rows.
    probe = replace(inv, lines=[line or LineItem(row.text("description"), Decimal(1), Decimal(0))
                                for line, row in zip(lines, rows)])
    problems = probe.problems()
    if issue is None or due is None:
        problems.pop("due_date", None)
    return inv, problems | errors


def totals_rows(shown: Invoice) -> tuple[tuple[str, str], ...]:
    """The totals under the lines: (label, amount) in Rich markup."""
    t = shown.totals
    gst = "Includes GST" if shown.amounts is LineAmountTypes.INCLUSIVE else "GST"
    return (("Subtotal", format_money(t.subtotal)), (gst, format_money(t.tax)),
            ("[b]Total[/]", f"[b]{format_money(t.total)}[/]"), ("Amount paid", format_money(shown.amount_paid)),
            ("[b]Amount due[/]", f"[b]{format_money(shown.amount_due)}[/]"))


class InvoiceForm:
    """The editor's fields (the screen composes them: ``#f-<field>``, ``#e-<field>``, ``#lines``, ``#totals``):
    read, totalled, and marked with their messages."""

    def __init__(self, screen: Screen):
        self.screen = screen
        self._totals_shown: tuple = ()

    @property
    def rows(self) -> list[LineRow]:
        return list(self.screen.query_one("#lines").query_children(LineRow))

    def text(self, field: str) -> str:
        return self.screen.query_one(f"#f-{field}", Input).value

    def snapshot(self, customer: Customer | None) -> tuple:
        """Everything typed and chosen, to tell whether anything changed since."""
        return (customer.id if customer else None, *(self.text(f) for f in HEAD_NAMES),
                *(row.values() for row in self.rows))

    def read(self, base: Invoice, customer: Customer | None, today: date) -> tuple[Invoice, dict[str, str]]:
        """The invoice as typed and every message for it (see :func:`read_invoice`)."""
        return read_invoice(base, customer, self.text, self.rows, today)

    def recompute(self, base: Invoice) -> None:
        """Line amounts and totals from what is typed now (lines that don't read yet count as nothing)."""
        rows = self.rows
        lines, _ = read_lines(rows)
        for row, line in zip(rows, lines):
            row.set_amount(format_money(line.line_amount) if line else "")
        shown = totals_rows(replace(base, lines=[line for line in lines if line is not None]))
        if shown == self._totals_shown:
            return
        self._totals_shown = shown
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(justify="right", ratio=1)
        table.add_column(justify="right", min_width=12)
        for row in shown:
            table.add_row(*row)
        self.screen.query_one("#totals", Static).update(table)

    # -- one field at a time (``FieldChecks``: checking as people type) ----------------------------------------
    def key_of(self, box: Input) -> str | None:
        """The field ``box`` is: ``issue_date``, or ``lines.N.quantity`` for a line's."""
        if box.id and box.id.startswith("f-"):
            return box.id[2:]
        row = box.parent.parent if box.parent is not None else None
        if isinstance(row, LineRow) and (field := row.field_of(box)) is not None:
            return f"lines.{self.rows.index(row)}.{field}"
        return None

    def _line(self, key: str) -> tuple[LineRow, str] | None:
        _, index, field = key.split(".", 2)
        rows = self.rows
        return (rows[int(index)], field) if int(index) < len(rows) else None

    def show_field(self, key: str, message: str) -> None:
        if key.startswith("lines."):
            if (line := self._line(key)) is not None:
                line[0].show_error(line[1], message)
            return
        self.screen.query_one(f"#e-{key}", FieldError).show(message)
        if key in HEAD_NAMES:
            self.screen.query_one(f"#f-{key}", Input).set_class(bool(message), "-invalid")

    def shown(self, key: str) -> str:
        if key.startswith("lines."):
            line = self._line(key)
            return line[0].errors.get(line[1], "") if line is not None else ""
        return self.screen.query_one(f"#e-{key}", FieldError).message

    def value_of(self, key: str) -> str | None:
        """What the field named ``key`` holds (None: no such field, or not one typed in)."""
        if key in HEAD_NAMES:
            return self.text(key)
        if key.startswith("lines.") and (line := self._line(key)) is not None and line[1] in FIELD_LABELS:
            row, field = line
            return row.text(field) if field in ("description", "quantity", "unit_price") else None
        return None

    def renumber(self) -> None:
        for n, row in enumerate(self.rows, start=1):
            row.set_number(n)

    def show_errors(self, errors: dict[str, str], *, read_only: bool) -> None:
        """Each message beside its field; anything without a field goes to the banner."""
        query_one = self.screen.query_one
        placed = {"customer", "lines", *HEAD_NAMES}
        for field in placed:
            query_one(f"#e-{field}", FieldError).show(errors.get(field, ""))
            if field in HEAD_NAMES:
                query_one(f"#f-{field}", Input).set_class(field in errors, "-invalid")
        for i, row in enumerate(self.rows):
            prefix = f"lines.{i}."
            row.show_errors({k[len(prefix):]: v for k, v in errors.items() if k.startswith(prefix)})
        rest = [m for k, m in errors.items() if k not in placed and not k.startswith("lines.")]
        if rest:
            query_one(Banner).show("\n".join(rest), error=True)
        elif errors or not read_only:
            query_one(Banner).show("", error=True)
        if errors:
            self.focus_first_error(errors)

    def focus_first_error(self, errors: dict[str, str]) -> None:
        if "customer" in errors:
            self.screen.query_one("#customer").focus()
            return
        for field in HEAD_NAMES:
            if field in errors:
                self.screen.query_one(f"#f-{field}").focus()
                return
        for key in errors:
            if key.startswith("lines."):
                _, index, field = key.split(".", 2)
                rows = self.rows
                if int(index) < len(rows):
                    rows[int(index)].focus_field(field if field in FIELD_LABELS else "description")
                return
