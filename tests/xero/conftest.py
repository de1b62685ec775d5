"""Fixtures for the Xero client tests: a fake clock, temp config dirs, and a file secrets store."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tui.config import Config, XeroConfig
from tui.secrets import FileSecretStore


class FakeClock:
    """Monotonic time that only moves when something sleeps; thread-safe."""

    def __init__(self, start: float = 1_000.0):
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return Config(
        xero=XeroConfig(client_id="test-client"),
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
    )


@pytest.fixture
def secrets(cfg: Config) -> FileSecretStore:
    return FileSecretStore(cfg.config_dir / "secrets.json")
