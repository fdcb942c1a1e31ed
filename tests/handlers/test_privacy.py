"""/privacy, /forgetme, /me's remove a child and leave a class, in zh_Hans, ru and en: what is
listed, what is forgotten, and that the school's class figures stay the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.i18n import ngettext, use_locale
from handlers.onboarding.leave import LeaveAction, LeaveButton
from storage import school as school_store
from storage.checks import daily_check
from storage.models import (
    Child,
    Complaint,
    ComplaintEvent,
    DailyReport,
    Invite,
    ParentLink,
    ReportEvent,
    SchoolClass,
    User,
)
from tests import world
from tests.fakebot import FakeUser
from tests.handlers.onboarding_kit import (
    STALE,
    assert_speaks,
    db_state,
    localized,
    one,
    rows,
    text,
)
from tests.handlers.scheduler_kit import LENA_DAD, LENA_MUM, MAX_MUM, THU, Kit, build, local
from tests.harness import Harness

LOCALES = ["zh_Hans", "ru", "en"]
NINA_MUM = 505


async def families(bot: Harness, locale: str) -> Kit:
    """4A with Lena (two parents), Max and Nina (one each), three reports on Thursday (two
    with notes), and two complaints of Lena's mother (one named, one anonymous)."""
    kit = await build(bot)
    bot.user(NINA_MUM, "Nora")
    bot.clock.now = local(21, 0)
    async with bot.session() as session:
        klass = await session.get(SchoolClass, kit.class_id)
        assert klass is not None
        nina = await world.child(session, klass, "Nina", [NINA_MUM])
        reports = [
            DailyReport(
                child_id=kit.lena, day=THU, minutes=70, outcome="done", reporter_id=LENA_MUM
            ),
            DailyReport(child_id=kit.max, day=THU, minutes=40, outcome="done", reporter_id=MAX_MUM),
            DailyReport(
                child_id=nina.id, day=THU, minutes=55, outcome="done", reporter_id=NINA_MUM
            ),
            DailyReport(
                child_id=kit.lena,
                day=THU - timedelta(days=1),
                minutes=65,
                outcome="done",
                reporter_id=LENA_MUM,
                note="Too much copying",
            ),
            DailyReport(
                child_id=kit.max,
                day=THU - timedelta(days=1),
                minutes=90,
                outcome="done",
                reporter_id=MAX_MUM,
                note="Max wrote until 21:30",
            ),
        ]
        session.add_all(reports)
        await session.flush()
        session.add_all(
            ReportEvent(
                report_id=r.id, reporter_id=r.reporter_id, minutes=r.minutes, outcome=r.outcome
            )
            for r in reports
        )
        for n, anonymous in enumerate((False, True)):
            complaint = Complaint(
                code=f"1000-000{n}",
                school_id=kit.school_id,
                class_id=kit.class_id,
                complainant_id=LENA_MUM,
                anonymous=anonymous,
                category="total_load",
                text="Too much homework",
                deadline_at=local(18, 0) + timedelta(days=3),
            )
            session.add(complaint)
            await session.flush()
            session.add(
                ComplaintEvent(
                    complaint_id=complaint.id, actor_id=LENA_MUM, actor_role="parent", kind="filed"
                )
            )
        await session.execute(
            update(User)
            .where(User.id.in_((LENA_MUM, LENA_DAD, MAX_MUM, NINA_MUM)))
            .values(locale=locale)
        )
        await session.commit()
    return kit


async def class_figures(bot: Harness, kit: Kit) -> list[tuple[object, ...]]:
    """The daily check's figures of every class on Thursday (what the school sees)."""
    async with bot.session() as session:
        checks = await daily_check(session, [(kit.school_id, THU)])
    return sorted(
        (c.class_id, c.written, c.reports, c.timed, c.median, c.over, c.unfinished) for c in checks
    )


async def refused(bot: Harness, user: FakeUser, data: LeaveButton, locale: str) -> None:
    """A stale or foreign press: the polite alert in the user's language, nothing changed."""
    before = await db_state(bot)
    user.tap_raw(data.pack())
    await bot.deliver()
    answered = user.answered_callbacks[-1]
    assert (answered.text, answered.show_alert) == (localized(locale, STALE), True)
    assert await db_state(bot) == before


