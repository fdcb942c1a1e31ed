"""A list that can grow is paged (handlers/kit/paging.py), never cut: this fails when a
handler slices a list of buttons or items to a fixed size again. The pickers themselves are
driven at 0, 1, one page and 250 items in tests/handlers/test_paging_everywhere.py."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTS = (
    r"(?:rows|buttons|items|classes|schools|districts|children|own|complaints|invites"
    r"|subjects|live|choices|names)"
)
CUTS = (
    re.compile(r"range\(0,\s*min\(len\("),  # rows built from the first N items only
    re.compile(rf"\b{LISTS}\[\s*:\s*(?:[A-Z_]+|\d+)\s*\]"),  # names[:40], rows[:MAX]
    re.compile(r"\.limit\(\s*(?:[A-Z_]+|\d+)\s*\)"),  # a query cut in a handler
)
ALLOWED = {
    # Fixed sets laid out in two rows (the kinds of homework; the week's days), not cut.
    ("handlers/homework/fields.py", "buttons[:3]"),
    ("handlers/school/calendar.py", "buttons[:4]"),
    # A preview of the classes to create, ending in "…" after its count ("creates 96 classes").
    ("handlers/school/classes.py", "names[:12]"),
    # Holidays are listed by the settings' calendar (its paging belongs to that work).
    ("handlers/school/calendar.py", "rows[:40]"),
    # A family's children: a parent links a handful, at most one per class.
    ("handlers/parents/history.py", "children[:30]"),
}


def cuts() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for pattern in CUTS:
            for match in pattern.finditer(source):
                found.append((str(path.relative_to(ROOT)), match.group(0)))
    return found


def test_no_handler_cuts_a_list_silently() -> None:
    unexpected = [cut for cut in cuts() if cut not in ALLOWED]
    assert unexpected == [], "page these with handlers.kit.paging (picker_rows, paging_rows)"


def test_the_check_finds_a_cut() -> None:
    sample = "rows = [[(s.name, b)] for s in schools[:40]]\nfor i in range(0, min(len(x), 96), 4)"
    assert sum(len(p.findall(sample)) for p in CUTS) == 2
