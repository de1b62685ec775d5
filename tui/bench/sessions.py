"""``python -m tui.bench sessions``: several people on one business at the same instant, on SQLite and PostgreSQL.

Two real sessions, each its own process with its own :class:`~tui.services.Services` (and so its own engine and
connections), do the same thing at the same moment (a :class:`multiprocessing.Barrier`) through the services the
app's screens call, for each database in turn:

- ``send race: N trials, emails: N, duplicates: 0``: both send the same draft; the emails are counted in the
  local outbox (one Maildir the two share), per invoice number.
- ``number race: N saves, clashes: 0``: both save a new invoice; a clash is a save refused or a number twice.
- ``change seen by the other session: p50 X ms, max Y ms`` and ``sent to in Xero: p50 X ms, p95 Y ms``: how
  soon a change reaches everyone (:mod:`tui.bench.seen`).

One function per measured line (:data:`MEASURES`): each takes the :class:`Shop` and returns its line and whether
it met its target. PostgreSQL runs when ``--db URL`` names a scratch database, or in a throwaway database made on
the server ``TRADIECORE_TEST_POSTGRES_URL`` names.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from tui.bench.scratch_db import throwaway_database
from tui.bench.seen import change_seen, sent_to_xero
from tui.bench.targets import Target, verdict

BUSINESS = ("Harbour City Plumbing", "accounts@hcp.example")
PEOPLE = ("alice", "bob")


@dataclass
class Shop:
    """One business's database (``url``) and data dir (the outbox both sessions deliver into)."""

    label: str
    url: str
    work: Path
    trials: int
    customer_id: int = 0

    def services(self, user: str):
        from tui.config import Config, DatabaseConfig, SecretsConfig
        from tui.services import Services

        cfg = Config(database=DatabaseConfig(url=self.url), secrets=SecretsConfig(store="file"),
                     config_dir=self.work / f"config-{user}", data_dir=self.work / "data")
        return Services(cfg, user=user)


def _session(shop: Shop, user: str, mode: str, args: list[int], barrier, results) -> None:
    """One person's process: at the barrier of each trial, send the draft (``send``) or save a new invoice
    (``number``); what happened goes back on ``results`` as (user, trial, outcome, detail)."""
    from tui.domain.invoice import LineItem
    from tui.store.errors import SendClaimed

    services = shop.services(user)
    try:
        services.business()  # engine made and migrated before the first barrier
        for trial, arg in enumerate(args):
            if mode == "send":
                inv = services.invoice(arg)
                barrier.wait()
                try:
                    services.send_invoice(inv)
                    results.put((user, trial, "sent", inv.number))
                except SendClaimed as exc:
                    results.put((user, trial, "claimed", str(exc)))
                except Exception as exc:  # counted as what it is, never hidden
                    results.put((user, trial, "error", f"{type(exc).__name__}: {exc}"))
            else:
                inv = services.new_invoice(shop.customer_id)
                inv.lines = [LineItem(f"Job {trial} by {user}", Decimal("1"), Decimal("95.00"))]
                barrier.wait()
                try:
                    results.put((user, trial, "saved", services.save_invoice(inv).number))
                except Exception as exc:
                    results.put((user, trial, "error", f"{type(exc).__name__}: {exc}"))
    finally:
        services.close()


