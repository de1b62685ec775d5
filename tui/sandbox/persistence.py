"""Keeping a sandbox's state in a JSON file (`tradiecore sandbox --state FILE`) across restarts.

Organisations, users, apps, connections, grants, tokens (as digests), idempotency records and the clock's
offset are kept; faults, counters, rate-limit windows and login sessions are not. Writes go to a temporary file
that then replaces the old one, so a crash never leaves half a file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.sandbox import models
from tui.sandbox.clock import SandboxClock
from tui.sandbox.settings import Settings
from tui.sandbox.state import IdempotentResponse, SandboxState

FORMAT = 1
_TABLES = ("organisations", "users", "clients", "connections", "grants", "codes", "access_tokens",
           "refresh_tokens", "idempotency")
_TYPES = {cls.__name__: cls for cls in (
    models.Account, models.TaxRate, models.Contact, models.LineItem, models.Invoice, models.Payment,
    models.CreditNote, models.Allocation,
    models.Organisation, models.User, models.Client, models.Connection, models.Grant, models.AuthCode,
    models.AccessToken, models.RefreshToken, IdempotentResponse,
)}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        out = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        out["$type"] = type(value).__name__
        return out
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    fields = {k: _decode(v) for k, v in value.items() if k != "$type"}
    if "$type" in value:
        return _TYPES[value["$type"]](**fields)
    return fields


def to_json(state: SandboxState) -> str:
    with state.lock:
        doc = {"format": FORMAT, "clock_offset": state.clock.offset_seconds}
        doc.update({table: _encode(getattr(state, table)) for table in _TABLES})
        return json.dumps(doc, indent=1)


def save(state: SandboxState, path: Path) -> None:
    text = to_json(state)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path, *, settings: Settings | None = None) -> SandboxState:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not a sandbox state file this version can read")
    state = SandboxState(clock=SandboxClock(doc["clock_offset"]), settings=settings)
    for table in _TABLES:
        setattr(state, table, _decode(doc[table]))
    return state


def attach(state: SandboxState, path: Path) -> None:
    """Write the state to `path` now and after every committed change."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state.persist = lambda: save(state, path)
    state.persist()
