"""Text on screen is text: no control character in what a widget draws reaches the terminal.

Names, addresses, references and descriptions typed here cannot hold one (``tui.domain.text``), but text comes
from elsewhere too: Xero (a contact's name, an organisation's, an account's, Xero's own messages), rows stored
before that rule, the mail outbox's files, a paste into a field. Rich and Textual pass ESC, NUL and the C1 codes
through as they are, so a name holding ``ESC]0;...`` would retitle the terminal or move the cursor. The app
applies :class:`PlainText` to every line every widget draws (``TradieApp.get_line_filters``): it drops them.
They take no cell on screen, so the layout is as measured; the text around them stays.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from tui.domain.text import CONTROL


class PlainText(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if CONTROL.search("".join([segment.text for segment in segments])) is None:
            return segments
        out = []
        for text, style, control in segments:
            if control is None and CONTROL.search(text):
                text = CONTROL.sub("", text)
                if not text:
                    continue
            out.append(Segment(text, style, control))
        return out
