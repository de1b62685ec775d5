"""Regenerate ``screenshots/*.svg``: every screen on the demo data, with a fixed clock, in a temp dir.

    python -m tui.devtools.screenshots             # writes screenshots/*.svg (relative to the current directory)
    python -m tui.devtools.screenshots --out DIR  # somewhere else

The snapshot tests build their app the same way (``make_services``), so screenshots and snapshots agree.
Paths shown on screen are the usual ones for a user called sam, whatever machine this runs on; the database and
secrets really live in the temp dir. The Xero shots are reached as a user reaches them: connected to a sandbox
(started for the shot) through the app's own Connect flow; for Disconnected, the app then disconnected in "Xero"
with the sandbox's control API and a sync pass that finds out and marks the connection itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from html import unescape
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

from tui.ports import free_port
from tui.config import Config, DatabaseConfig, MailConfig
from tui.credentials.user_store import FileSecretStore

#: 10:00 on Wednesday 25 November 2026 in Sydney (the tests' clock too).
FIXED_NOW = datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc)
SHOWN_CONFIG_DIR = Path("/home/sam/.config/tradiecore")
SHOWN_DATA_DIR = Path("/home/sam/.local/share/tradiecore")
DEMO_SMTP = MailConfig(host="smtp.harbourcityplumbing.example", port=587, starttls=True,
                       user="accounts@harbourcityplumbing.example")


class ShownFileSecretStore(FileSecretStore):
    """The 0600 file store, kept in the temp dir but named as it would be in sam's config dir."""

    def __init__(self, path: Path, shown: Path):
        super().__init__(path)
        self.name = f"file {shown} (mode 0600)"


def make_services(tmp: Path, *, seed: bool = True, mail: MailConfig | None = None, now: datetime = FIXED_NOW):
    """Services for screenshots and snapshot tests: demo data, fixed clock, user sam, data in ``tmp``."""
    from tui.services import Services

    tmp.mkdir(parents=True, exist_ok=True)
    cfg = Config(
        database=DatabaseConfig(url=f"sqlite:///{tmp / 'tradiecore.db'}"),
        mail=mail or MailConfig(),
        config_dir=SHOWN_CONFIG_DIR,
        data_dir=SHOWN_DATA_DIR,
        outbox_at=tmp / "outbox",
    )
    secrets = ShownFileSecretStore(tmp / "secrets.json", SHOWN_CONFIG_DIR / "secrets.json")
    services = Services(cfg, now=lambda: now, user="sam", secrets=secrets)
    if seed:
        from tui.demo_data import seed_demo

        seed_demo(services)
    return services


def set_xero_connection(services, state: str, *, organisation: str = "Harbour City Plumbing (Demo)",
                        reason: str = "", when: datetime | None = None) -> None:
    """Write the Xero connection row directly: "not connected" removes it; "connected" / "disconnected" set it."""
    from sqlalchemy import delete

    from tui.store.tables import XeroConnectionRow

    when = when or datetime(2026, 11, 20, 3, 15, tzinfo=timezone.utc)
    with services.session() as s:
        s.execute(delete(XeroConnectionRow))
        if state == "not connected":
            return
        s.add(XeroConnectionRow(
            tenant_id="3f1b8c2e-5d4a-4b7e-9a61-0c2d8e7f4a10",
            tenant_name=organisation,
            status=state,
            reason=reason,
            connected_at=datetime(2026, 11, 2, 22, 40, tzinfo=timezone.utc),
            disconnected_at=when if state == "disconnected" else None,
            active=True,
        ))


