"""Database work in a background thread steps aside now and then, so the UI thread is never starved.

CPython hands the GIL to a waiting thread when the holder has run for the switch interval (5 ms), but the
wait starts again each time the holder releases the GIL. A worker that releases it every fraction of a
millisecond (each SQLite statement does) and takes it straight back can keep the UI thread waiting for
a hundred milliseconds or more: a frozen screen while a big sync writes its records. So a thread other than
the main one, once :data:`SLICE_S` has passed since it last stepped aside (clock time: a thread back from a
long wait on the network pauses once, harmlessly), sleeps for :data:`PAUSE_S` before its next statement: the
UI thread gets the GIL within a few milliseconds, and a busy worker loses about a tenth of its database time.
The main thread (the headless syncer, the CLI) never pauses.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

SLICE_S = 0.004
PAUSE_S = 0.0005

_local = threading.local()
_main = threading.main_thread()


def step_aside() -> None:
    """Called before each statement: pause briefly if a full slice has passed since this thread last paused."""
    if threading.current_thread() is _main:
        return
    now = time.perf_counter()
    since = getattr(_local, "since", None)
    if since is not None and now - since < SLICE_S:
        return
    if since is not None:
        time.sleep(PAUSE_S)
        now = time.perf_counter()
    _local.since = now


def watch(engine: Engine) -> None:
    """Make every statement on ``engine`` a point where a background thread may step aside."""
    event.listen(engine, "before_cursor_execute", lambda *_args, **_kw: step_aside())
