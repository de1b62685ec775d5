"""A long list with table-like columns: one OptionList (no widget per row) under a heading line.

Rows are laid out to the list's width and laid out again when it changes. Full-width lines (group headings,
"… and N more") are disabled options, so the cursor skips them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.widgets.table_rows import Column, heading, row


@dataclass(frozen=True)
class Entry:
    """A selectable row (``id`` and ``values``, one per column) or a full-width line (``line``)."""

    id: str | None = None
    values: tuple = ()
    line: Text | None = None
    style: str = ""


class Rows(OptionList):
    BINDINGS = [Binding("enter", "select", "Open", id="open")]

    DEFAULT_CSS = """
    Rows {
        border: none;
        padding: 0;
        height: 1fr;
        max-height: 100%;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        background: $surface;
        &:focus { border: none; background-tint: initial; }
        & > .option-list--option { padding: 0 1; }
        & > .option-list--option-disabled { color: $foreground; }
    }
    """


class ColumnList(Vertical):
    DEFAULT_CSS = """
    ColumnList { height: 1fr; }
    ColumnList > .column-heading {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $surface;
        text-style: bold;
    }
    """

    def __init__(self, columns: list[Column], *, rows: type[Rows] = Rows, id: str | None = None,
                 classes: str | None = None) -> None:
        """``rows``: the list's class (a subclass of Rows, e.g. to name what Enter does)."""
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self._rows_class = rows
        self.entries: list[Entry] = []
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Static("", classes="column-heading", markup=False)
        yield self._rows_class()

    @property
    def rows(self) -> Rows:
        return self.query_one(Rows)

    def _text_width(self) -> int:
        rows = self.rows
        return max(10, rows.scrollable_content_region.width - 2)  # the options' padding

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        width = self._text_width()
        if width != self._width:
            self._render_entries()

    def set_entries(self, entries: list[Entry], cursor: str | None = None) -> None:
        """Replace every row, the cursor on row id ``cursor`` if given and listed, else on the same row id where it
        still exists. The same rows at the same width (a reload after a commit that changed nothing shown, as
        most of a sync pass's commits are) redraw nothing: laying out a long list is the UI loop's costliest step."""
        if cursor is None and entries == self.entries and self._width == self._text_width():
            return
        self.entries = entries
        self._render_entries(cursor)

    def _render_entries(self, cursor: str | None = None) -> None:
        rows = self.rows
        width = self._width = self._text_width()
        self.query_one(".column-heading", Static).update(heading(self.columns, width))
        current = rows.highlighted_option.id if rows.highlighted_option else None
        if cursor is not None and any(e.id == cursor for e in self.entries):
            current = cursor
        options: list[Option] = []
        for entry in self.entries:
            if entry.line is not None:
                text = entry.line.copy()
                text.truncate(width, overflow="ellipsis")
                options.append(Option(text, disabled=True))
            else:
                options.append(Option(row(self.columns, list(entry.values), width, entry.style), id=entry.id))
        rows.set_options(options)
        index = next((i for i, o in enumerate(options) if current and o.id == current), None)
        if index is None:
            index = next((i for i, o in enumerate(options) if not o.disabled), None)
        rows.highlighted = index
