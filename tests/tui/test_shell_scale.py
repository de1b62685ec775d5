"""To Do with 100,000 invoices: full counts, capped rows, one list (no widget per row)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from tui.app import TradieApp
from tui.domain.business import BusinessDetails
from tui.devtools.screenshots import screen_text, settle
from tui.screens.todo import TodoScreen

OVERDUE, DRAFTS, AWAITING, PAID = 40_000, 25_000, 30_000, 5_000


def seed_bulk(services) -> None:
    """Insert 100,000 invoices over 500 customers with SQLAlchemy core (seconds, not minutes)."""
    from tui.store.tables import CustomerRow, InvoiceRow

    services.save_business(BusinessDetails(name="Big Volume Plumbing"))
    today = services.today()
    now = datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc)
    rnd = random.Random(7)
    customers = [
        {"id": i, "name": f"Customer {i:03d}", "email": f"c{i}@example.com", "phone": "", "address": "",
         "version": 1, "updated_at": now, "updated_by": "sam", "xero_contact_id": None}
        for i in range(1, 501)
    ]
    kinds = ["overdue"] * OVERDUE + ["draft"] * DRAFTS + ["awaiting"] * AWAITING + ["paid"] * PAID
    invoices = []
    for n, kind in enumerate(kinds, start=1):
        if kind == "overdue":
            status, due = "SENT", today - timedelta(days=rnd.randint(1, 400))
        elif kind == "awaiting":
            status, due = "SENT", today + timedelta(days=rnd.randint(0, 30))
        elif kind == "draft":
            status, due = "DRAFT", today + timedelta(days=rnd.randint(0, 30))
        else:
            status, due = "PAID", today - timedelta(days=rnd.randint(0, 400))
        total = Decimal(rnd.randint(5_000, 500_000)) / 100
        invoices.append({
            "number": f"INV-{n:06d}", "customer_id": rnd.randint(1, 500), "issue_date": due - timedelta(days=14),
            "due_date": due, "reference": "", "amounts": "Exclusive", "status": status, "total": total,
            "amount_paid": total if status == "PAID" else Decimal("0"), "sent_at": None, "sent_to": "",
            "send_error": "", "version": 1, "updated_at": now, "updated_by": "sam", "xero_invoice_id": None,
        })
    with services.engine.begin() as conn:
        conn.execute(CustomerRow.__table__.insert(), customers)
        conn.execute(InvoiceRow.__table__.insert(), invoices)


async def test_todo_with_100k_invoices_counts_everything_and_shows_capped_rows(services):
    seed_bulk(services)
    app = TradieApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodoScreen)
        assert "Overdue 40,000  ·  Drafts to send 25,000  ·  Awaiting payment 30,000" in screen_text(app)
        cap = TodoScreen.ROW_LIMIT
        counts = {g.key: (g.count, len(g.rows)) for g in screen.groups}
        assert counts == {"overdue": (OVERDUE, cap), "drafts": (DRAFTS, cap), "awaiting": (AWAITING, cap)}
        rows = screen.query_one("#todo-list").rows
        selectable = [o for o in rows.options if not o.disabled]
        assert len(selectable) == 3 * cap  # at most the capped rows, in one OptionList
        lines = [str(o.prompt).strip() for o in rows.options if o.disabled]
        assert "… and 39,800 more" in lines
        assert "… and 24,800 more" in lines
        assert "… and 29,800 more" in lines
        assert len(screen.query("*")) < 100  # no widget per row
        await pilot.press("end")
        assert screen.highlighted_invoice_id is not None
