"""Blocking work off the UI loop, for screens and modals alike: the services handle and thread workers."""

from __future__ import annotations

import inspect
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

    def follow_up(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
                  on_error: Callable[[Exception], None] | None = None, group: str = "follow") -> None:
        """A reload that RecordsChanged starts: one at a time per ``group``, never cancelling the one under way
        (it may be reading the older copy); changes seen meanwhile run one more after it."""
        again: set[str] = self.__dict__.setdefault("_follow_again", set())
        if any(w.group == group and w.node is self and not w.is_finished for w in self.workers):
            again.add(group)
            return

        async def finish(result: Any, handler: Callable[[Any], Any]) -> None:
            outcome = handler(result)
            if inspect.isawaitable(outcome):
                await outcome
            if group in again:
                again.discard(group)
                self.follow_up(fn, *args, on_done=on_done, on_error=on_error, group=group)

        self.blocking(fn, *args, on_done=lambda r: finish(r, on_done),
                      on_error=lambda exc: finish(exc, on_error or self.show_error), group=group, exclusive=False)
