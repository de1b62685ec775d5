"""Acting on contacts as a Xero user would (the control API's contact half; see :mod:`tui.sandbox.control`).

    create_contact(tenant_id=None, **fields) -> dict          fields in Xero's names: Name=..., EmailAddress=...,
                                                              Phones=[...], Addresses=[...], IsCustomer=True,
                                                              IsSupplier=True
    edit_contact(ref, tenant_id=None, **fields) -> dict       as Xero's contact screen saves: UpdatedDateUTC bumped
    archive_contact(ref, tenant_id=None) -> dict
    merge_contacts(ref, into, tenant_id=None) -> dict         Xero's Merge: ``ref`` is archived with
                                                              MergedToContactID ``into``; its invoices move there
    edit_contact_during(ref, fields, *, path, method=None, after=1, tenant_id=None)
                                                              the edit is made when the ``after``-th request
                                                              matching ``path`` arrives (between two requests of a
                                                              sync pass)
``ref`` is a ContactID, a ContactNumber or an active contact's Name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tui.sandbox.contacts import find_contact, save_contact
from tui.sandbox.control_error import ControlError
from tui.sandbox.journal import Journal
from tui.sandbox.models import Contact, Organisation
from tui.sandbox.xero_json import contact_json


class ContactControl:
    state: Any  # SandboxState

    @staticmethod
    def _contact(org: Organisation, ref: str) -> Contact:
        contact = org.contacts.get(ref.lower()) or find_contact(org, {"ContactNumber": ref}) \
            or find_contact(org, {"Name": ref})
        if contact is None:
            raise ControlError(f"no contact {ref!r} in {org.name}")
        return contact

    def _save_contact(self, org: Organisation, raw: dict[str, Any], create: bool) -> Contact:
        journal = Journal(org)
        contact, errors = save_contact(journal, raw, now=self.state.clock.now(), create_only=create)
        if errors:
            journal.rollback()
            raise ControlError("; ".join(errors))
        flags = {attr: bool(raw[key]) for key, attr in (("IsCustomer", "is_customer"), ("IsSupplier", "is_supplier"))
                 if raw.get(key) is not None}
        if flags:
            contact = dataclasses.replace(contact, **flags)
            journal.put("contacts", contact.contact_id, contact)
        self.state.changed()
        return contact

    def contact(self, ref: str, tenant_id: str | None = None) -> dict[str, Any]:
        with self.state.lock:
            org = self.state.organisation(tenant_id)
            return contact_json(self._contact(org, ref))

    def create_contact(self, tenant_id: str | None = None, **fields: Any) -> dict[str, Any]:
        with self.state.lock:
            org = self.state.organisation(tenant_id)
            return contact_json(self._save_contact(org, dict(fields), create=True))

    def edit_contact(self, ref: str, tenant_id: str | None = None, **fields: Any) -> dict[str, Any]:
        with self.state.lock:
            org = self.state.organisation(tenant_id)
            contact = self._contact(org, ref)
            return contact_json(self._save_contact(org, {**fields, "ContactID": contact.contact_id}, create=False))

    def archive_contact(self, ref: str, tenant_id: str | None = None) -> dict[str, Any]:
        return self.edit_contact(ref, tenant_id, ContactStatus="ARCHIVED")

    def merge_contacts(self, ref: str, into: str, tenant_id: str | None = None) -> dict[str, Any]:
        s = self.state
        with s.lock:
            org = s.organisation(tenant_id)
            gone, survivor = self._contact(org, ref), self._contact(org, into)
            if gone.contact_id == survivor.contact_id:
                raise ControlError("a contact cannot be merged into itself")
            now = s.clock.now()
            journal = Journal(org)
            journal.put("contacts", gone.contact_id, dataclasses.replace(
                gone, status="ARCHIVED", merged_to=survivor.contact_id, updated=now))
            journal.put("contacts", survivor.contact_id, dataclasses.replace(
                survivor, updated=now, is_customer=survivor.is_customer or gone.is_customer,
                is_supplier=survivor.is_supplier or gone.is_supplier))
            for invoice in list(org.invoices.values()):
                if invoice.contact_id == gone.contact_id:
                    journal.put("invoices", invoice.invoice_id,
                                dataclasses.replace(invoice, contact_id=survivor.contact_id, updated=now))
            s.changed()
            return contact_json(org.contacts[survivor.contact_id])

    def edit_contact_during(self, ref: str, fields: dict[str, Any], *, path: str, method: str | None = None,
                            after: int = 1, tenant_id: str | None = None) -> None:
        with self.state.lock:
            self._contact(self.state.organisation(tenant_id), ref)  # refused now, not when it fires
        self.state.hooks.add(lambda: self.edit_contact(ref, tenant_id, **fields), path=path, method=method,
                             after=after, label=f"edit contact {ref}")
