"""The shop server's commands: ``tradiecore setup --site``, ``sync``, ``status``, ``backup``, ``restore``,
``service`` and ``connect --custom``. Each module is one command; each prints what the person at the terminal
needs and returns the exit code, with every error one line on stderr (:func:`fail`).
"""

from __future__ import annotations

import sys


def fail(message: str, code: int = 1) -> int:
    """Say what went wrong on stderr, as one line, and return the exit code."""
    from tui.domain.text import visible

    print(f"tradiecore: {visible(' '.join(message.split()))}", file=sys.stderr)
    return code


def plural(count: int, noun: str) -> str:
    """"1 invoice", "2 invoices"."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


def first_line(exc: BaseException) -> str:
    """An exception as one short line: the database driver's own message where there is one."""
    inner = getattr(exc, "orig", None) or exc
    lines = str(inner).strip().splitlines()
    return lines[0][:200] if lines else type(inner).__name__
