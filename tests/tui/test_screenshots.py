"""The README's screenshots show states the app reaches by its own code paths."""

from __future__ import annotations

from html import unescape

from tui.devtools.screenshots import SHOTS, take


async def test_the_disconnected_screenshot_shows_the_apps_own_reason(tmp_path):
    """Connected through the Connect flow, disconnected in Xero, found out by a sync pass: the organisation is
    the one it connected to and the reason is the one the app wrote when Xero refused the connection, without
    the advice to select Continue (Integrations has no Continue; the Xero screen does)."""
    shot = next(s for s in SHOTS if s.name == "integrations-disconnected")
    (tmp_path / "out").mkdir()
    svg = unescape((await take(shot, tmp_path / "out", tmp_path / "work")).read_text(encoding="utf-8"))
    svg = svg.replace("\xa0", " ")
    assert ">Disconnected<" in svg
    assert "Demo Company (AU)" in svg
    assert "Xero no longer accepts this connection. (25/11/2026 10:00)" in svg
    assert "Continue" not in svg