def plural(locale: str, singular: str, plural_: str, n: int) -> str:
    with use_locale(locale):
        return ngettext(singular, plural_, n).format(n=n)


@pytest.mark.parametrize("locale", LOCALES)
async def test_privacy_lists_children_reports_and_complaints(bot: Harness, locale: str) -> None:
    await families(bot, locale)
    reply = await bot.send(bot.user(LENA_MUM), "/privacy")
    assert_speaks(reply, locale, "What I store about you:")
    reports = plural(locale, "{n} evening report", "{n} evening reports", 2)
    notes = plural(locale, "{n} note written by you", "{n} notes written by you", 1)
    assert_speaks(
        reply,
        locale,
        "{child}, class {klass} at {school}: {reports}, {notes}.",
        child="Lena",
        klass="4A",
        school="No. 1 School",
        reports=reports,
        notes=notes,
    )
    assert_speaks(
        reply,
        locale,
        "Complaints you filed: {total} ({named} with your name, {anonymous} anonymous).",
        total=2,
        named=1,
        anonymous=1,
    )
    assert_speaks(reply, locale, "Who sees what:")
    assert "3" in text(reply)  # class figures only from 3 families
    assert "Max" not in text(reply) and "Nina" not in text(reply)  # never another child
    # A parent without complaints: zero, and her one child.
    reply = await bot.send(bot.user(MAX_MUM), "/privacy")
    assert_speaks(
        reply,
        locale,
        "Complaints you filed: {total} ({named} with your name, {anonymous} anonymous).",
        total=0,
        named=0,
        anonymous=0,
    )
    assert "Lena" not in text(reply)


@pytest.mark.parametrize("locale", LOCALES)
async def test_forgetme_removes_identity_and_keeps_class_figures(bot: Harness, locale: str) -> None:
    kit = await families(bot, locale)
    before = await class_figures(bot, kit)
    assert any(f[2] == 3 and f[4] == 55 for f in before), before  # 4A: three reports, median 55
    mum, max_mum = bot.user(LENA_MUM), bot.user(MAX_MUM)

    reply = await bot.send(mum, "/forgetme")
    assert_speaks(reply, locale, "/forgetme deletes what I store about you:")
    assert_speaks(reply, locale, "Kept without your name:")
    reply = await bot.tap(mum, localized(locale, "Keep my data"))
    assert_speaks(reply, locale, "Nothing was deleted.")
    assert (await one(bot, User, User.id == LENA_MUM)).first_name == "Anna"

    for parent in (mum, max_mum):
        await bot.send(parent, "/forgetme")
        reply = await bot.tap(parent, localized(locale, "Continue"))
        assert_speaks(reply, locale, "This cannot be undone. Forget me now?")
        reply = await bot.tap(parent, localized(locale, "Yes, forget me"))
        assert_speaks(reply, locale, "Done: I forgot you.")
    # Lena's mother: Lena stays with her father; her reports and complaints are kept.
    reply = mum.messages[-1]
    assert plural(
        locale,
        "{n} child stays linked to their other parent.",
        "{n} children stay linked to their other parent.",
        1,
    ) in text(reply)
    assert plural(
        locale,
        "{n} complaint kept as an anonymous record: the school stays accountable for it.",
        "{n} complaints kept as anonymous records: the school stays accountable for them.",
        2,
    ) in text(reply)
    # Max's mother: Max leaves the class list; the note is gone, the reports stay.
    reply = max_mum.messages[-1]
    assert plural(
        locale, "{n} child left the class list.", "{n} children left the class list.", 1
    ) in text(reply)
    assert plural(locale, "{n} note deleted.", "{n} notes deleted.", 1) in text(reply)

    # The school's figures are exactly what they were.
    assert await class_figures(bot, kit) == before
    # Nobody's identity is left.
    for uid in (LENA_MUM, MAX_MUM):
        user = await one(bot, User, User.id == uid)
        assert (user.first_name, user.last_name, user.username) == ("", None, None)
        assert await rows(bot, ParentLink, ParentLink.parent_id == uid) == []
        assert await rows(bot, DailyReport, DailyReport.reporter_id == uid) == []
        assert await rows(bot, ReportEvent, ReportEvent.reporter_id == uid) == []
        assert await rows(bot, ComplaintEvent, ComplaintEvent.actor_id == uid) == []
    complaints = await rows(bot, Complaint)
    assert [(c.complainant_id, c.anonymous) for c in complaints] == [(None, True)] * 2
    assert [r.note for r in await rows(bot, DailyReport, DailyReport.note.is_not(None))] == []
    assert len(await rows(bot, DailyReport)) == 5  # every report is still there
    lena = await one(bot, Child, Child.id == kit.lena)
    assert (lena.name, lena.removed_at) == ("Lena", None)
    assert [p.parent_id for p in await rows(bot, ParentLink, ParentLink.child_id == kit.lena)] == [
        LENA_DAD
    ]
    max_ = await one(bot, Child, Child.id == kit.max)
    assert max_.name == "" and max_.removed_at is not None
    async with bot.session() as session:
        assert await school_store.roster_names(session, kit.class_id) == ["Lena", "Nina"]
    # /privacy afterwards: nothing of hers.
    reply = await bot.send(mum, "/privacy")
    assert_speaks(reply, locale, "No children are linked to you.")


