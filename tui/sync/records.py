"""Per-record sync state, the sync log and per-organisation state: small helpers used inside transactions."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import Session, col, select

from tui.store.sync_tables import SyncLogRow, SyncRecordRow, SyncStateRow


def get_record(s: Session, kind: str, entity_id: int) -> SyncRecordRow | None:
    return s.get(SyncRecordRow, (kind, entity_id))


def _record(s: Session, kind: str, entity_id: int, tenant_id: str) -> SyncRecordRow:
    row = s.get(SyncRecordRow, (kind, entity_id))
    if row is None:
        row = SyncRecordRow(kind=kind, entity_id=entity_id, tenant_id=tenant_id)
    if tenant_id:
        row.tenant_id = tenant_id
    return row


def record_synced(
    s: Session, kind: str, entity_id: int, tenant_id: str, xero_id: str, updated: datetime | None,
    snapshot: dict | None, now: datetime, *, keep_error: bool = False,
) -> None:
    row = _record(s, kind, entity_id, tenant_id)
    row.xero_id = xero_id
    if updated is not None:
        row.xero_updated_utc = updated
    if snapshot is not None:
        row.snapshot = json.dumps(snapshot, sort_keys=True)
    row.synced_at = now
    if not keep_error:
        row.error, row.error_code, row.error_at = "", "", None
    s.add(row)


def record_error(s: Session, kind: str, entity_id: int, tenant_id: str, code: str, message: str, now: datetime) -> None:
    row = _record(s, kind, entity_id, tenant_id)
    row.error, row.error_code, row.error_at = message, code, now
    s.add(row)


def clear_error(s: Session, kind: str, entity_id: int) -> None:
    row = s.get(SyncRecordRow, (kind, entity_id))
    if row is not None and row.error:
        row.error, row.error_code, row.error_at = "", "", None
        s.add(row)


def snapshot_of(row: SyncRecordRow | None) -> dict | None:
    if row is None or not row.snapshot:
        return None
    return json.loads(row.snapshot)


def log(s: Session, at: datetime, message: str, level: str = "info",
        invoice_id: int | None = None, customer_id: int | None = None) -> None:
    s.add(SyncLogRow(at=at, level=level, message=message, invoice_id=invoice_id, customer_id=customer_id))


def connection_lost(s: Session, row, reason: str, at: datetime) -> None:
    """Xero no longer accepts the connection: record why and when on the connection, and say so once in the
    activity log (however it was found: a sync pass, or the connection checked from a screen)."""
    from tui.store import xero_connections

    if row.status == "disconnected":
        return
    sentence = reason_sentence(reason)
    xero_connections.mark_disconnected(s, row, sentence, at)
    log(s, at, f"Disconnected from Xero: {sentence} Changes wait until you reconnect.", "error")


def reason_sentence(text: str) -> str:
    """Why a connection was lost, as a sentence, without the client's advice to reconnect (each screen gives
    the advice that fits it)."""
    text = (text or "Xero ended the connection").strip()
    for advice in ("; select Continue to reconnect", "; connect again"):
        text = text.replace(advice, "")
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def recent_log(s: Session, limit: int = 200) -> list[SyncLogRow]:
    return list(s.exec(select(SyncLogRow).order_by(col(SyncLogRow.id).desc()).limit(limit)).all())


def get_state(s: Session, tenant_id: str) -> SyncStateRow:
    row = s.get(SyncStateRow, tenant_id)
    if row is None:
        row = SyncStateRow(tenant_id=tenant_id)
        s.add(row)
        s.flush()
    return row


def add_calls(s: Session, tenant_id: str, calls: int, today: date) -> None:
    """Count calls made today, in one UPDATE: a pass and a lookup on the Sync screen may count at once."""
    from sqlalchemy import case, update

    if not calls:
        return
    row = get_state(s, tenant_id)
    table = SyncStateRow.__table__
    s.execute(update(table).where(table.c.tenant_id == tenant_id).values(
        calls_today=case((table.c.calls_day == today, table.c.calls_today + calls), else_=calls),
        calls_day=today,
    ))
    s.expire(row, ["calls_today", "calls_day"])
