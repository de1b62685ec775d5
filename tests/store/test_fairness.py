"""A background thread's database work steps aside for the UI thread; the main thread never pauses."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from tui.store import fairness
from tui.store.db import make_engine


class FakeTime:
    """A clock the test moves, and a record of the pauses taken."""

    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(fairness, "time", fake)
    return fake


def _statements(engine, clock, gaps_ms: list[float]) -> None:
    with engine.connect() as conn:
        for gap in gaps_ms:
            clock.now += gap / 1000
            conn.execute(text("SELECT 1"))


def test_background_thread_pauses_once_a_slice_is_used(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'fair.db'}")
    # 5 ms of work since the first statement: pause; then 1 + 1 ms: not yet; then 3 ms more: pause again.
    worker = threading.Thread(target=_statements, args=(engine, clock, [0, 5, 1, 1, 3]))
    worker.start()
    worker.join()
    assert clock.sleeps == [fairness.PAUSE_S, fairness.PAUSE_S]


def test_main_thread_never_pauses(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'fair.db'}")
    _statements(engine, clock, [0, 5, 5, 5, 5])
    assert clock.sleeps == []
