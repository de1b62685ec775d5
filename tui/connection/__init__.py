"""The Xero connection as the screens see it: connect, choose the organisation, map revenue accounts, check,
disconnect and reconnect. Every method blocks (network, database, keyring): screens call them from thread
workers. Nothing here imports Textual.

The flow, as the screens drive it::

    xero = services.connection
    started = xero.start()                 # authorize URL, loopback listener, how to reach it over SSH
    code = xero.wait(started)              # or xero.code_from_paste(started, pasted_url); xero.cancel(started)
    pending = xero.finish(started, code)   # tokens (held in memory) and the organisations they may use
    overview = xero.choose(pending, org)   # stores the one token set, the organisation, default mappings

A reconnect (the stored connection is Disconnected) must end on the same organisation: choosing another raises
:class:`OtherOrganisation` and nothing changes. A custom connection (client id + secret, no browser) is
``xero.setup_custom(client_id, secret)`` followed by the same ``choose``.

* :mod:`tui.connection.consent`: signing in, the custom connection, choosing (or abandoning) the organisation;
* :mod:`tui.connection.accounts`: the chart of accounts and the revenue-account mappings;
* :mod:`tui.connection.status`: the one status (:class:`XeroOverview`; with the sync's, :class:`XeroStatus`),
  check, disconnect, To Do warnings;
* :mod:`tui.connection.factory`: what talks to Xero for an organisation (its OAuth client, token store, API),
  built the same way for the connection and the sync;
* :mod:`tui.connection.service`: :class:`XeroConnection`, which has all of the above, working with what it is
  handed (:class:`~tui.connection.service.Wiring`: the configuration, the secrets, a session factory, the clock).
"""

from tui.connection.accounts import CATEGORIES, Account, MappedAccount
from tui.connection.consent import OtherOrganisation, PendingConnection, Started
from tui.connection.service import XeroConnection
from tui.connection.status import XeroOverview, XeroStatus

__all__ = [
    "Account",
    "CATEGORIES",
    "MappedAccount",
    "OtherOrganisation",
    "PendingConnection",
    "Started",
    "XeroConnection",
    "XeroOverview",
    "XeroStatus",
]
