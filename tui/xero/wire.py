"""Xero's wire format: ``/Date(ms+0000)/`` dates, JSON with exact decimals, ``where`` string literals.

Amounts travel as JSON numbers; they are read with ``parse_float=Decimal`` and written from ``Decimal``
digit for digit, so no amount ever passes through a float.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_datetime(value: str) -> datetime:
    """A Xero timestamp as an aware UTC datetime.

    Accepts ``/Date(1541176648927+0000)/`` (milliseconds since the epoch, UTC; the offset only says which
    zone the organisation displays it in) and the ISO 8601 form the identity API uses
    (``2019-12-07T18:46:19.5165400``, no zone meaning UTC).
    """
    match = _MS_DATE.match(value.strip())
    if match:
        return _EPOCH + timedelta(milliseconds=int(match.group(1)))
    return _parse_iso(value.strip())


def parse_date(value: str) -> date:
    """A Xero date field (``Date``, ``DueDate``...). Xero sends these as midnight UTC."""
    match = _MS_DATE.match(value.strip())
    if match:
        return parse_datetime(value).date()
    return date.fromisoformat(value.strip()[:10])


def format_datetime(value: datetime | date) -> str:
    """``/Date(ms+0000)/`` for a datetime (naive means UTC) or a date (midnight UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        aware = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    delta = aware - _EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return f"/Date({ms}+0000)/"


def format_date(value: date) -> str:
    """A date field for a request body: ``YYYY-MM-DD`` (Xero reads it in the organisation's own zone)."""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def format_modified_since(value: datetime) -> str:
    """The ``If-Modified-Since`` header: ISO 8601 in UTC with milliseconds (as in Xero's spec)."""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _parse_iso(text: str) -> datetime:
    # Python's fromisoformat takes at most 6 fractional digits; .NET sends 7.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def loads(text: str | bytes) -> Any:
    """Parse a Xero response body; every non-integer number becomes a ``Decimal``."""
    return json.loads(text, parse_float=Decimal)


def dumps(obj: Any) -> str:
    """Serialise a request body; ``Decimal`` values are written as JSON numbers, exactly."""
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise ValueError(f"cannot send {obj} to Xero")
        return format(obj, "f")
    if isinstance(obj, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + dumps(v) for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in obj) + "]"
    if isinstance(obj, float):
        raise TypeError("amounts must be Decimal, not float")
    return json.dumps(obj)


def where_literal(value: str) -> str:
    """``value`` as a string literal for a Xero ``where`` filter: ``Name == {where_literal(name)}``.

    Xero parses ``where`` with .NET Dynamic LINQ, whose string literals are double-quoted with an embedded
    double quote written twice. ``&``, ``<`` and ``'`` need nothing here: the query string is URL-encoded
    by the HTTP client, and a single quote inside a double-quoted literal is an ordinary character.
    """
    if any(ord(ch) < 0x20 for ch in value):
        raise ValueError("a where literal cannot contain control characters")
    return '"' + value.replace('"', '""') + '"'


def where_equals(field: str, value: str) -> str:
    """A ``where`` clause matching one string field exactly, e.g. ``Name=="O'Brien ""Plumbing"" & Sons"``."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\[\]]*", field):
        raise ValueError(f"not a Xero field name: {field!r}")
    return f"{field}=={where_literal(value)}"


def validation_messages(element: dict) -> list[str]:
    """Xero's validation messages on one element of a batch response (``summarizeErrors=false``)."""
    return [str(e.get("Message", "")) for e in element.get("ValidationErrors") or [] if e.get("Message")]
