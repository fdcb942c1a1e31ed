"""/privacy (what is stored about the person and who sees it) and /forgetme (two confirmations,
then storage.privacy.forget; it says what was kept and why)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.figures import MIN_FAMILIES
from bot.i18n import _, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import answer, say, say_lines
from storage import privacy


class ForgetStep(enum.StrEnum):
    CONFIRM = "c"  # the first "continue"
    NOW = "n"  # the second: forget now
    KEEP = "k"  # changed their mind


@dataclass(frozen=True)
class ForgetButton(CallbackData, prefix="fg"):
    step: ForgetStep


def child_line(child: privacy.ChildRecord) -> str:
    reports = ngettext("{n} evening report", "{n} evening reports", child.reports).format(
        n=child.reports
    )
    notes = ngettext("{n} note written by you", "{n} notes written by you", child.notes).format(
        n=child.notes
    )
    return "• " + _("{child}, class {klass} at {school}: {reports}, {notes}.").format(
        child=child.name,
        klass=child.class_name,
        school=child.school_name,
        reports=reports,
        notes=notes,
    )


def who_sees_lines() -> list[str]:
    return [
        _("Who sees what:"),
        "• " + _("Your child's name and class: the school, you and the child's other parents."),
        "• "
        + _(
            "Your reports: you and your child's other parents. Teachers and the school see "
            "only class figures (the median and the number of reports), only when at least "
            "{n} families of the class reported, and never one family's report."
        ).format(n=MIN_FAMILIES),
        "• "
        + _(
            "Your notes: the class's teachers may see them without your name or your "
            "child's, only when at least {n} families of the class reported."
        ).format(n=MIN_FAMILIES),
        "• "
        + _(
            "Complaints with your name: the school's complaint handlers see who you are. "
            "Anonymous complaints: nobody at the school or the district sees who you are; "
            "the link to you is kept only to pass messages both ways."
        ),
    ]


async def privacy_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    stored = await privacy.inventory(context.session, user.id)
    lines = [
        _("What I store about you:"),
        "• "
        + _(
            "Your Telegram account: its number, your name and username as Telegram sends "
            "them ({name}), and your language."
        ).format(name=user.display_name),
    ]
    if stored.staff_roles:
        lines.append(
            "• "
            + ngettext(
                "{n} role at a school (see /me).",
                "{n} roles at schools (see /me).",
                stored.staff_roles,
            ).format(n=stored.staff_roles)
        )
    lines += [child_line(child) for child in stored.children]
    if not stored.children:
        lines.append("• " + _("No children are linked to you."))
    total = stored.named_complaints + stored.anonymous_complaints
    lines.append(
        "• "
        + _(
            "Complaints you filed: {total} ({named} with your name, {anonymous} anonymous)."
        ).format(total=total, named=stored.named_complaints, anonymous=stored.anonymous_complaints)
    )
    lines += ["", *who_sees_lines(), ""]
    lines.append(
        _(
            "Send /forgetme to delete your data. Your reports and complaints are then kept "
            "without your name: for the class figures and for the school's accountability."
        )
    )
    await say_lines(update, lines)


async def forgetme_command(update: Update, context: Ctx) -> None:
    lines = [
        _("/forgetme deletes what I store about you:"),
        "• " + _("your name and username;"),
        "• "
        + _(
            "your links to your children: a child no other parent is linked to leaves the "
            "class list;"
        ),
        "• " + _("your notes."),
        "",
        _("Kept without your name:"),
        "• " + _("your reports, as anonymous class figures: the class's figures stay the same;"),
        "• " + _("your complaints, as anonymous records: the school stays accountable for them."),
    ]
    rows = [
        [(_("Continue"), ForgetButton(ForgetStep.CONFIRM))],
        [(_("Keep my data"), ForgetButton(ForgetStep.KEEP))],
    ]
    await say(update, "\n".join(lines), rows)


async def on_confirm(update: Update, context: Ctx, data: ForgetButton) -> None:
    await answer(update)
    rows = [
        [(_("Yes, forget me"), ForgetButton(ForgetStep.NOW))],
        [(_("Keep my data"), ForgetButton(ForgetStep.KEEP))],
    ]
    await say(update, _("This cannot be undone. Forget me now?"), rows, edit=True)


async def on_keep(update: Update, context: Ctx, data: ForgetButton) -> None:
    await answer(update)
    await say(update, _("Nothing was deleted."), edit=True)


def forgotten_lines(done: privacy.Forgotten) -> list[str]:
    """What was deleted, what was kept and why; a count only when there is something."""
    counted = [
        (
            done.children_removed,
            ngettext(
                "{n} child left the class list.",
                "{n} children left the class list.",
                done.children_removed,
            ),
        ),
        (
            done.children_kept,
            ngettext(
                "{n} child stays linked to their other parent.",
                "{n} children stay linked to their other parent.",
                done.children_kept,
            ),
        ),
        (
            done.notes_removed,
            ngettext("{n} note deleted.", "{n} notes deleted.", done.notes_removed),
        ),
        (
            done.reports_kept,
            ngettext(
                "{n} report kept without your name: it still counts in the class's figures, "
                "which do not change after the fact.",
                "{n} reports kept without your name: they still count in the class's figures, "
                "which do not change after the fact.",
                done.reports_kept,
            ),
        ),
        (
            done.complaints_kept,
            ngettext(
                "{n} complaint kept as an anonymous record: the school stays accountable for it.",
                "{n} complaints kept as anonymous records: the school stays accountable for them.",
                done.complaints_kept,
            ),
        ),
        (
            done.staff_roles,
            ngettext(
                "{n} role at a school stays: it is the school's; ask the school office to "
                "remove it.",
                "{n} roles at schools stay: they are the schools'; ask the school office to "
                "remove them.",
                done.staff_roles,
            ),
        ),
    ]
    lines = [_("Done: I forgot you.")]
    lines += ["• " + text.format(n=n) for n, text in counted if n]
    lines.append(
        _(
            "Telegram sends your name with every message: if you write to me again, I will "
            "store it again."
        )
    )
    return lines


async def on_now(update: Update, context: Ctx, data: ForgetButton) -> None:
    user = await current_user(context, update)
    done = await privacy.forget(context.session, user.id, context.now())
    await answer(update)
    await say(update, "\n".join(forgotten_lines(done)), edit=True)
    await refresh_menu(context, context.session, user)
