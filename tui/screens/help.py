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
    ("↑ ↓ PgUp PgDn", "Move in a list (Home, End: first, last)", ""),
    ("Enter", "Open or choose the highlighted line", ""),
    ("Tab  Shift+Tab", "Next / previous field or list", ""),
]


#: Better words for some actions than their footer labels.
DESCRIPTIONS = {
    "command_palette": "Go to any screen (command palette)",
    "app.back": "Back to the previous screen",
    "back": "Back to the previous screen",
    "help": "This help",
    "quit": "Quit tradiecore",
}


def _key_rows(screen: Screen) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(keys on this screen, keys everywhere): each action with every key bound to it, remapping applied."""
    app = screen.app
    here: dict[str, tuple[str, list[str], str]] = {}
    everywhere: dict[str, tuple[str, list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if binding.system or not binding.description:
            continue
        if not (binding.id or node is app):
            continue  # Textual's own focus and editing keys: covered by "In lists and forms"
        target = everywhere if node is app or binding.action == "app.back" else here
        description = DESCRIPTIONS.get(binding.action, binding.tooltip or binding.description)  # the tooltip: the long name
        _, keys, _ = target.setdefault(binding.action, (description, [], binding.id or ""))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    as_rows = lambda d: [("  ".join(keys), description, id_) for description, keys, id_ in d.values()]  # noqa: E731
    return as_rows(here), as_rows(everywhere)


def key_table(sections: list[tuple[str, list[tuple[str, str, str]]]]) -> Table:
    """One table for every section, so the columns line up: keys, what they do, the id to remap them by."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=14)
    table.add_column(ratio=1)
    table.add_column(style="dim", no_wrap=True)
    for number, (title, rows) in enumerate(sections):
        if number:
            table.add_row("", "", "")
        table.add_row(Text(title, style="bold"), "", Text("id", style="dim") if number == 0 else "")
        for keys, description, binding_id in rows:
            table.add_row(Text("  " + keys, style="bold yellow"), description, binding_id)
    return table


class HelpScreen(BaseScreen):
    TITLE = "Help"

    def __init__(self, about: Screen | None = None) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        sections = []
        if self.about is not None:
            here, everywhere = _key_rows(self.about)
            if here:
                sections.append((f"On {self.about.title or type(self.about).__name__}", here))
            sections.append(("Everywhere", everywhere))
        sections.append(("In lists and forms", GENERAL))
        yield AppHeader(self.TITLE)
        with VerticalScroll(id="help-body"):
            yield Static("Keyboard", classes="screen-heading")
            yield Static(key_table(sections), classes="help-keys")
            yield Static(
                'Change a key in config.toml by its id, e.g. [keys] new_invoice = "ctrl+n" '
                "(or TRADIECORE_KEYS_NEW_INVOICE=ctrl+n).",
                classes="hint help-note", markup=False,
            )
        yield Footer()
