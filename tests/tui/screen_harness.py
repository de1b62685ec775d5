"""A bare App that shows one of the customer/invoice screens over a Services object, for Pilot and snapshot tests."""

from __future__ import annotations

import io
from typing import Callable

from rich.console import Console

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input


class ScreenApp(App):
    """Pushes ``make_screen()`` on start; Escape on it pops back to an empty base screen, as the shell does."""

    def __init__(self, services, make_screen: Callable[[], Screen]):
        super().__init__()
        self.services = services
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def action_back(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their results render; then stop the cursor blinking (snapshots stay stable)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
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
