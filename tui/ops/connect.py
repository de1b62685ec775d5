"""``tradiecore connect --custom --client-id ID``: connect a Xero custom connection without the app, for a
server that only runs the sync service. The client secret comes from standard input (asked for without echo in a
terminal) or ``TRADIECORE_XERO_CLIENT_SECRET``, never from a flag (other users see flags in ``ps``). The steps
are the connection service's own (:meth:`tui.connection.XeroConnection.setup_custom`, then ``choose``)."""

from __future__ import annotations

import getpass
import os
import sys

from tui.ops import fail
from tui.credentials.user_store import SecretsError

SECRET_ENV = "TRADIECORE_XERO_CLIENT_SECRET"


def read_secret() -> str:
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        return getpass.getpass("Xero custom connection's client secret: ")
    return sys.stdin.readline()


def connect_custom(cfg, client_id: str) -> int:
    from tui.services import Services
    from tui.xero.errors import AuthFailed, NotConfigured, XeroError

    secret = read_secret().strip()
    if not secret:
        return fail(f"no client secret: give it on standard input or in {SECRET_ENV}", 2)
    services = Services(cfg)
    try:
        xero = services.connection
        pending = xero.setup_custom(client_id, secret)
        overview = xero.choose(pending, pending.organisations[0])
    except NotConfigured as exc:
        return fail(str(exc), 2)
    except AuthFailed as exc:  # Xero answers a wrong secret as an unknown client
        return fail(f"not connected: Xero refused this client id and secret; check both on the custom "
                    f"connection's page in Xero's developer portal ({exc})", 1)
    except XeroError as exc:  # a refused secret, another organisation, Xero unreachable
        return fail(f"not connected: {exc}", 1)
    except SecretsError as exc:
        return fail(f"not connected: the secrets store failed: {exc}", 1)
    finally:
        services.close()
    print(f"Connected to {overview.organisation} (Xero custom connection)")
    if overview.accounts_pending:
        accounts = ", ".join(f"{m.category} {m.label}" for m in overview.mappings)
        print(f"Revenue accounts: {accounts or 'none mapped yet'}. The sync sends nothing until someone reviews "
              "them on the app's Xero screen (Settings, Integrations, Xero, Back).")
    return 0
