"""Errors the business rules raise, phrased for the person at the keyboard."""

from __future__ import annotations


class ValidationError(ValueError):
    """Field-by-field problems: ``errors`` maps a field name to a message shown beside that field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class TransitionError(ValueError):
    """An action the invoice's state does not allow (e.g. editing a paid invoice)."""
