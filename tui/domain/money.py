"""Money: Decimal only, rounded half away from zero to the cent, as Xero rounds; numbers as people type them."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from tui.domain.text import quoted

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_WHOLE_DIGITS = 12  # digits before the full stop: 999,999,999,999 is more than any field here takes
# ASCII digits only ([0-9], never \d, which takes every script's digits), at most one full stop, and commas only
# between groups of three (1,500 and 12,000,000.50)
_NUMBER = re.compile(r"(?P<whole>[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)?(?:\.(?P<fraction>[0-9]*))?")
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")


def cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half away from zero (Xero's rule for line amounts and tax)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _not_a_number(shown: str, cleaned: str, what: str) -> str:
    """Why ``cleaned`` (what was typed, less a leading $) is not a number, quoting what was typed."""
    if _DECIMAL_COMMA.fullmatch(cleaned):
        return f"Use a full stop for decimals ({quoted(shown.replace(',', '.'))}, not {quoted(shown)})"
    if cleaned.startswith("-") and _NUMBER.fullmatch(cleaned[1:]) and any(c.isdigit() for c in cleaned[1:]):
        return f"The {what} cannot be negative ({quoted(shown)})"
    if any(c.isdigit() and not c.isascii() for c in cleaned):
        return f"{quoted(shown)} is not a number: type the digits 0-9"
    return f"{quoted(shown)} is not a number: use the digits 0-9 and a full stop, like 1,500.50"


def parse_decimal(text: str, *, places: int, what: str, thousands: bool = False) -> Decimal:
    """Read a user's number: ASCII digits, at most one full stop for decimals, a leading $ allowed; at most
    ``places`` decimals and :data:`MAX_WHOLE_DIGITS` digits before the full stop.

    ``thousands`` (money amounts): commas may separate thousands, each followed by exactly three digits and
    then a full stop or the end ("1,500.00"). Any other comma ("1,5") is refused rather than guessed, and so
    is every comma where ``thousands`` is off (quantities). Anything else (``1_5``, ``1e3``, another script's
    digits, a minus) is refused too. Raises ValueError with a message fit to show beside the field, quoting
    what was typed.
    """
    shown = text.strip()
    cleaned = shown.removeprefix("$").strip()
    if not cleaned:
        raise ValueError(f"Enter the {what}")
    match = _NUMBER.fullmatch(cleaned)
    if match is None or not (match["whole"] or match["fraction"]):
        raise ValueError(_not_a_number(shown, cleaned, what))
    whole, fraction = (match["whole"] or "").replace(",", ""), match["fraction"] or ""
    if "," in cleaned and not thousands:
        raise ValueError(f"Type the {what} without commas, a full stop for decimals ({quoted(shown)})")
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError(f"{quoted(shown)} is too large for the {what}")
    if len(fraction) > places:
        raise ValueError(f"Use at most {places} decimal places for the {what} ({quoted(shown)})")
    return Decimal(f"{whole or '0'}.{fraction}" if fraction else whole)


def parse_whole(text: str, *, what: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` in ASCII digits (a config value, days of payment terms).
    ValueError quoting what was typed."""
    shown = text.strip()
    if not shown:
        raise ValueError(f"Enter the {what}, {low} to {high}")
    if not re.fullmatch(r"[0-9]+", shown):
        raise ValueError(f"{quoted(shown)} is not a whole number: use the digits 0-9 ({low} to {high})")
    value = int(shown)
    if not low <= value <= high:
        raise ValueError(f"The {what} must be {low} to {high}, not {shown}")
    return value


def format_money(amount: Decimal, symbol: str = "$") -> str:
    """$1,234.50 and -$12.00: what the screens and the email show."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(cents(amount)):,.2f}"
