"""What one sync pass did (:class:`SyncReport`), and its line for the service's log and for whoever asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SyncReport:
    """What one pass did; ``message`` is a sentence for the log and the status line."""

    ok: bool
    message: str
    pushed: int = 0
    pulled: int = 0
    errors: int = 0
    conflicts: int = 0
    pending: int = 0
    calls: int = 0
    calls_by_endpoint: dict[str, int] = field(default_factory=dict)
    tenant_id: str = ""
    disconnected: bool = False
    not_connected: bool = False
    store_unreadable: bool = False  # this process cannot read the token store: its own problem, not recorded
    held_by: str | None = None
    needs_confirmation: bool = False
    accounts_pending: bool = False
    retry_after: float | None = None
    finished_at: datetime | None = None


def pass_line(report: SyncReport) -> str:
    """A pass in one line, for the service's log and for whoever asked for it:
    "Synced: sent 2 (pending 0, calls 3)"."""
    return f"{report.message} (pending {report.pending}, calls {report.calls})"
