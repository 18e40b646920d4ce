"""In-flight work, so that a shutdown (Heroku's SIGTERM) can let replies finish.

Bolt runs each listener as a detached asyncio task once it has acked; nothing else
keeps track of it. Handlers enter ``track()`` for the life of a request, and
``drain(grace_s)`` waits for all of them before the process exits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class InFlight:
    """Counts requests being served and lets a shutdown wait for them."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self._count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def drain(self, grace_s: float) -> bool:
        """Wait until nothing is in flight, at most ``grace_s``; True if everything finished."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=grace_s)
        except TimeoutError:
            return False
        return True
