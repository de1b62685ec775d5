"""Column types: exact decimals and points in time that read back the same on every database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Interval, Numeric, String
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator):
    """NUMERIC(18, 4) where the database has it; text on SQLite, which would go through float."""

    impl = Numeric(18, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, 4, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value))


class UTCDateTime(TypeDecorator):
    """A point in time: written in UTC, read back timezone-aware in UTC, on SQLite and PostgreSQL alike.

    The column is ``DateTime(timezone=True)``: ``TIMESTAMP WITH TIME ZONE`` on PostgreSQL, and on SQLite (which
    has no time zones) the UTC wall time as text, to which UTC is put back when it is read.

    A naive datetime is refused with ``ValueError``, on writes and in comparisons alike: the app only ever
    makes aware times (:func:`tui.clock.utc_now`), so a naive one is a mistake whose meaning (UTC or the
    machine's local time) cannot be known, and guessing would store a time hours off without a word.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def __repr__(self) -> str:
        return "UTCDateTime()"

    def coerce_compared_value(self, op, value):
        if isinstance(value, timedelta):  # column + timedelta is an interval, not a point in time
            return Interval()
        return self

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"a naive datetime ({value.isoformat()}) cannot be stored: give it a time zone")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:  # SQLite: the UTC wall time as it was written
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
