"""The sync service's cadence, on a fixed clock: fast while people work, slower when nobody does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tui.sync.cadence import ACTIVE_S, IDLE_DAY_S, IDLE_NIGHT_S, Activity, idle_day_passes, interval, mode

TZ = "Australia/Sydney"
# 2026-12-08 in Sydney (UTC+11): 10:30 and 02:00 local
DAY = datetime(2026, 12, 7, 23, 30, tzinfo=timezone.utc)
NIGHT = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)


def test_an_open_session_keeps_it_fast_day_and_night():
    assert interval(NIGHT, Activity(sessions_open=1), TZ) == ACTIVE_S == 60
    assert interval(DAY, Activity(sessions_open=2), TZ) == ACTIVE_S
    assert mode(NIGHT, Activity(sessions_open=1), TZ) == "active"


def test_nothing_open_and_nothing_changed_backs_off_most_overnight():
    assert interval(DAY, Activity(), TZ) == IDLE_DAY_S == 300
    assert interval(NIGHT, Activity(), TZ) == IDLE_NIGHT_S == 900
    assert (mode(DAY, Activity(), TZ), mode(NIGHT, Activity(), TZ)) == ("idle", "overnight")


def test_a_local_change_or_a_webhooks_pass_makes_it_fast_for_30_minutes():
    changed = Activity(last_change=NIGHT - timedelta(minutes=29))  # a change queued, or a pass that pulled one
    assert interval(NIGHT, changed, TZ) == ACTIVE_S
    assert interval(NIGHT, Activity(last_change=NIGHT - timedelta(minutes=31)), TZ) == IDLE_NIGHT_S


def test_an_idle_day_is_192_passes():
    start = datetime(2026, 12, 7, 13, 0, tzinfo=timezone.utc)  # local midnight
    assert idle_day_passes(start, TZ) == 12 * 12 + 12 * 4
