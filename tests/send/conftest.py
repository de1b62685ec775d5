"""A business on one database (a SQLite file, or a throwaway PostgreSQL database) that several real app sessions
open at once, each as its own process and person; mail by real SMTP (aiosmtpd) on a free loopback port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW
from tests.fixtures.net import free_port

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """An aiosmtpd handler that keeps what it is sent."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def numbers(self) -> list[str]:
        """The invoice number of every message received (from its PDF's name), one per message."""
        return [next(p.get_filename() for p in m.iter_attachments()).removeprefix("Tax-Invoice-").removesuffix(".pdf")
                for m in self.messages()]


@pytest.fixture
def smtp_inbox():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@dataclass
class Shop:
    """The business's database and the environment every process of it gets (its own config dir per person)."""

    url: str
    work: Path
    mail_port: int | None
    services: object  # the test's own Services on the same database (to seed and to look)
    customer_id: int = 0

    def env(self, user: str, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRADIECORE_")}
        env.update(TRADIECORE_CONFIG_DIR=str(self.work / f"config-{user}"), TRADIECORE_DATA_DIR=str(self.work / "data"),
                   TRADIECORE_SITE_DIR=str(self.work / "site"), TRADIECORE_DATABASE_URL=self.url,
                   TRADIECORE_USER=user, TRADIECORE_SECRETS_STORE="file", TEXTUAL_ANIMATIONS="none",
                   PYTHONPATH=str(ROOT), **extra)
        if self.mail_port is not None:
            env.update(TRADIECORE_MAIL_HOST="127.0.0.1", TRADIECORE_MAIL_PORT=str(self.mail_port),
                       TRADIECORE_MAIL_STARTTLS="false")
        return env

    def session(self, user: str, *args: str, **extra: str) -> subprocess.Popen:
        """``tests/send/session.py`` as ``user``, its JSON on stdout."""
        return subprocess.Popen([sys.executable, "-m", "tests.send.session", *args], cwd=ROOT, env=self.env(user, **extra),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def drafts(self, count: int) -> list[int]:
        from tui.domain.invoice import LineItem, RevenueCategory

        ids = []
        for i in range(count):
            inv = self.services.new_invoice(self.customer_id)
            inv.lines = [LineItem(f"Blocked drain {i}", Decimal("1"), Decimal("180.00"), RevenueCategory.LABOUR)]
            ids.append(self.services.save_invoice(inv).id)
        return ids


def finished(proc: subprocess.Popen, timeout: float = 600) -> list[dict]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"session failed ({proc.returncode}):\n{err[-4000:]}"
    return json.loads(out.strip().splitlines()[-1])


def make_shop(url: str, work: Path, mail_port: int | None, monkeypatch) -> Shop:
    from tui import config
    from tui.domain.business import BusinessDetails
    from tui.domain.customer import Customer
    from tui.services import Services

    monkeypatch.setenv("TRADIECORE_DATABASE_URL", url)
    if mail_port is not None:
        monkeypatch.setenv("TRADIECORE_MAIL_HOST", "127.0.0.1")
        monkeypatch.setenv("TRADIECORE_MAIL_PORT", str(mail_port))
        monkeypatch.setenv("TRADIECORE_MAIL_STARTTLS", "false")
    services = Services(config.load(), now=lambda: FIXED_NOW, user="owner")
    services.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    shop = Shop(url, work, mail_port, services)
    shop.customer_id = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com")).id
    return shop


@pytest.fixture(params=["sqlite", "postgres"])
def shop_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'tradiecore.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def shop(env, shop_url, smtp_inbox, monkeypatch):
    shop = make_shop(shop_url, env, smtp_inbox.port, monkeypatch)
    yield shop
    shop.services.close()
