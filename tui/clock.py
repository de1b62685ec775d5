"""The wall clock, shared by every layer above the domain (which takes times as arguments).

``utc_now`` is the default ``now`` of the services, the sync runner and the lease; tests pass their own.
"""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
