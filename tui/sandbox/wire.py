"""Xero's wire formats: `/Date(ms+0000)/` dates, request date parsing, money rounding, JSON with Decimals.

Xero writes dates as `/Date(1539993600000+0000)/` (milliseconds since the epoch, UTC) and money as JSON
numbers with two decimals (`40.00`). Clients send dates as `YYYY-MM-DD`, ISO date-times, or `/Date(ms)/`
with or without an offset; `If-Modified-Since` comes as ISO 8601 (with offset and milliseconds) or as an
HTTP date.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

CENT = Decimal("0.01")
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def ms_date(value: datetime | date) -> str:
    """`/Date(1539993600000+0000)/` for a UTC datetime, or for a date at midnight UTC."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    ms = int(value.timestamp() * 1000)
    return f"/Date({ms}+0000)/"


def iso_utc_naive(value: datetime) -> str:
    """`2019-12-07T18:46:19.5165400`: the identity service's connection timestamps (UTC, 7 fraction digits)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0"


def parse_datetime(text: str) -> datetime | None:
    """A request date or date-time in any form Xero accepts, as an aware UTC datetime; None if unreadable."""
    text = text.strip()
    m = _MS_DATE.match(text)
    if m:
        instant = datetime.fromtimestamp(int(m.group(1)) / 1000, UTC)
        if m.group(2):
            sign = 1 if m.group(2)[0] == "+" else -1
            offset = timedelta(hours=int(m.group(2)[1:3]), minutes=int(m.group(2)[3:5]))
            instant = instant.astimezone(timezone(sign * offset))
        return instant
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_date(text: str) -> date | None:
    """A request date (`2026-11-25`, `2026-11-25T00:00:00`, `/Date(ms)/`, `/Date(ms+1100)/`) as a date."""
    parsed = parse_datetime(text)
    return parsed.date() if parsed else None


def parse_if_modified_since(text: str) -> datetime | None:
    """`If-Modified-Since` as ISO 8601 (`2020-02-06T12:17:43.202-08:00`) or an HTTP date; None if unreadable."""
    parsed = parse_datetime(text)
    if parsed is not None:
        return parsed.astimezone(UTC)
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number or numeric string as a Decimal; None for anything else (booleans included)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def round_to(value: Decimal, places: int) -> Decimal:
    """Round half away from zero, as Xero does, to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    return round_to(value, 2)


def dumps(value: Any) -> str:
    """JSON text in which Decimals are written as numbers with their exact digits (`40.00`, not `40.0`)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)
