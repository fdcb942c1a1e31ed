"""Who sees what of a complaint being filed: the one sentence a parent reads before choosing
anonymous or named, and whether the class is kept."""

from __future__ import annotations

from bot.domain.complaints import DISTRICT_CATEGORIES, class_visible
from bot.i18n import _
from handlers.kit.context import Ctx
from storage import complaints as store
from storage.models import Dialog, SchoolClass


async def class_shown(context: Ctx, dialog: Dialog, anonymous: bool) -> bool:
    class_id = dialog.data.get("class_id")
    if not class_id:
        return False
    return class_visible(anonymous, await store.linked_parents(context.session, int(class_id)))


def district_sentence(anonymous: bool, class_name: str) -> str:
    """Who sees a district subject (tutoring): the district's supervisors, not the school."""
    if not anonymous:
        return _(
            "Named: the district supervisors see your text, photos, your child and class "
            "{klass} and your name, but never your Telegram username or account. The school is "
            "not told unless the district sends the complaint there."
        ).format(klass=class_name)
    return _(
        "Anonymous: the district supervisors see your text and photos (your class only if at "
        "least 3 of its parents use this bot), and never your name, username or Telegram "
        "account; replies reach you through this bot. The school is not told unless the "
        "district sends the complaint there."
    )


async def who_sentence(context: Ctx, dialog: Dialog, anonymous: bool) -> str:
    """One sentence saying exactly who will see what."""
    klass = await context.session.get(SchoolClass, dialog.data.get("class_id"))
    class_name = klass.name if klass is not None else ""
    if dialog.data.get("category") in DISTRICT_CATEGORIES:
        return district_sentence(anonymous, class_name)
    if not anonymous:
        return _(
            "Named: the school's complaint handlers and administrators — and the district "
            "supervisors if it is escalated — see your text, photos, your child and class "
            "{klass} and your name, but never your Telegram username or account."
        ).format(klass=class_name)
    if await class_shown(context, dialog, True):
        return _(
            "Anonymous: the school's complaint handlers and administrators — and the district "
            "supervisors if it is escalated — see your text, photos and class {klass}, but "
            "never your name, username or Telegram account; replies reach you through this bot."
        ).format(klass=class_name)
    return _(
        "Anonymous: the school's complaint handlers and administrators — and the district "
        "supervisors if it is escalated — see your text and photos but not your class (fewer "
        "than 3 parents of it use this bot), and never your name, username or Telegram "
        "account; replies reach you through this bot."
    )
