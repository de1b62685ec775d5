"""``python -m tui.bench serve [--runs 3] [--tabs 3] [--invoices 1000]``: the app in a browser tab against the
same app in a terminal.

``tradiecore serve`` runs on a free loopback port on a business of N sent invoices; each run a new browser
context (Debian's Chromium, headless, through Playwright) opens a fresh one-time sign-in link, and the clock runs
from opening the link to the first frame the page receives that holds an invoice number: sign-in, cookie,
page, websocket, a new app process and its first To Do rows. The same app in a 100x30 pseudo-terminal is timed
from exec to its first invoice number, turn about with the browser. Memory: the resident size of each tab's
processes once its To Do is up, with ``--tabs`` tabs open at once, against the app in the terminal.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui.ports import free_port
from tui.bench.pty_run import PtySession
from tui.bench.seeding import seed_home

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FIRST_DATA = "TC-0"
# In the page: note the moment a frame from the app holds an invoice number (the page draws on a canvas)
WATCH = """
(() => {
  const Native = window.WebSocket;
  const decode = new TextDecoder();
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const text = typeof event.data === "string" ? event.data : decode.decode(new Uint8Array(event.data));
        if (text.includes("%s")) window.__firstData = performance.now();
      });
    }
  };
})();
""" % FIRST_DATA


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _link(env: dict[str, str], port: int) -> str:
    done = subprocess.run([sys.executable, "-m", "tui", "serve", "--port", str(port), "--add-user", "bench"],
                          env=env, capture_output=True, text=True, check=True)
    return re.search(r"http\S+/signin#\S+", done.stdout).group(0)


def _terminal(env: dict[str, str]) -> tuple[float, float]:
    """Seconds from exec to the first invoice in a 100x30 terminal; the app's resident MB then (after 2 s)."""
    session = PtySession([sys.executable, "-m", "tui", "run"], env)
    try:
        seen = session.wait_for([FIRST_DATA])[FIRST_DATA]
        if seen is None:
            raise RuntimeError("the app in the terminal never showed an invoice")
        session.wait_for(["never shown"], timeout=2.0)
        return seen, _rss_mb(session.proc.pid)
    finally:
        session.close()


def bench_serve(runs: int, tabs: int, invoices: int, customers: int, say=print) -> int:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        say("this benchmark needs playwright (pip install -e '.[test]') and Debian's chromium")
        return 2
    home = Path(tempfile.mkdtemp(prefix="tradiecore-serve-bench-"))
    env = seed_home(home / "run", invoices, customers)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--port", str(port), "--max-tabs", str(tabs + 1)],
                              env=env, stdout=subprocess.PIPE, stderr=(home / "serve.log").open("w"), text=True)
    browser_times: list[float] = []
    terminal_times: list[float] = []
    terminal_mb: list[float] = []
    tab_mb: list[float] = []
    try:
        if "Serving tradiecore" not in server.stdout.readline():
            say(f"tradiecore serve did not start; see {home / 'serve.log'}")
            return 1
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for n in range(runs + 1):  # round 0 warms the disk cache and the bytecode, and is not counted
                    seconds, mb = _terminal(env)
                    took = _browser_first_data(browser, _link(env, port))
                    if n:
                        terminal_times.append(seconds)
                        terminal_mb.append(mb)
                        browser_times.append(took)
                contexts = []
                for _ in range(tabs):
                    context = browser.new_context(viewport={"width": 900, "height": 540})
                    context.add_init_script(WATCH)
                    page = context.new_page()
                    page.goto(_link(env, port), wait_until="commit")
                    page.wait_for_function("window.__firstData !== undefined", timeout=60000)
                    contexts.append(context)
                time.sleep(2.0)
                tab_mb = [_rss_mb(pid) for pid in _children(server.pid)]
                for context in contexts:
                    context.close()
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    say(f"{runs} runs, {invoices} invoices; Chromium at 900x540 (the page asks for its own size), terminal 100x30")
    say(f"first screen in browser: {statistics.median(browser_times):.2f} s "
        f"(min {min(browser_times):.2f}, max {max(browser_times):.2f}; sign-in link to To Do's first invoice)")
    say(f"first screen in terminal: {statistics.median(terminal_times):.2f} s "
        f"(min {min(terminal_times):.2f}, max {max(terminal_times):.2f}; exec to To Do's first invoice)")
    say(f"memory per tab: {statistics.median(tab_mb):.0f} MB (median of {len(tab_mb)} tabs open at once; "
        f"the tab's app process)")
    say(f"memory in terminal: {statistics.median(terminal_mb):.0f} MB (the app, To Do up)")
    return 0


def _browser_first_data(browser, link: str) -> float:
    """Seconds from opening the sign-in link to the first frame holding an invoice number; the tab is closed."""
    context = browser.new_context(viewport={"width": 900, "height": 540})
    try:
        context.add_init_script(WATCH)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(link, wait_until="commit")
        page.wait_for_function("window.__firstData !== undefined", timeout=60000)
        return time.perf_counter() - start
    finally:
        context.close()
