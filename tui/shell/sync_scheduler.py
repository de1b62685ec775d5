"""The app's background sync passes: a thread worker that runs one pass of ``services.sync`` at a time, here or
(``sync_process``, the app as ``tradiecore`` runs it) in the session's sync process, the worker waiting for it.

Passes run right after start-up, every ``interval`` seconds, and whenever something asks (:meth:`nudge`: an
invoice sent, edited or voided; Continue after a reconnect; Sync now). After each the app sets the header's
sync status and tells the screens (``app.sync_passed_signal``).

One process syncs an organisation at a time (the lease). While another holds it (the sync service, or another
person's session), a pass here is only a look at the database: what someone asked for (:meth:`nudge` with
``ask``) is asked of the holder, and this session waits for the holder's pass. Every ``watch_every`` seconds (the
sync look, :func:`tui.config.sync_look_seconds`) the
scheduler also looks at the lease (:meth:`watch`): a holder here serves the passes others asked for; a session
whose holder quit takes the lease over at once; a session that does not hold it shows the holder's last pass.
Nothing here blocks the UI loop and nothing here raises into it: a failed pass is a red status line.
"""

from __future__ import annotations

from textual.message import Message

from tui.config import POLL_INTERVAL_S, sync_look_seconds
from tui.services import import_store
from tui.shell.sync_pass import PassResult, failed, run_pass, status_line
from tui.shell.sync_process import SyncProcess


class SyncWanted(Message):
    """A sync pass is wanted: the services queued something for Xero, or someone asked (Sync now). Posted to the
    app from any thread; the app runs the pass, or asks the lease holder for it."""


class SyncScheduler:
    """Schedules passes for an app: ``start()`` once mounted, ``nudge()`` for a pass now, ``close()`` at exit."""

    def __init__(self, app, interval: float | None = POLL_INTERVAL_S, watch_every: float | None = None,
                 sync_process: bool = False):
        """``sync_process``: the passes run in a child process (:mod:`.sync_process`), not in this one."""
        self.app = app
        self.process = SyncProcess(app.services, app.call_from_thread) if sync_process else None
        self.interval = interval
        self.watch_every = sync_look_seconds() if watch_every is None else watch_every
        self._timers = []
        self._held_by_other = False  # at the last look, another process held the lease
        self._seen_pass = None  # the other holder's last pass shown in the header
        self._again: bool | None = None  # a pass asked for while one ran (True: asked of the holder)
        self._in_pass = False  # a pass is under way (from nudge() until its result is shown)
        self.passes = 0  # passes finished (tests wait on it)

    def start(self) -> None:
        if self.interval:
            self._timers.append(self.app.set_interval(self.interval, self.nudge, name="sync-poll"))
        if self.watch_every:
            self._timers.append(self.app.set_interval(self.watch_every, self.watch, name="sync-watch"))
        self.nudge()

    def nudge(self, ask: bool = False):
        """A pass now, in a thread worker; while one is under way, one more right after it (however many ask
        meanwhile). ``ask``: someone asked for it, so while another process holds the lease it is asked of that
        process."""
        if self._running:
            self._again = (self._again or False) or ask
            return None
        self._in_pass = True
        return self.app.run_worker(lambda: self._pass(ask), thread=True, exit_on_error=False, group="sync",
                                   name="sync pass")

    def _pass(self, ask: bool) -> None:
        try:
            import_store()
            result = self.process.run_pass(ask) if self.process else run_pass(self.app.services, ask)
        except Exception as exc:  # run_pass says what failed; this is for anything before it
            result = failed(str(exc))
        self.app.call_from_thread(self._done, result)

    def _done(self, result: PassResult) -> None:
        self.passes += 1
        self._in_pass = False
        again, self._again = self._again, None
        if again is not None:
            self.nudge(again)  # asked for while that pass ran: it may have started too early for it
        # handed over to the sync service: it holds the lease, or is about to (should it die, take it back)
        self._held_by_other = result.held_by is not None or result.handed_over
        self.app.sync_passed(result)

    # -- the look every second ------------------------------------------------------------------------------
    def _busy(self, group: str) -> bool:
        """A worker of ``group`` is under way (or about to start)."""
        return any(w.group == group and not w.is_finished for w in self.app.workers)

    @property
    def _running(self) -> bool:
        """A pass is under way (or about to start)."""
        return self._in_pass

    def watch(self) -> None:
        """The look every ``watch_every`` seconds (skipped while a pass, or the last look, is still going)."""
        if not self._running and not self._busy("sync-watch"):
            self.app.run_worker(self._look, thread=True, exit_on_error=False, group="sync-watch",
                                name="sync watch")

    def _look(self) -> None:
        import_store()
        sync = self.app.services.sync
        look = sync.watch()
        result = None
        if look is not None and look.held_by and not look.mine \
                and (look.last_run_at, look.last_error) != self._seen_pass:
            status = self.app.services.connection.status()
            result = PassResult(status_line(status), changed=True, held_by=status.sync.held_by)
        self.app.call_from_thread(self._looked, look, result)

    def _looked(self, look, result: PassResult | None) -> None:
        if look is None or self._running:
            return
        if look.mine and look.open_requests:
            self.nudge()  # another session or `tradiecore sync --once` asked this holder for a pass
        elif look.held_by is None and self._held_by_other:
            self.nudge()  # the holder quit: take over now
        elif result is not None:
            self._seen_pass = (look.last_run_at, look.last_error)
            self.app.sync_passed(result)
        self._held_by_other = look.held_by is not None and not look.mine

    def status_changed(self):
        """The connection changed here (connected, reconnected, disconnected, accounts reviewed): the header
        says so now, from the stored status, without waiting for a pass."""
        return self.app.run_worker(self._restate, thread=True, exit_on_error=False, group="sync-status",
                                   exclusive=True, name="sync status")

    def _restate(self) -> None:
        import_store()
        status = self.app.services.connection.status()
        self.app.call_from_thread(setattr, self.app, "sync_status", status_line(status))

    def close(self) -> None:
        for timer in self._timers:
            timer.stop()
        if self.process is not None:
            self.process.close()
        self.app.services.sync.close()
