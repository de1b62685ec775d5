"""``tradiecore status [--json]``: is the business's Xero sync well, for a person or a monitor.

Exit codes: 0 all well; 1 needs attention (sync errors, conflicts, the last pass failed, waiting for the revenue
accounts, the first sync awaiting review, no Xero tokens here); 2 not connected, or Disconnected; 3 the config,
the database or the Xero token store cannot be read. Nothing here calls Xero.
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.clock import utc_now
from tui.domain.text import visible
from tui.ops import fail, first_line, plural
from tui.credentials.user_store import SecretsError
from tui.sync.cadence import POLICY

OK, ATTENTION, NOT_CONNECTED, UNREADABLE = 0, 1, 2, 3
LABEL_WIDTH = 14
WIDTH = 80


@dataclass
class Status:
    connection: str = "not connected"  # "not connected" | "connected" | "disconnected"
    organisation: str = ""
    tenant_id: str = ""
    kind: str = ""  # "oauth" | "custom"
    reason: str = ""  # why it was disconnected
    since: datetime | None = None  # connected at, or disconnected at
    last_success_at: datetime | None = None
    last_run_at: datetime | None = None
    last_error: str = ""
    pending: int = 0
    errors: int = 0
    conflicts: int = 0
    problems: list[dict] = field(default_factory=list)  # the first few: invoice or customer, code, message
    syncing: str | None = None  # the label of the lease holder
    calls_today: int = 0
    cadence: str = ""  # "active" | "idle" | "overnight": how often the sync service reads Xero now
    attention: list[str] = field(default_factory=list)
    time_zone: str = "UTC"  # the business's: the times above are printed in it, with its offset

    @property
    def code(self) -> int:
        if self.connection != "connected":
            return NOT_CONNECTED
        return ATTENTION if self.attention else OK


class Unreadable(Exception):
    """The database or the token store cannot be read: exit 3, with this message."""


def gather(cfg, now: datetime | None = None) -> Status:
    """The status as stored in the database, plus whether this machine can read the Xero token set."""
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from tui.store.db import close_engine, make_engine, migrate, sqlite_path

    now = now or utc_now()
    path = sqlite_path(cfg.database_url)
    if path is not None and not path.exists():
        return Status(reason=f"no database yet at {path}")
    engine = None
    try:
        engine = make_engine(cfg.database_url)
        migrate(engine)
        return _read(cfg, engine, now)
    except (SQLAlchemyError, CommandError, sqlite3.Error, OSError) as exc:
        raise Unreadable(f"cannot read the database: {first_line(exc)}") from None
    finally:
        if engine is not None:
            close_engine(engine)


def _read(cfg, engine, now: datetime) -> Status:
    from sqlmodel import Session

    from tui.store.business import load_business
    from tui.store.xero_connections import active_connection
    from tui.sync.cadence import mode
    from tui.sync.presence import activity
    from tui.sync.status import headline, overview, problems

    with Session(engine) as s:
        time_zone = load_business(s).time_zone
        row = active_connection(s)
        ov = overview(s, row.tenant_id if row is not None else None, now)
        found = problems(s, limit=10)
        cadence = mode(now, activity(s, now), time_zone)
    st = Status(pending=ov.pending, errors=ov.errors, conflicts=ov.conflicts, last_success_at=ov.last_success_at,
                last_run_at=ov.last_run_at, last_error=ov.last_error, syncing=ov.held_by,
                calls_today=ov.calls_today, cadence=cadence, time_zone=time_zone,
                problems=[{"kind": p.kind, "title": p.title, "code": p.code, "message": p.message} for p in found])
    if row is None:
        return st
    st.organisation, st.tenant_id, st.kind = row.tenant_name, row.tenant_id, row.kind
    if row.status == "disconnected":
        st.connection, st.reason, st.since = "disconnected", row.reason, row.disconnected_at
        return st
    st.connection, st.since = "connected", row.connected_at
    if not _tokens_here(cfg, engine, row.tenant_id):
        st.attention.append("no Xero token set on this machine: connect again here")
    if ov.errors:
        st.attention.append(plural(ov.errors, "sync error"))
    if ov.conflicts:
        st.attention.append(plural(ov.conflicts, "conflict"))
    if ov.accounts_pending:
        st.attention.append("the sync waits for the revenue accounts: review them on the app's Xero screen")
    elif ov.needs_confirmation:
        st.attention.append("the first sync waits for review on the app's Sync screen")
    elif ov.last_error:
        st.attention.append(f"the last pass failed: {headline(ov.last_error)}")
    return st


def _tokens_here(cfg, engine, tenant_id: str) -> bool:
    """Load the organisation's token set the way the sync does (no call to Xero); Unreadable if that fails."""
    from tui.credentials.user_store import TokenStoreUnreadable
    from tui.credentials.site_store import open_secrets
    from tui.xero.tokens import TokenKeyError
    from tui.connection.factory import organisation_store

    try:
        return organisation_store(cfg, tenant_id, open_secrets(cfg, engine), engine).load() is not None
    except TokenStoreUnreadable as exc:  # a site install's key: the message says where and why
        raise Unreadable(first_line(exc)) from None
    except (SecretsError, TokenKeyError) as exc:  # no permission, no key file; PostgreSQL: no or the wrong key
        raise Unreadable(f"cannot read the Xero token store: {first_line(exc)}") from None


