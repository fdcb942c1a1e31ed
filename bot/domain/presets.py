"""Default school structure offered in set-up dialogs and used by the demo (pure data).

Subject names are data a school stores, not UI text: each locale has its own customary list,
in the order schools usually name them, and `SUBJECT_PRESETS["en"]` is the fallback.
"""

from __future__ import annotations

SUBJECT_PRESETS: dict[str, tuple[str, ...]] = {
    "zh_Hans": (
        "语文",
        "数学",
        "英语",
        "科学",
        "道德与法治",
        "物理",
        "化学",
        "历史",
        "地理",
        "生物",
    ),
    "ru": (
        "Русский язык",
        "Литература",
        "Математика",
        "Английский язык",
        "Окружающий мир",
        "История",
        "Физика",
        "Химия",
        "Биология",
        "География",
    ),
    "en": (
        "Chinese",
        "Maths",
        "English",
        "Science",
        "Morality and Law",
        "Physics",
        "Chemistry",
        "History",
        "Geography",
        "Biology",
    ),
}
