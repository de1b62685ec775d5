"""The app's screens under Pilot: a real SMTP server on loopback (``smtp_server``), the demo business as the
snapshot tests draw it (``demo``)."""

from __future__ import annotations

import pytest

from tests.fixtures.net import free_port


class Inbox:
    """An aiosmtpd handler that keeps what it is sent."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def demo(tmp_path):
    """Services for snapshot tests (tui.devtools.screenshots.make_services): demo data, fixed clock, user sam."""
    from tui.devtools.screenshots import make_services

    return make_services(tmp_path / "demo")
