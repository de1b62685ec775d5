"""Three-way merge of an invoice changed both here and in Xero since the last sync (pure functions).

``base`` is the invoice as Xero last confirmed it (the snapshot stored at the last sync), ``local`` is ours
now and ``remote`` is Xero's now, all as merge views (:func:`tui.sync.mapping.invoice_view`). Field by field:
a field changed on one side only takes that side's value; changed to the same value on both, fine; changed
differently on both: a :class:`FieldConflict`, and the merged result keeps *our* value until the user
chooses. Lines merge one by one when no side added or removed a line, else as one field.

A final state in Xero (voided or paid) wins: it cannot be undone from here. Any of our changes it makes
impossible are reported as conflicts too, so nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

SCALAR_FIELDS = ("number", "reference", "issue_date", "due_date", "amounts")
FINAL_REMOTE = ("VOIDED", "PAID")

FIELD_LABELS = {
    "number": "Invoice number",
    "reference": "Reference",
    "issue_date": "Issue date",
    "due_date": "Due date",
    "amounts": "Amounts are",
    "lines": "Lines",
    "status": "Status",
}


@dataclass(frozen=True)
class FieldConflict:
    field: str  # "reference", "lines", "lines[2]", "status"...
    base: Any
    local: Any
    remote: Any

    @property
    def label(self) -> str:
        if self.field.startswith("lines["):
            return f"Line {int(self.field[6:-1]) + 1}"
        return FIELD_LABELS.get(self.field, self.field)


@dataclass
class MergeResult:
    merged: dict
    conflicts: list[FieldConflict] = field(default_factory=list)
    local_changed: list[str] = field(default_factory=list)
    remote_changed: list[str] = field(default_factory=list)

    def differs_from(self, remote: Mapping) -> bool:
        """The merged invoice is not Xero's: it must be pushed."""
        return any(self.merged.get(k) != remote.get(k) for k in (*SCALAR_FIELDS, "lines", "status"))


def _pick(name: str, base: Any, local: Any, remote: Any, result: MergeResult) -> Any:
    if local == base and remote == base:
        return base
    if local != base:
        result.local_changed.append(name)
    if remote != base:
        result.remote_changed.append(name)
    if local == remote:
        return local
    if local == base:
        return remote
    if remote == base:
        return local
    result.conflicts.append(FieldConflict(name, base, local, remote))
    return local


def three_way(base: Mapping, local: Mapping, remote: Mapping) -> MergeResult:
    result = MergeResult(merged={})
    merged = result.merged
    if remote.get("status") in FINAL_REMOTE and remote.get("status") != base.get("status"):
        # Voided or paid in Xero: take Xero's invoice; our unpushed changes become conflicts to show.
        merged.update(remote)
        result.remote_changed.append("status")
        for name in (*SCALAR_FIELDS, "lines", "status"):
            if local.get(name) != base.get(name) and local.get(name) != remote.get(name):
                result.local_changed.append(name)
                result.conflicts.append(FieldConflict(name, base.get(name), local.get(name), remote.get(name)))
        return result
    for name in SCALAR_FIELDS:
        merged[name] = _pick(name, base.get(name), local.get(name), remote.get(name), result)
    merged["lines"] = _merge_lines(base.get("lines") or [], local.get("lines") or [], remote.get("lines") or [], result)
    merged["status"] = _pick("status", base.get("status"), local.get("status"), remote.get("status"), result)
    return result


def _merge_lines(base: list, local: list, remote: list, result: MergeResult) -> list:
    if len(base) == len(local) == len(remote):
        return [_pick(f"lines[{i}]", b, l, r, result) for i, (b, l, r) in enumerate(zip(base, local, remote))]
    return _pick("lines", base, local, remote, result)


def resolve(merged: Mapping, conflicts: list[FieldConflict], choose: Mapping[str, str]) -> dict:
    """Apply the user's choices (``field -> "local" | "remote"``) to a merge result's view."""
    out = dict(merged)
    lines = list(out.get("lines") or [])
    for c in conflicts:
        value = c.remote if choose.get(c.field, "local") == "remote" else c.local
        if c.field.startswith("lines["):
            lines[int(c.field[6:-1])] = value
        else:
            out[c.field] = value
    if any(c.field.startswith("lines[") for c in conflicts):
        out["lines"] = lines
    return out


def with_our_unfinished_write(base: Mapping[str, Any], sent: Mapping[str, Any], remote: Mapping[str, Any]) -> dict:
    """The base to merge against when an interrupted request sent ``sent`` and its answer never came: where Xero
    now holds exactly what we sent, that value is our own write, not a change made in Xero."""
    return {key: remote[key] if key in remote and sent.get(key) == remote[key] else value
            for key, value in base.items()}

