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

from bot.domain.complaints import ComplaintAction
from bot.i18n import _
from handlers.complaints import card as complaint_card
from handlers.complaints import filing as complaints
from handlers.complaints import listing as complaint_list
from handlers.complaints.payloads import (
    ComplaintCardAction,
    ComplaintCardButton,
    ComplaintDraftAction,
    ComplaintDraftButton,
    ComplaintDraftStep,
    ComplaintFilterButton,
    ComplaintPickButton,
)
from handlers.homework import approval as homework_approval
from handlers.homework import dialog as homework_dialog
from handlers.homework import load
from handlers.homework import manage as homework_manage
from handlers.homework import payloads as homework
from handlers.homework import publish as homework_publish
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
    # -- homework: the /assign dialog, its preview's buttons, approval, /homework, /load
    add_homework(router)
    # -- parents: the evening question, typed minutes, notes, /report
    router.button(parents.EveningAnswerButton, parents.on_tap)
    router.button(parents.ReportChildButton, parents.on_child)
    router.button(parents.ReportDayButton, parents.on_day)
    router.button(parents.NoteSkipButton, parents.on_skip)
    router.dialog(parents.DIALOG, {ANY_STEP: parents.on_text})
    # -- complaints: filing (/complain); a complaint's buttons and the relay; /tickets
    add_complaint_filing_routes(router)
    add_complaint_routes(router)
    # -- reports and exports: scope and period
    router.button(reports.ReportScopeButton, reports.on_scope)
    router.button(reports.ReportClassesButton, reports.on_classes)
    router.button(reports.ReportPeriodButton, reports.on_period)
    router.dialog(reports.DIALOG, {ANY_STEP: reports.on_text})
    # -- preferences
    router.button(language.LanguageButton, language.on_pick)
    return router


def add_homework(router: Router) -> None:
    """Homework's tables: picks and edits by step, the preview's buttons by action, text by step."""
    router.buttons(
        homework.HomeworkPickButton,
        lambda d: d.step,
        {
            homework.HomeworkStep.CLASS: homework_dialog.on_pick_class,
            homework.HomeworkStep.SUBJECT: homework_dialog.on_pick_subject,
            homework.HomeworkStep.KIND: homework_dialog.on_pick_kind,
            homework.HomeworkStep.MINUTES: homework_dialog.on_pick_minutes,
            homework.HomeworkStep.EVENING: homework_dialog.on_pick_evening,
            homework.HomeworkStep.DUE: homework_dialog.on_pick_due,
        },
    )
    router.buttons(
        homework.HomeworkEditButton,
        lambda d: d.field,
        {
            homework.HomeworkStep.TEXT: homework_dialog.on_edit_text,
            homework.HomeworkStep.KIND: homework_dialog.on_edit_kind,
            homework.HomeworkStep.MINUTES: homework_dialog.on_edit_minutes,
            homework.HomeworkStep.EVENING: homework_dialog.on_edit_evening,
        },
    )
    router.dialog(
        homework.DIALOG,
        {
            homework.HomeworkStep.TEXT: homework_dialog.on_text,
            homework.HomeworkStep.MINUTES: homework_dialog.on_minutes_text,
            ANY_STEP: homework_dialog.on_other_text,
        },
    )
    router.buttons(
        homework.HomeworkActionButton,
        lambda d: d.action,
        {
            homework.HomeworkAction.POST: homework_publish.on_post,
            homework.HomeworkAction.POST_OVER: homework_publish.on_post_over,
            homework.HomeworkAction.SUBMIT: homework_publish.on_submit,
            homework.HomeworkAction.SAVE: homework_publish.on_save,
            homework.HomeworkAction.CANCEL: homework_publish.on_cancel,
        },
    )
    router.buttons(
        homework.HomeworkDecisionButton,
        lambda d: d.approve,
        {True: homework_approval.on_approve, False: homework_approval.on_reject},
    )
    router.dialog(
        homework.REJECT_DIALOG,
        {homework.HomeworkRejectStep.REASON: homework_approval.on_reject_reason},
    )
    router.buttons(
        homework_manage.HomeworkManageButton,
        lambda d: d.action,
        {
            homework_manage.HomeworkManageAction.EDIT: homework_manage.on_edit,
            homework_manage.HomeworkManageAction.CANCEL: homework_manage.on_cancel,
            homework_manage.HomeworkManageAction.CONFIRM_CANCEL: homework_manage.on_confirm_cancel,
        },
    )
    router.button(load.LoadClassButton, load.on_class)
    router.button(load.LoadChartButton, load.on_chart)


