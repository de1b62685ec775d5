"""The app's one thread that waits on the store's change feed and tells the screens what every commit changed.

The store announces each commit (:mod:`tui.store.changes`: a ``change_log`` row on SQLite, a ``NOTIFY`` on
PostgreSQL). :class:`ChangeWatcher` waits on that feed (SQLite: a look every 0.2 s; PostgreSQL: woken at once)
and posts what it saw to the app as a :class:`~tui.widgets.records.RecordsChanged`. A write made in this session
pokes the watcher (:meth:`ChangeWatcher.poke`), so its own screens follow at once too.
"""

from __future__ import annotations

import logging
import threading

from tui.widgets.records import RecordsChanged

log = logging.getLogger("tui.app")


class ChangeWatcher:
    """One thread waiting on the store's change feed and posting :class:`RecordsChanged` to ``app``."""

    WAIT_S = 1.0

    def __init__(self, app, open_feed) -> None:
        self.app = app
        self._open_feed = open_feed
        self._stop = threading.Event()
        self._poked = threading.Event()
        self._thread = threading.Thread(target=self._run, name="change-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        """Something was committed here: look now (SQLite) rather than at the next poll."""
        self._poked.set()

    def close(self) -> None:
        self._stop.set()
        self._poked.set()

    def _run(self) -> None:
        feed = None
        try:
            feed = self._open_feed()
            while not self._stop.is_set():
                try:
                    changes = feed.wait(self.WAIT_S, self._poked)
                except Exception as exc:  # the database went away for a moment: look again shortly
                    log.warning("could not look for changes: %r", exc)
                    self._stop.wait(1.0)
                    continue
                if changes.ids and not self._stop.is_set():
                    self.app.post_message(RecordsChanged({k: (frozenset(v) if v is not None else None)
                                                          for k, v in changes.ids.items()}))
        except Exception as exc:  # the screens still reload on their own keys and after this session's saves
            log.error("change watcher stopped: %r", exc)
        finally:
            if feed is not None:
                feed.close()
