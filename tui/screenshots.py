"""Regenerate ``screenshots/*.svg``: every screen on the demo data, with a fixed clock, in a temp dir.

    python -m tui.screenshots            # writes screenshots/*.svg (relative to the current directory)
    python -m tui.screenshots --out DIR  # somewhere else

The snapshot tests build their app the same way (``make_services``), so screenshots and snapshots agree.
Paths shown on screen are the usual ones for a user called sam, whatever machine this runs on; the database and
secrets really live in the temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from tui.config import Config, DatabaseConfig, MailConfig
from tui.secrets import FileSecretStore

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


def _disconnected(services) -> None:
    set_xero_connection(services, "disconnected",
                        reason="Xero says the connection was removed (refresh token no longer valid)")


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
         prepare=lambda s: set_xero_connection(s, "connected")),
    Shot("integrations-disconnected", goto=["settings", "integrations"], prepare=_disconnected),
    Shot("customers", goto=["customers"]),
    Shot("new-invoice", goto=["new_invoice"]),
    Shot("invoice", press=["enter"]),
    Shot("outbox", goto=["outbox"]),
]


async def take(shot: Shot, out: Path, work: Path) -> Path:
    from tui.app import TradieApp

    services = make_services(work / shot.name, mail=shot.mail)
    if shot.prepare:
        shot.prepare(services)
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
    parser = argparse.ArgumentParser(prog="python -m tui.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="screenshots", help="where the SVGs go (default: screenshots)")
    args = parser.parse_args(argv)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tradiecore-screens-") as work:
        for shot in SHOTS:
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
