"""Translated names of domain values (kinds, cap rules, negative-list items), at render time."""

from __future__ import annotations

from bot.domain.load import Cap, CapRule, HomeworkKind
from bot.domain.policy import ComplaintCategory, NegativeItem
from bot.domain.textcheck import PieceHint
from bot.i18n import _, format_list, format_minutes


def first_upper(text: str) -> str:
    """The first letter capitalised, the rest kept ('WeChat, QQ' stays; str.capitalize would
    write 'wechat, qq')."""
    return text[:1].upper() + text[1:]


def kind_label(kind: HomeworkKind | str) -> str:
    labels: dict[str, str] = {
        HomeworkKind.WRITTEN: _("written"),
        HomeworkKind.READING: _("reading"),
        HomeworkKind.ORAL: _("oral"),
        HomeworkKind.PRACTICAL: _("practical or physical"),
        HomeworkKind.OTHER: _("other"),
    }
    return labels.get(str(kind), str(kind))


def rule_label(cap: Cap) -> str:
    """The rule a cap comes from, with its figure: 'grades 3-6: at most 60 minutes a day'."""
    minutes = format_minutes(cap.minutes or 0)
    if cap.rule == CapRule.NO_WRITTEN_PRIMARY_LOW:
        return _("grades 1-2: no written homework at home")
    if cap.rule == CapRule.PRIMARY_LOW_DAILY:
        return _("grades 1-2: at most {minutes} of written homework a day").format(minutes=minutes)
    if cap.rule == CapRule.PRIMARY_DAILY:
        return _("grades 3-6: at most {minutes} of written homework a day").format(minutes=minutes)
    if cap.rule == CapRule.JUNIOR_DAILY:
        return _("grades 7-9: at most {minutes} of written homework a day").format(minutes=minutes)
    if cap.rule == CapRule.SENIOR_DAILY:
        return _("grades 10-12: at most {minutes} of written homework a day").format(
            minutes=minutes
        )
    if cap.rule == CapRule.NON_SCHOOL_DAY:
        return _("weekends and holidays: at most {minutes} of written homework").format(
            minutes=minutes
        )
    return _("no limit set for this grade")


def subject_minutes(subject: str, minutes: int) -> str:
    """A subject with its minutes, as one item of a list: 'Maths 30 min', '数学30分钟'."""
    return _("{subject} {minutes}").format(subject=subject, minutes=format_minutes(minutes))


def negative_item_label(item: NegativeItem | str) -> str:
    """A negative-list item in plain words (POLICY.md section 2)."""
    labels: dict[str, str] = {
        NegativeItem.BEYOND_CURRICULUM: _(
            "whole-class homework beyond the curriculum standard, ahead of the teaching "
            "progress, or beyond the students' ability"
        ),
        NegativeItem.OVER_TIME_LIMIT: _("more than the school's time limit and total for the day"),
        NegativeItem.NOT_PRETESTED: _(
            "not first done by the teacher, or with odd, tricky or wrong questions"
        ),
        NegativeItem.PUNITIVE_REPETITIVE: _(
            "punitive, repetitive or arbitrary (e.g. copying a text N times as a punishment)"
        ),
        NegativeItem.BOUGHT_PAPERS: _(
            "whole sets of test papers or workbooks reprinted without selection and used as "
            "homework"
        ),
        NegativeItem.PARENTS_COMPLETE: _(
            "homework that parents must complete, or that needs parents to do it, openly or in "
            "disguise"
        ),
        NegativeItem.VIA_CHAT_APPS: _(
            "homework assigned through WeChat, QQ, DingTalk groups, apps or other electronic means"
        ),
        NegativeItem.PUBLISHED_IN_GROUPS: _(
            "students' homework status, exam marks, praise or criticism published in class "
            "chat groups"
        ),
        NegativeItem.PARENTS_MARK: _(
            "parents or students made to mark homework, or a parent's signature used as the "
            "proof that the child completed it"
        ),
        NegativeItem.NOT_MARKED: _(
            "homework the teacher sets but does not mark, marks carelessly, or evaluates in a "
            "one-size, untargeted way"
        ),
    }
    return labels.get(str(item), str(item))


def hint_line(hint: PieceHint, kind: HomeworkKind | str) -> str:
    """A stored hint of a piece declared as `kind`, for the grade leader and school office."""
    if hint.item is not None and 1 <= hint.item <= len(NegativeItem):
        item = list(NegativeItem)[hint.item - 1]
        return "⚠ " + _('"{quote}" — item {n}: {item}').format(
            quote=hint.fragment, n=hint.item, item=negative_item_label(item)
        )
    return "⚠ " + _("“{quote}” reads like written work, though declared as {kind}").format(
        quote=hint.fragment, kind=kind_label(kind)
    )


def category_label(category: ComplaintCategory | str) -> str:
    """A complaint category in plain words: a negative-list item, or one of the extras."""
    extra: dict[str, str] = {
        ComplaintCategory.TOTAL_LOAD: _("total homework load too high"),
        ComplaintCategory.EXAMS_RANKINGS: _("exams or rankings"),
        ComplaintCategory.OFF_CAMPUS_TUTORING: _(
            "off-campus tutoring (training centres, classes ahead of the curriculum)"
        ),
        ComplaintCategory.PAID_TUTORING: _("paid tutoring by serving teachers"),
        ComplaintCategory.OTHER: _("other"),
    }
    if str(category) in extra:
        return extra[str(category)]
    return negative_item_label(category)


def category_short_label(category: ComplaintCategory | str) -> str:
    """A complaint category in a few words, to fit on a button."""
    labels: dict[str, str] = {
        ComplaintCategory.BEYOND_CURRICULUM: _("Beyond the curriculum"),
        ComplaintCategory.OVER_TIME_LIMIT: _("Over the time limit"),
        ComplaintCategory.NOT_PRETESTED: _("Odd or wrong questions"),
        ComplaintCategory.PUNITIVE_REPETITIVE: _("Punitive or arbitrary"),
        ComplaintCategory.BOUGHT_PAPERS: _("Reprinted test papers"),
        ComplaintCategory.PARENTS_COMPLETE: _("Parents must do it"),
        ComplaintCategory.VIA_CHAT_APPS: _("Set through apps or groups"),
        ComplaintCategory.PUBLISHED_IN_GROUPS: _("Status or marks in groups"),
        ComplaintCategory.PARENTS_MARK: _("Parents or students mark"),
        ComplaintCategory.NOT_MARKED: _("Not marked or evaluated"),
        ComplaintCategory.TOTAL_LOAD: _("Total load too high"),
        ComplaintCategory.EXAMS_RANKINGS: _("Exams or rankings"),
        ComplaintCategory.OFF_CAMPUS_TUTORING: _("Off-campus tutoring"),
        ComplaintCategory.PAID_TUTORING: _("Paid tutoring by teachers"),
        ComplaintCategory.OTHER: _("Other"),
    }
    return labels.get(str(category), str(category))


def removed_note(removed: tuple[str, ...]) -> str:
    """What was taken out of a typed name (invisible or direction-changing characters), or ""."""
    if not removed:
        return ""
    return _("Invisible characters were removed from the name: {chars}.").format(
        chars=format_list(list(removed))
    )
