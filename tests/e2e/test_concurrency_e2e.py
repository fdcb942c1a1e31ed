"""Many people at once through the real process: per-chat order, no lost or doubled effects."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain.roles import InviteRole
from handlers.onboarding.owner import NewSchoolAction as OwnerAction
from handlers.onboarding.owner import NewSchoolConfirmButton, NewSchoolDistrictButton
from storage.db import SessionMaker
from storage.models import Child, ParentLink, School
from tests.e2e.conftest import OWNER_ID, BotProcess
from tests.e2e.helpers import (
    ASK_CHILD,
    CHILD_DONE,
    SCHOOL,
    find_button,
    has_button,
    new_invite,
    seed_school,
    send,
    t,
    tap,
)
from tests.fakebot import FakeBotAPI

pytestmark = pytest.mark.e2e

PARENTS = 12


async def test_parents_join_at_once(bot: BotProcess, api: FakeBotAPI, db: SessionMaker) -> None:
    """A class's parents open the link and name their children at the same moment."""
    school_id, class_id = await seed_school(db, 2000)
    code = await new_invite(
        db, role=InviteRole.PARENT, class_id=class_id, created_by=2000, school_id=school_id
    )
    parents = [
        api.user(5000 + i, f"P{i}", language_code=("zh-hans", "ru", "en")[i % 3])
        for i in range(PARENTS)
    ]
    locales = {"zh-hans": "zh_Hans", "ru": "ru", "en": "en"}
    marks = [p.mark() for p in parents]
    for p in parents:
        p.send(f"/start {code}")
    for p, m in zip(parents, marks, strict=True):
        await p.wait_for(t(locales[p.language_code], ASK_CHILD), after=m)
    marks = [p.mark() for p in parents]
    names = ["Child " + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i in range(PARENTS)]
    for p, name in zip(parents, names, strict=True):
        p.send(name)
    for p, m, name in zip(parents, marks, names, strict=True):
        done = t(locales[p.language_code], CHILD_DONE, child=name, klass="3A", school=SCHOOL)
        await p.wait_for(done, after=m)
    async with db() as s:
        links = set((await s.execute(select(ParentLink.parent_id, Child.name).join(Child))).all())
    assert links == {(p.id, n) for p, n in zip(parents, names, strict=True)}


async def test_double_tap_creates_one_school(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    """An impatient owner taps "Create" twice: one school, the second tap refused politely."""
    olga = api.user(OWNER_ID, "Olga")
    await send(olga, "/newschool", has_button(NewSchoolDistrictButton, district_id=0))
    await tap(olga, NewSchoolDistrictButton, lambda m: True, district_id=0)
    await send(olga, "Xicheng District", t("en", "Type the school's name:"))
    await send(olga, "Twin Taps School", lambda m: True)
    await send(olga, "Asia/Shanghai", has_button(NewSchoolConfirmButton, action=OwnerAction.CREATE))
    label, _payload, msg = find_button(olga, NewSchoolConfirmButton, action=OwnerAction.CREATE)
    first = olga.tap(label, message_id=msg.message_id)
    second = olga.tap(label, message_id=msg.message_id)
    await olga.wait_for("https://t.me/qingfu_test_bot?start=")
    await olga.wait_idle(quiet=0.3)
    answers = {a.update_id: a for a in olga.answered_callbacks}
    assert first in answers and second in answers
    assert answers[second].text == t("en", "This is no longer available.")
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(School)) == 1
