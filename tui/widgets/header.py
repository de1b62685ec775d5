"""The one-line header every screen shows: where you are, whose business, and the sync status."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class AppHeader(Horizontal):
    """``tradiecore › <screen title>`` on the left; the business name and a sync-status slot on the right.

    Where space runs short (80 columns), what gives way goes by priority, each cut with an ellipsis, never
    without: the business name first (cut, then left out when too little of it would show), then the sync
    status. Where you are is never cut; what the sync says matters more than whose business it is, which the
    user knows.

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
    AppHeader > #header-business.-hidden { display: none; }
    AppHeader > #sync-status { width: auto; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AppHeader > #sync-status.-empty { display: none; }
    """

    #: The fewest cells of the business name worth showing (with its padding); fewer, and it is left out.
    MIN_BUSINESS = 10

    def __init__(self, title: str = "") -> None:
        super().__init__()
        self._title = title
        self._business = ""
        self._status = ""

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
        self._business = name
        for slot in self.query("#header-business").results(Static):  # none while the header is being removed
            slot.update(name)
            self._fit()

    def _show_sync(self, status) -> None:
        """The sync status (``app.sync_status``: plain text or a Rich Text, red when something is wrong)."""
        self._status = str(status or "")
        for slot in self.query("#sync-status").results(Static):  # none while the header is being removed
            slot.update(status or "")
            slot.set_class(not status, "-empty")
            self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Share the width out by priority: where you are, then the sync status, then the business name."""
        if not self.size.width:
            return
        taken = sum(cell_len(str(w.render())) + 2 for w in self.query("#header-where, #header-demo"))
        free = max(0, self.size.width - taken)
        status = self.query_one("#sync-status", Static)
        status.styles.max_width = free
        wanted = cell_len(self._status) + 2 if self._status else 0
        left = free - min(wanted, free)
        self.query_one("#header-business", Static).set_class(
            left < min(self.MIN_BUSINESS, cell_len(self._business) + 2), "-hidden")