async def settle(pilot) -> None:
    """Wait until every worker has finished and its results are on screen."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@dataclass
class Shot:
    name: str
    goto: list[str] = field(default_factory=list)  # TradieApp.goto names, in order
    size: tuple[int, int] = (100, 32)
    prepare: Callable | None = None  # (services) -> None, before the app starts
    press: list[str] = field(default_factory=list)
    mail: MailConfig | None = None
    sandbox: Callable | None = None  # (services, sandbox) -> None: with a sandbox running for the whole shot


def _consent_over_http(url: str, email: str, password: str) -> str:
    """The person at the browser: log in to the sandbox, Allow Access; the address Xero sends the browser back to."""
    import httpx

    def form(html: str) -> tuple[str, dict[str, str]]:
        action = re.search(r'<form method="post" action="([^"]+)"', html)
        hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
        if action is None:
            raise RuntimeError(f"no form on the sandbox's page: {html[:200]}")
        return urljoin(url, unescape(action.group(1))), {name: unescape(value) for name, value in hidden}

    with httpx.Client(timeout=10) as http:
        action, fields = form(http.get(url).text)
        login = http.post(action, data={**fields, "email": email, "password": password})
        page = http.get(urljoin(url, login.headers["location"])).text
        action, fields = form(page)
        tenant = re.search(r'<option value="([^"]+)">', page)
        answer = http.post(action, data={**fields, "tenant": tenant.group(1) if tenant else "", "decision": "allow"})
        return answer.headers["location"]


def connect_to_sandbox(services, sandbox, redirect_port: int, config_dir: Path) -> None:
    """Connect to the sandbox's Demo Company with the app's own Connect flow, and leave the Xero screen.

    ``config_dir``: where the token set's lock file goes (a temp dir: nothing is written to sam's shown dirs)."""
    cfg = services.cfg.with_xero_base(sandbox.base_url)
    services.cfg = replace(cfg, config_dir=config_dir,
                           xero=replace(cfg.xero, client_id=sandbox.pkce_client_id, redirect_port=redirect_port))
    xero = services.connection
    started = xero.start()
    back = _consent_over_http(started.url, sandbox.login_email, sandbox.login_password)
    pending = xero.finish(started, xero.code_from_paste(started, back))
    xero.choose(pending, pending.organisations[0])
    xero.accounts_reviewed()


def _disconnected(services, sandbox) -> None:
    """Disconnected in Xero (Connected Apps -> Disconnect); the next sync pass finds out and says so."""
    sandbox.control.revoke_connection()
    report = services.sync.run_once()
    if not report.disconnected:
        raise RuntimeError(f"the sync pass did not find the connection gone: {report.message}")


def credit_note_in_use(services) -> int:
    """A credit note from the paid INV-0103 ($580.80 of credit): $80.80 refunded, $100.00 allocated to another invoice
    of the customer, which still owes $120.00; its id."""
    from decimal import Decimal

    from tui.domain.credit import LinePick
    from tui.domain.invoice import LineItem
    from tui.domain.payment import PaymentMethod

    paid = services.invoice(3)
    note = services.save_credit_note(services.credit_note_from_invoice(paid.id, [LinePick(0)]))
    services.send_credit_note(note)
    services.refund_credit(note.id, Decimal("80.80"), services.today(), PaymentMethod.BANK_TRANSFER, "EFT 4471")
    other = services.save_invoice(replace(services.new_invoice(paid.customer_id),
                                          lines=[LineItem("Backflow valve service", Decimal(1), Decimal(200))]))
    services.send_invoice(other)
    services.allocate_credit(note.id, other.id, Decimal("100.00"), services.today())
    return note.id


SHOTS = [
    Shot("todo"),
    Shot("todo-80x24", size=(80, 24)),
    Shot("help", goto=["help"]),
    Shot("settings", goto=["settings"]),
    Shot("business-details", goto=["settings", "business"]),
    Shot("email-outbox", goto=["settings", "email"]),
    Shot("email-smtp", goto=["settings", "email"], mail=DEMO_SMTP),
    Shot("integrations", goto=["settings", "integrations"]),
    Shot("integrations-connected", goto=["settings", "integrations"],
         sandbox=lambda services, sandbox: None),  # connected, and left as it is
    Shot("integrations-disconnected", goto=["settings", "integrations"], sandbox=_disconnected),
    Shot("customers", goto=["customers"]),
    Shot("new-invoice", goto=["new_invoice"]),
    Shot("invoice", press=["enter"]),
    Shot("outbox", goto=["outbox"]),
    Shot("credit-note", prepare=credit_note_in_use, press=["end", "enter"]),  # To Do's last row: the credit note
]


async def take(shot: Shot, out: Path, work: Path) -> Path:
    from tui.app import TradieApp

    services = make_services(work / shot.name, mail=shot.mail)
    if shot.prepare:
        shot.prepare(services)
    with ExitStack() as stack:
        if shot.sandbox:
            from tui.sandbox.harness import run_sandbox

            port = free_port()
            sandbox = stack.enter_context(run_sandbox(redirect_uris=[f"http://localhost:{port}/callback"]))
            connect_to_sandbox(services, sandbox, port, work / shot.name / "config")
            shot.sandbox(services, sandbox)
        app = TradieApp(services, cursor_blink=False, background_sync=False)
        async with app.run_test(size=shot.size) as pilot:
            await settle(pilot)
            for name in shot.goto:
                app.goto(name)
                await settle(pilot)
            for key in shot.press:
                await pilot.press(key)
                await settle(pilot)
            return Path(app.save_screenshot(f"{shot.name}.svg", str(out)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.devtools.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="screenshots", help="where the SVGs go (default: screenshots)")
    parser.add_argument("--only", action="append", metavar="NAME", help="just this shot (repeatable), e.g. invoice")
    args = parser.parse_args(argv)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tradiecore-screens-") as work:
        for shot in SHOTS:
            if args.only and shot.name not in args.only:
                continue
            path = asyncio.run(take(shot, out, Path(work)))
            print(path)
    return 0


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (for tests and debugging)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                      color_system="truecolor", legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens,
                                                         simplify=True))
    return console.export_text()


if __name__ == "__main__":
    raise SystemExit(main())
