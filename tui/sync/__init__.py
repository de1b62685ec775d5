"""Two-way invoice sync with Xero. No Textual in here: the app's worker and ``tradiecore sync`` share it all.

Entry points
    ``services.sync`` (:class:`tui.services.sync.SyncService`): what the screens call (from thread workers):
        ``run_once()``, ``header()``, ``overview()``, ``invoice_state(id)``, ``invoice_states(ids)``,
        ``problems()``, ``log()``, ``conflicts(invoice_id=None)``, ``resolve_conflicts(id, {field: "local"|"remote"})``,
        ``retry(invoice_id=None, customer_id=None)``, ``renumber(id, number)``, ``link_customer(id, contact_id)``,
        ``first_sync_preview(sync_from=None)``, ``confirm_first_sync(preview)``, ``ask_for_pass(timeout)``,
        ``watch()``, ``close()``.
    :class:`tui.sync.runner.SyncRunner`: ``run_once() -> SyncReport`` (pushed, pulled, errors, conflicts,
        pending, calls, message, disconnected, held_by, needs_confirmation, retry_after).
    :func:`tui.ops.sync.main`: ``tradiecore sync [--once [--wait SECONDS]] [--log-file FILE]``.
    :mod:`.pass_requests`: passes asked of the lease holder by processes that do not hold it, and the holder's wait
        for them (``LISTEN/NOTIFY`` on PostgreSQL, a look every second on SQLite).

A pass (:meth:`SyncRunner.run_once`)
    1. the organisation's lease (:mod:`.lease`); another live holder -> "Sync runs in sam on server (pid 42)"
       (ask it for a pass instead: :mod:`.pass_requests`); it is renewed between batches, before every request and
       through every wait (``XeroApi.watched``), and a pass that lost it stops before sending anything more;
       the open requests are claimed, and answered with the pass's line at its end; a connection whose revenue
       accounts wait ends the pass here, its holder keeping the lease;
    2. first connection: a preview (:mod:`.preview`, Xero's customers by :mod:`.contact_preview`) unless nothing in
       Xero matches or clashes;
    3. requests a stopped or killed pass left: what their creations made in Xero is found and linked
       (:mod:`.unfinished`); they are never re-sent as they were;
    4. pull (:mod:`.pull`): ``GET Invoices`` with ``If-Modified-Since``, merged field by field (:mod:`.merge`),
       each invoice's payments folded into ours (:func:`tui.store.payments.apply_xero_payments`);
       then contacts (:mod:`.contact_pull`) when due: ``GET Contacts`` with ``If-Modified-Since``, pages of 100,
       merged into the customers field by field (:mod:`.contact_view`), archived and merged contacts followed,
       customer contacts made in Xero added; conflicts resolved by :mod:`.contact_conflicts`;
    5. push, in the order Xero takes writes to an invoice (:mod:`.order`): payments removed here (a
       ``POST /Payments/{id}`` DELETED each, :mod:`.payments`) before invoice updates; contacts (:mod:`.contacts`),
       then invoices with their numbers checked against Xero's (:mod:`.invoice_numbers`), 50 to a request, planned from
       the records as they are now, responses recorded as they arrive (:mod:`.push`, :mod:`.batches`); an update
       refused for a payment removed meanwhile sent again; then payments taken here, 50 to a ``PUT /Payments``;
       left requests not planned again are dropped.
    Xero's errors (disconnected, rate limited, unavailable, a reply it cannot use) end the pass with their
    message in the sync log; so does anything else that goes wrong: ``run_once`` never raises. A record Xero
    failed on with a 5xx waits 1, 2, 4... minutes (up to an hour) before it is tried again, alone
    (``sync_outbox.next_attempt_at``, :func:`.outbox.retry_later`).

Tables (:mod:`tui.store.sync_tables`, migration 0003): ``sync_outbox`` (written with each change by the
store, :mod:`tui.store.sync_outbox`; read and cleared by :mod:`.outbox`), ``sync_batch`` (write-ahead
requests), ``sync_record`` (per record: Xero id, UpdatedDateUTC, last synced snapshot, error),
``sync_conflict``, ``sync_log``, ``sync_state`` (confirmed, high-water mark, last success, calls today),
``sync_lease``, ``app_presence`` (the sessions open, for the cadence: :mod:`.cadence`, :mod:`.presence`;
migration 0009 with the contacts pull's high-water mark and conflicts on customers), ``sync_request``
(migration 0007: written by :mod:`tui.store.pass_requests`, claimed and answered by :mod:`.pass_requests`). Payments (migration 0008): ``payment`` (taken here or read back from Xero, with
Xero's PaymentID and the Idempotency-Key of the request that carried it) and ``payment_account`` (per method),
written by :mod:`tui.store.payments`; a payment's sync queue entry has kind ``payment``.
"""
