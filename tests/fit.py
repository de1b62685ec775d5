"""Does a screen fit its terminal? Every focusable widget and every Button can be seen whole.

``assert_focusables_on_screen(app)`` looks at the app's current screen as laid out now: each such widget
(skipping those not displayed) must lie inside the screen and inside every container around it, where a
container that scrolls may first scroll it into view (so it must fit that container's visible part). The
focused widget must be in view as it is, not after a scroll, and not under a docked bar (a list or a table:
at least in part).
"""

from __future__ import annotations

from textual.errors import NoWidget
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button


FIELD_ROWS = 3  # the tallest a field or a button is drawn; a taller focusable is a list or a table


def _name(widget) -> str:
    return f"{type(widget).__name__}#{widget.id}" if widget.id else repr(widget)


def _shown(widget) -> bool:
    return all(node.display and node.visible for node in widget.ancestors_with_self if node is not widget.app)


def _in_view(widget, region: Region, container) -> Region | None:
    """``region`` once ``container`` (an ancestor of ``widget``) scrolled it into view; None where it cannot
    be seen whole in the container's visible part."""
    view = container.scrollable_content_region if container is not widget.screen else container.region
    dx = dy = 0
    if container.allow_horizontal_scroll and region.width <= view.width:
        dx = max(view.x - region.x, 0) or min(view.right - region.right, 0)
    if container.allow_vertical_scroll and region.height <= view.height:
        dy = max(view.y - region.y, 0) or min(view.bottom - region.bottom, 0)
    moved = region.translate((dx, dy))
    return moved if view.contains_region(moved) else None


def _view(geometry) -> Region:
    """What a widget's containers show of the screen, less their docked bars (where a scrolled child can be seen)."""
    return geometry.clip.shrink(geometry.dock_gutter)


def in_view(widget: Widget) -> bool:
    """``widget`` is laid out and in view on its screen as it is now: wholly, or for a list or table (taller than
    a field or a button) at least in part, where it shows its rows."""
    try:
        geometry = widget.screen.find_widget(widget)
    except NoWidget:
        return False
    region, view = geometry.region, _view(geometry)
    if region.height > FIELD_ROWS:
        return bool(region.intersection(view))
    return bool(region) and view.contains_region(region)


def laid_out(screen) -> bool:
    """Every shown widget of ``screen`` has its place in the layout (what was just shown or changed has been
    arranged): wait for this before :func:`assert_focusables_on_screen`."""
    try:
        for widget in screen.query("*"):
            if _shown(widget):
                screen.find_widget(widget)
    except NoWidget:
        return False
    return bool(screen.region)


def offscreen_focusables(app) -> list[str]:
    """What cannot be seen whole: one line per widget, with its region and the container that hides it."""
    screen = app.screen
    problems = []
    for widget in screen.query("*"):
        if not (widget.focusable or isinstance(widget, Button)) or not _shown(widget):
            continue
        region = widget.region
        if not region:
            problems.append(f"{_name(widget)} has no room on screen ({region})")
            continue
        for container in widget.ancestors:
            seen = _in_view(widget, region, container)
            if seen is None:
                problems.append(f"{_name(widget)} at {widget.region} is cut off by {_name(container)} at {container.region}")
                break
            region = seen
            if container is screen:
                break
    focused = app.focused
    if focused is not None and focused.screen is screen and _shown(focused) and not in_view(focused):
        problems.append(f"the focused {_name(focused)} at {focused.region} is not wholly in view")
    return problems


def assert_focusables_on_screen(app) -> None:
    problems = offscreen_focusables(app)
    assert not problems, f"{app.screen!r} at {app.size.width}x{app.size.height}:\n" + "\n".join(problems)
