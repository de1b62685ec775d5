"""The Sync screen: how the Xero sync stands, what needs the user, and what it did lately.

Top: last successful sync, pending changes, calls used today against the daily budget, and who runs the
sync when another process holds it. Then the problems (Xero's message per invoice or customer): Enter fixes
the highlighted one (a conflict opens its fields, a number clash asks for a new number, a contact's name
clash offers linking to Xero's contact), r retries it,
a retries all. Then the recent activity log. s syncs now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.base import BaseScreen
from tui.widgets.fitted_table import FittedTable
from tui.widgets.header import AppHeader
from tui.widgets.prompt_modal import PromptModal
from tui.shell.sync_pass import PassResult
from tui.widgets.table_rows import Column

DAILY_BUDGET = 5_000  # Xero's calls a day per organisation

CODE_LABELS = {
    "conflict": "Changed in both places: Enter to choose",
    "number_clash": "Number taken in Xero: Enter to renumber",
    "name_clash": "Name taken in Xero: Enter to link",
    "validation": "Xero refused it",
    "contact": "Contact problem",
    "totals": "Totals differ from Xero's",
    "pull": "Could not read it from Xero",
    "payment": "Xero refused the payment",
    "payment_account": "Payment account missing",
    "scope": "Xero needs your permission",
    "invoice": "Payment waits for its invoice",
    "unavailable": "Xero failed on it",
    "credit_note": "Xero refused the credit note",
    "allocation": "Xero refused the allocation",
    "refund": "Xero refused the refund",
    "waiting": "Waits for Xero to have what it uses",
}
LEVEL_STYLES = {"error": "red", "warning": "yellow"}
CREDIT_KINDS = ("credit_note", "allocation", "refund")  # retried by kind and id


@dataclass(frozen=True)
class SyncView:
    status: object  # tui.connection.XeroStatus: the connection and the sync, as every screen shows them
    problems: list
    log: list
    time_zone: str


def local_time(when: datetime | None, time_zone: str, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if when is None:
        return "never"
    return when.astimezone(ZoneInfo(time_zone)).strftime(fmt)


def summary_text(view: SyncView, now: datetime) -> Text:
    from tui.sync.status import ago

    status = view.status
    o = status.sync
    text = Text()
    if status.state == "not connected":
        return Text("Not connected to Xero. Settings → Integrations → Xero to connect.", style="bold red")
    if status.state == "disconnected":
        text.append(f"Xero disconnected: {status.connection.reason}", style="bold red")
        text.append("\nSettings → Integrations → Xero, then Continue, to reconnect.\n", style="dim")
    last = o.last_success_at
    text.append("Last successful sync  ", style="dim")
    text.append(f"{local_time(last, view.time_zone)}" + (f" ({ago(last, now)})" if last else ""))
    text.append("\nPending changes       ", style="dim")
    text.append(f"{o.pending:,}")
    if status.waits_for_accounts:
        text.append("  waits for the revenue accounts", style="yellow")
    text.append("\nXero calls today      ", style="dim")
    text.append(f"{o.calls_today:,} of {DAILY_BUDGET:,}")
    if o.held_by:
        text.append("\nSynced by             ", style="dim")
        text.append(o.held_by)  # Sync now asks it for a pass
    if o.needs_confirmation:
        text.append("\nThe first sync is waiting for your review: press f.", style="bold yellow")
    elif o.last_error and status.state == "connected":
        text.append("\nLast pass             ", style="dim")
        text.append(o.last_error, style="red")
    return text


def problem_prompt(p, time_zone: str) -> Text:
    text = Text.assemble((p.title, "bold"), "  ", (CODE_LABELS.get(p.code, p.code), "red"), "\n", (p.message, ""))
    if p.next_try is not None:
        text.append(f"\nNext try {local_time(p.next_try, time_zone, '%d/%m %H:%M')}", style="yellow")
    return text


class SyncScreen(BaseScreen):
    TITLE = "Sync"
    DEFAULT_CSS = """
    #sync-summary { height: auto; padding: 0 1; margin: 1 0; }
    #sync-problems { height: auto; max-height: 10; }
    #sync-log { height: 1fr; }
    #sync-message.-error { color: $error; }
    """
    BINDINGS = [
        Binding("s", "sync_now", "Sync now", id="sync_now"),
        Binding("r", "retry", "Retry", id="sync_retry"),
        Binding("a", "retry_all", "Retry all", id="sync_retry_all"),
        Binding("o", "open_invoice", "Open invoice", id="sync_open_invoice"),
        Binding("f", "first_sync", "Review first sync", id="sync_first_sync"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: SyncView | None = None
        self._waiting_for_pass = False  # "Syncing…" is showing until the pass it asked for ends

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static("Loading…", id="sync-summary")
        yield Static("Needs attention", classes="screen-heading")
        yield OptionList(id="sync-problems", classes="menu")
        yield Static("Recent activity", classes="screen-heading")
        yield FittedTable([Column("When", 11), Column("", 1, key="level"), Column("What", min_width=20)],
                          id="sync-log", cursor_type="row", zebra_stripes=False)
        yield Static("", id="sync-message", classes="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sync-problems", OptionList).focus()
        self.app.sync_passed_signal.subscribe(self, self._sync_passed, immediate=True)
        self.reload()

    def on_unmount(self) -> None:
        self.app.sync_passed_signal.unsubscribe(self)

    def _sync_passed(self, result: PassResult) -> None:
        self.reload()
        self.pass_finished(result.status)

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retry", "open_invoice"):
            return self.selected is not None
        if action == "retry_all":
            return bool(self.view and self.view.problems)
        if action == "first_sync":
            return bool(self.view and self.view.status.sync.needs_confirmation)
        return True

    # -- loading --------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.blocking(self._load, on_done=self.show, group="sync-screen")

    def _load(self) -> SyncView:
        sync = self.services.sync
        return SyncView(self.services.connection.status(), sync.problems(), sync.log(100),
                        self.services.business().time_zone)

    def show(self, view: SyncView) -> None:
        self.view = view
        self.query_one("#sync-summary", Static).update(summary_text(view, self.services.now()))
        problems = self.query_one("#sync-problems", OptionList)
        highlighted = problems.highlighted
        problems.clear_options()
        if view.problems:
            problems.add_options([Option(problem_prompt(p, view.time_zone)) for p in view.problems])
            problems.highlighted = min(highlighted or 0, len(view.problems) - 1)
        else:
            problems.add_option(Option(Text(view.status.nothing_to_fix, style="dim"), disabled=True))
        table = self.query_one("#sync-log", DataTable)
        table.clear()
        for row in view.log:
            table.add_row(local_time(row.at, view.time_zone, "%d/%m %H:%M"),
                          Text("!" if row.level != "info" else "", style=LEVEL_STYLES.get(row.level, "")),
                          Text(row.message, style=LEVEL_STYLES.get(row.level, "")))
        self.refresh_bindings()

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#sync-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    # -- the highlighted problem -----------------------------------------------------------------------
    @property
    def selected(self):
        if self.view is None or not self.view.problems:
            return None
        index = self.query_one("#sync-problems", OptionList).highlighted
        return self.view.problems[index] if index is not None and index < len(self.view.problems) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        problem = self.selected
        if problem is None:
            return
        if problem.code == "conflict":
            from tui.screens.sync.conflict import ConflictScreen

            self.app.push_screen(ConflictScreen(problem.entity_id, problem.title, problem.kind))
        elif problem.code == "number_clash":
            self.ask_number(problem)
        elif problem.code == "name_clash":
            self.offer_link(problem)
        elif problem.invoice_id is not None:  # an invoice's or a payment's
            self.app.open_invoice(problem.invoice_id)
        else:
            self.say(problem.message)

    def ask_number(self, problem) -> None:
        number = problem.title.split(" ", 1)[0]

        def answered(new: str | None) -> None:
            if new:
                self.blocking(self.services.sync.renumber, problem.entity_id, new,
                              on_done=lambda inv: self._fixed(f"{number} is now {inv.number}; sending it."),
                              on_error=lambda exc: self.say(str(exc), error=True), group="sync-action")

        self.app.push_screen(PromptModal(f"Xero already uses {number}. New number for this invoice:",
                                         placeholder="e.g. INV-0100"), answered)

    def offer_link(self, problem) -> None:
        """A name clash: if Xero's contact of that name is this customer, link them (the customer is not renamed)."""
        from tui.widgets.confirm_modal import ConfirmModal

        def found(contact: dict | None) -> None:
            if contact is None:
                self.say(f"Xero has no contact named {problem.title} any more: press r to retry.")
                return
            email = contact.get("EmailAddress") or "no email address"
            question = Text.assemble(
                "Link ", (problem.title, "bold"), " to Xero's contact ", (str(contact.get("Name")), "bold"),
                f" ({email})?\n\nOnly if they are the same customer: invoices for ", (problem.title, "bold"),
                " are then sent to that contact.")

            def answered(yes: bool | None) -> None:
                if yes:
                    self.blocking(self.services.sync.link_customer, problem.entity_id, str(contact["ContactID"]),
                                  on_done=lambda _: self._fixed(f"{problem.title} linked; sending its invoices."),
                                  on_error=lambda exc: self.say(str(exc), error=True), group="sync-action")

            self.app.push_screen(ConfirmModal(question, "Link", "Cancel"), answered)

        self.say(f"Looking up {problem.title} in Xero…")
        self.blocking(self.services.sync.clashing_contact, problem.entity_id, on_done=found,
                      on_error=lambda exc: self.say(str(exc), error=True), group="sync-action")

    def _fixed(self, message: str) -> None:
        self.say(message)
        self.reload()

    # -- actions --------------------------------------------------------------------------------------
    def action_sync_now(self) -> None:
        self._waiting_for_pass = True
        self.say("Syncing…")
        self.services.request_sync()

    def pass_finished(self, status: Text) -> None:
        """A pass has ended: "Syncing…" (if this screen asked for it) gives way to what the pass came to."""
        if self._waiting_for_pass:
            self._waiting_for_pass = False
            self.say(f"Sync finished: {status.plain}" if status.plain else "Sync finished.",
                     error="red" in str(status.style))

    def action_retry(self) -> None:
        problem = self.selected
        if problem is None:
            return
        kw = {{"invoice": "invoice_id", "payment": "payment_id"}.get(problem.kind, "customer_id"): problem.entity_id}
        if problem.kind in CREDIT_KINDS:  # a credit note's, an allocation's or a refund's
            kw = {"record": (problem.kind, problem.entity_id)}
        self.blocking(lambda: self.services.sync.retry(**kw),
                      on_done=lambda n: self._fixed(f"Retrying {problem.title}."), group="sync-action")

    def action_retry_all(self) -> None:
        self.blocking(self.services.sync.retry, on_done=lambda n: self._fixed("Retrying everything that failed."),
                      group="sync-action")

    def action_open_invoice(self) -> None:
        problem = self.selected
        if problem is not None and problem.invoice_id is not None:
            self.app.open_invoice(problem.invoice_id)

    def action_first_sync(self) -> None:
        self.app.show_first_sync_preview()
