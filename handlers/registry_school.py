"""The school office's tables for handlers/registry.py: /classes and /subjects, /settings (and
a district's), /policy, /newyear, /members. Registered from `registry.build_router`, the one
place every handler is registered."""

from __future__ import annotations

from handlers.kit.router import ANY_STEP, Router
from handlers.members import children as member_children
from handlers.members import common as members
from handlers.members import families as member_families
from handlers.members import teachers as member_teachers
from handlers.members.payloads import DIALOG as MEMBERS_DIALOG
from handlers.members.payloads import MembersAction, MembersButton, MembersStep, PairButton
from handlers.school import calendar as school_calendar
from handlers.school import classes as school_classes
from handlers.school import district_settings, reporting_settings, settings, settings_timezone
from handlers.school import policy as school_policy
from handlers.school import roster as school_roster
from handlers.school import setup as school_setup
from handlers.school import subjects as school_subjects
from handlers.school import typed as school_typed
from handlers.school import year as school_year


def route_school(router: Router) -> None:
    """A school's set-up (classes, subjects, class lists) and settings (limits, times, calendar)."""
    # -- school set-up: classes and subjects
    router.button(school_setup.SetupSchoolButton, school_setup.on_school)
    router.button(school_setup.SetupSchoolPageButton, school_setup.on_school_page)
    router.buttons(
        school_setup.SetupButton,
        lambda d: d.act,
        {
            school_setup.SetupAction.MENU: school_setup.on_menu,
            school_setup.SetupAction.DONE: school_setup.on_done,
            school_setup.SetupAction.DELETE: school_setup.on_delete,
            school_setup.SetupAction.DELETE_YES: school_setup.on_delete_yes,
            school_setup.SetupAction.SAVE_ROSTER: school_roster.on_save_roster,
            school_setup.SetupAction.PICK_GRADE: school_setup.on_pick_grade,
            school_setup.SetupAction.BULK: school_classes.on_bulk,
            school_setup.SetupAction.CREATE: school_classes.on_create,
            school_setup.SetupAction.ONE: school_classes.on_one,
            school_setup.SetupAction.ROSTER: school_roster.on_roster,
            school_setup.SetupAction.DELETE_PAGE: school_setup.on_delete_page,
            school_setup.SetupAction.ROSTER_PAGE: school_roster.on_roster_page,
            school_setup.SetupAction.PRESET: school_subjects.on_preset,
            school_setup.SetupAction.TYPE: school_subjects.on_type,
        },
    )
    router.dialog(
        school_setup.DIALOG,
        {
            school_setup.SetupStep.GRADES: school_classes.on_grades_text,
            school_setup.SetupStep.PER_GRADE: school_classes.on_per_grade_text,
            school_setup.SetupStep.ONE_CLASS: school_classes.on_one_class_text,
            school_setup.SetupStep.ROSTER: school_roster.on_roster_text,
            school_setup.SetupStep.ROSTER_PICK: school_roster.on_roster_pick_text,
            school_setup.SetupStep.MENU: school_typed.on_menu_text,
            school_setup.SetupStep.SUBJECTS: school_subjects.on_subjects_text,
            ANY_STEP: school_setup.on_other_text,
        },
    )
    # -- a new school year: term dates, classes a grade up, the leaving grade archived
    router.button(school_year.YearSchoolButton, school_year.on_school)
    router.button(school_year.YearSchoolPageButton, school_year.on_school_page)
    router.button(school_year.YearConfirmButton, school_year.on_confirm)
    router.dialog(
        school_year.DIALOG,
        {
            school_year.YearStep.DATES: school_year.on_dates_text,
            ANY_STEP: school_year.on_other_text,
        },
    )


