import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from alembic import command
from sqlalchemy import bindparam, inspect, text

from tests.multiuser import ROOT
from tui.bench.childenv import child_env, home_dirs
from tui.domain.customer import Customer
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem
from tui.store import customers, invoices, todo
from tui.store.db import (alembic_config, head_revisions, make_engine, migrate, schema_is_current, session,
                          stored_revisions)
from tui.store.errors import ConflictError, DuplicateError
from tui.store.schema import open_current_sqlite
from tui.store.column_types import UTCDateTime

TZ = "Australia/Sydney"
T0 = datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(db_url):
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def add_customer(engine, name="Olivia Nguyen", email="olivia@example.com") -> Customer:
    with session(engine) as s:
        return customers.save_customer(s, Customer(name, email), "sam", T0, TZ)


def add_invoice(engine, customer_id, **kw) -> Invoice:
    inv = Invoice(customer_id=customer_id, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 15),
                  lines=[LineItem("Hot water service", D("1.5"), D("95.1234"))])
    for k, v in kw.items():
        setattr(inv, k, v)
    with session(engine) as s:
        return invoices.save_invoice(s, inv, "sam", T0, TZ)


def test_empty_database_comes_up_to_date(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"business", "customer", "invoice", "line_item", "xero_connection", "account_mapping",
            "alembic_version"} <= tables


def test_older_database_is_upgraded_keeping_its_data(db_url):
    e = make_engine(db_url)
    command.upgrade(alembic_config(e), "0001")
    assert "xero_connection" not in inspect(e).get_table_names()
    with e.begin() as conn:  # a row as that version wrote it (today's tables have more columns)
        conn.execute(text("INSERT INTO customer (name, email, phone, address, version, updated_at, updated_by) "
                          "VALUES ('Olivia Nguyen', 'olivia@example.com', '', '1 Old St', 1, :at, 'sam')")
                     .bindparams(bindparam("at", T0, type_=UTCDateTime())))
        customer_id = conn.execute(text("SELECT id FROM customer")).scalar_one()
    migrate(e)
    assert "xero_connection" in inspect(e).get_table_names()
    with session(e) as s:
        c = customers.get_customer(s, customer_id)
    assert (c.name, c.address, c.first_name, c.last_name, c.postal_address) == ("Olivia Nguyen", "1 Old St", "", "", "")
    e.dispose()


def test_money_round_trips_exactly(engine):
    c = add_customer(engine)
    inv = add_invoice(engine, c.id)
    with session(engine) as s:
        back = invoices.get_invoice(s, inv.id)
    assert back.lines[0].unit_price == D("95.1234")
    assert back.lines[0].quantity == D("1.5")
    assert back.totals.total == D("156.96")  # 142.6851 -> 142.69, plus 14.27 GST


def test_numbers_are_assigned_in_order_and_unique(engine):
    c = add_customer(engine)
    assert [add_invoice(engine, c.id).number for _ in range(3)] == ["INV-0001", "INV-0002", "INV-0003"]
    with pytest.raises(DuplicateError, match="INV-0002 is already used"):
        add_invoice(engine, c.id, number="INV-0002")


def test_second_save_from_a_stale_copy_is_refused(engine):
    c = add_customer(engine)
    inv = add_invoice(engine, c.id)
    with session(engine) as s:
        mine = invoices.get_invoice(s, inv.id)
        theirs = invoices.get_invoice(s, inv.id)
    theirs.reference = "from the office"
    with session(engine) as s:
        invoices.save_invoice(s, theirs, "alex", T0 + timedelta(minutes=7), TZ)
    mine.reference = "from the van"
    with pytest.raises(ConflictError, match=r"changed by alex at 10:07"):
        with session(engine) as s:
            invoices.save_invoice(s, mine, "sam", T0 + timedelta(minutes=9), TZ)
    with session(engine) as s:
        assert invoices.get_invoice(s, inv.id).reference == "from the office"


def test_invalid_invoice_saves_nothing(engine):
    c = add_customer(engine)
    with pytest.raises(ValidationError):
        add_invoice(engine, c.id, lines=[LineItem("", D("0"), D("1"))])
    with session(engine) as s:
        assert todo.todo_groups(todo.session_reader(s), date(2026, 11, 25))[1].count == 0


def test_paid_invoice_cannot_be_edited_and_sent_cannot_be_deleted(engine):
    c = add_customer(engine)
    paid = add_invoice(engine, c.id, status=InvoiceStatus.PAID, amount_paid=D("156.96"))
    paid.reference = "late edit"
    with pytest.raises(TransitionError, match="paid"):
        with session(engine) as s:
            invoices.save_invoice(s, paid, "sam", T0, TZ)
    sent = add_invoice(engine, c.id, status=InvoiceStatus.SENT)
    with pytest.raises(TransitionError, match="void"):
        with session(engine) as s:
            invoices.delete_invoice(s, sent)


