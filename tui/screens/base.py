"""What every screen shares: the services handle and running blocking work off the UI loop."""

from __future__ import annotations

from typing import Any, Callable

from textual.binding import Binding
from textual.screen import Screen


class WorkerMixin:
    """Run a blocking call (database, network, keyring) in a thread worker and hand the result back on the UI loop.

    Errors never kill the app: they go to ``on_error`` (default: an error toast with the message).
    """

    @property
    def services(self):
        return self.app.services

    def blocking(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        group: str = "default",
        exclusive: bool = True,
    ):
        def job() -> None:
            try:
                result = fn(*args)
            except Exception as exc:  # shown to the user, never raised into the app loop
                self.app.call_from_thread(on_error or self.show_error, exc)
                return
            if on_done is not None:
                self.app.call_from_thread(on_done, result)

        return self.run_worker(job, thread=True, exit_on_error=False, group=group, exclusive=exclusive)

    def show_error(self, exc: Exception) -> None:
        self.notify(str(exc) or type(exc).__name__, title="Something went wrong", severity="error", timeout=8)


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
