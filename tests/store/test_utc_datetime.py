"""Times read back from the database are aware and in UTC, on SQLite and PostgreSQL alike; naive ones are refused."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError
from sqlmodel import SQLModel

from tui.store.db import make_engine, migrate, session
from tui.store.tables import XeroTokenSetRow
from tui.credentials.token_rows import DatabaseTokenRow
from tui.store.column_types import UTCDateTime

SYDNEY = ZoneInfo("Australia/Sydney")
TIMES = [
    datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc),
    datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=SYDNEY),  # 22:30:15.123456 UTC the day before
    datetime(2026, 7, 1, 8, 0, tzinfo=timezone(timedelta(hours=-8))),  # 16:00 UTC
]


@pytest.fixture
def times(db_url):
    """A table of one UTCDateTime column on a fresh database."""
    engine = make_engine(db_url)
    table = Table("times", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    table.metadata.create_all(engine)
    yield engine, table
    engine.dispose()


def test_aware_times_come_back_the_same_instant_in_utc(times):
    engine, table = times
    with engine.begin() as c:
        c.execute(insert(table), [{"id": i, "at": at} for i, at in enumerate(TIMES)] + [{"id": 99, "at": None}])
    with engine.connect() as c:
        got = dict(c.execute(select(table.c.id, table.c.at)).all())
    assert got.pop(99) is None
    assert [got[i] for i in range(len(TIMES))] == TIMES  # the same instants...
    for at in got.values():
        assert at.tzinfo is timezone.utc  # ...read back in UTC
    assert got[1].isoformat() == "2026-11-24T22:30:15.123456+00:00"


def test_comparisons_in_sql_compare_instants_whatever_the_zone(times):
    engine, table = times
    with engine.begin() as c:
        c.execute(insert(table), [{"id": i, "at": at} for i, at in enumerate(TIMES)])
    # 09:45 in Sydney is 22:45 UTC: after the 22:30 UTC row, before the 23:00 UTC one (text order on SQLite would
    # say otherwise if the zones were kept as written)
    cut = datetime(2026, 11, 25, 9, 45, tzinfo=SYDNEY)
    with engine.connect() as c:
        before = c.execute(select(table.c.id).where(table.c.at < cut).order_by(table.c.at)).scalars().all()
    assert before == [2, 1]


def test_a_naive_time_is_refused_and_nothing_is_written(times):
    engine, table = times
    naive = datetime(2026, 11, 24, 23, 0)
    with pytest.raises(StatementError, match="naive datetime") as caught:
        with engine.begin() as c:
            c.execute(insert(table), [{"id": 1, "at": TIMES[0]}, {"id": 2, "at": naive}])
    assert isinstance(caught.value.orig, ValueError)
    with pytest.raises(StatementError, match="naive datetime"):
        with engine.connect() as c:
            c.execute(select(table.c.id).where(table.c.at < naive))
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM times")).scalar() == 0


def test_every_time_column_of_the_tables_is_utc():
    import tui.store.changes  # noqa: F401  (change_log)
    import tui.store.tables  # noqa: F401  (every other table, the sync's and serve's included)

    columns = [c for t in SQLModel.metadata.sorted_tables for c in t.columns
               if isinstance(c.type, DateTime) or isinstance(getattr(c.type, "impl", None), DateTime)]
    assert len(columns) == 50  # sync_request: requested_at, started_at, done_at; shared_secret: updated_at;
    # payment: created_at, removed_at; sync_state: contacts_high_water_mark, contacts_read_at, last_change_at;
    # app_presence: seen_at; invoice: send_claimed_at; sync_lease: standby_until; change_log: at;
    # serve_link, serve_session: created_at, expires_at; credit_note: sent_at, send_claimed_at, updated_at;
    # credit_allocation, credit_refund: created_at, removed_at; sync_state: credit_notes_high_water_mark,
    # credit_notes_read_at
    assert [f"{c.table.name}.{c.name}" for c in columns if not isinstance(c.type, UTCDateTime)] == []


def test_the_token_set_row_time_reads_back_aware(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    before = datetime.now(timezone.utc)
    DatabaseTokenRow(engine, "tenant-1").write(b"ciphertext")
    with session(engine) as s:
        row = s.get(XeroTokenSetRow, "tenant-1")
    assert row.updated_at.tzinfo is timezone.utc
    assert before - timedelta(seconds=1) <= row.updated_at <= datetime.now(timezone.utc)
    engine.dispose()
