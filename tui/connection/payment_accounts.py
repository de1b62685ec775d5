"""Which Xero account takes the payments of each payment method (Payment Accounts on the Xero screen). Methods of
:class:`~tui.connection.XeroConnection`. Xero takes payments into bank accounts and accounts with payments
enabled, so the chart offered is those, active.
"""

from __future__ import annotations

from tui.connection.accounts import Account, MappedAccount, account_from_xero
from tui.domain.payment import DEFAULT_METHOD, PaymentMethod
from tui.xero.errors import Disconnected

#: The rows of Payment Accounts: the default, then each method (one without its own account uses the default).
METHODS: tuple[str, ...] = (DEFAULT_METHOD, *(m.value for m in PaymentMethod))


def takes_payments(raw: dict) -> bool:
    return str(raw.get("Status") or "ACTIVE") == "ACTIVE" and (
        raw.get("Type") == "BANK" or bool(raw.get("EnablePaymentsToAccount")))


class PaymentAccountSteps:
    """Payment accounts (mixed into :class:`~tui.connection.XeroConnection`, after
    :class:`~tui.connection.accounts.AccountSteps`, whose ``_row_to_map`` it uses)."""

    def payment_chart(self) -> list[Account]:
        """The organisation's active accounts that take payments (bank accounts, payments enabled), by code."""
        with self.api() as api:
            try:
                raw = api.accounts()
            except Disconnected as exc:
                self.mark_disconnected(exc.reason)
                raise
        return sorted((account_from_xero(a) for a in raw if takes_payments(a)), key=lambda a: (a.code, a.name))

    def save_payment_account(self, method: str, account: Account):
        """``method``'s payments (or, for "Default", those of every method without its own) go to ``account``
        from now on; the :class:`~tui.connection.status.XeroOverview` after."""
        from tui.store.payments import set_payment_account

        if method not in METHODS:
            raise ValueError(f"unknown payment method {method!r}")
        row = self._row_to_map(account)
        with self.session() as s:
            set_payment_account(s, row.tenant_id, method, account.code, account.name, account.account_id)
        return self.overview()

    def mapped_payment_accounts(self, s, tenant_id: str) -> tuple[MappedAccount, ...]:
        """Every method's payment account as stored (none: not chosen)."""
        from tui.store.payments import payment_accounts

        stored = payment_accounts(s, tenant_id)
        return tuple(
            MappedAccount(m, stored[m].account_code, stored[m].account_name, stored[m].account_id)
            if m in stored else MappedAccount(m)
            for m in METHODS
        )
