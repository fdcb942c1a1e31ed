"""The front end's words, translated from the bot's own catalogues (locales/*/messages.po)
and sent with the first page, so the page speaks the viewer's bot language."""

from __future__ import annotations

from bot.i18n import N_, _, use_locale

STRINGS: dict[str, str] = {
    "title": N_("Homework dashboard"),
    "district": N_("District"),
    "school": N_("School"),
    "class": N_("Class"),
    "grade": N_("Grade"),
    "schools": N_("Schools"),
    "complaints": N_("Complaints"),
    "week": N_("Week"),
    "month": N_("Month"),
    "previous": N_("Previous"),
    "next": N_("Next"),
    "filter": N_("Filter by name"),
    "export_csv": N_("Export CSV"),
    "print": N_("Print"),
    "back": N_("Back"),
    "loading": N_("Loading…"),
    "no_data": N_("No homework and no reports in this period."),
    "col_school": N_("School"),
    "col_class_days": N_("Class-days"),
    "col_within": N_("Within the limit"),
    "col_coverage": N_("Reports coverage"),
    "col_unfinished": N_("Unfinished"),
    "col_confirmations": N_("Posted over the limit"),
    "col_filed": N_("Complaints filed"),
    "col_open": N_("Open"),
    "col_late": N_("Late"),
    "col_in_time": N_("Answered in time"),
    "col_limit_changes": N_("Limit changes"),
    "trend": N_("The district, week by week"),
    "district_limit_changes": N_("Limit changes by the district: {n}"),
    "heat_legend": N_("Estimated written minutes; the parents' median from 3 reports on."),
    "over": N_("over the limit"),
    "within": N_("within the limit"),
    "limit": N_("Limit"),
    "estimate": N_("Estimate"),
    "median": N_("Parents' median"),
    "reports": N_("Reports"),
    "few_reports": N_("fewer than 3 reports: not shown"),
    "pieces": N_("Homework on this day"),
    "subject": N_("Subject"),
    "kind": N_("Kind"),
    "minutes": N_("Minutes"),
    "optional": N_("optional"),
    "notes": N_("Parents' notes (anonymous)"),
    "no_notes": N_("No notes to show."),
    "subjects": N_("Subjects' share"),
    "status": N_("Status"),
    "status_open": N_("Open"),
    "status_all_closed": N_("Closed"),
    "deadline": N_("Deadline"),
    "filed_at": N_("Filed"),
    "category": N_("Category"),
    "level": N_("Level"),
    "history": N_("History"),
    "overdue": N_("overdue"),
    "no_tickets": N_("No complaints here."),
    "refused": N_("This page is only for school offices, grade leaders and district supervisors."),
    "expired": N_("The link has expired: open the dashboard again from the bot."),
    "min": N_("min"),
    "code": N_("Number"),
}


def strings_for(locale: str) -> dict[str, str]:
    with use_locale(locale):
        return {key: _(msgid) for key, msgid in STRINGS.items()}
