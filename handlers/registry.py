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
from handlers.complaints import followup as complaint_followup
from handlers.complaints import listing as complaint_list
from handlers.complaints.payloads import (
    ComplainAboutButton,
    ComplaintCardAction,
    ComplaintCardButton,
    ComplaintDraftAction,
    ComplaintDraftButton,
    ComplaintDraftStep,
    ComplaintFilterButton,
    ComplaintPickButton,
    OwnComplaintsPageButton,
)
from handlers.homework import approval as homework_approval
from handlers.homework import copy as homework_copy
from handlers.homework import dates as homework_dates
from handlers.homework import dialog as homework_dialog
from handlers.homework import fields as homework_fields
from handlers.homework import load
from handlers.homework import manage as homework_manage
from handlers.homework import payloads as homework
from handlers.homework import publish as homework_publish
from handlers.kit.context import QingfuApp
from handlers.kit.errors import on_error
from handlers.kit.gate import gate
from handlers.kit.month_keyboard import InertButton, on_inert
from handlers.kit.replies import say
from handlers.kit.router import ANY_STEP, Router
from handlers.members import common as members
from handlers.onboarding import (
    family,
    family_ask,
    help,
    invite_list,
    invite_scope,
    invites,
    language,
    leave,
    owner,
    privacy,
    schools,
    start,
)
from handlers.parents import freetext
from handlers.parents import history as parent_history
from handlers.parents import lookup as parent_lookup
from handlers.parents import payloads as parent_views
from handlers.parents import question as parent_question
from handlers.parents import reports as parents
from handlers.registry_school import route_members, route_school, route_settings
from handlers.reports import commands as reports
from handlers.reports import monthly as monthly_report
from handlers.scheduler import catchup
from handlers.school import policy as school_policy
from handlers.school import settings
from handlers.school import setup as school_setup
from handlers.school import year as school_year

GATE = -10  # every update: dedup, user row, locale, private chats only
DIALOGS = -1  # before a command: an open optional dialog step closes
FEATURES = 0
CATCH_UP = 1  # after the features: a user who was unreachable gets what they missed today


def build_router() -> Router:
    """Button payloads and dialogs, each routed to the module that owns it."""
    router = Router()
    router.button(InertButton, on_inert)  # a calendar's labels and days that cannot be chosen
    route_onboarding(router)  # /start, /newschool, /invite, /invites
    route_school(router)  # /classes, /subjects
    route_settings(router)  # /settings
    route_members(router)  # /members: teachers, parents, class lists
    # -- homework: the /assign dialog, its preview's buttons, approval, /homework, /load
    route_homework(router)
    # -- parents: the evening question (and its reminder), typed minutes, time worked,
    #    notes, replacing the other parent's answer, /report
    router.buttons(
        parent_question.EveningAnswerButton,
        lambda d: d.answer,
        {
            parent_question.EveningAnswer.ESTIMATE: parents.on_estimate,
            parent_question.EveningAnswer.MINUTES: parents.on_range,
            parent_question.EveningAnswer.TYPE: parents.on_type,
            parent_question.EveningAnswer.UNFINISHED: parents.on_unfinished,
        },
    )
    router.button(parent_question.KeepAnswerButton, parents.on_keep)
    router.button(parent_question.RemindersButton, parents.on_reminders)
    router.button(parent_history.ReportChildButton, parent_history.on_child)
    router.button(parent_history.ReportDayButton, parent_history.on_day)
    router.button(parents.NoteSkipButton, parents.on_skip)
    router.dialog(
        parents.DIALOG,
        {
            parents.EveningReportStep.MINUTES: parents.on_minutes,
            parents.EveningReportStep.WORKED: parents.on_worked,
            parents.EveningReportStep.NOTE: parents.on_note,
        },
        optional={
            parents.EveningReportStep.WORKED: parents.takes_note,
            parents.EveningReportStep.NOTE: parents.takes_note,
        },
    )
    # -- parents: homework look-up (/homework, the notice's button)
    router.button(parent_views.ParentHomeworkButton, parent_lookup.on_homework_button)
    # -- complaints: filing (/complain); a complaint's buttons and the relay; /tickets
    route_complaint_filing(router)
    route_complaints(router)
    # -- reports and exports: scope and period
    router.button(reports.ReportScopeButton, reports.on_scope)
    router.button(reports.ReportClassesButton, reports.on_classes)
    router.button(reports.ReportSchoolsPageButton, reports.on_scope_page)
    router.button(reports.ReportPeriodButton, reports.on_period)
    router.dialog(reports.DIALOG, {ANY_STEP: reports.on_text})
    # -- preferences
    router.button(language.LanguageButton, language.on_pick)
    route_loose_text(router)
    return router


