"""The business's own details: what a tax invoice must show, and how prices are entered."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.domain.customer import email_problem
from tui.domain.dates import DEFAULT_TIME_ZONE
from tui.domain.errors import ValidationError
from tui.domain.money import parse_whole
from tui.domain.text import control_problems
from tui.domain.tax import LineAmountTypes

MAX_TERMS_DAYS = 365


def parse_terms(text: str) -> int:
    """Typed payment terms: whole days, 0 to 365. ValueError quoting what was typed."""
    return parse_whole(text, what="number of days", low=0, high=MAX_TERMS_DAYS)


_ABN_WEIGHTS = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)


def is_abn(text: str) -> bool:
    """The ATO's ABN check: 11 digits, first less one, weighted sum divisible by 89."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 11 or any(not (c.isdigit() or c == " ") for c in text.strip()):
        return False
    digits[0] -= 1
    return sum(d * w for d, w in zip(digits, _ABN_WEIGHTS)) % 89 == 0


def format_abn(text: str) -> str:
    d = "".join(c for c in text if c.isdigit())
    return f"{d[:2]} {d[2:5]} {d[5:8]} {d[8:]}" if len(d) == 11 else text


@dataclass(frozen=True)
class BusinessDetails:
    name: str = ""
    abn: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    prices_include_gst: bool = False
    time_zone: str = DEFAULT_TIME_ZONE
    payment_terms_days: int = 14

    @property
    def line_amount_types(self) -> LineAmountTypes:
        return LineAmountTypes.INCLUSIVE if self.prices_include_gst else LineAmountTypes.EXCLUSIVE

    def validated(self) -> "BusinessDetails":
        b = replace(self, name=self.name.strip(), abn=format_abn(self.abn.strip()), email=self.email.strip())
        errors = control_problems({"name": (b.name, "business name"), "abn": (b.abn, "ABN"),
                                   "address": (b.address, "address"), "email": (b.email, "email address"),
                                   "phone": (b.phone, "phone number")})
        if errors:
            raise ValidationError(errors)
        if not b.name:
            errors["name"] = "Enter the business name"
        if b.abn and not is_abn(b.abn):
            errors["abn"] = "That is not a valid ABN (11 digits, checked with the ATO's rule)"
        if b.email and (problem := email_problem(b.email)):
            errors["email"] = problem
        if not 0 <= b.payment_terms_days <= MAX_TERMS_DAYS:
            errors["payment_terms_days"] = "Payment terms are 0 to 365 days"
        if errors:
            raise ValidationError(errors)
        return b
