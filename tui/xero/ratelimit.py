"""Client-side Xero call limits per organisation, and the retry schedule for calls that may succeed later.

Xero allows, per organisation (tenant): 60 calls a minute, 5 in flight at once and 5,000 a rolling day
(1,000 on the Starter tier); and 10,000 a minute per app across organisations. :class:`RateLimiter` keeps
each tenant under those numbers before Xero has to say 429, learns from the ``X-*-Remaining`` headers Xero
sends back, and holds every call for a tenant back after a 429 until ``Retry-After`` has passed.

Time comes from an injectable :class:`Clock`, so tests run a minute of traffic in no real time and the
benchmark can scale the limits (``per_minute=600``).
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, Protocol

from tui.xero.errors import RateLimited

MINUTE = 60.0
DAY = 86_400.0
DAY_HEADER_TTL = 15 * MINUTE  # trust Xero's X-DayLimit-Remaining this long (other processes spend it too)


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass(frozen=True)
class Limits:
    per_minute: int = 60
    concurrent: int = 5
    per_day: int = 5_000
    app_per_minute: int = 10_000


@dataclass(frozen=True)
class Usage:
    """What the UI shows as "calls used today"."""

    calls_today: int  # calls this process made for the tenant in the last 24 h
    day_limit: int
    day_remaining: int  # Xero's own figure when it has sent one, else our estimate
    minute_remaining: int
    blocked_for: float  # seconds until the next call may start (after a 429), else 0


class _Tenant:
    def __init__(self) -> None:
        self.minute: deque[float] = deque()
        self.day: deque[float] = deque()
        self.in_flight = 0
        self.blocked_until = 0.0
        self.day_blocked_until = 0.0  # from a 429 with X-Rate-Limit-Problem: day
        self.day_remaining_header: int | None = None
        self.day_header_at = 0.0


class RateLimiter:
    """Thread-safe: the app's thread workers share one instance."""

    def __init__(self, limits: Limits = Limits(), clock: Clock | None = None):
        self.limits = limits
        self.clock = clock or SystemClock()
        self._cond = threading.Condition()
        self._tenants: dict[str, _Tenant] = {}
        self._app_minute: deque[float] = deque()
        self._app_blocked_until = 0.0

    def _tenant(self, tenant_id: str) -> _Tenant:
        return self._tenants.setdefault(tenant_id, _Tenant())

    @staticmethod
    def _expire(window: deque[float], now: float, span: float) -> None:
        while window and window[0] <= now - span:
            window.popleft()

    @contextmanager
    def slot(self, tenant_id: str, sleep: Callable[[float], None] | None = None) -> Iterator[None]:
        """Wait until one more call for ``tenant_id`` is within every limit, and hold a concurrency slot.

        Raises :class:`RateLimited` at once when the daily budget is gone: waiting hours is no use to a
        user; the sync engine tries again later. ``sleep`` (default: the clock's) passes a time-based wait;
        whatever it raises ends the wait and the call.
        """
        sleep = sleep or self.clock.sleep
        with self._cond:
            while True:
                wait = self._wait_needed(tenant_id)
                if wait is None:
                    break
                if wait > 0:
                    # a time-based wait: release the lock and let the (injectable) clock pass the time
                    self._cond.release()
                    try:
                        sleep(wait)
                    finally:
                        self._cond.acquire()
                else:
                    self._cond.wait(timeout=1.0)  # a slot frees when another call finishes
            tenant = self._tenant(tenant_id)
            now = self.clock.monotonic()
            tenant.minute.append(now)
            tenant.day.append(now)
            self._app_minute.append(now)
            tenant.in_flight += 1
            if tenant.day_remaining_header is not None:
                tenant.day_remaining_header -= 1
        try:
            yield
        finally:
            with self._cond:
                tenant.in_flight -= 1
                self._cond.notify_all()

    def _wait_needed(self, tenant_id: str) -> float | None:
        """None: go now; 0: wait for a concurrency slot; > 0: seconds to wait."""
        tenant = self._tenant(tenant_id)
        now = self.clock.monotonic()
        self._expire(tenant.minute, now, MINUTE)
        self._expire(tenant.day, now, DAY)
        self._expire(self._app_minute, now, MINUTE)
        if tenant.day_blocked_until > now:
            raise RateLimited(retry_after=tenant.day_blocked_until - now, problem="day")
        if self._day_remaining(tenant, now) <= 0:
            if len(tenant.day) >= self.limits.per_day:
                retry = tenant.day[0] + DAY - now
            else:  # Xero's count says none are left: ask again once its figure is stale
                retry = tenant.day_header_at + DAY_HEADER_TTL - now
            raise RateLimited(retry_after=max(retry, 1.0), problem="day")
        blocked = max(tenant.blocked_until, self._app_blocked_until) - now
        if blocked > 0:
            return blocked
        if len(tenant.minute) >= self.limits.per_minute:
            return max(tenant.minute[0] + MINUTE - now, 0.001)
        if len(self._app_minute) >= self.limits.app_per_minute:
            return max(self._app_minute[0] + MINUTE - now, 0.001)
        if tenant.in_flight >= self.limits.concurrent:
            return 0
        return None

    def _day_remaining(self, tenant: _Tenant, now: float) -> int:
        ours = self.limits.per_day - len(tenant.day)
        if tenant.day_remaining_header is None or now - tenant.day_header_at >= DAY_HEADER_TTL:
            return ours
        return min(ours, tenant.day_remaining_header)

    def observe(self, tenant_id: str, headers: Mapping[str, str], refused: bool = False) -> None:
        """Learn from Xero's ``X-MinLimit-Remaining``, ``X-DayLimit-Remaining``, ``X-AppMinLimit-Remaining``.

        ``refused``: the reply is a 429, whose ``Retry-After`` (:meth:`penalise`) says how long to hold back; its
        "0 left this minute" is not turned into a wait for our own minute window to free (up to 60 s)."""
        minute = _int_header(headers, "X-MinLimit-Remaining")
        day = _int_header(headers, "X-DayLimit-Remaining")
        app = _int_header(headers, "X-AppMinLimit-Remaining")
        with self._cond:
            tenant = self._tenant(tenant_id)
            now = self.clock.monotonic()
            if minute is not None and minute <= 0 and not refused:
                tenant.blocked_until = max(tenant.blocked_until, now + self._until_minute_frees(tenant.minute, now))
            if day is not None:
                tenant.day_remaining_header = day
                tenant.day_header_at = now
            if app is not None and app <= 0 and not refused:
                self._app_blocked_until = max(
                    self._app_blocked_until, now + self._until_minute_frees(self._app_minute, now)
                )
            self._cond.notify_all()

    @staticmethod
    def _until_minute_frees(window: deque[float], now: float) -> float:
        return max(window[0] + MINUTE - now, 1.0) if window else MINUTE

    def penalise(self, tenant_id: str, retry_after: float, problem: str = "minute") -> None:
        """Xero answered 429: hold back the tenant's calls (or every call, for the app limit)."""
        with self._cond:
            now = self.clock.monotonic()
            until = now + max(retry_after, 0.0)
            if problem == "appminute":
                self._app_blocked_until = max(self._app_blocked_until, until)
            else:
                tenant = self._tenant(tenant_id)
                if problem == "day":
                    tenant.day_blocked_until = max(tenant.day_blocked_until, until)
                else:
                    tenant.blocked_until = max(tenant.blocked_until, until)
            self._cond.notify_all()

    def usage(self, tenant_id: str) -> Usage:
        with self._cond:
            tenant = self._tenant(tenant_id)
            now = self.clock.monotonic()
            self._expire(tenant.minute, now, MINUTE)
            self._expire(tenant.day, now, DAY)
            return Usage(
                calls_today=len(tenant.day),
                day_limit=self.limits.per_day,
                day_remaining=max(self._day_remaining(tenant, now), 0),
                minute_remaining=max(self.limits.per_minute - len(tenant.minute), 0),
                blocked_for=max(tenant.blocked_until, tenant.day_blocked_until, self._app_blocked_until, now) - now,
            )


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


class Backoff:
    """Exponential backoff with full jitter for 5xx, 503 (offline) and network errors."""

    def __init__(
        self,
        attempts: int = 5,
        base: float = 0.5,
        cap: float = 30.0,
        rate_limit_attempts: int = 20,
        rng: random.Random | None = None,
    ):
        self.attempts = attempts  # total tries for a call that fails with 5xx or a network error
        self.base = base
        self.cap = cap
        self.rate_limit_attempts = rate_limit_attempts  # total tries through repeated 429s
        self.rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1 for the first retry)."""
        ceiling = min(self.cap, self.base * (2 ** (attempt - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)
