"""What every screen shares: the services handle and running blocking work off the UI loop (:class:`WorkerMixin`)."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

from tui.widgets.workers import WorkerMixin


class BaseScreen(WorkerMixin, Screen):
    BINDINGS = [Binding("escape", "app.back", "Back", id="back")]


class EditorScreen(BaseScreen):
    """A screen that edits one record: Escape with unsaved changes asks before throwing them away."""

    DISCARD_QUESTION = "Discard your unsaved changes?"
    BINDINGS = [Binding("escape", "back", "Back", id="back")]  # this screen's back, which asks first

    @property
    def dirty(self) -> bool:
        raise NotImplementedError

    def action_back(self) -> None:
        from tui.widgets.confirm_modal import ConfirmModal

        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal(self.DISCARD_QUESTION, "Discard", "Keep editing", danger=True), answered)
