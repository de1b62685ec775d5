"""``python -m tui.bench scale [--invoices 100000] [--customers 10000] [--runs 3]``: the app at a big business.

A business of N sent invoices (two lines each, due dates three months either side of today) and C customers.
In a 100x30 pseudo-terminal, as a person sees it (:mod:`tui.bench.pty_run`): ``tradiecore run`` from exec to
To Do's first invoice number; then ``c``, to Customers' count line; then the filter (``/``) typed one key at a
time, each timed from the key to the new count line ("33 customers matching '42+1'"); then the process's peak
resident memory. The chart of accounts has no such text to wait for, so its filter is timed in TradieApp in this
process (Pilot, 100x30), connected to a sandbox's organisation: from each key to the refresh that draws the
filtered list (the screen's own filter, then ``call_after_refresh``).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tui.bench.pty_run import PtySession
from tui.bench.seeding import connect_custom, seed_home

CUSTOMER_FILTER = "42+1"  # each key changes the count line: a key that did not could not be seen
ACCOUNT_FILTER = "sales"


def _customer_count_lines(services, typed: str) -> list[str]:
    """The count line Customers shows when it opens, then after each key of ``typed`` (asked of the same query
    the screen asks)."""
    from tui.screens.customers import SHOWN
    from tui.widgets.customer_picker import count_text

    shown, total = services.customers("", SHOWN)
    lines = [count_text(len(shown), total, "")]
    for n in range(1, len(typed) + 1):
        shown, total = services.customers(typed[:n], SHOWN)
        lines.append(count_text(len(shown), total, typed[:n]))
        if lines[-1] == lines[-2]:
            raise SystemExit(f"typing {typed[:n]!r} leaves Customers' count line as it was ({lines[-1]!r}), so "
                             "the key cannot be timed on screen: use more customers")
    return lines


def _pty_run(env: dict[str, str], count_lines: list[str], say) -> tuple[float, float, list[float], float]:
    """To Do open, Customers open, each filter key (seconds) and the peak resident memory (MB) of one run."""
    session = PtySession([sys.executable, "-m", "tui", "run"], env)
    try:
        todo = session.wait_for(["TC-0"])["TC-0"]
        session.send(b"c")
        customers = session.wait_for([count_lines[0]])[count_lines[0]]
        # the list has the focus while the Footer shows its keys ("New customer"), the filter once they are gone
        session.wait_until(lambda screen: "New customer" in screen.lines()[-1], timeout=10)
        session.send(b"/")
        session.wait_until(lambda screen: "New customer" not in screen.lines()[-1], timeout=10)
        keys = []
        for ch, line in zip(CUSTOMER_FILTER, count_lines[1:]):
            session.send(ch.encode())
            keys.append(session.wait_for([line], timeout=10)[line])
        rss = session.peak_rss_mb()
    finally:
        session.close()
    if todo is None or customers is None or None in keys:
        say(f"not seen on screen: To Do {todo}, Customers {customers}, keys {keys}; last output:\n"
            f"{bytes(session.output[-1500:])!r}")
        raise SystemExit(1)
    return todo, customers, keys, rss


async def _account_keys(services) -> tuple[int, list[float]]:
    """The chart of accounts in TradieApp: the accounts it shows, and each filter key's time to the redraw."""
    from tui.app import TradieApp
    from tui.screens.account_picker import AccountPickerScreen

    app = TradieApp(services, background_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        overview = await asyncio.to_thread(services.xero.overview)
        mapping = overview.mappings[0]
        picker = AccountPickerScreen(mapping, overview.organisation)
        await app.push_screen(picker)
        while not picker.loaded:
            await pilot.pause(0.02)
        await pilot.pause()
        keys: list[float] = []
        filtered = picker.apply_filter
        t0 = 0.0

        def timed_filter(value: str) -> None:  # the screen's own filter, then the time once it is on screen
            filtered(value)
            picker.call_after_refresh(lambda: keys.append(time.perf_counter() - t0))

        picker.apply_filter = timed_filter
        for n, ch in enumerate(ACCOUNT_FILTER, 1):
            t0 = time.perf_counter()
            await pilot.press(ch)
            while len(keys) < n:
                await asyncio.sleep(0.001)
        return len(picker.accounts), keys


def bench_scale(invoices: int, customers: int, runs: int, say=print) -> int:
    from tui import config
    from tui.bench.sync import Sandbox
    from tui.secrets import FileSecretStore, secrets_file
    from tui.services import Services

    home = Path(tempfile.mkdtemp(prefix="tradiecore-scale-"))
    t0 = time.perf_counter()
    env = seed_home(home, invoices, customers)
    say(f"seeded {invoices:,} invoices for {customers:,} customers in {time.perf_counter() - t0:.1f} s")
    services = Services(config.load(env), user="bench")
    count_lines = _customer_count_lines(services, CUSTOMER_FILTER)
    services.close()

    todo, cust, keys, rss = [], [], [], []
    for _ in range(runs + 1):  # the first run warms the disk cache and is not counted
        run = _pty_run(env, count_lines, say)
        todo.append(run[0]), cust.append(run[1]), keys.append(max(run[2])), rss.append(run[3])
    todo, cust, keys, rss = todo[1:], cust[1:], keys[1:], rss[1:]

    sb = Sandbox()
    try:
        env = {**env, "TRADIECORE_XERO_BASE": sb.base_url, "TRADIECORE_XERO_CLIENT_ID": sb.info["custom_client_id"]}
        cfg = config.load(env)
        secrets = FileSecretStore(secrets_file(cfg))
        services = Services(cfg, user="bench", secrets=secrets)
        connect_custom(services, cfg, secrets, sb.info["custom_client_secret"])
        n_accounts, account_keys = asyncio.run(_account_keys(services))
        services.close()
    finally:
        sb.close()

    say(f"{runs} runs, 100x30 pseudo-terminal, `tradiecore run`; median (min-max)")
    say(f"  To Do's first rows from exec: {statistics.median(todo):.2f} s ({min(todo):.2f}-{max(todo):.2f})")
    say(f"  Customers open ('c' to its count line): {statistics.median(cust) * 1000:.0f} ms")
    say(f"  Customers filter, typing {CUSTOMER_FILTER!r}: slowest key {statistics.median(keys) * 1000:.0f} ms "
        f"({min(keys) * 1000:.0f}-{max(keys) * 1000:.0f})")
    say(f"  chart of accounts ({n_accounts} accounts, TradieApp under Pilot), typing {ACCOUNT_FILTER!r}: "
        f"slowest key {max(account_keys) * 1000:.0f} ms")
    say("")
    say(f"to do open s: {statistics.median(todo):.2f}")
    say(f"customers filter key ms: {statistics.median(keys) * 1000:.0f}")
    say(f"accounts filter key ms: {max(account_keys) * 1000:.0f}")
    say(f"peak rss mb: {max(rss):.0f}")
    ok = statistics.median(todo) <= 1 and statistics.median(keys) <= 0.1 and max(account_keys) <= 0.1 \
        and max(rss) <= 250
    return 0 if ok else 1
