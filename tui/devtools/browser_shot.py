"""Regenerate ``screenshots/browser.png``: To Do in a browser tab of ``tradiecore serve``, in Debian's Chromium.

    python -m tui.devtools.browser_shot                 # writes screenshots/browser.png
    python -m tui.devtools.browser_shot --out FILE.png

The demo data in a temp dir, ``tradiecore serve`` on a free loopback port, a one-time sign-in link for sam, and
a headless Chromium (through Playwright) that opens it; the shot is taken once To Do's rows are drawn.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from tui.ports import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _seeded(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADIECORE_")}
    env.update(TRADIECORE_CONFIG_DIR=str(tmp / "config"), TRADIECORE_DATA_DIR=str(tmp / "data"),
               TRADIECORE_SITE_DIR=str(tmp / "site"), TRADIECORE_SECRETS_STORE="file")
    seed = ("from tui import config; from tui.services import Services; from tui.demo_data import seed_demo; "
            "s = Services(config.load(), user='sam'); seed_demo(s); s.close()")
    subprocess.run([sys.executable, "-c", seed], env=env, check=True)
    return env


def shoot(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tradiecore-browser-shot-") as work:
        env = _seeded(Path(work))
        port = free_port()
        added = subprocess.run([sys.executable, "-m", "tui", "serve", "--port", str(port), "--add-user", "sam"],
                               env=env, capture_output=True, text=True, check=True)
        link = re.search(r"http\S+/signin#\S+", added.stdout).group(0)
        server = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            server.stdout.readline()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                try:
                    page = browser.new_page(viewport={"width": 1000, "height": 576})
                    page.goto(link, wait_until="commit")
                    page.wait_for_selector("body.-first-byte", timeout=60000)
                    page.focus(".xterm-helper-textarea")  # as a person who clicked in: the app has the focus
                    page.wait_for_timeout(5000)  # To Do's rows and the footer come from workers after the first frame
                    out.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(out))
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tui.devtools.browser_shot")
    p.add_argument("--out", type=Path, default=Path("screenshots/browser.png"))
    args = p.parse_args(argv)
    shoot(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
