"""Headless Chromium for the dashboard's browser tests: Debian's `chromium` driven by
Playwright (never a browser Playwright downloads). `.ci/run` installs it; outside CI a machine
without it skips the browser tests with the reason, in CI (CI=true) they fail instead."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for path in (os.environ.get("CHROMIUM_PATH", ""), *CHROMIUM_CANDIDATES):
        if path and shutil.which(path):
            return path
    return None


def require_browser() -> str:
    """Chromium's path and Playwright, or a skip (outside CI) / a failure (in CI)."""
    path = chromium_path()
    missing = []
    if path is None:
        missing.append("Debian's chromium (apt-get install chromium)")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; in CI they must run (.ci/run installs chromium)")
        pytest.skip(reason)
    assert path is not None
    return path


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """A headless Chromium browser (Playwright's async API)."""
    path = require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
