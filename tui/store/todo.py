"""To Do's lists in plain SQL over a DB-API connection: the stdlib's sqlite3 before the database layer is
imported (the first screen of a start, :func:`tui.store.schema.open_current_sqlite`), or the engine's own driver
connection afterwards. Each group is its full count and at most ``limit`` rows, both on the indexes
(``ix_invoice_status_due``; sync_record's key), so 100,000 invoices cost a few small queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tui.domain.dates import DEFAULT_TIME_ZONE
from tui.domain.invoice import InvoiceStatus
from tui.store.schema import INVOICE

#: To Do's word for what an invoice with a sync problem needs, by the problem's code (10 columns at most).
TODO_NOTES = {"conflict": "Conflict", "number_clash": "Renumber", "contact": "Customer", "name_clash": "Customer"}
TODO_NOTE_OTHER = "Sync error"

_SUMMARY = ("SELECT i.id, i.number, c.name, i.issue_date, i.due_date, i.status, i.total, i.amount_paid, "
            "i.amount_credited{extra} FROM invoice i JOIN customer c ON c.id = i.customer_id{join} "
            "WHERE {where} ORDER BY {order} LIMIT :limit")
_COUNT = "SELECT count(*) FROM invoice i{join} WHERE {where}"
#: key, title, where, order: overdue first, then drafts to send, then sent and awaiting payment.
_GROUPS = (
    ("overdue", "Overdue", "i.status = :sent AND i.due_date < :today", "i.due_date, i.id"),
    ("drafts", "Drafts to send", "i.status = :draft", "i.issue_date DESC, i.id DESC"),
    ("awaiting", "Awaiting payment", "i.status = :sent AND i.due_date >= :today", "i.due_date, i.id"),
)
_SYNC_JOIN = " JOIN sync_record r ON r.kind = :invoice AND r.entity_id = i.id"
_SYNC_WHERE = "r.error <> ''"


@dataclass(frozen=True)
class InvoiceSummary:
    id: int
    number: str
    customer: str
    issue_date: date
    due_date: date
    status: InvoiceStatus
    total: Decimal
    amount_paid: Decimal
    amount_credited: Decimal = Decimal(0)  # credit notes allocated to it
    note: str = ""  # what a list says the row needs, where its status does not (e.g. "Renumber")

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.amount_paid - self.amount_credited


@dataclass(frozen=True)
class TodoGroup:
    key: str
    title: str
    count: int
    rows: list[InvoiceSummary]


class Reader:
    """Plain SQL on a DB-API connection: ``:name`` parameters on either driver; dates and money read back as the
    domain has them (SQLite keeps both as text)."""

    def __init__(self, conn, sqlite: bool):
        self.conn = conn
        self.sqlite = sqlite

    def rows(self, sql: str, **params) -> list[tuple]:
        if self.sqlite:
            params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
        else:  # psycopg's parameters are %(name)s
            sql = re.sub(r":(\w+)", r"%(\1)s", sql)
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchall()
        finally:
            cur.close()


def session_reader(s) -> Reader:
    """A :class:`Reader` on a database session's own connection (inside its transaction)."""
    conn = s.connection()
    return Reader(conn.connection, conn.dialect.name == "sqlite")


def business_time_zone(reader: Reader) -> str:
    found = reader.rows("SELECT time_zone FROM business WHERE id = 1")
    return found[0][0] if found else DEFAULT_TIME_ZONE


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _group(reader: Reader, where: str, order: str, limit: int, join: str = "", extra: str = "",
           **params) -> tuple[int, list[tuple]]:
    """A group's full count and its first ``limit`` rows."""
    count = reader.rows(_COUNT.format(join=join, where=where), **params)[0][0]
    rows = reader.rows(_SUMMARY.format(extra=extra, join=join, where=where, order=order), limit=limit,
                       **params) if count else []
    return count, rows


def _summary(r: tuple, note: str = "") -> InvoiceSummary:
    return InvoiceSummary(id=r[0], number=r[1], customer=r[2], issue_date=_day(r[3]), due_date=_day(r[4]),
                          status=InvoiceStatus(r[5]), total=Decimal(str(r[6])), amount_paid=Decimal(str(r[7])),
                          amount_credited=Decimal(str(r[8])), note=note)


def todo_groups(reader: Reader, today: date, limit: int = 200) -> list[TodoGroup]:
    """What needs action: overdue first, then drafts to send, then sent and awaiting payment."""
    params = {"today": today, "sent": InvoiceStatus.SENT.value, "draft": InvoiceStatus.DRAFT.value}
    groups = []
    for key, title, where, order in _GROUPS:
        count, rows = _group(reader, where, order, limit, **params)
        groups.append(TodoGroup(key=key, title=title, count=count, rows=[_summary(r) for r in rows]))
    return groups


def sync_group(reader: Reader, limit: int = 200) -> TodoGroup:
    """"Sync problems": invoices whose last sync failed or that are in conflict (key ``sync``); each row's
    ``note`` says which (:data:`TODO_NOTES`)."""
    count, rows = _group(reader, _SYNC_WHERE, "i.due_date, i.id", limit, join=_SYNC_JOIN, extra=", r.error_code",
                         invoice=INVOICE)
    return TodoGroup(key="sync", title="Sync problems", count=count,
                     rows=[_summary(r, TODO_NOTES.get(r[9], TODO_NOTE_OTHER)) for r in rows])
