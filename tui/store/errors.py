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


class SendClaimed(RuntimeError):
    """Someone else sent (or is sending) this invoice: nothing was emailed by this attempt.
    "INV-0001 was sent by alice at 12:47" / "INV-0001 is being sent by alice (since 12:47)"."""

    def __init__(self, number: str, by: str, at: datetime, local_time: str, done: bool):
        self.number, self.by, self.at, self.done = number, by or "someone else", at, done
        if done:
            text = f"{number} was sent by {self.by} at {local_time}"
        else:
            text = f"{number} is being sent by {self.by} (since {local_time})"
        super().__init__(text)


class NotSent(RuntimeError):
    """The email did not go (the mail server's reason as the message): the invoice is still a draft, at ``version``."""

    def __init__(self, message: str, version: int):
        self.version = version
        super().__init__(message)


class StoreError(RuntimeError):
    """The database could not do what was asked, in words for the person (never the SQL behind it)."""


def in_words(exc: Exception) -> Exception:
    """A database error as the person at the keyboard can read it: DuplicateError for a number taken by another
    save at the same moment, StoreError otherwise. The SQL, its parameters and the driver's text stay in the log."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "unique" in text or "duplicate key" in text:
        if "invoice.number" in text or "uq_invoice_number" in text:
            return DuplicateError("number", "That invoice number was just taken by another save: "
                                            "choose another, or clear it to take the next one")
        return StoreError("That was just saved by someone else at the same moment: nothing was saved here; "
                          "open it again and retry")
    if "locked" in text or "busy" in text or "could not serialize" in text or "deadlock" in text:
        return StoreError("The database was busy with other changes for too long: nothing was saved; try again")
    if "connection" in text or "server closed" in text or "unable to open" in text:
        return StoreError("The database could not be reached: nothing was saved; try again, and if it goes on "
                          "tell whoever looks after the shop server")
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return StoreError("The database cannot be written by you here (it is read-only for this user): "
                          "nothing was saved")
    return StoreError(f"The database could not do this ({type(exc).__name__}): nothing was saved; try again, and "
                      "if it goes on tell whoever looks after the shop server")
