"""The app's background sync passes: a thread worker that runs one pass of ``services.sync`` at a time.

Passes run right after start-up, every ``interval`` seconds, and whenever something asks (:meth:`nudge`: an
invoice sent, edited or voided; Continue after a reconnect; Sync now). After each the app sets the header's
sync status and tells the screens (``app.sync_passed_signal``).
Nothing here blocks the UI loop and nothing here raises into it: a failed pass is a red status line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from tui.clock import POLL_INTERVAL_S


@dataclass(frozen=True)
class PassResult:
    """What the app shows after a pass: the header text (red or not) and what the pass asked for."""

    status: Text
    needs_confirmation: bool = False
    changed: bool = False  # something pushed, pulled or failed: lists showing invoices reload


def status_line(report, header: str, is_error: bool) -> Text:
    """The header's sync slot for a pass's report and the overview's header text."""
    if report is None:
        return Text("")
    if report.not_connected:
        return Text("")  # no Xero, no sync: nothing to say
    if report.disconnected:
        return Text("Xero disconnected", style="bold red")
    if report.store_unreadable:  # this process's own problem: the shared status has nothing about it
        return Text(report.message, style="bold red")
    if report.held_by:
        return Text(f"Sync runs in {report.held_by}", style="red")
    return Text(header, style="bold red" if is_error else "")


def run_pass(sync) -> PassResult:
    """One pass and the status after it (blocking: call it from a thread)."""
    try:
        report = sync.run_once()
    except Exception as exc:  # network, database: shown in the header, the next pass tries again
        return PassResult(Text(f"Sync failed: {exc}" if str(exc) else "Sync failed", style="bold red"))
    overview = sync.overview()
    status = status_line(report, overview.header(sync.services.now()), overview.is_error)
    changed = bool(report.pushed or report.pulled or report.errors or report.conflicts)
    return PassResult(status, report.needs_confirmation, changed)


class SyncScheduler:
    """Schedules passes for an app: ``start()`` once mounted, ``nudge()`` for a pass now, ``close()`` at exit."""

    def __init__(self, app, interval: float | None = POLL_INTERVAL_S):
        self.app = app
        self.interval = interval
        self._timer = None
        self.passes = 0  # passes finished (tests wait on it)

    def start(self) -> None:
        if self.interval:
            self._timer = self.app.set_interval(self.interval, self.nudge, name="sync-poll")
        self.nudge()

    def nudge(self):
        """A pass now, in a thread worker (a pass already running finishes first: the runner runs one at a time)."""
        return self.app.run_worker(self._pass, thread=True, exit_on_error=False, group="sync", exclusive=True,
                                   name="sync pass")

    def _pass(self) -> None:
        result = run_pass(self.app.services.sync)
        self.app.call_from_thread(self._done, result)

    def _done(self, result: PassResult) -> None:
        self.passes += 1
        self.app.sync_passed(result)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.app.services.sync.close()
