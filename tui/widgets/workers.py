"""Blocking work off the UI loop, for screens and modals alike: the services handle and thread workers."""

from __future__ import annotations

from typing import Any, Callable

from tui.services import import_store


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
        store: bool = True,
    ):
        """``store=False``: ``fn`` loads the database layer itself if it needs it (To Do's first rows do not)."""

        def job() -> None:
            try:
                if store:
                    import_store()
                result = fn(*args)
            except Exception as exc:  # shown to the user, never raised into the app loop
                self.app.call_from_thread(on_error or self.show_error, exc)
                return
            if on_done is not None:
                self.app.call_from_thread(on_done, result)

        return self.run_worker(job, thread=True, exit_on_error=False, group=group, exclusive=exclusive)

    def show_error(self, exc: Exception) -> None:
        self.notify(str(exc) or type(exc).__name__, title="Something went wrong", severity="error", timeout=8)
