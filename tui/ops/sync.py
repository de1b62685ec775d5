"""``tradiecore sync``: the sync service's loop (``--once`` for cron), with its signals and its logging.

A clean exit on SIGTERM; one line a pass on stdout; logs to stderr or a file, never a token or secret. Each pass
is a :class:`tui.sync.runner.SyncRunner` pass.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from datetime import datetime

from tui.config import POLL_INTERVAL_S
from tui.domain.text import visible
from tui.store.db import session
from tui.sync import presence
from tui.sync.lease import SERVICE, service_label
from tui.sync.report import SyncReport, pass_line
from tui.sync.runner import SyncRunner

log = logging.getLogger("tui.sync")

DEFAULT_WAIT_S = 120.0  # `tradiecore sync --once` waits this long for the pass it asked of another process

class PlainFormatter(logging.Formatter):
    """Log records as plain text: a control character from Xero's messages or a name (ESC, NUL ...) is written
    as a visible sign, never raw to the terminal or the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record), lines=True)


def _setup_logging(log_file: str | None) -> logging.Handler:
    """Logging to ``log_file`` (everything from INFO: each pass, stops), else to stderr from WARNING: there the
    passes are on stdout already, and what went wrong stands out."""
    if log_file:
        handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
    handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore", "authlib", "alembic"):  # request lines carry URLs; never let them log headers
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler


def _cadence(runner: SyncRunner) -> float:
    """The wait before the next pass as the cadence says (the poll interval if the database cannot tell)."""
    try:
        seconds, _ = presence.next_wait(runner.engine, runner.now())
    except Exception as exc:
        log.debug("could not read the sync's cadence: %s", exc)
        seconds = POLL_INTERVAL_S
    return seconds


def _say(line: str) -> None:
    """One line of the service's log on stdout: local time, then what happened (plain text, no colour)."""
    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} {visible(line)}", flush=True)


def _fail(message: str) -> None:
    """Why ``tradiecore sync --once`` exits 1, in one line on stderr (and in the log file, if there is one)."""
    print(f"tradiecore sync: {visible(message)}", file=sys.stderr, flush=True)
    log.info("%s", message)


def _ask_holder(runner: SyncRunner, report: SyncReport, wait: float, stop: threading.Event) -> int:
    """``--once`` while another process holds the lease: ask it for a pass, wait, and say what came of it."""
    from tui.sync.pass_requests import ask_for_pass

    try:
        request = ask_for_pass(runner, report.tenant_id, runner.label, wait, stop)
    except Exception as exc:  # the database went away while waiting
        _fail(f"could not ask {report.held_by} for a pass: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
              if str(exc) else f"could not ask {report.held_by} for a pass: {type(exc).__name__}")
        return 1
    if stop.is_set():
        return 0
    if request is None or not request.done:
        _fail(f"{report.held_by} did not run the pass asked of it within {wait:g} s")
        return 1
    if not request.ok:
        _fail(f"the pass run by {request.served_by} failed: {request.message}")
        return 1
    _say(f"{request.message} by {request.served_by}")
    log.info("%s by %s", request.message, request.served_by)
    return 0


def _ask_for_the_lease(runner: SyncRunner, report: SyncReport) -> None:
    """The service found an app session syncing: it asks the session for a pass and then the lease (the session
    lets go after that pass; the loop's wait sees the lease fall free and takes it)."""
    from tui.store.pass_requests import request_pass

    try:
        runner.stand_by(report.tenant_id)  # from now on a free lease is the service's alone
        with session(runner.engine) as s:
            request_pass(s, report.tenant_id, runner.label, runner.now(), handover=True)
    except Exception as exc:  # asked again at the next poll
        log.warning("Could not ask %s for the sync: %s", report.held_by, type(exc).__name__)


