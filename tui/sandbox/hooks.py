"""Edits made "in Xero" in the middle of a client's work: run an action when a matching request arrives.

A hook fires on the ``after``-th request (default 1) whose method and path match, before that request is
handled: so a sync pass that reads contacts and then invoices sees a record change between its two requests,
exactly as when a Xero user saves while the pass runs. Each hook fires once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Hook:
    method: str | None
    path: str
    remaining: int
    action: Callable[[], object]
    label: str = ""


class Hooks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Hook] = []
        self.fired: list[tuple[str, float]] = []  # (label, time.monotonic() when it fired)

    def add(self, action: Callable[[], object], *, path: str, method: str | None = None, after: int = 1,
            label: str = "") -> None:
        with self._lock:
            self._pending.append(Hook(method.upper() if method else None, path.lower(), max(1, after), action,
                                      label))

    def pending(self) -> list[dict]:
        with self._lock:
            return [{"method": h.method, "path": h.path, "remaining": h.remaining, "label": h.label}
                    for h in self._pending]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def fire(self, method: str, path: str) -> None:
        """Run the hooks this request triggers (each once, on its ``after``-th matching request)."""
        due = []
        with self._lock:
            for hook in list(self._pending):
                if (hook.method is None or hook.method == method.upper()) and hook.path in path.lower():
                    hook.remaining -= 1
                    if hook.remaining <= 0:
                        self._pending.remove(hook)
                        due.append(hook)
        for hook in due:
            hook.action()
            self.fired.append((hook.label, time.monotonic()))
