"""/settings: the daily times hold together (cut-off <= notice < evening question < reminder
< daily check, the rule stated in the refusal); the weekly report, complaint deadline,
all-clear, unfinished share and hotlines (the school's and the district's)."""

from __future__ import annotations

from datetime import time

import pytest

from bot.domain.roles import Role
from storage.models import District, School
from tests.factories import make_school, make_staff
from tests.fakebot import SentMessage
from tests.harness import OWNER_ID, Harness

ADMIN, SUPERVISOR, OTHER_ADMIN = 3101, 3102, 3103
RULE = "cut-off ≤ notice < evening question < reminder < daily check"


async def seed(bot: Harness, language_code: str = "en") -> int:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_staff(
            session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN, language_code=language_code
        )
        await make_staff(session, setup, SUPERVISOR, "Li", Role.SUPERVISOR)
        other = await make_school(session, name="Other School")
        await make_staff(session, other, OTHER_ADMIN, "Zhao", Role.SCHOOL_ADMIN)
        await session.commit()
        return setup.school.id


def plain(message: SentMessage | None) -> str:
    """A message's text with Babel's narrow no-break spaces ('5:30\u202fPM') as spaces."""
    assert message is not None
    return (message.text or "").replace("\u202f", " ")


async def school(bot: Harness, school_id: int) -> School:
    async with bot.session() as session:
        found = await session.get(School, school_id)
        assert found is not None
        return found


@pytest.mark.parametrize(
    ("label", "typed", "says"),
    [
        # the cases, with the defaults 18:00 / 18:00 / 20:30 (+45) / 21:30
        ("Homework notice", "17:30",
         "the notice (5:30 PM) cannot come before the cut-off (6:00 PM)"),
        ("Evening question", "17:00", "the evening question (5:00 PM) must come after the notice"),
        ("Daily check", "07:00",
         "the daily check (7:00 AM) must come after the reminder (9:15 PM)"),
        ("Cut-off", "18:30", "the notice (6:00 PM) cannot come before the cut-off (6:30 PM)"),
        ("Evening question", "21:00",
         "the daily check (9:30 PM) must come after the reminder (9:45 PM)"),
    ],
)  # fmt: skip
async def test_a_time_out_of_order_is_refused_with_the_rule(
    bot: Harness, label: str, typed: str, says: str
) -> None:
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    await bot.send(admin, "/settings")
    times = await bot.tap(admin, "Times")
    assert RULE in plain(times)
    await bot.tap(admin, label)
    reply = await bot.send(admin, typed)
    assert reply is not None
    assert "Not saved: " + says in plain(reply)
    assert RULE in plain(reply)
    saved = await school(bot, school_id)
    assert (saved.cutoff_time, saved.notice_time, saved.evening_time, saved.check_time) == (
        time(18),
        time(18),
        time(20, 30),
        time(21, 30),
    )


async def test_times_in_order_and_the_reminder_delay_are_saved(bot: Harness) -> None:
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    menu = await bot.send(admin, "/settings")
    assert menu is not None and "Reminder: 45 min after the question (9:15 PM)" in plain(menu)
    times = await bot.tap(admin, "Times")
    assert "Reminder: 45 min after the question (9:15 PM)" in plain(times)
    assert times is not None
    assert [b["text"] for b in times.buttons if b["text"].startswith("Reminder")] == ["Reminder"]
    await bot.tap(admin, "Reminder")
    reply = await bot.send(admin, "60")  # 21:30, the daily check's time
    assert (
        reply is not None
        and "the daily check (9:30 PM) must come after the reminder (9:30 PM)" in plain(reply)
    )
    reply = await bot.send(admin, "200")
    assert reply is not None and "from 0 to 180" in plain(reply)
    menu = await bot.send(admin, "30")
    assert menu is not None and "Reminder: 30 min after the question (9:00 PM)" in plain(menu)
    await bot.tap(admin, "Times")
    await bot.tap(admin, "Cut-off")
    await bot.send(admin, "17:30")
    await bot.tap(admin, "Times")
    await bot.tap(admin, "Homework notice")
    await bot.send(admin, "17:30")  # = the cut-off: allowed
    await bot.tap(admin, "Times")
    await bot.tap(admin, "Reminder")
    menu = await bot.send(admin, "0")
    assert menu is not None and "Reminder: no reminder" in plain(menu)
    await bot.tap(admin, "Times")
    await bot.tap(admin, "Daily check")
    await bot.send(admin, "20:45")  # without a reminder the check only follows the question
    saved = await school(bot, school_id)
    assert (saved.cutoff_time, saved.notice_time, saved.check_time) == (
        time(17, 30),
        time(17, 30),
        time(20, 45),
    )
    assert saved.reminder_delay == 0


