"""Sending invoices by email: render an Australian tax invoice (text, HTML, PDF) and deliver it
through SMTP when configured, otherwise into a local Maildir outbox in the data dir.

- ``render.render_invoice_email`` builds the message;
- ``transport.make_mailer`` picks ``SmtpMailer`` or ``OutboxMailer``; both have ``send(msg) -> str``;
- ``transport.list_outbox`` lists what the outbox holds, newest first.

Everything here blocks (network, disk, keyring): call it from a thread worker, never the UI loop.
"""

from tui.mail.errors import MailError

__all__ = ["MailError"]
