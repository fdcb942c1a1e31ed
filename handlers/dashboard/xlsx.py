"""The page's current view as an XLSX file: the front end posts the table it shows (the
same rows as its CSV export) and gets a workbook back (`bot.render.xlsx`). Only a viewer the
dashboard is for may ask (the rows are theirs already: nothing is read from the database)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.render.xlsx import Column, XlsxBook, display_width, spooled
from handlers.dashboard.common import Request, bad_request, forbidden

MAX_ROWS = 20_000
MAX_COLUMNS = 40
NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


@dataclass(frozen=True)
class Workbook:
    filename: str
    content: bytes


def cell(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int | float | str):
        return value
    raise bad_request("bad_table")


def table_of(body: Any) -> tuple[str, list[str], list[list[Any]]]:
    """The posted table, checked: a name, text headers, rows of scalars, within limits."""
    if not isinstance(body, dict):
        raise bad_request("bad_table")
    name, headers, rows = body.get("name"), body.get("headers"), body.get("rows")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise bad_request("bad_table")
    if not isinstance(headers, list) or not 0 < len(headers) <= MAX_COLUMNS:
        raise bad_request("bad_table")
    if not all(isinstance(h, str) for h in headers):
        raise bad_request("bad_table")
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise bad_request("bad_table")
    if not all(isinstance(r, list) and len(r) == len(headers) for r in rows):
        raise bad_request("bad_table")
    return name, headers, [[cell(v) for v in r] for r in rows]


def workbook(req: Request, body: Any) -> Workbook:
    if not req.viewer.roles.sees_dashboard:
        raise forbidden()
    name, headers, rows = table_of(body)
    widths = [
        max([display_width(str(r[i])) for r in rows if r[i] is not None] or [6]) + 2
        for i in range(len(headers))
    ]
    book = XlsxBook()
    sheet = book.add_sheet(name, [Column(h, w) for h, w in zip(headers, widths, strict=True)])
    sheet.extend(rows)
    out = spooled()
    try:
        book.save(out)
        out.seek(0)
        return Workbook(f"qingfu-{name}.xlsx", out.read())
    finally:
        out.close()