def route_settings(router: Router) -> None:
    """/settings: a school's limits, mode, times, calendar, reports and hotline; a district's
    hotline."""
    router.button(settings.SettingsSchoolButton, settings.on_school)
    router.button(settings.SettingsSchoolPageButton, settings.on_school_page)
    router.buttons(
        settings.SettingsButton,
        lambda d: d.act,
        {
            settings.SettingsAction.MENU: settings.on_menu,
            settings.SettingsAction.DONE: settings.on_done,
            settings.SettingsAction.CAPS: settings.on_caps,
            settings.SettingsAction.CAP: settings.on_cap,
            settings.SettingsAction.CAP_NONE: settings.on_cap_none,
            settings.SettingsAction.MODE: settings.on_mode,
            settings.SettingsAction.SET_MODE: settings.on_set_mode,
            settings.SettingsAction.TIMES: settings.on_times,
            settings.SettingsAction.TIME: settings.on_time,
            settings.SettingsAction.DAYS: school_calendar.on_days,
            settings.SettingsAction.TOGGLE_DAY: school_calendar.on_toggle_day,
            settings.SettingsAction.CALENDAR: school_calendar.on_calendar,
            settings.SettingsAction.ADD_HOLIDAYS: school_calendar.on_add_days,
            settings.SettingsAction.ADD_MAKEUP: school_calendar.on_add_days,
            settings.SettingsAction.REMOVE_DAY: school_calendar.on_remove_day,
            settings.SettingsAction.REMINDER: settings.on_reminder,
            settings.SettingsAction.MORE: reporting_settings.on_more,
            settings.SettingsAction.VALUE: reporting_settings.on_value,
            settings.SettingsAction.WEEKDAY: reporting_settings.on_weekday,
            settings.SettingsAction.ALL_CLEAR: reporting_settings.on_all_clear,
            settings.SettingsAction.NO_HOTLINE: reporting_settings.on_no_hotline,
            settings.SettingsAction.TIMEZONE: settings_timezone.on_timezone,
            settings.SettingsAction.SET_TIMEZONE: settings_timezone.on_set_timezone,
        },
    )
    router.button(settings.SettingsDistrictButton, district_settings.on_district)
    router.buttons(
        district_settings.DistrictButton,
        lambda d: d.act,
        {
            district_settings.DistrictAction.HOTLINE: district_settings.on_hotline,
            district_settings.DistrictAction.NO_HOTLINE: district_settings.on_no_hotline,
            district_settings.DistrictAction.DONE: district_settings.on_done,
        },
    )
    router.dialog(
        district_settings.DIALOG,
        {
            district_settings.DistrictStep.HOTLINE: district_settings.on_hotline_text,
            ANY_STEP: district_settings.on_other_text,
        },
    )
    router.dialog(
        settings.DIALOG,
        {
            settings.SettingsStep.CAP: settings.on_cap_text,
            settings.SettingsStep.TIME: settings.on_time_text,
            settings.SettingsStep.REMINDER: settings.on_reminder_text,
            settings.SettingsStep.TIMEZONE: settings_timezone.on_timezone_text,
            settings.SettingsStep.VALUE: reporting_settings.on_value_text,
            settings.SettingsStep.HOLIDAYS: school_calendar.on_dates_text,
            settings.SettingsStep.MAKEUP: school_calendar.on_dates_text,
            ANY_STEP: settings.on_other_text,
        },
    )
    # -- the district's view (/policy): a district's or a school's limits and changes
    router.button(school_policy.PolicyViewButton, school_policy.on_view)


def route_members(router: Router) -> None:
    """/members: the school office's people, by action; a child's name and a link's limit."""
    router.buttons(
        MembersButton,
        lambda d: d.act,
        {
            MembersAction.MENU: members.on_menu,
            MembersAction.SCHOOLS: members.on_schools,
            MembersAction.TEACHERS: member_teachers.on_teachers,
            MembersAction.TEACHER: member_teachers.on_teacher,
            MembersAction.SUBJECT: member_teachers.on_subject,
            MembersAction.REMOVE_TEACHER: member_teachers.on_remove_teacher,
            MembersAction.REMOVE_TEACHER_OK: member_teachers.on_remove_teacher_ok,
            MembersAction.LEADERS: member_teachers.on_leaders,
            MembersAction.CLASSES: member_families.on_classes,
            MembersAction.CLASS: member_families.on_class,
            MembersAction.REMOVE_PARENT: member_families.on_remove_parent,
            MembersAction.REMOVE_PARENT_OK: member_families.on_remove_parent_ok,
            MembersAction.LIMIT: member_families.on_limit,
            MembersAction.CHILD: member_children.on_child,
            MembersAction.PENDING: member_children.on_pending,
            MembersAction.CONFIRM: member_children.on_confirm,
            MembersAction.CONFIRM_ALL: member_children.on_confirm_all,
            MembersAction.RENAME: member_children.on_rename,
            MembersAction.MERGE: member_children.on_merge,
            MembersAction.MERGE_INTO: member_children.on_merge_into,
            MembersAction.MERGE_OK: member_children.on_merge_ok,
            MembersAction.REMOVE_CHILD: member_children.on_remove_child,
            MembersAction.REMOVE_CHILD_OK: member_children.on_remove_child_ok,
            MembersAction.WAITING: member_children.on_waiting,
        },
    )
    router.button(PairButton, member_teachers.on_pair)
    router.dialog(
        MEMBERS_DIALOG,
        {
            MembersStep.RENAME: member_children.on_rename_text,
            MembersStep.LIMIT: member_families.on_limit_text,
        },
    )
