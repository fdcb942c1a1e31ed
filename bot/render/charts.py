"""Charts as PNG bytes, drawn off-screen (matplotlib's Agg canvas), sized for a phone.

Pure: each function takes plain data and labels already translated by the caller, and returns
the PNG. No pyplot (no global figure state): every chart is its own `Figure`, so charts can be
drawn from several tasks or threads.

matplotlib (about a second to import, plus the font set-up) is imported inside the functions
that draw, so the bot starts without it; the fonts are registered at the first chart.

Fonts: Chinese needs a CJK font. The Noto Sans CJK SC file shipped by the `mpl-font` package
(a project dependency; the font is under the SIL Open Font License) is registered with
matplotlib at import without importing that package (its import hook rewrites matplotlib's
configuration); a system Noto/Source Han/WenQuanYi font is used when the package is absent.
Noto Sans CJK covers Latin and Cyrillic too; DejaVu Sans (matplotlib's own) is the fallback
for any other glyph.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import logging
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.render.wrapping import NO_LINE_START as NO_LINE_START
from bot.render.wrapping import TITLE_UNITS
from bot.render.wrapping import wrap as wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

log = logging.getLogger(__name__)

WIDTH_PX = 1080
DPI = 100
FONT_PT = 22
"""Base text size: about 30 px, readable on a phone that shows the image 1080 px wide."""
TITLE_PT = 28
SMALL_PT = 18

CJK_FILES = ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf")
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
)
FALLBACK_FAMILY = "DejaVu Sans"

SUBJECT_COLOURS = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#B279A2",
    "#E45756",
    "#72B7B2",
    "#EECA3B",
    "#9D755D",
    "#FF9DA6",
    "#BAB0AC",
)
OVER = "#C62828"
CAP = "#222222"
MEDIAN = "#111111"
WITHIN = "#4C78A8"
IN_TIME = "#F58518"


def _packaged_font_dir() -> Path | None:
    """mpl-font's `fonts/noto` folder, found without running the package's import hook."""
    spec = importlib.util.find_spec("mpl_font")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "fonts" / "noto"
        if folder.is_dir():
            return folder
    return None


def register_fonts() -> str | None:
    """Register the CJK font and return its family name; None when no CJK font exists."""
    from matplotlib import font_manager  # lazy: see the module's docstring

    folder = _packaged_font_dir()
    if folder is not None:
        for name in CJK_FILES:
            path = folder / name
            if path.is_file() and not any(
                f.fname == str(path) for f in font_manager.fontManager.ttflist
            ):
                font_manager.fontManager.addfont(str(path))
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    log.warning("no CJK font found: Chinese labels in charts will not render")
    return None


@functools.cache
def cjk_family() -> str | None:
    """The CJK family of every chart's text, registered at the first call."""
    return register_fonts()


def font_families() -> list[str]:
    """The CJK family first, matplotlib's own for any glyph it lacks."""
    return [f for f in (cjk_family(), FALLBACK_FAMILY) if f]


def font_file(*, bold: bool = False) -> str:
    """The file of the charts' font (the CJK one when there is one), for drawing text without
    matplotlib (the invite QR code's caption, bot/render/qr.py)."""
    from matplotlib import font_manager  # lazy: see the module's docstring

    weight = "bold" if bold else "normal"
    props = font_manager.FontProperties(family=font_families(), weight=weight)
    return str(font_manager.findfont(props))


@functools.cache
def rc_params() -> dict[str, Any]:
    """matplotlib settings of every chart (the off-screen Agg backend, fonts and sizes)."""
    import matplotlib  # lazy: see the module's docstring

    matplotlib.use("Agg")
    return {
        "font.family": font_families(),
        "font.size": FONT_PT,
        "axes.titlesize": TITLE_PT,
        "axes.labelsize": FONT_PT,
        "xtick.labelsize": FONT_PT,
        "ytick.labelsize": FONT_PT,
        "legend.fontsize": SMALL_PT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }


LABEL_UNITS = 20


def _figure(height_px: int) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: module docstring
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _rc() -> AbstractContextManager[None]:
    import matplotlib  # lazy: see the module's docstring

    return matplotlib.rc_context(rc_params())  # type: ignore[arg-type]


# ---------------------------------------------------------------- a class's week