# -- output ---------------------------------------------------------------------------------------------------

def local_time(at: datetime, time_zone: str) -> str:
    """``at`` in the business's time zone, with its offset: "2026-12-07 12:44 AEDT (+11:00)"."""
    try:
        local = at.astimezone(ZoneInfo(time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        local = at.astimezone(timezone.utc)
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"
    name = local.tzname() or ""
    label = offset if not name or name.startswith(("+", "-")) else f"{name} ({offset})"
    return f"{local:%Y-%m-%d %H:%M} {label}"


def _when(at: datetime | None, now: datetime, time_zone: str) -> str:
    from tui.sync.status import ago

    return f"{ago(at, now)} ({local_time(at, time_zone)})" if at is not None else "never"


def lines(st: Status, now: datetime) -> list[tuple[str, str]]:
    if st.connection == "not connected":
        conn = "Not connected to Xero" + (f" ({st.reason})" if st.reason else "")
    elif st.connection == "disconnected":
        conn = f"Disconnected {_when(st.since, now, st.time_zone)}: {st.reason or 'Xero ended the connection'}"
    else:
        kind = "custom connection" if st.kind == "custom" else "signed in"
        conn = f"Connected ({kind}) since {local_time(st.since, st.time_zone)}" if st.since \
            else f"Connected ({kind})"
    found = [plural(st.errors, "sync error")] if st.errors else []
    found += [plural(st.conflicts, "conflict")] if st.conflicts else []
    out = [("Organisation", st.organisation or "-"), ("Connection", conn),
           ("Last sync", _when(st.last_success_at, now, st.time_zone)), ("Pending", str(st.pending)),
           ("Problems", ", ".join(found) or "none"),
           ("Who syncs", st.syncing or "nobody at the moment"), ("Calls today", str(st.calls_today))]
    if st.connection == "connected":
        out.append(("Cadence", f"{st.cadence} now; the sync reads Xero {POLICY}"))
    if st.code == OK:
        out.append(("Status", "All well"))
    elif st.code == ATTENTION:
        out.append(("Status", "Needs attention: " + "; ".join(st.attention)))
    else:
        if st.connection == "not connected":
            advice = "connect in the app (Settings, Integrations) or with tradiecore connect --custom"
        elif st.kind == "custom":
            advice = "run tradiecore connect --custom again, or select Continue on the app's Xero screen"
        else:
            advice = "select Continue on the app's Xero screen"
        out.append(("Status", f"Not syncing: {advice}"))
    return out


def render(st: Status, now: datetime) -> str:
    """Aligned ``label  value`` lines, wrapped to 80 columns."""
    text = []
    for label, value in lines(st, now):
        text += textwrap.wrap(value, WIDTH, initial_indent=label.ljust(LABEL_WIDTH),
                              subsequent_indent=" " * LABEL_WIDTH, break_on_hyphens=False) or [label]
    return "\n".join(text)


def as_json(st: Status) -> str:
    data = asdict(st)
    for key in ("since", "last_success_at", "last_run_at"):
        data[key] = data[key].isoformat() if data[key] is not None else None
    data["exit_code"] = st.code
    return json.dumps(data, indent=2)


def status(cfg, *, json_output: bool = False) -> int:
    now = utc_now()
    try:
        st = gather(cfg, now)
    except Unreadable as exc:
        if json_output:
            print(json.dumps({"error": str(exc), "exit_code": UNREADABLE}, indent=2))
        return fail(str(exc), UNREADABLE)
    print(as_json(st) if json_output else visible(render(st, now), lines=True))  # names from Xero: text only
    return st.code
