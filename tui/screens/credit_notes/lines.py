"""The credit note editor's lines: one row per line of the invoice being credited, ticked to credit it (Space), with
the quantity and unit price to credit (the invoice's to start with; less for a part credit or a lower price).

Rows hold text as typed; :func:`read_picks` turns the ticked ones into the domain's ``LinePick``s, and the domain
(``tui.domain.credit.draft_from_invoice``) says what is wrong with them, keyed by the pick's place among the ticked
rows (``lines.N.quantity``).
"""

from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Static

from tui.domain.credit import LinePick
from tui.domain.invoice import LineItem, parse_quantity, parse_unit_price
from tui.domain.tax import tax_rate
from tui.widgets.field_error import FieldError
from tui.widgets.number_input import NumberInput

LABELS = {"quantity": "Qty", "unit_price": "Unit price"}

GRID_CSS = """
    grid-size: 7 1;
    grid-rows: 1;
    grid-columns: 3 3 1fr 9 12 9 12;
    grid-gutter: 0 1;
    height: auto;
"""


def tax_label(tax_type: str) -> str:
    try:
        rate = tax_rate(tax_type)
    except KeyError:
        return tax_type
    return f"GST {rate.rate.normalize():f}%" if rate.rate else "No GST" if rate.tax_type == "BASEXCLUDED" \
        else "GST free"


def _plain(value: Decimal, min_places: int = 0) -> str:
    """As a person would type it: 3.5000 -> 3.5; with min_places=2, 95 -> 95.00."""
    value = value.normalize()
    places = max(min_places, -value.as_tuple().exponent)
    return f"{value:.{places}f}"


class Tick(Checkbox):
    """A three-cell checkbox that reads without colour: [✓] ticked, [ ] not; Space or Enter toggles it."""

    DEFAULT_CSS = """
    Tick, Tick.-textual-compact { width: 3; border: none; padding: 0; background: transparent; }
    Tick:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
    """

    def render(self) -> Content:
        return Content("[✓]" if self.value else "[ ]")


class CreditLineHeader(Grid):
    DEFAULT_CSS = f"""
    CreditLineHeader {{ {GRID_CSS} color: $text-muted; text-style: bold; }}
    CreditLineHeader > .right {{ text-align: right; }}
    CreditLineHeader > .over-field {{ padding-right: 1; }}
    """

    def compose(self) -> ComposeResult:
        yield Static("✓")
        yield Static("#")
        yield Static("Description")
        yield Static("Qty", classes="right over-field")
        yield Static("Unit price", classes="right over-field")
        yield Static("GST")
        yield Static("Credit", classes="right")


class CreditLineRow(Vertical):
    """One invoice line: ticked or not, the quantity and price to credit; its messages beneath it."""

    DEFAULT_CSS = f"""
    CreditLineRow {{ height: auto; }}
    CreditLineRow > Grid {{ {GRID_CSS} }}
    CreditLineRow .num {{ color: $text-muted; }}
    CreditLineRow .description {{ text-wrap: nowrap; text-overflow: ellipsis; }}
    CreditLineRow .gst {{ color: $text-muted; }}
    CreditLineRow .amount {{ text-align: right; }}
    CreditLineRow.-left-out .description, CreditLineRow.-left-out .amount {{ color: $text-disabled; }}
    CreditLineRow FieldError {{ padding-left: 7; }}
    CreditLineRow:focus-within .num {{ color: $accent; text-style: bold; }}
    """

    def __init__(self, number: int, line: LineItem, *, picked: bool = True, disabled: bool = False):
        """``line``: the invoice's line, with the quantity and price to credit (the invoice's, or a draft's)."""
        super().__init__(disabled=disabled)
        self.number = number
        self.line = line
        self.start_picked = picked
        self.errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        line = self.line
        with Grid():
            yield Tick(value=self.start_picked, compact=True, classes="picked")
            yield Static(f"{self.number}.", classes="num")
            yield Static(line.description, classes="description", markup=False)
            yield NumberInput(_plain(line.quantity), placeholder="Qty", compact=True, classes="quantity")
            yield NumberInput(_plain(line.unit_price, 2), placeholder="0.00", compact=True, classes="unit_price")
            yield Static(tax_label(line.tax_type), classes="gst")
            yield Static("", classes="amount")
        yield FieldError()

    def on_mount(self) -> None:
        self.set_class(not self.start_picked, "-left-out")

    @property
    def picked(self) -> bool:
        return self.query_one(Tick).value

    def text(self, field: str) -> str:
        return self.query_one(f".{field}", Input).value

    def values(self) -> tuple:
        return self.picked, self.text("quantity"), self.text("unit_price")

    def set_amount(self, text: str) -> None:
        self.set_class(not self.picked, "-left-out")
        amount = self.query_one(".amount", Static)
        if amount.content != text:
            amount.update(text)

    def field_of(self, box: Input) -> str | None:
        return next((field for field in LABELS if box.has_class(field)), None)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.errors = errors = {field: message for field, message in errors.items() if message}
        for field in LABELS:
            self.query_one(f".{field}").set_class(field in errors, "-invalid")
        self.query_one(FieldError).show("\n".join(f"{label}: {errors[f]}" for f, label in LABELS.items()
                                                  if f in errors))

    def show_error(self, field: str, message: str) -> None:
        self.show_errors({**self.errors, field: message})

    def focus_field(self, field: str = "quantity") -> None:
        self.query_one(f".{field}" if field in LABELS else Tick).focus()


def read_row(row: CreditLineRow) -> tuple[Decimal | None, Decimal | None, dict[str, str]]:
    """The row's quantity and price as typed (None where they do not read), with a message for each that does not."""
    errors: dict[str, str] = {}
    quantity = price = None
    try:
        quantity = parse_quantity(row.text("quantity"))
    except ValueError as exc:
        errors["quantity"] = str(exc)
    try:
        price = parse_unit_price(row.text("unit_price"))
    except ValueError as exc:
        errors["unit_price"] = str(exc)
    return quantity, price, errors


def read_picks(rows: list[CreditLineRow]) -> tuple[list[LinePick], list[CreditLineRow], dict[str, str]]:
    """The ticked rows as picks of the invoice's lines (a number that does not read stays the invoice's), the
    ticked rows in the same order, and the messages for what did not read, keyed ``lines.N.field`` by the pick's
    place."""
    picks: list[LinePick] = []
    picked: list[CreditLineRow] = []
    errors: dict[str, str] = {}
    for row in rows:
        if not row.picked:
            continue
        quantity, price, problems = read_row(row)
        errors.update({f"lines.{len(picks)}.{field}": message for field, message in problems.items()})
        picks.append(LinePick(row.number - 1, quantity, price))
        picked.append(row)
    return picks, picked, errors


def credited_lines(invoice_lines: list[LineItem], note_lines: list[LineItem]) -> list[LineItem | None]:
    """For each invoice line, the draft's line crediting it (same description, category and tax rate, each draft
    line used once), or None where the draft leaves it out."""
    left = list(note_lines)
    found: list[LineItem | None] = []
    for line in invoice_lines:
        match = next((n for n in left if (n.description, n.category, n.tax_type)
                      == (line.description, line.category, line.tax_type)), None)
        if match is not None:
            left.remove(match)
        found.append(match)
    return found
