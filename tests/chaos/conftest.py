"""The chaos suite: `python bot.py` against the fake Bot API with injected 5xx, timeouts before
and after delivery, 429 and 403, and processes killed (SIGKILL) mid-send. Every test here is
marked `chaos` and `e2e`; the short versions run with the normal suite, `bench/chaos.py` runs
them longer (CHAOS_SCALE=long) and prints the counts.

The e2e fixtures (`api`, `fake_server`, `bot_process`, `db`, and the webhook `fleet`) are
shared with tests/e2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import (  # noqa: F401  (fixtures and the failure hook, shared)
    api,
    bot_process,
    db,
    fake_server,
    pytest_runtest_makereport,
)
from tests.e2e.test_webhook_e2e import fleet, telegram  # noqa: F401  (fixtures, shared)

CHAOS_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if CHAOS_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.chaos)
            item.add_marker(pytest.mark.e2e)
