"""Tables of the Xero sync: the sync queue (table ``sync_outbox``), write-ahead batches, per-record sync state,
conflicts, log, lease, and the passes asked of the lease holder.

The sync queue row is written in the same transaction as the change it stands for, keyed per record
(``kind``, ``entity_id``) so repeated edits coalesce into one entry whose ``seq`` goes up with each change.
A batch row is written (with its request body and Idempotency-Key) before the request goes out, so a
process killed mid-request re-sends exactly the same request with the same key on restart.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from tui.store.column_types import UTCDateTime


class SyncOutboxRow(SQLModel, table=True):
    """One record that must reach Xero. ``seq`` counts the changes coalesced into this entry."""

    __tablename__ = "sync_outbox"
    __table_args__ = (UniqueConstraint("kind", "entity_id", name="uq_sync_outbox_entity"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # "invoice" | "contact" | "payment"
    entity_id: int
    seq: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    held: str = ""  # why the entry waits for the user (conflict, clash, needs confirmation); empty: ready


class SyncBatchRow(SQLModel, table=True):
    """A write request prepared and about to be (or being) sent; after a crash it is settled (what it created in Xero
    is linked) and its key reused only for an identical body planned afresh."""

    __tablename__ = "sync_batch"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str
    kind: str  # "invoice" | "contact"
    method: str  # "PUT" | "POST"
    idempotency_key: str = Field(max_length=128)
    body: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of the elements sent
    entries: str = Field(sa_column=Column(Text, nullable=False))  # JSON [[entry_id, entity_id, seq], ...]
    created_at: datetime = Field(sa_type=UTCDateTime)


class SyncRecordRow(SQLModel, table=True):
    """Per record: what Xero last confirmed (the base of three-way merges) and the sync state shown to users."""

    __tablename__ = "sync_record"
    kind: str = Field(primary_key=True)  # "invoice" | "contact"
    entity_id: int = Field(primary_key=True)
    tenant_id: str = ""
    xero_id: str | None = Field(default=None, index=True)
    xero_updated_utc: datetime | None = Field(default=None, sa_type=UTCDateTime)
    synced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snapshot: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    error: str = ""  # Xero's message, or ours, fit to show beside the record
    error_code: str = ""  # "validation" | "number_clash" | "name_clash" | "contact" | "conflict" | ...
    error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    excluded: bool = False  # sent before the "sync invoices sent from" date: never pushed
    # a contact archived (or merged away) in Xero: its customer is shown archived, kept with its invoices
    archived: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class SyncConflictRow(SQLModel, table=True):
    """One field changed differently here and in Xero since the last sync: the user chooses."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_open", "invoice_id", "resolved_at"),)
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int  # the record's id: an invoice's, or a customer's when ``kind`` is "contact"
    kind: str = Field(default="invoice", sa_column_kwargs={"server_default": "invoice"})
    field: str
    base: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    local: str = Field(sa_column=Column(Text, nullable=False))
    remote: str = Field(sa_column=Column(Text, nullable=False))
    remote_updated_utc: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str = ""  # "local" | "remote"


class SyncLogRow(SQLModel, table=True):
    __tablename__ = "sync_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True, sa_type=UTCDateTime)
    level: str = "info"  # info | warning | error
    message: str
    invoice_id: int | None = None
    customer_id: int | None = None


class SyncStateRow(SQLModel, table=True):
    """Per organisation: confirmed first sync, high-water mark of pulls, last results, calls used."""

    __tablename__ = "sync_state"
    tenant_id: str = Field(primary_key=True)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sync_from: date | None = None
    high_water_mark: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = ""
    calls_day: date | None = None
    calls_today: int = 0
    # the hourly check that mapped revenue accounts are still active
    accounts_checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the contacts pull: newest UpdatedDateUTC seen, and when contacts were last read
    contacts_high_water_mark: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contacts_read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_change_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # a pass that moved something
    # the credit notes pull: newest UpdatedDateUTC seen, and when credit notes were last read
    credit_notes_high_water_mark: datetime | None = Field(default=None, sa_type=UTCDateTime)
    credit_notes_read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AppPresenceRow(SQLModel, table=True):
    """An app session that is open (``seen_at`` renewed every minute): the sync polls fast while any is."""

    __tablename__ = "app_presence"
    holder: str = Field(primary_key=True)
    label: str = ""
    seen_at: datetime = Field(sa_type=UTCDateTime)


class SyncLeaseRow(SQLModel, table=True):
    """Who runs the sync for an organisation: one holder at a time, across processes and machines."""

    __tablename__ = "sync_lease"
    tenant_id: str = Field(primary_key=True)
    holder: str  # unique per running syncer
    holder_label: str = ""  # "sam on shop-server (pid 4711)", "the sync service on ...": shown to the others
    acquired_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    standby: str = ""  # the sync service waiting for the lease: a free lease is its alone meanwhile
    standby_label: str = ""
    standby_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SyncRequestRow(SQLModel, table=True):
    """A pass asked of the lease holder by a process that does not hold the lease (an app session's Sync now or
    sent invoice, ``tradiecore sync --once``). The holder's next pass claims it (``started_at``) and marks it done
    with what the pass came to (``ok``, ``message``, ``served_by``: the holder's lease label). The sync service
    asks an app session that holds the lease for it with ``handover``."""

    __tablename__ = "sync_request"
    __table_args__ = (Index("ix_sync_request_open", "tenant_id", "done_at"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str
    requested_at: datetime = Field(sa_type=UTCDateTime)
    requested_by: str = ""  # the asker's label: "sam on shop-server (pid 4711)"
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ok: bool | None = None
    message: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    served_by: str = ""
    handover: bool = False  # asked by the sync service: a session holding the lease hands it over after the pass