@dataclass(frozen=True)
class ClassDay:
    """One evening of a class: written minutes per subject, cap, parents' median."""

    label: str
    """Axis label, e.g. 'Thu\\n19/11' (two short lines fit seven days on a phone)."""
    subjects: tuple[tuple[str, int], ...] = ()
    cap: int | None = None
    median: float | None = None
    median_note: str = ""
    """Shown beside the median point, e.g. 'n=5'."""
    flagged: bool | None = None
    """Over the limit as the figures say (`bot.domain.figures.ClassDay.is_over`: also when
    enough reports went to bed unfinished); None: judged from the bar and the median alone."""

    @property
    def written(self) -> int:
        return sum(m for _, m in self.subjects)

    @property
    def over(self) -> bool:
        if self.flagged is not None:
            return self.flagged
        return self.cap is not None and (
            self.written > self.cap or (self.median is not None and self.median > self.cap)
        )


@dataclass(frozen=True)
class ClassWeekLabels:
    title: str
    minutes: str  # the y axis, e.g. 'Written homework, min'
    cap: str  # legend: the cap line
    median: str  # legend: the parents' median points
    over: str  # legend: an evening over the cap


def class_week(days: Sequence[ClassDay], labels: ClassWeekLabels) -> bytes:
    """Written minutes per evening stacked by subject, the cap as a line, the parents'
    median as points with their count, evenings over the cap marked in red."""
    subjects: list[str] = []
    for day in days:
        for name, _ in day.subjects:
            if name not in subjects:
                subjects.append(name)
    colour = {s: SUBJECT_COLOURS[i % len(SUBJECT_COLOURS)] for i, s in enumerate(subjects)}
    legend_rows = math.ceil((len(subjects) + 3) / 2)
    with _rc():
        figure = _figure(1000 + 44 * legend_rows)
        ax = figure.add_subplot()
        _stacked_bars(ax, days, colour)
        _cap_lines(ax, [d.cap for d in days])
        peak = max(
            [d.written for d in days]
            + [d.cap or 0 for d in days]
            + [d.median or 0 for d in days]
            + [10]
        )
        _medians_and_marks(ax, days, peak)
        _class_axes(ax, days, peak, labels)
        figure.legend(
            handles=_class_legend(subjects, colour, labels),
            loc="outside lower center",
            ncol=2,
            frameon=False,
        )
        return _png(figure)


def _stacked_bars(ax: Axes, days: Sequence[ClassDay], colour: dict[str, str]) -> None:
    """A bar per day stacked by subject; a day over the cap outlined in red."""
    for x, day in enumerate(days):
        bottom = 0
        for name, minutes in day.subjects:
            ax.bar(x, minutes, bottom=bottom, color=colour[name], width=0.66)
            bottom += minutes
        if day.over:
            ax.bar(x, max(bottom, 1), width=0.66, fill=False, edgecolor=OVER, linewidth=4)


def _cap_lines(ax: Axes, caps: Sequence[int | None]) -> None:
    """The cap over each bar, joined into one line between neighbours with the same cap."""
    for x, cap in enumerate(caps):
        if cap is not None:
            ax.hlines(cap, x - 0.45, x + 0.45, colors=CAP, linewidth=4)
    for i in range(len(caps) - 1):
        cap = caps[i]
        if cap is not None and cap == caps[i + 1]:
            ax.hlines(cap, i + 0.45, i + 0.55, colors=CAP, linewidth=4)


def _medians_and_marks(ax: Axes, days: Sequence[ClassDay], peak: float) -> None:
    """The parents' median as a diamond with its count, and a red "!" over a day over the
    cap (above its bar or its median, whichever is higher)."""
    for x, day in enumerate(days):
        if day.median is not None:
            ax.plot(
                x,
                day.median,
                marker="D",
                markersize=16,
                color=MEDIAN,
                markeredgecolor="white",
                markeredgewidth=2,
                linestyle="none",
                zorder=5,
            )
            ax.annotate(
                day.median_note,
                (x, day.median),
                xytext=(14, 8),
                textcoords="offset points",
                fontsize=SMALL_PT,
                zorder=6,
            )
        if day.over:
            top = max(day.written, day.median or 0)
            ax.text(
                x,
                top + peak * 0.03,
                "!",
                ha="center",
                va="bottom",
                color=OVER,
                fontsize=TITLE_PT,
                fontweight="bold",
            )


