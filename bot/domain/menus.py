"""Command menus per capability (pure: descriptions are msgids translated by the caller)."""

from __future__ import annotations

from bot.domain.roles import Capability


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated by the caller at render time."""
    return message


# (command, description msgid); order is the order shown in Telegram's menu.
COMMON: tuple[tuple[str, str], ...] = (
    ("help", N_("What I can do for you")),
    ("me", N_("My roles, schools and children")),
    ("privacy", N_("What is stored about me, and how to delete it")),
    ("language", N_("Change language")),
    ("cancel", N_("Leave the current dialog")),
)

BY_CAPABILITY: dict[Capability, tuple[tuple[str, str], ...]] = {
    Capability.OWNER: (
        ("newschool", N_("Create a district and a school")),
        ("schools", N_("Every school: counts, rename, time zone, archive")),
        ("invite", N_("Create an invite link")),
        ("invites", N_("List and revoke invite links")),
        ("policy", N_("The district's limits and their changes")),
    ),
    Capability.SUPERVISOR: (
        ("policy", N_("The district's limits and their changes")),
        ("tickets", N_("Complaints: open tickets by deadline")),
        ("reports", N_("Charts and summaries of a period")),
        ("monthly", N_("Last month's report on one page")),
        ("export", N_("Export a period as a spreadsheet")),
    ),
    Capability.SCHOOL_ADMIN: (
        ("classes", N_("Set up grades and classes")),
        ("subjects", N_("Set up subjects")),
        ("settings", N_("School settings: limits, times, holidays")),
        ("policy", N_("The district's limits and their changes")),
        ("newyear", N_("A new school year: classes move up a grade")),
        ("load", N_("Homework load of my classes")),
        ("reports", N_("Charts and summaries of a period")),
        ("monthly", N_("Last month's report on one page")),
        ("export", N_("Export a period as a spreadsheet")),
        ("invite", N_("Create an invite link")),
        ("invites", N_("List and revoke invite links")),
        ("members", N_("Teachers, parents and class lists")),
        ("tickets", N_("Complaints: open tickets by deadline")),
    ),
    Capability.COMPLAINT_HANDLER: (("tickets", N_("Complaints: open tickets by deadline")),),
    Capability.GRADE_LEADER: (
        ("load", N_("Homework load of my classes")),
        ("homework", N_("Homework: list, edit, cancel")),
        ("policy", N_("The district's limits and their changes")),
    ),
    Capability.TEACHER: (
        ("assign", N_("Post homework")),
        ("homework", N_("Homework: list, edit, cancel")),
        ("load", N_("Homework load of my classes")),
    ),
    Capability.PARENT: (
        ("report", N_("Report how long homework took")),
        ("addchild", N_("Link another child")),
        ("complain", N_("File a complaint")),
        ("tickets", N_("My complaints and their status")),
    ),
}


def commands_for(capabilities: list[Capability]) -> list[tuple[str, str]]:
    """The de-duplicated command list for a set of capabilities, common commands last."""
    seen: set[str] = set()
    result: list[tuple[str, str]] = []
    for cap in capabilities:
        for command, description in BY_CAPABILITY[cap]:
            if command not in seen:
                seen.add(command)
                result.append((command, description))
    for command, description in COMMON:
        if command not in seen:
            seen.add(command)
            result.append((command, description))
    return result
