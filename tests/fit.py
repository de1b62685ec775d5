"""Does the screen fit? Every focusable widget and every Button of the current screen lies wholly in view."""

from __future__ import annotations

from textual.errors import NoWidget
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button


def _shown(widget: Widget) -> bool:
    """Displayed, with every container up to the screen displayed too (a hidden widget need not fit)."""
    node = widget
    while isinstance(node, Widget) and node is not widget.screen:
        if not node.display or not node.visible:
            return False
        node = node.parent
    return True


def _view(geometry) -> Region:
    """What a widget's containers show of the screen, less their docked bars (where a scrolled child can be seen)."""
    return geometry.clip.shrink(geometry.dock_gutter)


def in_view(widget: Widget) -> bool:
    """``widget`` is laid out and wholly in view on its screen."""
    try:
        geometry = widget.screen.find_widget(widget)
    except NoWidget:
        return False
    return bool(geometry.region) and _view(geometry).contains_region(geometry.region)


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


def assert_focusables_on_screen(app) -> None:
    """Assert that every shown focusable widget and every shown Button of ``app.screen`` lies inside the screen,
    and inside the visible part of each scrolling container around it (not scrolled out of view, not under a
    docked bar), so Tab and Enter can never land on something the user cannot see.

    ``app``: a running Textual App (``pilot.app``), with the layout settled (:func:`laid_out`).
    """
    screen = app.screen
    problems = []
    for widget in screen.query("*"):
        if not (isinstance(widget, Button) or widget.focusable) or not _shown(widget):
            continue
        name = f"{type(widget).__name__}#{widget.id}" if widget.id else repr(widget)
        try:
            geometry = screen.find_widget(widget)
        except NoWidget:
            problems.append(f"{name} is not on the screen at all")
            continue
        region = geometry.region
        if not region or not screen.region.contains_region(region):
            problems.append(f"{name} at {region} is outside the screen {screen.region}")
            continue
        if not _view(geometry).contains_region(region):
            problems.append(f"{name} at {region} is not wholly in view (its containers show {_view(geometry)})")
        for container in widget.ancestors:
            if container is screen or not isinstance(container, Widget):
                break
            if container.is_scrollable and not container.region.contains_region(region):
                problems.append(f"{name} at {region} is outside the visible part {container.region} of "
                                f"{type(container).__name__}#{container.id}")
    assert not problems, f"at {screen.region.size}:\n  " + "\n  ".join(problems)


__all__ = ["assert_focusables_on_screen", "in_view", "laid_out"]
