"""A page of a long list and its keyboard row: previous, "page 2 of 5", next.

The list is paged by `bot.domain.paging`; the caller says how a button reaches page n
(`to_page`, a payload factory), so any list can page with its own filters kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.domain.paging import Page, page_of
from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.replies import Button, Rows


def page_label(page: Page[Any]) -> str:
    """'Page 2 of 5' in the user's language."""
    return _("Page {n} of {count}").format(n=page.number + 1, count=page.count)


def paging_rows(page: Page[Any], to_page: Callable[[int], CallbackData]) -> Rows:
    """One row (◀ previous, the count, next ▶) when there is more than one page, else none.
    The count re-shows the current page (a refresh), so no button is inert."""
    if page.count <= 1:
        return []
    row: list[Button] = []
    if page.has_prev:
        row.append(("◀", to_page(page.number - 1)))
    row.append((page_label(page), to_page(page.number)))
    if page.has_next:
        row.append(("▶", to_page(page.number + 1)))
    return [row]


def numbered_rows(buttons: list[Button], per_row: int) -> Rows:
    """Buttons laid out `per_row` a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


PICKER_PAGE = 24
"""Buttons of a picker on one page (six rows of four): far below Telegram's 100, room for the
picker's own rows (Next, Back) and the page row."""


def picker_rows(
    buttons: Sequence[Button],
    number: int,
    to_page: Callable[[int], CallbackData],
    *,
    per_row: int = 4,
    size: int = PICKER_PAGE,
) -> Rows:
    """Page `number` of a picker's buttons, `per_row` a row, and the page row when there is
    more than one page: every item is reachable, none is cut. Every picker and list that can
    grow goes through here (or `page_of` and `paging_rows` for a list with text)."""
    page = page_of(buttons, number, size)
    return [*numbered_rows(list(page.items), per_row), *paging_rows(page, to_page)]
