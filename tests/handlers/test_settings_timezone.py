"""/settings, "Time zone": the school office sets its school's zone from the common zones'
buttons or typed as people name it; shown as people say it, recorded in the policy history;
forged and stale presses refused."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.roles import Role
from handlers.school.settings import SettingsAction, SettingsButton
from storage.models import Dialog, PolicyChange, School
from tests.factories import make_school, make_staff, make_teacher
from tests.fakebot import SentMessage
from tests.handlers.onboarding_kit import assert_refused
from tests.harness import Harness

ADMIN, TEACHER, OTHER_ADMIN, SUPERVISOR = 3201, 3202, 3203, 3204


async def seed(bot: Harness, language_code: str = "en") -> int:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_staff(
            session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN, language_code=language_code
        )
        await make_teacher(session, setup, TEACHER, "Wang", [("5A", "Maths")])
        await make_staff(session, setup, SUPERVISOR, "Li", Role.SUPERVISOR)
        other = await make_school(session, name="Other School")
        await make_staff(session, other, OTHER_ADMIN, "Zhao", Role.SCHOOL_ADMIN)
        await session.commit()
        return setup.school.id


def text(message: SentMessage | None) -> str:
    assert message is not None
    return message.text or ""


async def zone_of(bot: Harness, school_id: int) -> str:
    async with bot.session() as session:
        school = await session.get(School, school_id)
        assert school is not None
        return school.timezone


async def changes(bot: Harness) -> list[tuple[str, str | None, str | None]]:
    async with bot.session() as session:
        rows = await session.execute(
            select(PolicyChange.field, PolicyChange.old, PolicyChange.new).order_by(PolicyChange.id)
        )
        return [(field, old, new) for field, old, new in rows.all()]


async def token_of(bot: Harness, user_id: int) -> str:
    async with bot.session() as session:
        dialog = await session.scalar(select(Dialog).where(Dialog.user_id == user_id))
        assert dialog is not None
        return dialog.token


async def test_typed_and_picked_in_english_recorded_and_stale_presses_refused(
    bot: Harness,
) -> None:
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    menu = await bot.send(admin, "/settings")
    assert text(menu).startswith("Settings of School No. 1 (time zone Beijing time)")
    picker = await bot.tap(admin, "Time zone")
    assert text(picker) == (
        "School No. 1 is in Beijing time. Pick its time zone, or type it or a city in it:"
    )
    assert picker.button_texts == [
        "✅ Beijing time",
        "Ürümqi (UTC+6)",
        "Hong Kong (UTC+8)",
        "Moscow time",
        "Yekaterinburg (UTC+5)",
        "Novosibirsk (UTC+7)",
        "Vladivostok (UTC+10)",
        "London (UTC)",
        "UTC",
        "⬅ Back",
    ]
    reply = await bot.send(admin, "Mars/Olympus")
    assert text(reply).startswith("That is not a time zone I know.\nFor example:")
    reply = await bot.send(admin, "UTC+5:30")
    assert text(reply).startswith("Please name a city of that time zone instead of the offset.")
    assert await zone_of(bot, school_id) == "Asia/Shanghai"
    menu = await bot.send(admin, "Moscow")
    assert text(menu).startswith(
        "Time zone set: Moscow time.\n\nSettings of School No. 1 (time zone Moscow time)"
    )
    assert await zone_of(bot, school_id) == "Europe/Moscow"
    assert await changes(bot) == [("timezone", "Asia/Shanghai", "Europe/Moscow")]

    await bot.tap(admin, "Time zone")
    urumqi = SettingsButton(await token_of(bot, ADMIN), SettingsAction.SET_TIMEZONE, 2).pack()
    menu = await bot.tap(admin, "Ürümqi (UTC+6)")
    assert text(menu).startswith("Time zone set: Ürümqi (UTC+6).\n\nSettings of School No. 1")
    assert await zone_of(bot, school_id) == "Asia/Urumqi"
    # the picker's button pressed again once the menu is back: stale, nothing changes
    await assert_refused(bot, admin, urumqi)
    # a forged index, and the button forged by someone who does not run this school
    await bot.tap(admin, "Time zone")
    token = await token_of(bot, ADMIN)
    await assert_refused(bot, admin, SettingsButton(token, SettingsAction.SET_TIMEZONE, 99))
    teacher = bot.user(TEACHER, "Wang")
    await bot.send(teacher, "/settings")  # not theirs to change
    await assert_refused(bot, teacher, SettingsButton(token, SettingsAction.SET_TIMEZONE, 3))
    other = bot.user(OTHER_ADMIN, "Zhao")
    await bot.send(other, "/settings")
    await assert_refused(bot, other, SettingsButton(token, SettingsAction.SET_TIMEZONE, 3))
    assert await zone_of(bot, school_id) == "Asia/Urumqi"
    assert [c[2] for c in await changes(bot)] == ["Europe/Moscow", "Asia/Urumqi"]
    # the district's inspector reads the change in the policy history, named as people say it
    history = text(await bot.send(bot.user(SUPERVISOR, "Li"), "/policy"))
    assert "changed Time zone from Moscow time to Ürümqi (UTC+6)" in history
    assert "Asia/Urumqi" not in history


async def test_in_chinese(bot: Harness) -> None:
    school_id = await seed(bot, language_code="zh-hans")
    admin = bot.user(ADMIN, "Admin", language_code="zh-hans")
    await bot.send(admin, "/settings")
    picker = await bot.tap(admin, "时区")
    assert text(picker).startswith("School No. 1目前使用北京时间。请点选时区")
    assert "乌鲁木齐（UTC+6）" in picker.button_texts
    reply = await bot.send(admin, "火星时间")
    assert text(reply).startswith("不认识这个时区。")
    menu = await bot.send(admin, "МСК")
    assert text(menu).startswith("时区已设为莫斯科时间。")
    assert "莫斯科时间" in text(menu).split("\n\n")[1].splitlines()[0]
    assert await zone_of(bot, school_id) == "Europe/Moscow"
    await bot.tap(admin, "时区")
    menu = await bot.send(admin, "北京时间")
    assert text(menu).startswith("时区已设为北京时间。")
    await bot.tap(admin, "时区")
    menu = await bot.send(admin, "UTC+8")
    assert text(menu).startswith("时区已设为UTC+8。")
    assert await zone_of(bot, school_id) == "Etc/GMT-8"


async def test_in_russian(bot: Harness) -> None:
    school_id = await seed(bot, language_code="ru")
    admin = bot.user(ADMIN, "Admin", language_code="ru")
    await bot.send(admin, "/settings")
    picker = await bot.tap(admin, "Часовой пояс")
    assert "Екатеринбург (МСК+2)" in picker.button_texts
    menu = await bot.tap(admin, "Екатеринбург (МСК+2)")
    assert text(menu).startswith("Часовой пояс установлен: Екатеринбург (МСК+2).")
    assert await zone_of(bot, school_id) == "Asia/Yekaterinburg"
    await bot.tap(admin, "Часовой пояс")
    reply = await bot.send(admin, "Марс")
    assert text(reply).startswith("Такой часовой пояс мне неизвестен.")
    menu = await bot.send(admin, "Asia/Shanghai")
    assert text(menu).startswith("Часовой пояс установлен: пекинское время.")
    assert await zone_of(bot, school_id) == "Asia/Shanghai"
