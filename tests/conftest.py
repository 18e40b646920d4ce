"""Fixtures shared across the test suite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.sandbox.simulator import Simulator
from tests.pg import Postgres


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """A seeded Losant simulator serving on an ephemeral loopback port."""
    async with Simulator() as sim:
        yield sim


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """One PostgreSQL server for the whole session, started by the test run on first use."""
    server = Postgres(tmp_path_factory.mktemp("postgres") / "data")
    yield server
    server.stop()
