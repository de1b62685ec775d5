"""The sessions open and the last change, as the sync service's cadence reads them from the database; a session
opening asks the holder for a pass at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from tests.conftest import FIXED_NOW
from tui.store.sync_tables import SyncRequestRow
from tui.sync import presence
from tui.sync.cadence import ACTIVE_S, IDLE_DAY_S


def test_sessions_open_and_gone(connected):
    c = connected
    engine = c.engine
    now = FIXED_NOW
    with c.services.session() as s:
        assert presence.activity(s, now).sessions_open == 0
    presence.heartbeat(engine, c.tenant_id, "sam on shop (pid 1)", "sam on shop (pid 1)", now)
    presence.heartbeat(engine, c.tenant_id, "sam on shop (pid 1)", "sam on shop (pid 1)", now + timedelta(seconds=60))
    with c.services.session() as s:
        assert presence.activity(s, now + timedelta(seconds=60)).sessions_open == 1
        # the session opening asked for one pass; its next poll asked for none
        assert s.exec(select(func.count()).select_from(SyncRequestRow)).one() == 1
        assert presence.activity(s, now + timedelta(minutes=10)).sessions_open == 0  # killed: stale after 3 min
        presence.gone(s, "sam on shop (pid 1)")
    with c.services.session() as s:
        assert presence.activity(s, now).sessions_open == 0


def test_the_service_waits_by_the_cadence(connected):
    c = connected
    later = FIXED_NOW + timedelta(hours=2)
    assert presence.next_wait(c.engine, later)[0] in (IDLE_DAY_S, 900.0)
    from tests.fixtures.sync import make_invoice, send

    send(c.services, make_invoice(c.services, number="PR-001"))  # a change queued here (at the services' clock)
    assert presence.next_wait(c.engine, FIXED_NOW + timedelta(minutes=10)) == (ACTIVE_S, "active")
    assert c.sync(now=lambda: later).pushed == 1  # the pass that sent it: fast for 30 minutes more
    assert presence.next_wait(c.engine, later + timedelta(minutes=29)) == (ACTIVE_S, "active")
    assert presence.next_wait(c.engine, later + timedelta(minutes=31))[0] != ACTIVE_S
