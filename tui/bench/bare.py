"""The reference app of ``python -m tui.bench startup``: plain Textual, a Header, an OptionList of 200, a Footer."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, OptionList

TITLE = "Bare Textual"
FIRST_ROW = "Reference row 001"


class BareApp(App):
    TITLE = TITLE

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*(f"Reference row {n:03d}" for n in range(1, 201)))
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
