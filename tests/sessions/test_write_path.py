"""The write path, not a screen, asks the syncer for a pass."""

from __future__ import annotations

import ast
from pathlib import Path

import tui.screens

SCREENS = Path(tui.screens.__file__).parent


def test_no_screen_calls_sync_now():
    calls = []
    for path in sorted(SCREENS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("sync_now", "nudge"):
                calls.append(f"{path.name}:{node.lineno}")
    assert calls == [], f"screens asking for a sync pass themselves: {calls}"
    assert len(list(SCREENS.rglob("*.py"))) > 10  # the screens were found
