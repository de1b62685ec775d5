"""One background sync pass and what the app shows after it (:class:`PassResult`), with no Textual in here: the
app runs it in a thread worker, or hands it to its sync process (:mod:`.sync_child`), which sends the result back
as a line of JSON (:func:`result_to_json`, :func:`result_from_json`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.text import Text

ASK_TIMEOUT_S = 60.0  # how long Sync now waits for the holder's pass


@dataclass(frozen=True)
class PassResult:
    """What the app shows after a pass: the header text (red or not) and what the pass asked for."""

    status: Text
    needs_confirmation: bool = False
    changed: bool = False  # something pushed, pulled or failed, or Xero disconnected: lists reload
    held_by: str | None = None  # another process holds the sync lease (its label)
    handed_over: bool = False  # this pass let the sync service have the lease (it holds it, or is about to)


def status_line(status, report=None) -> Text:
    """The header's sync slot: the :class:`~tui.connection.status.XeroStatus`'s ``header`` (red when something
    is wrong), unless this process's own pass (``report``) could not read the token store, which only it knows."""
    if report is not None and report.store_unreadable:  # this process's own problem: not in the shared status
        return Text(report.message, style="bold red")
    return Text(status.header, style="bold red" if status.is_error else "")


def run_pass(services, ask: bool = False) -> PassResult:
    """One pass and the status after it (blocking: call it from a thread). ``ask``: should another process hold
    the lease, ask it for a pass and wait for that (Sync now, an invoice sent)."""
    from tui.sync.lease import holder_name

    sync = services.sync
    try:
        report = sync.run_once()
        asked = sync.ask_for_pass(ASK_TIMEOUT_S) if report.held_by and ask else None
        status = services.connection.status()
    except Exception as exc:  # network, database: shown in the header, the next pass tries again
        return failed(str(exc))
    changed = bool(report.pushed or report.pulled or report.errors or report.conflicts or report.held_by
                   or report.disconnected)  # To Do's warnings say what the header says
    line = status_line(status, report)
    if asked is not None and not asked.done:
        line = Text(f"No pass from {holder_name(report.held_by)} within {ASK_TIMEOUT_S:g} s", style="bold red")
    return PassResult(line, report.needs_confirmation, changed, status.sync.held_by, sync.runner().handed_over)


def failed(why: str) -> PassResult:
    """The red "Sync failed: ..." line of a pass that could not run; the next pass tries again."""
    return PassResult(Text(f"Sync failed: {why}" if why else "Sync failed", style="bold red"))


def result_to_json(result: PassResult) -> str:
    """``result`` as one line of JSON: the status's text and style, and what the pass asked for."""
    return json.dumps({"status": result.status.plain, "style": str(result.status.style or ""),
                       "needs_confirmation": result.needs_confirmation, "changed": result.changed,
                       "held_by": result.held_by, "handed_over": result.handed_over})


def result_from_json(line: str) -> PassResult:
    fields = json.loads(line)
    return PassResult(Text(fields["status"], style=fields["style"]), bool(fields["needs_confirmation"]),
                      bool(fields["changed"]), fields["held_by"], bool(fields["handed_over"]))
