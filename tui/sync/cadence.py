"""How often the sync service reads Xero: fast while people work, slower when nobody does (pure functions).

Xero allows 5,000 calls a day per organisation, shared by everything the business runs, so the service spends
them where someone can see the result:

* **Active** (any app session open, or a change here or from Xero in the last 30 minutes): a pass every 60 s, so
  what changes in Xero (invoices, payments, contacts) is on every screen within a minute.
* **Idle** (nothing open, nothing changed for 30 minutes): every 5 minutes from 07:00 to 19:00 in the business's
  time zone, every 15 minutes overnight.
* A session opening, a change made here (it asks the service for a pass) or a Xero webhook starts a pass at once
  and makes the service active again.

A day with nothing open and nothing changed is 12 h x 12 + 12 h x 4 = 192 passes (:func:`idle_day_passes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ACTIVE_S = 60.0
IDLE_DAY_S = 5 * 60.0
IDLE_NIGHT_S = 15 * 60.0
RECENT = timedelta(minutes=30)
DAY_STARTS, DAY_ENDS = 7, 19  # local hours: idle passes every IDLE_DAY_S between them, IDLE_NIGHT_S outside

POLICY = ("every 60 s while an app session is open or something changed in the last 30 minutes; otherwise every "
          "5 min from 07:00 to 19:00 and every 15 min overnight; a session opening, a change here or a Xero "
          "webhook syncs at once")


@dataclass(frozen=True)
class Activity:
    """What the service knows when it chooses its next wait."""

    sessions_open: int = 0
    last_change: datetime | None = None  # a change queued here, a pass asked for, or a pass that moved something


def interval(now: datetime, activity: Activity, time_zone: str) -> float:
    """Seconds until the next pass."""
    if activity.sessions_open or (activity.last_change is not None and now - activity.last_change < RECENT):
        return ACTIVE_S
    hour = now.astimezone(ZoneInfo(time_zone)).hour
    return IDLE_DAY_S if DAY_STARTS <= hour < DAY_ENDS else IDLE_NIGHT_S


def mode(now: datetime, activity: Activity, time_zone: str) -> str:
    """"active", "idle" or "overnight": the cadence in a word, for ``tradiecore status``."""
    seconds = interval(now, activity, time_zone)
    return "active" if seconds == ACTIVE_S else "idle" if seconds == IDLE_DAY_S else "overnight"


def idle_day_passes(day_start: datetime, time_zone: str) -> int:
    """Passes in the 24 hours from ``day_start`` with nothing open and nothing changed."""
    t, end, passes = day_start, day_start + timedelta(days=1), 0
    while t < end:
        passes += 1
        t += timedelta(seconds=interval(t, Activity(), time_zone))
    return passes
