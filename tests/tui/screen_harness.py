"""The app opened straight onto one of the customer, invoice or outbox screens, for Pilot and snapshot tests."""

from __future__ import annotations

import io
from typing import Callable

from rich.console import Console
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerCancelled

from tui.app import TradieApp


class ScreenApp(TradieApp):
    """The app with ``make_screen()`` pushed over To Do on start (Escape goes back to To Do)."""

    def __init__(self, services, make_screen: Callable[[], Screen]):
        super().__init__(services, cursor_blink=False)
        self.make_screen = make_screen

    def on_mount(self) -> None:
        super().on_mount()
        self.push_screen(self.make_screen())


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their results render (a worker cancelled because a newer one of its group replaced
    it, e.g. the editor's sync line after a background pass, is done with)."""
    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()


async def type_into(pilot, box: str | Input, text: str) -> None:
    """Replace the text of an Input (or the one matching a selector) as a person would: focus, clear, type."""
    if isinstance(box, str):
        box = pilot.app.screen.query_one(box, Input)
    box.focus()
    await pilot.pause()
    await pilot.press("ctrl+u", "ctrl+k", *text)
    await pilot.pause()


def text_of(widget) -> str:
    """What a Static shows, as plain text (tables included)."""
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()
