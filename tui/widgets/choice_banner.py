"""A form-wide question with its answers as buttons (e.g. "changed in Xero: keep mine / load Xero's"); hidden
while nothing is asked. A pressed answer reaches the screen as ``Button.Pressed`` with the answer's id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static


class ChoiceBanner(Vertical):
    DEFAULT_CSS = """
    ChoiceBanner { height: auto; display: none; background: $warning-muted; padding: 0 1; margin-bottom: 1; }
    ChoiceBanner.-shown { display: block; }
    ChoiceBanner > #choice-answers { height: auto; }
    ChoiceBanner Button { margin-right: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="choice-question", markup=False)
        yield Horizontal(id="choice-answers")

    async def ask(self, question: str, answers: list[tuple[str, str]]) -> None:
        """Show ``question`` with a button per ``(id, label)`` answer."""
        self.query_one("#choice-question", Static).update(question)
        row = self.query_one("#choice-answers", Horizontal)
        await row.remove_children()
        await row.mount_all([Button(label, id=answer, compact=True) for answer, label in answers])
        self.add_class("-shown")

    async def clear(self) -> None:
        self.remove_class("-shown")
        await self.query_one("#choice-answers", Horizontal).remove_children()

    @property
    def question(self) -> str:
        return str(self.query_one("#choice-question", Static).render()) if self.has_class("-shown") else ""
