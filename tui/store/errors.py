"""Errors from the store, phrased for the person at the keyboard."""

from __future__ import annotations

from datetime import datetime


class ConflictError(RuntimeError):
    """Someone else saved the same record since it was opened: the save is refused, nothing overwritten."""

    def __init__(self, what: str, by: str, at: datetime, local_time: str):
        self.by = by
        self.at = at
        super().__init__(f"This {what} was changed by {by or 'someone else'} at {local_time}. "
                         "Close it and open it again to see their changes.")


class NotFound(LookupError):
    pass


class DuplicateError(ValueError):
    """A unique value (such as an invoice number) is already taken; ``field`` names where to show it."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)