def add_complaint_filing_routes(router: Router) -> None:
    """/complain: picks by step, draft buttons by action, typed text by step."""
    router.buttons(
        ComplaintPickButton,
        lambda d: d.step,
        {
            ComplaintDraftStep.SCHOOL: complaints.on_pick_school,
            ComplaintDraftStep.CLASS: complaints.on_pick_class,
            ComplaintDraftStep.CATEGORY: complaints.on_pick_category,
            ComplaintDraftStep.WHO: complaints.on_pick_who,
        },
    )
    router.buttons(
        ComplaintDraftButton,
        lambda d: d.act,
        {
            ComplaintDraftAction.PHOTOS_DONE: complaints.on_photos_done,
            ComplaintDraftAction.SEND: complaints.on_send,
            ComplaintDraftAction.CANCEL: complaints.on_cancel,
        },
    )
    router.dialog(
        complaints.DIALOG,
        {
            ComplaintDraftStep.TEXT: complaints.on_description,
            ComplaintDraftStep.PHOTOS: complaints.on_photo,
            ANY_STEP: complaints.on_other_text,  # steps that take a button
        },
    )


def add_complaint_routes(router: Router) -> None:
    """A complaint's buttons by action, the text an action asks for (the dialog's step is the
    action), and the /tickets listing's filters and pickers."""
    router.buttons(
        ComplaintCardButton,
        lambda d: d.do,
        {
            ComplaintCardAction.VIEW: complaint_card.on_history,
            ComplaintCardAction.MINE: complaint_card.on_thread,
            ComplaintCardAction.TAKE: complaint_card.on_action,
            ComplaintCardAction.REPLY: complaint_card.on_text_action,
            ComplaintCardAction.ASK: complaint_card.on_text_action,
            ComplaintCardAction.RESOLVE: complaint_card.on_text_action,
            ComplaintCardAction.ESCALATE: complaint_card.on_action,
            ComplaintCardAction.RETURN: complaint_card.on_text_action,
            ComplaintCardAction.ABUSIVE: complaint_card.on_text_action,  # the reason first
            ComplaintCardAction.ABUSIVE_OK: complaint_card.on_text_action,  # an old confirmation
            ComplaintCardAction.ADD_INFO: complaint_card.on_text_action,
            ComplaintCardAction.WITHDRAW: complaint_card.on_confirm,
            ComplaintCardAction.WITHDRAW_OK: complaint_card.on_action,
            ComplaintCardAction.RATE_OK: complaint_card.on_action,
            ComplaintCardAction.RATE_BAD: complaint_card.on_action,
            ComplaintCardAction.CONTEST: complaint_card.on_action,
        },
    )
    router.dialog(
        complaint_card.DIALOG,
        {
            ComplaintAction.REPLY: complaint_card.on_text,
            ComplaintAction.ASK: complaint_card.on_text,
            ComplaintAction.RESOLVE: complaint_card.on_text,
            ComplaintAction.RETURN: complaint_card.on_text,
            ComplaintAction.ABUSIVE: complaint_card.on_text,
            ComplaintAction.ADD_INFO: complaint_card.on_text,
        },
    )
    router.buttons(
        ComplaintFilterButton,
        lambda d: d.menu,
        {
            "": complaint_list.on_filter,
            complaint_list.MENU_CATEGORY: complaint_list.on_category_menu,
            complaint_list.MENU_CLASS: complaint_list.on_class_menu,
        },
    )


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
        "assign": homework_dialog.assign,
        "homework": homework_manage.homework_command,
        "load": load.load_command,
        # complaints: parents file them; handlers, admins and supervisors answer them
        "complain": complaints.complain,
        "tickets": complaint_list.complaints_command,
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
