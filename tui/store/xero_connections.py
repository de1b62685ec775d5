"""The business's Xero connection as stored: which organisation is active, its status, its account mappings.

One place for the queries the connection service, the Services object and the sync engine share, and for
the one rule that says whether a mapped revenue account is archived in Xero.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping

from sqlmodel import Session, select

from tui.store.tables import AccountMappingRow, XeroConnectionRow


def active_rows():
    """The select for the organisation the business syncs with (at most one row is active)."""
    return select(XeroConnectionRow).where(XeroConnectionRow.active == True)  # noqa: E712


def active_connection(s: Session) -> XeroConnectionRow | None:
    return s.exec(active_rows()).first()


def mark_connected(s: Session, *, tenant_id: str, name: str, tenant_type: str, connection_id: str, kind: str,
                   now: datetime, accounts_pending: bool) -> XeroConnectionRow:
    """Make ``tenant_id`` the business's connected organisation (any other one stops being active)."""
    for other in s.exec(active_rows()).all():
        if other.tenant_id != tenant_id:
            other.active = False
            s.add(other)
    row = s.get(XeroConnectionRow, tenant_id) or XeroConnectionRow(tenant_id=tenant_id)
    row.tenant_name = name
    row.tenant_type = tenant_type
    row.connection_id = connection_id
    row.kind = kind
    row.status = "connected"
    row.reason = ""
    row.connected_at = now
    row.disconnected_at = None
    row.active = True
    row.accounts_pending = accounts_pending
    s.add(row)
    return row


def mark_disconnected(s: Session, row: XeroConnectionRow, reason: str, now: datetime) -> None:
    """Xero no longer accepts the connection: record why and when (Integrations and the Xero screen show it)."""
    row.status = "disconnected"
    row.reason = reason
    row.disconnected_at = now
    s.add(row)


def forget(s: Session, tenant_id: str, reason: str, now: datetime) -> None:
    """Disconnected in tradiecore: the organisation is no longer the business's (its mappings stay)."""
    row = s.get(XeroConnectionRow, tenant_id)
    mark_disconnected(s, row, reason, now)
    row.active = False


def mappings(s: Session, tenant_id: str) -> dict[str, AccountMappingRow]:
    """The organisation's stored account mappings by revenue category."""
    rows = s.exec(select(AccountMappingRow).where(AccountMappingRow.tenant_id == tenant_id)).all()
    return {m.category: m for m in rows}


def save_mapping(s: Session, tenant_id: str, category: str, *, code: str, name: str, account_id: str) -> None:
    mapping = s.get(AccountMappingRow, (tenant_id, category)) or AccountMappingRow(
        tenant_id=tenant_id, category=category, account_code=code)
    mapping.account_code = code
    mapping.account_name = name
    mapping.account_id = account_id
    mapping.archived = False
    s.add(mapping)


def mapped_account(mapping: AccountMappingRow, accounts: Iterable[Mapping]) -> Mapping | None:
    """The Xero account (as Xero sends it) a mapping posts to: found by its AccountID, else by its code."""
    accounts = list(accounts)
    if mapping.account_id:
        found = next((a for a in accounts if str(a.get("AccountID") or "") == mapping.account_id), None)
        if found is not None:
            return found
    if mapping.account_code:
        return next((a for a in accounts if str(a.get("Code") or "") == mapping.account_code), None)
    return None


def is_archived(account: Mapping | None) -> bool:
    """The one rule: a mapped account is archived when Xero no longer has it, or has it other than ACTIVE."""
    return account is None or str(account.get("Status") or "ACTIVE") != "ACTIVE"
