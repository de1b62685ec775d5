"""The sandbox clock: real time plus an offset that tests move forward instead of sleeping.

Token expiry, the refresh-token grace period and 60-day death, authorisation-code lifetime, rate-limit windows
(and so `Retry-After`) and every `UpdatedDateUTC` follow this clock.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SandboxClock:
    def __init__(self, offset_seconds: float = 0.0) -> None:
        self._offset = timedelta(seconds=offset_seconds)
        self._last = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()

    def now(self) -> datetime:
        """The sandbox's current UTC time, never earlier than a time it already gave out (millisecond steps)."""
        with self._lock:
            current = datetime.now(UTC) + self._offset
            current = current.replace(microsecond=current.microsecond // 1000 * 1000)
            if current <= self._last:
                current = self._last + timedelta(milliseconds=1)
            self._last = current
            return current

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by `seconds` and return the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()
