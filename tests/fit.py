"""Does a screen fit its terminal? Every focusable widget and every Button can be seen whole.

``assert_focusables_on_screen(app)`` looks at the app's current screen as laid out now: each such widget
(skipping those not displayed) must lie inside the screen and inside every container around it, where a
container that scrolls may first scroll it into view (so it must fit that container's visible part).
"""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Button


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


def offscreen_focusables(app) -> list[str]:
    """What cannot be seen whole: one line per widget, with its region and the container that hides it."""
    screen = app.screen
    problems = []
    for widget in screen.query("*"):
        if not (widget.focusable or isinstance(widget, Button)) or not _shown(widget):
            continue
        region = widget.region
        if not region:
            problems.append(f"{widget!r} has no room on screen ({region})")
            continue
        for container in widget.ancestors:
            seen = _in_view(widget, region, container)
            if seen is None:
                problems.append(f"{widget!r} at {widget.region} is cut off by {container!r} at {container.region}")
                break
            region = seen
            if container is screen:
                break
    return problems


def assert_focusables_on_screen(app) -> None:
    problems = offscreen_focusables(app)
    assert not problems, f"{app.screen!r} at {app.size.width}x{app.size.height}:\n" + "\n".join(problems)
