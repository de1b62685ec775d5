"""Help (F1 or ?): the keyboard map for the screen it was opened from, and the keys that work everywhere.

Keys are read from the live bindings, so remapped keys (config.toml ``[keys]``) show as remapped.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.containers import VerticalScroll

from tui.screens.base import BaseScreen
from tui.widgets.header import AppHeader

GENERAL = [
    ("↑ ↓  PgUp PgDn  Home End", "Move in a list"),
    ("Enter", "Open or choose the highlighted line"),
    ("Tab  Shift+Tab", "Next / previous field or list"),
]


#: Better words for some actions than their footer labels.
DESCRIPTIONS = {
    "command_palette": "Go to any screen (command palette)",
    "app.back": "Back to the previous screen",
    "back": "Back to the previous screen",
    "help": "This help",
    "quit": "Quit tradiecore",
}


def _key_rows(screen: Screen) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(keys on this screen, keys everywhere): each action with every key bound to it, remapping applied."""
    app = screen.app
    here: dict[str, tuple[str, list[str]]] = {}
    everywhere: dict[str, tuple[str, list[str]]] = {}
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if binding.system or not binding.description:
            continue
        if not (binding.id or node is app):
            continue  # Textual's own focus and editing keys: covered by "In lists and forms"
        target = everywhere if node is app or binding.action == "app.back" else here
        description = DESCRIPTIONS.get(binding.action, binding.description)
        _, keys = target.setdefault(binding.action, (description, []))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    as_rows = lambda d: [("  ".join(keys), description) for description, keys in d.values()]  # noqa: E731
    return as_rows(here), as_rows(everywhere)


def key_table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold yellow", no_wrap=True, min_width=14)
    table.add_column()
    table.title = None
    for keys, description in rows:
        table.add_row(keys, description)
    return table


class HelpScreen(BaseScreen):
    TITLE = "Help"

    def __init__(self, about: Screen | None = None) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        with VerticalScroll(id="help-body"):
            yield Static("Keyboard", classes="screen-heading")
            if self.about is not None:
                here, everywhere = _key_rows(self.about)
                title = self.about.title or type(self.about).__name__
                if here:
                    yield Static(Text(f"On {title}", style="bold"), classes="help-section")
                    yield Static(key_table(title, here), classes="help-keys")
                yield Static(Text("Everywhere", style="bold"), classes="help-section")
                yield Static(key_table("Everywhere", everywhere), classes="help-keys")
            yield Static(Text("In lists and forms", style="bold"), classes="help-section")
            yield Static(key_table("Lists", GENERAL), classes="help-keys")
            yield Static(
                "Keys can be changed in config.toml, e.g. [keys] new_invoice = \"ctrl+n\" "
                "(binding ids: see the README).",
                classes="hint help-note", markup=False,
            )
        yield Footer()
