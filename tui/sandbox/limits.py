"""Xero's rate limits, per tenant (per minute, concurrent, per rolling day) and per app (per minute).

Windows follow the sandbox clock, so advancing the clock empties them. Every API response carries
`X-MinLimit-Remaining`, `X-DayLimit-Remaining` and `X-AppMinLimit-Remaining`; a refused request gets 429 with
`Retry-After` (seconds) and `X-Rate-Limit-Problem` (`minute`, `day`, `concurrent` or `appminute`), and does not
count against the limits.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.sandbox.clock import SandboxClock
    from tui.sandbox.settings import Settings

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


@dataclass
class Decision:
    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    retry_after: int = 0


class RateLimiter:
    def __init__(self, clock: SandboxClock, settings: Settings) -> None:
        self._clock = clock
        self._settings = settings
        self._lock = threading.Lock()
        self._minute: dict[str, deque[datetime]] = defaultdict(deque)
        self._day: dict[str, deque[datetime]] = defaultdict(deque)
        self._app_minute: dict[str, deque[datetime]] = defaultdict(deque)
        self._in_flight: dict[str, int] = defaultdict(int)

    @staticmethod
    def _prune(window: deque[datetime], now: datetime, span: timedelta) -> None:
        while window and window[0] <= now - span:
            window.popleft()

    @staticmethod
    def _wait(window: deque[datetime], now: datetime, span: timedelta) -> int:
        return max(1, math.ceil((window[0] + span - now).total_seconds()))

    def acquire(self, tenant_id: str, client_id: str) -> Decision:
        """Admit one request for `tenant_id` (then `release` it when done) or refuse it."""
        s = self._settings
        now = self._clock.now()
        with self._lock:
            minute, day, app = self._minute[tenant_id], self._day[tenant_id], self._app_minute[client_id]
            self._prune(minute, now, MINUTE)
            self._prune(day, now, DAY)
            self._prune(app, now, MINUTE)
            problem, retry = None, 0
            if len(day) >= s.day_limit:
                problem, retry = "day", self._wait(day, now, DAY)
            elif len(app) >= s.app_minute_limit:
                problem, retry = "appminute", self._wait(app, now, MINUTE)
            elif len(minute) >= s.minute_limit:
                problem, retry = "minute", self._wait(minute, now, MINUTE)
            elif self._in_flight[tenant_id] >= s.concurrent_limit:
                problem, retry = "concurrent", 1
            if problem is None:
                minute.append(now)
                day.append(now)
                app.append(now)
                self._in_flight[tenant_id] += 1
            headers = {
                "X-MinLimit-Remaining": str(max(0, s.minute_limit - len(minute))),
                "X-DayLimit-Remaining": str(max(0, s.day_limit - len(day))),
                "X-AppMinLimit-Remaining": str(max(0, s.app_minute_limit - len(app))),
            }
        if problem is None:
            return Decision(True, headers)
        headers["Retry-After"] = str(retry)
        headers["X-Rate-Limit-Problem"] = problem
        return Decision(False, headers, problem, retry)

    def remaining(self, tenant_id: str | None, client_id: str | None) -> dict[str, str]:
        """The `X-*Limit-Remaining` headers as they stand, counting nothing: for replies refused before the rate
        limits (401, 403, an unknown path), which Xero sends them on too. An unknown tenant or app has all left."""
        s = self._settings
        now = self._clock.now()
        with self._lock:
            minute = self._minute.get(tenant_id or "")
            day = self._day.get(tenant_id or "")
            app = self._app_minute.get(client_id or "")
            for window, span in ((minute, MINUTE), (day, DAY), (app, MINUTE)):
                if window is not None:
                    self._prune(window, now, span)
            return {
                "X-MinLimit-Remaining": str(max(0, s.minute_limit - len(minute or ()))),
                "X-DayLimit-Remaining": str(max(0, s.day_limit - len(day or ()))),
                "X-AppMinLimit-Remaining": str(max(0, s.app_minute_limit - len(app or ()))),
            }

    def release(self, tenant_id: str) -> None:
        with self._lock:
            self._in_flight[tenant_id] -= 1

    def reset(self) -> None:
        with self._lock:
            self._minute.clear()
            self._day.clear()
            self._app_minute.clear()
