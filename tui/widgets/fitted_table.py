"""A DataTable whose columns fit its width: nothing scrolls sideways, a value too long for its column ends in "…"
(or, with ``wrap``, goes on over more lines: where every word counts, as in a conflict's two values).

Columns are ``table_rows.Column``: fixed ones keep their width, the others share what is left (never below their
minimum), laid out again whenever the table's width changes.
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


class FittedTable(DataTable):
    DEFAULT_CSS = "FittedTable { overflow-x: hidden; }"

    def __init__(self, columns: list[Column], *, wrap: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fitted = columns
        self.wrap = wrap

    def on_mount(self) -> None:
        for column in self.fitted:
            self.add_column(column.title, width=column.width or column.min_width, key=column.key or column.title)
        self.fit()

    def on_resize(self, event: Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Share the visible width out among the columns (each cell has padding on both sides)."""
        room = self.scrollable_content_region.width - 2 * self.cell_padding * len(self.fitted)
        if room <= 0:
            return
        keys = list(self.columns)
        for key, width in zip(keys, widths(self.fitted, room + GAP * (len(self.fitted) - 1))):
            self.columns[key].width = width
        self._require_update_dimensions = True
        self.refresh()

    def add_row(self, *cells, **kwargs):
        if self.wrap:
            return super().add_row(*cells, height=None, **kwargs)
        return super().add_row(*(clipped(c) for c in cells), **kwargs)

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, value if self.wrap else clipped(value), update_width=update_width)
