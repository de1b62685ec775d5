"""A form's fields checked as people type: a field's message appears when they leave it and goes as soon as what
it holds reads right; after a refused save, the first field in error takes the focus (each form does that).

The form says how: ``key_of(box)`` names the field an Input is (None: not a checked field), ``problems()`` gives
every message for what is typed now (the domain's reading and rules, nothing else), ``show(key, message)`` puts
a message at its field ("" clears it) and ``shown(key)`` is the message there now. The form calls
:meth:`changed` from its ``on_input_changed`` and :meth:`left` from its ``on_input_blurred``, and
:meth:`refused` with the messages a save came back with.

A field is checked on leaving once the person has typed in it (a form just opened says nothing about its empty
fields). A message from the save that the form cannot check (an invoice number already used) stays while the
field holds what it was about, and goes with the first change.
"""

from __future__ import annotations

import weakref
from typing import Callable

from textual.widgets import Input


class FieldChecks:
    def __init__(self, key_of: Callable[[Input], str | None], problems: Callable[[], dict[str, str]],
                 show: Callable[[str, str], None], shown: Callable[[str], str]):
        self.key_of = key_of
        self.problems = problems
        self.show = show
        self.shown = shown
        self._typed_in: weakref.WeakSet[Input] = weakref.WeakSet()  # the Inputs a person has typed in
        self._refused: dict[str, str] = {}  # field -> the text a save's message is about

    def changed(self, box: Input) -> None:
        key = self.key_of(box)
        if key is None:
            return
        if box.has_focus:
            self._typed_in.add(box)
        if self.shown(key):
            self._refused.pop(key, None)
            self.show(key, self.problems().get(key, ""))

    def left(self, box: Input) -> None:
        key = self.key_of(box)
        if key is None or (box not in self._typed_in and not self.shown(key)):
            return
        message = self.problems().get(key, "")
        if message or self._refused.get(key) != box.value:
            self.show(key, message)

    def refused(self, errors: dict[str, str], value_of: Callable[[str], str | None]) -> None:
        """A save came back with ``errors`` (shown by the form): each stays while its field holds this text."""
        self._refused = {key: value for key in errors if (value := value_of(key)) is not None}
