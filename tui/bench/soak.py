"""A kill -9 soak of the sync: ``python -m tui.bench soak [--kills 20] [--invoices 200] [--seed N] [--db URL]``.

A fresh database with N sent invoices, connected (custom connection) to a sandbox whose every call waits
``latency``, so a pass lasts long enough to be killed mid-way. Then, until K passes have been killed:

1. with no syncer running: new customers with sent invoices (their contacts are created by the next pass),
   edits here, and edits in Xero (invoices and contacts);
2. a real ``tradiecore sync --once`` subprocess; while it runs, more edits here, at random moments and,
   by chance, right as it starts a batch (e.g. while the contacts of the new customers are being created);
   one pass in two, a Xero user also saves a contact between two of its requests (the sandbox's hook, as it
   reads contacts or invoices), and the same customer is edited here in that pass, often the same field;
3. SIGKILL at a random moment: after a random number of its API calls (as the sandbox counts them) plus a
   random part of a call (a call cut off while it waits out the latency never reaches Xero), or, one pass in
   three, once Xero has done a random one of its writes but holds the answer back.

Then clean passes until the sync queue is empty (at most ``SETTLE_PASSES``), and the verdict:

- duplicates: invoice numbers or contact names Xero holds more than once;
- missing: sent invoices that are not in Xero;
- lost edits: edits, made on either side, whose value is not both here and in Xero at the end (the last
  edit of each field counts). A customer's field edited on both sides and held as a conflict is kept only
  when the conflict shows both sides' last values (:mod:`tui.bench.soak_contacts`); the conflicts are
  counted apart.

Edits here are made the way the app makes them: ``save_customer`` (phone, email) and ``save_invoice``
(reference, due date), each enqueuing its push. Edits in Xero go through the sandbox's control API as a Xero
user would: an invoice's reference or due date while no syncer runs (in real Xero too, a change made while a
write of the same invoice is in flight is overwritten by that write: its API has no conditional update), and
a contact's phone or email, while no syncer runs or between two of a pass's reads. Each invoice's reference is
edited on one side only and its due date on the other; a customer's phone and email are edited on both.

``tests/sync/test_soak.py`` runs the same soak with CI-sized numbers.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tui.bench.childenv import ROOT, child_env, home_dirs
from tui.bench.soak_contacts import ContactEdits
from tui.bench.soak_edits import PREFIX, Edit, Edits, Lost

SETTLE_PASSES = 8
PASS_TIMEOUT_S = 120.0


def sync_env(base_url: str, client_id: str, dirs: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment of a ``tradiecore sync`` subprocess against ``base_url`` on ``dirs`` (config, data and
    site: :func:`tui.bench.childenv.child_env`), secrets in the file, plus ``extra``."""
    return child_env(dirs, TRADIECORE_XERO_BASE=base_url, TRADIECORE_XERO_CLIENT_ID=client_id,
                     TRADIECORE_SECRETS_STORE="file", **extra)


