"""Customers: who the business invoices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.domain.errors import ValidationError

# Deliberately simple: something@something.tld, no spaces. Real checking happens when the mail is sent.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 255  # Xero's Contact Name limit


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text.strip()))


@dataclass
class Customer:
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    id: int | None = None
    version: int = 0
    xero_contact_id: str | None = None
    extra: dict = field(default_factory=dict)

    def validated(self) -> "Customer":
        """Trimmed copy, or ValidationError naming each bad field."""
        c = Customer(
            name=self.name.strip(),
            email=self.email.strip(),
            phone=self.phone.strip(),
            address=self.address.strip(),
            id=self.id,
            version=self.version,
            xero_contact_id=self.xero_contact_id,
        )
        errors: dict[str, str] = {}
        if not c.name:
            errors["name"] = "Enter the customer's name"
        elif len(c.name) > MAX_NAME:
            errors["name"] = f"Names can be at most {MAX_NAME} characters"
        if c.email and not is_email(c.email):
            errors["email"] = f"{c.email!r} is not an email address"
        if c.phone and not re.fullmatch(r"[0-9 +()\-]{6,20}", c.phone):
            errors["phone"] = "Phone numbers use digits, spaces, + ( ) and -"
        if errors:
            raise ValidationError(errors)
        return c
