from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.db import SessionMaker
from tests.harness import Harness, running_bot


@pytest.fixture
async def bot(sessionmaker: SessionMaker) -> AsyncIterator[Harness]:
    async with running_bot(sessionmaker) as harness:
        yield harness
        assert harness.errors == [], f"handler errors: {harness.errors!r}"