def start_sync(env: dict[str, str], log: Path, *, once: bool = True) -> subprocess.Popen:
    """``tradiecore sync [--once] --log-file LOG`` as a subprocess."""
    return subprocess.Popen([sys.executable, "-m", "tui", "sync", *(["--once"] if once else []), "--log-file",
                             str(log)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class SoakReport:
    seed: int
    kills: int = 0
    finished: int = 0  # passes that ended before their kill moment
    kill_phases: Counter = field(default_factory=Counter)
    edits: list[Edit] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    lost: list[Lost] = field(default_factory=list)
    conflicts: int = 0
    pending: int = 0
    wall: float = 0.0

    def lines(self) -> list[str]:
        sides = Counter(f"{e.side} {'while the sync was down' if e.when.startswith('sync down') else 'during a pass'}"
                        for e in self.edits)
        kinds = Counter(f"{e.what} edited in {e.side} {e.when}" for e in (x.edit for x in self.lost))
        return [
            *(str(x) for x in self.lost),
            *(f"duplicate: {d}" for d in self.duplicates),
            *(f"missing: {m}" for m in self.missing),
            "kills by what the syncer was doing: " + ", ".join(f"{k} {n}" for k, n in self.kill_phases.most_common()),
            "edits: " + ", ".join(f"{k} {n}" for k, n in sorted(sides.items())),
            *(f"lost kind: {k} {n}" for k, n in kinds.most_common()),
            f"passes finished before their kill moment: {self.finished}",
            f"conflicts: {self.conflicts}",
            f"pending after settling: {self.pending}",
            f"seed: {self.seed}",
            f"kills: {self.kills}",
            f"duplicates: {len(self.duplicates)}",
            f"missing: {len(self.missing)}",
            f"lost edits: {len(self.lost)}",
            f"wall time: {self.wall:.1f} s",
        ]


@dataclass
class KillPlan:
    """How one pass of :meth:`Soak.run_pass` is killed, and what is edited here while it runs."""

    kill: bool  # killed at all (else a clean pass)
    held: bool  # once Xero has done a write but holds its answer back, else after ``target`` calls
    target: int
    extra: float  # seconds after that moment
    edit_at: list[float]  # seconds into the pass when a customer or invoice is edited here
    armed: tuple | None  # a contact a Xero user saves between two of the pass's requests (soak_contacts)
    both: bool  # that customer edited here in this pass too


class Soak(Edits, ContactEdits):
    """One soak against a running sandbox (``tui.sandbox.harness.run_sandbox``), in ``workdir``."""

    def __init__(self, sandbox, workdir: Path, seed: int, *, db_url: str = "", latency: float = 0.1):
        from tui import config
        from tui.credentials.user_store import FileSecretStore, secrets_file
        from tui.services import Services

        self.sandbox, self.control, self.latency = sandbox, sandbox.control, latency
        self.rng = random.Random(seed)
        self.report = SoakReport(seed)
        extra = {"TRADIECORE_DATABASE_URL": db_url} if db_url else {}
        self.env = sync_env(sandbox.base_url, sandbox.custom_client_id, home_dirs(workdir), **extra)
        self.cfg = config.load(env=self.env)
        self.secrets = FileSecretStore(secrets_file(self.cfg))
        self.services = Services(self.cfg, user="office", secrets=self.secrets)
        self.log = workdir / "sync.log"
        self.customers: dict[int, str] = {}  # id -> name
        self.invoices: dict[int, str] = {}  # id -> number
        self.recent: list[int] = []  # invoices sent or edited here, latest last
        self.calls_guess = 12  # API calls of a pass, to pick a kill moment among; learnt from finished passes
        self.finished_calls: list[int] = []
        self.writes_guess = 6
        self.seconds_guess = 2.0
        self.last_kill = ""  # what the last pass was doing when it was killed; "" if it finished

    # -- set-up ---------------------------------------------------------------------------------------------------
    def setup(self, invoices: int, customers: int) -> None:
        from sqlmodel import select

        from tui.bench.seeding import connect_custom, seed
        from tui.store.tables import CustomerRow, InvoiceRow

        self.control.configure(latency=self.latency, minute_limit=100_000, day_limit=1_000_000)
        seed(self.services, invoices, customers, PREFIX)
        with self.services.session() as s:
            self.customers = dict(s.exec(select(CustomerRow.id, CustomerRow.name)).all())
            self.invoices = dict(s.exec(select(InvoiceRow.id, InvoiceRow.number)).all())
        self.tenant_id = connect_custom(self.services, self.cfg, self.secrets, self.sandbox.custom_client_secret)

    # -- passes ---------------------------------------------------------------------------------------------------
    def _requests(self, writes: bool = False) -> int:
        return sum(n for k, n in self.control.counters()["requests"].items()
                   if not writes or k.split()[0] in ("PUT", "POST"))

    def one_round(self) -> None:
        """Edits with no syncer running, then a pass with edits while it runs, killed at a random moment."""
        when = f"sync down after a kill during '{self.last_kill}'" if self.last_kill else "sync down"
        for _ in range(self.rng.randint(0, 2)):
            self._new_customer()
        for _ in range(self.rng.randint(1, 3)):
            self._edit_here(when)
        for _ in range(self.rng.randint(1, 3)):
            self._edit_in_xero(when)
        for _ in range(self.rng.randint(0, 2)):
            self._edit_contact_in_xero(when)
        self.run_pass(kill=True)

    def run_pass(self, kill: bool) -> None:
        """One ``tradiecore sync --once``; ``kill``: SIGKILL it at a random moment, either after a random number
        of its API calls plus a random part of one (a call cut off then never reaches Xero), or (one pass in
        three) once Xero has done a random one of its writes but holds the answer back."""
        control = self.control
        offset = self.log.stat().st_size if self.log.exists() else 0
        base, base_writes = self._requests(), self._requests(writes=True)
        plan = self._plan(kill)
        proc = start_sync(self.env, self.log)
        t0 = time.monotonic()
        try:
            phase = self._watch(proc, plan, base, offset, t0)
            _, err = proc.communicate(timeout=30)
        finally:
            control.clear_faults()
            control.release_holds()  # Xero's answer goes nowhere: the process that asked is gone
            self._settle_armed(plan.armed)
        if proc.returncode == -signal.SIGKILL:
            self.last_kill = phase + (" (its write done in Xero, the answer not received)" if plan.held else "")
            self.report.kills += 1
            self.report.kill_phases[self.last_kill] += 1
            return
        if proc.returncode not in (0, 1):  # 1: the pass ended with problems to show (still a clean exit)
            raise RuntimeError(f"tradiecore sync exited with {proc.returncode}: {err.decode()[-2000:]}")
        self.last_kill = ""
        self.report.finished += kill
        self.finished_calls = [*self.finished_calls[-2:], self._requests() - base]
        self.calls_guess = max(2, *self.finished_calls) + 1  # a pass may do more than the last ones did
        self.writes_guess = max(1, self._requests(writes=True) - base_writes)
        self.seconds_guess = max(1.0, time.monotonic() - t0)

    def _plan(self, kill: bool) -> KillPlan:
        """When the next pass is killed and what is edited while it runs (a held write is injected now)."""
        rng, control = self.rng, self.control
        held = kill and rng.random() < 1 / 3
        if held:
            nth = rng.randint(1, max(1, self.writes_guess))
            if nth > 1:  # the writes before it go through as usual
                control.inject("latency", nth - 1, methods=["PUT", "POST"], seconds=0)
            control.inject("hold", 1, methods=["PUT", "POST"])
        target = rng.randint(1, max(2, self.calls_guess))
        extra = rng.uniform(0, 1.5 * self.latency) if not held else rng.uniform(0, 0.05)
        edit_at = sorted(rng.uniform(0, self.seconds_guess) for _ in range(rng.randint(0, 3))) if kill else []
        armed = self._arm_xero_edit() if kill and rng.random() < 0.5 else None
        both = armed is not None and rng.random() < 0.8  # the same customer edited here in this pass too
        return KillPlan(kill, held, target, extra, edit_at, armed, both)

    def _watch(self, proc: subprocess.Popen, plan: KillPlan, base: int, offset: int, t0: float) -> str:
        """Until the pass ends, or is killed as ``plan`` says: edits here as it starts a batch (its log says so)
        and at the planned moments. Returns what it was last doing."""
        rng, control, kill = self.rng, self.control, plan.kill
        phase, kill_at = "starting", None
        while proc.poll() is None:
            now = time.monotonic()
            for line in self._log_lines(offset):
                offset += len(line)
                phase = _phase(line.decode("utf-8", "replace"))
                if plan.both:  # the customer Xero's user is about to save, edited here as the pass starts
                    plan.both = False
                    same = rng.random() < 0.5
                    armed = plan.armed
                    self._edit_here(f"during '{phase}'", customer_id=armed[0],
                                    name=armed[1] if same else ("email" if armed[1] == "phone" else "phone"))
                if kill and rng.random() < 0.6:  # as the syncer starts a batch
                    self._edit_here(f"during '{phase}'", unlinked_first=phase.startswith("Creating"))
            if plan.edit_at and now - t0 >= plan.edit_at[0]:
                plan.edit_at.pop(0)
                self._edit_here(f"during '{phase}'")
            if kill and kill_at is None and (control.wait_for_held(1, timeout=0) if plan.held
                                             else self._requests() - base >= plan.target):
                kill_at = now + plan.extra
            if kill_at is not None and now >= kill_at:
                proc.send_signal(signal.SIGKILL)
                break
            if now - t0 > PASS_TIMEOUT_S:
                proc.kill()
                raise RuntimeError(f"a sync pass ran over {PASS_TIMEOUT_S:.0f} s")
            time.sleep(0.01)
        return phase

    def _log_lines(self, offset: int) -> list[bytes]:
        """Whole lines the sync has logged from byte ``offset`` on."""
        if not self.log.exists():
            return []
        with open(self.log, "rb") as fh:
            fh.seek(offset)
            text = fh.read()
        lines = text.splitlines(keepends=True)
        return lines if text.endswith(b"\n") else lines[:-1]

    def settle(self) -> None:
        """Clean passes, without latency, until nothing is left to push but what waits for a conflict's choice (or
        ``SETTLE_PASSES`` of them)."""
        from sqlalchemy import func
        from sqlmodel import select

        from tui.store.sync_tables import SyncOutboxRow
        from tui.sync import outbox

        self.control.configure(latency=0.0)
        for _ in range(SETTLE_PASSES):
            self.run_pass(kill=False)
            with self.services.session() as s:  # a change held for a conflict waits for the user, not the sync
                self.report.pending = s.exec(select(func.count()).select_from(SyncOutboxRow).where(
                    SyncOutboxRow.held != outbox.HELD_CONFLICT)).one()
            if not self.report.pending:
                return

    # -- verdict --------------------------------------------------------------------------------------------------
    def verdict(self) -> None:
        from sqlmodel import col, select

        from tui.store.sync_tables import SyncConflictRow
        from tui.xero import wire

        org = self.control.snapshot()["organisations"][self.tenant_id]
        numbers = Counter(i["InvoiceNumber"] for i in org["Invoices"] if i["InvoiceNumber"].startswith(PREFIX))
        names = Counter(c["Name"] for c in org["Contacts"])
        r = self.report
        r.duplicates = [f"invoice {n} x{k}" for n, k in sorted(numbers.items()) if k > 1] + \
            [f"contact {n!r} x{k}" for n, k in sorted(names.items()) if k > 1]
        r.missing = [n for n in sorted(self.invoices.values()) if n not in numbers]
        by_number = {i["InvoiceNumber"]: i for i in org["Invoices"]}
        contacts = {c["ContactID"]: c for c in org["Contacts"]}
        with self.services.session() as s:
            rows = s.exec(select(SyncConflictRow).where(col(SyncConflictRow.resolved_at).is_(None))).all()
            held = {(row.invoice_id, row.field) for row in rows if row.kind == "invoice"}
            held_contacts = {(row.invoice_id, row.field): json.loads(row.remote) for row in rows
                             if row.kind == "contact"}
        r.conflicts = len(held) + len(held_contacts)
        r.lost = self._customer_lost(r.edits, contacts, held_contacts)
        last: dict[tuple, Edit] = {}
        for e in sorted(r.edits, key=lambda e: e.at):
            last[e.key] = e
        for (kind, entity_id, name), e in last.items():
            if kind != "invoice" or (entity_id, name) in held:  # customers above; a conflict waits for the user
                continue
            inv = self.services.invoice(entity_id)
            here = inv.reference if name == "reference" else inv.due_date.isoformat()
            xi = by_number.get(inv.number, {})
            xero = str(xi.get("Reference") or "") if name == "reference" else \
                (wire.parse_date(xi["DueDate"]).isoformat() if xi.get("DueDate") else "")
            if here != e.value or xero != e.value:
                r.lost.append(Lost(e, here, xero))


def _phase(line: str) -> str:
    """What a line of the sync's log says it is doing, counts left out: "Creating N contacts in Xero"."""
    message = line.strip().split(" ", 3)[-1]
    return "exiting" if message.startswith("Synced") else re.sub(r"\d+", "N", message)


def run_soak(sandbox, workdir: Path, *, kills: int, invoices: int = 200, customers: int = 60, seed: int | None = None,
             db_url: str = "", latency: float = 0.1, say: Callable[[str], None] = lambda line: None) -> SoakReport:
    """Seed, connect, kill ``kills`` passes (at most four tries a kill), settle, judge. ``say``: progress lines."""
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    say(f"seed: {seed}")
    t0 = time.perf_counter()
    soak = Soak(sandbox, workdir, seed, db_url=db_url, latency=latency)
    try:
        soak.setup(invoices, customers)
        tries = 0
        while soak.report.kills < kills and tries < 4 * kills:
            tries += 1
            soak.one_round()
            say(f"round {tries}: {soak.report.kills} kill(s), {len(soak.report.edits)} edit(s)")
        soak.settle()
        soak.verdict()
    finally:
        soak.services.engine.dispose()
    soak.report.wall = time.perf_counter() - t0
    return soak.report

