"""Tax rates and Xero's per-line tax arithmetic (Australian GST by default)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from tui.domain.money import ZERO, cents


class LineAmountTypes(str, Enum):
    """Whether unit prices include tax: Xero's LineAmountTypes values."""

    EXCLUSIVE = "Exclusive"
    INCLUSIVE = "Inclusive"
    NO_TAX = "NoTax"


@dataclass(frozen=True)
class TaxRate:
    tax_type: str  # Xero's TaxType code
    name: str
    rate: Decimal  # percent, e.g. Decimal("10")


GST = TaxRate("OUTPUT", "GST on Income", Decimal("10"))
GST_FREE = TaxRate("EXEMPTOUTPUT", "GST Free Income", Decimal("0"))
BAS_EXCLUDED = TaxRate("BASEXCLUDED", "BAS Excluded", Decimal("0"))

TAX_RATES: tuple[TaxRate, ...] = (GST, GST_FREE, BAS_EXCLUDED)
DEFAULT_TAX_RATE = GST


def tax_rate(tax_type: str) -> TaxRate:
    for rate in TAX_RATES:
        if rate.tax_type == tax_type:
            return rate
    raise KeyError(tax_type)


def line_tax(line_amount: Decimal, rate: TaxRate, amounts: LineAmountTypes) -> Decimal:
    """Tax on one line, rounded to the cent on that line, as Xero does."""
    if amounts is LineAmountTypes.NO_TAX or rate.rate == 0:
        return ZERO
    fraction = rate.rate / Decimal(100)
    if amounts is LineAmountTypes.INCLUSIVE:
        return cents(line_amount * fraction / (1 + fraction))
    return cents(line_amount * fraction)
