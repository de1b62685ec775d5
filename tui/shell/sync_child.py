"""``python -m tui.shell.sync_child APP_PID``: an app session's sync process (started by :mod:`.sync_process`).

It reads one request a line on stdin (``ask``, the app's configuration, the user, the session's label and holder
id in the lease), runs the pass (:func:`~.sync_pass.run_pass`) on services of its own, made from what the first
request says, and writes the result as one line of JSON on stdout. At the end of stdin it lets go of the lease
and ends; SIGTERM (the app closing mid-pass, or the app's process gone: ``PR_SET_PDEATHSIG``) ends the pass where
it is, and it lets go of the lease and ends. An app already gone when it starts ends it at once.
"""

from __future__ import annotations

import base64
import ctypes
import json
import logging
import os
import pickle
import signal
import sys

from tui.shell.sync_pass import result_to_json, run_pass

PR_SET_PDEATHSIG = 1


def _die_with(app_pid: int) -> None:
    """SIGTERM (which ends this process) when the app's process ends, however it ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the end of stdin still ends it, once the app is gone
        pass
    if os.getppid() != app_pid:  # the app was gone before the signal was asked for
        raise SystemExit(0)


def _services(request: dict):
    """This session's services, in this process: the app's user, and its label and holder id in the lease."""
    from tui.services import Services, import_store

    import_store()
    services = Services(_config(request), user=request["user"])
    services.sync_as = (request["label"], request["holder"])
    return services


def _config(request: dict):
    return pickle.loads(base64.b64decode(request["config"]))  # noqa: S301  (the app that started this process)


def _stop(_signum, _frame) -> None:
    raise SystemExit(0)  # out of the pass wherever it is (a killed pass's requests are linked by the next one)


def _ignore_stops() -> None:
    """SIGTERM and SIGHUP ignored from now on. The app's end closes stdin and sends SIGTERM at once, so the signal
    can land just as the loop ends on stdin: its SystemExit, raised here, is taken and the ignoring done again."""
    while True:
        try:
            for signum in (signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)
            return
        except SystemExit:
            continue


def main(argv: list[str]) -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):  # the app closing mid-pass or gone; its terminal closed
        signal.signal(signum, _stop)
    _die_with(int(argv[0]))
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything else printed goes to stderr, never among the replies
    logging.getLogger().addHandler(logging.NullHandler())  # as in the app: a pass says what went wrong itself
    services = None
    try:
        for line in sys.stdin:
            request = json.loads(line)
            if services is None:
                services = _services(request)
            else:
                services.cfg = _config(request)  # the app's, as it is now (a connection made or changed there)
            replies.write(result_to_json(run_pass(services, bool(request["ask"]))) + "\n")
            replies.flush()
    finally:
        _ignore_stops()  # letting go of the lease is not cut short
        if services is not None:
            services.close()  # the lease let go: another process may take it at once
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
