"""A one-line field whose text sits at the right, as numbers do in a column (Textual's Input draws at the left)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import Input


class NumberInput(Input):
    """An :class:`Input` drawn right-aligned: the value (or the placeholder) ends one cell short of the field's
    right edge, the cell the cursor takes after it, so the text stays put as the field takes and leaves the focus.
    A value wider than the field scrolls as in any Input."""

    def _indent(self) -> int:
        """Blank cells before the text: the room the value (or the placeholder) and the cursor's cell leave."""
        return max(0, self.scrollable_content_region.width - cell_len(self.value or self.placeholder) - 1)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        indent = self._indent() if y == 0 else 0
        if not indent:
            return strip
        return Strip.join([Strip.blank(indent, self.rich_style), strip]).crop(0, strip.cell_length)

    @property
    def cursor_screen_offset(self) -> Offset:
        return super().cursor_screen_offset + Offset(self._indent(), 0)

    def _cell_offset_to_index(self, offset: int) -> int:
        """Where a click lands in the value, counted from the drawn text (Input's own counts from the left)."""
        return super()._cell_offset_to_index(max(0, offset - self._indent()))
