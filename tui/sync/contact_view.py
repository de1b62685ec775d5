"""A customer and a Xero contact as the same small *view*, for three-way merges, and the bodies sent to Xero.

The view holds only what both sides hold: ``name``, ``email``, ``phone`` (Xero's DEFAULT phone, its country and
area codes and number as one text) and ``address`` (Xero's STREET address, its lines, city, region, postcode and
country as one text). A contact's other fields (first and last name, the postal address, other phones, its
ContactNumber, groups...) are not ours: a write from here never names them, so it never blanks them.

An update sends only the fields of the view that changed here since Xero last confirmed the contact
(:func:`update_body`); a creation carries the customer's id in ``ContactNumber`` ("TC-42"), so the contact
is found again by it before anything else, even when the answer to the creation was lost.
"""

from __future__ import annotations

from typing import Mapping

from tui.domain.customer import Customer

FIELDS = ("name", "email", "phone", "address")
LABELS = {"name": "Name", "email": "Email", "phone": "Phone", "address": "Address"}
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
    return {"name": c.name.strip(), "email": c.email.strip(), "phone": c.phone.strip(), "address": c.address.strip()}


def _typed(items, type_key: str, kind: str) -> Mapping:
    return next((i for i in items or [] if isinstance(i, Mapping) and i.get(type_key) == kind), {})


def contact_view(d: Mapping) -> dict:
    """The view of a contact as Xero returns it."""
    phone = _typed(d.get("Phones"), "PhoneType", "DEFAULT")
    address = _typed(d.get("Addresses"), "AddressType", "STREET")
    return {
        "name": str(d.get("Name") or "").strip(),
        "email": str(d.get("EmailAddress") or "").strip(),
        "phone": " ".join(str(phone.get(k) or "").strip() for k in _PHONE_PARTS if str(phone.get(k) or "").strip()),
        "address": ", ".join(str(address.get(k) or "").strip() for k in _ADDRESS_PARTS
                             if str(address.get(k) or "").strip()),
    }


def view_of_body(body: Mapping) -> dict:
    """The fields of the view a body sent to Xero sets (only those it names)."""
    full = contact_view(body)
    named = {"name": "Name" in body, "email": "EmailAddress" in body,
             "phone": bool(_typed(body.get("Phones"), "PhoneType", "DEFAULT")),
             "address": bool(_typed(body.get("Addresses"), "AddressType", "STREET"))}
    return {k: v for k, v in full.items() if named[k]}


def _fields(view: Mapping) -> dict:
    body: dict = {}
    if "name" in view:
        body["Name"] = view["name"]
    if "email" in view:
        body["EmailAddress"] = view["email"]
    if "phone" in view:
        body["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": view["phone"], "PhoneAreaCode": "",
                           "PhoneCountryCode": ""}]
    if "address" in view:
        body["Addresses"] = [{"AddressType": "STREET", "AddressLine1": view["address"],
                              **{k: "" for k in _ADDRESS_PARTS[1:]}}]
    return body


def create_body(c: Customer) -> dict:
    """A new contact: every field we hold that is not blank, and our customer's id as its ContactNumber."""
    view = {k: v for k, v in customer_view(c).items() if v or k == "name"}
    body = {"Name": view.pop("name"), **_fields(view)}
    if c.id is not None:
        body["ContactNumber"] = contact_number(c.id)
    return body


def changed_fields(local: Mapping, base: Mapping | None) -> dict:
    """What changed here since ``base`` (Xero's last confirmed view); without a base, what we hold that is not blank
    (never a blank over a value we have not seen)."""
    if base is None:
        return {k: v for k, v in local.items() if v}
    return {k: local[k] for k in FIELDS if local.get(k) != base.get(k)}


def update_body(contact_id: str, changes: Mapping, number: str | None = None) -> dict:
    body: dict = {"ContactID": contact_id, **_fields(changes)}
    if number:
        body["ContactNumber"] = number
    return body
