"""What the screens can do: one blocking method per user action, each in its own transaction.

Screens call these from thread workers (never on the UI loop) and show what they return or raise:
ValidationError (per field), ConflictError ("changed by X at HH:MM"), TransitionError, DuplicateError,
SendClaimed ("INV-0001 was sent by alice at 12:47"), NotSent, MailError, NotFound, and StoreError for what the
database itself refused, in words (:meth:`Services.session`). Nothing here knows about Textual.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable

from tui.clock import utc_now
from tui.config import Config, current_user
from tui.services.credit_notes import CreditNoteServices
from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer
from tui.domain.dates import business_today
from tui.domain.errors import ValidationError
from tui.domain.invoice import Invoice
from tui.services.sending import Sending

if TYPE_CHECKING:  # the keyring is imported when a secret is first needed, not on the way to the first frame
    from tui.credentials.user_store import SecretStore


SMTP_PASSWORD_KEY = "smtp-password"  # the secrets-store key the mailer reads

_STORE_IMPORT = threading.Lock()
_store_imported = False


def import_store() -> None:
    """Import the database layer (SQLAlchemy, SQLModel) once, in one thread at a time.

    SQLAlchemy's package imports itself round a loop; two threads importing it for the first time at once can
    each find the other's module half made ("partially initialized module 'sqlalchemy.engine'"). Every thread
    worker calls this before its first use of the services; after the first time it costs one test.
    """
    global _store_imported
    if _store_imported:
        return
    with _STORE_IMPORT:
        if not _store_imported:
            import tui.store.db  # noqa: F401  (sqlalchemy, sqlmodel)
            import sqlalchemy.orm  # noqa: F401

            _store_imported = True


def open_change_feed(services: "Services"):
    """A :class:`~tui.store.changes.ChangeFeed` on the business's database: what every process commits."""
    import_store()
    from tui.store.changes import ChangeFeed

    return ChangeFeed(services.engine)


