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
from handlers.kit.router import Router
from handlers.onboarding import help, invites, language, owner, start
from handlers.parents import reports as parents
from handlers.reports import commands as reports
from handlers.school import settings
from handlers.school import setup as school_setup

GATE = -10  # every update: dedup, user row, locale, private chats only
FEATURES = 0


def build_router() -> Router:
    """Button payloads and dialogs, each routed to the module that owns it."""
    router = Router()
    # -- onboarding
    router.buttons[start.RosterPickButton] = start.on_roster_pick
    router.buttons[start.FamilyInviteButton] = start.on_family_invite
    router.dialogs[start.DIALOG] = start.on_child_name
    # -- owners: new schools
    router.buttons[owner.NewSchoolDistrictButton] = owner.on_district
    router.buttons[owner.NewSchoolTimezoneButton] = owner.on_timezone
    router.buttons[owner.NewSchoolConfirmButton] = owner.on_confirm
    router.dialogs[owner.DIALOG] = owner.on_text
    # -- invite links
    router.buttons[invites.InviteSchoolButton] = invites.on_school
    router.buttons[invites.InviteRoleButton] = invites.on_role
    router.buttons[invites.InviteDistrictButton] = invites.on_district
    router.buttons[invites.InviteToggleButton] = invites.on_toggle
    router.buttons[invites.InviteGradeButton] = invites.on_grade
    router.buttons[invites.InviteClassButton] = invites.on_class
    router.buttons[invites.InviteValidityButton] = invites.on_validity
    router.buttons[invites.InviteRevokeButton] = invites.on_revoke
    # -- school set-up: classes and subjects
    router.buttons[school_setup.SetupSchoolButton] = school_setup.on_school
    router.buttons[school_setup.SetupButton] = school_setup.on_act
    router.dialogs[school_setup.DIALOG] = school_setup.on_text
    # -- school settings: limits, mode, times, calendar
    router.buttons[settings.SettingsSchoolButton] = settings.on_school
    router.buttons[settings.SettingsButton] = settings.on_act
    router.dialogs[settings.DIALOG] = settings.on_text
    # -- homework: posting, approval, managing, load
    router.buttons[homework.HomeworkPickButton] = homework.on_pick
    router.buttons[homework.HomeworkEditButton] = homework.on_edit
    router.buttons[homework.HomeworkActionButton] = homework.on_action
    router.buttons[homework.HomeworkDecisionButton] = homework.on_decide
    router.dialogs[homework.DIALOG] = homework.on_text
    router.dialogs[homework.REJECT_DIALOG] = homework.on_reject_reason
    router.buttons[homework_manage.HomeworkManageButton] = homework_manage.on_manage
    router.buttons[load.LoadClassButton] = load.on_class
    router.buttons[load.LoadChartButton] = load.on_chart
    # -- parents: the evening question, typed minutes, notes, /report
    router.buttons[parents.EveningAnswerButton] = parents.on_tap
    router.buttons[parents.ReportChildButton] = parents.on_child
    router.buttons[parents.ReportDayButton] = parents.on_day
    router.buttons[parents.NoteSkipButton] = parents.on_skip
    router.dialogs[parents.DIALOG] = parents.on_text
    # -- complaints: filing (/complain), handling and relay (/tickets)
    router.buttons[complaints.ComplaintPickButton] = complaints.on_pick
    router.buttons[complaints.ComplaintDraftButton] = complaints.on_act
    router.dialogs[complaints.DIALOG] = complaints.on_text
    router.buttons[tickets.ComplaintCardButton] = tickets.on_ticket
    router.buttons[tickets.ComplaintFilterButton] = tickets.on_filter
    router.dialogs[tickets.DIALOG] = tickets.on_text
    # -- reports and exports: scope and period
    router.buttons[reports.ReportScopeButton] = reports.on_scope
    router.buttons[reports.ReportClassesButton] = reports.on_classes
    router.buttons[reports.ReportPeriodButton] = reports.on_period
    router.dialogs[reports.DIALOG] = reports.on_text
    # -- preferences
    router.buttons[language.LanguageButton] = language.on_pick
    return router


def register_handlers(app: QingfuApp) -> None:
    router = build_router()
    private = filters.ChatType.PRIVATE

    # -- gatekeeping and locale
    app.add_handler(TypeHandler(Update, gate), group=GATE)
    # (my_chat_member updates — the user blocked or unblocked the bot — end in the gate.)

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
