"""Messages shown at a field (red, under or beside it) or across a form (a banner); hidden while empty."""

from __future__ import annotations

from rich.console import RenderableType
from textual.widgets import Static


class FieldError(Static):
    DEFAULT_CSS = """
    FieldError { color: $text-error; height: auto; display: none; }
    FieldError.-shown { display: block; }
    """

    def __init__(self, message: str = "", **kwargs) -> None:
        kwargs.setdefault("markup", False)  # messages quote what people typed, brackets and all
        super().__init__(message, **kwargs)

    def show(self, message: RenderableType) -> None:
        self.update(message)
        self.set_class(bool(message), "-shown")

    @property
    def message(self) -> str:
        return str(self.render()) if self.has_class("-shown") else ""


class Banner(FieldError):
    """A form-wide message: an error (red) or information (blue)."""

    DEFAULT_CSS = """
    Banner { color: $text; padding: 0 1; margin-bottom: 1; }
    Banner.-error { background: $error-muted; color: $text-error; }
    Banner.-info { background: $primary-muted; }
    """

    def show(self, message: RenderableType, *, error: bool = True) -> None:
        super().show(message)
        self.set_class(error, "-error")
        self.set_class(not error, "-info")
