"""Money: Decimal only, rounded half away from zero to the cent, as Xero rounds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half away from zero (Xero's rule for line amounts and tax)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(text: str, *, places: int, what: str) -> Decimal:
    """Read a user's number: commas and a leading $ allowed; at most ``places`` decimals.

    Raises ValueError with a message fit to show beside the field.
    """
    cleaned = text.strip().replace(",", "").removeprefix("$").strip()
    if not cleaned:
        raise ValueError(f"Enter a {what}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not a number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"Use at most {places} decimal places for the {what}")
    return value


def format_money(amount: Decimal, symbol: str = "$") -> str:
    """$1,234.50 and -$12.00: what the screens and the email show."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(cents(amount)):,.2f}"
