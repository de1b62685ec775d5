"""A customer and a Xero contact as the same small *view*, for three-way merges, and the bodies sent to Xero.

The view holds only what both sides hold: ``name``, ``first_name`` and ``last_name`` (Xero's FirstName and
LastName), ``email``, ``phone`` (Xero's DEFAULT phone, its country and area codes and number as one text),
``address`` (Xero's STREET address, its lines, city, region, postcode and country as one text) and
``postal_address`` (Xero's POBOX address, the same way). A contact's other fields (other phones, its
ContactNumber, groups...) are not ours: a write from here never names them, so it never blanks them.

An update sends only the fields of the view that changed here since Xero last confirmed the contact
(:func:`update_body`); a creation carries the customer's id in ``ContactNumber`` ("TC-42"), so the contact
is found again by it before anything else, even when the answer to the creation was lost.
"""

from __future__ import annotations

from typing import Mapping

from tui.domain.customer import Customer

FIELDS = ("name", "first_name", "last_name", "email", "phone", "address", "postal_address")
LABELS = {"name": "Name", "first_name": "First name", "last_name": "Last name", "email": "Email", "phone": "Phone",
          "address": "Street address", "postal_address": "Postal address"}
_ADDRESS_TYPES = {"address": "STREET", "postal_address": "POBOX"}
CONTACT_NUMBER_PREFIX = "TC-"
_PHONE_PARTS = ("PhoneCountryCode", "PhoneAreaCode", "PhoneNumber")
_ADDRESS_PARTS = ("AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "City", "Region", "PostalCode",
                  "Country")


def contact_number(customer_id: int) -> str:
    return f"{CONTACT_NUMBER_PREFIX}{customer_id}"


def customer_id_of(number: str | None) -> int | None:
    """The customer a ContactNumber written from here names ("TC-42" -> 42), else None."""
    text = str(number or "")
    if text.startswith(CONTACT_NUMBER_PREFIX) and text[len(CONTACT_NUMBER_PREFIX):].isdigit():
        return int(text[len(CONTACT_NUMBER_PREFIX):])
    return None


def customer_view(c: Customer) -> dict:
    return {k: getattr(c, k).strip() for k in FIELDS}


def _typed(items, type_key: str, kind: str) -> Mapping:
    return next((i for i in items or [] if isinstance(i, Mapping) and i.get(type_key) == kind), {})


def contact_view(d: Mapping) -> dict:
    """The view of a contact as Xero returns it."""
    phone = _typed(d.get("Phones"), "PhoneType", "DEFAULT")
    view = {
        "name": str(d.get("Name") or "").strip(),
        "first_name": str(d.get("FirstName") or "").strip(),
        "last_name": str(d.get("LastName") or "").strip(),
        "email": str(d.get("EmailAddress") or "").strip(),
        "phone": " ".join(str(phone.get(k) or "").strip() for k in _PHONE_PARTS if str(phone.get(k) or "").strip()),
    }
    for key, kind in _ADDRESS_TYPES.items():
        address = _typed(d.get("Addresses"), "AddressType", kind)
        view[key] = ", ".join(str(address.get(k) or "").strip() for k in _ADDRESS_PARTS
                              if str(address.get(k) or "").strip())
    return {k: view[k] for k in FIELDS}


def view_of_body(body: Mapping) -> dict:
    """The fields of the view a body sent to Xero sets (only those it names)."""
    full = contact_view(body)
    named = {"name": "Name" in body, "first_name": "FirstName" in body, "last_name": "LastName" in body,
             "email": "EmailAddress" in body, "phone": bool(_typed(body.get("Phones"), "PhoneType", "DEFAULT")),
             **{k: bool(_typed(body.get("Addresses"), "AddressType", kind)) for k, kind in _ADDRESS_TYPES.items()}}
    return {k: v for k, v in full.items() if named[k]}


def _fields(view: Mapping) -> dict:
    body: dict = {}
    if "name" in view:
        body["Name"] = view["name"]
    if "first_name" in view:
        body["FirstName"] = view["first_name"]
    if "last_name" in view:
        body["LastName"] = view["last_name"]
    if "email" in view:
        body["EmailAddress"] = view["email"]
    if "phone" in view:
        body["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": view["phone"], "PhoneAreaCode": "",
                           "PhoneCountryCode": ""}]
    addresses = [{"AddressType": kind, "AddressLine1": view[key], **{k: "" for k in _ADDRESS_PARTS[1:]}}
                 for key, kind in _ADDRESS_TYPES.items() if key in view]
    if addresses:  # Xero replaces only the address types named
        body["Addresses"] = addresses
    return body


def create_body(c: Customer) -> dict:
    """A new contact: every field we hold that is not blank, and our customer's id as its ContactNumber."""
    view = {k: v for k, v in customer_view(c).items() if v or k == "name"}
    body = {"Name": view.pop("name"), **_fields(view)}
    if c.id is not None:
        body["ContactNumber"] = contact_number(c.id)
    return body


def changed_fields(local: Mapping, base: Mapping | None) -> dict:
    """What changed here since ``base`` (Xero's last confirmed view); without a base, or for a field the base does not
    hold (kept before that field was), what we hold that is not blank (never a blank over a value we have not seen)."""
    if base is None:
        base = {}
    return {k: local[k] for k in FIELDS if (local[k] != base[k] if k in base else bool(local[k]))}


def update_body(contact_id: str, changes: Mapping, number: str | None = None) -> dict:
    body: dict = {"ContactID": contact_id, **_fields(changes)}
    if number:
        body["ContactNumber"] = number
    return body
