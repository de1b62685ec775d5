"""The app's start-up workers first use the database layer from parallel threads (the business's name, To Do, the
Xero warnings, the first sync pass). SQLAlchemy imports itself round a loop, and two threads importing it for the
first time at once fail now and then with "partially initialized module 'sqlalchemy.engine'" (about one start in
four with these four calls): a red toast, To Do not loaded or the first pass skipped. Every thread worker of the
app calls :func:`tui.services.import_store` first; each start here is a fresh interpreter doing the same: three in
the quick tier, twelve (a clash left in would show in 97 of 100 runs) in the slow tier."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.multiuser import ROOT
from tui.bench.childenv import home_dirs


SCRIPT = textwrap.dedent("""
    import threading
    from tui import config
    from tui.services import Services, import_store

    services = Services(config.load(), user="sam")
    failed = []

    def worker(call):  # as the app's thread workers start
        try:
            import_store()
            call()
        except Exception as exc:
            failed.append(repr(exc))

    calls = (services.business, services.todo, lambda: services.connection.todo_warnings(),
             lambda: services.sync.run_once())
    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("failed", failed)
""")


@pytest.mark.parametrize("starts", [pytest.param(3, id="3-starts"),
                                    pytest.param(12, id="12-starts", marks=pytest.mark.slow)])
def test_the_start_up_workers_first_imports_never_clash(tmp_path, env, starts):
    for n in range(starts):
        home = tmp_path / f"start{n}"
        run_env = {**os.environ, **home_dirs(home), "TRADIECORE_SECRETS_STORE": "file", "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=run_env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "failed []", f"start {n}: {done.stdout}"
