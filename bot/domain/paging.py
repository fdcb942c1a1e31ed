"""Page math for long lists shown a page at a time (pure): nothing is cut silently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def page_count(total: int, size: int) -> int:
    """Pages needed for `total` items, `size` a page; an empty list still has one (empty) page."""
    if size < 1:
        raise ValueError(f"page size must be at least 1, got {size}")
    return max(1, -(-total // size))


def clamp_page(number: int, total: int, size: int) -> int:
    """A 0-based page number within range (a stale button may ask for a page that is gone)."""
    return min(max(number, 0), page_count(total, size) - 1)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its 0-based number, how many pages and items there are."""

    items: Sequence[T]
    number: int
    count: int
    total: int
    first_index: int
    """The 0-based position of `items[0]` in the whole list (to number lines across pages)."""

    @property
    def has_prev(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number < self.count - 1


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    """Page `number` (0-based, clamped) of `items`, `size` a page."""
    number = clamp_page(number, len(items), size)
    start = number * size
    return Page(
        items[start : start + size], number, page_count(len(items), size), len(items), start
    )
