"""Every committed change reaches every screen of every session, as one Textual message: :class:`RecordsChanged`.

:class:`tui.shell.change_watcher.ChangeWatcher` posts it to the app, which hands it to every screen on its stack;
screens handle it with ``@on(RecordsChanged)`` and reload what it touches.
"""

from __future__ import annotations

from typing import Iterable

from textual.message import Message


class RecordsChanged(Message, bubble=False):
    """Records changed somewhere (this session, another, the sync): ``ids`` maps each kind ("business",
    "customer", "invoice", "payment", "sync", "xero") to the ids changed, or None when not said which."""

    def __init__(self, ids: dict[str, frozenset[int] | None] | None = None) -> None:
        super().__init__()
        self.ids: dict[str, frozenset[int] | None] = dict(ids) if ids is not None else {}
        self.everything = ids is None  # changed without saying what: everything may have

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)

    def touches(self, kinds: str | Iterable[str], record_id: int | None = None) -> bool:
        """Any of ``kinds`` changed (and, given ``record_id``, maybe that very record)."""
        if self.everything:
            return True
        for kind in [kinds] if isinstance(kinds, str) else kinds:
            if kind in self.ids:
                ids = self.ids[kind]
                if record_id is None or ids is None or record_id in ids:
                    return True
        return False

    def copy(self) -> "RecordsChanged":
        return RecordsChanged(None if self.everything else self.ids)