class Services(Sending, CreditNoteServices):
    def __init__(
        self,
        cfg: Config,
        *,
        now: Callable[[], datetime] = utc_now,
        user: str | None = None,
        secrets: SecretStore | None = None,
        seed: Callable[["Services"], None] | None = None,
        xero_setup: Callable[[Config], Config] | None = None,
    ):
        """``seed``: fills a new database (the demo's data). ``xero_setup``: called once, before the first use of
        the Xero connection or the sync, returns the config they use (the demo waits here for its sandbox)."""
        self.cfg = cfg
        self.now = now
        self.user = user or current_user()
        self._secrets = secrets
        self._engine = None
        self._seed = seed
        self._connection_setup = xero_setup
        self._connection_setup_lock = threading.Lock()
        self._lock = threading.RLock()
        self._sync = None
        self._connection = None
        #: Called (from whatever thread committed) after a commit made through :meth:`session` that changed
        #: records, with the store's :class:`~tui.store.changes.Changes` (the app: its screens follow at once).
        self.on_commit: Callable[[object], None] | None = None
        #: Called when a pass is wanted: a commit queued something for Xero, or someone asked (Sync now).
        #: The app runs one (or asks the lease holder for one); nothing else here starts a pass.
        self.on_sync_wanted: Callable[[], None] | None = None
        #: This session's (label, holder id) in the sync lease (:meth:`sync_identity`); None: made on first use.
        self.sync_as: tuple[str, str] | None = None

    # -- plumbing -----------------------------------------------------------------------------------
    @property
    def engine(self):
        """The database, migrated (and seeded, for the demo) on first use; heavy imports stay off the start-up path."""
        with self._lock:
            if self._engine is None:
                from tui.store.db import make_engine, migrate

                engine = make_engine(self.cfg.database_url)
                migrate(engine)
                self._engine = engine
                if self._seed is not None:
                    self._seed(self)
            return self._engine

    def close(self) -> None:
        """At exit: release the sync lease, close the database (checkpointing SQLite's WAL into the main file)."""
        with self._lock:
            if self._sync is not None:
                self._sync.close()
            if self._engine is not None:
                from tui.store.db import close_engine

                close_engine(self._engine)
                self._engine = None

    @contextmanager
    def session(self):
        """One transaction (committed at the end, rolled back on any error). An error of the database itself
        leaves as a sentence for the person (:func:`tui.store.errors.in_words`), never the SQL behind it. After the
        commit, what it changed is told (``on_commit``) and, when it queued anything for Xero (a send, an edit of
        a sent invoice, a payment, a conflict settled, the accounts reviewed), a sync pass is asked for
        (``on_sync_wanted``): the write path decides, not a screen."""
        from sqlalchemy.exc import SQLAlchemyError

        from tui.store.changes import committed
        from tui.store.db import session
        from tui.store.errors import in_words

        try:
            with session(self.engine) as s:
                yield s
        except SQLAlchemyError as exc:
            raise in_words(exc) from exc
        changes = committed(s)
        if changes.ids and self.on_commit is not None:
            self.on_commit(changes)
        if changes.xero_bound:
            self.request_sync()

    def request_sync(self) -> None:
        """A sync pass, now (Sync now, a problem retried, after a reconnect): the app runs it, or asks the
        process holding the sync lease for it."""
        if self.on_sync_wanted is not None:
            self.on_sync_wanted()

    def sync_identity(self) -> tuple[str, str]:
        """Who this session's sync is in the lease: its label ("sam on HOST (pid N)") and holder id, made once
        (:attr:`sync_as`: a sync process is handed its app's, so the app counts the process's lease as its own)."""
        with self._lock:
            if self.sync_as is None:
                from tui.sync.lease import holder_id, session_label

                self.sync_as = (session_label(self.user), holder_id())
            return self.sync_as

    @property
    def sync(self):
        """The Xero sync: status queries and actions for the screens, and the runner for the background worker."""
        self._set_up_xero()
        with self._lock:
            if self._sync is None:
                from tui.services.wiring import sync_service

                self._sync = sync_service(self)
            return self._sync

    @property
    def connection(self):
        """The Xero connection (:class:`~tui.connection.XeroConnection`): connect, accounts, status, disconnect."""
        self._set_up_xero()
        with self._lock:
            if self._connection is None:
                from tui.services.wiring import xero_connection

                self._connection = xero_connection(self)
            return self._connection

    def _set_up_xero(self) -> None:
        """``xero_setup``, once it has succeeded (its own lock: the database is not held up meanwhile)."""
        with self._connection_setup_lock:
            if self._connection_setup is not None:
                self.cfg = self._connection_setup(self.cfg)
                self._connection_setup = None

    @property
    def secrets(self) -> SecretStore:
        """This install's secrets store: the user's keyring or file, or a site install's shared store."""
        if self._secrets is None:
            from tui.credentials.site_store import open_secrets

            self._secrets = open_secrets(self.cfg, self.engine if self.cfg.is_site else None)
        return self._secrets

    def today(self, business: BusinessDetails | None = None) -> date:
        return business_today(self.now(), (business or self.business()).time_zone)

    # -- business -----------------------------------------------------------------------------------
    def business(self) -> BusinessDetails:
        from tui.store.business import load_business

        with self.session() as s:
            return load_business(s)

    def save_business(self, details: BusinessDetails) -> BusinessDetails:
        from tui.store.business import save_business

        details = details.validated()
        with self.session() as s:
            save_business(s, details)
        return details

    # -- To Do ----------------------------------------------------------------------------------------
    def todo(self, limit: int = 200):
        """To Do's groups, each with its full count and at most ``limit`` rows ("Sync problems" first when it
        has any). Needs no :func:`import_store` first: see :meth:`_todo_reader`."""
        from tui.store.todo import business_time_zone, sync_group, todo_groups

        with self._todo_reader() as reader:
            groups = todo_groups(reader, business_today(self.now(), business_time_zone(reader)), limit)
            sync = sync_group(reader, limit)
        return [sync, *groups] if sync.count else groups

    @contextmanager
    def _todo_reader(self):
        """Where To Do reads. Before the database layer is loaded (the first screen of a start), a SQLite file
        already at the newest revision is read with the stdlib's sqlite3, so the rows need neither SQLAlchemy nor
        the table classes; otherwise (and to create, migrate or seed) the engine's session."""
        from tui.store.schema import open_current_sqlite, sqlite_path
        from tui.store.todo import Reader, session_reader

        path = sqlite_path(self.cfg.database_url)
        conn = open_current_sqlite(path) if self._engine is None and path is not None else None
        if conn is not None:
            try:
                yield Reader(conn, sqlite=True)
            finally:
                conn.close()
            return
        import_store()
        with self.session() as s:
            yield session_reader(s)

    # -- customers ------------------------------------------------------------------------------------
    def customers(self, search: str = "", limit: int = 500) -> tuple[list[Customer], int]:
        from tui.store.customers import list_customers

        with self.session() as s:
            return list_customers(s, search, limit)

    def customer(self, customer_id: int) -> Customer:
        from tui.store.customers import get_customer

        with self.session() as s:
            return get_customer(s, customer_id)

    def customer_last_change(self, customer_id: int):
        """The customer as stored, who saved it last and when (for an open editor that another session beat)."""
        from tui.store.customers import last_change

        with self.session() as s:
            return last_change(s, customer_id)

    def save_customer(self, customer: Customer) -> Customer:
        from tui.store.customers import save_customer

        tz = self.business().time_zone
        with self.session() as s:
            return save_customer(s, customer, self.user, self.now(), tz)

    # -- invoices -------------------------------------------------------------------------------------
    def new_invoice(self, customer_id: int | None = None) -> Invoice:
        b = self.business()
        today = self.today(b)
        return Invoice(
            customer_id=customer_id,
            issue_date=today,
            due_date=today + timedelta(days=b.payment_terms_days),
            lines=[],
            amounts=b.line_amount_types,
        )

    def invoice(self, invoice_id: int) -> Invoice:
        from tui.store.invoices import get_invoice

        with self.session() as s:
            return get_invoice(s, invoice_id)

    def newer_invoice(self, invoice_id: int, version: int):
        """The invoice as stored now if it changed since ``version`` (``store.invoices.NewerInvoice``), else None:
        what an open editor follows after a sync pass or a conflict resolved."""
        from tui.store.invoices import newer_invoice

        with self.session() as s:
            return newer_invoice(s, invoice_id, version)

    def send_error(self, invoice_id: int) -> str:
        from tui.store.invoices import send_error

        with self.session() as s:
            return send_error(s, invoice_id)

    def save_invoice(self, inv: Invoice) -> Invoice:
        from tui.store.invoices import save_invoice

        tz = self.business().time_zone
        with self.session() as s:
            return save_invoice(s, inv, self.user, self.now(), tz)

    def delete_invoice(self, inv: Invoice) -> None:
        from tui.store.invoices import delete_invoice

        tz = self.business().time_zone
        with self.session() as s:
            delete_invoice(s, inv, tz)

    def void_invoice(self, inv: Invoice) -> Invoice:
        from tui.store.invoices import get_invoice, set_status

        tz = self.business().time_zone
        with self.session() as s:
            stored = get_invoice(s, inv.id)
            stored.version = inv.version
            return set_status(s, stored.voided(), self.user, self.now(), tz)

    # -- payments -------------------------------------------------------------------------------------
    def payments(self, invoice_id: int) -> list:
        from tui.store.payments import list_payments

        with self.session() as s:
            return list_payments(s, invoice_id)

    def record_payment(self, inv: Invoice, amount, on, method, reference: str = "") -> Invoice:
        """Take a payment on the invoice as the user has it open (``inv.version``); ValidationError names the
        field (an amount above the amount due says the amount due)."""
        from tui.domain.payment import new_payment
        from tui.store.invoices import get_invoice
        from tui.store.payments import record_payment

        tz = self.business().time_zone
        with self.session() as s:
            payment = new_payment(get_invoice(s, inv.id), amount, on, method, reference)
            return record_payment(s, payment, inv.version, self.user, self.now(), tz)

    def remove_payment(self, payment_id: int) -> Invoice:
        from tui.store.payments import remove_payment

        tz = self.business().time_zone
        with self.session() as s:
            return remove_payment(s, payment_id, self.user, self.now(), tz)

    def invoice_pdf(self, invoice_id: int) -> tuple[str, bytes]:
        """The invoice as saved, as the PDF its email carries: (file name, bytes)."""
        from tui.mail.render import invoice_pdf_file

        stored = self.invoice(invoice_id)
        if stored.customer_id is None:
            raise ValidationError({"customer": "Choose a customer first: the PDF is addressed to them"})
        return invoice_pdf_file(self.business(), self.customer(stored.customer_id), stored)

    def has_smtp_password(self) -> bool:
        return bool(self.secrets.get(SMTP_PASSWORD_KEY))

    def set_smtp_password(self, password: str) -> None:
        if not password:
            raise ValidationError({"password": "Type the password first (or clear the saved one)"})
        self.secrets.set(SMTP_PASSWORD_KEY, password)

    def clear_smtp_password(self) -> None:
        self.secrets.delete(SMTP_PASSWORD_KEY)

    def outbox(self):
        from tui.mail.transport import list_outbox

        return list_outbox(self.cfg.outbox_dir)

    def outbox_text(self, path) -> str:
        """The plain-text part of one message in the local outbox, as the customer would read it."""
        from email import policy
        from email.parser import BytesParser

        with open(path, "rb") as fh:
            message = BytesParser(policy=policy.default).parse(fh)
        body = message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else "(This message has no plain-text part.)"

    def describe_mail(self) -> str:
        m = self.cfg.mail
        if m.host:
            return f"SMTP {m.host}:{m.port}{' with STARTTLS' if m.starttls else ''}{f' as {m.user}' if m.user else ''}"
        return f"Local outbox folder {self.cfg.shown_outbox_dir}"