def _class_axes(ax: Axes, days: Sequence[ClassDay], peak: float, labels: ClassWeekLabels) -> None:
    """Day labels (red and bold for a day over the cap), limits, the y label and the title."""
    xs = list(range(len(days)))
    ax.set_xticks(xs, [d.label for d in days])
    for tick, day in zip(ax.get_xticklabels(), days, strict=True):
        if day.over:
            tick.set_color(OVER)
            tick.set_fontweight("bold")
    ax.set_ylim(0, peak * 1.18)
    ax.set_xlim(-0.6, len(days) - 0.4)
    ax.set_ylabel(labels.minutes)
    ax.set_title(wrap(labels.title), loc="left", fontweight="bold")
    ax.grid(axis="y", alpha=0.3)


def _class_legend(
    subjects: Sequence[str], colour: dict[str, str], labels: ClassWeekLabels
) -> list[Patch | Line2D]:
    from matplotlib.lines import Line2D  # lazy: see the module's docstring
    from matplotlib.patches import Patch

    handles: list[Patch | Line2D] = [Patch(color=colour[s], label=s) for s in subjects]
    handles += [
        Line2D([], [], color=CAP, linewidth=4, label=labels.cap),
        Line2D(
            [],
            [],
            marker="D",
            markersize=14,
            color=MEDIAN,
            linestyle="none",
            label=labels.median,
        ),
        Patch(fill=False, edgecolor=OVER, linewidth=3, label=labels.over),
    ]
    return handles


# ---------------------------------------------------------------- a school's week


@dataclass(frozen=True)
class HeatRow:
    """A class: per column, (written minutes, cap) or None for no homework that evening."""

    label: str
    cells: tuple[tuple[int, int | None] | None, ...]
    over: tuple[bool, ...] = ()
    """Per cell, over the limit as the figures say (`ClassDay.is_over`); a cell over by the
    parents' figures with minutes within the cap is outlined in red. Empty: by the minutes."""

    def is_over(self, column: int) -> bool:
        cell = self.cells[column]
        if column < len(self.over):
            return self.over[column]
        return cell is not None and cell[1] is not None and cell[0] > cell[1]

    def outlined(self, column: int) -> bool:
        """Over the limit, but not by the minutes shown (by the parents' figures)."""
        cell = self.cells[column]
        minutes_over = cell is not None and cell[1] is not None and cell[0] > cell[1]
        return self.is_over(column) and not minutes_over


@dataclass(frozen=True)
class SchoolWeekLabels:
    title: str
    scale: str  # the colour bar, e.g. 'Written minutes / limit'
    note: str = ""  # under the title, e.g. '3 classes over the limit on 5 evenings'


HEAT_MAX = 1.5
"""Colours saturate at 150% of the cap."""
HEAT_COLOURS = (
    (0.0, "#E8F5E9"),
    (0.5 / HEAT_MAX, "#A5D6A7"),
    (0.85 / HEAT_MAX, "#FFF59D"),
    (1.0 / HEAT_MAX, "#FFB74D"),
    (1.0 / HEAT_MAX + 0.001, "#E57373"),
    (1.0, "#B71C1C"),
)


@functools.cache
def heat_colormap() -> Colormap:
    """Green within the cap, yellow and orange near it, red over; grey for no homework."""
    from matplotlib.colors import LinearSegmentedColormap  # lazy: see the module's docstring

    heat = LinearSegmentedColormap.from_list("load", list(HEAT_COLOURS))
    return heat.with_extremes(bad="#F2F2F2")


def ratio(written: int, cap: int | None) -> float:
    """Minutes against the cap, for colour: 0..HEAT_MAX (no cap: 0; cap 0 and work: max)."""
    if cap is None:
        return 0.0
    if cap == 0:
        return HEAT_MAX if written else 0.0
    return min(written / cap, HEAT_MAX)


