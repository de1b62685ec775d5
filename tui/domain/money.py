"""Money: Decimal only, rounded half away from zero to the cent, as Xero rounds."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# 1,500 and 12,000,000.50: a comma with exactly three digits after it, then a full stop or the end
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half away from zero (Xero's rule for line amounts and tax)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(text: str, *, places: int, what: str, thousands: bool = False) -> Decimal:
    """Read a user's number: a full stop for decimals, a leading $ allowed; at most ``places`` decimals.

    ``thousands`` (money amounts): commas may separate thousands, each followed by exactly three digits and
    then a full stop or the end ("1,500.00"). Any other comma ("1,5") is refused rather than guessed, and so
    is every comma where ``thousands`` is off (quantities). Raises ValueError with a message fit to show
    beside the field.
    """
    shown = text.strip()
    cleaned = shown.removeprefix("$").strip()
    if not cleaned:
        raise ValueError(f"Enter a {what}")
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            raise ValueError(f"Use a full stop for decimals ({shown.replace(',', '.')!r}, not {shown!r})"
                             if re.fullmatch(r"[+-]?\d+,\d+", cleaned) else f"{shown!r} is not a number")
        if not thousands:
            raise ValueError(f"Type the {what} without commas (a full stop for decimals)")
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{shown!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{shown!r} is not a number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"Use at most {places} decimal places for the {what}")
    return value


def format_money(amount: Decimal, symbol: str = "$") -> str:
    """$1,234.50 and -$12.00: what the screens and the email show."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(cents(amount)):,.2f}"
