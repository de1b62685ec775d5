"""Calendar dates as the user types and reads them (Australian day/month/year), never shifted by time zone."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Australia/Sydney"


def parse_date(text: str) -> date:
    """Accept 25/11/2026, 25-11-2026 or 2026-11-25. ValueError says what was wrong."""
    raw = text.strip()
    if not raw:
        raise ValueError("Enter a date")
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    if raw.count("/") == 2 or raw.count("-") == 2:
        raise ValueError(f"{raw} is not a real date")
    raise ValueError(f"{raw!r} is not a date: use DD/MM/YYYY")


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def format_when(when: datetime | None, time_zone: str) -> str:
    """DD/MM/YYYY HH:MM in the business's time zone (a naive time is UTC); empty for None."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    local = when.astimezone(ZoneInfo(time_zone))
    return f"{format_date(local.date())} {local:%H:%M}"


def business_today(now_utc: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> date:
    """Today's date where the business is: 'overdue' is judged by this, not by the server's clock."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=timezone.utc)
    return now_utc.astimezone(ZoneInfo(time_zone)).date()
