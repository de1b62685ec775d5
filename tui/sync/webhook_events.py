"""What a verified webhook payload is worth: its events not seen before, and passes started no oftener than a pass
per few seconds.

A signature proves a payload came from Xero, not that it is new: anyone who captured one can send it again.
:class:`EventLedger` remembers each payload's ``firstEventSequence``/``lastEventSequence`` and each event (its
organisation, category, type, record and time) for a day, so a payload seen before starts nothing.
:class:`Coalescer` turns a flood of new events into at most one pass per ``every`` seconds: the first at once,
the rest of the window's as one more pass at its end.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable

REMEMBER_S = 24 * 3600.0  # a replay of anything Xero sent in the last day starts nothing
REMEMBER_MAX = 100_000  # events and sequence ranges remembered at most (the oldest forgotten first)
PASS_EVERY_S = 5.0  # webhooks start at most one pass per this many seconds


def _event_key(event: dict) -> tuple:
    return ("event", *(str(event.get(name, "")) for name in
                       ("tenantId", "eventCategory", "eventType", "resourceId", "eventDateUtc")))


class EventLedger:
    """Xero's events seen lately (thread-safe)."""

    def __init__(self, keep: float = REMEMBER_S, limit: int = REMEMBER_MAX,
                 clock: Callable[[], float] = time.monotonic):
        self.keep, self.limit, self.clock = keep, limit, clock
        self._seen: OrderedDict[tuple, float] = OrderedDict()
        self._lock = threading.Lock()

    def fresh(self, payload: dict[str, Any]) -> list[dict]:
        """The events of ``payload`` (a verified one) not seen before, now remembered; [] for a replay."""
        events = [e for e in payload.get("events") or [] if isinstance(e, dict)]
        first, last = payload.get("firstEventSequence"), payload.get("lastEventSequence")
        sequence = ("sequence", first, last) if isinstance(first, int) and isinstance(last, int) and last > 0 \
            else None
        with self._lock:
            self._forget(self.clock())
            if sequence is not None and sequence in self._seen:
                return []
            new = [e for e in events if _event_key(e) not in self._seen]
            for key in [sequence, *(_event_key(e) for e in new)]:
                if key is not None:
                    self._seen[key] = self.clock()
            while len(self._seen) > self.limit:
                self._seen.popitem(last=False)
            return new

    def _forget(self, now: float) -> None:
        while self._seen:
            key, at = next(iter(self._seen.items()))
            if now - at < self.keep:
                return
            del self._seen[key]


class Coalescer:
    """Runs ``action`` at most once per ``every`` seconds however often :meth:`poke` is called: at once when the
    last run is that long ago, else once when it will be (thread-safe; ``action`` must be quick)."""

    def __init__(self, action: Callable[[], None], every: float = PASS_EVERY_S,
                 clock: Callable[[], float] = time.monotonic):
        self.action, self.every, self.clock = action, every, clock
        self._last: float | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self.runs = 0

    def poke(self) -> None:
        with self._lock:
            if self._timer is not None:  # a run is already due at the window's end: this poke joins it
                return
            now = self.clock()
            wait = 0.0 if self._last is None else self._last + self.every - now
            if wait > 0:
                self._timer = threading.Timer(wait, self._run_later)
                self._timer.daemon = True
                self._timer.start()
                return
            self._last = now
            self.runs += 1
        self.action()

    def _run_later(self) -> None:
        with self._lock:
            self._timer = None
            self._last = self.clock()
            self.runs += 1
        self.action()

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
