"""The evening question as parents see it: its buttons (typed payloads), its text, the answer
labels ("60–90 min", "did not finish, went to bed"), and who answered ("Anna reported 75 min
at 21:05"). Shared by the scheduler's question and reminder and by /report."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from bot.domain.calendar import SchoolCalendar, local_now
from bot.domain.load import Cap, cap_for, evening_load
from bot.domain.reporting import RangeChoice, ReportOutcome, range_choices
from bot.i18n import _, format_day, format_minutes, format_time
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.replies import Rows
from storage.homework import caps_of, evening_pieces
from storage.models import DailyReport
from storage.reports import Answered, ChildOfParent


class EveningAnswer(enum.StrEnum):
    ESTIMATE = "e"
    MINUTES = "m"  # a range: `minutes` is its low bound, `high` its high one (None: open)
    TYPE = "t"
    UNFINISHED = "u"


@dataclass(frozen=True)
class EveningAnswerButton(CallbackData, prefix="pr.a"):
    """An answer to the question for `child_id` on `day`. For ESTIMATE, `minutes` is the
    estimate the question showed; `replace` confirms replacing another parent's answer."""

    child_id: int
    day: date
    answer: EveningAnswer
    minutes: int = 0
    high: int | None = None
    replace: bool = False


@dataclass(frozen=True)
class KeepAnswerButton(CallbackData, prefix="pr.k"):
    """Keep the other parent's answer."""

    child_id: int
    day: date


@dataclass(frozen=True)
class RemindersButton(CallbackData, prefix="pr.r"):
    """Turn the evening reminder on or off."""

    on: bool


@dataclass(frozen=True)
class Evening:
    """What the question shows for one child and day: the class's estimate and its cap."""

    estimate: int
    cap: Cap


async def evening_of(context: Ctx, child: ChildOfParent, day: date, cal: SchoolCalendar) -> Evening:
    pieces = await evening_pieces(context.session, child.class_id, day)
    cap = cap_for(caps_of(child.school), child.grade, day, cal)
    return Evening(evening_load([p.piece() for p in pieces], cap).written_total, cap)


def question_text(child_name: str, day: date, *, today: bool) -> str:
    if today:
        return _("How long did {child}'s written homework take today ({day})?").format(
            child=child_name, day=format_day(day)
        )
    return _("How long did {child}'s written homework take on {day}?").format(
        child=child_name, day=format_day(day)
    )


def range_label(low: int, high: int | None) -> str:
    """'under 30 min', '60–90 min', 'over 90 min'."""
    if high is None:
        return _("over {minutes}").format(minutes=format_minutes(low))
    if low == 0:
        return _("under {minutes}").format(minutes=format_minutes(high))
    return _("{low}–{high}").format(low=low, high=format_minutes(high))


def answer_rows(child_id: int, day: date, estimate: int, cap: int | None) -> Rows:
    """The one-tap answers: as estimated, four ranges around the cap, type, did not finish."""
    rows: Rows = [
        [
            (
                _("As estimated ({minutes})").format(minutes=format_minutes(estimate)),
                EveningAnswerButton(child_id, day, EveningAnswer.ESTIMATE, estimate),
            )
        ]
    ]
    labels: list[tuple[str, CallbackData | str]] = [
        (range_label(c.low, c.high), range_button(child_id, day, c))
        for c in range_choices(estimate, cap)
    ]
    rows += [labels[:2], labels[2:]]
    rows.append([(_("Type minutes"), EveningAnswerButton(child_id, day, EveningAnswer.TYPE))])
    rows.append(
        [
            (
                _("Did not finish, went to bed"),
                EveningAnswerButton(child_id, day, EveningAnswer.UNFINISHED),
            )
        ]
    )
    return rows


def range_button(child_id: int, day: date, choice: RangeChoice) -> EveningAnswerButton:
    return EveningAnswerButton(child_id, day, EveningAnswer.MINUTES, choice.low, choice.high)


def reminder_rows(child_id: int, day: date, estimate: int, cap: int | None) -> Rows:
    """The question's buttons and one to turn reminders off."""
    return [
        *answer_rows(child_id, day, estimate, cap),
        [(_("No more reminders"), RemindersButton(on=False))],
    ]


def answer_label(
    minutes: int | None,
    outcome: ReportOutcome,
    span: tuple[int | None, int | None] = (None, None),
) -> str:
    """What a report says: '75 min', '60–90 min', 'did not finish, went to bed (after 50 min)'."""
    if outcome is ReportOutcome.UNFINISHED:
        if minutes is None:
            return _("did not finish, went to bed")
        return _("did not finish, went to bed (after {minutes})").format(
            minutes=format_minutes(minutes)
        )
    low, high = span
    if minutes is None and low is not None:
        return range_label(low, high)
    return format_minutes(minutes or 0)


def report_label(report: DailyReport) -> str:
    return answer_label(
        report.minutes, ReportOutcome(report.outcome), (report.minutes_low, report.minutes_high)
    )


def who_answered(found: Answered, timezone: str) -> str:
    """'Anna reported 75 min at 21:05' (the time in the school's zone)."""
    when = local_now(timezone, found.report.updated_at)
    return _("{name} reported {answer} at {time}").format(
        name=found.reporter or _("a parent who has left"),
        answer=report_label(found.report),
        time=format_time(when.time()),
    )
