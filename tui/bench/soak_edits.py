"""The soak's edits (:mod:`tui.bench.soak`), and an edit found lost at the end."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    side: str  # "here" or "Xero"
    what: str  # "customer phone", "invoice due date", ...
    target: str  # the customer's name or the invoice's number
    key: tuple  # ("customer" | "invoice", id, field)
    value: str
    when: str  # "sync down" (after a kill during ...), or "during '<what the sync last logged>'"
    at: float = 0.0  # time.monotonic() when it was made: the last edit of a field is the one that counts


@dataclass(frozen=True)
class Lost:
    edit: Edit
    here: str
    xero: str

    def __str__(self) -> str:
        e = self.edit
        return (f"lost: {e.what} of {e.target} edited in {e.side} ({e.when}) to {e.value!r}: "
                f"here {self.here!r}, Xero {self.xero!r}")
