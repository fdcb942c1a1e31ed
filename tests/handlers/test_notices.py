"""What parents receive (issue 10): the notice in full with the teacher's photos, 作业公示 in
Chinese, late changes as one settled update with the texts, and weekend homework noticed,
asked about and checked on the weekend at its own limit."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from bot.domain.homework import HomeworkEventKind, HomeworkStatus
from bot.domain.load import HomeworkKind
from handlers.scheduler.tick import notify_homework_change, tick
from storage import homework as hw
from storage.models import Assignment, School, SchoolClass
from tests import world
from tests.handlers.scheduler_kit import (
    ADMIN,
    LENA_DAD,
    LENA_MUM,
    MAX_MUM,
    TEACHER,
    THU,
    Kit,
    build,
    local,
)
from tests.harness import Harness

SAT = THU + timedelta(days=2)


async def piece(
    bot: Harness,
    kit: Kit,
    minutes: int,
    text: str,
    *,
    photo: str | None = None,
    day: date = THU,
) -> int:
    """A posted Maths piece of 4A (with the teacher's photo file id)."""
    async with bot.session() as session:
        klass = await session.get(SchoolClass, kit.class_id)
        assert klass is not None
        found = await hw.create_assignment(
            session,
            klass=klass,
            subject_id=kit.maths_id,
            teacher_id=TEACHER,
            text=text,
            photo_file_id=photo,
            kind=HomeworkKind.WRITTEN,
            minutes=minutes,
            evening=day,
            due=None,
            loads={day: minutes},
            status=HomeworkStatus.POSTED,
        )
        await session.commit()
        return found.id


def photos_to(bot: Harness, uid: int) -> list[tuple[str | None, str | None]]:
    return [(m.photo, m.text) for m in bot.user(uid).messages if m.photo]


def texts_to(bot: Harness, uid: int) -> list[str]:
    return [m.text or "" for m in bot.user(uid).messages if not m.photo]


async def test_photo_piece_reaches_parents_as_a_photo_then_the_full_text(bot: Harness) -> None:
    kit = await build(bot)
    long_text = "Workbook p. 12, see the photo. " + "Solve every problem carefully. " * 20
    bot.api.store_file(b"jpeg", file_id="teacher-photo-1")
    await piece(bot, kit, 10, long_text.strip(), photo="teacher-photo-1")
    await tick(bot.app, local(17, 30))
    for parent in (LENA_MUM, LENA_DAD, MAX_MUM):
        [(photo, caption)] = photos_to(bot, parent)
        assert photo == "teacher-photo-1"
        assert caption is not None and caption.startswith("• Maths (written): 10 min\n  Workbook")
        [notice] = texts_to(bot, parent)
        assert long_text.strip() in notice  # the full text, no cut
        assert "…" not in notice
        assert notice.endswith("Homework is set in class; this is the record.")
        # The photo comes first, the text (with any buttons) after it.
        assert bot.user(parent).messages[0].photo == "teacher-photo-1"
    assert not bot.api.calls_to("sendMediaGroup")
    # A second tick sends neither again.
    await tick(bot.app, local(17, 31))
    assert len(bot.user(LENA_MUM).messages) == 2


async def test_several_photos_go_as_one_media_group(bot: Harness) -> None:
    kit = await build(bot)
    for n in (1, 2):
        bot.api.store_file(b"jpeg", file_id=f"p{n}")
        await piece(bot, kit, 5, f"Sheet {n}", photo=f"p{n}")
    await tick(bot.app, local(17, 30))
    album = photos_to(bot, MAX_MUM)
    assert [p for p, _c in album] == ["p1", "p2"]
    assert album[0][1] == "• Maths (written): 5 min\n  Sheet 1"
    groups = {m.media_group_id for m in bot.user(MAX_MUM).messages if m.photo}
    assert len(groups) == 1 and None not in groups
    assert len(bot.api.calls_to("sendMediaGroup")) == 3  # one per parent
    [notice] = texts_to(bot, MAX_MUM)
    assert "Sheet 1" in notice and "Sheet 2" in notice


async def test_a_photo_telegram_no_longer_has_is_said_in_the_text(bot: Harness) -> None:
    kit = await build(bot)
    bot.api.store_file(b"jpeg", file_id="alive")
    await piece(bot, kit, 5, "Sheet A", photo="alive")
    await piece(bot, kit, 5, "Sheet B", photo="expired-file-id")  # Telegram forgot it
    await tick(bot.app, local(17, 30))
    for parent in (LENA_MUM, LENA_DAD, MAX_MUM):
        assert [p for p, _c in photos_to(bot, parent)] == ["alive"]
        [notice] = texts_to(bot, parent)
        assert "• Maths (written): 5 min (photo no longer available)\n  Sheet B" in notice
        assert "• Maths (written): 5 min\n  Sheet A" in notice
    # The group failed whole once, then the dead photo was known: not tried for every parent.
    refused = [c for c in bot.api.calls_to("sendPhoto") if c.status == 400]
    assert len(refused) == 1


async def test_an_over_long_notice_is_split_between_lines(bot: Harness) -> None:
    kit = await build(bot)
    await piece(bot, kit, 5, "\n".join(f"Line {n}: " + "x" * 90 for n in range(40)))
    await piece(bot, kit, 5, "\n".join(f"Row {n}: " + "y" * 90 for n in range(40)))
    await tick(bot.app, local(17, 30))
    parts = texts_to(bot, MAX_MUM)
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    whole = "\n".join(parts)
    assert all(f"  Line {n}: " + "x" * 90 in whole for n in range(40))
    assert all(f"  Row {n}: " + "y" * 90 in whole for n in range(40))
    assert parts[-1].endswith("Homework is set in class; this is the record.")


async def test_the_chinese_notice_is_a_homework_record_set_in_class(bot: Harness) -> None:
    bot.user(MAX_MUM, "Clara", language_code="zh-hans")
    kit = await build(bot)
    async with bot.session() as session:
        mum = await world.user(session, MAX_MUM)
        mum.locale = "zh_Hans"
        await session.commit()
    await piece(bot, kit, 10, "练习册第12页")
    await tick(bot.app, local(17, 30))
    [notice] = texts_to(bot, MAX_MUM)
    assert notice.startswith("作业公示：4A 11月19日")
    assert "（Max）" in notice.splitlines()[0]
    assert "练习册第12页" in notice
    assert notice.endswith("以上作业均在课堂上布置，此处仅作公示。")
    assert "布置作业" not in notice


async def edit(bot: Harness, aid: int, **changes: Any) -> None:
    async with bot.session() as session:
        assignment = await session.get(Assignment, aid)
        assert assignment is not None
        loads = {assignment.evening: int(changes["minutes"])} if "minutes" in changes else None
        await hw.edit_assignment(session, assignment, TEACHER, changes, loads)
        await session.commit()


async def test_two_late_changes_within_a_minute_make_one_update(bot: Harness) -> None:
    kit = await build(bot)
    aid = await piece(bot, kit, 20, "Workbook p. 12")
    await tick(bot.app, local(17, 30))
    bot.clock.now = local(17, 40)
    await edit(bot, aid, minutes=30)
    assert await notify_homework_change(bot.app, aid, "edited") == 1
    bot.clock.now = local(17, 40) + timedelta(seconds=40)
    await edit(bot, aid, text="Workbook p. 13")
    assert await notify_homework_change(bot.app, aid, "edited") == 1
    assert (await tick(bot.app, local(17, 42))).sent == 0  # still within the quiet period
    report = await tick(bot.app, local(17, 44))
    assert report.sent == 3
    for parent in (LENA_MUM, LENA_DAD, MAX_MUM):
        _notice, update = texts_to(bot, parent)
        assert update.splitlines() == [
            "Homework update for {} (4A), Thu, Nov 19:".format(
                "Max" if parent == MAX_MUM else "Lena"
            ),
            "Maths: Workbook p. 13, 20 min -> 30 min and was: Workbook p. 12",
            "Written total 80 min, 20 min over "
            "(grades 3-6: at most 60 min of written homework a day).",
        ]
    assert (await tick(bot.app, local(17, 50))).sent == 0  # sent once
    # A change after that is a new update.
    bot.clock.now = local(17, 55)
    await edit(bot, aid, minutes=25)
    await notify_homework_change(bot.app, aid, "edited")
    await tick(bot.app, local(17, 58))
    assert texts_to(bot, MAX_MUM)[-1].splitlines()[1] == "Maths: Workbook p. 13, 30 min -> 25 min"
    assert len(texts_to(bot, MAX_MUM)) == 3


async def test_a_piece_posted_and_cancelled_in_between_says_nothing(bot: Harness) -> None:
    kit = await build(bot)
    await tick(bot.app, local(17, 30))
    bot.clock.now = local(17, 40)
    aid = await piece(bot, kit, 20, "Oops")
    await notify_homework_change(bot.app, aid, "posted")
    async with bot.session() as session:
        assignment = await session.get(Assignment, aid)
        assert assignment is not None
        await hw.set_status(
            session, assignment, TEACHER, HomeworkStatus.CANCELLED, HomeworkEventKind.CANCELLED
        )
        await session.commit()
    await notify_homework_change(bot.app, aid, "cancelled")
    assert (await tick(bot.app, local(17, 45))).sent == 0
    assert len(texts_to(bot, MAX_MUM)) == 1


async def test_a_late_photo_piece_brings_its_photo(bot: Harness) -> None:
    kit = await build(bot)
    await tick(bot.app, local(17, 30))
    bot.clock.now = local(17, 40)
    bot.api.store_file(b"jpeg", file_id="late-photo")
    aid = await piece(bot, kit, 5, "See the photo", photo="late-photo")
    await notify_homework_change(bot.app, aid, "posted")
    await tick(bot.app, local(17, 44))
    assert [p for p, _c in photos_to(bot, MAX_MUM)] == ["late-photo"]
    update = texts_to(bot, MAX_MUM)[-1]
    assert "New: Maths (written, 5 min).\n  See the photo" in update


async def test_with_the_default_times_a_piece_before_the_cut_off_is_in_the_notice(
    bot: Harness,
) -> None:
    kit = await build(bot)
    async with bot.session() as session:
        school = await session.get(School, kit.school_id)
        assert school is not None
        defaults = School.__table__.c
        school.notice_time = defaults.notice_time.default.arg
        school.cutoff_time = defaults.cutoff_time.default.arg
        assert school.cutoff_time <= school.notice_time
        await session.commit()
    assert (await tick(bot.app, local(17, 59))).runs == []
    bot.clock.now = local(17, 59)
    aid = await piece(bot, kit, 10, "Before the cut-off")
    assert await notify_homework_change(bot.app, aid, "posted") == 0  # no update
    await tick(bot.app, local(18, 0))
    [notice] = texts_to(bot, MAX_MUM)
    assert "Before the cut-off" in notice
    await tick(bot.app, local(18, 10))
    assert len(texts_to(bot, MAX_MUM)) == 1


async def test_weekend_piece_is_noticed_asked_and_checked_on_saturday(bot: Harness) -> None:
    kit = await build(bot, all_clear=True)
    async with bot.session() as session:
        school = await session.get(School, kit.school_id)
        assert school is not None
        school.cap_non_school_day = 40
        await session.commit()
    await piece(bot, kit, 50, "Weekend reading log", day=SAT)
    report = await tick(bot.app, local(21, 30, SAT))
    # the reminder's run too, sending nothing: the question went out in the same tick
    assert [r.job.value for r in report.runs] == ["notice", "evening", "reminder", "check"]
    notice, question = texts_to(bot, MAX_MUM)
    assert notice.startswith("Homework for Max (4A), Sat, Nov 21:")
    assert "Weekend reading log" in notice
    assert (
        "Written total 50 min, 10 min over "
        "(weekends and holidays: at most 40 min of written homework)." in notice
    )
    assert "How long did Max's written homework take today" in question
    [admin] = texts_to(bot, ADMIN)
    assert "1 of 1 class with homework over the limit" in admin
    assert "50 min (weekends and holidays: at most 40 min" in admin
    # Sunday has no homework: nothing runs.
    assert (await tick(bot.app, local(21, 30, SAT + timedelta(days=1)))).runs == []


async def test_notice_time_setting_still_decides_on_a_weekend(bot: Harness) -> None:
    kit = await build(bot)
    async with bot.session() as session:
        school = await session.get(School, kit.school_id)
        assert school is not None
        school.notice_time = time(19, 0)
        await session.commit()
    await piece(bot, kit, 30, "Weekend sheet", day=SAT)
    assert (await tick(bot.app, local(18, 0, SAT))).runs == []
    assert [r.job.value for r in (await tick(bot.app, local(19, 0, SAT))).runs] == ["notice"]
