"""Invoice numbers people see: INV-0001, INV-0002, ... taken inside the insert's transaction, clear of Xero's.

:func:`take_number` first updates the prefix's row of ``invoice_numbering``: on PostgreSQL that locks the row, on
SQLite it takes the database's write lock, so a second save at the same moment waits there until the first has
committed its insert, then reads the number the first took and takes the one after. Two saves at once get two
numbers, and neither sees an error. The row also keeps the highest number Xero holds with the prefix
(:func:`record_xero_numbers`, at connect and at every pull), so the next number here is above both.
"""

from __future__ import annotations

import re
from typing import Iterable

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tui.store.tables import InvoiceNumberingRow, InvoiceRow

NUMBER_PREFIX = "INV-"
_NUMBER = re.compile(re.escape(NUMBER_PREFIX) + r"(\d+)")


def _number(n: int) -> str:
    return f"{NUMBER_PREFIX}{n:04d}"


def _highest_here(s: Session) -> int:
    numbers = s.exec(
        select(InvoiceRow.number)
        .where(col(InvoiceRow.number).like(f"{NUMBER_PREFIX}%"))
        .order_by(func.length(InvoiceRow.number).desc(), col(InvoiceRow.number).desc())
        .limit(20)
    ).all()
    return max((int(m.group(1)) for n in numbers if (m := _NUMBER.fullmatch(n))), default=0)


def _xero_highest(s: Session) -> int:
    return s.exec(select(InvoiceNumberingRow.xero_highest)
                  .where(InvoiceNumberingRow.prefix == NUMBER_PREFIX)).first() or 0


def take_number(s: Session) -> str:
    """The next number, taken in the caller's transaction (make it the transaction's first statement, so SQLite
    starts it with the write lock): one more than the highest here and the highest Xero holds."""
    locked = s.execute(update(InvoiceNumberingRow).where(col(InvoiceNumberingRow.prefix) == NUMBER_PREFIX)
                       .values(taken=InvoiceNumberingRow.taken + 1))
    if locked.rowcount == 0:  # a database made before the row existed: the insert locks it as well
        s.add(InvoiceNumberingRow(prefix=NUMBER_PREFIX, taken=1))
        s.flush()
    return _number(max(_highest_here(s), _xero_highest(s)) + 1)


def next_number(s: Session) -> str:
    """The number the next new invoice will take, as things stand (for showing; :func:`take_number` takes it)."""
    return _number(max(_highest_here(s), _xero_highest(s)) + 1)


def highest_of(numbers: Iterable[str]) -> int:
    """The highest INV-NNNN among ``numbers`` (0 when none has the prefix)."""
    return max((int(m.group(1)) for n in numbers if (m := _NUMBER.fullmatch(str(n).strip()))), default=0)


def record_xero_numbers(s: Session, numbers: Iterable[str]) -> None:
    """Xero holds these invoice numbers (voided and deleted ones count): keep the highest of the prefix, so numbers
    taken here from now on start above it. Never lowers what is kept."""
    highest = highest_of(numbers)
    if not highest:
        return
    result = s.execute(update(InvoiceNumberingRow)
                       .where(col(InvoiceNumberingRow.prefix) == NUMBER_PREFIX,
                              col(InvoiceNumberingRow.xero_highest) < highest)
                       .values(xero_highest=highest))
    if result.rowcount == 0 and s.get(InvoiceNumberingRow, NUMBER_PREFIX) is None:
        s.add(InvoiceNumberingRow(prefix=NUMBER_PREFIX, xero_highest=highest))