async def test_the_refusal_in_chinese_and_russian(bot: Harness) -> None:
    await seed(bot, language_code="zh-hans")
    admin = bot.user(ADMIN, "Admin", language_code="zh-hans")
    await bot.send(admin, "/settings")
    await bot.tap(admin, "时间")
    await bot.tap(admin, "每日检查")
    reply = await bot.send(admin, "07:00")
    assert reply is not None
    assert "未保存" in plain(reply) and "截止时间 ≤ 作业公示" in plain(reply)


async def test_reports_complaints_and_hotline(bot: Harness) -> None:
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    await bot.send(admin, "/settings")
    more = await bot.tap(admin, "Reports, complaints and hotline")
    text = plain(more)
    assert "Weekly report: Monday, 8:00 AM" in text
    assert "Complaints answered within 3 school days" in text
    assert "Daily all-clear (a summary also on days no class is over): off" in text
    assert "20% of its reports" in text
    assert "School hotline: not set" in text
    await bot.tap(admin, "Weekly report day")
    await bot.tap(admin, "Friday")
    await bot.tap(admin, "Weekly report time")
    await bot.send(admin, "16:00")
    await bot.tap(admin, "Complaint deadline")
    reply = await bot.send(admin, "11")
    assert reply is not None and "from 1 to 10" in plain(reply)
    await bot.send(admin, "5")
    await bot.tap(admin, "Daily all-clear: off")
    await bot.tap(admin, "Unfinished share")
    await bot.send(admin, "30%")
    await bot.tap(admin, "School hotline")
    reply = await bot.send(admin, "call us")
    assert reply is not None and "Please type a phone number" in plain(reply)
    more_after = await bot.send(admin, "０１０－１２３４５６７８")
    assert more_after is not None
    text = plain(more_after)
    assert "Weekly report: Friday, 4:00 PM" in text
    assert "within 5 school days" in text and "over): on" in text and "30% of its" in text
    assert "School hotline: 010-12345678" in text
    saved = await school(bot, school_id)
    assert (saved.weekly_report_weekday, saved.weekly_report_time) == (5, time(16))
    assert (saved.complaint_deadline_days, saved.daily_all_clear) == (5, True)
    assert (saved.unfinished_share, saved.hotline) == (30, "010-12345678")
    await bot.tap(admin, "Remove the hotline")
    assert (await school(bot, school_id)).hotline is None


async def test_district_hotline_by_its_supervisor_and_the_owner_only(bot: Harness) -> None:
    school_id = await seed(bot)
    supervisor = bot.user(SUPERVISOR, "Li")
    picker = await bot.send(supervisor, "/settings")
    assert picker is not None and picker.button_texts == ["District: District"]
    menu = await bot.tap(supervisor, "District: District")
    assert "District hotline: not set" in plain(menu)
    await bot.tap(supervisor, "District hotline")
    menu_after = await bot.send(supervisor, "0571-12345")
    assert menu_after is not None and "District hotline: 0571-12345" in plain(menu_after)
    district_id = (await school(bot, school_id)).district_id
    async with bot.session() as session:
        district = await session.get(District, district_id)
        assert district is not None and district.hotline == "0571-12345"
    # an administrator of another district's school is not offered it, nor can forge it
    other = bot.user(OTHER_ADMIN, "Zhao")
    menu = await bot.send(other, "/settings")
    assert menu is not None and "District:" not in " ".join(menu.button_texts)
    token = menu.buttons[0]["callback_data"].split(":")[1]
    other.tap_raw(f"st.d:{token}:{district_id}", menu.message_id)
    await bot.deliver()
    assert "no longer available" in (other.answered_callbacks[-1].text or "")
    owner = bot.user(OWNER_ID, "Owner")
    picker = await bot.send(owner, "/settings")
    assert picker is not None and "District: District" in picker.button_texts
