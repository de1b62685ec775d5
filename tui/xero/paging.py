"""Xero's paged reads: one :class:`Page` of a GET, every page read in turn, and the query's list and flag values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator


@dataclass(frozen=True)
class Page:
    """One page of a paged GET."""

    items: list[dict]
    page: int
    page_size: int
    page_count: int | None  # from Xero's ``pagination`` when it sends one
    item_count: int | None

    @property
    def is_last(self) -> bool:
        if self.page_count is not None:
            return self.page >= self.page_count
        return len(self.items) < self.page_size


def all_pages(fetch: Callable[..., Page], filters: dict) -> Iterator[dict]:
    """Every item of ``fetch(page, **filters)``, from page 1 until the last."""
    page = 1
    while True:
        result = fetch(page, **filters)
        yield from result.items
        if result.is_last or not result.items:
            return
        page += 1


def csv(values: Iterable[str]) -> str | None:
    joined = ",".join(str(v) for v in values)
    return joined or None


def flag(value: bool) -> str | None:
    return "true" if value else None
