"""The one list of handlers, in commented groups (gatekeeping first, features after)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.i18n import _
from handlers.complaints import filing as complaints
from handlers.complaints import handling as tickets
from handlers.homework import load
from handlers.homework import manage as homework_manage
from handlers.homework import posting as homework
from handlers.kit.context import QingfuApp
from handlers.kit.errors import on_error
from handlers.kit.gate import gate
from handlers.kit.replies import say
from handlers.kit.router import ANY_STEP, Router
from handlers.onboarding import help, invites, language, owner, start
from handlers.parents import reports as parents
from handlers.reports import commands as reports
from handlers.school import settings
from handlers.school import setup as school_setup

GATE = -10  # every update: dedup, user row, locale, private chats only
DIALOGS = -1  # before a command: an open optional dialog step closes
FEATURES = 0


def build_router() -> Router:
    """Button payloads and dialogs, each routed to the module that owns it."""
    router = Router()
    # -- onboarding
    router.button(start.RosterPickButton, start.on_roster_pick)
    router.button(start.FamilyInviteButton, start.on_family_invite)
    router.dialog(start.DIALOG, {ANY_STEP: start.on_child_name})
    # -- owners: new schools
    router.button(owner.NewSchoolDistrictButton, owner.on_district)
    router.button(owner.NewSchoolTimezoneButton, owner.on_timezone)
    router.button(owner.NewSchoolConfirmButton, owner.on_confirm)
    router.dialog(owner.DIALOG, {ANY_STEP: owner.on_text})
    # -- invite links
    router.button(invites.InviteSchoolButton, invites.on_school)
    router.button(invites.InviteRoleButton, invites.on_role)
    router.button(invites.InviteDistrictButton, invites.on_district)
    router.button(invites.InviteToggleButton, invites.on_toggle)
    router.button(invites.InviteGradeButton, invites.on_grade)
    router.button(invites.InviteClassButton, invites.on_class)
    router.button(invites.InviteValidityButton, invites.on_validity)
    router.button(invites.InviteRevokeButton, invites.on_revoke)
    # -- school set-up: classes and subjects
    router.button(school_setup.SetupSchoolButton, school_setup.on_school)
    router.button(school_setup.SetupButton, school_setup.on_act)
    router.dialog(school_setup.DIALOG, {ANY_STEP: school_setup.on_text})
    # -- school settings: limits, mode, times, calendar
    router.button(settings.SettingsSchoolButton, settings.on_school)
    router.button(settings.SettingsButton, settings.on_act)
    router.dialog(settings.DIALOG, {ANY_STEP: settings.on_text})
    # -- homework: posting, approval, managing, load
    router.button(homework.HomeworkPickButton, homework.on_pick)
    router.button(homework.HomeworkEditButton, homework.on_edit)
    router.button(homework.HomeworkActionButton, homework.on_action)
    router.button(homework.HomeworkDecisionButton, homework.on_decide)
    router.dialog(homework.DIALOG, {ANY_STEP: homework.on_text})
    router.dialog(homework.REJECT_DIALOG, {ANY_STEP: homework.on_reject_reason})
    router.button(homework_manage.HomeworkManageButton, homework_manage.on_manage)
    router.button(load.LoadClassButton, load.on_class)
    router.button(load.LoadChartButton, load.on_chart)
    # -- parents: the evening question, typed minutes, notes, /report
    router.buttons(
        parents.EveningAnswerButton,
        lambda d: d.answer,
        {
            parents.EveningAnswer.ESTIMATE: parents.on_estimate,
            parents.EveningAnswer.MINUTES: parents.on_range,
            parents.EveningAnswer.TYPE: parents.on_type,
            parents.EveningAnswer.UNFINISHED: parents.on_unfinished,
        },
    )
    router.button(parents.ReportChildButton, parents.on_child)
    router.button(parents.ReportDayButton, parents.on_day)
    router.button(parents.NoteSkipButton, parents.on_skip)
    router.dialog(
        parents.DIALOG,
        {
            parents.EveningReportStep.MINUTES: parents.on_minutes,
            parents.EveningReportStep.NOTE: parents.on_note,
        },
        optional={parents.EveningReportStep.NOTE: parents.takes_note},
    )
    # -- complaints: filing (/complain), handling and relay (/tickets)
    router.button(complaints.ComplaintPickButton, complaints.on_pick)
    router.button(complaints.ComplaintDraftButton, complaints.on_act)
    router.dialog(complaints.DIALOG, {ANY_STEP: complaints.on_text})
    router.button(tickets.ComplaintCardButton, tickets.on_ticket)
    router.button(tickets.ComplaintFilterButton, tickets.on_filter)
    router.dialog(tickets.DIALOG, {ANY_STEP: tickets.on_text})
    # -- reports and exports: scope and period
    router.button(reports.ReportScopeButton, reports.on_scope)
    router.button(reports.ReportClassesButton, reports.on_classes)
    router.button(reports.ReportPeriodButton, reports.on_period)
    router.dialog(reports.DIALOG, {ANY_STEP: reports.on_text})
    # -- preferences
    router.button(language.LanguageButton, language.on_pick)
    return router


def register_handlers(app: QingfuApp) -> None:
    router = build_router()
    private = filters.ChatType.PRIVATE

    # -- gatekeeping and locale
    app.add_handler(TypeHandler(Update, gate), group=GATE)
    # (my_chat_member updates — the user blocked or unblocked the bot — end in the gate.)

    # -- dialogs: a command closes an optional step before it runs
    app.add_handler(MessageHandler(private & filters.COMMAND, router.on_command), group=DIALOGS)

    # -- commands everyone has
    commands = {
        "start": start.start,
        "help": help.help_command,
        "me": help.me,
        "cancel": help.cancel,
        "language": language.language,
        "addchild": start.addchild,
        # owners and school administrators
        "newschool": owner.newschool,
        "invite": invites.invite,
        "invites": invites.invites_command,
        "classes": school_setup.classes_command,
        "subjects": school_setup.subjects_command,
        "settings": settings.settings_command,
        # teachers, grade leaders, admins: homework
        "assign": homework.assign,
        "homework": homework_manage.homework_command,
        "load": load.load_command,
        # complaints: parents file them; handlers, admins and supervisors answer them
        "complain": complaints.complain,
        "tickets": tickets.tickets_command,
        # admins and supervisors: charts, summaries and exports
        "reports": reports.reports_command,
        "export": reports.export_command,
        # parents: report or correct how long homework took
        "report": parents.report_command,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=private), group=FEATURES)

    # -- buttons and free text, routed by payload type and by the open dialog
    app.add_handler(CallbackQueryHandler(router.on_button), group=FEATURES)
    app.add_handler(
        MessageHandler(
            private & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO), router.on_text
        ),
        group=FEATURES,
    )
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command), group=FEATURES)

    # -- errors
    app.add_error_handler(on_error)


async def unknown_command(update: Update, context: object) -> None:
    await say(update, _("I do not know that command. Send /help to see what I can do."))
