"""One editable invoice line per row: description, quantity, unit price, revenue category, tax rate, amount.

Rows are compact (one terminal line each) and hold text as typed; the invoice editor parses them.
Below 120 columns a row wraps onto two lines so the description keeps a usable width.
"""

from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Select, Static

from tui.domain.invoice import LineItem, RevenueCategory
from tui.domain.tax import DEFAULT_TAX_RATE, TAX_RATES
from tui.widgets.field_error import FieldError
from tui.widgets.number_input import NumberInput

CATEGORY_OPTIONS = [(c.value, c) for c in RevenueCategory]
TAX_OPTIONS = [(f"{r.name} {r.rate.normalize():f}%" if r.rate else r.name, r.tax_type) for r in TAX_RATES]

# Field name in the domain's ValidationError (``lines.N.<field>``) -> the label shown with its message.
FIELD_LABELS = {
    "description": "Description",
    "quantity": "Qty",
    "unit_price": "Unit price",
    "category": "Category",
    "tax_type": "Tax rate",
}

GRID_CSS = """
    grid-size: 7 1;
    grid-rows: 1;
    grid-columns: 3 1fr 9 12 17 22 12;
    grid-gutter: 0 1;
    height: auto;
"""
NARROW_GRID_CSS = """
    grid-size: 6 2;
    grid-rows: 1 1;
    grid-columns: 3 8 12 17 1fr 12;  /* at 80 columns, beside a scrollbar: "GST on Income 10%" whole */
"""


class LineHeader(Grid):
    SCOPED_CSS = False  # the rules look at the screen's -narrow breakpoint class
    DEFAULT_CSS = f"""
    LineHeader {{ {GRID_CSS} color: $text-muted; text-style: bold; }}
    LineHeader > .right {{ text-align: right; }}
    LineHeader > .over-field {{ padding-right: 1; }}  /* as a NumberInput: the cursor's cell after the number */
    .-narrow LineHeader {{ {NARROW_GRID_CSS} }}
    .-narrow LineHeader > #h-num {{ row-span: 2; }}
    .-narrow LineHeader > #h-description {{ column-span: 5; }}
    """

    def compose(self) -> ComposeResult:
        yield Static("#", id="h-num")
        yield Static("Description", id="h-description")
        yield Static("Qty", classes="right over-field")
        yield Static("Unit price", classes="right over-field")
        yield Static("Category")
        yield Static("Tax rate")
        yield Static("Amount", classes="right")


class LineRow(Vertical):
    """The text of one line as typed; ``show_errors`` puts the domain's messages for it beneath the row."""

    SCOPED_CSS = False

    DEFAULT_CSS = f"""
    LineRow {{ height: auto; }}
    LineRow > Grid {{ {GRID_CSS} }}
    .-narrow LineRow > Grid {{ {NARROW_GRID_CSS} }}
    .-narrow LineRow .num {{ row-span: 2; }}
    .-narrow LineRow .description {{ column-span: 5; }}
    LineRow .amount {{ text-align: right; }}
    LineRow .num {{ color: $text-muted; }}
    LineRow FieldError {{ padding-left: 4; }}
    LineRow:focus-within .num {{ color: $accent; text-style: bold; }}
    """

    def __init__(self, line: LineItem | None = None, *, disabled: bool = False):
        super().__init__(disabled=disabled)
        self.line = line
        self.errors: dict[str, str] = {}  # field -> the message shown for it

    def compose(self) -> ComposeResult:
        line = self.line
        with Grid():
            yield Static("", classes="num")
            yield Input(line.description if line else "", placeholder="Description", compact=True,
                        classes="description")
            yield NumberInput(_plain(line.quantity) if line else "1", placeholder="Qty", compact=True,
                              classes="quantity")
            yield NumberInput(_plain(line.unit_price, 2) if line else "", placeholder="0.00", compact=True,
                              classes="unit_price")
            yield Select(CATEGORY_OPTIONS, value=line.category if line else RevenueCategory.GENERAL_SALES,
                         allow_blank=False, compact=True, classes="category")
            yield Select(TAX_OPTIONS, value=line.tax_type if line else DEFAULT_TAX_RATE.tax_type,
                         allow_blank=False, compact=True, classes="tax_type")
            yield Static("", classes="amount")
        yield FieldError()

    def text(self, field: str) -> str:
        return self.query_one(f".{field}", Input).value

    def choice(self, field: str):
        return self.query_one(f".{field}", Select).value

    def values(self) -> tuple:
        return (self.text("description"), self.text("quantity"), self.text("unit_price"),
                self.choice("category"), self.choice("tax_type"))

    def set_number(self, n: int) -> None:
        self.query_one(".num", Static).update(f"{n}.")

    def set_amount(self, text: str) -> None:
        amount = self.query_one(".amount", Static)
        if amount.content != text:  # an update re-lays out the screen: skip it while typing a description
            amount.update(text)

    def show_errors(self, errors: dict[str, str]) -> None:
        """``errors``: field -> message for this line (empty clears them)."""
        self.errors = errors = {field: message for field, message in errors.items() if message}
        for field in FIELD_LABELS:
            for widget in self.query(f".{field}"):
                widget.set_class(field in errors, "-invalid")
        self.query_one(FieldError).show(
            "\n".join(f"{label}: {errors[f]}" for f, label in FIELD_LABELS.items() if f in errors))

    def show_error(self, field: str, message: str) -> None:
        """One field's message ("" clears it), the others' staying."""
        self.show_errors({**self.errors, field: message})

    def field_of(self, box: Input) -> str | None:
        """Which of this line's fields ``box`` is."""
        return next((field for field in FIELD_LABELS if box.has_class(field)), None)

    def focus_field(self, field: str = "description") -> None:
        self.query_one(f".{field}").focus()


def _plain(value: Decimal, min_places: int = 0) -> str:
    """A Decimal as a person would type it: 3.5000 -> 3.5; with min_places=2, 95 -> 95.00, 34.2750 -> 34.275."""
    value = value.normalize()
    places = max(min_places, -value.as_tuple().exponent)
    return f"{value:.{places}f}"
