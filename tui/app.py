"""The Textual app: screens, navigation, key bindings (remappable), command palette, start-up.

Start-up paints the To Do screen straight away. Its first rows come from a thread worker that reads a current
SQLite file with the stdlib's sqlite3 (``Services.todo``); only then are sqlmodel/sqlalchemy imported (and
alembic, to create or migrate), the header's business name loaded and the background sync (the Xero client, the
sync engine) started, so nothing competes with the first rows and nothing heavy runs on the UI loop.

Keys: every Binding has an ``id``. ``config.toml`` may remap them in a ``[keys]`` table, and
``TRADIECORE_KEYS_<ID>`` environment variables win over the file, e.g.::

    [keys]
    back = "escape,backspace"
    new_invoice = "ctrl+n"
"""

from __future__ import annotations

import gc
import os
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.signal import Signal

from tui.config import POLL_INTERVAL_S, load_keymap
from tui.services import import_store
from tui.widgets.plain_text import PlainText
from tui.shell.change_watcher import ChangeWatcher
from tui.shell.commands import DESTINATIONS, GoToCommands
from tui.widgets.records import RecordsChanged
from tui.shell.sync_pass import PassResult
from tui.shell.sync_scheduler import SyncScheduler, SyncWanted

if TYPE_CHECKING:
    from tui.config import Config
    from tui.services import Services

CSS_DIR = Path(__file__).parent

def animations_off() -> bool:
    return os.environ.get("TEXTUAL_ANIMATIONS", "").lower() in ("none", "disabled")


def xero_commands():
    """The palette's Xero commands, imported when the palette first opens (the Xero screens are not on the way
    to the first frame)."""
    from tui.screens.xero.flow import XeroCommands

    return XeroCommands


PLAIN_TEXT = PlainText()


