"""Request counters: per endpoint and method, with token requests counted apart by grant type.

Keys look like `GET /api.xro/2.0/invoices` and `DELETE /connections/{id}` (lower case, identifiers folded to
`{id}`); token requests are keyed by `grant_type`. Control calls are never counted.
"""

from __future__ import annotations

import threading
from collections import Counter


def endpoint_key(method: str, path: str) -> str:
    segments = path.lower().strip("/").split("/")
    if segments[:2] == ["api.xro", "2.0"] and len(segments) > 3:
        segments[3] = "{id}"
    elif segments[0] == "connections" and len(segments) > 1:
        segments[1] = "{id}"
    return f"{method.upper()} /{'/'.join(segments)}"


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._tokens: Counter[str] = Counter()

    def count_request(self, method: str, path: str) -> None:
        with self._lock:
            self._requests[endpoint_key(method, path)] += 1

    def count_token(self, grant_type: str) -> None:
        with self._lock:
            self._tokens[grant_type] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        """`{"requests": {"GET /api.xro/2.0/invoices": 3, ...}, "token_requests": {"refresh_token": 1}}`."""
        with self._lock:
            return {"requests": dict(self._requests), "token_requests": dict(self._tokens)}

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._tokens.clear()
