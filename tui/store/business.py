"""The business details row."""

from __future__ import annotations

from dataclasses import asdict

from sqlmodel import Session

from tui.domain.business import BusinessDetails
from tui.store.tables import BusinessRow


def load_business(s: Session) -> BusinessDetails:
    row = s.get(BusinessRow, 1)
    if row is None:
        return BusinessDetails()
    return BusinessDetails(**row.model_dump(exclude={"id"}))


def save_business(s: Session, details: BusinessDetails) -> None:
    row = s.get(BusinessRow, 1) or BusinessRow(id=1)
    for key, value in asdict(details).items():
        setattr(row, key, value)
    s.add(row)
