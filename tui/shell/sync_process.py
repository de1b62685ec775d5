"""The app's sync process: its passes run in a child process (:mod:`.sync_child`), so the UI process does no
sync work and the screen never waits for it.

One child per app session, started by the first pass (To Do already has its rows by then) and kept for the
next ones: a pass writes one line of JSON to its stdin (``{"ask": ..., "config": ...}``) and waits for the
one-line reply (:func:`~.sync_pass.result_from_json`), blocking only the worker thread that asked. The child is
this session in the sync lease (it is handed the app's label and holder id, :meth:`Services.sync_identity`), so
the app's look counts the child's lease as its own, and other sessions see this person syncing. A child that
died or could not start makes the pass a red "Sync failed: ..." line; the next pass starts a new one. The child
dies with the app: :meth:`close` at exit, its stdin at end of file, and ``PR_SET_PDEATHSIG`` should the app be
killed (so it is started from the app's main thread, which lives as long as the app).
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from typing import Callable

from tui.shell.sync_pass import PassResult, failed, result_from_json

IDLE_EXIT_S = 1.0  # at exit, how long an idle child takes to let go of the lease and end
CLOSE_WAIT_S = 5.0  # how long a child stopped mid-pass (or one that closed its stdout) may take to end


class SyncProcess:
    """The child process that runs this session's passes. ``on_main(fn)`` runs ``fn`` on the app's main thread
    and returns its result (``app.call_from_thread``)."""

    def __init__(self, services, on_main: Callable[[Callable[[], subprocess.Popen]], subprocess.Popen]):
        self.services = services
        self.on_main = on_main
        self._child: subprocess.Popen | None = None
        self._errors = None  # the child's stderr: a file of its own, read when it dies
        self._lock = threading.Lock()
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The child's process id while one runs (None before the first pass, or after it died)."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def run_pass(self, ask: bool) -> PassResult:
        """One pass in the child (blocking: call it from a thread worker). A child found dead (since the last
        pass, or during this one) makes this pass a red line; the next one starts a new child."""
        request = _request(self.services, ask)
        try:
            child = self._running_child()
        except Exception as exc:  # no room for a process, the app closing: said in the header, tried again
            return failed(f"the sync process could not start ({exc})")
        line = ""
        if child.poll() is None:
            try:
                child.stdin.write(request + "\n")
                child.stdin.flush()
                line = child.stdout.readline()
            except (OSError, ValueError):  # its pipe closed: it died
                pass
        if line:
            return result_from_json(line)
        return failed(self._death(child))

    def _running_child(self) -> subprocess.Popen:
        """The child, started on the app's main thread if there is none (the first pass, or one after it died)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the app is closing")
            if self._child is None:
                if self._errors is not None:
                    self._errors.close()
                self._errors = tempfile.TemporaryFile()
                self._child = self.on_main(self._start)
            return self._child

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "tui.shell.sync_child", str(os.getpid())], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._errors, text=True, encoding="utf-8", close_fds=True)

    def _death(self, child: subprocess.Popen) -> str:
        """Why the child stopped (the last line it wrote to stderr, a traceback's error), once it has."""
        try:
            code = child.wait(timeout=CLOSE_WAIT_S)
        except subprocess.TimeoutExpired:  # it closed its stdout yet lives on: not to be trusted with a pass
            child.kill()
            code = child.wait()
        with self._lock:
            errors = self._errors
            if self._child is child:
                self._child = None
        said = _last_line(errors)
        return f"the sync process stopped ({said or f'exit code {code}'})"

    def close(self) -> None:
        """At exit: the child lets go of the lease and ends (one mid-pass is stopped where it is: SIGTERM)."""
        with self._lock:
            self._closed = True
            child, self._child = self._child, None
            if self._errors is not None:
                self._errors.close()
        if child is None:
            return
        try:
            child.stdin.close()
        except OSError:
            pass  # already gone
        try:
            child.wait(timeout=IDLE_EXIT_S)
        except subprocess.TimeoutExpired:
            child.terminate()
            try:
                child.wait(timeout=CLOSE_WAIT_S)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _request(services, ask: bool) -> str:
    """A pass's request: ``ask``, and who syncs with what (the app's configuration as it is now, a connection
    made or changed in the app included; the user; this session's label and holder id in the lease)."""
    services.sync  # noqa: B018  (the demo's Xero set-up, once: the configuration below is the one it made)
    label, holder = services.sync_identity()
    return json.dumps({"ask": ask, "config": base64.b64encode(pickle.dumps(services.cfg)).decode("ascii"),
                       "user": services.user, "label": label, "holder": holder})


def _last_line(errors) -> str:
    if errors is None:
        return ""
    try:
        errors.seek(0)
        lines = [line.strip() for line in errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except (OSError, ValueError):
        return ""
    return lines[-1] if lines else ""
