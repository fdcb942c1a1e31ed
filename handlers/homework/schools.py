"""The school next to a class's name, for a person with classes in more than one school
("3年级1班 · 实验小学"); nothing is added for everyone else."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.naming import school_labels
from handlers.kit.context import Ctx
from storage import homework as hw
from storage.models import SchoolClass, Subject

SchoolLabels = dict[int, str]
"""School id -> its short name; empty when one school is all the person sees."""


async def labels_for(context: Ctx, school_ids: Iterable[int]) -> SchoolLabels:
    ids = sorted(set(school_ids))
    if len(ids) < 2:
        return {}
    return school_labels(await hw.school_names(context.session, ids))


async def teaching_labels(context: Ctx, user_id: int) -> SchoolLabels:
    """For the schools a teacher teaches in (/assign)."""
    pairs = await hw.teaching_pairs(context.session, user_id)
    return await labels_for(context, (k.school_id for k, _s in pairs))


def with_school(name: str, school_id: int, labels: SchoolLabels) -> str:
    school = labels.get(school_id)
    return f"{name} · {school}" if school else name


def class_name(klass: SchoolClass, labels: SchoolLabels) -> str:
    return with_school(klass.name, klass.school_id, labels)


def subject_name(subject: Subject, labels: SchoolLabels) -> str:
    return with_school(subject.name, subject.school_id, labels)
