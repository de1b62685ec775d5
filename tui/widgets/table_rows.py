"""Fixed-column rows for an OptionList: one Text per row, laid out to the list's width.

An OptionList with one option per row stays fast for long lists (no widget per row), and these helpers give
its options table-like columns with a matching heading line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 0  # 0: share what is left over
    justify: str = "left"  # "left" | "right"
    min_width: int = 8
    key: str = ""  # a DataTable's column key (FittedTable); the title when blank
    drop_below: int = 0  # FittedTable: left out while the table is narrower than this (0: always shown)


GAP = 2


def widths(columns: list[Column], total: int) -> list[int]:
    """Fixed columns keep their width; the flexible ones share the rest (never less than their minimum)."""
    fixed = sum(c.width for c in columns if c.width) + GAP * (len(columns) - 1)
    flexible = [c for c in columns if not c.width]
    spare = max(0, total - fixed)
    share = spare // len(flexible) if flexible else 0
    return [c.width or max(c.min_width, share) for c in columns]


def cell(value: str | Text, width: int, justify: str = "left") -> Text:
    text = value.copy() if isinstance(value, Text) else Text(value)
    text.truncate(width, overflow="ellipsis")
    pad = width - text.cell_len
    if pad > 0:
        if justify == "right":
            text = Text(" " * pad) + text
        else:
            text.append(" " * pad)
    return text


def row(columns: list[Column], values: list[str | Text], total: int, style: str = "") -> Text:
    """One line: each value in its column, separated by two spaces, exactly ``total`` cells or less."""
    line = Text(style=style, no_wrap=True, overflow="ellipsis")
    for i, (col, width, value) in enumerate(zip(columns, widths(columns, total), values)):
        if i:
            line.append(" " * GAP)
        line.append_text(cell(value, width, col.justify))
    line.truncate(total, overflow="ellipsis")
    return line


def heading(columns: list[Column], total: int) -> Text:
    return row(columns, [c.title for c in columns], total, style="bold")
