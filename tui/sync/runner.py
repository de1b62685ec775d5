"""The sync runner: one engine for the app's sync passes and the headless ``tradiecore sync``.

The app's sync process (or, in tests, its thread worker) calls :meth:`SyncRunner.run_once` every poll interval;
the app shows :func:`tui.sync.status.overview`'s header text. ``tradiecore sync`` runs :func:`tui.ops.sync.main` (a
loop; ``--once`` for cron; a clean exit on SIGTERM; one line a pass on stdout; logs to stderr or a file, never a
token or secret).

A pass: take the organisation's lease (one syncer per organisation across processes and machines, renewed
through every wait, checked before every request), claim the passes other processes asked for
(:mod:`tui.sync.pass_requests`), link what requests a stopped or killed pass left created in
Xero, pull what changed in Xero, push contacts and invoices from the sync queue, record the outcome (a pass that
fails, however it fails, is a failed report, never an exception) and answer those requests with it. Nothing
here imports Textual.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlmodel import Session

from tui.clock import utc_now
from tui.credentials.user_store import SecretsError, TokenStoreUnreadable
from tui.store.db import session
from tui.store.xero_connections import active_connection, is_archived, mapped_account, mappings
from tui.sync import presence, outbox, records
from tui.sync.context import Context, CountingApi, StopSync
from tui.sync.lease import DEFAULT_TTL, Lease, holder_id, lease_holder, session_label, standby
from tui.sync.report import SyncReport, pass_line
from tui.sync.pass_requests import Claim, answer, claim
from tui.xero.api import WAIT_SLICE_S

log = logging.getLogger("tui.sync")


class SyncRunner:
    """Runs sync passes for the business's active Xero organisation.

    ``api_factory(tenant_id, kind)`` builds the Xero API (:func:`tui.connection.factory.api_factory`); it is made
    once per organisation and kept. Thread-safe in the sense that one runner runs one pass
    at a time.
    """

    def __init__(
        self,
        engine,
        *,
        api_factory: Callable[[str, str], Any],
        now: Callable[[], datetime] = utc_now,
        label: str | None = None,
        batch_size: int = 50,
        page_size: int = 1000,
        on_progress: Callable[[str], None] | None = None,
        auto_confirm: bool = True,
        stop: threading.Event | None = None,
        lease_ttl: timedelta = DEFAULT_TTL,
        hands_over: bool = False,
        holder: str | None = None,
    ):
        self.engine = engine
        self.now = now
        self.label = label or session_label()
        self.holder = holder or holder_id()  # its id in every lease row (an app's sync process: the app's)
        self.batch_size = batch_size
        self.page_size = page_size
        self.on_progress = on_progress
        self.auto_confirm = auto_confirm
        self.stop = stop or threading.Event()  # set it (SIGTERM, app exit) to end a pass before its next request
        self.lease_ttl = lease_ttl
        self.hands_over = hands_over  # an app session's: lets the sync service have the lease when it asks
        self.handed_over = False  # the last pass let the sync service have the lease
        self._api_factory = api_factory
        self._apis: dict[str, Any] = {}
        self._leases: dict[str, Lease] = {}
        self._mutex = threading.Lock()
        self._claimed = Claim([], False)  # the requests (tui.sync.pass_requests) the pass under way answers
        self.last_report: SyncReport | None = None
        self.contacts_changed = False  # Xero's webhook woke the loop: the next pass reads contacts too

    # -- plumbing ---------------------------------------------------------------------------------------------
    def _api(self, tenant_id: str, kind: str):
        if tenant_id not in self._apis:
            self._apis[tenant_id] = self._api_factory(tenant_id, kind)
        return self._apis[tenant_id]

    def _lease(self, tenant_id: str) -> Lease:
        if tenant_id not in self._leases:
            self._leases[tenant_id] = Lease(self.engine, tenant_id, self.label, self.lease_ttl, now=self.now,
                                           holder=self.holder)
        return self._leases[tenant_id]

    def holder_id(self, tenant_id: str) -> str:
        """This runner's holder id in ``tenant_id``'s lease row (whether it holds the lease now or not)."""
        return self._lease(tenant_id).holder

    def stand_by(self, tenant_id: str) -> None:
        """The sync service waits for ``tenant_id``'s lease: a free one is left for it (see :mod:`tui.sync.lease`)."""
        self._lease(tenant_id).stand_by()

    def context(self, tenant_id: str, kind: str = "oauth") -> Context:
        ctx = Context(engine=self.engine, api=CountingApi(self._api(tenant_id, kind)), tenant_id=tenant_id,
                      now=self.now, batch_size=self.batch_size, page_size=self.page_size)
        ctx.load_settings()
        return ctx

    def close(self) -> None:
        if self.hands_over:  # an app session closing: the sync service may slow down
            try:
                with session(self.engine) as s:
                    presence.gone(s, self.label)
            except Exception:
                log.debug("could not say this session is closing", exc_info=True)
        for lease in self._leases.values():
            try:
                lease.release()
            except Exception:  # the database may be gone at exit; the lease then simply expires
                log.debug("could not release the sync lease", exc_info=True)
        for api in self._apis.values():
            oauth = getattr(getattr(api, "tokens", None), "oauth", None)
            for thing in (api, oauth):
                close = getattr(thing, "close", None)
                if close is not None:
                    close()
        self._apis.clear()

    # -- one pass -----------------------------------------------------------------------------------------------
    def run_once(self) -> SyncReport:
        """One pass. It never raises: what went wrong is in the report, the log and the sync log."""
        with self._mutex:
            self._claimed = Claim([], False)
            if self.hands_over:
                self._here()
            try:
                report = self._run_once()
            except Exception as exc:  # nothing below caught it (a bug, the database gone): this pass failed
                report = self._failed(exc)
            report.finished_at = self.now()
            self._answer(report)
            self.last_report = report
            return report

    def _here(self) -> None:
        """An app session's pass: it is open (the sync service polls fast while any is)."""
        try:
            with Session(self.engine) as s:
                conn = active_connection(s)
            presence.heartbeat(self.engine, conn.tenant_id if conn else None, self.label, self.label, self.now())
        except Exception:  # the pass itself says what is wrong with the database
            log.debug("could not renew this session's presence", exc_info=True)

    def _answer(self, report: SyncReport) -> None:
        """The requests this pass claimed are answered with its line (their askers are waiting for it); if the
        sync service asked for the lease and this runner hands over, it lets go of it now."""
        claimed, self._claimed = self._claimed, Claim([], False)
        if not claimed.ids:
            return
        try:
            with session(self.engine) as s:
                answer(s, claimed.ids, report.ok, pass_line(report), self.label, self.now())
        except Exception as exc:  # the askers time out and say so; the pass itself is recorded
            log.warning("Could not answer the sync requests: %s", type(exc).__name__)
        if claimed.handover and self.hands_over and report.tenant_id:
            self._lease(report.tenant_id).release()  # left to the service, standing by for it
            self.handed_over = True

    def _failed(self, exc: Exception) -> SyncReport:
        """A pass that failed in a way nothing foresaw: one line in the log and in the sync log; the next pass
        starts afresh (what was sent before the failure is recorded; a request left in flight is settled and
        planned again). The secrets store failing (a locked or hung keyring) is said as such.

        A token store this process cannot read (no rights to the key, no token set where it looks) is this
        process's problem, not the business's: its report says so, and nothing shared (the connection, the
        sync state, the sync log) is touched."""
        lines = str(exc).strip().splitlines()
        if isinstance(exc, TokenStoreUnreadable):
            message = lines[0] if lines else "cannot read the Xero token store"
            log.error("%s", message)
            return SyncReport(False, message, store_unreadable=True)
        if isinstance(exc, SecretsError):
            message = f"Cannot read the Xero connection's secrets: {lines[0][:200] if lines else 'no reason given'}"
        else:
            detail = f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__
            message = f"Sync pass failed: {detail}"
        log.error("%s", message)
        log.debug("The failed pass", exc_info=exc)
        try:
            now = self.now()
            with session(self.engine) as s:
                conn = active_connection(s)
                if conn is not None:
                    state = records.get_state(s, conn.tenant_id)
                    state.last_run_at, state.last_error = now, message
                    s.add(state)
                records.log(s, now, message, "error")
        except Exception as again:  # e.g. the database is what failed: the log line above has to do
            log.warning("Could not record the failed pass in the sync log: %s", type(again).__name__)
        return SyncReport(False, message)

    def _run_once(self) -> SyncReport:
        with Session(self.engine) as s:
            conn = active_connection(s)
            pending = outbox.pending_count(s)
        if conn is None:
            return SyncReport(False, "Not connected to Xero", pending=pending, not_connected=True)
        tenant_id = conn.tenant_id
        if conn.status == "disconnected":
            return SyncReport(False, f"Disconnected from Xero: {conn.reason}" if conn.reason
                              else "Disconnected from Xero", pending=pending, disconnected=True, tenant_id=tenant_id)
        lease = self._lease(tenant_id)
        if lease.acquire():
            self.handed_over = False
        else:
            with Session(self.engine) as s:
                holder = lease_holder(s, tenant_id, self.now())
                waiting = standby(s, tenant_id, self.now()) if holder is None else None
            who = holder.label if holder else waiting[1] if waiting else "another process"
            return SyncReport(False, f"Sync runs in {who}", pending=pending, held_by=who, tenant_id=tenant_id)
        with session(self.engine) as s:  # asked for before this pass starts: this pass answers them
            self._claimed = claim(s, tenant_id, self.now())
        if conn.accounts_pending:  # nothing reaches Xero before the accounts it posts to are chosen; the holder
            # keeps the lease meanwhile, so the pass asked for once they are chosen is the service's
            return SyncReport(False, "Waiting for the revenue accounts: choose them on the Xero screen",
                              pending=pending, accounts_pending=True, tenant_id=tenant_id)

        try:
            ctx = self.context(tenant_id, conn.kind)
        except TokenStoreUnreadable:
            lease.release()  # this process cannot sync: one that can read the token store may, at once
            raise

        def guard() -> None:
            """Between batches, before every request and through every wait: stop, or renew the lease."""
            if self.stop.is_set():  # everything answered so far is recorded; what was not is planned again
                raise StopSync("Sync stopped")
            if not lease.renew():  # expired and taken over: this process must not write another thing
                raise StopSync("Another process took over the sync")

        def progress(message: str) -> None:
            guard()
            if self.on_progress is not None:
                self.on_progress(message)

        ctx.on_progress = progress
        ctx.contacts_changed, self.contacts_changed = self.contacts_changed, False
        report = SyncReport(True, "", tenant_id=tenant_id)
        started = self.now()
        try:
            with ctx.api.watched(guard, min(WAIT_SLICE_S, self.lease_ttl.total_seconds() / 3)):
                self._pass(ctx, tenant_id, report)
        except StopSync as exc:
            report.ok = False
            report.message = str(exc)
            report.disconnected = exc.disconnected
            report.retry_after = exc.retry_after
        except TokenStoreUnreadable:
            lease.release()
            raise
        return self._finish(ctx, report, started)

    def _pass(self, ctx: Context, tenant_id: str, report: SyncReport) -> None:
        with ctx.session() as s:
            state = records.get_state(s, tenant_id)
            confirmed = state.confirmed_at is not None
        if not confirmed:
            from tui.sync.preview import confirm_first_sync, preview_first_sync

            preview = preview_first_sync(ctx, None)
            if preview.needs_user or not self.auto_confirm:
                report.ok = False
                report.needs_confirmation = True
                report.message = (f"Xero already has {len(preview.link) + len(preview.clash)} of these invoice "
                                  "numbers: review the first sync on the Sync screen")
                return
            with ctx.session() as s:
                confirm_first_sync(s, tenant_id, preview, self.now())
        from tui.sync.contact_pull import pull_contacts
        from tui.sync.credit_pull import pull_credit_notes
        from tui.sync.order import push_in_order
        from tui.sync.pull import pull_invoices
        from tui.sync.unfinished import discard_unfinished, settle_unfinished

        # Pull before pushing: a change made in Xero is merged into ours before ours goes out, so a push
        # never overwrites it. Requests a stopped or killed pass left are never sent as they were: creations
        # whose answer was lost are found in Xero first, then everything is planned afresh after the pull.
        settle_unfinished(ctx)
        pull_invoices(ctx)
        pull_contacts(ctx)
        pull_credit_notes(ctx)  # after the invoices: an invoice's amount due follows the credit allocated to it
        push_in_order(ctx)  # payments removed, invoices, new payments: Xero edits no invoice with a payment
        discard_unfinished(ctx)
        _check_accounts(ctx)
        _keep_alive(ctx)

    def _finish(self, ctx: Context, report: SyncReport, started: datetime) -> SyncReport:
        report.pushed, report.pulled = ctx.pushed, ctx.pulled
        report.errors, report.conflicts = ctx.errors, ctx.conflicts
        report.calls = ctx.api.total
        report.calls_by_endpoint = dict(ctx.api.calls)
        now = self.now()
        with ctx.session() as s:
            report.pending = outbox.pending_count(s)
            state = records.get_state(s, ctx.tenant_id)
            state.last_run_at = now
            if report.pushed or report.pulled:  # the cadence stays fast for a while (tui.sync.cadence)
                state.last_change_at = now
            if report.ok:
                state.last_success_at = now
                state.last_error = ""
            elif report.needs_confirmation:
                state.last_error = ""  # Xero answered; the pass waits for the user, nothing failed
            else:
                state.last_error = report.message
            s.add(state)
            records.add_calls(s, ctx.tenant_id, report.calls, ctx.today())
            if not report.message:
                parts = []
                if report.pushed:
                    parts.append(f"sent {report.pushed}")
                if report.pulled:
                    parts.append(f"updated {report.pulled} from Xero")
                if report.errors:
                    parts.append(f"{report.errors} problem{'s' if report.errors != 1 else ''}")
                if report.conflicts:
                    parts.append(f"{report.conflicts} conflict{'s' if report.conflicts != 1 else ''}")
                report.message = "Synced" + (": " + ", ".join(parts) if parts else "")
            if not report.ok and not report.disconnected:  # a lost connection is logged where it was found
                records.log(s, now, report.message, "error" if not report.needs_confirmation else "warning")
        return report


