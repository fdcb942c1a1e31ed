"""`python bot.py` as a process: --help, configuration errors, start-up failures, secrets."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO_ROOT, TOKEN, BotProcess, clean_environ
from tests.e2e.helpers import send, t
from tests.fakebot import FakeBotAPI, FakeBotServer

pytestmark = pytest.mark.e2e

NAMES = ("BOT_TOKEN", "BOT_API_URL", "DATABASE_URL", "BOT_OWNERS", "DEFAULT_TIMEZONE", "LOG_LEVEL")


async def run_bot_py(
    *args: str, env: dict[str, str], cwd: Path, within: float = 30.0
) -> tuple[int, str, str]:
    """Run `python bot.py ARGS` to its end: (exit status, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO_ROOT / "bot.py"),
        *args,
        cwd=cwd,  # not the repository: a developer's .env there must not count
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), within)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"bot.py {' '.join(args)} did not end within {within}s") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def explanation(stderr: str) -> str:
    """The last stderr line: the one-paragraph explanation (log lines may precede it)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "bot.py printed nothing on stderr"
    assert "Traceback" not in stderr, stderr
    assert lines[-1].startswith("qingfu cannot start: "), stderr
    return lines[-1]


async def test_help_lists_every_setting(tmp_path: Path) -> None:
    code, out, err = await run_bot_py("--help", env=clean_environ(), cwd=tmp_path)
    assert code == 0, err
    for name in NAMES:
        assert name in out
    assert "demo" in out


async def test_missing_token_is_explained(tmp_path: Path) -> None:
    code, out, err = await run_bot_py(env=clean_environ(), cwd=tmp_path)
    assert code != 0
    assert out == ""
    message = explanation(err)
    assert err.strip() == message  # one paragraph and nothing else
    assert "BOT_TOKEN is not set" in message
    assert not (tmp_path / "data").exists()  # nothing was created


async def test_invalid_settings_are_explained(tmp_path: Path) -> None:
    env = clean_environ(
        BOT_TOKEN="not-a-token",
        BOT_OWNERS="me, you",
        DEFAULT_TIMEZONE="Mars/Olympus_Mons",
        LOG_LEVEL="LOUD",
        DATABASE_URL="mysql://localhost/qingfu",
    )
    code, _out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code != 0
    message = explanation(err)
    assert err.strip() == message
    for name in ("BOT_TOKEN", "BOT_OWNERS", "DEFAULT_TIMEZONE", "LOG_LEVEL", "DATABASE_URL"):
        assert name in message
    assert "not-a-token" not in message  # even a malformed token is not repeated


async def test_rejected_token_is_explained(api: FakeBotAPI, tmp_path: Path) -> None:
    """The Bot API answers getMe with 401: a clear message, no traceback, no token."""
    api.fail_next("getMe", status=401, description="Unauthorized")
    async with FakeBotServer(api) as srv:
        env = clean_environ(
            BOT_TOKEN=TOKEN,
            BOT_API_URL=srv.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        )
        code, out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code != 0
    assert "BOT_TOKEN" in explanation(err)
    assert api.tokens_seen == {TOKEN}
    assert TOKEN.partition(":")[2] not in out + err


async def test_unreachable_bot_api_is_explained(tmp_path: Path) -> None:
    async with FakeBotServer(FakeBotAPI()) as srv:
        url = srv.base_url  # a port that was just free: nothing listens there any more
    env = clean_environ(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    code, out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code != 0
    message = explanation(err)
    assert "BOT_API_URL" in message and url in message
    assert TOKEN.partition(":")[2] not in out + err


async def test_unreachable_database_is_explained(tmp_path: Path) -> None:
    env = clean_environ(
        BOT_TOKEN=TOKEN,
        BOT_API_URL="http://127.0.0.1:9/bot",
        DATABASE_URL="postgresql+asyncpg://qingfu:hunter2@127.0.0.1:9/qingfu",
    )
    code, out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code != 0
    message = explanation(err)
    assert "DATABASE_URL" in message
    assert "hunter2" not in out + err  # the password is hidden


async def test_token_never_logged_at_debug_level(bot_process: BotProcess, api: FakeBotAPI) -> None:
    """With LOG_LEVEL=DEBUG (every request logged), a conversation and a restart; the fixture
    then checks the log for the token. Handled updates are not handled again after a restart."""
    bot_process.env["LOG_LEVEL"] = "DEBUG"
    await bot_process.start()
    user = api.user(4242, "Dee", language_code="en")
    await send(user, "/help", t("en", "Change language"))
    await send(user, "/nonsense", t("en", "I do not know that command."))
    before = len(user.messages)
    await bot_process.restart()
    await user.wait_idle(quiet=0.3)
    assert len(user.messages) == before  # nothing was answered twice
    assert "DEBUG" in bot_process.log()
