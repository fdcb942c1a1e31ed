"""Policy vocabulary: the negative list (POLICY.md section 2) and complaint categories.

Pure domain code: identifiers only, no user-facing text (the UI translates them).
"""

from __future__ import annotations

from enum import StrEnum


class NegativeItem(StrEnum):
    """The ten items of the homework negative list (负面行为清单), in the policy's order."""

    BEYOND_CURRICULUM = "beyond_curriculum"  # 1. 超标超前, beyond students' ability
    OVER_TIME_LIMIT = "over_time_limit"  # 2. more than the day's time limit
    NOT_PRETESTED = "not_pretested"  # 3. not first done by the teacher; odd/wrong questions
    PUNITIVE_REPETITIVE = "punitive_repetitive"  # 4. punitive, repetitive, meaningless
    BOUGHT_PAPERS = "bought_papers"  # 5. whole bought test papers / workbooks
    PARENTS_COMPLETE = "parents_complete"  # 6. parents must complete it or do it
    VIA_CHAT_APPS = "via_chat_apps"  # 7. assigned through chat apps
    PUBLISHED_IN_GROUPS = "published_in_groups"  # 8. status/marks/rankings published in groups
    PARENTS_MARK = "parents_mark"  # 9. parents mark it, or sign as its evaluation
    NOT_MARKED = "not_marked"  # 10. teacher does not mark it, or marks carelessly

    @property
    def number(self) -> int:
        """Return the item's 1-based number in the negative list (1..10)."""
        return list(NegativeItem).index(self) + 1


class ComplaintCategory(StrEnum):
    """Complaint categories: the ten negative-list items (same values) plus five more; the two
    tutoring ones are the district's subjects, not the school's."""

    BEYOND_CURRICULUM = NegativeItem.BEYOND_CURRICULUM.value
    OVER_TIME_LIMIT = NegativeItem.OVER_TIME_LIMIT.value
    NOT_PRETESTED = NegativeItem.NOT_PRETESTED.value
    PUNITIVE_REPETITIVE = NegativeItem.PUNITIVE_REPETITIVE.value
    BOUGHT_PAPERS = NegativeItem.BOUGHT_PAPERS.value
    PARENTS_COMPLETE = NegativeItem.PARENTS_COMPLETE.value
    VIA_CHAT_APPS = NegativeItem.VIA_CHAT_APPS.value
    PUBLISHED_IN_GROUPS = NegativeItem.PUBLISHED_IN_GROUPS.value
    PARENTS_MARK = NegativeItem.PARENTS_MARK.value
    NOT_MARKED = NegativeItem.NOT_MARKED.value
    TOTAL_LOAD = "total_load"  # total written-homework load too high
    EXAMS_RANKINGS = "exams_rankings"  # exam / ranking rules broken
    OFF_CAMPUS_TUTORING = "off_campus_tutoring"  # 校外培训 (e.g. 超前超纲 classes)
    PAID_TUTORING = "paid_tutoring"  # 在职教师有偿补课: paid tutoring by serving teachers
    OTHER = "other"

    @classmethod
    def from_item(cls, item: NegativeItem) -> ComplaintCategory:
        """Return the category with the same value as the negative-list item."""
        return cls(item.value)

    @property
    def negative_item(self) -> NegativeItem | None:
        """Return the negative-list item this category is, or None for the extra ones."""
        try:
            return NegativeItem(self.value)
        except ValueError:
            return None