def main(cfg, once: bool, log_file: str | None, *, interval: float | None = None,
         stop: threading.Event | None = None, wake: threading.Event | None = None, wait: float = DEFAULT_WAIT_S) -> int:
    """``tradiecore sync``: 0 when the last pass succeeded (or on SIGTERM), 1 when it failed, 2 if not connected,
    3 when this process cannot read the Xero token store (the reason, one line, on stderr).

    One line a pass on stdout. The loop holds the organisation's lease and serves the passes app sessions and
    ``--once`` ask for (:mod:`tui.sync.pass_requests`). Finding an app session holding it, the loop asks the session
    for it (the session lets go after one more pass); while another process holds it, the loop waits and takes it
    over as soon as it falls free. ``--once`` while another process holds the lease asks it for a pass and waits
    for it up to ``wait`` seconds. In a site install the site's key is read first: a process that cannot read it
    raises :class:`~tui.credentials.user_store.TokenStoreUnreadable` before opening the database. ``wake`` (e.g. set by
    :class:`tui.sync.webhook.WebhookReceiver`) starts the next pass at once, which reads contacts too. Between
    passes the loop waits ``interval`` seconds, or with None as :mod:`tui.sync.cadence` says.
    """
    from tui.connection.factory import api_factory
    from tui.credentials.site_store import check_readable, open_secrets
    from tui.store.db import close_engine, make_engine, migrate
    from tui.sync.pass_requests import listener_for

    check_readable(cfg)
    handler = _setup_logging(log_file)
    stop = stop or threading.Event()
    wake = wake or threading.Event()
    previous = _stop_on_sigterm(stop, wake)
    engine = make_engine(cfg.database_url)
    migrate(engine)
    runner = SyncRunner(engine, api_factory=api_factory(cfg, open_secrets(cfg, engine), engine), label=service_label(),
                        stop=stop)
    listener = None if once else listener_for(engine)
    try:
        code = _loop(runner, once, interval, wait, stop, wake, listener)
    except KeyboardInterrupt:
        code = 0
    finally:
        if stop.is_set():
            _say("Stopped")
        runner.close()
        if listener is not None:
            listener.close()
        close_engine(engine)  # the WAL goes into the main file: a copy of the .db alone is complete
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        logging.getLogger().removeHandler(handler)
        handler.close()
    return code


def _stop_on_sigterm(stop: threading.Event, wake: threading.Event):
    """SIGTERM ends the loop cleanly (in the main thread only); the handler it replaced, to put back."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def _terminate(signum, _frame):
        log.info("Stopping (signal %s)", signum)
        stop.set()
        wake.set()

    return signal.signal(signal.SIGTERM, _terminate)


def _loop(runner: SyncRunner, once: bool, interval: float | None, wait: float, stop: threading.Event,
          wake: threading.Event, listener) -> int:
    """Pass after pass until ``once`` is done or ``stop`` is set; the exit code of the last."""
    from tui.sync.pass_requests import wait_for_work

    shown_holder = None
    while True:
        report = runner.run_once()
        if report.held_by and once:
            return _ask_holder(runner, report, wait, stop)
        if report.held_by is None or report.held_by != shown_holder:  # a holder is said once, not each poll
            _say(report.message if report.held_by else pass_line(report))
        shown_holder = report.held_by
        if report.held_by and not once and not report.held_by.startswith(SERVICE):
            _ask_for_the_lease(runner, report)
        code = _logged(report, once, stop)
        if once or stop.is_set():
            return code
        seconds = interval if interval is not None else _cadence(runner)
        if report.retry_after is not None:
            seconds = max(1.0, min(report.retry_after, 3600.0))
        if wait_for_work(runner, seconds, wake, listener) == "wake":
            runner.contacts_changed = True
        wake.clear()
        if stop.is_set():
            return 0


def _logged(report: SyncReport, once: bool, stop: threading.Event) -> int:
    """The pass in the log; its exit code (and, with ``--once``, why this process cannot read the token store)."""
    level = logging.INFO if report.ok or report.held_by else logging.WARNING
    log.log(level, "%s (sent %d, pulled %d, pending %d, errors %d, calls %d)", report.message,
            report.pushed, report.pulled, report.pending, report.errors, report.calls)
    code = 0 if report.ok or stop.is_set() else (2 if report.not_connected else 1)
    if report.store_unreadable and once:
        print(f"tradiecore: {visible(report.message)}", file=sys.stderr, flush=True)
        code = 3
    return code
