"""The chart-of-accounts filter of ``python -m tui.bench scale``: a chart of 1,000 revenue accounts, as a person sees
it in a 100x30 pseudo-terminal.

A business with no invoices, connected (custom connection) to a sandbox in this process whose organisation has
1,000 revenue accounts besides its own chart. ``tradiecore run``; then ``s``, ``i``, ``x`` (Settings,
Integrations, the Xero screen), Enter on the first revenue category, and the chart opens ("Showing 200 of N").
Then the filter typed one key at a time, each timed from the key to the redraw that shows its result: the first
row of the list and the line under it as the screen's own filter makes them (worked out beforehand from the same
chart, and checked to change with every key, so each key can be seen)."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

from tui.bench.pty_run import PtySession, Screen

ACCOUNTS = 1000
TYPED = "1999"  # each key changes the first row or the line under the list


def add_accounts(sb, tenant_id: str, count: int = ACCOUNTS) -> None:
    """``count`` active revenue accounts, codes R1000 on, in the sandbox's organisation."""
    from tui.sandbox.models import Account

    org = sb.state.organisations[tenant_id]
    now = datetime.now(timezone.utc)
    for n in range(count):
        account = Account(account_id=str(uuid.uuid4()), code=f"R{1000 + n}", name=f"Income stream {n % 37}",
                          type="REVENUE", tax_type="OUTPUT", updated=now)
        org.accounts[account.account_id] = account


def expected_states(services, typed: str) -> list[tuple[str, str]]:
    """What the chart shows when it opens, then after each key of ``typed``: (the first row's code, the message
    under the list), from the same accounts and the screen's own matching."""
    from tui.screens.xero.account_picker import MAX_SHOWN, matches

    accounts = services.connection.chart_of_accounts()
    states = []
    for n in range(len(typed) + 1):
        found = [a for a in accounts if matches(a, typed[:n].lower().split())]
        message = f"Showing {MAX_SHOWN} of {len(found)}" if len(found) > MAX_SHOWN else ""
        # unfiltered, the list opens at the current account; filtered, at its first
        states.append((found[0].code if found and n else "", message))
        if n and states[-1] == states[-2]:
            raise SystemExit(f"typing {typed[:n]!r} leaves the chart as it was: the key cannot be timed on screen")
    return states


def _shows(state: tuple[str, str]):
    code, message = state

    def check(screen: Screen) -> bool:
        lines = screen.lines()
        head = next((i for i, line in enumerate(lines) if "Code" in line and "Tax type" in line), None)
        rows = [line for line in lines[head + 1:] if line.strip()[:1] not in ("", "╭")] if head is not None else []
        if code and not (rows and code in rows[0]):
            return False
        return message in "\n".join(lines) if message else not any("Showing " in line for line in lines)
    return check


def time_filter_keys(env: dict[str, str], states: list[tuple[str, str]], typed: str = TYPED) -> list[float]:
    """``tradiecore run`` in a pseudo-terminal, to the chart; seconds from each key to its result on screen."""
    session = PtySession([sys.executable, "-m", "tui", "run"], env)
    try:
        steps = [(None, lambda s: s.shows("To Do")), (b"s", lambda s: s.shows("Integrations")),
                 (b"i", lambda s: "Manage Xero" in s.lines()[-1]), (b"x", lambda s: s.shows("Labour")),
                 (b"\r", _shows(states[0]))]
        for keys, seen in steps:
            if keys:
                session.send(keys)
            if session.wait_until(seen, timeout=60) is None:
                raise SystemExit(f"the chart of accounts never opened; the screen:\n" + "\n".join(session.screen.lines()))
        times = []
        for ch, state in zip(typed, states[1:]):
            session.send(ch.encode())
            took = session.wait_until(_shows(state), timeout=10)
            if took is None:
                raise SystemExit(f"typing {ch!r} never showed {state}; the screen:\n" + "\n".join(session.screen.lines()))
            times.append(took)
        return times
    finally:
        session.close()


def bench_chart(home: Path, runs: int, say=print) -> tuple[int, list[float]]:
    """The accounts the chart shows and, per run, the slowest key (seconds); the first run warms up, not counted."""
    from tui import config
    from tui.bench.seeding import connect_custom, seed_home
    from tui.sandbox.harness import run_sandbox
    from tui.credentials.user_store import FileSecretStore, secrets_file
    from tui.services import Services

    with run_sandbox() as sb:
        env = seed_home(home, 0, 0, {"TRADIECORE_XERO_BASE": sb.base_url,
                                     "TRADIECORE_XERO_CLIENT_ID": sb.custom_client_id})
        cfg = config.load(env)
        secrets = FileSecretStore(secrets_file(cfg))
        services = Services(cfg, user="bench", secrets=secrets)
        try:
            tenant_id = connect_custom(services, cfg, secrets, sb.custom_client_secret)
            add_accounts(sb, tenant_id)
            count = len(services.connection.chart_of_accounts())
            states = expected_states(services, TYPED)
        finally:
            services.close()
        slowest = [max(time_filter_keys(env, states)) for _ in range(runs + 1)][1:]
    return count, slowest