def test_customer_search_ignores_case_in_names_and_emails(engine):
    add_customer(engine)
    add_customer(engine, "Priya Sharma", "accounts@SHARMA.example")
    add_customer(engine, "Liam Walker", "liam@example.com")
    with session(engine) as s:
        assert [c.name for c in customers.list_customers(s, "NGUYEN")[0]] == ["Olivia Nguyen"]
        assert [c.name for c in customers.list_customers(s, "sharma.EX")[0]] == ["Priya Sharma"]
        found, total = customers.list_customers(s, "A", limit=1)
        assert ([c.name for c in found], total) == (["Liam Walker"], 3)
        assert customers.list_customers(s, "zed") == ([], 0)


def test_customer_conflict_and_validation(engine):
    c = add_customer(engine)
    stale = replace(c)
    c.phone = "0412 555 018"
    with session(engine) as s:
        customers.save_customer(s, c, "alex", T0, TZ)
    stale.phone = "02 9555 0000"
    with pytest.raises(ConflictError, match="changed by alex"):
        with session(engine) as s:
            customers.save_customer(s, stale, "sam", T0, TZ)
    with pytest.raises(ValidationError):
        with session(engine) as s:
            customers.save_customer(s, Customer("", "bad"), "sam", T0, TZ)


def test_todo_groups(engine):
    c = add_customer(engine)
    add_invoice(engine, c.id)  # draft
    add_invoice(engine, c.id, status=InvoiceStatus.SENT)  # due 15 Nov: overdue on the 25th
    add_invoice(engine, c.id, status=InvoiceStatus.SENT, due_date=date(2026, 12, 9))
    add_invoice(engine, c.id, status=InvoiceStatus.PAID, amount_paid=D("156.96"))
    with session(engine) as s:
        groups = {g.key: g for g in todo.todo_groups(todo.session_reader(s), date(2026, 11, 25), limit=1)}
    assert {k: g.count for k, g in groups.items()} == {"overdue": 1, "drafts": 1, "awaiting": 1}
    assert groups["overdue"].rows[0].amount_due == D("156.96")
    assert groups["overdue"].rows[0].customer == "Olivia Nguyen"
    assert groups["overdue"].rows[0].due_date == date(2026, 11, 15)


def test_the_first_to_do_reads_a_current_sqlite_file_without_the_database_layer_alike(tmp_path):
    """The stdlib's sqlite3 on the file gives what the engine's session gives; an older file is left to migrate."""
    e = make_engine(f"sqlite:///{tmp_path / 'todo.db'}")
    migrate(e)
    c = add_customer(e)
    add_invoice(e, c.id)
    add_invoice(e, c.id, status=InvoiceStatus.SENT, due_date=date(2026, 12, 9))
    with session(e) as s:
        through_engine = todo.todo_groups(todo.session_reader(s), date(2026, 11, 25))
    plain = open_current_sqlite(tmp_path / "todo.db")
    try:
        assert todo.todo_groups(todo.Reader(plain, sqlite=True), date(2026, 11, 25)) == through_engine
    finally:
        plain.close()
    with session(e) as s:
        s.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert open_current_sqlite(tmp_path / "todo.db") is None  # Services opens the engine, which migrates it
    assert open_current_sqlite(tmp_path / "missing.db") is None
    e.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    e = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with e.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_match_the_tables(engine):
    command.check(alembic_config(engine))  # raises if a table or column is missing from the migrations


def test_the_newest_revision_is_read_from_the_migration_files_as_alembic_reads_it():
    from alembic.script import ScriptDirectory

    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config(None)).get_heads())


def revision_before_head() -> str:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(None))
    return scripts.get_revision(scripts.get_current_head()).down_revision


def test_a_database_one_revision_behind_is_migrated_by_the_cheap_check(db_url):
    e = make_engine(db_url)
    behind = revision_before_head()
    command.upgrade(alembic_config(e), behind)
    assert stored_revisions(e) == {behind} and not schema_is_current(e)
    migrate(e)
    assert stored_revisions(e) == head_revisions() and schema_is_current(e)
    e.dispose()


def test_a_current_database_starts_without_importing_alembic(tmp_path):
    """One read of alembic_version: Alembic and the migrations stay unimported on a normal start."""
    url = f"sqlite:///{tmp_path / 'current.db'}"
    e = make_engine(url)
    migrate(e)
    e.dispose()
    script = ("import sys; from tui.store.db import make_engine, migrate; "
              f"migrate(make_engine({url!r})); print(sorted(m for m in sys.modules if m.startswith('alembic')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env=child_env(home_dirs(tmp_path)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
