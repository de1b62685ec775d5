"""Calendar dates as the user types and reads them (Australian day/month/year), never shifted by time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from tui.domain.text import quoted

DEFAULT_TIME_ZONE = "Australia/Sydney"
# Typed dates are taken from 10 years before today to a year after it (a due date: 2 years after)
YEARS_BACK = 10
YEARS_AHEAD = 1
DUE_YEARS_AHEAD = 2
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def parse_date(text: str, *, today: date, years_back: int = YEARS_BACK, years_ahead: int = YEARS_AHEAD) -> date:
    """Accept 25/11/2026, 25-11-2026 or 2026-11-25 in ASCII digits, from ``years_back`` years before ``today`` to
    ``years_ahead`` after it. ValueError says what was wrong, quoting what was typed."""
    raw = text.strip()
    if not raw:
        raise ValueError("Enter a date")
    if (m := _DAY_FIRST.fullmatch(raw)) is not None:
        day, month, year = int(m[1]), int(m[3]), int(m[4])
    elif (m := _ISO.fullmatch(raw)) is not None:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError(f"{quoted(raw)} is not a date: use DD/MM/YYYY")
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(f"{quoted(raw)} is not a real date") from None
    earliest, latest = _years_from(today, -years_back), _years_from(today, years_ahead)
    if value < earliest:
        raise ValueError(f"{quoted(raw)} is more than {years_back} years ago: a date from {format_date(earliest)}")
    if value > latest:
        ahead = "a year" if years_ahead == 1 else f"{years_ahead} years"
        raise ValueError(f"{quoted(raw)} is more than {ahead} ahead: a date up to {format_date(latest)}")
    return value


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
