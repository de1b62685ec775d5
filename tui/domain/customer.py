"""Customers: who the business invoices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.domain.errors import ValidationError
from tui.domain.text import control_problems

MAX_NAME = 255  # Xero's Contact Name limit, and its FirstName's and LastName's
MAX_EMAIL = 255  # Xero's Contact EmailAddress limit (ASCII only: Xero refuses accents and other scripts)
# RFC 5322 "atext" and dots: what a plain address may hold before the @
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def email_problem(text: str) -> str | None:
    """Why Xero would refuse ``text`` as a contact's email address, in words for the field; None when it is fine.

    What Xero accepts: at most 255 characters, ASCII only, one plain address ``name@example.com`` (no display
    name, angle brackets or spaces) whose domain has a dot.
    """
    address = text.strip()
    if len(address) > MAX_EMAIL:
        return f"Email addresses can be at most {MAX_EMAIL} characters (this one has {len(address)})"
    if not address.isascii():
        return "Xero accepts only plain ASCII email addresses (no accents or other scripts)"
    if "@" not in address:
        return f"{address!r} is not an email address"
    if any(ch in address for ch in "<>\"") or any(ch.isspace() for ch in address):
        return "Enter just the address, like name@example.com (no name, spaces, quotes or < >)"
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        return f"{address!r} is not an email address (it needs name@domain)"
    if not _LOCAL.fullmatch(local):
        return f"{address!r} is not an email address (check the part before the @)"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return f"{domain!r} is not an email domain (like example.com)"
    return None


@dataclass
class Customer:
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""  # the street address (Xero's STREET)
    first_name: str = ""
    last_name: str = ""
    postal_address: str = ""  # where letters go (Xero's POBOX address)
    id: int | None = None
    version: int = 0
    xero_contact_id: str | None = None
    archived: bool = False  # archived in Xero (or merged into another contact there)
    extra: dict = field(default_factory=dict)

    def validated(self) -> "Customer":
        """Trimmed copy, or ValidationError naming each bad field."""
        c = Customer(
            name=self.name.strip(),
            email=self.email.strip(),
            phone=self.phone.strip(),
            address=self.address.strip(),
            first_name=self.first_name.strip(),
            last_name=self.last_name.strip(),
            postal_address=self.postal_address.strip(),
            id=self.id,
            version=self.version,
            xero_contact_id=self.xero_contact_id,
            archived=self.archived,
        )
        errors = control_problems({"name": (c.name, "name"), "email": (c.email, "email address"),
                                   "phone": (c.phone, "phone number"), "address": (c.address, "address"),
                                   "first_name": (c.first_name, "first name"),
                                   "last_name": (c.last_name, "last name"),
                                   "postal_address": (c.postal_address, "postal address")})
        if errors:
            raise ValidationError(errors)
        if not c.name:
            errors["name"] = "Enter the customer's name"
        elif len(c.name) > MAX_NAME:
            errors["name"] = f"Names can be at most {MAX_NAME} characters"
        for key, what in (("first_name", "First names"), ("last_name", "Last names")):
            if len(getattr(c, key)) > MAX_NAME:
                errors[key] = f"{what} can be at most {MAX_NAME} characters"
        if c.email and (problem := email_problem(c.email)):
            errors["email"] = problem
        if c.phone and not re.fullmatch(r"[0-9 +()\-]{6,20}", c.phone):
            errors["phone"] = "Phone numbers use digits, spaces, + ( ) and -"
        if errors:
            raise ValidationError(errors)
        return c
