"""Fixtures shared across the test suite."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sandbox.simulator import Simulator


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """A seeded Losant simulator serving on an ephemeral loopback port."""
    async with Simulator() as sim:
        yield sim
