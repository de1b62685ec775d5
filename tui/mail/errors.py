"""The one error the mail package raises: its message is written to be shown to the user as is."""

from __future__ import annotations


class MailError(Exception):
    """Rendering or delivering an invoice email failed.

    ``str(error)`` says what went wrong in words a tradie can act on ("Could not connect to
    smtp.example.com:587: connection refused"). It never contains a password.
    """