def _race(shop: Shop, mode: str, args: list[int]) -> list[tuple]:
    """Both people's processes, started together; every outcome once they are done."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(PEOPLE), timeout=120), ctx.Queue()
    procs = [ctx.Process(target=_session, args=(shop, user, mode, args, barrier, results)) for user in PEOPLE]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=600) for _ in range(len(PEOPLE) * len(args))]
    for p in procs:
        p.join(timeout=60)
    return outcomes


def send_race(shop: Shop) -> tuple[str, Target]:
    from email import policy
    from email.parser import BytesParser

    from tui.mail.transport import list_outbox

    services = shop.services("owner")
    ids = [_draft(services, shop.customer_id, n) for n in range(shop.trials)]
    numbers = [services.invoice(i).number for i in ids]
    services.close()
    outcomes = _race(shop, "send", ids)
    mailed = Counter()
    for item in list_outbox(shop.work / "data" / "outbox"):
        with item.path.open("rb") as fh:
            message = BytesParser(policy=policy.default).parse(fh)
        mailed.update(p.get_filename().removeprefix("Tax-Invoice-").removesuffix(".pdf")
                      for p in message.iter_attachments())
    emails = sum(mailed[n] for n in numbers)
    duplicates = sum(max(0, mailed[n] - 1) for n in numbers)
    errors = [o for o in outcomes if o[2] == "error"]
    line = f"send race: {shop.trials} trials, emails: {emails}, duplicates: {duplicates}"
    if errors:
        line += f", errors: {len(errors)} (first: {errors[0][3]})"
    return line, Target("send race emails over one a draft", abs(shop.trials - emails) + duplicates + len(errors), 0)


def number_race(shop: Shop) -> tuple[str, Target]:
    outcomes = _race(shop, "number", list(range(shop.trials)))
    numbers = Counter(o[3] for o in outcomes if o[2] == "saved")
    errors = [o for o in outcomes if o[2] == "error"]
    clashes = len(errors) + sum(n - 1 for n in numbers.values() if n > 1)
    line = f"number race: {len(outcomes)} saves, clashes: {clashes}"
    if errors:
        line += f" (first: {errors[0][3]})"
    return line, Target("number race clashes", clashes, 0)


#: The measured lines, in order: each takes the Shop and returns its line and its target.
MEASURES: list[Callable[[Shop], tuple[str, Target]]] = [send_race, number_race, change_seen, sent_to_xero]


def _draft(services, customer_id: int, n: int) -> int:
    from tui.domain.invoice import LineItem

    inv = services.new_invoice(customer_id)
    inv.lines = [LineItem(f"Blocked drain {n}", Decimal("1"), Decimal("180.00"))]
    return services.save_invoice(inv).id


@contextmanager
def _shop(label: str, url: str | None, trials: int) -> Iterator[Shop]:
    """A business made for the run: the database at ``url`` (None: a new SQLite file), its details and a
    customer; its files removed afterwards."""
    from tui.domain.business import BusinessDetails
    from tui.domain.customer import Customer

    work = Path(tempfile.mkdtemp(prefix="tradiecore-sessions-"))
    try:
        shop = Shop(label, url or f"sqlite:///{work / 'data' / 'tradiecore.db'}", work, trials)
        services = shop.services("owner")
        services.save_business(BusinessDetails(name=BUSINESS[0], email=BUSINESS[1]))
        shop.customer_id = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com")).id
        services.close()
        yield shop
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _databases(db: str) -> Iterator[list[tuple[str, str | None]]]:
    server = os.environ.get("TRADIECORE_TEST_POSTGRES_URL", "")
    if db:
        yield [("SQLite", None), ("PostgreSQL", db)]
    elif server:
        with throwaway_database(server, "tradiecore_bench") as url:
            yield [("SQLite", None), ("PostgreSQL", url)]
    else:
        yield [("SQLite", None)]


def bench_sessions(trials: int = 20, db: str = "", say: Callable[[str], None] = print) -> int:
    """Every measured line for each database, then a PASS or MISS line a target; 0 when every one met its target."""
    targets: list[Target] = []
    with _databases(db) as databases:
        for label, url in databases:
            say(f"{label}:")
            with _shop(label, url, trials) as shop:
                for measure in MEASURES:
                    started = time.perf_counter()
                    line, target = measure(shop)
                    targets.append(replace(target, name=f"{label} {target.name}"))
                    say(f"  {line}  ({time.perf_counter() - started:.1f} s)")
    if len(databases) == 1:
        say("(PostgreSQL: give --db URL, or set TRADIECORE_TEST_POSTGRES_URL)")
    return verdict(targets, say)