@pytest.mark.parametrize("locale", LOCALES)
async def test_remove_a_child_and_leave_a_class_from_me(bot: Harness, locale: str) -> None:
    kit = await families(bot, locale)
    before = await class_figures(bot, kit)
    dad, max_mum = bot.user(LENA_DAD), bot.user(MAX_MUM)
    reply = await bot.send(dad, "/me")
    with use_locale(locale):
        remove, leave = (
            localized(locale, "Remove {child}").format(child="Lena"),
            localized(locale, "Leave class {klass}").format(klass="4A"),
        )
    assert remove in reply.button_texts and leave in reply.button_texts
    reply = await bot.tap(dad, remove)
    assert localized(locale, "Yes, remove") in reply.button_texts
    reply = await bot.tap(dad, localized(locale, "Cancel"))
    assert_speaks(reply, locale, "Nothing was changed.")
    assert len(await rows(bot, ParentLink, ParentLink.parent_id == LENA_DAD)) == 1
    await bot.send(dad, "/me")
    await bot.tap(dad, remove)
    reply = await bot.tap(dad, localized(locale, "Yes, remove"))
    assert_speaks(reply, locale, "Done: {child} is no longer linked to you.", child="Lena")
    assert_speaks(reply, locale, "They stay linked to their other parent.")
    assert await rows(bot, ParentLink, ParentLink.parent_id == LENA_DAD) == []
    assert (await one(bot, Child, Child.id == kit.lena)).removed_at is None  # her mother stays
    # Rights are checked on the press: an old confirmation does nothing now.
    await refused(bot, dad, LeaveButton(LeaveAction.CHILD_OK, kit.lena), locale)
    await refused(bot, dad, LeaveButton(LeaveAction.CHILD, kit.max), locale)  # not his child

    await bot.send(max_mum, "/me")
    reply = await bot.tap(max_mum, leave)
    assert localized(locale, "Yes, leave") in reply.button_texts
    reply = await bot.tap(max_mum, localized(locale, "Yes, leave"))
    assert_speaks(reply, locale, "Done: you left class {klass}.", klass="4A")
    assert await rows(bot, ParentLink, ParentLink.parent_id == MAX_MUM) == []
    max_ = await one(bot, Child, Child.id == kit.max)
    assert max_.name == "" and max_.removed_at is not None
    await refused(bot, max_mum, LeaveButton(LeaveAction.CLASS_OK, kit.class_id), locale)
    assert await class_figures(bot, kit) == before


async def test_removing_the_last_parent_withdraws_family_links(bot: Harness) -> None:
    kit = await families(bot, "en")
    max_mum = bot.user(MAX_MUM)
    await bot.send(max_mum, "/addchild")
    await bot.tap(max_mum, "🔗 Max")
    family = await one(bot, Invite, Invite.child_id == kit.max)
    assert family.revoked_at is None
    await bot.send(max_mum, "/me")
    await bot.tap(max_mum, "Remove Max")
    await bot.tap(max_mum, "Yes, remove")
    assert (await one(bot, Invite, Invite.child_id == kit.max)).revoked_at is not None
    async with bot.session() as session:
        reporters = await session.scalars(
            select(DailyReport.reporter_id).where(DailyReport.child_id == kit.max)
        )
        assert list(reporters) == [None, None]
