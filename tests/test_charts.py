"""bot.render.charts: PNGs of the right size in every locale, and every glyph of Chinese and Russian
labels in a real font (no missing-character boxes)."""

from __future__ import annotations

import io
import warnings

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image

from bot.i18n import LOCALES, _, use_locale
from bot.render import charts

ZH_RU_SAMPLES = (
    "书面作业（分钟）上限 家长反馈中位数 超出上限 年级组长 教务处 督导 周一 周日 11月16日",
    "Письменные задания, мин норма медиана по отчётам родителей выше нормы пн вс ЁёЙй",
)


def class_days() -> list[charts.ClassDay]:
    return [
        charts.ClassDay("Mon\n11/16", (("Maths", 25), ("Chinese", 20)), 60, 55.0, "n = 12"),
        charts.ClassDay(
            "Tue\n11/17", (("Maths", 35), ("Chinese", 30), ("English", 15)), 60, 80.0, "n = 14"
        ),
        charts.ClassDay("Wed\n11/18", (), 60),
        charts.ClassDay("Sat\n11/21", (("数学", 10),), 30, None),
    ]


def labelled(
    locale: str,
) -> tuple[charts.ClassWeekLabels, charts.SchoolWeekLabels, charts.DistrictLabels]:
    """Real translated labels of the locale (the strings the bot uses)."""
    with use_locale(locale):
        return (
            charts.ClassWeekLabels(
                _("{class_name}: written homework, {period}").format(
                    class_name="5B", period="11/16"
                ),
                _("Written homework, min"),
                _("Limit"),
                _("Parents' median (n = reports)"),
                _("Over the limit"),
            ),
            charts.SchoolWeekLabels(
                _("{school}: written homework by class, {period}").format(
                    school="第一中学", period="11/16"
                ),
                _("Written minutes against the limit"),
                _("Schools, lowest first"),
            ),
            charts.DistrictLabels(
                _("{district}: homework limits and complaints, {period}").format(
                    district="Район", period="11"
                ),
                _("Class-days within the limit"),
                _("Complaints answered in time"),
                _("The district, week by week"),
                _("Schools, lowest first"),
            ),
        )


