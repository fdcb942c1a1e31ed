"""An invite link as a printable QR code: a PNG with the school, role and class under it.

Pure: takes the link and the lines already translated by the caller, returns PNG bytes.
The code is made by segno (a maintained, dependency-free QR encoder), drawn module by module
with Pillow (matplotlib's own imaging library) at a whole number of pixels a module, so a
printer or a phone camera sees sharp squares. The text uses the charts' font (the CJK font
from `mpl-font`, which covers Latin and Cyrillic too: bot/render/charts.py), so Chinese and
Russian names print as they are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.render.charts import font_file

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

WIDTH_PX = 1000
"""About 8.5 cm at 300 dpi: a quarter of an A4 sheet, big enough to scan from a desk away."""
QUIET_MODULES = 4
"""The blank border a QR code needs around it (the standard's quiet zone)."""
MARGIN_PX = 48
TITLE_PX = 52
TEXT_PX = 40
LINE_GAP_PX = 14
MAX_LINES = 12
"""Lines under the code at most (a teacher's long list of classes is cut with an ellipsis)."""


def qr_matrix(link: str) -> list[list[bool]]:
    """The code's dark modules, row by row (error correction M: a smudged print still scans)."""
    import segno  # lazy: only the invite pictures need it

    code = segno.make_qr(link, error="m", boost_error=True)
    return [[bool(cell) for cell in row] for row in code.matrix]


def _wrap(text: str, font: FreeTypeFont, width: int) -> list[str]:
    """`text` in lines at most `width` pixels wide: broken at a space where there is one,
    between any two characters in a run without spaces (Chinese)."""
    lines: list[str] = []
    line = ""
    for char in text:
        candidate = line + char
        if font.getlength(candidate) <= width or not line:
            line = candidate
            continue
        space = line.rfind(" ")
        if space > 0 and char != " ":
            lines.append(line[:space])
            line = line[space + 1 :] + char
        else:
            lines.append(line.rstrip())
            line = char.lstrip()
    if line.strip():
        lines.append(line.strip())
    return lines


def invite_qr_png(link: str, title: str, lines: Sequence[str]) -> bytes:
    """The QR code of `link`, `title` (the school) in bold under it, then `lines` (role,
    class, validity), each wrapped to the picture's width; the lines before the last are
    cut to fit `MAX_LINES` (with "…")."""
    from PIL import Image, ImageDraw, ImageFont  # lazy: as matplotlib in charts

    matrix = qr_matrix(link)
    modules = len(matrix) + 2 * QUIET_MODULES
    scale = max(1, (WIDTH_PX - 2 * MARGIN_PX) // modules)
    code_px = modules * scale
    bold = ImageFont.truetype(font_file(bold=True), TITLE_PX)
    regular = ImageFont.truetype(font_file(), TEXT_PX)
    text_width = WIDTH_PX - 2 * MARGIN_PX
    head: list[tuple[str, FreeTypeFont]] = [(t, bold) for t in _wrap(title, bold, text_width)]
    middle = [(t, regular) for line in lines[:-1] for t in _wrap(line, regular, text_width)]
    tail = [(t, regular) for line in lines[-1:] for t in _wrap(line, regular, text_width)]
    room = max(1, MAX_LINES - len(head) - len(tail))
    if len(middle) > room:  # a long scope is cut; the title and the last line (validity) stay
        middle = [*middle[: room - 1], (middle[room - 1][0] + " …", regular)]
    texts = [*head, *middle, *tail]
    height = MARGIN_PX + code_px + sum(int(f.size) + LINE_GAP_PX for _t, f in texts) + MARGIN_PX
    image = Image.new("L", (WIDTH_PX, height), 255)
    draw = ImageDraw.Draw(image)
    left = (WIDTH_PX - code_px) // 2
    top = MARGIN_PX
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0 = left + (x + QUIET_MODULES) * scale
                y0 = top + (y + QUIET_MODULES) * scale
                draw.rectangle((x0, y0, x0 + scale - 1, y0 + scale - 1), fill=0)
    y = top + code_px
    for text, font in texts:
        draw.text((WIDTH_PX // 2, y), text, font=font, fill=0, anchor="ma")
        y += int(font.size) + LINE_GAP_PX
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
