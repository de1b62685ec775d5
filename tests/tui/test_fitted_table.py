"""FittedTable: columns share the width, long values end in "…", a column with drop_below comes and goes."""

from __future__ import annotations

from textual.app import App

from tui.widgets.fitted_table import FittedTable
from tui.widgets.table_rows import Column

COLUMNS = [Column("Number", 10), Column("Issued", 10, drop_below=90), Column("Why", min_width=12)]
WHY = "same number and the same total, but a different customer name in Xero"


class TableApp(App):
    def compose(self):
        yield FittedTable(COLUMNS, id="t")

    def on_mount(self) -> None:
        table = self.query_one(FittedTable)
        table.add_row("INV-0001", "25/11/2026", WHY, key="one")
        table.add_row("INV-0002", "26/11/2026", "new")


def shown_row(app, width: int) -> str:
    table = app.query_one(FittedTable)
    return "".join(seg.text for seg in table.render_line(1)).rstrip()[:width]


async def test_columns_fit_and_one_is_dropped_below_its_width():
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(FittedTable)
        assert [str(k.value) for k in table.columns] == ["Number", "Why"]
        row = shown_row(app, 80)
        assert row.startswith(" INV-0001") and row.endswith("…") and len(row) <= 80
        assert "25/11/2026" not in row

        await pilot.resize_terminal(120, 10)
        await pilot.pause()
        assert [str(k.value) for k in table.columns] == ["Number", "Issued", "Why"]
        row = shown_row(app, 120)
        assert "25/11/2026" in row and row.endswith(WHY)  # the dropped values came back
        assert table.cursor_row == 0 and table.row_count == 2

        table.update_cell("one", "Issued", "01/12/2026")
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        await pilot.resize_terminal(120, 10)
        await pilot.pause()
        assert "01/12/2026" in shown_row(app, 120)
