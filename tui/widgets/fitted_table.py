"""A DataTable whose columns fit its width: nothing scrolls sideways, a value too long for its column ends in "…"
(or, with ``wrap``, goes on over more lines: where every word counts, as in a conflict's two values).

Columns are ``table_rows.Column``: fixed ones keep their width, the others share what is left (never below their
minimum), laid out again whenever the table's width changes. A column with ``drop_below`` is left out while the
table is narrower than that, so the columns that matter keep their room (its values come back when it widens).
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable

from tui.widgets.table_rows import GAP, Column, widths


def clipped(value) -> Text:
    """A cell's value on one line, cut with an ellipsis where its column is too narrow."""
    text = value.copy() if isinstance(value, Text) else Text(str(value))
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def key_of(column: Column) -> str:
    return column.key or column.title


class FittedTable(DataTable):
    DEFAULT_CSS = "FittedTable { overflow-x: hidden; }"

    def __init__(self, columns: list[Column], *, wrap: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fitted = columns
        self.wrap = wrap
        self._values: dict[str, dict[str, object]] = {}  # row key -> every column's value, shown or not

    def on_mount(self) -> None:
        self.fit()

    def on_resize(self, event: Resize) -> None:
        self.fit()

    def _shown(self) -> list[Column]:
        width = self.size.width
        return [c for c in self.fitted if not c.drop_below or width >= c.drop_below]

    def fit(self) -> None:
        """Choose the columns for this width, then share the width out among them (each cell has padding on both
        sides)."""
        shown = self._shown()
        if [key_of(c) for c in shown] != [str(k.value) for k in self.columns]:
            self._lay_out(shown)
        room = self.scrollable_content_region.width - 2 * self.cell_padding * len(shown)
        if room <= 0:
            return
        for key, width in zip(list(self.columns), widths(shown, room + GAP * (len(shown) - 1))):
            self.columns[key].width = width
        self._require_update_dimensions = True
        self.refresh()

    def _lay_out(self, shown: list[Column]) -> None:
        """The table again with ``shown``'s columns and every row, the cursor on the same row."""
        row = self.cursor_row
        rows = list(self._values.items())
        super().clear(columns=True)
        for column in shown:
            self.add_column(column.title, width=column.width or column.min_width, key=key_of(column))
        for key, values in rows:
            self._add(key, [values[key_of(c)] for c in shown])
        if rows:
            self.move_cursor(row=min(row, len(rows) - 1), animate=False)

    def _add(self, key, cells: list):
        if self.wrap:
            return super().add_row(*cells, height=None, key=key)
        return super().add_row(*(clipped(c) for c in cells), key=key)

    def add_row(self, *cells, key: str | None = None):
        """A row with a value for every column, shown or not (``key``: the row's key; one is made if None)."""
        key = f"row-{len(self._values)}" if key is None else key
        self._values[key] = {key_of(c): value for c, value in zip(self.fitted, cells)}
        return self._add(key, [self._values[key][key_of(c)] for c in self._shown()])

    def clear(self, columns: bool = False):
        self._values.clear()
        return super().clear(columns)

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        self._values[row_key][column_key] = value
        if column_key in self.columns:
            super().update_cell(row_key, column_key, value if self.wrap else clipped(value), update_width=update_width)
