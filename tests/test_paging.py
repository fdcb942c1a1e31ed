"""Page math (bot/domain/paging.py): nothing cut, every item on exactly one page."""

from __future__ import annotations

import pytest

from bot.domain.paging import clamp_page, page_count, page_of


@pytest.mark.parametrize(
    ("total", "size", "pages"),
    [(0, 10, 1), (1, 10, 1), (9, 10, 1), (10, 10, 1), (11, 10, 2), (20, 10, 2), (250, 10, 25)],
)
def test_page_count(total: int, size: int, pages: int) -> None:
    assert page_count(total, size) == pages


def test_empty_list_is_one_empty_page() -> None:
    page = page_of(list[int](), 0, 10)
    assert (list(page.items), page.number, page.count, page.total) == ([], 0, 1, 0)
    assert not page.has_prev and not page.has_next


def test_one_item() -> None:
    page = page_of(["a"], 0, 10)
    assert list(page.items) == ["a"] and page.count == 1 and page.first_index == 0
    assert not page.has_prev and not page.has_next


def test_exactly_one_page() -> None:
    items = list(range(10))
    page = page_of(items, 0, 10)
    assert list(page.items) == items and page.count == 1 and not page.has_next
    assert page_of(items, 1, 10).number == 0  # no empty second page


def test_250_items_every_item_once() -> None:
    items = list(range(250))
    seen: list[int] = []
    for n in range(page_count(len(items), 10)):
        page = page_of(items, n, 10)
        assert page.first_index == n * 10
        assert page.has_prev == (n > 0) and page.has_next == (n < 24)
        seen += list(page.items)
    assert seen == items
    last = page_of(items, 24, 10)
    assert list(last.items) == list(range(240, 250)) and last.count == 25


@pytest.mark.parametrize(("asked", "got"), [(-3, 0), (0, 0), (2, 2), (3, 2), (99, 2)])
def test_a_stale_page_number_is_clamped(asked: int, got: int) -> None:
    assert clamp_page(asked, 25, 10) == got
    assert page_of(list(range(25)), asked, 10).number == got


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        page_count(5, 0)