ACCOUNTS_CHECK_EVERY = timedelta(hours=1)


def _check_accounts(ctx: Context) -> None:
    """At most hourly: flag mapped revenue accounts archived (or deleted) in Xero, for the Xero screen and To Do.
    Archived or not is :func:`tui.store.xero_connections.is_archived`, the rule the Xero screen uses too."""
    now = ctx.now()
    with ctx.session() as s:
        state = records.get_state(s, ctx.tenant_id)
        checked = state.accounts_checked_at
        mapped = mappings(s, ctx.tenant_id)
    if not mapped or (checked is not None and now - checked < ACCOUNTS_CHECK_EVERY):
        return
    try:
        accounts = ctx.api.accounts()
    except StopSync:
        raise
    except Exception as exc:  # not worth failing a pass over; tried again next hour
        log.warning("Could not check the revenue accounts in Xero: %s", exc)
        accounts = None
    with ctx.session() as s:
        if accounts is not None:
            for m in mappings(s, ctx.tenant_id).values():
                archived = is_archived(mapped_account(m, accounts))
                if archived != m.archived:
                    m.archived = archived
                    s.add(m)
                    if archived:
                        records.log(s, now, f"The {m.category} account {m.account_code} is archived in Xero: "
                                            "choose another on the Xero screen", "warning")
        state = records.get_state(s, ctx.tenant_id)
        state.accounts_checked_at = now
        s.add(state)


def _keep_alive(ctx: Context) -> None:
    """Refresh the token set when its last refresh is a week old: an idle connection never reaches 60 days."""
    tokens = getattr(ctx.api._api, "tokens", None)
    keep_alive = getattr(tokens, "keep_alive", None)
    if keep_alive is None:
        return
    try:
        keep_alive()
    except Exception as exc:  # the next pass's first call reports a lost connection properly
        log.warning("Could not refresh the Xero connection: %s", exc)
