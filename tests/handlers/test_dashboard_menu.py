"""The dashboard's menu button: with DASHBOARD_URL it opens the Mini App for a school office
(in the user's language), someone without such a role keeps the commands; without
DASHBOARD_URL the button is left alone."""

from __future__ import annotations

from datetime import date

from handlers.scheduler.tick import tick
from storage.db import SessionMaker
from tests.handlers.onboarding_kit import admin_school
from tests.handlers.scheduler_kit import local
from tests.handlers.test_reports import ADMIN, SUPERVISOR, TEACHER
from tests.handlers.test_reports import build as reports_world
from tests.harness import running_bot

URL = "https://bot.example.org/dashboard/"


async def test_school_office_gets_the_dashboard_button(sessionmaker: SessionMaker) -> None:
    async with running_bot(sessionmaker, dashboard_url=URL) as bot:
        admin, _school = await admin_school(bot, language_code="zh-hans")
        button = bot.api.menu_buttons[admin.id]
        assert button == {"type": "web_app", "text": "📊 监测看板", "web_app": {"url": URL}}
        stranger = bot.user(3001, "Stranger", language_code="ru")
        await bot.send(stranger, "/start")
        assert bot.api.menu_buttons[stranger.id] == {"type": "commands"}
        calls = len(bot.api.calls_to("setChatMenuButton"))
        await bot.send(admin, "/me")  # nothing changed: not set again
        assert len(bot.api.calls_to("setChatMenuButton")) == calls
        assert bot.errors == []


async def test_without_a_dashboard_url_no_button(sessionmaker: SessionMaker) -> None:
    async with running_bot(sessionmaker) as bot:
        admin, _school = await admin_school(bot)
        assert admin.id not in bot.api.menu_buttons
        assert bot.api.calls_to("setChatMenuButton") == []


async def test_weekly_reports_open_last_weeks_dashboard_page(sessionmaker: SessionMaker) -> None:
    """With DASHBOARD_URL the admin's weekly summary and the supervisor's bulletin carry a
    button opening last week's school or district page (in their language)."""
    async with running_bot(sessionmaker, dashboard_url=URL) as bot:
        ids = await reports_world(bot)
        monday = date(2026, 11, 16)
        await tick(bot.app, local(8, 0, monday))
        summary = bot.user(ADMIN).messages[-1]
        assert summary.reply_markup == [
            [
                {
                    "text": "📊 Dashboard",
                    "web_app": {"url": f"{URL}?v=school&id={ids['school']}&anchor=2026-11-09"},
                }
            ]
        ]
        bulletin = bot.user(SUPERVISOR).messages[-1]
        district = ids["district"]
        assert bulletin.reply_markup == [
            [
                {
                    "text": "📊 监测看板",
                    "web_app": {"url": f"{URL}?v=district&id={district}&anchor=2026-11-09"},
                }
            ]
        ]
        # Teachers' and grade leaders' pictures carry none.
        assert all(not m.reply_markup for m in bot.user(TEACHER).messages)
        assert bot.errors == []
