"""The dashboard's menu button: with DASHBOARD_URL it opens the Mini App for a school office
(in the user's language), someone without such a role keeps the commands; without
DASHBOARD_URL the button is left alone."""

from __future__ import annotations

from storage.db import SessionMaker
from tests.handlers.onboarding_kit import admin_school
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
