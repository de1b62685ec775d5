"""The benchmarks' targets: each command ends with one line a target, ``PASS`` or ``MISS``, and exits 1 on a miss."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Target:
    """``value`` measured against ``limit``: at most (``at_most``) or at least."""

    name: str
    value: float
    limit: float
    unit: str = ""
    at_most: bool = True

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def line(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return (f"{'PASS' if self.met else 'MISS'} {self.name}: {self.value:g}{unit} "
                f"(target {'<=' if self.at_most else '>='} {self.limit:g}{unit})")


def verdict(targets: list[Target], say: Callable[[str], None] = print) -> int:
    """The target lines; 0 when every target is met, else 1."""
    say("")
    for target in targets:
        say(target.line())
    return 0 if targets and all(t.met for t in targets) else 1