def school_week(columns: Sequence[str], rows: Sequence[HeatRow], labels: SchoolWeekLabels) -> bytes:
    """One row per class, one column per evening: the written minutes written in each cell,
    coloured by minutes against the cap (green within, orange near, red over)."""
    import numpy as np  # lazy: see the module's docstring
    from matplotlib.patches import Rectangle

    with _rc():
        height = 330 + 74 * max(len(rows), 1)
        figure = _figure(height)
        ax = figure.add_subplot()
        values = np.full((len(rows), len(columns)), np.nan)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row.cells):
                if cell is not None:
                    values[r, c] = ratio(*cell) / HEAT_MAX
        image = ax.imshow(
            np.ma.masked_invalid(values), cmap=heat_colormap(), vmin=0, vmax=1, aspect="auto"
        )
        for r, row in enumerate(rows):
            for c, cell in enumerate(row.cells):
                if cell is None:
                    continue
                written, cap = cell
                over = row.is_over(c)
                if row.outlined(c):
                    ax.add_patch(
                        Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fill=False, ec=OVER, lw=3)
                    )
                ax.text(
                    c,
                    r,
                    str(written),
                    ha="center",
                    va="center",
                    color="white" if cap is not None and written > cap else "#212121",
                    fontweight="bold" if over else "normal",
                    fontsize=FONT_PT,
                )
        ax.set_xticks(range(len(columns)), list(columns))
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(rows)), [r.label for r in rows])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xticks([x - 0.5 for x in range(1, len(columns))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
        ax.grid(which="minor", color="white", linewidth=3)
        ax.tick_params(which="minor", length=0)
        title = wrap(labels.title) + (f"\n{wrap(labels.note)}" if labels.note else "")
        figure.suptitle(title, x=0.02, ha="left", fontsize=TITLE_PT, fontweight="bold")
        bar = figure.colorbar(image, ax=ax, location="bottom", shrink=0.8, aspect=30, pad=0.02)
        ticks = [0, 0.5, 0.8, 1.0, HEAT_MAX]
        bar.set_ticks([t / HEAT_MAX for t in ticks], labels=[f"{round(t * 100)}%" for t in ticks])
        bar.set_label(labels.scale)
        return _png(figure)


# ---------------------------------------------------------------- a district


@dataclass(frozen=True)
class Share:
    """Shares as fractions 0..1 (None: nothing to measure)."""

    label: str
    within: float | None
    in_time: float | None


@dataclass(frozen=True)
class DistrictLabels:
    title: str
    within: str  # 'Class-evenings within the limit'
    in_time: str  # 'Complaints answered in time'
    weeks: str  # the upper panel's title, e.g. 'District, week by week'
    schools: str  # the lower panel's title, e.g. 'Schools, lowest first'
    no_data: str = "—"


def _percent(value: float | None) -> float:
    return 0.0 if value is None else value * 100


def district(weeks: Sequence[Share], schools: Sequence[Share], labels: DistrictLabels) -> bytes:
    """Upper panel: the district's shares week by week; lower panel: per school, the share of
    class-evenings within the cap and of complaints answered within their deadline."""
    with _rc():
        height = 900 + 86 * max(len(schools), 1)
        figure = _figure(height)
        grid = figure.add_gridspec(2, 1, height_ratios=[560, 86 * max(len(schools), 1) + 120])
        top = figure.add_subplot(grid[0])
        xs = list(range(len(weeks)))
        for attr, colour, label in (
            ("within", WITHIN, labels.within),
            ("in_time", IN_TIME, labels.in_time),
        ):
            points = [(x, getattr(w, attr)) for x, w in zip(xs, weeks, strict=True)]
            known = [(x, v * 100) for x, v in points if v is not None]
            if known:
                top.plot(
                    [x for x, _ in known],
                    [v for _, v in known],
                    marker="o",
                    markersize=12,
                    linewidth=4,
                    color=colour,
                    label=label,
                )
        top.set_xticks(xs, [w.label for w in weeks])
        top.set_ylim(0, 105)
        top.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        top.set_title(wrap(labels.weeks, TITLE_UNITS + 8), loc="left")
        top.grid(axis="y", alpha=0.3)
        top.legend(loc="lower left", frameon=True)
        bottom = figure.add_subplot(grid[1])
        ys = list(range(len(schools)))
        h = 0.38
        bottom.barh(
            [y - h / 2 for y in ys],
            [_percent(s.within) for s in schools],
            height=h,
            color=WITHIN,
        )
        bottom.barh(
            [y + h / 2 for y in ys],
            [_percent(s.in_time) for s in schools],
            height=h,
            color=IN_TIME,
        )
        for y, school in zip(ys, schools, strict=True):
            for offset, value in ((-h / 2, school.within), (h / 2, school.in_time)):
                text = labels.no_data if value is None else f"{round(value * 100)}%"
                bottom.text(_percent(value) + 1.5, y + offset, text, va="center", fontsize=SMALL_PT)
        bottom.set_yticks(ys, [wrap(s.label, LABEL_UNITS) for s in schools])
        bottom.invert_yaxis()
        bottom.set_xlim(0, 118)
        bottom.set_xticks([0, 50, 100], ["0%", "50%", "100%"])
        bottom.set_title(wrap(labels.schools, TITLE_UNITS + 8), loc="left")
        figure.suptitle(wrap(labels.title), x=0.02, ha="left", fontsize=TITLE_PT, fontweight="bold")
        return _png(figure)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
