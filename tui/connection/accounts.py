"""The organisation's chart of accounts and which revenue account each category posts to. Methods of
:class:`~tui.connection.XeroConnection`; whether a mapped account is archived is decided by
:func:`tui.store.xero_connections.is_archived`, the rule the sync's hourly check uses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from tui.xero.errors import Disconnected, NotConfigured, XeroError

#: The revenue categories an invoice line posts to, in the order the Xero screen lists them.
CATEGORIES: tuple[str, ...] = ("General Sales", "Materials", "Labour")
DEFAULT_ACCOUNT_CODE = "200"
DEFAULT_ACCOUNT_NAME = "Sales"
REVENUE_WHERE = 'Class=="REVENUE"'


@dataclass(frozen=True)
class Account:
    """One account of the organisation's chart of accounts."""

    account_id: str
    code: str
    name: str
    tax_type: str
    status: str = "ACTIVE"

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass(frozen=True)
class MappedAccount:
    """Which Xero account a revenue category posts to ("" code: not chosen yet)."""

    category: str
    code: str = ""
    name: str = ""
    account_id: str = ""
    archived: bool = False

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip() if self.code else "Not chosen"


def account_from_xero(raw: dict) -> Account:
    return Account(
        account_id=str(raw.get("AccountID") or ""),
        code=str(raw.get("Code") or ""),
        name=str(raw.get("Name") or ""),
        tax_type=str(raw.get("TaxType") or ""),
        status=str(raw.get("Status") or "ACTIVE"),
    )


class AccountSteps:
    """Chart of accounts and revenue-account mappings (mixed into :class:`~tui.connection.XeroConnection`)."""

    def chart_of_accounts(self) -> list[Account]:
        """The organisation's active revenue accounts (code order); refreshes the archived flags and fills
        a category's default (the account named "Sales", else code 200) when it has none."""
        from tui.store import xero_connections
        from tui.store.tables import AccountMappingRow

        with self.api() as api:
            try:
                raw = api.accounts(REVENUE_WHERE)
            except Disconnected as exc:
                self.mark_disconnected(exc.reason)
                raise
        revenue = [a for a in raw if str(a.get("Class") or "REVENUE") == "REVENUE"]
        accounts = [account_from_xero(a) for a in revenue]
        active = sorted((a for a in accounts if a.status == "ACTIVE"), key=lambda a: (a.code, a.name))
        default = next((a for a in active if a.name.lower() == DEFAULT_ACCOUNT_NAME.lower()), None) or next(
            (a for a in active if a.code == DEFAULT_ACCOUNT_CODE), None)
        row = self._active_row()
        with self.session() as s:
            stored = xero_connections.mappings(s, row.tenant_id)
            for category in CATEGORIES:
                mapping = stored.get(category)
                if mapping is None:
                    if default is not None:
                        s.add(AccountMappingRow(tenant_id=row.tenant_id, category=category, account_code=default.code,
                                                account_name=default.name, account_id=default.account_id))
                    continue
                found = xero_connections.mapped_account(mapping, revenue)
                current = account_from_xero(found) if found is not None else None
                archived = xero_connections.is_archived(found)
                if archived != mapping.archived or (current and current.name != mapping.account_name):
                    mapping.archived = archived
                    if current is not None:
                        mapping.account_name = current.name
                    s.add(mapping)
        return active

    def save_mapping(self, category: str, account: Account):
        """Post ``category`` to ``account`` from now on (stored locally, per organisation); the
        :class:`~tui.connection.status.XeroOverview` after."""
        from tui.store import xero_connections

        if category not in CATEGORIES:
            raise ValueError(f"unknown revenue category {category!r}")
        row = self._row_to_map(account)
        from tui.sync import records

        with self.session() as s:
            xero_connections.save_mapping(s, row.tenant_id, category, code=account.code, name=account.name,
                                          account_id=account.account_id)
            records.log(s, self.now(), f"{category} invoice lines now post to {account.label} "
                                                f"(by {self.user})")
        return self.overview()

    def _row_to_map(self, account: Account):
        """The connection a chosen account is saved for; an archived account or no connection is refused."""
        if account.status != "ACTIVE":
            raise XeroError(f"{account.label} is archived in Xero; choose an active account.")
        row = self._active_row()
        if row is None:
            raise NotConfigured("Xero is not connected.")
        return row

    def mapped_accounts(self, s, tenant_id: str) -> tuple[MappedAccount, ...]:
        """Every category's mapping as stored (a category without one: not chosen)."""
        from tui.store import xero_connections

        stored = xero_connections.mappings(s, tenant_id)
        return tuple(
            MappedAccount(c, stored[c].account_code, stored[c].account_name, stored[c].account_id,
                          stored[c].archived) if c in stored else MappedAccount(c)
            for c in CATEGORIES
        )
