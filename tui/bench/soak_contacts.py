"""The soak's contacts (:mod:`tui.bench.soak`): edits of contacts in Xero, with no syncer running and between two
requests of a running pass (the sandbox's hook), the same customer edited here in that pass too, and the verdict
on customers: the last edit of each field is both here and in Xero, or both sides' last values are in the
conflict the Sync screen shows for it."""

from __future__ import annotations

import time
from typing import Any

from tui.bench.soak_edits import Edit, Lost


class ContactEdits:
    """Mixed into :class:`tui.bench.soak.Soak` (``rng``, ``control``, ``sandbox``, ``services``, ``report``...)."""

    rng: Any
    control: Any
    sandbox: Any
    services: Any
    report: Any
    tenant_id: str

    def _linked_customers(self) -> list[tuple[int, str]]:
        from sqlmodel import col, select

        from tui.store.tables import CustomerRow

        with self.services.session() as s:
            return list(s.exec(select(CustomerRow.id, CustomerRow.xero_contact_id).where(
                col(CustomerRow.xero_contact_id).is_not(None))).all())

    def _contact_change(self, customer_id: int) -> tuple[str, str, dict]:
        """(field, value, Xero's fields) of a new edit of a contact's phone or email."""
        k = len(self.report.edits)
        if self.rng.random() < 0.5:
            value = f"02 9{self.rng.randint(0, 999):03d} {k % 10000:04d}"
            return "phone", value, {"Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": value}]}
        value = f"xero{customer_id}.{k}@example.com"
        return "email", value, {"EmailAddress": value}

    def _edit_contact_in_xero(self, when: str) -> None:
        """A Xero user edits a customer's contact (phone or email), with no syncer running."""
        linked = self._linked_customers()
        if not linked:
            return
        customer_id, contact_id = self.rng.choice(linked)
        name, value, fields = self._contact_change(customer_id)
        self.control.edit_contact(contact_id, self.tenant_id, **fields)
        self.report.edits.append(Edit("Xero", f"customer {name}", self.services.customer(customer_id).name,
                                      ("customer", customer_id, name), value, when, time.monotonic()))

    def _arm_xero_edit(self) -> tuple[int, str, str, str] | None:
        """A Xero user will save a contact as the coming pass reads contacts or invoices (between two of its
        requests): (customer id, field, value, where), or None with no contact to edit."""
        linked = self._linked_customers()
        if not linked:
            return None
        customer_id, contact_id = self.rng.choice(linked)
        name, value, fields = self._contact_change(customer_id)
        path = self.rng.choice(["/contacts", "/invoices"])
        self.control.edit_contact_during(contact_id, fields, path=path, method="GET", tenant_id=self.tenant_id)
        return customer_id, name, value, path

    def _settle_armed(self, armed: tuple[int, str, str, str] | None) -> None:
        """After the pass: the armed edit happened (record it, when it did) or never did (drop it)."""
        if armed is None:
            return
        hooks = self.sandbox.state.hooks
        if hooks.pending():
            hooks.clear()
            return
        customer_id, name, value, path = armed
        at = hooks.fired[-1][1]
        self.report.edits.append(Edit("Xero", f"customer {name}", self.services.customer(customer_id).name,
                                      ("customer", customer_id, name), value,
                                      f"during a pass, as it read {path[1:]}", at))

    def _customer_lost(self, edits: list, contacts: dict, held: dict) -> list:
        """The customers' lost edits: per (customer, field), the last edit is here and in Xero, or the open conflict
        shows both sides' last values (a customer held for a conflict keeps its other fields here until then)."""
        lost = []
        by_key: dict[tuple, list] = {}
        for e in sorted((e for e in edits if e.key[0] == "customer"), key=lambda e: e.at):
            by_key.setdefault(e.key, []).append(e)
        conflicted = {customer_id for customer_id, _ in held}
        for (_, customer_id, name), history in by_key.items():
            c = self.services.customer(customer_id)
            here = getattr(c, name)
            xc = contacts.get(c.xero_contact_id or "", {})
            xero = str(xc.get("EmailAddress") or "") if name == "email" else next(
                (p.get("PhoneNumber", "") for p in xc.get("Phones", []) if p.get("PhoneType") == "DEFAULT"), "")
            last = history[-1]
            if (customer_id, name) in held:
                remote = held[(customer_id, name)]
                last_here = next((e for e in reversed(history) if e.side == "here"), None)
                last_xero = next((e for e in reversed(history) if e.side == "Xero"), None)
                kept = (last_here is None or here == last_here.value) and \
                    (last_xero is None or (remote == last_xero.value and xero == last_xero.value))
            elif customer_id in conflicted and last.side == "here":
                kept = here == last.value  # waits, with the conflict, for the user's choice
            else:
                kept = here == last.value and xero == last.value
            if not kept:
                lost.append(Lost(last, here, xero))
        return lost
