"""Invite links as QR code pictures: after /invite and from /invites; the picture decodes
back to the link, its caption names the school, the role and the class."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image

from bot.domain.roles import InviteRole
from handlers.onboarding.invite_list import InviteQrButton
from storage import repo
from storage.models import Invite
from tests.fakebot import SentMessage
from tests.handlers.onboarding_kit import (
    admin_school,
    assert_refused,
    bulk_classes,
    classes_by_name,
    codes,
    localized,
    one,
    parent_link,
    set_up_school,
    subjects_by_name,
    text,
)
from tests.harness import Harness


def decoded(bot: Harness, message: SentMessage) -> list[str]:
    assert message.photo is not None
    png = bot.api.files[message.photo].content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def test_a_new_link_and_a_listed_link_as_qr_codes(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    code = await parent_link(bot, admin, "3B", "anyone with the link, 90 days")
    assert admin.last.button_texts == ["Send as a QR code"]
    link = f"https://t.me/qingfu_test_bot?start={code}"
    photo = await bot.tap(admin, "Send as a QR code")
    assert decoded(bot, photo) == [link]
    lines = (photo.text or "").splitlines()
    assert [lines[0], lines[1], lines[3]] == ["No. 1 Primary School", "Parent: 3B", link]
    # On the school's clock, with the weekday; no zone named for the school's own office.
    assert re.fullmatch(r"until \w{3}, \w{3} \d+, \d{4}, \d+:\d\d\u202f[AP]M", lines[2]), lines[2]
    # From /invites: the QR button of the first (newest) link.
    await parent_link(bot, admin, "4A", "1 person, 7 days")
    listing = await bot.send(admin, "/invites")
    newest = codes(listing)[0]
    photo = await bot.tap(admin, "QR 1")
    assert decoded(bot, photo) == [f"https://t.me/qingfu_test_bot?start={newest}"]
    assert "Parent: 4A" in text(photo)


async def test_many_links_point_to_invites_for_qr_codes(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    await bot.tap(admin, "Every class (one link each)")
    reply = await bot.tap(admin, "anyone with the link, 90 days")
    assert "/invites sends any of them as a QR code picture to print." in text(admin.last)
    assert reply.button_texts == []


async def test_qr_in_chinese_and_refused_to_others(bot: Harness) -> None:
    admin, _school = await admin_school(bot, language_code="zh-hans")
    await bulk_classes(bot, admin)
    await bot.send(admin, "/invite")
    await bot.tap(admin, localized("zh_Hans", "parent"))
    await bot.tap(admin, "3年级2班")
    [code] = codes(await bot.tap(admin, data=admin.last.buttons[0]["callback_data"]))
    photo = await bot.tap(admin, localized("zh_Hans", "Send as a QR code"))
    assert decoded(bot, photo) == [f"https://t.me/qingfu_test_bot?start={code}"]
    second = (photo.text or "").splitlines()[1]
    assert second == localized("zh_Hans", "{role}: {scope}").format(
        role=localized("zh_Hans", "parent"), scope="3年级2班"
    )
    invite = await one(bot, Invite, Invite.code == code)
    # Another school's administrator, and a revoked link: refused.
    other, _ = await set_up_school(bot, user_id=2002)
    await assert_refused(bot, other, InviteQrButton(invite.id))
    listing = await bot.send(admin, "/invites")
    assert codes(listing) == [code]
    await bot.tap(admin, data=admin.last.buttons[0]["callback_data"])  # revoke 1
    photos = sum(1 for m in admin.messages if m.photo)
    admin.tap_raw(InviteQrButton(invite.id).pack())
    await bot.deliver()
    refusal = admin.answered_callbacks[-1]
    assert refusal.text == localized("zh_Hans", "This is no longer available.")
    assert sum(1 for m in admin.messages if m.photo) == photos


async def test_a_long_teacher_invite_fits_the_caption(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    subjects = await subjects_by_name(bot, school.id)
    pairs = [[c.id, s.id] for c in classes.values() for s in subjects.values()]
    async with bot.session() as session:
        invite = await repo.create_invite(
            session,
            role=InviteRole.TEACHER,
            created_by=admin.id,
            now=bot.clock.now,
            valid_for=None,
            max_uses=1,
            school_id=school.id,
            teaching=pairs,
        )
        await session.commit()
    await bot.send(admin, "/invites")
    photo = await bot.tap(admin, "QR 1")
    link = f"https://t.me/qingfu_test_bot?start={invite.code}"
    assert decoded(bot, photo) == [link]
    caption = photo.text or ""
    assert len(caption) <= 1024 and caption.endswith("…\n" + link)
    assert caption.startswith("No. 1 Primary School\nTeacher: 1A ")
