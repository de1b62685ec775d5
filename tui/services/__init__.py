"""What the screens call: :class:`Services` (one blocking method per user action, each in its own transaction),
emailing invoices (:mod:`tui.services.sending`) and the sync's side for the screens (:mod:`tui.services.sync`)."""

from tui.services.core import SMTP_PASSWORD_KEY, Services, import_store, open_change_feed

__all__ = ["SMTP_PASSWORD_KEY", "Services", "import_store", "open_change_feed"]
