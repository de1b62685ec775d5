"""What :class:`~tui.services.Services` hands the sync and the Xero connection: each gets a session factory, the
clock, the configuration and the secrets store it works with, never the services themselves (the layers below
the services know nothing of them; tests/unit/test_layering.py keeps it so).

Each is read when it is used, as the services have it then: a test or the demo's start-up may change the
configuration, the secrets store or the clock after the connection is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.connection import XeroConnection
    from tui.connection.service import Wiring
    from tui.services.sync import SyncService


def sync_service(services) -> SyncService:
    """The sync's side for ``services`` (:class:`~tui.services.Services`), its runner made on first use."""
    from tui.services.sync import SyncService

    def make_runner():
        from tui.connection.factory import api_factory
        from tui.sync.runner import SyncRunner

        engine = services.engine
        label, holder = services.sync_identity()
        return SyncRunner(engine, api_factory=api_factory(services.cfg, services.secrets, engine),
                          now=lambda: services.now(), label=label, holder=holder, hands_over=True)

    return SyncService(session=services.session, now=lambda: services.now(), user=services.user,
                       time_zone=lambda: services.business().time_zone, request_sync=services.request_sync,
                       make_runner=make_runner, identity=services.sync_identity)


def connection_wiring(services) -> Wiring:
    """What the Xero connection works with: the configuration, secrets, database and clock of ``services``."""
    from tui.connection.service import Wiring

    def set_config(cfg) -> None:
        services.cfg = cfg

    return Wiring(
        config=lambda: services.cfg, set_config=set_config, secrets=lambda: services.secrets,
        engine=lambda: services.engine, session=services.session, now=lambda: services.now(), user=services.user,
        sync_overview=lambda s: services.sync.overview(s))


def xero_connection(services) -> XeroConnection:
    """The Xero connection of ``services``."""
    from tui.connection import XeroConnection

    return XeroConnection(connection_wiring(services))
