"""`tradiecore status` prints times in the business's time zone, with its offset, as the app does."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tests.ops.helpers import connected_env, tradiecore
from tests.ops.test_status import _field


def test_status_times_are_the_business_s_with_their_offset(connected):
    c = connected
    from dataclasses import replace

    # +08:00 all year: no daylight saving to guess at
    c.services.save_business(replace(c.services.business(), name="Harbour City Plumbing",
                                     email="accounts@hcp.example", time_zone="Australia/Perth"))
    since = c.services.connection.overview().since
    proc = tradiecore(connected_env(c), "status")
    shown = _field(proc.stdout, "Connection")
    local = since.astimezone(ZoneInfo("Australia/Perth"))
    assert shown == f"Connected (signed in) since {local:%Y-%m-%d %H:%M} AWST (+08:00)", proc.stdout
    assert "UTC" not in proc.stdout


def test_local_time_names_the_zone_and_offset_and_daylight_saving():
    from datetime import datetime, timezone

    from tui.ops.status import local_time

    at = datetime(2026, 12, 7, 1, 44, tzinfo=timezone.utc)
    assert local_time(at, "Australia/Sydney") == "2026-12-07 12:44 AEDT (+11:00)"
    assert local_time(at.replace(month=7), "Australia/Sydney") == "2026-07-07 11:44 AEST (+10:00)"
    assert local_time(at, "Australia/Adelaide") == "2026-12-07 12:14 ACDT (+10:30)"
