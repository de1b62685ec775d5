"""Xero's rules for contacts: create or update from a request item, unique active names, lookups."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from tui.sandbox.journal import Journal
from tui.sandbox.models import Contact, Organisation

_TEXT_FIELDS = {
    "FirstName": "first_name",
    "LastName": "last_name",
    "EmailAddress": "email",
    "ContactNumber": "contact_number",
    "AccountNumber": "account_number",
    "TaxNumber": "tax_number",
}
_ADDRESS_KEYS = ("AddressType", "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "City", "Region",
                 "PostalCode", "Country", "AttentionTo")
_PHONE_KEYS = ("PhoneType", "PhoneNumber", "PhoneAreaCode", "PhoneCountryCode")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MAX_EMAIL = 255  # Xero: EmailAddress "max length = 255", "umlauts not supported"

MSG_IDENTIFY = ("The Contact must contain at least 1 of the following elements to identify the contact: "
                "Name, ContactID, ContactNumber")


def unique_name_message(name: str) -> str:
    return (f"The contact name {name} is already assigned to another contact. "
            "The contact name must be unique across all active contacts.")


def _same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def find_contact(org: Organisation, ref: dict[str, Any]) -> Contact | None:
    """The contact a reference names, by ContactID, else ContactNumber, else active Name."""
    if ref.get("ContactID"):
        return org.contacts.get(str(ref["ContactID"]).lower())
    if ref.get("ContactNumber"):
        return next((c for c in org.contacts.values() if c.contact_number == ref["ContactNumber"]), None)
    if ref.get("Name"):
        return next(
            (c for c in org.contacts.values() if c.status == "ACTIVE" and _same_name(c.name, str(ref["Name"]))),
            None,
        )
    return None


def name_taken(org: Organisation, name: str, except_id: str | None) -> bool:
    return any(
        c.status == "ACTIVE" and c.contact_id != except_id and _same_name(c.name, name) for c in org.contacts.values()
    )


def _clean_list(items: Any, keys: tuple[str, ...]) -> list[dict] | None:
    if not isinstance(items, list):
        return None
    return [{k: str(item[k]) for k in keys if isinstance(item, dict) and k in item} for item in items
            if isinstance(item, dict)]


def save_contact(
    journal: Journal, raw: dict[str, Any], *, now: datetime, create_only: bool
) -> tuple[Contact | None, list[str]]:
    """Create (PUT) or create-or-update (POST) one contact; returns the stored contact or the errors."""
    org = journal.org
    existing = None if create_only else _existing(org, raw)
    if not create_only and raw.get("ContactID") and existing is None:
        return None, ["An existing Contact with the specified ContactID could not be found"]
    errors: list[str] = []
    name = raw.get("Name", existing.name if existing else None)
    if not isinstance(name, str) or not name.strip():
        errors.append("The contact name must be specified.")
        name = ""
    name = name.strip()
    status = raw.get("ContactStatus", existing.status if existing else "ACTIVE")
    if status not in ("ACTIVE", "ARCHIVED"):
        errors.append(f"ContactStatus {status} is not valid.")
    if name and status == "ACTIVE" and name_taken(org, name, existing.contact_id if existing else None):
        errors.append(unique_name_message(name))
    email = raw.get("EmailAddress")
    if email and not (isinstance(email, str) and len(email) <= MAX_EMAIL and email.isascii()
                      and _EMAIL.match(email)):
        errors.append("Email address must be valid.")
    if errors:
        return None, errors
    contact = existing or Contact(contact_id=str(uuid.uuid4()), name=name, updated=now)
    changes: dict[str, Any] = {"name": name, "status": status, "updated": now}
    for key, attr in _TEXT_FIELDS.items():
        if key in raw and raw[key] is not None:
            changes[attr] = str(raw[key])
    addresses = _clean_list(raw.get("Addresses"), _ADDRESS_KEYS)
    if addresses is not None:
        changes["addresses"] = _by_type(existing.addresses if existing else [], addresses, "AddressType")
    phones = _clean_list(raw.get("Phones"), _PHONE_KEYS)
    if phones is not None:
        changes["phones"] = _by_type(existing.phones if existing else [], phones, "PhoneType")
    contact = replace(contact, **changes)
    journal.put("contacts", contact.contact_id, contact)
    return contact, []


def _by_type(old: list[dict], new: list[dict], type_key: str) -> list[dict]:
    """Xero keeps one address (POBOX, STREET) and one phone (DEFAULT, DDI, MOBILE, FAX) of each type: an update
    replaces the types it names, field by field, and keeps the others as they were."""
    out = {str(item.get(type_key, "")): dict(item) for item in old}
    for item in new:
        kind = str(item.get(type_key, ""))
        out[kind] = {**out.get(kind, {}), **item}
    return list(out.values())


def _existing(org: Organisation, raw: dict[str, Any]) -> Contact | None:
    if raw.get("ContactID"):
        return org.contacts.get(str(raw["ContactID"]).lower())
    if raw.get("ContactNumber"):
        return find_contact(org, {"ContactNumber": raw["ContactNumber"]})
    return None