def render_all(locale: str) -> list[bytes]:
    class_labels, school_labels, district_labels = labelled(locale)
    rows = [
        charts.HeatRow(
            f"{g}A", tuple(((g * 13 + d * 7) % 90, 60) if d < 5 else None for d in range(7))
        )
        for g in range(3, 9)
    ] + [
        charts.HeatRow("2A", ((10, 0), (0, 0), None, None, None, None, None)),
        # over by the parents' figures with minutes within: outlined
        charts.HeatRow("5B", ((40, 60), None, None, None, None, None, None), (True,) * 7),
    ]
    weeks = [charts.Share(f"11/{d}", 0.8, 0.5) for d in (2, 9, 16)] + [
        charts.Share("11/23", None, None)
    ]
    schools = [charts.Share("第一中学", 0.7, None), charts.Share("Школа № 5", 0.95, 1.0)]
    return [
        charts.class_week(class_days(), class_labels),
        charts.school_week(["一", "二", "三", "四", "五", "六", "日"], rows, school_labels),
        charts.district(weeks, schools, district_labels),
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_pngs_of_phone_width_in_every_locale(locale: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = render_all(locale)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    for png in pngs:
        width, height = charts.png_size(png)
        assert width == charts.WIDTH_PX
        assert 600 <= height <= 3000
        image = Image.open(io.BytesIO(png))
        assert image.size == (width, height)
        # Not blank: many distinct colours were drawn.
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50


def test_a_cjk_font_is_registered_and_covers_chinese_and_cyrillic() -> None:
    assert charts.cjk_family() is not None, "no CJK font: install the mpl-font package"
    path = font_manager.findfont(
        font_manager.FontProperties(family=charts.cjk_family()), fallback_to_default=False
    )
    font = FT2Font(path)
    labels = [
        text for locale in LOCALES for group in labelled(locale) for text in vars(group).values()
    ]
    text = "".join([*labels, *ZH_RU_SAMPLES])
    absent = sorted({ch for ch in text if not ch.isspace() and font.get_char_index(ord(ch)) == 0})
    assert absent == []
    assert charts.font_families()[0] == charts.cjk_family()


def test_a_missing_glyph_would_be_caught() -> None:
    """The check above can fail: a glyph no font has is reported."""
    labels = charts.ClassWeekLabels("\U000f0000", "x", "x", "x", "x")  # a private-use code point
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.class_week(class_days(), labels)
    assert any("missing from font" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    ("written", "cap", "expected"),
    [
        (30, 60, 0.5),
        (60, 60, 1.0),
        (120, 60, charts.HEAT_MAX),
        (10, 0, charts.HEAT_MAX),
        (0, 0, 0.0),
        (50, None, 0.0),
    ],
)
def test_ratio(written: int, cap: int | None, expected: float) -> None:
    assert charts.ratio(written, cap) == expected


def test_class_day_over() -> None:
    assert charts.ClassDay("d", (("M", 70),), 60).over
    assert charts.ClassDay("d", (("M", 50),), 60, median=75.0).over
    assert not charts.ClassDay("d", (("M", 60),), 60, median=60.0).over
    assert not charts.ClassDay("d", (("M", 600),), None).over
    # The figures' verdict wins (e.g. over by the unfinished share with the median within).
    assert charts.ClassDay("d", (("M", 40),), 60, median=50.0, flagged=True).over
    assert not charts.ClassDay("d", (("M", 70),), 60, flagged=False).over


def test_heat_row_over() -> None:
    by_minutes = charts.HeatRow("5A", ((70, 60), (60, 60), None))
    assert [by_minutes.is_over(c) for c in range(3)] == [True, False, False]
    flagged = charts.HeatRow("5A", ((70, 60), (40, 60), None), (True, True, False))
    assert [flagged.is_over(c) for c in range(3)] == [True, True, False]


def test_png_size_refuses_other_data() -> None:
    with pytest.raises(ValueError, match="PNG"):
        charts.png_size(b"GIF89a...")


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [
        ("short title", 44, "short title"),
        ("aaa bbb ccc", 7, "aaa bbb\nccc"),
        ("书面作业书面作业", 8, "书面作业\n书面作业"),
        ("5A：书面作业 abc", 8, "5A：\n书面作业\nabc"),
        ("line\nbreak kept", 44, "line\nbreak kept"),
        # Issue 14: never inside a date, no line starting with punctuation.
        ("五年级三班书面作业2026年11月23日", 30, "五年级三班书面作业\n2026年11月23日"),
        ("各班书面作业时长，2026年11月23日至27日", 24, "各班书面作业时长，\n2026年11月23日至27日"),
        ("书面作业时长占上限的比例，全区县", 24, "书面作业时长占上限的比\n例，全区县"),
        ("Written homework, Mon, Nov 23 – Fri", 24, "Written homework, Mon,\nNov 23 – Fri"),
        ("задания, 23 нояб. – 4 дек.", 12, "задания,\n23 нояб. –\n4 дек."),
        ("Demo School No. 1：各班书面作业", 30, "Demo School No. 1：\n各班书面作业"),
    ],
)
def test_wrap(text: str, units: int, expected: str) -> None:
    assert charts.wrap(text, units) == expected


@pytest.mark.parametrize("units", [12, 16, 20, 24, 30, 44])
def test_wrap_keeps_dates_and_starts_no_line_with_punctuation(units: int) -> None:
    text = "北京市海淀区实验小学：2026年11月23日周一至12月4日周五，各班书面作业时长（占上限）"
    lines = charts.wrap(text, units).split("\n")
    assert "".join(lines) == text
    assert not any(line[0] in charts.NO_LINE_START for line in lines)
    for date in ("2026年11月23日周一", "12月4日周五"):
        assert any(date in line for line in lines), lines