class TradieApp(App):
    """tradiecore's terminal app. ``services`` is everything the screens can do; ``demo`` marks demo data."""

    TITLE = "tradiecore"
    CSS_PATH = CSS_DIR / "app.tcss"
    COMMANDS = App.COMMANDS | {GoToCommands, xero_commands}
    COMMAND_PALETTE_DISPLAY = "^p"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="help"),
        # shown on the right of the footer by Textual (as "^p Go to"), so not a second time on the left
        Binding("ctrl+p", "command_palette", "Go to", id="command_palette", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
    ]

    business_name: reactive[str] = reactive("")
    sync_status = reactive("")  # the header's sync slot, set after each sync pass

    def __init__(self, services: "Services", *, demo: bool = False, cursor_blink: bool | None = None,
                 sync_interval: float | None = POLL_INTERVAL_S, background_sync: bool = True,
                 sync_process: bool = False) -> None:
        """``sync_interval``: seconds between background sync passes (None: only on start-up and nudges).
        ``sync_process``: the passes run in a process of their own (:mod:`tui.shell.sync_process`: the app as
        ``tradiecore`` runs it), made from the services' configuration and user, not in this one.

        ``background_sync=False``: no pass at start-up nor on a timer (pictures of a fixed state, e.g. screenshots).
        """
        self._started = time.perf_counter()
        super().__init__()
        self.services = services
        self.sync_scheduler = SyncScheduler(self, sync_interval, sync_process=sync_process)
        #: Published after every sync pass; the screens that show sync state subscribe to it.
        self.sync_passed_signal: Signal[PassResult] = Signal(self, "sync-passed")
        #: Every commit of any process, seen through the store's change feed: each screen gets RecordsChanged.
        self.change_watcher: ChangeWatcher | None = None
        self.background_sync = background_sync
        self._started_up = False
        self._preview_offered = False
        self._review_waiting = False  # the last pass asked for the first-sync review
        self._review_noted = False  # and the user was told it waits
        self.demo = demo
        #: Input/TextArea cursors blink unless this is off (it is under tests: TEXTUAL_ANIMATIONS=none).
        self.cursor_blink = (not animations_off()) if cursor_blink is None else cursor_blink
        keymap, self._keymap_problems = load_keymap(services.cfg.config_dir)
        self.set_keymap(keymap)
        if keymap.get("command_palette"):  # the footer finds the palette's key under this name
            self.COMMAND_PALETTE_BINDING = keymap["command_palette"].split(",")[0]
        if demo:
            self.sub_title = "demo"

    # -- start-up -------------------------------------------------------------------------------------
    def get_line_filters(self):
        """Textual's filters, then :class:`PlainText`: no control character in any text reaches the terminal."""
        return [*super().get_line_filters(), PLAIN_TEXT]

    def get_default_screen(self):
        from tui.screens.todo import TodoScreen

        return TodoScreen()

    def on_mount(self) -> None:
        self.log(f"first screen mounted after {time.perf_counter() - self._started:.3f} s")
        for problem in self._keymap_problems:
            self.notify(problem, title="Key settings ignored", severity="warning", timeout=10)
        # A full collection over the app's long-lived objects stalls the UI for 80-130 ms: freeze them once.
        self.call_after_refresh(gc.freeze)

    def first_rows_shown(self) -> None:
        """To Do has its first rows on screen (or says why not): now the rest of start-up, which imports the
        database layer, the sync engine and the Xero client."""
        if not self._started_up:
            self._started_up = True
            self._load_store()

    @work(thread=True, exit_on_error=False, group="start-up")
    def _load_store(self) -> None:
        """The database layer, imported and then frozen out of the collector's sight (a full collection over it
        would stall the UI for ~100 ms during the first sync); then the header's name and the background sync."""
        try:
            import_store()
            gc.freeze()
        finally:
            self.call_from_thread(self._store_loaded)

    def _store_loaded(self) -> None:
        self.refresh_business()
        self._watch_changes()
        self._resume_sends()
        if self.background_sync:
            self.sync_scheduler.start()

    def _watch_changes(self) -> None:
        """From now on every commit, here or in any other process, reaches the screens as RecordsChanged; a
        commit here that queued something for Xero asks for a sync pass."""
        from tui.services import open_change_feed

        services = self.services
        self.change_watcher = ChangeWatcher(self, partial(open_change_feed, services))
        services.on_commit = lambda _changes: self.change_watcher.poke()
        services.on_sync_wanted = lambda: self.post_message(SyncWanted())
        self.change_watcher.start()

    @work(thread=True, exit_on_error=False, group="resume-sends")
    def _resume_sends(self) -> None:
        """Sends a killed process claimed and never finished: sent now, once (``Services.resume_sends``)."""
        try:
            lines = self.services.resume_sends()
        except Exception as exc:  # shown, never raised into the app loop
            self.call_from_thread(self.notify, str(exc), title="Unfinished sends not retried", severity="error")
            return
        for line in lines:
            self.call_from_thread(self.notify, line, title="An interrupted send, finished", timeout=10)
        if lines:
            self.call_from_thread(self.records_changed)

    def on_unmount(self) -> None:
        if self.change_watcher is not None:
            self.change_watcher.close()
        self.services.on_commit = self.services.on_sync_wanted = None
        self.sync_scheduler.close()

    @work(thread=True, exit_on_error=False, group="business", exclusive=True)
    def refresh_business(self) -> None:
        """Reload the business's name for the header (after start-up and after Business details are saved)."""
        try:
            import_store()
            name = self.services.business().name
        except Exception as exc:  # the To Do screen reports database problems; the header just stays blank
            self.log.error(f"business details not loaded: {exc!r}")
            return
        self.call_from_thread(setattr, self, "business_name", name or "Your business")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Apply the app's cursor-blink setting to whatever text field gets focus, on every screen."""
        widget = event.widget
        if not self.cursor_blink and getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False

    # -- navigation -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return len(self.screen_stack) > 1 and not self._at_todo()
        return True

    def _at_todo(self) -> bool:
        """On To Do, the home screen, with or without the command palette open over it (Escape closes that)."""
        from textual.command import CommandPalette

        from tui.screens.todo import TodoScreen

        stack = self.screen_stack
        screen = stack[-2] if isinstance(stack[-1], CommandPalette) and len(stack) > 1 else stack[-1]
        return isinstance(screen, TodoScreen)

    async def action_back(self) -> None:
        """Escape: back to the previous screen; nothing to do on To Do (the home screen)."""
        if len(self.screen_stack) > 1 and not self._at_todo():
            self.pop_screen()

    def action_goto(self, name: str) -> None:
        self.goto(name)

    def goto(self, name: str) -> None:
        """Open a screen by its destination name (see ``DESTINATIONS``)."""
        if name not in DESTINATIONS:
            raise ValueError(f"no screen called {name!r}")
        getattr(self, f"show_{name}")()

    def action_help(self) -> None:
        self.show_help()

    async def action_quit(self) -> None:
        """Ctrl+Q and the palette's Quit: with unsaved edits in an editor, ask first, as Escape does."""
        from tui.screens.base import EditorScreen
        from tui.widgets.confirm_modal import ConfirmModal

        if isinstance(self.screen, ConfirmModal):
            return  # already asking
        editor = next((s for s in reversed(self.screen_stack) if isinstance(s, EditorScreen) and s.dirty), None)
        if editor is None:
            self.exit()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(ConfirmModal(editor.DISCARD_QUESTION, "Discard and quit", "Keep editing", danger=True),
                         answered)

    def show_todo(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def show_customers(self) -> None:
        from tui.screens.customers.screen import CustomersScreen

        self.push_screen(CustomersScreen())

    def show_new_invoice(self, customer_id: int | None = None) -> None:
        self.open_invoice(None, customer_id=customer_id)

    def open_invoice(self, invoice_id: int | None, customer_id: int | None = None) -> None:
        """The invoice editor: an existing invoice by id, or a new one (optionally for a customer)."""
        from tui.screens.invoices.editor import InvoiceEditorScreen

        self.push_screen(InvoiceEditorScreen(invoice_id=invoice_id, customer_id=customer_id))

    def show_outbox(self) -> None:
        from tui.screens.invoices.outbox import OutboxScreen

        self.push_screen(OutboxScreen())

    def show_settings(self) -> None:
        from tui.screens.settings.screen import SettingsScreen

        self.push_screen(SettingsScreen())

    def show_business(self) -> None:
        from tui.screens.settings.business import BusinessScreen

        self.push_screen(BusinessScreen())

    def show_email(self) -> None:
        from tui.screens.settings.email_settings import EmailSettingsScreen

        self.push_screen(EmailSettingsScreen())

    def show_numbers(self) -> None:
        from tui.screens.settings.numbers import NumbersScreen

        self.push_screen(NumbersScreen())

    def show_integrations(self) -> None:
        from tui.screens.settings.integrations import IntegrationsScreen

        self.push_screen(IntegrationsScreen())

    def show_sync(self) -> None:
        from tui.screens.sync.screen import SyncScreen

        if not isinstance(self.screen, SyncScreen):
            self.push_screen(SyncScreen())

    def show_first_sync_preview(self) -> None:
        from tui.screens.sync.preview import FirstSyncPreviewScreen

        self._preview_offered = True  # opened from the Sync screen too: never offered again on its own
        if not isinstance(self.screen, FirstSyncPreviewScreen):
            self.push_screen(FirstSyncPreviewScreen())

    def show_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    # -- sync ---------------------------------------------------------------------------------------------
    def sync_now(self):
        """A sync pass now (in a worker); after an invoice is sent, edited or voided and after reconnecting.
        While another process holds the sync lease, the pass is asked of it and the worker waits for it."""
        return self.sync_scheduler.nudge(ask=True)

    def xero_changed(self) -> None:
        """The connection was changed or checked here (connected, reconnected, disconnected, found lost, the
        revenue accounts reviewed): the header says so now, without waiting for the next pass."""
        self.sync_scheduler.status_changed()

    def sync_passed(self, result: PassResult) -> None:
        """After every pass: the header's status, the screens told (lists reload when something changed), and the
        first-sync review offered once."""
        self.sync_status = result.status
        if result.changed:
            self.records_changed()
        self.sync_passed_signal.publish(result)
        if result.needs_confirmation and not self._review_noted and not self._preview_offered \
                and not self._at_rest():
            self._review_noted = True
            self.notify("Xero already has some of these invoice numbers. The first sync waits for your review: "
                        "it opens when you are back on To Do, or from the Sync screen.",
                        title="Xero sync", severity="warning", timeout=10)
        self._review_waiting = result.needs_confirmation
        self.offer_first_sync_review()

    def _at_rest(self) -> bool:
        """On To Do or the Sync screen: nothing being typed or chosen that a new screen would interrupt."""
        from tui.screens.sync.screen import SyncScreen
        from tui.screens.todo import TodoScreen

        return isinstance(self.screen, (TodoScreen, SyncScreen))

    def offer_first_sync_review(self) -> None:
        """Open the first-sync preview once, when a pass asked for it and the user is not in the middle of
        something (an editor, the Xero screen's account choice): then or when they are back on To Do."""
        if self._review_waiting and not self._preview_offered and self._at_rest():
            self.show_first_sync_preview()

    # -- what changed ---------------------------------------------------------------------------------
    @on(SyncWanted)
    def _sync_wanted(self) -> None:
        """The write path queued something for Xero, or someone asked for a pass: one now."""
        self.sync_now()

    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        """A commit (of this session, another, the sync) changed records: every screen on the stack is told, and
        the header follows the business's name."""
        if message.touches("business"):
            self.refresh_business()
        for screen in self.screen_stack:
            screen.post_message(message.copy())

    def records_changed(self, ids: dict[str, frozenset[int] | None] | None = None) -> None:
        """Tell every screen now that records changed (``ids``: kind -> ids, None: anything may have)."""
        self.post_message(RecordsChanged(ids))


def run_app(cfg: "Config", xero_setup: "Callable[[Config], Config] | None" = None) -> int:
    """Run the app on ``cfg``'s data; the exit code for the command line. ``xero_setup``: see :class:`Services`."""
    from tui.services import Services

    seed = None
    if cfg.demo:
        from tui.demo_data import seed_demo_if_new as seed
    services = Services(cfg, seed=seed, xero_setup=xero_setup)
    app = TradieApp(services, demo=cfg.demo, sync_process=True)
    try:
        app.run()
    finally:
        services.close()
    return app.return_code or 0