def route_loose_text(router: Router) -> None:
    """Text outside any open step, by what it is (handlers.parents.freetext), in this order;
    the teachers' one-message homework (route_homework) was offered it first."""
    router.text_without_dialog(freetext.on_complaint_reply)
    router.text_without_dialog(freetext.on_evening_minutes)
    router.text_without_dialog(freetext.on_homework_question)
    router.text_without_dialog(freetext.on_awaiting_complaint_info)
    router.text_without_dialog(freetext.offer_menu)  # always takes it: nothing is stored
    router.button(parent_views.TypedMinutesButton, freetext.on_typed_minutes_for)
    router.button(parent_views.MenuButton, freetext.on_menu)
    router.button(complaint_followup.FollowupButton, complaint_followup.on_answer)
    router.dialog(
        complaint_followup.DIALOG,
        {complaint_followup.FollowupStep.CONFIRM: complaint_followup.on_text_at_offer},
        optional={complaint_followup.FollowupStep.CONFIRM: complaint_followup.takes_no_text},
    )


def route_onboarding(router: Router) -> None:
    """Joining, new schools and invite links."""
    # -- onboarding
    router.button(start.RosterPickButton, start.on_roster_pick)
    router.button(family.FamilyInviteButton, family.on_family_invite)
    router.dialog(start.DIALOG, {start.JoinStep.NAME: start.on_child_name})
    # -- a child another parent linked: ask them for the family link, or a namesake
    router.buttons(
        start.SameNameButton,
        lambda d: d.ask,
        {True: family_ask.on_ask, False: start.on_different_child},
    )
    router.button(family_ask.FamilySendButton, family_ask.on_send)
    # -- privacy: /forgetme's two confirmations; /me's remove a child, leave a class
    router.buttons(
        privacy.ForgetButton,
        lambda d: d.step,
        {
            privacy.ForgetStep.CONFIRM: privacy.on_confirm,
            privacy.ForgetStep.NOW: privacy.on_now,
            privacy.ForgetStep.KEEP: privacy.on_keep,
        },
    )
    router.buttons(
        leave.LeaveButton,
        lambda d: d.action,
        {
            leave.LeaveAction.CHILD: leave.on_child,
            leave.LeaveAction.CHILD_OK: leave.on_child_ok,
            leave.LeaveAction.CLASS: leave.on_class,
            leave.LeaveAction.CLASS_OK: leave.on_class_ok,
            leave.LeaveAction.CANCEL: leave.on_cancel,
        },
    )
    # -- owners: new schools
    router.button(owner.NewSchoolDistrictButton, owner.on_district)
    router.button(owner.NewSchoolDistrictPageButton, owner.on_district_page)
    router.button(owner.NewSchoolTimezoneButton, owner.on_timezone)
    router.button(owner.NewSchoolConfirmButton, owner.on_confirm)
    router.dialog(
        owner.DIALOG,
        {
            owner.NewSchoolStep.DISTRICT_NAME: owner.on_district_name,
            owner.NewSchoolStep.NAME: owner.on_school_name,
            owner.NewSchoolStep.TIMEZONE: owner.on_timezone_name,
            ANY_STEP: owner.on_other_text,
        },
    )
    # -- owners: every school (counts), rename, time zone, archive
    router.button(schools.SchoolsPageButton, schools.on_page)
    router.button(schools.SchoolActionButton, schools.on_action)
    router.button(schools.SchoolTimezoneButton, schools.on_timezone_button)
    router.dialog(
        schools.DIALOG,
        {
            schools.SchoolsStep.NAME: schools.on_name_text,
            schools.SchoolsStep.TIMEZONE: schools.on_timezone_text,
        },
    )
    # -- invite links
    router.button(invites.InviteSchoolButton, invites.on_school)
    router.button(invites.InviteRoleButton, invite_scope.on_role)
    router.button(invites.InviteDistrictButton, invite_scope.on_district)
    router.button(invites.InviteToggleButton, invite_scope.on_toggle)
    router.button(invites.InviteGradeButton, invite_scope.on_grade)
    router.button(invites.InviteClassButton, invite_scope.on_class)
    router.button(invites.InvitePageButton, invite_scope.on_page)
    router.button(invites.InviteValidityButton, invites.on_validity)
    router.button(invite_list.InviteRevokeButton, invite_list.on_revoke)
    router.button(invite_list.InviteQrButton, invite_list.on_qr)
    router.button(invite_list.InvitesPageButton, invite_list.on_page)


