"""What `python bot.py demo` prints: what this run added, what the school holds, who the user
is in it and what to try. Command-line output, in English (not the bot's UI)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.demo.data import (
    FAKE_ID_MIN,
    LEADER_GRADE,
    USER_CHILD,
    USER_CHILD_CLASS,
    USER_CLASSES,
    USER_SUBJECTS,
)
from bot.domain.load import Caps

NOUNS = {
    "district": ("district", "districts"),
    "school": ("school", "schools"),
    "classes": ("class", "classes"),
    "subjects": ("subject", "subjects"),
    "users": ("user", "users"),
    "memberships": ("role", "roles"),
    "teaching": ("class-subject pair taught", "class-subject pairs taught"),
    "children": ("child", "children"),
    "homework": ("homework piece", "homework pieces"),
    "reports": ("parent's report", "parents' reports"),
}


@dataclass
class Added:
    """What one run created, by kind (keys of `NOUNS`)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        return ", ".join(f"{n} {NOUNS[what][n != 1]}" for what, n in self.counts.items() if n)


@dataclass(frozen=True)
class Figures:
    """What the demo school holds after a run."""

    school: str
    district: str
    timezone: str
    caps: Caps
    grades: list[int]
    """The grade of each class."""
    days: Sequence[date]
    """The school days the demo covers."""
    teachers: int
    children: int
    parents: int
    homework: int
    reports: int
    subjects: int
    over: int
    """Class-days over the limit (`bot.domain.figures.ClassDay.is_over`)."""
    child: str = USER_CHILD
    """The user's child, named in the world's language."""
    user_classes: tuple[str, ...] = USER_CLASSES
    child_class: str = USER_CHILD_CLASS
    user_subjects: tuple[str, ...] = USER_SUBJECTS


def summary_text(user_id: int, added: Added, figures: Figures) -> str:
    f, days = figures, figures.days
    grades = sorted(set(f.grades))
    user_classes = " and ".join(f.user_classes)
    user_subjects = " and ".join(f.user_subjects)
    if added.total:
        done = "Demo data is ready; this run added " + added.describe()
    else:
        done = "Demo data was already there; this run added nothing"
    span = f"{days[0]:%a %d %b} - {days[-1]:%a %d %b %Y}" if days else "no school days"
    return "\n".join(
        [
            f"{done}.",
            "",
            f"{f.school} ({f.district}), time zone {f.timezone}, "
            f"CN double-reduction caps ({f.caps.primary} min for grades 3-6, "
            f"{f.caps.junior} min for grade 7, no written homework in grades 1-2):",
            f"  {len(f.grades)} classes in grades {grades[0]}-{grades[-1]}, "
            f"{f.subjects} subjects, {f.teachers} teachers",
            f"  {f.children} children with {f.parents} parents",
            f"  {f.homework} homework pieces, {span} ({f.over} class-days over the limit)",
            f"  {f.reports} parents' reports of past evenings",
            "",
            f"Telegram user {user_id} is supervisor of {f.district}, admin of "
            f"{f.school}, grade leader of grade {LEADER_GRADE}, teacher of "
            f"{user_subjects} in {user_classes}, and parent of {f.child} "
            f"({f.child_class}).",
            f"The other teachers and parents are made up (ids from {FAKE_ID_MIN}) and "
            "marked unreachable, so the bot never messages them.",
            "",
            "Start the bot (python bot.py), open it in Telegram as that user and try:",
            "  /me        your roles, school, classes and child",
            "  /help      what each of your roles can do",
            f"  /homework  the homework you set in {user_classes}",
            "  /load      a class's load today and this week against the cap",
            f"  /report    how long {f.child}'s homework took last evening",
            "  /complain  a complaint to the school, as a parent",
        ]
    )
