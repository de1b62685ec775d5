"""Text as people type it and as the terminal shows it: no control characters stored, none written raw.

A control character (C0: NUL, TAB, ESC ...; DEL; C1: U+0080 to U+009F) in a name, an address, a reference or a
description is refused at the field (:func:`control_problem`): it would be stored, sent to Xero and emailed,
and on PostgreSQL a NUL cannot be stored at all. What the screens show goes through the app's own line filter,
which drops any control character left in text from elsewhere (Xero, an old row, a file); :func:`visible` is
the same rule for text written outside the screens (log lines, messages that quote what was typed).
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x09: "tab", 0x0A: "line break", 0x0D: "carriage return",
          0x1B: "ESC", 0x7F: "DEL"}
QUOTE_LIMIT = 40  # characters of what was typed that a message quotes


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ␛ ...
    return "\u2421" if code == 0x7F else "\ufffd"


_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with each control character shown as a harmless sign (ESC as ␛, NUL as ␀, C1 as �); with
    ``lines`` line breaks stay (a log record's traceback)."""
    pattern = _CONTROL_BUT_NEWLINE if lines else CONTROL
    return pattern.sub(_picture, text) if pattern.search(text) else text


def quoted(text: str) -> str:
    """What was typed, quoted for a message beside its field: control characters made visible, cut when long."""
    shown = visible(text)
    if len(shown) > QUOTE_LIMIT:
        shown = shown[:QUOTE_LIMIT - 1] + "…"
    return f"'{shown}'"


def control_name(ch: str) -> str:
    return _NAMES.get(ord(ch), f"U+{ord(ch):04X}")


def control_problem(text: str, what: str) -> str | None:
    """Why ``text`` cannot be stored as the ``what`` (a control character in it), in words for the field."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return (f"The {what} holds a control character ({control_name(found.group())}) at character "
            f"{found.start() + 1}: retype it without ({quoted(text)})")


def control_problems(fields: dict[str, tuple[str, str]]) -> dict[str, str]:
    """``{field: (text, what)}`` -> a message for each field whose text holds a control character."""
    return {field: problem for field, (text, what) in fields.items()
            if (problem := control_problem(text, what)) is not None}