def route_homework(router: Router) -> None:
    """Homework's tables: picks and edits by step, the preview's buttons by action, text by step."""
    router.buttons(
        homework.HomeworkPickButton,
        lambda d: d.step,
        {
            homework.HomeworkStep.CLASS: homework_dialog.on_toggle_class,
            homework.HomeworkStep.SUBJECT: homework_dialog.on_pick_subject,
            homework.HomeworkStep.KIND: homework_fields.on_pick_kind,
            homework.HomeworkStep.MINUTES: homework_fields.on_pick_minutes,
            homework.HomeworkStep.EVENING: homework_dates.on_pick_day,
            homework.HomeworkStep.DUE: homework_dates.on_pick_due,
            homework.HomeworkStep.COPY: homework_copy.on_pick_copy,
        },
    )
    router.buttons(
        homework.HomeworkMonthButton,
        lambda d: d.step,
        {
            homework.HomeworkStep.EVENING: homework_dates.on_turn_month,
            homework.HomeworkStep.DUE: homework_dates.on_turn_month,
        },
    )
    router.buttons(
        homework.HomeworkEditButton,
        lambda d: d.field,
        {
            homework.HomeworkStep.TEXT: homework_fields.on_edit_text,
            homework.HomeworkStep.KIND: homework_fields.on_edit_kind,
            homework.HomeworkStep.MINUTES: homework_fields.on_edit_minutes,
            homework.HomeworkStep.EVENING: homework_dates.on_edit_day,
            homework.HomeworkStep.DUE: homework_dates.on_edit_due,
        },
    )
    router.dialog(
        homework.DIALOG,
        {
            homework.HomeworkStep.TEXT: homework_dialog.on_text,
            homework.HomeworkStep.MINUTES: homework_fields.on_minutes_text,
            homework.HomeworkStep.EVENING: homework_dates.on_day_text,
            homework.HomeworkStep.DUE: homework_dates.on_due_text,
            ANY_STEP: homework_fields.on_other_text,
        },
    )
    # A teacher of one class and subject may record '练习册第12页 20分钟' without /assign.
    router.text_without_dialog(homework_dialog.shortcut)
    router.buttons(
        homework.HomeworkActionButton,
        lambda d: d.action,
        {
            homework.HomeworkAction.POST: homework_publish.on_post,
            homework.HomeworkAction.POST_OVER: homework_publish.on_post_over,
            homework.HomeworkAction.SUBMIT: homework_publish.on_submit,
            homework.HomeworkAction.SAVE: homework_publish.on_save,
            homework.HomeworkAction.CANCEL: homework_publish.on_cancel,
            homework.HomeworkAction.LAYER: homework_publish.on_layer,
            homework.HomeworkAction.COPY: homework_copy.on_copy_list,
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
    router.button(homework_manage.HomeworkListButton, homework_manage.on_list)
    route_load(router)


def route_load(router: Router) -> None:
    """/load: the class picker's classes and pages, a class's chart."""
    router.button(load.LoadClassButton, load.on_class)
    router.button(load.LoadPageButton, load.on_page)
    router.button(load.LoadChartButton, load.on_chart)


def route_complaint_filing(router: Router) -> None:
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
    router.button(ComplainAboutButton, complaints.complain_about)  # under a homework notice
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


def route_complaints(router: Router) -> None:
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
    router.button(OwnComplaintsPageButton, complaint_list.on_own_page)
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
    # (my_chat_member updates — the user blocked or unblocked the bot — end in the gate, but
    # for an unblocking one, which goes on to the catch-up below.)

    # -- dialogs: a command closes an optional step before it runs
    app.add_handler(MessageHandler(private & filters.COMMAND, router.on_command), group=DIALOGS)

    # -- commands everyone has
    commands = {
        "start": start.start,
        "help": help.help_command,
        "me": help.me,
        "cancel": help.cancel,
        "language": language.language,
        "addchild": family.addchild,
        "privacy": privacy.privacy_command,
        "forgetme": privacy.forgetme_command,
        # owners and school administrators
        "newschool": owner.newschool,
        "schools": schools.schools_command,
        "invite": invites.invite,
        "invites": invite_list.invites_command,
        "members": members.members_command,
        "classes": school_setup.classes_command,
        "subjects": school_setup.subjects_command,
        "settings": settings.settings_command,
        "policy": school_policy.policy_command,  # inspectors, school offices, grade leaders
        "newyear": school_year.newyear_command,
        # teachers, grade leaders, admins: homework
        "assign": homework_dialog.assign,
        "homework": parent_lookup.homework_command,  # teachers' list, then a parent's view
        "load": load.load_command,
        # complaints: parents file them; handlers, admins and supervisors answer them
        "complain": complaints.complain,
        "tickets": complaint_list.complaints_command,
        # admins and supervisors: charts, summaries and exports
        "reports": reports.reports_command,
        "export": reports.export_command,
        "monthly": monthly_report.monthly_command,
        # parents: report or correct how long homework took
        "report": parent_history.report_command,
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

    # -- a user the bot could not reach writes (or unblocks it): what they missed today
    app.add_handler(TypeHandler(Update, catchup.on_came_back), group=CATCH_UP)

    # -- errors
    app.add_error_handler(on_error)


async def unknown_command(update: Update, context: object) -> None:
    await say(update, _("I do not know that command. Send /help to see what I can do."))
