"""The one-line header every screen shows: where you are, whose business, and the sync status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class AppHeader(Horizontal):
    """``tradiecore › <screen title>`` on the left; the business name and a sync-status slot on the right.

    Where space runs short, the business name gives way (cut with an ellipsis): where you are and what the
    sync says matter more than whose business it is, which the user knows.

    The business name and the sync status come from the app's ``business_name`` and ``sync_status``
    reactives, so every screen's header follows them without reloading anything.
    """

    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    AppHeader > #header-where { width: auto; padding: 0 1; text-style: bold; text-wrap: nowrap; }
    AppHeader > #header-demo { width: auto; padding: 0 1; background: $warning; color: $background; text-style: bold; }
    AppHeader > #header-business {
        width: 1fr; padding: 0 1; color: $text-muted; text-align: right; text-wrap: nowrap; text-overflow: ellipsis;
    }
    AppHeader > #sync-status { width: auto; padding: 0 1; text-wrap: nowrap; }
    AppHeader > #sync-status.-empty { display: none; }
    """

    def __init__(self, title: str = "") -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        where = "tradiecore" + (f" › {self._title}" if self._title else "")
        yield Static(where, id="header-where", markup=False)
        if getattr(self.app, "demo", False):
            yield Static("DEMO DATA", id="header-demo")
        yield Static("", id="header-business", markup=False)
        yield Static("", id="sync-status", classes="-empty", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "business_name", self._show_business, init=True)
        self.watch(self.app, "sync_status", self._show_sync, init=True)

    def _show_business(self, name: str) -> None:
        self.query_one("#header-business", Static).update(name)

    def _show_sync(self, status) -> None:
        """The sync status (``app.sync_status``: plain text or a Rich Text, red when something is wrong)."""
        slot = self.query_one("#sync-status", Static)
        slot.update(status or "")
        slot.set_class(not status, "-empty")
