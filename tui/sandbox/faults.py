"""Injected faults: the next N matching requests fail, slow down, lose their connection or wait.

Kinds:
- `"429"`: Too Many Requests with `Retry-After` (`seconds`, default 1) and `X-Rate-Limit-Problem: minute`.
- `"500"`: an internal error.  `"503"`: "The Organisation is offline".
- `"latency"`: wait `seconds` (default 1) before handling.
- `"close"`: handle the request (a write commits), then drop the connection before the body is sent.
- `"hold"`: handle the request, then keep the response until `release_holds()`.
- Malformed replies, each a 200 that is not what Xero sends: `"html"` (an HTML page, as from a captive portal or
  a proxy's maintenance page), `"json_list"` (a JSON array instead of an object), `"no_collection"` (a JSON
  object without the collection, e.g. no `"Invoices"` in the reply to `GET Invoices`), `"empty_collection"` (the
  collection present but empty, e.g. a write of three invoices answered with `"Invoices": []`).
The 429/500/503 and malformed replies never reach the handlers, so nothing is written. A fault matches requests whose path contains
`path` (case-insensitive; default: the accounting API) and, if `methods` is given, whose method is one of them
(`close` and `hold` default to writes: PUT, POST, DELETE).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

MALFORMED = ("html", "json_list", "no_collection", "empty_collection")
KINDS = ("429", "500", "503", "latency", "close", "hold", *MALFORMED)
WRITE_METHODS = ("PUT", "POST", "DELETE")


@dataclass
class Fault:
    kind: str
    remaining: int
    path: str
    methods: tuple[str, ...] | None
    seconds: float | None

    def matches(self, method: str, path: str) -> bool:
        if self.path not in path.lower():
            return False
        return self.methods is None or method.upper() in self.methods


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._pending: list[Fault] = []
        self._held: list[threading.Event] = []

    def add(
        self,
        kind: str,
        count: int = 1,
        *,
        path: str = "/api.xro/2.0/",
        methods: tuple[str, ...] | list[str] | None = None,
        seconds: float | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(KINDS)}")
        if methods is None and kind in ("close", "hold"):
            methods = WRITE_METHODS
        chosen = tuple(m.upper() for m in methods) if methods is not None else None
        with self._lock:
            self._pending.append(Fault(kind, count, path.lower(), chosen, seconds))

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [
                {"kind": f.kind, "remaining": f.remaining, "path": f.path, "methods": f.methods, "seconds": f.seconds}
                for f in self._pending
            ]

    def take(self, method: str, path: str) -> Fault | None:
        """The first pending fault this request triggers (using up one of its N), or None."""
        with self._lock:
            for fault in self._pending:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._pending.remove(fault)
                    return fault
        return None

    # holding responses
    def hold(self) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._held.append(event)
            self._lock.notify_all()
        return event

    def wait_for_held(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until at least `count` responses are being held; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._held) >= count, timeout)

    def release_holds(self) -> int:
        """Let every held response go; returns how many were held."""
        with self._lock:
            held, self._held = self._held, []
        for event in held:
            event.set()
        return len(held)
